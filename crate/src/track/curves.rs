//! Training curves of one or several runs, smoothed as TensorBoard does, and the sweep table.

use super::progress::format_value;
use super::run::Run;
use super::smoothing::smooth;
use crate::render::{display_via_figure, Plot};
use crate::{Error, Figure, Result};
use crate::{Gallery, LineChart, Table};

/// Curves of one run ([`Run::curves`]) or several ([`Run::compare`]): one chart per scalar tag.
///
/// One run shows its raw values and the smoothed curve; several runs show one smoothed curve
/// each, named after the run. NaN or infinite points break the line and are counted in the
/// chart's title, so a diverged run is visible rather than hidden.
#[derive(Clone)]
pub struct Curves<'a> {
    runs: Vec<&'a Run>,
    tags: Option<Vec<String>>,
    smoothing: f64,
    log_y: bool,
    size: (u32, u32),
}

impl Run {
    /// This run's curves, every scalar tag, smoothing 0.6 (TensorBoard's default).
    ///
    /// # Example
    /// ```
    /// let mut run = glassbox::Run::in_memory("demo").print_every(0);
    /// for step in 0..50 {
    ///     run.log("loss", step, 1.0 / (1.0 + step as f64))?;
    /// }
    /// let fig = run.curves().smoothing(0.8).figure()?;
    /// assert_eq!((fig.width(), fig.height()), (640, 400));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn curves(&self) -> Curves<'_> {
        Run::compare(&[self])
    }

    /// Several runs on shared charts, one smoothed curve per run and tag (W&B's run comparison).
    pub fn compare<'a>(runs: &[&'a Run]) -> Curves<'a> {
        Curves {
            runs: runs.to_vec(),
            tags: None,
            smoothing: 0.6,
            log_y: false,
            size: (640, 400),
        }
    }

    /// The sweep table: one row per run with its hyperparameters and the last value of each
    /// scalar tag (W&B's sweep view, TensorBoard's HParams table).
    ///
    /// # Example
    /// ```
    /// use glassbox::Run;
    /// let mut a = Run::in_memory("a").print_every(0);
    /// a.hparam("lr", 0.1)?;
    /// a.log("loss", 9, 0.25)?;
    /// let mut b = Run::in_memory("b").print_every(0);
    /// b.hparam("lr", 0.01)?;
    /// b.log("loss", 9, 0.5)?;
    /// let table = Run::hparams_table(&[&a, &b]);
    /// assert_eq!(table.headers(), ["run", "lr", "loss"]);
    /// assert_eq!(table.rows()[1], ["b", "0.01", "0.5000"]);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn hparams_table(runs: &[&Run]) -> Table {
        let mut hparams: Vec<String> = Vec::new();
        let mut tags: Vec<String> = Vec::new();
        for run in runs {
            for name in run.hparams().into_keys() {
                if !hparams.contains(&name) {
                    hparams.push(name);
                }
            }
            for tag in run.tags() {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        let headers = ["run".to_string()]
            .into_iter()
            .chain(hparams.clone())
            .chain(tags.clone());
        let mut table = Table::new(headers);
        for run in runs {
            let values = run.hparams();
            let cells = [run.name().to_string()]
                .into_iter()
                .chain(
                    hparams
                        .iter()
                        .map(|h| values.get(h).map(|v| v.to_string()).unwrap_or_default()),
                )
                .chain(
                    tags.iter()
                        .map(|t| run.last(t).map(format_value).unwrap_or_default()),
                );
            table.push_row(cells);
        }
        table
    }
}

impl Curves<'_> {
    /// Only these tags, in this order (default: every tag, in first-logged order).
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// The smoothing weight in `[0, 1)` (0 = raw values only; default 0.6).
    pub fn smoothing(mut self, weight: f64) -> Self {
        self.smoothing = weight;
        self
    }

    /// A logarithmic y axis (for losses spanning decades).
    pub fn log_y(mut self, log: bool) -> Self {
        self.log_y = log;
        self
    }

    /// The size of each chart in pixels (default 640×400).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    fn all_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for run in &self.runs {
            for tag in run.tags() {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        tags
    }

    /// The chart of one tag.
    fn chart(&self, tag: &str) -> Result<LineChart> {
        let mut chart = LineChart::new()
            .x_label("step")
            .y_label(tag)
            .log_y(self.log_y);
        chart = chart.size(self.size.0, self.size.1);
        let mut non_finite = 0;
        for run in &self.runs {
            let points = run.scalars(tag);
            let steps: Vec<i64> = points.iter().map(|p| p.0).collect();
            let values: Vec<f64> = points.iter().map(|p| p.1).collect();
            non_finite += values.iter().filter(|v| !v.is_finite()).count();
            let smoothed = smooth(&values, self.smoothing)?;
            chart = match (self.runs.len(), self.smoothing > 0.0) {
                (1, true) => chart
                    .series(format!("{tag} (raw)"), &steps, &values)
                    .series(
                        format!("{tag} (smoothed {})", self.smoothing),
                        &steps,
                        &smoothed,
                    ),
                (1, false) => chart.series(tag, &steps, &values),
                _ => chart.series(run.name(), &steps, &smoothed),
            };
        }
        let mut title = tag.to_string();
        if non_finite > 0 {
            let points = if non_finite == 1 { "point" } else { "points" };
            title.push_str(&format!(" ({non_finite} NaN/inf {points} not drawn)"));
        }
        Ok(chart.title(title))
    }
}

impl Plot for Curves<'_> {
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for no runs, a tag no run logged, or a smoothing
    /// weight outside `[0, 1)`; render errors.
    fn figure(&self) -> Result<Figure> {
        let tags = self.tags.clone().unwrap_or_else(|| self.all_tags());
        let known = self.all_tags();
        if self.runs.is_empty() || tags.is_empty() {
            return Err(Error::invalid(
                "runs",
                "nothing to plot: log scalars with run.log(tag, step, value) first",
            ));
        }
        if let Some(unknown) = tags.iter().find(|t| !known.contains(t)) {
            return Err(Error::invalid(
                "tags",
                format!(
                    "no run logged `{unknown}`; logged tags: {}",
                    known.join(", ")
                ),
            ));
        }
        if tags.len() == 1 {
            return self.chart(&tags[0])?.figure();
        }
        let mut gallery = Gallery::new().columns(2.min(tags.len()));
        for tag in &tags {
            gallery = gallery.push(self.chart(tag)?.figure()?);
        }
        gallery.figure()
    }
}

display_via_figure!(Curves<'_>);

impl std::fmt::Debug for Curves<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let runs: Vec<&str> = self.runs.iter().map(|r| r.name()).collect();
        f.debug_struct("Curves")
            .field("runs", &runs)
            .field("tags", &self.tags)
            .field("smoothing", &self.smoothing)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tags_and_empty_runs_are_errors() {
        let mut run = Run::in_memory("r").print_every(0);
        assert!(run.curves().figure().is_err());
        run.log("loss", 0, 1.0).unwrap();
        let e = run.curves().tags(["acc"]).figure().unwrap_err();
        assert!(
            e.to_string()
                .contains("no run logged `acc`; logged tags: loss"),
            "{e}"
        );
        assert!(run.curves().smoothing(1.5).figure().is_err());
    }
}
