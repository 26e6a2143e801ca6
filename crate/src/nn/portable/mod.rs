//! The engine's ops composed from dfdx's own tensor ops, so they run on **any** dfdx device.
//!
//! This is what [`crate::nn::conv2d`] and the pools run on dfdx's `Cuda` device (the `cuda`
//! feature) until native GPU kernels exist; on `Cpu` glassbox uses its own faster kernels, and
//! these functions serve as an independent cross-check of them (the tests compare the two, value
//! and gradient).
//!
//! Every op is one *window gather* followed by dense work dfdx already differentiates:
//! the input is laid out as `[pixels, planes]`, one padding row is appended, and dfdx's
//! `gather` picks each window's pixels (the padding row stands for pixels outside the image, so
//! the backward pass of `gather` — a scatter-add — is col2im). Then
//! - convolution is one batched matrix product per group (`matmul`),
//! - max pooling keeps the *first* maximum of each window with `eq`/`choose`, so the gradient
//!   goes where PyTorch sends it,
//! - average pooling is a sum and a scale.
//!
//! Memory: the gathered windows are materialised (`C·KH·KW × OH·OW × B` values for a
//! convolution, plus one reordered copy for the matrix product); the index table covers one
//! image plane (`OH·OW·KH·KW` entries, shared by every channel and image) and is built on the
//! host and copied to the device per call.
//! [`crate::nn::without_weight_grads`] has no effect here: dfdx's `matmul` computes the gradients
//! of both of its operands.
//!
//! # Example
//! ```
//! use dfdx::prelude::*;
//! use glassbox::{nn::{portable, Conv2dParams}};
//!
//! let dev = Cpu::default();
//! let x = dev.tensor_from_vec((0..16).map(|v| v as f32).collect(), (1, 1, 4, 4));
//! let w = dev.tensor_from_vec(vec![1.0f32; 9], (1, 1, 3, 3));
//! let y = portable::conv2d(x.clone(), &w, None, Conv2dParams::default())?;
//! assert_eq!(y.as_vec(), glassbox::nn::conv2d(x, &w, None, Conv2dParams::default())?.as_vec());
//! # Ok::<(), glassbox::Error>(())
//! ```

mod conv;
mod pool;
mod windows;

pub use conv::conv2d;
pub use pool::{adaptive_avg_pool2d, avg_pool2d, max_pool2d};
