//! Attribution scaling, Captum's way: choose a sign, then divide by a robust maximum.
//!
//! This is the pure, reusable core behind [`crate::HeatMap`]: [`normalize_attribution`] turns raw
//! attribution values into colormap positions without drawing anything.

use crate::{Error, Result};

/// Which part of a signed attribution map to show (Captum's `sign` argument).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Sign {
    /// |a|: how much each pixel matters, whatever the direction (Captum's default).
    #[default]
    Absolute,
    /// max(a, 0): evidence *for* the target.
    Positive,
    /// max(−a, 0): evidence *against* the target (shown as a magnitude).
    Negative,
    /// a itself, on a diverging scale centred on 0 (normalised to [−1, 1]).
    All,
}

/// How raw values are divided before the colormap lookup.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scaling {
    /// Captum's outlier-robust rule: divide by the value at which the cumulative sum of the sorted
    /// magnitudes reaches `100 − p` % of their total, then clip. `Outlier(2.0)` is Captum's
    /// default (`outlier_perc = 2`): a few extreme pixels cannot wash out the rest.
    Outlier(f32),
    /// Min-max, as Grad-CAM libraries do: `(v − min) / (max − min)` of the signed-selected
    /// values; for [`Sign::All`] divide by `max |a|` so 0 stays at the centre.
    MinMax,
}

impl Default for Scaling {
    fn default() -> Self {
        Scaling::Outlier(2.0)
    }
}

/// The result of [`normalize_attribution`].
#[derive(Clone, Debug, PartialEq)]
pub struct Normalized {
    /// One value per input value: in [0, 1], or in [−1, 1] for [`Sign::All`]. Never NaN.
    pub values: Vec<f32>,
    /// The raw values mapped to the low and high ends of the scale (for a colorbar in raw units);
    /// for [`Sign::Negative`] these are magnitudes of the negative part.
    pub range: (f32, f32),
    /// True when the selected values are all equal (e.g. an all-zero map, or `Positive` of a
    /// map with no positive value): nothing can be shown, every value is 0.
    pub degenerate: bool,
}

/// Normalises raw attribution values for display, following Captum's `_normalize_attr`.
///
/// 1. Select by `sign`: |a|, max(a, 0), max(−a, 0) or a.
/// 2. Find the scale: the outlier threshold or the max (see [`Scaling`]).
/// 3. Divide and clip to [0, 1] ([−1, 1] for [`Sign::All`]).
///
/// Values are kept in f32 throughout (sums in f64); no rounding to bytes happens here.
///
/// # Example
/// ```
/// use glassbox::{normalize_attribution, Scaling, Sign};
/// // 99 values of 1 and one of 1.5: the 98 % mass is reached at a 1, so 1.5 is clipped.
/// let mut a = vec![1.0_f32; 99];
/// a.push(1.5);
/// let n = normalize_attribution(&a, Sign::Absolute, Scaling::Outlier(2.0))?;
/// assert_eq!(n.range, (0.0, 1.0));
/// assert_eq!(n.values[99], 1.0);
/// assert!(!n.degenerate);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::NonFinite`] when a value is NaN or infinite;
/// [`crate::ErrorKind::InvalidArgument`] for an empty input or an outlier percentage outside
/// [0, 100).
pub fn normalize_attribution(values: &[f32], sign: Sign, scaling: Scaling) -> Result<Normalized> {
    if values.is_empty() {
        return Err(Error::invalid("values", "the attribution map is empty"));
    }
    if values.iter().any(|v| !v.is_finite()) {
        return Err(Error::non_finite("the attribution map"));
    }
    let selected: Vec<f32> = values
        .iter()
        .map(|&a| match sign {
            Sign::Absolute => a.abs(),
            Sign::Positive => a.max(0.0),
            Sign::Negative => (-a).max(0.0),
            Sign::All => a,
        })
        .collect();
    let magnitudes = || selected.iter().map(|v| v.abs());
    let (low, high) = match scaling {
        Scaling::Outlier(p) => {
            if !(0.0..100.0).contains(&p) {
                return Err(Error::invalid(
                    "scaling",
                    format!("outlier percentage {p} must be in [0, 100); Captum uses 2"),
                ));
            }
            (
                0.0,
                cumulative_sum_threshold(magnitudes().collect(), 100.0 - p),
            )
        }
        Scaling::MinMax if sign == Sign::All => (0.0, magnitudes().fold(0.0, f32::max)),
        Scaling::MinMax => crate::math::min_max(selected.iter().copied()),
    };
    let span = high - low;
    let degenerate = span <= 0.0 || !span.is_finite();
    let lowest = if sign == Sign::All { -1.0 } else { 0.0 };
    let values = if degenerate {
        vec![0.0; selected.len()]
    } else {
        selected
            .iter()
            .map(|&v| ((v - low) / span).clamp(lowest, 1.0))
            .collect()
    };
    let range = if sign == Sign::All {
        (-high, high)
    } else {
        (low, high)
    };
    Ok(Normalized {
        values,
        range,
        degenerate,
    })
}

/// The value at which the cumulative sum of the ascending-sorted `values` first reaches
/// `percentile` % of their total (Captum's `_cumulative_sum_threshold`). 0 for an all-zero input.
pub fn cumulative_sum_threshold(mut values: Vec<f32>, percentile: f32) -> f32 {
    values.sort_by(f32::total_cmp);
    let total: f64 = values.iter().map(|&v| v as f64).sum();
    let target = total * 0.01 * percentile as f64;
    let mut sum = 0.0f64;
    for &v in &values {
        sum += v as f64;
        if sum >= target {
            return v;
        }
    }
    values.last().copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ones_and_outlier() -> Vec<f32> {
        let mut a = vec![1.0_f32; 99];
        a.push(1.5);
        a
    }

    #[test]
    fn outlier_rule_by_hand() {
        // Sorted: 99 × 1.0 then 1.5; total 100.5; 98 % = 98.49. The cumulative sum is 98 after
        // 98 ones (< 98.49) and 99 after 99 ones (≥ 98.49), so the threshold is 1.0.
        assert_eq!(cumulative_sum_threshold(ones_and_outlier(), 98.0), 1.0);
        // At 99.6 % (100.098) the 1.5 is needed.
        assert_eq!(cumulative_sum_threshold(ones_and_outlier(), 99.6), 1.5);
        let n = normalize_attribution(&ones_and_outlier(), Sign::Absolute, Scaling::Outlier(2.0))
            .unwrap();
        assert_eq!(n.values[0], 1.0);
        assert_eq!(n.values[99], 1.0, "the outlier is clipped");
        // MinMax keeps the outlier as the top of the scale instead.
        let n =
            normalize_attribution(&[0.0, 1.0, 2.0, 4.0], Sign::Absolute, Scaling::MinMax).unwrap();
        assert_eq!(n.values, vec![0.0, 0.25, 0.5, 1.0]);
    }

    #[test]
    fn signs_select_like_captum() {
        let a = [-2.0_f32, -1.0, 0.0, 1.0, 4.0];
        let n = normalize_attribution(&a, Sign::All, Scaling::MinMax).unwrap();
        assert_eq!(n.values, vec![-0.5, -0.25, 0.0, 0.25, 1.0]);
        assert_eq!(n.range, (-4.0, 4.0));
        let n = normalize_attribution(&a, Sign::Positive, Scaling::MinMax).unwrap();
        assert_eq!(n.values, vec![0.0, 0.0, 0.0, 0.25, 1.0]);
        let n = normalize_attribution(&a, Sign::Negative, Scaling::MinMax).unwrap();
        assert_eq!(n.values, vec![1.0, 0.5, 0.0, 0.0, 0.0]);
        // Outlier(0) = divide by the max magnitude.
        let n = normalize_attribution(&a, Sign::All, Scaling::Outlier(0.0)).unwrap();
        assert_eq!(n.values, vec![-0.5, -0.25, 0.0, 0.25, 1.0]);
    }

    #[test]
    fn all_zero_maps_are_flagged_not_nan() {
        for sign in [Sign::Absolute, Sign::Positive, Sign::Negative, Sign::All] {
            for scaling in [Scaling::MinMax, Scaling::Outlier(2.0)] {
                let n = normalize_attribution(&[0.0; 6], sign, scaling).unwrap();
                assert!(n.degenerate);
                assert_eq!(n.values, vec![0.0; 6]);
            }
        }
        // Positive part of an all-negative map is empty too.
        let n =
            normalize_attribution(&[-1.0, -2.0], Sign::Positive, Scaling::Outlier(2.0)).unwrap();
        assert!(n.degenerate);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(normalize_attribution(&[], Sign::All, Scaling::MinMax).is_err());
        let e = normalize_attribution(&[1.0, f32::NAN], Sign::All, Scaling::MinMax).unwrap_err();
        assert!(e.to_string().contains("NaN"), "{e}");
        assert!(normalize_attribution(&[1.0], Sign::All, Scaling::Outlier(100.0)).is_err());
        assert!(normalize_attribution(&[1.0], Sign::All, Scaling::Outlier(-1.0)).is_err());
    }
}
