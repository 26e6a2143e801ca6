//! The small numeric helpers every layer shares, each written once: argmax, softmax, min/max
//! and the bilinear resize. Like `error`, this module sits outside the layering: any module
//! (`render` too) may use it, and it uses none.

/// Index of the largest value (the first on ties, like PyTorch's `argmax`); 0 when empty.
pub(crate) fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in row.iter().enumerate() {
        if *v > row[best] {
            best = i;
        }
    }
    best
}

/// [`argmax`] of each row of a row-major `[rows, width]` matrix.
pub(crate) fn argmax_rows(values: &[f32], width: usize) -> Vec<usize> {
    values.chunks(width.max(1)).map(argmax).collect()
}

/// Softmax of one row, computed stably in f64.
pub(crate) fn softmax(row: &[f32]) -> Vec<f32> {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let exps: Vec<f64> = row.iter().map(|&v| (v as f64 - max).exp()).collect();
    let total: f64 = exps.iter().sum();
    exps.iter().map(|e| (e / total) as f32).collect()
}

/// `(min, max)` of `values`, skipping NaN; `(∞, −∞)` when there are none.
pub(crate) fn min_max(values: impl IntoIterator<Item = f32>) -> (f32, f32) {
    values
        .into_iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// Bilinear resize of one row-major `[h, w]` plane to `[oh, ow]` (all sizes ≥ 1), half-pixel
/// centres and clamped edges, in PyTorch's order of operations
/// (`interpolate(mode="bilinear", align_corners=False)`; OpenCV's `INTER_LINEAR`).
pub(crate) fn bilinear(src: &[f32], h: usize, w: usize, oh: usize, ow: usize) -> Vec<f32> {
    let axis = |out: usize, len: usize| -> Vec<(usize, usize, f32)> {
        let scale = len as f32 / out as f32;
        (0..out)
            .map(|o| {
                let s = ((o as f32 + 0.5) * scale - 0.5).max(0.0);
                let i0 = (s.floor() as usize).min(len - 1);
                let i1 = (i0 + 1).min(len - 1);
                (i0, i1, s - i0 as f32)
            })
            .collect()
    };
    let (ys, xs) = (axis(oh, h), axis(ow, w));
    let mut out = Vec::with_capacity(oh * ow);
    for &(y0, y1, ly) in &ys {
        for &(x0, x1, lx) in &xs {
            let top = src[y0 * w + x0] * (1.0 - lx) + src[y0 * w + x1] * lx;
            let bottom = src[y1 * w + x0] * (1.0 - lx) + src[y1 * w + x1] * lx;
            out.push(top * (1.0 - ly) + bottom * ly);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_the_first_tie_and_softmax_sums_to_one() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0]), 1);
        assert_eq!(argmax_rows(&[0.0, 1.0, 2.0, 2.0, 1.0, 0.0], 3), vec![2, 0]);
        let p = softmax(&[0.0, 2f32.ln()]);
        assert!((p[0] - 1.0 / 3.0).abs() < 1e-7 && (p[1] - 2.0 / 3.0).abs() < 1e-7);
        assert_eq!(min_max([2.0, f32::NAN, -1.0]), (-1.0, 2.0));
        assert_eq!(min_max([]), (f32::INFINITY, f32::NEG_INFINITY));
    }

    #[test]
    fn bilinear_matches_torch_interpolate() {
        // F.interpolate(tensor([[[[1., 2.], [3., 4.]]]]), size=(3, 3), mode="bilinear",
        //               align_corners=False)
        let up = bilinear(&[1.0, 2.0, 3.0, 4.0], 2, 2, 3, 3);
        let want = [1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 3.0, 3.5, 4.0];
        for (a, b) in up.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{up:?}");
        }
    }
}
