//! [`explain_all`]: one call, one picture — the input, the prediction and several methods.

use crate::attribution::pipeline::{check_input, gather};
use crate::attribution::target::softmax_row;
use crate::{
    Activation, BarChart, Explain, Gallery, GradCam, GradCamPlusPlus, GuidedBackprop,
    IntegratedGradients, LayerCam, Occlusion, Picture, Result, Saliency, SmoothGrad, Target,
};

/// Explains one image with nine methods at once and returns a side-by-side [`Gallery`]: the
/// input, the top-5 softmax prediction, Saliency, SmoothGrad, Integrated Gradients, Guided
/// Backprop, Occlusion, and Grad-CAM, Grad-CAM++ and LayerCAM at `layer` over the input.
///
/// Only the first image of `input` is used. The target is resolved once (so
/// [`Target::Predicted`] means the same class in every panel); a [`Target::TopK`] uses its top
/// class. Maps use each method's default rendering (see [`crate::Attribution::heatmap`]).
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
    check_input(model, input)?;
    let x = gather(input, &[0]);
    let logits = model.forward(x.clone())?.as_vec();
    let probs = softmax_row(&logits);
    let class = target.resolve(&logits, 1)?.class[0];
    let target = if target.is_softmax() {
        Target::Class(class).softmax()
    } else {
        Target::Class(class)
    };
    let t = || target.clone();
    // ImageNet-sized heads get ImageNet's class names, others their indices.
    let names: Vec<String> = match crate::data::imagenet_classes() {
        list if list.len() == probs.len() => list.iter().map(|n| n.to_string()).collect(),
        _ => (0..probs.len()).map(|c| c.to_string()).collect(),
    };
    let prediction = BarChart::top_k(&probs, &names, 5.min(probs.len()))?
        .title(format!("softmax · explaining class {class}"));
    let picture = Picture::from_activation(&x, 0)?.normalized();
    let smooth = SmoothGrad::new(model)
        .explain(&x, t())?
        .abs()
        .max_channels();
    let ig = IntegratedGradients::new(model)
        .explain(&x, t())?
        .abs()
        .max_channels();
    let guided = GuidedBackprop::new(model)
        .explain(&x, t())?
        .abs()
        .max_channels();
    Ok(Gallery::new()
        .title(format!("{} · class {class}", model.name()))
        .add("input", picture.upscaled_to(224).to_figure())
        .push(prediction)
        .push(Saliency::new(model).explain(&x, t())?.heatmap(0)?)
        .push(smooth.heatmap(0)?)
        .push(ig.heatmap(0)?)
        .push(guided.heatmap(0)?)
        .push(Occlusion::new(model).explain(&x, t())?.heatmap(0)?)
        .push(
            GradCam::new(model, layer)
                .explain(&x, t())?
                .overlay(0, &x)?,
        )
        .push(
            GradCamPlusPlus::new(model, layer)
                .explain(&x, t())?
                .overlay(0, &x)?,
        )
        .push(
            LayerCam::new(model, layer)
                .explain(&x, t())?
                .overlay(0, &x)?,
        )
        .columns(5))
}
