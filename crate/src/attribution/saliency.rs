//! Saliency: the gradient of the class score with respect to the input pixels.
//!
//! Simonyan, Vedaldi & Zisserman (2014), *Deep Inside Convolutional Networks: Visualising Image
//! Classification Models and Saliency Maps*, <https://arxiv.org/abs/1312.6034>, §3.1:
//! `M_ij = max_c |∂S_c/∂x_cij|`.

use crate::attribution::pipeline::input_grads;
use crate::{Activation, Attribution, Explain, ReluGrad, Result, Target};

/// Vanilla gradient saliency: `|∂S_c/∂x|`, maximum over colour channels (the paper), or the
/// raw signed gradient with every channel kept ([`Saliency::signed`]).
///
/// The whole batch takes one forward and one backward pass.
///
/// # Example
/// ```
/// use glassbox::{testing, Saliency, Target};
/// // f(x) = w·x + b: the gradient is w, so saliency is |w|.
/// let net = testing::linear_net(&[1.0, -2.0, 0.5, 0.0], vec![0.1], [1, 2, 2])?;
/// let x = testing::random_input([1, 1, 2, 2], 0);
/// assert_eq!(Saliency::new(&net).explain(&x, Target::Class(0))?.values(), &[1.0, 2.0, 0.5, 0.0]);
/// assert_eq!(Saliency::new(&net).signed(true).explain(&x, Target::Class(0))?.values(), &[1.0, -2.0, 0.5, 0.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Saliency<'m, M> {
    model: &'m M,
    signed: bool,
}

impl<'m, M: Explain> Saliency<'m, M> {
    /// Absolute saliency (max over channels of `|∂S_c/∂x|`), `[R, 1, H, W]`.
    pub fn new(model: &'m M) -> Self {
        Self {
            model,
            signed: false,
        }
    }

    /// Keeps the raw signed gradient, `[R, C, H, W]` (`true`; render with a diverging colormap),
    /// or the default absolute map (`false`).
    pub fn signed(mut self, signed: bool) -> Self {
        self.signed = signed;
        self
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] for an input the model cannot take,
    /// [`crate::ErrorKind::InvalidArgument`] for a class out of range,
    /// [`crate::ErrorKind::NonFinite`] for NaN input.
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let g = input_grads(self.model, input, &target, ReluGrad::Standard)?;
        let [_, _, h, w] = g.shape;
        let raw = Attribution::new("Saliency", g.grads, g.shape, &g.rows, g.scores, [h, w])?
            .with_softmax(target.is_softmax());
        Ok(if self.signed {
            raw.with_param("sign", "signed")
        } else {
            raw.abs().max_channels().with_param("sign", "absolute")
        })
    }
}

crate::attribution::method::attribution_method!(Saliency { signed }, |_s| "Saliency");
