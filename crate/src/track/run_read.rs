//! Reading a [`Run`] back: scalars by tag, texts, hyperparameters, images, TensorBoard export.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::record::{Hparam, Record};
use super::run::Run;
use super::tensorboard::TensorBoardWriter;
use crate::{Error, Figure, Result};

impl Run {
    /// The run's name (its directory's name, or the in-memory name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The run's directory, `None` for an in-memory run.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Problems met while loading or logging (skipped lines, the first NaN of a tag…).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The scalar tags, in the order they were first logged.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for r in &self.records {
            if let Record::Scalar { tag, .. } = r {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
        }
        tags
    }

    /// The `(step, value)` points of a scalar tag in logging order (empty for an unknown tag).
    pub fn scalars(&self, tag: &str) -> Vec<(i64, f64)> {
        self.records
            .iter()
            .filter_map(|r| match r {
                Record::Scalar {
                    tag: t,
                    step,
                    value,
                    ..
                } if t == tag => Some((*step, *value)),
                _ => None,
            })
            .collect()
    }

    /// The last value logged for a scalar tag.
    pub fn last(&self, tag: &str) -> Option<f64> {
        self.scalars(tag).last().map(|&(_, v)| v)
    }

    /// The `(step, text)` entries of a text tag.
    pub fn texts(&self, tag: &str) -> Vec<(i64, String)> {
        self.records
            .iter()
            .filter_map(|r| match r {
                Record::Text {
                    tag: t, step, text, ..
                } if t == tag => Some((*step, text.clone())),
                _ => None,
            })
            .collect()
    }

    /// The hyperparameters, the latest value of each name.
    pub fn hparams(&self) -> BTreeMap<String, Hparam> {
        let mut all = BTreeMap::new();
        for r in &self.records {
            if let Record::Hparams { values, .. } = r {
                all.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        all
    }

    /// The `(step, figure)` images of a tag, decoded from the run's PNG files.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`] / [`crate::ErrorKind::Format`] if an image file is missing or
    /// not a PNG.
    pub fn images(&self, tag: &str) -> Result<Vec<(i64, Figure)>> {
        let mut out = Vec::new();
        for r in &self.records {
            if let Record::Image {
                tag: t, step, file, ..
            } = r
            {
                if t == tag {
                    out.push((*step, self.load_image(file)?));
                }
            }
        }
        Ok(out)
    }

    fn load_image(&self, file: &str) -> Result<Figure> {
        if let Some(index) = file.strip_prefix('#') {
            let figure = index
                .parse::<usize>()
                .ok()
                .and_then(|i| self.figures.get(i));
            return figure
                .cloned()
                .ok_or_else(|| Error::format(file, "no such in-memory image"));
        }
        let dir = self.dir.as_deref().unwrap_or(Path::new("."));
        let path = dir.join(file);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let rgb = image::load_from_memory(&bytes)
            .map_err(|e| Error::format(path.display().to_string(), e.to_string()))?
            .to_rgb8();
        let (w, h) = rgb.dimensions();
        Figure::from_rgb(w, h, rgb.into_raw(), file)
    }

    /// Writes the whole run (scalars, texts, hyperparameters as a text table, images) to a new
    /// TensorBoard event file in `dir`, and returns its path.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`] if `dir` cannot be written; image errors as [`Run::images`].
    pub fn export_tensorboard(&self, dir: impl AsRef<Path>) -> Result<PathBuf> {
        let mut tb = TensorBoardWriter::create(dir)?;
        let hparams = self.hparams();
        if !hparams.is_empty() {
            let mut table = String::from("| hyperparameter | value |\n|---|---|\n");
            for (k, v) in &hparams {
                table.push_str(&format!("| {k} | {v} |\n"));
            }
            tb.text("hparams", 0, &table)?;
        }
        for r in &self.records {
            match r {
                Record::Scalar {
                    tag, step, value, ..
                } => tb.scalar(tag, *step, *value as f32)?,
                Record::Text {
                    tag, step, text, ..
                } => tb.text(tag, *step, text)?,
                Record::Image {
                    tag, step, file, ..
                } => tb.image(tag, *step, &self.load_image(file)?)?,
                Record::Hparams { .. } => {}
            }
        }
        Ok(tb.path().to_path_buf())
    }
}
