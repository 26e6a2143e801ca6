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
pub mod models;
pub mod nn;
pub mod render;
pub mod testing;

pub use attribution::{
    explain_all, Attribution, Cam, CamFormula, CamInput, CamMethod, GradCam, GradCamPlusPlus,
    GradientXInput, GuidedBackprop, GuidedGradCam, HiResCam, IntegratedGradients, LayerCam,
    NoiseStatistic, Occlusion, Quadrature, Saliency, ScoreCam, SmoothGrad, Target, XGradCam,
};
pub use error::{Error, ErrorKind, Result};
pub use evaluate::{
    ClassSensitivity, ClassSensitivityReport, DeletionInsertion, FaithfulnessCurves,
    ParameterRandomization, RandomizationReport,
};
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
pub use render::{
    cumulative_sum_threshold, normalize_attribution, BarChart, Canvas, Colorbar, Colormap, Figure,
    Gallery, HeatMap, HeatMapMode, ImageGrid, Interpolation, IntoFigure, LineChart, Normalized,
    Picture, Plot, PlotValue, Scaling, Scatter, Sign, Table, TileScaling,
};

/// The names a notebook needs: `use glassbox::prelude::*;`.
pub mod prelude {
    pub use crate::{
        gallery, Attribution, Colormap, Error, Explain, Figure, Gallery, GradCam, Plot, Result,
        Saliency, Target,
    };
}
