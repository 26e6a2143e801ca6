//! [`Filters`]: the weights of a model's first conv layer as image tiles (RGB for RGB inputs).
//!
//! The weights are read through the model's forward pass, so any [`Explain`] model works:
//! the first conv layer is linear in the input, `y[k, i, j] = b[k] + Σ w[k, c, u, v] ·
//! x[c, i·s + u − p, j·s + v − p]`, so the gradient of one output `y[k, i₀, j₀]` with respect to
//! the input is filter `k` itself, placed at that output's receptive field. A ReLU fused into the
//! layer only gates that gradient (1 where the pre-activation is positive), so it is taken at
//! random inputs `±x` until it is non-zero.

use dfdx::prelude::*;

use crate::render::{display_via_figure, Plot, TileScaling};
use crate::Explain;
use crate::ReluGrad;
use crate::{Error, Figure, Result};
use crate::{ImageGrid, Picture};

/// The filters of a model's first conv layer, `[O, C, K, K]`, recovered from input gradients.
///
/// Shown as one tile per output channel: RGB for three input channels (each filter min-max
/// scaled on its own, as in Krizhevsky et al. 2012, fig. 3), gray otherwise (the mean over
/// input channels when there are more than one but not three).
///
/// Made by [`crate::inspect::Inspect::filters`].
#[derive(Clone, PartialEq)]
pub struct Filters {
    title: String,
    /// `[O, C, KH, KW]`.
    shape: [usize; 4],
    weights: Vec<f32>,
}

impl Filters {
    /// Recovers the filters of `layer`, which must be a conv layer with only parameter-free
    /// layers before it.
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownLayer`]; [`crate::ErrorKind::Unsupported`] when `layer` is not
    /// a conv layer or a layer with parameters comes before it; the model's forward errors.
    pub fn new<M: Explain>(model: &M, layer: &str) -> Result<Self> {
        let _ids = crate::nn::id_guard();
        let layers = model.layers();
        let layer = &model.resolve_layer(layer)?;
        let Some(at) = crate::models::layer_position(&layers, layer) else {
            return Err(Error::unknown_layer(
                layer,
                layers.into_iter().map(|l| l.name).collect(),
            ));
        };
        if !layers[at].kind.to_lowercase().contains("conv") {
            return Err(Error::unsupported(format!(
                "`{layer}` is a {}, not a conv layer; filters shows the first conv layer's weights",
                layers[at].kind
            )));
        }
        if let Some(before) = layers[..at].iter().find(|l| l.params > 0) {
            return Err(Error::unsupported(format!(
                "`{}` (with parameters) comes before `{layer}`; filters shows the first conv layer only",
                before.name
            )));
        }
        let [c, h, w] = model.input_shape();
        let mut grads_per_channel = Vec::new();
        let mut out_channels = 1;
        while grads_per_channel.len() < out_channels {
            let k = grads_per_channel.len();
            // A ReLU fused into the layer zeroes the gradient where the pre-activation is
            // negative; ±x for a few random x makes it positive for (almost surely) every filter.
            let mut found = None;
            for trial in 0..8u64 {
                let (g, o) = input_gradient(model, layer, [c, h, w], k, trial)?;
                out_channels = o;
                if g.iter().any(|&v| v != 0.0) {
                    found = Some(g);
                    break;
                }
            }
            grads_per_channel.push(found.unwrap_or_else(|| vec![0.0; c * h * w]));
        }
        let (rows, cols) = support(&grads_per_channel, [c, h, w]).ok_or_else(|| {
            Error::unsupported(format!(
                "`{layer}` does not depend on the input at its centre"
            ))
        })?;
        let (kh, kw) = (rows.len(), cols.len());
        let mut weights = Vec::with_capacity(out_channels * c * kh * kw);
        for g in &grads_per_channel {
            for ch in 0..c {
                for &r in &rows {
                    for &col in &cols {
                        weights.push(g[ch * h * w + r * w + col]);
                    }
                }
            }
        }
        Ok(Self {
            title: format!("{} {layer}", model.name()),
            shape: [out_channels, c, kh, kw],
            weights,
        })
    }

    /// `[O, C, KH, KW]`.
    pub fn shape(&self) -> [usize; 4] {
        self.shape
    }

    /// The weights, row-major `[O, C, KH, KW]` (the layout of dfdx and PyTorch conv weights).
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }
}

/// The gradient of output `[0, k, centre]` of `layer` with respect to the input at a random
/// input (`trial` picks the seed; odd trials negate it), and the layer's channel count.
fn input_gradient<M: Explain>(
    model: &M,
    layer: &str,
    [c, h, w]: [usize; 3],
    k: usize,
    trial: u64,
) -> Result<(Vec<f32>, usize)> {
    let dev = Cpu::seed_from_u64(trial / 2);
    let sign = if trial.is_multiple_of(2) { 1.0 } else { -1.0 };
    let x: Tensor<(usize, usize, usize, usize), f32, Cpu> =
        dev.sample_normal_like(&(1, c, h, w)) * sign;
    let out = model.forward_to(x.leaky_trace(), layer, ReluGrad::Standard)?;
    let (_, o, oh, ow) = *out.shape();
    if k >= o {
        return Ok((vec![0.0; c * h * w], o));
    }
    let mut mask = vec![0.0f32; o * oh * ow];
    mask[k * oh * ow + (oh / 2) * ow + ow / 2] = 1.0;
    let mask = dev.tensor_from_vec(mask, (1, o, oh, ow));
    let grads = (out * mask).sum::<(), _>().backward();
    Ok((grads.get(&x).as_vec(), o))
}

/// The rows and columns where any channel's input gradient is non-zero (the kernel's window).
fn support(grads: &[Vec<f32>], [c, h, w]: [usize; 3]) -> Option<(Vec<usize>, Vec<usize>)> {
    let (mut r0, mut r1, mut c0, mut c1) = (usize::MAX, 0, usize::MAX, 0);
    for g in grads {
        for ch in 0..c {
            for r in 0..h {
                for col in 0..w {
                    if g[ch * h * w + r * w + col] != 0.0 {
                        (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(col), c1.max(col));
                    }
                }
            }
        }
    }
    (r0 != usize::MAX).then(|| ((r0..=r1).collect(), (c0..=c1).collect()))
}

impl Plot for Filters {
    /// # Errors
    /// [`crate::ErrorKind::NonFinite`] for NaN weights; render errors.
    fn figure(&self) -> Result<Figure> {
        let [o, c, kh, kw] = self.shape;
        let plane = kh * kw;
        let tiles = self
            .weights
            .chunks(c * plane)
            .map(|f| {
                if c == 3 {
                    let (lo, hi) = crate::math::min_max(f.iter().copied());
                    let span = if hi > lo { hi - lo } else { 1.0 };
                    Picture::from_chw(3, kh, kw, f.iter().map(|v| (v - lo) / span).collect())
                } else {
                    let mean = (0..plane)
                        .map(|i| (0..c).map(|ch| f[ch * plane + i]).sum::<f32>() / c as f32);
                    Picture::gray(kh, kw, mean.collect())
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let colour = if c == 3 { "RGB" } else { "gray" };
        let title = format!(
            "{}: {o} filters {kh}×{kw} over {c} input channels ({colour})",
            self.title
        );
        let grid = ImageGrid::new(tiles)
            .titles((0..o).map(|k| format!("#{k}")))
            .scaling(TileScaling::PerTile)
            .tile_side(48)
            .title(title.clone());
        Ok(grid.figure()?.with_summary(title))
    }
}

display_via_figure!(Filters);

impl std::fmt::Debug for Filters {
    /// Short: layer and shape (not every weight).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filters")
            .field("layer", &self.title)
            .field("shape", &self.shape)
            .finish()
    }
}
