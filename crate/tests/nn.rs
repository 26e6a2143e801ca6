//! Integration tests of the conv/pool engine: finite-difference gradients (f64), PyTorch
//! fixtures (f32), bad input, typed layers with dfdx optimisers and safetensors.

use dfdx::prelude::*;
use glassbox::nn::Dyn4;
use glassbox::{
    nn::{
        adaptive_avg_pool2d, avg_pool2d, conv2d, flatten, global_avg_pool, max_pool2d, relu,
        without_weight_grads, Conv2dParams,
    },
    ErrorKind, ReluGrad,
};

type T64 = Tensor<Dyn4, f64, Cpu>;

/// Deterministic values in [-1, 1) (a fixed-seed LCG; no two equal in practice).
fn values(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn t4(dev: &Cpu, shape: [usize; 4], seed: u64) -> T64 {
    dev.tensor_from_vec(
        values(shape.iter().product(), seed),
        (shape[0], shape[1], shape[2], shape[3]),
    )
}

/// `max|a − b| / max(max|b|, 1e-300)`.
fn rel(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(1e-300f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

fn t1(dev: &Cpu, n: usize, seed: u64) -> Tensor<(usize,), f64, Cpu> {
    dev.tensor_from_vec(values(n, seed), (n,))
}

/// Checks `analytic` against central differences of `loss` over every element of `at`.
fn assert_fd(what: &str, at: &[f64], analytic: &[f64], loss: impl Fn(&[f64]) -> f64) {
    assert_eq!(at.len(), analytic.len(), "{what}: gradient length");
    let eps = 1e-6;
    let mut worst = 0.0f64;
    for i in 0..at.len() {
        let mut p = at.to_vec();
        p[i] += eps;
        let up = loss(&p);
        p[i] -= 2.0 * eps;
        let down = loss(&p);
        let numeric = (up - down) / (2.0 * eps);
        let err = (numeric - analytic[i]).abs() / numeric.abs().max(1.0);
        worst = worst.max(err);
        assert!(
            err < 1e-6,
            "{what}[{i}]: analytic {} vs numeric {numeric}",
            analytic[i]
        );
    }
    assert!(
        analytic.iter().any(|&g| g != 0.0),
        "{what}: all-zero gradient proves nothing"
    );
    eprintln!("{what}: worst relative error {worst:.2e}");
}

/// `Σ op(x) ⊙ r` for a fixed random `r`, so every output element has its own weight.
fn weighted_sum<S: Shape, T: Tape<f64, Cpu>>(
    y: Tensor<S, f64, Cpu, T>,
    seed: u64,
) -> Tensor<Rank0, f64, Cpu, T> {
    let r = y
        .device()
        .tensor_from_vec(values(y.shape().num_elements(), seed), *y.shape());
    (y * r).sum()
}

fn check_conv(input: [usize; 4], weight: [usize; 4], p: Conv2dParams, with_bias: bool) {
    let dev = Cpu::default();
    let x = t4(&dev, input, 1);
    let w = t4(&dev, weight, 2);
    let b = t1(&dev, weight[0], 3);
    let bias = with_bias.then_some(&b);
    let loss = |x: &T64, w: &T64, b: &Tensor<(usize,), f64, Cpu>| -> f64 {
        let y = conv2d(x.clone(), w, with_bias.then_some(b), p).unwrap();
        weighted_sum(y, 9).array()
    };
    let y = conv2d(x.leaky_trace(), &w, bias, p).unwrap();
    let grads = weighted_sum(y, 9).backward();
    let name = format!("conv2d {input:?} {weight:?} {p:?}");
    assert_fd(
        &format!("{name} dx"),
        &x.as_vec(),
        &grads.get(&x).as_vec(),
        |v| loss(&dev.tensor_from_vec(v.to_vec(), *x.shape()), &w, &b),
    );
    assert_fd(
        &format!("{name} dw"),
        &w.as_vec(),
        &grads.get(&w).as_vec(),
        |v| loss(&x, &dev.tensor_from_vec(v.to_vec(), *w.shape()), &b),
    );
    if with_bias {
        assert_fd(
            &format!("{name} db"),
            &b.as_vec(),
            &grads.get(&b).as_vec(),
            |v| loss(&x, &w, &dev.tensor_from_vec(v.to_vec(), (v.len(),))),
        );
    }
}

#[test]
fn conv2d_gradients_match_finite_differences() {
    let p = Conv2dParams::default;
    let mut odd = p().groups(2);
    odd.stride = (2, 1);
    odd.padding = (1, 2);
    odd.dilation = (1, 2);
    check_conv([2, 4, 7, 5], [6, 2, 3, 2], odd, true);
    check_conv(
        [1, 3, 9, 8],
        [4, 3, 3, 3],
        p().stride(2).dilation(2).padding(2),
        true,
    );
    check_conv([2, 3, 6, 5], [3, 1, 3, 3], p().groups(3).padding(1), false);
    check_conv([2, 3, 4, 5], [5, 3, 1, 1], p(), true);
    check_conv([1, 2, 5, 6], [3, 2, 5, 4], p(), true);
    check_conv([1, 2, 3, 3], [2, 2, 3, 3], p().padding(2).stride(3), true);
    // Few input channels (like RGB): the input gradient takes the gemm + col2im path.
    check_conv([2, 1, 6, 5], [5, 1, 3, 3], p().padding(1), true);
    check_conv([1, 1, 4, 3], [6, 1, 1, 1], p(), true);
}

/// Checks the input gradient of a one-input op against finite differences.
fn check_unary<S: Shape>(
    name: &str,
    input: [usize; 4],
    op: impl Fn(Tensor<Dyn4, f64, Cpu, OwnedTape<f64, Cpu>>) -> Tensor<S, f64, Cpu, OwnedTape<f64, Cpu>>,
    plain: impl Fn(T64) -> Tensor<S, f64, Cpu>,
) {
    let dev = Cpu::default();
    let x = t4(&dev, input, 4);
    let grads = weighted_sum(op(x.leaky_trace()), 5).backward();
    assert_fd(name, &x.as_vec(), &grads.get(&x).as_vec(), |v| {
        weighted_sum(plain(dev.tensor_from_vec(v.to_vec(), *x.shape())), 5).array()
    });
}

macro_rules! unary {
    ($name:expr, $input:expr, |$x:ident| $body:expr) => {
        check_unary($name, $input, |$x| $body.unwrap(), |$x| $body.unwrap())
    };
}

#[test]
fn pooling_flatten_and_relu_gradients_match_finite_differences() {
    unary!("max_pool2d k3 s2 p1", [2, 3, 7, 6], |x| max_pool2d(
        x, 3, 2, 1
    ));
    unary!("max_pool2d k2 s2", [1, 2, 5, 5], |x| max_pool2d(x, 2, 2, 0));
    unary!(
        "max_pool2d k3 s1 overlapping",
        [1, 2, 5, 4],
        |x| max_pool2d(x, 3, 1, 0)
    );
    unary!("avg_pool2d k3 s2 p1", [2, 3, 7, 6], |x| avg_pool2d(
        x, 3, 2, 1
    ));
    unary!("avg_pool2d k2 s1", [1, 2, 4, 5], |x| avg_pool2d(x, 2, 1, 0));
    unary!("adaptive_avg_pool2d 3×2", [2, 2, 7, 5], |x| {
        adaptive_avg_pool2d(x, (3, 2))
    });
    unary!("adaptive_avg_pool2d 7×7 from 5×9", [1, 2, 5, 9], |x| {
        adaptive_avg_pool2d(x, (7, 7))
    });
    unary!("global_avg_pool", [2, 3, 5, 4], |x| global_avg_pool(x));
    unary!("flatten", [2, 3, 2, 3], |x| flatten(x));
    unary!("relu", [2, 3, 4, 3], |x| relu(x, ReluGrad::Standard));
}

#[test]
fn a_conv_relu_pool_chain_backpropagates_like_finite_differences() {
    let dev = Cpu::default();
    let w1 = t4(&dev, [4, 2, 3, 3], 7);
    let w2 = t4(&dev, [4, 2, 2, 2], 8);
    check_unary(
        "conv→relu→maxpool→grouped conv→avgpool→flatten",
        [2, 2, 9, 7],
        |x| chain(x, &w1, &w2),
        |x| chain(x, &w1, &w2),
    );
}

fn chain<T: Tape<f64, Cpu>>(
    x: Tensor<Dyn4, f64, Cpu, T>,
    w1: &T64,
    w2: &T64,
) -> Tensor<(usize, usize), f64, Cpu, T> {
    let h = conv2d(x, w1, None, Conv2dParams::default().padding(1)).unwrap();
    let h = relu(h, ReluGrad::Standard).unwrap();
    let h = max_pool2d(h, 2, 2, 0).unwrap();
    let h = conv2d(h, w2, None, Conv2dParams::default().groups(2)).unwrap();
    flatten(avg_pool2d(h, 2, 1, 1).unwrap()).unwrap()
}

#[test]
fn guided_relu_passes_only_positive_gradients_where_the_input_was_positive() {
    let dev = Cpu::default();
    let x = dev.tensor_from_vec(vec![-1.0f64, 2.0, 3.0, 0.5, -0.5, 0.0], (1, 6, 1, 1));
    let r = dev.tensor_from_vec(vec![4.0f64, -1.0, 2.0, 0.0, 7.0, 1.0], (1, 6, 1, 1));
    let y = relu(x.leaky_trace(), ReluGrad::Guided).unwrap();
    assert_eq!(y.as_vec(), vec![0.0, 2.0, 3.0, 0.5, 0.0, 0.0]);
    let g = (y * r.clone()).sum().backward();
    assert_eq!(g.get(&x).as_vec(), vec![0.0, 0.0, 2.0, 0.0, 0.0, 0.0]);
    let y = relu(x.leaky_trace(), ReluGrad::Standard).unwrap();
    let g = (y * r).sum().backward();
    assert_eq!(g.get(&x).as_vec(), vec![0.0, -1.0, 2.0, 0.0, 0.0, 0.0]);
}

#[test]
fn max_pool_gives_ties_to_the_first_maximum_like_pytorch() {
    let dev = Cpu::default();
    // torch: x = ones(1,1,2,3, requires_grad=True); max_pool2d(x, 2, 1).sum().backward()
    // x.grad = [[[[1., 1., 0.], [0., 0., 0.]]]]: each window credits its first maximum.
    let x: Tensor<Dyn4, f32, Cpu> = dev.ones_like(&(1, 1, 2, 3));
    let g = max_pool2d(x.leaky_trace(), 2, 1, 0)
        .unwrap()
        .sum()
        .backward();
    assert_eq!(g.get(&x).as_vec(), vec![1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
    // The 2×2 / stride 2 fast path follows the same rule (torch: [[1, 0, 1, 0], [0, 0, 0, 0]]).
    let x: Tensor<Dyn4, f32, Cpu> = dev.ones_like(&(1, 1, 2, 4));
    let g = max_pool2d(x.leaky_trace(), 2, 2, 0)
        .unwrap()
        .sum()
        .backward();
    assert_eq!(
        g.get(&x).as_vec(),
        vec![1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
}

#[test]
fn gradients_accumulate_when_a_tensor_feeds_two_ops() {
    let dev = Cpu::default();
    let x = t4(&dev, [1, 2, 4, 4], 11);
    let w = t4(&dev, [2, 2, 3, 3], 12);
    let single = {
        let y = conv2d(x.leaky_trace(), &w, None, Conv2dParams::default()).unwrap();
        y.sum().backward().get(&x).as_vec()
    };
    let traced = x.leaky_trace();
    let a = conv2d(traced.with_empty_tape(), &w, None, Conv2dParams::default()).unwrap();
    let b = conv2d(traced, &w, None, Conv2dParams::default()).unwrap();
    let doubled = (a.sum() + b.sum()).backward().get(&x).as_vec();
    for (d, s) in doubled.iter().zip(&single) {
        assert!((d - 2.0 * s).abs() < 1e-12);
    }
}

#[test]
fn skipping_weight_grads_keeps_the_input_gradient() {
    let dev = Cpu::default();
    let x = t4(&dev, [2, 3, 6, 5], 21);
    let w = t4(&dev, [4, 3, 3, 3], 22);
    let b = t1(&dev, 4, 23);
    let p = Conv2dParams::default().padding(1);
    let full = weighted_sum(conv2d(x.leaky_trace(), &w, Some(&b), p).unwrap(), 2).backward();
    let y = without_weight_grads(|| conv2d(x.leaky_trace(), &w, Some(&b), p)).unwrap();
    let only_input = weighted_sum(y, 2).backward();
    assert_eq!(full.get(&x).as_vec(), only_input.get(&x).as_vec());
}

fn kind_of<T: std::fmt::Debug>(r: glassbox::Result<T>) -> (ErrorKind, String) {
    let e = r.unwrap_err();
    (e.kind().clone(), e.to_string())
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let dev = Cpu::default();
    let p = Conv2dParams::default();
    let x = t4(&dev, [1, 3, 5, 5], 1);
    // Mismatched channels.
    let (kind, msg) = kind_of(conv2d(x.clone(), &t4(&dev, [2, 4, 3, 3], 2), None, p));
    assert!(
        matches!(kind, ErrorKind::Shape { .. }) && msg.contains("[B, 4, H, W]"),
        "{msg}"
    );
    // Kernel larger than the padded input.
    let (kind, msg) = kind_of(conv2d(
        x.clone(),
        &t4(&dev, [2, 3, 7, 7], 2),
        None,
        p.padding(0),
    ));
    assert!(
        matches!(kind, ErrorKind::InvalidArgument { name: "kernel", .. }),
        "{msg}"
    );
    assert!(msg.contains("kernel spans 7 pixels"), "{msg}");
    // Zero-size dims, in the input and in the weight.
    let empty: T64 = dev.zeros_like(&(0, 3, 5, 5));
    let (_, msg) = kind_of(conv2d(empty.clone(), &t4(&dev, [2, 3, 3, 3], 2), None, p));
    assert!(msg.contains("every size ≥ 1"), "{msg}");
    let (_, msg) = kind_of(conv2d(x.clone(), &dev.zeros_like(&(2, 3, 0, 3)), None, p));
    assert!(msg.contains("conv2d weight"), "{msg}");
    // Groups that do not divide the channels.
    let (_, msg) = kind_of(conv2d(
        x.clone(),
        &t4(&dev, [4, 1, 3, 3], 2),
        None,
        p.groups(2),
    ));
    assert!(
        msg.contains("do not divide the input's 3 channels"),
        "{msg}"
    );
    let (_, msg) = kind_of(conv2d(
        x.clone(),
        &t4(&dev, [4, 3, 3, 3], 2),
        None,
        p.groups(0),
    ));
    assert!(msg.contains("groups"), "{msg}");
    // A bias of the wrong length, zero stride.
    let (_, msg) = kind_of(conv2d(
        x.clone(),
        &t4(&dev, [2, 3, 3, 3], 2),
        Some(&t1(&dev, 3, 1)),
        p,
    ));
    assert!(msg.contains("one value per output channel"), "{msg}");
    let (_, msg) = kind_of(conv2d(
        x.clone(),
        &t4(&dev, [2, 3, 3, 3], 2),
        None,
        p.stride(0),
    ));
    assert!(msg.contains("invalid `stride`"), "{msg}");
    // Pools.
    let (_, msg) = kind_of(max_pool2d(x.clone(), 7, 1, 0));
    assert!(msg.contains("kernel spans 7"), "{msg}");
    let (_, msg) = kind_of(max_pool2d(x.clone(), 2, 2, 2));
    assert!(msg.contains("more than half the kernel"), "{msg}");
    let (_, msg) = kind_of(avg_pool2d(x.clone(), 0, 1, 0));
    assert!(msg.contains("invalid `kernel`"), "{msg}");
    let (_, msg) = kind_of(adaptive_avg_pool2d(x.clone(), (0, 7)));
    assert!(msg.contains("output_size"), "{msg}");
    let (_, msg) = kind_of(global_avg_pool(empty.clone()));
    assert!(msg.contains("every size ≥ 1"), "{msg}");
    let (_, msg) = kind_of(max_pool2d(empty, 2, 2, 0));
    assert!(msg.contains("every size ≥ 1"), "{msg}");
    assert!(glassbox::nn::upsample_bilinear(&[1.0; 5], (2, 2), (4, 4)).is_err());
}

#[test]
fn typed_layers_reject_bad_runtime_input_through_try_forward_and_apply() {
    let dev = Cpu::default();
    let conv = dev.build_module::<glassbox::nn::Conv2d<3, 4, 3>, f32>();
    let wrong: Tensor<Dyn4, f32, Cpu> = dev.zeros_like(&(1, 5, 8, 8));
    let e = conv.apply(wrong.clone()).unwrap_err();
    assert!(e.to_string().contains("[B, 3, H, W]"), "{e}");
    assert!(conv.try_forward(wrong).is_err());
    let tiny: Tensor<(usize, Const<3>, usize, usize), f32, Cpu> = dev.zeros_like(&(1, Const, 2, 2));
    assert!(conv.try_forward(tiny).is_err());
    let flat: Tensor<(usize, Const<3>, usize, usize), f32, Cpu> = dev.zeros_like(&(1, Const, 2, 2));
    assert!(glassbox::nn::FlattenTo::<13>.try_forward(flat).is_err());
}

mod layers {
    use dfdx::optim::{Adam, AdamConfig, Optimizer};
    use dfdx::prelude::*;
    use glassbox::nn::{Conv2d, GlobalAvgPool, MaxPool2d};

    /// dfdx implements modules for tuples of up to 6, so the net is two tuples.
    pub(crate) type Net = (
        (Conv2d<1, 4, 3, 1, 1>, ReLU, MaxPool2d<2, 2>),
        (
            Conv2d<4, 8, 3, 1, 1, 1, 2>,
            ReLU,
            GlobalAvgPool,
            Linear<8, 2>,
        ),
    );

    /// 8×8 images of a vertical (class 0) or horizontal (class 1) bar at a random place.
    type Images = Tensor<(usize, Const<1>, usize, usize), f32, Cpu>;
    type Labels = Tensor<(usize, Const<2>), f32, Cpu>;

    pub(crate) fn bars(dev: &Cpu, n: usize, seed: u64) -> (Images, Labels) {
        let noise = super::values(n * 64, seed);
        let mut images = vec![0.0f32; n * 64];
        let mut labels = vec![0.0f32; n * 2];
        for i in 0..n {
            let class = i % 2;
            let at = (noise[i * 64].abs() * 6.0) as usize + 1;
            for k in 0..8 {
                let (r, c) = if class == 0 { (k, at) } else { (at, k) };
                images[i * 64 + r * 8 + c] = 1.0;
            }
            for p in 0..64 {
                images[i * 64 + p] += 0.1 * noise[i * 64 + p] as f32;
            }
            labels[i * 2 + class] = 1.0;
        }
        (
            dev.tensor_from_vec(images, (n, Const, 8, 8)),
            dev.tensor_from_vec(labels, (n, Const)),
        )
    }

    #[test]
    fn a_tiny_conv_net_trains_with_adam_and_the_loss_falls() {
        let dev = Cpu::seed_from_u64(0);
        let mut net = dev.build_module::<Net, f32>();
        let mut grads = net.alloc_grads();
        let mut opt = Adam::new(
            &net,
            AdamConfig {
                lr: 0.02,
                ..Default::default()
            },
        );
        let (x, y) = bars(&dev, 32, 5);
        let mut losses = Vec::new();
        for _ in 0..60 {
            let logits = net.forward_mut(x.trace(grads));
            let loss = cross_entropy_with_logits_loss(logits, y.clone());
            losses.push(loss.array());
            grads = loss.backward();
            opt.update(&mut net, &grads).unwrap();
            net.zero_grads(&mut grads);
        }
        let (first, last) = (losses[0], *losses.last().unwrap());
        eprintln!("loss {first:.4} → {last:.4}");
        assert!(last < 0.3 * first, "loss did not fall enough: {losses:?}");
        // Held-out accuracy.
        let (xt, yt) = bars(&dev, 20, 99);
        let pred = net.forward(xt).as_vec();
        let truth = yt.as_vec();
        let correct = (0..20)
            .filter(|&i| (pred[2 * i + 1] > pred[2 * i]) == (truth[2 * i + 1] > 0.5))
            .count();
        assert!(correct >= 18, "{correct}/20 correct");
    }

    #[test]
    fn safetensors_round_trip_with_torchvision_style_keys() {
        let dev = Cpu::seed_from_u64(1);
        let net = dev.build_module::<Net, f32>();
        let dir = std::env::temp_dir().join(format!("glassbox-nn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("net.safetensors");
        net.save_safetensors(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let file = ::safetensors::SafeTensors::deserialize(&bytes).unwrap();
        let mut keys: Vec<_> = file.names().into_iter().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "0.0.bias",
                "0.0.weight",
                "1.0.bias",
                "1.0.weight",
                "1.3.bias",
                "1.3.weight"
            ]
        );
        assert_eq!(file.tensor("1.0.weight").unwrap().shape(), [8, 2, 3, 3]);
        let mut other = dev.build_module::<Net, f32>();
        assert_ne!(other.0 .0.weight.as_vec(), net.0 .0.weight.as_vec());
        other.load_safetensors(&path).unwrap();
        assert_eq!(other.0 .0.weight.as_vec(), net.0 .0.weight.as_vec());
        assert_eq!(other.1 .0.bias.as_vec(), net.1 .0.bias.as_vec());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn pool_and_flatten_layers_match_their_ops() {
        let dev = Cpu::seed_from_u64(3);
        let x: Tensor<(usize, Const<3>, usize, usize), f32, Cpu> =
            dev.sample_normal_like(&(2, Const, 7, 6));
        let dyn_x = x.clone().reshape_like(&(2, 3, 7, 6));
        let avg = glassbox::nn::AvgPool2d::<3, 2, 1>.forward(x.clone());
        assert_eq!(
            avg.as_vec(),
            glassbox::nn::avg_pool2d(dyn_x.clone(), 3, 2, 1)
                .unwrap()
                .as_vec()
        );
        let ada = glassbox::nn::AdaptiveAvgPool2d::<3, 2>.forward(x.clone());
        assert_eq!(*ada.shape(), (2, Const::<3>, 3, 2));
        let flat = glassbox::nn::Flatten.forward(x.clone());
        assert_eq!(*flat.shape(), (2, 126));
        assert_eq!(flat.as_vec(), x.as_vec());
        let max = MaxPool2d::<2, 2>.forward(dyn_x.clone());
        assert_eq!(
            max.as_vec(),
            glassbox::nn::max_pool2d(dyn_x, 2, 2, 0).unwrap().as_vec()
        );
    }

    #[test]
    fn initialisation_is_kaiming_uniform_like_pytorch() {
        let dev = Cpu::seed_from_u64(2);
        let conv = dev.build_module::<Conv2d<16, 32, 3, 1, 1, 1, 4>, f32>();
        let bound = 1.0 / ((16 / 4 * 9) as f32).sqrt();
        let w = conv.weight.as_vec();
        assert_eq!(w.len(), 32 * 4 * 9);
        assert!(w.iter().all(|v| v.abs() <= bound));
        let max = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(max > 0.9 * bound, "values should fill ±{bound}, max {max}");
        assert!(conv.bias.as_vec().iter().all(|v| v.abs() <= bound));
    }
}

/// Agreement with PyTorch on `fixtures/nn/nn_fixtures.json` (written by `gen_nn_fixtures.py`).
mod pytorch {
    use dfdx::prelude::*;
    use glassbox::nn::Dyn4;
    use glassbox::nn::*;
    use glassbox::*;
    use serde_json::Value;

    const FIXTURES: &str = include_str!("fixtures/nn/nn_fixtures.json");

    fn array(v: &Value) -> (Vec<usize>, Vec<f32>) {
        let shape = v["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        let data = v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_f64().unwrap() as f32)
            .collect();
        (shape, data)
    }

    fn t4(dev: &Cpu, v: &Value) -> Tensor<Dyn4, f32, Cpu> {
        let (s, data) = array(v);
        dev.tensor_from_vec(data, (s[0], s[1], s[2], s[3]))
    }

    fn pair(v: &Value) -> (usize, usize) {
        (
            v[0].as_u64().unwrap() as usize,
            v[1].as_u64().unwrap() as usize,
        )
    }

    /// Normwise relative error `max|a − b| / max|b|`.
    fn check(case: &str, what: &str, got: &[f32], want: &Value, tolerance: f64) -> f64 {
        let (_, want) = array(want);
        assert_eq!(got.len(), want.len(), "{case}: {what} length");
        let scale = want
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs() as f64))
            .max(1e-6);
        let err = got
            .iter()
            .zip(&want)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs() as f64))
            / scale;
        assert!(
            err <= tolerance,
            "{case}: {what} differs from PyTorch by {err:.2e} (relative)"
        );
        err
    }

    fn loss<S: Shape, T: Tape<f32, Cpu>>(
        y: Tensor<S, f32, Cpu, T>,
        r: &Value,
    ) -> Tensor<Rank0, f32, Cpu, T> {
        let (_, r) = array(r);
        let r = y.device().tensor_from_vec(r, *y.shape());
        (y * r).sum()
    }

    /// Which implementation of the ops a run checks.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Engine {
        /// glassbox's CPU kernels (what `Cpu` runs).
        Native,
        /// The ops composed from dfdx's own (what `Cuda` runs), here on the CPU.
        Portable,
    }

    type T4<T> = Tensor<Dyn4, f32, Cpu, T>;

    impl Engine {
        fn conv2d<T: Tape<f32, Cpu>>(
            self,
            x: T4<T>,
            w: &T4<NoneTape>,
            b: Option<&Tensor<(usize,), f32, Cpu>>,
            p: Conv2dParams,
        ) -> T4<T> {
            match self {
                Engine::Native => conv2d(x, w, b, p),
                Engine::Portable => nn::portable::conv2d(x, w, b, p),
            }
            .unwrap()
        }

        fn pool<T: Tape<f32, Cpu>>(self, op: &str, x: T4<T>, k: [usize; 3]) -> T4<T> {
            match (self, op) {
                (Engine::Native, "max_pool2d") => max_pool2d(x, k[0], k[1], k[2]),
                (Engine::Native, _) => avg_pool2d(x, k[0], k[1], k[2]),
                (Engine::Portable, "max_pool2d") => nn::portable::max_pool2d(x, k[0], k[1], k[2]),
                (Engine::Portable, _) => nn::portable::avg_pool2d(x, k[0], k[1], k[2]),
            }
            .unwrap()
        }

        fn adaptive<T: Tape<f32, Cpu>>(self, x: T4<T>, out: (usize, usize)) -> T4<T> {
            match self {
                Engine::Native => adaptive_avg_pool2d(x, out),
                Engine::Portable => nn::portable::adaptive_avg_pool2d(x, out),
            }
            .unwrap()
        }
    }

    #[test]
    fn every_op_agrees_with_pytorch_within_1e_4() {
        run_fixtures(Engine::Native);
    }

    #[test]
    fn every_portable_op_agrees_with_pytorch_within_1e_4() {
        run_fixtures(Engine::Portable);
    }

    fn run_fixtures(engine: Engine) {
        let doc: Value = serde_json::from_str(FIXTURES).unwrap();
        let tol = doc["tolerance"].as_f64().unwrap();
        let dev = Cpu::default();
        let cases = doc["cases"].as_array().unwrap();
        let mut worst = 0.0f64;
        for c in cases {
            let name = c["name"].as_str().unwrap();
            let (op, p, e) = (c["op"].as_str().unwrap(), &c["params"], &c["expected"]);
            let mut errs = vec![];
            if op == "upsample_bilinear" {
                let (s, m) = array(&c["x"]);
                let up = upsample_bilinear(&m, (s[0], s[1]), pair(&p["out"])).unwrap();
                errs.push(check(name, "y", &up, &e["y"], tol));
                worst = worst.max(errs[0]);
                continue;
            }
            let x = t4(&dev, &c["x"]);
            if op == "conv2d" {
                let w = t4(&dev, &c["weight"]);
                let b = c.get("bias").map(|b| {
                    let (s, d) = array(b);
                    dev.tensor_from_vec(d, (s[0],))
                });
                let params = Conv2dParams {
                    stride: pair(&p["stride"]),
                    padding: pair(&p["padding"]),
                    dilation: pair(&p["dilation"]),
                    groups: p["groups"].as_u64().unwrap() as usize,
                };
                let y = engine.conv2d(x.leaky_trace(), &w, b.as_ref(), params);
                errs.push(check(name, "y", &y.as_vec(), &e["y"], tol));
                let g = loss(y, &c["r"]).backward();
                errs.push(check(name, "dx", &g.get(&x).as_vec(), &e["dx"], tol));
                errs.push(check(name, "dw", &g.get(&w).as_vec(), &e["dw"], tol));
                if let Some(b) = &b {
                    errs.push(check(name, "db", &g.get(b).as_vec(), &e["db"], tol));
                }
            } else {
                let k = |n: &str| p[n].as_u64().unwrap() as usize;
                let xt = x.leaky_trace();
                let (y, g) = match op {
                    "max_pool2d" | "avg_pool2d" => {
                        let y = engine.pool(op, xt, [k("kernel"), k("stride"), k("padding")]);
                        (y.as_vec(), loss(y, &c["r"]).backward())
                    }
                    "adaptive_avg_pool2d" => {
                        let y = engine.adaptive(xt, pair(&p["out"]));
                        (y.as_vec(), loss(y, &c["r"]).backward())
                    }
                    "relu" => {
                        let y = glassbox::nn::relu(xt, ReluGrad::Standard).unwrap();
                        (y.as_vec(), loss(y, &c["r"]).backward())
                    }
                    "global_avg_pool" => {
                        let y = global_avg_pool(xt).unwrap();
                        (y.as_vec(), loss(y, &c["r"]).backward())
                    }
                    "flatten" => {
                        let y = flatten(xt).unwrap();
                        (y.as_vec(), loss(y, &c["r"]).backward())
                    }
                    other => panic!("fixture op {other} has no runner"),
                };
                errs.push(check(name, "y", &y, &e["y"], tol));
                errs.push(check(name, "dx", &g.get(&x).as_vec(), &e["dx"], tol));
            }
            let max = errs.iter().cloned().fold(0.0, f64::max);
            eprintln!("{engine:?} {name:40} max relative error {max:.1e}");
            worst = worst.max(max);
        }
        assert!(cases.len() >= 19);
        eprintln!("{engine:?}: worst over all cases {worst:.1e}");
    }
}

/// The portable ops (composed from dfdx's own, what non-CPU devices run) against the native
/// CPU kernels: values and every gradient, ties, errors, and a training run.
mod portable {
    use super::{rel, t1, t4, values, weighted_sum, T64};
    use dfdx::optim::{Adam, AdamConfig, Optimizer};
    use dfdx::prelude::*;
    use glassbox::nn::{portable, Dyn4};
    use glassbox::{nn::Conv2dParams, ErrorKind};

    #[test]
    fn conv2d_matches_the_native_kernels_in_value_and_every_gradient() {
        let dev = Cpu::default();
        let p = Conv2dParams::default;
        let cases: [([usize; 4], [usize; 4], Conv2dParams, bool); 7] = [
            ([2, 3, 7, 6], [4, 3, 3, 3], p().padding(1), true),
            (
                [1, 2, 9, 8],
                [3, 2, 3, 2],
                p().stride(2).padding(2).dilation(2),
                true,
            ),
            ([3, 6, 5, 7], [6, 2, 2, 3], p().groups(3).stride(2), true),
            ([2, 4, 6, 6], [4, 1, 3, 3], p().groups(4).padding(1), false),
            ([2, 5, 4, 3], [6, 5, 1, 1], p(), true),
            ([1, 2, 5, 5], [2, 2, 5, 5], p(), false),
            (
                [1, 2, 6, 9],
                [2, 2, 3, 3],
                Conv2dParams {
                    stride: (1, 2),
                    padding: (2, 0),
                    dilation: (1, 3),
                    groups: 1,
                },
                true,
            ),
        ];
        for (i, (xs, ws, params, with_bias)) in cases.into_iter().enumerate() {
            let x = t4(&dev, xs, 10 + i as u64);
            let w = t4(&dev, ws, 20 + i as u64);
            let b = t1(&dev, ws[0], 30 + i as u64);
            let bias = with_bias.then_some(&b);
            let native = glassbox::nn::conv2d(x.leaky_trace(), &w, bias, params).unwrap();
            let ported = portable::conv2d(x.leaky_trace(), &w, bias, params).unwrap();
            assert_eq!(native.shape(), ported.shape(), "case {i}");
            let err_y = rel(&ported.as_vec(), &native.as_vec());
            let gn = weighted_sum(native, 3).backward();
            let gp = weighted_sum(ported, 3).backward();
            let err_x = rel(&gp.get(&x).as_vec(), &gn.get(&x).as_vec());
            let err_w = rel(&gp.get(&w).as_vec(), &gn.get(&w).as_vec());
            let err_b = if with_bias {
                rel(&gp.get(&b).as_vec(), &gn.get(&b).as_vec())
            } else {
                0.0
            };
            eprintln!("case {i}: y {err_y:.1e} dx {err_x:.1e} dw {err_w:.1e} db {err_b:.1e}");
            for (what, e) in [("y", err_y), ("dx", err_x), ("dw", err_w), ("db", err_b)] {
                assert!(e < 1e-12, "case {i} {what}: portable differs by {e:.2e}");
            }
        }
    }

    /// Inputs with many ties (values in {−1, 0, 1}), where the first-maximum rule matters.
    fn tied(dev: &Cpu, shape: [usize; 4], seed: u64) -> T64 {
        let v = values(shape.iter().product(), seed)
            .into_iter()
            .map(|v| (v * 1.5).round())
            .collect();
        dev.tensor_from_vec(v, (shape[0], shape[1], shape[2], shape[3]))
    }

    #[test]
    fn pools_match_the_native_kernels_including_ties() {
        let dev = Cpu::default();
        type Op<T> = fn(Tensor<Dyn4, f64, Cpu, T>) -> glassbox::Result<Tensor<Dyn4, f64, Cpu, T>>;
        type Traced = OwnedTape<f64, Cpu>;
        type Pair = (&'static str, Op<Traced>, Op<Traced>);
        let ops: [Pair; 6] = [
            (
                "max 3/2/1",
                |x| glassbox::nn::max_pool2d(x, 3, 2, 1),
                |x| portable::max_pool2d(x, 3, 2, 1),
            ),
            (
                "max 2/2/0",
                |x| glassbox::nn::max_pool2d(x, 2, 2, 0),
                |x| portable::max_pool2d(x, 2, 2, 0),
            ),
            (
                "max 3/1/1",
                |x| glassbox::nn::max_pool2d(x, 3, 1, 1),
                |x| portable::max_pool2d(x, 3, 1, 1),
            ),
            (
                "avg 3/2/1",
                |x| glassbox::nn::avg_pool2d(x, 3, 2, 1),
                |x| portable::avg_pool2d(x, 3, 2, 1),
            ),
            (
                "adaptive 4x3",
                |x| glassbox::nn::adaptive_avg_pool2d(x, (4, 3)),
                |x| portable::adaptive_avg_pool2d(x, (4, 3)),
            ),
            (
                "adaptive 9x8 (up)",
                |x| glassbox::nn::adaptive_avg_pool2d(x, (9, 8)),
                |x| portable::adaptive_avg_pool2d(x, (9, 8)),
            ),
        ];
        for (name, native, ported) in ops {
            for (seed, x) in [
                (1, tied(&dev, [2, 3, 7, 6], 5)),
                (2, t4(&dev, [1, 2, 5, 8], 6)),
            ] {
                let yn = native(x.leaky_trace()).unwrap();
                let yp = ported(x.leaky_trace()).unwrap();
                if name.starts_with("max") {
                    assert_eq!(yp.as_vec(), yn.as_vec(), "{name} values (input {seed})");
                }
                let err = rel(&yp.as_vec(), &yn.as_vec());
                assert!(
                    err < 1e-14,
                    "{name} values (input {seed}) differ by {err:.2e}"
                );
                let gn = weighted_sum(yn, 4).backward().get(&x).as_vec();
                let gp = weighted_sum(yp, 4).backward().get(&x).as_vec();
                let err = rel(&gp, &gn);
                assert!(
                    err < 1e-12,
                    "{name} gradient (input {seed}) differs by {err:.2e}"
                );
            }
        }
        // NaNs win their windows (the last NaN gets the gradient), as in PyTorch.
        let mut v = values(2 * 3 * 7 * 6, 8);
        for i in [0, 5, 9, 40, 41, 100, 200] {
            v[i] = f64::NAN;
        }
        let x: T64 = dev.tensor_from_vec(v, (2, 3, 7, 6));
        let bits = |v: Vec<f64>| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        for (k, s, p) in [(3, 2, 1), (2, 2, 0), (3, 1, 1)] {
            let yn = glassbox::nn::max_pool2d(x.leaky_trace(), k, s, p).unwrap();
            let yp = portable::max_pool2d(x.leaky_trace(), k, s, p).unwrap();
            assert_eq!(
                bits(yp.as_vec()),
                bits(yn.as_vec()),
                "max {k}/{s}/{p} with NaNs"
            );
            let gn = weighted_sum(yn, 4).backward().get(&x).as_vec();
            let gp = weighted_sum(yp, 4).backward().get(&x).as_vec();
            assert_eq!(gp, gn, "max {k}/{s}/{p} gradient with NaNs");
        }
        // A window of equal values sends its gradient to its first element only, as PyTorch.
        let ones: T64 = dev.ones_like(&(1, 1, 2, 3));
        let g = portable::max_pool2d(ones.leaky_trace(), 2, 1, 0)
            .unwrap()
            .sum()
            .backward();
        assert_eq!(g.get(&ones).as_vec(), vec![1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn bad_input_gives_the_same_clear_errors_as_the_native_ops() {
        let dev = Cpu::default();
        let x = t4(&dev, [1, 3, 5, 5], 1);
        let p = Conv2dParams::default();
        let kind = |r: glassbox::Result<Tensor<Dyn4, f64, Cpu>>| {
            let e = r.unwrap_err();
            (e.kind().clone(), e.to_string())
        };
        let bad_w = t4(&dev, [2, 4, 3, 3], 2);
        let big_w = t4(&dev, [2, 3, 7, 7], 2);
        let bias = t1(&dev, 3, 3);
        let w = t4(&dev, [2, 3, 3, 3], 2);
        let pairs = [
            (
                glassbox::nn::conv2d(x.clone(), &bad_w, None, p),
                portable::conv2d(x.clone(), &bad_w, None, p),
            ),
            (
                glassbox::nn::conv2d(x.clone(), &big_w, None, p),
                portable::conv2d(x.clone(), &big_w, None, p),
            ),
            (
                glassbox::nn::conv2d(x.clone(), &w, Some(&bias), p),
                portable::conv2d(x.clone(), &w, Some(&bias), p),
            ),
            (
                glassbox::nn::conv2d(x.clone(), &w, None, p.groups(2)),
                portable::conv2d(x.clone(), &w, None, p.groups(2)),
            ),
            (
                glassbox::nn::max_pool2d(x.clone(), 7, 1, 0),
                portable::max_pool2d(x.clone(), 7, 1, 0),
            ),
            (
                glassbox::nn::max_pool2d(x.clone(), 2, 2, 2),
                portable::max_pool2d(x.clone(), 2, 2, 2),
            ),
            (
                glassbox::nn::avg_pool2d(x.clone(), 0, 1, 0),
                portable::avg_pool2d(x.clone(), 0, 1, 0),
            ),
            (
                glassbox::nn::adaptive_avg_pool2d(x.clone(), (0, 7)),
                portable::adaptive_avg_pool2d(x.clone(), (0, 7)),
            ),
        ];
        for (native, ported) in pairs {
            let (n, p) = (kind(native), kind(ported));
            assert_eq!(p, n);
            assert!(
                matches!(
                    n.0,
                    ErrorKind::Shape { .. } | ErrorKind::InvalidArgument { .. }
                ),
                "{}",
                n.1
            );
        }
    }

    /// The test net of `layers`, run through the portable ops by hand: its loss falls with Adam,
    /// and its first gradients equal those of the native layers.
    #[test]
    fn a_tiny_conv_net_trains_through_the_portable_ops() {
        use super::layers::{bars, Net};
        type Built = <Net as BuildOnDevice<Cpu, f32>>::Built;
        fn forward<T: Tape<f32, Cpu>>(
            net: &Built,
            x: Tensor<Dyn4, f32, Cpu, T>,
        ) -> Tensor<(usize, Const<2>), f32, Cpu, T> {
            let bias = |b: &Tensor<Rank1<4>, f32, Cpu>| b.clone().reshape_like(&(4usize,));
            let b2 = net.1 .0.bias.clone().reshape_like(&(8usize,));
            let (c1, c2) = (&net.0 .0, &net.1 .0);
            let h = portable::conv2d(x, &c1.weight, Some(&bias(&c1.bias)), c1.params()).unwrap();
            let h = portable::max_pool2d(h.relu(), 2, 2, 0).unwrap();
            let h = portable::conv2d(h, &c2.weight, Some(&b2), c2.params()).unwrap();
            let h = portable::adaptive_avg_pool2d(h.relu(), (1, 1)).unwrap();
            let n = h.shape().0;
            net.1 .3.forward(h.reshape_like(&(n, Const::<8>)))
        }
        let dev = Cpu::seed_from_u64(0);
        let mut net = dev.build_module::<Net, f32>();
        let (x, y) = bars(&dev, 32, 5);
        let x_dyn = x.clone().reshape_like(&(32usize, 1usize, 8usize, 8usize));

        // One step's gradients equal the native layers'.
        let native = cross_entropy_with_logits_loss(net.forward(x.leaky_trace()), y.clone());
        let ported = cross_entropy_with_logits_loss(forward(&net, x_dyn.leaky_trace()), y.clone());
        assert!((native.array() - ported.array()).abs() < 1e-5);
        let (gn, gp) = (native.backward(), ported.backward());
        let (w1, w2, lin) = (&net.0 .0.weight, &net.1 .0.weight, &net.1 .3.weight);
        let close = |a: Vec<f32>, b: Vec<f32>| {
            let s = b.iter().fold(1e-12f32, |m, v| m.max(v.abs()));
            a.iter().zip(&b).all(|(p, q)| (p - q).abs() <= 1e-4 * s)
        };
        assert!(
            close(gp.get(w1).as_vec(), gn.get(w1).as_vec()),
            "conv1 weight gradient"
        );
        assert!(
            close(gp.get(w2).as_vec(), gn.get(w2).as_vec()),
            "conv2 weight gradient"
        );
        assert!(
            close(gp.get(lin).as_vec(), gn.get(lin).as_vec()),
            "linear weight gradient"
        );

        let mut grads = net.alloc_grads();
        let mut opt = Adam::new(
            &net,
            AdamConfig {
                lr: 0.02,
                ..Default::default()
            },
        );
        let mut losses = Vec::new();
        for _ in 0..40 {
            let loss = cross_entropy_with_logits_loss(forward(&net, x_dyn.trace(grads)), y.clone());
            losses.push(loss.array());
            grads = loss.backward();
            opt.update(&mut net, &grads).unwrap();
            net.zero_grads(&mut grads);
        }
        let (first, last) = (losses[0], *losses.last().unwrap());
        eprintln!("portable training: loss {first:.4} → {last:.4}");
        assert!(last < 0.3 * first, "loss did not fall enough: {losses:?}");
    }
}

/// `conv2d_relu` is `relu(conv2d(..))` as one op: same values and gradients, both ReLU rules.
#[test]
fn fused_conv_relu_equals_conv_then_relu_in_value_and_every_gradient() {
    use glassbox::nn::conv2d_relu;
    let dev = Cpu::default();
    let p = Conv2dParams::default;
    let cases: [([usize; 4], [usize; 4], Conv2dParams); 3] = [
        ([2, 3, 7, 6], [4, 3, 3, 3], p().padding(1)),
        ([1, 4, 9, 8], [6, 2, 3, 2], p().stride(2).groups(2)),
        ([2, 5, 4, 3], [6, 5, 1, 1], p()),
    ];
    for (i, (xs, ws, params)) in cases.into_iter().enumerate() {
        let x = t4(&dev, xs, 40 + i as u64);
        let w = t4(&dev, ws, 50 + i as u64);
        let b = t1(&dev, ws[0], 60 + i as u64);
        for mode in [ReluGrad::Standard, ReluGrad::Guided] {
            let fused = conv2d_relu(x.leaky_trace(), &w, Some(&b), params, mode).unwrap();
            let apart = relu(conv2d(x.leaky_trace(), &w, Some(&b), params).unwrap(), mode).unwrap();
            assert_eq!(fused.as_vec(), apart.as_vec(), "case {i} {mode:?} values");
            assert!(
                fused.as_vec().contains(&0.0),
                "case {i}: some outputs clamp"
            );
            let gf = weighted_sum(fused, 5).backward();
            let ga = weighted_sum(apart, 5).backward();
            for (what, f, a) in [
                ("dx", gf.get(&x).as_vec(), ga.get(&x).as_vec()),
                ("dw", gf.get(&w).as_vec(), ga.get(&w).as_vec()),
                ("db", gf.get(&b).as_vec(), ga.get(&b).as_vec()),
            ] {
                let err = rel(&f, &a);
                assert!(err < 1e-12, "case {i} {mode:?} {what} differs by {err:.2e}");
            }
        }
        // Untraced, the fused op only clamps.
        let plain = conv2d_relu(x.clone(), &w, Some(&b), params, ReluGrad::Standard).unwrap();
        let apart = relu(
            conv2d(x.clone(), &w, Some(&b), params).unwrap(),
            ReluGrad::Standard,
        );
        assert_eq!(plain.as_vec(), apart.unwrap().as_vec());
    }
}

/// VGG16's convolutions (seeded weights, the cat photo) up to conv5_3 at 224², in f32 and in
/// float64 through the same ops: the relative L2 error of the f32 activations, printed.
#[test]
#[ignore = "slow: VGG16 to conv5_3 at 224² in f32 and float64"]
fn vgg16_conv5_3_f32_error_against_float64() {
    use glassbox::{data, Vgg16};
    let vgg = Vgg16::new(0);
    let x = data::Preprocess::default()
        .apply(&data::photo(data::Photo::Cat).unwrap())
        .unwrap();
    let dev = Cpu::default();
    let (b, c, h, w) = *x.shape();
    let x64: T64 =
        dev.tensor_from_vec(x.as_vec().iter().map(|&v| v as f64).collect(), (b, c, h, w));
    let tensors = vgg.named_tensors();
    let convs: Vec<_> = tensors.chunks(2).take(13).collect();
    let pools_after = [1, 3, 6, 9];
    let (mut a32, mut a64) = (x, x64);
    for (i, pair) in convs.iter().enumerate() {
        let (wk, ws, wv) = &pair[0];
        let (_, _, bv) = &pair[1];
        assert!(wk.starts_with("features."));
        let shape = (ws[0], ws[1], ws[2], ws[3]);
        let w32 = dev.tensor_from_vec(wv.clone(), shape);
        let b32 = dev.tensor_from_vec(bv.clone(), (bv.len(),));
        let w64 = dev.tensor_from_vec(wv.iter().map(|&v| v as f64).collect(), shape);
        let b64 = dev.tensor_from_vec(bv.iter().map(|&v| v as f64).collect(), (bv.len(),));
        let p = Conv2dParams::default().padding(1);
        a32 = relu(
            conv2d(a32, &w32, Some(&b32), p).unwrap(),
            ReluGrad::Standard,
        )
        .unwrap();
        a64 = relu(
            conv2d(a64, &w64, Some(&b64), p).unwrap(),
            ReluGrad::Standard,
        )
        .unwrap();
        if pools_after.contains(&i) {
            a32 = max_pool2d(a32, 2, 2, 0).unwrap();
            a64 = max_pool2d(a64, 2, 2, 0).unwrap();
        }
    }
    assert_eq!(a32.shape(), &(1, 512, 14, 14));
    let got: Vec<f64> = a32.as_vec().iter().map(|&v| v as f64).collect();
    let want = a64.as_vec();
    let diff: f64 = got.iter().zip(&want).map(|(g, w)| (g - w) * (g - w)).sum();
    let l2 = (diff / want.iter().map(|w| w * w).sum::<f64>()).sqrt();
    println!("VGG16 conv5_3 relative L2 (f32 vs float64): {l2:.3e}");
}
