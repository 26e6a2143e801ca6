//! Surrogate trees: a [`DecisionTree`] fitted to a model's *predictions*, and its **fidelity**.
//!
//! A surrogate explains the model, not the world: it is trained on what the model says, and
//! fidelity is how often the tree and the model agree on rows neither was fitted on. A
//! surrogate with low fidelity explains nothing, however plausible its rules read.

use super::{agreement, check_len, Cart, DecisionTree};
use crate::{data::tabular::Tabular, Result};

/// Coverage and precision of one leaf on a dataset (usually held out).
#[derive(Clone, Debug, PartialEq)]
pub struct LeafStats {
    /// The leaf's index in [`DecisionTree::nodes`].
    pub leaf: usize,
    /// The class the leaf predicts.
    pub class: usize,
    /// Rows of the dataset that reach the leaf.
    pub cases: usize,
    /// `cases / rows`.
    pub coverage: f32,
    /// Share of those rows whose reference label (the model's prediction) is the leaf's class;
    /// `NaN`-free: 0 when no row reaches the leaf.
    pub precision: f32,
}

impl Cart {
    /// Fits a surrogate: a tree that imitates `model_predictions` (the model's class for each
    /// row of `data`) from `data`'s features.
    ///
    /// # Example
    /// ```
    /// use glassbox::{Cart, data::tabular::Tabular};
    /// let data = Tabular::new(vec!["x".into()], vec![1.0, 2.0, 3.0, 4.0], vec![0, 1, 0, 1], vec!["a".into(), "b".into()])?;
    /// let model = |x: f32| usize::from(x > 2.5); // any model: here a closure
    /// let preds: Vec<usize> = data.column(0).into_iter().map(model).collect();
    /// let tree = Cart::new().fit_surrogate(&data, &preds)?;
    /// assert_eq!(tree.fidelity(&data, &preds)?, 1.0);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when there is not one prediction per row, and those of
    /// [`Cart::fit`].
    pub fn fit_surrogate(
        &self,
        data: &Tabular,
        model_predictions: &[usize],
    ) -> Result<DecisionTree> {
        check_len("model_predictions", model_predictions, data.len())?;
        self.fit(&data.with_targets(model_predictions.to_vec())?)
    }
}

impl DecisionTree {
    /// **Fidelity**: the share of rows where the tree predicts what the model predicted.
    /// Measure it on held-out rows; on the training rows it flatters the tree.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when there is not one prediction per row; as
    /// [`DecisionTree::predict`].
    pub fn fidelity(&self, data: &Tabular, model_predictions: &[usize]) -> Result<f32> {
        agreement("model_predictions", &self.predict(data)?, model_predictions)
    }

    /// Per-leaf coverage and precision on `data` against `reference` labels (the model's
    /// predictions for a surrogate, the true labels for a plain tree), leaves left to right.
    ///
    /// # Errors
    /// As [`DecisionTree::fidelity`].
    pub fn leaf_stats(&self, data: &Tabular, reference: &[usize]) -> Result<Vec<LeafStats>> {
        check_len("reference", reference, data.len())?;
        self.predict(data)?;
        let leaves = self.leaves();
        let (mut cases, mut hits) = (
            vec![0usize; self.nodes().len()],
            vec![0usize; self.nodes().len()],
        );
        for (i, &r) in reference.iter().enumerate() {
            let leaf = self.leaf_index(data.row(i));
            cases[leaf] += 1;
            hits[leaf] += usize::from(self.nodes()[leaf].class() == r);
        }
        Ok(leaves
            .into_iter()
            .map(|leaf| LeafStats {
                leaf,
                class: self.nodes()[leaf].class(),
                cases: cases[leaf],
                coverage: cases[leaf] as f32 / data.len() as f32,
                precision: if cases[leaf] == 0 {
                    0.0
                } else {
                    hits[leaf] as f32 / cases[leaf] as f32
                },
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fidelity_and_leaf_stats_count_agreement() {
        let data = Tabular::new(
            vec!["x".into()],
            (0..8).map(|v| v as f32).collect(),
            vec![0; 8],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        let model = [0, 0, 0, 0, 1, 1, 1, 1];
        let tree = Cart::new()
            .max_depth(1)
            .fit_surrogate(&data, &model)
            .unwrap();
        assert_eq!(tree.fidelity(&data, &model).unwrap(), 1.0);
        // A model that disagrees on two rows: fidelity 6/8; the right leaf has precision 3/4 etc.
        let other = [0, 0, 0, 1, 1, 1, 1, 0];
        assert_eq!(tree.fidelity(&data, &other).unwrap(), 0.75);
        let stats = tree.leaf_stats(&data, &other).unwrap();
        assert_eq!(stats.len(), 2);
        assert_eq!(
            (stats[0].cases, stats[0].precision, stats[0].coverage),
            (4, 0.75, 0.5)
        );
        assert_eq!((stats[1].class, stats[1].precision), (1, 0.75));
        assert!(tree.fidelity(&data, &other[..3]).is_err());
    }
}
