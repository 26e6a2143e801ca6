//! A progress bar on stderr while a large file downloads, redrawn in place with `\r` (terminals
//! and Jupyter's stream output both overwrite the line).

use std::cell::Cell;

/// Files below this size download without a bar.
const MIN_SIZE: u64 = 1 << 24;
const WIDTH: u64 = 30;

pub(crate) struct Progress<'a> {
    what: &'a str,
    size: Option<u64>,
    /// The last percentage drawn (one redraw per percent).
    shown: Cell<Option<u64>>,
}

impl<'a> Progress<'a> {
    /// A bar for `what` of `size` bytes (none when unknown or small), starting at `offset`.
    pub(crate) fn new(what: &'a str, size: Option<u64>, offset: u64) -> Self {
        let progress = Self {
            what,
            size: size.filter(|&s| s >= MIN_SIZE),
            shown: Cell::new(None),
        };
        if offset > 0 && progress.size.is_some() {
            eprintln!("resuming {what} at {}", megabytes(offset));
        }
        progress
    }

    pub(crate) fn show(&self, done: u64) {
        let Some(size) = self.size else { return };
        let percent = done.min(size) * 100 / size;
        if self.shown.get() == Some(percent) {
            return;
        }
        self.shown.set(Some(percent));
        let filled = (percent * WIDTH / 100) as usize;
        eprint!(
            "\rdownloading {} [{}{}] {percent:>3}% {} / {}",
            self.what,
            "#".repeat(filled),
            ".".repeat(WIDTH as usize - filled),
            megabytes(done),
            megabytes(size)
        );
    }

    pub(crate) fn finish(&self) {
        if self.shown.get().is_some() {
            eprintln!();
        }
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}
