//! Attribution: which inputs (or which feature-map positions) drive a class score.
//!
//! Every method is built from a model (and a layer, where it needs one) and implements one
//! trait, [`AttributionMethod`](crate::AttributionMethod): one verb, `explain(&input, target)`, returning an
//! [`Attribution`](crate::Attribution) — the raw, signed map for each image of the batch, with its target, method
//! and parameters — and a name. Post-processing (`relu`, `abs`, `normalized`, `upsampled`) is
//! explicit, and rendering is a separate step. The evaluators take methods as
//! `&dyn AttributionMethod` ([`Rebind`] for those that rebuild a method on a changed model), so
//! a method of your own works wherever a shipped one does.
//!
//! The CAM family shares one pipeline ([`CamMethod`]); a CAM method is its [`CamFormula`], and
//! most are only their channel weights ([`ChannelWeights`]).
//!
//! | Method | Map | Where |
//! |---|---|---|
//! | [`Saliency`](crate::Saliency) | `\|∂S_c/∂x\|` (or signed) | input |
//! | [`SmoothGrad`](crate::SmoothGrad) | mean / mean square / variance of noisy gradients | input |
//! | [`GradientXInput`](crate::GradientXInput) | `x ⊙ ∂S_c/∂x` | input |
//! | [`IntegratedGradients`](crate::IntegratedGradients) | path integral of gradients, with completeness delta | input |
//! | [`GuidedBackprop`](crate::GuidedBackprop), [`GuidedGradCam`](crate::GuidedGradCam) | guided ReLU gradients (× Grad-CAM) | input |
//! | [`Occlusion`](crate::Occlusion) | score drop under a sliding patch | input |
//! | [`Cam`](crate::Cam) | `Σ_k w^c_k A^k` (GAP + linear heads only) | layer |
//! | [`GradCam`](crate::GradCam), [`GradCamPlusPlus`](crate::GradCamPlusPlus), [`XGradCam`](crate::XGradCam) | `Σ_k α_k A^k`, each its own `α` | layer |
//! | [`HiResCam`](crate::HiResCam), [`LayerCam`](crate::LayerCam) | `Σ_k g^k ⊙ A^k`, `Σ_k ReLU(g^k) ⊙ A^k` | layer |
//! | [`ScoreCam`](crate::ScoreCam) | `Σ_k softmax(f(x ⊙ H^k))_c A^k` | layer |
//!
//! Shapes: inputs `[B, C, H, W]`; maps `[R, C', H', W']` with one row `R` per (image, class)
//! ([`Target::TopK`](crate::Target::TopK) gives `k` rows per image). Gradient methods run the whole batch through one
//! backward pass (the per-image target scores are summed; images do not interact).

mod cam;
pub(crate) mod class_activation_map;
mod display;
pub(crate) mod explain_all;
pub(crate) mod grad_cam;
pub(crate) mod grad_cam_plus_plus;
pub(crate) mod gradient_x_input;
pub(crate) mod guided_backprop;
pub(crate) mod hires_cam;
pub(crate) mod integrated_gradients;
pub(crate) mod layer_cam;
pub(crate) mod map;
pub(crate) mod method;
pub(crate) mod occlusion;
pub(crate) mod pipeline;
pub(crate) mod saliency;
pub(crate) mod score_cam;
pub(crate) mod smooth_grad;
pub(crate) mod target;
pub(crate) mod xgrad_cam;

pub use cam::{CamFormula, CamInput, CamMethod, ChannelWeights};
pub use grad_cam::GradCamFormula;
pub use grad_cam_plus_plus::GradCamPlusPlusFormula;
pub use hires_cam::HiResCamFormula;
pub use integrated_gradients::Quadrature;
pub use layer_cam::LayerCamFormula;
pub use method::{Adjusted, Rebind};
pub use smooth_grad::NoiseStatistic;
pub use xgrad_cam::XGradCamFormula;
