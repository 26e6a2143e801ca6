//! What a cell prints, forwarded live: the evaluation process's stdout and stderr lines become
//! `stream` messages, and lines of the glassbox display channel become `display_data` /
//! `update_display_data`.
//!
//! **The display channel.** The kernel starts evcxr's evaluation process with
//! `GLASSBOX_DISPLAY=stdout-v1`. A library that sees it (glassbox's `display` module) writes one
//! line per output to stdout: [`MARKER`] then a JSON object
//! `{"op": "display" | "update", "display_id": "…", "data": {mime: value}, "metadata": {…}}`.
//! JSON escapes newlines, so a payload is always one line, and stdout keeps it in order with the
//! cell's own prints. evcxr hands every stdout line it does not recognise to this module live
//! (its `EVCXR_BEGIN_CONTENT` blocks are for the value that ends a cell).

use crate::wire::Message;
use crossbeam_channel::{Receiver, Select, Sender};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The environment variable (and its value) that tells libraries the display channel is there.
pub const DISPLAY_ENV: &str = "GLASSBOX_DISPLAY";
pub const DISPLAY_PROTOCOL: &str = "stdout-v1";
/// Starts a display line: ASCII unit separator (never in ordinary text) + a name.
pub const MARKER: &str = "\u{1f}glassbox-display ";

/// A stream message is sent once no more lines are waiting, or at this size.
const MAX_BATCH: usize = 64 * 1024;

/// Sends IOPub messages on behalf of the request whose cell is running.
#[derive(Clone)]
pub struct Publisher {
    pub iopub: tokio::sync::mpsc::UnboundedSender<Message>,
    pub session: String,
    /// The request outputs belong to: the running (or last) `execute_request`.
    pub parent: Arc<Mutex<Option<Message>>>,
}

impl Publisher {
    pub fn publish(&self, msg_type: &str, content: Value) {
        let parent = self.parent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(parent) = parent.as_ref() {
            let _ = self
                .iopub
                .send(parent.child(&self.session, msg_type, content));
        }
    }
}

/// A line of the display channel as the IOPub message it becomes: `(msg_type, content)`.
pub fn display_message(payload: &str) -> Result<(&'static str, Value), String> {
    let value: Value = serde_json::from_str(payload).map_err(|e| format!("not JSON: {e}"))?;
    let msg_type = match value["op"].as_str() {
        Some("display") => "display_data",
        Some("update") => "update_display_data",
        other => return Err(format!("unknown op {other:?}")),
    };
    if !value["data"].is_object() {
        return Err("`data` must be an object of MIME type → value".into());
    }
    let transient = match value["display_id"].as_str() {
        Some(id) => json!({ "display_id": id }),
        None if msg_type == "update_display_data" => {
            return Err("an update needs a display_id".into())
        }
        None => json!({}),
    };
    let metadata = match &value["metadata"] {
        Value::Object(_) => value["metadata"].clone(),
        _ => json!({}),
    };
    Ok((
        msg_type,
        json!({ "data": value["data"], "metadata": metadata, "transient": transient }),
    ))
}

/// The thread that forwards the evaluation process's output.
pub struct Forwarder {
    flush_requests: Sender<Sender<()>>,
}

impl Forwarder {
    pub fn start(stdout: Receiver<String>, stderr: Receiver<String>, publisher: Publisher) -> Self {
        let (flush_requests, flush_rx) = crossbeam_channel::unbounded::<Sender<()>>();
        std::thread::Builder::new()
            .name("cell-output".into())
            .spawn(move || Batcher::new(publisher).run(&stdout, &stderr, &flush_rx))
            .expect("the output thread starts");
        Self { flush_requests }
    }

    /// Returns once every line evcxr has handed over so far has been published. evcxr returns
    /// from a cell only after this thread took the cell's last stdout line, so after `flush` the
    /// cell's outputs precede its result and `execute_reply`.
    pub fn flush(&self) {
        let (done, wait) = crossbeam_channel::bounded(1);
        if self.flush_requests.send(done).is_ok() {
            let _ = wait.recv_timeout(std::time::Duration::from_secs(10));
        }
    }
}

struct Batcher {
    publisher: Publisher,
    /// Text not yet sent, and the stream it belongs to.
    pending: Option<(&'static str, String)>,
}

impl Batcher {
    fn new(publisher: Publisher) -> Self {
        Self {
            publisher,
            pending: None,
        }
    }

    fn run(
        mut self,
        stdout: &Receiver<String>,
        stderr: &Receiver<String>,
        flushes: &Receiver<Sender<()>>,
    ) {
        let mut select = Select::new();
        let (out_i, err_i, flush_i) = (
            select.recv(stdout),
            select.recv(stderr),
            select.recv(flushes),
        );
        loop {
            let op = select.select();
            match op.index() {
                i if i == out_i => match op.recv(stdout) {
                    Ok(line) => self.line("stdout", &line),
                    Err(_) => return,
                },
                i if i == err_i => match op.recv(stderr) {
                    Ok(line) => self.line("stderr", &line),
                    Err(_) => return,
                },
                i if i == flush_i => {
                    let Ok(done) = op.recv(flushes) else { return };
                    while let Ok(line) = stdout.try_recv() {
                        self.line("stdout", &line);
                    }
                    while let Ok(line) = stderr.try_recv() {
                        self.line("stderr", &line);
                    }
                    self.send_pending();
                    let _ = done.send(());
                    continue;
                }
                _ => unreachable!("three operations were registered"),
            }
            if stdout.is_empty() && stderr.is_empty() {
                self.send_pending();
            }
        }
    }

    fn line(&mut self, stream: &'static str, line: &str) {
        if let Some(at) = line.find(MARKER).filter(|_| stream == "stdout") {
            let before = &line[..at];
            if !before.is_empty() {
                self.text(stream, before);
            }
            self.send_pending();
            match display_message(&line[at + MARKER.len()..]) {
                Ok((msg_type, content)) => self.publisher.publish(msg_type, content),
                Err(why) => self.text(
                    "stderr",
                    &format!("glassbox kernel: a display line was dropped ({why})"),
                ),
            }
            return;
        }
        self.text(stream, line);
    }

    fn text(&mut self, stream: &'static str, line: &str) {
        if self.pending.as_ref().is_some_and(|(s, _)| *s != stream) {
            self.send_pending();
        }
        let (_, text) = self.pending.get_or_insert_with(|| (stream, String::new()));
        text.push_str(line);
        text.push('\n');
        if text.len() >= MAX_BATCH {
            self.send_pending();
        }
    }

    fn send_pending(&mut self) {
        if let Some((name, text)) = self.pending.take() {
            self.publisher
                .publish("stream", json!({ "name": name, "text": text }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn harness() -> (Publisher, tokio::sync::mpsc::UnboundedReceiver<Message>) {
        let (iopub, rx) = tokio::sync::mpsc::unbounded_channel();
        let parent = Message {
            identities: vec![],
            header: json!({"msg_id": "cell-1", "msg_type": "execute_request"}),
            parent_header: json!({}),
            metadata: json!({}),
            content: json!({}),
        };
        let publisher = Publisher {
            iopub,
            session: "s".into(),
            parent: Arc::new(Mutex::new(Some(parent))),
        };
        (publisher, rx)
    }

    #[test]
    fn display_lines_become_display_messages() {
        let (msg_type, content) = display_message(
            r#"{"op":"update","display_id":"d1","data":{"text/plain":"3/10"},"metadata":{}}"#,
        )
        .unwrap();
        assert_eq!(msg_type, "update_display_data");
        assert_eq!(content["transient"]["display_id"], "d1");
        assert_eq!(content["data"]["text/plain"], "3/10");
        assert!(display_message(r#"{"op":"update","data":{}}"#).is_err());
        assert!(display_message(r#"{"op":"explode","data":{}}"#).is_err());
        assert!(display_message("{not json").is_err());
    }

    #[test]
    fn lines_keep_their_order_around_displays() {
        let (publisher, mut rx) = harness();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        let (_err_tx, err_rx) = crossbeam_channel::unbounded::<String>();
        let forwarder = Forwarder::start(out_rx, err_rx, publisher);
        out_tx.send("first".into()).unwrap();
        out_tx.send("second".into()).unwrap();
        out_tx
            .send(format!(
                r#"tail{MARKER}{{"op":"display","display_id":"a","data":{{"text/plain":"A"}}}}"#
            ))
            .unwrap();
        out_tx.send("after".into()).unwrap();
        forwarder.flush();
        let mut seen = Vec::new();
        while let Ok(m) = rx.try_recv() {
            assert_eq!(m.parent_header["msg_id"], "cell-1");
            seen.push(match m.msg_type() {
                "stream" => m.content["text"].as_str().unwrap().to_owned(),
                other => format!(
                    "{other}:{}",
                    m.content["data"]["text/plain"].as_str().unwrap()
                ),
            });
        }
        let text: String = seen.concat();
        assert_eq!(
            text, "first\nsecond\ntail\ndisplay_data:Aafter\n",
            "{seen:?}"
        );
    }
}
