//! [`Standardizer`]: per-feature mean and standard deviation, fitted on training data.

use super::Tabular;
use crate::{Error, Result};

/// Maps each feature to `(x − mean) / std` with statistics from the training table.
///
/// Models train on standardised features so that income in dollars and a ratio in `[0, 1]`
/// get comparable gradients; a standardised value of 0 is the training mean, which is also the
/// natural baseline for Integrated Gradients and occlusion.
///
/// # Example
/// ```
/// use glassbox::{data::tabular::Standardizer, data::tabular::Tabular};
/// let t = Tabular::new(vec!["x".into()], vec![1.0, 3.0], vec![0, 1], vec!["a".into(), "b".into()])?;
/// let s = Standardizer::fit(&t)?;
/// assert_eq!(s.transform(&t)?, vec![-1.0, 1.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    /// Per-feature mean.
    pub mean: Vec<f32>,
    /// Per-feature population standard deviation (never zero).
    pub std: Vec<f32>,
    /// The feature names it was fitted on, to check later tables.
    pub feature_names: Vec<String>,
}

impl Standardizer {
    /// Fits means and standard deviations (computed in f64).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when a feature is constant (its standard deviation
    /// is zero): the message names the features and suggests [`Tabular::drop_features`].
    pub fn fit(data: &Tabular) -> Result<Self> {
        let constant = data.constant_features();
        if !constant.is_empty() {
            let names: Vec<String> = constant
                .iter()
                .map(|&j| format!("\"{}\"", data.feature_names()[j]))
                .collect();
            return Err(Error::invalid(
                "data",
                format!("constant feature(s) {} carry no information and cannot be standardised; remove them with `data.drop_features(&[{}])`", names.join(", "), names.join(", ")),
            ));
        }
        let n = data.len() as f64;
        let (mut mean, mut std) = (Vec::new(), Vec::new());
        for j in 0..data.num_features() {
            let col = data.column(j);
            let m = col.iter().map(|&v| v as f64).sum::<f64>() / n;
            let var = col.iter().map(|&v| (v as f64 - m).powi(2)).sum::<f64>() / n;
            mean.push(m as f32);
            std.push((var.sqrt() as f32).max(f32::MIN_POSITIVE));
        }
        Ok(Self {
            mean,
            std,
            feature_names: data.feature_names().to_vec(),
        })
    }

    /// The standardised values of `data`, row-major.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `data` has other features than the fit.
    pub fn transform(&self, data: &Tabular) -> Result<Vec<f32>> {
        if data.feature_names() != self.feature_names.as_slice() {
            return Err(Error::invalid(
                "data",
                format!(
                    "features [{}] differ from the ones fitted on [{}]",
                    data.feature_names().join(", "),
                    self.feature_names.join(", ")
                ),
            ));
        }
        let f = self.mean.len();
        Ok(data
            .rows()
            .iter()
            .enumerate()
            .map(|(k, &v)| (v - self.mean[k % f]) / self.std[k % f])
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_features_are_named_in_the_error() {
        let t = Tabular::new(
            vec!["x".into(), "flag".into()],
            vec![1.0, 7.0, 2.0, 7.0],
            vec![0, 1],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        let e = Standardizer::fit(&t).unwrap_err();
        assert!(
            e.to_string().contains("constant feature(s) \"flag\""),
            "{e}"
        );
        assert!(e.to_string().contains("drop_features"), "{e}");
    }

    #[test]
    fn standardised_columns_have_mean_zero_and_unit_variance() {
        let t = Tabular::new(
            vec!["x".into()],
            vec![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0],
            vec![0; 8],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        let s = Standardizer::fit(&t).unwrap();
        assert_eq!((s.mean[0], s.std[0]), (5.0, 2.0));
        let z = s.transform(&t).unwrap();
        assert_eq!(z[0], -1.5);
        let other = t
            .with_column(0, &[0.0; 8])
            .unwrap()
            .drop_features(&[])
            .unwrap();
        assert!(s.transform(&other).is_ok());
    }
}
