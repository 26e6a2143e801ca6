//! Grad-CAM: channel weights are the spatial mean of the gradients.
//!
//! Selvaraju et al. (2017), *Grad-CAM: Visual Explanations from Deep Networks via
//! Gradient-based Localization*, <https://arxiv.org/abs/1610.02391>, eqs. (1)–(2).
//! The map is kept raw and signed (Captum's default too); the paper's map is
//! [`Attribution::relu`](crate::Attribution::relu), which the default rendering shows.

use crate::attribution::cam::{cam_method, CamInput, ChannelWeights};

cam_method!(
    /// Grad-CAM: `L = Σ_k α_k A^k` with `α_k = (1/Z) Σ_ij ∂S_c/∂A^k_ij`.
    ///
    /// Use the last convolutional block (after its ReLU) for class-discriminative maps;
    /// earlier layers give finer, less class-specific maps.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, GradCam, Target};
    /// let net = testing::one_conv_net();
    /// let x = testing::one_conv_input();
    /// let map = GradCam::new(&net, "relu1").explain(&x, Target::Class(0))?;
    /// assert_eq!(map.map(0), &[0.0, 4.0, 28.0, 32.5]); // Captum's known answer
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    GradCam,
    GradCamFormula,
    "Grad-CAM"
);

impl ChannelWeights for GradCamFormula {
    const NAME: &'static str = "Grad-CAM";

    fn channel_weights(&self, x: &CamInput) -> Vec<f32> {
        let z = x.area() as f32;
        // α_k = 1/Z Σ_ij ∂S_c/∂A^k_ij   (eq. 1)
        (0..x.channels)
            .map(|k| x.grad(k).iter().sum::<f32>() / z)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::cam::tests::input;
    use crate::attribution::CamFormula;

    #[test]
    fn weights_are_mean_gradients() {
        assert_eq!(GradCamFormula.channel_weights(&input()), vec![0.5, 0.25]);
        assert_eq!(GradCamFormula.cam_map(&input()), vec![0.5, 1.25, 1.5, 2.25]);
    }
}
