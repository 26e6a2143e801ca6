//! [`Figure`]: a rendered picture with three exits — PNG bytes, a file, and inline display in evcxr.

use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use plotters::coord::Shift;
use plotters::prelude::{BitMapBackend, DrawingArea, IntoDrawingArea};

use crate::render::ensure_fonts;
use crate::{Error, Result};

/// The drawing area every glassbox plot draws on: an in-memory RGB bitmap.
pub type Canvas<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A rendered picture: RGB pixels plus a one-line text summary.
///
/// The last expression of an evcxr cell that is a `Figure` shows inline as a PNG (with the summary
/// as its `text/plain` form). In scripts, [`Figure::save`] writes it to disk.
///
/// # Example
/// ```
/// use glassbox::Figure;
/// let fig = Figure::from_rgb(2, 1, vec![255, 0, 0, 0, 0, 255], "red and blue")?;
/// assert_eq!((fig.width(), fig.height()), (2, 1));
/// assert_eq!(&fig.to_png()?[..4], b"\x89PNG");
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Figure {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    summary: String,
}

impl Figure {
    /// A figure from raw RGB8 pixels, row-major, `width * height * 3` bytes.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when the buffer length does not match the size, a
    /// side is zero, or the size is over [`crate::MAX_ELEMENTS`].
    pub fn from_rgb(
        width: u32,
        height: u32,
        rgb: Vec<u8>,
        summary: impl Into<String>,
    ) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(Error::invalid(
                "size",
                format!("{width}×{height} has no pixels; pass a width and height of at least 1"),
            ));
        }
        let expected =
            crate::size_limit::checked_len("size", &[width as usize, height as usize, 3])?;
        if rgb.len() != expected {
            return Err(Error::invalid(
                "rgb",
                format!(
                    "{} bytes given, {width}×{height} RGB needs {expected}",
                    rgb.len()
                ),
            ));
        }
        Ok(Self {
            width,
            height,
            rgb,
            summary: summary.into(),
        })
    }

    /// Draws a new `width × height` figure (white background) with `draw` on a plotters canvas.
    ///
    /// The embedded font is registered first, so text works on machines without fonts.
    ///
    /// # Errors
    /// Whatever `draw` returns, [`crate::ErrorKind::Render`] when plotters fails, and
    /// [`crate::ErrorKind::InvalidArgument`] for a zero size or one over [`crate::MAX_ELEMENTS`].
    pub fn draw(
        width: u32,
        height: u32,
        summary: impl Into<String>,
        draw: impl FnOnce(&Canvas<'_>) -> Result<()>,
    ) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(Error::invalid(
                "size",
                format!("{width}×{height} has no pixels; pass a width and height of at least 1"),
            ));
        }
        let len = crate::size_limit::checked_len("size", &[width as usize, height as usize, 3])?;
        ensure_fonts()?;
        let mut rgb = vec![255u8; len];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
            draw(&root)?;
            root.present().map_err(Error::render)?;
        }
        Self::from_rgb(width, height, rgb, summary)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The RGB8 pixels, row-major.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// The pixel at column `x`, row `y`, or `None` outside the figure.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        Some([self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]])
    }

    /// The one-line text summary (what, size, value range) shown where images are not.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Replaces the summary.
    pub fn with_summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = summary.into();
        self
    }

    /// Encodes the figure as PNG. Deterministic: the same pixels give the same bytes.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Render`] if the encoder fails.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        use image::ImageEncoder as _;
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(
                &self.rgb,
                self.width,
                self.height,
                image::ExtendedColorType::Rgb8,
            )
            .map_err(|e| Error::render(format!("PNG encoding failed: {e}")))?;
        Ok(png)
    }

    /// Writes the figure to `path` as PNG (the only format for now; the extension must be `.png`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for another extension, [`crate::ErrorKind::Io`] when
    /// the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(ext) if ext == "png" => {}
            _ => {
                return Err(Error::invalid(
                    "path",
                    format!("`{}` must end in .png", path.display()),
                ))
            }
        }
        let png = self.to_png()?;
        std::fs::write(path, png).map_err(|e| Error::io(path, e))
    }

    /// The exact text evcxr reads from stdout: one bundle with `text/plain` and `image/png`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Render`] if PNG encoding fails.
    pub fn evcxr_bundle(&self) -> Result<String> {
        let png = base64::engine::general_purpose::STANDARD.encode(self.to_png()?);
        Ok(format!(
            "EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT image/png\n{png}\nEVCXR_END_CONTENT\n",
            self.summary.replace('\n', " ")
        ))
    }

    /// Called by the evcxr kernel when a `Figure` is the last value in a cell: shows it inline.
    pub fn evcxr_display(&self) {
        match self.evcxr_bundle() {
            Ok(bundle) => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(bundle.as_bytes());
                let _ = out.flush();
            }
            Err(e) => eprintln!("glassbox: could not render figure: {e}"),
        }
    }
}

impl std::fmt::Debug for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Figure({}×{}: {})",
            self.width, self.height, self.summary
        )
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn png_round_trips_pixels() {
        let fig = Figure::from_rgb(2, 1, vec![255, 0, 0, 0, 0, 255], "two").unwrap();
        let png = fig.to_png().unwrap();
        let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(decoded.dimensions(), (2, 1));
        assert_eq!(decoded.get_pixel(0, 0).0, [255, 0, 0]);
        assert_eq!(decoded.get_pixel(1, 0).0, [0, 0, 255]);
        assert_eq!(png, fig.to_png().unwrap(), "encoding must be deterministic");
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert!(Figure::from_rgb(0, 3, vec![], "").is_err());
        assert!(Figure::from_rgb(2, 2, vec![0; 11], "").is_err());
        let fig = Figure::from_rgb(1, 1, vec![0; 3], "").unwrap();
        assert!(fig.save("/tmp/x.jpg").is_err());
        assert!(fig.save("/nonexistent-dir/x.png").is_err());
    }

    #[test]
    fn text_is_drawn_with_the_embedded_font() {
        let fig = Figure::draw(200, 60, "text", |area| {
            area.draw(&Text::new(
                "Hello",
                (10, 10),
                ("sans-serif", 30).into_font(),
            ))
            .map_err(Error::render)
        })
        .unwrap();
        let dark = fig.rgb().chunks(3).filter(|p| p[0] < 128).count();
        assert!(dark > 50, "text should leave dark pixels, found {dark}");
    }

    #[test]
    fn evcxr_bundle_is_exact() {
        let fig = Figure::from_rgb(1, 1, vec![0, 0, 0], "a\nb").unwrap();
        let bundle = fig.evcxr_bundle().unwrap();
        let png = base64::engine::general_purpose::STANDARD.encode(fig.to_png().unwrap());
        assert_eq!(
            bundle,
            format!("EVCXR_BEGIN_CONTENT text/plain\na b\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT image/png\n{png}\nEVCXR_END_CONTENT\n")
        );
    }
}
