//! Score-CAM: channel weights from the class score of the input masked by each channel.
//!
//! Wang et al. (2020), *Score-CAM: Score-Weighted Visual Explanations for Convolutional Neural
//! Networks*, CVPR workshops, <https://arxiv.org/abs/1910.01279>, eqs. (3)–(6) and Alg. 1.
//! Weights are the softmax probability of the class for `x ⊙ H^k`, `H^k` = channel `k`
//! upsampled and min-max normalised (the paper). pytorch-grad-cam instead takes a softmax of
//! the masked logits across channels; both rank channels alike.

use crate::attribution::cam::weighted_sum;
use crate::attribution::pipeline::{
    at_least, check_input, check_layer, dims, resolve_rows, scores, ScoreStream,
};
use crate::math::{bilinear, min_max};
use crate::models::{batch_within_budget, Pass};
use crate::{Activation, Attribution, Explain, ReluGrad, Result, Target};

/// Score-CAM: `L = Σ_k α_k A^k` with `α_k = softmax(f(x ⊙ H^k))_c`; gradient-free.
///
/// Costs one forward pass per channel and image, batched: by default as many masked images per
/// pass as keep its activations within 512 MiB (estimated from the layer table, at most 32),
/// or [`ScoreCam::batch_size`].
/// A constant channel has no mask (its min-max normalisation is 0/0): it gets weight 0 and the
/// result carries a flag saying how many were skipped.
///
/// # Example
/// ```
/// use glassbox::{testing, ScoreCam, Target};
/// let net = testing::gap_net();
/// let map = ScoreCam::new(&net, "relu").explain(&testing::random_input([2, 1, 6, 6], 1), Target::Predicted)?;
/// assert_eq!(map.shape(), [2, 1, 6, 6]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ScoreCam<'m, M> {
    model: &'m M,
    layer: String,
    batch_size: Option<usize>,
}

impl<'m, M: Explain> ScoreCam<'m, M> {
    /// Score-CAM on `model`'s `layer` (checked when explaining).
    pub fn new(model: &'m M, layer: &str) -> Self {
        Self {
            model,
            layer: layer.to_string(),
            batch_size: None,
        }
    }

    /// Masked images per forward pass (memory vs. speed; at least 1, else `explain` errs;
    /// default: by memory, see the type's docs).
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = Some(n);
        self
    }

    /// One map per (image, class) row, `[R, 1, H_l, W_l]`.
    ///
    /// # Errors
    /// As [`crate::GradCam::explain`].
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let [_, c, h, w] = check_input(self.model, input)?;
        let batch_size = self
            .batch_size
            .unwrap_or_else(|| batch_within_budget(self.model, [h, w], None, Pass::Forward, 32));
        at_least("batch_size", batch_size, 1)?;
        let layer = check_layer(self.model, &self.layer)?;
        let (_, rows) = resolve_rows(self.model, input, &target)?;
        let acts = self
            .model
            .forward_to(input.clone(), &layer, ReluGrad::Standard)?;
        let [_, k, lh, lw] = dims(&acts);
        let (acts, x) = (acts.as_vec(), input.as_vec());
        let (img, plane) = (c * h * w, lh * lw);
        let (mut values, mut skipped) = (Vec::new(), 0);
        for (&i, &class) in rows.image.iter().zip(&rows.class) {
            let a = &acts[i * k * plane..(i + 1) * k * plane];
            let xi = &x[i * img..(i + 1) * img];
            // Masked inputs are scored as they are made (ScoreStream), so memory is one batch
            // of images, not one per channel (VGG16 conv5_3: 512 × 224² × 3 floats = 308 MB).
            let mut stream = ScoreStream::new(self.model, [c, h, w], true, batch_size);
            let mut live = Vec::new();
            for ch in 0..k {
                let up = bilinear(&a[ch * plane..(ch + 1) * plane], lh, lw, h, w);
                let (lo, hi) = min_max(up.iter().copied());
                if hi <= lo {
                    skipped += 1; // constant channel: no mask, α = 0
                    continue;
                }
                live.push(ch);
                let mask = |j: usize| (up[j % (h * w)] - lo) / (hi - lo);
                stream.push(xi.iter().enumerate().map(|(j, v)| v * mask(j)), class)?;
            }
            let mut alpha = vec![0.0f32; k];
            live.iter()
                .zip(stream.finish()?)
                .for_each(|(&ch, s)| alpha[ch] = s);
            values.extend(weighted_sum(a, k, &alpha)); // L = Σ_k α_k A^k
        }
        let classes = rows.class.clone();
        let base = scores(
            self.model,
            &crate::attribution::pipeline::gather(input, &rows.image).as_vec(),
            [c, h, w],
            &classes,
            target.is_softmax(),
            batch_size,
        )?;
        let mut out = Attribution::new(
            "Score-CAM",
            values,
            [rows.len(), 1, lh, lw],
            &rows,
            base,
            [h, w],
        )?
        .with_layer(&layer)
        .with_softmax(target.is_softmax());
        if skipped > 0 {
            out.flag(format!(
                "{skipped} constant channel(s) had no mask and got weight 0"
            ));
        }
        Ok(out)
    }
}

crate::attribution::method::attribution_method!(ScoreCam { layer, batch_size }, |_s| "Score-CAM");
