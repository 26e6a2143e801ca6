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
use super::mnist_net::MnistNet;
use crate::data::{Mnist, MnistSplit};
use crate::Logits;
use crate::{Error, Explain, Result};

/// Training settings for every trainer: [`MnistNet::train`] and [`train`] (whose learning rate
/// follows a cosine from `lr` down to 0 over all steps) and [`crate::TabularMlp::train`]
/// (constant `lr`; start from [`Fit::tabular`]).
///
/// All use Adam on cross-entropy; the shuffling and the initial weights come from `seed`, so a
/// run is reproducible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// Passes over the training split.
    pub epochs: usize,
    /// Peak learning rate (Adam).
    pub lr: f64,
    /// Rows (images) per step.
    pub batch: usize,
    /// Seed for the initial weights and the shuffling.
    pub seed: u64,
    /// Print one line per epoch (loss, accuracy, time).
    pub verbose: bool,
    /// Use only the first `n` training rows (quick tests); `None` for all.
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

impl Fit {
    /// The settings [`crate::TabularMlp`] is tuned for: 40 epochs, batches of 64, learning rate
    /// 3e-3, seed 0, verbose, all rows.
    pub fn tabular() -> Self {
        Self {
            epochs: 40,
            lr: 3e-3,
            batch: 64,
            ..Self::default()
        }
    }

    /// Refuses zero epochs or batch and a learning rate that is not positive and finite.
    pub(crate) fn check(&self) -> Result<()> {
        if self.epochs == 0 || self.batch == 0 {
            return Err(Error::invalid("fit", "epochs and batch must be at least 1"));
        }
        check_learning_rate("lr", self.lr)
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
    fit.check()?;
    if model.num_classes() != 10 {
        return Err(Error::shape(
            format!("{} logits", model.name()),
            "[B, 10] (one score per digit)",
            &[model.num_classes()],
        ));
    }
    let dev = Cpu::seed_from_u64(fit.seed);
    let n = mnist.train.len();
    let mut history = TrainHistory::default();
    let start = Instant::now();
    let steps = adam_epochs(
        model,
        n,
        &fit,
        Schedule::Cosine,
        |model, chunk, grads| {
            let x = mnist.train.images(chunk.iter().copied())?;
            let labels: Vec<usize> = chunk.iter().map(|&i| mnist.train.label(i)).collect();
            let logits = model.forward(x.traced(grads))?;
            let hits = hits(&logits, &labels);
            Ok((
                cross_entropy_with_logits_loss(logits, one_hot(&dev, &labels, 10)),
                hits,
            ))
        },
        |model, epoch, batches| {
            let rows: usize = batches.iter().map(|b| b.rows).sum();
            let summary = EpochSummary {
                epoch,
                loss: batches.iter().map(|b| b.step.loss).sum::<f32>() / batches.len() as f32,
                train_accuracy: batches.iter().map(|b| b.hits).sum::<usize>() as f32 / rows as f32,
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
            Ok(())
        },
    )?;
    history.steps = steps;
    Ok(history)
}

/// How the learning rate moves over a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// `fit.lr` throughout.
    Constant,
    /// A cosine from `fit.lr` down to 0 over all steps.
    Cosine,
}

/// One step of [`adam_epochs`], as the epoch callback sees it.
pub(crate) struct TrainBatch {
    /// The step's record (loss, batch accuracy, learning rate).
    pub step: TrainStep,
    /// Rows in the batch.
    pub rows: usize,
    /// Rows classified correctly.
    pub hits: usize,
}

/// The one training loop: Adam on `params` over `fit.epochs` shuffled passes through `rows`
/// row indices (the first `fit.limit`), `fit.batch` at a time. `loss` turns a batch of row
/// indices into its loss (on a tape made from the gradients it is given) and its number of
/// correct rows; `end_epoch` sees the epoch's batches. Stops at the first non-finite loss.
/// Returns every step.
pub(crate) fn adam_epochs<P: TensorCollection<f32, Cpu>>(
    params: &mut P,
    rows: usize,
    fit: &Fit,
    schedule: Schedule,
    mut loss: impl FnMut(
        &P,
        &[usize],
        Gradients<f32, Cpu>,
    ) -> Result<(Tensor<(), f32, Cpu, OwnedTape<f32, Cpu>>, usize)>,
    mut end_epoch: impl FnMut(&P, usize, &[TrainBatch]) -> Result<()>,
) -> Result<Vec<TrainStep>> {
    let mut opt = Adam::new(
        params,
        AdamConfig {
            lr: fit.lr,
            ..Default::default()
        },
    );
    let mut grads = params.alloc_grads();
    let mut rng = StdRng::seed_from_u64(fit.seed);
    let n = fit.limit.unwrap_or(usize::MAX).min(rows);
    let mut order: Vec<usize> = (0..n).collect();
    let total_steps = fit.epochs * n.div_ceil(fit.batch);
    let mut steps = Vec::with_capacity(total_steps);
    for epoch in 0..fit.epochs {
        order.shuffle(&mut rng);
        let mut batches = Vec::new();
        for chunk in order.chunks(fit.batch) {
            let step = steps.len() + batches.len();
            let lr = match schedule {
                Schedule::Constant => fit.lr,
                Schedule::Cosine => {
                    fit.lr
                        * 0.5
                        * (1.0 + (std::f64::consts::PI * step as f64 / total_steps as f64).cos())
                }
            };
            opt.cfg.lr = lr;
            let (batch_loss, hits) = loss(params, chunk, grads)?;
            let loss_value = batch_loss.array();
            check_loss("lr", fit.lr, loss_value, step)?;
            grads = batch_loss.backward();
            opt.update(params, &grads).map_err(Error::device)?;
            params.zero_grads(&mut grads);
            batches.push(TrainBatch {
                step: TrainStep {
                    step,
                    epoch,
                    loss: loss_value,
                    accuracy: hits as f32 / chunk.len() as f32,
                    lr,
                },
                rows: chunk.len(),
                hits,
            });
        }
        end_epoch(params, epoch, &batches)?;
        steps.extend(batches.into_iter().map(|b| b.step));
    }
    Ok(steps)
}

/// How many rows of `logits` have their largest score at the label.
pub(crate) fn hits<T>(logits: &Logits<T>, labels: &[usize]) -> usize {
    predicted(logits)
        .iter()
        .zip(labels)
        .filter(|(p, l)| p == l)
        .count()
}

/// The class with the largest score in each row of `logits`.
pub(crate) fn predicted<T>(logits: &Logits<T>) -> Vec<usize> {
    crate::math::argmax_rows(&logits.as_vec(), logits.shape().1)
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
        correct += hits(&logits, &split.labels()[start..end]);
    }
    Ok(correct as f32 / split.len().max(1) as f32)
}

/// Row-major one-hot targets `[labels, classes]`.
pub(crate) fn one_hot(
    dev: &Cpu,
    labels: &[usize],
    classes: usize,
) -> Tensor<(usize, usize), f32, Cpu> {
    let mut data = vec![0.0; labels.len() * classes];
    labels
        .iter()
        .enumerate()
        .for_each(|(i, &l)| data[i * classes + l] = 1.0);
    dev.tensor_from_vec(data, (labels.len(), classes))
}
