//! Guided Backpropagation, and Guided Grad-CAM (its product with the upsampled Grad-CAM map).
//!
//! Springenberg et al. (2015), *Striving for Simplicity: The All Convolutional Net*,
//! <https://arxiv.org/abs/1412.6806>, §3.4; Guided Grad-CAM from Selvaraju et al. (2017),
//! <https://arxiv.org/abs/1610.02391>, §3.

use crate::attribution::pipeline::input_grads;
use crate::{Activation, Attribution, Explain, GradCam, ReluGrad, Result, Target};

/// Guided Backpropagation: the input gradient with every ReLU passing only positive gradients
/// where its input was positive ([`ReluGrad::Guided`]), `[R, C, H, W]`, raw.
///
/// Sharp and pretty, but largely class- and weight-insensitive: it fails the parameter
/// randomisation test (Adebayo et al. 2018, *Sanity Checks for Saliency Maps*,
/// <https://arxiv.org/abs/1810.03292>, §3). Needs a model whose [`Explain::forward_from`]
/// honours `ReluGrad::Guided`.
///
/// # Example
/// ```
/// use glassbox::{testing::ToyNet, Activation, Batch, GuidedBackprop, Saliency, Target};
/// // y = ReLU(x₀) − ReLU(x₁): at x = (1, 2) both ReLUs pass, so the gradient is (1, −1).
/// let net = ToyNet::new("two-path", [2, 1, 1])
///     .linear("fc1", &[1.0, 0.0, 0.0, 1.0], &[0.0, 0.0])?
///     .relu("relu")
///     .linear("fc2", &[1.0, -1.0], &[0.0])?;
/// let x = Activation::from_values(vec![1.0, 2.0], [1, 2, 1, 1])?;
/// let gradient = Saliency::new(&net).signed(true).explain(&x, Target::Class(0))?;
/// assert_eq!(gradient.values(), &[1.0, -1.0]);
/// // Guided: the ReLU passes back only the positive gradient, so x₁'s −1 is blocked.
/// let guided = GuidedBackprop::new(&net).explain(&x, Target::Class(0))?;
/// assert_eq!(guided.values(), &[1.0, 0.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct GuidedBackprop<'m, M> {
    model: &'m M,
}

impl<'m, M: Explain> GuidedBackprop<'m, M> {
    /// Guided Backpropagation on `model`.
    pub fn new(model: &'m M) -> Self {
        Self { model }
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// As [`crate::Saliency::explain`]; whatever the model returns for `ReluGrad::Guided`.
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let g = input_grads(self.model, input, &target, ReluGrad::Guided)?;
        let [_, _, h, w] = g.shape;
        Ok(Attribution::new(
            "Guided Backprop",
            g.grads,
            g.shape,
            &g.rows,
            g.scores,
            [h, w],
        )?
        .with_softmax(target.is_softmax()))
    }
}

/// Guided Grad-CAM: Guided Backprop ⊙ `ReLU(Grad-CAM)` upsampled to the input, `[R, C, H, W]`.
///
/// High-resolution like Guided Backprop, class-discriminative like Grad-CAM. The map is signed
/// and at the input's resolution, so its heat map shows both signs ([`crate::Sign::All`]) rather
/// than a CAM's positive part.
#[derive(Clone, Debug)]
pub struct GuidedGradCam<'m, M> {
    model: &'m M,
    layer: String,
}

impl<'m, M: Explain> GuidedGradCam<'m, M> {
    /// Guided Grad-CAM with the Grad-CAM part at `layer`.
    pub fn new(model: &'m M, layer: &str) -> Self {
        Self {
            model,
            layer: layer.to_string(),
        }
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// As [`GuidedBackprop::explain`] and [`crate::GradCam::explain`].
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let cam = GradCam::new(self.model, &self.layer)
            .explain(input, target.clone())?
            .relu()
            .upsampled();
        let mut gb = GuidedBackprop::new(self.model).explain(input, target)?;
        let [_, c, h, w] = gb.shape();
        for (i, m) in gb.values.chunks_mut(c * h * w).enumerate() {
            let cam = cam.map(i);
            m.iter_mut()
                .enumerate()
                .for_each(|(j, v)| *v *= cam[j % (h * w)]);
        }
        gb.flag_degenerate();
        gb.method = "Guided Grad-CAM".into();
        gb.layer = Some(self.layer.clone());
        gb.signed = true; // a product of signed gradients: both signs are evidence
        Ok(gb.with_param("layer", &self.layer))
    }
}

crate::attribution::method::attribution_method!(GuidedBackprop {}, |_s| "Guided Backprop");
crate::attribution::method::attribution_method!(GuidedGradCam { layer }, |_s| "Guided Grad-CAM");
