//! Plumbing between dfdx tensors and the slice kernels: reading data, building outputs,
//! converting device errors.

use dfdx::prelude::{Cpu, HasShape, Shape, Tensor, TensorFromVec};
use dfdx::tensor_ops::ReshapeTo;

use super::float::NnFloat;
use crate::{Error, ErrorKind, Result};

/// The dynamic 4-D shape `[B, C, H, W]` every op works on.
pub type Dyn4 = (usize, usize, usize, usize);

/// A `[B, C, H, W]` tensor with runtime sizes, element type `E`, tape `T`, on device `D`
/// (the CPU unless named).
pub type Tensor4<E, T, D = Cpu> = Tensor<Dyn4, E, D, T>;

/// A dfdx device error as a glassbox error.
pub(crate) fn device_error(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Device {
        reason: format!("{e}"),
    })
}

/// The elements of a tensor that is laid out contiguously (check with [`contiguous`] first).
pub(crate) fn data_of<S: Shape, E: NnFloat, T>(t: &Tensor<S, E, Cpu, T>) -> Vec<E> {
    let mut out = vec![E::ZERO; t.shape().num_elements()];
    t.copy_into(&mut out);
    out
}

/// How many scratch buffers of each element type stay allocated between ops.
const SCRATCH_KEPT: usize = 2;

/// A copy of a tensor's elements in a reused buffer, for data an op reads only during its
/// forward pass (so big activations do not cost a fresh, page-faulting allocation each time).
/// Dropping it returns the buffer to a small pool.
pub(crate) struct Scratch<E: NnFloat> {
    buf: Vec<E>,
}

impl<E: NnFloat> Scratch<E> {
    /// The elements of a contiguous tensor (check with [`contiguous`] first).
    pub(crate) fn copy_of<S: Shape, T>(t: &Tensor<S, E, Cpu, T>) -> Self {
        let n = t.shape().num_elements();
        let pooled = E::scratch_pool().lock().ok().and_then(|mut pool| {
            let best = (0..pool.len()).max_by_key(|&i| pool[i].capacity())?;
            Some(pool.swap_remove(best))
        });
        let mut buf = pooled.unwrap_or_default();
        // Every pooled buffer is initialised up to its length: shrink, or zero-extend the tail.
        buf.truncate(n);
        buf.resize(n, E::ZERO);
        t.copy_into(&mut buf);
        Self { buf }
    }

    /// The buffer, taken out of the pool's reach (for data a backward pass keeps).
    pub(crate) fn into_vec(mut self) -> Vec<E> {
        std::mem::take(&mut self.buf)
    }
}

impl<E: NnFloat> std::ops::Deref for Scratch<E> {
    type Target = [E];
    fn deref(&self) -> &[E] {
        &self.buf
    }
}

impl<E: NnFloat> Drop for Scratch<E> {
    fn drop(&mut self) {
        if self.buf.capacity() == 0 {
            return;
        }
        if let Ok(mut pool) = E::scratch_pool().lock() {
            pool.push(std::mem::take(&mut self.buf));
            if pool.len() > SCRATCH_KEPT {
                let smallest = (0..pool.len()).min_by_key(|&i| pool[i].capacity());
                if let Some(i) = smallest {
                    pool.swap_remove(i);
                }
            }
        }
    }
}

/// The elements of a parameter tensor in row-major order (a free copy when already contiguous).
pub(crate) fn param_data<S: Shape, E: NnFloat>(t: &Tensor<S, E, Cpu>) -> Result<Vec<E>> {
    let t = t.clone().try_contiguous().map_err(device_error)?;
    Ok(data_of(&t))
}

/// `t` in row-major layout. dfdx keeps the tensor's id (so gradients still reach it) and its
/// data when it already is; otherwise a differentiable copy is recorded on the tape.
pub(crate) fn contiguous<S: Shape, E: NnFloat, T: dfdx::prelude::Tape<E, Cpu>>(
    t: Tensor<S, E, Cpu, T>,
) -> Result<Tensor<S, E, Cpu, T>> {
    t.try_contiguous().map_err(device_error)
}

/// A new tapeless tensor of shape `shape` holding `data`.
pub(crate) fn tensor_from<S: Shape, E: NnFloat>(
    dev: &Cpu,
    data: Vec<E>,
    shape: S,
) -> Result<Tensor<S, E, Cpu>> {
    dev.try_tensor_from_vec(data, shape).map_err(device_error)
}

/// `[B, C, H, W]` of a 4-D shape.
pub(crate) fn dims4<S: Shape<Concrete = [usize; 4]>>(s: &S) -> [usize; 4] {
    s.concrete()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_copies_are_exact_when_pooled_buffers_shrink_and_grow() {
        let dev = Cpu::default();
        for n in [10usize, 4, 12, 1, 12] {
            let data: Vec<f64> = (0..n).map(|i| i as f64 * 1.5 - 3.0).collect();
            let t = tensor_from(&dev, data.clone(), (n,)).unwrap();
            let copy = Scratch::copy_of(&t);
            assert_eq!(&*copy, &data[..]);
        }
        let t = tensor_from(&dev, vec![7.0f32; 3], (3,)).unwrap();
        assert_eq!(Scratch::copy_of(&t).into_vec(), vec![7.0; 3]);
    }
}
