//! Models and the one trait every inspection and attribution method talks to: [`Explain`].
//!
//! A model is a plain struct of named dfdx layers. It exposes *named layers* (tap points) and a
//! forward pass that can be **split** at any of them, which is how glassbox gets activations and
//! gradients without hooks: run [`Explain::forward_to`] a layer, trace the activation, run
//! [`Explain::forward_from`] that layer to the logits, call `backward`, read the gradient.

mod checkpoint;
mod explain;
mod mnist_net;
mod param;
mod top_k;
mod train;
mod util;
mod vgg;
mod vgg_layers;
mod weights;

pub use checkpoint::{write_safetensors, Checkpoint};
pub use explain::{Activation, Explain, GapHead, LayerInfo, Logits, ReluGrad, INPUT};
pub use mnist_net::MnistNet;
pub use param::Param;
pub use top_k::{top_k, Prediction, TopK};
pub use train::{EpochSummary, Fit, TrainHistory, TrainStep};
pub use vgg::{Vgg11, Vgg13, Vgg16, Vgg19, VggKeys};
pub use weights::{
    load_safetensors, load_weights, named_tensors, save_safetensors, KeyAliases, LoadReport,
};
