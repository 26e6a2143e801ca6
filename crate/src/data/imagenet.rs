//! ImageNet-1k: the 1000 class names and torchvision's evaluation preprocessing.

use std::sync::OnceLock;

use dfdx::prelude::{Cpu, HasShape, TensorFromVec};

use super::photo::RgbImage;
use crate::{Activation, Error, Result};

/// Per-channel mean of ImageNet RGB in [0, 1] (torchvision's normalisation).
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
/// Per-channel standard deviation of ImageNet RGB in [0, 1].
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];

const CLASSES: &str = include_str!("../../assets/imagenet/classes.txt");

/// The 1000 ImageNet-1k class names in model order (WordNet lemmas, e.g. `"tabby, tabby cat"`).
///
/// Provenance: `crate/assets/imagenet/README.md`.
///
/// # Example
/// ```
/// let names = glassbox::data::imagenet_classes();
/// assert_eq!((names.len(), names[281], names[282]), (1000, "tabby, tabby cat", "tiger cat"));
/// ```
pub fn imagenet_classes() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        CLASSES
            .lines()
            .map(|line| line.split_once('\t').map_or(line, |(_, lemmas)| lemmas))
            .collect()
    })
}

/// The name of ImageNet class `index`, or `None` past 999.
pub fn imagenet_class(index: usize) -> Option<&'static str> {
    imagenet_classes().get(index).copied()
}

/// Torchvision's ImageNet evaluation transform: resize the shorter side, centre-crop, normalise.
///
/// [`Preprocess::default`] is `Resize(256)` (bilinear, antialiased) → `CenterCrop(224)` →
/// `Normalize(IMAGENET_MEAN, IMAGENET_STD)`. Resizing works in f32 on values in [0, 1], as
/// torchvision does on tensors (`antialias=True`); torchvision's PIL path rounds to 8 bits
/// after resizing, so it differs by at most about 1/255 before normalisation.
///
/// # Example
/// ```
/// use dfdx::shapes::HasShape;
/// use glassbox::data::{photo, Photo, Preprocess};
/// let x = Preprocess::default().apply(&photo(Photo::Cat)?)?;
/// assert_eq!(x.shape(), &(1, 3, 224, 224));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Preprocess {
    /// Length the shorter side is resized to (256).
    pub resize: usize,
    /// Side of the square centre crop (224).
    pub crop: usize,
    /// Per-channel mean subtracted after scaling to [0, 1].
    pub mean: [f32; 3],
    /// Per-channel standard deviation divided by.
    pub std: [f32; 3],
}

impl Default for Preprocess {
    fn default() -> Self {
        Self {
            resize: 256,
            crop: 224,
            mean: IMAGENET_MEAN,
            std: IMAGENET_STD,
        }
    }
}

impl Preprocess {
    /// Preprocesses an 8-bit RGB image into a `[1, 3, crop, crop]` model input.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] for an empty image; [`crate::ErrorKind::InvalidArgument`]
    /// for a crop larger than the resize, a zero or non-finite `std`, a non-finite `mean`, or a
    /// resized image over [`crate::MAX_ELEMENTS`] values.
    pub fn apply(&self, image: &RgbImage) -> Result<Activation> {
        let _ids = crate::nn::id_guard();
        let (w, h) = (image.width() as usize, image.height() as usize);
        let mut chw = vec![0.0f32; crate::size_limit::checked_len("image", &[3, h, w])?];
        for (x, y, p) in image.enumerate_pixels() {
            for c in 0..3 {
                chw[(c * h + y as usize) * w + x as usize] = p.0[c] as f32 / 255.0;
            }
        }
        self.apply_chw(&chw, h, w)
    }

    /// Preprocesses a `[1, 3, H, W]` image tensor with RGB values in [0, 1].
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] unless the shape is `[1, 3, H, W]`;
    /// [`crate::ErrorKind::NonFinite`] for NaN or infinite pixels;
    /// [`crate::ErrorKind::InvalidArgument`] for values outside [0, 1] (e.g. 0–255 bytes).
    pub fn apply_tensor(&self, image: &Activation) -> Result<Activation> {
        let _ids = crate::nn::id_guard();
        let &(b, c, h, w) = image.shape();
        if b != 1 || c != 3 {
            return Err(Error::shape(
                "image",
                "[1, 3, H, W] (one RGB image)",
                &[b, c, h, w],
            ));
        }
        let data = image.as_vec();
        if data.iter().any(|v| !v.is_finite()) {
            return Err(Error::non_finite("the image"));
        }
        if data.iter().any(|&v| !(0.0..=1.0).contains(&v)) {
            return Err(Error::invalid(
                "image",
                "pixel values must be in [0, 1]; divide 8-bit values by 255",
            ));
        }
        self.apply_chw(&data, h, w)
    }

    fn apply_chw(&self, chw: &[f32], h: usize, w: usize) -> Result<Activation> {
        if h == 0 || w == 0 {
            return Err(Error::shape("image", "a non-empty image", &[1, 3, h, w]));
        }
        if self.crop == 0 || self.crop > self.resize {
            return Err(Error::invalid(
                "crop",
                format!(
                    "must be in 1..={} (the resize), got {}",
                    self.resize, self.crop
                ),
            ));
        }
        if let Some(c) = (0..3).find(|&c| !(self.std[c] > 0.0 && self.std[c].is_finite())) {
            return Err(Error::invalid(
                "std",
                format!(
                    "channel {c} has standard deviation {}; dividing by it gives ∞ or NaN, pass positive values such as IMAGENET_STD",
                    self.std[c]
                ),
            ));
        }
        if self.mean.iter().any(|m| !m.is_finite()) {
            return Err(Error::invalid(
                "mean",
                "must be finite, such as IMAGENET_MEAN",
            ));
        }
        // Torchvision: the shorter side becomes `resize`, the longer one scales, truncated.
        let long = |long: usize, short: usize| {
            let scaled = self.resize as u128 * long as u128 / short as u128;
            usize::try_from(scaled)
                .unwrap_or(usize::MAX)
                .max(self.resize)
        };
        let (nh, nw) = if h <= w {
            (self.resize, long(w, h))
        } else {
            (long(h, w), self.resize)
        };
        crate::size_limit::checked_len("resize", &[3, nh, nw])?;
        let resized = resize_antialiased(chw, 3, (h, w), (nh, nw));
        let (top, left) = (crop_offset(nh, self.crop), crop_offset(nw, self.crop));
        let s = self.crop;
        let mut out = Vec::with_capacity(3 * s * s);
        for c in 0..3 {
            for y in 0..s {
                let row = &resized[(c * nh + top + y) * nw + left..][..s];
                out.extend(row.iter().map(|v| (v - self.mean[c]) / self.std[c]));
            }
        }
        Ok(Cpu::default().tensor_from_vec(out, (1, 3, s, s)))
    }
}

/// Torchvision's `CenterCrop` offset: `round((size - crop) / 2)`, half to even.
fn crop_offset(size: usize, crop: usize) -> usize {
    ((size - crop) as f64 / 2.0).round_ties_even() as usize
}

/// Separable bilinear resize with antialiasing when shrinking (the triangle filter is widened
/// by the scale factor, as in PIL and torchvision `antialias=True`). Layout `[C, H, W]`.
pub(crate) fn resize_antialiased(
    chw: &[f32],
    channels: usize,
    (h, w): (usize, usize),
    (nh, nw): (usize, usize),
) -> Vec<f32> {
    let wx = filter_weights(w, nw);
    let wy = filter_weights(h, nh);
    let mut horizontal = vec![0.0f32; channels * h * nw];
    for (row_in, row_out) in chw.chunks_exact(w).zip(horizontal.chunks_exact_mut(nw)) {
        for (out, (start, weights)) in row_out.iter_mut().zip(&wx) {
            *out = weights
                .iter()
                .zip(&row_in[*start..])
                .map(|(k, v)| k * v)
                .sum();
        }
    }
    let mut out = vec![0.0f32; channels * nh * nw];
    for c in 0..channels {
        for (y, (start, weights)) in wy.iter().enumerate() {
            let dst = &mut out[(c * nh + y) * nw..][..nw];
            for (k, src_y) in weights.iter().zip(*start..) {
                let src = &horizontal[(c * h + src_y) * nw..][..nw];
                dst.iter_mut().zip(src).for_each(|(d, s)| *d += k * s);
            }
        }
    }
    out
}

/// For each output index: the first input index and the normalised triangle-filter weights.
fn filter_weights(input: usize, output: usize) -> Vec<(usize, Vec<f32>)> {
    let scale = input as f64 / output as f64;
    let filter_scale = scale.max(1.0);
    let support = filter_scale; // bilinear support 1, widened when shrinking
    (0..output)
        .map(|i| {
            let center = (i as f64 + 0.5) * scale;
            let lo = ((center - support + 0.5).floor().max(0.0)) as usize;
            let hi = ((center + support + 0.5).floor() as usize).min(input);
            let raw: Vec<f64> = (lo..hi)
                .map(|x| (1.0 - ((x as f64 - center + 0.5) / filter_scale).abs()).max(0.0))
                .collect();
            let total: f64 = raw.iter().sum();
            (lo, raw.iter().map(|k| (k / total) as f32).collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_follow_the_reference_order() {
        let names = imagenet_classes();
        assert_eq!(names.len(), 1000);
        assert_eq!(names[0], "tench, Tinca tinca");
        assert_eq!(imagenet_class(281), Some("tabby, tabby cat"));
        assert_eq!(imagenet_class(282), Some("tiger cat"));
        assert_eq!(imagenet_class(1000), None);
    }

    #[test]
    fn resize_keeps_constants_and_averages_when_halving() {
        let flat = resize_antialiased(&[0.3; 5 * 7], 1, (5, 7), (3, 11));
        assert!(flat.iter().all(|v| (v - 0.3).abs() < 1e-6));
        // Halving with the widened triangle: weights 1/8, 3/8, 3/8, 1/8 (PIL / torchvision).
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        let y = resize_antialiased(&x, 1, (1, 8), (1, 4));
        let expect = [
            (0.0 * 3.0 + 1.0 * 3.0 + 2.0) / 7.0,
            2.5,
            4.5,
            (5.0 + 6.0 * 3.0 + 7.0 * 3.0) / 7.0,
        ];
        for (a, b) in y.iter().zip(expect) {
            assert!((a - b).abs() < 1e-5, "{y:?}");
        }
    }

    #[test]
    fn shorter_side_and_crop_follow_torchvision() {
        let p = Preprocess::default();
        let dev = Cpu::default();
        let img: Activation = dev.tensor_from_vec(vec![0.5; 3 * 300 * 451], (1, 3, 300, 451));
        let x = p.apply_tensor(&img).unwrap();
        assert_eq!(x.shape(), &(1, 3, 224, 224));
        let v = x.as_vec();
        assert!((v[0] - (0.5 - 0.485) / 0.229).abs() < 1e-5);
        assert!((v[2 * 224 * 224] - (0.5 - 0.406) / 0.225).abs() < 1e-5);
        assert_eq!(crop_offset(384, 224), 80);
        assert_eq!(crop_offset(256, 224), 16);
        assert_eq!(crop_offset(225, 224), 0); // 0.5 rounds to even
    }

    #[test]
    fn bad_images_are_clear_errors() {
        let p = Preprocess::default();
        let dev = Cpu::default();
        let grey: Activation = dev.tensor_from_vec(vec![0.5; 32 * 32], (1, 1, 32, 32));
        let e = p.apply_tensor(&grey).unwrap_err();
        assert!(e.to_string().contains("[1, 3, H, W]"), "{e}");
        let mut nan = vec![0.5; 3 * 16 * 16];
        nan[7] = f32::NAN;
        let nan: Activation = dev.tensor_from_vec(nan, (1, 3, 16, 16));
        assert!(matches!(
            p.apply_tensor(&nan).unwrap_err().kind(),
            crate::ErrorKind::NonFinite { .. }
        ));
        let bytes: Activation = dev.tensor_from_vec(vec![200.0; 3 * 16 * 16], (1, 3, 16, 16));
        assert!(p
            .apply_tensor(&bytes)
            .unwrap_err()
            .to_string()
            .contains("divide 8-bit"));
        let empty = RgbImage::new(0, 5);
        assert!(p.apply(&empty).is_err());
        let bad = Preprocess {
            crop: 300,
            ..Preprocess::default()
        };
        assert!(bad.apply(&RgbImage::new(8, 8)).is_err());
    }
}
