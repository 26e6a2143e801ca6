//! [`HeatMap`]: attribution maps drawn the way Captum's `visualize_image_attr` draws them.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::math::bilinear;
use crate::math::min_max;
use crate::render::frame::draw_title;
use crate::render::picture::{display_factor, DISPLAY_SIDE};
use crate::render::raster::blit;
use crate::render::{display_via_figure, theme, Colorbar, Normalized, Plot};
use crate::Interpolation;
use crate::{normalize_attribution, Colormap, Figure, Picture, Scaling, Sign};
use crate::{Error, Result};

/// How a [`HeatMap`] is combined with an image (Captum's `method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum HeatMapMode {
    /// The colour-mapped attribution alone (`heat_map`).
    #[default]
    HeatMap,
    /// `0.5 · gray(image) + 0.5 · colour(attribution)` (`blended_heat_map`; the weight is
    /// [`HeatMap::blend_alpha`]).
    Blended,
    /// `image · attribution`: only the attributed pixels stay visible (`masked_image`).
    Masked,
    /// The image with opacity `attribution` over white (`alpha_scaling`).
    AlphaScaling,
    /// The image alone, for side-by-side comparisons (`original_image`).
    Original,
}

/// A heat map of raw attribution values `[H, W]`, with Captum's sign modes and scaling.
///
/// Values stay f32 through [`normalize_attribution`] until the colormap lookup. Signed maps
/// ([`Sign::All`]) default to a diverging map centred on 0 (RdBu reversed: positive red,
/// negative blue); the others default to viridis. An all-zero map still renders (flagged in
/// the summary and on the picture, see [`HeatMap::is_degenerate`]); it never produces NaN.
///
/// # Example
/// ```
/// use glassbox::{Colormap, HeatMap, Picture, Scaling, Sign};
/// let attribution = vec![0.0, 0.1, 0.2, 0.3, -0.4, 0.5, 0.6, 0.7, 2.0]; // [3, 3]
/// let image = Picture::gray(3, 3, vec![0.5; 9])?;
/// let fig = HeatMap::new(3, 3, attribution)?
///     .sign(Sign::All)
///     .scaling(Scaling::Outlier(2.0))
///     .title("Saliency")
///     .blended(&image)
///     .figure()?;
/// assert!(fig.summary().contains("blended"));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct HeatMap {
    height: usize,
    width: usize,
    values: Vec<f32>,
    colormap: Option<Colormap>,
    reversed: Option<bool>,
    sign: Sign,
    scaling: Scaling,
    title: Option<String>,
    colorbar: bool,
    mode: HeatMapMode,
    image: Option<Picture>,
    blend_alpha: f32,
    display_side: usize,
}

impl HeatMap {
    /// A heat map of `[H, W]` raw values, row-major.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when `values.len() != height · width` or a side is 0;
    /// [`crate::ErrorKind::NonFinite`] for NaN or infinite values.
    pub fn new(height: usize, width: usize, values: Vec<f32>) -> Result<Self> {
        let len = crate::size_limit::checked_len("size", &[height, width])?;
        if height == 0 || width == 0 || values.len() != len {
            return Err(Error::shape(
                "heat map values",
                format!("{len} values for [H, W] = [{height}, {width}] (height · width)"),
                &[values.len()],
            ));
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(Error::non_finite("the attribution map"));
        }
        Ok(Self {
            height,
            width,
            values,
            colormap: None,
            reversed: None,
            sign: Sign::Absolute,
            scaling: Scaling::default(),
            title: None,
            colorbar: true,
            mode: HeatMapMode::HeatMap,
            image: None,
            blend_alpha: 0.5,
            display_side: DISPLAY_SIDE,
        })
    }

    /// A heat map of `[C, H, W]` values, summing the channels (Captum's channel reduction).
    ///
    /// # Errors
    /// As [`HeatMap::new`], with the shape checked against `C·H·W`.
    pub fn from_chw(channels: usize, height: usize, width: usize, values: &[f32]) -> Result<Self> {
        let len = crate::size_limit::checked_len("size", &[channels, height, width])?;
        if channels == 0 || values.len() != len {
            return Err(Error::shape(
                "attribution",
                format!("{len} values for [C, H, W] = [{channels}, {height}, {width}]"),
                &[values.len()],
            ));
        }
        let plane = height * width;
        let mut summed = vec![0.0f32; plane];
        for c in 0..channels {
            for (s, v) in summed.iter_mut().zip(&values[c * plane..(c + 1) * plane]) {
                *s += v;
            }
        }
        Self::new(height, width, summed)
    }

    /// The colormap (default: viridis, or reversed RdBu for [`Sign::All`]).
    pub fn colormap(mut self, colormap: Colormap) -> Self {
        self.colormap = Some(colormap);
        self
    }

    /// Reverses the colormap (matplotlib's `<name>_r`).
    pub fn reversed(mut self, reversed: bool) -> Self {
        self.reversed = Some(reversed);
        self
    }

    /// Which part of the signed values to show (default [`Sign::Absolute`]).
    pub fn sign(mut self, sign: Sign) -> Self {
        self.sign = sign;
        self
    }

    /// How values are scaled (default `Scaling::Outlier(2.0)`, Captum's).
    pub fn scaling(mut self, scaling: Scaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// A title above the map.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Whether to draw a colorbar in raw attribution units (default true; heat map and blended
    /// modes only).
    pub fn colorbar(mut self, show: bool) -> Self {
        self.colorbar = show;
        self
    }

    /// The display mode; [`HeatMap::blended`] and friends set it together with the image.
    pub fn mode(mut self, mode: HeatMapMode) -> Self {
        self.mode = mode;
        self
    }

    /// The image the map is shown over (resized bilinearly to the image when sizes differ).
    pub fn image(mut self, image: &Picture) -> Self {
        self.image = Some(image.clone());
        self
    }

    /// Blended over a grayscale copy of `image`.
    pub fn blended(self, image: &Picture) -> Self {
        self.image(image).mode(HeatMapMode::Blended)
    }

    /// `image` masked by the map.
    pub fn masked(self, image: &Picture) -> Self {
        self.image(image).mode(HeatMapMode::Masked)
    }

    /// `image` with the map as opacity.
    pub fn alpha_scaled(self, image: &Picture) -> Self {
        self.image(image).mode(HeatMapMode::AlphaScaling)
    }

    /// `image` alone.
    pub fn original(self, image: &Picture) -> Self {
        self.image(image).mode(HeatMapMode::Original)
    }

    /// The heat map's weight in [`HeatMapMode::Blended`] (default 0.5, Captum's).
    pub fn blend_alpha(mut self, alpha: f32) -> Self {
        self.blend_alpha = alpha;
        self
    }

    /// Small maps are upscaled (integer factor, nearest) until the longer side reaches this many
    /// pixels (default 224).
    pub fn display_side(mut self, pixels: usize) -> Self {
        self.display_side = pixels;
        self
    }

    /// The raw values, `[H, W]`.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The scaled values (see [`normalize_attribution`]).
    ///
    /// # Errors
    /// As [`normalize_attribution`] (a bad outlier percentage).
    pub fn normalized(&self) -> Result<Normalized> {
        normalize_attribution(&self.values, self.sign, self.scaling)
    }

    /// True when the selected values are all equal (e.g. all zero): nothing can be shown.
    pub fn is_degenerate(&self) -> bool {
        self.normalized().map(|n| n.degenerate).unwrap_or(true)
    }

    fn effective_colormap(&self) -> (Colormap, bool) {
        match (self.colormap, self.sign) {
            (Some(c), _) => (c, self.reversed.unwrap_or(false)),
            (None, Sign::All) => (Colormap::RdBu, self.reversed.unwrap_or(true)),
            (None, _) => (Colormap::Viridis, self.reversed.unwrap_or(false)),
        }
    }

    /// The colour of a normalised value (in [0, 1], or [−1, 1] for [`Sign::All`]).
    fn color(&self, v: f32) -> [u8; 3] {
        let (map, reversed) = self.effective_colormap();
        let t = if self.sign == Sign::All {
            (v + 1.0) * 0.5
        } else {
            v
        };
        if reversed {
            map.rgb_reversed(t)
        } else {
            map.rgb(t)
        }
    }

    /// The picture the mode produces, at the image's size (or the map's, without an image),
    /// before upscaling for display: use it to put heat maps in an [`crate::ImageGrid`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when the mode needs an image and none was given,
    /// or `blend_alpha` is outside [0, 1]; as [`normalize_attribution`].
    pub fn to_picture(&self) -> Result<Picture> {
        let normalized = self.normalized()?;
        if !(0.0..=1.0).contains(&self.blend_alpha) {
            return Err(Error::invalid(
                "blend_alpha",
                format!("{} is outside [0, 1]; Captum uses 0.5", self.blend_alpha),
            ));
        }
        let image = match (&self.image, self.mode) {
            (None, HeatMapMode::HeatMap) => None,
            (None, mode) => {
                return Err(Error::invalid(
                    "image",
                    format!("{mode:?} mode needs the input image: call .blended(&picture) or .image(&picture)"),
                ))
            }
            (Some(image), _) => Some(image),
        };
        let (h, w) = image.map_or((self.height, self.width), |i| (i.height(), i.width()));
        let values = if (h, w) == (self.height, self.width) {
            normalized.values
        } else {
            bilinear(&normalized.values, self.height, self.width, h, w)
        };
        let plane = h * w;
        let mut out = vec![0.0f32; 3 * plane];
        let mut put = |i: usize, rgb: [f32; 3]| {
            for c in 0..3 {
                out[c * plane + i] = rgb[c];
            }
        };
        let unit = |c: [u8; 3]| c.map(|v| v as f32 / 255.0);
        let rgb_of = |img: &Picture, i: usize| -> [f32; 3] {
            let p = img.pixels();
            if img.channels() == 1 {
                [p[i]; 3]
            } else {
                [p[i], p[plane + i], p[2 * plane + i]]
            }
        };
        match (self.mode, image) {
            (HeatMapMode::HeatMap, _) | (_, None) => {
                for (i, &v) in values.iter().enumerate() {
                    put(i, unit(self.color(v)));
                }
            }
            (HeatMapMode::Blended, Some(img)) => {
                let gray = img.to_gray();
                let a = self.blend_alpha;
                for (i, &v) in values.iter().enumerate() {
                    let g = gray.pixels()[i].clamp(0.0, 1.0);
                    put(i, unit(self.color(v)).map(|c| (1.0 - a) * g + a * c));
                }
            }
            (HeatMapMode::Masked, Some(img)) => {
                for (i, &v) in values.iter().enumerate() {
                    let m = v.clamp(0.0, 1.0);
                    put(i, rgb_of(img, i).map(|c| c * m));
                }
            }
            (HeatMapMode::AlphaScaling, Some(img)) => {
                for (i, &v) in values.iter().enumerate() {
                    let m = v.clamp(0.0, 1.0);
                    put(i, rgb_of(img, i).map(|c| m * c + (1.0 - m)));
                }
            }
            (HeatMapMode::Original, Some(img)) => {
                for i in 0..plane {
                    put(i, rgb_of(img, i));
                }
            }
        }
        Picture::from_chw(3, h, w, out)
    }

    fn summary(&self, normalized: &Normalized) -> String {
        let (min, max) = min_max(self.values.iter().copied());
        let mode = match self.mode {
            HeatMapMode::HeatMap => "heat map",
            HeatMapMode::Blended => "blended heat map",
            HeatMapMode::Masked => "masked image",
            HeatMapMode::AlphaScaling => "alpha-scaled image",
            HeatMapMode::Original => "original image",
        };
        let title = self
            .title
            .as_deref()
            .map(|t| format!("{t}: "))
            .unwrap_or_default();
        let flag = if normalized.degenerate {
            " — degenerate: no signal to show (all selected values equal)"
        } else {
            ""
        };
        format!(
            "{title}{mode} {}×{}, sign {:?}, values [{}, {}], scale [{}, {}]{flag}",
            self.height,
            self.width,
            self.sign,
            theme::format_value(min as f64),
            theme::format_value(max as f64),
            theme::format_value(normalized.range.0 as f64),
            theme::format_value(normalized.range.1 as f64),
        )
    }
}

impl Plot for HeatMap {
    fn figure(&self) -> Result<Figure> {
        let normalized = self.normalized()?;
        let picture = self.to_picture()?;
        let factor = display_factor(picture.height(), picture.width(), self.display_side);
        // `resized`, not `upscaled_to`: an absurd display side is an error, not a silent no-op.
        let picture = picture.resized(
            picture.height().saturating_mul(factor),
            picture.width().saturating_mul(factor),
            Interpolation::Nearest,
        )?;
        let (pw, ph) = (picture.width() as u32, picture.height() as u32);
        let show_bar =
            self.colorbar && matches!(self.mode, HeatMapMode::HeatMap | HeatMapMode::Blended);
        let (map, reversed) = self.effective_colormap();
        let bar = Colorbar::new(map, normalized.range.0, normalized.range.1)
            .reversed(reversed)
            .label(match self.sign {
                Sign::Absolute => "|attribution|",
                Sign::Positive => "attribution > 0",
                Sign::Negative => "−attribution > 0",
                Sign::All => "attribution",
            });
        let m = theme::MARGIN;
        let top = m + if self.title.is_some() {
            theme::TITLE_HEIGHT
        } else {
            0
        };
        let bar_w = if show_bar {
            theme::GAP + bar.width()
        } else {
            0
        };
        let width = m + pw + bar_w + m;
        let height = top + ph + m;
        Figure::draw(width, height, self.summary(&normalized), |area| {
            if let Some(title) = &self.title {
                let center = (m + pw / 2) as i32;
                draw_title(area, title, theme::TITLE_SIZE, center, width - 2 * m);
            }
            blit(area, m as i32, top as i32, pw, ph, picture.to_rgb8())?;
            // A hairline just outside the image, so white-ish displays keep their edges.
            let (x0, y0) = (m as i32 - 1, top as i32 - 1);
            let (x1, y1) = ((m + pw) as i32, (top + ph) as i32);
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], theme::IMAGE_FRAME))
                .map_err(Error::render)?;
            if show_bar {
                bar.draw_at(area, (m + pw + theme::GAP) as i32, top as i32, ph)?;
            }
            if normalized.degenerate {
                let note = "all-zero map: nothing to show";
                let (cx, cy) = ((m + pw / 2) as i32, (top + ph / 2) as i32);
                let (tw, th) = theme::text_size(note, theme::TICK_SIZE);
                area.draw(&Rectangle::new(
                    [
                        (cx - tw as i32 / 2 - 6, cy - th as i32 / 2 - 4),
                        (cx + tw as i32 / 2 + 6, cy + th as i32 / 2 + 4),
                    ],
                    WHITE.mix(0.85).filled(),
                ))
                .map_err(Error::render)?;
                crate::render::text::draw(
                    area,
                    cx,
                    cy,
                    crate::render::text::Label::new(note, theme::TICK_SIZE, theme::TEXT)
                        .anchor(HPos::Center, VPos::Center),
                );
            }
            Ok(())
        })
    }
}

display_via_figure!(HeatMap);

/// Byte colour of a normalised value, for tests.
impl std::fmt::Debug for HeatMap {
    /// A short summary (the values are not listed).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "HeatMap({}×{}, {:?}, {:?}, {:?}",
            self.height, self.width, self.sign, self.scaling, self.mode
        )?;
        if let Some(image) = &self.image {
            write!(f, ", over {image:?}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
fn byte(v: f32) -> u8 {
    crate::render::raster::to_byte(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_summed() {
        let map = HeatMap::from_chw(2, 1, 2, &[1.0, 2.0, 10.0, 20.0]).unwrap();
        assert_eq!(map.values(), &[11.0, 22.0]);
        assert!(HeatMap::from_chw(2, 1, 2, &[1.0]).is_err());
    }

    #[test]
    fn blended_pixel_is_half_gray_half_colour() {
        // Gray image 0.2 everywhere, map [0, 1] → colour(1) = viridis top.
        let image = Picture::gray(1, 2, vec![0.2, 0.2]).unwrap();
        let pic = HeatMap::new(1, 2, vec![0.0, 1.0])
            .unwrap()
            .scaling(Scaling::MinMax)
            .blended(&image)
            .to_picture()
            .unwrap();
        let top = Colormap::Viridis.rgb(1.0);
        let rgb = pic.to_rgb8();
        for c in 0..3 {
            let expected = 0.5 * 0.2 + 0.5 * top[c] as f32 / 255.0;
            assert_eq!(rgb[3 + c], byte(expected));
        }
    }

    #[test]
    fn masked_and_alpha_modes_follow_captum() {
        let image = Picture::from_chw(3, 1, 2, vec![1.0, 0.5, 0.0, 0.0, 1.0, 1.0]).unwrap();
        let map = HeatMap::new(1, 2, vec![0.5, 1.0])
            .unwrap()
            .scaling(Scaling::MinMax);
        // MinMax of [0.5, 1] → [0, 1].
        let masked = map.clone().masked(&image).to_picture().unwrap();
        assert_eq!(masked.pixels(), &[0.0, 0.5, 0.0, 0.0, 0.0, 1.0]);
        let alpha = map.clone().alpha_scaled(&image).to_picture().unwrap();
        assert_eq!(alpha.pixels(), &[1.0, 0.5, 1.0, 0.0, 1.0, 1.0]);
        assert!(
            map.mode(HeatMapMode::Masked).to_picture().is_err(),
            "needs an image"
        );
    }

    #[test]
    fn coarse_maps_are_resized_to_the_image() {
        // A 2×2 CAM over a 4×4 image: bilinear upsampling keeps the hot corner bottom-right.
        let image = Picture::gray(4, 4, vec![0.0; 16]).unwrap();
        let pic = HeatMap::new(2, 2, vec![0.0, 0.0, 0.0, 1.0])
            .unwrap()
            .scaling(Scaling::MinMax)
            .colormap(Colormap::Gray)
            .blended(&image)
            .to_picture()
            .unwrap();
        assert_eq!((pic.height(), pic.width()), (4, 4));
        let red = &pic.pixels()[..16];
        // Bilinear (align_corners = False) weights per axis: [0, .25, .75, 1] for the hot cell;
        // blended with a black image at α = 0.5 → half of the gray colour.
        assert!((red[15] - 0.5).abs() < 1e-6);
        assert!((red[10] - 0.5 * 0.5625).abs() < 0.01, "{}", red[10]);
        assert!(red[15] > red[10] && red[10] > red[5] && red[5] >= red[0]);
    }

    #[test]
    fn all_zero_map_renders_and_is_flagged() {
        let map = HeatMap::new(4, 4, vec![0.0; 16]).unwrap();
        assert!(map.is_degenerate());
        let fig = map.figure().unwrap();
        assert!(fig.summary().contains("degenerate"), "{}", fig.summary());
        assert!(HeatMap::new(2, 2, vec![0.0, f32::NAN, 0.0, 0.0]).is_err());
        assert!(HeatMap::new(2, 2, vec![0.0; 3]).is_err());
    }
}
