//! Plumbing between dfdx tensors and the slice kernels: reading data, building outputs,
//! converting device errors.

use dfdx::prelude::{Cpu, CpuError, HasShape, Shape, Tensor, TensorFromVec};
use dfdx::tensor_ops::ReshapeTo;

use super::float::NnFloat;
use crate::{Error, ErrorKind, Result};

/// The dynamic 4-D shape `[B, C, H, W]` every op works on.
pub type Dyn4 = (usize, usize, usize, usize);

/// A `[B, C, H, W]` tensor with runtime sizes on the CPU, element type `E`, tape `T`.
pub type Tensor4<E, T> = Tensor<Dyn4, E, Cpu, T>;

/// A dfdx device error as a glassbox error.
pub(crate) fn device_error(e: CpuError) -> Error {
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
