//! UMAP's layout: stochastic gradient descent on the fuzzy cross-entropy with negative sampling,
//! low-dimensional similarity `1 / (1 + a d^{2b})` with `a, b` fitted from `min_dist`.
//!
//! McInnes, Healy & Melville (2018), §3.2 and appendix C; schedule as umap-learn's
//! `optimize_layout_euclidean` (edges sampled in proportion to weight, learning rate decaying
//! linearly, gradients clipped to ±4). Runs sequentially, so a seed fixes the result.

use super::graph::Graph;

/// Least-squares fit of `1 / (1 + a x^{2b})` to `1` for `x < min_dist` and
/// `exp(−(x − min_dist) / spread)` beyond, on 300 points in `[0, 3·spread]` (Levenberg–Marquardt).
pub(crate) fn fit_ab(spread: f64, min_dist: f64) -> (f64, f64) {
    let xs: Vec<f64> = (0..300).map(|i| 3.0 * spread * i as f64 / 299.0).collect();
    let target = |x: f64| {
        if x < min_dist {
            1.0
        } else {
            (-(x - min_dist) / spread).exp()
        }
    };
    let residuals = |a: f64, b: f64| -> f64 {
        xs.iter()
            .map(|&x| (1.0 / (1.0 + a * x.powf(2.0 * b)) - target(x)).powi(2))
            .sum()
    };
    let (mut a, mut b, mut damping) = (1.0f64, 1.0f64, 1e-3f64);
    for _ in 0..200 {
        // normal equations of the Jacobian, with LM damping
        let (mut jtj, mut jtr) = ([[0.0f64; 2]; 2], [0.0f64; 2]);
        for &x in &xs {
            if x == 0.0 {
                continue;
            }
            let p = x.powf(2.0 * b);
            let f = 1.0 / (1.0 + a * p);
            let r = f - target(x);
            let (da, db) = (-p * f * f, -a * p * 2.0 * x.ln() * f * f);
            jtj[0][0] += da * da;
            jtj[0][1] += da * db;
            jtj[1][1] += db * db;
            jtr[0] += da * r;
            jtr[1] += db * r;
        }
        let (m00, m11) = (jtj[0][0] * (1.0 + damping), jtj[1][1] * (1.0 + damping));
        let det = m00 * m11 - jtj[0][1] * jtj[0][1];
        let step_a = (m11 * jtr[0] - jtj[0][1] * jtr[1]) / det;
        let step_b = (m00 * jtr[1] - jtj[0][1] * jtr[0]) / det;
        let (na, nb) = (a - step_a, b - step_b);
        if na > 0.0 && nb > 0.0 && residuals(na, nb) < residuals(a, b) {
            let converged = (na - a).abs() < 1e-12 && (nb - b).abs() < 1e-12;
            (a, b, damping) = (na, nb, damping * 0.3);
            if converged {
                break;
            }
        } else {
            damping *= 10.0;
        }
    }
    (a, b)
}

/// Settings of the SGD.
pub(crate) struct Sgd {
    pub epochs: usize,
    pub a: f64,
    pub b: f64,
    pub negative_sample_rate: f64,
    pub learning_rate: f64,
    pub repulsion: f64,
    pub seed: u64,
}

/// Optimises `y` in place.
#[allow(clippy::needless_range_loop)] // `y[i][d]` and `y[j][d]` move together
pub(crate) fn optimize(graph: &Graph, y: &mut [[f64; 2]], s: &Sgd) {
    let n = y.len();
    let max_w = graph.edges.iter().map(|e| e.2).fold(0f32, f32::max) as f64;
    // edges too weak to be sampled even once are dropped, as umap-learn does
    let edges: Vec<(usize, usize, f64)> = graph
        .edges
        .iter()
        .filter(|e| e.2 as f64 >= max_w / s.epochs as f64)
        .map(|e| (e.0 as usize, e.1 as usize, max_w / e.2 as f64))
        .collect();
    let mut next_sample: Vec<f64> = edges.iter().map(|e| e.2).collect();
    let mut next_negative: Vec<f64> = edges.iter().map(|e| e.2 / s.negative_sample_rate).collect();
    let mut rng = s.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let (a, b) = (s.a, s.b);
    for epoch in 0..s.epochs {
        let alpha = s.learning_rate * (1.0 - epoch as f64 / s.epochs as f64);
        let now = epoch as f64;
        for (e, &(i, j, every)) in edges.iter().enumerate() {
            if next_sample[e] > now {
                continue;
            }
            let d2 = dist2(y[i], y[j]);
            let coeff = if d2 > 0.0 {
                -2.0 * a * b * d2.powf(b - 1.0) / (a * d2.powf(b) + 1.0)
            } else {
                0.0
            };
            for d in 0..2 {
                let g = (coeff * (y[i][d] - y[j][d])).clamp(-4.0, 4.0) * alpha;
                y[i][d] += g;
                y[j][d] -= g;
            }
            next_sample[e] += every;
            let every_negative = every / s.negative_sample_rate;
            let negatives = ((now - next_negative[e]) / every_negative).floor().max(0.0) as usize;
            for _ in 0..negatives {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let k = (rng % n as u64) as usize;
                if k == i {
                    continue;
                }
                let d2 = dist2(y[i], y[k]);
                let coeff = if d2 > 0.0 {
                    2.0 * s.repulsion * b / ((0.001 + d2) * (a * d2.powf(b) + 1.0))
                } else {
                    0.0
                };
                for d in 0..2 {
                    let g = if coeff > 0.0 {
                        (coeff * (y[i][d] - y[k][d])).clamp(-4.0, 4.0)
                    } else {
                        4.0
                    };
                    y[i][d] += g * alpha;
                }
            }
            next_negative[e] += negatives as f64 * every_negative;
        }
    }
}

fn dist2(p: [f64; 2], q: [f64; 2]) -> f64 {
    (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ab_matches_umap_learn() {
        // umap.umap_.find_ab_params(1.0, 0.1) = (1.5769434603, 0.8950608779)
        let (a, b) = super::fit_ab(1.0, 0.1);
        assert!(
            (a - 1.5769).abs() < 2e-3 && (b - 0.8951).abs() < 1e-3,
            "{a} {b}"
        );
    }
}
