//! Training on the shipped digits: [`train`] for any dfdx-trainable [`Explain`] model
//! ([`MnistNet::train`] from scratch), [`Fit`] settings, [`TrainHistory`].

use std::time::Instant;

use dfdx::losses::cross_entropy_with_logits_loss;
use dfdx::nn::ZeroGrads;
use dfdx::optim::{Adam, AdamConfig, Optimizer};
use dfdx::prelude::*;
use rand::{rngs::StdRng, seq::SliceRandom, SeedableRng};
use serde::{Deserialize, Serialize};

use super::divergence::{check_learning_rate, check_loss};
use super::mnist_net::{argmax_rows, MnistNet};
use crate::data::{Mnist, MnistSplit};
use crate::{Error, Explain, Result};

/// Training settings for [`MnistNet::train`].
///
/// Adam with the learning rate following a cosine from `lr` down to 0 over all steps;
/// the shuffling and the initial weights come from `seed`, so a run is reproducible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// Passes over the training split.
    pub epochs: usize,
    /// Peak learning rate (Adam).
    pub lr: f64,
    /// Images per step.
    pub batch: usize,
    /// Seed for the initial weights and the shuffling.
    pub seed: u64,
    /// Print one line per epoch (loss, accuracy, time).
    pub verbose: bool,
    /// Use only the first `n` training digits (quick tests); `None` for all.
    pub limit: Option<usize>,
}

impl Default for Fit {
    fn default() -> Self {
        Self {
            epochs: 6,
            lr: 5e-3,
            batch: 32,
            seed: 0,
            verbose: true,
            limit: None,
        }
    }
}

/// One optimisation step of a training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainStep {
    /// Global step number, from 0.
    pub step: usize,
    /// Epoch, from 0.
    pub epoch: usize,
    /// Cross-entropy of the batch.
    pub loss: f32,
    /// Fraction of the batch classified correctly.
    pub accuracy: f32,
    /// Learning rate used.
    pub lr: f64,
}

/// One epoch of a training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochSummary {
    /// Epoch, from 0.
    pub epoch: usize,
    /// Mean batch loss.
    pub loss: f32,
    /// Accuracy on the training batches (while training).
    pub train_accuracy: f32,
    /// Accuracy on the test split after the epoch.
    pub test_accuracy: f32,
    /// Seconds since training began.
    pub seconds: f64,
}

/// What happened during [`MnistNet::train`], as plain data (for charts and logs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainHistory {
    /// Every step.
    pub steps: Vec<TrainStep>,
    /// Every epoch.
    pub epochs: Vec<EpochSummary>,
}

impl TrainHistory {
    /// Test accuracy after the last epoch (0 before any).
    pub fn final_test_accuracy(&self) -> f32 {
        self.epochs.last().map_or(0.0, |e| e.test_accuracy)
    }
}

impl MnistNet {
    /// Trains a new network from scratch on `mnist.train`, evaluating on `mnist.test` after each
    /// epoch; prints one line per epoch when `fit.verbose`.
    ///
    /// # Example
    /// ```no_run
    /// use glassbox::{data, Fit, MnistNet};
    /// let (net, history) = MnistNet::train(&data::mnist()?, Fit::default())?;
    /// assert!(history.final_test_accuracy() > 0.97);
    /// # let _ = net;
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for zero epochs or batch, a learning rate that is
    /// not positive and finite, and (naming `lr`) a loss that becomes NaN or infinite.
    pub fn train(mnist: &Mnist, fit: Fit) -> Result<(MnistNet, TrainHistory)> {
        let mut net = MnistNet::new(fit.seed);
        let history = train(&mut net, mnist, fit)?;
        Ok((net, history))
    }

    /// The fraction of `split` classified correctly.
    ///
    /// # Errors
    /// As [`Explain::forward`] (never for the shipped data).
    pub fn accuracy(&self, split: &MnistSplit) -> Result<f32> {
        accuracy(self, split)
    }
}

/// Trains `model` (any [`Explain`] model dfdx can optimise, e.g. a `#[derive(Explain)]`
/// struct) on the shipped digits with Adam, cross-entropy and a cosine learning-rate schedule,
/// as [`MnistNet::train`] does, from the model's current weights. One line per epoch when
/// `fit.verbose`.
///
/// # Example
/// ```no_run
/// use dfdx::prelude::*;
/// use glassbox::{data, Fit, MnistNet};
/// let mut net = MnistNet::new(0);
/// let history = glassbox::train(&mut net, &data::mnist()?, Fit { epochs: 1, ..Fit::default() })?;
/// assert!(history.final_test_accuracy() > 0.9);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::InvalidArgument`] for zero epochs or batch, a learning rate that is not
/// positive and finite, and (naming `lr`) a loss that becomes NaN or infinite; a model whose
/// logits are not 10 wide ([`crate::ErrorKind::Shape`]).
pub fn train<M>(model: &mut M, mnist: &Mnist, fit: Fit) -> Result<TrainHistory>
where
    M: Explain + TensorCollection<f32, Cpu>,
{
    let _ids = crate::nn::id_guard();
    if fit.epochs == 0 || fit.batch == 0 {
        return Err(Error::invalid("fit", "epochs and batch must be at least 1"));
    }
    check_learning_rate("lr", fit.lr)?;
    if model.num_classes() != 10 {
        return Err(Error::shape(
            format!("{} logits", model.name()),
            "[B, 10] (one score per digit)",
            &[model.num_classes()],
        ));
    }
    let dev = Cpu::seed_from_u64(fit.seed);
    let mut opt = Adam::new(
        model,
        AdamConfig {
            lr: fit.lr,
            ..Default::default()
        },
    );
    let mut grads = model.alloc_grads();
    let mut rng = StdRng::seed_from_u64(fit.seed);
    let n = fit.limit.unwrap_or(usize::MAX).min(mnist.train.len());
    let mut order: Vec<usize> = (0..n).collect();
    let total_steps = fit.epochs * n.div_ceil(fit.batch);
    let mut history = TrainHistory::default();
    let start = Instant::now();
    for epoch in 0..fit.epochs {
        order.shuffle(&mut rng);
        let (mut loss_sum, mut correct, first) = (0.0, 0, history.steps.len());
        for chunk in order.chunks(fit.batch) {
            let step = history.steps.len();
            let lr = fit.lr
                * 0.5
                * (1.0 + (std::f64::consts::PI * step as f64 / total_steps as f64).cos());
            opt.cfg.lr = lr;
            let x = mnist.train.images(chunk.iter().copied())?;
            let labels: Vec<usize> = chunk.iter().map(|&i| mnist.train.label(i)).collect();
            let logits = model.forward(x.traced(grads))?;
            let hits = argmax_rows(&logits)
                .iter()
                .zip(&labels)
                .filter(|(p, l)| p == l)
                .count();
            let loss = cross_entropy_with_logits_loss(logits, one_hot(&dev, &labels));
            let loss_value = loss.array();
            check_loss("lr", fit.lr, loss_value, step)?;
            grads = loss.backward();
            opt.update(model, &grads).map_err(|e| {
                Error::new(crate::ErrorKind::Device {
                    reason: format!("{e:?}"),
                })
            })?;
            model.zero_grads(&mut grads);
            loss_sum += loss_value;
            correct += hits;
            history.steps.push(TrainStep {
                step,
                epoch,
                loss: loss_value,
                accuracy: hits as f32 / chunk.len() as f32,
                lr,
            });
        }
        let summary = EpochSummary {
            epoch,
            loss: loss_sum / (history.steps.len() - first) as f32,
            train_accuracy: correct as f32 / n as f32,
            test_accuracy: accuracy(model, &mnist.test)?,
            seconds: start.elapsed().as_secs_f64(),
        };
        if fit.verbose {
            println!(
                "epoch {}/{}: loss {:.4}, train accuracy {:.2} %, test accuracy {:.2} % ({:.1} s)",
                epoch + 1,
                fit.epochs,
                summary.loss,
                100.0 * summary.train_accuracy,
                100.0 * summary.test_accuracy,
                summary.seconds
            );
        }
        history.epochs.push(summary);
    }
    Ok(history)
}

/// The fraction of `split` that `model` classifies correctly.
///
/// # Errors
/// As [`Explain::forward`].
pub fn accuracy<M: Explain>(model: &M, split: &MnistSplit) -> Result<f32> {
    let mut correct = 0;
    for start in (0..split.len()).step_by(500) {
        let end = (start + 500).min(split.len());
        let logits = model.forward(split.images(start..end)?)?;
        correct += argmax_rows(&logits)
            .iter()
            .zip(&split.labels()[start..end])
            .filter(|(p, l)| p == l)
            .count();
    }
    Ok(correct as f32 / split.len().max(1) as f32)
}

fn one_hot(dev: &Cpu, labels: &[usize]) -> Tensor<(usize, usize), f32, Cpu> {
    let mut data = vec![0.0; labels.len() * 10];
    labels
        .iter()
        .enumerate()
        .for_each(|(i, &l)| data[i * 10 + l] = 1.0);
    dev.tensor_from_vec(data, (labels.len(), 10))
}
