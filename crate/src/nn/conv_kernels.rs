//! Convolution forward and backward on plain slices: im2col + matrix product, and back.
//!
//! Layouts are PyTorch's: input `[B, C, H, W]`, weight `[O, C/groups, KH, KW]`, output
//! `[B, O, OH, OW]`, all row-major. Work is split into tiles of output rows (or whole images)
//! that rayon spreads over its threads; each product runs single-threaded inside its task.

use super::float::{matmul, matmul_raw, NnFloat, Strides};
use super::im2col::{col2im_add, im2col_rows};
use super::params::{Conv2dParams, ConvGeometry};
use super::tape::Scratch;

/// `out = conv(x, weight) + bias`, or `out += conv(x, weight)` when `accumulate`.
///
/// The output is cut into tiles of output rows; each rayon task unfolds one tile into a
/// cache-sized column buffer and multiplies it single-threaded, so the unfolded matrix never
/// goes to main memory and the threads balance by work stealing. (Measured on VGG16's shapes,
/// this beats one whole-image product multi-threaded inside the matrix library at every layer.)
pub(crate) fn forward<E: NnFloat>(
    g: &ConvGeometry,
    x: &[E],
    weight: &[E],
    bias: Option<&[E]>,
    out: &mut [E],
    accumulate: bool,
) {
    let bias = if accumulate { None } else { bias };
    forward_tiled(g, x, weight, bias, out, accumulate, rows_per_tile(g), DEPTH);
}

/// Output pixels per tile: the column buffer is `C_g·KH·KW × TILE_PIXELS` values.
const TILE_PIXELS: usize = 224;

/// How the forward product splits its depth (the `C_g·KH·KW` taps summed per output).
///
/// The matrix product sums up to 512 taps at a time in one register per output and adds that
/// to the output, so each of VGG's 3×3×512 = 4608-tap outputs was a chain of hundreds of
/// rounded additions: the f32 error against float64 at conv5_3 was 1.6–1.7× PyTorch's
/// (relative L2 9.1e-7 vs 5.6e-7 on a 224² image). Splitting the depth shortens the chains.
/// Blocks that are too small only move the chain to where the partial sums are added up
/// (4608 taps in blocks of 8 is 576 additions to the output, worse than no split at all), so
/// the sum has three levels: products of `block` taps (one register chain each), added into a
/// tile-sized buffer up to `group` taps, which is then added to the output. For 4608 taps that
/// is chains of 64, 8 and 9 additions instead of 512 and 9.
#[derive(Clone, Copy, Debug)]
struct Depth {
    /// Taps per matrix product.
    block: usize,
    /// Taps per partial sum added to the output.
    group: usize,
}

/// The split every forward convolution uses (see [`Depth`]). The work is the same as one
/// product; the partial buffer is one tile's output, in cache.
const DEPTH: Depth = Depth {
    block: 64,
    group: 512,
};

/// Output rows per tile: about [`TILE_PIXELS`], fewer when that leaves a thread idle.
fn rows_per_tile(g: &ConvGeometry) -> usize {
    let threads = rayon::current_num_threads();
    let tasks = |rows: usize| g.batch * g.groups * g.oh.div_ceil(rows);
    let mut rows = (TILE_PIXELS / g.ow).clamp(1, g.oh);
    while rows > 1
        && (tasks(rows) < threads || (tasks(rows) < 2 * threads && (rows - 1) * g.ow >= 112))
    {
        rows -= 1;
    }
    rows
}

/// Every tile as `(image·groups + group, first output row, end output row)`.
fn tiles(g: &ConvGeometry, rows_per_tile: usize) -> Vec<(usize, usize, usize)> {
    (0..g.batch * g.groups)
        .flat_map(|image| {
            (0..g.oh)
                .step_by(rows_per_tile)
                .map(move |oy| (image, oy, (oy + rows_per_tile).min(g.oh)))
        })
        .collect()
}

/// A pointer the tiles of one output write through, each to its own elements.
#[derive(Clone, Copy)]
struct TileOut<E>(*mut E);
// SAFETY: tasks write disjoint elements (see `forward_tiled`).
unsafe impl<E> Send for TileOut<E> {}
unsafe impl<E> Sync for TileOut<E> {}

impl<E> TileOut<E> {
    /// The pointer (a method, so closures capture the `Sync` wrapper, not the raw field).
    fn get(self) -> *mut E {
        self.0
    }
}

#[allow(clippy::too_many_arguments)]
fn forward_tiled<E: NnFloat>(
    g: &ConvGeometry,
    x: &[E],
    weight: &[E],
    bias: Option<&[E]>,
    out: &mut [E],
    accumulate: bool,
    rows_per_tile: usize,
    depth: Depth,
) {
    use rayon::prelude::*;
    let (rows, cols, og) = (g.col_rows(), g.col_cols(), g.c_out_group());
    let in_group = g.c_in_group() * g.h * g.w;
    assert_eq!(
        out.len(),
        g.batch * g.c_out * cols,
        "forward_tiled: output length"
    );
    let tiles = tiles(g, rows_per_tile);
    let dst = TileOut(out.as_mut_ptr());
    let direct = rows <= depth.block; // one product, straight into the output
    let partial_len = if direct { 0 } else { og * rows_per_tile * g.ow };
    tiles.par_iter().for_each_init(
        || {
            (
                vec![E::ZERO; rows * rows_per_tile * g.ow],
                vec![E::ZERO; partial_len],
            )
        },
        |(col, partial), &(image, oy0, oy1)| {
            let (b, group) = (image / g.groups, image % g.groups);
            let n = (oy1 - oy0) * g.ow;
            let col = &mut col[..rows * n];
            im2col_rows(g, &x[image * in_group..][..in_group], col, oy0..oy1);
            // This tile owns rows `group·og..(group+1)·og`, columns `oy0·OW..oy1·OW` of image b.
            let start = (b * g.c_out + group * og) * cols + oy0 * g.ow;
            let view = Strides::rows(cols);
            debug_assert!(start + view.last(og, n) < out_len(g));
            if let Some(bias) = bias {
                for o in 0..og {
                    // SAFETY: row `o` of this tile lies inside `out` and belongs to this task.
                    let row = unsafe {
                        std::slice::from_raw_parts_mut(dst.get().add(start + o * cols), n)
                    };
                    row.fill(bias[group * og + o]);
                }
            }
            let weight = &weight[group * og * rows..][..og * rows];
            let add = accumulate || bias.is_some();
            if direct {
                // SAFETY: the view lies inside `out` (asserted length, tiles within the image)
                // and no other task writes these elements.
                unsafe {
                    matmul_raw(
                        (og, rows, n),
                        dst.get().add(start),
                        view,
                        add,
                        weight,
                        Strides::rows(rows),
                        col,
                        Strides::rows(n),
                    )
                }
                return;
            }
            let partial = &mut partial[..og * n];
            for (i, g0) in (0..rows).step_by(depth.group).enumerate() {
                let g1 = rows.min(g0.saturating_add(depth.group));
                for k0 in (g0..g1).step_by(depth.block) {
                    let taps = depth.block.min(g1 - k0);
                    matmul(
                        (og, taps, n),
                        partial,
                        Strides::rows(n),
                        k0 > g0,
                        &weight[k0..],
                        Strides::rows(rows),
                        &col[k0 * n..],
                        Strides::rows(n),
                    );
                }
                for (o, p) in partial.chunks(n).enumerate() {
                    // SAFETY: row `o` of this tile lies inside `out` and belongs to this task.
                    let row = unsafe {
                        std::slice::from_raw_parts_mut(dst.get().add(start + o * cols), n)
                    };
                    if i == 0 && !add {
                        row.copy_from_slice(p);
                    } else {
                        row.iter_mut().zip(p).for_each(|(r, &p)| *r += p);
                    }
                }
            }
        },
    );
}

fn out_len(g: &ConvGeometry) -> usize {
    g.batch * g.c_out * g.col_cols()
}

/// For stride 1, the input gradient is itself a convolution: of `dY` with the kernel flipped
/// and its in/out channels swapped, padded by `d·(K − 1) − p`. Returns that geometry and kernel.
fn transposed<E: NnFloat>(g: &ConvGeometry, weight: &[E]) -> Option<(ConvGeometry, Scratch<E>)> {
    use rayon::prelude::*;
    let pad = |k: usize, d: usize, p: usize| (d * (k - 1)).checked_sub(p);
    if g.stride != (1, 1) {
        return None;
    }
    let params = Conv2dParams {
        stride: (1, 1),
        padding: (
            pad(g.kh, g.dilation.0, g.padding.0)?,
            pad(g.kw, g.dilation.1, g.padding.1)?,
        ),
        dilation: g.dilation,
        groups: g.groups,
    };
    let (cg, og) = (g.c_in_group(), g.c_out_group());
    let t = ConvGeometry::new(
        [g.batch, g.c_out, g.oh, g.ow],
        [g.c_in, og, g.kh, g.kw],
        params,
    )
    .ok()?;
    if (t.oh, t.ow) != (g.h, g.w) {
        return None;
    }
    let taps = g.kh * g.kw;
    let mut flipped = Scratch::with_len(weight.len());
    // One block per (group, input channel): its `og` flipped kernels, in parallel (VGG16's
    // weights are 59 MB).
    flipped
        .par_chunks_mut(og * taps)
        .enumerate()
        .for_each(|(block, dst)| {
            let (group, c) = (block / cg, block % cg);
            for (o, dst) in dst.chunks_mut(taps).enumerate() {
                let src = &weight[((group * og + o) * cg + c) * taps..][..taps];
                for (d, s) in dst.iter_mut().zip(src.iter().rev()) {
                    *d = *s;
                }
            }
        });
    Some((t, flipped))
}

/// `grad_x += convᵀ(grad_out, weight)`.
///
/// For stride 1 with at least a quarter as many input as output channels this is the tiled
/// forward convolution of [`transposed`]; otherwise (strides, or few input channels, like an RGB
/// first layer, where unfolding `dY` would cost more than the product) `dcol = W_gᵀ · dY_g`
/// folded back with col2im, one image per rayon task.
pub(crate) fn backward_input<E: NnFloat>(
    g: &ConvGeometry,
    weight: &[E],
    grad_out: &[E],
    grad_x: &mut [E],
) {
    use rayon::prelude::*;
    if 4 * g.c_in_group() >= g.c_out_group() {
        if let Some((t, flipped)) = transposed(g, weight) {
            forward(&t, grad_out, &flipped, None, grad_x, true);
            return;
        }
    }
    let (rows, cols, og) = (g.col_rows(), g.col_cols(), g.c_out_group());
    let in_group = g.c_in_group() * g.h * g.w;
    grad_x.par_chunks_mut(in_group).enumerate().for_each_init(
        || vec![E::ZERO; if g.is_pointwise() { 0 } else { rows * cols }],
        |dcol, (image, gx_group)| {
            let (b, group) = (image / g.groups, image % g.groups);
            let w_group = &weight[group * og * rows..][..og * rows];
            let gy_group = &grad_out[(b * g.c_out + group * og) * cols..][..og * cols];
            let pointwise = g.is_pointwise();
            matmul(
                (rows, og, cols),
                if pointwise {
                    &mut gx_group[..]
                } else {
                    &mut dcol[..]
                },
                Strides::rows(cols),
                pointwise,
                w_group,
                Strides::transposed(rows),
                gy_group,
                Strides::rows(cols),
            );
            if !pointwise {
                col2im_add(g, dcol, gx_group);
            }
        },
    );
}

/// `grad_weight += Σ_tiles dY_tile · col_tileᵀ`, tiles split evenly over the threads, each
/// summing into its own buffer; the partial sums are added at the end.
pub(crate) fn backward_weight<E: NnFloat>(
    g: &ConvGeometry,
    x: &[E],
    grad_out: &[E],
    grad_weight: &mut [E],
) {
    use rayon::prelude::*;
    let (rows, cols, og) = (g.col_rows(), g.col_cols(), g.c_out_group());
    let in_group = g.c_in_group() * g.h * g.w;
    // Tiles 4× the forward's: each tile reads and writes its thread's whole weight-gradient sum.
    let threads = rayon::current_num_threads();
    let mut rows_per_tile = (4 * rows_per_tile(g)).min(g.oh);
    while rows_per_tile > 1 && g.batch * g.groups * g.oh.div_ceil(rows_per_tile) < threads {
        rows_per_tile -= 1;
    }
    let tiles = tiles(g, rows_per_tile);
    let per_thread = tiles.len().div_ceil(threads);
    let total = tiles
        .par_chunks(per_thread)
        .map(|chunk| {
            let mut sum = vec![E::ZERO; grad_weight.len()];
            let mut col = vec![E::ZERO; rows * rows_per_tile * g.ow];
            for &(image, oy0, oy1) in chunk {
                let (b, group) = (image / g.groups, image % g.groups);
                let n = (oy1 - oy0) * g.ow;
                let col = &mut col[..rows * n];
                im2col_rows(g, &x[image * in_group..][..in_group], col, oy0..oy1);
                matmul(
                    (og, n, rows),
                    &mut sum[group * og * rows..][..og * rows],
                    Strides::rows(rows),
                    true,
                    &grad_out[(b * g.c_out + group * og) * cols + oy0 * g.ow..],
                    Strides::rows(cols),
                    col,
                    Strides::transposed(n),
                );
            }
            sum
        })
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(&b).for_each(|(a, b)| *a += *b);
            a
        });
    if let Some(total) = total {
        grad_weight
            .iter_mut()
            .zip(&total)
            .for_each(|(w, t)| *w += *t);
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
            forward(&g, &x, &w, None, &mut out, false);
            let want = naive(&g, &x, &w);
            for (a, b) in out.iter().zip(&want) {
                assert!((a - b).abs() < 1e-12, "{input:?} {p:?}: {a} vs {b}");
            }
        }
    }

    fn values(n: usize, seed: f64) -> Vec<f64> {
        (0..n).map(|i| ((i as f64 + seed) * 0.7).sin()).collect()
    }

    #[test]
    fn tile_sizes_agree_and_both_input_gradient_paths_agree() {
        let cases = [
            (
                [2, 3, 23, 17],
                [4, 3, 3, 3],
                Conv2dParams::default().padding(1),
            ),
            (
                [1, 4, 40, 9],
                [6, 2, 3, 2],
                Conv2dParams::default().groups(2).dilation(2).padding(1),
            ),
            (
                [3, 2, 30, 31],
                [2, 2, 5, 5],
                Conv2dParams::default().padding(2),
            ),
            ([1, 2, 9, 33], [3, 2, 4, 2], Conv2dParams::default()),
        ];
        for (input, weight, p) in cases {
            let g = ConvGeometry::new(input, weight, p).unwrap();
            let x = values(input.iter().product(), 1.0);
            let w = values(weight.iter().product(), 2.0);
            let b = values(weight[0], 3.0);
            let n = g.out_shape().iter().product();
            let (mut one_row, mut tiled) = (vec![0.0; n], vec![0.0; n]);
            forward_tiled(&g, &x, &w, Some(&b), &mut one_row, false, 1, DEPTH);
            forward_tiled(&g, &x, &w, Some(&b), &mut tiled, false, 3, DEPTH);
            assert_eq!(one_row, tiled, "{input:?} {p:?}");
            // The input gradient as a transposed convolution equals gemm + col2im.
            let gy = values(n, 4.0);
            let (t, flipped) = transposed(&g, &w).expect("stride 1 has a transposed form");
            let mut via_conv = vec![0.5; x.len()];
            forward(&t, &gy, &flipped, None, &mut via_conv, true);
            let mut via_col2im = vec![0.5; x.len()];
            let mut dcol = vec![0.0; g.col_rows() * g.col_cols()];
            let (rows, cols, og) = (g.col_rows(), g.col_cols(), g.c_out_group());
            let in_group = g.c_in_group() * g.h * g.w;
            for b in 0..g.batch {
                for group in 0..g.groups {
                    matmul(
                        (rows, og, cols),
                        &mut dcol,
                        Strides::rows(cols),
                        false,
                        &w[group * og * rows..][..og * rows],
                        Strides::transposed(rows),
                        &gy[(b * g.c_out + group * og) * cols..][..og * cols],
                        Strides::rows(cols),
                    );
                    col2im_add(
                        &g,
                        &dcol,
                        &mut via_col2im[(b * g.groups + group) * in_group..][..in_group],
                    );
                }
            }
            for (a, c) in via_conv.iter().zip(&via_col2im) {
                assert!((a - c).abs() < 1e-12, "{input:?} {p:?}: {a} vs {c}");
            }
        }
    }

    /// `‖a − b‖ / ‖b‖`.
    fn relative_l2(a: &[f64], b: &[f64]) -> f64 {
        let diff: f64 = a.iter().zip(b).map(|(a, b)| (a - b) * (a - b)).sum();
        (diff / b.iter().map(|b| b * b).sum::<f64>()).sqrt()
    }

    #[test]
    fn deep_convolutions_in_f32_stay_close_to_float64() {
        // VGG's conv5 shape (3×3 over 512 channels: 4608 products per output) on a post-ReLU
        // input (a third zeros) with He-uniform weights; both precisions see the same f32
        // values, so the difference is the f32 arithmetic alone.
        let (c, o, side) = (512, 32, 8);
        let p = Conv2dParams::default().padding(1);
        let g = ConvGeometry::new([1, c, side, side], [o, c, 3, 3], p).unwrap();
        let mut state = 7u64;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        let x: Vec<f32> = (0..c * side * side)
            .map(|_| (uniform() - 0.33).max(0.0))
            .collect();
        let bound = (6.0 / (c * 9) as f32).sqrt();
        let w: Vec<f32> = (0..o * c * 9)
            .map(|_| (2.0 * uniform() - 1.0) * bound)
            .collect();
        let b: Vec<f32> = (0..o).map(|_| uniform() - 0.5).collect();
        let wide = |v: &[f32]| v.iter().map(|&v| v as f64).collect::<Vec<f64>>();
        let n = g.out_shape().iter().product();
        let mut reference = vec![0.0f64; n];
        let (x64, w64, b64) = (wide(&x), wide(&w), wide(&b));
        forward(&g, &x64, &w64, Some(&b64), &mut reference, false);
        let error = |block: usize, group: usize| {
            let mut out = vec![0.0f32; n];
            forward_tiled(
                &g,
                &x,
                &w,
                Some(&b),
                &mut out,
                false,
                8,
                Depth { block, group },
            );
            relative_l2(&wide(&out), &reference)
        };
        // Measured: 1.19e-7 split (64-tap products, 512-tap partial sums), 2.64e-7 as one
        // product (what the kernel did before).
        let split = error(DEPTH.block, DEPTH.group);
        let one_product = error(usize::MAX, usize::MAX);
        println!("relative L2 vs float64: split {split:.2e}, one product {one_product:.2e}");
        assert!(
            split < 0.6 * one_product,
            "{split:.2e} vs {one_product:.2e}"
        );
        assert!(split < 1.6e-7, "{split:.2e}");
    }
}
