//! A projection drawn with the images its points stand for: the one call for "what is in this
//! cluster?".

use super::Projection;
use crate::{Activation, Error, Picture, Result, Scatter};

impl Projection {
    /// [`Projection::scatter`] with `count` of the input images drawn on the map, centred on
    /// their points. The points are chosen spread out (each the farthest from those already
    /// chosen, starting from the first point), so thumbnails cover the whole map rather than
    /// piling up in its densest cluster.
    ///
    /// `images` is the `[N, C, H, W]` batch the projected rows came from (C = 1 or 3), in the
    /// same order, e.g. `mnist.test.all()?` for `net.embed(&mnist.test.all()?, "gap")?`.
    ///
    /// # Example
    /// ```
    /// use glassbox::{project::AsMatrix, Tsne};
    /// let mnist = glassbox::data::mnist()?;
    /// let digits = mnist.test.images(0..200)?;
    /// let map = Tsne::default().quiet(true).fit(&digits)?;
    /// let fig = map.scatter_with_images(&mnist.test.labels()[..200], &digits, 25)?.figure()?;
    /// assert!(fig.summary().contains("200 points"));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] when `images` does not have one image per point;
    /// as [`Projection::scatter`] and [`Picture::from_activation`].
    pub fn scatter_with_images(
        &self,
        labels: &[usize],
        images: &Activation,
        count: usize,
    ) -> Result<Scatter> {
        let (n, c, h, w) = *dfdx::prelude::HasShape::shape(images);
        if n != self.len() {
            return Err(Error::shape(
                "images",
                format!("one image per point: [{}, C, H, W]", self.len()),
                &[n, c, h, w],
            ));
        }
        let xy = self.xy()?;
        let mut scatter = self.scatter(labels)?;
        for i in spread_out(&xy, count) {
            scatter = scatter.thumbnail(i, Picture::from_activation(images, i)?);
        }
        Ok(scatter)
    }
}

/// `count` indices of `points`, greedily each the farthest from the ones already taken.
fn spread_out(points: &[[f32; 2]], count: usize) -> Vec<usize> {
    let mut chosen = Vec::with_capacity(count.min(points.len()));
    let mut nearest = vec![f32::INFINITY; points.len()];
    let mut next = 0;
    while chosen.len() < count.min(points.len()) {
        chosen.push(next);
        let p = points[next];
        for (d, q) in nearest.iter_mut().zip(points) {
            *d = d.min((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2));
        }
        next = (0..points.len())
            .max_by(|&a, &b| nearest[a].total_cmp(&nearest[b]).then(b.cmp(&a)))
            .unwrap_or(0);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_go_to_spread_out_points() {
        // A dense blob of 100 points near the origin and four far corners: five thumbnails
        // must take the blob's first point and all four corners.
        let mut points: Vec<[f32; 2]> = (0..100).map(|i| [i as f32 * 1e-3, 0.0]).collect();
        points.extend([[10.0, 10.0], [-10.0, 10.0], [10.0, -10.0], [-10.0, -10.0]]);
        let mut picked = spread_out(&points, 5);
        picked.sort_unstable();
        assert_eq!(picked, vec![0, 100, 101, 102, 103]);
        assert_eq!(spread_out(&points, 500).len(), 104);
        assert!(spread_out(&points, 0).is_empty());
    }
}
