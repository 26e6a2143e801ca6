//! Pixel-level helpers shared by the plots: blitting RGB buffers onto a canvas, and nearest /
//! bilinear resampling of f32 planes.

use plotters::element::BitMapElement;

use crate::render::Canvas;
use crate::{Error, Result};

/// Copies an RGB8 buffer of `width × height` onto `area` with its top-left corner at (`x`, `y`).
pub(crate) fn blit(
    area: &Canvas<'_>,
    x: i32,
    y: i32,
    width: u32,
    height: u32,
    rgb: Vec<u8>,
) -> Result<()> {
    let element = BitMapElement::with_owned_buffer((x, y), (width, height), rgb)
        .ok_or_else(|| Error::render("bitmap buffer has the wrong length"))?;
    area.draw(&element).map_err(Error::render)
}

/// Resamples a `height × width` plane to `out_h × out_w` by nearest neighbour (pixel centres).
pub(crate) fn resize_nearest(
    plane: &[f32],
    height: usize,
    width: usize,
    out_h: usize,
    out_w: usize,
) -> Vec<f32> {
    let cols: Vec<usize> = (0..out_w)
        .map(|x| ((x * width) / out_w).min(width - 1))
        .collect();
    let mut out = Vec::with_capacity(out_h * out_w);
    for y in 0..out_h {
        let row = &plane[((y * height) / out_h).min(height - 1) * width..][..width];
        out.extend(cols.iter().map(|&c| row[c]));
    }
    out
}

/// Draws an anti-aliased polyline of `width` pixels through `points` (pixel coordinates),
/// clipped to the rectangle `clip` = (x0, y0, x1, y1). Coverage is the max over segments, so
/// joints are not drawn twice.
pub(crate) fn stroke_polyline(
    area: &Canvas<'_>,
    points: &[(f32, f32)],
    width: f32,
    color: plotters::style::RGBColor,
    clip: (i32, i32, i32, i32),
) {
    if points.is_empty() {
        return;
    }
    let half = width / 2.0;
    let reach = half + 1.0;
    let (min_x, max_x) = points
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (min_y, max_y) = points
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let bx0 = ((min_x - reach).floor() as i32).max(clip.0);
    let by0 = ((min_y - reach).floor() as i32).max(clip.1);
    let bx1 = ((max_x + reach).ceil() as i32).min(clip.2);
    let by1 = ((max_y + reach).ceil() as i32).min(clip.3);
    if bx1 < bx0 || by1 < by0 {
        return;
    }
    let (bw, bh) = ((bx1 - bx0 + 1) as usize, (by1 - by0 + 1) as usize);
    let mut coverage = vec![0.0f32; bw * bh];
    let segments: Vec<((f32, f32), (f32, f32))> = if points.len() == 1 {
        vec![(points[0], points[0])]
    } else {
        points.windows(2).map(|w| (w[0], w[1])).collect()
    };
    for (a, b) in segments {
        let sx0 = ((a.0.min(b.0) - reach).floor() as i32).max(bx0);
        let sx1 = ((a.0.max(b.0) + reach).ceil() as i32).min(bx1);
        let sy0 = ((a.1.min(b.1) - reach).floor() as i32).max(by0);
        let sy1 = ((a.1.max(b.1) + reach).ceil() as i32).min(by1);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        for py in sy0..=sy1 {
            for px in sx0..=sx1 {
                let (qx, qy) = (px as f32 + 0.5 - a.0, py as f32 + 0.5 - a.1);
                let t = if len2 > 0.0 {
                    ((qx * dx + qy * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (ex, ey) = (qx - t * dx, qy - t * dy);
                let c = (half + 0.5 - (ex * ex + ey * ey).sqrt()).clamp(0.0, 1.0);
                let cell = &mut coverage[(py - by0) as usize * bw + (px - bx0) as usize];
                *cell = cell.max(c);
            }
        }
    }
    for (i, &c) in coverage.iter().enumerate() {
        if c > 0.0 {
            let (px, py) = (bx0 + (i % bw) as i32, by0 + (i / bw) as i32);
            let rgba = plotters::style::RGBAColor(color.0, color.1, color.2, c as f64);
            let _ = area.draw_pixel((px, py), &rgba);
        }
    }
}

/// Converts a value in [0, 1] to a byte, rounding (NaN → 0).
pub(crate) fn to_byte(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_repeats_pixels() {
        let up = resize_nearest(&[1.0, 2.0, 3.0, 4.0], 2, 2, 4, 4);
        assert_eq!(&up[..4], &[1.0, 1.0, 2.0, 2.0]);
        assert_eq!(&up[12..], &[3.0, 3.0, 4.0, 4.0]);
    }

    #[test]
    fn bilinear_matches_pytorch_align_corners_false() {
        // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4),
        //     mode="bilinear", align_corners=False) → [0.0, 0.25, 0.75, 1.0]
        let up = crate::math::bilinear(&[0.0, 1.0], 1, 2, 1, 4);
        assert_eq!(up, vec![0.0, 0.25, 0.75, 1.0]);
        // Identity when the size does not change.
        let same = crate::math::bilinear(&[1.0, 2.0, 3.0, 4.0], 2, 2, 2, 2);
        assert_eq!(same, vec![1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn bytes_round_and_clip() {
        assert_eq!(to_byte(0.5), 128);
        assert_eq!(to_byte(2.0), 255);
        assert_eq!(to_byte(-1.0), 0);
        assert_eq!(to_byte(f32::NAN), 0);
    }
}
