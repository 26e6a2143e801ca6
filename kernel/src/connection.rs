//! The connection file Jupyter writes for a kernel: where to bind the five sockets and the key.

use anyhow::{bail, Context as _, Result};
use serde_json::Value;
use std::path::Path;

/// The parsed connection file.
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    pub transport: String,
    pub ip: String,
    pub shell_port: u16,
    pub iopub_port: u16,
    pub stdin_port: u16,
    pub control_port: u16,
    pub hb_port: u16,
    pub key: String,
}

impl ConnectionInfo {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the connection file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in the connection file {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self> {
        let json: Value = serde_json::from_str(text).context("not JSON")?;
        let text_field = |name: &str| -> Result<String> {
            json[name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("`{name}` is missing or not a string"))
        };
        let port = |name: &str| -> Result<u16> {
            json[name]
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
                .with_context(|| format!("`{name}` is missing or not a port number"))
        };
        let scheme = json["signature_scheme"].as_str().unwrap_or("hmac-sha256");
        if scheme != "hmac-sha256" {
            bail!("signature scheme `{scheme}` is not supported (only hmac-sha256)");
        }
        let transport = text_field("transport")?;
        if transport != "tcp" {
            bail!("transport `{transport}` is not supported (only tcp)");
        }
        Ok(Self {
            transport,
            ip: text_field("ip")?,
            shell_port: port("shell_port")?,
            iopub_port: port("iopub_port")?,
            stdin_port: port("stdin_port")?,
            control_port: port("control_port")?,
            hb_port: port("hb_port")?,
            key: json["key"].as_str().unwrap_or("").to_owned(),
        })
    }

    pub fn endpoint(&self, port: u16) -> String {
        format!("{}://{}:{port}", self.transport, self.ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_jupyter_client_writes() {
        let info = ConnectionInfo::parse(
            r#"{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004,
                "hb_port": 5005, "ip": "127.0.0.1", "key": "k", "transport": "tcp",
                "signature_scheme": "hmac-sha256", "kernel_name": "glassbox-rust"}"#,
        )
        .unwrap();
        assert_eq!(info.endpoint(info.iopub_port), "tcp://127.0.0.1:5002");
        assert_eq!((info.hb_port, info.key.as_str()), (5005, "k"));
    }

    #[test]
    fn says_what_is_wrong() {
        let err = ConnectionInfo::parse(r#"{"transport": "tcp", "ip": "x"}"#).unwrap_err();
        assert!(format!("{err:#}").contains("`shell_port`"), "{err:#}");
        let err = ConnectionInfo::parse(r#"{"transport": "ipc"}"#).unwrap_err();
        assert!(format!("{err:#}").contains("ipc"), "{err:#}");
    }
}
