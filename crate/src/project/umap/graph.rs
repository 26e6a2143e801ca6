//! UMAP's fuzzy simplicial set: per-point smooth kNN distances (`ρ_i`, `σ_i`) turned into
//! memberships `exp(−(d_ij − ρ_i)/σ_i)`, combined by the fuzzy union `a + b − a·b`.
//!
//! McInnes, Healy & Melville (2018), *UMAP*, <https://arxiv.org/abs/1802.03426>, §3.1 and
//! umap-learn's `smooth_knn_dist` (target `log2(n_neighbors)`, local connectivity 1).

use rayon::prelude::*;

use crate::project::Knn;

/// A symmetric sparse graph as an edge list `(i, j, weight)`, both directions present.
pub(crate) struct Graph {
    pub edges: Vec<(u32, u32, f32)>,
}

/// Memberships of each point's neighbours, laid out like `knn` (distances are Euclidean).
pub(crate) fn memberships(knn: &Knn, n_neighbors: usize) -> Vec<f32> {
    let k = knn.k;
    let target = (n_neighbors as f64).log2();
    let mean_all: f64 = knn
        .distances
        .iter()
        .map(|&d| (d as f64).sqrt())
        .sum::<f64>()
        / knn.distances.len() as f64;
    let mut out = vec![0f32; knn.indices.len()];
    out.par_chunks_mut(k).enumerate().for_each(|(i, row)| {
        let d: Vec<f64> = knn
            .distances(i)
            .iter()
            .map(|&v| (v as f64).sqrt())
            .collect();
        let rho = d.iter().copied().find(|&v| v > 0.0).unwrap_or(0.0);
        let (mut lo, mut hi, mut mid) = (0.0f64, f64::INFINITY, 1.0f64);
        for _ in 0..64 {
            let sum: f64 = d
                .iter()
                .map(|&v| {
                    if v - rho > 0.0 {
                        (-(v - rho) / mid).exp()
                    } else {
                        1.0
                    }
                })
                .sum();
            if (sum - target).abs() < 1e-5 {
                break;
            }
            if sum > target {
                hi = mid;
                mid = (lo + hi) / 2.0;
            } else {
                lo = mid;
                mid = if hi.is_finite() {
                    (lo + hi) / 2.0
                } else {
                    mid * 2.0
                };
            }
        }
        // umap-learn's floor on σ: 1e-3 × the mean neighbour distance (of the point, or of all)
        let mean_i = d.iter().sum::<f64>() / k as f64;
        let floor = 1e-3 * if rho > 0.0 { mean_i } else { mean_all };
        let sigma = mid.max(floor);
        for (o, &v) in row.iter_mut().zip(&d) {
            *o = if v - rho > 0.0 {
                (-(v - rho) / sigma).exp() as f32
            } else {
                1.0
            };
        }
    });
    out
}

/// The fuzzy union `W = A + Aᵀ − A ∘ Aᵀ` of the directed membership graph.
pub(crate) fn fuzzy_union(knn: &Knn, memberships: &[f32]) -> Graph {
    let k = knn.k;
    let mut directed: Vec<(u32, u32, f32)> = Vec::with_capacity(2 * memberships.len());
    for (e, (&j, &w)) in knn.indices.iter().zip(memberships).enumerate() {
        let i = (e / k) as u32;
        directed.push((i, j, w));
        directed.push((j, i, w));
    }
    directed.par_sort_unstable_by_key(|e| (e.0, e.1));
    let mut edges: Vec<(u32, u32, f32)> = Vec::with_capacity(directed.len());
    let mut at = 0;
    while at < directed.len() {
        let (i, j, a) = directed[at];
        if at + 1 < directed.len() && directed[at + 1].0 == i && directed[at + 1].1 == j {
            let b = directed[at + 1].2;
            edges.push((i, j, a + b - a * b));
            at += 2;
        } else {
            edges.push((i, j, a));
            at += 1;
        }
    }
    edges.retain(|e| e.2 > 0.0);
    Graph { edges }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::exact_knn;
    use crate::Matrix;

    #[test]
    fn memberships_sum_to_log2_k_and_union_is_symmetric() {
        let m = Matrix::new(100, 4, crate::project::testing::noise(400, 5)).unwrap();
        let knn = exact_knn(&m, 9);
        let w = memberships(&knn, 10);
        for row in w.chunks(9) {
            assert_eq!(row[0], 1.0); // the nearest neighbour is at ρ
            let s: f32 = row.iter().sum();
            assert!((s - 10f32.log2()).abs() < 1e-3, "{s}");
        }
        let g = fuzzy_union(&knn, &w);
        for &(i, j, v) in &g.edges {
            let back = g.edges.iter().find(|e| e.0 == j && e.1 == i).unwrap();
            assert_eq!(v, back.2);
            assert!(v > 0.0 && v <= 1.0);
        }
    }
}
