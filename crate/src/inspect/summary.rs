//! [`Summary`]: a model's layers with output shapes, parameter counts and a memory estimate,
//! like Keras' `model.summary()` and torchinfo.

use dfdx::prelude::{Cpu, HasShape, ZerosTensor};

use crate::Explain;
use crate::ReluGrad;
use crate::{Error, Result};

/// One layer's line in a [`Summary`].
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// The layer's name (what `forward_to` takes).
    pub name: String,
    /// What it is (`"Conv2d 3×3, 3→64, pad 1"`).
    pub kind: String,
    /// The block it belongs to, if any.
    pub group: Option<String>,
    /// The output shape `[C, H, W]` the model declares in [`crate::models::LayerInfo::out_shape`].
    pub declared_shape: [usize; 3],
    /// The output shape the forward pass produced, or why it failed.
    pub shape: std::result::Result<[usize; 3], String>,
    /// Trainable parameters.
    pub params: usize,
}

/// A model summary: one row per layer with the output shape *measured* by running the model on
/// a zero input of its [`Explain::input_shape`], parameter counts and a memory estimate.
///
/// `Display` prints a plain-text table; in evcxr it shows as an HTML table. [`Summary::check`]
/// turns a declared shape that disagrees with the forward pass into an error.
///
/// Memory is estimated for one input in f32, as torchinfo does: input, the forward activations
/// of every layer (training keeps about as much again for gradients) and the parameters.
/// MB means 10⁶ bytes.
///
/// # Cost
/// Measuring runs `forward_to` once per layer, each from the input: about `layers / 2` forward
/// passes in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The model's name.
    pub model: String,
    /// The input shape `[C, H, W]` the shapes are measured for.
    pub input_shape: [usize; 3],
    /// The width of the logits.
    pub num_classes: usize,
    /// The measured width of the logits, or why the full forward pass failed.
    pub logits: std::result::Result<usize, String>,
    /// One row per named layer, in forward order.
    pub rows: Vec<SummaryRow>,
}

/// Summarises `model`: see [`Summary`].
pub fn summary<M: Explain>(model: &M) -> Summary {
    let _ids = crate::nn::id_guard();
    let [c, h, w] = model.input_shape();
    let dev = Cpu::default();
    let zeros = || dev.zeros_like(&(1usize, c, h, w));
    let rows = model
        .layers()
        .into_iter()
        .map(|layer| {
            let shape = model
                .forward_to(zeros(), &layer.name, ReluGrad::Standard)
                .map(|a| {
                    let (_, c, h, w) = *a.shape();
                    [c, h, w]
                })
                .map_err(|e| e.to_string());
            SummaryRow {
                name: layer.name,
                kind: layer.kind,
                group: layer.group,
                declared_shape: layer.out_shape,
                shape,
                params: layer.params,
            }
        })
        .collect();
    let logits = model
        .forward(zeros())
        .map(|l| l.shape().1)
        .map_err(|e| e.to_string());
    Summary {
        model: model.name().to_string(),
        input_shape: [c, h, w],
        num_classes: model.num_classes(),
        logits,
        rows,
    }
}

impl Summary {
    /// All parameters, the sum over layers.
    pub fn total_params(&self) -> usize {
        self.rows.iter().map(|r| r.params).sum()
    }

    /// Parameters an optimiser updates. [`crate::models::LayerInfo::params`] counts trainable ones, so
    /// this equals [`Summary::total_params`] (dfdx 0.13 layers have no frozen buffers).
    pub fn trainable_params(&self) -> usize {
        self.total_params()
    }

    /// Bytes of one f32 input.
    pub fn input_bytes(&self) -> usize {
        self.input_shape.iter().product::<usize>() * 4
    }

    /// Bytes of every layer's f32 output for one input (declared shapes where the forward failed).
    pub fn activation_bytes(&self) -> usize {
        self.rows
            .iter()
            .map(|r| {
                r.shape
                    .as_ref()
                    .unwrap_or(&r.declared_shape)
                    .iter()
                    .product::<usize>()
                    * 4
            })
            .sum()
    }

    /// Bytes of the f32 parameters.
    pub fn param_bytes(&self) -> usize {
        self.total_params() * 4
    }

    /// Input + activations + parameters, in bytes.
    pub fn total_bytes(&self) -> usize {
        self.input_bytes() + self.activation_bytes() + self.param_bytes()
    }

    /// Checks that every layer ran and produced its declared shape, and the logits' width.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] naming the first layer whose measured shape differs from its
    /// [`crate::models::LayerInfo::out_shape`]; the forward pass' own error if a layer failed.
    pub fn check(&self) -> Result<()> {
        for r in &self.rows {
            match &r.shape {
                Ok(shape) if *shape == r.declared_shape => {}
                Ok(shape) => {
                    return Err(Error::shape(
                        format!("{} layer `{}` output", self.model, r.name),
                        format!("{:?} as LayerInfo declares", r.declared_shape),
                        shape,
                    ))
                }
                Err(e) => {
                    return Err(Error::unsupported(format!(
                        "layer `{}` failed: {e}",
                        r.name
                    )))
                }
            }
        }
        match &self.logits {
            Ok(n) if *n == self.num_classes => Ok(()),
            Ok(n) => Err(Error::shape(
                format!("{} logits", self.model),
                format!("[1, {}] (num_classes)", self.num_classes),
                &[1, *n],
            )),
            Err(e) => Err(Error::unsupported(format!("the forward pass failed: {e}"))),
        }
    }

    /// The rows as text cells: name, kind, output shape (marked `!` where it differs from the
    /// declared one), params.
    pub(crate) fn cells(&self) -> Vec<[String; 4]> {
        self.rows
            .iter()
            .map(|r| {
                let shape = match &r.shape {
                    Ok(s) if *s == r.declared_shape => format!("{s:?}"),
                    Ok(s) => format!("{s:?} !"),
                    Err(_) => "error !".to_string(),
                };
                [r.name.clone(), r.kind.clone(), shape, thousands(r.params)]
            })
            .collect()
    }

    /// Footnotes for rows whose shape is wrong or whose forward failed.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .rows
            .iter()
            .filter_map(|r| match &r.shape {
                Ok(s) if *s == r.declared_shape => None,
                Ok(s) => Some(format!(
                    "! {}: LayerInfo declares {:?}, the forward pass gives {s:?}",
                    r.name, r.declared_shape
                )),
                Err(e) => Some(format!("! {}: forward failed: {e}", r.name)),
            })
            .collect();
        match &self.logits {
            Ok(n) if *n == self.num_classes => {}
            Ok(n) => notes.push(format!(
                "! logits: {n} wide, num_classes says {}",
                self.num_classes
            )),
            Err(e) => notes.push(format!("! forward to the logits failed: {e}")),
        }
        notes
    }

    /// The totals under the table, as `(label, value)`.
    pub(crate) fn totals(&self) -> Vec<(&'static str, String)> {
        let mb = |b: usize| format!("{:.2} MB", b as f64 / 1e6);
        vec![
            ("Total params", thousands(self.total_params())),
            ("Trainable params", thousands(self.trainable_params())),
            ("Non-trainable params", "0".into()),
            ("Input size", mb(self.input_bytes())),
            ("Forward activations", mb(self.activation_bytes())),
            ("Params size", mb(self.param_bytes())),
            ("Estimated total", mb(self.total_bytes())),
        ]
    }
}

/// `138357544` → `"138,357,544"`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(138_357_544), "138,357,544");
    }
}
