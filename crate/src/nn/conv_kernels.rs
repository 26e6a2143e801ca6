//! Convolution forward and backward on plain slices: im2col + gemm, gemm + col2im.
//!
//! Layouts are PyTorch's: input `[B, C, H, W]`, weight `[O, C/groups, KH, KW]`, output
//! `[B, O, OH, OW]`, all row-major. Images run one after another, each product is
//! multi-threaded inside gemm and each unfold across channels with rayon.

use super::float::{matmul, NnFloat, Strides};
use super::im2col::{col2im_add, im2col};
use super::params::ConvGeometry;

/// `out = conv(x, weight) + bias`.
pub(crate) fn forward<E: NnFloat>(
    g: &ConvGeometry,
    x: &[E],
    weight: &[E],
    bias: Option<&[E]>,
    out: &mut [E],
) {
    let (rows, cols) = (g.col_rows(), g.col_cols());
    let mut col = if g.is_pointwise() {
        Vec::new()
    } else {
        vec![E::ZERO; rows * cols]
    };
    let in_group = g.c_in_group() * g.h * g.w;
    let out_group = g.c_out_group() * cols;
    for (b, out_image) in out.chunks_mut(g.c_out * cols).enumerate() {
        if let Some(bias) = bias {
            for (channel, &v) in out_image.chunks_mut(cols).zip(bias) {
                channel.fill(v);
            }
        }
        for group in 0..g.groups {
            let x_group = &x[(b * g.groups + group) * in_group..][..in_group];
            let col: &[E] = if g.is_pointwise() {
                x_group
            } else {
                im2col(g, x_group, &mut col);
                &col
            };
            matmul(
                (g.c_out_group(), rows, cols),
                &mut out_image[group * out_group..][..out_group],
                Strides::rows(cols),
                bias.is_some(),
                &weight[group * g.c_out_group() * rows..][..g.c_out_group() * rows],
                Strides::rows(rows),
                col,
                Strides::rows(cols),
            );
        }
    }
}

/// `grad_x += convᵀ(grad_out, weight)`: `dcol = W_gᵀ · dY_g`, folded back with col2im.
pub(crate) fn backward_input<E: NnFloat>(
    g: &ConvGeometry,
    weight: &[E],
    grad_out: &[E],
    grad_x: &mut [E],
) {
    let (rows, cols) = (g.col_rows(), g.col_cols());
    let mut dcol = vec![E::ZERO; rows * cols];
    let in_group = g.c_in_group() * g.h * g.w;
    let out_group = g.c_out_group() * cols;
    for (b, gy_image) in grad_out.chunks(g.c_out * cols).enumerate() {
        for group in 0..g.groups {
            let gx_group = &mut grad_x[(b * g.groups + group) * in_group..][..in_group];
            let w_group = &weight[group * g.c_out_group() * rows..][..g.c_out_group() * rows];
            let gy_group = &gy_image[group * out_group..][..out_group];
            if g.is_pointwise() {
                matmul(
                    (rows, g.c_out_group(), cols),
                    gx_group,
                    Strides::rows(cols),
                    true,
                    w_group,
                    Strides::transposed(rows),
                    gy_group,
                    Strides::rows(cols),
                );
                continue;
            }
            matmul(
                (rows, g.c_out_group(), cols),
                &mut dcol,
                Strides::rows(cols),
                false,
                w_group,
                Strides::transposed(rows),
                gy_group,
                Strides::rows(cols),
            );
            col2im_add(g, &dcol, gx_group);
        }
    }
}

/// `grad_weight += Σ_b dY_g · col_gᵀ`.
pub(crate) fn backward_weight<E: NnFloat>(
    g: &ConvGeometry,
    x: &[E],
    grad_out: &[E],
    grad_weight: &mut [E],
) {
    let (rows, cols) = (g.col_rows(), g.col_cols());
    let mut col = if g.is_pointwise() {
        Vec::new()
    } else {
        vec![E::ZERO; rows * cols]
    };
    let in_group = g.c_in_group() * g.h * g.w;
    let out_group = g.c_out_group() * cols;
    for (b, gy_image) in grad_out.chunks(g.c_out * cols).enumerate() {
        for group in 0..g.groups {
            let x_group = &x[(b * g.groups + group) * in_group..][..in_group];
            let col: &[E] = if g.is_pointwise() {
                x_group
            } else {
                im2col(g, x_group, &mut col);
                &col
            };
            matmul(
                (g.c_out_group(), cols, rows),
                &mut grad_weight[group * g.c_out_group() * rows..][..g.c_out_group() * rows],
                Strides::rows(rows),
                true,
                &gy_image[group * out_group..][..out_group],
                Strides::rows(cols),
                col,
                Strides::transposed(cols),
            );
        }
    }
}

/// `grad_bias += Σ_{b,y,x} dY`.
pub(crate) fn backward_bias<E: NnFloat>(g: &ConvGeometry, grad_out: &[E], grad_bias: &mut [E]) {
    let cols = g.col_cols();
    for gy_image in grad_out.chunks(g.c_out * cols) {
        for (gb, channel) in grad_bias.iter_mut().zip(gy_image.chunks(cols)) {
            *gb += channel.iter().copied().sum::<E>();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::params::Conv2dParams;

    /// The textbook definition, one multiply-add at a time.
    fn naive(g: &ConvGeometry, x: &[f64], w: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; g.batch * g.c_out * g.oh * g.ow];
        let (cg, og) = (g.c_in_group(), g.c_out_group());
        for b in 0..g.batch {
            for o in 0..g.c_out {
                for oy in 0..g.oh {
                    for ox in 0..g.ow {
                        let mut s = 0.0;
                        for c in 0..cg {
                            for ky in 0..g.kh {
                                for kx in 0..g.kw {
                                    let iy = (oy * g.stride.0 + ky * g.dilation.0) as isize
                                        - g.padding.0 as isize;
                                    let ix = (ox * g.stride.1 + kx * g.dilation.1) as isize
                                        - g.padding.1 as isize;
                                    if iy < 0 || ix < 0 || iy >= g.h as isize || ix >= g.w as isize
                                    {
                                        continue;
                                    }
                                    let ci = (o / og) * cg + c;
                                    let xi =
                                        ((b * g.c_in + ci) * g.h + iy as usize) * g.w + ix as usize;
                                    let wi = ((o * cg + c) * g.kh + ky) * g.kw + kx;
                                    s += x[xi] * w[wi];
                                }
                            }
                        }
                        out[((b * g.c_out + o) * g.oh + oy) * g.ow + ox] = s;
                    }
                }
            }
        }
        out
    }

    #[test]
    fn forward_matches_the_definition_across_parameters() {
        let cases = [
            (
                [2, 4, 7, 5],
                [6, 2, 3, 2],
                Conv2dParams::default().padding(1).groups(2),
            ),
            (
                [1, 3, 9, 8],
                [4, 3, 3, 3],
                Conv2dParams::default().stride(2).dilation(2).padding(2),
            ),
            (
                [2, 6, 4, 6],
                [6, 1, 1, 1],
                Conv2dParams::default().groups(6),
            ),
            ([1, 2, 5, 5], [3, 2, 1, 1], Conv2dParams::default()),
        ];
        for (input, weight, p) in cases {
            let g = ConvGeometry::new(input, weight, p).unwrap();
            let x: Vec<f64> = (0..input.iter().product())
                .map(|i: usize| (i as f64 * 0.7).sin())
                .collect();
            let w: Vec<f64> = (0..weight.iter().product())
                .map(|i: usize| (i as f64 * 1.3).cos())
                .collect();
            let mut out = vec![0.0; g.out_shape().iter().product()];
            forward(&g, &x, &w, None, &mut out);
            let want = naive(&g, &x, &w);
            for (a, b) in out.iter().zip(&want) {
                assert!((a - b).abs() < 1e-12, "{input:?} {p:?}: {a} vs {b}");
            }
        }
    }
}
