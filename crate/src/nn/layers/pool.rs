//! Zero-sized pooling and flattening layers for dfdx models.

use dfdx::nn::{Module, NonMutableModule, ZeroSizedModule};
use dfdx::prelude::{Const, Dim, HasShape, Shape, Tape, Tensor};

use super::retype;
use crate::nn::device::NnDevice;
use crate::nn::float::NnFloat;
use crate::nn::tape::Tensor4;
use crate::nn::{adaptive_avg_pool2d, avg_pool2d, flatten, global_avg_pool, max_pool2d};

/// Implements the dfdx module traits for a zero-sized layer on `[B, C, H, W]` inputs (`B`, `C`
/// any dfdx dimension, `H`, `W` run-time), given the dynamic op.
macro_rules! pool_module {
    ($name:ident [$(const $p:ident: usize),*], $out:ty, |$x:ident| $op:expr) => {
        impl<$(const $p: usize),*> ZeroSizedModule for $name<$($p),*> {}
        impl<$(const $p: usize),*> NonMutableModule for $name<$($p),*> {}

        impl<$(const $p: usize,)* B: Dim, C: Dim, E: NnFloat, D: NnDevice<E>, T: Tape<E, D>>
            Module<Tensor<(B, C, usize, usize), E, D, T>> for $name<$($p),*>
        {
            type Output = Tensor<$out, E, D, T>;
            type Error = D::Err;

            fn try_forward(
                &self,
                x: Tensor<(B, C, usize, usize), E, D, T>,
            ) -> Result<Self::Output, D::Err> {
                let $x: Tensor4<E, T, D> = retype(x)?;
                let y = $op.map_err(D::module_error)?;
                retype(y)
            }
        }
    };
}

/// Max pooling over `K`×`K` windows with stride `S` and padding `P`, like
/// `torch.nn.MaxPool2d(K, S, P)`; see [`crate::nn::max_pool2d`].
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let x: Tensor<(usize, Const<4>, usize, usize), f32, _> = dev.zeros_like(&(1, Const, 8, 6));
/// let y = glassbox::nn::MaxPool2d::<2, 2>.forward(x);
/// assert_eq!(*y.shape(), (1, Const::<4>, 4, 3));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MaxPool2d<const K: usize, const S: usize = 1, const P: usize = 0>;
pool_module!(MaxPool2d[const K: usize, const S: usize, const P: usize], (B, C, usize, usize), |x| max_pool2d(x, K, S, P));

/// Average pooling over `K`×`K` windows, like `torch.nn.AvgPool2d(K, S, P)`; see
/// [`crate::nn::avg_pool2d`].
#[derive(Clone, Copy, Debug, Default)]
pub struct AvgPool2d<const K: usize, const S: usize = 1, const P: usize = 0>;
pool_module!(AvgPool2d[const K: usize, const S: usize, const P: usize], (B, C, usize, usize), |x| avg_pool2d(x, K, S, P));

/// Adaptive average pooling to `OH`×`OW`, like `torch.nn.AdaptiveAvgPool2d((OH, OW))`; see
/// [`crate::nn::adaptive_avg_pool2d`]. VGG's is `AdaptiveAvgPool2d<7, 7>`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AdaptiveAvgPool2d<const OH: usize, const OW: usize>;
pool_module!(AdaptiveAvgPool2d[const OH: usize, const OW: usize], (B, C, usize, usize), |x| adaptive_avg_pool2d(x, (OH, OW)));

/// Global average pooling, `[B, C, H, W]` → `[B, C]`; see [`crate::nn::global_avg_pool`].
///
/// With a typed channel dimension the output feeds dfdx's `Linear<C, N>` directly.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let net = dev.build_module::<(glassbox::nn::GlobalAvgPool, Linear<4, 2>), f32>();
/// let x: Tensor<(usize, Const<4>, usize, usize), f32, _> = dev.zeros_like(&(3, Const, 5, 5));
/// assert_eq!(*net.forward(x).shape(), (3, Const::<2>));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalAvgPool;
pool_module!(GlobalAvgPool[], (B, C), |x| global_avg_pool(x));

/// Flattens `[B, C, H, W]` → `[B, C·H·W]` with a run-time width; see [`crate::nn::flatten`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Flatten;
pool_module!(Flatten[], (B, usize), |x| flatten(x));

/// Flattens `[B, C, H, W]` → `[B, N]` with `N` in the type, so dfdx's `Linear<N, _>` can follow;
/// `C·H·W` must equal `N` at run time (VGG16: `FlattenTo<25088>` after `AdaptiveAvgPool2d<7, 7>`).
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// type Net = (glassbox::nn::AdaptiveAvgPool2d<2, 2>, glassbox::nn::FlattenTo<12>, Linear<12, 5>);
/// let net = dev.build_module::<Net, f32>();
/// let x: Tensor<(usize, Const<3>, usize, usize), f32, _> = dev.zeros_like(&(2, Const, 9, 9));
/// assert_eq!(*net.forward(x).shape(), (2, Const::<5>));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct FlattenTo<const N: usize>;
impl<const N: usize> ZeroSizedModule for FlattenTo<N> {}
impl<const N: usize> NonMutableModule for FlattenTo<N> {}

impl<const N: usize, B: Dim, C: Dim, E: NnFloat, D: NnDevice<E>, T: Tape<E, D>>
    Module<Tensor<(B, C, usize, usize), E, D, T>> for FlattenTo<N>
{
    type Output = Tensor<(B, Const<N>), E, D, T>;
    type Error = D::Err;

    fn try_forward(
        &self,
        x: Tensor<(B, C, usize, usize), E, D, T>,
    ) -> Result<Self::Output, D::Err> {
        let [b, c, h, w] = x.shape().concrete();
        if c * h * w != N {
            return Err(D::module_error(crate::Error::shape(
                "FlattenTo input",
                format!("[B, C, H, W] with C·H·W = {N}"),
                &[b, c, h, w],
            )));
        }
        let y = flatten(retype(x)?).map_err(D::module_error)?;
        retype(y)
    }
}
