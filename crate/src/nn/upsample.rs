//! `upsample_bilinear`: resize a 2-D map, like `F.interpolate(mode="bilinear", align_corners=False)`.

use crate::{Error, Result};

/// Resizes a row-major `[h, w]` map to `[out_h, out_w]` by bilinear interpolation with
/// PyTorch's `align_corners=False` convention (pixel centres at `i + 0.5`, edges clamped).
///
/// Used to bring attribution maps (a 7×7 Grad-CAM, say) to the image size; no gradient.
///
/// # Errors
/// [`crate::ErrorKind::Shape`] if `map.len() != h·w` or a size is zero;
/// [`crate::ErrorKind::InvalidArgument`] for a size over [`crate::MAX_ELEMENTS`].
///
/// # Example
/// ```
/// let up = glassbox::nn::upsample_bilinear(&[0.0, 1.0], (1, 2), (1, 4))?;
/// assert_eq!(up, vec![0.0, 0.25, 0.75, 1.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn upsample_bilinear(
    map: &[f32],
    (h, w): (usize, usize),
    (out_h, out_w): (usize, usize),
) -> Result<Vec<f32>> {
    let len = crate::size_limit::checked_len("map size", &[h, w])?;
    let out_len = crate::size_limit::checked_len("output size", &[out_h, out_w])?;
    if h == 0 || w == 0 || out_h == 0 || out_w == 0 || map.len() != len {
        return Err(Error::shape(
            "upsample_bilinear map",
            format!("{h}×{w} = {len} values and non-zero sizes (output {out_h}×{out_w})"),
            &[map.len()],
        ));
    }
    let _ = out_len;
    Ok(crate::math::bilinear(map, h, w, out_h, out_w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_torch_interpolate_on_a_2x2() {
        // F.interpolate(tensor([[[[1., 2.], [3., 4.]]]]), size=(3, 3), mode="bilinear",
        //               align_corners=False)
        // = [[1.0000, 1.5000, 2.0000], [2.0000, 2.5000, 3.0000], [3.0000, 3.5000, 4.0000]]
        let up = upsample_bilinear(&[1.0, 2.0, 3.0, 4.0], (2, 2), (3, 3)).unwrap();
        let want = [1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 3.0, 3.5, 4.0];
        for (a, b) in up.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{up:?}");
        }
        assert!(upsample_bilinear(&[1.0; 3], (2, 2), (3, 3)).is_err());
        assert!(upsample_bilinear(&[1.0; 4], (2, 2), (0, 3)).is_err());
    }
}
