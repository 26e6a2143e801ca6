//! Pictures of projections: labelled scatter plots, the PCA variance-explained curve, and the
//! decision regions of a classifier over a 2-D map.

use plotters::prelude::*;

use super::{PcaModel, Projection};
use crate::render::theme;
use crate::{render::Plot, Error, Figure, LineChart, Result, Scatter};

impl Projection {
    /// A [`Scatter`] of the first two coordinates coloured by `labels` (one per point), titled
    /// with the method; chain [`Scatter::class_names`] or [`Scatter::thumbnail`] for more.
    ///
    /// # Example
    /// ```
    /// use glassbox::{Matrix, Pca};
    /// let data = Matrix::new(4, 2, vec![0.0, 0.0, 0.1, 0.2, 5.0, 5.0, 5.2, 5.1])?;
    /// let fig = Pca::new(2).fit(&data)?.projection().scatter(&[0, 0, 1, 1])?.figure()?;
    /// assert!(fig.summary().contains("4 points"));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// A projection with fewer than two dimensions (rendering checks the label count).
    pub fn scatter(&self, labels: &[usize]) -> Result<Scatter> {
        Ok(Scatter::new(&self.xy()?)
            .labels(labels)
            .title(self.method())
            .x_label(format!("{} 1", self.method()))
            .y_label(format!("{} 2", self.method())))
    }

    /// The regions where `classify` predicts each class, over a grid spanning the points, with
    /// the points on top coloured by `labels`. `classify` receives map coordinates.
    ///
    /// # Example
    /// ```
    /// use glassbox::{Matrix, Pca, render::Plot};
    /// let data = Matrix::new(4, 2, vec![0.0, 0.0, 0.1, 0.2, 5.0, 5.0, 5.2, 5.1])?;
    /// let map = Pca::new(2).fit(&data)?.projection().clone();
    /// let fig = map.decision_boundary(&[0, 0, 1, 1], |p| (p[0] > 0.0) as usize).figure()?;
    /// assert!(fig.summary().contains("decision regions"));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn decision_boundary<F: Fn(&[f32; 2]) -> usize>(
        &self,
        labels: &[usize],
        classify: F,
    ) -> DecisionBoundary {
        let points = self.xy();
        let mut plot = DecisionBoundary {
            points: points.as_ref().map(|p| p.clone()).unwrap_or_default(),
            labels: labels.to_vec(),
            regions: Vec::new(),
            bounds: [0.0; 4],
            resolution: 150,
            title: format!("{} decision regions", self.method()),
            size: (640, 560),
            error: points.err().map(|e| e.to_string()),
        };
        plot.classify(classify);
        plot
    }

    pub(super) fn xy(&self) -> Result<Vec<[f32; 2]>> {
        if self.dims() < 2 {
            return Err(Error::invalid(
                "projection",
                "a scatter plot needs at least 2 dimensions",
            ));
        }
        Ok((0..self.len())
            .map(|i| [self.point(i)[0], self.point(i)[1]])
            .collect())
    }
}

impl PcaModel {
    /// Explained-variance ratio per component and its cumulative sum (a scree plot).
    ///
    /// # Example
    /// ```
    /// use glassbox::{Matrix, Pca, render::Plot};
    /// let data = Matrix::new(3, 2, vec![0.0, 0.0, 1.0, 1.5, 2.0, 4.0])?;
    /// assert!(Pca::new(2).fit(&data)?.variance_plot().figure().is_ok());
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn variance_plot(&self) -> LineChart {
        let curve = self.variance_curve();
        let xs: Vec<usize> = curve.iter().map(|c| c.0).collect();
        let ratio: Vec<f32> = curve.iter().map(|c| c.1).collect();
        let cumulative: Vec<f32> = curve.iter().map(|c| c.2).collect();
        LineChart::new()
            .series("explained variance ratio", &xs, &ratio)
            .series("cumulative", &xs, &cumulative)
            .title("PCA: variance explained")
            .x_label("component")
            .y_label("fraction of variance")
    }
}

/// A classifier's decision regions over a 2-D projection, with the points on top.
/// Made by [`Projection::decision_boundary`].
#[derive(Clone, Debug)]
pub struct DecisionBoundary {
    points: Vec<[f32; 2]>,
    labels: Vec<usize>,
    regions: Vec<usize>,
    bounds: [f32; 4],
    resolution: usize,
    title: String,
    size: (u32, u32),
    error: Option<String>,
}

impl DecisionBoundary {
    fn classify<F: Fn(&[f32; 2]) -> usize>(&mut self, classify: F) {
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for &[x, y] in &self.points {
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
        let (px, py) = (0.05 * (x1 - x0).max(1e-6), 0.05 * (y1 - y0).max(1e-6));
        self.bounds = [x0 - px, x1 + px, y0 - py, y1 + py];
        let r = self.resolution;
        let [x0, x1, y0, y1] = self.bounds;
        self.regions = (0..r * r)
            .map(|c| {
                let (i, j) = (c % r, c / r);
                let x = x0 + (x1 - x0) * (i as f32 + 0.5) / r as f32;
                let y = y0 + (y1 - y0) * (j as f32 + 0.5) / r as f32;
                classify(&[x, y])
            })
            .collect();
    }

    /// Figure size in pixels (default 640×560).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// The title (default "`<method>` decision regions").
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Fraction of points whose label equals the predicted region at their position.
    pub fn accuracy(&self) -> f64 {
        let [x0, x1, y0, y1] = self.bounds;
        let r = self.resolution;
        let cell =
            |v: f32, lo: f32, hi: f32| (((v - lo) / (hi - lo) * r as f32) as usize).min(r - 1);
        let hits = self.points.iter().zip(&self.labels).filter(|(p, &l)| {
            self.regions
                .get(cell(p[1], y0, y1) * r + cell(p[0], x0, x1))
                == Some(&l)
        });
        hits.count() as f64 / self.points.len().max(1) as f64
    }

    /// Renders to a [`Figure`].
    ///
    /// # Errors
    /// A projection with fewer than two dimensions, or a label count other than the point count.
    pub fn figure(&self) -> Result<Figure> {
        Plot::figure(self)
    }

    /// Shows the figure in an evcxr notebook cell.
    pub fn evcxr_display(&self) {
        match self.figure() {
            Ok(f) => f.evcxr_display(),
            Err(e) => eprintln!("glassbox: could not render figure: {e}"),
        }
    }
}

impl Plot for DecisionBoundary {
    fn figure(&self) -> Result<Figure> {
        if let Some(e) = &self.error {
            return Err(Error::invalid("projection", e.clone()));
        }
        if self.labels.len() != self.points.len() {
            return Err(Error::invalid(
                "labels",
                format!(
                    "{} labels for {} points; pass one per point",
                    self.labels.len(),
                    self.points.len()
                ),
            ));
        }
        let [x0, x1, y0, y1] = self.bounds;
        let r = self.resolution;
        let summary = format!(
            "{}: {} points, {} × {} grid of decision regions",
            self.title,
            self.points.len(),
            r,
            r
        );
        Figure::draw(self.size.0, self.size.1, summary, |root| {
            let mut chart = ChartBuilder::on(root)
                .margin(theme::MARGIN)
                .caption(&self.title, theme::text(theme::TITLE_SIZE, theme::TEXT))
                .x_label_area_size(28)
                .y_label_area_size(54)
                .build_cartesian_2d(x0..x1, y0..y1)
                .map_err(Error::render)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .axis_style(theme::AXIS)
                .label_style(theme::text(theme::TICK_SIZE, theme::TEXT_MUTED))
                .draw()
                .map_err(Error::render)?;
            let (dx, dy) = ((x1 - x0) / r as f32, (y1 - y0) / r as f32);
            let cells = self.regions.iter().enumerate().map(|(c, &class)| {
                let (i, j) = ((c % r) as f32, (c / r) as f32);
                let RGBColor(red, g, b) = theme::category(class);
                let pale = |v: u8| (255.0 - 0.3 * (255.0 - v as f32)) as u8;
                let corners = [
                    (x0 + i * dx, y0 + j * dy),
                    (x0 + (i + 1.0) * dx, y0 + (j + 1.0) * dy),
                ];
                Rectangle::new(corners, RGBColor(pale(red), pale(g), pale(b)).filled())
            });
            chart.draw_series(cells).map_err(Error::render)?;
            let radius = if self.points.len() > 5000 { 2 } else { 3 };
            let dots = self
                .points
                .iter()
                .zip(&self.labels)
                .map(|(p, &l)| Circle::new((p[0], p[1]), radius, theme::category(l).filled()));
            chart.draw_series(dots).map_err(Error::render)?;
            Ok(())
        })
    }
}
