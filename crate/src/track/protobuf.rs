//! Just enough protocol-buffers wire format to write and read TensorBoard's `Event` records.
//!
//! Encoding follows <https://protobuf.dev/programming-guides/encoding/>: each field is a key
//! `(field_number << 3) | wire_type` as a varint, then a varint (type 0), 8 little-endian bytes
//! (type 1), a length-prefixed byte string or sub-message (type 2) or 4 little-endian bytes (type 5).

use crate::{Error, Result};

/// An encoded protobuf message under construction.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Message(Vec<u8>);

impl Message {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn key(&mut self, field: u32, wire_type: u8) {
        put_varint(&mut self.0, (u64::from(field) << 3) | u64::from(wire_type));
    }

    /// An `int32`/`int64`/`enum`/`bool` field (negative values take 10 bytes, as protobuf says).
    pub(crate) fn int(mut self, field: u32, value: i64) -> Self {
        self.key(field, 0);
        put_varint(&mut self.0, value as u64);
        self
    }

    /// A `double` field.
    pub(crate) fn double(mut self, field: u32, value: f64) -> Self {
        self.key(field, 1);
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A `float` field.
    pub(crate) fn float(mut self, field: u32, value: f32) -> Self {
        self.key(field, 5);
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A `bytes` or `string` field.
    pub(crate) fn bytes(mut self, field: u32, value: &[u8]) -> Self {
        self.key(field, 2);
        put_varint(&mut self.0, value.len() as u64);
        self.0.extend_from_slice(value);
        self
    }

    /// An embedded message field.
    pub(crate) fn message(self, field: u32, value: &Message) -> Self {
        self.bytes(field, &value.0)
    }

    /// The encoded bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// One decoded field value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Field<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// Splits an encoded message into `(field_number, value)` pairs, in order.
///
/// # Errors
/// [`crate::ErrorKind::Format`] for truncated input or an unknown wire type.
pub(crate) fn fields(mut data: &[u8]) -> Result<Vec<(u32, Field<'_>)>> {
    let bad = |reason: &str| Error::format("protobuf message", reason.to_string());
    let mut out = Vec::new();
    while !data.is_empty() {
        let key = take_varint(&mut data).ok_or_else(|| bad("truncated field key"))?;
        let field = (key >> 3) as u32;
        let value = match key & 7 {
            0 => Field::Varint(take_varint(&mut data).ok_or_else(|| bad("truncated varint"))?),
            1 => Field::Fixed64(u64::from_le_bytes(
                take(&mut data, 8)
                    .ok_or_else(|| bad("truncated fixed64"))?
                    .try_into()
                    .map_err(|_| bad("fixed64"))?,
            )),
            2 => {
                let len = take_varint(&mut data).ok_or_else(|| bad("truncated length"))?;
                let len = usize::try_from(len).map_err(|_| bad("length too large"))?;
                Field::Bytes(take(&mut data, len).ok_or_else(|| bad("truncated bytes field"))?)
            }
            5 => Field::Fixed32(u32::from_le_bytes(
                take(&mut data, 4)
                    .ok_or_else(|| bad("truncated fixed32"))?
                    .try_into()
                    .map_err(|_| bad("fixed32"))?,
            )),
            other => return Err(bad(&format!("unsupported wire type {other}"))),
        };
        out.push((field, value));
    }
    Ok(out)
}

fn take<'a>(data: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if data.len() < n {
        return None;
    }
    let (head, tail) = data.split_at(n);
    *data = tail;
    Some(head)
}

fn take_varint(data: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = data.split_first()?;
        *data = rest;
        value |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_match_the_spec_examples() {
        // protobuf.dev: 150 encodes as 96 01; field 1 varint 150 is 08 96 01.
        assert_eq!(Message::new().int(1, 150).into_bytes(), [0x08, 0x96, 0x01]);
        // Field 2 string "testing": 12 07 74 65 73 74 69 6e 67.
        assert_eq!(
            Message::new().bytes(2, b"testing").into_bytes(),
            [0x12, 0x07, b't', b'e', b's', b't', b'i', b'n', b'g']
        );
        // -1 as int64 takes ten bytes.
        assert_eq!(Message::new().int(1, -1).into_bytes().len(), 11);
    }

    #[test]
    fn round_trips_every_wire_type() {
        let inner = Message::new().bytes(1, b"tag").float(2, 0.5);
        let msg = Message::new()
            .double(1, 1.25)
            .int(2, 300)
            .message(5, &inner)
            .into_bytes();
        let parsed = fields(&msg).unwrap();
        assert_eq!(parsed[0], (1, Field::Fixed64(1.25f64.to_bits())));
        assert_eq!(parsed[1], (2, Field::Varint(300)));
        let Field::Bytes(inner_bytes) = parsed[2].1 else {
            panic!("expected bytes")
        };
        let inner = fields(inner_bytes).unwrap();
        assert_eq!(inner[0], (1, Field::Bytes(b"tag")));
        assert_eq!(inner[1], (2, Field::Fixed32(0.5f32.to_bits())));
    }

    #[test]
    fn truncated_input_is_an_error() {
        let msg = Message::new().bytes(1, b"hello").into_bytes();
        assert!(fields(&msg[..4]).is_err());
        assert!(fields(&[0x08]).is_err());
        assert!(
            fields(&[0x0B]).is_err(),
            "wire type 3 (groups) is not supported"
        );
    }
}
