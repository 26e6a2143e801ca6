//! # glassbox — see inside your dfdx models, right in the notebook
//!
//! Saliency maps, class activation maps, feature-map grids, network diagrams, PCA / t-SNE / UMAP
//! projections, surrogate rules and training curves for [dfdx](https://docs.rs/dfdx) 0.13 models,
//! rendered to PNG and shown inline in JupyterLab through evcxr. Everything runs offline on
//! stable Rust: the convolution engine is glassbox's own, and real MNIST digits plus a trained
//! small CNN ship inside the crate.
//!
//! ## Contents
//! 1. [Quick start](#quick-start)
//! 2. [Concepts](#concepts): models and layers → targets → attribution maps → figures
//! 3. [Methods](#methods)
//! 4. [Notebooks](#notebooks-evcxr)
//! 5. [Crate features](#crate-features)
//!
//! ## Quick start
//!
//! Grad-CAM on the shipped MNIST model, and the picture you would see inline in a notebook:
//!
//! ```
//! use glassbox::prelude::*;
//! use glassbox::MnistNet;
//!
//! let net = MnistNet::pretrained()?;                  // trained on the embedded digits
//! let mnist = glassbox::data::mnist()?;                 // 10,000 real digits, no download
//! let x = mnist.test.image(0)?;                         // [1, 1, 28, 28] in [0, 1]
//! let map = GradCam::new(&net, "conv3").explain(&x, Target::Predicted)?;
//! assert_eq!(map.targets()[0], net.predict(&x)?[0]);    // explained the predicted class
//! let figure = map.overlay(0, &x)?.figure()?;           // the last value of a cell shows inline
//! assert!(figure.width() >= 28);
//! # Ok::<(), glassbox::Error>(())
//! ```
//!
//! ## Concepts
//!
//! - **Models** implement [`Explain`]: named layers and a forward pass split at any of them
//!   (`forward_to` / `forward_from`), which is how activations and gradients are read without
//!   hooks. [`MnistNet`] and the typed VGG family ([`Vgg16`] …) implement it; so does your
//!   model, with `#[derive(Explain)]` when its fields are layers in order (see [`models`]).
//! - **Targets** ([`Target`]) say which score is explained: the predicted class, a class index,
//!   the top k; logits by default, softmax on request.
//! - **Attribution maps** ([`Attribution`]) keep the raw, signed numbers; `relu`, `abs`,
//!   `normalized`, `upsampled_to` are explicit steps. Faithfulness and sanity checks live in
//!   [`evaluate`].
//! - **Figures** ([`Figure`]): every visual result becomes PNG pixels with a one-line summary;
//!   [`Gallery`] composes several into one output (evcxr keeps one image per cell).
//!
//! ## Methods
//!
//! Saliency (Simonyan 2013), SmoothGrad / SmoothGrad² / VarGrad (Smilkov 2017), Gradient × Input,
//! Integrated Gradients (Sundararajan 2017), Guided Backprop (Springenberg 2015), Occlusion
//! (Zeiler 2014), CAM (Zhou 2016), Grad-CAM (Selvaraju 2017), Grad-CAM++ (Chattopadhay 2018),
//! HiResCAM, XGrad-CAM, LayerCAM, Score-CAM; PCA, t-SNE (exact, Barnes–Hut, FFT), UMAP;
//! CART surrogate rules; summaries, diagrams, feature maps; training runs with TensorBoard files.
//!
//! ## Notebooks (evcxr)
//!
//! `make tour` in the repository sets up the "Rust · glassbox" Jupyter kernel and runs every
//! tutorial in `notebooks/`. In a notebook: `:dep glassbox = { path = "../crate" }` then
//! `use glassbox::prelude::*;`.
//!
//! ## Crate features
//!
//! - `cuda`: builds against dfdx's CUDA device. The conv/pool ops and typed layers run on it,
//!   composed from dfdx's own CUDA ops ([`nn::portable`]); glassbox's models and attribution
//!   methods run on the CPU. `ci-check` lets it build without a GPU or nvcc.
//! - `download` (default): [`hub_file`] / [`Hub`] and `Vgg16::pretrained()` fetch files from the
//!   Hugging Face Hub into the cache Python's `huggingface_hub` uses (`HF_HOME`,
//!   `HF_HUB_OFFLINE`, `HF_ENDPOINT`), checking each file's sha256. Without it glassbox makes no
//!   network requests; [`Checkpoint`] still reads safetensors and PyTorch `.pth` files.

#![warn(missing_docs)]
#![warn(rustdoc::broken_intra_doc_links)]

// The derive's generated code names `::glassbox::…`, which must resolve inside the crate too.
extern crate self as glassbox;

#[doc(hidden)]
#[path = "derive_support.rs"]
pub mod __derive;
pub mod attribution;
pub mod data;
pub mod display;
#[cfg(test)]
mod entry_ids_tests;
mod error;
pub mod evaluate;
pub mod inspect;
pub mod models;
pub mod nn;
pub mod project;
pub mod render;
pub mod rules;
mod size_limit;
pub mod testing;
pub mod track;

pub use attribution::{
    explain_all, Attribution, Cam, CamFormula, CamInput, CamMethod, GradCam, GradCamPlusPlus,
    GradientXInput, GuidedBackprop, GuidedGradCam, HiResCam, IntegratedGradients, LayerCam,
    NoiseStatistic, Occlusion, Quadrature, Saliency, ScoreCam, SmoothGrad, Target, XGradCam,
};
pub use data::{CreditRules, Standardizer, Tabular};
pub use display::{display, Bundle, DisplayHandle, Interactive, ProgressBar, Show};
pub use error::{Error, ErrorKind, Result};
pub use evaluate::{
    kl_divergence, knn_accuracy, knn_recall, trustworthiness, ClassSensitivity,
    ClassSensitivityReport, DeletionInsertion, FaithfulnessCurves, ParameterRandomization,
    RandomizationReport,
};
/// `#[derive(Explain)]`: see [`Explain`](trait@Explain).
pub use glassbox_derive::Explain;
pub use inspect::{summary, FeatureMaps, Filters, Inspect, NetworkDiagram, Summary, SummaryRow};
#[cfg(feature = "download")]
pub use models::{hub_file, Hub};
pub use models::{
    load_safetensors, save_safetensors, top_k, train, Activation, Checkpoint, EpochSummary,
    Explain, Fit, GapHead, LayerInfo, LoadReport, Logits, MnistNet, Prediction, ReluGrad, TopK,
    TrainHistory, TrainStep, Vgg11, Vgg13, Vgg16, Vgg19, VggKeys,
};
pub use nn::{
    adaptive_avg_pool2d, avg_pool2d, conv2d, conv2d_relu, flatten, global_avg_pool, max_pool2d,
    relu, upsample_bilinear, without_weight_grads, AdaptiveAvgPool2d, AvgPool2d, Conv2d,
    Conv2dParams, Flatten, FlattenTo, GlobalAvgPool, MaxPool2d,
};
pub use project::{
    Affinities, AsMatrix, DecisionBoundary, Embed, Matrix, Pca, PcaModel, PcaSolver, Projection,
    Tsne, TsneMethod, Umap,
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
pub use size_limit::MAX_ELEMENTS;
pub use track::{
    read_event_file, smooth, write_projector, Curves, Hparam, Run, TensorBoardEvent,
    TensorBoardValue, TensorBoardWriter,
};

/// The names a notebook needs: `use glassbox::prelude::*;`.
pub mod prelude {
    pub use crate::{
        gallery, models::Seeded, Attribution, Colormap, Embed, Error, Explain, Figure, Gallery,
        GradCam, Inspect, Plot, Result, Run, Saliency, Target,
    };
}
