//! Spectral initialisation: eigenvectors 2 and 3 (by increasing eigenvalue) of the normalised
//! Laplacian `L = I − D^{-1/2} W D^{-1/2}` of the UMAP graph, as umap-learn's `spectral_layout`.
//!
//! Up to 2000 points the dense eigendecomposition (faer); above, subspace iteration on
//! `(I + D^{-1/2} W D^{-1/2}) / 2` with the trivial eigenvector `D^{1/2} 1` projected out and a
//! Rayleigh–Ritz step. `None` when the graph is disconnected (the caller falls back to PCA).

use faer::{Mat, Side};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

use super::graph::Graph;

/// Two columns of spectral coordinates, or `None` for a disconnected graph or a solver failure.
pub(crate) fn spectral(graph: &Graph, n: usize, seed: u64) -> Option<Vec<[f64; 2]>> {
    if components(graph, n) > 1 {
        return None;
    }
    let mut degree = vec![0f64; n];
    for &(i, _, w) in &graph.edges {
        degree[i as usize] += w as f64;
    }
    let inv_sqrt: Vec<f64> = degree.iter().map(|&d| 1.0 / d.sqrt()).collect();
    if n <= 2000 {
        let mut a = Mat::<f64>::zeros(n, n);
        for &(i, j, w) in &graph.edges {
            let (i, j) = (i as usize, j as usize);
            a[(i, j)] -= w as f64 * inv_sqrt[i] * inv_sqrt[j];
        }
        for i in 0..n {
            a[(i, i)] += 1.0;
        }
        let evd = a.self_adjoint_eigen(Side::Lower).ok()?;
        let u = evd.U();
        return Some((0..n).map(|i| [u[(i, 1)], u[(i, 2)]]).collect());
    }
    // subspace iteration for the top of M = (I + D^{-1/2} W D^{-1/2}) / 2, trivial vector removed
    let trivial: Vec<f64> = {
        let v: Vec<f64> = degree.iter().map(|d| d.sqrt()).collect();
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        v.iter().map(|x| x / norm).collect()
    };
    let block = 6;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut v = Mat::<f64>::from_fn(n, block, |_, _| StandardNormal.sample(&mut rng));
    let apply = |v: &Mat<f64>| {
        let mut out = Mat::<f64>::from_fn(n, block, |i, c| 0.5 * v[(i, c)]);
        for &(i, j, w) in &graph.edges {
            let (i, j) = (i as usize, j as usize);
            let s = 0.5 * w as f64 * inv_sqrt[i] * inv_sqrt[j];
            for c in 0..block {
                out[(i, c)] += s * v[(j, c)];
            }
        }
        // project out the trivial eigenvector
        for c in 0..block {
            let dot: f64 = (0..n).map(|i| out[(i, c)] * trivial[i]).sum();
            for i in 0..n {
                out[(i, c)] -= dot * trivial[i];
            }
        }
        out
    };
    let iterations = if n > 10_000 { 150 } else { 300 };
    for _ in 0..iterations {
        v = apply(&v).qr().compute_thin_Q();
    }
    // Rayleigh–Ritz: eigenvectors of Vᵀ M V, largest first
    let mv = apply(&v);
    let small = v.transpose() * &mv;
    let small = Mat::<f64>::from_fn(block, block, |i, j| 0.5 * (small[(i, j)] + small[(j, i)]));
    let evd = small.self_adjoint_eigen(Side::Lower).ok()?;
    let ritz = &v * evd.U();
    Some(
        (0..n)
            .map(|i| [ritz[(i, block - 1)], ritz[(i, block - 2)]])
            .collect(),
    )
}

/// Number of connected components (union–find).
fn components(graph: &Graph, n: usize) -> usize {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for &(i, j, _) in &graph.edges {
        let (a, b) = (root(&mut parent, i as usize), root(&mut parent, j as usize));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    (0..n).filter(|&i| root(&mut parent, i) == i).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_graph_gets_its_fiedler_vector_and_a_split_graph_none() {
        // path 0–1–2–…–9: the Fiedler vector is monotone along the path (inside; the ends have
        // half the degree, and L's eigenvectors carry a D^{1/2} factor)
        let mut edges = Vec::new();
        for i in 0..9u32 {
            edges.push((i, i + 1, 1.0));
            edges.push((i + 1, i, 1.0));
        }
        let g = Graph { edges };
        let y = spectral(&g, 10, 0).unwrap();
        let inner = &y[1..9];
        let increasing = inner.windows(2).all(|w| w[1][0] > w[0][0]);
        let decreasing = inner.windows(2).all(|w| w[1][0] < w[0][0]);
        assert!(increasing || decreasing, "{y:?}");
        let split = Graph {
            edges: vec![(0, 1, 1.0), (1, 0, 1.0), (2, 3, 1.0), (3, 2, 1.0)],
        };
        assert!(spectral(&split, 4, 0).is_none());
    }
}
