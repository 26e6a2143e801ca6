//! UMAP: a 2-D layout of the data's fuzzy k-nearest-neighbour graph.
//!
//! McInnes, Healy & Melville (2018), *UMAP: Uniform Manifold Approximation and Projection*,
//! <https://arxiv.org/abs/1802.03426>. Defaults as umap-learn: 15 neighbours, `min_dist` 0.1,
//! spread 1, spectral initialisation, 200 epochs above 10 000 points and 500 below, 5 negative
//! samples per edge, learning rate 1. Deviations: exact kNN (umap-learn uses NN-descent), and a
//! disconnected graph starts from PCA instead of umap-learn's per-component spectral layout.

mod graph;
mod layout;
mod spectral;

use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use super::{exact_knn, AsMatrix, Matrix, Pca, Projection};
use crate::{Error, Result};

/// UMAP to two dimensions.
///
/// Deterministic for a fixed [`Umap::seed`] (the SGD runs on one thread).
///
/// # Example
/// ```
/// use glassbox::Umap;
/// let rows: Vec<[f32; 2]> = (0..60).map(|i| [(i % 3) as f32 * 30.0 + (i % 7) as f32, (i % 5) as f32]).collect();
/// let map = Umap::default().neighbors(10).epochs(100).fit(&rows)?;
/// assert_eq!(map.len(), 60);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Umap {
    neighbors: usize,
    min_dist: f64,
    spread: f64,
    epochs: Option<usize>,
    negative_sample_rate: f64,
    learning_rate: f64,
    seed: u64,
}

impl Default for Umap {
    fn default() -> Self {
        Self {
            neighbors: 15,
            min_dist: 0.1,
            spread: 1.0,
            epochs: None,
            negative_sample_rate: 5.0,
            learning_rate: 1.0,
            seed: 0,
        }
    }
}

impl Umap {
    /// Size of the local neighbourhood, the point itself included as in umap-learn (default 15).
    pub fn neighbors(mut self, neighbors: usize) -> Self {
        self.neighbors = neighbors;
        self
    }

    /// How tightly points may pack in the map (default 0.1), relative to `spread` (default 1).
    pub fn min_dist(mut self, min_dist: f64, spread: f64) -> Self {
        self.min_dist = min_dist;
        self.spread = spread;
        self
    }

    /// Number of SGD epochs (default 200 above 10 000 points, else 500).
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = Some(epochs);
        self
    }

    /// Seed of the initial noise and the negative sampling (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Embeds `data` (one row per point) in two dimensions.
    ///
    /// # Errors
    /// Fewer than 3 rows, NaN/∞ values, `neighbors` not in `2..=rows`, zero epochs, or
    /// `min_dist` not in `[0, spread]`.
    pub fn fit<M: AsMatrix + ?Sized>(&self, data: &M) -> Result<Projection> {
        let data = data.as_matrix()?;
        data.validate(3)?;
        let n = data.rows();
        if self.neighbors < 2 || self.neighbors > n {
            return Err(Error::invalid(
                "neighbors",
                format!(
                    "{} neighbours among {n} points; pass 2 to {n}",
                    self.neighbors
                ),
            ));
        }
        if !(self.min_dist >= 0.0 && self.spread > 0.0 && self.min_dist <= self.spread) {
            return Err(Error::invalid(
                "min_dist",
                "pass 0 ≤ min_dist ≤ spread with spread > 0",
            ));
        }
        let epochs = self.epochs.unwrap_or(if n > 10_000 { 200 } else { 500 });
        if epochs == 0 {
            return Err(Error::invalid("epochs", "pass at least 1 epoch"));
        }
        let knn = exact_knn(&data, self.neighbors - 1);
        let memberships = graph::memberships(&knn, self.neighbors);
        let graph = graph::fuzzy_union(&knn, &memberships);
        let mut y = match spectral::spectral(&graph, n, self.seed) {
            Some(y) => y,
            None => pca_init(&data, self.seed)?,
        };
        self.rescale(&mut y)?;
        let (a, b) = layout::fit_ab(self.spread, self.min_dist);
        let sgd = layout::Sgd {
            epochs,
            a,
            b,
            negative_sample_rate: self.negative_sample_rate,
            learning_rate: self.learning_rate,
            repulsion: 1.0,
            seed: self.seed,
        };
        layout::optimize(&graph, &mut y, &sgd);
        let flat = y.iter().flat_map(|p| [p[0] as f32, p[1] as f32]).collect();
        Ok(Projection::new(Matrix::new(n, 2, flat)?, "UMAP"))
    }

    /// umap-learn's scaling: max |coordinate| 10, noise of std 1e-4, then each axis to [0, 10].
    fn rescale(&self, y: &mut [[f64; 2]]) -> Result<()> {
        let max = y
            .iter()
            .flat_map(|p| [p[0].abs(), p[1].abs()])
            .fold(0.0, f64::max);
        let expansion = if max > 0.0 { 10.0 / max } else { 1.0 };
        let mut rng = rand::rngs::StdRng::seed_from_u64(self.seed);
        let noise = Normal::new(0.0, 1e-4).map_err(|e| Error::invalid("seed", e.to_string()))?;
        for p in y.iter_mut() {
            for v in p.iter_mut() {
                *v = *v * expansion + noise.sample(&mut rng);
            }
        }
        for d in 0..2 {
            let lo = y.iter().map(|p| p[d]).fold(f64::MAX, f64::min);
            let hi = y.iter().map(|p| p[d]).fold(f64::MIN, f64::max);
            let range = (hi - lo).max(1e-12);
            for p in y.iter_mut() {
                p[d] = 10.0 * (p[d] - lo) / range;
            }
        }
        Ok(())
    }
}

/// First two principal components (or seeded noise when PCA cannot give two).
fn pca_init(data: &Matrix, seed: u64) -> Result<Vec<[f64; 2]>> {
    if data.cols() >= 2 {
        if let Ok(pca) = Pca::new(2).fit(data) {
            let pts = pca.projection().points();
            return Ok((0..pts.rows())
                .map(|i| [pts.row(i)[0] as f64, pts.row(i)[1] as f64])
                .collect());
        }
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let noise = Normal::new(0.0, 1.0).map_err(|e| Error::invalid("seed", e.to_string()))?;
    Ok((0..data.rows())
        .map(|_| [noise.sample(&mut rng), noise.sample(&mut rng)])
        .collect())
}
