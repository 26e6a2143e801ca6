//! Rules and tabular explanations: surrogate decision trees, readable rules, fidelity, and
//! per-feature attributions for tabular models.
//!
//! The pipeline for a tabular model (see `notebooks/07-rules-finance.ipynb`):
//!
//! 1. data: a validated [`crate::data::tabular::Tabular`] (e.g. [`crate::data::tabular::credit_risk`], with
//!    planted rules, or [`crate::data::tabular::breast_cancer`]);
//! 2. a model: [`crate::TabularMlp`] (dfdx `Linear`/`ReLU`, trained with Adam) or any
//!    classifier;
//! 3. rules: [`Cart::fit_surrogate`] on the model's predictions → [`DecisionTree::rules`],
//!    [`DecisionTree::fidelity`] on held-out rows, [`DecisionTree::diagram`];
//! 4. attributions per feature: any attribution method on any [`crate::Explain`] model fed
//!    `[B, F, 1, 1]` features, viewed per column by [`crate::Attribution::per_feature`]
//!    (Gradient × Input, Integrated Gradients, occlusion), and the model-agnostic
//!    [`permutation_importance`](crate::permutation_importance), all giving a [`FeatureAttribution`].

mod attribution;
mod charts;
mod diagram;
pub(crate) mod permutation;
mod rules_table;
mod surrogate;
mod text;
pub(crate) mod tree;

pub use attribution::FeatureAttribution;
pub use surrogate::LeafStats;
pub use text::{human_number, Condition, Rule};
pub(crate) use tree::Cart;
pub use tree::{DecisionTree, Node, Split};

#[cfg(test)]
mod testing;

/// Checks there is one prediction per row.
fn check_len(name: &'static str, predictions: &[usize], rows: usize) -> crate::Result<()> {
    if predictions.len() != rows {
        return Err(crate::Error::shape(
            name,
            format!("one prediction per row ({rows})"),
            &[predictions.len()],
        ));
    }
    Ok(())
}

/// The share of rows whose prediction equals the reference label (accuracy, fidelity).
fn agreement(name: &'static str, predictions: &[usize], reference: &[usize]) -> crate::Result<f32> {
    check_len(name, predictions, reference.len())?;
    let same = predictions
        .iter()
        .zip(reference)
        .filter(|(a, b)| a == b)
        .count();
    Ok(same as f32 / reference.len() as f32)
}
