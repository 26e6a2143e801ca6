//! The frame around glassbox charts: the bold title on top, and the axes (margins, label
//! areas, grid, ticks and axis labels) in the house style of [`theme`].

use std::ops::Range;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::render::text::{self, Label};
use crate::render::{theme, Canvas};
use crate::{Error, Result};

/// Draws `title` in bold at `size`, centred on `center_x` below the top margin, shortened with an
/// ellipsis to fit `max_width` pixels.
pub(crate) fn draw_title(area: &Canvas<'_>, title: &str, size: f64, center_x: i32, max_width: u32) {
    let fitted = theme::fit_text(title, size, max_width);
    let label = Label::new(&fitted, size, theme::TEXT)
        .bold()
        .anchor(HPos::Center, VPos::Top);
    text::draw(area, center_x, theme::MARGIN as i32, label);
}

/// `` `title` `` with a leading space for a figure summary, or nothing without a title.
pub(crate) fn summary_title(title: Option<&str>) -> String {
    title.map(|t| format!(" `{t}`")).unwrap_or_default()
}

/// Pads a data range by 5 % (or ±0.5 when flat) so points and lines don't touch the frame.
pub(crate) fn padded(lo: f64, hi: f64) -> Range<f64> {
    if hi > lo {
        let pad = (hi - lo) * 0.05;
        lo - pad..hi + pad
    } else {
        lo - 0.5..hi + 0.5
    }
}

/// A chart on `f64 × f64` axes, drawn on a [`Canvas`].
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Cartesian axes with an optional title and axis labels, in the house style: light grid at the
/// major ticks only, muted tick labels with a typographic minus, room for the labels that are set.
pub(crate) struct Axes<'a> {
    /// Drawn above the plot, centred on the area.
    pub title: Option<&'a str>,
    /// Below the x axis.
    pub x_label: Option<&'a str>,
    /// Left of the y axis, reading upwards.
    pub y_label: Option<&'a str>,
    /// Room right of the plot, in pixels.
    pub margin_right: u32,
    /// About how many x ticks.
    pub x_ticks: usize,
    /// About how many y ticks; `None` leaves the y ticks and grid to the caller (a log axis).
    pub y_ticks: Option<usize>,
}

impl Axes<'_> {
    /// Draws the title, grid, axes and labels on `area` over `x` × `y`, and returns the chart for
    /// the data.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Render`] when plotters fails to draw.
    pub(crate) fn draw<'a, 'b>(
        &self,
        area: &'a Canvas<'b>,
        x: Range<f64>,
        y: Range<f64>,
    ) -> Result<Chart<'a, 'b>> {
        let mut builder = ChartBuilder::on(area);
        builder
            .margin(theme::MARGIN)
            .margin_right(self.margin_right)
            .x_label_area_size(if self.x_label.is_some() { 44 } else { 28 })
            .y_label_area_size(if self.y_label.is_some() { 70 } else { 54 });
        if let Some(title) = self.title {
            builder.margin_top(theme::MARGIN + theme::TITLE_HEIGHT);
            let (width, _) = area.dim_in_pixel();
            let max_width = width.saturating_sub(2 * theme::MARGIN);
            draw_title(area, title, theme::TITLE_SIZE, width as i32 / 2, max_width);
        }
        let mut chart = builder.build_cartesian_2d(x, y).map_err(Error::render)?;
        let format = |v: &f64| theme::tick_label(*v);
        let mut mesh = chart.configure_mesh();
        mesh.bold_line_style(theme::GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(theme::AXIS)
            .label_style(theme::text(theme::TICK_SIZE, theme::TEXT_MUTED))
            .axis_desc_style(theme::text(theme::LABEL_SIZE, theme::TEXT))
            .x_labels(self.x_ticks)
            .y_labels(self.y_ticks.unwrap_or(0))
            .x_label_formatter(&format)
            .y_label_formatter(&format);
        if self.y_ticks.is_none() {
            mesh.disable_y_mesh();
        }
        if let Some(label) = self.x_label {
            mesh.x_desc(label);
        }
        if let Some(label) = self.y_label {
            mesh.y_desc(label);
        }
        mesh.draw().map_err(Error::render)?;
        Ok(chart)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Figure;

    #[test]
    fn ranges_are_padded_by_five_percent() {
        assert_eq!(padded(0.0, 10.0), -0.5..10.5);
        assert_eq!(padded(2.0, 2.0), 1.5..2.5, "a flat range gets ±0.5");
        assert_eq!(summary_title(Some("loss")), " `loss`");
        assert_eq!(summary_title(None), "");
    }

    #[test]
    fn without_y_ticks_the_caller_owns_the_horizontal_grid() {
        // Rows that are mostly grid colour: the horizontal grid lines.
        let grid_rows = |y_ticks| {
            let fig = Figure::draw(200, 150, "axes", |area| {
                let axes = Axes {
                    title: Some("title"),
                    x_label: None,
                    y_label: None,
                    margin_right: theme::MARGIN,
                    x_ticks: 3,
                    y_ticks,
                };
                axes.draw(area, 0.0..1.0, 0.0..1.0).map(|_| ())
            })
            .unwrap();
            let grid = [theme::GRID.0, theme::GRID.1, theme::GRID.2];
            (0..fig.height())
                .filter(|&y| {
                    (0..fig.width())
                        .filter(|&x| fig.pixel(x, y) == Some(grid))
                        .count()
                        > 60
                })
                .count()
        };
        assert!(grid_rows(Some(5)) >= 3);
        assert_eq!(grid_rows(None), 0);
    }
}
