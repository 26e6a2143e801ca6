//! `flatten`: `[B, C, H, W]` → `[B, C·H·W]`, differentiable.

use dfdx::prelude::{Device, HasShape, Tape, Tensor};

use super::float::NnFloat;
use super::tape::Tensor4;
use crate::Result;

/// Flattens each image of a batch into one row, `[B, C, H, W]` → `[B, C·H·W]`, in PyTorch's
/// order (channel-major), like `torch.flatten(x, 1)`.
///
/// A view when `x` is contiguous (dfdx keeps its data and id); otherwise a differentiable copy.
///
/// # Errors
/// [`crate::ErrorKind::Device`] only if the device fails to allocate.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let x: Tensor<(usize, usize, usize, usize), f32, Cpu> = dev.ones_like(&(2, 3, 4, 5));
/// assert_eq!(*glassbox::nn::flatten(x)?.shape(), (2, 60));
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn flatten<E: NnFloat, D: Device<E>, T: Tape<E, D>>(
    x: Tensor4<E, T, D>,
) -> Result<Tensor<(usize, usize), E, D, T>> {
    let (b, c, h, w) = *x.shape();
    dfdx::tensor_ops::ReshapeTo::try_reshape_like(x, &(b, c * h * w)).map_err(crate::Error::device)
}
