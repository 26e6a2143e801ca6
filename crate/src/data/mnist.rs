//! The embedded MNIST digits: 10,000 real handwritten digits with a fixed train/test split.
//!
//! Provenance, license and byte layout: `crate/assets/mnist/README.md` and `convert.py`.

use std::io::Read;
use std::ops::Range;

use dfdx::prelude::{Cpu, TensorFromVec};

use crate::{Activation, Error, Result};

/// Side length of an MNIST image in pixels.
pub const MNIST_SIDE: usize = 28;
const PIXELS: usize = MNIST_SIDE * MNIST_SIDE;
const EMBEDDED: &[u8] = include_bytes!("../../assets/mnist/mnist.bin.gz");
const MAGIC: &[u8; 8] = b"GBMNIST1";

/// The embedded MNIST digits, split once into [`Mnist::train`] (8,004) and [`Mnist::test`] (1,996).
///
/// Each class is split 80 / 20 % (stratified) and each split shuffled with a fixed seed, so
/// `test.image(i)` is the same digit on every machine.
///
/// # Example
/// ```
/// use dfdx::shapes::HasShape;
/// let mnist = glassbox::data::mnist()?;
/// assert_eq!((mnist.train.len(), mnist.test.len()), (8004, 1996));
/// let x = mnist.test.image(0)?; // [1, 1, 28, 28], values in [0, 1]
/// assert_eq!(x.shape().1, 1);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Mnist {
    /// The training digits.
    pub train: MnistSplit,
    /// The held-out test digits.
    pub test: MnistSplit,
}

/// One split of [`Mnist`]: grey-level pixels and labels.
#[derive(Clone)]
pub struct MnistSplit {
    pixels: Vec<u8>,
    labels: Vec<usize>,
}

/// Decodes the MNIST digits embedded in the crate (a fraction of a second; nothing is downloaded).
///
/// # Errors
/// [`crate::ErrorKind::Format`] if the embedded file is damaged (a broken build).
pub fn mnist() -> Result<Mnist> {
    Mnist::from_gzip(EMBEDDED)
}

impl Mnist {
    /// Decodes a file in the layout written by `crate/assets/mnist/convert.py`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Format`] for a file that is not gzip, has the wrong magic bytes, or
    /// is truncated.
    pub fn from_gzip(bytes: &[u8]) -> Result<Mnist> {
        let what = "MNIST data";
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut raw)
            .map_err(|e| Error::format(what, format!("cannot decompress: {e}")))?;
        if raw.len() < 16 || &raw[..8] != MAGIC {
            return Err(Error::format(what, "missing the `GBMNIST1` header"));
        }
        let count =
            |at: usize| u32::from_le_bytes([raw[at], raw[at + 1], raw[at + 2], raw[at + 3]]);
        let (n_train, n_test) = (count(8) as usize, count(12) as usize);
        let n = n_train + n_test;
        let expected = 16 + n + n * PIXELS;
        if raw.len() != expected {
            return Err(Error::format(
                what,
                format!("{} bytes, expected {expected} for {n} digits", raw.len()),
            ));
        }
        let labels: Vec<usize> = raw[16..16 + n].iter().map(|&l| l as usize).collect();
        if let Some(bad) = labels.iter().find(|&&l| l > 9) {
            return Err(Error::format(what, format!("label {bad} is not a digit")));
        }
        let pixels = &raw[16 + n..];
        Ok(Mnist {
            train: MnistSplit {
                pixels: pixels[..n_train * PIXELS].to_vec(),
                labels: labels[..n_train].to_vec(),
            },
            test: MnistSplit {
                pixels: pixels[n_train * PIXELS..].to_vec(),
                labels: labels[n_train..].to_vec(),
            },
        })
    }
}

impl MnistSplit {
    /// The number of digits.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the split holds no digits.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels (0–9), one per digit.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The label of digit `i`.
    ///
    /// # Panics
    /// If `i >= len()`, like slice indexing.
    pub fn label(&self, i: usize) -> usize {
        self.labels[i]
    }

    /// The 784 raw grey levels (0–255, row-major 28×28) of digit `i`, or `None` out of range.
    pub fn pixels(&self, i: usize) -> Option<&[u8]> {
        (i < self.len()).then(|| &self.pixels[i * PIXELS..(i + 1) * PIXELS])
    }

    /// Digit `i` as a `[1, 1, 28, 28]` activation with values in [0, 1].
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] naming `index` when `i >= len()`.
    pub fn image(&self, i: usize) -> Result<Activation> {
        self.images([i]).map_err(|_| {
            Error::invalid(
                "index",
                format!(
                    "digit {i} is out of range: the split has {} digits (0..{})",
                    self.len(),
                    self.len()
                ),
            )
        })
    }

    /// The digits at `indices` (a range such as `0..64`, or any list) as a `[B, 1, 28, 28]` batch.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for an index out of range or an empty selection.
    pub fn images(&self, indices: impl IntoIterator<Item = usize>) -> Result<Activation> {
        let _ids = crate::nn::id_guard();
        let indices: Vec<usize> = indices.into_iter().collect();
        if indices.is_empty() {
            return Err(Error::invalid("indices", "select at least one digit"));
        }
        if let Some(bad) = indices.iter().find(|&&i| i >= self.len()) {
            return Err(Error::invalid(
                "indices",
                format!(
                    "digit {bad} is out of range: the split has {} digits",
                    self.len()
                ),
            ));
        }
        Ok(self.batch(&indices))
    }

    /// Every digit of the split as one `[len, 1, 28, 28]` batch (the test split: 1,996 digits,
    /// 6 MB).
    ///
    /// # Errors
    /// None for the shipped splits (an empty split would be [`crate::ErrorKind::InvalidArgument`]).
    pub fn all(&self) -> Result<Activation> {
        self.images(0..self.len())
    }

    /// The split in consecutive `[size, 1, 28, 28]` batches, in order (the last may be smaller):
    /// for work whose memory should not grow with the split, e.g.
    /// [`crate::Embed::embed_batches`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for `size == 0`.
    pub fn batches(&self, size: usize) -> Result<impl Iterator<Item = Activation> + '_> {
        if size == 0 {
            return Err(Error::invalid("size", "a batch holds at least one digit"));
        }
        let starts = (0..self.len()).step_by(size);
        Ok(starts.map(move |s| {
            let _ids = crate::nn::id_guard();
            let indices: Vec<usize> = (s..(s + size).min(self.len())).collect();
            self.batch(&indices)
        }))
    }

    /// The digits `range` as a flat row-major `[B, 784]` matrix in [0, 1] (for projections).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for a range past the end.
    pub fn matrix(&self, range: Range<usize>) -> Result<Vec<f32>> {
        if range.end > self.len() || range.start > range.end {
            return Err(Error::invalid(
                "range",
                format!("{range:?} does not fit the split's {} digits", self.len()),
            ));
        }
        Ok(self.pixels[range.start * PIXELS..range.end * PIXELS]
            .iter()
            .map(|&p| p as f32 / 255.0)
            .collect())
    }

    fn batch(&self, indices: &[usize]) -> Activation {
        let mut data = Vec::with_capacity(indices.len() * PIXELS);
        for &i in indices {
            data.extend(
                self.pixels[i * PIXELS..(i + 1) * PIXELS]
                    .iter()
                    .map(|&p| p as f32 / 255.0),
            );
        }
        Cpu::default().tensor_from_vec(data, (indices.len(), 1, MNIST_SIDE, MNIST_SIDE))
    }
}

impl std::fmt::Debug for MnistSplit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MnistSplit({} digits, 28×28)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dfdx::prelude::*;

    #[test]
    fn split_sizes_and_class_counts_match_the_readme() {
        let m = mnist().unwrap();
        assert_eq!((m.train.len(), m.test.len()), (8004, 1996));
        let mut counts = [0; 10];
        m.test.labels().iter().for_each(|&l| counts[l] += 1);
        assert_eq!(counts, [200, 225, 198, 206, 196, 172, 202, 214, 188, 195]);
    }

    #[test]
    fn images_are_scaled_bytes() {
        let m = mnist().unwrap();
        let x = m.test.images([3, 5]).unwrap();
        assert_eq!(x.shape(), &(2, 1, 28, 28));
        let v = x.as_vec();
        let raw = m.test.pixels(5).unwrap();
        assert_eq!(v[PIXELS + 200], raw[200] as f32 / 255.0);
        assert!(v.iter().all(|p| (0.0..=1.0).contains(p)));
        // A real digit: mostly black background, some bright strokes.
        let bright = raw.iter().filter(|&&p| p > 200).count();
        assert!(bright > 20 && bright < 400, "{bright}");
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        let m = mnist().unwrap();
        let e = m.test.images([0, 5000]).unwrap_err();
        assert!(e.to_string().contains("digit 5000 is out of range"), "{e}");
        assert!(m.test.images(std::iter::empty()).is_err());
        assert!(m.test.matrix(0..3000).is_err());
        assert!(Mnist::from_gzip(b"not gzip").is_err());
        let truncated = &EMBEDDED[..EMBEDDED.len() / 2];
        let e = Mnist::from_gzip(truncated).unwrap_err();
        assert!(
            e.to_string().starts_with("`MNIST data` is not usable"),
            "{e}"
        );
    }
}
