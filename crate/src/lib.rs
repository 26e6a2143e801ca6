//! # glassbox — see inside your dfdx models, right in the notebook
//!
//! Saliency maps, class activation maps, feature-map grids, network diagrams, PCA / t-SNE / UMAP
//! projections, surrogate rules and training curves for [dfdx](https://docs.rs/dfdx) models,
//! rendered to PNG and shown inline in JupyterLab through evcxr.

#![warn(missing_docs)]
#![warn(rustdoc::broken_intra_doc_links)]

pub mod data;
mod error;
pub mod models;
pub mod nn;
pub mod render;

pub use error::{Error, ErrorKind, Result};
pub use models::{
    load_safetensors, save_safetensors, top_k, Activation, Checkpoint, Explain, GapHead, LayerInfo,
    LoadReport, Logits, Prediction, ReluGrad, TopK,
};
pub use render::{Canvas, Figure};

/// The names a notebook needs: `use glassbox::prelude::*;`.
pub mod prelude {
    pub use crate::{Error, Explain, Figure, Result};
}
