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
pub mod rules;

pub use data::{CreditRules, Standardizer, Tabular};
pub use error::{Error, ErrorKind, Result};
pub use models::{Activation, Explain, GapHead, LayerInfo, Logits, ReluGrad};
pub use render::{
    cumulative_sum_threshold, normalize_attribution, BarChart, Canvas, Colorbar, Colormap, Figure,
    Gallery, HeatMap, HeatMapMode, ImageGrid, Interpolation, IntoFigure, LineChart, Normalized,
    Picture, Plot, PlotValue, Scaling, Scatter, Sign, Table, TileScaling,
};
pub use rules::{
    gradient_x_input, human_number, integrated_gradients, occlusion, permutation_importance, Cart,
    Condition, DecisionTree, FeatureAttribution, LeafStats, MlpFit, Node, Rule, Split, TabularMlp,
};

/// The names a notebook needs: `use glassbox::prelude::*;`.
pub mod prelude {
    pub use crate::{gallery, Colormap, Error, Explain, Figure, Gallery, Plot, Result};
}
