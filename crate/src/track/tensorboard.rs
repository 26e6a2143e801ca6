//! [`TensorBoardWriter`]: real TensorBoard event files (scalars, images, text), no TensorFlow needed.
//!
//! An event file `events.out.tfevents.<secs>.<host>` is a sequence of TFRecords,
//! `u64 length (LE) | u32 masked CRC-32C of the length | data | u32 masked CRC-32C of the data`,
//! each holding one `tensorflow.Event` protobuf. The first record carries
//! `file_version = "brain.Event:2"`. Field numbers are those of TensorFlow's `event.proto`,
//! `summary.proto` and `tensor.proto`.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::crc32c::masked_crc32c;
use super::protobuf::Message;
use crate::{Error, Figure, Result};

/// Writes TensorBoard event files: `tensorboard --logdir <dir>` shows what it logs.
///
/// Every record is written and flushed at once, so TensorBoard can read the file while training
/// runs and a crash loses nothing already logged.
///
/// # Example
/// ```
/// use glassbox::{read_event_file, track::TensorBoardWriter};
/// let dir = std::env::temp_dir().join(format!("glassbox-doc-tb-{}", std::process::id()));
/// let mut tb = TensorBoardWriter::create(&dir)?;
/// tb.scalar("loss", 1, 0.5)?;
/// tb.text("notes", 1, "first try")?;
/// let events = read_event_file(tb.path())?;
/// assert_eq!(events.len(), 3); // file version + two summaries
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Debug)]
pub struct TensorBoardWriter {
    path: PathBuf,
    file: File,
}

impl TensorBoardWriter {
    /// Creates `dir` if needed and a new event file in it, named
    /// `events.out.tfevents.<unix secs>.<host>` (with `.1`, `.2`… appended if that name is taken).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`] when the directory or file cannot be created.
    pub fn create(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| super::store::writable_error(dir, e))?;
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let base = format!("events.out.tfevents.{secs:010}.{}", host_name());
        let mut path = dir.join(&base);
        let mut n = 0;
        while path.exists() {
            n += 1;
            path = dir.join(format!("{base}.{n}"));
        }
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| super::store::writable_error(&path, e))?;
        let mut writer = Self { path, file };
        let version = Message::new()
            .double(1, wall_time())
            .bytes(3, b"brain.Event:2");
        writer.write_record(&version.into_bytes())?;
        Ok(writer)
    }

    /// The event file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Logs a scalar (`simple_value`), shown in TensorBoard's Scalars tab. NaN is written as is.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`] when the write fails.
    pub fn scalar(&mut self, tag: &str, step: i64, value: f32) -> Result<()> {
        let value = Message::new().bytes(1, tag.as_bytes()).float(2, value);
        self.summary(step, &value)
    }

    /// Logs a figure as a PNG image, shown in TensorBoard's Images tab.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Render`] if PNG encoding fails, [`crate::ErrorKind::Io`] if writing does.
    pub fn image(&mut self, tag: &str, step: i64, figure: &Figure) -> Result<()> {
        let image = Message::new()
            .int(1, i64::from(figure.height()))
            .int(2, i64::from(figure.width()))
            .int(3, 3) // colorspace: RGB
            .bytes(4, &figure.to_png()?);
        let value = Message::new().bytes(1, tag.as_bytes()).message(4, &image);
        self.summary(step, &value)
    }

    /// Logs text (markdown), shown in TensorBoard's Text tab.
    ///
    /// Written as the text plugin expects: a scalar `DT_STRING` tensor with
    /// `plugin_data.plugin_name = "text"`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`] when the write fails.
    pub fn text(&mut self, tag: &str, step: i64, text: &str) -> Result<()> {
        let plugin = Message::new().bytes(1, b"text");
        let metadata = Message::new().message(1, &plugin);
        let tensor = Message::new()
            .int(1, 7) // DT_STRING
            .message(2, &Message::new()) // shape [] (a scalar)
            .bytes(8, text.as_bytes());
        let value = Message::new()
            .bytes(1, tag.as_bytes())
            .message(9, &metadata)
            .message(8, &tensor);
        self.summary(step, &value)
    }

    fn summary(&mut self, step: i64, value: &Message) -> Result<()> {
        let summary = Message::new().message(1, value);
        let event = Message::new()
            .double(1, wall_time())
            .int(2, step)
            .message(5, &summary);
        self.write_record(&event.into_bytes())
    }

    fn write_record(&mut self, data: &[u8]) -> Result<()> {
        let len = (data.len() as u64).to_le_bytes();
        let mut record = Vec::with_capacity(data.len() + 16);
        record.extend_from_slice(&len);
        record.extend_from_slice(&masked_crc32c(&len).to_le_bytes());
        record.extend_from_slice(data);
        record.extend_from_slice(&masked_crc32c(data).to_le_bytes());
        self.file
            .write_all(&record)
            .and_then(|()| self.file.flush())
            .map_err(|e| Error::io(&self.path, e))
    }
}

fn wall_time() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The machine's name for file names, from `$HOSTNAME` or `/etc/hostname`, else `localhost`.
fn host_name() -> String {
    let raw = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .unwrap_or_default();
    let clean: String = raw
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if clean.is_empty() {
        "localhost".into()
    } else {
        clean
    }
}
