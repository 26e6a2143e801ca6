//! Filling a [`Run`] from what training returns: [`crate::models::TrainHistory`] and a settings struct.

use serde::Serialize;

use super::record::Hparam;
use super::run::Run;
use crate::{models::TrainHistory, Error, Result};

impl Run {
    /// Logs every step of a [`TrainHistory`] (`train/loss`, `train/accuracy`, `lr`) and every
    /// epoch's `test/accuracy` (at the epoch's last step).
    ///
    /// # Errors
    /// As [`Run::log`].
    pub fn log_history(&mut self, history: &TrainHistory) -> Result<()> {
        let mut last_step = vec![0i64; history.epochs.len()];
        for s in &history.steps {
            let step = s.step as i64;
            self.log("train/loss", step, s.loss)?;
            self.log("train/accuracy", step, s.accuracy)?;
            self.log("lr", step, s.lr)?;
            if let Some(slot) = last_step.get_mut(s.epoch) {
                *slot = step;
            }
        }
        for e in &history.epochs {
            let step = last_step.get(e.epoch).copied().unwrap_or(0);
            self.log("test/accuracy", step, e.test_accuracy)?;
        }
        Ok(())
    }

    /// Records every field of a settings struct (anything `Serialize`, e.g. [`crate::Fit`]) as a
    /// hyperparameter: numbers, flags and strings as they are, anything else as JSON text.
    /// `None` fields are skipped.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] if `settings` does not serialise to a JSON object;
    /// as [`Run::hparam`].
    ///
    /// # Example
    /// ```
    /// let mut run = glassbox::Run::in_memory("r");
    /// run.hparams_of(&glassbox::Fit::default())?;
    /// assert_eq!(run.hparams()["epochs"], glassbox::track::Hparam::Int(6));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn hparams_of(&mut self, settings: &impl Serialize) -> Result<()> {
        let value = serde_json::to_value(settings)
            .map_err(|e| Error::invalid("settings", e.to_string()))?;
        let serde_json::Value::Object(fields) = value else {
            return Err(Error::invalid(
                "settings",
                "must serialise to a JSON object (a struct or map)",
            ));
        };
        for (name, v) in fields {
            let value = match v {
                serde_json::Value::Null => continue,
                serde_json::Value::Bool(b) => Hparam::Bool(b),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => Hparam::Int(i),
                    None => Hparam::Float(n.as_f64().unwrap_or(f64::NAN)),
                },
                serde_json::Value::String(s) => Hparam::Text(s),
                other => Hparam::Text(other.to_string()),
            };
            self.hparam(&name, value)?;
        }
        Ok(())
    }
}
