//! # glassbox — see inside your dfdx models, right in the notebook
//!
//! Saliency maps, class activation maps, feature-map grids, network diagrams, PCA / t-SNE / UMAP
//! projections, surrogate rules and training curves for [dfdx](https://docs.rs/dfdx) models,
//! rendered to PNG and shown inline in JupyterLab through evcxr.

#![warn(missing_docs)]
#![warn(rustdoc::broken_intra_doc_links)]

pub mod attribution;
pub mod data;
mod error;
pub mod evaluate;
pub mod inspect;
pub mod models;
pub mod nn;
pub mod project;
pub mod render;
pub mod rules;
pub mod testing;
pub mod track;

pub use attribution::{
    explain_all, Attribution, Cam, CamFormula, CamInput, CamMethod, GradCam, GradCamPlusPlus,
    GradientXInput, GuidedBackprop, GuidedGradCam, HiResCam, IntegratedGradients, LayerCam,
    NoiseStatistic, Occlusion, Quadrature, Saliency, ScoreCam, SmoothGrad, Target, XGradCam,
};
pub use data::{CreditRules, Standardizer, Tabular};
pub use error::{Error, ErrorKind, Result};
pub use evaluate::{
    kl_divergence, knn_accuracy, knn_recall, trustworthiness, ClassSensitivity,
    ClassSensitivityReport, DeletionInsertion, FaithfulnessCurves, ParameterRandomization,
    RandomizationReport,
};
pub use inspect::{summary, FeatureMaps, Filters, Inspect, NetworkDiagram, Summary, SummaryRow};
pub use models::{
    load_safetensors, save_safetensors, top_k, Activation, Checkpoint, EpochSummary, Explain, Fit,
    GapHead, LayerInfo, LoadReport, Logits, MnistNet, Prediction, ReluGrad, TopK, TrainHistory,
    TrainStep, Vgg11, Vgg13, Vgg16, Vgg19, VggKeys,
};
pub use nn::{
    adaptive_avg_pool2d, avg_pool2d, conv2d, flatten, global_avg_pool, max_pool2d, relu,
    upsample_bilinear, without_weight_grads, AdaptiveAvgPool2d, AvgPool2d, Conv2d, Conv2dParams,
    Flatten, FlattenTo, GlobalAvgPool, MaxPool2d,
};
pub use project::{
    Affinities, AsMatrix, DecisionBoundary, Matrix, Pca, PcaModel, PcaSolver, Projection, Tsne,
    TsneMethod, Umap,
};
pub use render::{
    cumulative_sum_threshold, normalize_attribution, BarChart, Canvas, Colorbar, Colormap, Figure,
    Gallery, HeatMap, HeatMapMode, ImageGrid, Interpolation, IntoFigure, LineChart, Normalized,
    Picture, Plot, PlotValue, Scaling, Scatter, Sign, Table, TileScaling,
};
pub use rules::{
    gradient_x_input, human_number, integrated_gradients, occlusion, permutation_importance, Cart,
    Condition, DecisionTree, FeatureAttribution, LeafStats, MlpFit, Node, Rule, Split, TabularMlp,
};
pub use track::{
    read_event_file, smooth, write_projector, Curves, Hparam, Run, TensorBoardEvent,
    TensorBoardValue, TensorBoardWriter,
};

/// The names a notebook needs: `use glassbox::prelude::*;`.
pub mod prelude {
    pub use crate::{
        gallery, Attribution, Colormap, Error, Explain, Figure, Gallery, GradCam, Inspect, Plot,
        Result, Run, Saliency, Target,
    };
}
