//! Pooling as a window gather and a reduction over each window.

use dfdx::prelude::{Axes2, Axis, Device, HasShape, NoneTape, Shape, Tape, Tensor};
use dfdx::tensor_ops::{BroadcastTo, ChooseFrom, MaxTo, PermuteTo, ReshapeTo, SumTo, TryEq, TryNe};

use super::windows::{gather_rows, Rows};
use crate::nn::float::NnFloat;
use crate::nn::pool_geometry::Windows;
use crate::nn::tape::Tensor4;
use crate::Result;

/// `[P, K, N]`: the `K` pixels of each of `P` windows for each of `N` image planes.
type Windowed<E, D, T> = Tensor<(usize, usize, usize), E, D, T>;

/// [`crate::nn::max_pool2d`] on any dfdx device: same results and errors, and the gradient goes to
/// the first maximum of each window (PyTorch's rule; a NaN counts as the maximum), not to every
/// tied one as dfdx's `max` would send it.
///
/// # Errors
/// As [`crate::nn::max_pool2d`].
pub fn max_pool2d<E, D, T>(
    x: Tensor4<E, T, D>,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Result<Tensor4<E, T, D>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
{
    let shape = x.shape().concrete();
    let win = Windows::sliding("max_pool2d input", shape, kernel, stride, padding)?;
    let windows = gather_windows(x, &win, E::NEG_INFINITY)?;
    let dev = windows.device().clone();
    let wshape = *windows.shape();
    let (_, k, _) = wshape;
    let err = crate::Error::device;
    // Score the positions equal to the window's maximum K − i (the first one wins), NaNs
    // K + 1 + i (any NaN beats every number and the last NaN wins: PyTorch's `v > max ||
    // isnan(v)` scan), the rest 0; keep the best-scored position.
    let values = windows.retaped::<NoneTape>();
    let is_max = values
        .try_eq(&broadcast_max(values.clone())?)
        .map_err(err)?;
    let is_nan = values.try_ne(&values).map_err(err)?;
    let rank = |score: &dyn Fn(usize) -> usize| {
        let r = (0..k).map(|i| E::of_f64(score(i) as f64)).collect();
        dev.try_tensor_from_vec(r, (k,))
            .and_then(|r| r.try_broadcast_like::<_, Axes2<0, 2>>(&wshape))
            .map_err(err)
    };
    let zeros = dev.try_zeros_like(&wshape).map_err(err)?;
    let score = is_max
        .try_choose(rank(&|i| k - i)?, zeros.clone())
        .map_err(err)?;
    let score = is_nan
        .try_choose(rank(&|i| k + 1 + i)?, score)
        .map_err(err)?;
    let first = score.try_eq(&broadcast_max(score.clone())?).map_err(err)?;
    let pooled = first
        .try_choose(windows, zeros)
        .and_then(|t| t.try_sum::<(usize, usize), Axis<1>>())
        .map_err(err)?;
    to_image(pooled, &win)
}

/// [`crate::nn::avg_pool2d`] on any dfdx device: same results, gradients and errors
/// (`count_include_pad`: every window divides by `kernel²`).
///
/// # Errors
/// As [`crate::nn::avg_pool2d`].
pub fn avg_pool2d<E, D, T>(
    x: Tensor4<E, T, D>,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Result<Tensor4<E, T, D>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
{
    let shape = x.shape().concrete();
    let win = Windows::sliding("avg_pool2d input", shape, kernel, stride, padding)?;
    average(x, win, Some(kernel * kernel))
}

/// [`crate::nn::adaptive_avg_pool2d`] on any dfdx device: same results, gradients and errors.
///
/// # Errors
/// As [`crate::nn::adaptive_avg_pool2d`].
pub fn adaptive_avg_pool2d<E, D, T>(
    x: Tensor4<E, T, D>,
    out: (usize, usize),
) -> Result<Tensor4<E, T, D>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
{
    let shape = x.shape().concrete();
    let win = Windows::adaptive("adaptive_avg_pool2d input", shape, out)?;
    average(x, win, None)
}

/// Each window's sum times [`Windows::average_scale`].
fn average<E, D, T>(
    x: Tensor4<E, T, D>,
    win: Windows,
    divisor: Option<usize>,
) -> Result<Tensor4<E, T, D>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
{
    let windows = gather_windows(x, &win, E::ZERO)?;
    let dev = windows.device().clone();
    let (p, _, n) = *windows.shape();
    let scale: Vec<E> = win
        .rows
        .iter()
        .flat_map(|&rows| {
            win.cols
                .iter()
                .map(move |&cols| E::of_f64(Windows::average_scale(rows, cols, divisor)))
        })
        .collect();
    let scale = dev
        .try_tensor_from_vec(scale, (p,))
        .and_then(|s| s.try_broadcast_like::<_, Axis<1>>(&(p, n)))
        .map_err(crate::Error::device)?;
    let sums = windows
        .try_sum::<(usize, usize), Axis<1>>()
        .map_err(crate::Error::device)?;
    to_image(sums * scale, &win)
}

/// `[B, C, H, W]` → `[P, K, B·C]`: every window's pixels (filled up to the largest window with
/// `pad`) for every image plane.
fn gather_windows<E, D, T>(x: Tensor4<E, T, D>, win: &Windows, pad: E) -> Result<Windowed<E, D, T>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
{
    let planes = win.batch * win.channels;
    let pixels: Rows<E, D, T> = x
        .try_reshape_like(&(planes, win.h * win.w))
        .and_then(|t| t.try_permute::<_, Axes2<1, 0>>())
        .map_err(crate::Error::device)?;
    let (table, largest) = win.gather_table();
    gather_rows(pixels, pad, table)?
        .try_reshape_like(&(win.out_plane(), largest, planes))
        .map_err(crate::Error::device)
}

/// Each window's maximum, repeated over the window: `[P, K, N]` → `[P, K, N]`.
fn broadcast_max<E, D>(t: Windowed<E, D, NoneTape>) -> Result<Windowed<E, D, NoneTape>>
where
    E: NnFloat,
    D: Device<E>,
{
    let shape = *t.shape();
    t.try_max::<(usize, usize), Axis<1>>()
        .and_then(|m| m.try_broadcast_like::<_, Axis<1>>(&shape))
        .map_err(crate::Error::device)
}

/// `[P, B·C]` (one value per window and plane) → `[B, C, OH, OW]`.
fn to_image<E, D, T>(y: Rows<E, D, T>, win: &Windows) -> Result<Tensor4<E, T, D>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
{
    let [b, c, oh, ow] = win.out_shape();
    y.try_permute::<_, Axes2<1, 0>>()
        .and_then(|t| t.try_reshape_like(&(b, c, oh, ow)))
        .map_err(crate::Error::device)
}
