//! The element types the engine runs on, and the one matrix product every kernel uses.

use dfdx::shapes::Dtype;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type the conv/pool ops run on: `f32` for models, `f64` for
/// finite-difference gradient checks.
///
/// Sealed: the kernels call `gemm`, which only has fast paths for these two.
pub trait NnFloat:
    Dtype
    + std::ops::Neg<Output = Self>
    + rand_distr::uniform::SampleUniform
    + sealed::Sealed
    + std::iter::Sum
{
    /// Negative infinity (the value of max-pool padding).
    const NEG_INFINITY: Self;
    /// Zero.
    const ZERO: Self;
    /// Converts from `f64`, rounding to the nearest representable value.
    fn of_f64(v: f64) -> Self;
    /// Converts to `f64` exactly.
    fn as_f64(self) -> f64;
    /// Whether the value is NaN.
    fn is_nan_value(self) -> bool;
}

impl NnFloat for f32 {
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    const ZERO: Self = 0.0;
    fn of_f64(v: f64) -> Self {
        v as f32
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
    fn is_nan_value(self) -> bool {
        self.is_nan()
    }
}

impl NnFloat for f64 {
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    const ZERO: Self = 0.0;
    fn of_f64(v: f64) -> Self {
        v
    }
    fn as_f64(self) -> f64 {
        self
    }
    fn is_nan_value(self) -> bool {
        self.is_nan()
    }
}

/// A strided view of a row-major or transposed matrix inside a slice.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Strides {
    /// Distance between consecutive rows.
    pub row: usize,
    /// Distance between consecutive columns.
    pub col: usize,
}

impl Strides {
    /// A row-major matrix with `cols` columns.
    pub(crate) fn rows(cols: usize) -> Self {
        Self { row: cols, col: 1 }
    }
    /// The transpose of a row-major matrix with `cols` columns.
    pub(crate) fn transposed(cols: usize) -> Self {
        Self { row: 1, col: cols }
    }
    fn last(self, rows: usize, cols: usize) -> usize {
        (rows - 1) * self.row + (cols - 1) * self.col
    }
}

/// `dst[m×n] = (accumulate ? dst : 0) + lhs[m×k] · rhs[k×n]` with `gemm` (the crate dfdx uses),
/// multi-threaded through rayon when the product is large.
///
/// # Panics
/// If a view reaches past its slice (an internal invariant of the kernels).
#[allow(clippy::too_many_arguments)]
pub(crate) fn matmul<E: NnFloat>(
    (m, k, n): (usize, usize, usize),
    dst: &mut [E],
    dst_strides: Strides,
    accumulate: bool,
    lhs: &[E],
    lhs_strides: Strides,
    rhs: &[E],
    rhs_strides: Strides,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for i in 0..m {
                for j in 0..n {
                    dst[i * dst_strides.row + j * dst_strides.col] = E::ZERO;
                }
            }
        }
        return;
    }
    assert!(
        dst_strides.last(m, n) < dst.len(),
        "matmul: dst view out of bounds"
    );
    assert!(
        lhs_strides.last(m, k) < lhs.len(),
        "matmul: lhs view out of bounds"
    );
    assert!(
        rhs_strides.last(k, n) < rhs.len(),
        "matmul: rhs view out of bounds"
    );
    let parallelism = if m * n * k >= 1 << 18 {
        gemm::Parallelism::Rayon(rayon::current_num_threads())
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: the three views were checked to lie inside their slices above; `dst` is borrowed
    // mutably and cannot alias `lhs` or `rhs`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            dst_strides.col as isize,
            dst_strides.row as isize,
            accumulate,
            lhs.as_ptr(),
            lhs_strides.col as isize,
            lhs_strides.row as isize,
            rhs.as_ptr(),
            rhs_strides.col as isize,
            rhs_strides.row as isize,
            if accumulate { E::ONE } else { E::ZERO },
            E::ONE,
            false,
            false,
            false,
            parallelism,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matmul_matches_hand_product_with_transposes_and_accumulation() {
        // [[1, 2, 3], [4, 5, 6]] · [[1, 0], [0, 1], [1, 1]] = [[4, 5], [10, 11]]
        let a = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [1.0f64, 0.0, 0.0, 1.0, 1.0, 1.0];
        let mut c = [0.0f64; 4];
        matmul(
            (2, 3, 2),
            &mut c,
            Strides::rows(2),
            false,
            &a,
            Strides::rows(3),
            &b,
            Strides::rows(2),
        );
        assert_eq!(c, [4.0, 5.0, 10.0, 11.0]);
        // aᵀ stored transposed: reading `a` as the transpose of a 3×2 row-major matrix.
        let mut d = [1.0f32; 4];
        let a32: Vec<f32> = a.iter().map(|&v| v as f32).collect();
        let b32: Vec<f32> = b.iter().map(|&v| v as f32).collect();
        matmul(
            (2, 3, 2),
            &mut d,
            Strides::rows(2),
            true,
            &a32,
            Strides::rows(3),
            &b32,
            Strides::rows(2),
        );
        assert_eq!(d, [5.0, 6.0, 11.0, 12.0]);
        // (aᵀ)ᵀ: view `a` (2×3 row-major) as the 3×2 transpose, times a 2×1 vector.
        let mut e = [0.0f64; 3];
        matmul(
            (3, 2, 1),
            &mut e,
            Strides::rows(1),
            false,
            &a,
            Strides::transposed(3),
            &[1.0, 1.0],
            Strides::rows(1),
        );
        assert_eq!(e, [5.0, 7.0, 9.0]);
    }
}
