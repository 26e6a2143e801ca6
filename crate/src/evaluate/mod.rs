//! Quality metrics: how faithfully a projection keeps the structure of the data, how faithful an
//! attribution is to the model, and whether it passes the sanity checks of Adebayo et al. (2018).

pub(crate) mod faithfulness;
pub(crate) mod projection;
pub(crate) mod sanity;

pub use faithfulness::{auc, gaussian_blur};
pub use projection::kl_divergence;
pub use sanity::{spearman, ClassSensitivityReport, RandomizationReport};
