//! SmoothGrad, SmoothGrad² and VarGrad: gradient statistics over noisy copies of the input.
//!
//! Smilkov et al. (2017), *SmoothGrad: removing noise by adding noise*,
//! <https://arxiv.org/abs/1706.03825>, eq. (3); SmoothGrad² and VarGrad from Adebayo et al.
//! (2018), *Local Explanation Methods for Deep Neural Networks Lack Sensitivity to Parameter
//! Values*, <https://arxiv.org/abs/1810.03307>. Noise `σ = noise · (max − min)` of each image.

use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use crate::attribution::pipeline::{
    at_least, batched_input_grads, check_input, resolve_rows, scores,
};
use crate::math::min_max;
use crate::models::{batch_within_budget, Pass};
use crate::{Activation, Attribution, Error, Explain, Result, Target};

/// Which statistic of the noisy gradients [`SmoothGrad`] reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NoiseStatistic {
    /// SmoothGrad: the mean gradient (signed).
    #[default]
    Mean,
    /// SmoothGrad²: the mean squared gradient.
    MeanSquare,
    /// VarGrad: the variance of the gradients, `E[g²] − E[g]²`.
    Variance,
}

/// SmoothGrad: `(1/n) Σ_i ∂S_c/∂x (x + ε_i)`, `ε_i ~ N(0, σ²)`, `[R, C, H, W]`, raw.
///
/// Defaults: `n = 25` samples, `noise = 0.15` (σ = 0.15·(max − min) of each image), seed 0.
/// Each image's noise is drawn from a generator seeded by the seed and the image's pixels, so
/// an image gets the same map alone or in any batch.
/// The noisy copies are batched, by default as many per backward pass as keep its activations
/// and gradients within 512 MiB (estimated from the layer table, at most 32), or
/// [`SmoothGrad::batch_size`]. The paper's picture is `.abs().max_channels()`.
///
/// # Example
/// ```
/// use glassbox::{testing, SmoothGrad, Target};
/// // On a linear model every noisy gradient is w: mean w, mean square w², variance 0.
/// let net = testing::linear_net(&[1.0, -2.0, 0.5, 3.0], vec![0.0], [1, 2, 2])?;
/// let x = testing::random_input([1, 1, 2, 2], 0);
/// let mean = SmoothGrad::new(&net).explain(&x, Target::Class(0))?;
/// assert_eq!(mean.values(), &[1.0, -2.0, 0.5, 3.0]);
/// let var = SmoothGrad::var_grad(&net).samples(10).explain(&x, Target::Class(0))?;
/// assert!(var.values().iter().all(|v| v.abs() < 1e-6));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SmoothGrad<'m, M> {
    model: &'m M,
    statistic: NoiseStatistic,
    samples: usize,
    noise: f32,
    seed: u64,
    batch_size: Option<usize>,
}

impl<'m, M: Explain> SmoothGrad<'m, M> {
    /// SmoothGrad (the mean gradient).
    pub fn new(model: &'m M) -> Self {
        Self {
            model,
            statistic: NoiseStatistic::Mean,
            samples: 25,
            noise: 0.15,
            seed: 0,
            batch_size: None,
        }
    }

    /// SmoothGrad² (the mean squared gradient).
    pub fn squared(model: &'m M) -> Self {
        Self::new(model).statistic(NoiseStatistic::MeanSquare)
    }

    /// VarGrad (the variance of the gradients).
    pub fn var_grad(model: &'m M) -> Self {
        Self::new(model).statistic(NoiseStatistic::Variance)
    }

    /// Which statistic to report.
    pub fn statistic(mut self, statistic: NoiseStatistic) -> Self {
        self.statistic = statistic;
        self
    }

    /// Number of noisy copies per image (default 25).
    pub fn samples(mut self, n: usize) -> Self {
        self.samples = n;
        self
    }

    /// Noise level as a fraction of each image's value range (default 0.15).
    pub fn noise(mut self, level: f32) -> Self {
        self.noise = level;
        self
    }

    /// Random seed of the noise (default 0): the same seed gives the same map.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Noisy images per backward pass (default: by memory, see the type's docs).
    /// 0 is refused when the method runs, like 0 steps.
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = Some(n);
        self
    }

    fn name(&self) -> &'static str {
        match self.statistic {
            NoiseStatistic::Mean => "SmoothGrad",
            NoiseStatistic::MeanSquare => "SmoothGrad²",
            NoiseStatistic::Variance => "VarGrad",
        }
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// As [`crate::Saliency::explain`]; [`crate::ErrorKind::InvalidArgument`] for 0 samples, a
    /// zero batch size, or a negative or non-finite noise level.
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let [_, c, h, w] = check_input(self.model, input)?;
        at_least("samples", self.samples, 1)?;
        let batch_size = self
            .batch_size
            .unwrap_or_else(|| batch_within_budget(self.model, [h, w], None, Pass::Backward, 32));
        at_least("batch_size", batch_size, 1)?;
        if !(self.noise >= 0.0 && self.noise.is_finite()) {
            return Err(Error::invalid(
                "noise",
                format!("{} must be a finite level ≥ 0 (e.g. 0.15)", self.noise),
            ));
        }
        let (x, rows) = resolve_rows(self.model, input, &target)?;
        let (x, n, img) = (x.as_vec(), self.samples, c * h * w);
        let (mut sum, mut sum_sq) = (
            vec![0.0f64; rows.len() * img],
            vec![0.0f64; rows.len() * img],
        );
        let jobs: Vec<(usize, usize)> = (0..rows.len())
            .flat_map(|r| (0..n).map(move |s| (r, s)))
            .collect();
        let mut rngs: Vec<rand::rngs::StdRng> = (0..rows.len())
            .map(|r| {
                rand::rngs::StdRng::seed_from_u64(self.seed ^ fnv1a(&x[r * img..(r + 1) * img]))
            })
            .collect();
        batched_input_grads(
            self.model,
            [c, h, w],
            &rows,
            &jobs,
            batch_size,
            target.is_softmax(),
            |(r, _), batch| {
                let xi = &x[r * img..(r + 1) * img];
                let (lo, hi) = min_max(xi.iter().copied());
                let sigma = (self.noise * (hi - lo)).max(0.0);
                let normal = Normal::new(0.0f32, sigma)
                    .map_err(|e| Error::invalid("noise", e.to_string()))?;
                batch.extend(xi.iter().map(|v| v + normal.sample(&mut rngs[r])));
                Ok(())
            },
            |(r, _), g| {
                for (k, &v) in g.iter().enumerate() {
                    sum[r * img + k] += v as f64;
                    sum_sq[r * img + k] += (v as f64) * (v as f64);
                }
            },
        )?;
        let n = n as f64;
        let values = sum
            .iter()
            .zip(&sum_sq)
            .map(|(s, q)| match self.statistic {
                NoiseStatistic::Mean => s / n,
                NoiseStatistic::MeanSquare => q / n,
                NoiseStatistic::Variance => (q / n - (s / n) * (s / n)).max(0.0),
            } as f32)
            .collect();
        let clean = scores(
            self.model,
            &x,
            [c, h, w],
            &rows.class,
            target.is_softmax(),
            batch_size,
        )?;
        Ok(Attribution::new(
            self.name(),
            values,
            [rows.len(), c, h, w],
            &rows,
            clean,
            [h, w],
        )?
        .with_softmax(target.is_softmax())
        .with_param("samples", self.samples)
        .with_param("noise", self.noise)
        .with_param("seed", self.seed))
    }
}

/// FNV-1a hash of the pixels' bits: a per-image seed that does not depend on batch position.
fn fnv1a(pixels: &[f32]) -> u64 {
    pixels.iter().fold(0xcbf2_9ce4_8422_2325, |h, v| {
        (h ^ v.to_bits() as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

crate::attribution::method::attribution_method!(
    SmoothGrad {
        statistic,
        samples,
        noise,
        seed,
        batch_size
    },
    |s| SmoothGrad::name(s)
);
