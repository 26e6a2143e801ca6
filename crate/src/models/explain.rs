//! The [`Explain`] trait: named layers and a forward pass split at any of them.

use dfdx::prelude::{Cpu, Tape};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::{Activation, Logits, ReluGrad};

/// The pseudo-layer name of the model's input: `forward_to(x, INPUT)` is `x` itself.
pub const INPUT: &str = "input";

/// One named layer of a model, as listed by [`Explain::layers`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// The name methods use to target it (`"conv5_3"`, `"gap"`, `"fc8"`).
    pub name: String,
    /// The checkpoint key prefix, when it has weights (`"features.28"`).
    pub key: Option<String>,
    /// What it is, for tables and diagrams (`"Conv2d 3×3, 512→512, pad 1"`, `"ReLU"`, `"MaxPool 2×2"`).
    pub kind: String,
    /// The block it belongs to, for grouping in diagrams (`"block5"`), if any.
    pub group: Option<String>,
    /// Output shape `[C, H, W]` for the model's default input ([`Explain::input_shape`]).
    pub out_shape: [usize; 3],
    /// Trainable parameters in this layer.
    pub params: usize,
}

/// The weights of a global-average-pool + single linear head, which is what CAM needs.
#[derive(Clone, Debug, PartialEq)]
pub struct GapHead {
    /// The conv layer whose activations the GAP averages (CAM's feature maps).
    pub layer: String,
    /// Linear weights, row-major `[classes, channels]`.
    pub weight: Vec<f32>,
    /// Linear bias, `[classes]`.
    pub bias: Vec<f32>,
    /// Number of channels of `layer`.
    pub channels: usize,
}

/// A model glassbox can look inside: named layers and a forward pass split at any of them.
///
/// Every attribution method, feature-map grid and summary works on any `Explain` model, so
/// implementing these few methods for your own dfdx model gives it all of glassbox.
///
/// # Shapes
/// Inputs are `[B, C, H, W]`; activations are `[B, C_l, H_l, W_l]` (`[B, N, 1, 1]` after a
/// flatten); logits are `[B, classes]`, pre-softmax.
pub trait Explain {
    /// A short name for titles (`"VGG16"`, `"MnistNet"`).
    fn name(&self) -> &str;

    /// The input shape `[C, H, W]` the model is built for (used for summaries and checks).
    fn input_shape(&self) -> [usize; 3];

    /// The number of classes (width of the logits).
    fn num_classes(&self) -> usize;

    /// The named layers in forward order (not including [`INPUT`]).
    fn layers(&self) -> Vec<LayerInfo>;

    /// Runs the network from the input up to and including `layer` (`INPUT` returns `x`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownLayer`] for a name not in [`Explain::layers`];
    /// [`crate::ErrorKind::Shape`] for an input the model cannot take.
    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Activation<T>>;

    /// Runs the rest of the network, from the output of `layer` to the logits.
    ///
    /// # Errors
    /// As [`Explain::forward_to`].
    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Logits<T>>;

    /// The whole forward pass: input to logits.
    ///
    /// # Errors
    /// As [`Explain::forward_to`].
    fn forward<T: Tape<f32, Cpu>>(&self, x: Activation<T>) -> Result<Logits<T>> {
        let _ids = crate::nn::id_guard();
        self.forward_from(x, INPUT, ReluGrad::Standard)
    }

    /// The GAP + linear head, if the model ends in one (CAM applies only then).
    fn gap_head(&self) -> Option<GapHead> {
        None
    }

    /// Re-initialises the weights of `layer` randomly (seeded), for the parameter-randomisation
    /// sanity check (Adebayo et al. 2018).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Unsupported`] by default; [`crate::ErrorKind::UnknownLayer`].
    fn randomize_layer(&mut self, layer: &str, seed: u64) -> Result<()> {
        let _ = seed;
        Err(crate::Error::unsupported(format!(
            "{} cannot re-initialise `{layer}`: implement `Explain::randomize_layer`",
            self.name()
        )))
    }
}
