//! The window gather every portable op starts with.

use dfdx::prelude::{Axis, Device, HasShape, Tape, Tensor};
use dfdx::tensor_ops::{GatherTo, TryConcatAlong};

use crate::nn::float::NnFloat;
use crate::Result;

/// A `[rows, columns]` matrix on device `D`.
pub(super) type Rows<E, D, T> = Tensor<(usize, usize), E, D, T>;

/// `table.len()` rows picked from `x` (`[R, N]`): output row `i` is `x[table[i]]`, or a row of
/// `pad` where `table[i] == R` (a pixel outside the image).
///
/// Differentiable in `x`: dfdx's gather backward adds each output row's gradient into its source
/// row, which for overlapping windows is exactly col2im.
pub(super) fn gather_rows<E, D, T>(
    x: Rows<E, D, T>,
    pad: E,
    table: Vec<usize>,
) -> Result<Rows<E, D, T>>
where
    E: NnFloat,
    D: Device<E>,
    T: Tape<E, D>,
{
    let dev = x.device().clone();
    let (_, n) = *x.shape();
    let pad_row = dev
        .try_tensor_from_vec(vec![pad; n], (1usize, n))
        .map_err(crate::Error::device)?;
    let padded: Rows<E, D, T> = (x, pad_row)
        .try_concat_along(Axis::<0>)
        .map_err(crate::Error::device)?;
    let len = table.len();
    let idx = dev
        .try_tensor_from_vec(table, (len,))
        .map_err(crate::Error::device)?;
    padded.try_gather(idx).map_err(crate::Error::device)
}
