//! Gradient × Input: the gradient scaled by the input, elementwise.
//!
//! Shrikumar et al. (2016), *Not Just a Black Box: Learning Important Features Through
//! Propagating Activation Differences*, <https://arxiv.org/abs/1605.01713>.

use crate::attribution::pipeline::{gather, input_grads};
use crate::{Activation, Attribution, Explain, ReluGrad, Result, Target};

/// Gradient × Input: `x ⊙ ∂S_c/∂x`, `[R, C, H, W]`, raw and signed.
///
/// For a linear model `w·x + b` it is `w ⊙ x` exactly, which sums to `S_c(x) − b`.
///
/// # Example
/// ```
/// use glassbox::{testing, GradientXInput, Target};
/// let net = testing::linear_net(&[1.0, -2.0, 0.5, 3.0], vec![0.1], [1, 2, 2])?;
/// let x = testing::random_input([1, 1, 2, 2], 0);
/// let a = GradientXInput::new(&net).explain(&x, Target::Class(0))?;
/// let xv = testing::values(&x);
/// assert_eq!(a.values(), &[xv[0], -2.0 * xv[1], 0.5 * xv[2], 3.0 * xv[3]]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct GradientXInput<'m, M> {
    model: &'m M,
}

impl<'m, M: Explain> GradientXInput<'m, M> {
    /// Gradient × Input on `model`.
    pub fn new(model: &'m M) -> Self {
        Self { model }
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// As [`crate::Saliency::explain`].
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let g = input_grads(self.model, input, &target, ReluGrad::Standard)?;
        let x = gather(input, &g.rows.image).as_vec();
        let values = g.grads.iter().zip(&x).map(|(g, x)| g * x).collect();
        let [_, _, h, w] = g.shape;
        Ok(Attribution::new(
            "Gradient × Input",
            values,
            g.shape,
            &g.rows,
            g.scores,
            [h, w],
        )?
        .with_softmax(target.is_softmax()))
    }
}

crate::attribution::method::attribution_method!(GradientXInput {}, |_s| "Gradient × Input");
