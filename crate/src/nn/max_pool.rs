//! `max_pool2d`: differentiable max pooling; the gradient goes to the first maximum.

use dfdx::prelude::{Cpu, HasShape, PutTape, SplitTape, Tape};
use rayon::prelude::*;

use super::device::NnDevice;
use super::float::NnFloat;
use super::pool_geometry::Windows;
use super::tape::{contiguous, dims4, tensor_from, writable, Scratch, Tensor4};
use crate::Result;

/// 2-D max pooling over `kernel`×`kernel` windows, like `torch.nn.functional.max_pool2d`
/// (`ceil_mode=False`, padding counts as −∞).
///
/// The gradient of each output flows to the **first** maximum of its window in row-major order
/// (PyTorch's rule for ties); a NaN counts as the maximum (the last NaN of a window, as in
/// PyTorch's scan).
///
/// # Shapes
/// `[B, C, H, W]` → `[B, C, OH, OW]`, `OH = ⌊(H + 2·padding − kernel) / stride⌋ + 1`.
///
/// # Errors
/// [`crate::ErrorKind::InvalidArgument`] for a zero kernel or stride, padding above half the
/// kernel, or a kernel larger than the padded input; [`crate::ErrorKind::Shape`] for zero sizes.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let x = dev.tensor_from_vec(vec![1.0f32, 5.0, 2.0, 0.0, 3.0, 5.0, 7.0, 1.0], (1, 2, 2, 2));
/// let y = glassbox::nn::max_pool2d(x.leaky_trace(), 2, 2, 0)?;
/// assert_eq!(y.as_vec(), vec![5.0, 7.0]);
/// let g = y.sum().backward();
/// assert_eq!(g.get(&x).as_vec(), vec![0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn max_pool2d<E: NnFloat, D: NnDevice<E>, T: Tape<E, D>>(
    x: Tensor4<E, T, D>,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Result<Tensor4<E, T, D>> {
    D::max_pool2d(x, kernel, stride, padding)
}

/// [`max_pool2d`] with glassbox's CPU kernel.
pub(super) fn on_cpu<E: NnFloat, T: Tape<E, Cpu>>(
    x: Tensor4<E, T>,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Result<Tensor4<E, T>> {
    let win = Windows::sliding(
        "max_pool2d input",
        dims4(x.shape()),
        kernel,
        stride,
        padding,
    )?;
    let (x, mut tape) = contiguous(x)?.split_tape();
    let x_data = Scratch::copy_of(&x);
    let plane = win.h * win.w;
    let out_plane = win.out_plane();
    let n_out = win.batch * win.channels * out_plane;
    let mut y = vec![E::ZERO; n_out];
    // Argmax indices (within the plane) are only needed for a backward pass.
    let mut arg = vec![0u32; if T::OWNS_TAPE { n_out } else { 0 }];
    let pair = kernel == 2 && stride == 2 && padding == 0;
    let pool_plane = |x: &[E], y: &mut [E], mut arg: Option<&mut [u32]>| {
        let ow = win.cols.len();
        for (i, &(r0, r1)) in win.rows.iter().enumerate() {
            for (j, &(c0, c1)) in win.cols.iter().enumerate() {
                let (best, at) = if pair {
                    first_max_of_pair(x, r0 * win.w + c0, win.w)
                } else {
                    first_max(x, win.w, (r0, r1), (c0, c1))
                };
                y[i * ow + j] = best;
                if let Some(arg) = arg.as_deref_mut() {
                    arg[i * ow + j] = at as u32;
                }
            }
        }
    };
    let planes = y.par_chunks_mut(out_plane).zip(x_data.par_chunks(plane));
    if T::OWNS_TAPE {
        planes
            .zip(arg.par_chunks_mut(out_plane))
            .for_each(|((y, x), arg)| pool_plane(x, y, Some(arg)));
    } else {
        planes.for_each(|(y, x)| pool_plane(x, y, None));
    }
    let [b, c, oh, ow] = win.out_shape();
    let y = tensor_from(x.device(), y, (b, c, oh, ow))?;
    if T::OWNS_TAPE {
        let (x_ghost, y_ghost) = (x.ghost(), y.ghost());
        tape.add_backward_op(move |grads| {
            let gy: Vec<E> = std::mem::take(&mut **grads.get_or_alloc_mut(&y_ghost)?);
            let gx = writable(grads.get_or_alloc_mut(&x_ghost)?);
            gx.par_chunks_mut(plane)
                .zip(gy.par_chunks(out_plane).zip(arg.par_chunks(out_plane)))
                .for_each(|(gx, (gy, arg))| {
                    for (&g, &a) in gy.iter().zip(arg) {
                        gx[a as usize] += g;
                    }
                });
            **grads.get_or_alloc_mut(&y_ghost)? = gy;
            Ok(())
        });
    }
    Ok(y.put_tape(tape))
}

/// The first maximum of the window (PyTorch's rule: a later value wins only if strictly larger,
/// or NaN) and its index in the plane.
fn first_max<E: NnFloat>(
    x: &[E],
    w: usize,
    (r0, r1): (usize, usize),
    (c0, c1): (usize, usize),
) -> (E, usize) {
    let (mut best, mut at) = (E::NEG_INFINITY, r0 * w + c0);
    for r in r0..r1 {
        for (c, &v) in x[r * w + c0..r * w + c1].iter().enumerate() {
            if v > best || v.is_nan_value() {
                (best, at) = (v, r * w + c0 + c);
            }
        }
    }
    (best, at)
}

/// [`first_max`] for the 2×2 window whose top-left element is `x[at]` (VGG's pooling).
fn first_max_of_pair<E: NnFloat>(x: &[E], at: usize, w: usize) -> (E, usize) {
    let mut best = (x[at], at);
    for i in [at + 1, at + w, at + w + 1] {
        if x[i] > best.0 || x[i].is_nan_value() {
            best = (x[i], i);
        }
    }
    best
}
