//! `#[derive(Explain)]`: a derived struct with `MnistNet`'s architecture, loaded from
//! `MnistNet`'s weights, gives bit-identical logits and maps; the generated layer table, CAM
//! head, randomisation, checkpoint keys and dfdx training all work.

use dfdx::optim::{Adam, AdamConfig};
use dfdx::prelude::*;
use glassbox::models::{Layer, Linear, Relu};
use glassbox::{
    nn::{Conv2d, GlobalAvgPool, MaxPool2d},
    Activation, Cam, ErrorKind, Explain, GradCam, GuidedBackprop, MnistNet, ReluGrad, Saliency,
    Target,
};

/// MnistNet's architecture in eleven lines.
#[derive(Explain, Clone, Debug)]
#[explain(input = [1, 28, 28], classes = 10)]
struct Twin {
    #[explain(relu)]
    conv1: Conv2d<1, 16, 3, 1, 1>,
    pool1: MaxPool2d<2, 2>,
    #[explain(relu)]
    conv2: Conv2d<16, 32, 3, 1, 1>,
    pool2: MaxPool2d<2, 2>,
    #[explain(relu)]
    conv3: Conv2d<32, 64, 3, 1, 1>,
    gap: GlobalAvgPool,
    fc: Linear<64, 10>,
}

/// The same with separate ReLU layers, custom names and keys, and a skipped field.
#[derive(Explain, Clone, Debug)]
#[explain(input = [1, 28, 28], classes = 10, name = "Spelled out")]
struct Spelled {
    #[explain(key = "conv1")]
    c1: Conv2d<1, 16, 3, 1, 1>,
    r1: Relu,
    p1: MaxPool2d<2, 2>,
    #[explain(key = "conv2")]
    c2: Conv2d<16, 32, 3, 1, 1>,
    r2: Relu,
    p2: MaxPool2d<2, 2>,
    #[explain(key = "conv3")]
    c3: Conv2d<32, 64, 3, 1, 1>,
    #[explain(name = "maps")]
    r3: Relu,
    gap: GlobalAvgPool,
    #[explain(key = "fc")]
    fc: Linear<64, 10>,
    #[explain(skip)]
    note: String,
}

fn weights_file() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "glassbox-derive-{}.safetensors",
        std::process::id()
    ));
    MnistNet::pretrained().unwrap().save(&path).unwrap();
    path
}

fn digits() -> Activation {
    glassbox::data::mnist().unwrap().test.images(0..6).unwrap()
}

#[test]
fn a_derived_mnist_net_is_bit_identical_to_mnist_net() {
    let net = MnistNet::pretrained().unwrap();
    let mut twin = Cpu::default().build_module::<Twin, f32>();
    let report = glassbox::models::load_safetensors(&mut twin, weights_file(), &[]).unwrap();
    assert!(
        report.missing.is_empty() && report.unused.is_empty(),
        "{report:?}"
    );
    let x = digits();
    assert_eq!(
        twin.forward(x.clone()).unwrap().as_vec(),
        net.forward(x.clone()).unwrap().as_vec()
    );
    let same =
        |a: glassbox::Attribution, b: glassbox::Attribution| assert_eq!(a.values(), b.values());
    let t = || Target::Predicted;
    same(
        Saliency::new(&twin).explain(&x, t()).unwrap(),
        Saliency::new(&net).explain(&x, t()).unwrap(),
    );
    same(
        GradCam::new(&twin, "conv3").explain(&x, t()).unwrap(),
        GradCam::new(&net, "conv3").explain(&x, t()).unwrap(),
    );
    same(
        GuidedBackprop::new(&twin).explain(&x, t()).unwrap(),
        GuidedBackprop::new(&net).explain(&x, t()).unwrap(),
    );
    same(
        Cam::new(&twin).unwrap().explain(&x, t()).unwrap(),
        Cam::new(&net).unwrap().explain(&x, t()).unwrap(),
    );
    // The generated layer table is MnistNet's hand-written one (less its display groups).
    let strip = |mut l: glassbox::models::LayerInfo| {
        l.group = None;
        l
    };
    let ours: Vec<_> = twin.layers().into_iter().map(strip).collect();
    let theirs: Vec<_> = net.layers().into_iter().map(strip).collect();
    assert_eq!(ours, theirs);
    assert_eq!(twin.gap_head(), net.gap_head());
    assert_eq!(
        (twin.name(), twin.input_shape(), twin.num_classes()),
        ("Twin", [1, 28, 28], 10)
    );
}

#[test]
fn separate_relu_layers_names_keys_and_skipped_fields() {
    let net = MnistNet::pretrained().unwrap();
    let mut spelled = Cpu::default().build_module::<Spelled, f32>();
    assert_eq!(spelled.note, "");
    let report = glassbox::models::load_safetensors(&mut spelled, weights_file(), &[]).unwrap();
    assert!(
        report.missing.is_empty() && report.unused.is_empty(),
        "{report:?}"
    );
    let x = digits();
    assert_eq!(
        spelled.forward(x.clone()).unwrap().as_vec(),
        net.forward(x.clone()).unwrap().as_vec()
    );
    // `maps` (after the third ReLU) is MnistNet's `conv3`, and `Relu` honours Guided Backprop.
    let a = spelled
        .forward_to(x.clone(), "maps", ReluGrad::Standard)
        .unwrap();
    let b = net
        .forward_to(x.clone(), "conv3", ReluGrad::Standard)
        .unwrap();
    assert_eq!(a.as_vec(), b.as_vec());
    assert_eq!(
        GuidedBackprop::new(&spelled)
            .explain(&x, Target::Class(3))
            .unwrap()
            .values(),
        GuidedBackprop::new(&net)
            .explain(&x, Target::Class(3))
            .unwrap()
            .values()
    );
    assert_eq!(spelled.gap_head().unwrap().layer, "maps");
    let names: Vec<String> = spelled.layers().into_iter().map(|l| l.name).collect();
    assert_eq!(
        names,
        ["c1", "r1", "p1", "c2", "r2", "p2", "c3", "maps", "gap", "fc"]
    );
    assert_eq!(spelled.name(), "Spelled out");
    assert_eq!(spelled.layers()[0].key.as_deref(), Some("conv1"));
    assert_eq!(spelled.layers()[1].key, None);
}

#[test]
fn split_forward_randomize_and_errors() {
    let mut twin = Cpu::default().build_module::<Twin, f32>();
    glassbox::models::load_safetensors(&mut twin, weights_file(), &[]).unwrap();
    let x = digits();
    let whole = twin.forward(x.clone()).unwrap().as_vec();
    for layer in ["input", "conv1", "pool1", "conv3", "gap", "fc"] {
        let a = twin
            .forward_to(x.clone(), layer, ReluGrad::Standard)
            .unwrap();
        assert_eq!(
            twin.forward_from(a, layer, ReluGrad::Standard)
                .unwrap()
                .as_vec(),
            whole,
            "{layer}"
        );
    }
    let e = twin
        .forward_to(x.clone(), "conv9", ReluGrad::Standard)
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::UnknownLayer { .. }) && e.to_string().contains("conv3"),
        "{e}"
    );
    let rgb: Activation = Cpu::default().zeros_like(&(1, 3, 28, 28));
    assert!(matches!(
        twin.forward(rgb).unwrap_err().kind(),
        ErrorKind::Shape { .. }
    ));
    // Randomising a layer changes it alone, seeded.
    let before = twin.clone();
    twin.randomize_layer("conv2", 7).unwrap();
    assert_ne!(twin.conv2.weight.as_vec(), before.conv2.weight.as_vec());
    assert_eq!(twin.conv1.weight.as_vec(), before.conv1.weight.as_vec());
    let mut again = before.clone();
    again.randomize_layer("conv2", 7).unwrap();
    assert_eq!(again.conv2.weight.as_vec(), twin.conv2.weight.as_vec());
    assert!(twin
        .randomize_layer("pool1", 1)
        .unwrap_err()
        .to_string()
        .contains("no weights"));
    assert!(twin.randomize_layer("input", 1).is_err());
}

/// `steps` of Adam on 64 training digits; the losses.
fn train<M>(model: &mut M, steps: usize) -> Vec<f32>
where
    M: Explain + dfdx::nn::tensor_collection::TensorCollection<f32, Cpu>,
{
    let dev = Cpu::default();
    let mnist = glassbox::data::mnist().unwrap();
    let x = mnist.train.images(0..64).unwrap();
    let mut targets = vec![0f32; 64 * 10];
    for i in 0..64 {
        targets[i * 10 + mnist.train.label(i)] = 1.0;
    }
    let targets = dev.tensor_from_vec(targets, (64, 10));
    let mut opt = Adam::new(
        model,
        AdamConfig {
            lr: 3e-3,
            ..Default::default()
        },
    );
    let mut grads = model.alloc_grads();
    let mut losses = Vec::new();
    for _ in 0..steps {
        let logits = model.forward(x.clone().traced(grads)).unwrap();
        let loss = cross_entropy_with_logits_loss(logits, targets.clone());
        losses.push(loss.array());
        grads = loss.backward();
        opt.update(model, &grads).unwrap();
        model.zero_grads(&mut grads);
    }
    losses
}

#[test]
fn a_derived_model_trains_with_dfdx_optimisers_exactly_as_mnist_net() {
    let path = std::env::temp_dir().join(format!(
        "glassbox-derive-init-{}.safetensors",
        std::process::id()
    ));
    let mut net = MnistNet::new(3);
    net.save(&path).unwrap();
    let mut twin = Cpu::default().build_module::<Twin, f32>();
    glassbox::models::load_safetensors(&mut twin, &path, &[]).unwrap();
    let (ours, theirs) = (train(&mut twin, 12), train(&mut net, 12));
    assert_eq!(ours, theirs);
    assert!(ours[11] < 0.9 * ours[0], "{ours:?}");
    assert_eq!(twin.fc.weight.as_vec(), net.fc.weight.as_vec());
}

/// A user's own layer type in a derived model.
#[derive(Clone, Debug, Default)]
struct Double;
impl dfdx::nn::ZeroSizedModule for Double {}
impl Layer for Double {
    fn describe(&self) -> String {
        "×2".into()
    }
    fn apply<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        _: ReluGrad,
    ) -> glassbox::Result<Activation<T>> {
        Ok(x * 2.0)
    }
}

#[derive(Explain, Clone, Debug)]
#[explain(input = [1, 4, 4], classes = 2)]
struct Tiny {
    double: Double,
    flat: glassbox::nn::Flatten,
    fc: Linear<16, 2>,
}

#[test]
fn user_layers_and_flatten() {
    let tiny = Cpu::seed_from_u64(1).build_module::<Tiny, f32>();
    let x: Activation = Cpu::default().ones_like(&(2, 1, 4, 4));
    let logits = tiny.forward(x.clone()).unwrap().as_vec();
    let w = tiny.fc.weight.as_vec();
    let b = tiny.fc.bias.as_vec();
    for class in 0..2 {
        let expected = 2.0 * w[class * 16..(class + 1) * 16].iter().sum::<f32>() + b[class];
        assert!((logits[class] - expected).abs() < 1e-5);
    }
    let kinds: Vec<String> = tiny.layers().into_iter().map(|l| l.kind).collect();
    assert_eq!(kinds, ["×2", "Flatten", "Linear 16→2"]);
    assert_eq!(tiny.layers()[1].out_shape, [16, 1, 1]);
    assert!(
        tiny.gap_head().is_none(),
        "Flatten is not a global average pool"
    );
}
