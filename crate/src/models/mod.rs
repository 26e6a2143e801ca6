//! Models and the one trait every inspection and attribution method talks to: [`Explain`].
//!
//! A model is a plain struct of named dfdx layers. It exposes *named layers* (tap points) and a
//! forward pass that can be **split** at any of them, which is how glassbox gets activations and
//! gradients without hooks: run [`Explain::forward_to`] a layer, trace the activation, run
//! [`Explain::forward_from`] that layer to the logits, call `backward`, read the gradient.
//!
//! Shipped models: [`MnistNet`] (trained weights included, GAP head for CAM) and the VGG family
//! ([`Vgg16`] etc., torchvision layout; [`Vgg16::load`] reads safetensors and PyTorch `.pth`).
//!
//! # Your own model
//!
//! Any dfdx model gains every glassbox method by implementing [`Explain`]: name its layers and
//! split its forward pass. A conv → ReLU → global-average-pool → linear network:
//!
//! ```
//! use dfdx::prelude::*;
//! use glassbox::models::INPUT;
//! use glassbox::{global_avg_pool, Activation, Conv2d, Error, Explain, LayerInfo, Logits, ReluGrad, Result};
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

mod checkpoint;
pub(crate) mod divergence;
#[cfg(feature = "download")]
mod download_progress;
mod explain;
#[cfg(feature = "download")]
mod hub;
mod mnist_net;
mod param;
mod pickle;
mod pth;
mod stored_tensor;
mod top_k;
mod train;
mod util;
mod vgg;
mod vgg_layers;
mod weights;

pub use checkpoint::{write_safetensors, Checkpoint};
pub use explain::{Activation, Explain, GapHead, LayerInfo, Logits, ReluGrad, INPUT};
#[cfg(feature = "download")]
pub use hub::{hub_file, Hub};
pub use mnist_net::MnistNet;
pub use param::Param;
pub use top_k::{top_k, Prediction, TopK};
pub use train::{EpochSummary, Fit, TrainHistory, TrainStep};
pub use vgg::{Vgg11, Vgg13, Vgg16, Vgg19, VggKeys};
pub use weights::{
    load_safetensors, load_weights, named_tensors, save_safetensors, KeyAliases, LoadReport,
};
