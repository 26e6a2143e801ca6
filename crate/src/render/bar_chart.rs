//! [`BarChart`]: horizontal bars with labels — per-feature attributions (signed) and top-k
//! predictions.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::render::frame::{draw_title, summary_title};
use crate::render::{display_via_figure, theme, Plot};
use crate::Figure;
use crate::{Error, Result};

/// A horizontal bar chart; signed values get red (positive) and blue (negative) bars around a
/// zero line.
///
/// # Example
/// ```
/// use glassbox::{BarChart, render::Plot};
/// // Per-feature attributions, largest |value| first.
/// let fig = BarChart::new(["petal length", "sepal width", "petal width"], &[0.8, -0.3, 0.5])
///     .title("Attribution per feature")
///     .x_label("attribution")
///     .figure()?;
/// assert!(fig.summary().contains("petal length"));
///
/// // The five most probable classes.
/// let probs = [0.01_f32, 0.7, 0.05, 0.2, 0.04];
/// let top = BarChart::top_k(&probs, &["0", "1", "2", "3", "4"], 3)?;
/// assert_eq!(top.len(), 3);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    labels: Vec<String>,
    values: Vec<f32>,
    title: Option<String>,
    x_label: Option<String>,
    sorted: bool,
    show_values: bool,
    width: u32,
    error: Option<String>,
}

impl BarChart {
    /// One bar per `(label, value)`.
    pub fn new<S: Into<String>>(labels: impl IntoIterator<Item = S>, values: &[f32]) -> Self {
        let labels: Vec<String> = labels.into_iter().map(Into::into).collect();
        let error = (labels.len() != values.len())
            .then(|| format!("{} labels for {} values", labels.len(), values.len()));
        Self {
            labels,
            values: values.to_vec(),
            title: None,
            x_label: None,
            sorted: true,
            show_values: true,
            width: 560,
            error,
        }
    }

    /// The `k` largest of `scores` with their class names, e.g. top-5 predictions.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `names` and `scores` differ in length or `k`
    /// is 0; [`crate::ErrorKind::NonFinite`] for NaN scores.
    pub fn top_k<S: AsRef<str>>(scores: &[f32], names: &[S], k: usize) -> Result<Self> {
        if scores.len() != names.len() {
            return Err(Error::invalid(
                "names",
                format!("{} names for {} scores", names.len(), scores.len()),
            ));
        }
        if k == 0 {
            return Err(Error::invalid("k", "must be at least 1"));
        }
        if scores.iter().any(|s| !s.is_finite()) {
            return Err(Error::non_finite("the scores"));
        }
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        order.truncate(k);
        let labels: Vec<String> = order
            .iter()
            .map(|&i| names[i].as_ref().to_string())
            .collect();
        let values: Vec<f32> = order.iter().map(|&i| scores[i]).collect();
        Ok(Self::new(labels, &values))
    }

    /// Keeps the `k` bars with the largest |value|.
    pub fn keep_largest(mut self, k: usize) -> Self {
        let mut order: Vec<usize> = (0..self.values.len()).collect();
        order.sort_by(|&a, &b| self.values[b].abs().total_cmp(&self.values[a].abs()));
        order.truncate(k);
        order.sort_unstable();
        self.labels = order
            .iter()
            .filter_map(|&i| self.labels.get(i).cloned())
            .collect();
        self.values = order.iter().map(|&i| self.values[i]).collect();
        self
    }

    /// Sort bars by |value|, largest on top (default true); false keeps the given order.
    pub fn sorted(mut self, sorted: bool) -> Self {
        self.sorted = sorted;
        self
    }

    /// Writes each value at the end of its bar (default true).
    pub fn show_values(mut self, show: bool) -> Self {
        self.show_values = show;
        self
    }

    /// A title above the chart.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The value axis label.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = Some(label.into());
        self
    }

    /// Figure width in pixels (default 560; the height follows the number of bars).
    pub fn width(mut self, width: u32) -> Self {
        self.width = width;
        self
    }

    /// Number of bars.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no bars.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.values.len()).collect();
        if self.sorted {
            order.sort_by(|&a, &b| self.values[b].abs().total_cmp(&self.values[a].abs()));
        }
        order
    }
}

const BAR_PITCH: u32 = 26;

impl Plot for BarChart {
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for no bars or labels/values of different lengths;
    /// [`crate::ErrorKind::NonFinite`] for NaN values.
    fn figure(&self) -> Result<Figure> {
        if let Some(e) = &self.error {
            return Err(Error::invalid("labels", e.clone()));
        }
        if self.values.is_empty() {
            return Err(Error::invalid("values", "the bar chart has no bars"));
        }
        if self.values.iter().any(|v| !v.is_finite()) {
            return Err(Error::non_finite("the bar values"));
        }
        let signed = self.values.iter().any(|&v| v < 0.0);
        let lo = self.values.iter().copied().fold(0.0f32, f32::min) as f64;
        let hi = self.values.iter().copied().fold(0.0f32, f32::max) as f64;
        let (lo, hi) = if hi > lo { (lo, hi) } else { (0.0, 1.0) };
        let m = theme::MARGIN;
        let label_w = self
            .labels
            .iter()
            .map(|l| theme::text_size(l, theme::TICK_SIZE).0)
            .max()
            .unwrap_or(0)
            .min(self.width / 3)
            + 10;
        let value_room = if self.show_values { 52 } else { 8 };
        let left_room = if signed && self.show_values { 44 } else { 0 };
        let x_left = (m + label_w + left_room) as i32;
        let x_right = (self.width.saturating_sub(m + value_room)) as i32;
        if x_right - x_left < 40 {
            return Err(Error::invalid(
                "width",
                format!("{} px leaves no room for bars", self.width),
            ));
        }
        let top = m + if self.title.is_some() {
            theme::TITLE_HEIGHT + 4
        } else {
            0
        };
        let n = self.values.len() as u32;
        let plot_h = n * BAR_PITCH;
        let bottom = top + plot_h;
        let height = bottom + 26 + if self.x_label.is_some() { 22 } else { 0 } + m;
        let xpos =
            |v: f64| x_left + ((v - lo) / (hi - lo) * (x_right - x_left) as f64).round() as i32;
        let order = self.order();
        let summary = format!(
            "bar chart{}: {}",
            summary_title(self.title.as_deref()),
            order
                .iter()
                .take(5)
                .map(|&i| format!(
                    "{} = {}",
                    self.labels[i],
                    theme::format_value(self.values[i] as f64)
                ))
                .collect::<Vec<_>>()
                .join(", ")
                + if order.len() > 5 { ", …" } else { "" }
        );
        Figure::draw(self.width, height, summary, |area| {
            let draw_err = Error::render;
            if let Some(title) = &self.title {
                let center = self.width as i32 / 2;
                draw_title(area, title, theme::TITLE_SIZE, center, self.width - 2 * m);
            }
            for t in theme::nice_ticks(lo, hi, 5) {
                let x = xpos(t);
                area.draw(&PathElement::new(
                    [(x, top as i32), (x, bottom as i32)],
                    theme::GRID.stroke_width(1),
                ))
                .map_err(draw_err)?;
                crate::render::text::draw(
                    area,
                    x,
                    bottom as i32 + 6,
                    crate::render::text::Label::new(
                        &theme::tick_label(t),
                        theme::TICK_SIZE,
                        theme::TEXT_MUTED,
                    )
                    .anchor(HPos::Center, VPos::Top),
                );
            }
            let zero = xpos(0.0);
            for (row, &i) in order.iter().enumerate() {
                let y = top as i32 + row as i32 * BAR_PITCH as i32;
                let v = self.values[i];
                let color = if !signed {
                    theme::category(0)
                } else if v >= 0.0 {
                    theme::POSITIVE
                } else {
                    theme::NEGATIVE
                };
                let x = xpos(v as f64);
                let (a, b) = (zero.min(x), zero.max(x).max(zero.min(x) + 1));
                area.draw(&Rectangle::new(
                    [(a, y + 4), (b, y + BAR_PITCH as i32 - 4)],
                    color.filled(),
                ))
                .map_err(draw_err)?;
                let label = theme::fit_text(&self.labels[i], theme::TICK_SIZE, label_w - 10);
                crate::render::text::draw(
                    area,
                    m as i32 + label_w as i32 - 6,
                    y + BAR_PITCH as i32 / 2,
                    crate::render::text::Label::new(&label, theme::TICK_SIZE, theme::TEXT)
                        .anchor(HPos::Right, VPos::Center),
                );
                if self.show_values {
                    let text = theme::tick_label(v as f64);
                    let (anchor, tx) = if v >= 0.0 {
                        (HPos::Left, b + 5)
                    } else {
                        (HPos::Right, a - 5)
                    };
                    crate::render::text::draw(
                        area,
                        tx,
                        y + BAR_PITCH as i32 / 2,
                        crate::render::text::Label::new(
                            &text,
                            theme::SMALL_SIZE,
                            theme::TEXT_MUTED,
                        )
                        .anchor(anchor, VPos::Center),
                    );
                }
            }
            area.draw(&PathElement::new(
                [(zero, top as i32), (zero, bottom as i32)],
                theme::AXIS.stroke_width(1),
            ))
            .map_err(draw_err)?;
            area.draw(&PathElement::new(
                [(x_left, bottom as i32), (x_right, bottom as i32)],
                theme::AXIS.stroke_width(1),
            ))
            .map_err(draw_err)?;
            if let Some(label) = &self.x_label {
                crate::render::text::draw(
                    area,
                    (x_left + x_right) / 2,
                    bottom as i32 + 26,
                    crate::render::text::Label::new(label, theme::LABEL_SIZE, theme::TEXT)
                        .anchor(HPos::Center, VPos::Top),
                );
            }
            Ok(())
        })
    }
}

display_via_figure!(BarChart);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_keeps_the_largest_in_order() {
        let top = BarChart::top_k(&[0.1, 0.5, 0.3, 0.1], &["a", "b", "c", "d"], 2).unwrap();
        assert_eq!(top.labels, vec!["b", "c"]);
        assert_eq!(top.values, vec![0.5, 0.3]);
        assert!(BarChart::top_k(&[0.1], &["a", "b"], 1).is_err());
        assert!(BarChart::top_k(&[0.1], &["a"], 0).is_err());
    }

    #[test]
    fn signed_bars_go_both_ways_from_zero() {
        let fig = BarChart::new(["up", "down"], &[1.0, -1.0])
            .show_values(false)
            .figure()
            .unwrap();
        let count = |c: RGBColor| {
            fig.rgb()
                .chunks(3)
                .filter(|p| p == &[c.0, c.1, c.2])
                .count()
        };
        assert!(count(theme::POSITIVE) > 100);
        assert!(count(theme::NEGATIVE) > 100);
        // The positive bar (first row) lies right of the negative one (second row).
        let row = |r: u32| theme::MARGIN + r * BAR_PITCH + BAR_PITCH / 2;
        let xs = |r: u32, c: RGBColor| {
            (0..fig.width())
                .filter(|&x| fig.pixel(x, row(r)) == Some([c.0, c.1, c.2]))
                .collect::<Vec<_>>()
        };
        assert!(xs(0, theme::POSITIVE)[0] > *xs(1, theme::NEGATIVE).last().unwrap());
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(BarChart::new(["a"], &[1.0, 2.0]).figure().is_err());
        assert!(BarChart::new(Vec::<String>::new(), &[]).figure().is_err());
        assert!(BarChart::new(["a"], &[f32::NAN]).figure().is_err());
    }
}
