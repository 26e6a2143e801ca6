//! Sample photos embedded in the crate (CC0, from scikit-image), for ImageNet model demos.

pub use image::RgbImage;

use crate::{Error, Result};

/// A photo shipped with the crate. Provenance and license: `crate/assets/photos/README.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Photo {
    /// Chelsea the cat, 451×300 (CC0, Stefan van der Walt). ImageNet: a tabby (281) / tiger cat (282).
    Cat,
    /// A coffee cup, 600×400 (CC0, Rachel Michetti). ImageNet: espresso (967) / cup (968).
    Coffee,
}

impl Photo {
    /// Every shipped photo.
    pub const ALL: [Photo; 2] = [Photo::Cat, Photo::Coffee];

    /// The PNG bytes as shipped.
    pub fn png_bytes(self) -> &'static [u8] {
        match self {
            Photo::Cat => include_bytes!("../../assets/photos/chelsea.png"),
            Photo::Coffee => include_bytes!("../../assets/photos/coffee.png"),
        }
    }

    /// The ImageNet-1k classes a good classifier should put on top (index, as in `classes.txt`).
    pub fn imagenet_classes(self) -> &'static [usize] {
        match self {
            Photo::Cat => &[281, 282, 285],
            Photo::Coffee => &[967, 968, 504],
        }
    }
}

/// Decodes a shipped photo into an RGB image (8 bits per channel).
///
/// # Example
/// ```
/// use glassbox::data::{photo, Photo};
/// let cat = photo(Photo::Cat)?;
/// assert_eq!(cat.dimensions(), (451, 300));
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Format`] if the embedded PNG is damaged (a broken build).
pub fn photo(which: Photo) -> Result<RgbImage> {
    decode_png(which.png_bytes(), &format!("{which:?} photo"))
}

/// Decodes PNG bytes into an RGB image (grey and RGBA are converted, alpha dropped).
pub(crate) fn decode_png(bytes: &[u8], what: &str) -> Result<RgbImage> {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .map(|img| img.to_rgb8())
        .map_err(|e| Error::format(what, format!("not a readable PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_decode_with_their_documented_sizes() {
        assert_eq!(photo(Photo::Cat).unwrap().dimensions(), (451, 300));
        let coffee = photo(Photo::Coffee).unwrap();
        assert_eq!(coffee.dimensions(), (600, 400));
        // A real photo, not a blank: many distinct colours.
        let mut seen: Vec<[u8; 3]> = coffee.pixels().step_by(97).map(|p| p.0).collect();
        seen.sort();
        seen.dedup();
        assert!(seen.len() > 500, "{}", seen.len());
    }

    #[test]
    fn damaged_png_is_a_format_error() {
        let bytes = Photo::Cat.png_bytes();
        let e = decode_png(&bytes[..bytes.len() / 3], "half a cat").unwrap_err();
        assert!(e.to_string().contains("half a cat"), "{e}");
    }
}
