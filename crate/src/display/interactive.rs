//! [`Interactive`]: a chart shown as an interactive Vega-Lite v5 spec, with its PNG and text in
//! the same output (opt-in: `scatter.interactive()`).

use super::bundle::{Bundle, Show};
use crate::render::scatter::Scatter;
use crate::render::{Figure, Plot, VegaLite};
use crate::{Error, Result};
use serde_json::Value;

/// The Vega-Lite MIME type JupyterLab 4 renders with no extension.
pub const VEGA_LITE_MIME: &str = "application/vnd.vegalite.v5+json";

/// A chart that shows as Vega-Lite (hover, zoom, pan) in JupyterLab and as its PNG elsewhere.
///
/// # Example
/// ```
/// use glassbox::{Scatter, Show};
/// let points: Vec<[f32; 2]> = (0..100).map(|i| [i as f32, (i % 7) as f32]).collect();
/// let labels: Vec<usize> = (0..100).map(|i| i % 3).collect();
/// let predicted: Vec<usize> = (0..100).map(|i| (i + 1) % 3).collect();
/// let chart = Scatter::new(&points).labels(&labels).interactive().tooltip("prediction", &predicted);
/// let bundle = chart.bundle()?;
/// let spec = bundle.get("application/vnd.vegalite.v5+json").unwrap();
/// assert_eq!(spec["data"]["values"][4]["prediction"], 2);
/// assert!(bundle.get("image/png").is_some());            // the picture stays in the bundle
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone)]
pub struct Interactive<T> {
    chart: T,
    /// Extra tooltip columns: a name and one value per mark.
    columns: Vec<(String, Vec<Value>)>,
}

impl<T: Plot + VegaLite> Interactive<T> {
    /// Wraps a chart.
    pub fn new(chart: T) -> Self {
        Self {
            chart,
            columns: Vec::new(),
        }
    }

    /// Adds a tooltip field with one value per point (a prediction, a file name, a score…).
    pub fn tooltip<V: Into<Value> + Clone>(
        mut self,
        name: impl Into<String>,
        values: &[V],
    ) -> Self {
        self.columns.push((
            name.into(),
            values.iter().cloned().map(Into::into).collect(),
        ));
        self
    }

    /// The chart as a static figure (the PNG in the bundle).
    ///
    /// # Errors
    /// As the chart's [`Plot::figure`].
    pub fn figure(&self) -> Result<Figure> {
        self.chart.figure()
    }

    /// The Vega-Lite spec, tooltip columns included.
    ///
    /// # Errors
    /// As the chart's spec; [`crate::ErrorKind::InvalidArgument`] for a tooltip column whose
    /// length is not the number of points.
    pub fn spec(&self) -> Result<Value> {
        let mut spec = self.chart.vega_lite()?;
        for (name, values) in &self.columns {
            let Some(rows) = spec["data"]["values"].as_array_mut() else {
                break;
            };
            if rows.len() != values.len() {
                return Err(Error::invalid(
                    "tooltip",
                    format!(
                        "`{name}` has {} values for {} points; pass one per point",
                        values.len(),
                        rows.len()
                    ),
                ));
            }
            for (row, value) in rows.iter_mut().zip(values) {
                row[name.as_str()] = value.clone();
            }
            if let Some(tips) = spec["encoding"]["tooltip"].as_array_mut() {
                tips.push(serde_json::json!({ "field": name }));
            }
        }
        Ok(spec)
    }

    /// Called by evcxr when this value ends a cell.
    pub fn evcxr_display(&self) {
        match self.bundle() {
            Ok(bundle) => {
                use std::io::Write as _;
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(bundle.evcxr_blocks().as_bytes());
                let _ = out.flush();
            }
            Err(e) => eprintln!("glassbox: could not render the chart: {e}"),
        }
    }
}

impl<T: Plot + VegaLite> Show for Interactive<T> {
    fn bundle(&self) -> Result<Bundle> {
        Ok(Bundle::figure(&self.figure()?)?.with(VEGA_LITE_MIME, self.spec()?))
    }
}

impl Scatter {
    /// Shown as an interactive Vega-Lite chart (tooltips with index and label, zoom, pan, a
    /// clickable legend) beside its PNG. Add tooltip fields with [`Interactive::tooltip`].
    pub fn interactive(self) -> Interactive<Self> {
        Interactive::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_labelled_scatter_becomes_a_vega_lite_spec() {
        let points = [[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]];
        let chart = Scatter::new(&points)
            .labels(&[0, 1, 1])
            .class_names(["cat", "dog"])
            .title("map")
            .interactive()
            .tooltip("prediction", &["cat", "cat", "dog"]);
        let spec = chart.spec().unwrap();
        assert_eq!(spec["$schema"], crate::render::VEGA_LITE_SCHEMA);
        let rows = spec["data"]["values"].as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            serde_json::json!({"index": 1, "x": 1.0, "y": 2.0, "label": "dog", "prediction": "cat"})
        );
        assert_eq!(
            spec["encoding"]["color"]["scale"]["domain"],
            serde_json::json!(["cat", "dog"])
        );
        assert_eq!(spec["encoding"]["color"]["scale"]["range"][0], "#1f77b4");
        let tips: Vec<&str> = spec["encoding"]["tooltip"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["field"].as_str().unwrap())
            .collect();
        assert_eq!(tips, ["index", "label", "prediction"]);
        let binds: Vec<&str> = spec["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["bind"].as_str().unwrap())
            .collect();
        assert_eq!(binds, ["scales", "legend"]);
        assert!(chart.bundle().unwrap().get("image/png").is_some());
    }

    #[test]
    fn a_wrong_tooltip_length_is_an_error() {
        let chart = Scatter::new(&[[0.0, 0.0], [1.0, 1.0]])
            .interactive()
            .tooltip("p", &[1]);
        assert!(chart
            .spec()
            .unwrap_err()
            .to_string()
            .contains("one per point"));
    }
}
