//! Attribution: which inputs (or which feature-map positions) drive a class score.
//!
//! Every method is built from a model (and a layer, where it needs one) and has one verb,
//! `explain(&input, target)`, returning an [`Attribution`]: the raw, signed map for each image
//! of the batch, with its target, method and parameters. Post-processing (`relu`, `abs`,
//! `normalized`, `upsampled`) is explicit, and rendering is a separate step.
//!
//! | Method | Map | Where |
//! |---|---|---|
//! | [`Saliency`] | `\|∂S_c/∂x\|` (or signed) | input |
//! | [`SmoothGrad`] | mean / mean square / variance of noisy gradients | input |
//! | [`GradientXInput`] | `x ⊙ ∂S_c/∂x` | input |
//! | [`IntegratedGradients`] | path integral of gradients, with completeness delta | input |
//! | [`GuidedBackprop`], [`GuidedGradCam`] | guided ReLU gradients (× Grad-CAM) | input |
//! | [`Occlusion`] | score drop under a sliding patch | input |
//! | [`Cam`] | `Σ_k w^c_k A^k` (GAP + linear heads only) | layer |
//! | [`GradCam`], [`GradCamPlusPlus`], [`XGradCam`] | `Σ_k α_k A^k`, each its own `α` | layer |
//! | [`HiResCam`], [`LayerCam`] | `Σ_k g^k ⊙ A^k`, `Σ_k ReLU(g^k) ⊙ A^k` | layer |
//! | [`ScoreCam`] | `Σ_k softmax(f(x ⊙ H^k))_c A^k` | layer |
//!
//! Shapes: inputs `[B, C, H, W]`; maps `[R, C', H', W']` with one row `R` per (image, class)
//! ([`Target::TopK`] gives `k` rows per image). Gradient methods run the whole batch through one
//! backward pass (the per-image target scores are summed; images do not interact).

mod cam;
mod class_activation_map;
mod display;
mod explain_all;
mod grad_cam;
mod grad_cam_plus_plus;
mod gradient_x_input;
mod guided_backprop;
mod hires_cam;
mod integrated_gradients;
mod layer_cam;
pub(crate) mod map;
mod occlusion;
pub(crate) mod pipeline;
mod saliency;
mod score_cam;
mod smooth_grad;
pub(crate) mod target;
mod xgrad_cam;

pub use cam::{CamFormula, CamInput, CamMethod};
pub use class_activation_map::Cam;
pub use explain_all::explain_all;
pub use grad_cam::{GradCam, GradCamFormula};
pub use grad_cam_plus_plus::{GradCamPlusPlus, GradCamPlusPlusFormula};
pub use gradient_x_input::GradientXInput;
pub use guided_backprop::{GuidedBackprop, GuidedGradCam};
pub use hires_cam::{HiResCam, HiResCamFormula};
pub use integrated_gradients::{IntegratedGradients, Quadrature};
pub use layer_cam::{LayerCam, LayerCamFormula};
pub use map::Attribution;
pub use occlusion::Occlusion;
pub use saliency::Saliency;
pub use score_cam::ScoreCam;
pub use smooth_grad::{NoiseStatistic, SmoothGrad};
pub use target::Target;
pub use xgrad_cam::{XGradCam, XGradCamFormula};
