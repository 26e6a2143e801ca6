//! Projection quality: exact KL divergence, k-nearest-neighbour recall and accuracy, and
//! trustworthiness — the evaluator the comparison with scikit-learn / openTSNE / umap-learn uses.
//!
//! All run in O(N) memory per thread (no N × N matrix), so 10k+ points are fine.

use rayon::prelude::*;

use crate::project::{exact_knn, squared_distance, Affinities, AsMatrix};
use crate::Matrix;
use crate::{Error, Result};

/// `KL(P ‖ Q)` of an embedding against t-SNE affinities, with the exact normaliser
/// `Z = Σ_{i≠j} (1 + ‖y_i − y_j‖²)⁻¹` (O(N²) time).
///
/// # Example
/// ```
/// use glassbox::{evaluate::kl_divergence, Matrix, Tsne};
/// let data = Matrix::new(8, 1, (0..8).map(|i| i as f32).collect())?;
/// let p = Tsne::default().perplexity(2.0).affinities(&data)?;
/// let line = Matrix::new(8, 2, (0..8).flat_map(|i| [i as f32, 0.0]).collect())?;
/// assert!(kl_divergence(&p, &line)? >= 0.0);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// When the embedding has a different number of points than `p`, or NaN/∞ values.
pub fn kl_divergence<M: AsMatrix + ?Sized>(p: &Affinities, embedding: &M) -> Result<f64> {
    let y = embedding.as_matrix()?;
    check_rows(&y, p.len(), "embedding")?;
    let z_parts: Vec<f64> = (0..y.rows())
        .into_par_iter()
        .map(|i| {
            (0..y.rows())
                .filter(|&j| j != i)
                .map(|j| kernel(&y, i, j))
                .sum()
        })
        .collect();
    let z: f64 = z_parts.iter().sum();
    let cross: Vec<f64> = (0..y.rows())
        .into_par_iter()
        .map(|i| {
            let (cols, vals) = p.row(i);
            let terms = cols.iter().zip(vals).filter(|(_, &v)| v > 0.0);
            terms
                .map(|(&j, &v)| v as f64 * ((v as f64) / (kernel(&y, i, j as usize) / z)).ln())
                .sum()
        })
        .collect();
    Ok(cross.iter().sum())
}

fn kernel(y: &Matrix, i: usize, j: usize) -> f64 {
    1.0 / (1.0 + squared_distance(y.row(i), y.row(j)) as f64)
}

/// Mean fraction of each point's `k` nearest neighbours in `data` that are also among its `k`
/// nearest neighbours in `embedding` (1 = every neighbourhood kept).
///
/// # Example
/// ```
/// use glassbox::{knn_recall, Matrix};
/// let data = Matrix::new(5, 1, vec![0.0, 1.0, 2.0, 3.0, 4.0])?;
/// assert_eq!(knn_recall(&data, &data, 2)?, 1.0);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// Different row counts, NaN/∞ values, or `k` not in `1..rows`.
pub fn knn_recall<A: AsMatrix + ?Sized, B: AsMatrix + ?Sized>(
    data: &A,
    embedding: &B,
    k: usize,
) -> Result<f64> {
    let (x, y) = (data.as_matrix()?, embedding.as_matrix()?);
    x.validate(2)?;
    check_rows(&y, x.rows(), "embedding")?;
    check_k(k, x.rows(), x.rows())?;
    let (high, low) = (exact_knn(&x, k), exact_knn(&y, k));
    let kept: usize = (0..x.rows())
        .into_par_iter()
        .map(|i| {
            high.neighbours(i)
                .iter()
                .filter(|j| low.neighbours(i).contains(j))
                .count()
        })
        .sum();
    Ok(kept as f64 / (x.rows() * k) as f64)
}

/// Leave-one-out accuracy of a `k`-nearest-neighbour majority vote in the embedding (ties go to
/// the smallest label, as in scikit-learn's `KNeighborsClassifier`).
///
/// # Example
/// ```
/// use glassbox::{knn_accuracy, Matrix};
/// let y = Matrix::new(4, 1, vec![0.0, 0.1, 5.0, 5.1])?;
/// assert_eq!(knn_accuracy(&y, &[0, 0, 1, 1], 1)?, 1.0);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// `labels.len()` other than the number of points, NaN/∞ values, or `k` not in `1..rows`.
pub fn knn_accuracy<M: AsMatrix + ?Sized>(
    embedding: &M,
    labels: &[usize],
    k: usize,
) -> Result<f64> {
    let y = embedding.as_matrix()?;
    y.validate(2)?;
    if labels.len() != y.rows() {
        return Err(Error::shape(
            "labels",
            format!("one label per point ({})", y.rows()),
            &[labels.len()],
        ));
    }
    check_k(k, y.rows(), y.rows())?;
    let knn = exact_knn(&y, k);
    let correct: usize = (0..y.rows())
        .into_par_iter()
        .map(|i| {
            let votes: Vec<usize> = knn
                .neighbours(i)
                .iter()
                .map(|&j| labels[j as usize])
                .collect();
            (majority(votes) == Some(labels[i])) as usize
        })
        .sum();
    Ok(correct as f64 / y.rows() as f64)
}

/// The most frequent label, the smallest on ties. Sorting the `k` votes (rather than counting
/// into a vector indexed by label) keeps any label value, `usize::MAX` included, valid.
fn majority(mut votes: Vec<usize>) -> Option<usize> {
    votes.sort_unstable();
    let mut best: Option<(usize, usize)> = None; // (count, label)
    for run in votes.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(count, _)| run.len() > count) {
            best = Some((run.len(), run[0]));
        }
    }
    best.map(|(_, label)| label)
}

/// Trustworthiness (Venna & Kaski 2001): penalises points that are among the `k` nearest in the
/// embedding but not in the data, by how far down the data's ranking they are;
/// `T = 1 − 2 / (N k (2N − 3k − 1)) Σ_i Σ_{j ∈ U_i} (r(i, j) − k)`, as scikit-learn's
/// `trustworthiness`. O(N²) time, O(N) memory per thread.
///
/// # Example
/// ```
/// use glassbox::{trustworthiness, Matrix};
/// let data = Matrix::new(6, 2, vec![0., 0., 1., 0., 2., 0., 3., 0., 4., 0., 5., 0.])?;
/// let line = Matrix::new(6, 1, vec![0., 1., 2., 3., 4., 5.])?;
/// assert!((trustworthiness(&data, &line, 2)? - 1.0).abs() < 1e-12);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// Different row counts, NaN/∞ values, or `k ≥ rows / 2`.
pub fn trustworthiness<A: AsMatrix + ?Sized, B: AsMatrix + ?Sized>(
    data: &A,
    embedding: &B,
    k: usize,
) -> Result<f64> {
    let (x, y) = (data.as_matrix()?, embedding.as_matrix()?);
    x.validate(2)?;
    check_rows(&y, x.rows(), "embedding")?;
    let n = x.rows();
    check_k(k, n, n.div_ceil(2))?;
    let low = exact_knn(&y, k);
    let penalty: f64 = (0..n)
        .into_par_iter()
        .map(|i| {
            let d: Vec<f32> = (0..n)
                .map(|j| squared_distance(x.row(i), x.row(j)))
                .collect();
            let mut sum = 0.0;
            for &j in low.neighbours(i) {
                let dj = d[j as usize];
                // rank of j among the other points by distance from i (1 = nearest)
                let rank = 1 + d
                    .iter()
                    .enumerate()
                    .filter(|&(l, &dl)| l != i && dl < dj)
                    .count();
                if rank > k {
                    sum += (rank - k) as f64;
                }
            }
            sum
        })
        .sum();
    let (n, k) = (n as f64, k as f64);
    Ok(1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * penalty)
}

fn check_rows(y: &Matrix, rows: usize, what: &str) -> Result<()> {
    y.validate(1)?;
    if y.rows() != rows {
        return Err(Error::shape(
            what,
            format!("{rows} rows, one per data point"),
            &[y.rows(), y.cols()],
        ));
    }
    Ok(())
}

fn check_k(k: usize, n: usize, limit: usize) -> Result<()> {
    if k == 0 || k >= limit {
        return Err(Error::invalid(
            "k",
            format!("{k} neighbours among {n} points; pass 1 to {}", limit - 1),
        ));
    }
    Ok(())
}
