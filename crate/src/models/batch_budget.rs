//! Default batch sizes chosen by memory: how many images one pass may take so that its
//! activations stay within [`BATCH_BYTES`], estimated from the model's layer table.
//!
//! Integrated Gradients, SmoothGrad, Occlusion, Score-CAM and `embed` batch many copies of an
//! image; a fixed count that suits MNIST (50 steps of 28²) holds gigabytes at 224² on VGG16
//! (Integrated Gradients' old default of 50 peaked at 4.7 GB). Each asks [`batch_within_budget`]
//! unless the user set a batch size.

use super::explain::layer_position;
use crate::Explain;

/// The bytes one batch's activations (and, for a backward pass, their gradients) may take.
pub(crate) const BATCH_BYTES: usize = 512 << 20;

/// What a batch keeps alive while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Forward only: the input and, at any step, a layer's input and output.
    Forward,
    /// Forward and backward: every layer's output is kept for the backward pass, and each gets
    /// a gradient of its size.
    Backward,
}

/// The estimated bytes one `[C, h, w]` image takes in `pass` through `model` up to `layer`
/// (the whole model for `None`). Layer sizes come from [`Explain::layers`] (measured at the
/// model's input shape) scaled by the image area.
pub(crate) fn image_bytes<M: Explain>(
    model: &M,
    [h, w]: [usize; 2],
    layer: Option<&str>,
    pass: Pass,
) -> usize {
    let layers = model.layers();
    let [c0, h0, w0] = model.input_shape();
    let end = match layer.map(|l| model.resolve_layer(l)) {
        None => layers.len(),
        Some(Ok(name)) => layer_position(&layers, &name).map_or(0, |i| i + 1),
        // The method reports the unknown layer itself; size as the whole model.
        Some(Err(_)) => layers.len(),
    };
    let scale = |n: usize| (n as f64 * (h * w) as f64 / (h0 * w0).max(1) as f64).ceil() as usize;
    let sizes = layers[..end]
        .iter()
        .map(|l| scale(l.out_shape.iter().product()));
    let input = scale(c0 * h0 * w0);
    let elements = match pass {
        Pass::Forward => input + 2 * sizes.max().unwrap_or(0),
        Pass::Backward => 2 * (input + sizes.sum::<usize>()),
    };
    elements.max(1) * std::mem::size_of::<f32>()
}

/// The most images of `[h, w]` per batch whose `pass` through `model` (up to `layer`) stays
/// within [`BATCH_BYTES`], at least 1 and at most `max`.
pub(crate) fn batch_within_budget<M: Explain>(
    model: &M,
    hw: [usize; 2],
    layer: Option<&str>,
    pass: Pass,
    max: usize,
) -> usize {
    (BATCH_BYTES / image_bytes(model, hw, layer, pass)).clamp(1, max.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{models::LayerInfo, MnistNet};

    /// A stand-in with VGG16's layer table (sizes only).
    struct Table(Vec<LayerInfo>, [usize; 3]);

    impl Explain for Table {
        fn name(&self) -> &str {
            "table"
        }
        fn input_shape(&self) -> [usize; 3] {
            self.1
        }
        fn num_classes(&self) -> usize {
            1000
        }
        fn layers(&self) -> Vec<LayerInfo> {
            self.0.clone()
        }
        fn forward_to<T: dfdx::prelude::Tape<f32, dfdx::prelude::Cpu>>(
            &self,
            _: crate::Activation<T>,
            _: &str,
            _: crate::ReluGrad,
        ) -> crate::Result<crate::Activation<T>> {
            unimplemented!("sizes only")
        }
        fn forward_from<T: dfdx::prelude::Tape<f32, dfdx::prelude::Cpu>>(
            &self,
            _: crate::Activation<T>,
            _: &str,
            _: crate::ReluGrad,
        ) -> crate::Result<crate::Logits<T>> {
            unimplemented!("sizes only")
        }
    }

    fn vgg16_table() -> Table {
        let layer = |name: &str, out_shape| LayerInfo {
            name: name.into(),
            key: None,
            kind: String::new(),
            group: None,
            out_shape,
            params: 0,
        };
        let mut layers = Vec::new();
        let mut side = 224;
        for (block, (convs, c)) in [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]
            .into_iter()
            .enumerate()
        {
            for j in 0..convs {
                layers.push(layer(
                    &format!("conv{}_{}", block + 1, j + 1),
                    [c, side, side],
                ));
            }
            side /= 2;
            layers.push(layer(&format!("pool{}", block + 1), [c, side, side]));
        }
        layers.push(layer("avgpool", [512, 7, 7]));
        for (name, n) in [("fc6", 4096), ("fc7", 4096), ("fc8", 1000)] {
            layers.push(layer(name, [n, 1, 1]));
        }
        Table(layers, [3, 224, 224])
    }

    #[test]
    fn vgg16_at_224_gets_a_few_images_per_backward_pass() {
        let vgg = vgg16_table();
        // Σ activations = 15,112,168 floats, input 150,528: 2 · 15,262,696 · 4 bytes.
        let per_image = image_bytes(&vgg, [224, 224], None, Pass::Backward);
        assert_eq!(per_image, 2 * (15_112_168 + 150_528) * 4);
        // 512 MiB / 122 MB = 4 images (the old fixed default of 50 held ~4.7 GB).
        assert_eq!(
            batch_within_budget(&vgg, [224, 224], None, Pass::Backward, 50),
            4
        );
        // Forward only up to conv1_2: input + 2 · 64·224² floats per image.
        let to_conv1 = image_bytes(&vgg, [224, 224], Some("conv1_2"), Pass::Forward);
        assert_eq!(to_conv1, (150_528 + 2 * 64 * 224 * 224) * 4);
        // A quarter of the area, four times the images.
        assert_eq!(
            batch_within_budget(&vgg, [112, 112], None, Pass::Backward, 50),
            17
        );
    }

    #[test]
    fn small_models_get_the_cap_and_huge_images_still_one() {
        let net = MnistNet::new(0);
        assert_eq!(
            batch_within_budget(&net, [28, 28], None, Pass::Backward, 50),
            50
        );
        assert_eq!(
            batch_within_budget(&net, [28, 28], Some("conv1"), Pass::Forward, 0),
            1
        );
        let vgg = vgg16_table();
        assert_eq!(
            batch_within_budget(&vgg, [4096, 4096], None, Pass::Backward, 50),
            1
        );
    }
}
