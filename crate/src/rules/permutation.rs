//! Permutation importance (Breiman 2001; Fisher, Rudin & Dominici 2019): how much accuracy a
//! model loses when one column is shuffled. Model-agnostic: it only calls `predict`.
//!
//! **Pitfall — correlated features.** Shuffling one of two correlated columns creates rows that
//! never occur in the data (a 20-year-old with 40 years of tenure), and the model may still get
//! the answer from the twin column: both then look unimportant although together they matter.
//! Group correlated columns, or read the importance as "what this model needs *given the others*".

use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::{agreement, FeatureAttribution};
use crate::{data::tabular::Tabular, Error, Result};

fn accuracy(pred: &[usize], data: &Tabular) -> Result<f32> {
    agreement("predict(data)", pred, data.targets())
}

/// The mean drop in accuracy over `repeats` seeded shuffles of each column (a one-row
/// [`FeatureAttribution`]; [`FeatureAttribution::spread`] holds the standard deviations).
///
/// `predict` is any classifier: a [`crate::TabularMlp`], a [`crate::rules::DecisionTree`], a closure.
/// Use held-out rows: on training rows it measures what the model memorised.
///
/// # Example
/// ```
/// use glassbox::{permutation_importance, data::tabular::Tabular};
/// let data = Tabular::new(vec!["signal".into(), "noise".into()],
///     (0..40).flat_map(|i| [i as f32, (i * 7 % 5) as f32]).collect(),
///     (0..40).map(|i| usize::from(i >= 20)).collect(), vec!["a".into(), "b".into()])?;
/// let imp = permutation_importance(&data, |d| Ok(d.column(0).iter().map(|&x| usize::from(x >= 20.0)).collect()), 5, 0)?;
/// assert!(imp.values[0] > 0.3 && imp.values[1] == 0.0);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::InvalidArgument`] for zero repeats; whatever `predict` returns;
/// [`crate::ErrorKind::Shape`] when it does not return one class per row.
pub fn permutation_importance(
    data: &Tabular,
    mut predict: impl FnMut(&Tabular) -> Result<Vec<usize>>,
    repeats: usize,
    seed: u64,
) -> Result<FeatureAttribution> {
    if repeats == 0 {
        return Err(Error::invalid(
            "repeats",
            "use at least 1 (5–10 gives a usable spread)",
        ));
    }
    let base = accuracy(&predict(data)?, data)?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut values, mut spread) = (Vec::new(), Vec::new());
    for j in 0..data.num_features() {
        let mut drops = Vec::with_capacity(repeats);
        let mut column = data.column(j);
        for _ in 0..repeats {
            column.shuffle(&mut rng);
            let shuffled = data.with_column(j, &column)?;
            drops.push(base - accuracy(&predict(&shuffled)?, &shuffled)?);
        }
        let mean = drops.iter().sum::<f32>() / repeats as f32;
        values.push(mean);
        spread
            .push((drops.iter().map(|d| (d - mean).powi(2)).sum::<f32>() / repeats as f32).sqrt());
    }
    Ok(FeatureAttribution {
        method: "permutation importance".into(),
        feature_names: data.feature_names().to_vec(),
        values,
        class: None,
        deltas: None,
        spread: Some(spread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_columns_score_exactly_zero_and_the_used_one_loses_accuracy() {
        let n = 200;
        let rows = (0..n)
            .flat_map(|i| [i as f32, ((i * 37) % 11) as f32, 1.0 + (i % 3) as f32])
            .collect();
        let data = Tabular::new(
            vec!["x".into(), "n1".into(), "n2".into()],
            rows,
            (0..n).map(|i| usize::from(i >= 100)).collect(),
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        let model = |d: &Tabular| {
            Ok(d.column(0)
                .iter()
                .map(|&x| usize::from(x >= 100.0))
                .collect())
        };
        let imp = permutation_importance(&data, model, 5, 1).unwrap();
        assert_eq!(&imp.values[1..], &[0.0, 0.0]);
        // Shuffling x leaves about half the rows right by chance: drop ≈ 0.5.
        assert!((imp.values[0] - 0.5).abs() < 0.1, "{:?}", imp.values);
        assert_eq!(imp.ranking()[0], 0);
        assert_eq!(
            imp,
            permutation_importance(&data, model, 5, 1).unwrap(),
            "seeded"
        );
        assert!(permutation_importance(&data, model, 0, 1).is_err());
        assert!(permutation_importance(&data, |_| Ok(vec![0]), 1, 1).is_err());
    }
}
