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

/// The row of `layers` that a name from [`Explain::resolve_layer`] taps: the layer of that
/// name, or the one whose checkpoint key it is (a tap inside the layer, e.g. VGG's
/// `"features.28"` before conv5_3's ReLU); `None` for [`INPUT`].
pub(crate) fn layer_position(layers: &[LayerInfo], resolved: &str) -> Option<usize> {
    layers.iter().position(|l| l.name == resolved).or_else(|| {
        layers
            .iter()
            .position(|l| l.key.as_deref() == Some(resolved))
    })
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

    /// The name `forward_to` / `forward_from` take for `name`: one of [`Explain::layers`]'
    /// names, [`INPUT`], or an alias the model accepts (VGG: torchvision's module names,
    /// `"features.29"` → `"conv5_3"`). Every method checks its layer through this one
    /// resolver, so a name that works for one works for all.
    ///
    /// The default accepts [`INPUT`] and the layer names; models with aliases override it
    /// (and accept the same aliases in `forward_to` / `forward_from`).
    ///
    /// # Example
    /// ```
    /// use glassbox::{Explain, Vgg11};
    /// let vgg = Vgg11::new(0);
    /// assert_eq!(vgg.resolve_layer("features.19")?, "conv5_2"); // torchvision's ReLU after conv5_2
    /// assert_eq!(vgg.resolve_layer("features.18")?, "features.18"); // the conv, before its ReLU
    /// assert!(vgg.resolve_layer("conv9_9").is_err());
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownLayer`], listing the layers.
    fn resolve_layer(&self, name: &str) -> Result<String> {
        let layers = self.layers();
        if name == INPUT || layers.iter().any(|l| l.name == name) {
            return Ok(name.to_string());
        }
        let mut names = vec![INPUT.to_string()];
        names.extend(layers.into_iter().map(|l| l.name));
        Err(crate::Error::unknown_layer(name, names))
    }

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
