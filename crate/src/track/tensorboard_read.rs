//! Reading TensorBoard event files back, checking every CRC: [`read_event_file`].

use std::path::Path;

use super::crc32c::masked_crc32c;
use super::protobuf::{fields, Field};
use crate::{Error, Result};

/// One record of an event file, as [`read_event_file`] decodes it.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorBoardEvent {
    /// Seconds since the Unix epoch when it was written.
    pub wall_time: f64,
    /// The training step.
    pub step: i64,
    /// `"brain.Event:2"` in the first record of a file.
    pub file_version: Option<String>,
    /// The summary values (tag + data) it carries.
    pub values: Vec<(String, TensorBoardValue)>,
}

/// The data of one summary value.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TensorBoardValue {
    /// A `simple_value` scalar.
    Scalar(f32),
    /// An encoded image.
    Image {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The encoded image (PNG for files glassbox writes).
        encoded: Vec<u8>,
    },
    /// A string tensor (the text plugin's format).
    Text(String),
    /// Anything else (histograms, audio, other plugins): skipped.
    Other,
}

/// Reads every record of a TensorBoard event file, verifying both masked CRC-32Cs of each.
///
/// # Errors
/// [`crate::ErrorKind::Io`] if the file cannot be read; [`crate::ErrorKind::Format`] naming the
/// byte offset for a truncated record, a CRC mismatch or a malformed protobuf.
///
/// # Example
/// See [`crate::track::TensorBoardWriter`].
pub fn read_event_file(path: impl AsRef<Path>) -> Result<Vec<TensorBoardEvent>> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let what = path.display().to_string();
    let mut events = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let bad =
            |reason: String| Error::format(what.clone(), format!("record at byte {at}: {reason}"));
        let header = bytes
            .get(at..at + 12)
            .ok_or_else(|| bad("truncated header".into()))?;
        let (len_bytes, len_crc) = header.split_at(8);
        if masked_crc32c(len_bytes).to_le_bytes() != len_crc {
            return Err(bad("length CRC mismatch".into()));
        }
        let len = usize::try_from(u64::from_le_bytes(len_bytes.try_into().expect("8 bytes")))
            .map_err(|_| bad("length too large".into()))?;
        let data = bytes
            .get(at + 12..at + 12 + len)
            .ok_or_else(|| bad(format!("truncated data ({len} bytes announced)")))?;
        let crc = bytes
            .get(at + 12 + len..at + 16 + len)
            .ok_or_else(|| bad("truncated data CRC".into()))?;
        if masked_crc32c(data).to_le_bytes() != crc {
            return Err(bad("data CRC mismatch".into()));
        }
        events.push(decode_event(data).map_err(|e| bad(e.to_string()))?);
        at += 16 + len;
    }
    Ok(events)
}

fn decode_event(data: &[u8]) -> Result<TensorBoardEvent> {
    let mut event = TensorBoardEvent {
        wall_time: 0.0,
        step: 0,
        file_version: None,
        values: Vec::new(),
    };
    for (field, value) in fields(data)? {
        match (field, value) {
            (1, Field::Fixed64(bits)) => event.wall_time = f64::from_bits(bits),
            (2, Field::Varint(step)) => event.step = step as i64,
            (3, Field::Bytes(v)) => event.file_version = Some(String::from_utf8_lossy(v).into()),
            (5, Field::Bytes(summary)) => {
                for (field, value) in fields(summary)? {
                    if let (1, Field::Bytes(v)) = (field, value) {
                        event.values.push(decode_value(v)?);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(event)
}

fn decode_value(data: &[u8]) -> Result<(String, TensorBoardValue)> {
    let mut tag = String::new();
    let mut value = TensorBoardValue::Other;
    for (field, v) in fields(data)? {
        match (field, v) {
            (1, Field::Bytes(t)) => tag = String::from_utf8_lossy(t).into(),
            (2, Field::Fixed32(bits)) => value = TensorBoardValue::Scalar(f32::from_bits(bits)),
            (4, Field::Bytes(image)) => {
                let (mut width, mut height, mut encoded) = (0, 0, Vec::new());
                for (field, v) in fields(image)? {
                    match (field, v) {
                        (1, Field::Varint(h)) => height = h as u32,
                        (2, Field::Varint(w)) => width = w as u32,
                        (4, Field::Bytes(png)) => encoded = png.to_vec(),
                        _ => {}
                    }
                }
                value = TensorBoardValue::Image {
                    width,
                    height,
                    encoded,
                };
            }
            (8, Field::Bytes(tensor)) => {
                for (field, v) in fields(tensor)? {
                    if let (8, Field::Bytes(s)) = (field, v) {
                        value = TensorBoardValue::Text(String::from_utf8_lossy(s).into());
                    }
                }
            }
            _ => {}
        }
    }
    Ok((tag, value))
}
