//! A linear [`Explain`] model with hand-set weights, for known-answer tests of the tabular
//! attributions: `logits = x · Wᵀ + b` on `[B, F, 1, 1]` inputs.

use dfdx::prelude::*;

use crate::{models::LayerInfo, Activation, Error, Explain, Logits, ReluGrad};

type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) struct LinearModel {
    /// `[C, F]` row-major.
    weight: Vec<f32>,
    bias: Vec<f32>,
    pub dev: Cpu,
}

impl LinearModel {
    pub fn new(weight: Vec<f32>, bias: Vec<f32>) -> Self {
        Self {
            weight,
            bias,
            dev: Cpu::default(),
        }
    }
    fn features(&self) -> usize {
        self.weight.len() / self.bias.len()
    }
}

impl Explain for LinearModel {
    fn name(&self) -> &str {
        "LinearModel"
    }
    fn input_shape(&self) -> [usize; 3] {
        [self.features(), 1, 1]
    }
    fn num_classes(&self) -> usize {
        self.bias.len()
    }
    fn layers(&self) -> Vec<LayerInfo> {
        Vec::new()
    }
    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        _: ReluGrad,
    ) -> Result<Activation<T>> {
        match layer {
            "input" => Ok(x),
            _ => Err(Error::unknown_layer(layer, vec![])),
        }
    }
    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        _: &str,
        _: ReluGrad,
    ) -> Result<Logits<T>> {
        let (b, f, _, _) = *a.shape();
        let c = self.bias.len();
        let w: Tensor<(usize, usize), f32, Cpu> =
            self.dev.tensor_from_vec(self.weight.clone(), (c, f));
        let bias: Tensor<(usize, usize), f32, Cpu> = self
            .dev
            .tensor_from_vec((0..b).flat_map(|_| self.bias.clone()).collect(), (b, c));
        let logits = a
            .reshape_like(&(b, f))
            .try_matmul(w.permute::<_, dfdx::shapes::Axes2<1, 0>>())
            .map_err(|e| Error::unsupported(format!("{e:?}")))?;
        Ok(logits + bias)
    }
}

/// A two-layer ReLU network `relu(x·W1ᵀ + b1)·W2ᵀ + b2` with hand-set weights (row-major
/// `W1 [H, F]`, `W2 [C, H]`), matching the Captum fixture's `nn.Sequential`.
pub(crate) struct TinyMlp {
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    pub w2: Vec<f32>,
    pub b2: Vec<f32>,
    pub dev: Cpu,
}

impl TinyMlp {
    fn dense<T: Tape<f32, Cpu>>(
        &self,
        x: Tensor<(usize, usize), f32, Cpu, T>,
        w: &[f32],
        b: &[f32],
    ) -> Result<Tensor<(usize, usize), f32, Cpu, T>> {
        let (rows, inputs) = *x.shape();
        let out = b.len();
        let w: Tensor<(usize, usize), f32, Cpu> =
            self.dev.tensor_from_vec(w.to_vec(), (out, inputs));
        let bias: Tensor<(usize, usize), f32, Cpu> = self
            .dev
            .tensor_from_vec((0..rows).flat_map(|_| b.to_vec()).collect(), (rows, out));
        let y = x
            .try_matmul(w.permute::<_, dfdx::shapes::Axes2<1, 0>>())
            .map_err(|e| Error::unsupported(format!("{e:?}")))?;
        Ok(y + bias)
    }
}

impl Explain for TinyMlp {
    fn name(&self) -> &str {
        "TinyMlp"
    }
    fn input_shape(&self) -> [usize; 3] {
        [self.w1.len() / self.b1.len(), 1, 1]
    }
    fn num_classes(&self) -> usize {
        self.b2.len()
    }
    fn layers(&self) -> Vec<LayerInfo> {
        Vec::new()
    }
    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        _: ReluGrad,
    ) -> Result<Activation<T>> {
        match layer {
            "input" => Ok(x),
            _ => Err(Error::unknown_layer(layer, vec![])),
        }
    }
    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        _: &str,
        _: ReluGrad,
    ) -> Result<Logits<T>> {
        let (b, f, _, _) = *a.shape();
        let h = self
            .dense(a.reshape_like(&(b, f)), &self.w1, &self.b1)?
            .relu();
        self.dense(h, &self.w2, &self.b2)
    }
}
