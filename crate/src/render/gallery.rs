//! [`Gallery`] and [`gallery!`](crate::gallery!): several titled figures composed into one, because
//! evcxr keeps only the last image of a cell.

use plotters::style::text_anchor::{HPos, VPos};

use crate::render::frame::draw_title;
use crate::render::raster::blit;
use crate::render::{display_via_figure, theme, Plot};
use crate::Figure;
use crate::{Error, Result};

/// Height of a figure's caption in a gallery; the figure's own margin adds to it.
const CAPTION_HEIGHT: u32 = 20;

/// Anything a [`Gallery`] accepts: a [`Figure`], a `Result<Figure>`, or any [`Plot`] builder.
pub trait IntoFigure {
    /// Renders (or passes through) the figure.
    ///
    /// # Errors
    /// The rendering error, or the error held by a `Result`.
    fn into_figure(self) -> Result<Figure>;
}

impl<T: Plot> IntoFigure for T {
    fn into_figure(self) -> Result<Figure> {
        self.figure()
    }
}

impl IntoFigure for Result<Figure> {
    fn into_figure(self) -> Result<Figure> {
        self
    }
}

/// Several figures, each with an optional title, laid out in a grid and rendered as one figure.
///
/// Errors of the parts are kept and reported when the gallery is rendered, so a gallery can be
/// built from fallible results without `?` on every line.
///
/// # Example
/// ```
/// use glassbox::{gallery, Gallery, HeatMap, render::Plot};
/// let a = HeatMap::new(2, 2, vec![0.0, 1.0, 2.0, 3.0])?.title("a");
/// let b = HeatMap::new(2, 3, vec![1.0; 6])?;
/// let one = Gallery::new().add("first", a.clone()).add("second", b.clone()).columns(2).figure()?;
/// let two = gallery!["first" => a, "second" => b].columns(2).figure()?;
/// assert_eq!(one, two);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Gallery {
    items: Vec<(Option<String>, Result<Figure>)>,
    columns: Option<usize>,
    title: Option<String>,
}

impl Gallery {
    /// An empty gallery.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a figure with a title.
    pub fn add(mut self, title: impl Into<String>, figure: impl IntoFigure) -> Self {
        self.items.push((Some(title.into()), figure.into_figure()));
        self
    }

    /// Adds a figure without a title.
    pub fn push(mut self, figure: impl IntoFigure) -> Self {
        self.items.push((None, figure.into_figure()));
        self
    }

    /// Number of columns (default: all in one row up to 4 figures, then ⌈√n⌉).
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns);
        self
    }

    /// A title over the whole gallery.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Number of figures.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the gallery has no figures.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Plot for Gallery {
    /// # Errors
    /// The first error among the parts, [`crate::ErrorKind::InvalidArgument`] for an empty
    /// gallery or zero columns.
    fn figure(&self) -> Result<Figure> {
        let mut figures = Vec::with_capacity(self.items.len());
        for (i, (title, fig)) in self.items.iter().enumerate() {
            match fig {
                Ok(f) => figures.push((title.as_deref(), f)),
                Err(e) => {
                    let name = title.clone().unwrap_or_else(|| format!("#{i}"));
                    return Err(Error::render(format!("gallery item {name} failed: {e}")));
                }
            }
        }
        if figures.is_empty() {
            return Err(Error::invalid(
                "gallery",
                "no figures: add some with .add(title, figure)",
            ));
        }
        let n = figures.len();
        let columns = match self.columns {
            Some(0) => return Err(Error::invalid("columns", "must be at least 1")),
            Some(c) => c.min(n),
            None if n <= 4 => n,
            None => (n as f64).sqrt().ceil() as usize,
        };
        let rows = n.div_ceil(columns);
        let caption = |t: Option<&str>| if t.is_some() { CAPTION_HEIGHT } else { 0 };
        let mut col_w = vec![0u32; columns];
        let mut row_h = vec![0u32; rows];
        for (i, (t, f)) in figures.iter().enumerate() {
            col_w[i % columns] = col_w[i % columns].max(f.width());
            row_h[i / columns] = row_h[i / columns].max(f.height() + caption(*t));
        }
        let m = theme::MARGIN;
        let top = m + if self.title.is_some() {
            theme::TITLE_HEIGHT + 4
        } else {
            0
        };
        let width = 2 * m + col_w.iter().sum::<u32>() + theme::GAP * (columns as u32 - 1);
        let height = top + m + row_h.iter().sum::<u32>() + theme::GAP * (rows as u32 - 1);
        let summary = format!(
            "gallery of {n}: {}",
            figures
                .iter()
                .map(|(t, f)| t
                    .map(str::to_string)
                    .unwrap_or_else(|| f.summary().to_string()))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        Figure::draw(width, height, summary, |area| {
            if let Some(title) = &self.title {
                let size = theme::TITLE_SIZE + 2.0;
                draw_title(area, title, size, width as i32 / 2, width - 2 * m);
            }
            let mut y = top;
            for (r, &rh) in row_h.iter().enumerate() {
                let mut x = m;
                for (c, &cw) in col_w.iter().enumerate() {
                    let Some((t, f)) = figures.get(r * columns + c) else {
                        break;
                    };
                    let cap = caption(*t);
                    if let Some(t) = t {
                        let text = theme::fit_text(t, theme::LABEL_SIZE, cw);
                        crate::render::text::draw(
                            area,
                            x as i32 + cw as i32 / 2,
                            y as i32 + 4,
                            crate::render::text::Label::new(&text, theme::LABEL_SIZE, theme::TEXT)
                                .bold()
                                .anchor(HPos::Center, VPos::Top),
                        );
                    }
                    let fx = x + (cw - f.width()) / 2;
                    blit(
                        area,
                        fx as i32,
                        (y + cap) as i32,
                        f.width(),
                        f.height(),
                        f.rgb().to_vec(),
                    )?;
                    x += cw + theme::GAP;
                }
                y += rh + theme::GAP;
            }
            Ok(())
        })
    }
}

display_via_figure!(Gallery);

/// Composes figures into one [`Gallery`]: `gallery![a, b]` or `gallery!["title" => a, ...]`.
///
/// Each item may be a [`Figure`], a `Result<Figure>` or any [`Plot`]. The result shows inline
/// in evcxr as one image; call `.figure()` for the [`Figure`].
///
/// # Example
/// ```
/// use glassbox::{gallery, LineChart, render::Plot};
/// let loss = LineChart::new().series_indexed("loss", &[1.0_f32, 0.4, 0.2]);
/// let acc = LineChart::new().series_indexed("accuracy", &[0.5_f32, 0.8, 0.9]);
/// let fig = gallery!["Loss" => loss, "Accuracy" => acc].figure()?;
/// assert!(fig.width() > fig.height());
/// # Ok::<(), glassbox::Error>(())
/// ```
#[macro_export]
macro_rules! gallery {
    ($($title:expr => $figure:expr),+ $(,)?) => {
        $crate::Gallery::new()$(.add($title, $figure))+
    };
    ($($figure:expr),+ $(,)?) => {
        $crate::Gallery::new()$(.push($figure))+
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: u32, h: u32, c: u8) -> Figure {
        Figure::from_rgb(w, h, vec![c; (w * h * 3) as usize], "solid").unwrap()
    }

    #[test]
    fn figures_are_placed_left_to_right() {
        let fig = Gallery::new()
            .push(solid(10, 10, 0))
            .push(solid(20, 10, 100))
            .figure()
            .unwrap();
        let m = theme::MARGIN;
        assert_eq!(fig.width(), 2 * m + 10 + theme::GAP + 20);
        assert_eq!(fig.height(), 2 * m + 10);
        assert_eq!(fig.pixel(m + 5, m + 5), Some([0, 0, 0]));
        assert_eq!(
            fig.pixel(m + 10 + theme::GAP + 5, m + 5),
            Some([100, 100, 100])
        );
    }

    #[test]
    fn errors_and_empty_galleries_are_reported() {
        assert!(Gallery::new().figure().is_err());
        let bad: Result<Figure> = Err(Error::invalid("x", "broken"));
        let e = Gallery::new().add("saliency", bad).figure().unwrap_err();
        assert!(e.to_string().contains("saliency"), "{e}");
        assert!(Gallery::new()
            .push(solid(1, 1, 0))
            .columns(0)
            .figure()
            .is_err());
    }

    #[test]
    fn references_and_nested_galleries_work() {
        let a = solid(3, 3, 50);
        let inner = crate::gallery![&a, &a];
        let outer = crate::gallery!["inner" => &inner, "a" => a.clone()]
            .figure()
            .unwrap();
        assert!(outer.width() > inner.figure().unwrap().width());
    }

    #[test]
    fn macro_accepts_both_forms() {
        let g = crate::gallery![solid(2, 2, 0), solid(2, 2, 9)];
        assert_eq!(g.len(), 2);
        let g = crate::gallery!["a" => solid(2, 2, 0)];
        assert_eq!(g.len(), 1);
    }
}
