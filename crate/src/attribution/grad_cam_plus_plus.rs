//! Grad-CAM++: positive gradients, weighted per position by second- and third-order terms.
//!
//! Chattopadhay et al. (2018), *Grad-CAM++: Improved Visual Explanations for Deep Convolutional
//! Networks*, WACV, <https://arxiv.org/abs/1710.11063>, eqs. (10) and (19), with the exponential
//! output's higher derivatives written as powers of the first (as in the authors' code).
//! Deviation (as pytorch-grad-cam): `α` is not normalised per channel; `α = 0` where `g = 0`
//! or the denominator vanishes, so there is no 0/0.

use crate::attribution::cam::{cam_method, CamInput, ChannelWeights};

cam_method!(
    /// Grad-CAM++: `w_k = Σ_ij α^k_ij ReLU(g^k_ij)` with
    /// `α = g² / (2g² + (Σ_ab A^k_ab) g³)`; `L = Σ_k w_k A^k`.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, GradCamPlusPlus, Target};
    /// let net = testing::one_conv_net();
    /// let map = GradCamPlusPlus::new(&net, "relu1").explain(&testing::one_conv_input(), Target::Class(0))?;
    /// assert_eq!(map.shape(), [1, 1, 2, 2]);
    /// assert!(map.values().iter().all(|v| *v >= 0.0));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    GradCamPlusPlus,
    GradCamPlusPlusFormula,
    "Grad-CAM++"
);

impl ChannelWeights for GradCamPlusPlusFormula {
    const NAME: &'static str = "Grad-CAM++";

    fn channel_weights(&self, x: &CamInput) -> Vec<f32> {
        (0..x.channels)
            .map(|k| {
                let sum_a: f32 = x.act(k).iter().sum();
                x.grad(k)
                    .iter()
                    .map(|&g| {
                        // α = g² / (2g² + ΣA·g³)   (eq. 19)
                        let denom = 2.0 * g * g + sum_a * g * g * g;
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
        let w = GradCamPlusPlusFormula.channel_weights(&input());
        assert!(
            (w[0] - 2.0 / 7.0).abs() < 1e-6 && (w[1] - 1.0 / 3.0).abs() < 1e-6,
            "{w:?}"
        );
    }
}
