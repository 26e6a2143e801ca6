//! The result of every projection: low-dimensional coordinates and where they came from.

use std::borrow::Cow;

use super::{AsMatrix, Matrix};
use crate::Result;

/// Points in a low-dimensional space (`rows × dims`), produced by [`Pca`](crate::Pca),
/// [`Tsne`](crate::Tsne) or [`Umap`](crate::Umap).
///
/// # Example
/// ```
/// use glassbox::{Matrix, Pca};
/// let data = Matrix::new(3, 2, vec![0.0, 0.0, 1.0, 1.0, 2.0, 2.5])?;
/// let proj = Pca::new(1).fit(&data)?.projection().clone();
/// assert_eq!((proj.len(), proj.dims()), (3, 1));
/// assert_eq!(proj.method(), "PCA");
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Projection {
    points: Matrix,
    method: &'static str,
    kl_history: Vec<(usize, f64)>,
}

impl Projection {
    pub(crate) fn new(points: Matrix, method: &'static str) -> Self {
        Self {
            points,
            method,
            kl_history: Vec::new(),
        }
    }

    pub(crate) fn with_kl_history(mut self, history: Vec<(usize, f64)>) -> Self {
        self.kl_history = history;
        self
    }

    /// The coordinates, one row per point.
    pub fn points(&self) -> &Matrix {
        &self.points
    }

    /// Coordinates of point `i`.
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn point(&self, i: usize) -> &[f32] {
        self.points.row(i)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.rows()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.points.rows() == 0
    }

    /// Number of dimensions of the projection.
    pub fn dims(&self) -> usize {
        self.points.cols()
    }

    /// `"PCA"`, `"t-SNE"` or `"UMAP"`.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// t-SNE only: `(iteration, KL divergence)` every 50 iterations (the exaggerated phase
    /// reports the KL of the plain, unexaggerated P). Empty for other methods.
    pub fn kl_history(&self) -> &[(usize, f64)] {
        &self.kl_history
    }

    /// The final KL divergence of a t-SNE run, if recorded.
    pub fn kl_divergence(&self) -> Option<f64> {
        self.kl_history.last().map(|e| e.1)
    }
}

impl AsMatrix for Projection {
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>> {
        Ok(Cow::Borrowed(&self.points))
    }
}

impl std::fmt::Display for Projection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} projection of {} points to {}-D",
            self.method,
            self.len(),
            self.dims()
        )?;
        if let Some(kl) = self.kl_divergence() {
            write!(f, ", KL {kl:.4}")?;
        }
        Ok(())
    }
}
