//! Activations as pictures: image `index` of a batch as a [`Picture`], its channels as an
//! [`ImageGrid`]. They live here, not in `render`, which takes plain numbers only.

use dfdx::prelude::HasShape as _;

use crate::render::TileScaling;
use crate::Activation;
use crate::{Colormap, ImageGrid, Picture};
use crate::{Error, Result};

/// Image `index` of `batch`: its `(C, H, W)` and its `C·H·W` values.
fn image(batch: &Activation, index: usize) -> Result<([usize; 3], Vec<f32>)> {
    let (b, c, h, w) = *batch.shape();
    if index >= b {
        return Err(Error::invalid(
            "index",
            format!("image {index} requested from a batch of {b}"),
        ));
    }
    let size = c * h * w;
    Ok((
        [c, h, w],
        batch.as_vec()[index * size..(index + 1) * size].to_vec(),
    ))
}

impl Picture {
    /// Image `index` of a `[B, C, H, W]` activation batch (C = 1 or 3), values taken as they are.
    ///
    /// For model inputs that were standardised (ImageNet mean/std), undo that first or call
    /// [`Picture::normalized`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `index ≥ B`; otherwise as [`Picture::from_chw`].
    pub fn from_activation(batch: &Activation, index: usize) -> Result<Self> {
        let ([c, h, w], values) = image(batch, index)?;
        Self::from_chw(c, h, w, values)
    }
}

impl ImageGrid {
    /// The channels of image `index` of a `[B, C, H, W]` activation, one gray tile each, titled
    /// by channel number, viridis, per-tile scaling: a feature-map grid.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `index ≥ B`; [`crate::ErrorKind::NonFinite`]
    /// for NaN or infinite activations.
    pub fn feature_maps(activation: &Activation, index: usize) -> Result<Self> {
        let ([c, h, w], values) = image(activation, index)?;
        let tiles = values
            .chunks(h * w)
            .map(|plane| Picture::gray(h, w, plane.to_vec()))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::new(tiles)
            .titles((0..c).map(|ch| format!("{ch}")))
            .colormap(Colormap::Viridis)
            .scaling(TileScaling::PerTile))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dfdx::prelude::*;

    #[test]
    fn activation_image_is_picked_from_the_batch() {
        let dev = Cpu::default();
        let data: Vec<f32> = (0..8).map(|i| i as f32 / 8.0).collect();
        let t = dev.tensor_from_vec(data, (2usize, 1usize, 2usize, 2usize));
        let pic = Picture::from_activation(&t, 1).unwrap();
        assert_eq!(pic.pixels(), &[0.5, 0.625, 0.75, 0.875]);
        assert!(Picture::from_activation(&t, 2).is_err());
    }

    #[test]
    fn feature_maps_come_from_one_image() {
        let dev = Cpu::default();
        let t = dev.tensor_from_vec(
            (0..16).map(|v| v as f32).collect(),
            (2usize, 2usize, 2usize, 2usize),
        );
        let grid = ImageGrid::feature_maps(&t, 1).unwrap();
        assert!(grid.figure().is_ok());
        assert_eq!(image(&t, 1).unwrap().1[..4], [8.0, 9.0, 10.0, 11.0]);
        assert!(ImageGrid::feature_maps(&t, 2).is_err());
    }
}
