//! Where outputs go: the glassbox kernel's display channel (a marker line on stdout), evcxr's
//! content blocks, or plain text.

use super::Bundle;
use serde_json::json;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// What the kernel sets in the evaluation process's environment (kernel/src/outputs.rs).
pub(crate) const DISPLAY_ENV: &str = "GLASSBOX_DISPLAY";
const DISPLAY_PROTOCOL: &str = "stdout-v1";
/// Starts a display line (the kernel's `MARKER`): an ASCII unit separator and a name.
pub(crate) const MARKER: &str = "\u{1f}glassbox-display ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The glassbox kernel reads display lines live.
    Kernel,
    /// evcxr without the channel: its content blocks (the last per MIME type shows).
    Evcxr,
    /// No notebook: text on stdout.
    Terminal,
}

impl Mode {
    pub(crate) fn current() -> Self {
        static MODE: OnceLock<Mode> = OnceLock::new();
        *MODE.get_or_init(|| {
            Self::from_env(
                std::env::var(DISPLAY_ENV).ok().as_deref(),
                std::env::var_os("EVCXR_IS_RUNTIME").is_some(),
            )
        })
    }

    fn from_env(display: Option<&str>, evcxr: bool) -> Self {
        match (display, evcxr) {
            (Some(DISPLAY_PROTOCOL), _) => Mode::Kernel,
            (_, true) => Mode::Evcxr,
            _ => Mode::Terminal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Display,
    Update,
}

/// A display id unique to this process (and, through the pid and clock, across restarts).
pub(crate) fn new_display_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static EPOCH: OnceLock<u128> = OnceLock::new();
    let epoch = EPOCH.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros())
    });
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("glassbox-{}-{epoch:x}-{n}", std::process::id())
}

pub(crate) fn emit(op: Op, id: &str, bundle: &Bundle) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(encode(Mode::current(), op, id, bundle).as_bytes());
    let _ = out.flush();
}

/// The exact text written to stdout for one output in `mode`.
pub(crate) fn encode(mode: Mode, op: Op, id: &str, bundle: &Bundle) -> String {
    match mode {
        Mode::Kernel => {
            let op = match op {
                Op::Display => "display",
                Op::Update => "update",
            };
            let line = json!({ "op": op, "display_id": id, "data": bundle.data(), "metadata": {} });
            // serde_json escapes newlines inside strings: the payload is one line.
            format!("{MARKER}{line}\n")
        }
        Mode::Evcxr => bundle.evcxr_blocks(),
        Mode::Terminal => match bundle.plain_text() {
            Some(text) => format!("{}\n", text.trim_end_matches('\n')),
            None => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_picks_the_mode() {
        assert_eq!(Mode::from_env(Some("stdout-v1"), true), Mode::Kernel);
        assert_eq!(Mode::from_env(Some("stdout-v1"), false), Mode::Kernel);
        assert_eq!(Mode::from_env(Some("stdout-v9"), true), Mode::Evcxr);
        assert_eq!(Mode::from_env(None, true), Mode::Evcxr);
        assert_eq!(Mode::from_env(None, false), Mode::Terminal);
    }

    #[test]
    fn each_mode_writes_its_own_form() {
        let bundle = Bundle::new()
            .with("text/plain", "two\nlines")
            .with("text/html", "<b>x</b>");
        let line = encode(Mode::Kernel, Op::Update, "d-1", &bundle);
        assert!(
            line.starts_with(MARKER) && line.ends_with("}\n"),
            "{line:?}"
        );
        assert_eq!(line.matches('\n').count(), 1, "one line: {line:?}");
        let json: serde_json::Value = serde_json::from_str(&line[MARKER.len()..]).unwrap();
        assert_eq!(json["op"], "update");
        assert_eq!(json["display_id"], "d-1");
        assert_eq!(json["data"]["text/plain"], "two\nlines");

        let blocks = encode(Mode::Evcxr, Op::Display, "d-1", &bundle);
        let plain = "EVCXR_BEGIN_CONTENT text/plain\ntwo\nlines\nEVCXR_END_CONTENT\n";
        let html = "EVCXR_BEGIN_CONTENT text/html\n<b>x</b>\nEVCXR_END_CONTENT\n";
        assert!(blocks.contains(plain) && blocks.contains(html), "{blocks}");
        assert_eq!(blocks.len(), plain.len() + html.len());
        assert_eq!(
            encode(Mode::Terminal, Op::Display, "d-1", &bundle),
            "two\nlines\n"
        );
        assert_eq!(
            encode(
                Mode::Terminal,
                Op::Display,
                "d",
                &Bundle::new().with("image/png", "AAAA")
            ),
            ""
        );
    }

    #[test]
    fn ids_are_unique() {
        let (a, b) = (new_display_id(), new_display_id());
        assert_ne!(a, b);
        assert!(a.starts_with("glassbox-"));
    }
}
