//! [`explain_all`] and [`explain_with`]: one call, one picture — the input, the prediction and
//! several methods side by side.

use crate::attribution::pipeline::{check_input, gather};
use crate::AttributionMethod;
use crate::{
    Activation, Attribution, BarChart, Explain, Gallery, GradCam, GradCamPlusPlus, GuidedBackprop,
    IntegratedGradients, LayerCam, Occlusion, Picture, Result, Saliency, SmoothGrad, Target,
};

/// Explains one image with nine methods at once and returns a side-by-side [`Gallery`]: the
/// input, the top-5 softmax prediction, Saliency, SmoothGrad, Integrated Gradients, Guided
/// Backprop, Occlusion, and Grad-CAM, Grad-CAM++ and LayerCAM at `layer` over the input.
///
/// It is [`explain_with`] these methods (SmoothGrad, Integrated Gradients and Guided Backprop
/// shown as `abs().max_channels()`).
///
/// # Errors
/// Any method's error: unknown layer, bad input, class out of range, a model without
/// guided-ReLU support.
///
/// # Example
/// ```
/// use glassbox::{explain_all, testing, Target};
/// let net = testing::gap_net();
/// let fig = explain_all(&net, &testing::random_input([1, 1, 6, 6], 0), "relu", Target::Predicted)?.figure()?;
/// assert!(fig.width() > 1000);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn explain_all<M: Explain>(
    model: &M,
    input: &Activation,
    layer: &str,
    target: Target,
) -> Result<Gallery> {
    let magnitude = |m: Attribution| m.abs().max_channels();
    explain_with(
        model,
        input,
        target,
        &[
            &Saliency::new(model),
            &SmoothGrad::new(model).then(magnitude),
            &IntegratedGradients::new(model).then(magnitude),
            &GuidedBackprop::new(model).then(magnitude),
            &Occlusion::new(model),
            &GradCam::new(model, layer),
            &GradCamPlusPlus::new(model, layer),
            &LayerCam::new(model, layer),
        ],
    )
}

/// Explains one image with each of `methods` (on `model`) and returns a side-by-side
/// [`Gallery`]: the input, the top-5 softmax prediction, then one panel per method in order —
/// input-resolution maps as heatmaps, layer maps ([`Attribution::layer`]) over the input.
///
/// Only the first image of `input` is used. The target is resolved once (so
/// [`Target::Predicted`] means the same class in every panel); a [`Target::TopK`] uses its top
/// class. Maps use each method's default rendering (see [`crate::Attribution::heatmap`]).
///
/// # Errors
/// Any method's error, and the model's for an input it cannot take.
///
/// # Example
/// ```
/// use glassbox::{explain_with, testing, GradCam, Saliency, Target};
/// let net = testing::gap_net();
/// let x = testing::random_input([1, 1, 6, 6], 0);
/// let panels = explain_with(&net, &x, Target::Predicted, &[&Saliency::new(&net), &GradCam::new(&net, "relu")])?;
/// assert_eq!(panels.len(), 4); // input, prediction, two methods
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn explain_with<M: Explain>(
    model: &M,
    input: &Activation,
    target: Target,
    methods: &[&dyn AttributionMethod],
) -> Result<Gallery> {
    check_input(model, input)?;
    let x = gather(input, &[0]);
    let logits = model.forward(x.clone())?.as_vec();
    let probs = crate::math::softmax(&logits);
    let class = target.resolve(&logits, 1)?.class[0];
    let target = if target.is_softmax() {
        Target::Class(class).softmax()
    } else {
        Target::Class(class)
    };
    // ImageNet-sized heads get ImageNet's class names, others their indices.
    let names: Vec<String> = match crate::data::imagenet_classes() {
        list if list.len() == probs.len() => list.iter().map(|n| n.to_string()).collect(),
        _ => (0..probs.len()).map(|c| c.to_string()).collect(),
    };
    let prediction = BarChart::top_k(&probs, &names, 5.min(probs.len()))?
        .title(format!("softmax · explaining class {class}"));
    let picture = Picture::from_activation(&x, 0)?.normalized();
    let mut gallery = Gallery::new()
        .title(format!("{} · class {class}", model.name()))
        .add("input", picture.upscaled_to(224).to_figure())
        .push(prediction);
    for method in methods {
        let map = method.explain(&x, target.clone())?;
        gallery = match map.layer() {
            Some(_) => gallery.push(map.overlay(0, &x)?),
            None => gallery.push(map.heatmap(0)?),
        };
    }
    Ok(gallery.columns(5))
}
