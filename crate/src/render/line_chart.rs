//! [`LineChart`]: several series over a shared x axis — training curves, sweeps.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::render::{display_via_figure, theme, Canvas, Figure, Plot};
use crate::{Error, Result};

/// A number that can be plotted: the primitive integer and float types.
pub trait PlotValue: Copy {
    /// The value as f64.
    fn to_f64(self) -> f64;
}

macro_rules! plot_value {
    ($($t:ty),*) => {$(
        impl PlotValue for $t {
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
plot_value!(f32, f64, usize, u8, u16, u32, u64, isize, i8, i16, i32, i64);

/// A line chart with a legend, axis labels and an optional logarithmic y axis.
///
/// Non-finite points (a diverged loss) break the line instead of corrupting the axes.
///
/// # Example
/// ```
/// use glassbox::{LineChart, Plot};
/// let steps: Vec<usize> = (0..50).collect();
/// let loss: Vec<f32> = steps.iter().map(|&s| 2.0 * (-(s as f32) / 10.0).exp() + 0.05).collect();
/// let fig = LineChart::new()
///     .title("Training")
///     .x_label("step")
///     .y_label("loss")
///     .log_y(true)
///     .series("train", &steps, &loss)
///     .figure()?;
/// assert_eq!((fig.width(), fig.height()), (640, 400));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    series: Vec<(String, Vec<(f64, f64)>)>,
    title: Option<String>,
    x_label: Option<String>,
    y_label: Option<String>,
    log_y: bool,
    size: (u32, u32),
    error: Option<String>,
}

impl Default for LineChart {
    fn default() -> Self {
        Self::new()
    }
}

impl LineChart {
    /// An empty chart, 640×400 pixels.
    pub fn new() -> Self {
        Self {
            series: Vec::new(),
            title: None,
            x_label: None,
            y_label: None,
            log_y: false,
            size: (640, 400),
            error: None,
        }
    }

    /// Adds a series of `(x, y)` points; `xs` and `ys` must have the same length (checked when
    /// rendering).
    pub fn series<X: PlotValue, Y: PlotValue>(
        mut self,
        name: impl Into<String>,
        xs: &[X],
        ys: &[Y],
    ) -> Self {
        let name = name.into();
        if xs.len() != ys.len() && self.error.is_none() {
            self.error = Some(format!(
                "series `{name}` has {} x values and {} y values",
                xs.len(),
                ys.len()
            ));
        }
        let points = xs
            .iter()
            .zip(ys)
            .map(|(x, y)| (x.to_f64(), y.to_f64()))
            .collect();
        self.series.push((name, points));
        self
    }

    /// Adds a series with x = 0, 1, 2, ….
    pub fn series_indexed<Y: PlotValue>(self, name: impl Into<String>, ys: &[Y]) -> Self {
        let xs: Vec<usize> = (0..ys.len()).collect();
        self.series(name, &xs, ys)
    }

    /// A title above the chart.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The x axis label.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = Some(label.into());
        self
    }

    /// The y axis label.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = Some(label.into());
        self
    }

    /// A logarithmic y axis (every finite y must then be positive).
    pub fn log_y(mut self, log: bool) -> Self {
        self.log_y = log;
        self
    }

    /// Figure size in pixels (default 640×400).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    fn finite(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.series
            .iter()
            .flat_map(|(_, p)| p.iter().copied())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }

    fn draw_on<Y>(&self, area: &Canvas<'_>, x_range: std::ops::Range<f64>, y: Y) -> Result<()>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut builder = ChartBuilder::on(area);
        builder
            .margin(theme::MARGIN)
            .margin_right(theme::MARGIN * 2)
            .x_label_area_size(if self.x_label.is_some() { 44 } else { 28 })
            .y_label_area_size(if self.y_label.is_some() { 70 } else { 54 });
        if let Some(title) = &self.title {
            builder.caption(title, theme::title());
        }
        let mut chart = builder
            .build_cartesian_2d::<std::ops::Range<f64>, Y>(x_range, y)
            .map_err(Error::render)?;
        let x_fmt = |v: &f64| theme::format_value(*v);
        let y_fmt = |v: &f64| theme::format_value(*v);
        let mut mesh = chart.configure_mesh();
        mesh.bold_line_style(theme::GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(theme::AXIS)
            .label_style(theme::text(theme::TICK_SIZE, theme::TEXT_MUTED))
            .axis_desc_style(theme::text(theme::LABEL_SIZE, theme::TEXT))
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt);
        if let Some(l) = &self.x_label {
            mesh.x_desc(l);
        }
        if let Some(l) = &self.y_label {
            mesh.y_desc(l);
        }
        mesh.draw().map_err(Error::render)?;
        for (i, (name, points)) in self.series.iter().enumerate() {
            let color = theme::category(i);
            let style = color.stroke_width(2);
            // Split at non-finite points so a NaN breaks the line.
            let segments = points
                .split(|(x, y)| !(x.is_finite() && y.is_finite()))
                .filter(|s| !s.is_empty());
            let mut first = true;
            for segment in segments {
                let series = chart
                    .draw_series(LineSeries::new(segment.iter().copied(), style))
                    .map_err(Error::render)?;
                if first {
                    series.label(name.clone()).legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
                    });
                    first = false;
                }
            }
            if points
                .iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .count()
                == 1
            {
                chart
                    .draw_series(
                        points
                            .iter()
                            .filter(|(x, y)| x.is_finite() && y.is_finite())
                            .map(|&p| Circle::new(p, 3, color.filled())),
                    )
                    .map_err(Error::render)?;
            }
        }
        if self.series.len() > 1 || self.series.iter().any(|(n, _)| !n.is_empty()) {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(theme::GRID)
                .label_font(theme::text(theme::TICK_SIZE, theme::TEXT))
                .margin(8)
                .draw()
                .map_err(Error::render)?;
        }
        Ok(())
    }
}

/// Pads a data range by 5 % (or ±0.5 when flat) so lines don't touch the frame.
pub(crate) fn padded(lo: f64, hi: f64) -> std::ops::Range<f64> {
    if hi > lo {
        let pad = (hi - lo) * 0.05;
        lo - pad..hi + pad
    } else {
        lo - 0.5..hi + 0.5
    }
}

impl Plot for LineChart {
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when the chart has no finite point, a series has
    /// mismatched lengths, or a log axis meets y ≤ 0.
    fn figure(&self) -> Result<Figure> {
        if let Some(e) = &self.error {
            return Err(Error::invalid("series", e.clone()));
        }
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y) in self.finite() {
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
        if x0 > x1 {
            return Err(Error::invalid(
                "series",
                "the chart has no finite point: add a series with data",
            ));
        }
        if self.log_y && y0 <= 0.0 {
            return Err(Error::invalid(
                "log_y",
                format!("a log y axis needs positive values, found {y0}; use .log_y(false)"),
            ));
        }
        let names: Vec<_> = self
            .series
            .iter()
            .map(|(n, p)| format!("{n} ({} points)", p.len()))
            .collect();
        let summary = format!(
            "line chart{}: {}; x [{}, {}], y [{}, {}]",
            self.title
                .as_deref()
                .map(|t| format!(" `{t}`"))
                .unwrap_or_default(),
            names.join(", "),
            theme::format_value(x0),
            theme::format_value(x1),
            theme::format_value(y0),
            theme::format_value(y1)
        );
        let x_range: std::ops::Range<f64> = if x1 > x0 { x0..x1 } else { x0 - 0.5..x1 + 0.5 };
        Figure::draw(self.size.0, self.size.1, summary, |area| {
            if self.log_y {
                let (lo, hi) = if y1 > y0 {
                    (y0 / 1.15, y1 * 1.15)
                } else {
                    (y0 / 2.0, y1 * 2.0)
                };
                self.draw_on(area, x_range, (lo..hi).log_scale())
            } else {
                let y: RangedCoordf64 = padded(y0, y1).into();
                self.draw_on(area, x_range, y)
            }
        })
    }
}

display_via_figure!(LineChart);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_series_are_errors() {
        assert!(LineChart::new().figure().is_err());
        let e = LineChart::new()
            .series("a", &[1, 2], &[1.0])
            .figure()
            .unwrap_err();
        assert!(e.to_string().contains("`a`"), "{e}");
        let e = LineChart::new()
            .log_y(true)
            .series_indexed("a", &[1.0, 0.0])
            .figure()
            .unwrap_err();
        assert!(e.to_string().contains("log"), "{e}");
        // All-NaN is no data.
        assert!(LineChart::new()
            .series_indexed("a", &[f32::NAN])
            .figure()
            .is_err());
    }

    #[test]
    fn lines_use_the_palette_colours() {
        let fig = LineChart::new()
            .series_indexed("up", &[0.0, 1.0, 2.0])
            .series_indexed("flat", &[1.0, 1.0, 1.0])
            .figure()
            .unwrap();
        let count = |c: RGBColor| {
            fig.rgb()
                .chunks(3)
                .filter(|p| p == &[c.0, c.1, c.2])
                .count()
        };
        assert!(
            count(theme::category(0)) > 100,
            "first series is drawn in blue"
        );
        assert!(
            count(theme::category(1)) > 100,
            "second series is drawn in orange"
        );
        // A NaN in the middle still draws.
        let fig = LineChart::new()
            .series_indexed("gap", &[1.0, f64::NAN, 2.0, 3.0])
            .figure();
        assert!(fig.is_ok());
    }
}
