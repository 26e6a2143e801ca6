//! Average pooling: `avg_pool2d`, `adaptive_avg_pool2d` and `global_avg_pool`.

use dfdx::prelude::{Cpu, HasShape, PutTape, SplitTape, Tape, Tensor};
use dfdx::tensor_ops::ReshapeTo;
use rayon::prelude::*;

use super::device::NnDevice;
use super::float::NnFloat;
use super::pool_geometry::Windows;
use super::tape::{contiguous, dims4, tensor_from, writable, Scratch, Tensor4};
use crate::Result;

/// 2-D average pooling over `kernel`×`kernel` windows, like `torch.nn.functional.avg_pool2d`
/// (`ceil_mode=False`, `count_include_pad=True`: the divisor is always `kernel²`).
///
/// # Shapes
/// `[B, C, H, W]` → `[B, C, OH, OW]`, `OH = ⌊(H + 2·padding − kernel) / stride⌋ + 1`.
///
/// # Errors
/// As [`crate::nn::max_pool2d`].
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let x = dev.tensor_from_vec(vec![1.0f32, 2.0, 3.0, 6.0], (1, 1, 2, 2));
/// let y = glassbox::nn::avg_pool2d(x, 2, 2, 0)?;
/// assert_eq!(y.as_vec(), vec![3.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn avg_pool2d<E: NnFloat, D: NnDevice<E>, T: Tape<E, D>>(
    x: Tensor4<E, T, D>,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Result<Tensor4<E, T, D>> {
    D::avg_pool2d(x, kernel, stride, padding)
}

/// [`avg_pool2d`] with glassbox's CPU kernel.
pub(super) fn avg_on_cpu<E: NnFloat, T: Tape<E, Cpu>>(
    x: Tensor4<E, T>,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Result<Tensor4<E, T>> {
    let win = Windows::sliding(
        "avg_pool2d input",
        dims4(x.shape()),
        kernel,
        stride,
        padding,
    )?;
    average(x, win, Some(kernel * kernel))
}

/// Adaptive average pooling to `(out_h, out_w)`, like `torch.nn.functional.adaptive_avg_pool2d`:
/// output row `i` averages input rows `⌊i·H/OH⌋ .. ⌈(i+1)·H/OH⌉` (and likewise for columns).
///
/// VGG uses it to turn any input size into 7×7 before its classifier.
///
/// # Shapes
/// `[B, C, H, W]` → `[B, C, out_h, out_w]`; the output may be larger than the input.
///
/// # Errors
/// [`crate::ErrorKind::Shape`] for zero sizes; [`crate::ErrorKind::InvalidArgument`] for a zero
/// output size.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let x = dev.tensor_from_vec((0..5).map(|v| v as f32).collect(), (1, 1, 1, 5));
/// let y = glassbox::nn::adaptive_avg_pool2d(x, (1, 3))?;
/// // Windows [0, 2), [1, 4), [3, 5).
/// assert_eq!(y.as_vec(), vec![0.5, 2.0, 3.5]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn adaptive_avg_pool2d<E: NnFloat, D: NnDevice<E>, T: Tape<E, D>>(
    x: Tensor4<E, T, D>,
    out: (usize, usize),
) -> Result<Tensor4<E, T, D>> {
    D::adaptive_avg_pool2d(x, out)
}

/// [`adaptive_avg_pool2d`] with glassbox's CPU kernel.
pub(super) fn adaptive_on_cpu<E: NnFloat, T: Tape<E, Cpu>>(
    x: Tensor4<E, T>,
    out: (usize, usize),
) -> Result<Tensor4<E, T>> {
    let win = Windows::adaptive("adaptive_avg_pool2d input", dims4(x.shape()), out)?;
    average(x, win, None)
}

/// Global average pooling: the mean of each channel, `[B, C, H, W]` → `[B, C]`.
///
/// # Errors
/// [`crate::ErrorKind::Shape`] for zero sizes.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let dev = Cpu::default();
/// let x = dev.tensor_from_vec(vec![1.0f32, 3.0, 10.0, 20.0], (1, 2, 1, 2));
/// assert_eq!(glassbox::nn::global_avg_pool(x)?.as_vec(), vec![2.0, 15.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn global_avg_pool<E: NnFloat, D: NnDevice<E>, T: Tape<E, D>>(
    x: Tensor4<E, T, D>,
) -> Result<Tensor<(usize, usize), E, D, T>> {
    let (b, c, _, _) = *x.shape();
    let y = adaptive_avg_pool2d(x, (1, 1))?;
    y.try_reshape_like(&(b, c)).map_err(crate::Error::device)
}

/// Averages every window; `divisor` overrides the window area (`count_include_pad`).
fn average<E: NnFloat, T: Tape<E, Cpu>>(
    x: Tensor4<E, T>,
    win: Windows,
    divisor: Option<usize>,
) -> Result<Tensor4<E, T>> {
    let (x, mut tape) = contiguous(x)?.split_tape();
    let x_data = Scratch::copy_of(&x);
    let (plane, out_plane) = (win.h * win.w, win.out_plane());
    let ow = win.cols.len();
    let scale = move |rows, cols| E::of_f64(Windows::average_scale(rows, cols, divisor));
    let mut y = vec![E::ZERO; win.batch * win.channels * out_plane];
    y.par_chunks_mut(out_plane)
        .zip(x_data.par_chunks(plane))
        .for_each(|(y, x)| {
            for (i, &rows) in win.rows.iter().enumerate() {
                for (j, &cols) in win.cols.iter().enumerate() {
                    let sum: E = (rows.0..rows.1)
                        .map(|r| {
                            x[r * win.w + cols.0..r * win.w + cols.1]
                                .iter()
                                .copied()
                                .sum::<E>()
                        })
                        .sum();
                    y[i * ow + j] = sum * scale(rows, cols);
                }
            }
        });
    let [b, c, oh, ow] = win.out_shape();
    let y = tensor_from(x.device(), y, (b, c, oh, ow))?;
    if T::OWNS_TAPE {
        let (x_ghost, y_ghost) = (x.ghost(), y.ghost());
        tape.add_backward_op(move |grads| {
            let gy: Vec<E> = std::mem::take(&mut **grads.get_or_alloc_mut(&y_ghost)?);
            let gx = writable(grads.get_or_alloc_mut(&x_ghost)?);
            gx.par_chunks_mut(plane)
                .zip(gy.par_chunks(out_plane))
                .for_each(|(gx, gy)| {
                    for (i, &rows) in win.rows.iter().enumerate() {
                        for (j, &cols) in win.cols.iter().enumerate() {
                            let g = gy[i * ow + j] * scale(rows, cols);
                            for r in rows.0..rows.1 {
                                for v in &mut gx[r * win.w + cols.0..r * win.w + cols.1] {
                                    *v += g;
                                }
                            }
                        }
                    }
                });
            **grads.get_or_alloc_mut(&y_ghost)? = gy;
            Ok(())
        });
    }
    Ok(y.put_tape(tape))
}
