//! [`Layer`]: what a field of a `#[derive(Explain)]` model must offer — a forward step on
//! `[B, C, H, W]` activations, a description, and (when it has weights) re-initialisation.
//!
//! Implemented for glassbox's [`Conv2d`], pools, [`Flatten`], [`Relu`] and dfdx's `Linear`;
//! implement it for your own layer type to use it in a derived model (it must also implement
//! dfdx's `TensorCollection<f32, Cpu>`, which zero-sized layers get from `ZeroSizedModule`).

use dfdx::nn::{NonMutableModule, ZeroSizedModule};
use dfdx::prelude::{Cpu, HasShape, Tape};
use dfdx::tensor_ops::ReshapeTo;

use super::util::{linear, reinit, rng};
use crate::nn::{
    avg_pool2d, flatten, global_avg_pool, max_pool2d, relu, AvgPool2d, Conv2d, Flatten,
    GlobalAvgPool, MaxPool2d,
};
use crate::{Activation, ReluGrad, Result};

/// One step of a derived model's forward pass (see the [`crate::Explain`] derive).
///
/// # Example: a layer of your own
/// ```
/// use dfdx::prelude::*;
/// use glassbox::models::Layer;
/// use glassbox::{Activation, ReluGrad, Result};
///
/// /// Multiplies every activation by two.
/// #[derive(Clone, Debug, Default)]
/// struct Double;
/// impl dfdx::nn::ZeroSizedModule for Double {}
///
/// impl Layer for Double {
///     fn describe(&self) -> String { "×2".into() }
///     fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, _: ReluGrad) -> Result<Activation<T>> {
///         Ok(x * 2.0)
///     }
/// }
/// let x: Activation = Cpu::default().ones_like(&(1, 2, 1, 1));
/// assert_eq!(Double.apply(x, ReluGrad::Standard)?.as_vec(), vec![2.0, 2.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a glassbox layer, so it cannot be a field of a #[derive(Explain)] model",
    label = "not a layer",
    note = "use glassbox's Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten, models::Relu or \
            models::Linear, implement glassbox::models::Layer for your type, or mark the field \
            #[explain(skip)]"
)]
pub trait Layer {
    /// What it is, for summaries and diagrams (`"Conv2d 3×3, 1→16, pad 1"`).
    fn describe(&self) -> String;

    /// The layer on a `[B, C, H, W]` batch (fully connected layers give `[B, N, 1, 1]`);
    /// `relu` is the backward rule for any ReLU inside.
    ///
    /// # Errors
    /// A shape the layer cannot take ([`crate::ErrorKind::Shape`]).
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, relu: ReluGrad) -> Result<Activation<T>>;

    /// The layer followed by a ReLU (`#[explain(relu)]` on the field); layers with a fused
    /// version override it.
    ///
    /// # Errors
    /// As [`Layer::apply`].
    fn apply_relu<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        mode: ReluGrad,
    ) -> Result<Activation<T>> {
        relu(self.apply(x, mode)?, mode)
    }

    /// Re-initialises the weights from `seed` (PyTorch's default uniform `±1/√fan_in`);
    /// `false` for a layer without weights.
    fn randomize(&mut self, seed: u64) -> bool {
        let _ = seed;
        false
    }

    /// A fully connected layer's weight `[out, in]` and bias `[out]` (what CAM reads from a
    /// global-average-pool + linear head).
    fn linear_weights(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        None
    }

    /// Whether this is a global average pool (the `G` of a CAM-ready head).
    fn is_global_pool(&self) -> bool {
        false
    }
}

/// dfdx's fully connected layer in f32 on the CPU, as a derived model's field type.
pub type Linear<const I: usize, const O: usize> = dfdx::nn::modules::Linear<I, O, f32, Cpu>;

/// ReLU as a layer of its own, honouring [`ReluGrad`] (Guided Backprop). Zero-sized.
#[derive(Clone, Copy, Debug, Default)]
pub struct Relu;
impl ZeroSizedModule for Relu {}
impl NonMutableModule for Relu {}

impl Layer for Relu {
    fn describe(&self) -> String {
        "ReLU".into()
    }
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, mode: ReluGrad) -> Result<Activation<T>> {
        relu(x, mode)
    }
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
    > Layer for Conv2d<I, O, K, S, P, L, G, f32, Cpu>
{
    fn describe(&self) -> String {
        let mut kind = format!("Conv2d {K}×{K}, {I}→{O}");
        for (name, value, default) in [
            ("stride", S, 1),
            ("pad", P, 0),
            ("dilation", L, 1),
            ("groups", G, 1),
        ] {
            if value != default {
                kind.push_str(&format!(", {name} {value}"));
            }
        }
        kind
    }
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, _: ReluGrad) -> Result<Activation<T>> {
        Conv2d::apply(self, x)
    }
    fn apply_relu<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        mode: ReluGrad,
    ) -> Result<Activation<T>> {
        Conv2d::apply_relu(self, x, mode)
    }
    fn randomize(&mut self, seed: u64) -> bool {
        let fan_in = I / G * K * K;
        let mut r = rng(seed);
        reinit(&mut self.weight, fan_in, &mut r);
        reinit(&mut self.bias, fan_in, &mut r);
        true
    }
}

impl<const I: usize, const O: usize> Layer for Linear<I, O> {
    fn describe(&self) -> String {
        format!("Linear {I}→{O}")
    }
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, _: ReluGrad) -> Result<Activation<T>> {
        linear(self, x, "Linear input")
    }
    fn randomize(&mut self, seed: u64) -> bool {
        let mut r = rng(seed);
        reinit(&mut self.weight, I, &mut r);
        reinit(&mut self.bias, I, &mut r);
        true
    }
    fn linear_weights(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        Some((self.weight.as_vec(), self.bias.as_vec()))
    }
}

impl<const K: usize, const S: usize, const P: usize> Layer for MaxPool2d<K, S, P> {
    fn describe(&self) -> String {
        pool_kind("MaxPool", K, S, P)
    }
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, _: ReluGrad) -> Result<Activation<T>> {
        max_pool2d(x, K, S, P)
    }
}

impl<const K: usize, const S: usize, const P: usize> Layer for AvgPool2d<K, S, P> {
    fn describe(&self) -> String {
        pool_kind("AvgPool", K, S, P)
    }
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, _: ReluGrad) -> Result<Activation<T>> {
        avg_pool2d(x, K, S, P)
    }
}

impl Layer for GlobalAvgPool {
    fn describe(&self) -> String {
        "GlobalAvgPool".into()
    }
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, _: ReluGrad) -> Result<Activation<T>> {
        let (b, c, _, _) = *x.shape();
        global_avg_pool(x)?
            .try_reshape_like(&(b, c, 1, 1))
            .map_err(crate::Error::device)
    }
    fn is_global_pool(&self) -> bool {
        true
    }
}

impl Layer for Flatten {
    fn describe(&self) -> String {
        "Flatten".into()
    }
    fn apply<T: Tape<f32, Cpu>>(&self, x: Activation<T>, _: ReluGrad) -> Result<Activation<T>> {
        let b = x.shape().0;
        let flat = flatten(x)?;
        let n = flat.shape().1;
        flat.try_reshape_like(&(b, n, 1, 1))
            .map_err(crate::Error::device)
    }
}

/// `"MaxPool 2×2"`, with the stride and padding when they differ from the window.
fn pool_kind(name: &str, k: usize, s: usize, p: usize) -> String {
    let mut kind = format!("{name} {k}×{k}");
    if s != k {
        kind.push_str(&format!(", stride {s}"));
    }
    if p != 0 {
        kind.push_str(&format!(", pad {p}"));
    }
    kind
}
