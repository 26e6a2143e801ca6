//! Loading and saving any dfdx model's weights by checkpoint key, with a report.
//!
//! A model's `TensorCollection` names its tensors (`features.0.weight`, …); the loader looks each
//! name up in a [`Checkpoint`] (trying aliases such as timm's names), checks the shape, converts
//! the dtype and reports what was `loaded`, `missing` and `unused`.

use std::path::Path;

use dfdx::nn::tensor_collection::{
    RecursiveWalker, TensorCollection, TensorOptions, TensorVisitor, ViewTensorMut, ViewTensorName,
    ViewTensorRef,
};
use dfdx::prelude::{Cpu, HasShape, Shape, Tensor};

use super::checkpoint::{write_safetensors, Checkpoint};
use super::param::{fill, find_key, finish};
use crate::{Error, Result};

/// What a load did: which checkpoint keys were used, which model tensors were not found, and
/// which checkpoint tensors were left over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Checkpoint keys copied into the model.
    pub loaded: Vec<String>,
    /// Model tensor names the checkpoint lacked (empty after a successful strict load).
    pub missing: Vec<String>,
    /// Checkpoint keys no model tensor asked for.
    pub unused: Vec<String>,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "loaded {} tensors", self.loaded.len())?;
        if !self.missing.is_empty() {
            write!(f, "; missing: {}", self.missing.join(", "))?;
        }
        if !self.unused.is_empty() {
            write!(f, "; unused: {}", self.unused.join(", "))?;
        }
        Ok(())
    }
}

/// Other names a model tensor may have in a checkpoint: `(model prefix, checkpoint prefix)`
/// pairs, e.g. `("classifier.0.", "pre_logits.fc1.")` for timm's VGG.
pub type KeyAliases<'a> = &'a [(&'a str, &'a str)];

/// Loads every tensor of `model` from `checkpoint` (strict: all must be present, shapes must fit).
///
/// A tensor is looked up under its own name, then under each alias. A linear weight `[O, I]`
/// also accepts a checkpoint convolution weight `[O, C, KH, KW]` with `C·KH·KW = I` (fully
/// connected layers stored as convolutions, as timm's VGG does).
///
/// # Errors
/// [`crate::ErrorKind::MissingWeight`] naming the first missing tensor, the nearest unused checkpoint key,
/// and (in the message) every other missing one; [`crate::ErrorKind::WeightShape`] with the expected and
/// found shapes; [`crate::ErrorKind::Format`] for unreadable tensors;
/// [`crate::ErrorKind::NonFinite`] naming a tensor with NaN or ∞ values, unless the checkpoint
/// was opened with [`Checkpoint::allow_non_finite`].
pub fn load_weights<M: TensorCollection<f32, Cpu>>(
    model: &mut M,
    checkpoint: &Checkpoint,
    aliases: KeyAliases,
) -> Result<LoadReport> {
    let mut loader = Loader {
        checkpoint,
        aliases,
        report: LoadReport::default(),
    };
    M::iter_tensors(&mut RecursiveWalker {
        m: (model, String::new()),
        f: &mut loader,
    })?;
    finish(loader.report, checkpoint)
}

/// Loads `model` from the safetensors file at `path`; see [`load_weights`].
///
/// # Errors
/// As [`Checkpoint::open`] and [`load_weights`].
pub fn load_safetensors<M: TensorCollection<f32, Cpu>>(
    model: &mut M,
    path: impl AsRef<Path>,
    aliases: KeyAliases,
) -> Result<LoadReport> {
    load_weights(model, &Checkpoint::open(path)?, aliases)
}

/// The model's tensors as `(key, shape, values)`, in declaration order.
pub fn named_tensors<M: TensorCollection<f32, Cpu>>(
    model: &M,
) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut collector = Collector(Vec::new());
    let walked = M::iter_tensors(&mut RecursiveWalker {
        m: (model, String::new()),
        f: &mut collector,
    });
    debug_assert!(walked.is_ok());
    collector.0
}

/// Saves `model` as f32 safetensors under its own tensor names, with `rename` applied
/// (`(key, shape) → (key, shape)`; use it to write another library's layout).
///
/// # Errors
/// [`crate::ErrorKind::Io`] if the file cannot be written; [`crate::ErrorKind::InvalidArgument`] if `rename`
/// returns a shape with a different element count.
pub fn save_safetensors<M: TensorCollection<f32, Cpu>>(
    model: &M,
    path: impl AsRef<Path>,
    rename: impl Fn(&str, &[usize]) -> (String, Vec<usize>),
) -> Result<()> {
    let tensors: Vec<_> = named_tensors(model)
        .into_iter()
        .map(|(k, s, v)| {
            let (k, s) = rename(&k, &s);
            (k, s, v)
        })
        .collect();
    write_safetensors(path, &tensors)
}

struct Loader<'a> {
    checkpoint: &'a Checkpoint,
    aliases: KeyAliases<'a>,
    report: LoadReport,
}

impl TensorVisitor<f32, Cpu> for Loader<'_> {
    type Viewer = (ViewTensorMut, ViewTensorName);
    type Err = Error;
    type E2 = f32;
    type D2 = Cpu;

    fn visit<S: Shape>(
        &mut self,
        _: TensorOptions<S, f32, Cpu>,
        (t, name): (&mut Tensor<S, f32, Cpu>, String),
    ) -> Result<Option<Tensor<S, f32, Cpu>>> {
        match find_key(self.checkpoint, &name, self.aliases) {
            Some(key) => {
                fill(t, self.checkpoint, &key)?;
                self.report.loaded.push(key);
            }
            None => self.report.missing.push(name),
        }
        Ok(None)
    }
}

struct Collector(Vec<(String, Vec<usize>, Vec<f32>)>);

impl TensorVisitor<f32, Cpu> for Collector {
    type Viewer = (ViewTensorRef, ViewTensorName);
    type Err = Error;
    type E2 = f32;
    type D2 = Cpu;

    fn visit<S: Shape>(
        &mut self,
        _: TensorOptions<S, f32, Cpu>,
        (t, name): (&Tensor<S, f32, Cpu>, String),
    ) -> Result<Option<Tensor<S, f32, Cpu>>> {
        let shape = t.shape().concrete().into_iter().collect();
        self.0.push((name, shape, t.as_vec()));
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use dfdx::prelude::*;

    type Mlp = (Linear<6, 3>, ReLU, Linear<3, 2>);

    fn tmp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("glassbox-weights-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn round_trip_reproduces_outputs_and_reports() {
        let dev = Cpu::default();
        let a = dev.build_module::<Mlp, f32>();
        let path = tmp("mlp.safetensors");
        save_safetensors(&a, &path, |k, s| (k.to_string(), s.to_vec())).unwrap();
        let mut b = dev.build_module::<Mlp, f32>();
        let x: Tensor<Rank2<4, 6>, f32, Cpu> = dev.sample_normal();
        assert_ne!(a.forward(x.clone()).as_vec(), b.forward(x.clone()).as_vec());
        let report = load_safetensors(&mut b, &path, &[]).unwrap();
        assert_eq!(report.loaded, ["0.weight", "0.bias", "2.weight", "2.bias"]);
        assert!(report.missing.is_empty() && report.unused.is_empty());
        assert_eq!(a.forward(x.clone()).as_vec(), b.forward(x).as_vec());
        assert_eq!(report.to_string(), "loaded 4 tensors");
    }

    #[test]
    fn aliases_and_conv_shaped_linear_weights_load() {
        let dev = Cpu::default();
        let a = dev.build_module::<Mlp, f32>();
        let path = tmp("conv-shaped.safetensors");
        // The first layer written as a 6 = 1·2·3 "conv" under another name, plus an extra tensor.
        save_safetensors(&a, &path, |k, s| match k {
            "0.weight" => ("fc1.weight".into(), vec![3, 1, 2, 3]),
            "0.bias" => ("fc1.bias".into(), s.to_vec()),
            _ => (k.to_string(), s.to_vec()),
        })
        .unwrap();
        let mut b = dev.build_module::<Mlp, f32>();
        let report = load_safetensors(&mut b, &path, &[("0.", "fc1.")]).unwrap();
        assert_eq!(
            report.loaded,
            ["fc1.weight", "fc1.bias", "2.weight", "2.bias"]
        );
        assert_eq!(named_tensors(&a), named_tensors(&b));
    }

    #[test]
    fn missing_and_misshaped_tensors_are_named() {
        let dev = Cpu::default();
        let a = dev.build_module::<Mlp, f32>();
        let path = tmp("renamed.safetensors");
        save_safetensors(&a, &path, |k, s| (k.replace("bias", "b"), s.to_vec())).unwrap();
        let mut b = dev.build_module::<Mlp, f32>();
        let e = load_safetensors(&mut b, &path, &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "checkpoint has no tensor `0.bias` (did you mean `0.b`?): also missing: 2.bias"
        );
        let path = tmp("wide.safetensors");
        save_safetensors(&a, &path, |k, s| match k {
            "2.weight" => (k.to_string(), vec![3, 2]),
            _ => (k.to_string(), s.to_vec()),
        })
        .unwrap();
        let e = load_safetensors(&mut b, &path, &[]).unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::WeightShape {
                key: "2.weight".into(),
                expected: vec![2, 3],
                found: vec![3, 2]
            }
        );
    }
}
