//! Convolution as a window gather and one batched matrix product per group.

use dfdx::prelude::{Axes2, Axes3, Axes4, Axes5, Device, HasShape, Shape, Tape, Tensor};
use dfdx::tensor_ops::{BroadcastTo, PermuteTo, ReshapeTo, TryMatMul};

use super::windows::{gather_rows, Rows};
use crate::nn::float::NnFloat;
use crate::nn::params::{Conv2dParams, ConvGeometry};
use crate::nn::tape::Tensor4;
use crate::Result;

/// [`crate::nn::conv2d`] on any dfdx device, composed from dfdx's `gather` and `matmul`: same
/// arguments, results, gradients (input, weight, bias) and errors.
///
/// # Errors
/// As [`crate::nn::conv2d`].
pub fn conv2d<E, D, T, SW>(
    x: Tensor4<E, T, D>,
    weight: &Tensor<SW, E, D>,
    bias: Option<&Tensor<(usize,), E, D>>,
    params: Conv2dParams,
) -> Result<Tensor4<E, T, D>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
    SW: Shape<Concrete = [usize; 4]>,
{
    let g = ConvGeometry::checked(
        x.shape().concrete(),
        weight.shape().concrete(),
        bias.map(|b| b.shape().0),
        params,
    )?;
    let (b, c_out, p, taps) = (g.batch, g.c_out, g.oh * g.ow, g.kh * g.kw);
    let (groups, cg, og) = (g.groups, g.c_in_group(), g.c_out_group());
    // [B, C, H, W] → [H·W, B·C]: one row per pixel position, every image plane along the row,
    // so the gather table covers one plane (`P·K` entries, not `C·P·K`).
    let pixels: Rows<E, D, T> = x
        .try_reshape_like(&(b * g.c_in, g.h * g.w))
        .and_then(|t| t.try_permute::<_, Axes2<1, 0>>())
        .map_err(crate::Error::device)?;
    // [P·K, B·C] → [P, K, B, G, Cg] → [G, P, B, Cg, K] → [G, P·B, Cg·K]: im2col per group.
    let cols = gather_rows(pixels, E::ZERO, tap_table(&g))?
        .try_reshape_like(&(p, taps, b, groups, cg))
        .and_then(|t| t.try_permute::<_, Axes5<3, 0, 2, 4, 1>>())
        .and_then(|t| t.try_reshape_like(&(groups, p * b, cg * taps)))
        .map_err(crate::Error::device)?;
    let weight = weight
        .retaped::<T>()
        .try_reshape_like(&(groups, og, cg * taps))
        .and_then(|t| t.try_permute::<_, Axes3<0, 2, 1>>())
        .map_err(crate::Error::device)?;
    // [G, P·B, Og] → [G, P, B, Og] → [B, G, Og, P] → [B, O, OH, OW].
    let y = cols
        .try_matmul(weight)
        .and_then(|t| t.try_reshape_like(&(groups, p, b, og)))
        .and_then(|t| t.try_permute::<_, Axes4<2, 0, 3, 1>>())
        .and_then(|t| t.try_reshape_like(&(b, c_out, g.oh, g.ow)))
        .map_err(crate::Error::device)?;
    let Some(bias) = bias else { return Ok(y) };
    let shape = *y.shape();
    let bias = bias
        .retaped::<T>()
        .try_broadcast_like::<_, Axes3<0, 2, 3>>(&shape)
        .map_err(crate::Error::device)?;
    (y + bias).try_contiguous().map_err(crate::Error::device)
}

/// For each output pixel and kernel tap (row-major in that order), the input pixel under it,
/// `iy·W + ix`, or `H·W` (the padding row) outside the image.
fn tap_table(g: &ConvGeometry) -> Vec<usize> {
    let pad = g.h * g.w;
    let tap = |o: usize, k: usize, stride: usize, dil: usize, padding: usize, size: usize| {
        (o * stride + k * dil)
            .checked_sub(padding)
            .filter(|&i| i < size)
    };
    let mut table = Vec::with_capacity(g.oh * g.ow * g.kh * g.kw);
    for oy in 0..g.oh {
        for ox in 0..g.ow {
            for ky in 0..g.kh {
                let iy = tap(oy, ky, g.stride.0, g.dilation.0, g.padding.0, g.h);
                for kx in 0..g.kw {
                    let ix = tap(ox, kx, g.stride.1, g.dilation.1, g.padding.1, g.w);
                    table.push(match (iy, ix) {
                        (Some(iy), Some(ix)) => iy * g.w + ix,
                        _ => pad,
                    });
                }
            }
        }
    }
    table
}
