//! Progress lines while a [`crate::Run`] logs: plain lines on stdout (notebooks, logs), or a
//! redrawn bar on stderr when stderr is a terminal.

use std::io::{IsTerminal as _, Write as _};
use std::time::Instant;

use super::live::LiveProgress;

/// When and how a run reports progress.
#[derive(Debug)]
pub(crate) struct Progress {
    /// Print one line per this many steps (0 = silent).
    pub(crate) every: i64,
    /// The expected number of steps, for `step/total` and the bar.
    pub(crate) total: Option<i64>,
    start: Instant,
    last_printed: Option<i64>,
    /// The step being collected and its latest value per tag, in first-logged order.
    pending: Option<(i64, Vec<(String, f64)>)>,
    terminal: bool,
    /// The bar shown in place in the glassbox kernel (instead of lines).
    live: LiveProgress,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Self {
            every: 100,
            total: None,
            start: Instant::now(),
            last_printed: None,
            pending: None,
            terminal: std::io::stderr().is_terminal(),
            live: LiveProgress::default(),
        }
    }

    /// Notes a scalar; prints the previous step's line once a new step begins.
    pub(crate) fn observe(&mut self, tag: &str, step: i64, value: f64) {
        if self.every == 0 {
            return;
        }
        if self.pending.as_ref().is_some_and(|(s, _)| *s != step) {
            self.flush(false);
        }
        let (_, values) = self.pending.get_or_insert_with(|| (step, Vec::new()));
        match values.iter_mut().find(|(t, _)| t == tag) {
            Some(slot) => slot.1 = value,
            None => values.push((tag.to_string(), value)),
        }
    }

    /// Prints the pending step if it is due (or always, when `last` is set).
    pub(crate) fn flush(&mut self, last: bool) {
        let Some((step, values)) = self.pending.take() else {
            if last && self.terminal {
                eprintln!();
            }
            return;
        };
        let live = crate::display::is_live();
        let due = match self.last_printed {
            None => true,
            Some(_) if live => self.live.due(),
            Some(prev) => step - prev >= self.every,
        };
        let is_final = self.total.is_some_and(|t| step + 1 >= t);
        if !(due || last || is_final) {
            return;
        }
        self.last_printed = Some(step);
        let line = self.line(step, &values);
        if self.terminal {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{line}\x1b[K");
            if last {
                let _ = writeln!(err);
            }
            let _ = err.flush();
        } else if live {
            self.live.show(&line, step, self.total);
        } else {
            println!("{line}");
        }
    }

    /// `step   40/100 [#####.....]  loss 0.2500  acc 0.9100  1.2 s`.
    pub(crate) fn line(&self, step: i64, values: &[(String, f64)]) -> String {
        let mut line = match self.total {
            Some(total) => {
                let width = total.to_string().len();
                let done = ((step + 1) as f64 / total.max(1) as f64).clamp(0.0, 1.0);
                let filled = (done * 20.0).round() as usize;
                format!(
                    "step {step:>width$}/{total} [{}{}]",
                    "#".repeat(filled),
                    ".".repeat(20 - filled)
                )
            }
            None => format!("step {step}"),
        };
        for (tag, value) in values {
            line.push_str(&format!("  {tag} {}", format_value(*value)));
        }
        line.push_str(&format!("  {:.1} s", self.start.elapsed().as_secs_f64()));
        line
    }
}

/// Four significant decimals for ordinary values, scientific notation for tiny or huge ones.
pub(crate) fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e5).contains(&a) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shows_step_bar_and_values() {
        let mut p = Progress::new();
        p.total = Some(100);
        let line = p.line(
            39,
            &[
                ("loss".into(), 0.25),
                ("lr".into(), 1e-5),
                ("acc".into(), f64::NAN),
            ],
        );
        assert!(
            line.starts_with(
                "step  39/100 [########............]  loss 0.2500  lr 1.000e-5  acc NaN  "
            ),
            "{line}"
        );
        p.total = None;
        assert!(p.line(7, &[]).starts_with("step 7  "));
    }

    #[test]
    fn prints_only_due_steps() {
        let mut p = Progress::new();
        p.terminal = false;
        p.every = 10;
        for step in 0..25 {
            p.observe("loss", step, 1.0);
        }
        assert_eq!(p.last_printed, Some(20));
        p.flush(true);
        assert_eq!(p.last_printed, Some(24));
    }
}
