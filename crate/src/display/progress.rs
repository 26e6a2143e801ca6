//! [`ProgressBar`]: one bar that fills in place (HTML `<progress>` with a text fallback).

use super::bundle::{Bundle, Show};
use super::channel::Mode;
use super::DisplayHandle;
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// Redraws at most this often (the final state is always shown).
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// A progress bar for long work: one output that updates in place in the glassbox kernel.
///
/// Under plain evcxr the final bar shows when the cell ends; in a terminal it redraws one line
/// on stderr; in logs and tests (stderr not a terminal) it prints one line when it finishes.
///
/// # Example
/// ```
/// use glassbox::ProgressBar;
/// let mut bar = ProgressBar::new("embedding", 1000);
/// for _ in (0..1000).step_by(100) {
///     bar.inc(100);
/// }
/// bar.set_message("done");
/// bar.finish();
/// assert!(bar.text().starts_with("embedding 1000/1000 [####################] 100%"));
/// ```
#[derive(Debug)]
pub struct ProgressBar {
    label: String,
    total: u64,
    done: u64,
    message: String,
    start: Instant,
    last_drawn: Option<Instant>,
    handle: Option<DisplayHandle>,
    finished: bool,
}

impl ProgressBar {
    /// A bar for `total` units of work, shown at once at 0.
    pub fn new(label: impl Into<String>, total: usize) -> Self {
        let mut bar = Self {
            label: label.into(),
            total: total as u64,
            done: 0,
            message: String::new(),
            start: Instant::now(),
            last_drawn: None,
            handle: None,
            finished: false,
        };
        bar.draw(true);
        bar
    }

    /// Sets the units done (clamped to the total).
    pub fn set(&mut self, done: usize) {
        self.done = (done as u64).min(self.total);
        self.draw(false);
    }

    /// Adds `n` units done.
    pub fn inc(&mut self, n: usize) {
        self.set(self.done as usize + n);
    }

    /// A short note after the counts (`loss 0.231`).
    pub fn set_message(&mut self, message: impl Into<String>) {
        self.message = message.into();
        self.draw(false);
    }

    /// Shows the final state (also done when the bar is dropped).
    pub fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.draw(true);
        }
    }

    /// The fraction done, in `[0, 1]` (1 for an empty total).
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        }
    }

    /// `label 40/100 [########............] 40%  1.2 s  message`.
    pub fn text(&self) -> String {
        let filled = (self.fraction() * 20.0).round() as usize;
        let mut line = format!(
            "{} {}/{} [{}{}] {:.0}%  {:.1} s",
            self.label,
            self.done,
            self.total,
            "#".repeat(filled),
            ".".repeat(20 - filled),
            100.0 * self.fraction(),
            self.start.elapsed().as_secs_f64()
        );
        if !self.message.is_empty() {
            line.push_str("  ");
            line.push_str(&self.message);
        }
        line
    }

    /// The bar as HTML: a `<progress>` element and the counts.
    pub fn html(&self) -> String {
        progress_html(&self.label, self.done, self.total, &self.text_after_label())
    }

    fn text_after_label(&self) -> String {
        self.text()[self.label.len()..].trim_start().to_owned()
    }

    fn draw(&mut self, force: bool) {
        let due = self.last_drawn.is_none_or(|t| t.elapsed() >= MIN_INTERVAL);
        if !(force || due) {
            return;
        }
        self.last_drawn = Some(Instant::now());
        match Mode::current() {
            Mode::Kernel => match &self.handle {
                Some(handle) => handle.update(self),
                None => self.handle = Some(super::display(self)),
            },
            // evcxr keeps the last bundle of the cell: only the final state is worth printing.
            Mode::Evcxr if self.finished => {
                super::channel::emit(super::channel::Op::Display, "", &self.as_bundle());
            }
            Mode::Evcxr => {}
            Mode::Terminal if std::io::stderr().is_terminal() => {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r{}\x1b[K", self.text());
                if self.finished {
                    let _ = writeln!(err);
                }
                let _ = err.flush();
            }
            Mode::Terminal if self.finished => eprintln!("{}", self.text()),
            Mode::Terminal => {}
        }
    }

    fn as_bundle(&self) -> Bundle {
        Bundle::new()
            .with("text/plain", self.text())
            .with("text/html", self.html())
    }
}

/// A `<progress>` bar with `label` before it and `after` (counts, time, note) beside it.
pub(crate) fn progress_html(label: &str, done: u64, total: u64, after: &str) -> String {
    format!(
        "<div style=\"font-family: monospace\">{} <progress value=\"{done}\" max=\"{}\" \
         style=\"width: 20em; vertical-align: middle\"></progress> {}</div>",
        escape(label),
        total.max(1),
        escape(after)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Show for ProgressBar {
    fn bundle(&self) -> crate::Result<Bundle> {
        Ok(self.as_bundle())
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_clamp_and_render() {
        let mut bar = ProgressBar::new("steps", 50);
        bar.set(20);
        assert!(
            bar.text()
                .starts_with("steps 20/50 [########............] 40%  "),
            "{}",
            bar.text()
        );
        bar.inc(100);
        assert_eq!(bar.fraction(), 1.0);
        bar.set_message("a<b");
        let html = bar.html();
        assert!(html.contains("<progress value=\"50\" max=\"50\""), "{html}");
        assert!(
            html.contains("a&lt;b") && html.starts_with("<div"),
            "{html}"
        );
        let b = bar.bundle().unwrap();
        assert_eq!(b.plain_text(), Some(bar.text().as_str()));
        assert_eq!(ProgressBar::new("none", 0).fraction(), 1.0);
    }
}
