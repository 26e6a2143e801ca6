//! [`Param`]: a model tensor seen through its shape and values, so hand-written models (VGG)
//! load, save and count their weights through one small path.

use dfdx::prelude::{Cpu, HasShape, Shape, Tensor};

use super::checkpoint::{nearest, Checkpoint};
use super::weights::{KeyAliases, LoadReport};
use crate::{Error, ErrorKind, Result};

/// A parameter tensor with its shape and values erased to `Vec`s.
pub trait Param {
    /// The shape, e.g. `[64, 3, 3, 3]`.
    fn dims(&self) -> Vec<usize>;
    /// The values, row-major.
    fn values(&self) -> Vec<f32>;
    /// Overwrites the values (row-major; the length must equal the element count).
    fn set_values(&mut self, values: &[f32]);
}

impl<S: Shape> Param for Tensor<S, f32, Cpu> {
    fn dims(&self) -> Vec<usize> {
        self.shape().concrete().into_iter().collect()
    }
    fn values(&self) -> Vec<f32> {
        self.as_vec()
    }
    fn set_values(&mut self, values: &[f32]) {
        self.copy_from(values);
    }
}

/// Whether a checkpoint tensor of shape `found` may fill a model tensor of shape `expected`:
/// equal, or a linear weight `[O, I]` stored as a convolution `[O, C, KH, KW]`, `C·KH·KW = I`.
pub(crate) fn shapes_fit(expected: &[usize], found: &[usize]) -> bool {
    expected == found
        || (expected.len() == 2
            && found.len() == 4
            && expected[0] == found[0]
            && expected[1] == found[1..].iter().product::<usize>())
}

/// The checkpoint key for model tensor `name`: itself, else the first alias present.
pub(crate) fn find_key(checkpoint: &Checkpoint, name: &str, aliases: KeyAliases) -> Option<String> {
    std::iter::once(name.to_string())
        .chain(
            aliases
                .iter()
                .filter_map(|(from, to)| name.strip_prefix(from).map(|rest| format!("{to}{rest}"))),
        )
        .find(|k| checkpoint.shape(k).is_some())
}

/// Copies checkpoint tensor `key` into `param` after checking its shape.
pub(crate) fn fill(param: &mut dyn Param, checkpoint: &Checkpoint, key: &str) -> Result<()> {
    let expected = param.dims();
    let found = checkpoint.shape(key).unwrap_or_default().to_vec();
    if !shapes_fit(&expected, &found) {
        return Err(Error::new(ErrorKind::WeightShape {
            key: key.into(),
            expected,
            found,
        }));
    }
    param.set_values(&checkpoint.tensor(key)?);
    Ok(())
}

/// Loads named parameters (strict), as [`crate::load_weights`] does for dfdx modules.
pub(crate) fn load_params(
    params: Vec<(String, &mut dyn Param)>,
    checkpoint: &Checkpoint,
    aliases: KeyAliases,
) -> Result<LoadReport> {
    let mut report = LoadReport::default();
    for (name, param) in params {
        match find_key(checkpoint, &name, aliases) {
            Some(key) => {
                fill(param, checkpoint, &key)?;
                report.loaded.push(key);
            }
            None => report.missing.push(name),
        }
    }
    finish(report, checkpoint)
}

/// Fills `unused` and turns missing tensors into the error.
pub(crate) fn finish(mut report: LoadReport, checkpoint: &Checkpoint) -> Result<LoadReport> {
    report.unused = checkpoint
        .keys()
        .into_iter()
        .filter(|k| !report.loaded.iter().any(|l| l == k))
        .map(String::from)
        .collect();
    if let Some(first) = report.missing.first() {
        let suggestion = nearest(first, report.unused.iter().map(String::as_str));
        let error = Error::new(ErrorKind::MissingWeight {
            key: first.clone(),
            suggestion,
        });
        return Err(match report.missing.len() {
            1 => error,
            _ => error.with_source(MissingList(report.missing[1..].join(", "))),
        });
    }
    Ok(report)
}

#[derive(Debug)]
struct MissingList(String);

impl std::fmt::Display for MissingList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "also missing: {}", self.0)
    }
}

impl std::error::Error for MissingList {}
