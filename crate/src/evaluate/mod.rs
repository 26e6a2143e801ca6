//! Quality metrics: how faithful an attribution is to the model, and whether it passes the
//! sanity checks of Adebayo et al. (2018).

mod faithfulness;
mod sanity;

pub use faithfulness::{auc, gaussian_blur, DeletionInsertion, FaithfulnessCurves};
pub use sanity::{
    spearman, ClassSensitivity, ClassSensitivityReport, ParameterRandomization, RandomizationReport,
};
