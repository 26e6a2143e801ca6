//! Per-feature attributions for tabular models: [`FeatureAttribution`], made by
//! [`Attribution::per_feature`] from any attribution method run on a `[B, F, 1, 1]` feature
//! activation (the features as `F` channels of a 1×1 image), or by
//! [`crate::permutation_importance`].

use crate::{Attribution, Error};

type Result<T, E = Error> = std::result::Result<T, E>;

/// Attributions of one class's logit to each feature, for each explained row.
///
/// `values` is row-major `[rows, features]`; a global method such as
/// [`crate::permutation_importance`] has a single row.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureAttribution {
    /// The method (`"Gradient × Input"`, `"Integrated Gradients"`, `"Occlusion"`,
    /// `"permutation importance"`).
    pub method: String,
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

impl FeatureAttribution {
    /// Adds Integrated Gradients' completeness errors, one per row (from
    /// [`IntegratedGradients::explain_with_delta`](crate::IntegratedGradients::explain_with_delta)).
    pub fn with_deltas(mut self, deltas: Vec<f32>) -> Self {
        self.deltas = Some(deltas);
        self
    }
}

impl Attribution {
    /// The per-feature view of a map of a tabular input: an attribution of a `[B, F, 1, 1]`
    /// feature activation (as [`crate::TabularMlp::inputs`] makes) with one value per column.
    ///
    /// Any method whose map keeps the channels works — [`crate::GradientXInput`],
    /// [`crate::IntegratedGradients`], [`crate::Occlusion`] with `.patch(1).per_channel(true)`,
    /// signed [`crate::Saliency`]. Values are in the model's input units (standardised features
    /// for `TabularMlp`, whose zero baseline is the training mean).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] unless the map is `[R, F, 1, 1]` with one column per name.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, GradientXInput, Target};
    /// let net = testing::linear_net(&[2.0, -1.0, 0.5, 0.0, 0.0, 0.0], vec![0.0, 0.0], [3, 1, 1])?;
    /// let x = testing::random_input([2, 3, 1, 1], 0);
    /// let names: Vec<String> = ["income", "age", "debt"].map(String::from).to_vec();
    /// let attr = GradientXInput::new(&net).explain(&x, Target::Class(0))?.per_feature(&names)?;
    /// let x0 = testing::values(&x);
    /// assert_eq!(attr.row(0), &[2.0 * x0[0], -x0[1], 0.5 * x0[2]]); // w ⊙ x, exactly
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn per_feature(&self, feature_names: &[String]) -> Result<FeatureAttribution> {
        let [r, f, h, w] = self.shape();
        if f != feature_names.len() || h != 1 || w != 1 {
            return Err(Error::shape(
                format!("{} map", self.method()),
                format!(
                    "[R, {}, 1, 1] (a tabular input, one column per feature name)",
                    feature_names.len()
                ),
                &[r, f, h, w],
            ));
        }
        let class = self.targets().first().copied();
        Ok(FeatureAttribution {
            method: self.method().to_string(),
            feature_names: feature_names.to_vec(),
            values: self.values().to_vec(),
            class: class.filter(|&c| self.targets().iter().all(|&t| t == c)),
            deltas: None,
            spread: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::LinearModel;
    use super::*;
    use crate::attribution::Quadrature;
    use crate::{
        Activation, AttributionMethod, Explain, GradientXInput, IntegratedGradients, Occlusion,
        Result, Target,
    };
    use dfdx::prelude::*;

    // The per-feature views the tabular notebook uses.
    fn view(
        method: &dyn AttributionMethod,
        x: &Activation,
        names: &[String],
        class: usize,
    ) -> Result<FeatureAttribution> {
        method.explain(x, Target::Class(class))?.per_feature(names)
    }

    /// Occlusion of one feature at a time.
    fn occlusion<M: Explain>(m: &M) -> Occlusion<'_, M> {
        Occlusion::new(m).patch(1).per_channel(true)
    }

    fn integrated_gradients<M: Explain>(
        m: &M,
        x: &Activation,
        names: &[String],
        class: usize,
        steps: usize,
    ) -> Result<FeatureAttribution> {
        let (attr, deltas) = IntegratedGradients::new(m)
            .steps(steps)
            .quadrature(Quadrature::Trapezoid)
            .explain_with_delta(x, Target::Class(class))?;
        Ok(attr.per_feature(names)?.with_deltas(deltas))
    }

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
            view(&GradientXInput::new(&model), &x, &names, 1).unwrap(),
            integrated_gradients(&model, &x, &names, 1, 5).unwrap(),
            view(&occlusion(&model), &x, &names, 1).unwrap(),
        ] {
            for (a, e) in attr.values.iter().zip(expected) {
                assert!((a - e).abs() < 1e-5, "{}: {:?}", attr.method, attr.values);
            }
        }
        let ig = integrated_gradients(&model, &x, &names, 1, 5).unwrap();
        assert!(ig.deltas.unwrap().iter().all(|d| d.abs() < 1e-5));
        let g = view(&GradientXInput::new(&model), &x, &names, 1).unwrap();
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
                &view(&GradientXInput::new(&model), &x, &names, class)
                    .unwrap()
                    .values,
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
                &view(&occlusion(&model), &x, &names, class).unwrap().values,
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
        assert!(view(&GradientXInput::new(&model), &x, &names, 0).is_err());
        let two: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let x3 = model.dev.tensor_from_vec(vec![1.0; 3], (1, 3, 1, 1));
        assert!(view(&GradientXInput::new(&model), &x3, &two, 0)
            .unwrap_err()
            .to_string()
            .contains("[R, 2, 1, 1]"));
        let x = model.dev.tensor_from_vec(vec![1.0; 3], (1, 3, 1, 1));
        assert!(view(&occlusion(&model), &x, &names, 2).is_err());
        assert!(integrated_gradients(&model, &x, &names, 0, 1).is_err());
    }
}
