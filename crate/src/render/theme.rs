//! The one look of every glassbox figure: colours, font sizes, margins and grid, kept in one place.

use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor, TextStyle};

use crate::render::FONT_FAMILY;

/// Titles, labels and tick text.
pub(crate) const TEXT: RGBColor = RGBColor(34, 34, 34);
/// Secondary text (tick labels, summaries).
pub(crate) const TEXT_MUTED: RGBColor = RGBColor(85, 85, 85);
/// Axis lines and tick marks.
pub(crate) const AXIS: RGBColor = RGBColor(120, 120, 120);
/// Major grid lines: light enough to read values, never louder than the data.
pub(crate) const GRID: RGBColor = RGBColor(230, 230, 230);
/// Hairline around heat-map images.
pub(crate) const IMAGE_FRAME: RGBColor = RGBColor(205, 205, 205);
/// Frame drawn around images and colorbars.
pub(crate) const FRAME: RGBColor = RGBColor(160, 160, 160);

/// Title font size in pixels.
pub(crate) const TITLE_SIZE: f64 = 17.0;
/// Axis label font size in pixels.
pub(crate) const LABEL_SIZE: f64 = 14.0;
/// Tick label and legend font size in pixels.
pub(crate) const TICK_SIZE: f64 = 12.0;
/// Small text (per-tile titles in grids).
pub(crate) const SMALL_SIZE: f64 = 11.0;

/// Outer margin around every figure, in pixels.
pub(crate) const MARGIN: u32 = 12;
/// Height reserved for a title line.
pub(crate) const TITLE_HEIGHT: u32 = 28;
/// Gap between tiles in grids and galleries.
pub(crate) const GAP: u32 = 8;
/// Width of a colorbar's colour strip.
pub(crate) const COLORBAR_WIDTH: u32 = 14;
/// Room for a colorbar's tick labels, right of the strip.
pub(crate) const COLORBAR_LABELS: u32 = 46;

/// The categorical palette (matplotlib's `tab10`), for series and classes.
pub(crate) const CATEGORICAL: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Colour of category `i` (cycles after ten).
pub(crate) fn category(i: usize) -> RGBColor {
    CATEGORICAL[i % CATEGORICAL.len()]
}

/// Positive bars in signed bar charts (matplotlib `RdBu` red end, muted).
pub(crate) const POSITIVE: RGBColor = RGBColor(202, 64, 52);
/// Negative bars in signed bar charts (matplotlib `RdBu` blue end, muted).
pub(crate) const NEGATIVE: RGBColor = RGBColor(52, 114, 181);

/// A text style of the embedded font at `size` pixels in `color`.
pub(crate) fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), size, FontStyle::Normal).color(&color)
}

/// The bold title style.
pub(crate) fn title() -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), TITLE_SIZE, FontStyle::Bold).color(&TEXT)
}

/// Pixel width and height of `s` in `style`, (0, 0) if the font cannot measure it.
pub(crate) fn text_size(s: &str, size: f64) -> (u32, u32) {
    // Layout may be computed before the first drawing registers the embedded font.
    if crate::render::ensure_fonts().is_err() {
        return (0, 0);
    }
    FontDesc::new(FontFamily::Name(FONT_FAMILY), size, FontStyle::Normal)
        .box_size(s)
        .unwrap_or((0, 0))
}

/// Shortens `s` with an ellipsis so it fits in `max_width` pixels at `size`.
pub(crate) fn fit_text(s: &str, size: f64, max_width: u32) -> String {
    if text_size(s, size).0 <= max_width {
        return s.to_string();
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>() + "…";
        if text_size(&candidate, size).0 <= max_width {
            return candidate;
        }
    }
    String::new()
}

/// Formats a tick or value label compactly: `0`, `0.25`, `1.5e-3`, `12k`-style is avoided for
/// precision; at most four significant digits.
pub(crate) fn format_value(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        return format!("{v:.2e}");
    }
    let digits = (3 - a.log10().floor() as i32).clamp(0, 4) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A value as drawn on an axis: [`format_value`] with a typographic minus sign (U+2212).
pub(crate) fn tick_label(v: f64) -> String {
    format_value(v).replacen('-', "\u{2212}", 1)
}

/// About `count` round tick values (steps of 1, 2 or 5 × 10ᵏ) covering [`lo`, `hi`].
pub(crate) fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return vec![lo];
    }
    let raw = (hi - lo) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    // The 1-2-5 step whose tick count is closest to `count`.
    let step = [0.5, 1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .min_by(|a, b| {
            let miss = |s: f64| ((hi - lo) / s - count as f64).abs();
            miss(*a).total_cmp(&miss(*b))
        })
        .unwrap_or(magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            nice_ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(nice_ticks(-3.0, 7.0, 5), vec![-2.0, 0.0, 2.0, 4.0, 6.0]);
        assert_eq!(nice_ticks(1.0, 1.0, 5), vec![1.0]);
        assert_eq!(nice_ticks(-0.27, 0.82, 5).len(), 6, "steps of 0.2, not 0.5");
        assert_eq!(tick_label(-0.5), "\u{2212}0.5");
    }

    #[test]
    fn values_format_compactly() {
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(0.25), "0.25");
        assert_eq!(format_value(1.0), "1");
        assert_eq!(format_value(-0.5), "-0.5");
        assert_eq!(format_value(1234.4), "1234");
        assert_eq!(format_value(0.000123), "1.23e-4");
        assert_eq!(format_value(2.34567), "2.346");
    }

    #[test]
    fn text_is_measured_even_before_any_drawing() {
        // Run alone (`cargo test text_is_measured`), this is the process's first font use.
        let (w, h) = text_size("digit 0", TICK_SIZE);
        assert!(w > 30 && h > 5, "{w}×{h}");
    }

    #[test]
    fn long_text_is_shortened() {
        crate::render::ensure_fonts().unwrap();
        let s = fit_text("a very long title that does not fit", SMALL_SIZE, 60);
        assert!(s.ends_with('…'));
        assert!(text_size(&s, SMALL_SIZE).0 <= 60);
        assert_eq!(fit_text("ok", SMALL_SIZE, 60), "ok");
    }
}
