//! [`Conv2d`]: a typed, trainable 2-D convolution layer for dfdx models.

use dfdx::nn::{
    BuildOnDevice, Module, ModuleVisitor, NonMutableModule, TensorCollection, TensorOptions,
};
use dfdx::prelude::{Const, ConstDim, Cpu, Device, Dim, Dtype, Rank1, Storage, Tape, Tensor};
use dfdx::tensor_ops::ReshapeTo;
use rand_distr::Uniform;

use super::{builders, retype};
use crate::nn::conv2d::conv2d;
use crate::nn::device::NnDevice;
use crate::nn::float::NnFloat;
use crate::nn::params::Conv2dParams;
use crate::nn::tape::Tensor4;
use crate::Result;

/// The input channels of one group, `I / G`, as a dfdx dimension known at compile time.
///
/// Stable Rust cannot write `{ I / G }` in a type, so this stands in for it; using a
/// [`Conv2d`] whose `G` does not divide `I` fails to compile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerGroup<const I: usize, const G: usize>;

impl<const I: usize, const G: usize> Dim for PerGroup<I, G> {
    fn size(&self) -> usize {
        <Self as ConstDim>::SIZE
    }
    fn from_size(size: usize) -> Option<Self> {
        (size == <Self as ConstDim>::SIZE).then_some(Self)
    }
}

impl<const I: usize, const G: usize> ConstDim for PerGroup<I, G> {
    const SIZE: usize = {
        assert!(
            G > 0 && I.is_multiple_of(G),
            "Conv2d: groups G must divide the input channels I"
        );
        I / G
    };
}

/// A 2-D convolution layer with bias, like `torch.nn.Conv2d(I, O, K, stride=S, padding=P,
/// dilation=L, groups=G)`.
///
/// Channel counts are part of the type: the layer takes `[B, I, H, W]` tensors whose channel
/// dimension is `Const<I>` (a wrong channel count does not compile) as well as fully dynamic
/// `[B, C, H, W]` ones (checked at run time); `B`, `H`, `W` are run-time sizes.
///
/// Fields are named like torchvision's (`weight`, `bias`), so safetensors keys match checkpoints.
/// Parameters start as PyTorch's do: uniform in `±1/√(I/G·K·K)` (Kaiming-uniform with `a = √5`).
///
/// Through [`dfdx::nn::Module`] errors are dfdx's `CpuError` (so the layer composes with dfdx's
/// own in tuples); [`Conv2d::apply`] gives descriptive [`crate::Error`]s.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// use glassbox::nn::Conv2d;
///
/// let dev = Cpu::default();
/// type Net = (Conv2d<3, 8, 3, 1, 1>, ReLU, Conv2d<8, 4, 3, 2>);
/// let net = dev.build_module::<Net, f32>();
/// let x: Tensor<(usize, Const<3>, usize, usize), f32, _> = dev.zeros_like(&(2, Const, 9, 7));
/// let y = net.forward(x);
/// assert_eq!(*y.shape(), (2, Const::<4>, 4, 3));
/// ```
///
/// A wrong channel count is a type error:
/// ```compile_fail
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let conv = dev.build_module::<glassbox::nn::Conv2d<3, 8, 3>, f32>();
/// let x: Tensor<(usize, Const<4>, usize, usize), f32, _> = dev.zeros_like(&(1, Const, 9, 9));
/// let _ = conv.forward(x);
/// ```
#[derive(Clone, Debug)]
pub struct Conv2d<
    const I: usize,
    const O: usize,
    const K: usize,
    const S: usize = 1,
    const P: usize = 0,
    const L: usize = 1,
    const G: usize = 1,
    E: Dtype = f32,
    D: Storage<E> = Cpu,
> {
    /// `[O, I/G, K, K]`, checkpoint key `weight`.
    pub weight: Tensor<(Const<O>, PerGroup<I, G>, Const<K>, Const<K>), E, D>,
    /// `[O]`, checkpoint key `bias`.
    pub bias: Tensor<Rank1<O>, E, D>,
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: Dtype,
        D: Storage<E>,
    > Conv2d<I, O, K, S, P, L, G, E, D>
{
    /// The stride, padding, dilation and groups of this layer.
    pub fn params(&self) -> Conv2dParams {
        const {
            assert!(
                G > 0 && O.is_multiple_of(G),
                "Conv2d: groups G must divide the output channels O"
            )
        };
        Conv2dParams::default()
            .stride(S)
            .padding(P)
            .dilation(L)
            .groups(G)
    }
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: NnFloat,
        D: NnDevice<E>,
    > Conv2d<I, O, K, S, P, L, G, E, D>
{
    /// Applies the layer to a dynamically shaped batch `[B, I, H, W]` → `[B, O, OH, OW]`,
    /// with descriptive errors (see [`crate::nn::conv2d`]).
    ///
    /// # Errors
    /// As [`crate::nn::conv2d`]: a channel count other than `I`, zero sizes, a kernel larger than the
    /// padded input.
    pub fn apply<T: Tape<E, D>>(&self, x: Tensor4<E, T, D>) -> Result<Tensor4<E, T, D>> {
        conv2d(x, &self.weight, Some(&self.flat_bias()?), self.params())
    }

    /// The bias with a run-time length, as the ops take it (a view: same data and id, so its
    /// gradient reaches `self.bias`).
    fn flat_bias(&self) -> Result<Tensor<(usize,), E, D>> {
        self.bias
            .clone()
            .try_reshape_like(&(O,))
            .map_err(crate::Error::device)
    }
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: NnFloat,
    > Conv2d<I, O, K, S, P, L, G, E, Cpu>
where
    Cpu: NnDevice<E>,
{
    /// The layer followed by a ReLU with backward rule `mode`, as one op on the CPU (see
    /// [`crate::nn::conv2d_relu`]: the same values and gradients as `relu(self.apply(x)?, mode)`,
    /// faster).
    ///
    /// # Errors
    /// As [`Conv2d::apply`].
    pub fn apply_relu<T: Tape<E, Cpu>>(
        &self,
        x: Tensor4<E, T>,
        mode: crate::ReluGrad,
    ) -> Result<Tensor4<E, T>> {
        let bias = self.flat_bias()?;
        crate::nn::conv2d_relu(x, &self.weight, Some(&bias), self.params(), mode)
    }
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: NnFloat,
        D: Device<E>,
    > TensorCollection<E, D> for Conv2d<I, O, K, S, P, L, G, E, D>
{
    type To<E2: Dtype, D2: Device<E2>> = Conv2d<I, O, K, S, P, L, G, E2, D2>;

    fn iter_tensors<V: ModuleVisitor<Self, E, D>>(
        visitor: &mut V,
    ) -> std::result::Result<Option<Self::To<V::E2, V::D2>>, V::Err> {
        visitor.visit_fields(
            (
                Self::tensor(
                    "weight",
                    |s| &s.weight,
                    |s| &mut s.weight,
                    TensorOptions::reset_with(|t| {
                        let b = E::of_f64(1.0 / ((I / G * K * K) as f64).sqrt());
                        t.try_fill_with_distr(Uniform::new(-b, b))
                    }),
                ),
                Self::tensor(
                    "bias",
                    |s| &s.bias,
                    |s| &mut s.bias,
                    TensorOptions::reset_with(|t| {
                        let b = E::of_f64(1.0 / ((I / G * K * K) as f64).sqrt());
                        t.try_fill_with_distr(Uniform::new(-b, b))
                    }),
                ),
            ),
            |(weight, bias)| Conv2d { weight, bias },
        )
    }
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: NnFloat,
        D: Device<E>,
    > BuildOnDevice<D, E> for builders::Conv2d<I, O, K, S, P, L, G>
{
    type Built = Conv2d<I, O, K, S, P, L, G, E, D>;
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: NnFloat,
        D: Device<E>,
    > BuildOnDevice<D, E> for Conv2d<I, O, K, S, P, L, G, E, D>
{
    type Built = Self;
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: Dtype,
        D: Storage<E>,
    > NonMutableModule for Conv2d<I, O, K, S, P, L, G, E, D>
{
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        B: Dim,
        E: NnFloat,
        D: NnDevice<E>,
        T: Tape<E, D>,
    > Module<Tensor<(B, Const<I>, usize, usize), E, D, T>> for Conv2d<I, O, K, S, P, L, G, E, D>
{
    type Output = Tensor<(B, Const<O>, usize, usize), E, D, T>;
    type Error = D::Err;

    fn try_forward(
        &self,
        x: Tensor<(B, Const<I>, usize, usize), E, D, T>,
    ) -> std::result::Result<Self::Output, D::Err> {
        let y = self.apply(retype(x)?).map_err(D::module_error)?;
        retype(y)
    }
}

impl<
        const I: usize,
        const O: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const L: usize,
        const G: usize,
        E: NnFloat,
        D: NnDevice<E>,
        T: Tape<E, D>,
    > Module<Tensor4<E, T, D>> for Conv2d<I, O, K, S, P, L, G, E, D>
{
    type Output = Tensor4<E, T, D>;
    type Error = D::Err;

    fn try_forward(&self, x: Tensor4<E, T, D>) -> std::result::Result<Self::Output, D::Err> {
        self.apply(x).map_err(D::module_error)
    }
}
