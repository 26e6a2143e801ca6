//! t-SNE: a 2-D map whose Student-t similarities match Gaussian similarities of the data.
//!
//! van der Maaten & Hinton (2008), *Visualizing Data using t-SNE*, JMLR 9; Barnes–Hut from
//! van der Maaten (2014); FFT interpolation from Linderman et al. (2019). Defaults follow
//! openTSNE / FIt-SNE (Belkina et al. 2019; Kobak & Berens 2019): perplexity 30 on the exact
//! 90 nearest neighbours, PCA initialisation scaled to standard deviation 1e-4, early
//! exaggeration 12 for 250 iterations, 750 iterations in all, learning rate N / exaggeration,
//! momentum 0.5 → 0.8.

mod affinities;
mod barnes_hut;
mod exact;
mod fft;
mod optimize;

pub use affinities::Affinities;

use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use super::{exact_knn, AsMatrix, Matrix, Pca, Projection};
use crate::{Error, Result};

/// How the repulsive forces are computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TsneMethod {
    /// Exact below 1000 points, FFT interpolation above.
    #[default]
    Auto,
    /// All N² pairs: exact, for a few thousand points at most.
    Exact,
    /// Barnes–Hut quadtree with opening angle θ ([`Tsne::theta`], default 0.5).
    BarnesHut,
    /// FFT-accelerated interpolation (FIt-SNE: 3 nodes per interval, ≥ 50 intervals).
    Fft,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Method {
    Exact,
    BarnesHut,
    Fft,
}

/// t-SNE to two dimensions.
///
/// Deterministic: the same data and settings give the same map (the seed matters only with
/// [`Tsne::random_init`], or when the PCA initialisation is impossible — one column or identical
/// rows — and a seeded random one is used instead). Duplicate points are fine.
///
/// # Example
/// ```
/// use glassbox::{Matrix, Tsne};
/// // two far-apart groups of 20 points in 3-D
/// let rows: Vec<[f32; 3]> = (0..40)
///     .map(|i| { let c = if i < 20 { 0.0 } else { 50.0 }; [c + (i % 5) as f32, c + (i % 7) as f32, c] })
///     .collect();
/// let map = Tsne::default().perplexity(5.0).iterations(300).quiet(true).fit(&rows)?;
/// assert_eq!((map.len(), map.dims()), (40, 2));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Tsne {
    perplexity: f64,
    iterations: usize,
    exaggeration: f64,
    exaggeration_iterations: usize,
    learning_rate: Option<f64>,
    method: TsneMethod,
    theta: f64,
    seed: u64,
    random_init: bool,
    verbose: bool,
}

impl Default for Tsne {
    fn default() -> Self {
        Self {
            perplexity: 30.0,
            iterations: 750,
            exaggeration: 12.0,
            exaggeration_iterations: 250,
            learning_rate: None,
            method: TsneMethod::Auto,
            theta: 0.5,
            seed: 0,
            random_init: false,
            verbose: true,
        }
    }
}

impl Tsne {
    /// Effective number of neighbours (default 30); needs `perplexity < rows / 3`.
    pub fn perplexity(mut self, perplexity: f64) -> Self {
        self.perplexity = perplexity;
        self
    }

    /// Total iterations, early exaggeration included (default 750). With fewer iterations than
    /// exaggerated ones, every iteration is exaggerated.
    pub fn iterations(mut self, iterations: usize) -> Self {
        self.iterations = iterations;
        self
    }

    /// Early exaggeration factor and its number of iterations (default 12 for 250).
    pub fn exaggeration(mut self, factor: f64, iterations: usize) -> Self {
        self.exaggeration = factor;
        self.exaggeration_iterations = iterations;
        self
    }

    /// A fixed learning rate (default: N / exaggeration of each phase, at least 50).
    pub fn learning_rate(mut self, rate: f64) -> Self {
        self.learning_rate = Some(rate);
        self
    }

    /// How repulsion is computed (default [`TsneMethod::Auto`]).
    pub fn method(mut self, method: TsneMethod) -> Self {
        self.method = method;
        self
    }

    /// Barnes–Hut opening angle θ (default 0.5; 0 is exact).
    pub fn theta(mut self, theta: f64) -> Self {
        self.theta = theta;
        self
    }

    /// Seed of the random initialisation (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Starts from Gaussian noise (std 1e-4) instead of the scaled PCA projection (`true`), or
    /// from the PCA projection (`false`, the default).
    pub fn random_init(mut self, random: bool) -> Self {
        self.random_init = random;
        self
    }

    /// No progress lines on stderr (`true`); by default (`false`) one every 50 iterations, with
    /// the KL divergence.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.verbose = !quiet;
        self
    }

    /// The input affinities `P` this configuration uses for `data`.
    ///
    /// # Errors
    /// As [`Tsne::fit`].
    pub fn affinities<M: AsMatrix + ?Sized>(&self, data: &M) -> Result<Affinities> {
        let data = data.as_matrix()?;
        self.check(&data)?;
        let k = ((3.0 * self.perplexity) as usize).clamp(1, data.rows() - 1);
        let knn = exact_knn(&data, k);
        let conditional = affinities::conditional(&knn, self.perplexity);
        Ok(affinities::symmetrise(&knn, &conditional))
    }

    /// Embeds `data` (one row per point) in two dimensions.
    ///
    /// # Errors
    /// Fewer than 4 rows, NaN/∞ values, `perplexity` not in `(0, rows / 3)`, zero iterations,
    /// a non-positive learning rate or exaggeration, or a negative θ; an absurd learning rate or
    /// exaggeration that makes the optimisation diverge to NaN or ∞.
    pub fn fit<M: AsMatrix + ?Sized>(&self, data: &M) -> Result<Projection> {
        let data = data.as_matrix()?;
        let start = std::time::Instant::now();
        let p = self.affinities(&*data)?;
        let n = data.rows();
        if self.verbose {
            let k = p.nnz() as f64 / n as f64;
            let s = start.elapsed().as_secs_f64();
            eprintln!("t-SNE: affinities of {n} points ({k:.1} neighbours each after symmetrising) in {s:.1} s");
        }
        let mut y = self.initial(&data)?;
        let method = match self.method {
            TsneMethod::Exact => Method::Exact,
            TsneMethod::BarnesHut => Method::BarnesHut,
            TsneMethod::Fft => Method::Fft,
            TsneMethod::Auto if n <= 1000 => Method::Exact,
            TsneMethod::Auto => Method::Fft,
        };
        let schedule = optimize::Schedule {
            iterations: self.iterations,
            exaggeration_iterations: self.exaggeration_iterations,
            exaggeration: self.exaggeration,
            learning_rate: self.learning_rate,
            method,
            theta: self.theta,
            verbose: self.verbose,
        };
        let history = optimize::optimize(&p, &mut y, &schedule);
        if y.iter().flatten().any(|v| !v.is_finite()) {
            // Absurd step sizes overflow the gradient descent: say which knob to turn.
            let name = if self.learning_rate.is_some() {
                "learning_rate"
            } else {
                "exaggeration"
            };
            return Err(Error::invalid(
                name,
                "t-SNE diverged (NaN or infinite positions); lower the learning rate or the exaggeration (default 12)",
            ));
        }
        let flat = y.iter().flat_map(|p| [p[0] as f32, p[1] as f32]).collect();
        Ok(Projection::new(Matrix::new(n, 2, flat)?, "t-SNE").with_kl_history(history))
    }

    fn check(&self, data: &Matrix) -> Result<()> {
        data.validate(4)?;
        let n = data.rows();
        let max = (n - 1) as f64 / 3.0;
        if !(self.perplexity > 0.0 && self.perplexity < n as f64 / 3.0) {
            return Err(Error::invalid(
                "perplexity",
                format!(
                    "{} needs more than 3 × perplexity points, and there are {n}; pass a perplexity in (0, {max:.2}]",
                    self.perplexity
                ),
            ));
        }
        if self.iterations == 0 {
            return Err(Error::invalid("iterations", "pass at least 1 iteration"));
        }
        if matches!(self.learning_rate, Some(r) if !(r > 0.0 && r.is_finite())) {
            return Err(Error::invalid(
                "learning_rate",
                "pass a positive, finite rate",
            ));
        }
        if !(self.theta >= 0.0 && self.theta.is_finite()) {
            return Err(Error::invalid(
                "theta",
                "θ must be finite and ≥ 0 (0.5 by default)",
            ));
        }
        if !(self.exaggeration.is_finite() && self.exaggeration > 0.0) {
            return Err(Error::invalid(
                "exaggeration",
                "must be positive and finite (12 by default)",
            ));
        }
        Ok(())
    }

    /// PCA scaled to std 1e-4 on the first axis, or seeded Gaussian noise of std 1e-4.
    fn initial(&self, data: &Matrix) -> Result<Vec<[f64; 2]>> {
        let pca = (!self.random_init && data.cols() >= 2)
            .then(|| Pca::new(2).fit(data).ok())
            .flatten();
        if let Some(pca) = pca {
            let pts = pca.projection().points();
            let n = pts.rows() as f64;
            let mean = (0..pts.rows()).map(|i| pts.row(i)[0] as f64).sum::<f64>() / n;
            let var = (0..pts.rows())
                .map(|i| (pts.row(i)[0] as f64 - mean).powi(2))
                .sum::<f64>()
                / n;
            if var > 0.0 {
                let s = 1e-4 / var.sqrt();
                return Ok((0..pts.rows())
                    .map(|i| [pts.row(i)[0] as f64 * s, pts.row(i)[1] as f64 * s])
                    .collect());
            }
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(self.seed);
        let normal = Normal::new(0.0, 1e-4).map_err(|e| Error::invalid("seed", e.to_string()))?;
        Ok((0..data.rows())
            .map(|_| [normal.sample(&mut rng), normal.sample(&mut rng)])
            .collect())
    }
}
