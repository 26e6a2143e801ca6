//! [`Picture`]: a small image type (1 or 3 channels, CHW, f32 in [0, 1]) that every glassbox
//! result converts into before display.

use crate::math::bilinear;
use crate::math::min_max;
use crate::render::raster::{resize_nearest, to_byte};
use crate::render::Plot;
use crate::Figure;
use crate::{Error, Result};

/// How to resample when a picture changes size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Interpolation {
    /// Repeat pixels: crisp blocks, honest for tiny inputs (28×28 digits) and attribution maps.
    #[default]
    Nearest,
    /// Linear in both directions, pixel centres aligned (PyTorch `align_corners=False`): smooth,
    /// the usual choice for upsampling coarse CAM maps onto an image.
    Bilinear,
}

/// An image with 1 (gray) or 3 (RGB) channels, stored channel-major (`[C, H, W]`) as f32.
///
/// Values are meant to lie in [0, 1]; they are clipped only when converted to bytes, so a
/// picture can carry raw data (see [`Picture::normalized`]).
///
/// # Example
/// ```
/// use glassbox::{Interpolation, Picture};
/// // A 2×2 gray picture, upscaled 4× for display.
/// let pic = Picture::gray(2, 2, vec![0.0, 1.0, 1.0, 0.0])?;
/// let big = pic.resized(8, 8, Interpolation::Nearest)?;
/// assert_eq!((big.height(), big.width()), (8, 8));
/// let fig = big.to_figure()?;
/// assert_eq!(fig.pixel(0, 0), Some([0, 0, 0]));
/// assert_eq!(fig.pixel(7, 0), Some([255, 255, 255]));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Picture {
    channels: usize,
    height: usize,
    width: usize,
    pixels: Vec<f32>,
}

impl Picture {
    /// A picture from `[C, H, W]` values, C = 1 or 3.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when C is not 1 or 3, a side is 0, or the length is not
    /// `C·H·W`; [`crate::ErrorKind::NonFinite`] for NaN or infinite values.
    pub fn from_chw(
        channels: usize,
        height: usize,
        width: usize,
        pixels: Vec<f32>,
    ) -> Result<Self> {
        let shape = [channels, height, width];
        let len = crate::size_limit::checked_len("size", &shape)?;
        if !(channels == 1 || channels == 3) || height == 0 || width == 0 {
            return Err(Error::shape(
                "picture",
                "[C, H, W] with C = 1 or 3 and H, W ≥ 1",
                &shape,
            ));
        }
        if pixels.len() != len {
            return Err(Error::shape(
                "picture pixels",
                format!("{len} values for [C, H, W] = {shape:?}"),
                &[pixels.len()],
            ));
        }
        if pixels.iter().any(|v| !v.is_finite()) {
            return Err(Error::non_finite("the picture"));
        }
        Ok(Self {
            channels,
            height,
            width,
            pixels,
        })
    }

    /// A gray picture from `[H, W]` values.
    ///
    /// # Errors
    /// As [`Picture::from_chw`].
    pub fn gray(height: usize, width: usize, pixels: Vec<f32>) -> Result<Self> {
        Self::from_chw(1, height, width, pixels)
    }

    /// A picture from RGB8 pixels, row-major (`[H, W, 3]`), e.g. a decoded photo.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when the length is not `H·W·3`.
    pub fn from_rgb8(height: usize, width: usize, rgb: &[u8]) -> Result<Self> {
        let len = crate::size_limit::checked_len("size", &[height, width, 3])?;
        if rgb.len() != len {
            return Err(Error::shape(
                "rgb8 pixels",
                format!("{len} bytes for {height}×{width} RGB"),
                &[rgb.len()],
            ));
        }
        let plane = height * width;
        let mut pixels = vec![0.0; 3 * plane];
        for (i, px) in rgb.chunks_exact(3).enumerate() {
            for c in 0..3 {
                pixels[c * plane + i] = px[c] as f32 / 255.0;
            }
        }
        Self::from_chw(3, height, width, pixels)
    }

    /// Number of channels (1 or 3).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The `[C, H, W]` values.
    pub fn pixels(&self) -> &[f32] {
        &self.pixels
    }

    /// Min-max rescaled to [0, 1] over all channels together (a constant picture becomes 0).
    pub fn normalized(&self) -> Self {
        let (min, max) = min_max(self.pixels.iter().copied());
        let span = max - min;
        let pixels = self
            .pixels
            .iter()
            .map(|&v| if span > 0.0 { (v - min) / span } else { 0.0 })
            .collect();
        Self {
            pixels,
            ..self.clone()
        }
    }

    /// A one-channel copy: ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B, as PIL's `convert("L")`).
    pub fn to_gray(&self) -> Self {
        if self.channels == 1 {
            return self.clone();
        }
        let plane = self.height * self.width;
        let (r, g, b) = (
            &self.pixels[..plane],
            &self.pixels[plane..2 * plane],
            &self.pixels[2 * plane..],
        );
        let pixels = (0..plane)
            .map(|i| 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i])
            .collect();
        Self {
            channels: 1,
            pixels,
            ..self.clone()
        }
    }

    /// A copy resampled to `height × width`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when a side is 0 or the size is over
    /// [`crate::MAX_ELEMENTS`].
    pub fn resized(
        &self,
        height: usize,
        width: usize,
        interpolation: Interpolation,
    ) -> Result<Self> {
        if height == 0 || width == 0 {
            return Err(Error::invalid(
                "size",
                format!("{height}×{width} has no pixels; pass a height and width of at least 1"),
            ));
        }
        let len = crate::size_limit::checked_len("size", &[self.channels, height, width])?;
        let plane = self.height * self.width;
        let mut pixels = Vec::with_capacity(len);
        for c in 0..self.channels {
            let src = &self.pixels[c * plane..(c + 1) * plane];
            pixels.extend(match interpolation {
                Interpolation::Nearest => {
                    resize_nearest(src, self.height, self.width, height, width)
                }
                Interpolation::Bilinear => bilinear(src, self.height, self.width, height, width),
            });
        }
        Ok(Self {
            channels: self.channels,
            height,
            width,
            pixels,
        })
    }

    /// An integer upscale so the longer side is at least `min_side` pixels (nearest neighbour):
    /// a 28×28 digit becomes 252×252 for `min_side = 250`. Pictures already that big, and
    /// upscales over [`crate::MAX_ELEMENTS`] values, are returned unchanged (use
    /// [`Picture::resized`] to get an error instead).
    pub fn upscaled_to(&self, min_side: usize) -> Self {
        let factor = display_factor(self.height, self.width, min_side);
        if factor == 1 {
            return self.clone();
        }
        self.resized(
            self.height.saturating_mul(factor),
            self.width.saturating_mul(factor),
            Interpolation::Nearest,
        )
        .unwrap_or_else(|_| self.clone())
    }

    /// The pixels as RGB8, row-major (gray is repeated in all three channels), clipped to [0, 1].
    pub fn to_rgb8(&self) -> Vec<u8> {
        let plane = self.height * self.width;
        let mut out = Vec::with_capacity(plane * 3);
        for i in 0..plane {
            for c in 0..3 {
                let ch = if self.channels == 1 { 0 } else { c };
                out.push(to_byte(self.pixels[ch * plane + i]));
            }
        }
        out
    }

    /// The picture as a figure, pixel for pixel (call [`Picture::upscaled_to`] first for tiny
    /// pictures).
    ///
    /// # Errors
    /// Only if the figure cannot be built (never for a valid picture).
    pub fn to_figure(&self) -> Result<Figure> {
        let summary = format!("picture {}×{}×{}", self.channels, self.height, self.width);
        Figure::from_rgb(
            self.width as u32,
            self.height as u32,
            self.to_rgb8(),
            summary,
        )
    }

    /// Writes the picture as shown inline (upscaled like [`Plot::figure`]) to a PNG file; use
    /// [`Picture::to_figure`] first for pixel-for-pixel output.
    ///
    /// # Errors
    /// As [`Figure::save`].
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        Plot::figure(self)?.save(path)
    }

    /// Shows the picture inline in evcxr, upscaled so small images are readable.
    pub fn evcxr_display(&self) {
        match Plot::figure(self) {
            Ok(fig) => fig.evcxr_display(),
            Err(e) => eprintln!("glassbox: could not render picture: {e}"),
        }
    }
}

impl Plot for Picture {
    /// The picture upscaled (nearest, integer factor) to at least 224 pixels on its longer side.
    fn figure(&self) -> Result<Figure> {
        let shown = self.upscaled_to(DISPLAY_SIDE);
        let summary = format!(
            "picture {}×{}×{} (shown at {}×{})",
            self.channels, self.height, self.width, shown.height, shown.width
        );
        Ok(shown.to_figure()?.with_summary(summary))
    }
}

/// The longer side small pictures are upscaled to for display.
pub(crate) const DISPLAY_SIDE: usize = 224;

/// The integer factor that brings the longer side to at least `min_side` (1 when already there).
pub(crate) fn display_factor(height: usize, width: usize, min_side: usize) -> usize {
    let side = height.max(width).max(1);
    min_side.div_ceil(side).max(1)
}

impl std::fmt::Debug for Picture {
    /// A short summary (the pixels are not listed).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (min, max) = min_max(self.pixels.iter().copied());
        write!(
            f,
            "Picture({}×{}×{}, values [{min}, {max}])",
            self.channels, self.height, self.width
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_stay_in_rgb_order() {
        // A 1×2 RGB picture: left pixel red, right pixel blue.
        let pic = Picture::from_chw(3, 1, 2, vec![1.0, 0.0, 0.0, 0.0, 0.0, 1.0]).unwrap();
        assert_eq!(pic.to_rgb8(), vec![255, 0, 0, 0, 0, 255]);
        let back = Picture::from_rgb8(1, 2, &pic.to_rgb8()).unwrap();
        assert_eq!(back, pic);
    }

    #[test]
    fn gray_uses_luma_weights() {
        let pic = Picture::from_chw(3, 1, 1, vec![1.0, 0.0, 0.0]).unwrap();
        assert!((pic.to_gray().pixels()[0] - 0.299).abs() < 1e-6);
    }

    #[test]
    fn digits_upscale_to_a_readable_size() {
        let digit = Picture::gray(28, 28, vec![0.5; 784]).unwrap();
        let big = digit.upscaled_to(DISPLAY_SIDE);
        assert_eq!((big.height(), big.width()), (224, 224));
        assert_eq!(display_factor(224, 224, 224), 1);
        assert_eq!(display_factor(7, 5, 224), 32);
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(Picture::from_chw(2, 2, 2, vec![0.0; 8]).is_err());
        assert!(Picture::from_chw(1, 2, 2, vec![0.0; 3]).is_err());
        assert!(Picture::gray(1, 1, vec![f32::NAN]).is_err());
        assert!(Picture::from_rgb8(2, 2, &[0; 5]).is_err());
        let p = Picture::gray(1, 1, vec![0.0]).unwrap();
        assert!(p.resized(0, 3, Interpolation::Nearest).is_err());
    }
}
