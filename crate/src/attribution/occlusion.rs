//! Occlusion: how much the class score drops when a patch of the input is blanked out.
//!
//! Zeiler & Fergus (2014), *Visualizing and Understanding Convolutional Networks*, ECCV,
//! <https://arxiv.org/abs/1311.2901>, §4.2. Pixels covered by several windows get the mean
//! drop (Captum's `Occlusion`).

use crate::attribution::pipeline::{at_least, check_input, resolve_rows, scores, ScoreStream};
use crate::models::{batch_within_budget, Pass};
use crate::{Activation, Attribution, Explain, Result, Target};

/// Occlusion: `attr_ij = mean over windows W ∋ (i, j) of S_c(x) − S_c(x with W set to the
/// baseline)`, `[R, 1, H, W]`; positive where hiding the pixel lowers the score.
///
/// Defaults scale with the image: patch `max(4, ⌈min(H, W)/28⌉)` (8 at 224², 4 at 28²),
/// stride half the patch; baseline 0. Windows cover every channel (or one at a time,
/// [`Occlusion::per_channel`]). Occluded copies are batched, by default as many per forward
/// pass as keep its activations within 512 MiB (estimated from the layer table, at most 64),
/// or [`Occlusion::batch_size`].
///
/// Deviation from Captum: windows start at multiples of the stride *and* flush with the far
/// edge. When `H − patch` (or `W − patch`) is not a multiple of the stride, Captum's windows
/// stop short of the last rows (columns), which then get fewer windows or none; glassbox adds
/// one window ending at the edge, so every pixel is occluded at least once. Where the stride
/// divides `H − patch` and `W − patch` the windows, and the values, are Captum's.
///
/// # Example
/// ```
/// use glassbox::{testing, Occlusion, Target};
/// // f(x) = Σ w·x: occluding a 1×1 patch drops the score by w_ij·x_ij (Gradient × Input).
/// let net = testing::linear_net(&[1.0, -2.0, 0.5, 3.0], vec![0.0], [1, 2, 2])?;
/// let x = testing::random_input([1, 1, 2, 2], 0);
/// let a = Occlusion::new(&net).patch(1).stride(1).explain(&x, Target::Class(0))?;
/// let xv = testing::values(&x);
/// assert!((a.values()[1] - (-2.0 * xv[1])).abs() < 1e-6);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Occlusion<'m, M> {
    model: &'m M,
    patch: Option<usize>,
    stride: Option<usize>,
    baseline: f32,
    per_channel: bool,
    batch_size: Option<usize>,
}

impl<'m, M: Explain> Occlusion<'m, M> {
    /// Occlusion with image-scaled patch and stride and a zero baseline.
    pub fn new(model: &'m M) -> Self {
        Self {
            model,
            patch: None,
            stride: None,
            baseline: 0.0,
            per_channel: false,
            batch_size: None,
        }
    }

    /// Side of the square occluding patch, in pixels.
    pub fn patch(mut self, side: usize) -> Self {
        self.patch = Some(side);
        self
    }

    /// Step between windows, in pixels.
    pub fn stride(mut self, step: usize) -> Self {
        self.stride = Some(step);
        self
    }

    /// The value occluded pixels get (default 0).
    pub fn baseline(mut self, value: f32) -> Self {
        self.baseline = value;
        self
    }

    /// Occlude one channel at a time (Captum's window `(1, patch, patch)`), so the map keeps
    /// the channels, `[R, C, H, W]`; by default a window spans every channel, `[R, 1, H, W]`.
    /// With a 1×1 patch on `[B, F, 1, 1]` features this is per-feature occlusion.
    pub fn per_channel(mut self, yes: bool) -> Self {
        self.per_channel = yes;
        self
    }

    /// Occluded images per forward pass, across all rows (default: by memory, see the type's
    /// docs). 0 is refused when the method runs, like 0 steps.
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = Some(n);
        self
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// As [`crate::Saliency::explain`]; [`crate::ErrorKind::InvalidArgument`] for a zero or
    /// larger-than-image patch, a zero stride or a zero batch size.
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let [_, c, h, w] = check_input(self.model, input)?;
        let batch_size = self
            .batch_size
            .unwrap_or_else(|| batch_within_budget(self.model, [h, w], None, Pass::Forward, 64));
        at_least("batch_size", batch_size, 1)?;
        let patch = self.patch.unwrap_or_else(|| 4.max(h.min(w).div_ceil(28)));
        let stride = self.stride.unwrap_or((patch / 2).max(1));
        at_least("patch", patch, 1)?;
        at_least("stride", stride, 1)?;
        if patch > h.min(w) {
            return Err(crate::Error::invalid(
                "patch",
                format!("{patch} is larger than the {h}×{w} image"),
            ));
        }
        let (x, rows) = resolve_rows(self.model, input, &target)?;
        let (x, img, softmax) = (x.as_vec(), c * h * w, target.is_softmax());
        let base = scores(self.model, &x, [c, h, w], &rows.class, softmax, batch_size)?;
        let starts = |len: usize| -> Vec<usize> {
            let mut s: Vec<usize> = (0..=len - patch).step_by(stride).collect();
            if *s.last().unwrap_or(&0) != len - patch {
                s.push(len - patch); // cover the far edge too
            }
            s
        };
        // A window is (first channel, top, left); it spans `depth` channels and the map has
        // `c / depth` of them: one for whole-image windows, `c` for per-channel ones.
        let depth = if self.per_channel { 1 } else { c };
        let windows: Vec<[usize; 3]> = (0..c)
            .step_by(depth)
            .flat_map(|ch| starts(h).into_iter().map(move |y| (ch, y)))
            .flat_map(|(ch, y)| starts(w).into_iter().map(move |x| [ch, y, x]))
            .collect();
        let plane = c / depth * h * w;
        let covered = |[ch, y0, x0]: [usize; 3]| {
            (y0..y0 + patch)
                .flat_map(move |y| (x0..x0 + patch).map(move |x| (ch / depth * h + y) * w + x))
        };
        let mut count = vec![0u32; plane];
        windows
            .iter()
            .flat_map(|&win| covered(win))
            .for_each(|i| count[i] += 1);
        let mut sum = vec![0.0f32; rows.len() * plane];
        let jobs: Vec<(usize, usize)> = (0..rows.len())
            .flat_map(|r| (0..windows.len()).map(move |k| (r, k)))
            .collect();
        // Occluded images are scored as they are made: memory is one batch of them.
        let mut stream = ScoreStream::new(self.model, [c, h, w], softmax, batch_size);
        for &(r, k) in &jobs {
            let [ch0, y0, x0] = windows[k];
            let mut occluded = x[r * img..(r + 1) * img].to_vec();
            for ch in ch0..ch0 + depth {
                for y in y0..y0 + patch {
                    let row = (ch * h + y) * w;
                    occluded[row + x0..row + x0 + patch].fill(self.baseline);
                }
            }
            stream.push(occluded, rows.class[r])?;
        }
        for (&(r, k), s) in jobs.iter().zip(stream.finish()?) {
            covered(windows[k]).for_each(|i| sum[r * plane + i] += base[r] - s);
        }
        let values = sum
            .iter()
            .enumerate()
            .map(|(i, s)| match count[i % plane] {
                0 => 0.0,
                n => s / n as f32,
            })
            .collect();
        let attr = Attribution::new(
            "Occlusion",
            values,
            [rows.len(), c / depth, h, w],
            &rows,
            base,
            [h, w],
        )?
        .with_softmax(softmax)
        .with_param("patch", patch)
        .with_param("stride", stride)
        .with_param("baseline", self.baseline);
        Ok(match self.per_channel {
            true => attr.with_param("windows", "per channel"),
            false => attr,
        })
    }
}

crate::attribution::method::attribution_method!(
    Occlusion {
        patch,
        stride,
        baseline,
        per_channel,
        batch_size
    },
    |_s| "Occlusion"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn per_channel_windows_give_one_value_per_channel() {
        // f(x) = Σ w·x on [2, 2, 2]: hiding one value drops the score by w·x there.
        let w = [1.0, -2.0, 0.5, 3.0, -1.0, 0.25, 2.0, 4.0];
        let net = testing::linear_net(&w, vec![0.0], [2, 2, 2]).unwrap();
        let x = testing::random_input([2, 2, 2, 2], 1);
        let a = Occlusion::new(&net)
            .patch(1)
            .stride(1)
            .per_channel(true)
            .batch_size(3)
            .explain(&x, Target::Class(0))
            .unwrap();
        assert_eq!(a.shape(), [2, 2, 2, 2]);
        let xv = testing::values(&x);
        for (i, (a, x)) in a.values().iter().zip(&xv).enumerate() {
            assert!(
                (a - w[i % 8] * x).abs() < 1e-5,
                "{i}: {a} vs {}",
                w[i % 8] * x
            );
        }
    }
}
