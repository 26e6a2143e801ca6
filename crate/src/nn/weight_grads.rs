//! A scope in which convolutions skip their weight and bias gradients.

use std::cell::Cell;

thread_local! {
    static WEIGHT_GRADS: Cell<bool> = const { Cell::new(true) };
}

/// Runs `f` with weight and bias gradients switched off for every [`crate::nn::conv2d`] (and
/// [`crate::nn::Conv2d`] layer) **recorded** inside it, on this thread.
///
/// Saliency, Grad-CAM and friends need the gradient with respect to the input or an activation
/// only; on a frozen model the weight gradients are wasted work (about a third to a half of a
/// convolution's backward pass). The choice is made when the forward pass records the op, so the
/// later `backward()` call may happen outside the scope. Inside the scope the `Gradients` hold no
/// entry for conv weights: do not read them, and do not step an optimiser with them.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// use glassbox::{nn::{conv2d, without_weight_grads, Conv2dParams}};
///
/// let dev = Cpu::default();
/// let x: Tensor<(usize, usize, usize, usize), f32, Cpu> = dev.ones_like(&(1, 2, 5, 5));
/// let w: Tensor<(usize, usize, usize, usize), f32, Cpu> = dev.ones_like(&(3, 2, 3, 3));
/// let y = without_weight_grads(|| conv2d(x.leaky_trace(), &w, None, Conv2dParams::default()))?;
/// let grads = y.sum().backward();
/// // Every input pixel of the 3×3 centre is covered by 9 windows × 3 output channels.
/// assert_eq!(grads.get(&x).as_vec()[12], 27.0);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn without_weight_grads<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WEIGHT_GRADS.with(|w| w.set(self.0));
        }
    }
    let _restore = Restore(WEIGHT_GRADS.with(|w| w.replace(false)));
    f()
}

/// Whether ops recorded now should compute weight gradients.
pub(crate) fn weight_grads_enabled() -> bool {
    WEIGHT_GRADS.with(|w| w.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_switches_off_and_restores_even_when_nested() {
        assert!(weight_grads_enabled());
        without_weight_grads(|| {
            assert!(!weight_grads_enabled());
            without_weight_grads(|| assert!(!weight_grads_enabled()));
            assert!(!weight_grads_enabled());
        });
        assert!(weight_grads_enabled());
    }
}
