//! Quality metrics: how faithfully a projection keeps the structure of the data, how faithful an
//! attribution is to the model, and whether it passes the sanity checks of Adebayo et al. (2018).

mod faithfulness;
mod projection;
mod sanity;

pub use faithfulness::{auc, gaussian_blur, DeletionInsertion, FaithfulnessCurves};
pub use projection::{kl_divergence, knn_accuracy, knn_recall, trustworthiness};
pub use sanity::{
    spearman, ClassSensitivity, ClassSensitivityReport, ParameterRandomization, RandomizationReport,
};
