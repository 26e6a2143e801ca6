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
//! 4. [Where things are](#where-things-are): the root, the modules, the layers
//! 5. [Notebooks](#notebooks-evcxr)
//! 6. [Crate features](#crate-features)
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
//! - **Methods** implement [`AttributionMethod`]: one verb, `explain(&input, target)`, and a
//!   name. Every evaluator takes methods — [`explain_with`], [`ClassSensitivity`],
//!   [`ParameterRandomization`] — so your own method plugs into all of them.
//! - **Attribution maps** ([`Attribution`]) keep the raw, signed numbers; `relu`, `abs`,
//!   `normalized`, `upsampled_to` are explicit steps ([`AttributionMethod::then`] applies them
//!   inside an evaluator). On tabular inputs `per_feature` reads a map as one value per column.
//!   Faithfulness and sanity checks live in [`evaluate`].
//! - **Figures** ([`Figure`]): every visual result becomes PNG pixels with a one-line summary;
//!   [`Gallery`] composes several into one output (evcxr keeps one image per cell).
//!
//! ## Methods
//!
//! Each is a type with one `explain(&input, target)`; its docs give the formula, the paper and
//! any deviation from it.
//!
//! - **Gradients:** [`Saliency`] (Simonyan 2014), [`SmoothGrad`] with SmoothGrad² and VarGrad
//!   ([`NoiseStatistic`](crate::attribution::NoiseStatistic); Smilkov 2017, Adebayo 2018), [`GradientXInput`],
//!   [`IntegratedGradients`] (Sundararajan 2017), [`GuidedBackprop`] (Springenberg 2015),
//!   [`GuidedGradCam`] (Selvaraju 2017).
//! - **Perturbation:** [`Occlusion`] (Zeiler 2014).
//! - **Class activation maps:** [`Cam`] (Zhou 2016), [`GradCam`] (Selvaraju 2017),
//!   [`GradCamPlusPlus`] (Chattopadhay 2018), [`HiResCam`] (Draelos 2020), [`XGradCam`]
//!   (Fu 2020), [`LayerCam`] (Jiang 2021), [`ScoreCam`] (Wang 2020); your own formula through
//!   [`CamFormula`](crate::attribution::CamFormula) and [`CamMethod`](crate::attribution::CamMethod).
//! - **Evaluation:** [`DeletionInsertion`] (Petsiuk 2018), [`ParameterRandomization`]
//!   (Adebayo 2018), [`ClassSensitivity`]; [`explain_all`] runs several methods at once.
//! - **Projections:** [`Pca`], [`Tsne`] (exact, Barnes–Hut, FFT; van der Maaten 2008, Linderman
//!   2019), [`Umap`] (McInnes 2018), of a layer's activations ([`Embed`]).
//! - **Rules and tabular data:** [`Cart`] surrogate decision trees, [`TabularMlp`],
//!   [`permutation_importance`].
//! - **Inspection and training:** [`summary`](crate::inspect::summary), [`NetworkDiagram`](crate::inspect::NetworkDiagram), [`FeatureMaps`](crate::inspect::FeatureMaps), [`Filters`](crate::inspect::Filters);
//!   [`Run`] training curves with [`TensorBoardWriter`](crate::track::TensorBoardWriter) event files.
//!
//! ## Where things are
//!
//! **One path per item.** The crate root holds the names the tutorials use: the models, the
//! attribution methods and their [`Target`] / [`Attribution`] / [`AttributionMethod`], the
//! evaluators, the projections, the figures and plots, the trainers ([`Fit`], [`train`]) and
//! [`Error`] / [`Result`]. Every other public item lives in exactly one module, named for what it
//! is: the engine ([`nn::conv2d`], the layers) in [`nn`], datasets in [`data`], model plumbing
//! ([`models::Checkpoint`], [`models::LoadReport`]) in [`models`], the CAM building blocks
//! ([`attribution::CamFormula`]) in [`attribution`], reports and metrics in [`evaluate`],
//! feature maps and diagrams in [`inspect`], plot options in [`render`], surrogate trees in
//! [`rules`], run logs in [`track`]. No name is both at the root and in a module; the
//! [`prelude`] is the one shortcut (a glob import of the most used root names, plus the
//! [`inspect::Inspect`] and [`render::Plot`] traits).
//!
//! **Builders** read as sentences: setters named for the option (`.steps(50)`, `.patch(8)`),
//! a boolean option takes its value (`.signed(true)`, `.quiet(true)`,
//! `.reversed(true)`), and one verb ends the chain: `explain` for attribution, `fit` for
//! projections and trees, `evaluate` for every evaluator, `figure` for pictures.
//!
//! **Layers.** From the bottom up: [`nn`] (tensors, ops, layers; it owns [`Activation`],
//! [`Logits`], [`ReluGrad`]) → [`data`] → [`models`] (the [`Explain`] trait, shipped models,
//! weights, training) → [`attribution`], [`inspect`], [`project`] → [`evaluate`], [`rules`],
//! [`track`]. A module imports only modules below it; [`render`] stands apart, takes plain
//! numbers and imports none of them. A unit test reads the sources and fails on an import that
//! goes up or sideways.
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
//! - `download` (default): [`hub_file`] / [`models::Hub`] and `Vgg16::pretrained()` fetch files from the
//!   Hugging Face Hub into the cache Python's `huggingface_hub` uses (`HF_HOME`,
//!   `HF_HUB_OFFLINE`, `HF_ENDPOINT`), checking each file's sha256. Without it glassbox makes no
//!   network requests; [`models::Checkpoint`] still reads safetensors and PyTorch `.pth` files.

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
#[cfg(test)]
mod layering_tests;
pub(crate) mod math;
pub mod models;
pub mod nn;
pub mod project;
pub mod render;
pub mod rules;
mod size_limit;
pub mod testing;
pub mod track;

pub use attribution::class_activation_map::Cam;
pub use attribution::explain_all::{explain_all, explain_with};
pub use attribution::grad_cam::GradCam;
pub use attribution::grad_cam_plus_plus::GradCamPlusPlus;
pub use attribution::gradient_x_input::GradientXInput;
pub use attribution::guided_backprop::{GuidedBackprop, GuidedGradCam};
pub use attribution::hires_cam::HiResCam;
pub use attribution::integrated_gradients::IntegratedGradients;
pub use attribution::layer_cam::LayerCam;
pub use attribution::map::Attribution;
pub use attribution::method::AttributionMethod;
pub use attribution::occlusion::Occlusion;
pub use attribution::saliency::Saliency;
pub use attribution::score_cam::ScoreCam;
pub use attribution::smooth_grad::SmoothGrad;
pub use attribution::target::Target;
pub use attribution::xgrad_cam::XGradCam;
/// The dfdx this crate is built with (0.13, CPU): name its tensors and devices through
/// `glassbox::dfdx` so a notebook's dfdx is always the same version as glassbox's.
pub use dfdx;
pub use display::{display, DisplayHandle, ProgressBar, Show};
pub use error::{Error, ErrorKind, Result};
pub use evaluate::faithfulness::{DeletionInsertion, FaithfulnessCurves};
pub use evaluate::projection::{knn_accuracy, knn_recall, trustworthiness};
pub use evaluate::sanity::{ClassSensitivity, ParameterRandomization};
/// `#[derive(Explain)]`: see [`Explain`](trait@Explain).
pub use glassbox_derive::Explain;
pub use models::explain::Explain;
#[cfg(feature = "download")]
pub use models::hub::hub_file;
pub use models::mnist_net::MnistNet;
pub use models::seeded::Seeded;
pub use models::tabular_mlp::TabularMlp;
pub use models::top_k::top_k;
pub use models::train::{train, Fit};
pub use models::vgg::{Vgg11, Vgg13, Vgg16, Vgg19};
pub use nn::batch::Batch;
pub use nn::tensor::{Activation, Logits, ReluGrad};
pub use project::embed::Embed;
pub use project::matrix::Matrix;
pub use project::pca::Pca;
pub use project::projection::Projection;
pub use project::tsne::Tsne;
pub use project::umap::Umap;
pub use render::bar_chart::BarChart;
pub use render::colormap::Colormap;
pub use render::figure::Figure;
pub use render::gallery::Gallery;
pub use render::grid::ImageGrid;
pub use render::heatmap::HeatMap;
pub use render::line_chart::LineChart;
pub use render::picture::{Interpolation, Picture};
pub use render::scaling::{normalize_attribution, Scaling, Sign};
pub use render::scatter::Scatter;
pub use render::table::Table;
pub use rules::permutation::permutation_importance;
pub use rules::tree::Cart;
pub use size_limit::MAX_ELEMENTS;
pub use track::projector::write_projector;
pub use track::run::Run;
pub use track::tensorboard_read::read_event_file;

/// The names a notebook needs: `use glassbox::prelude::*;`.
pub mod prelude {
    pub use crate::inspect::Inspect;
    pub use crate::render::Plot;
    pub use crate::{
        gallery, Activation, Attribution, AttributionMethod, Batch, Colormap, Embed, Error,
        Explain, Figure, Gallery, GradCam, Result, Run, Saliency, Seeded, Target,
    };
}
