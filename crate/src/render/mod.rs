//! Display: everything glassbox computes becomes a [`Figure`] (PNG, inline in evcxr).

mod figure;
mod font;

pub use figure::{Canvas, Figure};
pub(crate) use font::ensure_fonts;
pub use font::FONT_FAMILY;
