//! The embedded font, so text renders without fontconfig or system fonts (Binder, CI, fresh machines).
//!
//! DejaVu Sans (Bitstream Vera license, DejaVu changes public domain): see `assets/fonts/LICENSE-DejaVu.txt`.

use std::sync::OnceLock;

use plotters::style::FontStyle;

use crate::{Error, Result};

/// The family name every glassbox figure draws text with.
pub const FONT_FAMILY: &str = "sans-serif";

pub(crate) static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded font with plotters once per process; every drawing entry point calls it.
pub(crate) fn ensure_fonts() -> Result<()> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, REGULAR)
                .map_err(|_| "embedded regular font is invalid".to_string())?;
            plotters::style::register_font(FONT_FAMILY, FontStyle::Bold, BOLD)
                .map_err(|_| "embedded bold font is invalid".to_string())
        })
        .clone()
        .map_err(Error::render)
}
