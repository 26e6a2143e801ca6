//! The Jupyter wire protocol (messaging spec 5.3) over ZeroMQ: a message is
//! `identities… <IDS|MSG> signature header parent_header metadata content buffers…`, signed with
//! HMAC-SHA256 over the four JSON frames and keyed by the connection file's `key`.

use anyhow::{bail, Context as _, Result};
use bytes::Bytes;
use hmac::{Hmac, Mac as _};
use serde_json::{json, Value};
use sha2::Sha256;

const DELIMITER: &[u8] = b"<IDS|MSG>";
/// The messaging spec version this kernel speaks.
pub const PROTOCOL_VERSION: &str = "5.3";

/// Signs and checks messages; an empty key turns signing off (the spec allows it).
#[derive(Clone)]
pub struct Signer {
    mac: Option<Hmac<Sha256>>,
}

impl Signer {
    pub fn new(key: &str) -> Self {
        let mac = (!key.is_empty()).then(|| {
            Hmac::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any length")
        });
        Self { mac }
    }

    fn signature(&self, frames: &[Bytes]) -> String {
        let Some(mac) = &self.mac else {
            return String::new();
        };
        let mut mac = mac.clone();
        for frame in frames {
            mac.update(frame);
        }
        to_hex(&mac.finalize().into_bytes())
    }

    fn verify(&self, frames: &[Bytes], signature: &[u8]) -> bool {
        let Some(mac) = &self.mac else {
            return true;
        };
        let Some(expected) = from_hex(signature) else {
            return false;
        };
        let mut mac = mac.clone();
        for frame in frames {
            mac.update(frame);
        }
        mac.verify_slice(&expected).is_ok()
    }
}

/// One Jupyter message, decoded.
#[derive(Clone, Debug)]
pub struct Message {
    /// ZeroMQ routing frames (the client's identity on ROUTER sockets, the topic on IOPub).
    pub identities: Vec<Bytes>,
    pub header: Value,
    pub parent_header: Value,
    pub metadata: Value,
    pub content: Value,
}

impl Message {
    /// Splits, verifies and parses the frames of a received message.
    pub fn decode(frames: Vec<Bytes>, signer: &Signer) -> Result<Self> {
        let Some(at) = frames.iter().position(|f| f.as_ref() == DELIMITER) else {
            bail!("a message without the <IDS|MSG> delimiter");
        };
        if frames.len() < at + 6 {
            bail!(
                "a message with {} frames after the delimiter (at least 5 expected)",
                frames.len() - at - 1
            );
        }
        let (identities, rest) = frames.split_at(at);
        let signature = &rest[1];
        let json_frames = &rest[2..6];
        if !signer.verify(json_frames, signature) {
            bail!("a message with a wrong HMAC signature");
        }
        let parse = |i: usize, what: &str| -> Result<Value> {
            serde_json::from_slice(&json_frames[i])
                .with_context(|| format!("the {what} is not JSON"))
        };
        Ok(Self {
            identities: identities.to_vec(),
            header: parse(0, "header")?,
            parent_header: parse(1, "parent header")?,
            metadata: parse(2, "metadata")?,
            content: parse(3, "content")?,
        })
    }

    /// The frames to send, signed.
    pub fn encode(&self, signer: &Signer) -> Vec<Bytes> {
        let json_frames: Vec<Bytes> = [
            &self.header,
            &self.parent_header,
            &self.metadata,
            &self.content,
        ]
        .iter()
        .map(|v| Bytes::from(serde_json::to_vec(v).expect("a JSON value serialises")))
        .collect();
        let mut frames = self.identities.clone();
        frames.push(Bytes::from_static(DELIMITER));
        frames.push(Bytes::from(signer.signature(&json_frames)));
        frames.extend(json_frames);
        frames
    }

    pub fn msg_type(&self) -> &str {
        self.header["msg_type"].as_str().unwrap_or("")
    }

    /// A new message caused by this one (its parent): for IOPub, with the type as topic.
    pub fn child(&self, session: &str, msg_type: &str, content: Value) -> Self {
        Self {
            identities: vec![Bytes::from(msg_type.to_owned())],
            header: header(session, msg_type),
            parent_header: self.header.clone(),
            metadata: json!({}),
            content,
        }
    }

    /// The reply to this request (`x_request` → `x_reply`), routed back to its sender.
    pub fn reply(&self, session: &str, content: Value) -> Self {
        let msg_type = match self.msg_type().strip_suffix("_request") {
            Some(stem) => format!("{stem}_reply"),
            None => format!("{}_reply", self.msg_type()),
        };
        self.to_sender(session, &msg_type, content)
    }

    /// A message of any type to this message's sender (e.g. an `input_request` on stdin).
    pub fn to_sender(&self, session: &str, msg_type: &str, content: Value) -> Self {
        Self {
            identities: self.identities.clone(),
            ..self.child(session, msg_type, content)
        }
    }
}

fn header(session: &str, msg_type: &str) -> Value {
    json!({
        "msg_id": uuid::Uuid::new_v4().to_string(),
        "session": session,
        "username": "kernel",
        "date": now_rfc3339(),
        "msg_type": msg_type,
        "version": PROTOCOL_VERSION,
    })
}

/// The current UTC time as `2026-12-07T23:12:29.123456Z`.
fn now_rfc3339() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        since.subsec_micros()
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16);
    text.chunks(2)
        .map(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(msg_type: &str) -> Message {
        Message {
            identities: vec![Bytes::from_static(b"client-1")],
            header: json!({"msg_id": "m1", "msg_type": msg_type, "session": "s"}),
            parent_header: json!({}),
            metadata: json!({}),
            content: json!({"code": "1 + 1"}),
        }
    }

    #[test]
    fn signed_messages_round_trip_and_tampering_is_refused() {
        let signer = Signer::new("secret");
        let frames = request("execute_request").encode(&signer);
        assert_eq!(frames[0].as_ref(), b"client-1");
        assert_eq!(frames[1].as_ref(), DELIMITER);
        assert_eq!(frames[2].len(), 64, "hex HMAC-SHA256");
        let back = Message::decode(frames.clone(), &signer).unwrap();
        assert_eq!(back.content["code"], "1 + 1");
        assert_eq!(back.identities, vec![Bytes::from_static(b"client-1")]);

        let mut tampered = frames;
        tampered[6] = Bytes::from_static(br#"{"code":"evil"}"#);
        assert!(Message::decode(tampered, &signer).is_err());
        assert!(Message::decode(request("x").encode(&Signer::new("other")), &signer).is_err());
        // An empty key: no signature, nothing checked.
        let open = Signer::new("");
        let frames = request("x").encode(&open);
        assert!(frames[2].is_empty());
        assert!(Message::decode(frames, &open).is_ok());
    }

    #[test]
    fn known_hmac_value() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let signer = Signer::new("Jefe");
        assert_eq!(
            signer.signature(&[
                Bytes::from_static(b"what do ya want "),
                Bytes::from_static(b"for nothing?")
            ]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn replies_keep_the_route_and_name_the_parent() {
        let req = request("kernel_info_request");
        let reply = req.reply("kernel-session", json!({"status": "ok"}));
        assert_eq!(reply.msg_type(), "kernel_info_reply");
        assert_eq!(reply.identities, req.identities);
        assert_eq!(reply.parent_header["msg_id"], "m1");
        assert_eq!(reply.header["session"], "kernel-session");
        let status = req.child(
            "kernel-session",
            "status",
            json!({"execution_state": "idle"}),
        );
        assert_eq!(status.identities, vec![Bytes::from_static(b"status")]);
    }

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_794), (2026, 12, 7));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let now = now_rfc3339();
        assert_eq!(now.len(), "2026-12-07T23:12:29.123456Z".len(), "{now}");
        assert!(now.ends_with('Z'));
    }
}
