//! Bar charts of [`FeatureAttribution`]s — one row's signed attributions, or the global view —
//! drawn with the shared [`BarChart`] (red toward the class, blue away, largest |value| on top).

use super::FeatureAttribution;
use crate::render::{display_via_figure, Plot};
use crate::{BarChart, Error, Figure, Result};

impl FeatureAttribution {
    /// The most bars [`FeatureAttribution::summary_chart`] draws.
    pub const SUMMARY_FEATURES: usize = 15;

    /// The signed attributions of row `i`, largest |value| on top (red: toward the class, blue:
    /// away).
    ///
    /// # Example
    /// ```
    /// use glassbox::rules::FeatureAttribution;
    /// let attr = FeatureAttribution { method: "Gradient × Input".into(), feature_names: vec!["income".into(), "age".into()],
    ///     values: vec![-0.8, 0.1], class: Some(1), deltas: None, spread: None };
    /// let fig = attr.bar_chart(0)?;
    /// assert!(fig.summary().starts_with("bar chart `Gradient × Input — row 0, class 1`: income = -0.8"));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `i` is not a row; rendering errors.
    pub fn bar_chart(&self, i: usize) -> Result<Figure> {
        if i >= self.rows() {
            return Err(Error::invalid(
                "i",
                format!("row {i} was not explained; there are {}", self.rows()),
            ));
        }
        let class = self.class.map_or(String::new(), |c| format!(", class {c}"));
        BarChart::new(self.feature_names.iter().cloned(), self.row(i))
            .title(format!("{} — row {i}{class}", self.method))
            .x_label("contribution to the class logit")
            .width(680)
            .figure()
    }

    /// The global view, most important on top, at most [`FeatureAttribution::SUMMARY_FEATURES`] bars: mean
    /// |attribution| over the rows, or for permutation importance the mean accuracy drop, with
    /// its standard deviation over the repeats in each label (`income ± 0.004`).
    ///
    /// # Errors
    /// Rendering errors.
    pub fn summary_chart(&self) -> Result<Figure> {
        let (names, values, what) = match &self.spread {
            Some(sd) if self.rows() == 1 => {
                let names: Vec<String> = self
                    .feature_names
                    .iter()
                    .zip(sd)
                    .map(|(n, s)| format!("{n} ± {s:.3}"))
                    .collect();
                (names, self.values.clone(), "accuracy drop when shuffled")
            }
            _ => (
                self.feature_names.clone(),
                self.mean_abs(),
                "mean |attribution|",
            ),
        };
        let shown = values.len().min(Self::SUMMARY_FEATURES);
        let more = if shown < values.len() {
            format!(" (top {shown} of {})", values.len())
        } else {
            String::new()
        };
        BarChart::new(names, &values)
            .keep_largest(Self::SUMMARY_FEATURES)
            .title(format!("{} — {what}{more}", self.method))
            .x_label(what)
            .width(680)
            .figure()
    }
}

impl Plot for FeatureAttribution {
    /// The global view ([`FeatureAttribution::summary_chart`]).
    fn figure(&self) -> Result<Figure> {
        self.summary_chart()
    }
}

display_via_figure!(FeatureAttribution);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_order_by_importance_and_cap_the_bars() {
        let names: Vec<String> = (0..20).map(|j| format!("f{j}")).collect();
        let values: Vec<f32> = (0..40)
            .map(|k| {
                if k % 20 == 7 {
                    -3.0
                } else {
                    (k % 20) as f32 / 100.0
                }
            })
            .collect();
        let attr = FeatureAttribution {
            method: "test".into(),
            feature_names: names,
            values,
            class: Some(0),
            deltas: None,
            spread: None,
        };
        let fig = attr.summary_chart().unwrap();
        assert!(fig.summary().contains("top 15 of 20"), "{}", fig.summary());
        assert!(
            fig.summary().contains(": f7 = 3"),
            "f7 has the largest mean |attr|: {}",
            fig.summary()
        );
        assert_eq!(&fig.to_png().unwrap()[..4], b"\x89PNG");
        assert!(attr.bar_chart(1).is_ok() && attr.bar_chart(2).is_err());
        let perm = FeatureAttribution {
            method: "perm".into(),
            feature_names: vec!["a".into(), "b".into()],
            values: vec![0.2, 0.0],
            class: None,
            deltas: None,
            spread: Some(vec![0.01, 0.0]),
        };
        assert!(perm
            .summary_chart()
            .unwrap()
            .summary()
            .contains("a ± 0.010 = 0.2"));
    }
}
