//! [`LineChart`]: several series over a shared x axis — training curves, sweeps.

use std::ops::Range;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::render::frame::{padded, summary_title, Axes};
use crate::render::raster::stroke_polyline;
use crate::render::{display_via_figure, theme, Canvas, Plot};
use crate::Figure;
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
/// use glassbox::{LineChart, render::Plot};
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
#[derive(Clone, PartialEq)]
pub struct LineChart {
    series: Vec<(String, Vec<(f64, f64)>)>,
    title: Option<String>,
    x_label: Option<String>,
    y_label: Option<String>,
    log_y: bool,
    y_limits: Option<(f64, f64)>,
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
            y_limits: None,
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

    /// Fixes the y axis to [`low`, `high`] (e.g. 0..1 for accuracy) instead of fitting the data;
    /// lines outside are clipped at the frame.
    pub fn y_range(mut self, low: f64, high: f64) -> Self {
        self.y_limits = Some((low, high));
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

    /// y as plotted: log10(y) on a log axis.
    fn transform_y(&self, y: f64) -> f64 {
        if self.log_y {
            y.log10()
        } else {
            y
        }
    }

    /// The legend corner that covers the fewest points.
    fn legend_corner(&self, x: &Range<f64>, y: &Range<f64>) -> SeriesLabelPosition {
        let h = 0.1 + 0.07 * self.series.len() as f64;
        let corners = [
            (SeriesLabelPosition::UpperRight, 0.65, 1.0, 1.0 - h, 1.0),
            (SeriesLabelPosition::UpperLeft, 0.0, 0.35, 1.0 - h, 1.0),
            (SeriesLabelPosition::LowerRight, 0.65, 1.0, 0.0, h),
            (SeriesLabelPosition::LowerLeft, 0.0, 0.35, 0.0, h),
        ];
        let fractions: Vec<(f64, f64)> = self
            .finite()
            .map(|(px, py)| {
                let fx = (px - x.start) / (x.end - x.start);
                (fx, (self.transform_y(py) - y.start) / (y.end - y.start))
            })
            .collect();
        let mut best = (usize::MAX, SeriesLabelPosition::UpperRight);
        for (pos, x0, x1, y0, y1) in corners {
            let inside = fractions
                .iter()
                .filter(|(fx, fy)| (x0..=x1).contains(fx) && (y0..=y1).contains(fy))
                .count();
            if inside < best.0 {
                best = (inside, pos);
            }
        }
        best.1
    }

    fn draw_on(&self, area: &Canvas<'_>, x_range: Range<f64>, y_range: Range<f64>) -> Result<()> {
        let mut chart = Axes {
            title: self.title.as_deref(),
            x_label: self.x_label.as_deref(),
            y_label: self.y_label.as_deref(),
            margin_right: theme::MARGIN * 2,
            x_ticks: 7,
            // A log axis gets its own round ticks below.
            y_ticks: (!self.log_y).then_some(6),
        }
        .draw(area, x_range.clone(), y_range.clone())?;
        // Pixel mapping with sub-pixel precision, from two reference corners.
        let (x0p, y0p) = chart.backend_coord(&(x_range.start, y_range.start));
        let (x1p, y1p) = chart.backend_coord(&(x_range.end, y_range.end));
        let to_px = |x: f64, y: f64| -> (f32, f32) {
            let fx = (x - x_range.start) / (x_range.end - x_range.start);
            let fy = (y - y_range.start) / (y_range.end - y_range.start);
            (
                (x0p as f64 + fx * (x1p - x0p) as f64) as f32,
                (y0p as f64 + fy * (y1p - y0p) as f64) as f32,
            )
        };
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let clip = (xs.start, ys.start, xs.end - 1, ys.end - 1);
        if self.log_y {
            for v in log_ticks(10f64.powf(y_range.start), 10f64.powf(y_range.end)) {
                let (_, py) = to_px(x_range.start, v.log10());
                let py = py.round() as i32;
                area.draw(&PathElement::new(
                    [(xs.start, py), (xs.end - 1, py)],
                    theme::GRID.stroke_width(1),
                ))
                .map_err(Error::render)?;
                area.draw(&PathElement::new(
                    [(xs.start - 5, py), (xs.start, py)],
                    theme::AXIS.stroke_width(1),
                ))
                .map_err(Error::render)?;
                crate::render::text::draw(
                    area,
                    xs.start - 8,
                    py,
                    crate::render::text::Label::new(
                        &theme::tick_label(v),
                        theme::TICK_SIZE,
                        theme::TEXT_MUTED,
                    )
                    .anchor(HPos::Right, VPos::Center),
                );
            }
        }
        for (i, (name, points)) in self.series.iter().enumerate() {
            let color = theme::category(i);
            // Split at non-finite points so a NaN breaks the line.
            for segment in points.split(|(x, y)| !(x.is_finite() && y.is_finite())) {
                let pixels: Vec<(f32, f32)> = segment
                    .iter()
                    .map(|&(x, y)| to_px(x, self.transform_y(y)))
                    .collect();
                let width = if segment.len() == 1 { 6.0 } else { 2.0 };
                stroke_polyline(area, &pixels, width, color, clip);
            }
            chart
                .draw_series(Vec::<PathElement<(f64, f64)>>::new())
                .map_err(Error::render)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
                });
        }
        if self.series.len() > 1 || self.series.iter().any(|(n, _)| !n.is_empty()) {
            chart
                .configure_series_labels()
                .position(self.legend_corner(&x_range, &y_range))
                .background_style(WHITE.mix(0.9))
                .border_style(theme::GRID)
                .label_font(theme::text(theme::TICK_SIZE, theme::TEXT))
                .margin(10)
                .draw()
                .map_err(Error::render)?;
        }
        Ok(())
    }
}

/// Round ticks for a log axis over [lo, hi]: powers of ten, plus 2× and 5× when the range spans
/// fewer than three decades.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let multiples: &[f64] = if (hi / lo).log10() <= 2.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut ticks = Vec::new();
    for k in first..=last {
        for m in multiples {
            let v = m * 10f64.powi(k);
            if v >= lo && v <= hi {
                ticks.push(v);
            }
        }
    }
    ticks
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
            summary_title(self.title.as_deref()),
            names.join(", "),
            theme::format_value(x0),
            theme::format_value(x1),
            theme::format_value(y0),
            theme::format_value(y1)
        );
        let x_range: Range<f64> = if x1 > x0 { x0..x1 } else { x0 - 0.5..x1 + 0.5 };
        if let Some((lo, hi)) = self.y_limits {
            if !(lo.is_finite() && hi.is_finite() && lo < hi) || (self.log_y && lo <= 0.0) {
                return Err(Error::invalid(
                    "y_range",
                    format!(
                        "[{lo}, {hi}] is not an increasing finite range (positive on a log axis)"
                    ),
                ));
            }
        }
        let y_range = if let Some((lo, hi)) = self.y_limits {
            self.transform_y(lo)..self.transform_y(hi)
        } else if self.log_y {
            padded(y0.log10(), y1.log10())
        } else {
            padded(y0, y1)
        };
        Figure::draw(self.size.0, self.size.1, summary, |area| {
            self.draw_on(area, x_range, y_range)
        })
    }
}

display_via_figure!(LineChart);

impl std::fmt::Debug for LineChart {
    /// A short summary: series names and lengths.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let series: Vec<String> = self
            .series
            .iter()
            .map(|(n, p)| format!("{n:?}: {} points", p.len()))
            .collect();
        write!(f, "LineChart([{}])", series.join(", "))
    }
}

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
        assert!(LineChart::new()
            .series_indexed("a", &[1.0])
            .y_range(1.0, 0.0)
            .figure()
            .is_err());
        let log = LineChart::new().log_y(true).series_indexed("a", &[1.0]);
        assert!(log.y_range(0.0, 1.0).figure().is_err());
        // All-NaN is no data.
        assert!(LineChart::new()
            .series_indexed("a", &[f32::NAN])
            .figure()
            .is_err());
    }

    #[test]
    fn log_ticks_are_round() {
        assert_eq!(log_ticks(0.06, 2.5), vec![0.1, 0.2, 0.5, 1.0, 2.0]);
        assert_eq!(
            log_ticks(0.001, 100.0),
            vec![0.001, 0.01, 0.1, 1.0, 10.0, 100.0]
        );
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
