//! t-SNE gradient descent: attraction from the sparse `P`, repulsion from the chosen method,
//! momentum with per-coordinate gains (Jacobs 1988), early exaggeration.
//!
//! Gradient in openTSNE's convention (without the paper's factor 4):
//! `∂KL/∂y_i = α Σ_j p_ij w_ij (y_i − y_j) − (1/Z) Σ_j w_ij² (y_i − y_j)`.

use std::time::Instant;

use rayon::prelude::*;

use super::{barnes_hut, exact, fft::FftRepulsion, Affinities, Method};

/// Settings of one optimisation run.
pub(crate) struct Schedule {
    pub iterations: usize,
    pub exaggeration_iterations: usize,
    pub exaggeration: f64,
    /// `None`: N / exaggeration of the phase (openTSNE's "auto").
    pub learning_rate: Option<f64>,
    pub method: Method,
    pub theta: f64,
    pub verbose: bool,
}

/// Runs the optimisation in place; returns `(iteration, KL)` every 50 iterations and at the end.
pub(crate) fn optimize(p: &Affinities, y: &mut [[f64; 2]], s: &Schedule) -> Vec<(usize, f64)> {
    let n = y.len();
    let mut update = vec![[0f64; 2]; n];
    let mut gains = vec![[1f64; 2]; n];
    let mut attract = vec![[0f64; 2]; n];
    let mut repulse = vec![[0f64; 2]; n];
    let mut fft = FftRepulsion::default();
    let neg_entropy = p.neg_entropy();
    let mut history = Vec::new();
    let start = Instant::now();
    for it in 0..s.iterations {
        let early = it < s.exaggeration_iterations;
        let (alpha, momentum) = if early {
            (s.exaggeration, 0.5)
        } else {
            (1.0, 0.8)
        };
        let lr = s.learning_rate.unwrap_or((n as f64 / alpha).max(50.0));
        let report = (it + 1) % 50 == 0 || it + 1 == s.iterations;
        let cross = attraction(p, y, &mut attract, report);
        let z = match s.method {
            Method::Exact => exact::repulsion(y, &mut repulse),
            Method::BarnesHut => barnes_hut::repulsion(y, s.theta, &mut repulse),
            Method::Fft => fft.repulsion(y, &mut repulse),
        };
        if report {
            // KL(P‖Q) = Σ p ln p − Σ p ln w + ln Z   (P sums to 1)
            let kl = neg_entropy - cross + z.ln();
            history.push((it + 1, kl));
            if s.verbose {
                eprintln!(
                    "t-SNE iteration {:>4}/{}: KL {kl:.4}{} ({:.1} s)",
                    it + 1,
                    s.iterations,
                    if early { ", exaggerated" } else { "" },
                    start.elapsed().as_secs_f64()
                );
            }
        }
        y.par_iter_mut()
            .zip(update.par_iter_mut().zip(gains.par_iter_mut()))
            .zip(attract.par_iter().zip(&repulse))
            .for_each(|((yi, (u, g)), (a, r))| {
                for d in 0..2 {
                    let grad = alpha * a[d] - r[d] / z;
                    g[d] = if (grad > 0.0) != (u[d] > 0.0) {
                        g[d] + 0.2
                    } else {
                        g[d] * 0.8 + 0.01
                    };
                    u[d] = momentum * u[d] - lr * g[d] * grad;
                    yi[d] += u[d];
                }
            });
        centre(y);
    }
    history
}

/// `Σ_j p_ij w_ij (y_i − y_j)` per point; returns `Σ p_ij ln w_ij` when `with_cross`.
fn attraction(p: &Affinities, y: &[[f64; 2]], out: &mut [[f64; 2]], with_cross: bool) -> f64 {
    let mut cross = vec![0f64; y.len()];
    out.par_iter_mut()
        .zip(cross.par_iter_mut())
        .enumerate()
        .for_each(|(i, (f, c))| {
            let (cols, vals) = p.row(i);
            let (mut fx, mut fy, mut ci) = (0.0, 0.0, 0.0);
            for (&j, &pij) in cols.iter().zip(vals) {
                let (dx, dy) = (y[i][0] - y[j as usize][0], y[i][1] - y[j as usize][1]);
                let w = 1.0 / (1.0 + dx * dx + dy * dy);
                fx += pij as f64 * w * dx;
                fy += pij as f64 * w * dy;
                if with_cross {
                    ci += pij as f64 * w.ln();
                }
            }
            *f = [fx, fy];
            *c = ci;
        });
    cross.iter().sum()
}

fn centre(y: &mut [[f64; 2]]) {
    let n = y.len() as f64;
    let mean = y
        .iter()
        .fold([0.0; 2], |m, p| [m[0] + p[0] / n, m[1] + p[1] / n]);
    for p in y.iter_mut() {
        p[0] -= mean[0];
        p[1] -= mean[1];
    }
}
