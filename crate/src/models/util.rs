//! Small pieces the model files share: fully connected layers on `[B, N, 1, 1]` activations,
//! input checks, seeded re-initialisation.

use dfdx::nn::modules::Linear;
use dfdx::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::{Activation, Error, Result};

/// Applies a dfdx `Linear<I, O>` to a `[B, I, 1, 1]` (or `[B, C, H, W]` with `C·H·W = I`,
/// flattened in `[C, H, W]` order like torch's `flatten`) activation → `[B, O, 1, 1]`.
pub(crate) fn linear<const I: usize, const O: usize, T: Tape<f32, Cpu>>(
    layer: &Linear<I, O, f32, Cpu>,
    x: Activation<T>,
    name: &str,
) -> Result<Activation<T>> {
    let (b, c, h, w) = *x.shape();
    if c * h * w != I {
        return Err(Error::shape(
            name,
            format!("[B, {I}] features (C·H·W = {I})"),
            &[b, c, h, w],
        ));
    }
    let x = x
        .try_reshape_like(&(b, Const::<I>))
        .map_err(Error::device)?;
    let y = crate::nn::linear(layer, x)?;
    y.try_reshape_like(&(b, O, 1, 1)).map_err(Error::device)
}

/// `[B, N, 1, 1]` → `[B, N]` logits.
pub(crate) fn to_logits<T: Tape<f32, Cpu>>(x: Activation<T>) -> Result<crate::Logits<T>> {
    let (b, n, h, w) = *x.shape();
    if h * w != 1 {
        return Err(Error::shape("logits", "[B, classes, 1, 1]", &[b, n, h, w]));
    }
    x.try_reshape_like(&(b, n)).map_err(Error::device)
}

/// Checks a model input: `[B, channels, H, W]` with `H, W ≥ min_side`, finite values.
pub(crate) fn check_input<T>(
    x: &Activation<T>,
    channels: usize,
    min_side: usize,
    model: &str,
) -> Result<()> {
    crate::nn::sync_tensor_ids();
    let (b, c, h, w) = *x.shape();
    if b == 0 || c != channels || h < min_side || w < min_side {
        return Err(Error::shape(
            format!("{model} input"),
            format!("[B ≥ 1, {channels}, H, W] with H, W ≥ {min_side}"),
            &[b, c, h, w],
        ));
    }
    crate::size_limit::checked_len("input", &[b, c, h, w])?;
    if x.as_vec().iter().any(|v| !v.is_finite()) {
        return Err(Error::non_finite(format!("the {model} input")));
    }
    Ok(())
}

/// Refills `t` uniformly in `±1/√fan_in` (PyTorch's default init) from a seeded RNG.
pub(crate) fn reinit<S: Shape>(t: &mut Tensor<S, f32, Cpu>, fan_in: usize, rng: &mut StdRng) {
    let bound = 1.0 / (fan_in as f32).sqrt();
    let values: Vec<f32> = (0..t.shape().num_elements())
        .map(|_| rng.gen_range(-bound..bound))
        .collect();
    t.copy_from(&values);
}

/// A seeded RNG for [`reinit`].
pub(crate) fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A compact layer table for a model's `Display`: name, kind, output shape, parameters.
pub(crate) fn layer_table(
    title: &str,
    input: [usize; 3],
    layers: &[crate::models::LayerInfo],
) -> String {
    let total: usize = layers.iter().map(|l| l.params).sum();
    let shape = |s: [usize; 3]| format!("{}×{}×{}", s[0], s[1], s[2]);
    let mut out = format!(
        "{title} (input {}, {} parameters)\n",
        shape(input),
        group_digits(total)
    );
    for l in layers {
        out.push_str(&format!(
            "  {:<8} {:<34} {:>12} {:>12}\n",
            l.name,
            l.kind,
            shape(l.out_shape),
            group_digits(l.params)
        ));
    }
    out
}

/// `138357544` → `"138,357,544"`.
pub(crate) fn group_digits(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Refills `t` from a normal with std `√(2 / fan_in)` (He et al. 2015), from a seeded RNG.
pub(crate) fn he_normal<S: Shape>(t: &mut Tensor<S, f32, Cpu>, fan_in: usize, rng: &mut StdRng) {
    let normal = rand_distr::Normal::new(0.0f32, (2.0 / fan_in as f32).sqrt())
        .unwrap_or_else(|_| unreachable!());
    let values: Vec<f32> = (0..t.shape().num_elements())
        .map(|_| rng.sample(normal))
        .collect();
    t.copy_from(&values);
}
