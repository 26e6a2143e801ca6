//! Looking inside a model: its [`Summary`] table, its structure diagram and its feature maps.
//!
//! Every [`Explain`] model gets these through the [`Inspect`] extension trait:
//! `net.summary()`, `net.diagram()`, `net.feature_maps(&x, "conv1")`.

mod diagram;
mod summary;
mod summary_display;

pub use diagram::NetworkDiagram;
pub use summary::{summary, Summary, SummaryRow};

use crate::models::Explain;

/// Inspection for every [`Explain`] model: `use glassbox::Inspect;` (it is in the prelude).
pub trait Inspect: Explain + Sized {
    /// The layer table with measured output shapes, parameter counts and memory: see [`Summary`].
    fn summary(&self) -> Summary {
        summary(self)
    }

    /// The structure diagram: see [`NetworkDiagram`].
    fn diagram(&self) -> NetworkDiagram {
        NetworkDiagram::new(self)
    }
}

impl<M: Explain> Inspect for M {}
