//! Exact k-nearest neighbours by blocked brute force: distances from `‖x‖² + ‖y‖² − 2x·y` with a
//! matrix product per block of rows (faer), the k smallest kept per row, then recomputed directly
//! so that near-duplicates are not reordered by cancellation.
//!
//! In 50 dimensions tree indexes (VP-trees, k-d trees) visit most points anyway; a product of
//! blocks runs at matrix-multiply speed and is exact. Rows are processed in parallel (rayon).

use faer::{Accum, MatMut, MatRef, Par};
use rayon::prelude::*;

use super::Matrix;

/// The k nearest neighbours of every row (the row itself excluded), nearest first.
#[derive(Clone, Debug)]
pub(crate) struct Knn {
    /// Neighbours per row.
    pub k: usize,
    /// `rows × k` neighbour indices.
    pub indices: Vec<u32>,
    /// `rows × k` squared Euclidean distances, ascending per row.
    pub distances: Vec<f32>,
}

impl Knn {
    /// Neighbours of row `i`.
    pub fn neighbours(&self, i: usize) -> &[u32] {
        &self.indices[i * self.k..(i + 1) * self.k]
    }

    /// Squared distances of row `i` to its neighbours.
    pub fn distances(&self, i: usize) -> &[f32] {
        &self.distances[i * self.k..(i + 1) * self.k]
    }
}

const BLOCK: usize = 128;
const TILE: usize = 2048;

/// Exact kNN of every row of `data` among all rows. `k` must be < rows.
pub(crate) fn exact_knn(data: &Matrix, k: usize) -> Knn {
    let (n, d) = (data.rows(), data.cols());
    assert!(k < n, "k = {k} needs more than {n} rows");
    let x = data.as_slice();
    let norms: Vec<f32> = (0..n).map(|i| dot(data.row(i), data.row(i))).collect();
    let all = MatRef::from_row_major_slice(x, n, d);
    let mut indices = vec![0u32; n * k];
    let mut distances = vec![0f32; n * k];
    indices
        .par_chunks_mut(BLOCK * k)
        .zip(distances.par_chunks_mut(BLOCK * k))
        .enumerate()
        .for_each(|(b, (idx, dd))| {
            let r0 = b * BLOCK;
            let rows = idx.len() / k;
            let block = MatRef::from_row_major_slice(&x[r0 * d..(r0 + rows) * d], rows, d);
            let mut dots = vec![0f32; rows * TILE];
            let mut best: Vec<Vec<(f32, u32)>> = vec![Vec::with_capacity(k + 1); rows];
            // column tiles keep the block of dot products in cache
            for c0 in (0..n).step_by(TILE) {
                let cols = TILE.min(n - c0);
                let tile = all.subrows(c0, cols);
                let out = MatMut::from_row_major_slice_mut(&mut dots[..rows * cols], rows, cols);
                faer::linalg::matmul::matmul(
                    out,
                    Accum::Replace,
                    block,
                    tile.transpose(),
                    1.0,
                    Par::Seq,
                );
                for (r, best) in best.iter_mut().enumerate() {
                    let i = r0 + r;
                    let mut worst = if best.len() == k {
                        best[k - 1].0
                    } else {
                        f32::INFINITY
                    };
                    for (c, &dp) in dots[r * cols..(r + 1) * cols].iter().enumerate() {
                        let j = c0 + c;
                        let dist = (norms[i] + norms[j] - 2.0 * dp).max(0.0);
                        if dist < worst && j != i {
                            insert_sorted(best, (dist, j as u32), k);
                            if best.len() == k {
                                worst = best[k - 1].0;
                            }
                        }
                    }
                }
            }
            for (r, best) in best.iter_mut().enumerate() {
                let i = r0 + r;
                // exact distances for the kept neighbours, then re-sort
                for entry in best.iter_mut() {
                    entry.0 = squared_distance(data.row(i), data.row(entry.1 as usize));
                }
                best.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for (slot, &(dist, j)) in best.iter().enumerate() {
                    idx[r * k + slot] = j;
                    dd[r * k + slot] = dist;
                }
            }
        });
    Knn {
        k,
        indices,
        distances,
    }
}

fn insert_sorted(best: &mut Vec<(f32, u32)>, item: (f32, u32), k: usize) {
    let pos = best.partition_point(|e| e.0 <= item.0);
    best.insert(pos, item);
    best.truncate(k);
}

/// Dot product.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Squared Euclidean distance.
pub(crate) fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_naive_search() {
        let n = 300;
        let data = crate::project::testing::noise(n * 5, 3);
        let m = Matrix::new(n, 5, data).unwrap();
        let knn = exact_knn(&m, 7);
        for i in [0, 17, 128, 299] {
            let mut all: Vec<(f32, usize)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| (squared_distance(m.row(i), m.row(j)), j))
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let want: Vec<f32> = all[..7].iter().map(|e| e.0).collect();
            assert_eq!(knn.distances(i), &want[..]);
        }
    }
}
