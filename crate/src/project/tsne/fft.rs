//! FFT-accelerated interpolation for the t-SNE repulsion (FIt-SNE): charges are spread onto a
//! regular grid by Lagrange interpolation (3 nodes per interval), convolved with the squared
//! Cauchy kernel `(1 + ‖Δ‖²)⁻²` by 2-D FFT, and read back at the points.
//!
//! Linderman et al. (2019), *Fast interpolation-based t-SNE*, Nature Methods 16, 243–245, §2.
//! With charges `1, y_x, y_y, ‖y‖²` the four potentials give both the forces and
//! `Z = Σ_i [(1 + ‖y_i‖²) φ0 − 2 y_i·(φ1, φ2) + φ3] − N`, since `w = w²(1 + ‖Δ‖²)`.

use std::sync::Arc;

use rayon::prelude::*;
use rustfft::{num_complex::Complex64, Fft, FftPlanner};

const NODES: usize = 3;
/// At least this many intervals per dimension (FIt-SNE's default).
pub(crate) const MIN_INTERVALS: usize = 50;

/// Plans kept between iterations.
/// Grid size with its forward and inverse FFT plans.
type Plans = (usize, Arc<dyn Fft<f64>>, Arc<dyn Fft<f64>>);

#[derive(Default)]
pub(crate) struct FftRepulsion {
    planner: Option<Plans>,
    /// Two charge grids and the kernel, reused between iterations.
    buffers: [Vec<Complex64>; 3],
}

impl FftRepulsion {
    /// Fills `forces` with the interpolated unnormalised repulsion and returns `Z`.
    pub(crate) fn repulsion(&mut self, y: &[[f64; 2]], forces: &mut [[f64; 2]]) -> f64 {
        let (mut lo, mut hi) = (f64::MAX, f64::MIN);
        for p in y {
            lo = lo.min(p[0].min(p[1]));
            hi = hi.max(p[0].max(p[1]));
        }
        let range = (hi - lo).max(1e-6);
        let boxes = smooth_size(MIN_INTERVALS.max(range.ceil() as usize));
        let box_width = range / boxes as f64;
        let spacing = box_width / NODES as f64;
        let m = boxes * NODES;
        let size = 2 * m;
        let (forward, inverse) = self.plans(size);
        // Lagrange weights and the first node of every point, per dimension
        let stencil: Vec<([usize; 2], [[f64; NODES]; 2])> = y
            .par_iter()
            .map(|p| {
                let mut first = [0; 2];
                let mut weights = [[0.0; NODES]; 2];
                for d in 0..2 {
                    let b = (((p[d] - lo) / box_width) as usize).min(boxes - 1);
                    let u = (p[d] - lo) / spacing - 0.5 - (b * NODES) as f64;
                    first[d] = b * NODES;
                    weights[d] = [
                        (u - 1.0) * (u - 2.0) / 2.0,
                        -u * (u - 2.0),
                        u * (u - 1.0) / 2.0,
                    ];
                }
                (first, weights)
            })
            .collect();
        // two complex grids carry the four real charges: (1, y_x) and (y_y, ‖y‖²)
        let [grid_a, grid_b, kernel] = &mut self.buffers;
        for b in [&mut *grid_a, &mut *grid_b, &mut *kernel] {
            b.clear();
            b.resize(size * size, Complex64::default());
        }
        let mut grids = [grid_a, grid_b];
        for (p, (first, w)) in y.iter().zip(&stencil) {
            let charges = [
                Complex64::new(1.0, p[0]),
                Complex64::new(p[1], p[0] * p[0] + p[1] * p[1]),
            ];
            for a in 0..NODES {
                for b in 0..NODES {
                    let at = (first[0] + a) * size + first[1] + b;
                    let wab = w[0][a] * w[1][b];
                    grids[0][at] += charges[0] * wab;
                    grids[1][at] += charges[1] * wab;
                }
            }
        }
        for a in 0..m {
            for b in 0..m {
                let (dx, dy) = (a as f64 * spacing, b as f64 * spacing);
                let k = 1.0 / (1.0 + dx * dx + dy * dy).powi(2);
                for (ia, ib) in [
                    (a, b),
                    ((size - a) % size, b),
                    (a, (size - b) % size),
                    ((size - a) % size, (size - b) % size),
                ] {
                    kernel[ia * size + ib] = Complex64::new(k, 0.0);
                }
            }
        }
        fft_2d(kernel, size, size, &forward);
        let scale = 1.0 / (size * size) as f64;
        for grid in grids.iter_mut() {
            // only the first m rows hold charges, and only the first m rows are read back
            fft_2d(grid, size, m, &forward);
            grid.par_iter_mut()
                .zip(&**kernel)
                .for_each(|(g, k)| *g *= k * scale);
            inverse_fft_2d(grid, size, m, &inverse);
        }
        let mut z_parts = vec![0f64; y.len()];
        forces
            .par_iter_mut()
            .zip(z_parts.par_iter_mut())
            .enumerate()
            .for_each(|(i, (f, z))| {
                let (first, w) = &stencil[i];
                let (mut phi_a, mut phi_b) = (Complex64::default(), Complex64::default());
                for a in 0..NODES {
                    for b in 0..NODES {
                        let at = (first[0] + a) * size + first[1] + b;
                        let wab = w[0][a] * w[1][b];
                        phi_a += grids[0][at] * wab;
                        phi_b += grids[1][at] * wab;
                    }
                }
                let (phi0, phi1, phi2, phi3) = (phi_a.re, phi_a.im, phi_b.re, phi_b.im);
                let p = y[i];
                *f = [p[0] * phi0 - phi1, p[1] * phi0 - phi2];
                *z = (1.0 + p[0] * p[0] + p[1] * p[1]) * phi0 - 2.0 * (p[0] * phi1 + p[1] * phi2)
                    + phi3;
            });
        z_parts.iter().sum::<f64>() - y.len() as f64
    }

    fn plans(&mut self, size: usize) -> (Arc<dyn Fft<f64>>, Arc<dyn Fft<f64>>) {
        match &self.planner {
            Some((s, f, i)) if *s == size => (f.clone(), i.clone()),
            _ => {
                let mut planner = FftPlanner::new();
                let (f, i) = (
                    planner.plan_fft_forward(size),
                    planner.plan_fft_inverse(size),
                );
                self.planner = Some((size, f.clone(), i.clone()));
                (f, i)
            }
        }
    }
}

/// The smallest `n' ≥ n` whose prime factors are 2, 3 and 5 (fast FFT sizes).
fn smooth_size(n: usize) -> usize {
    (n..)
        .find(|&c| {
            let mut r = c;
            for p in [2, 3, 5] {
                while r % p == 0 {
                    r /= p;
                }
            }
            r == 1
        })
        .unwrap_or(n)
}

/// In-place 2-D FFT of a row-major `size × size` grid whose rows from `nonzero` on are zero;
/// the result is left transposed (the kernel's is too, so products line up).
fn fft_2d(grid: &mut [Complex64], size: usize, nonzero: usize, fft: &Arc<dyn Fft<f64>>) {
    rows(&mut grid[..nonzero * size], size, fft);
    transpose(grid, size);
    rows(grid, size, fft);
}

/// Inverse of [`fft_2d`] (unscaled), exact in the first `needed` rows only.
fn inverse_fft_2d(grid: &mut [Complex64], size: usize, needed: usize, fft: &Arc<dyn Fft<f64>>) {
    rows(grid, size, fft);
    transpose(grid, size);
    rows(&mut grid[..needed * size], size, fft);
}

fn rows(grid: &mut [Complex64], size: usize, fft: &Arc<dyn Fft<f64>>) {
    grid.par_chunks_mut(size * 16).for_each(|chunk| {
        let mut scratch = vec![Complex64::default(); fft.get_inplace_scratch_len()];
        fft.process_with_scratch(chunk, &mut scratch);
    })
}

/// Blocked in-place transpose of a square grid.
fn transpose(grid: &mut [Complex64], size: usize) {
    const TILE: usize = 32;
    for bi in (0..size).step_by(TILE) {
        for bj in (bi..size).step_by(TILE) {
            for i in bi..(bi + TILE).min(size) {
                let start = if bi == bj { i + 1 } else { bj };
                for j in start..(bj + TILE).min(size) {
                    grid.swap(i * size + j, j * size + i);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_exact_repulsion() {
        let y: Vec<[f64; 2]> = (0..500)
            .map(|i| {
                [
                    ((i * 37) % 101) as f64 * 0.2 - 10.0,
                    ((i * 53) % 97) as f64 * 0.15,
                ]
            })
            .collect();
        let (mut exact, mut fft) = (vec![[0.0; 2]; 500], vec![[0.0; 2]; 500]);
        let z_exact = super::super::exact::repulsion(&y, &mut exact);
        let z = FftRepulsion::default().repulsion(&y, &mut fft);
        assert!((z - z_exact).abs() < 1e-3 * z_exact, "{z} vs {z_exact}");
        let err: f64 = exact
            .iter()
            .zip(&fft)
            .map(|(a, b)| (a[0] - b[0]).abs() + (a[1] - b[1]).abs())
            .sum();
        let norm: f64 = exact.iter().map(|a| a[0].abs() + a[1].abs()).sum();
        assert!(err < 1e-2 * norm, "relative error {}", err / norm);
        assert_eq!(smooth_size(51), 54);
    }
}
