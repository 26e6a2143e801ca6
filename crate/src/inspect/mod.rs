//! Looking inside a model: its [`Summary`] table, its structure diagram and its feature maps.
//!
//! Every [`Explain`] model gets these through the [`Inspect`] extension trait:
//! `net.summary()`, `net.diagram()`, `net.feature_maps(&x, "conv1")`.

mod diagram;
mod feature_maps;
mod filters;
mod summary;
mod summary_display;

pub use diagram::NetworkDiagram;
pub use feature_maps::FeatureMaps;
pub use filters::Filters;
pub use summary::{summary, Summary, SummaryRow};

use crate::Activation;
use crate::Explain;
use crate::Result;

/// Inspection for every [`Explain`] model: `use glassbox::inspect::Inspect;` (it is in the prelude).
///
/// # Example
/// ```
/// use glassbox::{inspect::Inspect, MnistNet, render::Plot};
/// let net = MnistNet::new(0);
/// let summary = net.summary();
/// summary.check()?; // every measured shape equals the declared one
/// assert_eq!(summary.total_params(), 23_946);
/// assert!(net.diagram().figure()?.width() > 400);
/// let digit = glassbox::data::mnist()?.test.image(0)?;
/// let maps = net.feature_maps(&digit, "conv1")?.top_k(4);
/// assert_eq!(maps.shown_channels().len(), 4);
/// assert_eq!(net.filters("conv1")?.shape(), [16, 1, 3, 3]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub trait Inspect: Explain + Sized {
    /// The layer table with measured output shapes, parameter counts and memory: see [`Summary`].
    fn summary(&self) -> Summary {
        summary(self)
    }

    /// The structure diagram: see [`NetworkDiagram`].
    fn diagram(&self) -> NetworkDiagram {
        NetworkDiagram::new(self)
    }

    /// The activations of `layer` for the image `x` (`[1, C, H, W]`) as a grid of channels:
    /// see [`FeatureMaps`].
    ///
    /// # Errors
    /// As [`FeatureMaps::new`].
    fn feature_maps(&self, x: &Activation, layer: &str) -> Result<FeatureMaps> {
        FeatureMaps::new(self, x, layer)
    }

    /// The weights of the first conv layer `layer` as image tiles: see [`Filters`].
    ///
    /// # Errors
    /// As [`Filters::new`].
    fn filters(&self, layer: &str) -> Result<Filters> {
        Filters::new(self, layer)
    }
}

impl<M: Explain> Inspect for M {}
