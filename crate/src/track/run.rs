//! [`Run`]: one training run's scalars, text, hyperparameters and images, kept on disk as JSON
//! lines that survive a crash, with progress lines while it trains.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::live::LiveCurves;
use super::progress::{format_value, Progress};
use super::record::{Hparam, Record};
use super::store::{self, Store, RECORDS_FILE};
use super::tensorboard::TensorBoardWriter;
use crate::{Error, Figure, Result};

/// A training run: what Neptune's `log_metric` / W&B's `wandb.log` / TensorBoard's scalars keep.
///
/// Each `log…` call appends one JSON line to `<dir>/run.jsonl` and flushes it, so the file can
/// be read while training runs ([`Run::open`] from another notebook) and a crash loses at most
/// the line being written. Scalars also drive progress lines: one per
/// [`Run::print_every`] steps, printed on stdout, or a redrawn bar on stderr in a terminal. In
/// the glassbox kernel the progress is one bar updated in place and the curves one figure
/// redrawn while the run logs ([`Run::live_curves`], [`crate::display`](mod@crate::display)).
///
/// # Example
/// ```
/// use glassbox::Run;
/// let dir = std::env::temp_dir().join(format!("glassbox-doc-run-{}", std::process::id()));
/// # std::fs::remove_dir_all(&dir).ok();
/// let mut run = Run::create(&dir)?.print_every(0);
/// run.hparam("lr", 0.01)?;
/// for step in 0..3 {
///     run.log("loss", step, 1.0 / (step as f64 + 1.0))?;
/// }
/// let again = Run::open(&dir)?;
/// assert_eq!(again.scalars("loss"), vec![(0, 1.0), (1, 0.5), (2, 1.0 / 3.0)]);
/// assert_eq!(again.hparams()["lr"], glassbox::track::Hparam::Float(0.01));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), glassbox::Error>(())
/// ```
pub struct Run {
    pub(super) name: String,
    pub(super) dir: Option<PathBuf>,
    /// Opened on the first write (a reopened run may be read-only in practice).
    store: Option<Store>,
    /// The file ends mid-line: the next record starts on a fresh line.
    pending_newline: bool,
    pub(super) records: Vec<Record>,
    /// Images of an in-memory run, indexed by their record's `file` (`"#<index>"`).
    pub(super) figures: Vec<Figure>,
    pub(super) warnings: Vec<String>,
    tensorboard: Option<TensorBoardWriter>,
    progress: Progress,
    live_curves: LiveCurves,
}

impl Run {
    /// Starts a new run in `dir` (created if missing), named after the directory.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] if `dir` already holds a run (continue it with
    /// [`Run::open`] or start over with [`Run::replace`]); [`crate::ErrorKind::Io`] if the
    /// directory cannot be created or written.
    pub fn create(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        if dir.join(RECORDS_FILE).exists() {
            return Err(Error::invalid(
                "dir",
                format!(
                    "`{}` already holds a run; continue it with Run::open or start over with Run::replace",
                    dir.display()
                ),
            ));
        }
        let store = Store::open(dir, false)?;
        Ok(Self::with(
            name_of(dir),
            Some(dir.to_path_buf()),
            Some(store),
        ))
    }

    /// Starts a new run in `dir`, deleting the records and images of any run already there.
    ///
    /// # Errors
    /// As [`Run::create`].
    pub fn replace(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        for (path, is_dir) in [(dir.join(RECORDS_FILE), false), (dir.join("images"), true)] {
            let removed = if is_dir {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match removed {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(store::writable_error(&path, e))
                }
                _ => {}
            }
        }
        Self::create(dir)
    }

    /// Reloads the run in `dir`; further `log…` calls append to it.
    ///
    /// Works while another process is still writing the run. A last line cut off by a crash is
    /// skipped and reported in [`Run::warnings`] (and on stderr), never an error.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] if `dir` holds no run; [`crate::ErrorKind::Io`] if
    /// it cannot be read.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        let loaded = store::load(dir)?;
        for w in &loaded.warnings {
            eprintln!("glassbox: warning: {w}");
        }
        let mut run = Self::with(name_of(dir), Some(dir.to_path_buf()), None);
        run.records = loaded.records;
        run.warnings = loaded.warnings;
        run.pending_newline = loaded.ends_mid_line;
        Ok(run)
    }

    /// A run kept only in memory (nothing written), for quick experiments and tests.
    pub fn in_memory(name: impl Into<String>) -> Self {
        Self::with(name.into(), None, None)
    }

    fn with(name: String, dir: Option<PathBuf>, store: Option<Store>) -> Self {
        Self {
            name,
            dir,
            store,
            records: Vec::new(),
            figures: Vec::new(),
            warnings: Vec::new(),
            tensorboard: None,
            progress: Progress::new(),
            live_curves: LiveCurves::default(),
            pending_newline: false,
        }
    }
}

impl Run {
    /// The number of steps training will take: progress lines show `step/total` and a bar.
    pub fn total_steps(mut self, total: usize) -> Self {
        self.progress.total = Some(total as i64);
        if self.progress.every == Progress::new().every {
            self.progress.every = (total as i64 / 10).max(1);
        }
        self
    }

    /// Prints a progress line every `steps` steps (default 100, or a tenth of
    /// [`Run::total_steps`]); `0` silences progress.
    pub fn print_every(mut self, steps: usize) -> Self {
        self.progress.every = steps as i64;
        self
    }

    /// Mirrors everything logged from now on into a TensorBoard event file in `<dir>/tensorboard`,
    /// so `tensorboard --logdir <dir>` shows the run live.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Unsupported`] for an in-memory run; [`crate::ErrorKind::Io`] if the
    /// event file cannot be created.
    pub fn with_tensorboard(mut self) -> Result<Self> {
        let Some(dir) = &self.dir else {
            return Err(Error::unsupported(
                "an in-memory run has no directory for TensorBoard files; use Run::create(dir)",
            ));
        };
        self.tensorboard = Some(TensorBoardWriter::create(dir.join("tensorboard"))?);
        Ok(self)
    }

    /// Logs a scalar (loss, accuracy, learning rate…) at `step`.
    ///
    /// NaN and infinite values are recorded as they are (and shown in progress lines and
    /// curves); the first one per tag also adds a warning, since it usually means training
    /// diverged.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for an empty tag; [`crate::ErrorKind::Io`] if the
    /// record cannot be written, including when the run's directory was deleted after it opened.
    pub fn log(&mut self, tag: &str, step: i64, value: impl Into<f64>) -> Result<()> {
        let value = value.into();
        check_tag(tag)?;
        if !value.is_finite() && self.scalars(tag).iter().all(|(_, v)| v.is_finite()) {
            let w = format!("`{tag}` is {value} at step {step}; training may have diverged");
            eprintln!("glassbox: warning: {w}");
            self.warnings.push(w);
        }
        self.append(Record::Scalar {
            tag: tag.into(),
            step,
            value,
            time: now(),
        })?;
        if let Some(tb) = &mut self.tensorboard {
            tb.scalar(tag, step, value as f32)?;
        }
        self.progress.observe(tag, step, value);
        self.refresh_live(self.progress.total.is_some_and(|t| step + 1 >= t));
        Ok(())
    }

    /// Logs a note (markdown) at `step`: a description, an observation, a sample prediction.
    ///
    /// # Errors
    /// As [`Run::log`].
    pub fn text(&mut self, tag: &str, step: i64, text: &str) -> Result<()> {
        check_tag(tag)?;
        self.append(Record::Text {
            tag: tag.into(),
            step,
            text: text.into(),
            time: now(),
        })?;
        if let Some(tb) = &mut self.tensorboard {
            tb.text(tag, step, text)?;
        }
        Ok(())
    }

    /// Records a hyperparameter (W&B's `config`); logging a name again overrides it.
    ///
    /// # Errors
    /// As [`Run::log`].
    pub fn hparam(&mut self, name: &str, value: impl Into<Hparam>) -> Result<()> {
        check_tag(name)?;
        let value = value.into();
        let text = format!("{name} = {value}");
        self.append(Record::Hparams {
            values: BTreeMap::from([(name.to_string(), value)]),
            time: now(),
        })?;
        if let Some(tb) = &mut self.tensorboard {
            tb.text("hparams", 0, &text)?;
        }
        Ok(())
    }

    /// Logs a figure at `step`, saved as `<dir>/images/<tag>-<step>.png`.
    ///
    /// # Errors
    /// As [`Run::log`], and [`crate::ErrorKind::Render`] if PNG encoding fails.
    pub fn image(&mut self, tag: &str, step: i64, figure: &Figure) -> Result<()> {
        check_tag(tag)?;
        let file = match &self.dir {
            Some(dir) => {
                let images = dir.join("images");
                std::fs::create_dir_all(&images).map_err(|e| store::writable_error(&images, e))?;
                let name = format!("images/{}-{step}.png", file_safe(tag));
                figure.save(dir.join(&name))?;
                name
            }
            None => {
                self.figures.push(figure.clone());
                format!("#{}", self.figures.len() - 1)
            }
        };
        self.append(Record::Image {
            tag: tag.into(),
            step,
            file,
            time: now(),
        })?;
        if let Some(tb) = &mut self.tensorboard {
            tb.image(tag, step, figure)?;
        }
        Ok(())
    }

    /// Prints the last progress line (if not printed yet) and ends a terminal's progress bar.
    pub fn finish(&mut self) {
        self.progress.flush(true);
        self.refresh_live(true);
    }

    /// In the glassbox kernel, whether the curves redraw in place while the run logs (default
    /// on; see [`crate::display`](mod@crate::display)). Elsewhere nothing is drawn either way.
    pub fn live_curves(mut self, on: bool) -> Self {
        self.live_curves.enabled = on;
        self
    }

    fn refresh_live(&mut self, force: bool) {
        if self.progress.every == 0 {
            return;
        }
        let mut live = std::mem::take(&mut self.live_curves);
        live.refresh(self, force);
        self.live_curves = live;
    }

    fn append(&mut self, record: Record) -> Result<()> {
        if self.store.is_none() {
            if let Some(dir) = &self.dir {
                self.store = Some(Store::open(dir, self.pending_newline)?);
            }
        }
        if let Some(store) = &mut self.store {
            store.append(&record)?;
        }
        self.records.push(record);
        Ok(())
    }
}

fn check_tag(tag: &str) -> Result<()> {
    if tag.trim().is_empty() {
        return Err(Error::invalid(
            "tag",
            "is empty; name what you log (\"loss\")",
        ));
    }
    Ok(())
}

/// `"train/loss"` → `"train_loss"`: letters, digits, `-`, `_`, `.` only.
fn file_safe(tag: &str) -> String {
    tag.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl std::fmt::Display for Run {
    /// `run lr-0.01: 3 scalars (loss 0.2500 @ 99, …), 2 hparams`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "run {}: ", self.name)?;
        let tags = self.tags();
        let lasts: Vec<String> = tags
            .iter()
            .filter_map(|t| {
                let (step, v) = *self.scalars(t).last()?;
                Some(format!("{t} {} @ {step}", format_value(v)))
            })
            .collect();
        write!(f, "{} scalar tags", tags.len())?;
        if !lasts.is_empty() {
            write!(f, " ({})", lasts.join(", "))?;
        }
        write!(f, ", {} hparams", self.hparams().len())
    }
}

impl std::fmt::Debug for Run {
    /// Short: name, directory, record count (not every record).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("name", &self.name)
            .field("dir", &self.dir)
            .field("records", &self.records.len())
            .field("warnings", &self.warnings.len())
            .finish()
    }
}
