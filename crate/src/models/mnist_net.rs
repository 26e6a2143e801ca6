//! `MnistNet`: a small CNN for 28×28 digits whose head is global-average-pool + one linear
//! layer, so class activation maps (CAM, Zhou et al. 2016, <https://arxiv.org/abs/1512.04150>)
//! apply exactly.

use dfdx::nn::modules::Linear;
use dfdx::nn::{ModuleVisitor, TensorCollection};
use dfdx::prelude::*;

use super::explain::{GapHead, LayerInfo, INPUT};
use super::layer::Layer;
use super::util::{check_input, he_normal, layer_table, linear, reinit, rng, to_logits};
use super::weights::{load_weights, save_safetensors, LoadReport};
use super::Checkpoint;
use crate::nn::{max_pool2d, Conv2d, GlobalAvgPool};
use crate::ReluGrad;
use crate::{Activation, Error, Explain, Logits, Result};

const WEIGHTS: &[u8] = include_bytes!("../../assets/mnist_net.safetensors");

/// A small CNN for MNIST with a CAM-ready head, trained from scratch in seconds on the shipped
/// digits ([`crate::data::mnist`]).
///
/// | layer | what | output (28×28 input) |
/// |---|---|---|
/// | `conv1` | Conv 3×3, 1→16, pad 1, ReLU | 16×28×28 |
/// | `pool1` | MaxPool 2×2 | 16×14×14 |
/// | `conv2` | Conv 3×3, 16→32, pad 1, ReLU | 32×14×14 |
/// | `pool2` | MaxPool 2×2 | 32×7×7 |
/// | `conv3` | Conv 3×3, 32→64, pad 1, ReLU | 64×7×7 |
/// | `gap` | global average pool | 64×1×1 |
/// | `fc` | Linear 64→10 (logits) | 10×1×1 |
///
/// Conv layers are tapped after their ReLU. Checkpoint keys: `conv1.weight`, …, `fc.bias`.
///
/// # Example
/// ```
/// use glassbox::{Explain, MnistNet};
/// let net = MnistNet::pretrained()?;
/// let mnist = glassbox::data::mnist()?;
/// let logits = net.forward(mnist.test.image(0)?)?;
/// assert_eq!(net.predict(&mnist.test.image(0)?)?[0], mnist.test.label(0));
/// # let _ = logits;
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// The dtype and device parameters exist for dfdx's optimisers and builders; use the defaults.
#[derive(Clone, Debug)]
pub struct MnistNet<E: Dtype = f32, D: Storage<E> = Cpu> {
    /// Conv 3×3, 1→16, pad 1 (key `conv1`).
    pub conv1: Conv2d<1, 16, 3, 1, 1, 1, 1, E, D>,
    /// Conv 3×3, 16→32, pad 1 (key `conv2`).
    pub conv2: Conv2d<16, 32, 3, 1, 1, 1, 1, E, D>,
    /// Conv 3×3, 32→64, pad 1 (key `conv3`); CAM's feature maps.
    pub conv3: Conv2d<32, 64, 3, 1, 1, 1, 1, E, D>,
    /// Linear 64→10 after global average pooling (key `fc`).
    pub fc: Linear<64, 10, E, D>,
}

/// `(name, kind, output shape at 28×28, parameters)` in forward order.
const LAYERS: [(&str, &str, [usize; 3], usize); 7] = [
    (
        "conv1",
        "Conv2d 3×3, 1→16, pad 1 + ReLU",
        [16, 28, 28],
        16 * 9 + 16,
    ),
    ("pool1", "MaxPool 2×2", [16, 14, 14], 0),
    (
        "conv2",
        "Conv2d 3×3, 16→32, pad 1 + ReLU",
        [32, 14, 14],
        32 * 16 * 9 + 32,
    ),
    ("pool2", "MaxPool 2×2", [32, 7, 7], 0),
    (
        "conv3",
        "Conv2d 3×3, 32→64, pad 1 + ReLU",
        [64, 7, 7],
        64 * 32 * 9 + 64,
    ),
    ("gap", "GlobalAvgPool", [64, 1, 1], 0),
    ("fc", "Linear 64→10", [10, 1, 1], 64 * 10 + 10),
];

impl MnistNet<f32, Cpu> {
    /// A randomly initialised network, seeded: He-normal conv weights (std √(2 / fan-in)),
    /// zero conv biases, PyTorch's default uniform init for `fc`.
    pub fn new(seed: u64) -> Self {
        let _ids = crate::nn::id_guard();
        let mut net = Cpu::seed_from_u64(seed).build_module::<MnistNet, f32>();
        let mut r = rng(seed);
        he_normal(&mut net.conv1.weight, 9, &mut r);
        he_normal(&mut net.conv2.weight, 16 * 9, &mut r);
        he_normal(&mut net.conv3.weight, 32 * 9, &mut r);
        net.conv1.bias.copy_from(&[0.0; 16]);
        net.conv2.bias.copy_from(&[0.0; 32]);
        net.conv3.bias.copy_from(&[0.0; 64]);
        net
    }

    /// The network trained by `cargo run --release --example train_mnist` (shipped in the crate,
    /// `crate/assets/mnist_net.safetensors`; ≥ 97 % on the test split).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Format`] only if the embedded file is damaged (a broken build).
    pub fn pretrained() -> Result<Self> {
        let mut net = Self::new(0);
        let checkpoint =
            Checkpoint::from_bytes(WEIGHTS.to_vec(), "embedded mnist_net.safetensors")?;
        load_weights(&mut net, &checkpoint, &[])?;
        Ok(net)
    }

    /// Loads weights saved by [`MnistNet::save`].
    ///
    /// # Errors
    /// As [`crate::models::load_safetensors`]: unreadable file, missing or mis-shaped tensors, and
    /// NaN or infinite weights ([`crate::ErrorKind::NonFinite`] naming the tensor; load those
    /// with [`MnistNet::load_checkpoint`] and [`Checkpoint::allow_non_finite`]).
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self> {
        Ok(Self::load_with_report(path)?.0)
    }

    /// As [`MnistNet::load`], with the [`LoadReport`]: the tensors loaded and the checkpoint
    /// keys no tensor asked for (`missing` is empty: a missing tensor is an error).
    ///
    /// # Errors
    /// As [`MnistNet::load`].
    pub fn load_with_report(path: impl AsRef<std::path::Path>) -> Result<(Self, LoadReport)> {
        let mut net = Self::new(0);
        let report = net.load_checkpoint(&Checkpoint::open(path)?)?;
        Ok((net, report))
    }

    /// Overwrites the weights from `checkpoint`; returns what was loaded and left over.
    ///
    /// # Errors
    /// As [`MnistNet::load`].
    pub fn load_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<LoadReport> {
        load_weights(self, checkpoint, &[])
    }

    /// Saves the weights as f32 safetensors (keys `conv1.weight` … `fc.bias`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`] if the file cannot be written.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        save_safetensors(self, path, |k, s| (k.to_string(), s.to_vec()))
    }

    /// The predicted digit for each image of a `[B, 1, H, W]` batch.
    ///
    /// # Errors
    /// As [`Explain::forward`].
    pub fn predict(&self, x: &Activation) -> Result<Vec<usize>> {
        let logits = self.forward(x.clone())?;
        Ok(super::train::predicted(&logits))
    }

    fn step<T: Tape<f32, Cpu>>(
        &self,
        i: usize,
        x: Activation<T>,
        mode: ReluGrad,
    ) -> Result<Activation<T>> {
        match i {
            0 => self.conv1.apply_relu(x, mode),
            1 => max_pool2d(x, 2, 2, 0),
            2 => self.conv2.apply_relu(x, mode),
            3 => max_pool2d(x, 2, 2, 0),
            4 => self.conv3.apply_relu(x, mode),
            5 => GlobalAvgPool.apply(x, mode),
            _ => linear(&self.fc, x, "fc input"),
        }
    }

    fn index(&self, layer: &str) -> Result<Option<usize>> {
        if layer == INPUT {
            return Ok(None);
        }
        LAYERS
            .iter()
            .position(|l| l.0 == layer)
            .map(Some)
            .ok_or_else(|| {
                Error::unknown_layer(layer, LAYERS.iter().map(|l| l.0.to_string()).collect())
            })
    }
}

impl Explain for MnistNet<f32, Cpu> {
    fn name(&self) -> &str {
        "MnistNet"
    }

    fn input_shape(&self) -> [usize; 3] {
        [1, 28, 28]
    }

    fn num_classes(&self) -> usize {
        10
    }

    fn layers(&self) -> Vec<LayerInfo> {
        LAYERS
            .iter()
            .map(|&(name, kind, out_shape, params)| LayerInfo {
                name: name.into(),
                key: (params > 0).then(|| name.into()),
                kind: kind.into(),
                group: Some(
                    if name == "fc" || name == "gap" {
                        "head"
                    } else {
                        "features"
                    }
                    .into(),
                ),
                out_shape,
                params,
            })
            .collect()
    }

    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Activation<T>> {
        let _ids = crate::nn::id_guard();
        let end = self.index(layer)?;
        check_input(&x, 1, 4, "MnistNet")?;
        let mut x = x;
        for i in 0..end.map_or(0, |e| e + 1) {
            x = self.step(i, x, relu)?;
        }
        Ok(x)
    }

    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Logits<T>> {
        let _ids = crate::nn::id_guard();
        let start = self.index(layer)?.map_or(0, |i| i + 1);
        if start == 0 {
            check_input(&a, 1, 4, "MnistNet")?;
        }
        let mut a = a;
        for i in start..LAYERS.len() {
            a = self.step(i, a, relu)?;
        }
        to_logits(a)
    }

    fn gap_head(&self) -> Option<GapHead> {
        Some(GapHead {
            layer: "conv3".into(),
            weight: self.fc.weight.as_vec(),
            bias: self.fc.bias.as_vec(),
            channels: 64,
        })
    }

    fn randomize_layer(&mut self, layer: &str, seed: u64) -> Result<()> {
        let mut r = rng(seed);
        match self.index(layer)?.map(|i| LAYERS[i].0) {
            Some("conv1") => (
                reinit(&mut self.conv1.weight, 9, &mut r),
                reinit(&mut self.conv1.bias, 9, &mut r),
            ),
            Some("conv2") => (
                reinit(&mut self.conv2.weight, 144, &mut r),
                reinit(&mut self.conv2.bias, 144, &mut r),
            ),
            Some("conv3") => (
                reinit(&mut self.conv3.weight, 288, &mut r),
                reinit(&mut self.conv3.bias, 288, &mut r),
            ),
            Some("fc") => (
                reinit(&mut self.fc.weight, 64, &mut r),
                reinit(&mut self.fc.bias, 64, &mut r),
            ),
            _ => {
                return Err(Error::invalid(
                    "layer",
                    format!("`{layer}` has no weights to randomise"),
                ))
            }
        };
        Ok(())
    }
}

impl std::fmt::Display for MnistNet<f32, Cpu> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}",
            layer_table("MnistNet", self.input_shape(), &self.layers())
        )
    }
}

impl<D: Device<f32>> TensorCollection<f32, D> for MnistNet<f32, D> {
    type To<E2: Dtype, D2: Device<E2>> = MnistNet<E2, D2>;

    fn iter_tensors<V: ModuleVisitor<Self, f32, D>>(
        visitor: &mut V,
    ) -> std::result::Result<Option<Self::To<V::E2, V::D2>>, V::Err> {
        visitor.visit_fields(
            (
                Self::module("conv1", |s| &s.conv1, |s| &mut s.conv1),
                Self::module("conv2", |s| &s.conv2, |s| &mut s.conv2),
                Self::module("conv3", |s| &s.conv3, |s| &mut s.conv3),
                Self::module("fc", |s| &s.fc, |s| &mut s.fc),
            ),
            |(conv1, conv2, conv3, fc)| MnistNet {
                conv1,
                conv2,
                conv3,
                fc,
            },
        )
    }
}

impl<D: Device<f32>> BuildOnDevice<D, f32> for MnistNet<f32, D> {
    type Built = Self;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_a_pinned_layer_table() {
        let table = MnistNet::new(0).to_string();
        let expected = "\
MnistNet (input 1×28×28, 23,946 parameters)
  conv1    Conv2d 3×3, 1→16, pad 1 + ReLU         16×28×28          160
  pool1    MaxPool 2×2                            16×14×14            0
  conv2    Conv2d 3×3, 16→32, pad 1 + ReLU        32×14×14        4,640
  pool2    MaxPool 2×2                              32×7×7            0
  conv3    Conv2d 3×3, 32→64, pad 1 + ReLU          64×7×7       18,496
  gap      GlobalAvgPool                            64×1×1            0
  fc       Linear 64→10                             10×1×1          650
";
        assert_eq!(table, expected);
        let params: usize = crate::models::named_tensors(&MnistNet::new(0))
            .iter()
            .map(|(_, s, _)| s.iter().product::<usize>())
            .sum();
        assert_eq!(params, 23_946);
    }
}
