//! VGG11/13/16/19 (Simonyan & Zisserman 2014, <https://arxiv.org/abs/1409.1556>) as typed dfdx
//! models in torchvision's layout, with named layers for explanation.
//!
//! Channel counts are in the types (`Conv2d<64, 128, 3, 1, 1>`), spatial sizes are run-time:
//! any input of at least 32×32 works, because `avgpool` adapts the last feature map to 7×7 as
//! torchvision does. Dropout is the identity (these models are for inference and explanation).
//!
//! **Tap points.** Each `convB_J` layer's output is taken *after its ReLU* (torchvision
//! `features.N+1`), as in the Grad-CAM authors' code (conv5_3 → 14×14 at 224²; the conv and its
//! ReLU run as one fused op); `poolB` after the max-pool, `fc6`/`fc7` after their ReLU, `fc8` is
//! the logits. torchvision module names work as layer names too, in every method, and mean what
//! they mean in torchvision: `"features.29"` (the ReLU) is `conv5_3`, while `"features.28"` is
//! the convolution *before* its ReLU (what Captum's `LayerGradCam(model.features[28])` sees,
//! negative values included); `"features.30"` is `pool5`; `"classifier.3"` is fc7's linear layer
//! before its ReLU, `"classifier.4"` (the ReLU) and `"classifier.5"` (the dropout) are `fc7`.
//! [`Explain::resolve_layer`] says which tap a name is.
//!
//! **Checkpoints.** Keys are torchvision's (`features.0.weight` … `classifier.6.bias`); timm's
//! `vgg16.tv_in1k` names (`pre_logits.fc1.weight` stored as a 4096×512×7×7 conv, `pre_logits.fc2`,
//! `head.fc`) load too, from safetensors or straight from torchvision's `.pth` files
//! (`vgg16-397923af.pth`; see [`crate::models::Checkpoint`]).

use dfdx::nn::modules::Linear;
use dfdx::prelude::*;

use super::checkpoint::{write_safetensors, Checkpoint};
use super::explain::{LayerInfo, INPUT};
use super::param::{load_params, Param};
use super::util::{check_input, layer_table, linear, reinit, rng, to_logits};
use super::vgg_layers::{steps, timm_key, Step, Tap, TIMM_ALIASES};
use super::weights::LoadReport;
use crate::nn::{adaptive_avg_pool2d, max_pool2d, relu, Conv2d};
use crate::ReluGrad;
use crate::{Activation, Error, Explain, Logits, Result};

/// Which names [`Vgg16::save`] (and the other VGGs) write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VggKeys {
    /// torchvision: `features.N.*`, `classifier.{0,3,6}.*`.
    #[default]
    Torchvision,
    /// timm `vgg*.tv_in1k`: `features.N.*`, `pre_logits.fc1.*` (a 7×7 conv), `pre_logits.fc2.*`
    /// (a 1×1 conv), `head.fc.*`.
    Timm,
}

macro_rules! vgg {
    (
        $(#[$doc:meta])*
        $Name:ident, $title:literal, $repo:literal, blocks: [$($block:expr),+],
        convs: [$($conv:ident = $index:literal : $cin:literal => $cout:literal),+ $(,)?]
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $Name {
            $(
                #[doc = concat!("Conv 3×3, ", $cin, "→", $cout, ", pad 1 (checkpoint `features.", $index, "`).")]
                pub $conv: Conv2d<$cin, $cout, 3, 1, 1>,
            )+
            /// Linear 25088→4096 (checkpoint `classifier.0`).
            pub fc6: Linear<25088, 4096, f32, Cpu>,
            /// Linear 4096→4096 (checkpoint `classifier.3`).
            pub fc7: Linear<4096, 4096, f32, Cpu>,
            /// Linear 4096→1000, the logits (checkpoint `classifier.6`).
            pub fc8: Linear<4096, 1000, f32, Cpu>,
        }

        impl $Name {
            const BLOCKS: &'static [&'static [usize]] = &[$(&$block),+];

            /// A randomly initialised model (PyTorch's default uniform init), seeded.
            pub fn new(seed: u64) -> Self {
                let _ids = crate::nn::id_guard();
                let dev = Cpu::seed_from_u64(seed);
                Self {
                    $($conv: dev.build_module::<Conv2d<$cin, $cout, 3, 1, 1>, f32>(),)+
                    fc6: dev.build_module::<dfdx::nn::builders::Linear<25088, 4096>, f32>(),
                    fc7: dev.build_module::<dfdx::nn::builders::Linear<4096, 4096>, f32>(),
                    fc8: dev.build_module::<dfdx::nn::builders::Linear<4096, 1000>, f32>(),
                }
            }

            /// Loads a safetensors or PyTorch `.pth` checkpoint with torchvision or timm names (f32,
            /// f16 or bf16).
            ///
            /// # Errors
            /// [`crate::ErrorKind::Io`] / [`crate::ErrorKind::Format`] for an unreadable file;
            /// [`crate::ErrorKind::MissingWeight`] (listing every missing tensor, with the
            /// nearest key as suggestion); [`crate::ErrorKind::WeightShape`];
            /// [`crate::ErrorKind::NonFinite`] naming a tensor with NaN or ∞ values (to load
            /// such a file anyway: [`Checkpoint::allow_non_finite`] and `load_checkpoint`).
            pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self> {
                Ok(Self::load_with_report(path)?.0)
            }

            /// As [`Self::load`], with the [`LoadReport`]: the tensors loaded and the checkpoint
            /// keys no tensor asked for (`missing` is empty: a missing tensor is an error).
            ///
            /// # Errors
            /// As [`Self::load`].
            pub fn load_with_report(path: impl AsRef<std::path::Path>) -> Result<(Self, LoadReport)> {
                let mut model = Self::new(0);
                let report = model.load_checkpoint(&Checkpoint::open(path)?)?;
                Ok((model, report))
            }

            #[doc = concat!("ImageNet weights from the Hugging Face Hub (`", $repo, "`, `model.safetensors`,")]
            /// torchvision's weights in timm's names), downloaded once into the Hub cache, which
            /// is shared with Python's `huggingface_hub` (`HF_HOME`, `HF_HUB_OFFLINE`; see
            /// [`crate::hub_file`]).
            ///
            /// # Errors
            /// As [`crate::models::Hub::file`] and [`Self::load`].
            #[cfg(feature = "download")]
            pub fn pretrained() -> Result<Self> {
                Self::pretrained_from(&crate::models::Hub::from_env())
            }

            /// As [`Self::pretrained`], through `hub` (another cache, server or offline mode).
            ///
            /// # Errors
            /// As [`crate::models::Hub::file`] and [`Self::load`].
            #[cfg(feature = "download")]
            pub fn pretrained_from(hub: &crate::models::Hub) -> Result<Self> {
                Self::load(hub.file($repo, "model.safetensors")?)
            }

            /// The ImageNet weights of [`Self::pretrained`] if the Hub cache already has them,
            /// else `None`; never makes a request, so it is safe where the network is closed
            /// (CI) and instant where it is not.
            ///
            /// # Errors
            /// As [`Self::load`] for a cached file that does not load.
            #[cfg(feature = "download")]
            pub fn cached_pretrained() -> Result<Option<Self>> {
                crate::models::Hub::from_env()
                    .cached($repo, "model.safetensors")?
                    .map(Self::load)
                    .transpose()
            }

            /// Overwrites the weights from `checkpoint`; returns what was loaded and left over.
            ///
            /// # Errors
            /// As [`Self::load`].
            pub fn load_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<LoadReport> {
                load_params(self.params_mut(), checkpoint, TIMM_ALIASES)
            }

            /// Saves the weights as f32 safetensors, under torchvision's or timm's names.
            ///
            /// # Errors
            /// [`crate::ErrorKind::Io`] if the file cannot be written.
            pub fn save(&self, path: impl AsRef<std::path::Path>, keys: VggKeys) -> Result<()> {
                let tensors: Vec<_> = self
                    .named_tensors()
                    .into_iter()
                    .map(|(k, s, v)| {
                        let (k, s) = match keys {
                            VggKeys::Torchvision => (k, s),
                            VggKeys::Timm => timm_key(&k, &s),
                        };
                        (k, s, v)
                    })
                    .collect();
                write_safetensors(path, &tensors)
            }

            /// Every parameter as `(torchvision key, shape, values)`, in checkpoint order.
            pub fn named_tensors(&self) -> Vec<(String, Vec<usize>, Vec<f32>)> {
                self.params().into_iter().map(|(k, p)| (k, p.dims(), p.values())).collect()
            }

            /// The number of trainable parameters.
            pub fn num_params(&self) -> usize {
                self.params().iter().map(|(_, p)| p.dims().iter().product::<usize>()).sum()
            }

            /// Every parameter under its torchvision key.
            pub fn params(&self) -> Vec<(String, &dyn Param)> {
                vec![
                    $(
                        (concat!("features.", $index, ".weight").to_string(), &self.$conv.weight as &dyn Param),
                        (concat!("features.", $index, ".bias").to_string(), &self.$conv.bias as &dyn Param),
                    )+
                    ("classifier.0.weight".into(), &self.fc6.weight as &dyn Param),
                    ("classifier.0.bias".into(), &self.fc6.bias as &dyn Param),
                    ("classifier.3.weight".into(), &self.fc7.weight as &dyn Param),
                    ("classifier.3.bias".into(), &self.fc7.bias as &dyn Param),
                    ("classifier.6.weight".into(), &self.fc8.weight as &dyn Param),
                    ("classifier.6.bias".into(), &self.fc8.bias as &dyn Param),
                ]
            }

            /// Every parameter under its torchvision key, writable.
            pub fn params_mut(&mut self) -> Vec<(String, &mut dyn Param)> {
                vec![
                    $(
                        (concat!("features.", $index, ".weight").to_string(), &mut self.$conv.weight as &mut dyn Param),
                        (concat!("features.", $index, ".bias").to_string(), &mut self.$conv.bias as &mut dyn Param),
                    )+
                    ("classifier.0.weight".into(), &mut self.fc6.weight as &mut dyn Param),
                    ("classifier.0.bias".into(), &mut self.fc6.bias as &mut dyn Param),
                    ("classifier.3.weight".into(), &mut self.fc7.weight as &mut dyn Param),
                    ("classifier.3.bias".into(), &mut self.fc7.bias as &mut dyn Param),
                    ("classifier.6.weight".into(), &mut self.fc8.weight as &mut dyn Param),
                    ("classifier.6.bias".into(), &mut self.fc8.bias as &mut dyn Param),
                ]
            }

            fn step<T: Tape<f32, Cpu>>(&self, step: &Step, x: Activation<T>, mode: ReluGrad) -> Result<Activation<T>> {
                match *step {
                    $(Step::Conv { index: $index, .. } => self.$conv.apply_relu(x, mode),)+
                    Step::Conv { .. } => unreachable!("the VGG layer table and struct disagree"),
                    Step::Pool { .. } => max_pool2d(x, 2, 2, 0),
                    Step::AvgPool => adaptive_avg_pool2d(x, (7, 7)),
                    Step::Fc { index: 0, .. } => relu(linear(&self.fc6, x, "fc6 input")?, mode),
                    Step::Fc { index: 3, .. } => relu(linear(&self.fc7, x, "fc7 input")?, mode),
                    Step::Fc { .. } => linear(&self.fc8, x, "fc8 input"),
                }
            }

            /// A step's linear part without its ReLU (the taps torchvision's conv and linear
            /// names make; the short names run the fused conv + ReLU).
            fn before_relu<T: Tape<f32, Cpu>>(&self, step: &Step, x: Activation<T>) -> Result<Activation<T>> {
                match *step {
                    $(Step::Conv { index: $index, .. } => self.$conv.apply(x),)+
                    Step::Fc { index: 0, .. } => linear(&self.fc6, x, "fc6 input"),
                    Step::Fc { index: 3, .. } => linear(&self.fc7, x, "fc7 input"),
                    _ => unreachable!("only convs, fc6 and fc7 have a tap before a ReLU"),
                }
            }

            /// The step `layer` taps and where, or `None` for the input.
            fn position(&self, layer: &str) -> Result<Option<(usize, Tap)>> {
                if layer == INPUT {
                    return Ok(None);
                }
                let all = steps(Self::BLOCKS);
                all.iter()
                    .enumerate()
                    .find_map(|(i, s)| {
                        if s.name() == layer {
                            Some((i, Tap::Output))
                        } else {
                            s.tap_for_key(layer).map(|t| (i, t))
                        }
                    })
                    .map(Some)
                    .ok_or_else(|| {
                        let mut names = vec![INPUT.to_string()];
                        names.extend(all.iter().map(|s| s.name().to_string()));
                        Error::unknown_layer(layer, names)
                    })
            }
        }

        impl Explain for $Name {
            fn name(&self) -> &str {
                $title
            }

            fn input_shape(&self) -> [usize; 3] {
                [3, 224, 224]
            }

            fn num_classes(&self) -> usize {
                1000
            }

            fn layers(&self) -> Vec<LayerInfo> {
                steps(Self::BLOCKS).iter().map(Step::info).collect()
            }

            fn resolve_layer(&self, name: &str) -> Result<String> {
                Ok(match self.position(name)? {
                    None => INPUT.to_string(),
                    Some((i, Tap::Output)) => steps(Self::BLOCKS)[i].name().to_string(),
                    Some((_, Tap::BeforeRelu)) => name.to_string(),
                })
            }

            fn forward_to<T: Tape<f32, Cpu>>(&self, x: Activation<T>, layer: &str, relu: ReluGrad) -> Result<Activation<T>> {
                let _ids = crate::nn::id_guard();
                let (end, tap) = self.position(layer)?.map_or((0, Tap::Output), |(i, t)| (i + 1, t));
                check_input(&x, 3, 32, $title)?;
                let mut x = x;
                for (i, step) in steps(Self::BLOCKS)[..end].iter().enumerate() {
                    x = if i + 1 == end && tap == Tap::BeforeRelu {
                        self.before_relu(step, x)?
                    } else {
                        self.step(step, x, relu)?
                    };
                }
                Ok(x)
            }

            fn forward_from<T: Tape<f32, Cpu>>(&self, a: Activation<T>, layer: &str, relu: ReluGrad) -> Result<Logits<T>> {
                let _ids = crate::nn::id_guard();
                let (start, tap) = self.position(layer)?.map_or((0, Tap::Output), |(i, t)| (i + 1, t));
                if start == 0 {
                    check_input(&a, 3, 32, $title)?;
                }
                let mut a = match tap {
                    Tap::BeforeRelu => crate::nn::relu(a, relu)?,
                    Tap::Output => a,
                };
                for step in &steps(Self::BLOCKS)[start..] {
                    a = self.step(step, a, relu)?;
                }
                to_logits(a)
            }

            fn randomize_layer(&mut self, layer: &str, seed: u64) -> Result<()> {
                let index = self.position(layer)?.map(|(i, _)| i);
                let key = index.and_then(|i| steps(Self::BLOCKS)[i].info().key).filter(|_| {
                    index.is_some_and(|i| steps(Self::BLOCKS)[i].info().params > 0)
                });
                let Some(key) = key else {
                    return Err(Error::invalid("layer", format!("`{layer}` has no weights to randomise")));
                };
                let mut r = rng(seed);
                let prefix = format!("{key}.");
                let mut params: Vec<(String, &mut dyn Param)> =
                    self.params_mut().into_iter().filter(|(k, _)| k.starts_with(&prefix)).collect();
                let fan_in: usize = params[0].1.dims()[1..].iter().product();
                for (_, p) in params.iter_mut() {
                    reinit_param(*p, fan_in, &mut r);
                }
                Ok(())
            }
        }

        impl std::fmt::Display for $Name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", layer_table($title, self.input_shape(), &self.layers()))
            }
        }
    };
}

fn reinit_param(p: &mut dyn Param, fan_in: usize, r: &mut rand::rngs::StdRng) {
    let n: usize = p.dims().iter().product();
    let mut t: Tensor<(usize,), f32, Cpu> = Cpu::default().zeros_like(&(n,));
    reinit(&mut t, fan_in, r);
    p.set_values(&t.as_vec());
}

vgg!(
    /// VGG11 ("configuration A"), torchvision layout; 132,863,336 parameters. See the module docs.
    Vgg11, "VGG11", "timm/vgg11.tv_in1k", blocks: [[64], [128], [256, 256], [512, 512], [512, 512]],
    convs: [
        conv1_1 = 0: 3 => 64, conv2_1 = 3: 64 => 128, conv3_1 = 6: 128 => 256, conv3_2 = 8: 256 => 256,
        conv4_1 = 11: 256 => 512, conv4_2 = 13: 512 => 512, conv5_1 = 16: 512 => 512, conv5_2 = 18: 512 => 512,
    ]
);

vgg!(
    /// VGG13 ("configuration B"), torchvision layout; 133,047,848 parameters. See the module docs.
    Vgg13, "VGG13", "timm/vgg13.tv_in1k", blocks: [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
    convs: [
        conv1_1 = 0: 3 => 64, conv1_2 = 2: 64 => 64, conv2_1 = 5: 64 => 128, conv2_2 = 7: 128 => 128,
        conv3_1 = 10: 128 => 256, conv3_2 = 12: 256 => 256, conv4_1 = 15: 256 => 512, conv4_2 = 17: 512 => 512,
        conv5_1 = 20: 512 => 512, conv5_2 = 22: 512 => 512,
    ]
);

vgg!(
    /// VGG16 ("configuration D"), torchvision layout; 138,357,544 parameters.
    ///
    /// Layers: `conv1_1` … `conv5_3` (after ReLU), `pool1` … `pool5`, `avgpool`, `fc6`, `fc7`,
    /// `fc8` (logits). See the module docs for tap points and checkpoint names.
    ///
    /// # Example
    /// ```no_run
    /// use glassbox::{data, top_k, Explain, Vgg16};
    /// // torchvision's file, as downloaded (safetensors files load the same way).
    /// let vgg = Vgg16::load("vgg16-397923af.pth")?;
    /// let x = data::Preprocess::default().apply(&data::photo(data::Photo::Cat)?)?;
    /// println!("{}", top_k(&vgg.forward(x)?, 5)?);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    Vgg16, "VGG16", "timm/vgg16.tv_in1k", blocks: [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]],
    convs: [
        conv1_1 = 0: 3 => 64, conv1_2 = 2: 64 => 64, conv2_1 = 5: 64 => 128, conv2_2 = 7: 128 => 128,
        conv3_1 = 10: 128 => 256, conv3_2 = 12: 256 => 256, conv3_3 = 14: 256 => 256,
        conv4_1 = 17: 256 => 512, conv4_2 = 19: 512 => 512, conv4_3 = 21: 512 => 512,
        conv5_1 = 24: 512 => 512, conv5_2 = 26: 512 => 512, conv5_3 = 28: 512 => 512,
    ]
);

vgg!(
    /// VGG19 ("configuration E"), torchvision layout; 143,667,240 parameters. See the module docs.
    Vgg19, "VGG19", "timm/vgg19.tv_in1k", blocks: [[64, 64], [128, 128], [256, 256, 256, 256], [512, 512, 512, 512], [512, 512, 512, 512]],
    convs: [
        conv1_1 = 0: 3 => 64, conv1_2 = 2: 64 => 64, conv2_1 = 5: 64 => 128, conv2_2 = 7: 128 => 128,
        conv3_1 = 10: 128 => 256, conv3_2 = 12: 256 => 256, conv3_3 = 14: 256 => 256, conv3_4 = 16: 256 => 256,
        conv4_1 = 19: 256 => 512, conv4_2 = 21: 512 => 512, conv4_3 = 23: 512 => 512, conv4_4 = 25: 512 => 512,
        conv5_1 = 28: 512 => 512, conv5_2 = 30: 512 => 512, conv5_3 = 32: 512 => 512, conv5_4 = 34: 512 => 512,
    ]
);
