//! Sanity checks for attribution methods (Adebayo et al. 2018): does the map change when the
//! model's weights are randomised, and when a different class is explained?
//!
//! Adebayo et al. (2018), *Sanity Checks for Saliency Maps*, NeurIPS,
//! <https://arxiv.org/abs/1810.03292>, §3 (cascading randomisation, Spearman rank correlation).

use rand::{Rng, SeedableRng};

use crate::attribution::pipeline::{check_input, predict};
use crate::attribution::Rebind;
use crate::render::Plot;
use crate::AttributionMethod;
use crate::{Activation, Attribution, BarChart, Error, Explain, Figure, LineChart, Result, Target};

/// Cascading parameter randomisation: re-initialise the weighted layers from the top down, one
/// more at each step, and measure how similar each method's maps stay to the trained model's
/// (Spearman rank correlation of the maps, averaged over the images).
///
/// A method that explains the model must lose its correlation once the layers it depends on
/// are random (Adebayo et al. 2018, *Sanity Checks for Saliency Maps*,
/// <https://arxiv.org/abs/1810.03292>, §3; glassbox's tests: Grad-CAM and gradients fall below
/// 0.5 once the head is random); Guided Backprop famously stays correlated. Runs on clones: the model itself is untouched.
/// Each image keeps the class the *trained* model predicts, at every step.
///
/// # Example
/// ```
/// use glassbox::ParameterRandomization;
/// use glassbox::{testing, Attribution, AttributionMethod, GradCam, Saliency};
/// let net = testing::gap_net();
/// let x = testing::random_input([4, 1, 6, 6], 2);
/// let report = ParameterRandomization::new(&net)
///     .method(&Saliency::new(&net).named("Gradient"))
///     .method(&GradCam::new(&net, "relu").then(Attribution::relu))
///     .evaluate(&x)?;
/// assert_eq!(report.layers(), &["trained", "fc", "conv"]);
/// assert_eq!(report.correlations("Gradient").unwrap()[0], 1.0); // the trained model itself
/// # Ok::<(), glassbox::Error>(())
/// ```
pub struct ParameterRandomization<'a, M> {
    model: &'a M,
    layers: Option<Vec<String>>,
    seed: u64,
    methods: Vec<&'a dyn Rebind<M>>,
}

impl<'a, M: Explain + Clone> ParameterRandomization<'a, M> {
    /// The check on `model`, randomising every layer with parameters, top down.
    pub fn new(model: &'a M) -> Self {
        Self {
            model,
            layers: None,
            seed: 0,
            methods: Vec::new(),
        }
    }

    /// The layers to randomise, in the order given (top down is the published protocol).
    pub fn layers<S: Into<String>>(mut self, layers: impl IntoIterator<Item = S>) -> Self {
        self.layers = Some(layers.into_iter().map(Into::into).collect());
        self
    }

    /// The seed of the re-initialisation (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Adds a method to test, reported under its [`AttributionMethod::name`]; it must return
    /// one map per image. It is rebuilt on each randomised copy ([`Rebind`]); use
    /// [`AttributionMethod::then`] to compare post-processed maps (`.then(Attribution::abs)`).
    pub fn method(mut self, method: &'a dyn Rebind<M>) -> Self {
        self.methods.push(method);
        self
    }

    /// Runs the cascade.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] without methods; whatever the methods or
    /// [`Explain::randomize_layer`] return.
    pub fn evaluate(&self, input: &Activation) -> Result<RandomizationReport> {
        check_input(self.model, input)?;
        if self.methods.is_empty() {
            return Err(Error::invalid(
                "method",
                "add at least one method with `.method(&Saliency::new(&model))`",
            ));
        }
        let layers = self.layers.clone().unwrap_or_else(|| {
            self.model
                .layers()
                .into_iter()
                .filter(|l| l.params > 0)
                .map(|l| l.name)
                .rev()
                .collect()
        });
        let target = Target::Classes(predict(self.model, input)?);
        let originals: Vec<Attribution> = self
            .methods
            .iter()
            .map(|m| m.rebind(self.model).explain(input, target.clone()))
            .collect::<Result<_>>()?;
        let mut correlations = vec![vec![1.0f32]; self.methods.len()];
        let mut model = self.model.clone();
        for (step, layer) in layers.iter().enumerate() {
            model.randomize_layer(layer, self.seed.wrapping_add(step as u64))?;
            for (k, m) in self.methods.iter().enumerate() {
                let map = m.rebind(&model).explain(input, target.clone())?;
                correlations[k].push(mean_correlation(&originals[k], &map)?);
            }
        }
        let mut names = vec!["trained".to_string()];
        names.extend(layers);
        Ok(RandomizationReport {
            layers: names,
            methods: self
                .methods
                .iter()
                .map(|m| m.name().to_string())
                .zip(correlations)
                .collect(),
        })
    }
}

/// Spearman correlation of matching maps, averaged over the maps.
fn mean_correlation(a: &Attribution, b: &Attribution) -> Result<f32> {
    if a.shape() != b.shape() {
        return Err(Error::shape(
            "attribution",
            format!("{:?} like the first run", a.shape()),
            &b.shape(),
        ));
    }
    let rho = (0..a.len())
        .map(|i| spearman(a.map(i), b.map(i)))
        .collect::<Result<Vec<f32>>>()?;
    Ok(rho.iter().sum::<f32>() / a.len().max(1) as f32)
}

/// The result of [`ParameterRandomization`]: per method, the mean rank correlation with the
/// trained model's maps after each cumulative randomisation step.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomizationReport {
    layers: Vec<String>,
    methods: Vec<(String, Vec<f32>)>,
}

impl RandomizationReport {
    /// `"trained"`, then the layers in the order they were randomised.
    pub fn layers(&self) -> &[String] {
        &self.layers
    }

    /// A method's correlations, one per entry of [`RandomizationReport::layers`].
    pub fn correlations(&self, method: &str) -> Option<&[f32]> {
        self.methods
            .iter()
            .find(|m| m.0 == method)
            .map(|m| m.1.as_slice())
    }

    /// All methods with their correlations.
    pub fn methods(&self) -> &[(String, Vec<f32>)] {
        &self.methods
    }
}

impl Plot for RandomizationReport {
    /// The correlation curves: x = number of layers randomised (listed in the x label).
    fn figure(&self) -> Result<Figure> {
        let x: Vec<f32> = (0..self.layers.len()).map(|i| i as f32).collect();
        let mut chart = LineChart::new()
            .title("Cascading randomisation: rank correlation with the trained model's map")
            .x_label(format!(
                "layers randomised, top down: {}",
                self.layers[1..].join(" → ")
            ))
            .y_label("Spearman ρ");
        for (name, ys) in &self.methods {
            chart = chart.series(name.clone(), &x, ys);
        }
        chart.figure()
    }
}

crate::render::display_via_figure!(RandomizationReport);

/// Class sensitivity (the random-logit check of Adebayo et al.): explain each image's predicted
/// class and a random other class; a method that explains the *class* gives different maps
/// (low rank correlation), one that only finds edges gives the same.
///
/// # Example
/// ```
/// use glassbox::ClassSensitivity;
/// use glassbox::{testing, GradCam};
/// let net = testing::gap_net();
/// let x = testing::random_input([4, 1, 6, 6], 2);
/// let report = ClassSensitivity::new(&net)
///     .method(&GradCam::new(&net, "relu"))
///     .evaluate(&x)?;
/// assert!(report.mean_correlation("Grad-CAM").unwrap() < 0.99);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub struct ClassSensitivity<'a, M> {
    model: &'a M,
    seed: u64,
    methods: Vec<&'a dyn AttributionMethod>,
}

impl<'a, M: Explain> ClassSensitivity<'a, M> {
    /// The check on `model`.
    pub fn new(model: &'a M) -> Self {
        Self {
            model,
            seed: 0,
            methods: Vec::new(),
        }
    }

    /// The seed choosing the random classes (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Adds a method to test (a method on the same model), reported under its
    /// [`AttributionMethod::name`].
    pub fn method(mut self, method: &'a dyn AttributionMethod) -> Self {
        self.methods.push(method);
        self
    }

    /// Runs the check.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] without methods or for a one-class model; the
    /// methods' errors.
    pub fn evaluate(&self, input: &Activation) -> Result<ClassSensitivityReport> {
        check_input(self.model, input)?;
        let k = self.model.num_classes();
        if self.methods.is_empty() || k < 2 {
            return Err(Error::invalid(
                "method",
                "needs at least one method and a model with ≥ 2 classes",
            ));
        }
        let predicted = predict(self.model, input)?;
        let mut rng = rand::rngs::StdRng::seed_from_u64(self.seed);
        let other: Vec<usize> = predicted
            .iter()
            .map(|&p| (p + rng.gen_range(1..k)) % k)
            .collect();
        let mut methods = Vec::new();
        for m in &self.methods {
            let a = m.explain(input, Target::Classes(predicted.clone()))?;
            let b = m.explain(input, Target::Classes(other.clone()))?;
            let rho = (0..a.len())
                .map(|i| spearman(a.map(i), b.map(i)))
                .collect::<Result<Vec<f32>>>()?;
            methods.push((m.name().to_string(), rho));
        }
        Ok(ClassSensitivityReport {
            predicted,
            other,
            methods,
        })
    }
}

/// The result of [`ClassSensitivity`]: per method and image, the rank correlation between the
/// maps of the predicted class and of a random other class.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassSensitivityReport {
    predicted: Vec<usize>,
    other: Vec<usize>,
    methods: Vec<(String, Vec<f32>)>,
}

impl ClassSensitivityReport {
    /// The predicted class of each image.
    pub fn predicted(&self) -> &[usize] {
        &self.predicted
    }

    /// The random other class of each image.
    pub fn other(&self) -> &[usize] {
        &self.other
    }

    /// A method's correlations, one per image.
    pub fn correlations(&self, method: &str) -> Option<&[f32]> {
        self.methods
            .iter()
            .find(|m| m.0 == method)
            .map(|m| m.1.as_slice())
    }

    /// A method's mean correlation (lower = more class-sensitive).
    pub fn mean_correlation(&self, method: &str) -> Option<f32> {
        self.correlations(method)
            .map(|c| c.iter().sum::<f32>() / c.len().max(1) as f32)
    }
}

impl Plot for ClassSensitivityReport {
    /// One bar per method: the mean correlation (lower is better).
    fn figure(&self) -> Result<Figure> {
        let names: Vec<&str> = self.methods.iter().map(|m| m.0.as_str()).collect();
        let values: Vec<f32> = names
            .iter()
            .map(|n| self.mean_correlation(n).unwrap_or(0.0))
            .collect();
        BarChart::new(names, &values)
            .sorted(false)
            .title("Class sensitivity: ρ(map of predicted class, map of random class) — lower is better")
            .figure()
    }
}

crate::render::display_via_figure!(ClassSensitivityReport);

/// Spearman rank correlation of two equally long slices (average ranks for ties).
///
/// Returns 0 when either side is constant or has fewer than 2 values (no ranking to compare);
/// a constant map (all zero, say) is flagged by [`Attribution::is_degenerate`] instead.
///
/// # Example
/// ```
/// use glassbox::evaluate::spearman;
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 25.0])?, 1.0);
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0])?, -1.0);
/// assert!(spearman(&[1.0, 2.0, 3.0], &[1.0, 2.0]).is_err());
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Shape`] naming `b` when the lengths differ;
/// [`crate::ErrorKind::NonFinite`] for NaN or infinite values.
pub fn spearman(a: &[f32], b: &[f32]) -> Result<f32> {
    if a.len() != b.len() {
        return Err(Error::shape(
            "b",
            format!(
                "as many values as `a` ({}); rank correlation pairs them up",
                a.len()
            ),
            &[b.len()],
        ));
    }
    if a.iter().chain(b).any(|v| !v.is_finite()) {
        return Err(Error::non_finite("the values to rank"));
    }
    if a.len() < 2 {
        return Ok(0.0);
    }
    Ok(pearson(&ranks(a), &ranks(b)) as f32)
}

fn ranks(v: &[f32]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        order[i..=j].iter().for_each(|&k| r[k] = avg);
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        cov += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    if va == 0.0 || vb == 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_matches_scipy() {
        // scipy.stats.spearmanr([1, 2, 2, 3, 5], [2, 1, 4, 4, 3]).statistic == 0.3947368421052632
        let rho = spearman(&[1.0, 2.0, 2.0, 3.0, 5.0], &[2.0, 1.0, 4.0, 4.0, 3.0]).unwrap();
        assert!((rho - 0.394_736_84).abs() < 1e-6, "{rho}");
        assert_eq!(spearman(&[1.0; 4], &[1.0, 2.0, 3.0, 4.0]).unwrap(), 0.0);
        assert_eq!(spearman(&[1.0], &[2.0]).unwrap(), 0.0);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![1.5, 0.0, 1.5]);
    }
}
