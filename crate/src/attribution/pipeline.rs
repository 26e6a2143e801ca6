//! The shared machinery: input checks, one traced backward pass at a named layer, forward scores.
//!
//! Every gradient method runs [`backprop`]: forward to the layer, trace the activation, run the
//! rest of the network, select each row's target score, sum them (images do not interact, so
//! one backward pass gives every image's own gradient), backward, read the activation's gradient.

use dfdx::prelude::*;

use crate::attribution::target::Rows;
use crate::math::{self, argmax};
use crate::models::INPUT;
use crate::{Activation, Error, Explain, ReluGrad, Result, Target};

/// A layer's activations and the gradient of the target scores with respect to them.
pub(crate) struct LayerGrads {
    /// Activations `[R, C, H, W]`, row-major.
    pub acts: Vec<f32>,
    /// ∂(score of row r)/∂acts, same shape.
    pub grads: Vec<f32>,
    /// `[R, C, H, W]`.
    pub shape: [usize; 4],
    /// The `(image, class)` of each row.
    pub rows: Rows,
    /// Each row's target score (logit or probability).
    pub scores: Vec<f32>,
}

/// The `[B, C, H, W]` shape of an activation.
pub(crate) fn dims(t: &Activation) -> [usize; 4] {
    let (b, c, h, w) = *t.shape();
    [b, c, h, w]
}

/// A tensor from row-major values.
pub(crate) fn tensor(values: Vec<f32>, [b, c, h, w]: [usize; 4]) -> Activation {
    // Every input the pipeline makes is created here: sync first (free inside a held guard).
    crate::nn::sync_tensor_ids();
    Cpu::default().tensor_from_vec(values, (b, c, h, w))
}

/// Checks an input batch against the model: rank, channels, non-empty, finite values.
///
/// Spatial size is left to the model, whose forward pass names what it can take.
pub(crate) fn check_input<M: Explain>(model: &M, x: &Activation) -> Result<[usize; 4]> {
    crate::nn::sync_tensor_ids();
    let shape = dims(x);
    let [c, h, w] = model.input_shape();
    if shape[0] == 0 || shape[1] != c || shape[2] == 0 || shape[3] == 0 {
        return Err(Error::shape(
            "input",
            format!(
                "[B ≥ 1, {c}, H, W] ({} takes {c}×{h}×{w} images)",
                model.name()
            ),
            &shape,
        ));
    }
    crate::size_limit::checked_len("input", &shape)?;
    if x.as_vec().iter().any(|v| !v.is_finite()) {
        return Err(Error::non_finite("the input"));
    }
    Ok(shape)
}

/// The model's name for `layer` ([`Explain::resolve_layer`], the one resolver every method
/// checks its layer with): [`INPUT`], a layer name or an alias the model accepts.
pub(crate) fn check_layer<M: Explain>(model: &M, layer: &str) -> Result<String> {
    model.resolve_layer(layer)
}

/// Copies image rows `index` of `x` into a new batch.
pub(crate) fn gather(x: &Activation, index: &[usize]) -> Activation {
    let [_, c, h, w] = dims(x);
    let v = x.as_vec();
    let n = c * h * w;
    let out = index
        .iter()
        .flat_map(|&i| v[i * n..(i + 1) * n].iter().copied())
        .collect();
    tensor(out, [index.len(), c, h, w])
}

/// Expands the target to rows; returns the (possibly repeated) input and the rows, or `None`
/// rows when the classes are to be picked from this very pass (`Target::Predicted`).
pub(crate) fn plan<M: Explain>(
    model: &M,
    x: &Activation,
    target: &Target,
) -> Result<(Activation, Option<Rows>)> {
    let [b, ..] = dims(x);
    let k = model.num_classes();
    match target.base() {
        Target::Predicted => Ok((x.clone(), None)),
        Target::TopK(_) => {
            let logits = model.forward(x.clone())?.as_vec();
            let rows = target.resolve(&logits, b)?;
            Ok((gather(x, &rows.image), Some(rows)))
        }
        // Only the class range matters here; the logits' values are not read.
        _ => Ok((x.clone(), Some(target.resolve(&vec![0.0; b * k], b)?))),
    }
}

/// One backward pass: gradients of each row's target score with respect to `layer`'s output.
///
/// `x` holds one image per row; `rows = None` picks each row's predicted class.
pub(crate) fn backprop<M: Explain>(
    model: &M,
    x: Activation,
    layer: &str,
    relu: ReluGrad,
    rows: Option<Rows>,
    softmax: bool,
) -> Result<LayerGrads> {
    let a = model.forward_to(x, layer, relu)?;
    let mut grads = Gradients::leaky();
    grads.try_alloc_for(&a).map_err(Error::device)?;
    // Only the activation's gradient is read: convolutions skip their weight gradients.
    let logits = crate::nn::without_weight_grads(|| {
        model.forward_from(a.clone().traced(grads), layer, relu)
    })?;
    let (r, k) = *logits.shape();
    let values = logits.retaped::<NoneTape>().as_vec();
    let rows = match rows {
        Some(rows) => rows,
        None => Target::Predicted.resolve(&values, r)?,
    };
    let mut mask = vec![0.0f32; r * k];
    let mut scores = Vec::with_capacity(r);
    for (i, &c) in rows.class.iter().enumerate() {
        let row = &values[i * k..(i + 1) * k];
        mask[i * k + c] = 1.0;
        scores.push(if softmax {
            math::softmax(row)[c]
        } else {
            row[c]
        });
    }
    let mask = Cpu::default().tensor_from_vec(mask, (r, k));
    let selected = if softmax {
        logits.try_softmax::<Axis<1>>().map_err(Error::device)? * mask
    } else {
        logits * mask
    };
    let total = selected.try_sum::<Rank0, _>().map_err(Error::device)?;
    let grads = total.try_backward().map_err(Error::device)?;
    let g = grads.get(&a).as_vec();
    let shape = dims(&a);
    if g.iter().any(|v| !v.is_finite()) {
        return Err(Error::non_finite(format!("the gradient at `{layer}`")));
    }
    Ok(LayerGrads {
        acts: a.as_vec(),
        grads: g,
        shape,
        rows,
        scores,
    })
}

/// Forward-only scores of `classes[r]` for each row `r` of `x`, in chunks of `chunk` rows.
pub(crate) fn scores<M: Explain>(
    model: &M,
    x: &[f32],
    shape: [usize; 3],
    classes: &[usize],
    softmax: bool,
    chunk: usize,
) -> Result<Vec<f32>> {
    let n = shape.iter().product::<usize>();
    let rows = x.len() / n;
    let mut out = Vec::with_capacity(rows);
    let mut start = 0;
    while start < rows {
        let end = (start + chunk.max(1)).min(rows);
        let batch = tensor(
            x[start * n..end * n].to_vec(),
            [end - start, shape[0], shape[1], shape[2]],
        );
        let logits = model.forward(batch)?.as_vec();
        let k = logits.len() / (end - start);
        for (i, row) in logits.chunks(k).enumerate() {
            let c = classes[start + i];
            out.push(if softmax {
                math::softmax(row)[c]
            } else {
                row[c]
            });
        }
        start = end;
    }
    Ok(out)
}

/// Scores images as they are made, `batch` at a time, so memory holds one batch of images
/// rather than all of them (Score-CAM's masks, deletion/insertion steps). Same values as
/// [`scores`] over the whole list.
pub(crate) struct ScoreStream<'m, M> {
    model: &'m M,
    shape: [usize; 3],
    softmax: bool,
    batch: usize,
    images: Vec<f32>,
    classes: Vec<usize>,
    scores: Vec<f32>,
}

impl<'m, M: Explain> ScoreStream<'m, M> {
    pub(crate) fn new(model: &'m M, shape: [usize; 3], softmax: bool, batch: usize) -> Self {
        Self {
            model,
            shape,
            softmax,
            batch: batch.max(1),
            images: Vec::new(),
            classes: Vec::new(),
            scores: Vec::new(),
        }
    }

    /// Adds one image (`C·H·W` values) to be scored for `class`.
    pub(crate) fn push(
        &mut self,
        image: impl IntoIterator<Item = f32>,
        class: usize,
    ) -> Result<()> {
        self.images.extend(image);
        self.classes.push(class);
        if self.classes.len() == self.batch {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if !self.classes.is_empty() {
            let s = scores(
                self.model,
                &self.images,
                self.shape,
                &self.classes,
                self.softmax,
                self.batch,
            )?;
            self.scores.extend(s);
            self.images.clear();
            self.classes.clear();
        }
        Ok(())
    }

    /// Every image's score, in the order pushed.
    pub(crate) fn finish(mut self) -> Result<Vec<f32>> {
        self.flush()?;
        Ok(self.scores)
    }
}

/// The predicted class of each image.
pub(crate) fn predict<M: Explain>(model: &M, x: &Activation) -> Result<Vec<usize>> {
    let logits = model.forward(x.clone())?;
    let (_, k) = *logits.shape();
    Ok(logits.as_vec().chunks(k).map(argmax).collect())
}

/// Gradients of the target scores with respect to the input, one backward pass for the batch.
pub(crate) fn input_grads<M: Explain>(
    model: &M,
    input: &Activation,
    target: &Target,
    relu: ReluGrad,
) -> Result<LayerGrads> {
    check_input(model, input)?;
    let (x, rows) = plan(model, input, target)?;
    backprop(model, x, INPUT, relu, rows, target.is_softmax())
}

/// The one batched loop of the gradient methods (Integrated Gradients, SmoothGrad): input
/// gradients of many generated images, `batch` per backward pass. Job `(r, s)` is the `s`-th
/// image made for row `r` (scored for `rows.class[r]`); `make` appends its `C·H·W` values,
/// `take` gets its gradient, both in job order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn batched_input_grads<M: Explain>(
    model: &M,
    shape: [usize; 3],
    rows: &Rows,
    jobs: &[(usize, usize)],
    batch: usize,
    softmax: bool,
    mut make: impl FnMut((usize, usize), &mut Vec<f32>) -> Result<()>,
    mut take: impl FnMut((usize, usize), &[f32]),
) -> Result<()> {
    let [c, h, w] = shape;
    let img = c * h * w;
    for chunk in jobs.chunks(batch.max(1)) {
        let mut images = Vec::with_capacity(chunk.len() * img);
        for &job in chunk {
            make(job, &mut images)?;
        }
        let sub = Rows {
            image: chunk.iter().map(|j| j.0).collect(),
            class: chunk.iter().map(|j| rows.class[j.0]).collect(),
        };
        let x = tensor(images, [chunk.len(), c, h, w]);
        let g = backprop(model, x, INPUT, ReluGrad::Standard, Some(sub), softmax)?;
        for (j, &job) in chunk.iter().enumerate() {
            take(job, &g.grads[j * img..(j + 1) * img]);
        }
    }
    Ok(())
}

/// Resolves the target to rows without a backward pass (one forward when the target needs the
/// logits), for perturbation methods; returns the rows' images too.
pub(crate) fn resolve_rows<M: Explain>(
    model: &M,
    input: &Activation,
    target: &Target,
) -> Result<(Activation, Rows)> {
    let [b, ..] = dims(input);
    match target.base() {
        Target::Predicted => {
            let class = predict(model, input)?;
            Ok((
                input.clone(),
                Rows {
                    image: (0..b).collect(),
                    class,
                },
            ))
        }
        _ => {
            let (x, rows) = plan(model, input, target)?;
            Ok((x, rows.unwrap_or_default()))
        }
    }
}

/// Checks a count-like argument is at least `min`.
pub(crate) fn at_least(name: &'static str, value: usize, min: usize) -> Result<()> {
    if value < min {
        return Err(Error::invalid(
            name,
            format!("{value} is too small; use at least {min}"),
        ));
    }
    Ok(())
}
