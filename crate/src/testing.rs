//! Tiny models with hand-set weights, for doctests, tests and trying methods without a download.
//!
//! Each is a [`ToyNet`]: a short chain of named stages (convolution written as the dense matrix
//! it is for one input size, ReLU, global average pool, linear). Small enough to check every
//! number by hand, and a complete [`Explain`] model, so every glassbox method runs on it.
//!
//! - [`one_conv_net`]: Captum's `BasicModel_ConvNet_One_Conv` (its `tests/helpers/basic_models.py`) — the known
//!   Grad-CAM answer `[[11.25, 13.5], [20.25, 22.5]]`.
//! - [`gap_net`]: conv → ReLU → global average pool → linear, the head CAM needs.
//! - [`linear_net`]: `f(x) = W·x + b`, whose attributions have closed forms.

use dfdx::prelude::*;
use rand::{Rng, SeedableRng};

use crate::attribution::pipeline::{check_layer, tensor};
use crate::models::INPUT;
use crate::{
    models::{GapHead, LayerInfo},
    Activation, Error, Explain, Logits, ReluGrad, Result,
};

/// One stage of a [`ToyNet`].
#[derive(Clone, Debug)]
enum Stage {
    /// `y = x·M + b` on the flattened input; `out` is the `[C, H, W]` it is reshaped to.
    Affine {
        matrix: Vec<f32>,
        bias: Vec<f32>,
        kind: String,
        /// Conv weights `[Co, Ci, k, k]` and padding when the stage is a convolution.
        conv: Option<(Vec<f32>, [usize; 4], usize)>,
    },
    Relu,
    GlobalAvgPool,
}

/// A small named-stage network for tests (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct ToyNet {
    name: String,
    input: [usize; 3],
    stages: Vec<(String, Stage, [usize; 3])>,
}

impl ToyNet {
    /// An empty network taking `[C, H, W]` inputs; add stages with the builder methods.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing::ToyNet, Explain};
    /// let net = ToyNet::new("tiny", [1, 3, 3])
    ///     .conv("conv", &[1.0; 4], &[0.0], 1, 2, 0)?   // 1→1 channel, 2×2 kernel: 2×2 output
    ///     .relu("relu")
    ///     .linear("fc", &[1.0, -1.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5], &[0.0, 0.0])?;
    /// assert_eq!(net.num_classes(), 2);
    /// assert_eq!(net.layers()[0].out_shape, [1, 2, 2]);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn new(name: &str, input: [usize; 3]) -> Self {
        Self {
            name: name.into(),
            input,
            stages: Vec::new(),
        }
    }

    fn last_shape(&self) -> [usize; 3] {
        self.stages.last().map_or(self.input, |s| s.2)
    }

    /// Appends a stride-1 convolution: `weight` is `[out, in, k, k]` row-major (PyTorch layout),
    /// `bias` has `out` values, `pad` zero-padding on each side.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when the sizes do not fit.
    pub fn conv(
        mut self,
        name: &str,
        weight: &[f32],
        bias: &[f32],
        co: usize,
        k: usize,
        pad: usize,
    ) -> Result<Self> {
        let [ci, h, w] = self.last_shape();
        if k == 0
            || weight.len() != co * ci * k * k
            || bias.len() != co
            || h + 2 * pad < k
            || w + 2 * pad < k
        {
            return Err(Error::invalid(
                "weight",
                format!("conv `{name}`: {} weights and {} biases do not fit {co}×{ci}×{k}×{k} on {h}×{w}", weight.len(), bias.len()),
            ));
        }
        let (oh, ow) = (h + 2 * pad + 1 - k, w + 2 * pad + 1 - k);
        let (n_in, n_out) = (ci * h * w, co * oh * ow);
        let mut m = vec![0.0; n_in * n_out];
        for o in 0..co {
            for (oy, ox) in (0..oh).flat_map(|y| (0..ow).map(move |x| (y, x))) {
                let col = (o * oh + oy) * ow + ox;
                for (c, ky, kx) in
                    (0..ci).flat_map(|c| (0..k).flat_map(move |y| (0..k).map(move |x| (c, y, x))))
                {
                    let (y, x) = (
                        (oy + ky) as isize - pad as isize,
                        (ox + kx) as isize - pad as isize,
                    );
                    if y >= 0 && x >= 0 && (y as usize) < h && (x as usize) < w {
                        let row = (c * h + y as usize) * w + x as usize;
                        m[row * n_out + col] = weight[((o * ci + c) * k + ky) * k + kx];
                    }
                }
            }
        }
        let full_bias = (0..n_out).map(|i| bias[i / (oh * ow)]).collect();
        let kind = format!("Conv2d {k}×{k}, {ci}→{co}, pad {pad}");
        let stage = Stage::Affine {
            matrix: m,
            bias: full_bias,
            kind,
            conv: Some((weight.to_vec(), [co, ci, k, k], pad)),
        };
        self.stages.push((name.into(), stage, [co, oh, ow]));
        Ok(self)
    }

    /// Appends a linear layer on the flattened input: `weight` is `[out, in]` row-major (PyTorch
    /// layout), `bias` has `out` values.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when the sizes do not fit.
    pub fn linear(mut self, name: &str, weight: &[f32], bias: &[f32]) -> Result<Self> {
        let n_in: usize = self.last_shape().iter().product();
        let n_out = bias.len();
        if n_out == 0 || weight.len() != n_out * n_in {
            return Err(Error::invalid(
                "weight",
                format!(
                    "linear `{name}`: {} weights for {n_out} outputs × {n_in} inputs",
                    weight.len()
                ),
            ));
        }
        let mut m = vec![0.0; n_in * n_out];
        for o in 0..n_out {
            for i in 0..n_in {
                m[i * n_out + o] = weight[o * n_in + i];
            }
        }
        let kind = format!("Linear {n_in}→{n_out}");
        let stage = Stage::Affine {
            matrix: m,
            bias: bias.to_vec(),
            kind,
            conv: None,
        };
        self.stages.push((name.into(), stage, [n_out, 1, 1]));
        Ok(self)
    }

    /// Appends a ReLU (standard or guided backward, as the method asks).
    pub fn relu(mut self, name: &str) -> Self {
        let s = self.last_shape();
        self.stages.push((name.into(), Stage::Relu, s));
        self
    }

    /// Appends a global average pool, `[C, H, W] → [C, 1, 1]`.
    pub fn global_avg_pool(mut self, name: &str) -> Self {
        let [c, ..] = self.last_shape();
        self.stages
            .push((name.into(), Stage::GlobalAvgPool, [c, 1, 1]));
        self
    }

    fn index(&self, layer: &str) -> Result<usize> {
        check_layer(self, layer)?;
        Ok(if layer == INPUT {
            0
        } else {
            1 + self.stages.iter().position(|s| s.0 == layer).unwrap_or(0)
        })
    }

    fn run<T: Tape<f32, Cpu>>(
        &self,
        mut x: Activation<T>,
        from: usize,
        to: usize,
        relu: ReluGrad,
    ) -> Result<Activation<T>> {
        for (_, stage, out) in &self.stages[from..to] {
            let b = x.shape().0;
            x = match stage {
                Stage::Affine { matrix, bias, .. } => {
                    let n_in = x.shape().1 * x.shape().2 * x.shape().3;
                    let n_out = bias.len();
                    let dev = Cpu::default();
                    let m = dev.tensor_from_vec(matrix.clone(), (n_in, n_out));
                    let bias = dev.tensor_from_vec(bias.clone(), (n_out,));
                    let y = x.reshape_like(&(b, n_in)).matmul(m)
                        + bias.broadcast_like::<_, Axis<0>>(&(b, n_out));
                    y.reshape_like(&(b, out[0], out[1], out[2]))
                }
                Stage::Relu => crate::nn::relu(x, relu)?,
                Stage::GlobalAvgPool => {
                    let c = x.shape().1;
                    x.mean::<(usize, usize), Axes2<2, 3>>()
                        .reshape_like(&(b, c, 1, 1))
                }
            };
        }
        Ok(x)
    }
}

impl Explain for ToyNet {
    fn name(&self) -> &str {
        &self.name
    }

    fn input_shape(&self) -> [usize; 3] {
        self.input
    }

    fn num_classes(&self) -> usize {
        self.last_shape()[0]
    }

    fn layers(&self) -> Vec<LayerInfo> {
        self.stages
            .iter()
            .map(|(name, stage, out)| {
                let (kind, params) = match stage {
                    Stage::Affine {
                        kind,
                        bias,
                        conv,
                        matrix,
                        ..
                    } => {
                        let params = conv.as_ref().map_or(matrix.len(), |c| c.0.len())
                            + bias.len() / (out[1] * out[2]);
                        (kind.clone(), params)
                    }
                    Stage::Relu => ("ReLU".into(), 0),
                    Stage::GlobalAvgPool => ("Global average pool".into(), 0),
                };
                LayerInfo {
                    name: name.clone(),
                    key: None,
                    kind,
                    group: None,
                    out_shape: *out,
                    params,
                }
            })
            .collect()
    }

    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Activation<T>> {
        let _ids = crate::nn::id_guard();
        let (b, c, h, w) = *x.shape();
        if [c, h, w] != self.input {
            let [ec, eh, ew] = self.input;
            return Err(Error::shape(
                "input",
                format!("[B, {ec}, {eh}, {ew}]"),
                &[b, c, h, w],
            ));
        }
        let to = self.index(layer)?;
        self.run(x, 0, to, relu)
    }

    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Logits<T>> {
        let _ids = crate::nn::id_guard();
        let from = self.index(layer)?;
        let (b, c, h, w) = *a.shape();
        let expected = if from == 0 {
            self.input
        } else {
            self.stages[from - 1].2
        };
        if [c, h, w] != expected {
            let [ec, eh, ew] = expected;
            return Err(Error::shape(
                if from == 0 {
                    "input".to_string()
                } else {
                    format!("activation of `{layer}`")
                },
                format!("[B, {ec}, {eh}, {ew}]"),
                &[b, c, h, w],
            ));
        }
        let out = self.run(a, from, self.stages.len(), relu)?;
        let k = self.num_classes();
        Ok(out.reshape_like(&(b, k)))
    }

    fn gap_head(&self) -> Option<GapHead> {
        let n = self.stages.len();
        if n < 3 {
            return None;
        }
        match (&self.stages[n - 2].1, &self.stages[n - 1].1) {
            (
                Stage::GlobalAvgPool,
                Stage::Affine {
                    matrix,
                    bias,
                    conv: None,
                    ..
                },
            ) => {
                let channels = self.stages[n - 2].2[0];
                let k = bias.len();
                let weight = (0..k * channels)
                    .map(|i| matrix[(i % channels) * k + i / channels])
                    .collect();
                Some(GapHead {
                    layer: self.stages[n - 3].0.clone(),
                    weight,
                    bias: bias.clone(),
                    channels,
                })
            }
            _ => None,
        }
    }

    fn randomize_layer(&mut self, layer: &str, seed: u64) -> Result<()> {
        let i = self.index(layer)?;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        match self.stages.get_mut(i.wrapping_sub(1)) {
            Some((_, Stage::Affine { matrix, bias, .. }, _)) => {
                matrix
                    .iter_mut()
                    .filter(|v| **v != 0.0)
                    .for_each(|v| *v = rng.gen_range(-1.0..1.0));
                bias.iter_mut().for_each(|v| *v = rng.gen_range(-0.1..0.1));
                Ok(())
            }
            _ => Err(Error::invalid(
                "layer",
                format!("`{layer}` has no weights to randomise"),
            )),
        }
    }
}

/// Captum's one-conv test model (`BasicModel_ConvNet_One_Conv`, whose Grad-CAM Captum's own
/// tests check): conv 1→2 (3×3, weights 1, biases −50 and −75) → ReLU → flatten → linear 8→4 (rows `[1,1,1,1,1,−1,−1,−1]`, bias 0) → ReLU.
///
/// Layers (Captum's names): `conv1`, `relu1`, `fc1`, `relu2` — the logits are the output of
/// this final ReLU, as in Captum's model. Input `[1, 4, 4]`; see [`one_conv_input`].
pub fn one_conv_net() -> ToyNet {
    let row = [1.0, 1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0];
    let fc: Vec<f32> = (0..4).flat_map(|_| row).collect();
    let net = ToyNet::new("OneConvNet", [1, 4, 4])
        .conv("conv1", &[1.0; 18], &[-50.0, -75.0], 2, 3, 0)
        .and_then(|n| n.relu("relu1").linear("fc1", &fc, &[0.0; 4]));
    net.expect("fixed sizes fit").relu("relu2")
}

/// The input of Captum's test: `0, 1, …, 15` as one `[1, 1, 4, 4]` image.
pub fn one_conv_input() -> Activation {
    tensor((0..16).map(|v| v as f32).collect(), [1, 1, 4, 4])
}

/// A GAP-headed toy CNN: conv 1→3 (3×3, pad 1, seeded weights) → ReLU → GAP → linear 3→4.
///
/// Layers: `conv`, `relu`, `gap`, `fc`; input `[1, 6, 6]`; [`Explain::gap_head`] returns the
/// `fc` weights with layer `relu`, so CAM applies.
pub fn gap_net() -> ToyNet {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let conv: Vec<f32> = (0..27).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let fc: Vec<f32> = (0..12).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let net = ToyNet::new("GapNet", [1, 6, 6])
        .conv("conv", &conv, &[0.1, -0.1, 0.2], 3, 3, 1)
        .map(|n| n.relu("relu").global_avg_pool("gap"))
        .and_then(|n| n.linear("fc", &fc, &[0.5, -0.5, 0.0, 0.25]));
    net.expect("fixed sizes fit")
}

/// A linear classifier `f(x) = W·x + b` on `[C, H, W]` inputs; `weight` is `[classes, C·H·W]`.
///
/// Its one layer is `fc` (the logits as `[B, K, 1, 1]`).
///
/// # Errors
/// [`crate::ErrorKind::InvalidArgument`] when `weight` is not `bias.len() × C·H·W`.
pub fn linear_net(weight: &[f32], bias: Vec<f32>, input: [usize; 3]) -> Result<ToyNet> {
    ToyNet::new("LinearNet", input).linear("fc", weight, &bias)
}

/// A deterministic `[B, C, H, W]` batch of values in `[0, 1)` (seeded).
pub fn random_input(shape: [usize; 4], seed: u64) -> Activation {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    tensor(
        (0..shape.iter().product())
            .map(|_| rng.gen::<f32>())
            .collect(),
        shape,
    )
}

/// The values of a tensor, row-major (a convenience for tests).
pub fn values(t: &Activation) -> Vec<f32> {
    t.as_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_conv_net_computes_captums_logits() {
        let net = one_conv_net();
        // conv: windows sum 45, 54, 81, 90 → ch0 −5, 4, 31, 40; ch1 −30, −21, 6, 15
        let a = net
            .forward_to(one_conv_input(), "conv1", ReluGrad::Standard)
            .unwrap();
        assert_eq!(
            a.as_vec(),
            vec![-5.0, 4.0, 31.0, 40.0, -30.0, -21.0, 6.0, 15.0]
        );
        // relu → [0,4,31,40,0,0,6,15]; fc row = 4+31+40 +0 −0 −6 −15 = 54 (first five +, last three −)
        let logits = net.forward(one_conv_input()).unwrap().as_vec();
        assert_eq!(logits, vec![54.0; 4]);
    }

    #[test]
    fn gap_head_reads_the_linear_weights() {
        let net = gap_net();
        let head = net.gap_head().unwrap();
        assert_eq!(
            (head.layer.as_str(), head.channels, head.bias.len()),
            ("relu", 3, 4)
        );
        let x = random_input([1, 1, 6, 6], 1);
        let pooled = net
            .forward_to(x.clone(), "gap", ReluGrad::Standard)
            .unwrap()
            .as_vec();
        let logits = net.forward(x).unwrap().as_vec();
        for (c, logit) in logits.iter().enumerate() {
            let s: f32 = (0..3)
                .map(|k| head.weight[c * 3 + k] * pooled[k])
                .sum::<f32>()
                + head.bias[c];
            assert!((s - logit).abs() < 1e-5);
        }
        assert!(one_conv_net().gap_head().is_none());
    }

    #[test]
    fn bad_shapes_and_layers_are_errors() {
        let net = one_conv_net();
        let e = net.forward(random_input([1, 1, 5, 5], 0)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`input` has shape [1, 1, 5, 5], expected [B, 1, 4, 4]"
        );
        let e = net
            .forward_to(one_conv_input(), "conv9", ReluGrad::Standard)
            .unwrap_err();
        assert!(e.to_string().contains("no layer `conv9`"));
        assert!(linear_net(&[1.0; 3], vec![0.0], [1, 2, 2]).is_err());
    }

    #[test]
    fn randomize_changes_only_that_layer() {
        let mut net = gap_net();
        let x = random_input([1, 1, 6, 6], 2);
        let before = net
            .forward_to(x.clone(), "gap", ReluGrad::Standard)
            .unwrap()
            .as_vec();
        net.randomize_layer("fc", 1).unwrap();
        assert_eq!(
            net.forward_to(x, "gap", ReluGrad::Standard)
                .unwrap()
                .as_vec(),
            before
        );
        assert!(net.randomize_layer("relu", 1).is_err());
    }
}
