//! The element types the engine runs on, and the one matrix product every kernel uses.

use dfdx::shapes::Dtype;

mod sealed {
    use super::Strides;

    /// The matrix product for one element type; private, so `NnFloat` stays sealed.
    pub trait Sealed: Sized {
        /// See [`super::matmul_raw`].
        #[allow(clippy::too_many_arguments)]
        unsafe fn product(
            dims: (usize, usize, usize),
            dst: *mut Self,
            dst_strides: Strides,
            accumulate: bool,
            lhs: *const Self,
            lhs_strides: Strides,
            rhs: *const Self,
            rhs_strides: Strides,
        );

        /// Reusable buffers for copies that live only during one op (see `tape::Scratch`).
        fn scratch_pool() -> &'static std::sync::Mutex<Vec<Vec<Self>>>;
    }
}

/// A floating-point element type the conv/pool ops run on: `f32` for models, `f64` for
/// finite-difference gradient checks.
///
/// Sealed: the kernels' matrix products exist for these two only.
pub trait NnFloat:
    Dtype
    + std::ops::Neg<Output = Self>
    + rand_distr::uniform::SampleUniform
    + rand_distr::num_traits::Float
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

/// Implements [`NnFloat`] (and its sealed matrix product, faer's) for each listed float type.
macro_rules! nn_float {
    ($($t:ty => $pool:ident),*) => {$(
        impl NnFloat for $t {
            const NEG_INFINITY: Self = <$t>::NEG_INFINITY;
            const ZERO: Self = 0.0;
            fn of_f64(v: f64) -> Self {
                v as $t
            }
            fn as_f64(self) -> f64 {
                self as f64
            }
            fn is_nan_value(self) -> bool {
                self.is_nan()
            }
        }

        impl sealed::Sealed for $t {
            fn scratch_pool() -> &'static std::sync::Mutex<Vec<Vec<Self>>> {
                // One pool per process, not per evcxr cell (see `process_state`).
                &super::process_state::state().$pool
            }

            unsafe fn product(
                (m, k, n): (usize, usize, usize),
                dst: *mut Self,
                ds: Strides,
                accumulate: bool,
                lhs: *const Self,
                ls: Strides,
                rhs: *const Self,
                rs: Strides,
            ) {
                let s = |v: usize| v as isize;
                // SAFETY: the caller guarantees the three views are valid.
                unsafe {
                    faer::linalg::matmul::matmul(
                        faer::MatMut::from_raw_parts_mut(dst, m, n, s(ds.row), s(ds.col)),
                        if accumulate {
                            faer::Accum::Add
                        } else {
                            faer::Accum::Replace
                        },
                        faer::MatRef::from_raw_parts(lhs, m, k, s(ls.row), s(ls.col)),
                        faer::MatRef::from_raw_parts(rhs, k, n, s(rs.row), s(rs.col)),
                        1.0,
                        faer::Par::Seq,
                    )
                }
            }
        }
    )*};
}
nn_float!(f32 => pool_f32, f64 => pool_f64);

/// A strided view of a row-major or transposed matrix inside a slice.
#[derive(Clone, Copy, Debug)]
pub struct Strides {
    /// Distance between consecutive rows.
    pub row: usize,
    /// Distance between consecutive columns.
    pub col: usize,
}

impl Strides {
    /// A row-major matrix with `cols` columns.
    pub fn rows(cols: usize) -> Self {
        Self { row: cols, col: 1 }
    }
    /// The transpose of a row-major matrix with `cols` columns.
    pub fn transposed(cols: usize) -> Self {
        Self { row: 1, col: cols }
    }
    /// The offset of the last element of a `rows × cols` view.
    pub fn last(self, rows: usize, cols: usize) -> usize {
        (rows - 1) * self.row + (cols - 1) * self.col
    }
}

/// `dst[m×n] = (accumulate ? dst : 0) + lhs[m×k] · rhs[k×n]`, on the calling thread (the kernels
/// parallelise over tiles and images instead: under load that balances far better than
/// splitting one product across threads).
///
/// The product is faer's (already a glassbox dependency), not `gemm` 0.15's (which dfdx uses):
/// on stable Rust `gemm` 0.15 stops at AVX2, while faer dispatches to AVX-512 kernels at run time;
/// on this project's Xeon that measured 2–3× faster on conv-shaped products (single thread).
///
/// # Panics
/// If a view reaches past its slice (an internal invariant of the kernels).
#[allow(clippy::too_many_arguments)]
pub(crate) fn matmul<E: NnFloat>(
    dims: (usize, usize, usize),
    dst: &mut [E],
    dst_strides: Strides,
    accumulate: bool,
    lhs: &[E],
    lhs_strides: Strides,
    rhs: &[E],
    rhs_strides: Strides,
) {
    let (m, k, n) = dims;
    if m == 0 || n == 0 {
        return;
    }
    assert!(
        dst_strides.last(m, n) < dst.len(),
        "matmul: dst view out of bounds"
    );
    if k > 0 {
        assert!(
            lhs_strides.last(m, k) < lhs.len(),
            "matmul: lhs view out of bounds"
        );
        assert!(
            rhs_strides.last(k, n) < rhs.len(),
            "matmul: rhs view out of bounds"
        );
    }
    // SAFETY: the three views were checked to lie inside their slices; `dst` is borrowed
    // mutably and cannot alias `lhs` or `rhs`.
    unsafe {
        matmul_raw(
            dims,
            dst.as_mut_ptr(),
            dst_strides,
            accumulate,
            lhs,
            lhs_strides,
            rhs,
            rhs_strides,
        )
    }
}

/// [`matmul`] into a raw destination, for tiles of a matrix that several threads fill at once.
///
/// # Safety
/// The `m×n` view of `dst` must be valid for writes and written by no one else meanwhile; the
/// `lhs` and `rhs` views must lie inside their slices.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn matmul_raw<E: NnFloat>(
    (m, k, n): (usize, usize, usize),
    dst: *mut E,
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
                    // SAFETY: inside the caller's view.
                    unsafe { *dst.add(i * dst_strides.row + j * dst_strides.col) = E::ZERO };
                }
            }
        }
        return;
    }
    // SAFETY: guaranteed by the caller.
    unsafe {
        E::product(
            (m, k, n),
            dst,
            dst_strides,
            accumulate,
            lhs.as_ptr(),
            lhs_strides,
            rhs.as_ptr(),
            rhs_strides,
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
