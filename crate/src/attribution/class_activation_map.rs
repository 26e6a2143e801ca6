//! CAM: the feature maps weighted by the linear head's weights, for GAP + linear heads only.
//!
//! Zhou et al. (2016), *Learning Deep Features for Discriminative Localization*, CVPR,
//! <https://arxiv.org/abs/1512.04150>, eq. (2): `M_c = Σ_k w^c_k A^k`.

use crate::attribution::cam::cam_pipeline;
use crate::{models::GapHead, Activation, Attribution, Error, Explain, Result, Target};

/// Class Activation Mapping: `M_c = Σ_k w^c_k A^k`, where `w^c` is row `c` of the single linear
/// layer that follows a global average pool over the feature maps `A`.
///
/// Only models whose [`Explain::gap_head`] returns a head qualify; for any other model use
/// [`crate::GradCam`], its generalisation: on a GAP + linear head, Grad-CAM = CAM / Z, and the
/// mean of the CAM map is the logit minus the bias (Zhou et al. 2016, §2: `S_c` is the GAP of
/// `M_c` plus the bias; tested).
///
/// # Example
/// ```
/// use glassbox::{testing, Cam, Explain, Target};
/// let net = testing::gap_net();
/// let x = testing::random_input([1, 1, 6, 6], 3);
/// let map = Cam::new(&net)?.explain(&x, Target::Class(2))?;
/// let mean = map.values().iter().sum::<f32>() / 36.0;
/// let logit = net.forward(x)?.as_vec()[2];
/// assert!((mean - (logit - net.gap_head().unwrap().bias[2])).abs() < 1e-5);
/// assert!(Cam::new(&testing::one_conv_net()).is_err()); // no GAP head
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Cam<'m, M> {
    model: &'m M,
    layer: String,
}

impl<'m, M: Explain> Cam<'m, M> {
    /// CAM on `model`'s GAP head.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Unsupported`] when the model has no GAP + linear head.
    pub fn new(model: &'m M) -> Result<Self> {
        let layer = head(model)?.layer;
        Ok(Self { model, layer })
    }

    /// The layer whose feature maps are weighted (the one the GAP averages).
    pub fn layer(&self) -> &str {
        &self.layer
    }

    /// One map per (image, class) row, `[R, 1, H_l, W_l]`, raw and signed.
    ///
    /// # Errors
    /// As [`crate::GradCam::explain`].
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let head = &head(self.model)?; // read now: the model's weights may have been randomised
        cam_pipeline(self.model, &head.layer, input, &target, "CAM", |x| {
            // M_c = Σ_k w^c_k A^k   (eq. 2)
            let w = &head.weight[x.class * head.channels..(x.class + 1) * head.channels];
            x.weighted_sum(w)
        })
    }
}

/// The model's GAP head, or the error saying CAM needs one.
fn head<M: Explain>(model: &M) -> Result<GapHead> {
    model.gap_head().ok_or_else(|| {
        Error::unsupported(format!(
            "CAM needs a global-average-pool + linear head and {} has none; \
             use GradCam (CAM's generalisation) on its last conv layer instead",
            model.name()
        ))
    })
}

crate::attribution::method::attribution_method!(Cam { layer }, |_s| "CAM");
