//! PyTorch `.pth` / `.pt` state dicts, in both formats `torch.save` writes.
//!
//! - **Zip** (torch ≥ 1.6): `<name>/data.pkl` pickles the dict; each storage is the stored
//!   (uncompressed) entry `<name>/data/<key>`, so tensors are read in place from the file's bytes.
//! - **Legacy** (`_use_new_zipfile_serialization=False`, and torchvision's original VGG files):
//!   five pickles in a row (magic number, protocol, system info, the dict, the storage keys),
//!   then each storage as an 8-byte element count and its raw bytes.
//!
//! Both pickles go through the restricted reader in [`super::pickle`].

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::ops::Range;

use super::pickle::{self, TensorRef, Value};
use super::stored_tensor::StoredTensor;

/// The first pickle of a legacy file.
const LEGACY_MAGIC: i128 = 0x1950a86a20f9469cfc6c;

/// Whether `bytes` start like a file `torch.save` wrote.
pub(crate) fn is_pth(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || is_legacy(bytes)
}

/// A protocol 2–5 pickle whose first value is a 10-byte integer (the legacy magic number).
fn is_legacy(bytes: &[u8]) -> bool {
    matches!(bytes, [0x80, 2..=5, 0x8a, 0x0a, ..])
}

/// The tensors of a state dict, by key, located in `bytes`.
///
/// Errors are reasons in words, for the caller to wrap with the file's name.
pub(crate) fn index(bytes: &[u8]) -> Result<BTreeMap<String, StoredTensor>, String> {
    if is_legacy(bytes) {
        legacy(bytes)
    } else {
        zip(bytes)
    }
}

fn zip(bytes: &[u8]) -> Result<BTreeMap<String, StoredTensor>, String> {
    let bad = |e: zip::result::ZipError| format!("not a readable zip archive (truncated?): {e}");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    // The archive's top folder is named after the file torch.save wrote, so find it.
    let pkl_name = archive
        .file_names()
        .filter(|n| n.ends_with("/data.pkl") || *n == "data.pkl")
        .min_by_key(|n| n.len())
        .ok_or("the zip archive has no `data.pkl`: not a file torch.save wrote")?
        .to_string();
    let prefix = &pkl_name[..pkl_name.len() - "data.pkl".len()];
    if let Some(order) = read_entry(&mut archive, &format!("{prefix}byteorder"))? {
        if order != b"little" {
            return Err("the tensors are stored big-endian; re-save the file on a \
                        little-endian machine"
                .into());
        }
    }
    let pkl = read_entry(&mut archive, &pkl_name)?.unwrap_or_default();
    let (root, _) = pickle::load(&pkl)?;
    let mut storages: HashMap<String, Range<usize>> = HashMap::new();
    state_dict(root)?
        .into_iter()
        .map(|(key, t)| {
            let range = match storages.get(&t.storage.key) {
                Some(r) => r.clone(),
                None => {
                    let name = format!("{prefix}data/{}", t.storage.key);
                    let r = stored_range(&mut archive, &name, bytes.len())?;
                    storages.insert(t.storage.key.clone(), r.clone());
                    r
                }
            };
            Ok((key.clone(), locate(&key, t, range)?))
        })
        .collect()
}

/// Reads a whole entry (checking its CRC); `None` if the archive lacks it.
fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let mut entry = match archive.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("cannot read `{name}` in the archive: {e}")),
    };
    let mut out = Vec::with_capacity(entry.size().min(1 << 26) as usize);
    entry
        .read_to_end(&mut out)
        .map_err(|e| format!("`{name}` in the archive is damaged: {e}"))?;
    Ok(Some(out))
}

/// Where a storage entry's bytes lie in the file, after checking its CRC.
fn stored_range(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    file_len: usize,
) -> Result<Range<usize>, String> {
    let mut entry = archive
        .by_name(name)
        .map_err(|e| format!("the storage `{name}` is missing from the archive: {e}"))?;
    if entry.compression() != zip::CompressionMethod::Stored {
        return Err(format!(
            "the storage `{name}` is compressed; torch.save stores tensors uncompressed \
             (was the file re-zipped? save it again with torch.save)"
        ));
    }
    let start = usize::try_from(entry.data_start()).unwrap_or(usize::MAX);
    let len = usize::try_from(entry.size()).unwrap_or(usize::MAX);
    let range = start..start.saturating_add(len);
    if range.end > file_len {
        return Err(format!(
            "the storage `{name}` runs past the end of the file (truncated?)"
        ));
    }
    std::io::copy(&mut entry, &mut std::io::sink())
        .map_err(|e| format!("the storage `{name}` is damaged: {e}"))?;
    Ok(range)
}

fn legacy(bytes: &[u8]) -> Result<BTreeMap<String, StoredTensor>, String> {
    let mut pos = 0;
    let mut next = || -> Result<Value, String> {
        let (value, used) = pickle::load(&bytes[pos..])?;
        pos += used;
        Ok(value)
    };
    if next()? != Value::Int(LEGACY_MAGIC) {
        return Err("the legacy header lacks PyTorch's magic number".into());
    }
    match next()? {
        Value::Int(1001) => {}
        _ => return Err("the legacy protocol version is not 1001".into()),
    }
    if let Value::Dict(info) = next()? {
        let big = (Value::Str("little_endian".into()), Value::Bool(false));
        if info.contains(&big) {
            return Err("the tensors are stored big-endian; re-save the file on a \
                        little-endian machine"
                .into());
        }
    }
    let tensors = state_dict(next()?)?;
    let Value::List(keys) = next()? else {
        return Err("the legacy storage key list is missing".into());
    };
    // Each storage: an i64 element count, then its bytes. The element size comes from the
    // dtype the tensors name for that storage.
    let dtypes: HashMap<&str, usize> = tensors
        .iter()
        .map(|(_, t)| (t.storage.key.as_str(), t.storage.dtype.size()))
        .collect();
    let mut storages = HashMap::new();
    for key in &keys {
        let Value::Str(key) = key else {
            return Err("a legacy storage key is not a string".into());
        };
        let size = *dtypes.get(key.as_str()).ok_or("a storage no tensor uses")?;
        let count = bytes
            .get(pos..pos + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0xff; 8])))
            .ok_or("the file ends before its storages (truncated?)")?;
        let start = pos + 8;
        let end = usize::try_from(count)
            .ok()
            .and_then(|n| n.checked_mul(size))
            .and_then(|n| n.checked_add(start))
            .filter(|&e| e <= bytes.len())
            .ok_or("the file ends inside a storage (truncated?)")?;
        storages.insert(key.as_str(), start..end);
        pos = end;
    }
    tensors
        .iter()
        .map(|(key, t)| {
            let range = storages.get(t.storage.key.as_str()).cloned();
            let range = range.ok_or_else(|| format!("tensor `{key}` has no stored data"))?;
            Ok((key.clone(), locate(key, t.clone(), range)?))
        })
        .collect()
}

/// The `(key, tensor)` pairs of a pickled state dict.
fn state_dict(root: Value) -> Result<Vec<(String, TensorRef)>, String> {
    let Value::Dict(items) = root else {
        return Err("the pickle holds no dict; save `model.state_dict()`".into());
    };
    items
        .into_iter()
        .map(|(k, v)| match (k, v) {
            (Value::Str(k), Value::Tensor(t)) => Ok((k, t)),
            (Value::Str(k), _) => Err(format!(
                "`{k}` is not a tensor: the file holds more than a state dict (a training \
                 checkpoint?); save `model.state_dict()` alone"
            )),
            _ => Err("a state dict key is not a string".into()),
        })
        .collect()
}

/// Places tensor `key` in the file, its storage being `storage`.
fn locate(key: &str, t: TensorRef, storage: Range<usize>) -> Result<StoredTensor, String> {
    let offset = t
        .storage
        .offset
        .checked_add(t.offset)
        .ok_or("offset overflow")?;
    StoredTensor::strided(t.storage.dtype, t.shape, t.strides, offset, storage)
        .map_err(|e| format!("tensor `{key}`: {e}"))
}
