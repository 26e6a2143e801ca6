//! Convolution and pooling for dfdx 0.13 on stable Rust, as differentiable dfdx ops; typed layers.
//!
//! dfdx 0.13 keeps its own convolution and pooling behind a `nightly` feature. This module adds
//! them through dfdx's public tape API, so `.leaky_trace()` … `.backward()` and `grads.get(&x)`
//! work through them exactly as through dfdx's own ops.
//!
//! # Ops (on `[B, C, H, W]` tensors with run-time sizes, `f32` or `f64`, any [`NnDevice`])
//! - [`conv2d`]: stride, padding, dilation, groups, bias; gradients for input, weight and bias.
//!   On the CPU: tiled im2col + matrix products (faer's, AVX-512 where the CPU has it) spread
//!   over rayon's threads; see `benches/conv.rs` and `benches/peers/conv_vs_torch.py`.
//! - [`max_pool2d`], [`avg_pool2d`], [`adaptive_avg_pool2d`], [`global_avg_pool`].
//! - [`flatten`], [`relu`] (standard or guided backward; CPU).
//! - [`upsample_bilinear`] for maps (plain slices, no gradient).
//! - [`without_weight_grads`]: skip weight gradients (saliency on a frozen model).
//!
//! # Layers (for dfdx tuples and structs, with dfdx's `Linear`, `ReLU`, optimisers, safetensors)
//! [`Conv2d`], [`MaxPool2d`], [`AvgPool2d`], [`AdaptiveAvgPool2d`], [`GlobalAvgPool`],
//! [`Flatten`], [`FlattenTo`]; [`builders`] for dtype-generic model types.
//!
//! # Devices
//! The ops and layers are generic over [`NnDevice`]: on dfdx's `Cpu` they run glassbox's own
//! kernels; with the `cuda` feature they also run on dfdx's `Cuda`, composed from dfdx's own
//! CUDA ops ([`portable`]: a window gather, then `matmul` or a reduction) — the same values and
//! gradients, native GPU kernels are future work. [`relu`] with guided gradients is CPU-only
//! (dfdx's own `relu` runs everywhere). glassbox's models and attribution methods run on the CPU.

mod avg_pool;
pub(crate) mod batch;
mod conv2d;
mod conv_kernels;
mod device;
mod flatten;
mod float;
mod im2col;
mod layers;
mod linear;
mod max_pool;
mod params;
mod pool_geometry;
pub mod portable;
mod process_state;
mod relu;
mod tape;
pub(crate) mod tensor;
pub(crate) mod tensor_ids;
mod upsample;
mod weight_grads;

pub use avg_pool::{adaptive_avg_pool2d, avg_pool2d, global_avg_pool};
pub use conv2d::{conv2d, conv2d_relu};
pub use device::NnDevice;
pub use flatten::flatten;
pub use float::NnFloat;
pub use layers::{
    builders, AdaptiveAvgPool2d, AvgPool2d, Conv2d, Flatten, FlattenTo, GlobalAvgPool, MaxPool2d,
    PerGroup,
};
pub use max_pool::max_pool2d;
pub use params::Conv2dParams;
pub use relu::relu;
pub use tape::{Dyn4, Tensor4};
pub use upsample::upsample_bilinear;
pub use weight_grads::without_weight_grads;

pub(crate) use linear::linear;
pub(crate) use tensor_ids::enter as id_guard;
pub use tensor_ids::sync_tensor_ids;
