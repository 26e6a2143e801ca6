//! Typed layers for dfdx models: channel counts in the type, spatial sizes at run time.

mod conv;
mod pool;

pub use conv::{Conv2d, PerGroup};
pub use pool::{AdaptiveAvgPool2d, AvgPool2d, Flatten, FlattenTo, GlobalAvgPool, MaxPool2d};

use dfdx::prelude::{HasShape, Shape, Tape, Tensor};
use dfdx::tensor_ops::ReshapeTo;

use super::device::NnDevice;
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
pub(crate) fn retype<Src, Dst, E, D, T>(
    x: Tensor<Src, E, D, T>,
) -> Result<Tensor<Dst, E, D, T>, D::Err>
where
    Src: Shape,
    Dst: Shape<Concrete = Src::Concrete>,
    E: NnFloat,
    D: NnDevice<E>,
    T: Tape<E, D>,
{
    let sizes = x.shape().concrete();
    let shape = Dst::from_concrete(&sizes).ok_or_else(|| {
        D::module_error(crate::Error::shape(
            "layer input",
            std::any::type_name::<Dst>(),
            &sizes.into_iter().collect::<Vec<_>>(),
        ))
    })?;
    x.try_reshape_like(&shape)
}
