//! HiResCAM: gradients times activations, position by position, summed over channels.
//!
//! Draelos & Carin (2020), *Use HiResCAM instead of Grad-CAM for faithful explanations of
//! convolutional neural networks*, <https://arxiv.org/abs/2011.08891>, eq. (5).
//! Equals Grad-CAM when a global average pool and a linear layer follow the layer (the
//! gradient is then the same at every position).

use crate::attribution::cam::{cam_method, CamFormula, CamInput};

cam_method!(
    /// HiResCAM: `L = Σ_k g^k ⊙ A^k` (raw; the paper applies ReLU after).
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, HiResCam, Target};
    /// let net = testing::one_conv_net();
    /// let map = HiResCam::new(&net, "conv1").explain(&testing::one_conv_input(), Target::Class(0))?;
    /// assert_eq!(map.map(0), &[0.0, 4.0, 25.0, 25.0]); // Σ_k g^k ⊙ A^k
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    HiResCam,
    HiResCamFormula,
    "HiResCAM"
);

impl CamFormula for HiResCamFormula {
    const NAME: &'static str = "HiResCAM";

    fn cam_map(&self, x: &CamInput) -> Vec<f32> {
        x.positionwise(|g| g) // L_ij = Σ_k g^k_ij · A^k_ij   (eq. 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::cam::tests::input;

    #[test]
    fn map_is_the_elementwise_product_summed() {
        assert_eq!(HiResCamFormula.cam_map(&input()), vec![0.5, 1.0, 1.5, 2.0]);
    }
}
