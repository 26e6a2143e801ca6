//! Models and the one trait every inspection and attribution method talks to: [`Explain`].
//!
//! A model is a plain struct of named dfdx layers. It exposes *named layers* (tap points) and a
//! forward pass that can be **split** at any of them, which is how glassbox gets activations and
//! gradients without hooks: run [`Explain::forward_to`] a layer, trace the activation, run
//! [`Explain::forward_from`] that layer to the logits, call `backward`, read the gradient.
//!
//! Shipped models: [`MnistNet`](crate::MnistNet) (trained weights included, GAP head for CAM) and the VGG family
//! ([`Vgg16`](crate::Vgg16) etc., torchvision layout; [`Vgg16::load`](crate::Vgg16::load) reads safetensors and PyTorch `.pth`).
//!
//! # Your own model
//!
//! ## Derived: a chain of layers
//!
//! A model whose fields are layers applied in order gets the whole [`Explain`] trait from
//! `#[derive(Explain)]` — layer names from field names, `forward_to` / `forward_from` split at
//! any field, the layer table (output shapes measured by one forward pass at the declared input
//! shape, parameter counts from dfdx), checkpoint keys, the CAM head when the model ends in
//! global-average-pool + linear, and `randomize_layer` — plus dfdx's `TensorCollection` (so
//! `dev.build_module::<Net, f32>()`, dfdx's optimisers and [`crate::models::load_safetensors`] work):
//!
//! ```
//! use dfdx::prelude::*;
//! use glassbox::models::{Linear, Relu};
//! use glassbox::{nn::{Conv2d, GlobalAvgPool, MaxPool2d}, Explain, GradCam, Target};
//!
//! #[derive(Explain, Clone, Debug)]
//! #[explain(input = [1, 28, 28], classes = 10)]
//! struct Net {
//!     #[explain(relu)]                 // the conv and its ReLU as one layer (one fused op)
//!     conv1: Conv2d<1, 16, 3, 1, 1>,
//!     pool1: MaxPool2d<2, 2>,
//!     conv2: Conv2d<16, 32, 3, 1, 1>,
//!     relu2: Relu,                     // or a ReLU layer of its own, tapped by its name
//!     gap: GlobalAvgPool,
//!     fc: Linear<32, 10>,
//! }
//!
//! let net = Cpu::seed_from_u64(0).build_module::<Net, f32>();
//! let x = glassbox::data::mnist()?.test.image(0)?;
//! let map = GradCam::new(&net, "relu2").explain(&x, Target::Predicted)?;
//! assert_eq!(map.values().len(), 14 * 14);
//! assert_eq!(net.layers()[3].out_shape, [32, 14, 14]);       // measured, not written down
//! assert_eq!(net.gap_head().unwrap().layer, "relu2");        // so CAM applies too
//! # Ok::<(), glassbox::Error>(())
//! ```
//!
//! Attributes: on the struct `input = [C, H, W]` and `classes = N` (required) and
//! `name = "…"`; on a field `relu` (followed by a ReLU), `name = "…"` (the layer's name for
//! methods), `key = "…"` (its checkpoint key prefix, e.g. torchvision's `"features.0"`) and
//! `skip` (not a layer; rebuilt with `Default`). Fields may be glassbox's [`crate::nn::Conv2d`],
//! pools, [`crate::nn::Flatten`] and [`Relu`], dfdx's `Linear` ([`Linear`]), and any type of yours
//! implementing [`Layer`] and dfdx's `TensorCollection`. Bad input is a compile error saying
//! what to write instead. A derived model is f32 on the CPU.
//!
//! ## By hand: anything else
//!
//! Models that are not a chain (skip connections, branches) implement [`Explain`] themselves:
//! name the layers and split the forward pass. A conv → ReLU → global-average-pool → linear
//! network:
//!
//! ```
//! use dfdx::prelude::*;
//! use glassbox::models::INPUT;
//! use glassbox::{nn::{global_avg_pool, Conv2d}, Activation, Error, Explain, models::LayerInfo, Logits, ReluGrad, Result};
//!
//! struct Tiny {
//!     conv: Conv2d<1, 4, 3, 1, 1>,
//!     fc: dfdx::nn::modules::Linear<4, 2, f32, Cpu>,
//! }
//!
//! impl Explain for Tiny {
//!     fn name(&self) -> &str { "Tiny" }
//!     fn input_shape(&self) -> [usize; 3] { [1, 8, 8] }
//!     fn num_classes(&self) -> usize { 2 }
//!     fn layers(&self) -> Vec<LayerInfo> {
//!         vec![LayerInfo {
//!             name: "conv".into(), key: Some("conv".into()), kind: "Conv2d 3×3 + ReLU".into(),
//!             group: None, out_shape: [4, 8, 8], params: 4 * 9 + 4,
//!         }]
//!     }
//!     fn forward_to<T: Tape<f32, Cpu>>(&self, x: Activation<T>, layer: &str, mode: ReluGrad) -> Result<Activation<T>> {
//!         match layer {
//!             INPUT => Ok(x),
//!             "conv" => self.conv.apply_relu(x, mode),
//!             other => Err(Error::unknown_layer(other, vec!["conv".into()])),
//!         }
//!     }
//!     fn forward_from<T: Tape<f32, Cpu>>(&self, a: Activation<T>, layer: &str, mode: ReluGrad) -> Result<Logits<T>> {
//!         let a = match layer {
//!             INPUT => self.forward_to(a, "conv", mode)?,
//!             "conv" => a,
//!             other => return Err(Error::unknown_layer(other, vec!["conv".into()])),
//!         };
//!         let pooled = global_avg_pool(a)?; // [B, 4]
//!         let b = pooled.shape().0;
//!         let logits = self.fc.forward(pooled.reshape_like(&(b, Const::<4>)));
//!         Ok(logits.reshape_like(&(b, 2)))
//!     }
//! }
//!
//! let dev = Cpu::seed_from_u64(0);
//! let net = Tiny {
//!     conv: dev.build_module::<Conv2d<1, 4, 3, 1, 1>, f32>(),
//!     fc: dev.build_module::<dfdx::nn::builders::Linear<4, 2>, f32>(),
//! };
//! let x: Activation = dev.sample_normal_like(&(1, 1, 8, 8));
//! let whole = net.forward(x.clone())?.as_vec();
//! let a = net.forward_to(x, "conv", ReluGrad::Standard)?;
//! assert_eq!(net.forward_from(a, "conv", ReluGrad::Standard)?.as_vec(), whole);
//! # Ok::<(), glassbox::Error>(())
//! ```

mod batch_budget;
mod checkpoint;
pub(crate) mod divergence;
#[cfg(feature = "download")]
mod download_progress;
pub(crate) mod explain;
#[cfg(feature = "download")]
pub(crate) mod hub;
mod layer;
pub(crate) mod mnist_net;
mod param;
mod pickle;
mod pth;
pub(crate) mod seeded;
mod stored_tensor;
pub(crate) mod tabular_mlp;
pub(crate) mod top_k;
pub(crate) mod train;
mod util;
pub(crate) mod vgg;
mod vgg_layers;
mod weights;

pub(crate) use batch_budget::{batch_within_budget, Pass};
pub use checkpoint::{write_safetensors, Checkpoint};
pub(crate) use explain::{layer_position, Explain};
pub use explain::{GapHead, LayerInfo, INPUT};
#[cfg(feature = "download")]
pub use hub::Hub;
pub use layer::{Layer, Linear, Relu};
pub use param::Param;
pub use top_k::{top_k_per_row, Prediction, TopK};
pub(crate) use train::Fit;
pub use train::{accuracy, EpochSummary, TrainHistory, TrainStep};
pub(crate) use util::{check_input, to_logits};
pub use vgg::VggKeys;
pub use weights::{
    load_safetensors, load_weights, named_tensors, save_safetensors, KeyAliases, LoadReport,
};
