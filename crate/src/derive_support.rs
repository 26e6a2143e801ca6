//! What `#[derive(Explain)]` expands to: the generated code names only these items, so the
//! derive keeps working however glassbox's modules are arranged. Not a public API.

pub use dfdx::nn::tensor_collection::{ModuleVisitor, TensorCollection};
pub use dfdx::nn::BuildOnDevice;
pub use dfdx::prelude::{Cpu, Device, Dtype, Tape};

pub use crate::models::INPUT;
pub use crate::Result;

use dfdx::nn::NumParams;
use dfdx::prelude::HasShape;

pub use crate::models::Layer;
use crate::{
    models::{GapHead, LayerInfo},
    Activation, Error, Logits, ReluGrad,
};

/// Keeps dfdx's tensor ids in step across notebook cells while generated code runs.
pub struct Ids(#[allow(dead_code)] crate::nn::tensor_ids::IdGuard);

pub fn id_guard() -> Ids {
    Ids(crate::nn::id_guard())
}

/// A field's value as its declared type. dfdx hands fields back typed for "any dtype and
/// device"; a derived model is f32 on the CPU, where the two types are the same.
/// Compiles only for a layer type: the derive checks each field with it, so a field that is
/// not a layer is reported at the field, with [`Layer`]'s note on what to write.
pub fn assert_layer<L: Layer>() {}

pub fn same_type<A: 'static, B: 'static>(a: A) -> B {
    match (Box::new(a) as Box<dyn std::any::Any>).downcast::<B>() {
        Ok(b) => *b,
        Err(_) => panic!(
            "a #[derive(Explain)] model is f32 on the CPU; dfdx's dtype/device conversion \
             (to_dtype, to_device) does not apply to it"
        ),
    }
}

/// One forward step, with the field's ReLU when it has `#[explain(relu)]`.
pub fn step<L: Layer, T: Tape<f32, Cpu>>(
    layer: &L,
    x: Activation<T>,
    mode: ReluGrad,
    relu: bool,
) -> Result<Activation<T>> {
    if relu {
        layer.apply_relu(x, mode)
    } else {
        layer.apply(x, mode)
    }
}

/// Checks a model input: `[B ≥ 1, channels, H, W]`, finite.
pub fn check_input<T>(x: &Activation<T>, channels: usize, model: &str) -> Result<()> {
    crate::models::check_input(x, channels, 1, model)
}

/// `[B, classes, 1, 1]` → `[B, classes]`, checking the width.
pub fn to_logits<T: Tape<f32, Cpu>>(
    a: Activation<T>,
    classes: usize,
    model: &str,
) -> Result<Logits<T>> {
    let (b, n, h, w) = *a.shape();
    if n * h * w != classes {
        return Err(Error::shape(
            format!("{model} output (its last layer)"),
            format!("[B, {classes}] logits, as #[explain(classes = {classes})] declares"),
            &[b, n, h, w],
        ));
    }
    crate::models::to_logits(a)
}

pub fn unknown_layer(name: &str, layers: &[&str]) -> Error {
    Error::unknown_layer(name, layers.iter().map(|s| s.to_string()).collect())
}

pub fn no_weights(layer: &str) -> Error {
    Error::invalid("layer", format!("`{layer}` has no weights to randomise"))
}

/// Re-initialises one layer, or says it has no weights.
pub fn randomize<L: Layer>(layer: &mut L, name: &str, seed: u64) -> Result<()> {
    if layer.randomize(seed) {
        Ok(())
    } else {
        Err(no_weights(name))
    }
}

/// CAM's head when `pool` is a global average pool and `fc` a linear layer.
pub fn gap_head<P: Layer, F: Layer>(pool: &P, fc: &F, maps: &str) -> Option<GapHead> {
    if !pool.is_global_pool() {
        return None;
    }
    let (weight, bias) = fc.linear_weights()?;
    Some(GapHead {
        layer: maps.to_string(),
        channels: weight.len() / bias.len().max(1),
        weight,
        bias,
    })
}

/// Measures each layer's output shape with one forward pass of a zero image at the declared
/// input shape (a layer the declared shape cannot reach reports `[0, 0, 0]`).
pub struct Probe {
    x: Option<Activation>,
    layers: Vec<LayerInfo>,
    _ids: Ids,
}

impl Probe {
    pub fn new([c, h, w]: [usize; 3]) -> Self {
        let _ids = id_guard();
        let x = dfdx::prelude::ZerosTensor::try_zeros_like(&Cpu::default(), &(1, c, h, w)).ok();
        Self {
            x,
            layers: Vec::new(),
            _ids,
        }
    }

    pub fn layer<L: Layer + NumParams<f32, Cpu>>(
        &mut self,
        layer: &L,
        name: &str,
        key: &str,
        relu: bool,
    ) {
        self.x = self
            .x
            .take()
            .and_then(|x| step(layer, x, ReluGrad::Standard, relu).ok());
        let out_shape = self.x.as_ref().map_or([0; 3], |x| {
            let (_, c, h, w) = *x.shape();
            [c, h, w]
        });
        let params = layer.num_trainable_params();
        let kind = layer.describe();
        self.layers.push(LayerInfo {
            name: name.to_string(),
            key: (params > 0).then(|| key.to_string()),
            kind: if relu { format!("{kind} + ReLU") } else { kind },
            group: None,
            out_shape,
            params,
        });
    }

    pub fn finish(self) -> Vec<LayerInfo> {
        self.layers
    }
}
