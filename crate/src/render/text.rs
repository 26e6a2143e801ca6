//! Text with sub-pixel glyph placement, for the labels glassbox draws itself.
//!
//! plotters rounds every glyph to a whole pixel, which makes letter spacing uneven at small
//! sizes ("viri dis"); here glyphs sit at their exact advance and are rasterised with coverage.

use std::sync::OnceLock;

use ab_glyph::{point, Font as _, FontRef, PxScale, ScaleFont as _};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{RGBAColor, RGBColor};

use crate::render::font::{BOLD, REGULAR};
use crate::render::Canvas;

fn font(bold: bool) -> Option<&'static FontRef<'static>> {
    static FONTS: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some((
                FontRef::try_from_slice(REGULAR).ok()?,
                FontRef::try_from_slice(BOLD).ok()?,
            ))
        })
        .as_ref()
        .map(|(regular, bold_font)| if bold { bold_font } else { regular })
}

/// A piece of text and how to draw it.
#[derive(Clone, Copy)]
pub(crate) struct Label<'a> {
    pub text: &'a str,
    pub size: f64,
    pub bold: bool,
    pub color: RGBColor,
    pub h: HPos,
    pub v: VPos,
    /// Rotated to read bottom-to-top (y axis labels, colorbar labels).
    pub vertical: bool,
}

impl<'a> Label<'a> {
    /// Regular text, anchored at its top-left corner.
    pub fn new(text: &'a str, size: f64, color: RGBColor) -> Self {
        Self {
            text,
            size,
            bold: false,
            color,
            h: HPos::Left,
            v: VPos::Top,
            vertical: false,
        }
    }

    /// Bold.
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    /// Where (`x`, `y`) sits on the text box.
    pub fn anchor(mut self, h: HPos, v: VPos) -> Self {
        self.h = h;
        self.v = v;
        self
    }

    /// Reads bottom-to-top.
    pub fn vertical(mut self) -> Self {
        self.vertical = true;
        self
    }
}

/// Width and height of `text` in pixels (height = ascent − descent).
pub(crate) fn measure(text: &str, size: f64, bold: bool) -> (f32, f32) {
    let Some(font) = font(bold) else {
        return (0.0, 0.0);
    };
    let scaled = font.as_scaled(PxScale::from(size as f32));
    let mut width = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        prev = Some(id);
    }
    (width, scaled.ascent() - scaled.descent())
}

/// Draws `label` with its anchor at (`x`, `y`).
pub(crate) fn draw(area: &Canvas<'_>, x: i32, y: i32, label: Label<'_>) {
    let Some(font) = font(label.bold) else {
        return;
    };
    let scale = PxScale::from(label.size as f32);
    let scaled = font.as_scaled(scale);
    let (width, height) = measure(label.text, label.size, label.bold);
    let dx = match label.h {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    };
    let dy = match label.v {
        VPos::Top => 0.0,
        VPos::Center => -height / 2.0,
        VPos::Bottom => -height,
    };
    let mut cursor = 0.0f32;
    let mut prev = None;
    for c in label.text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            cursor += scaled.kern(p, id);
        }
        prev = Some(id);
        let glyph = id.with_scale_and_position(scale, point(cursor + dx, scaled.ascent() + dy));
        cursor += scaled.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            if coverage <= 0.0 {
                return;
            }
            // Text space (right, down) → canvas, rotated for vertical text.
            let (tx, ty) = (
                bounds.min.x as i32 + gx as i32,
                bounds.min.y as i32 + gy as i32,
            );
            let (px, py) = if label.vertical {
                (x + ty, y - tx)
            } else {
                (x + tx, y + ty)
            };
            let c = label.color;
            let rgba = RGBAColor(c.0, c.1, c.2, coverage.min(1.0) as f64);
            let _ = area.draw_pixel((px, py), &rgba);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Figure;

    #[test]
    fn text_is_measured_and_drawn_where_anchored() {
        let (w, h) = measure("viridis", 14.0, true);
        assert!(w > 40.0 && w < 70.0 && h > 12.0, "{w}×{h}");
        let fig = Figure::draw(120, 40, "t", |area| {
            let label =
                Label::new("viridis", 14.0, RGBColor(0, 0, 0)).anchor(HPos::Right, VPos::Top);
            draw(area, 110, 5, label);
            Ok(())
        })
        .unwrap();
        let inked: Vec<u32> = (0..120)
            .filter(|&x| (0..40).any(|y| fig.pixel(x, y).unwrap()[0] < 128))
            .collect();
        assert!(
            *inked.last().unwrap() <= 110,
            "right-anchored text ends at x = 110"
        );
        assert!(inked[0] >= 110 - w.ceil() as u32 - 1);
    }
}
