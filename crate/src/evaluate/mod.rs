//! Quality metrics: how faithfully a projection keeps the structure of the data.

mod projection;

pub use projection::{kl_divergence, knn_accuracy, knn_recall, trustworthiness};
