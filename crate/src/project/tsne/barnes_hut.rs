//! Barnes–Hut t-SNE repulsion in O(N log N): a quadtree whose cells far enough from a point
//! (`cell width < θ · distance`) act as one body at their centre of mass.
//!
//! van der Maaten (2014), *Accelerating t-SNE using tree-based algorithms*, JMLR 15, §4.2.

use rayon::prelude::*;

const NONE: u32 = u32::MAX;
const MAX_DEPTH: usize = 48;

struct Cell {
    centre_of_mass: [f64; 2],
    count: f64,
    width: f64,
    children: [u32; 4],
    /// Range of `order` held by a leaf (empty for inner cells).
    points: (u32, u32),
}

struct QuadTree {
    cells: Vec<Cell>,
    order: Vec<u32>,
}

impl QuadTree {
    fn new(y: &[[f64; 2]]) -> Self {
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in y {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        let width = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-12) * (1.0 + 1e-9);
        let mut tree = Self {
            cells: Vec::with_capacity(2 * y.len()),
            order: (0..y.len() as u32).collect(),
        };
        let mut order = std::mem::take(&mut tree.order);
        tree.build(y, &mut order, 0, lo, width, 0);
        tree.order = order;
        tree
    }

    /// Builds the cell for `idx` (a slice of `order` starting at `start`) over the square at `lo`.
    fn build(
        &mut self,
        y: &[[f64; 2]],
        idx: &mut [u32],
        start: usize,
        lo: [f64; 2],
        width: f64,
        depth: usize,
    ) -> u32 {
        let id = self.cells.len() as u32;
        let mut com = [0.0; 2];
        for &i in idx.iter() {
            com[0] += y[i as usize][0];
            com[1] += y[i as usize][1];
        }
        let count = idx.len() as f64;
        self.cells.push(Cell {
            centre_of_mass: [com[0] / count, com[1] / count],
            count,
            width,
            children: [NONE; 4],
            points: (start as u32, (start + idx.len()) as u32),
        });
        if idx.len() == 1 || depth == MAX_DEPTH {
            return id;
        }
        let half = width / 2.0;
        let quadrant = |i: u32| {
            let p = y[i as usize];
            (p[0] >= lo[0] + half) as usize + 2 * (p[1] >= lo[1] + half) as usize
        };
        idx.sort_unstable_by_key(|&i| (quadrant(i), i));
        let mut begin = 0;
        for q in 0..4 {
            let end = begin
                + idx[begin..]
                    .iter()
                    .take_while(|&&i| quadrant(i) == q)
                    .count();
            if end > begin {
                let child_lo = [
                    lo[0] + half * (q & 1) as f64,
                    lo[1] + half * (q >> 1) as f64,
                ];
                let child = self.build(
                    y,
                    &mut idx[begin..end],
                    start + begin,
                    child_lo,
                    half,
                    depth + 1,
                );
                self.cells[id as usize].children[q] = child;
            }
            begin = end;
        }
        self.cells[id as usize].points = (0, 0);
        id
    }

    /// Repulsion on point `i` at `p`: returns `(F_x, F_y, Z_i)`.
    fn force(&self, y: &[[f64; 2]], i: usize, p: [f64; 2], theta2: f64) -> (f64, f64, f64) {
        let (mut fx, mut fy, mut z) = (0.0, 0.0, 0.0);
        let mut stack = vec![0u32];
        while let Some(c) = stack.pop() {
            let cell = &self.cells[c as usize];
            let (start, end) = cell.points;
            if end > start {
                for &j in &self.order[start as usize..end as usize] {
                    if j as usize != i {
                        let (dx, dy) = (p[0] - y[j as usize][0], p[1] - y[j as usize][1]);
                        let w = 1.0 / (1.0 + dx * dx + dy * dy);
                        z += w;
                        fx += w * w * dx;
                        fy += w * w * dy;
                    }
                }
                continue;
            }
            let (dx, dy) = (p[0] - cell.centre_of_mass[0], p[1] - cell.centre_of_mass[1]);
            let d2 = dx * dx + dy * dy;
            if cell.width * cell.width < theta2 * d2 {
                let w = 1.0 / (1.0 + d2);
                z += cell.count * w;
                fx += cell.count * w * w * dx;
                fy += cell.count * w * w * dy;
            } else {
                stack.extend(cell.children.iter().filter(|&&ch| ch != NONE));
            }
        }
        (fx, fy, z)
    }
}

/// Fills `forces` with the approximate unnormalised repulsion and returns the approximate `Z`.
pub(crate) fn repulsion(y: &[[f64; 2]], theta: f64, forces: &mut [[f64; 2]]) -> f64 {
    let tree = QuadTree::new(y);
    let mut z_parts = vec![0f64; y.len()];
    forces
        .par_iter_mut()
        .zip(z_parts.par_iter_mut())
        .enumerate()
        .for_each(|(i, (f, z))| {
            let (fx, fy, zi) = tree.force(y, i, y[i], theta * theta);
            *f = [fx, fy];
            *z = zi;
        });
    z_parts.iter().sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_exact_and_is_exact_at_theta_zero() {
        let y: Vec<[f64; 2]> = (0..400)
            .map(|i| [((i * 37) % 101) as f64 * 0.3, ((i * 53) % 97) as f64 * 0.2])
            .collect();
        let (mut exact, mut bh) = (vec![[0.0; 2]; 400], vec![[0.0; 2]; 400]);
        let z_exact = super::super::exact::repulsion(&y, &mut exact);
        let z0 = super::repulsion(&y, 0.0, &mut bh);
        assert!((z0 - z_exact).abs() < 1e-9 * z_exact);
        let z = super::repulsion(&y, 0.5, &mut bh);
        assert!((z - z_exact).abs() < 1e-2 * z_exact, "{z} vs {z_exact}");
        let err: f64 = exact
            .iter()
            .zip(&bh)
            .map(|(a, b)| (a[0] - b[0]).abs() + (a[1] - b[1]).abs())
            .sum();
        let norm: f64 = exact.iter().map(|a| a[0].abs() + a[1].abs()).sum();
        assert!(err < 0.05 * norm, "relative error {}", err / norm);
    }
}
