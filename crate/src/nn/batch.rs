//! Activations and logits to and from plain numbers, so a notebook needs no dfdx of its own:
//! build a batch from a `Vec<f32>`, take one row, read the values back.

use dfdx::prelude::*;

use crate::{Activation, Error, Logits, Result};

/// A batch of images, activations ([`Activation`], `[B, C, H, W]`) or logits ([`Logits`],
/// `[B, classes]`) as plain, row-major numbers.
///
/// # Example
/// ```
/// use glassbox::{Activation, Batch, Explain, Logits, MnistNet};
/// let x = Activation::from_values(vec![0.5; 2 * 28 * 28], [2, 1, 28, 28])?;
/// let net = MnistNet::pretrained()?;
/// let logits: Logits = net.forward(x.clone())?;
/// assert_eq!(logits.dims(), [2, 10]);
/// let second = x.row(1)?;                      // [1, 1, 28, 28]
/// assert_eq!(net.forward(second)?.values(), logits.row_values(1)?);
/// assert!(Activation::from_values(vec![0.0; 5], [1, 1, 2, 2]).is_err()); // 5 ≠ 4 values
/// # Ok::<(), glassbox::Error>(())
/// ```
pub trait Batch: Sized {
    /// The shape: `[B, C, H, W]` or `[B, classes]`.
    type Dims: Copy + AsRef<[usize]> + AsMut<[usize]>;

    /// A batch of shape `dims` from row-major `values`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when `values.len()` is not the product of `dims` or a size
    /// is 0; [`crate::ErrorKind::InvalidArgument`] for a size over [`crate::MAX_ELEMENTS`].
    fn from_values(values: Vec<f32>, dims: Self::Dims) -> Result<Self>;

    /// The shape.
    fn dims(&self) -> Self::Dims;

    /// Every value, row-major.
    fn values(&self) -> Vec<f32>;

    /// Row `i` as a batch of one (`[1, C, H, W]` or `[1, classes]`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `i` is not below the batch size.
    fn row(&self, i: usize) -> Result<Self> {
        let mut dims = self.dims();
        let values = self.row_values(i)?;
        dims.as_mut()[0] = 1;
        Self::from_values(values, dims)
    }

    /// The values of row `i`, row-major.
    ///
    /// # Errors
    /// As [`Batch::row`].
    fn row_values(&self, i: usize) -> Result<Vec<f32>> {
        let dims = self.dims();
        let (b, per_row) = (
            dims.as_ref()[0],
            dims.as_ref()[1..].iter().product::<usize>(),
        );
        if i >= b {
            return Err(Error::invalid(
                "row",
                format!("{i} is not a row of a batch of {b}; use 0..{b}"),
            ));
        }
        Ok(self.values()[i * per_row..(i + 1) * per_row].to_vec())
    }
}

/// Checks `values` fills `dims` exactly.
fn check(what: &'static str, values: &[f32], dims: &[usize]) -> Result<()> {
    let n = crate::size_limit::checked_len(what, dims)?;
    if n != values.len() || dims.contains(&0) {
        return Err(Error::shape(
            what,
            format!(
                "{} values for {dims:?} (every size ≥ 1), as many as the shape holds",
                n.max(1)
            ),
            &[values.len()],
        ));
    }
    Ok(())
}

impl Batch for Activation {
    type Dims = [usize; 4];

    fn from_values(values: Vec<f32>, dims: [usize; 4]) -> Result<Self> {
        check("activation values", &values, &dims)?;
        crate::nn::sync_tensor_ids();
        let [b, c, h, w] = dims;
        Ok(Cpu::default().tensor_from_vec(values, (b, c, h, w)))
    }

    fn dims(&self) -> [usize; 4] {
        let (b, c, h, w) = *self.shape();
        [b, c, h, w]
    }

    fn values(&self) -> Vec<f32> {
        self.as_vec()
    }
}

impl Batch for Logits {
    type Dims = [usize; 2];

    fn from_values(values: Vec<f32>, dims: [usize; 2]) -> Result<Self> {
        check("logits values", &values, &dims)?;
        crate::nn::sync_tensor_ids();
        Ok(Cpu::default().tensor_from_vec(values, (dims[0], dims[1])))
    }

    fn dims(&self) -> [usize; 2] {
        let (b, k) = *self.shape();
        [b, k]
    }

    fn values(&self) -> Vec<f32> {
        self.as_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_values_round_trip_and_bad_shapes_say_why() {
        let x = Activation::from_values((0..12).map(|v| v as f32).collect(), [3, 1, 2, 2]).unwrap();
        assert_eq!(x.dims(), [3, 1, 2, 2]);
        let r = x.row(2).unwrap();
        assert_eq!(
            (r.dims(), r.values()),
            ([1, 1, 2, 2], vec![8.0, 9.0, 10.0, 11.0])
        );
        let e = x.row(3).unwrap_err();
        assert!(e.to_string().contains("use 0..3"), "{e}");
        let l = Logits::from_values(vec![1.0, 2.0, 3.0, 4.0], [2, 2]).unwrap();
        assert_eq!(l.row_values(1).unwrap(), vec![3.0, 4.0]);
        assert_eq!(l.row(0).unwrap().dims(), [1, 2]);
        let e = Activation::from_values(vec![0.0; 3], [1, 1, 2, 2]).unwrap_err();
        assert!(e.to_string().contains("4 values for [1, 1, 2, 2]"), "{e}");
        assert!(Logits::from_values(vec![], [0, 3]).is_err());
        let e = Activation::from_values(vec![], [1 << 20, 1 << 20, 1, 1]).unwrap_err();
        assert!(e.to_string().contains("MAX_ELEMENTS"), "{e}");
    }
}
