//! Display: everything glassbox computes becomes a [`Figure`] (PNG, inline in evcxr).
//!
//! | Type | Shows |
//! |---|---|
//! | [`Colormap`](crate::Colormap), [`Colorbar`] | matplotlib's colormaps as data, and their legend |
//! | [`HeatMap`](crate::HeatMap) | attribution maps: heat map, blended, masked, alpha-scaled (Captum's modes) |
//! | [`Picture`](crate::Picture) | a 1- or 3-channel image, the common currency of image results |
//! | [`ImageGrid`](crate::ImageGrid) | many pictures or channels (feature maps, sample digits) |
//! | [`LineChart`](crate::LineChart) | training curves: several series, legend, log axis |
//! | [`Scatter`](crate::Scatter) | projections: categorical or continuous colours, thumbnails |
//! | [`BarChart`](crate::BarChart) | per-feature attributions, top-k predictions |
//! | [`Table`](crate::Table) | text/html + text/plain tables |
//! | [`Gallery`](crate::Gallery), [`gallery!`](crate::gallery!) | several figures composed into one |
//!
//! Every plot type implements [`Plot`] (`figure()` renders it) and has an inherent
//! `evcxr_display`, so a plot that ends a notebook cell shows inline.

pub(crate) mod bar_chart;
pub(crate) mod colormap;
#[rustfmt::skip]
mod colormap_data;
pub(crate) mod figure;
mod font;
mod frame;
pub(crate) mod gallery;
pub(crate) mod grid;
pub(crate) mod heatmap;
pub(crate) mod line_chart;
pub(crate) mod picture;
pub(crate) mod raster;
pub(crate) mod scaling;
pub(crate) mod scatter;
pub(crate) mod table;
pub(crate) mod text;
pub(crate) mod theme;
mod vega_lite;

pub use colormap::Colorbar;
pub use figure::Canvas;
pub(crate) use figure::Figure;
pub(crate) use font::ensure_fonts;
pub use font::FONT_FAMILY;
pub use gallery::IntoFigure;
pub use grid::TileScaling;
pub use heatmap::HeatMapMode;
pub use line_chart::PlotValue;
pub use scaling::{cumulative_sum_threshold, Normalized};
pub use vega_lite::{VegaLite, VEGA_LITE_SCHEMA};

/// Something that renders to a [`Figure`]: every glassbox plot builder.
///
/// Implement it for your own types to put them in a [`Gallery`](crate::Gallery).
///
/// # Example
/// ```
/// use glassbox::{LineChart, render::Plot};
/// let fig = LineChart::new().series_indexed("loss", &[1.0_f32, 0.5, 0.25]).figure()?;
/// assert!(fig.width() > 100);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub trait Plot {
    /// Renders the plot.
    ///
    /// # Errors
    /// Whatever made the plot's input unusable (each type documents its own), or
    /// [`crate::ErrorKind::Render`] when drawing fails.
    fn figure(&self) -> crate::Result<Figure>;
}

impl<T: Plot + ?Sized> Plot for &T {
    fn figure(&self) -> crate::Result<Figure> {
        (**self).figure()
    }
}

impl Plot for Figure {
    fn figure(&self) -> crate::Result<Figure> {
        Ok(self.clone())
    }
}

/// Adds inherent `evcxr_display` and `save` to a [`Plot`] type (evcxr only finds inherent
/// methods without an import).
macro_rules! display_via_figure {
    ($ty:ty) => {
        impl $ty {
            /// Renders to a [`Figure`](crate::Figure) (the same as [`Plot::figure`](crate::render::Plot::figure),
            /// callable without importing the trait).
            ///
            /// # Errors
            /// See the type's [`Plot`](crate::render::Plot) implementation.
            pub fn figure(&self) -> $crate::Result<$crate::Figure> {
                <Self as $crate::render::Plot>::figure(self)
            }

            /// Called by evcxr when this value ends a cell: renders it and shows it inline (an
            /// error is printed to stderr instead).
            pub fn evcxr_display(&self) {
                match $crate::render::Plot::figure(self) {
                    Ok(fig) => fig.evcxr_display(),
                    Err(e) => eprintln!("glassbox: could not render: {e}"),
                }
            }

            /// Renders and writes a PNG file.
            ///
            /// # Errors
            /// As [`Plot::figure`](crate::render::Plot::figure) and [`Figure::save`](crate::Figure::save).
            pub fn save(&self, path: impl AsRef<std::path::Path>) -> $crate::Result<()> {
                $crate::render::Plot::figure(self)?.save(path)
            }
        }
    };
}
pub(crate) use display_via_figure;
