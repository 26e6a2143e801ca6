//! Deletion and insertion curves with their AUC (RISE protocol).
//!
//! Petsiuk, Das & Saenko (2018), *RISE: Randomized Input Sampling for Explanation of Black-box
//! Models*, BMVC, <https://arxiv.org/abs/1806.07421>, §4.1. Pixels are ranked by the map
//! (upsampled to the input, channels summed) from most to least important. **Deletion** sets
//! them to 0, step by step, and tracks the class probability: a faithful map makes it fall
//! fast (low AUC). **Insertion** starts from a blurred copy (Gaussian, kernel 11, σ 5) and puts
//! the pixels back: a faithful map makes it rise fast (high AUC).

use crate::attribution::pipeline::{at_least, check_input, ScoreStream};
use crate::render::Plot;
use crate::{Activation, Attribution, Error, Explain, Figure, LineChart, Result};

/// Runs the deletion and insertion games for an attribution (Petsiuk, Das & Saenko 2018,
/// *RISE: Randomized Input Sampling for Explanation of Black-box Models*,
/// <https://arxiv.org/abs/1806.07421>, §4.1).
///
/// Defaults: `H` steps of `W` pixels (224 steps of 224 pixels at 224², as RISE), 64 images
/// per forward pass. The
/// score is the softmax probability of each map's target class.
///
/// # Example
/// ```
/// use glassbox::{testing, DeletionInsertion, Saliency, Target};
/// let net = testing::gap_net();
/// let x = testing::random_input([4, 1, 6, 6], 1);
/// let map = Saliency::new(&net).explain(&x, Target::Predicted)?;
/// let curves = DeletionInsertion::new(&net).steps(12).evaluate(&x, &map)?;
/// assert_eq!(curves.deletion()[0].len(), 13); // the unchanged image, then 12 steps
/// let (del, ins) = (curves.mean_deletion_auc(), curves.mean_insertion_auc());
/// assert!((0.0..=1.0).contains(&del) && (0.0..=1.0).contains(&ins));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct DeletionInsertion<'m, M> {
    model: &'m M,
    steps: Option<usize>,
    batch_size: usize,
}

impl<'m, M: Explain> DeletionInsertion<'m, M> {
    /// The RISE games on `model`.
    pub fn new(model: &'m M) -> Self {
        Self {
            model,
            steps: None,
            batch_size: 64,
        }
    }

    /// Number of steps (pixels change `⌈H·W / steps⌉` at a time; default `H`, i.e. `W` pixels
    /// per step).
    pub fn steps(mut self, steps: usize) -> Self {
        self.steps = Some(steps);
        self
    }

    /// Images per forward pass (default 64).
    /// 0 is refused when the method runs, like 0 steps.
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = n;
        self
    }

    /// Both curves for every map of `attribution`, on the batch `input` it explains.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when `input` is not the explained batch;
    /// [`crate::ErrorKind::InvalidArgument`] for 0 steps or batch size; the model's errors.
    pub fn evaluate(
        &self,
        input: &Activation,
        attribution: &Attribution,
    ) -> Result<FaithfulnessCurves> {
        let [b, c, h, w] = check_input(self.model, input)?;
        if [h, w] != attribution.input_size() || attribution.images().iter().any(|&i| i >= b) {
            return Err(Error::shape(
                "input",
                format!(
                    "the explained batch ({:?} images)",
                    attribution.input_size()
                ),
                &[b, c, h, w],
            ));
        }
        let steps = self.steps.unwrap_or(h);
        at_least("steps", steps, 1)?;
        at_least("batch_size", self.batch_size, 1)?;
        let per_step = (h * w).div_ceil(steps);
        let ranked = attribution.clone().sum_channels().upsampled();
        let (x, img, plane) = (input.as_vec(), c * h * w, h * w);
        let (mut deletion, mut insertion) = (Vec::new(), Vec::new());
        for r in 0..attribution.len() {
            let map = ranked.map(r);
            let mut order: Vec<usize> = (0..plane).collect();
            order.sort_by(|&i, &j| map[j].total_cmp(&map[i])); // stable: ties keep pixel order
            let xi = &x[attribution.images()[r] * img..][..img];
            let blurred = gaussian_blur(xi, c, h, w, 11, 5.0);
            let class = attribution.targets()[r];
            for (start, fill, out) in [
                (xi, None, &mut deletion),
                (&blurred[..], Some(xi), &mut insertion),
            ] {
                // Each step's image is scored as it is made: memory is one batch, not steps + 1.
                let mut stream = ScoreStream::new(self.model, [c, h, w], true, self.batch_size);
                let mut current = start.to_vec();
                for t in 0..=steps {
                    if t > 0 {
                        for &p in order.iter().skip((t - 1) * per_step).take(per_step) {
                            for ch in 0..c {
                                current[ch * plane + p] = fill.map_or(0.0, |f| f[ch * plane + p]);
                            }
                        }
                    }
                    stream.push(current.iter().copied(), class)?;
                }
                out.push(stream.finish()?);
            }
        }
        Ok(FaithfulnessCurves {
            method: attribution.method().to_string(),
            per_step,
            pixels: plane,
            deletion,
            insertion,
        })
    }
}

/// Deletion and insertion curves (class probability after each step), one per map.
#[derive(Clone, Debug, PartialEq)]
pub struct FaithfulnessCurves {
    method: String,
    per_step: usize,
    pixels: usize,
    deletion: Vec<Vec<f32>>,
    insertion: Vec<Vec<f32>>,
}

impl FaithfulnessCurves {
    /// The attribution method evaluated.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// Deletion curves, one per map: probability with 0, k, 2k… top pixels removed.
    pub fn deletion(&self) -> &[Vec<f32>] {
        &self.deletion
    }

    /// Insertion curves, one per map: probability with 0, k, 2k… top pixels restored.
    pub fn insertion(&self) -> &[Vec<f32>] {
        &self.insertion
    }

    /// Deletion AUC of each map (lower is better).
    pub fn deletion_auc(&self) -> Vec<f32> {
        self.deletion.iter().map(|c| auc(c)).collect()
    }

    /// Insertion AUC of each map (higher is better).
    pub fn insertion_auc(&self) -> Vec<f32> {
        self.insertion.iter().map(|c| auc(c)).collect()
    }

    /// Mean deletion AUC over the maps.
    pub fn mean_deletion_auc(&self) -> f32 {
        mean(&self.deletion_auc())
    }

    /// Mean insertion AUC over the maps.
    pub fn mean_insertion_auc(&self) -> f32 {
        mean(&self.insertion_auc())
    }

    fn mean_curve(curves: &[Vec<f32>]) -> Vec<f32> {
        let n = curves.first().map_or(0, Vec::len);
        (0..n)
            .map(|t| mean(&curves.iter().map(|c| c[t]).collect::<Vec<_>>()))
            .collect()
    }

    fn fractions(&self) -> Vec<f32> {
        let n = self.deletion.first().map_or(0, Vec::len);
        (0..n)
            .map(|t| ((t * self.per_step).min(self.pixels)) as f32 / self.pixels as f32)
            .collect()
    }

    /// A chart of the mean curves of several evaluations (e.g. Grad-CAM vs a random map),
    /// AUCs in the legend.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `curves` is empty.
    pub fn chart(curves: &[&FaithfulnessCurves]) -> Result<LineChart> {
        if curves.is_empty() {
            return Err(Error::invalid("curves", "give at least one evaluation"));
        }
        let mut chart = LineChart::new()
            .title("Deletion (↓ better) and insertion (↑ better)")
            .x_label("fraction of pixels deleted / inserted")
            .y_label("class probability");
        for c in curves {
            let x = c.fractions();
            chart = chart
                .series(
                    format!("{} deletion, AUC {:.3}", c.method, c.mean_deletion_auc()),
                    &x,
                    &Self::mean_curve(&c.deletion),
                )
                .series(
                    format!("{} insertion, AUC {:.3}", c.method, c.mean_insertion_auc()),
                    &x,
                    &Self::mean_curve(&c.insertion),
                );
        }
        Ok(chart)
    }
}

impl Plot for FaithfulnessCurves {
    /// The mean deletion and insertion curves with their AUCs.
    fn figure(&self) -> Result<Figure> {
        Self::chart(&[self])?.figure()
    }
}

crate::render::display_via_figure!(FaithfulnessCurves);

impl std::fmt::Display for FaithfulnessCurves {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: deletion AUC {:.4}, insertion AUC {:.4} over {} maps",
            self.method,
            self.mean_deletion_auc(),
            self.mean_insertion_auc(),
            self.deletion.len()
        )
    }
}

fn mean(v: &[f32]) -> f32 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f32>() / v.len() as f32
    }
}

/// Area under a curve sampled at evenly spaced points of `[0, 1]` (trapezoid rule, as RISE):
/// `(Σ a − a₀/2 − a_N/2) / (N − 1)`; 0 for fewer than two points.
///
/// # Example
/// ```
/// assert_eq!(glassbox::evaluate::auc(&[1.0, 0.5, 0.0]), 0.5);
/// ```
pub fn auc(curve: &[f32]) -> f32 {
    let n = curve.len();
    if n < 2 {
        return 0.0;
    }
    (curve.iter().sum::<f32>() - curve[0] / 2.0 - curve[n - 1] / 2.0) / (n - 1) as f32
}

/// Gaussian blur of a `[C, H, W]` image, square kernel `size` with σ `sigma`, normalised to
/// sum 1, zero padding (RISE's insertion start: size 11, σ 5).
pub fn gaussian_blur(
    image: &[f32],
    c: usize,
    h: usize,
    w: usize,
    size: usize,
    sigma: f32,
) -> Vec<f32> {
    let half = (size / 2) as isize;
    let kernel: Vec<f32> = (-half..=half)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|k| k / total).collect();
    let pass = |src: &[f32], horizontal: bool| -> Vec<f32> {
        let mut out = vec![0.0; src.len()];
        for ch in 0..c {
            for y in 0..h {
                for x in 0..w {
                    let mut s = 0.0;
                    for (k, &kv) in kernel.iter().enumerate() {
                        let d = k as isize - half;
                        let (yy, xx) = if horizontal {
                            (y as isize, x as isize + d)
                        } else {
                            (y as isize + d, x as isize)
                        };
                        if yy >= 0 && xx >= 0 && (yy as usize) < h && (xx as usize) < w {
                            s += kv * src[(ch * h + yy as usize) * w + xx as usize];
                        }
                    }
                    out[(ch * h + y) * w + x] = s;
                }
            }
        }
        out
    };
    pass(&pass(image, true), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_is_the_trapezoid_area() {
        assert_eq!(auc(&[1.0; 5]), 1.0);
        assert_eq!(auc(&[0.0, 1.0]), 0.5);
        assert_eq!(auc(&[0.0, 1.0, 1.0]), 0.75);
        assert_eq!(auc(&[0.3]), 0.0);
    }

    #[test]
    fn blur_keeps_the_mean_inside_and_darkens_borders() {
        // A constant image stays constant far from the border (kernel sums to 1) and loses
        // brightness at the border (zero padding, as RISE's conv2d).
        let img = vec![1.0; 30 * 30];
        let b = gaussian_blur(&img, 1, 30, 30, 11, 5.0);
        assert!((b[15 * 30 + 15] - 1.0).abs() < 1e-5);
        assert!(b[0] < 0.6 && b[0] > 0.3);
        // A single bright pixel spreads symmetrically.
        let mut dot = vec![0.0; 11 * 11];
        dot[5 * 11 + 5] = 1.0;
        let b = gaussian_blur(&dot, 1, 11, 11, 11, 5.0);
        assert!((b.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert_eq!(b[5 * 11 + 4], b[5 * 11 + 6]);
        assert_eq!(b[4 * 11 + 5], b[5 * 11 + 4]);
    }
}
