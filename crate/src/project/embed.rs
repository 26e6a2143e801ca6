//! A model's hidden layer for a whole dataset, as the rows of a [`Matrix`] to project:
//! `net.embed(&images, "gap")?` → `Tsne::default().fit(&rows)?`.

use std::time::{Duration, Instant};

use dfdx::prelude::*;

use super::Matrix;
use crate::models::{batch_within_budget, Pass};
use crate::{Activation, Error, Explain, ReluGrad, Result};

/// At most this many images per batch, so progress shows on long work.
const MAX_BATCH: usize = 512;
/// Progress lines start once the work has taken this long.
const QUIET_FOR: Duration = Duration::from_secs(2);

/// The activations of one layer for many inputs, one row per input (`C·H·W` values flattened
/// in `[C, H, W]` order, as torch's `flatten`), for [`crate::Pca`], [`crate::Tsne`],
/// [`crate::Umap`] and the kNN metrics. Implemented for every [`Explain`] model.
///
/// # Example
/// ```
/// use glassbox::prelude::*;
/// use glassbox::{Embed, MnistNet};
/// let net = MnistNet::pretrained()?;
/// let mnist = glassbox::data::mnist()?;
/// let rows = net.embed(&mnist.test.images(0..100)?, "gap")?;   // [100, 64]
/// assert_eq!((rows.rows(), rows.cols()), (100, 64));
/// let accuracy = glassbox::knn_accuracy(&rows, &mnist.test.labels()[..100], 5)?;
/// assert!(accuracy > 0.8, "the learned layer separates the digits: {accuracy}");
/// # Ok::<(), glassbox::Error>(())
/// ```
pub trait Embed {
    /// The activations of `layer` for every image of the `[B, C, H, W]` batch `images`, in
    /// batches sized so that no intermediate activation exceeds 128 MiB; a progress line on
    /// stderr when it takes more than two seconds.
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownLayer`] listing the layers; the model's errors for an input
    /// it cannot take ([`crate::ErrorKind::Shape`], [`crate::ErrorKind::NonFinite`]).
    fn embed(&self, images: &Activation, layer: &str) -> Result<Matrix>;

    /// As [`Embed::embed`], over batches given one at a time (e.g.
    /// [`crate::data::MnistSplit::batches`]), so a dataset never has to sit in memory whole.
    ///
    /// # Errors
    /// As [`Embed::embed`]; [`crate::ErrorKind::InvalidArgument`] for no batches at all.
    fn embed_batches<I: IntoIterator<Item = Activation>>(
        &self,
        batches: I,
        layer: &str,
    ) -> Result<Matrix>;
}

impl<M: Explain> Embed for M {
    fn embed(&self, images: &Activation, layer: &str) -> Result<Matrix> {
        let _ids = crate::nn::id_guard();
        let (b, c, h, w) = *images.shape();
        let batch = batch_size(self, layer, [h, w])?;
        if b <= batch {
            return self.embed_batches([images.clone()], layer);
        }
        let data = images.as_vec();
        let per_image = c * h * w;
        let dev = images.device().clone();
        let chunks = data.chunks(batch * per_image).map(move |chunk| {
            dev.tensor_from_vec(chunk.to_vec(), (chunk.len() / per_image, c, h, w))
        });
        embed_all(self, chunks, layer, b)
    }

    fn embed_batches<I: IntoIterator<Item = Activation>>(
        &self,
        batches: I,
        layer: &str,
    ) -> Result<Matrix> {
        let _ids = crate::nn::id_guard();
        embed_all(self, batches, layer, 0)
    }
}

/// Runs every batch to `layer` and stacks the rows; `total` (when known) is for progress.
fn embed_all<M: Explain>(
    model: &M,
    batches: impl IntoIterator<Item = Activation>,
    layer: &str,
    total: usize,
) -> Result<Matrix> {
    let start = Instant::now();
    let (mut data, mut rows, mut cols) = (Vec::new(), 0usize, None);
    for x in batches {
        let a = model.forward_to(x, layer, ReluGrad::Standard)?;
        let (b, c, h, w) = *a.shape();
        let width = *cols.get_or_insert(c * h * w);
        if width != c * h * w {
            return Err(Error::shape(
                format!("`{layer}` activations"),
                format!("{width} values per image, as in the first batch (same image size)"),
                &[b, c, h, w],
            ));
        }
        data.extend(a.as_vec());
        rows += b;
        if start.elapsed() > QUIET_FOR {
            let of = if total > 0 {
                format!("/{total}")
            } else {
                String::new()
            };
            eprint!("\rembedding at `{layer}`: {rows}{of} images");
        }
    }
    if start.elapsed() > QUIET_FOR {
        eprintln!(" in {:.1} s", start.elapsed().as_secs_f64());
    }
    let cols =
        cols.ok_or_else(|| Error::invalid("batches", "give at least one batch of images"))?;
    Matrix::new(rows, cols, data)
}

/// Images per batch: the most whose forward pass to `layer` stays within glassbox's batch
/// memory budget (512 MiB of activations, the default of the batched attribution methods),
/// at most [`MAX_BATCH`].
fn batch_size<M: Explain>(model: &M, layer: &str, hw: [usize; 2]) -> Result<usize> {
    Ok(batch_within_budget(
        model,
        hw,
        Some(layer),
        Pass::Forward,
        MAX_BATCH,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{knn_accuracy, project::AsMatrix, MnistNet};

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-5 * (1.0 + y.abs()))
    }

    #[test]
    fn rows_are_the_layer_activations_whatever_the_batching() {
        let net = MnistNet::pretrained().unwrap();
        let mnist = crate::data::mnist().unwrap();
        let images = mnist.test.images(0..600).unwrap();
        let whole = net.embed(&images, "conv3").unwrap();
        assert_eq!((whole.rows(), whole.cols()), (600, 64 * 7 * 7));
        // Known answer: the `gap` row is the spatial mean of the `conv3` maps.
        let gap = net.embed(&images, "gap").unwrap();
        for i in [0, 17, 599] {
            let means: Vec<f32> = whole
                .row(i)
                .chunks(49)
                .map(|m| m.iter().sum::<f32>() / 49.0)
                .collect();
            assert!(close(gap.row(i), &means), "image {i}");
        }
        // `fc` rows are the logits.
        let logits = net.forward(images.clone()).unwrap().as_vec();
        assert!(close(net.embed(&images, "fc").unwrap().as_slice(), &logits));
        // Batches of 7 (the last one short) give the same rows as one pass.
        let parts = net
            .embed_batches(mnist.test.batches(7).unwrap().take(600 / 7 + 1), "gap")
            .unwrap();
        assert!(close(&parts.as_slice()[..600 * 64], gap.as_slice()));
        // More images than one batch holds: chunked inside `embed`, same rows.
        let conv1 = net.embed(&images, "conv1").unwrap();
        let one = net.forward_to(mnist.test.image(599).unwrap(), "conv1", ReluGrad::Standard);
        assert!(close(conv1.row(599), &one.unwrap().as_vec()));
        assert!(batch_size(&net, "conv1", [28, 28]).unwrap() < 600 || MAX_BATCH < 600);
    }

    #[test]
    fn the_learned_layer_separates_digits_better_than_pixels() {
        let net = MnistNet::pretrained().unwrap();
        let mnist = crate::data::mnist().unwrap();
        let images = mnist.test.all().unwrap();
        let labels = mnist.test.labels();
        let gap = knn_accuracy(&net.embed(&images, "gap").unwrap(), labels, 10).unwrap();
        let pixels = knn_accuracy(&images, labels, 10).unwrap();
        assert!(
            gap > 0.95 && gap > pixels,
            "gap {gap:.3}, pixels {pixels:.3}"
        );
    }

    #[test]
    fn an_activation_reads_as_one_row_per_image() {
        let mnist = crate::data::mnist().unwrap();
        let images = mnist.test.images([3, 5]).unwrap();
        let m = images.as_matrix().unwrap();
        assert_eq!((m.rows(), m.cols()), (2, 784));
        assert_eq!(m.row(1), mnist.test.matrix(5..6).unwrap().as_slice());
    }

    #[test]
    fn bad_requests_are_errors() {
        let net = MnistNet::pretrained().unwrap();
        let mnist = crate::data::mnist().unwrap();
        let x = mnist.test.images(0..3).unwrap();
        let e = net.embed(&x, "conv9").unwrap_err();
        assert!(e.to_string().contains("conv3"), "{e}");
        let e = net.embed_batches(std::iter::empty(), "gap").unwrap_err();
        assert!(e.to_string().contains("at least one batch"), "{e}");
        let rgb: Activation = Cpu::default().zeros_like(&(2, 3, 28, 28));
        assert!(net.embed(&rgb, "gap").is_err());
        assert!(mnist.test.batches(0).is_err());
        // Batches of different image sizes give different widths at `conv3`.
        let small: Activation = Cpu::default().zeros_like(&(1, 1, 14, 14));
        let e = net.embed_batches([x, small], "conv3").unwrap_err();
        assert!(e.to_string().contains("same image size"), "{e}");
    }
}
