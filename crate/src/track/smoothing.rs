//! TensorBoard's curve smoothing: a debiased exponential moving average.

use crate::{Error, Result};

/// Smooths a curve the way TensorBoard's scalar dashboard does.
///
/// An exponential moving average `last = w·last + (1 − w)·y`, started at 0 and divided by the
/// debiasing factor `1 − wⁿ` after `n` finite points (as in Adam's bias correction), so the
/// first points are not pulled towards zero. Non-finite points (NaN, ±∞) pass through unchanged
/// and do not disturb the average; a constant curve is returned unchanged.
///
/// # Errors
/// [`crate::ErrorKind::InvalidArgument`] when `weight` is outside `[0, 1)`.
///
/// # Example
/// ```
/// let s = glassbox::track::smooth(&[1.0, 0.0], 0.5)?;
/// // First point: 0.5·1 / (1 − 0.5) = 1; second: (0.25 + 0) / (1 − 0.25) = 1/3.
/// assert_eq!(s[0], 1.0);
/// assert!((s[1] - 1.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn smooth(values: &[f64], weight: f64) -> Result<Vec<f64>> {
    if !(0.0..1.0).contains(&weight) {
        return Err(Error::invalid(
            "weight",
            format!("{weight} is outside [0, 1); TensorBoard's default is 0.6"),
        ));
    }
    if values.iter().all(|&v| v == values[0]) {
        return Ok(values.to_vec());
    }
    let (mut last, mut count) = (0.0, 0);
    Ok(values
        .iter()
        .map(|&y| {
            if !y.is_finite() {
                return y;
            }
            last = last * weight + (1.0 - weight) * y;
            count += 1;
            last / (1.0 - weight.powi(count))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_hand_computed_debiased_ema() {
        let s = smooth(&[2.0, 4.0, f64::NAN, 8.0], 0.6).unwrap();
        // last1 = 0.8, /0.4 = 2; last2 = 0.48 + 1.6 = 2.08, /0.64 = 3.25;
        // NaN passes; last3 = 1.248 + 3.2 = 4.448, /(1 − 0.216) = 5.673469…
        assert!((s[0] - 2.0).abs() < 1e-12);
        assert!((s[1] - 3.25).abs() < 1e-12);
        assert!(s[2].is_nan());
        assert!((s[3] - 4.448 / 0.784).abs() < 1e-12);
    }

    #[test]
    fn zero_weight_is_identity_and_bad_weights_fail() {
        assert_eq!(smooth(&[3.0, 1.0, 2.0], 0.0).unwrap(), vec![3.0, 1.0, 2.0]);
        assert_eq!(smooth(&[5.0; 4], 0.9).unwrap(), vec![5.0; 4]);
        assert!(smooth(&[], 0.5).unwrap().is_empty());
        assert!(smooth(&[1.0], 1.0).is_err());
        assert!(smooth(&[1.0], -0.1).is_err());
        assert!(smooth(&[1.0], f64::NAN).is_err());
    }
}
