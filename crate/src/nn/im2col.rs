//! im2col / col2im: unfold the image windows of one group into a matrix and fold them back.
//!
//! The column matrix of a group has one row per `(channel, ky, kx)` tap and one column per
//! output pixel, so a convolution is `weight[O_g, C_g·KH·KW] · col[C_g·KH·KW, OH·OW]`.

use rayon::prelude::*;

use super::float::NnFloat;
use super::params::ConvGeometry;

/// The output columns `ox` whose input column `ox·stride + offset` lies in `[0, width)`.
fn valid_range(offset: isize, stride: usize, width: usize, out: usize) -> (usize, usize) {
    let lo = if offset >= 0 {
        0
    } else {
        ((-offset) as usize).div_ceil(stride)
    };
    let last = width as isize - 1 - offset;
    let hi = if last < 0 {
        0
    } else {
        (last as usize / stride + 1).min(out)
    };
    (lo.min(hi), hi)
}

/// The input row of output row `oy` at kernel row `ky`, if inside the image.
fn input_row(g: &ConvGeometry, oy: usize, ky: usize) -> Option<usize> {
    let iy = (oy * g.stride.0 + ky * g.dilation.0) as isize - g.padding.0 as isize;
    (iy >= 0 && (iy as usize) < g.h).then_some(iy as usize)
}

/// Fills `col` (`[C_g·KH·KW, (oy1 − oy0)·OW]`) with the columns of output rows `oy0..oy1` only,
/// on the calling thread (the tiled kernels run many of these in parallel).
pub(crate) fn im2col_rows<E: NnFloat>(
    g: &ConvGeometry,
    x: &[E],
    col: &mut [E],
    out_rows: std::ops::Range<usize>,
) {
    let per_channel = g.kh * g.kw * out_rows.len() * g.ow;
    for (rows, channel) in col.chunks_mut(per_channel).zip(x.chunks(g.h * g.w)) {
        unfold_channel(g, channel, rows, out_rows.clone());
    }
}

/// The `KH·KW` rows of one input channel, for output rows `out_rows`.
fn unfold_channel<E: NnFloat>(
    g: &ConvGeometry,
    channel: &[E],
    rows: &mut [E],
    out_rows: std::ops::Range<usize>,
) {
    let cols = out_rows.len() * g.ow;
    for (tap, row) in rows.chunks_mut(cols).enumerate() {
        let (ky, kx) = (tap / g.kw, tap % g.kw);
        let offset = (kx * g.dilation.1) as isize - g.padding.1 as isize;
        let (lo, hi) = valid_range(offset, g.stride.1, g.w, g.ow);
        for (oy, out) in out_rows.clone().zip(row.chunks_mut(g.ow)) {
            let Some(iy) = input_row(g, oy, ky) else {
                out.fill(E::ZERO);
                continue;
            };
            let src = &channel[iy * g.w..(iy + 1) * g.w];
            out[..lo].fill(E::ZERO);
            out[hi..].fill(E::ZERO);
            let start = ((lo * g.stride.1) as isize + offset) as usize;
            if g.stride.1 == 1 {
                out[lo..hi].copy_from_slice(&src[start..start + hi - lo]);
            } else {
                for (i, o) in out[lo..hi].iter_mut().enumerate() {
                    *o = src[start + i * g.stride.1];
                }
            }
        }
    }
}

/// Adds the columns `col` (`[C_g·KH·KW, OH·OW]`) back onto their pixels of `grad_x` (`[C_g, H, W]`).
pub(crate) fn col2im_add<E: NnFloat>(g: &ConvGeometry, col: &[E], grad_x: &mut [E]) {
    let plane = g.h * g.w;
    let taps = g.kh * g.kw;
    let cols = g.col_cols();
    grad_x
        .par_chunks_mut(plane)
        .zip(col.par_chunks(taps * cols))
        .for_each(|(channel, rows)| {
            for (tap, row) in rows.chunks(cols).enumerate() {
                let (ky, kx) = (tap / g.kw, tap % g.kw);
                let offset = (kx * g.dilation.1) as isize - g.padding.1 as isize;
                let (lo, hi) = valid_range(offset, g.stride.1, g.w, g.ow);
                for (oy, src) in row.chunks(g.ow).enumerate() {
                    let Some(iy) = input_row(g, oy, ky) else {
                        continue;
                    };
                    let dst = &mut channel[iy * g.w..(iy + 1) * g.w];
                    let start = ((lo * g.stride.1) as isize + offset) as usize;
                    for (i, &v) in src[lo..hi].iter().enumerate() {
                        dst[start + i * g.stride.1] += v;
                    }
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::params::Conv2dParams;

    #[test]
    fn im2col_of_padded_3x3_matches_hand_unfolding() {
        // x = [[1, 2], [3, 4]], 2×2 kernel, padding 1, stride 2 → output 2×2.
        let p = Conv2dParams::default().padding(1).stride(2);
        let g = ConvGeometry::new([1, 1, 2, 2], [1, 1, 2, 2], p).unwrap();
        let x = [1.0f64, 2.0, 3.0, 4.0];
        let mut col = vec![9.0; 4 * 4];
        im2col_rows(&g, &x, &mut col, 0..g.oh);
        // Taps (0,0), (0,1), (1,0), (1,1); columns are output pixels (0,0), (0,1), (1,0), (1,1).
        #[rustfmt::skip]
        let expected = [
            0.0, 0.0, 0.0, 4.0,
            0.0, 0.0, 3.0, 0.0,
            0.0, 2.0, 0.0, 0.0,
            1.0, 0.0, 0.0, 0.0,
        ];
        assert_eq!(col, expected);
        // col2im is the adjoint: <im2col(x), c> = <x, col2im(c)>.
        let c: Vec<f64> = (0..16).map(|i| (i as f64 * 0.37).sin()).collect();
        let mut back = vec![0.0; 4];
        col2im_add(&g, &c, &mut back);
        let lhs: f64 = col.iter().zip(&c).map(|(a, b)| a * b).sum();
        let rhs: f64 = x.iter().zip(&back).map(|(a, b)| a * b).sum();
        assert!((lhs - rhs).abs() < 1e-12);
    }

    #[test]
    fn col2im_is_the_adjoint_with_dilation_and_odd_sizes() {
        let p = Conv2dParams::default().padding(2).stride(3).dilation(2);
        let g = ConvGeometry::new([1, 2, 7, 5], [1, 2, 3, 2], p).unwrap();
        let x: Vec<f64> = (0..70).map(|i| (i as f64 * 0.91).cos()).collect();
        let n = g.col_rows() * g.col_cols();
        let mut col = vec![0.0; n];
        im2col_rows(&g, &x, &mut col, 0..g.oh);
        let c: Vec<f64> = (0..n).map(|i| (i as f64 * 0.13).sin()).collect();
        let mut back = vec![0.0; 70];
        col2im_add(&g, &c, &mut back);
        let lhs: f64 = col.iter().zip(&c).map(|(a, b)| a * b).sum();
        let rhs: f64 = x.iter().zip(&back).map(|(a, b)| a * b).sum();
        assert!((lhs - rhs).abs() < 1e-12, "{lhs} vs {rhs}");
    }
}
