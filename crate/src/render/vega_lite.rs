//! Interactive charts as [Vega-Lite v5](https://vega.github.io/vega-lite/) specs: JupyterLab 4
//! renders `application/vnd.vegalite.v5+json` with its built-in extension (hover tooltips, zoom
//! and pan, a clickable legend). Shown through [`crate::display::Interactive`], beside the PNG and
//! the text, so GitHub, nbviewer and terminals still get a picture.

use plotters::style::RGBColor;

/// The schema every spec names.
pub const VEGA_LITE_SCHEMA: &str = "https://vega.github.io/schema/vega-lite/v5.json";

/// A chart that can also be an interactive Vega-Lite v5 spec.
pub trait VegaLite {
    /// The spec: data inline, `data.values` one object per mark, `encoding.tooltip` a list.
    ///
    /// # Errors
    /// As the type's [`Plot::figure`](crate::render::Plot::figure) (the same checks apply).
    fn vega_lite(&self) -> crate::Result<serde_json::Value>;
}

/// `#rrggbb`.
pub(crate) fn hex(color: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", color.0, color.1, color.2)
}

/// Nine stops of a colormap, for a continuous Vega scale that matches the PNG.
pub(crate) fn colormap_range(colormap: super::colormap::Colormap) -> Vec<String> {
    (0..9)
        .map(|i| {
            let [r, g, b] = colormap.rgb(i as f32 / 8.0);
            hex(RGBColor(r, g, b))
        })
        .collect()
}
