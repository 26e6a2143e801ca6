//! Exact t-SNE repulsion in O(N²): `F_i = Σ_j w_ij² (y_i − y_j)` and `Z = Σ_{i≠j} w_ij` with the
//! Student-t kernel `w_ij = 1 / (1 + ‖y_i − y_j‖²)` (van der Maaten & Hinton 2008, eq. 5).

use rayon::prelude::*;

/// Fills `forces` with the unnormalised repulsion of every point and returns `Z`.
pub(crate) fn repulsion(y: &[[f64; 2]], forces: &mut [[f64; 2]]) -> f64 {
    let mut z_parts = vec![0f64; y.len()];
    forces
        .par_iter_mut()
        .zip(z_parts.par_iter_mut())
        .enumerate()
        .for_each(|(i, (f, z))| {
            let (mut fx, mut fy, mut zi) = (0.0, 0.0, 0.0);
            for (j, q) in y.iter().enumerate() {
                if j == i {
                    continue;
                }
                let (dx, dy) = (y[i][0] - q[0], y[i][1] - q[1]);
                let w = 1.0 / (1.0 + dx * dx + dy * dy);
                zi += w;
                fx += w * w * dx;
                fy += w * w * dy;
            }
            *f = [fx, fy];
            *z = zi;
        });
    z_parts.iter().sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_points_by_hand() {
        // distance 1 → w = 1/2, Z = 2·(1/2), F_0 = w²·(−1, 0)
        let y = [[0.0, 0.0], [1.0, 0.0]];
        let mut f = [[0.0; 2]; 2];
        let z = super::repulsion(&y, &mut f);
        assert_eq!(z, 1.0);
        assert_eq!(f[0], [-0.25, 0.0]);
        assert_eq!(f[1], [0.25, 0.0]);
    }
}
