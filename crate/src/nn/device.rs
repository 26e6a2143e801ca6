//! [`NnDevice`]: the dfdx devices the engine's ops run on, and which implementation each uses.

use dfdx::prelude::{Cpu, CpuError, Device, Shape, Tape, Tensor};

use super::float::NnFloat;
use super::params::Conv2dParams;
use super::tape::Tensor4;
use crate::{Error, ErrorKind, Result};

/// A dfdx device that [`crate::nn::conv2d`], the pools and the typed layers ([`crate::nn::Conv2d`],
/// [`crate::nn::MaxPool2d`], …) run on.
///
/// - `Cpu`: glassbox's own kernels (tiled im2col, faer matrix products, rayon).
/// - `Cuda` (the `cuda` feature): the ops of [`crate::nn::portable`], composed from dfdx's own
///   CUDA `gather`, `matmul` and reductions. Slower than native kernels would be, but the same
///   numbers and gradients.
///
/// Another dfdx device can join by delegating to [`crate::nn::portable`]. Call the free
/// functions ([`crate::nn::conv2d`], …) rather than these methods: they are the same ops.
///
/// # Example
/// Code written against `NnDevice` runs on the CPU and, with the `cuda` feature, on a GPU:
/// ```
/// use dfdx::prelude::*;
/// use glassbox::nn::{NnDevice, Tensor4};
/// use glassbox::{nn::{conv2d, max_pool2d, Conv2dParams}};
///
/// fn block<D: NnDevice<f32>, T: Tape<f32, D>>(
///     x: Tensor4<f32, T, D>,
///     w: &Tensor<(usize, usize, usize, usize), f32, D>,
/// ) -> glassbox::Result<Tensor4<f32, T, D>> {
///     let h = conv2d(x, w, None, Conv2dParams::default().padding(1))?;
///     max_pool2d(h.relu(), 2, 2, 0)
/// }
///
/// let dev = Cpu::default(); // or `Cuda::default()` with the `cuda` feature
/// let x: Tensor4<f32, NoneTape, Cpu> = dev.ones_like(&(1, 3, 8, 8));
/// let w = dev.ones_like(&(4, 3, 3, 3));
/// assert_eq!(*block(x, &w)?.shape(), (1, 4, 4, 4));
/// # Ok::<(), glassbox::Error>(())
/// ```
pub trait NnDevice<E: NnFloat>: Device<E> {
    /// [`crate::nn::conv2d`] on this device.
    ///
    /// # Errors
    /// As [`crate::nn::conv2d`].
    fn conv2d<T: Tape<E, Self>, SW: Shape<Concrete = [usize; 4]>>(
        x: Tensor4<E, T, Self>,
        weight: &Tensor<SW, E, Self>,
        bias: Option<&Tensor<(usize,), E, Self>>,
        params: Conv2dParams,
    ) -> Result<Tensor4<E, T, Self>>;

    /// [`crate::nn::max_pool2d`] on this device.
    ///
    /// # Errors
    /// As [`crate::nn::max_pool2d`].
    fn max_pool2d<T: Tape<E, Self>>(
        x: Tensor4<E, T, Self>,
        kernel: usize,
        stride: usize,
        padding: usize,
    ) -> Result<Tensor4<E, T, Self>>;

    /// [`crate::nn::avg_pool2d`] on this device.
    ///
    /// # Errors
    /// As [`crate::nn::avg_pool2d`].
    fn avg_pool2d<T: Tape<E, Self>>(
        x: Tensor4<E, T, Self>,
        kernel: usize,
        stride: usize,
        padding: usize,
    ) -> Result<Tensor4<E, T, Self>>;

    /// [`crate::nn::adaptive_avg_pool2d`] on this device.
    ///
    /// # Errors
    /// As [`crate::nn::adaptive_avg_pool2d`].
    fn adaptive_avg_pool2d<T: Tape<E, Self>>(
        x: Tensor4<E, T, Self>,
        out: (usize, usize),
    ) -> Result<Tensor4<E, T, Self>>;

    /// A glassbox error as this device's error type, for the layers' [`dfdx::nn::Module`]
    /// impls (dfdx wants the device's error there, so layers compose in tuples). The layers'
    /// own `apply` methods keep the descriptive [`crate::Error`].
    fn module_error(e: Error) -> Self::Err;
}

/// Implements [`NnDevice`] for a device and element type by naming the module of its ops
/// (`$ops::conv2d`, `$ops::max_pool2d`, …) and how a glassbox error becomes the device's error.
/// dfdx implements `Device<E>` per element type, so the impls are per type too.
macro_rules! nn_device {
    ($dev:ty, $E:ty, conv: $conv:path, max: $max:path, avg: $avg:path, adaptive: $adaptive:path, error: $err:expr) => {
        impl NnDevice<$E> for $dev {
            fn conv2d<T: Tape<$E, Self>, SW: Shape<Concrete = [usize; 4]>>(
                x: Tensor4<$E, T, Self>,
                weight: &Tensor<SW, $E, Self>,
                bias: Option<&Tensor<(usize,), $E, Self>>,
                params: Conv2dParams,
            ) -> Result<Tensor4<$E, T, Self>> {
                $conv(x, weight, bias, params)
            }

            fn max_pool2d<T: Tape<$E, Self>>(
                x: Tensor4<$E, T, Self>,
                kernel: usize,
                stride: usize,
                padding: usize,
            ) -> Result<Tensor4<$E, T, Self>> {
                $max(x, kernel, stride, padding)
            }

            fn avg_pool2d<T: Tape<$E, Self>>(
                x: Tensor4<$E, T, Self>,
                kernel: usize,
                stride: usize,
                padding: usize,
            ) -> Result<Tensor4<$E, T, Self>> {
                $avg(x, kernel, stride, padding)
            }

            fn adaptive_avg_pool2d<T: Tape<$E, Self>>(
                x: Tensor4<$E, T, Self>,
                out: (usize, usize),
            ) -> Result<Tensor4<$E, T, Self>> {
                $adaptive(x, out)
            }

            fn module_error(e: Error) -> Self::Err {
                $err(e)
            }
        }
    };
}

/// A glassbox error as dfdx's CPU error (dfdx's CPU errors carry no message).
fn as_cpu_error(e: Error) -> CpuError {
    match e.kind() {
        ErrorKind::Device { reason } if reason.contains("OutOfMemory") => CpuError::OutOfMemory,
        _ => CpuError::WrongNumElements,
    }
}

macro_rules! cpu_device {
    ($($E:ty),*) => {$(
        nn_device!(Cpu, $E,
            conv: super::conv2d::on_cpu,
            max: super::max_pool::on_cpu,
            avg: super::avg_pool::avg_on_cpu,
            adaptive: super::avg_pool::adaptive_on_cpu,
            error: as_cpu_error);
    )*};
}
cpu_device!(f32, f64);

#[cfg(feature = "cuda")]
macro_rules! cuda_device {
    ($($E:ty),*) => {$(
        nn_device!(dfdx::prelude::Cuda, $E,
            conv: super::portable::conv2d,
            max: super::portable::max_pool2d,
            avg: super::portable::avg_pool2d,
            adaptive: super::portable::adaptive_avg_pool2d,
            error: |e| dfdx::tensor::CudaError::Cpu(as_cpu_error(e)));
    )*};
}
#[cfg(feature = "cuda")]
cuda_device!(f32, f64);
