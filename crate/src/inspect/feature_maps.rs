//! [`FeatureMaps`]: a layer's activations for one input as a labelled grid of channels.

use dfdx::prelude::HasShape;

use crate::render::{display_via_figure, Plot, TileScaling};
use crate::Explain;
use crate::{Activation, ReluGrad};
use crate::{Colormap, ImageGrid, Picture};
use crate::{Error, Figure, Result};

/// Channels shown by default when a layer has more.
const DEFAULT_MAX: usize = 64;

/// The activations of one layer for one input, shown as a grid of channels.
///
/// Channels are ordered by their mean activation, largest first, and titled `#channel` with
/// their mean. By default every channel is shown (the 64 largest when there are more);
/// [`FeatureMaps::top_k`] keeps fewer. Each tile is min-max scaled on its own by default
/// (shows each channel's pattern); [`FeatureMaps::shared_scale`] uses one scale for all, so
/// magnitudes compare (with a colorbar).
///
/// Made by [`crate::inspect::Inspect::feature_maps`].
#[derive(Clone, PartialEq)]
pub struct FeatureMaps {
    title: String,
    /// `[C, H, W]`.
    shape: [usize; 3],
    values: Vec<f32>,
    top_k: Option<usize>,
    scaling: TileScaling,
    columns: Option<usize>,
    colormap: Colormap,
}

impl FeatureMaps {
    /// Runs `model` on `x` (`[1, C, H, W]`) up to `layer` and keeps its output.
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownLayer`] for a layer the model lacks (listing those it has);
    /// [`crate::ErrorKind::InvalidArgument`] for a batch of more than one image; the model's
    /// shape errors.
    pub fn new<M: Explain>(model: &M, x: &Activation, layer: &str) -> Result<Self> {
        let _ids = crate::nn::id_guard();
        let (b, ..) = *x.shape();
        if b != 1 {
            return Err(Error::invalid(
                "x",
                format!("a batch of {b} images; pass one image, [1, C, H, W]"),
            ));
        }
        let layer = &model.resolve_layer(layer)?;
        let a = model.forward_to(x.clone(), layer, ReluGrad::Standard)?;
        let (_, c, h, w) = *a.shape();
        Ok(Self {
            title: format!("{} {layer}", model.name()),
            shape: [c, h, w],
            values: a.as_vec(),
            top_k: None,
            scaling: TileScaling::PerTile,
            columns: None,
            colormap: Colormap::Viridis,
        })
    }

    /// Shows only the `k` channels with the largest mean activation.
    pub fn top_k(mut self, k: usize) -> Self {
        self.top_k = Some(k);
        self
    }

    /// Shows every channel, however many.
    pub fn all(mut self) -> Self {
        self.top_k = Some(usize::MAX);
        self
    }

    /// One colour scale for every tile (`true`) or one per tile (`false`, the default).
    pub fn shared_scale(mut self, shared: bool) -> Self {
        self.scaling = if shared {
            TileScaling::Shared
        } else {
            TileScaling::PerTile
        };
        self
    }

    /// Number of grid columns (default: about square).
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns);
        self
    }

    /// The colormap (default viridis).
    pub fn colormap(mut self, colormap: Colormap) -> Self {
        self.colormap = colormap;
        self
    }

    /// The layer's output shape `[C, H, W]`.
    pub fn shape(&self) -> [usize; 3] {
        self.shape
    }

    /// The raw activations of channel `c` (`H·W` values, row-major), if it exists.
    pub fn channel(&self, c: usize) -> Option<&[f32]> {
        let plane = self.shape[1] * self.shape[2];
        self.values.get(c * plane..(c + 1) * plane)
    }

    /// The mean activation of every channel.
    pub fn means(&self) -> Vec<f32> {
        let plane = self.shape[1] * self.shape[2];
        self.values
            .chunks(plane.max(1))
            .map(|ch| ch.iter().sum::<f32>() / plane as f32)
            .collect()
    }

    /// The channels shown, in display order: largest mean first (ties keep channel order).
    pub fn shown_channels(&self) -> Vec<usize> {
        let means = self.means();
        let mut order: Vec<usize> = (0..means.len()).collect();
        order.sort_by(|&a, &b| means[b].total_cmp(&means[a]));
        order.truncate(self.top_k.unwrap_or(DEFAULT_MAX));
        order
    }
}

impl Plot for FeatureMaps {
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for `top_k(0)`; [`crate::ErrorKind::NonFinite`] for
    /// NaN or infinite activations; render errors.
    fn figure(&self) -> Result<Figure> {
        let shown = self.shown_channels();
        if shown.is_empty() {
            return Err(Error::invalid("top_k", "0 channels; show at least one"));
        }
        let [c, h, w] = self.shape;
        let means = self.means();
        let tiles = shown
            .iter()
            .map(|&ch| Picture::gray(h, w, self.channel(ch).unwrap_or_default().to_vec()))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| match e.kind() {
                crate::ErrorKind::NonFinite { .. } => {
                    Error::non_finite(format!("the activations of {}", self.title))
                }
                _ => e,
            })?;
        let which = if shown.len() == c {
            format!("all {c} channels")
        } else {
            format!("top {} of {c} channels", shown.len())
        };
        let title = format!(
            "{}: {which} by mean activation, [{c}, {h}, {w}]",
            self.title
        );
        let mut grid = ImageGrid::new(tiles)
            .titles(shown.iter().map(|&ch| format!("#{ch} μ {:.2}", means[ch])))
            .colormap(self.colormap)
            .scaling(self.scaling)
            .title(title.clone());
        if let Some(columns) = self.columns {
            grid = grid.columns(columns);
        }
        Ok(grid
            .figure()?
            .with_summary(format!("feature maps of {title}")))
    }
}

display_via_figure!(FeatureMaps);

impl std::fmt::Debug for FeatureMaps {
    /// Short: layer, shape and the channels shown (not every value).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatureMaps")
            .field("layer", &self.title)
            .field("shape", &self.shape)
            .field("shown_channels", &self.shown_channels())
            .finish()
    }
}
