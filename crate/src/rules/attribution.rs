//! Per-feature attributions for tabular models: Gradient × Input, Integrated Gradients and
//! occlusion on any [`Explain`] model whose input is a `[B, F, 1, 1]` feature activation.
//!
//! These are the image methods of `attribution/` ([`GradientXInput`], [`IntegratedGradients`],
//! [`Occlusion`]) run on the features as `F` channels of a 1×1 image, with one value per column
//! instead of a map. Values are in the model's input units —
//! standardised features for [`crate::TabularMlp`] — and the baseline is the all-zero input,
//! i.e. the training mean after standardisation.

use dfdx::prelude::*;

use crate::{
    Activation, Attribution, Error, Explain, GradientXInput, IntegratedGradients, Occlusion,
    Quadrature, Target,
};

type Result<T, E = Error> = std::result::Result<T, E>;

/// Attributions of one class's logit to each feature, for each explained row.
///
/// `values` is row-major `[rows, features]`; a global method such as
/// [`crate::permutation_importance`] has a single row.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureAttribution {
    /// The method (`"gradient × input"`, `"integrated gradients"`, `"occlusion"`, `"permutation importance"`).
    pub method: &'static str,
    /// The feature names, one per column.
    pub feature_names: Vec<String>,
    /// Raw signed attributions, `[rows, features]`.
    pub values: Vec<f32>,
    /// The explained class (`None` for accuracy-based methods).
    pub class: Option<usize>,
    /// Integrated Gradients' completeness error per row: `Σ attr − (S(x) − S(baseline))`.
    pub deltas: Option<Vec<f32>>,
    /// Per-feature standard deviation over repeats (permutation importance).
    pub spread: Option<Vec<f32>>,
}

impl FeatureAttribution {
    /// The number of explained rows.
    pub fn rows(&self) -> usize {
        self.values.len() / self.feature_names.len().max(1)
    }

    /// The attributions of row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        let f = self.feature_names.len();
        &self.values[i * f..(i + 1) * f]
    }

    /// The global importance of each feature: the mean of |attribution| over rows.
    pub fn mean_abs(&self) -> Vec<f32> {
        let f = self.feature_names.len();
        let mut out = vec![0.0; f];
        self.values
            .iter()
            .enumerate()
            .for_each(|(k, v)| out[k % f] += v.abs());
        out.iter().map(|s| s / self.rows().max(1) as f32).collect()
    }

    /// Feature indices from most to least important by [`FeatureAttribution::mean_abs`]
    /// (for permutation importance: by mean accuracy drop).
    pub fn ranking(&self) -> Vec<usize> {
        let score = if self.rows() == 1 {
            self.values.clone()
        } else {
            self.mean_abs()
        };
        let mut order: Vec<usize> = (0..score.len()).collect();
        order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
        order
    }
}

impl std::fmt::Display for FeatureAttribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let top: Vec<&str> = self
            .ranking()
            .iter()
            .take(3)
            .map(|&j| self.feature_names[j].as_str())
            .collect();
        write!(
            f,
            "{}: {} rows × {} features, top: {}",
            self.method,
            self.rows(),
            self.feature_names.len(),
            top.join(", ")
        )
    }
}

/// Checks `x` is `[B, F, 1, 1]` with `F = feature_names.len()` and `class` is a logit; returns `B`.
fn check<M: Explain>(
    model: &M,
    x: &Activation,
    feature_names: &[String],
    class: usize,
) -> Result<usize> {
    let (b, f, h, w) = *x.shape();
    if f != feature_names.len() || h != 1 || w != 1 || b == 0 {
        return Err(Error::shape(
            "inputs",
            format!(
                "[B ≥ 1, {}, 1, 1] (one column per feature name)",
                feature_names.len()
            ),
            &[b, f, h, w],
        ));
    }
    if class >= model.num_classes() {
        return Err(Error::invalid(
            "class",
            format!(
                "{class} is not below the model's {} classes",
                model.num_classes()
            ),
        ));
    }
    Ok(b)
}

/// One value per feature from an image method's `[B, F, 1, 1]` map.
fn per_feature(
    method: &'static str,
    feature_names: &[String],
    class: usize,
    attr: Attribution,
    deltas: Option<Vec<f32>>,
) -> FeatureAttribution {
    FeatureAttribution {
        method,
        feature_names: feature_names.to_vec(),
        values: attr.values,
        class: Some(class),
        deltas,
        spread: None,
    }
}

/// **Gradient × Input**: `x_j · ∂S_class/∂x_j` per row and feature (Shrikumar et al. 2016,
/// <https://arxiv.org/abs/1605.01713>). Exact for a linear model; relative to the zero input.
///
/// # Errors
/// [`crate::ErrorKind::Shape`] when `inputs` is not `[B, F, 1, 1]` with one column per
/// feature name; [`crate::ErrorKind::InvalidArgument`] for a class the model lacks.
pub fn gradient_x_input<M: Explain>(
    model: &M,
    inputs: &Activation,
    feature_names: &[String],
    class: usize,
) -> Result<FeatureAttribution> {
    check(model, inputs, feature_names, class)?;
    let attr = GradientXInput::new(model).explain(inputs, Target::Class(class))?;
    Ok(per_feature(
        "gradient × input",
        feature_names,
        class,
        attr,
        None,
    ))
}

/// **Integrated Gradients** from the zero baseline (Sundararajan et al. 2017,
/// <https://arxiv.org/abs/1703.01365>, eq. 1): `x_j · ∫₀¹ ∂S(αx)/∂x_j dα`, by the trapezoid rule
/// on `steps` points ([`Quadrature::Trapezoid`]: weights `1/(steps − 1)`, halved at the ends,
/// summing to 1; Captum's `riemann_trapezoid` values are ours times `(steps − 1)/steps` —
/// checked against Captum in the tests). The completeness error `Σ_j attr_j − (S(x) − S(0))`
/// of each row is in [`FeatureAttribution::deltas`]; it shrinks as `steps` grows (50 is the
/// usual choice). All rows × steps run in one backward pass.
///
/// # Errors
/// As [`gradient_x_input`], and [`crate::ErrorKind::InvalidArgument`] for `steps < 2`.
pub fn integrated_gradients<M: Explain>(
    model: &M,
    inputs: &Activation,
    feature_names: &[String],
    class: usize,
    steps: usize,
) -> Result<FeatureAttribution> {
    let b = check(model, inputs, feature_names, class)?;
    if steps < 2 {
        return Err(Error::invalid(
            "steps",
            format!("{steps} cannot integrate; use 2 or more (50 is usual)"),
        ));
    }
    let (attr, deltas) = IntegratedGradients::new(model)
        .steps(steps)
        .quadrature(Quadrature::Trapezoid)
        .batch_size(steps * b)
        .explain_with_delta(inputs, Target::Class(class))?;
    let name = "integrated gradients";
    Ok(per_feature(name, feature_names, class, attr, Some(deltas)))
}

/// **Occlusion** per feature (Zeiler & Fergus 2014, <https://arxiv.org/abs/1311.2901>, one
/// feature as the "patch"): `S(x) − S(x with x_j replaced by 0)`, i.e. by the training mean for
/// standardised inputs. Model-agnostic apart from the input layout; `F + 1` forward passes.
///
/// # Errors
/// As [`gradient_x_input`].
pub fn occlusion<M: Explain>(
    model: &M,
    inputs: &Activation,
    feature_names: &[String],
    class: usize,
) -> Result<FeatureAttribution> {
    let b = check(model, inputs, feature_names, class)?;
    let attr = Occlusion::new(model)
        .patch(1)
        .stride(1)
        .per_channel(true)
        .batch_size(b) // F passes of B rows, plus one for S(x)
        .explain(inputs, Target::Class(class))?;
    Ok(per_feature("occlusion", feature_names, class, attr, None))
}

#[cfg(test)]
mod tests {
    use super::super::testing::LinearModel;
    use super::*;

    #[test]
    fn linear_model_known_answers() {
        // f(x) = w·x + b for class 1: Grad×Input = IG = occlusion = w ⊙ x exactly.
        let model = LinearModel::new(vec![0.0, 0.0, 0.0, 2.0, -1.0, 0.5], vec![0.0, 0.3]);
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let x = model
            .dev
            .tensor_from_vec(vec![1.0, 2.0, -4.0, 0.5, 0.0, 3.0], (2, 3, 1, 1));
        let expected = [2.0, -2.0, -2.0, 1.0, 0.0, 1.5];
        for attr in [
            gradient_x_input(&model, &x, &names, 1).unwrap(),
            integrated_gradients(&model, &x, &names, 1, 5).unwrap(),
            occlusion(&model, &x, &names, 1).unwrap(),
        ] {
            for (a, e) in attr.values.iter().zip(expected) {
                assert!((a - e).abs() < 1e-5, "{}: {:?}", attr.method, attr.values);
            }
        }
        let ig = integrated_gradients(&model, &x, &names, 1, 5).unwrap();
        assert!(ig.deltas.unwrap().iter().all(|d| d.abs() < 1e-5));
        let g = gradient_x_input(&model, &x, &names, 1).unwrap();
        assert_eq!(g.mean_abs(), vec![1.5, 1.0, 1.75]);
        assert_eq!(g.ranking(), vec![2, 0, 1]);
    }

    /// Captum 0.9 on the same 3 → 4 → 2 ReLU network (fixture made by
    /// `crate/tests/fixtures/gen_rules_captum.py`): InputXGradient, IntegratedGradients
    /// (riemann_trapezoid, 50 steps, baseline 0) with its delta, FeatureAblation (baseline 0).
    #[test]
    fn matches_captum_on_a_relu_network() {
        let fx: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/rules_captum_tabular.json"
        ))
        .unwrap();
        let flat = |v: &serde_json::Value| -> Vec<f32> {
            match v.as_array() {
                Some(items) => items
                    .iter()
                    .flat_map(|i| match i.as_array() {
                        Some(row) => row
                            .iter()
                            .map(|x| x.as_f64().unwrap() as f32)
                            .collect::<Vec<_>>(),
                        None => vec![i.as_f64().unwrap() as f32],
                    })
                    .collect(),
                None => vec![],
            }
        };
        let model = super::super::testing::TinyMlp {
            w1: flat(&fx["w1"]),
            b1: flat(&fx["b1"]),
            w2: flat(&fx["w2"]),
            b2: flat(&fx["b2"]),
            dev: Cpu::default(),
        };
        let x = model.dev.tensor_from_vec(flat(&fx["inputs"]), (3, 3, 1, 1));
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let close = |got: &[f32], want: &[f32], what: &str| {
            for (g, w) in got.iter().zip(want) {
                assert!(
                    (g - w).abs() <= 1e-4 * (1.0 + w.abs()),
                    "{what}: {got:?} vs {want:?}"
                );
            }
        };
        for case in fx["cases"].as_array().unwrap() {
            let class = case["target"].as_u64().unwrap() as usize;
            close(
                &gradient_x_input(&model, &x, &names, class).unwrap().values,
                &flat(&case["gradient_x_input"]),
                "gradient × input",
            );
            // Captum's trapezoid weights are 1/n (halved at the ends), summing to (n − 1)/n; ours
            // are 1/(n − 1), summing to 1. Same points, so ours = Captum's · n/(n − 1).
            let scale = 50.0 / 49.0;
            let ig = integrated_gradients(&model, &x, &names, class, 50).unwrap();
            let raw = flat(&case["integrated_gradients"]);
            let theirs: Vec<f32> = raw.iter().map(|v| v * scale).collect();
            close(&ig.values, &theirs, "integrated gradients");
            // Delta = Σ attr − (S(x) − S(0)) in both, so ours = Captum's + (scale − 1)·Σ Captum attr.
            let expected: Vec<f32> = flat(&case["ig_delta"])
                .iter()
                .enumerate()
                .map(|(i, d)| d + (scale - 1.0) * raw[i * 3..i * 3 + 3].iter().sum::<f32>())
                .collect();
            close(ig.deltas.as_ref().unwrap(), &expected, "IG delta");
            close(
                &occlusion(&model, &x, &names, class).unwrap().values,
                &flat(&case["occlusion"]),
                "occlusion",
            );
        }
    }

    #[test]
    fn bad_inputs_are_errors() {
        let model = LinearModel::new(vec![1.0; 6], vec![0.0; 2]);
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let x = model.dev.tensor_from_vec(vec![1.0; 4], (2, 2, 1, 1));
        assert!(gradient_x_input(&model, &x, &names, 0)
            .unwrap_err()
            .to_string()
            .contains("[B ≥ 1, 3, 1, 1]"));
        let x = model.dev.tensor_from_vec(vec![1.0; 3], (1, 3, 1, 1));
        assert!(occlusion(&model, &x, &names, 2).is_err());
        assert!(integrated_gradients(&model, &x, &names, 0, 1).is_err());
    }
}
