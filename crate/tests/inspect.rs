//! Summary, diagram and feature maps on a toy model with dfdx `Linear` layers
//! (activations `[B, N, 1, 1]`), plus a deliberately mis-declared one.

use dfdx::prelude::*;
use glassbox::{
    inspect::Inspect, models::LayerInfo, Activation, Error, Explain, Logits, ReluGrad, Result,
};

/// `fc1` Linear 4→8, `relu1`, `fc2` Linear 8→3; input `[4, 1, 1]`.
struct Toy {
    fc1: modules::Linear<4, 8, f32, Cpu>,
    fc2: modules::Linear<8, 3, f32, Cpu>,
    /// Declares a wrong shape for `fc2` (to test that summaries catch it).
    lie: bool,
}

const NAMES: [&str; 3] = ["fc1", "relu1", "fc2"];

impl Toy {
    fn new(lie: bool) -> Self {
        let dev = Cpu::seed_from_u64(0);
        Self {
            fc1: dev.build_module::<Linear<4, 8>, f32>(),
            fc2: dev.build_module::<Linear<8, 3>, f32>(),
            lie,
        }
    }

    fn index(&self, layer: &str) -> Result<usize> {
        if layer == glassbox::models::INPUT {
            return Ok(0);
        }
        NAMES
            .iter()
            .position(|n| *n == layer)
            .map(|i| i + 1)
            .ok_or_else(|| {
                Error::unknown_layer(layer, NAMES.iter().map(|s| s.to_string()).collect())
            })
    }

    /// Applies layers `from..to` (0 = fc1, 1 = relu1, 2 = fc2) to `[B, N, 1, 1]`.
    fn run<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        from: usize,
        to: usize,
    ) -> Result<Activation<T>> {
        let (b, n, h, w) = *x.shape();
        let expected = [4, 8, 8, 3][from];
        if (n, h, w) != (expected, 1, 1) {
            return Err(Error::shape(
                "toy input",
                format!("[B, {expected}, 1, 1]"),
                &[b, n, h, w],
            ));
        }
        let mut x = x;
        for i in from..to {
            x = match i {
                0 => self
                    .fc1
                    .forward(x.reshape_like(&(b, Const::<4>)))
                    .reshape_like(&(b, 8, 1, 1)),
                1 => x.relu(),
                _ => self
                    .fc2
                    .forward(x.reshape_like(&(b, Const::<8>)))
                    .reshape_like(&(b, 3, 1, 1)),
            };
        }
        Ok(x)
    }
}

impl Explain for Toy {
    fn name(&self) -> &str {
        "Toy"
    }
    fn input_shape(&self) -> [usize; 3] {
        [4, 1, 1]
    }
    fn num_classes(&self) -> usize {
        3
    }
    fn layers(&self) -> Vec<LayerInfo> {
        let info = |name: &str, kind: &str, group: &str, c: usize, params: usize| LayerInfo {
            name: name.into(),
            key: None,
            kind: kind.into(),
            group: Some(group.into()),
            out_shape: [c, 1, 1],
            params,
        };
        vec![
            info("fc1", "Linear 4→8", "hidden", 8, 40),
            info("relu1", "ReLU", "hidden", 8, 0),
            info(
                "fc2",
                "Linear 8→3",
                "head",
                if self.lie { 4 } else { 3 },
                27,
            ),
        ]
    }
    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        _relu: ReluGrad,
    ) -> Result<Activation<T>> {
        let k = self.index(layer)?;
        self.run(x, 0, k)
    }
    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        layer: &str,
        _relu: ReluGrad,
    ) -> Result<Logits<T>> {
        let k = self.index(layer)?;
        let out = self.run(a, k, 3)?;
        let b = out.shape().0;
        Ok(out.reshape_like(&(b, 3)))
    }
}

#[test]
fn summary_counts_and_shapes_are_exact() {
    let toy = Toy::new(false);
    let s = toy.summary();
    let dfdx_count = toy.fc1.num_trainable_params() + toy.fc2.num_trainable_params();
    assert_eq!(s.total_params(), dfdx_count);
    assert_eq!(s.total_params(), 67);
    let shapes: Vec<[usize; 3]> = s.rows.iter().map(|r| *r.shape.as_ref().unwrap()).collect();
    assert_eq!(shapes, [[8, 1, 1], [8, 1, 1], [3, 1, 1]]);
    s.check().unwrap();
    // input 16 B; activations (8 + 8 + 3) · 4 = 76 B; params 67 · 4 = 268 B.
    assert_eq!(
        (s.input_bytes(), s.activation_bytes(), s.param_bytes()),
        (16, 76, 268)
    );
}

#[test]
fn summary_display_is_pinned() {
    let s = Toy::new(false).summary();
    assert_eq!(
        s.to_string(),
        "\
Toy: input [4, 1, 1] → 3 classes
Layer  Kind        Output shape  Params
-----  ----------  ------------  ------
fc1    Linear 4→8  [8, 1, 1]         40
relu1  ReLU        [8, 1, 1]          0
fc2    Linear 8→3  [3, 1, 1]         27
---------------------------------------
Total params:              67
Trainable params:          67
Non-trainable params:       0
Input size:           0.00 MB
Forward activations:  0.00 MB
Params size:          0.00 MB
Estimated total:      0.00 MB
"
    );
    let bundle = s.evcxr_bundle();
    assert!(bundle.starts_with("EVCXR_BEGIN_CONTENT text/html\n<div"));
    assert!(
        bundle.contains("<td style=\"text-align:left\">Linear 4→8</td>"),
        "{bundle}"
    );
    assert!(
        bundle.contains("<td style=\"text-align:right\">40</td>"),
        "{bundle}"
    );
    assert!(bundle.contains("EVCXR_BEGIN_CONTENT text/plain\nToy: input"));
}

#[test]
fn a_declared_shape_the_forward_pass_contradicts_is_reported() {
    let s = Toy::new(true).summary();
    let e = s.check().unwrap_err();
    assert_eq!(
        e.to_string(),
        "`Toy layer `fc2` output` has shape [3, 1, 1], expected [4, 1, 1] as LayerInfo declares"
    );
    let text = s.to_string();
    assert!(text.contains("fc2    Linear 8→3  [3, 1, 1] !"), "{text}");
    assert!(
        text.ends_with("! fc2: LayerInfo declares [4, 1, 1], the forward pass gives [3, 1, 1]\n"),
        "{text}"
    );
}

fn toy_input(values: [f32; 4]) -> Activation {
    Cpu::default().tensor_from_vec(values.to_vec(), (1usize, 4usize, 1usize, 1usize))
}

#[test]
fn feature_maps_are_the_layer_outputs_ordered_by_mean() {
    let toy = Toy::new(false);
    let x = [0.5f32, -1.0, 2.0, 0.25];
    let maps = toy.feature_maps(&toy_input(x), "fc1").unwrap();
    assert_eq!(maps.shape(), [8, 1, 1]);
    // By hand: fc1(x)_j = Σ_i W[j, i] x_i + b_j.
    let (w, b) = (toy.fc1.weight.as_vec(), toy.fc1.bias.as_vec());
    let expected: Vec<f32> = (0..8)
        .map(|j| (0..4).map(|i| w[j * 4 + i] * x[i]).sum::<f32>() + b[j])
        .collect();
    for (got, want) in maps.means().iter().zip(&expected) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    let mut order: Vec<usize> = (0..8).collect();
    order.sort_by(|&a, &b| expected[b].total_cmp(&expected[a]));
    assert_eq!(maps.clone().top_k(3).shown_channels(), order[..3]);
    assert_eq!(maps.shown_channels().len(), 8);
    let fig = maps.clone().top_k(4).shared_scale(true).figure().unwrap();
    assert!(
        fig.summary().contains("top 4 of 8 channels"),
        "{}",
        fig.summary()
    );
    // After the ReLU, every mean is ≥ 0 and equals max(0, fc1).
    let relu = toy.feature_maps(&toy_input(x), "relu1").unwrap();
    for (got, want) in relu.means().iter().zip(&expected) {
        assert_eq!(*got, want.max(0.0));
    }
}

#[test]
fn feature_maps_reject_bad_input() {
    let toy = Toy::new(false);
    let e = toy.feature_maps(&toy_input([0.0; 4]), "conv9").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the model has no layer `conv9`; choose one of: input, fc1, relu1, fc2"
    );
    let two: Activation = Cpu::default().zeros_like(&(2usize, 4usize, 1usize, 1usize));
    assert!(toy
        .feature_maps(&two, "fc1")
        .unwrap_err()
        .to_string()
        .contains("pass one image"));
    let maps = toy.feature_maps(&toy_input([0.0; 4]), "fc1").unwrap();
    assert!(maps.top_k(0).figure().is_err());
    let nan = toy.feature_maps(&toy_input([f32::NAN; 4]), "fc1").unwrap();
    let e = nan.figure().unwrap_err();
    assert!(
        matches!(e.kind(), glassbox::ErrorKind::NonFinite { .. }),
        "{e}"
    );
}

#[test]
fn the_diagram_draws_every_block() {
    let fig = Toy::new(false).diagram().figure().unwrap();
    assert!(
        fig.summary()
            .contains("Toy: input [4, 1, 1], 3 layers, 67 params"),
        "{}",
        fig.summary()
    );
    // Two blocks (hidden, head): two columns of 210 px boxes with a 44 px gap and 16 px margins.
    assert_eq!(fig.width(), 16 * 2 + 210 * 2 + 44);
}

/// `conv1` (3→4, 3×3, stride 2, pad 1) → `relu1` → spatial mean as logits; input `[3, 9, 9]`.
struct ConvToy {
    weight: Tensor<(usize, usize, usize, usize), f32, Cpu>,
    bias: Tensor<(usize,), f32, Cpu>,
}

impl ConvToy {
    fn new() -> Self {
        let dev = Cpu::seed_from_u64(7);
        Self {
            weight: dev.sample_normal_like(&(4, 3, 3, 3)),
            bias: dev.sample_normal_like(&(4,)),
        }
    }
    fn params() -> glassbox::nn::Conv2dParams {
        glassbox::nn::Conv2dParams::default().stride(2).padding(1)
    }
}

impl Explain for ConvToy {
    fn name(&self) -> &str {
        "ConvToy"
    }
    fn input_shape(&self) -> [usize; 3] {
        [3, 9, 9]
    }
    fn num_classes(&self) -> usize {
        4
    }
    fn layers(&self) -> Vec<LayerInfo> {
        let info = |name: &str, kind: &str, params| LayerInfo {
            name: name.into(),
            key: None,
            kind: kind.into(),
            group: None,
            out_shape: [4, 5, 5],
            params,
        };
        vec![
            info("conv1", "Conv2d 3×3, 3→4, stride 2, pad 1", 112),
            info("relu1", "ReLU", 0),
        ]
    }
    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        _relu: ReluGrad,
    ) -> Result<Activation<T>> {
        match layer {
            "input" => Ok(x),
            "conv1" => glassbox::nn::conv2d(x, &self.weight, Some(&self.bias), Self::params()),
            "relu1" => {
                Ok(glassbox::nn::conv2d(x, &self.weight, Some(&self.bias), Self::params())?.relu())
            }
            other => Err(Error::unknown_layer(
                other,
                vec!["conv1".into(), "relu1".into()],
            )),
        }
    }
    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Logits<T>> {
        let a = match layer {
            "input" => self.forward_to(a, "relu1", relu)?,
            "conv1" => a.relu(),
            _ => a,
        };
        Ok(a.mean::<(usize, usize), Axes2<2, 3>>())
    }
}

#[test]
fn filters_equal_the_conv_weights() {
    let model = ConvToy::new();
    let filters = model.filters("conv1").unwrap();
    assert_eq!(filters.shape(), [4, 3, 3, 3]);
    let expected = model.weight.as_vec();
    for (got, want) in filters.weights().iter().zip(&expected) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    let fig = filters.figure().unwrap();
    assert!(
        fig.summary()
            .contains("4 filters 3×3 over 3 input channels (RGB)"),
        "{}",
        fig.summary()
    );
    let e = model.filters("relu1").unwrap_err();
    assert!(e.to_string().contains("not a conv layer"), "{e}");
    assert!(matches!(
        model.filters("fc9").unwrap_err().kind(),
        glassbox::ErrorKind::UnknownLayer { .. }
    ));
    assert!(matches!(
        Toy::new(false).filters("fc1").unwrap_err().kind(),
        glassbox::ErrorKind::Unsupported { .. }
    ));
}

#[test]
fn conv_feature_maps_and_summary_match_the_forward_pass() {
    let model = ConvToy::new();
    let s = model.summary();
    s.check().unwrap();
    assert_eq!(s.total_params(), 4 * 3 * 9 + 4);
    let dev = Cpu::default();
    let x: Activation = dev.sample_uniform_like(&(1usize, 3usize, 9usize, 9usize));
    let maps = model.feature_maps(&x, "relu1").unwrap();
    let direct = glassbox::nn::conv2d(
        x.clone(),
        &model.weight,
        Some(&model.bias),
        ConvToy::params(),
    )
    .unwrap()
    .relu()
    .as_vec();
    assert_eq!(maps.channel(2).unwrap(), &direct[2 * 25..3 * 25]);
    let fig = maps.figure().unwrap();
    assert!(
        fig.summary().contains("all 4 channels"),
        "{}",
        fig.summary()
    );
}

mod mnist_net {
    use super::*;
    use glassbox::MnistNet;

    #[test]
    fn summary_is_exact_and_matches_the_forward_pass() {
        let net = MnistNet::new(0);
        let s = net.summary();
        s.check().unwrap();
        // conv1 16·9+16, conv2 32·16·9+32, conv3 64·32·9+64, fc 64·10+10.
        assert_eq!(s.total_params(), 160 + 4640 + 18496 + 650);
        let tensors = net.conv1.weight.shape().num_elements()
            + net.conv1.bias.shape().num_elements()
            + net.conv2.weight.shape().num_elements()
            + net.conv2.bias.shape().num_elements()
            + net.conv3.weight.shape().num_elements()
            + net.conv3.bias.shape().num_elements()
            + net.fc.num_trainable_params();
        assert_eq!(s.total_params(), tensors);
        let shapes: Vec<[usize; 3]> = s.rows.iter().map(|r| *r.shape.as_ref().unwrap()).collect();
        assert_eq!(shapes[0], [16, 28, 28]);
        assert_eq!(shapes[4], [64, 7, 7]);
        assert_eq!(*shapes.last().unwrap(), [10, 1, 1]);
        assert!(
            s.to_string().contains("Total params:          23,946"),
            "{s}"
        );
    }

    #[test]
    fn filters_are_conv1_weights_despite_the_fused_relu() {
        let net = MnistNet::pretrained().unwrap();
        let filters = net.filters("conv1").unwrap();
        assert_eq!(filters.shape(), [16, 1, 3, 3]);
        for (got, want) in filters.weights().iter().zip(net.conv1.weight.as_vec()) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
        let e = net.filters("conv2").unwrap_err();
        assert!(
            e.to_string()
                .contains("`conv1` (with parameters) comes before `conv2`"),
            "{e}"
        );
    }

    #[test]
    fn feature_maps_of_a_digit() {
        let net = MnistNet::pretrained().unwrap();
        let mnist = glassbox::data::mnist().unwrap();
        let x = mnist.test.image(0).unwrap();
        let maps = net.feature_maps(&x, "conv3").unwrap().top_k(16);
        assert_eq!(maps.shape(), [64, 7, 7]);
        let shown = maps.shown_channels();
        let means = maps.means();
        assert_eq!(shown.len(), 16);
        assert!(shown.windows(2).all(|w| means[w[0]] >= means[w[1]]));
        // The GAP layer is the spatial mean of conv3: the same numbers by another route.
        let gap = net
            .forward_to(x.clone(), "gap", ReluGrad::Standard)
            .unwrap()
            .as_vec();
        for (m, g) in means.iter().zip(&gap) {
            assert!((m - g).abs() < 1e-5);
        }
        let fig = maps.figure().unwrap();
        assert!(
            fig.summary()
                .contains("MnistNet conv3: top 16 of 64 channels"),
            "{}",
            fig.summary()
        );
        assert!(net.feature_maps(&x, "conv9").is_err());
    }
}

/// VGG16 in torchvision's layout, zero weights: enough for shapes and counts.
mod vgg16 {
    use super::*;
    use glassbox::nn::Conv2dParams;

    type W4 = Tensor<(usize, usize, usize, usize), f32, Cpu>;
    type W2 = Tensor<(usize, usize), f32, Cpu>;
    type B = Tensor<(usize,), f32, Cpu>;

    enum Op {
        Conv(W4, B),
        Relu,
        Pool,
        AvgPool,
        Fc(W2, B),
    }

    struct Vgg16 {
        layers: Vec<(LayerInfo, Op)>,
    }

    const BLOCKS: [&[usize]; 5] = [
        &[64, 64],
        &[128, 128],
        &[256, 256, 256],
        &[512, 512, 512],
        &[512, 512, 512],
    ];

    impl Vgg16 {
        fn new() -> Self {
            let dev = Cpu::default();
            let mut layers = Vec::new();
            let info = |name: String, kind: String, group: &str, out_shape, params| LayerInfo {
                name,
                key: None,
                kind,
                group: Some(group.into()),
                out_shape,
                params,
            };
            let (mut c, mut s) = (3, 224);
            for (b, convs) in BLOCKS.iter().enumerate() {
                let group = format!("block{}", b + 1);
                for (k, &o) in convs.iter().enumerate() {
                    let (w, bias) = (dev.zeros_like(&(o, c, 3, 3)), dev.zeros_like(&(o,)));
                    let kind = format!("Conv2d 3×3, {c}→{o}, pad 1");
                    layers.push((
                        info(
                            format!("conv{}_{}", b + 1, k + 1),
                            kind,
                            &group,
                            [o, s, s],
                            o * c * 9 + o,
                        ),
                        Op::Conv(w, bias),
                    ));
                    layers.push((
                        info(
                            format!("relu{}_{}", b + 1, k + 1),
                            "ReLU".into(),
                            &group,
                            [o, s, s],
                            0,
                        ),
                        Op::Relu,
                    ));
                    c = o;
                }
                s /= 2;
                layers.push((
                    info(
                        format!("pool{}", b + 1),
                        "MaxPool 2×2".into(),
                        &group,
                        [c, s, s],
                        0,
                    ),
                    Op::Pool,
                ));
            }
            layers.push((
                info(
                    "avgpool".into(),
                    "AdaptiveAvgPool 7×7".into(),
                    "classifier",
                    [512, 7, 7],
                    0,
                ),
                Op::AvgPool,
            ));
            for (name, i, o) in [
                ("fc6", 25088, 4096),
                ("fc7", 4096, 4096),
                ("fc8", 4096, 1000),
            ] {
                let (w, bias) = (dev.zeros_like(&(o, i)), dev.zeros_like(&(o,)));
                layers.push((
                    info(
                        name.into(),
                        format!("Linear {i}→{o}"),
                        "classifier",
                        [o, 1, 1],
                        i * o + o,
                    ),
                    Op::Fc(w, bias),
                ));
                if name != "fc8" {
                    layers.push((
                        info(
                            name.replace("fc", "relu"),
                            "ReLU".into(),
                            "classifier",
                            [o, 1, 1],
                            0,
                        ),
                        Op::Relu,
                    ));
                }
            }
            Self { layers }
        }

        fn index(&self, layer: &str) -> Result<usize> {
            if layer == "input" {
                return Ok(0);
            }
            let names = || self.layers.iter().map(|(l, _)| l.name.clone()).collect();
            self.layers
                .iter()
                .position(|(l, _)| l.name == layer)
                .map(|i| i + 1)
                .ok_or_else(|| Error::unknown_layer(layer, names()))
        }

        fn run<T: Tape<f32, Cpu>>(
            &self,
            mut x: Activation<T>,
            from: usize,
            to: usize,
        ) -> Result<Activation<T>> {
            for (_, op) in &self.layers[from..to] {
                x = match op {
                    Op::Conv(w, b) => {
                        glassbox::nn::conv2d(x, w, Some(b), Conv2dParams::default().padding(1))?
                    }
                    Op::Relu => glassbox::nn::relu(x, ReluGrad::Standard)?,
                    Op::Pool => glassbox::nn::max_pool2d(x, 2, 2, 0)?,
                    Op::AvgPool => glassbox::nn::adaptive_avg_pool2d(x, (7, 7))?,
                    Op::Fc(w, b) => {
                        let (n, c, h, wd) = *x.shape();
                        let o = w.shape().0;
                        let flat = x.reshape_like(&(n, c * h * wd));
                        let y = flat.matmul(w.clone().permute::<_, Axes2<1, 0>>())
                            + b.clone().broadcast_like::<_, Axis<0>>(&(n, o));
                        y.reshape_like(&(n, o, 1, 1))
                    }
                };
            }
            Ok(x)
        }
    }

    impl Explain for Vgg16 {
        fn name(&self) -> &str {
            "VGG16"
        }
        fn input_shape(&self) -> [usize; 3] {
            [3, 224, 224]
        }
        fn num_classes(&self) -> usize {
            1000
        }
        fn layers(&self) -> Vec<LayerInfo> {
            self.layers.iter().map(|(l, _)| l.clone()).collect()
        }
        fn forward_to<T: Tape<f32, Cpu>>(
            &self,
            x: Activation<T>,
            layer: &str,
            _relu: ReluGrad,
        ) -> Result<Activation<T>> {
            let end = self.index(layer)?;
            self.run(x, 0, end)
        }
        fn forward_from<T: Tape<f32, Cpu>>(
            &self,
            a: Activation<T>,
            layer: &str,
            _relu: ReluGrad,
        ) -> Result<Logits<T>> {
            let start = self.index(layer)?;
            let out = self.run(a, start, self.layers.len())?;
            let n = out.shape().0;
            Ok(out.reshape_like(&(n, 1000)))
        }
    }

    fn tensor_elements(net: &Vgg16) -> usize {
        net.layers
            .iter()
            .map(|(_, op)| match op {
                Op::Conv(w, b) => w.shape().num_elements() + b.shape().num_elements(),
                Op::Fc(w, b) => w.shape().num_elements() + b.shape().num_elements(),
                _ => 0,
            })
            .sum()
    }

    #[test]
    fn vgg16_has_138_357_544_parameters() {
        let net = Vgg16::new();
        assert_eq!(tensor_elements(&net), 138_357_544);
        let declared: usize = net.layers().iter().map(|l| l.params).sum();
        assert_eq!(declared, 138_357_544);
        let diagram = net.diagram().figure().unwrap();
        assert!(
            diagram
                .summary()
                .contains("VGG16: input [3, 224, 224], 37 layers, 138,357,544 params"),
            "{}",
            diagram.summary()
        );
        assert!(
            diagram.width() > 2 * diagram.height(),
            "six blocks flow left to right: {diagram:?}"
        );
    }

    #[test]
    #[ignore = "slow: 37 forward passes of VGG16 at 224² (~40 s CPU); run with --ignored"]
    fn vgg16_summary_shapes_equal_the_forward_pass() {
        let net = Vgg16::new();
        let s = net.summary();
        assert_eq!(s.total_params(), 138_357_544);
        s.check().unwrap();
        let pool5 = s.rows.iter().find(|r| r.name == "pool5").unwrap();
        assert_eq!(pool5.shape, Ok([512, 7, 7]));
        let text = s.to_string();
        let line = |label: &str, value: &str| {
            text.lines()
                .any(|l| l.starts_with(label) && l.ends_with(value))
        };
        assert!(line("Total params:", " 138,357,544"), "{text}");
        assert!(line("Params size:", " 553.43 MB"), "{text}");
    }
}

/// The crate's own VGG16.
mod real_vgg16 {
    use super::*;
    use glassbox::Vgg16;

    #[test]
    fn declared_counts_equal_the_weights_and_138_357_544() {
        let net = Vgg16::new(0);
        let declared: usize = net.layers().iter().map(|l| l.params).sum();
        assert_eq!(declared, 138_357_544);
        assert_eq!(net.num_params(), 138_357_544);
        let diagram = net.diagram();
        let fig = diagram.figure().unwrap();
        assert!(
            fig.summary().contains("138,357,544 params"),
            "{}",
            fig.summary()
        );
        assert!(
            fig.width() > 2 * fig.height(),
            "blocks flow left to right: {fig:?}"
        );
        if std::env::var_os("GLASSBOX_SAVE").is_some() {
            fig.save("/tmp/glassbox-vgg16-diagram.png").unwrap();
        }
    }

    #[test]
    #[ignore = "slow: one VGG16 forward per layer at 224² (minutes on 2 busy cores); run with --ignored"]
    fn summary_shapes_equal_the_forward_pass() {
        let s = Vgg16::new(0).summary();
        s.check().unwrap();
        assert_eq!(s.total_params(), 138_357_544);
        assert_eq!(
            s.rows.iter().find(|r| r.name == "pool5").unwrap().shape,
            Ok([512, 7, 7])
        );
    }
}
