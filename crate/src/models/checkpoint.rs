//! A checkpoint read into memory: safetensors or a PyTorch `.pth` state dict, with f32 / f16 /
//! bf16 / f64 tensors converted to f32 when read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use safetensors::{Dtype, SafeTensors};

use super::pth;
use super::stored_tensor::StoredTensor;
use crate::{Error, ErrorKind, Result};

/// A checkpoint file held in memory; tensors are converted to f32 when read.
///
/// Two formats are read, told apart by their first bytes:
/// - **safetensors**, as written by `safetensors.torch.save_file` or [`write_safetensors`];
/// - **PyTorch `.pth` / `.pt`** state dicts as `torch.save(model.state_dict(), path)` writes
///   them, both the zip format (torch ≥ 1.6) and the legacy one (e.g. torchvision's
///   `vgg16-397923af.pth`). Their pickle is read by a restricted reader that knows tensors,
///   storages and (ordered) dicts only: a file naming any other Python global is refused with an
///   error naming it, and no code from the file is ever run.
#[derive(Clone)]
pub struct Checkpoint {
    what: String,
    bytes: Vec<u8>,
    index: BTreeMap<String, StoredTensor>,
    allow_non_finite: bool,
}

impl Checkpoint {
    /// Reads a `.safetensors` or PyTorch `.pth` / `.pt` file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] if it cannot be read; [`ErrorKind::Format`] if it is not a valid
    /// checkpoint (wrong format, truncated, a pickle naming a Python global other than a state
    /// dict's, a training checkpoint holding more than tensors).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(PathBuf::from(path), e))?;
        Self::from_bytes(bytes, path.display().to_string())
    }

    /// Parses the bytes of a safetensors or `.pth` file; `what` names them in error messages.
    ///
    /// # Errors
    /// [`ErrorKind::Format`] for bytes that are not a complete checkpoint, as for [`Self::open`].
    pub fn from_bytes(bytes: Vec<u8>, what: impl Into<String>) -> Result<Self> {
        let what = what.into();
        let index = if pth::is_pth(&bytes) {
            pth::index(&bytes).map_err(|reason| {
                Error::format(
                    &what,
                    format!("not a readable PyTorch state dict: {reason}"),
                )
            })?
        } else {
            safetensors_index(&bytes).map_err(|e| {
                Error::format(
                    &what,
                    format!(
                        "neither a safetensors file nor a PyTorch .pth (truncated or another \
                         format?): {e}"
                    ),
                )
            })?
        };
        Ok(Self {
            what,
            bytes,
            index,
            allow_non_finite: false,
        })
    }

    /// Lets [`Checkpoint::tensor`] (and so every model loader) return NaN and infinite values
    /// instead of refusing them.
    ///
    /// By default a tensor with a NaN or ∞ is an error naming its key: such weights (usually from
    /// a diverged training run) make every prediction garbage without any other sign. Opt out
    /// only to inspect a broken checkpoint.
    ///
    /// # Example
    /// ```
    /// use glassbox::models::Checkpoint;
    /// let dir = std::env::temp_dir().join("glassbox-doc-allow-non-finite");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("nan.safetensors");
    /// glassbox::models::write_safetensors(&path, &[("w".into(), vec![2], vec![1.0, f32::NAN])])?;
    /// assert!(Checkpoint::open(&path)?.tensor("w").is_err());
    /// let values = Checkpoint::open(&path)?.allow_non_finite(true).tensor("w")?;
    /// assert!(values[1].is_nan());
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn allow_non_finite(mut self, allow: bool) -> Self {
        self.allow_non_finite = allow;
        self
    }

    /// The tensor names, sorted.
    pub fn keys(&self) -> Vec<&str> {
        self.index.keys().map(String::as_str).collect()
    }

    /// The shape of tensor `key`, if present.
    pub fn shape(&self, key: &str) -> Option<&[usize]> {
        self.index.get(key).map(|t| t.shape.as_slice())
    }

    /// Tensor `key` converted to f32, row-major.
    ///
    /// # Errors
    /// [`ErrorKind::MissingWeight`] (with the nearest key as suggestion) if absent;
    /// [`ErrorKind::Format`] for an unsupported dtype (integers, f8);
    /// [`ErrorKind::NonFinite`] naming `key` when a value is NaN or infinite, unless
    /// [`Checkpoint::allow_non_finite`] was called.
    pub fn tensor(&self, key: &str) -> Result<Vec<f32>> {
        let stored = self.index.get(key).ok_or_else(|| {
            Error::new(ErrorKind::MissingWeight {
                key: key.into(),
                suggestion: nearest(key, self.index.keys().map(String::as_str)),
            })
        })?;
        let values = stored.to_f32(&self.bytes).ok_or_else(|| {
            Error::format(
                &self.what,
                format!(
                    "tensor `{key}` has dtype {:?}; weights must be f32, f16, bf16 or f64",
                    stored.dtype
                ),
            )
        })?;
        if !self.allow_non_finite && values.iter().any(|v: &f32| !v.is_finite()) {
            return Err(Error::non_finite(format!(
                "checkpoint tensor `{key}` of `{}` (a diverged training run? to load it anyway, \
                 open it with `Checkpoint::allow_non_finite`)",
                self.what
            )));
        }
        Ok(values)
    }
}

/// Validates a safetensors file and places its (contiguous) tensors.
fn safetensors_index(
    bytes: &[u8],
) -> std::result::Result<BTreeMap<String, StoredTensor>, safetensors::SafeTensorError> {
    SafeTensors::deserialize(bytes)?;
    let (header, metadata) = SafeTensors::read_metadata(bytes)?;
    let data = 8 + header;
    Ok(metadata
        .tensors()
        .into_iter()
        .map(|(k, info)| {
            let start = data + info.data_offsets.0;
            (
                k,
                StoredTensor::contiguous(info.dtype, info.shape.clone(), start),
            )
        })
        .collect())
}

impl std::fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Checkpoint({}, {} tensors, {} bytes)",
            self.what,
            self.index.len(),
            self.bytes.len()
        )
    }
}

/// Writes named f32 tensors `(key, shape, values)` as a safetensors file.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] if a shape does not match its values;
/// [`ErrorKind::Io`] if the file cannot be written.
pub fn write_safetensors(
    path: impl AsRef<Path>,
    tensors: &[(String, Vec<usize>, Vec<f32>)],
) -> Result<()> {
    let path = path.as_ref();
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let mut views = Vec::with_capacity(tensors.len());
    for ((key, shape, _), data) in tensors.iter().zip(&bytes) {
        let view = safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), data)
            .map_err(|e| Error::invalid("tensors", format!("`{key}` with shape {shape:?}: {e}")))?;
        views.push((key.as_str(), view));
    }
    let out = safetensors::serialize(views, &None)
        .map_err(|e| Error::invalid("tensors", e.to_string()))?;
    std::fs::write(path, out).map_err(|e| Error::io(path, e))
}

/// The candidate closest to `key` by edit distance, if it is reasonably close.
pub(crate) fn nearest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .map(|c| (edit_distance(key, c), c))
        .filter(|(d, _)| *d <= key.len().max(4) / 2)
        .min()
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtypes_convert_to_f32() {
        let values = [1.5f32, -2.25, 0.0];
        let f16: Vec<u8> = values
            .iter()
            .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
            .collect();
        let bf16: Vec<u8> = values
            .iter()
            .flat_map(|v| half::bf16::from_f32(*v).to_le_bytes())
            .collect();
        let f64b: Vec<u8> = values
            .iter()
            .flat_map(|v| (*v as f64).to_le_bytes())
            .collect();
        let views = vec![
            (
                "a",
                safetensors::tensor::TensorView::new(Dtype::F16, vec![3], &f16).unwrap(),
            ),
            (
                "b",
                safetensors::tensor::TensorView::new(Dtype::BF16, vec![3], &bf16).unwrap(),
            ),
            (
                "c",
                safetensors::tensor::TensorView::new(Dtype::F64, vec![3], &f64b).unwrap(),
            ),
        ];
        let bytes = safetensors::serialize(views, &None).unwrap();
        let ck = Checkpoint::from_bytes(bytes, "mem").unwrap();
        for key in ["a", "b", "c"] {
            assert_eq!(ck.tensor(key).unwrap(), values);
        }
        assert_eq!(ck.shape("a"), Some(&[3][..]));
    }

    #[test]
    fn bad_files_are_format_errors_and_missing_keys_suggest() {
        let e = Checkpoint::from_bytes(b"hello, not a checkpoint".to_vec(), "x.safetensors")
            .unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Format { .. }), "{e}");
        let dir = std::env::temp_dir().join(format!("glassbox-ck-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.safetensors");
        write_safetensors(
            &path,
            &[("features.0.weight".into(), vec![2, 2], vec![1.0; 4])],
        )
        .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let e = Checkpoint::from_bytes(bytes[..bytes.len() - 3].to_vec(), "cut").unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let ck = Checkpoint::open(&path).unwrap();
        let e = ck.tensor("features.0.weights").unwrap_err();
        assert_eq!(
            e.to_string(),
            "checkpoint has no tensor `features.0.weights` (did you mean `features.0.weight`?)"
        );
        assert!(matches!(
            Checkpoint::open(dir.join("nope")).unwrap_err().kind(),
            ErrorKind::Io { .. }
        ));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn edit_distance_known_values() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            nearest("fc6.weight", ["fc6.bias", "zzzzzzzzzz"].into_iter()),
            Some("fc6.bias".into())
        );
    }
}
