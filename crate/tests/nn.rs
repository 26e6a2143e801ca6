//! Integration tests of the conv/pool engine: finite-difference gradients (f64), PyTorch
//! fixtures (f32), bad input, typed layers with dfdx optimisers and safetensors.

use dfdx::prelude::*;
use glassbox::nn::Dyn4;
use glassbox::{
    adaptive_avg_pool2d, avg_pool2d, conv2d, flatten, global_avg_pool, max_pool2d, relu,
    without_weight_grads, Conv2dParams, ErrorKind, ReluGrad,
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
    assert!(glassbox::upsample_bilinear(&[1.0; 5], (2, 2), (4, 4)).is_err());
}

#[test]
fn typed_layers_reject_bad_runtime_input_through_try_forward_and_apply() {
    let dev = Cpu::default();
    let conv = dev.build_module::<glassbox::Conv2d<3, 4, 3>, f32>();
    let wrong: Tensor<Dyn4, f32, Cpu> = dev.zeros_like(&(1, 5, 8, 8));
    let e = conv.apply(wrong.clone()).unwrap_err();
    assert!(e.to_string().contains("[B, 3, H, W]"), "{e}");
    assert!(conv.try_forward(wrong).is_err());
    let tiny: Tensor<(usize, Const<3>, usize, usize), f32, Cpu> = dev.zeros_like(&(1, Const, 2, 2));
    assert!(conv.try_forward(tiny).is_err());
    let flat: Tensor<(usize, Const<3>, usize, usize), f32, Cpu> = dev.zeros_like(&(1, Const, 2, 2));
    assert!(glassbox::FlattenTo::<13>.try_forward(flat).is_err());
}
