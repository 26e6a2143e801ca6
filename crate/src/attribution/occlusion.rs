//! Occlusion: how much the class score drops when a patch of the input is blanked out.
//!
//! Zeiler & Fergus (2014), *Visualizing and Understanding Convolutional Networks*, ECCV,
//! <https://arxiv.org/abs/1311.2901>, §4.2. Pixels covered by several windows get the mean
//! drop (Captum's `Occlusion`).

use crate::attribution::pipeline::{at_least, check_input, resolve_rows, scores};
use crate::{Activation, Attribution, Explain, Result, Target};

/// Occlusion: `attr_ij = mean over windows W ∋ (i, j) of S_c(x) − S_c(x with W set to the
/// baseline)`, `[R, 1, H, W]`; positive where hiding the pixel lowers the score.
///
/// Defaults scale with the image: patch `max(4, ⌈min(H, W)/28⌉)` (8 at 224², 4 at 28²),
/// stride half the patch; baseline 0. Windows cover every channel; occluded copies are batched.
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
    batch_size: usize,
}

impl<'m, M: Explain> Occlusion<'m, M> {
    /// Occlusion with image-scaled patch and stride and a zero baseline.
    pub fn new(model: &'m M) -> Self {
        Self {
            model,
            patch: None,
            stride: None,
            baseline: 0.0,
            batch_size: 64,
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

    /// Occluded images per forward pass (default 64).
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = n.max(1);
        self
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// As [`crate::Saliency::explain`]; [`crate::ErrorKind::InvalidArgument`] for a zero or
    /// larger-than-image patch, or a zero stride.
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let [_, c, h, w] = check_input(self.model, input)?;
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
        let base = scores(
            self.model,
            &x,
            [c, h, w],
            &rows.class,
            softmax,
            self.batch_size,
        )?;
        let starts = |len: usize| -> Vec<usize> {
            let mut s: Vec<usize> = (0..=len - patch).step_by(stride).collect();
            if *s.last().unwrap_or(&0) != len - patch {
                s.push(len - patch); // cover the far edge too
            }
            s
        };
        let windows: Vec<(usize, usize)> = starts(h)
            .into_iter()
            .flat_map(|y| starts(w).into_iter().map(move |x| (y, x)))
            .collect();
        let mut values = Vec::with_capacity(rows.len() * h * w);
        for r in 0..rows.len() {
            let xi = &x[r * img..(r + 1) * img];
            let mut occluded = Vec::with_capacity(windows.len() * img);
            for &(y0, x0) in &windows {
                let start = occluded.len();
                occluded.extend_from_slice(xi);
                for ch in 0..c {
                    for y in y0..y0 + patch {
                        let row = start + (ch * h + y) * w;
                        occluded[row + x0..row + x0 + patch].fill(self.baseline);
                    }
                }
            }
            let s = scores(
                self.model,
                &occluded,
                [c, h, w],
                &vec![rows.class[r]; windows.len()],
                softmax,
                self.batch_size,
            )?;
            let (mut sum, mut count) = (vec![0.0f32; h * w], vec![0u32; h * w]);
            for (&(y0, x0), s) in windows.iter().zip(s) {
                for y in y0..y0 + patch {
                    for xx in x0..x0 + patch {
                        sum[y * w + xx] += base[r] - s;
                        count[y * w + xx] += 1;
                    }
                }
            }
            values.extend(
                sum.iter()
                    .zip(&count)
                    .map(|(s, &n)| if n > 0 { s / n as f32 } else { 0.0 }),
            );
        }
        Ok(Attribution::new(
            "Occlusion",
            values,
            [rows.len(), 1, h, w],
            &rows,
            base,
            [h, w],
        )?
        .with_softmax(softmax)
        .with_param("patch", patch)
        .with_param("stride", stride)
        .with_param("baseline", self.baseline))
    }
}
