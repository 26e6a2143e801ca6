//! Window arithmetic shared by the pooling ops.

use super::params::{check_input, out_size};
use crate::{Error, Result};

/// The pooling windows of one image plane: a half-open input range per output row and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Windows {
    pub batch: usize,
    pub channels: usize,
    pub h: usize,
    pub w: usize,
    pub rows: Vec<(usize, usize)>,
    pub cols: Vec<(usize, usize)>,
}

impl Windows {
    /// Sliding `kernel`×`kernel` windows (PyTorch's `MaxPool2d`/`AvgPool2d`, `ceil_mode=False`),
    /// clipped to the image.
    pub(crate) fn sliding(
        what: &str,
        input: [usize; 4],
        kernel: usize,
        stride: usize,
        padding: usize,
    ) -> Result<Self> {
        check_input(what, input)?;
        if kernel == 0 || stride == 0 {
            return Err(Error::invalid(
                if kernel == 0 { "kernel" } else { "stride" },
                format!("must be ≥ 1 (kernel {kernel}, stride {stride})"),
            ));
        }
        if 2 * padding > kernel {
            return Err(Error::invalid(
                "padding",
                format!(
                    "{padding} is more than half the kernel size {kernel}; PyTorch rejects it too"
                ),
            ));
        }
        let [batch, channels, h, w] = input;
        let oh = out_size("height", h, kernel, stride, padding, 1)?;
        let ow = out_size("width", w, kernel, stride, padding, 1)?;
        let range = |i: usize, size: usize| {
            let start = (i * stride) as isize - padding as isize;
            let end = (start + kernel as isize).min(size as isize);
            (start.max(0) as usize, end as usize)
        };
        Ok(Self {
            batch,
            channels,
            h,
            w,
            rows: (0..oh).map(|i| range(i, h)).collect(),
            cols: (0..ow).map(|i| range(i, w)).collect(),
        })
    }

    /// PyTorch's adaptive windows: `[⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉)`.
    pub(crate) fn adaptive(what: &str, input: [usize; 4], out: (usize, usize)) -> Result<Self> {
        check_input(what, input)?;
        if out.0 == 0 || out.1 == 0 {
            return Err(Error::invalid(
                "output_size",
                format!("{out:?} must be ≥ 1 in both directions"),
            ));
        }
        let [batch, channels, h, w] = input;
        let range = |i: usize, o: usize, size: usize| (i * size / o, ((i + 1) * size).div_ceil(o));
        Ok(Self {
            batch,
            channels,
            h,
            w,
            rows: (0..out.0).map(|i| range(i, out.0, h)).collect(),
            cols: (0..out.1).map(|i| range(i, out.1, w)).collect(),
        })
    }

    /// `[B, C, OH, OW]`.
    pub(crate) fn out_shape(&self) -> [usize; 4] {
        [self.batch, self.channels, self.rows.len(), self.cols.len()]
    }

    /// Elements of one output plane.
    pub(crate) fn out_plane(&self) -> usize {
        self.rows.len() * self.cols.len()
    }

    /// The factor an average multiplies a window's sum by: `1 / divisor` when given (PyTorch's
    /// `count_include_pad`), else one over the window's area.
    pub(crate) fn average_scale(
        (r0, r1): (usize, usize),
        (c0, c1): (usize, usize),
        divisor: Option<usize>,
    ) -> f64 {
        1.0 / divisor.unwrap_or((r1 - r0) * (c1 - c0)) as f64
    }

    /// Every window's input pixels (`r·W + c`), windows row-major over the output plane, each
    /// filled up to the largest window with `H·W` (one past the last pixel: padding); and that
    /// largest window size.
    pub(crate) fn gather_table(&self) -> (Vec<usize>, usize) {
        let area = |(a, b): &(usize, usize)| b - a;
        let largest = self.rows.iter().map(area).max().unwrap_or(0)
            * self.cols.iter().map(area).max().unwrap_or(0);
        let mut table = Vec::with_capacity(self.out_plane() * largest);
        for &(r0, r1) in &self.rows {
            for &(c0, c1) in &self.cols {
                let start = table.len();
                table.extend((r0..r1).flat_map(|r| (c0..c1).map(move |c| r * self.w + c)));
                table.resize(start + largest, self.h * self.w);
            }
        }
        (table, largest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_windows_follow_pytorch_start_end_rule() {
        // torch adaptive_avg_pool2d 5 → 3: windows [0,2), [1,4), [3,5)
        let w = Windows::adaptive("x", [1, 1, 5, 10], (3, 7)).unwrap();
        assert_eq!(w.rows, vec![(0, 2), (1, 4), (3, 5)]);
        assert_eq!(w.cols[0], (0, 2));
        assert_eq!(w.cols[6], (8, 10));
    }

    #[test]
    fn sliding_windows_clip_padding() {
        let w = Windows::sliding("x", [1, 1, 5, 4], 3, 2, 1).unwrap();
        assert_eq!(w.rows, vec![(0, 2), (1, 4), (3, 5)]);
        assert_eq!(w.cols, vec![(0, 2), (1, 4)]);
        assert!(Windows::sliding("x", [1, 1, 5, 4], 3, 2, 2).is_err());
        assert!(Windows::sliding("x", [1, 1, 1, 4], 3, 1, 0).is_err());
    }
}
