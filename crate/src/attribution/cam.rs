//! The one CAM pipeline: activations → target score → gradients → channel weights → weighted
//! sum → map. Each CAM method is only its [`CamFormula`].

use crate::attribution::pipeline::{backprop, check_input, check_layer, plan};
use crate::attribution::Rebind;
use crate::AttributionMethod;
use crate::{Activation, Attribution, Explain, ReluGrad, Result, Target};

/// One image's activations and gradients at the CAM layer, as a formula sees them.
///
/// `acts` and `grads` are `[C, H, W]` row-major: `A^k_ij` and `g^k_ij = ∂S_c/∂A^k_ij`.
#[derive(Clone, Copy, Debug)]
pub struct CamInput<'a> {
    /// Activations `A`, `[C, H, W]`.
    pub acts: &'a [f32],
    /// Gradients `g = ∂S_c/∂A`, `[C, H, W]`.
    pub grads: &'a [f32],
    /// Number of channels `C`.
    pub channels: usize,
    /// The class `c` being explained.
    pub class: usize,
}

/// `Σ_k alpha_k A^k` of `[C, H, W]` activations `acts`, `[H, W]` (accumulated from zero,
/// channel by channel): the map of every channel-weighting CAM method, Score-CAM's too.
pub(crate) fn weighted_sum(acts: &[f32], channels: usize, alpha: &[f32]) -> Vec<f32> {
    let area = acts.len() / channels.max(1);
    let mut map = vec![0.0; area];
    for (k, &a) in alpha.iter().enumerate() {
        let act = &acts[k * area..(k + 1) * area];
        map.iter_mut().zip(act).for_each(|(m, &v)| *m += a * v);
    }
    map
}

impl CamInput<'_> {
    /// Spatial size `Z = H·W`.
    pub fn area(&self) -> usize {
        self.acts.len() / self.channels.max(1)
    }

    /// Channel `k` of the activations, `[H, W]`.
    pub fn act(&self, k: usize) -> &[f32] {
        &self.acts[k * self.area()..(k + 1) * self.area()]
    }

    /// Channel `k` of the gradients, `[H, W]`.
    pub fn grad(&self, k: usize) -> &[f32] {
        &self.grads[k * self.area()..(k + 1) * self.area()]
    }

    /// `Σ_k alpha_k A^k`, `[H, W]` (accumulated from zero, channel by channel).
    pub fn weighted_sum(&self, alpha: &[f32]) -> Vec<f32> {
        weighted_sum(self.acts, self.channels, alpha)
    }

    /// `Σ_k f(g^k) ⊙ A^k`, `[H, W]`: every position weighted by its own gradient.
    pub fn positionwise(&self, f: impl Fn(f32) -> f32) -> Vec<f32> {
        let mut map = vec![0.0; self.area()];
        for k in 0..self.channels {
            for ((m, &g), &a) in map.iter_mut().zip(self.grad(k)).zip(self.act(k)) {
                *m += f(g) * a;
            }
        }
        map
    }
}

/// What distinguishes one CAM method from another: the map it makes from one image's
/// activations and gradients at the layer. [`CamMethod`] runs it through the shared pipeline.
///
/// Most CAM methods only choose a weight per channel: implement [`ChannelWeights`] for those,
/// which makes the map `Σ_k α_k A^k`. Implement `CamFormula` itself for methods that weight
/// each position (HiResCAM, LayerCAM; see [`CamInput::positionwise`]).
pub trait CamFormula {
    /// The method's display name (`"Grad-CAM"`).
    const NAME: &'static str;

    /// The raw map, `[H, W]`.
    fn cam_map(&self, x: &CamInput) -> Vec<f32>;

    /// Checks the formula's options before the method runs (default: none to check).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] naming the option.
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

/// A CAM method that weights whole channels: the map is `Σ_k α_k A^k`.
///
/// # Example
/// ```
/// use glassbox::attribution::{CamFormula, CamInput, ChannelWeights};
/// /// Weights every channel by the maximum of its gradient.
/// struct MaxGradCam;
/// impl ChannelWeights for MaxGradCam {
///     const NAME: &'static str = "Max-Grad-CAM";
///     fn channel_weights(&self, x: &CamInput) -> Vec<f32> {
///         (0..x.channels).map(|k| x.grad(k).iter().copied().fold(f32::MIN, f32::max)).collect()
///     }
/// }
/// let x = CamInput { acts: &[1.0, 2.0, 3.0, 4.0], grads: &[0.5, 1.0, -1.0, 0.0], channels: 2, class: 0 };
/// assert_eq!(MaxGradCam.cam_map(&x), vec![1.0 * 1.0 + 3.0 * 0.0, 2.0 * 1.0 + 4.0 * 0.0]);
/// ```
pub trait ChannelWeights {
    /// The method's display name (`"Grad-CAM"`).
    const NAME: &'static str;

    /// The weight `α_k` of each channel.
    fn channel_weights(&self, x: &CamInput) -> Vec<f32>;

    /// Checks the formula's options before the method runs (default: none to check).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] naming the option.
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

impl<T: ChannelWeights> CamFormula for T {
    const NAME: &'static str = T::NAME;

    fn cam_map(&self, x: &CamInput) -> Vec<f32> {
        x.weighted_sum(&self.channel_weights(x))
    }

    fn check(&self) -> Result<()> {
        ChannelWeights::check(self)
    }
}

/// A CAM method on a model's named layer: the shared pipeline around a [`CamFormula`].
///
/// Use it through its aliases — [`crate::GradCam`], [`crate::GradCamPlusPlus`],
/// [`crate::HiResCam`], [`crate::XGradCam`], [`crate::LayerCam`] — or with your own formula.
///
/// The map is raw and signed, at the layer's resolution; the papers' map is
/// `.relu().upsampled()` (which the default rendering shows).
#[derive(Clone, Debug)]
pub struct CamMethod<'m, M, F> {
    model: &'m M,
    layer: String,
    formula: F,
}

impl<'m, M: Explain, F: CamFormula> CamMethod<'m, M, F> {
    /// The method `formula` on `model`'s `layer` (checked when explaining).
    pub fn with_formula(model: &'m M, layer: &str, formula: F) -> Self {
        Self {
            model,
            layer: layer.to_string(),
            formula,
        }
    }

    /// The same method with its formula changed by `f` (for formula options' setters).
    pub(crate) fn map_formula(mut self, f: impl FnOnce(F) -> F) -> Self
    where
        F: Copy,
    {
        self.formula = f(self.formula);
        self
    }

    /// The layer whose activations are weighted.
    pub fn layer(&self) -> &str {
        &self.layer
    }

    /// One map per (image, class) row of `input` (`[B, C, H, W]`), `[R, 1, H_l, W_l]`.
    ///
    /// All rows go through one forward and one backward pass.
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownLayer`], [`crate::ErrorKind::Shape`] for an input the model
    /// cannot take, [`crate::ErrorKind::InvalidArgument`] for a class out of range,
    /// [`crate::ErrorKind::NonFinite`] for NaN input.
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        self.formula.check()?;
        cam_pipeline(self.model, &self.layer, input, &target, F::NAME, |x| {
            self.formula.cam_map(x)
        })
    }
}

impl<M: Explain, F: CamFormula> AttributionMethod for CamMethod<'_, M, F> {
    fn name(&self) -> &str {
        F::NAME
    }

    fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        CamMethod::explain(self, input, target)
    }
}

impl<M: Explain, F: CamFormula + Clone + 'static> Rebind<M> for CamMethod<'_, M, F> {
    fn rebind<'a>(&self, model: &'a M) -> Box<dyn AttributionMethod + 'a> {
        Box::new(CamMethod {
            model,
            layer: self.layer.clone(),
            formula: self.formula.clone(),
        })
    }
}

/// The shared pipeline, with the per-image map given as a closure.
pub(crate) fn cam_pipeline<M: Explain>(
    model: &M,
    layer: &str,
    input: &Activation,
    target: &Target,
    name: &'static str,
    map: impl Fn(&CamInput) -> Vec<f32>,
) -> Result<Attribution> {
    let [_, _, h, w] = check_input(model, input)?;
    let layer = &check_layer(model, layer)?;
    let (x, rows) = plan(model, input, target)?;
    let g = backprop(
        model,
        x,
        layer,
        ReluGrad::Standard,
        rows,
        target.is_softmax(),
    )?;
    let [r, c, lh, lw] = g.shape;
    let n = c * lh * lw;
    let mut values = Vec::with_capacity(r * lh * lw);
    for i in 0..r {
        let x = CamInput {
            acts: &g.acts[i * n..(i + 1) * n],
            grads: &g.grads[i * n..(i + 1) * n],
            channels: c,
            class: g.rows.class[i],
        };
        values.extend(map(&x));
    }
    Ok(
        Attribution::new(name, values, [r, 1, lh, lw], &g.rows, g.scores, [h, w])?
            .with_layer(layer)
            .with_softmax(target.is_softmax()),
    )
}

/// Defines a CAM method: a unit formula type plus the public alias `$alias = CamMethod<M, $formula>`.
macro_rules! cam_method {
    ($(#[$doc:meta])* $alias:ident, $formula:ident, $name:literal) => {
        #[doc = concat!("The formula of [`", stringify!($alias), "`], for [`crate::attribution::CamMethod`].")]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $formula;

        $(#[$doc])*
        pub type $alias<'m, M> = crate::attribution::cam::CamMethod<'m, M, $formula>;

        impl<'m, M: crate::Explain> $alias<'m, M> {
            #[doc = concat!("", $name, " on `model`'s `layer` (checked when explaining).")]
            pub fn new(model: &'m M, layer: &str) -> Self {
                Self::with_formula(model, layer, $formula)
            }
        }
    };
}
pub(crate) use cam_method;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Two channels of 2×2: A = [[1,2],[3,4]], [[0,1],[0,1]]; g = [[1,1],[1,1]]·0.5, [[-1,0],[2,0]].
    pub(crate) const ACTS: [f32; 8] = [1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 0.0, 1.0];
    pub(crate) const GRADS: [f32; 8] = [0.5, 0.5, 0.5, 0.5, -1.0, 0.0, 2.0, 0.0];

    pub(crate) fn input() -> CamInput<'static> {
        CamInput {
            acts: &ACTS,
            grads: &GRADS,
            channels: 2,
            class: 0,
        }
    }

    #[test]
    fn weighted_sum_adds_weighted_channels() {
        assert_eq!(input().weighted_sum(&[2.0, -1.0]), vec![2.0, 3.0, 6.0, 7.0]);
        assert_eq!(input().positionwise(|g| g), vec![0.5, 1.0, 1.5, 2.0]);
        assert_eq!(input().grad(1), &[-1.0, 0.0, 2.0, 0.0]);
    }
}
