//! Typed layers for dfdx models: channel counts in the type, spatial sizes at run time.

mod conv;
mod pool;

pub use conv::{Conv2d, PerGroup};
pub use pool::{AdaptiveAvgPool2d, AvgPool2d, Flatten, FlattenTo, GlobalAvgPool, MaxPool2d};

use dfdx::prelude::{Cpu, CpuError, HasShape, Shape, Tape, Tensor};
use dfdx::tensor_ops::ReshapeTo;

use super::float::NnFloat;

/// Builders for [`dfdx::nn::BuildOnDevice`], mirroring `dfdx::nn::builders`: generic over
/// nothing but the layer's sizes, so `dev.build_module::<Model, E>()` picks the dtype.
pub mod builders {
    /// Builds a [`super::Conv2d`] (see there for the parameters).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Conv2d<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize = 1,
        const P: usize = 0,
        const L: usize = 1,
        const G: usize = 1,
    >;
}

/// `x` viewed with shape type `Dst` of the same sizes (free for contiguous tensors: dfdx keeps
/// the data and the id, so gradients are shared).
pub(crate) fn retype<Src, Dst, E, T>(
    x: Tensor<Src, E, Cpu, T>,
) -> Result<Tensor<Dst, E, Cpu, T>, CpuError>
where
    Src: Shape,
    Dst: Shape<Concrete = Src::Concrete>,
    E: NnFloat,
    T: Tape<E, Cpu>,
{
    let shape = Dst::from_concrete(&x.shape().concrete()).ok_or(CpuError::WrongNumElements)?;
    x.try_reshape_like(&shape)
}

/// A glassbox error as dfdx's CPU error, for [`dfdx::nn::Module`] impls (whose error type must be
/// the device's so the layers compose in tuples). The typed layers' `apply` methods keep the
/// descriptive glassbox error.
pub(crate) fn as_cpu_error(e: crate::Error) -> CpuError {
    match e.kind() {
        crate::ErrorKind::Device { reason } if reason.contains("OutOfMemory") => {
            CpuError::OutOfMemory
        }
        _ => CpuError::WrongNumElements,
    }
}
