//! LayerCAM: positive gradients times activations, position by position.
//!
//! Jiang et al. (2021), *LayerCAM: Exploring Hierarchical Class Activation Maps for
//! Localization*, IEEE TIP 30, <https://doi.org/10.1109/TIP.2021.3089943>, eqs. (5)–(6).

use crate::attribution::cam::{cam_method, CamFormula, CamInput};

cam_method!(
    /// LayerCAM: `L = Σ_k ReLU(g^k) ⊙ A^k` (raw; the paper applies ReLU after).
    ///
    /// Works on early layers too, where Grad-CAM's averaged weights blur out.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, LayerCam, Target};
    /// let net = testing::one_conv_net();
    /// let map = LayerCam::new(&net, "conv1").explain(&testing::one_conv_input(), Target::Class(0))?;
    /// assert_eq!(map.map(0), &[0.0, 4.0, 31.0, 40.0]); // only channel 0's gradient is positive
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    LayerCam,
    LayerCamFormula,
    "LayerCAM"
);

impl CamFormula for LayerCamFormula {
    const NAME: &'static str = "LayerCAM";

    fn cam_map(&self, x: &CamInput) -> Vec<f32> {
        x.positionwise(|g| g.max(0.0)) // L_ij = Σ_k ReLU(g^k_ij) · A^k_ij   (eq. 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::cam::CamInput;

    #[test]
    fn negative_gradients_are_dropped() {
        let x = CamInput {
            acts: &[1.0, 2.0, 3.0, 4.0],
            grads: &[1.0, -1.0, 0.5, -2.0],
            channels: 1,
            class: 0,
        };
        assert_eq!(LayerCamFormula.cam_map(&x), vec![1.0, 0.0, 1.5, 0.0]);
    }
}
