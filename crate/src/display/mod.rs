//! Outputs anywhere in a cell, and outputs that update in place.
//!
//! In the glassbox kernel (`kernel/`, the "Rust · glassbox" kernelspec) [`display`] sends a
//! `display_data` at once — any number per cell, in order with what the cell prints — and the
//! [`DisplayHandle`] it returns sends `update_display_data` for the same output: live training
//! curves, a [`ProgressBar`] that fills in place.
//!
//! Elsewhere nothing fails:
//!
//! | where | `display(&x)` | `handle.update(&x)` |
//! |---|---|---|
//! | glassbox kernel | a new output, now | replaces that output, now |
//! | plain evcxr_jupyter | evcxr's bundle: the cell's last one per MIME type shows at its end | the same (the final state shows) |
//! | terminal, script, test | the `text/plain` form on stdout | the same |
//!
//! Everything that can end a cell can be displayed: every [`Plot`](crate::render::Plot) (figures, maps,
//! charts, grids, galleries, curves…), [`Table`](crate::Table), [`Summary`](crate::inspect::Summary),
//! [`TopK`](crate::models::TopK), [`NetworkDiagram`](crate::inspect::NetworkDiagram), text, and any [`Bundle`]
//! you assemble yourself. Implement [`Show`] to add your own types.
//!
//! # Example
//! ```
//! use glassbox::{display, LineChart, ProgressBar};
//!
//! let mut bar = ProgressBar::new("epochs", 3);
//! let mut losses = vec![];
//! let chart = display("training…");                  // a handle to update later
//! for epoch in 0..3 {
//!     losses.push(1.0 / (epoch as f32 + 1.0));
//!     chart.update(&LineChart::new().series_indexed("loss", &losses));
//!     bar.inc(1);
//! }
//! bar.finish();
//! # Ok::<(), glassbox::Error>(())
//! ```
//!
//! **How it reaches the notebook.** The kernel starts evcxr's evaluation process with
//! `GLASSBOX_DISPLAY=stdout-v1`; glassbox then writes each output as one line on stdout (a
//! private marker, then JSON), which the kernel reads live and turns into Jupyter messages.
//! Without that variable the fallbacks above apply.

mod bundle;
mod channel;
mod interactive;
mod progress;

pub use bundle::{Bundle, Show};
pub use interactive::{Interactive, VEGA_LITE_MIME};
pub(crate) use progress::progress_html;
pub use progress::ProgressBar;

use channel::Op;

/// Shows `value` now, as a new output of the running cell, and returns a handle that updates it.
///
/// Never fails: when `value` cannot be rendered, the reason goes to stderr (and the handle still
/// works for later updates).
pub fn display<T: Show + ?Sized>(value: &T) -> DisplayHandle {
    let handle = DisplayHandle::new();
    handle.send(Op::Display, value);
    handle
}

/// Whether outputs reach a notebook live (the glassbox kernel); `false` under plain evcxr or in
/// a terminal, where [`display`] and [`DisplayHandle::update`] still work (see the module docs).
pub fn is_live() -> bool {
    channel::Mode::current() == channel::Mode::Kernel
}

/// One output of a cell, by its Jupyter `display_id`; [`update`](Self::update) replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayHandle {
    id: String,
}

impl DisplayHandle {
    fn new() -> Self {
        Self {
            id: channel::new_display_id(),
        }
    }

    /// The output's Jupyter `display_id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Replaces the output with `value` (in place, in the glassbox kernel).
    pub fn update<T: Show + ?Sized>(&self, value: &T) {
        self.send(Op::Update, value);
    }

    fn send<T: Show + ?Sized>(&self, op: Op, value: &T) {
        match value.bundle() {
            Ok(bundle) => channel::emit(op, &self.id, &bundle),
            Err(e) => eprintln!("glassbox: could not render this output: {e}"),
        }
    }
}
