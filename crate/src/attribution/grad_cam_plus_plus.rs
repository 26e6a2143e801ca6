//! Grad-CAM++: positive gradients, weighted per position by second- and third-order terms.
//!
//! Chattopadhay et al. (2018), *Grad-CAM++: Improved Visual Explanations for Deep Convolutional
//! Networks*, WACV, <https://arxiv.org/abs/1710.11063>, eqs. (10) and (19), with the exponential
//! output's higher derivatives written as powers of the first (as in the authors' code).
//! Deviation (as pytorch-grad-cam): `α` is not normalised per channel; `α = 0` where `g = 0`
//! or the denominator vanishes, so there is no 0/0. pytorch-grad-cam also adds `1e-6` to the
//! denominator; glassbox adds nothing by default (the paper's formula) and matches
//! pytorch-grad-cam digit for digit with [`GradCamPlusPlus::epsilon`]`(1e-6)` (on VGG16 the two
//! maps are 0.3–0.5 % apart).

use crate::attribution::cam::{CamInput, CamMethod, ChannelWeights};
use crate::{Error, Explain, Result};

/// The formula of [`GradCamPlusPlus`], for [`CamMethod`]: `epsilon` is added to the
/// denominator of `α` (0 unless set with [`GradCamPlusPlus::epsilon`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GradCamPlusPlusFormula {
    /// Added to `2g² + (Σ_ab A_ab) g³` (pytorch-grad-cam: `1e-6`).
    pub epsilon: f32,
}

/// Grad-CAM++: `w_k = Σ_ij α^k_ij ReLU(g^k_ij)` with
/// `α = g² / (2g² + (Σ_ab A^k_ab) g³ + ε)`, `ε = 0` by default; `L = Σ_k w_k A^k`.
///
/// # Example
/// ```
/// use glassbox::{testing, GradCamPlusPlus, Target};
/// let net = testing::one_conv_net();
/// let x = testing::one_conv_input();
/// let map = GradCamPlusPlus::new(&net, "relu1").explain(&x, Target::Class(0))?;
/// assert_eq!(map.shape(), [1, 1, 2, 2]);
/// assert!(map.values().iter().all(|v| *v >= 0.0));
/// // pytorch-grad-cam's denominator: a tiny change here, 0.3–0.5 % on VGG16.
/// let parity = GradCamPlusPlus::new(&net, "relu1").epsilon(1e-6).explain(&x, Target::Class(0))?;
/// let diff = map.values().iter().zip(parity.values()).map(|(a, b)| (a - b).abs());
/// assert!(diff.fold(0.0, f32::max) < 1e-3);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub type GradCamPlusPlus<'m, M> = CamMethod<'m, M, GradCamPlusPlusFormula>;

impl<'m, M: Explain> GradCamPlusPlus<'m, M> {
    /// Grad-CAM++ on `model`'s `layer` (checked when explaining), `ε = 0`.
    pub fn new(model: &'m M, layer: &str) -> Self {
        Self::with_formula(model, layer, GradCamPlusPlusFormula::default())
    }

    /// Adds `epsilon` to the denominator of `α`: `1e-6` gives pytorch-grad-cam's
    /// `GradCAMPlusPlus` (default 0, the paper's formula). A negative or non-finite value is
    /// refused when the method runs.
    pub fn epsilon(self, epsilon: f32) -> Self {
        self.map_formula(|_| GradCamPlusPlusFormula { epsilon })
    }
}

impl ChannelWeights for GradCamPlusPlusFormula {
    const NAME: &'static str = "Grad-CAM++";

    fn check(&self) -> Result<()> {
        if self.epsilon >= 0.0 && self.epsilon.is_finite() {
            Ok(())
        } else {
            Err(Error::invalid(
                "epsilon",
                format!(
                    "{} must be finite and ≥ 0 (1e-6 for pytorch-grad-cam, 0 for the paper)",
                    self.epsilon
                ),
            ))
        }
    }

    fn channel_weights(&self, x: &CamInput) -> Vec<f32> {
        (0..x.channels)
            .map(|k| {
                let sum_a: f32 = x.act(k).iter().sum();
                x.grad(k)
                    .iter()
                    .map(|&g| {
                        // α = g² / (2g² + ΣA·g³ + ε)   (eq. 19; ε from pytorch-grad-cam)
                        let denom = 2.0 * g * g + sum_a * g * g * g + self.epsilon;
                        let alpha = if g == 0.0 || denom == 0.0 {
                            0.0
                        } else {
                            g * g / denom
                        };
                        alpha * g.max(0.0)
                    })
                    .sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::cam::tests::input;

    #[test]
    fn weights_match_the_hand_computation() {
        // ch0: g = 0.5, ΣA = 10: α = 0.25 / (0.5 + 1.25) = 1/7, w = 4 · 0.5/7 = 2/7.
        // ch1: ΣA = 2; g = −1 → denominator 2 − 2 = 0 → 0; g = 2 → α = 4/24, w = 2/6 = 1/3.
        let w = GradCamPlusPlusFormula::default().channel_weights(&input());
        assert!(
            (w[0] - 2.0 / 7.0).abs() < 1e-6 && (w[1] - 1.0 / 3.0).abs() < 1e-6,
            "{w:?}"
        );
    }

    #[test]
    fn epsilon_joins_the_denominator_as_in_pytorch_grad_cam() {
        // ε = 0.25 (large, so the change is exact to check): ch0: α = 0.25 / (1.75 + 0.25) =
        // 1/8, w = 4 · 0.5/8 = 1/4. ch1: g = −1 now has α = 1/0.25 = 4 but ReLU(g) = 0;
        // g = 2: α = 4 / (24 + 0.25), w = 2 · 4/24.25 = 8/24.25.
        let f = GradCamPlusPlusFormula { epsilon: 0.25 };
        let w = f.channel_weights(&input());
        assert!(
            (w[0] - 0.25).abs() < 1e-6 && (w[1] - 8.0 / 24.25).abs() < 1e-6,
            "{w:?}"
        );
        assert!(f.check().is_ok());
        for bad in [-1e-6, f32::NAN, f32::INFINITY] {
            let e = GradCamPlusPlusFormula { epsilon: bad }.check().unwrap_err();
            assert!(e.to_string().contains("epsilon"), "{e}");
        }
    }
}
