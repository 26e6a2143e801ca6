//! A [`crate::Run`] in the glassbox kernel: its progress line becomes one bar that updates in
//! place, and its curves one figure that redraws while it trains (at most 4 times a second, and
//! rarer when drawing is slow, so it costs training ≤ 5 % of its time).

use crate::display::{self, Bundle, DisplayHandle};
use std::time::{Duration, Instant};

/// The least time between two redraws of a live output.
const INTERVAL: Duration = Duration::from_millis(250);
/// Drawing the curves may take at most 1 / (1 + this) of the time between redraws.
const IDLE_PER_DRAW: u32 = 19;

/// The progress line, shown in place.
#[derive(Debug, Default)]
pub(super) struct LiveProgress {
    handle: Option<DisplayHandle>,
    last: Option<Instant>,
}

impl LiveProgress {
    /// Whether a redraw is due (live outputs redraw by time, not by step count).
    pub(super) fn due(&self) -> bool {
        self.last.is_none_or(|t| t.elapsed() >= INTERVAL)
    }

    pub(super) fn show(&mut self, line: &str, step: i64, total: Option<i64>) {
        let (done, max) = match total {
            Some(t) => ((step + 1).clamp(0, t) as u64, t.max(1) as u64),
            None => (0, 0),
        };
        let html = crate::display::progress_html("", done, max, line);
        let bundle = Bundle::new()
            .with("text/plain", line)
            .with("text/html", html);
        match &self.handle {
            Some(handle) => handle.update(&bundle),
            None => self.handle = Some(display::display(&bundle)),
        }
        self.last = Some(Instant::now());
    }
}

/// The run's curves, redrawn in place.
#[derive(Debug)]
pub(super) struct LiveCurves {
    pub(super) enabled: bool,
    handle: Option<DisplayHandle>,
    last: Option<Instant>,
    cost: Duration,
}

impl Default for LiveCurves {
    fn default() -> Self {
        Self {
            enabled: true,
            handle: None,
            last: None,
            cost: Duration::ZERO,
        }
    }
}

impl LiveCurves {
    /// Redraws `run`'s curves if they are live and a redraw is due (always when `force`).
    pub(super) fn refresh(&mut self, run: &super::run::Run, force: bool) {
        if !self.enabled || !display::is_live() {
            return;
        }
        if let Some(last) = self.last {
            let wait = INTERVAL.max(self.cost * IDLE_PER_DRAW);
            if !force && last.elapsed() < wait {
                return;
            }
        }
        let started = Instant::now();
        // Too few points to draw yet (or nothing logged): try again next time.
        let Ok(figure) = run.curves().figure() else {
            return;
        };
        match &self.handle {
            Some(handle) => handle.update(&figure),
            None => self.handle = Some(display::display(&figure)),
        }
        self.cost = started.elapsed();
        self.last = Some(Instant::now());
    }
}
