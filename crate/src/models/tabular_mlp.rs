//! [`TabularMlp`]: a small multilayer perceptron for tabular data (dfdx `Linear` + ReLU),
//! trained with Adam on standardised features, and explainable through [`Explain`].

use dfdx::losses::cross_entropy_with_logits_loss;
use dfdx::nn::modules::Linear;
use dfdx::nn::{BuildModule, Module, ModuleVisitor, TensorCollection};
use dfdx::prelude::*;

use super::train::{adam_epochs, hits, one_hot, predicted, Schedule};
use super::{Explain, Fit, LayerInfo, INPUT};
use crate::data::tabular::{Standardizer, Tabular};
use crate::Error;
use crate::{Activation, Logits, ReluGrad};

type Result<T, E = Error> = std::result::Result<T, E>;

/// The three linear layers, named as in a PyTorch `nn.Module` with fields `fc1`, `fc2`, `fc3`.
#[derive(Clone, Debug)]
struct Layers<const F: usize, const H: usize, const C: usize, E: Dtype, D: Storage<E>> {
    fc1: Linear<F, H, E, D>,
    fc2: Linear<H, H, E, D>,
    fc3: Linear<H, C, E, D>,
}

impl<const F: usize, const H: usize, const C: usize> Layers<F, H, C, f32, Cpu> {
    fn logits<T: Tape<f32, Cpu>>(&self, x: Batch<F, T>) -> Batch<C, T> {
        let h = self.fc1.forward(x).relu();
        let h = self.fc2.forward(h).relu();
        self.fc3.forward(h)
    }
}

impl<const F: usize, const H: usize, const C: usize> TensorCollection<f32, Cpu>
    for Layers<F, H, C, f32, Cpu>
{
    type To<E2: Dtype, D2: Device<E2>> = Layers<F, H, C, E2, D2>;

    fn iter_tensors<V: ModuleVisitor<Self, f32, Cpu>>(
        visitor: &mut V,
    ) -> std::result::Result<Option<Self::To<V::E2, V::D2>>, V::Err> {
        visitor.visit_fields(
            (
                Self::module("fc1", |s| &s.fc1, |s| &mut s.fc1),
                Self::module("fc2", |s| &s.fc2, |s| &mut s.fc2),
                Self::module("fc3", |s| &s.fc3, |s| &mut s.fc3),
            ),
            |(fc1, fc2, fc3)| Layers { fc1, fc2, fc3 },
        )
    }
}

/// A multilayer perceptron `F → H → H → C` (ReLU between layers) for tabular data.
///
/// It owns the [`Standardizer`] fitted on its training data, so it takes raw [`Tabular`] rows
/// ([`TabularMlp::predict`]). As an [`Explain`] model its *input* is the standardised features
/// as a `[B, F, 1, 1]` activation ([`TabularMlp::inputs`]), so a value of 0 is the training
/// mean; layers are `fc1`, `relu1`, `fc2`, `relu2`, `fc3` (the logits).
///
/// # Example
/// ```
/// use glassbox::{Fit, TabularMlp};
/// let data = glassbox::data::tabular::credit_risk(600, 1)?;
/// let fit = Fit { epochs: 5, verbose: false, ..Fit::tabular() };
/// let net = TabularMlp::<6>::train(&data, fit)?;
/// assert!(net.accuracy(&data)? > 0.7);
/// assert_eq!(net.history().len(), 5);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct TabularMlp<const F: usize, const H: usize = 32, const C: usize = 2> {
    layers: Layers<F, H, C, f32, Cpu>,
    standardizer: Standardizer,
    class_names: Vec<String>,
    history: Vec<(f32, f32)>,
    dev: Cpu,
}

const LAYERS: [&str; 5] = ["fc1", "relu1", "fc2", "relu2", "fc3"];

type Batch<const N: usize, T> = Tensor<(usize, Const<N>), f32, Cpu, T>;

impl<const F: usize, const H: usize, const C: usize> TabularMlp<F, H, C> {
    /// Trains a fresh network on `data` (standardised inside) with Adam at a constant learning
    /// rate and cross-entropy, printing `epoch e/E  loss …  accuracy …` per epoch when
    /// `fit.verbose`. [`Fit::tabular`] holds the usual settings.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when `data` has not `F` features or not `C` classes;
    /// [`crate::ErrorKind::InvalidArgument`] for zero epochs or batch, a learning rate that is
    /// not positive and finite, a loss that becomes NaN or infinite (naming `lr`), and for
    /// constant features ([`Standardizer::fit`]).
    pub fn train(data: &Tabular, fit: Fit) -> Result<Self> {
        let _ids = crate::nn::id_guard();
        if data.num_features() != F || data.class_names().len() != C {
            return Err(Error::shape(
                "data",
                format!("{F} features and {C} classes (TabularMlp::<{F}, {H}, {C}>)"),
                &[data.num_features(), data.class_names().len()],
            ));
        }
        fit.check()?;
        let standardizer = Standardizer::fit(data)?;
        let x = standardizer.transform(data)?;
        let dev = Cpu::seed_from_u64(fit.seed);
        let mut layers = Layers::build(&dev);
        let mut history = Vec::new();
        adam_epochs(
            &mut layers,
            data.len(),
            &fit,
            Schedule::Constant,
            |layers, batch, grads| {
                let xb: Vec<f32> = batch
                    .iter()
                    .flat_map(|&i| x[i * F..(i + 1) * F].iter().copied())
                    .collect();
                let labels: Vec<usize> = batch.iter().map(|&i| data.targets()[i]).collect();
                let xb: Batch<F, NoneTape> = dev.tensor_from_vec(xb, (batch.len(), Const::<F>));
                let logits = dynamic(layers.logits(xb.traced(grads)));
                let hits = hits(&logits, &labels);
                Ok((
                    cross_entropy_with_logits_loss(logits, one_hot(&dev, &labels, C)),
                    hits,
                ))
            },
            |_, epoch, batches| {
                let rows = data.len() as f32;
                let loss = batches
                    .iter()
                    .fold(0.0, |sum, b| sum + b.step.loss * b.rows as f32);
                let (loss, acc) = (
                    loss / rows,
                    batches.iter().map(|b| b.hits).sum::<usize>() as f32 / rows,
                );
                history.push((loss, acc));
                if fit.verbose {
                    println!(
                        "epoch {:>3}/{}  loss {loss:.4}  train accuracy {acc:.3}",
                        epoch + 1,
                        fit.epochs
                    );
                }
                Ok(())
            },
        )?;
        Ok(Self {
            layers,
            standardizer,
            class_names: data.class_names().to_vec(),
            history,
            dev,
        })
    }

    /// `(mean loss, accuracy)` on the training rows, one entry per epoch.
    pub fn history(&self) -> &[(f32, f32)] {
        &self.history
    }

    /// The class names of the training data.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The standardisation fitted on the training data.
    pub fn standardizer(&self) -> &Standardizer {
        &self.standardizer
    }

    /// `data` standardised, as the model's `[B, F, 1, 1]` input activation.
    ///
    /// # Errors
    /// As [`Standardizer::transform`].
    pub fn inputs(&self, data: &Tabular) -> Result<Activation> {
        let _ids = crate::nn::id_guard();
        let x = self.standardizer.transform(data)?;
        Ok(self.dev.tensor_from_vec(x, (data.len(), F, 1, 1)))
    }

    /// Class probabilities (softmax), row-major `[rows, C]`.
    ///
    /// # Errors
    /// As [`Standardizer::transform`].
    pub fn predict_proba(&self, data: &Tabular) -> Result<Vec<f32>> {
        let logits = self.forward(self.inputs(data)?)?;
        Ok(logits.softmax::<dfdx::shapes::Axis<1>>().as_vec())
    }

    /// The predicted class of every row.
    ///
    /// # Errors
    /// As [`Standardizer::transform`].
    pub fn predict(&self, data: &Tabular) -> Result<Vec<usize>> {
        Ok(predicted(&self.forward(self.inputs(data)?)?))
    }

    /// The share of rows whose target the model predicts.
    ///
    /// # Errors
    /// As [`Standardizer::transform`].
    pub fn accuracy(&self, data: &Tabular) -> Result<f32> {
        let logits = self.forward(self.inputs(data)?)?;
        Ok(hits(&logits, data.targets()) as f32 / data.len().max(1) as f32)
    }

    /// Runs stage `k` (index into [`LAYERS`]) on a `[B, N]` tensor.
    fn stage<T: Tape<f32, Cpu>>(
        &self,
        k: usize,
        x: Tensor<(usize, usize), f32, Cpu, T>,
    ) -> Result<Tensor<(usize, usize), f32, Cpu, T>> {
        let bad = |_| Error::shape(LAYERS[k], "the width the layer takes", &[]);
        Ok(match k {
            0 => dynamic(
                self.layers
                    .fc1
                    .forward(x.try_realize::<(usize, Const<F>)>().map_err(bad)?),
            ),
            2 => dynamic(
                self.layers
                    .fc2
                    .forward(x.try_realize::<(usize, Const<H>)>().map_err(bad)?),
            ),
            4 => dynamic(
                self.layers
                    .fc3
                    .forward(x.try_realize::<(usize, Const<H>)>().map_err(bad)?),
            ),
            _ => x.relu(),
        })
    }

    fn position(&self, layer: &str) -> Result<usize> {
        if layer == INPUT {
            return Ok(0);
        }
        LAYERS
            .iter()
            .position(|&l| l == layer)
            .map(|k| k + 1)
            .ok_or_else(|| {
                Error::unknown_layer(layer, LAYERS.iter().map(|s| s.to_string()).collect())
            })
    }

    /// The width of the activation after `pos` stages.
    fn width(pos: usize) -> usize {
        [F, H, H, H, H, C][pos]
    }
}

fn flat<T: Tape<f32, Cpu>>(
    a: Activation<T>,
    width: usize,
    what: &str,
) -> Result<Tensor<(usize, usize), f32, Cpu, T>> {
    let (b, n, h, w) = *a.shape();
    if n != width || h != 1 || w != 1 {
        return Err(Error::shape(
            what,
            format!("[B, {width}, 1, 1]"),
            &[b, n, h, w],
        ));
    }
    Ok(a.reshape_like(&(b, n)))
}

impl<const F: usize, const H: usize, const C: usize> Explain for TabularMlp<F, H, C> {
    fn name(&self) -> &str {
        "TabularMlp"
    }

    fn input_shape(&self) -> [usize; 3] {
        [F, 1, 1]
    }

    fn num_classes(&self) -> usize {
        C
    }

    fn layers(&self) -> Vec<LayerInfo> {
        let info = |name: &str, kind: String, n: usize, params: usize, key: bool| LayerInfo {
            name: name.into(),
            key: key.then(|| name.into()),
            kind,
            group: None,
            out_shape: [n, 1, 1],
            params,
        };
        vec![
            info("fc1", format!("Linear {F}→{H}"), H, F * H + H, true),
            info("relu1", "ReLU".into(), H, 0, false),
            info("fc2", format!("Linear {H}→{H}"), H, H * H + H, true),
            info("relu2", "ReLU".into(), H, 0, false),
            info("fc3", format!("Linear {H}→{C}"), C, H * C + C, true),
        ]
    }

    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Activation<T>> {
        let _ids = crate::nn::id_guard();
        let end = self.position(layer)?;
        guided_unsupported(relu)?;
        let mut h = flat(x, F, INPUT)?;
        for k in 0..end {
            h = self.stage(k, h)?;
        }
        let (b, n) = *h.shape();
        Ok(h.reshape_like(&(b, n, 1, 1)))
    }

    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Logits<T>> {
        let _ids = crate::nn::id_guard();
        let start = self.position(layer)?;
        guided_unsupported(relu)?;
        let mut h = flat(a, Self::width(start), layer)?;
        for k in start..LAYERS.len() {
            h = self.stage(k, h)?;
        }
        Ok(h)
    }

    /// Re-draws `fc1`, `fc2` or `fc3` from dfdx's default initialisation (uniform in
    /// `±1/√fan_in`), seeded, for the parameter-randomisation sanity check.
    fn randomize_layer(&mut self, layer: &str, seed: u64) -> Result<()> {
        let dev = Cpu::seed_from_u64(seed);
        match layer {
            "fc1" => self.layers.fc1 = BuildModule::build(&dev),
            "fc2" => self.layers.fc2 = BuildModule::build(&dev),
            "fc3" => self.layers.fc3 = BuildModule::build(&dev),
            "relu1" | "relu2" => {
                return Err(Error::invalid(
                    "layer",
                    format!("`{layer}` has no weights; randomise fc1, fc2 or fc3"),
                ))
            }
            _ => {
                return Err(Error::unknown_layer(
                    layer,
                    LAYERS.iter().map(|s| s.to_string()).collect(),
                ))
            }
        }
        Ok(())
    }
}

fn guided_unsupported(relu: ReluGrad) -> Result<()> {
    match relu {
        ReluGrad::Standard => Ok(()),
        ReluGrad::Guided => Err(Error::unsupported(
            "TabularMlp has no guided ReLU: use ReluGrad::Standard",
        )),
    }
}

/// `[B, N]` with a compile-time `N` as a runtime-width tensor (never fails).
fn dynamic<const N: usize, T: Tape<f32, Cpu>>(
    x: Batch<N, T>,
) -> Tensor<(usize, usize), f32, Cpu, T> {
    let (b, n) = (x.shape().0, N);
    x.reshape_like(&(b, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tabular::{credit_risk, Tabular};

    /// 200 credit-risk rows and a 6-feature MLP trained on them for one quiet epoch.
    fn one_epoch_on_credit_risk() -> (Tabular, TabularMlp<6, 8>) {
        let data = credit_risk(200, 3).unwrap();
        let fit = Fit {
            epochs: 1,
            verbose: false,
            ..Fit::tabular()
        };
        let net = TabularMlp::<6, 8>::train(&data, fit).unwrap();
        (data, net)
    }

    #[test]
    fn split_forward_equals_whole_forward_and_bad_layers_are_errors() {
        let (data, net) = one_epoch_on_credit_risk();
        let x = net.inputs(&data).unwrap();
        let whole = net.forward(x.clone()).unwrap().as_vec();
        for layer in ["input", "fc1", "relu1", "fc2", "relu2", "fc3"] {
            let a = net
                .forward_to(x.clone(), layer, ReluGrad::Standard)
                .unwrap();
            let split = net
                .forward_from(a, layer, ReluGrad::Standard)
                .unwrap()
                .as_vec();
            assert_eq!(split, whole, "split at {layer}");
        }
        assert!(net
            .forward_to(x.clone(), "conv1", ReluGrad::Standard)
            .is_err());
        assert!(net.forward_to(x.clone(), "fc1", ReluGrad::Guided).is_err());
        let wrong = net.dev.tensor_from_vec(vec![0.0; 5], (1, 5, 1, 1));
        assert!(net
            .forward(wrong)
            .unwrap_err()
            .to_string()
            .contains("[B, 6, 1, 1]"));
        assert!(TabularMlp::<5>::train(&data, Fit::tabular()).is_err());
    }

    #[test]
    fn randomizing_a_layer_changes_only_that_layer_and_is_seeded() {
        let (_, net) = one_epoch_on_credit_risk();
        let (mut a, mut b) = (net.clone(), net.clone());
        a.randomize_layer("fc3", 9).unwrap();
        b.randomize_layer("fc3", 9).unwrap();
        assert_eq!(a.layers.fc3.weight.as_vec(), b.layers.fc3.weight.as_vec());
        assert_ne!(a.layers.fc3.weight.as_vec(), net.layers.fc3.weight.as_vec());
        assert_eq!(a.layers.fc1.weight.as_vec(), net.layers.fc1.weight.as_vec());
        assert!(a.randomize_layer("relu1", 1).is_err() && a.randomize_layer("conv1", 1).is_err());
    }

    #[test]
    fn training_is_seeded() {
        let data = credit_risk(300, 4).unwrap();
        let fit = Fit {
            epochs: 3,
            verbose: false,
            ..Fit::tabular()
        };
        let a = TabularMlp::<6, 8>::train(&data, fit.clone()).unwrap();
        let b = TabularMlp::<6, 8>::train(&data, fit).unwrap();
        assert_eq!(a.history(), b.history());
        assert!(
            a.history()[2].0 < a.history()[0].0,
            "loss falls: {:?}",
            a.history()
        );
    }
}
