//! XGrad-CAM: gradients weighted by the activations' share of their channel's sum.
//!
//! Fu et al. (2020), *Axiom-based Grad-CAM: Towards Accurate Visualization and Explanation of
//! CNNs*, BMVC, <https://arxiv.org/abs/2008.02312>, eq. (9).
//! Deviation: a channel whose activations sum to 0 gets weight 0 (pytorch-grad-cam adds 1e-7
//! to the denominator instead); it contributes nothing to the map either way.

use crate::attribution::cam::{cam_method, CamInput, ChannelWeights};

cam_method!(
    /// XGrad-CAM: `α_k = Σ_ij (A^k_ij / Σ_ab A^k_ab) g^k_ij`; `L = Σ_k α_k A^k`.
    ///
    /// Equals Grad-CAM when a global average pool and a linear layer follow the layer.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, GradCam, XGradCam, Target};
    /// let net = testing::gap_net();
    /// let x = testing::random_input([1, 1, 6, 6], 0);
    /// let a = XGradCam::new(&net, "relu").explain(&x, Target::Class(1))?;
    /// let b = GradCam::new(&net, "relu").explain(&x, Target::Class(1))?;
    /// assert!(a.values().iter().zip(b.values()).all(|(p, q)| (p - q).abs() < 1e-5));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    XGradCam,
    XGradCamFormula,
    "XGrad-CAM"
);

impl ChannelWeights for XGradCamFormula {
    const NAME: &'static str = "XGrad-CAM";

    fn channel_weights(&self, x: &CamInput) -> Vec<f32> {
        (0..x.channels)
            .map(|k| {
                let total: f32 = x.act(k).iter().sum();
                if total == 0.0 {
                    return 0.0;
                }
                // α_k = Σ_ij (A_ij / Σ_ab A_ab) · g_ij   (eq. 9)
                x.act(k)
                    .iter()
                    .zip(x.grad(k))
                    .map(|(a, g)| a * g)
                    .sum::<f32>()
                    / total
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::cam::tests::input;

    #[test]
    fn weights_are_activation_weighted_gradients() {
        // ch0: Σ A·g = 0.5·10, / ΣA = 10 → 0.5; ch1: Σ A·g = 0 → 0
        assert_eq!(XGradCamFormula.channel_weights(&input()), vec![0.5, 0.0]);
        let zero = CamInput {
            acts: &[0.0; 2],
            grads: &[1.0; 2],
            channels: 1,
            class: 0,
        };
        assert_eq!(XGradCamFormula.channel_weights(&zero), vec![0.0]);
    }
}
