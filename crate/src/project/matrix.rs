//! A small row-major `f32` matrix: the input of every projection.

use std::borrow::Cow;

use crate::{Error, Result};

/// A dense row-major matrix of `f32`: one row per point, one column per feature.
///
/// Every projection ([`Pca`](crate::Pca), [`Tsne`](crate::Tsne), [`Umap`](crate::Umap)) takes
/// its data through [`AsMatrix`], which `Matrix`, `Vec<Vec<f32>>` and [`Projection`](crate::Projection)
/// implement.
///
/// # Example
/// ```
/// use glassbox::Matrix;
/// let m = Matrix::new(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?;
/// assert_eq!(m.row(1), &[4.0, 5.0, 6.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Matrix {
    /// Wraps `data` (row-major, `rows × cols` values).
    ///
    /// # Errors
    /// [`ErrorKind::Shape`](crate::ErrorKind::Shape) when `data.len() != rows * cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<f32>) -> Result<Self> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(Error::shape(
                "data",
                format!("{rows} × {cols} = {} values", rows * cols),
                &[data.len()],
            ));
        }
        Ok(Self { rows, cols, data })
    }

    /// Stacks equally long rows.
    ///
    /// # Errors
    /// [`ErrorKind::Shape`](crate::ErrorKind::Shape) when the rows differ in length.
    pub fn from_rows<R: AsRef<[f32]>>(rows: &[R]) -> Result<Self> {
        let cols = rows.first().map_or(0, |r| r.as_ref().len());
        let mut data = Vec::with_capacity(rows.len() * cols);
        for (i, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            if r.len() != cols {
                return Err(Error::shape(
                    format!("row {i}"),
                    format!("{cols} values like row 0"),
                    &[r.len()],
                ));
            }
            data.extend_from_slice(r);
        }
        Ok(Self {
            rows: rows.len(),
            cols,
            data,
        })
    }

    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// Number of rows (points).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (features).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `i`.
    ///
    /// # Panics
    /// When `i >= rows`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// The values, row-major.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// The values, row-major, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Gives the values back, row-major.
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }

    /// Checks that there are at least `min_rows` rows, at least one column and no NaN/∞.
    pub(crate) fn validate(&self, min_rows: usize) -> Result<()> {
        if self.rows < min_rows {
            return Err(Error::shape(
                "data",
                format!("at least {min_rows} rows (points)"),
                &[self.rows, self.cols],
            ));
        }
        if self.cols == 0 {
            return Err(Error::shape(
                "data",
                "at least one column (feature)",
                &[self.rows, 0],
            ));
        }
        if let Some(pos) = self.data.iter().position(|v| !v.is_finite()) {
            return Err(Error::non_finite(format!(
                "row {} (column {}) of the data",
                pos / self.cols,
                pos % self.cols
            )));
        }
        Ok(())
    }
}

/// Anything that can be read as a row-major `f32` matrix (one row per point).
pub trait AsMatrix {
    /// The rows as a [`Matrix`], borrowed when possible.
    ///
    /// # Errors
    /// [`ErrorKind::Shape`](crate::ErrorKind::Shape) when rows differ in length.
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>>;
}

impl AsMatrix for Matrix {
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>> {
        Ok(Cow::Borrowed(self))
    }
}

impl AsMatrix for [Vec<f32>] {
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>> {
        Matrix::from_rows(self).map(Cow::Owned)
    }
}

impl AsMatrix for Vec<Vec<f32>> {
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>> {
        self.as_slice().as_matrix()
    }
}

impl<const D: usize> AsMatrix for [[f32; D]] {
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>> {
        Matrix::from_rows(self).map(Cow::Owned)
    }
}

/// One row per image of a `[B, C, H, W]` batch (`C·H·W` values in `[C, H, W]` order).
impl<T> AsMatrix for crate::Activation<T> {
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>> {
        let (b, c, h, w) = *dfdx::prelude::HasShape::shape(self);
        Matrix::new(b, c * h * w, self.as_vec()).map(Cow::Owned)
    }
}

impl<const D: usize> AsMatrix for Vec<[f32; D]> {
    fn as_matrix(&self) -> Result<Cow<'_, Matrix>> {
        self.as_slice().as_matrix()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_mismatch_is_an_error() {
        assert!(Matrix::new(2, 2, vec![0.0; 3]).is_err());
        assert!(Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0]]).is_err());
    }

    #[test]
    fn validate_names_the_bad_row() {
        let m = Matrix::new(3, 2, vec![0.0, 1.0, 2.0, 3.0, f32::NAN, 5.0]).unwrap();
        let msg = m.validate(2).unwrap_err().to_string();
        assert!(msg.contains("row 2"), "{msg}");
        assert!(m.validate(4).is_err());
        let rows = vec![[1.0f32, 2.0], [3.0, 4.0]];
        assert_eq!(rows.as_matrix().unwrap().row(1), &[3.0, 4.0]);
    }
}
