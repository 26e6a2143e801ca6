//! Principal component analysis: the directions of largest variance of the centred data.
//!
//! Tall data (`cols ≤ 2000` or `cols ≤ rows`) goes through the covariance matrix `XᵀX` and its
//! symmetric eigendecomposition (scikit-learn's `covariance_eigh`); wide data through a
//! randomized SVD (Halko, Martinsson & Tropp 2011, <https://arxiv.org/abs/0909.4061>, Alg. 4.4
//! with 4 power iterations and 10 extra columns). Both use [faer](https://docs.rs/faer).
//! Each component's sign is fixed so that its largest-magnitude loading is positive.

use faer::{Accum, Mat, MatMut, MatRef, Par, Side};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

use super::{AsMatrix, Matrix, Projection};
use crate::{Error, Result};

/// How [`Pca`] computes the components.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PcaSolver {
    /// Covariance eigendecomposition when `cols ≤ 2000` or `cols ≤ rows`, randomized SVD otherwise.
    #[default]
    Auto,
    /// Eigendecomposition of the `cols × cols` covariance matrix (exact).
    Covariance,
    /// Randomized SVD of the centred data (approximate, for wide data).
    Randomized,
}

/// Principal component analysis with `n` components.
///
/// # Example
/// ```
/// use glassbox::{Matrix, Pca};
/// // points on the line y = 2x: one component explains everything
/// let data = Matrix::new(4, 2, vec![0.0, 0.0, 1.0, 2.0, 2.0, 4.0, 3.0, 6.0])?;
/// let pca = Pca::new(1).fit(&data)?;
/// assert!((pca.explained_variance_ratio()[0] - 1.0).abs() < 1e-5);
/// assert!((pca.components().row(0)[1] - 2.0 / 5f32.sqrt()).abs() < 1e-5);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Pca {
    components: usize,
    solver: PcaSolver,
    seed: u64,
}

impl Pca {
    /// PCA keeping `components` directions.
    pub fn new(components: usize) -> Self {
        Self {
            components,
            solver: PcaSolver::Auto,
            seed: 0,
        }
    }

    /// Chooses the solver (default [`PcaSolver::Auto`]).
    pub fn solver(mut self, solver: PcaSolver) -> Self {
        self.solver = solver;
        self
    }

    /// Seed of the randomized solver (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Fits the components to `data` (one row per point).
    ///
    /// # Errors
    /// Fewer than 2 rows, NaN/∞ values, `components` of 0 or more than `min(rows, cols)`, or data
    /// whose rows are all identical (no variance to explain).
    pub fn fit<M: AsMatrix + ?Sized>(&self, data: &M) -> Result<PcaModel> {
        let data = data.as_matrix()?;
        data.validate(2)?;
        let (n, d) = (data.rows(), data.cols());
        let k = self.components;
        if k == 0 || k > n.min(d) {
            return Err(Error::invalid(
                "components",
                format!(
                    "{k} components requested from {n} × {d} data; pass 1 to min(rows, cols) = {}",
                    n.min(d)
                ),
            ));
        }
        let mean: Vec<f32> = column_means(&data);
        let centred = centre(&data, &mean);
        let total: f64 = centred
            .iter()
            .map(|&v| (v as f64) * (v as f64))
            .sum::<f64>();
        if total <= 0.0 {
            return Err(Error::invalid(
                "data",
                "all rows are identical, so there is no variance to project",
            ));
        }
        let wide = d > 2000 && d > n;
        let (vectors, values) = match (self.solver, wide) {
            (PcaSolver::Randomized, _) | (PcaSolver::Auto, true) => {
                randomized(&centred, n, d, k, self.seed)?
            }
            _ => covariance(&centred, n, d, k)?,
        };
        let mut components = Matrix::zeros(k, d);
        for (c, v) in vectors.iter().enumerate() {
            let flip = v
                .iter()
                .copied()
                .fold(0f64, |m, x| if x.abs() > m.abs() { x } else { m })
                < 0.0;
            let row = &mut components.as_mut_slice()[c * d..(c + 1) * d];
            for (o, &x) in row.iter_mut().zip(v) {
                *o = if flip { -x } else { x } as f32;
            }
        }
        let dof = (n - 1) as f64;
        let explained_variance: Vec<f32> = values.iter().map(|&s| (s / dof) as f32).collect();
        let ratio = values.iter().map(|&s| (s / total) as f32).collect();
        let scores = project(&centred, n, d, &components);
        Ok(PcaModel {
            mean,
            components,
            explained_variance,
            explained_variance_ratio: ratio,
            scores: Projection::new(scores, "PCA"),
        })
    }
}

/// A fitted PCA: mean, components, explained variance, and the projected training data.
#[derive(Clone, Debug)]
pub struct PcaModel {
    mean: Vec<f32>,
    components: Matrix,
    explained_variance: Vec<f32>,
    explained_variance_ratio: Vec<f32>,
    scores: Projection,
}

impl PcaModel {
    /// The components, one unit-length row per component (`k × cols`), largest variance first.
    pub fn components(&self) -> &Matrix {
        &self.components
    }

    /// The column means that were subtracted.
    pub fn mean(&self) -> &[f32] {
        &self.mean
    }

    /// Variance along each component (eigenvalue / (rows − 1)).
    pub fn explained_variance(&self) -> &[f32] {
        &self.explained_variance
    }

    /// Fraction of the total variance along each component; they sum to 1 when all
    /// `min(rows, cols)` components are kept.
    pub fn explained_variance_ratio(&self) -> &[f32] {
        &self.explained_variance_ratio
    }

    /// `(component number from 1, ratio, cumulative ratio)` per component: the data of a scree plot.
    pub fn variance_curve(&self) -> Vec<(usize, f32, f32)> {
        let mut sum = 0.0;
        let ratios = self.explained_variance_ratio.iter();
        ratios
            .enumerate()
            .map(|(i, &r)| {
                sum += r;
                (i + 1, r, sum)
            })
            .collect()
    }

    /// The training data in component coordinates (`rows × k`).
    pub fn projection(&self) -> &Projection {
        &self.scores
    }

    /// Projects new points: `(x − mean) · componentsᵀ`.
    ///
    /// # Errors
    /// A column count other than the fitted one, or NaN/∞ values.
    pub fn project<M: AsMatrix + ?Sized>(&self, data: &M) -> Result<Projection> {
        let data = data.as_matrix()?;
        data.validate(1)?;
        if data.cols() != self.mean.len() {
            return Err(Error::shape(
                "data",
                format!(
                    "{} columns like the data PCA was fitted on",
                    self.mean.len()
                ),
                &[data.rows(), data.cols()],
            ));
        }
        let centred = centre(&data, &self.mean);
        let scores = project(&centred, data.rows(), data.cols(), &self.components);
        Ok(Projection::new(scores, "PCA"))
    }
}

fn column_means(data: &Matrix) -> Vec<f32> {
    let mut sum = vec![0f64; data.cols()];
    for i in 0..data.rows() {
        for (s, &v) in sum.iter_mut().zip(data.row(i)) {
            *s += v as f64;
        }
    }
    sum.iter()
        .map(|s| (s / data.rows() as f64) as f32)
        .collect()
}

fn centre(data: &Matrix, mean: &[f32]) -> Vec<f32> {
    let mut out = data.as_slice().to_vec();
    for row in out.chunks_mut(data.cols()) {
        for (v, m) in row.iter_mut().zip(mean) {
            *v -= m;
        }
    }
    out
}

/// Scores = centred (n × d) · componentsᵀ (d × k).
fn project(centred: &[f32], n: usize, d: usize, components: &Matrix) -> Matrix {
    let k = components.rows();
    let mut out = Matrix::zeros(n, k);
    let x = MatRef::from_row_major_slice(centred, n, d);
    let w = MatRef::from_row_major_slice(components.as_slice(), k, d);
    let dst = MatMut::from_row_major_slice_mut(out.as_mut_slice(), n, k);
    faer::linalg::matmul::matmul(dst, Accum::Replace, x, w.transpose(), 1.0, Par::rayon(0));
    out
}

type Eigen = (Vec<Vec<f64>>, Vec<f64>);

/// Top-k eigenvectors (as rows) and eigenvalues of `XᵀX`.
fn covariance(centred: &[f32], n: usize, d: usize, k: usize) -> Result<Eigen> {
    let x = MatRef::from_row_major_slice(centred, n, d);
    let gram: Mat<f64> = if n * d <= 1 << 22 {
        let x64 = Mat::<f64>::from_fn(n, d, |i, j| x[(i, j)] as f64);
        let mut g = Mat::<f64>::zeros(d, d);
        let xt = x64.as_ref().transpose();
        faer::linalg::matmul::matmul(
            g.as_mut(),
            Accum::Replace,
            xt,
            x64.as_ref(),
            1.0,
            Par::rayon(0),
        );
        g
    } else {
        let mut g = Mat::<f32>::zeros(d, d);
        faer::linalg::matmul::matmul(
            g.as_mut(),
            Accum::Replace,
            x.transpose(),
            x,
            1.0,
            Par::rayon(0),
        );
        Mat::<f64>::from_fn(d, d, |i, j| g[(i, j)] as f64)
    };
    let evd = gram
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| Error::unsupported(format!("the eigensolver did not converge: {e:?}")))?;
    let (u, s) = (evd.U(), evd.S().column_vector());
    Ok((0..k)
        .map(|c| {
            let col = d - 1 - c; // eigenvalues are ascending
            ((0..d).map(|r| u[(r, col)]).collect(), s[col].max(0.0))
        })
        .unzip())
}

/// Top-k right singular vectors (as rows) and squared singular values, randomized.
fn randomized(centred: &[f32], n: usize, d: usize, k: usize, seed: u64) -> Result<Eigen> {
    let l = (k + 10).min(n.min(d));
    let x = Mat::<f64>::from_fn(n, d, |i, j| centred[i * d + j] as f64);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let omega = Mat::<f64>::from_fn(d, l, |_, _| StandardNormal.sample(&mut rng));
    let mut q = orthonormal(&(&x * &omega));
    for _ in 0..4 {
        let z = orthonormal(&(x.transpose() * &q));
        q = orthonormal(&(&x * &z));
    }
    let b = q.transpose() * &x; // l × d
    let svd = b
        .thin_svd()
        .map_err(|e| Error::unsupported(format!("the SVD did not converge: {e:?}")))?;
    let (v, s) = (svd.V(), svd.S().column_vector());
    Ok((0..k)
        .map(|c| ((0..d).map(|r| v[(r, c)]).collect(), s[c] * s[c]))
        .unzip())
}

fn orthonormal(m: &Mat<f64>) -> Mat<f64> {
    m.qr().compute_thin_Q()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_axis_and_sign() {
        // variance 4 along (1, 1)/√2 … points ±(a, a) plus small ±(b, −b)
        let data =
            Matrix::from_rows(&[[2.0f32, 2.0], [-2.0, -2.0], [0.5, -0.5], [-0.5, 0.5]]).unwrap();
        let pca = Pca::new(2).fit(&data).unwrap();
        let c0 = pca.components().row(0);
        let h = std::f32::consts::FRAC_1_SQRT_2;
        assert!(
            (c0[0] - h).abs() < 1e-6 && (c0[1] - h).abs() < 1e-6,
            "{c0:?}"
        );
        // eigenvalues of XᵀX: 16 and 1, over n − 1 = 3
        let ev = pca.explained_variance();
        assert!((ev[0] - 16.0 / 3.0).abs() < 1e-5 && (ev[1] - 1.0 / 3.0).abs() < 1e-5);
        let r = pca.explained_variance_ratio();
        assert!((r[0] - 16.0 / 17.0).abs() < 1e-6 && (r[0] + r[1] - 1.0).abs() < 1e-6);
        assert_eq!(pca.variance_curve()[1].0, 2);
    }

    #[test]
    fn rejects_bad_component_counts() {
        let data = Matrix::new(3, 2, vec![1.0, 2.0, 3.0, 4.0, 5.0, 7.0]).unwrap();
        let msg = Pca::new(3).fit(&data).unwrap_err().to_string();
        assert!(msg.contains("min(rows, cols) = 2"), "{msg}");
        assert!(Pca::new(0).fit(&data).is_err());
        let same = Matrix::new(2, 2, vec![1.0, 1.0, 1.0, 1.0]).unwrap();
        assert!(Pca::new(1).fit(&same).is_err());
    }
}
