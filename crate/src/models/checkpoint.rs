//! A safetensors checkpoint read into memory, with f32 / f16 / bf16 / f64 tensors converted to f32.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use safetensors::{Dtype, SafeTensors};

use crate::{Error, ErrorKind, Result};

/// A safetensors file held in memory; tensors are converted to f32 when read.
///
/// To convert a PyTorch `.pth` state dict (e.g. torchvision's VGG16) for glassbox, in Python with
/// `torch` and `safetensors` installed:
///
/// ```text
/// python -c "import torch, torchvision, safetensors.torch as st; st.save_file(torchvision.models.vgg16(weights='IMAGENET1K_V1').state_dict(), 'vgg16.safetensors')"
/// ```
///
/// or, from a downloaded file: `st.save_file(torch.load('vgg16-397923af.pth'), 'vgg16.safetensors')`.
#[derive(Clone)]
pub struct Checkpoint {
    what: String,
    bytes: Vec<u8>,
    index: BTreeMap<String, (Dtype, Vec<usize>)>,
    allow_non_finite: bool,
}

impl Checkpoint {
    /// Reads a `.safetensors` file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] if it cannot be read; [`ErrorKind::Format`] if it is not a valid
    /// safetensors file (wrong format, truncated).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(PathBuf::from(path), e))?;
        Self::from_bytes(bytes, path.display().to_string())
    }

    /// Parses safetensors bytes; `what` names them in error messages.
    ///
    /// # Errors
    /// [`ErrorKind::Format`] for bytes that are not a complete safetensors file.
    pub fn from_bytes(bytes: Vec<u8>, what: impl Into<String>) -> Result<Self> {
        let what = what.into();
        let index = {
            let st = SafeTensors::deserialize(&bytes).map_err(|e| {
                Error::format(
                    &what,
                    format!("not a safetensors file (truncated or another format?): {e}"),
                )
            })?;
            st.tensors()
                .into_iter()
                .map(|(k, v)| (k, (v.dtype(), v.shape().to_vec())))
                .collect()
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
    /// use glassbox::Checkpoint;
    /// let dir = std::env::temp_dir().join("glassbox-doc-allow-non-finite");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("nan.safetensors");
    /// glassbox::models::write_safetensors(&path, &[("w".into(), vec![2], vec![1.0, f32::NAN])])?;
    /// assert!(Checkpoint::open(&path)?.tensor("w").is_err());
    /// let values = Checkpoint::open(&path)?.allow_non_finite().tensor("w")?;
    /// assert!(values[1].is_nan());
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn allow_non_finite(mut self) -> Self {
        self.allow_non_finite = true;
        self
    }

    /// The tensor names, sorted.
    pub fn keys(&self) -> Vec<&str> {
        self.index.keys().map(String::as_str).collect()
    }

    /// The shape of tensor `key`, if present.
    pub fn shape(&self, key: &str) -> Option<&[usize]> {
        self.index.get(key).map(|(_, s)| s.as_slice())
    }

    /// Tensor `key` converted to f32, row-major.
    ///
    /// # Errors
    /// [`ErrorKind::MissingWeight`] (with the nearest key as suggestion) if absent;
    /// [`ErrorKind::Format`] for an unsupported dtype (integers, f8);
    /// [`ErrorKind::NonFinite`] naming `key` when a value is NaN or infinite, unless
    /// [`Checkpoint::allow_non_finite`] was called.
    pub fn tensor(&self, key: &str) -> Result<Vec<f32>> {
        let (dtype, _) = self.index.get(key).ok_or_else(|| {
            Error::new(ErrorKind::MissingWeight {
                key: key.into(),
                suggestion: nearest(key, self.index.keys().map(String::as_str)),
            })
        })?;
        let st = SafeTensors::deserialize(&self.bytes)
            .map_err(|e| Error::format(&self.what, e.to_string()))?;
        let view = st
            .tensor(key)
            .map_err(|e| Error::format(&self.what, e.to_string()))?;
        let data = view.data();
        let values: Vec<f32> = match dtype {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F16 => data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::BF16 => data
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::F64 => data
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as f32)
                .collect(),
            other => {
                return Err(Error::format(
                    &self.what,
                    format!(
                        "tensor `{key}` has dtype {other:?}; weights must be f32, f16, bf16 or f64"
                    ),
                ))
            }
        };
        if !self.allow_non_finite && values.iter().any(|v: &f32| !v.is_finite()) {
            return Err(Error::non_finite(format!(
                "checkpoint tensor `{key}` of `{}` (a diverged training run? to load it anyway, open it with `Checkpoint::allow_non_finite`)",
                self.what
            )));
        }
        Ok(values)
    }
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
