//! t-SNE input affinities: Gaussian conditionals calibrated to a perplexity on the exact k
//! nearest neighbours (k = 3·perplexity), symmetrised as `P = (P_{j|i} + P_{i|j}) / 2N`.
//!
//! van der Maaten (2014), *Accelerating t-SNE using tree-based algorithms*, JMLR 15, §4.1.

use rayon::prelude::*;

use crate::project::Knn;

/// The symmetric, sparse t-SNE affinity matrix `P` (sums to 1), stored by rows.
///
/// Built by [`Tsne::affinities`](crate::Tsne::affinities); [`kl_divergence`](crate::evaluate::kl_divergence)
/// scores any 2-D embedding against it.
#[derive(Clone, Debug)]
pub struct Affinities {
    offsets: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<f32>,
}

impl Affinities {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of stored (non-zero) entries.
    pub fn nnz(&self) -> usize {
        self.columns.len()
    }

    /// Row `i`: neighbour indices (ascending) and their `p_ij`.
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.columns[r.clone()], &self.values[r])
    }

    /// `Σ p_ij ln p_ij`, the constant part of the KL divergence.
    pub(crate) fn neg_entropy(&self) -> f64 {
        let values = self.values.iter().filter(|&&p| p > 0.0);
        values.map(|&p| p as f64 * (p as f64).ln()).sum()
    }
}

/// Per-point Gaussian bandwidths by bisection so that each conditional distribution has the
/// given perplexity; returns `P_{j|i}` laid out like `knn`.
pub(crate) fn conditional(knn: &Knn, perplexity: f64) -> Vec<f32> {
    let k = knn.k;
    let target = perplexity.ln();
    let mut out = vec![0f32; knn.indices.len()];
    out.par_chunks_mut(k).enumerate().for_each(|(i, row)| {
        let d = knn.distances(i);
        let d0 = d[0] as f64;
        let (mut beta, mut lo, mut hi) = (1.0f64, 0.0f64, f64::INFINITY);
        let mut p = vec![0f64; k];
        for _ in 0..200 {
            let mut sum = 0.0;
            let mut weighted = 0.0;
            for (pj, &dj) in p.iter_mut().zip(d) {
                let shifted = dj as f64 - d0; // shift by the nearest distance for stability
                *pj = (-shifted * beta).exp();
                sum += *pj;
                weighted += shifted * *pj;
            }
            // H = ln Σ + β Σ d p / Σ  (with the shift cancelling)
            let entropy = sum.ln() + beta * weighted / sum;
            for pj in p.iter_mut() {
                *pj /= sum;
            }
            if (entropy - target).abs() < 1e-5 {
                break;
            }
            if entropy > target {
                lo = beta;
                beta = if hi.is_finite() {
                    (beta + hi) / 2.0
                } else {
                    beta * 2.0
                };
            } else {
                hi = beta;
                beta = (beta + lo) / 2.0;
            }
        }
        for (o, &pj) in row.iter_mut().zip(&p) {
            *o = pj as f32;
        }
    });
    out
}

/// `P = (P_{j|i} + P_{i|j}) / 2N` as a row-sorted sparse matrix.
pub(crate) fn symmetrise(knn: &Knn, conditional: &[f32]) -> Affinities {
    let (n, k) = (knn.indices.len() / knn.k, knn.k);
    // rows of the conditional matrix, sorted by column
    let mut rows: Vec<(u32, f32)> = knn
        .indices
        .iter()
        .copied()
        .zip(conditional.iter().copied())
        .collect();
    rows.par_chunks_mut(k)
        .for_each(|r| r.sort_unstable_by_key(|e| e.0));
    // its transpose by counting sort (stable, so each column list is sorted by row)
    let mut counts = vec![0usize; n + 1];
    for &(j, _) in &rows {
        counts[j as usize + 1] += 1;
    }
    for j in 0..n {
        counts[j + 1] += counts[j];
    }
    let mut fill = counts.clone();
    let mut transposed = vec![(0u32, 0f32); rows.len()];
    for (i, r) in rows.chunks(k).enumerate() {
        for &(j, p) in r {
            transposed[fill[j as usize]] = (i as u32, p);
            fill[j as usize] += 1;
        }
    }
    let scale = 1.0 / (2.0 * n as f32);
    let mut offsets = Vec::with_capacity(n + 1);
    let mut columns = Vec::with_capacity(2 * rows.len());
    let mut values = Vec::with_capacity(2 * rows.len());
    offsets.push(0);
    for i in 0..n {
        let (a, b) = (
            &rows[i * k..(i + 1) * k],
            &transposed[counts[i]..counts[i + 1]],
        );
        let (mut x, mut y) = (0, 0);
        while x < a.len() || y < b.len() {
            let take_a = y == b.len() || (x < a.len() && a[x].0 <= b[y].0);
            let take_b = x == a.len() || (y < b.len() && b[y].0 <= a[x].0);
            let (col, mut p) = if take_a { a[x] } else { b[y] };
            if take_a && take_b {
                p += b[y].1;
            }
            x += take_a as usize;
            y += take_b as usize;
            columns.push(col);
            values.push(p * scale);
        }
        offsets.push(columns.len());
    }
    Affinities {
        offsets,
        columns,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::exact_knn;
    use crate::Matrix;

    #[test]
    fn conditionals_reach_the_perplexity_and_p_is_symmetric() {
        let data = crate::project::testing::noise(200 * 3, 1);
        let m = Matrix::new(200, 3, data).unwrap();
        let knn = exact_knn(&m, 15);
        let cond = conditional(&knn, 5.0);
        for row in cond.chunks(15) {
            let h: f64 = row
                .iter()
                .filter(|&&p| p > 0.0)
                .map(|&p| -(p as f64) * (p as f64).ln())
                .sum();
            assert!((h.exp() - 5.0).abs() < 1e-2, "perplexity {}", h.exp());
        }
        let p = symmetrise(&knn, &cond);
        let total: f64 = p.values.iter().map(|&v| v as f64).sum();
        assert!((total - 1.0).abs() < 1e-5);
        for i in 0..200 {
            let (cols, vals) = p.row(i);
            for (&j, &v) in cols.iter().zip(vals) {
                let (cj, vj) = p.row(j as usize);
                let pos = cj.iter().position(|&c| c as usize == i).unwrap();
                assert_eq!(v, vj[pos]);
            }
        }
    }
}
