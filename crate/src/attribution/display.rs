//! Rendering an [`Attribution`]: heat maps, overlays on the input, and inline display.
//!
//! Defaults follow the two traditions (pytorch-grad-cam's `show_cam_on_image`, Captum's
//! `visualize_image_attr`): layer maps (CAM family) show their positive part, min-max scaled,
//! in jet, as the Grad-CAM libraries do; input-level maps show `|a|` with Captum's outlier
//! scaling (2 %); Guided Grad-CAM, signed at input resolution, shows both signs on a diverging
//! map. Every [`HeatMap`] setting can be changed after.

use crate::render::{display_via_figure, Plot};
use crate::{
    Activation, Attribution, Colormap, Error, Figure, Gallery, HeatMap, Picture, Result, Scaling,
    Sign,
};

impl Attribution {
    /// A [`HeatMap`] of map `i` (channels summed), titled with the method and class.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `i ≥ self.len()`.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, GradCam, Sign, Target};
    /// let net = testing::gap_net();
    /// let x = testing::random_input([1, 1, 6, 6], 0);
    /// let fig = GradCam::new(&net, "relu").explain(&x, Target::Class(1))?.heatmap(0)?.sign(Sign::All).figure()?;
    /// assert!(fig.summary().contains("Grad-CAM"));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn heatmap(&self, i: usize) -> Result<HeatMap> {
        self.check_index(i)?;
        let [_, c, h, w] = self.shape;
        let map = HeatMap::from_chw(c, h, w, self.map(i))?.title(self.title(i));
        Ok(if self.signed {
            map.sign(Sign::All)
        } else if self.layer.is_some() {
            map.sign(Sign::Positive)
                .scaling(Scaling::MinMax)
                .colormap(Colormap::Jet)
        } else {
            map
        })
    }

    /// Map `i` upsampled to the input and blended over its image (a grayscale copy, α 0.5).
    ///
    /// `input` is the batch that was explained; the image is min-max scaled for display, so
    /// standardised inputs look right.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `i ≥ self.len()`; [`crate::ErrorKind::Shape`]
    /// when `input` is not the explained batch's size.
    pub fn overlay(&self, i: usize, input: &Activation) -> Result<HeatMap> {
        self.check_index(i)?;
        let (_, _, h, w) = dfdx::prelude::HasShape::shape(input).to_owned();
        if [h, w] != self.input_size {
            return Err(Error::shape(
                "input",
                format!("the explained images' size {:?}", self.input_size),
                &[h, w],
            ));
        }
        let picture = Picture::from_activation(input, self.images[i])?.normalized();
        let up = self.clone().upsampled();
        Ok(up.heatmap(i)?.blended(&picture))
    }

    fn check_index(&self, i: usize) -> Result<()> {
        if i >= self.len() {
            return Err(Error::invalid(
                "index",
                format!("map {i} requested, the attribution has {}", self.len()),
            ));
        }
        Ok(())
    }

    fn title(&self, i: usize) -> String {
        let layer = self
            .layer
            .as_deref()
            .map(|l| format!(" @{l}"))
            .unwrap_or_default();
        format!("{}{layer} · class {}", self.method, self.targets[i])
    }
}

impl Plot for Attribution {
    /// The heat maps of up to the first 16 maps side by side.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for an empty attribution.
    fn figure(&self) -> Result<Figure> {
        let mut gallery = Gallery::new();
        for i in 0..self.len().min(16) {
            gallery = gallery.push(self.heatmap(i)?);
        }
        Ok(gallery.figure()?.with_summary(self.to_string()))
    }
}

display_via_figure!(Attribution);
