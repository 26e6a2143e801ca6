//! [`Scatter`]: 2-D points (projections) with categorical or continuous colours, fast enough for
//! 70,000 points, with optional image thumbnails.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBAColor;

use crate::math::min_max;
use crate::render::frame::{padded, summary_title, Axes};
use crate::render::raster::blit;
use crate::render::{display_via_figure, theme, Colorbar, Plot};
use crate::{Colormap, Figure, Picture};
use crate::{Error, Result};

#[derive(Clone, Debug, PartialEq)]
enum Coloring {
    Single,
    Labels(Vec<usize>),
    Values(Vec<f32>, Colormap),
}

/// A scatter plot of 2-D points.
///
/// Colour points by class ([`Scatter::labels`], with a legend) or by a value
/// ([`Scatter::values`], with a colorbar). Points are drawn as anti-aliased translucent discs
/// directly into the bitmap, so 70,000 points render in milliseconds; point size and opacity
/// adapt to the number of points unless set.
///
/// # Example
/// ```
/// use glassbox::{Picture, render::Plot, Scatter};
/// let points: Vec<[f32; 2]> = (0..300).map(|i| [(i % 30) as f32, (i / 30) as f32]).collect();
/// let labels: Vec<usize> = (0..300).map(|i| i % 3).collect();
/// let digit = Picture::gray(4, 4, vec![1.0; 16])?;
/// let fig = Scatter::new(&points)
///     .labels(&labels)
///     .class_names(["cat", "dog", "bird"])
///     .thumbnail(42, digit)
///     .title("Embedding")
///     .figure()?;
/// assert!(fig.summary().contains("300 points"));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Scatter {
    points: Vec<[f32; 2]>,
    coloring: Coloring,
    class_names: Vec<String>,
    thumbnails: Vec<(usize, Picture)>,
    thumbnail_side: usize,
    title: Option<String>,
    x_label: Option<String>,
    y_label: Option<String>,
    radius: Option<f32>,
    opacity: Option<f32>,
    size: (u32, u32),
}

impl Scatter {
    /// A scatter plot of `points` (x, y), 640×520 pixels.
    pub fn new(points: &[[f32; 2]]) -> Self {
        Self {
            points: points.to_vec(),
            coloring: Coloring::Single,
            class_names: Vec::new(),
            thumbnails: Vec::new(),
            thumbnail_side: 36,
            title: None,
            x_label: None,
            y_label: None,
            radius: None,
            opacity: None,
            size: (640, 520),
        }
    }

    /// A scatter plot from row-major `[N, 2]` values (the layout projections return).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when the length is odd.
    pub fn from_flat(values: &[f32]) -> Result<Self> {
        if !values.len().is_multiple_of(2) {
            return Err(Error::shape("points", "[N, 2] row-major", &[values.len()]));
        }
        let points: Vec<[f32; 2]> = values.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
        Ok(Self::new(&points))
    }

    /// Colours points by class index (matplotlib's tab10 palette), with a legend.
    pub fn labels(mut self, labels: &[usize]) -> Self {
        self.coloring = Coloring::Labels(labels.to_vec());
        self
    }

    /// Names for the classes in the legend (default: the class numbers).
    pub fn class_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.class_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// Colours points by a continuous value through `colormap`, with a colorbar.
    pub fn values(mut self, values: &[f32], colormap: Colormap) -> Self {
        self.coloring = Coloring::Values(values.to_vec(), colormap);
        self
    }

    /// Draws `picture` centred on point `index` (e.g. the digit a point stands for).
    pub fn thumbnail(mut self, index: usize, picture: Picture) -> Self {
        self.thumbnails.push((index, picture));
        self
    }

    /// Longer side of thumbnails in pixels (default 36).
    pub fn thumbnail_side(mut self, pixels: usize) -> Self {
        self.thumbnail_side = pixels;
        self
    }

    /// A title above the plot.
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

    /// Point radius in pixels (default: 4 up to 1,000 points, 2.5 up to 10,000, then 1.5); at
    /// most 100 (drawing then reports an [`crate::ErrorKind::InvalidArgument`]).
    pub fn point_radius(mut self, radius: f32) -> Self {
        self.radius = Some(radius);
        self
    }

    /// Point opacity in (0, 1] (default: 0.9, 0.7, 0.45 by the same steps).
    pub fn opacity(mut self, opacity: f32) -> Self {
        self.opacity = Some(opacity);
        self
    }

    /// Figure size in pixels (default 640×520).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    fn check(&self) -> Result<()> {
        let n = self.points.len();
        if n == 0 {
            return Err(Error::invalid("points", "the scatter plot has no points"));
        }
        if self.points.iter().flatten().any(|v| !v.is_finite()) {
            return Err(Error::non_finite("the scatter points"));
        }
        let len = match &self.coloring {
            Coloring::Single => n,
            Coloring::Labels(l) => l.len(),
            Coloring::Values(v, _) => {
                if v.iter().any(|v| !v.is_finite()) {
                    return Err(Error::non_finite("the scatter colour values"));
                }
                v.len()
            }
        };
        if len != n {
            return Err(Error::invalid(
                "labels",
                format!("{len} colours for {n} points; pass one per point"),
            ));
        }
        if let Some((i, _)) = self.thumbnails.iter().find(|(i, _)| *i >= n) {
            return Err(Error::invalid(
                "thumbnail",
                format!("point {i} does not exist ({n} points)"),
            ));
        }
        if self.opacity.is_some_and(|o| !(o > 0.0 && o <= 1.0)) {
            return Err(Error::invalid("opacity", "must be in (0, 1]"));
        }
        // Each point stamps a (2r + 2)² square: an unbounded radius is an unbounded loop.
        if self
            .radius
            .is_some_and(|r| !(r > 0.0 && r <= MAX_POINT_RADIUS))
        {
            return Err(Error::invalid(
                "point_radius",
                format!("must be in (0, {MAX_POINT_RADIUS}] pixels"),
            ));
        }
        Ok(())
    }

    /// Min and max of the colour values ((0, 0) without values).
    fn value_range(&self) -> (f32, f32) {
        match &self.coloring {
            Coloring::Values(v, _) => min_max(v.iter().copied()),
            _ => (0.0, 0.0),
        }
    }

    fn classes(&self) -> usize {
        match &self.coloring {
            Coloring::Labels(l) => l.iter().max().map_or(0, |m| m.saturating_add(1)),
            _ => 0,
        }
    }

    fn class_name(&self, class: usize) -> String {
        self.class_names
            .get(class)
            .cloned()
            .unwrap_or_else(|| class.to_string())
    }
}

/// Draws an anti-aliased translucent disc of `radius` centred at pixel position (`cx`, `cy`):
/// each covered pixel is alpha-blended with `opacity × coverage`.
fn stamp(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    cx: f32,
    cy: f32,
    radius: f32,
    color: RGBColor,
    opacity: f32,
) {
    let reach = radius + 0.5;
    let (x0, x1) = ((cx - reach).floor() as i32, (cx + reach).ceil() as i32);
    let (y0, y1) = ((cy - reach).floor() as i32, (cy + reach).ceil() as i32);
    for py in y0..=y1 {
        for px in x0..=x1 {
            let (dx, dy) = (px as f32 + 0.5 - cx, py as f32 + 0.5 - cy);
            let coverage = (reach - (dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0);
            if coverage > 0.0 {
                let c = RGBAColor(color.0, color.1, color.2, (coverage * opacity) as f64);
                let _ = area.draw_pixel((px, py), &c);
            }
        }
    }
}

/// The largest point radius in pixels (a point then covers a 200-pixel disc).
const MAX_POINT_RADIUS: f32 = 100.0;

/// At most this many legend rows (the last says how many more classes there are).
const LEGEND_ROWS: usize = 24;
/// Longest legend text in pixels; longer class names are shortened with an ellipsis.
const LEGEND_TEXT: u32 = 160;

impl Plot for Scatter {
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for no points, a colour list of the wrong length, a
    /// thumbnail on a missing point, a bad opacity or point radius, a size over
    /// [`crate::MAX_ELEMENTS`]; [`crate::ErrorKind::NonFinite`] for NaN.
    fn figure(&self) -> Result<Figure> {
        self.check()?;
        let n = self.points.len();
        let (radius, opacity) = match n {
            0..=1000 => (4.0, 0.9),
            1001..=10_000 => (2.5, 0.7),
            _ => (1.5, 0.45),
        };
        let (radius, opacity) = (
            self.radius.unwrap_or(radius),
            self.opacity.unwrap_or(opacity),
        );
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for &[x, y] in &self.points {
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
        let classes = self.classes();
        let legend_w = match &self.coloring {
            Coloring::Labels(_) => {
                let widest = (0..classes.min(LEGEND_ROWS))
                    .map(|c| theme::text_size(&self.class_name(c), theme::TICK_SIZE).0)
                    .max()
                    .unwrap_or(0);
                widest.min(LEGEND_TEXT) + 34
            }
            Coloring::Values(..) => theme::GAP + theme::COLORBAR_WIDTH + theme::COLORBAR_LABELS,
            Coloring::Single => 0,
        };
        let summary = format!(
            "scatter{}: {n} points, x [{}, {}], y [{}, {}]{}",
            summary_title(self.title.as_deref()),
            theme::format_value(x0 as f64),
            theme::format_value(x1 as f64),
            theme::format_value(y0 as f64),
            theme::format_value(y1 as f64),
            if classes > 0 {
                format!(", {classes} classes")
            } else {
                String::new()
            }
        );
        let (width, height) = self.size;
        Figure::draw(width, height, summary, |root| {
            let (plot_area, side) = root.split_horizontally(width.saturating_sub(legend_w));
            let chart = Axes {
                title: self.title.as_deref(),
                x_label: self.x_label.as_deref(),
                y_label: self.y_label.as_deref(),
                margin_right: theme::MARGIN,
                x_ticks: 7,
                y_ticks: Some(7),
            }
            .draw(
                &plot_area,
                padded(x0 as f64, x1 as f64),
                padded(y0 as f64, y1 as f64),
            )?;
            // Points: stamped straight onto the root bitmap at their pixel positions.
            let to_pixel = |p: [f32; 2]| chart.backend_coord(&(p[0] as f64, p[1] as f64));
            let (lo, hi) = self.value_range();
            let span = if hi > lo { hi - lo } else { 1.0 };
            for (i, &p) in self.points.iter().enumerate() {
                let color = match &self.coloring {
                    Coloring::Single => theme::category(0),
                    Coloring::Labels(l) => theme::category(l[i]),
                    Coloring::Values(v, map) => {
                        let [r, g, b] = map.rgb((v[i] - lo) / span);
                        RGBColor(r, g, b)
                    }
                };
                let (px, py) = to_pixel(p);
                stamp(
                    root,
                    px as f32 + 0.5,
                    py as f32 + 0.5,
                    radius,
                    color,
                    opacity,
                );
            }
            for (i, picture) in &self.thumbnails {
                let side = self.thumbnail_side.max(1);
                let long = picture.height().max(picture.width());
                let (th, tw) = (
                    (picture.height() * side / long).max(1),
                    (picture.width() * side / long).max(1),
                );
                let small = picture.resized(th, tw, crate::Interpolation::Bilinear)?;
                let (px, py) = to_pixel(self.points[*i]);
                let (tx, ty) = (px - tw as i32 / 2, py - th as i32 / 2);
                blit(root, tx, ty, tw as u32, th as u32, small.to_rgb8())?;
                let frame = match &self.coloring {
                    Coloring::Labels(l) => theme::category(l[*i]),
                    _ => theme::FRAME,
                };
                root.draw(&Rectangle::new(
                    [(tx - 1, ty - 1), (tx + tw as i32, ty + th as i32)],
                    frame.stroke_width(1),
                ))
                .map_err(Error::render)?;
            }
            // The legend or colorbar starts just below the top of the plot.
            let top = theme::MARGIN as i32
                + 8
                + if self.title.is_some() {
                    theme::TITLE_HEIGHT as i32
                } else {
                    0
                };
            match &self.coloring {
                Coloring::Labels(_) => {
                    let rows_fit =
                        ((height as i32 - top - theme::MARGIN as i32) / 20).max(1) as usize;
                    let shown = classes.min(LEGEND_ROWS).min(rows_fit);
                    for c in 0..shown {
                        let y = top + c as i32 * 20;
                        if c + 1 == shown && shown < classes {
                            let more = format!("… {} more", classes - c);
                            crate::render::text::draw(
                                &side,
                                4,
                                y,
                                crate::render::text::Label::new(
                                    &more,
                                    theme::TICK_SIZE,
                                    theme::TEXT_MUTED,
                                ),
                            );
                            break;
                        }
                        side.draw(&Circle::new((10, y + 7), 5, theme::category(c).filled()))
                            .map_err(Error::render)?;
                        crate::render::text::draw(
                            &side,
                            22,
                            y + 7,
                            crate::render::text::Label::new(
                                &theme::fit_text(
                                    &self.class_name(c),
                                    theme::TICK_SIZE,
                                    LEGEND_TEXT,
                                ),
                                theme::TICK_SIZE,
                                theme::TEXT,
                            )
                            .anchor(HPos::Left, VPos::Center),
                        );
                    }
                }
                Coloring::Values(_, map) => {
                    Colorbar::new(*map, lo, hi).draw_at(
                        &side,
                        0,
                        top,
                        (height as i32 - top - 60).max(40) as u32,
                    )?;
                }
                Coloring::Single => {}
            }
            Ok(())
        })
    }
}

display_via_figure!(Scatter);

impl std::fmt::Debug for Scatter {
    /// A short summary (the points are not listed).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let coloring = match &self.coloring {
            Coloring::Single => "one colour".to_string(),
            Coloring::Labels(_) => format!("{} classes", self.classes()),
            Coloring::Values(_, map) => format!("values in {map}"),
        };
        write!(
            f,
            "Scatter({} points, {coloring}, {} thumbnails)",
            self.points.len(),
            self.thumbnails.len()
        )
    }
}

impl super::VegaLite for Scatter {
    /// Points with `index`, `x`, `y` and `label` (class name) or `value` in the tooltip; drag to
    /// pan, scroll to zoom, click a legend entry to pick out a class. Canvas rendering, so 10,000
    /// points stay responsive.
    fn vega_lite(&self) -> Result<serde_json::Value> {
        use super::vega_lite::{colormap_range, hex};
        use serde_json::json;
        self.check()?;
        let n = self.points.len();
        let (size, opacity) = match n {
            0..=1000 => (40.0, 0.9),
            1001..=10_000 => (12.0, 0.7),
            _ => (4.0, 0.45),
        };
        let opacity = self.opacity.unwrap_or(opacity);
        let size = self.radius.map_or(size, |r| std::f32::consts::PI * r * r);
        let rows: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                let [x, y] = self.points[i];
                let mut row = json!({ "index": i, "x": x, "y": y });
                match &self.coloring {
                    Coloring::Labels(l) => row["label"] = json!(self.class_name(l[i])),
                    Coloring::Values(v, _) => row["value"] = json!(v[i]),
                    Coloring::Single => {}
                }
                row
            })
            .collect();
        let mut tooltip = vec![json!({ "field": "index", "type": "quantitative" })];
        let mut params = vec![json!({ "name": "zoom", "select": "interval", "bind": "scales" })];
        let mut encoding = json!({
            "x": { "field": "x", "type": "quantitative", "scale": { "zero": false },
                   "title": self.x_label.clone().unwrap_or_default() },
            "y": { "field": "y", "type": "quantitative", "scale": { "zero": false },
                   "title": self.y_label.clone().unwrap_or_default() },
        });
        match &self.coloring {
            Coloring::Labels(_) => {
                let classes = self.classes();
                let names: Vec<String> = (0..classes).map(|c| self.class_name(c)).collect();
                let colors: Vec<String> = (0..classes).map(|c| hex(theme::category(c))).collect();
                encoding["color"] = json!({ "field": "label", "type": "nominal", "title": "class",
                                            "scale": { "domain": names, "range": colors } });
                encoding["opacity"] = json!({ "condition": { "param": "classes", "value": opacity },
                                              "value": 0.05 });
                params.push(json!({ "name": "classes", "bind": "legend",
                                    "select": { "type": "point", "fields": ["label"] } }));
                tooltip.push(json!({ "field": "label", "type": "nominal" }));
            }
            Coloring::Values(_, colormap) => {
                encoding["color"] = json!({ "field": "value", "type": "quantitative",
                                            "scale": { "range": colormap_range(*colormap) } });
                tooltip.push(json!({ "field": "value", "type": "quantitative", "format": ".4g" }));
            }
            Coloring::Single => encoding["color"] = json!({ "value": hex(theme::category(0)) }),
        }
        encoding["tooltip"] = json!(tooltip);
        let (width, height) = self.size;
        Ok(json!({
            "$schema": super::VEGA_LITE_SCHEMA,
            "title": self.title.clone().unwrap_or_default(),
            "width": width.saturating_sub(160),
            "height": height.saturating_sub(80),
            "data": { "values": rows },
            "mark": { "type": "circle", "size": size, "opacity": opacity },
            "params": params,
            "encoding": encoding,
            "usermeta": { "embedOptions": { "renderer": "canvas" } },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_an_error() {
        assert!(Scatter::new(&[]).figure().is_err());
        assert!(Scatter::new(&[[0.0, f32::NAN]]).figure().is_err());
        assert!(Scatter::new(&[[0.0, 1.0]])
            .labels(&[0, 1])
            .figure()
            .is_err());
        assert!(Scatter::new(&[[0.0, 1.0]])
            .thumbnail(3, Picture::gray(1, 1, vec![0.0]).unwrap())
            .figure()
            .is_err());
        assert!(Scatter::from_flat(&[1.0, 2.0, 3.0]).is_err());
        assert!(Scatter::new(&[[0.0, 1.0]]).opacity(0.0).figure().is_err());
    }

    #[test]
    fn values_are_scaled_to_the_colormap() {
        // Two far-apart points valued 10 and 20: the low one gets the map's low end.
        let fig = Scatter::new(&[[0.0, 0.0], [1.0, 1.0]])
            .values(&[10.0, 20.0], Colormap::Viridis)
            .opacity(1.0)
            .point_radius(4.0)
            .figure()
            .unwrap();
        let count = |c: [u8; 3]| fig.rgb().chunks(3).filter(|p| *p == c).count();
        assert!(
            count(Colormap::Viridis.rgb(0.0)) > 20,
            "low value drawn dark purple"
        );
        assert!(
            count(Colormap::Viridis.rgb(1.0)) > 20,
            "high value drawn yellow"
        );
    }

    #[test]
    fn many_classes_and_long_names_keep_the_legend_bounded() {
        let points: Vec<[f32; 2]> = (0..300).map(|i| [i as f32, (i % 13) as f32]).collect();
        let labels: Vec<usize> = (0..300).collect();
        let names: Vec<String> = (0..300)
            .map(|i| format!("a very long class name number {i}"))
            .collect();
        let fig = Scatter::new(&points)
            .labels(&labels)
            .class_names(names)
            .figure()
            .unwrap();
        assert_eq!(fig.width(), 640, "the legend never widens the figure");
        assert!(fig.summary().contains("300 classes"));
    }

    #[test]
    fn class_colours_are_drawn() {
        let points: Vec<[f32; 2]> = (0..200)
            .map(|i| [(i % 20) as f32, (i / 20) as f32])
            .collect();
        let labels: Vec<usize> = (0..200).map(|i| usize::from(i >= 100)).collect();
        let fig = Scatter::new(&points)
            .labels(&labels)
            .opacity(1.0)
            .figure()
            .unwrap();
        let count = |c: RGBColor| {
            fig.rgb()
                .chunks(3)
                .filter(|p| p == &[c.0, c.1, c.2])
                .count()
        };
        assert!(count(theme::category(0)) > 200);
        assert!(count(theme::category(1)) > 200);
    }
}
