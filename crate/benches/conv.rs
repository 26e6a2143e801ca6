//! VGG16's convolution stack (13 conv + ReLU as `conv2d_relu`, as glassbox's VGG runs them, 5
//! max-pools) at 224², built from glassbox's ops:
//! forward, and forward + backward to the input (saliency on a frozen model), batch 1 and 8.
//!
//! `cargo bench -p glassbox --bench conv` runs criterion (few samples: each iteration is
//! seconds). With `GLASSBOX_PEER=1` it instead times each case a fixed number of times and
//! prints one JSON line per case, which `benches/peers/conv_vs_torch.py` reads to put glassbox
//! beside PyTorch. `GLASSBOX_BENCH_BATCHES=1,8` picks the batch sizes; `GLASSBOX_CACHE=1` turns
//! on dfdx's allocation cache for the peer run (reused gradient buffers: about 5 % faster
//! backward passes here, at the price of memory the cache keeps).

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use dfdx::prelude::*;
use glassbox::nn::Dyn4;
use glassbox::{
    nn::{conv2d_relu, max_pool2d, without_weight_grads, Conv2dParams},
    ReluGrad,
};

/// torchvision's VGG16 `features`: channel counts, `0` = 2×2 max-pool.
const VGG16: [usize; 18] = [
    64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0,
];

/// A conv layer's weight and bias.
type Params = (Tensor<Dyn4, f32, Cpu>, Tensor<(usize,), f32, Cpu>);

struct Stack {
    convs: Vec<Params>,
}

impl Stack {
    fn new(dev: &Cpu) -> Self {
        let mut c_in = 3;
        let mut convs = Vec::new();
        for &c in VGG16.iter().filter(|&&c| c > 0) {
            let bound = 1.0 / ((c_in * 9) as f32).sqrt();
            let w = dev.sample_uniform_like(&(c, c_in, 3, 3)) * (2.0 * bound) - bound;
            let b = dev.sample_uniform_like(&(c,)) * (2.0 * bound) - bound;
            convs.push((w, b));
            c_in = c;
        }
        Self { convs }
    }

    fn forward<T: Tape<f32, Cpu>>(
        &self,
        mut x: Tensor<Dyn4, f32, Cpu, T>,
    ) -> Tensor<Dyn4, f32, Cpu, T> {
        let mut convs = self.convs.iter();
        let p = Conv2dParams::default().padding(1);
        for &c in &VGG16 {
            x = if c == 0 {
                max_pool2d(x, 2, 2, 0).unwrap()
            } else {
                let (w, b) = convs.next().unwrap();
                conv2d_relu(x, w, Some(b), p, ReluGrad::Standard).unwrap()
            };
        }
        x
    }

    /// Multiply-adds ×2 of the convolutions at `size`², batch `batch`.
    fn forward_flops(batch: usize, size: usize) -> f64 {
        let (mut c_in, mut s, mut flops) = (3usize, size, 0.0);
        for &c in &VGG16 {
            if c == 0 {
                s /= 2;
            } else {
                flops += 2.0 * (batch * c * s * s * c_in * 9) as f64;
                c_in = c;
            }
        }
        flops
    }
}

/// One forward pass (no tape).
fn forward(stack: &Stack, x: &Tensor<Dyn4, f32, Cpu>) -> f32 {
    stack.forward(x.clone()).as_vec()[0]
}

/// Forward with a tape, then the gradient of the summed output with respect to the input only.
fn saliency(stack: &Stack, x: &Tensor<Dyn4, f32, Cpu>) -> f32 {
    let y = without_weight_grads(|| stack.forward(x.leaky_trace()));
    y.sum().backward().get(x).as_vec()[0]
}

/// As [`saliency`], but also computing every weight gradient (what training pays).
fn saliency_with_weight_grads(stack: &Stack, x: &Tensor<Dyn4, f32, Cpu>) -> f32 {
    let y = stack.forward(x.leaky_trace());
    y.sum().backward().get(x).as_vec()[0]
}

type Case = (
    &'static str,
    fn(&Stack, &Tensor<Dyn4, f32, Cpu>) -> f32,
    f64,
);

const CASES: [Case; 3] = [
    ("forward", forward, 1.0),
    ("forward+input_grad", saliency, 2.0),
    (
        "forward+input_grad+weight_grads",
        saliency_with_weight_grads,
        3.0,
    ),
];

fn batches() -> Vec<usize> {
    std::env::var("GLASSBOX_BENCH_BATCHES")
        .ok()
        .map(|s| s.split(',').filter_map(|b| b.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 8])
}

/// Times each case `GLASSBOX_PEER_REPS` times (default 3) after `GLASSBOX_PEER_WARMUP` warm-up
/// runs (default 1); prints JSON lines.
fn peer() {
    let dev = Cpu::seed_from_u64(0);
    if std::env::var("GLASSBOX_CACHE").is_ok() {
        dev.enable_cache();
    }
    let stack = Stack::new(&dev);
    let reps: usize = std::env::var("GLASSBOX_PEER_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let warmup: usize = std::env::var("GLASSBOX_PEER_WARMUP")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let cases: Vec<String> = std::env::var("GLASSBOX_PEER_CASES")
        .map(|c| c.split(',').map(str::to_owned).collect())
        .unwrap_or_else(|_| CASES.iter().map(|c| c.0.to_owned()).collect());
    for batch in batches() {
        let x: Tensor<Dyn4, f32, Cpu> = dev.sample_normal_like(&(batch, 3, 224, 224));
        for (name, run, flop_factor) in CASES.iter().filter(|c| cases.iter().any(|n| n == c.0)) {
            for _ in 0..warmup {
                run(&stack, &x);
            }
            let mut times = Vec::new();
            for _ in 0..reps {
                let t = Instant::now();
                std::hint::black_box(run(&stack, &x));
                times.push(t.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            let gflop = Stack::forward_flops(batch, 224) * flop_factor / 1e9;
            println!(
                "{{\"case\":\"{name}\",\"batch\":{batch},\"median_s\":{:.4},\"min_s\":{:.4},\"gflop\":{gflop:.2},\"threads\":{}}}",
                times[times.len() / 2],
                times[0],
                rayon::current_num_threads()
            );
        }
    }
}

fn bench(c: &mut Criterion) {
    let dev = Cpu::seed_from_u64(0);
    let stack = Stack::new(&dev);
    let mut group = c.benchmark_group("vgg16_convs_224");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(5));
    for batch in batches() {
        let x: Tensor<Dyn4, f32, Cpu> = dev.sample_normal_like(&(batch, 3, 224, 224));
        for (name, run, flop_factor) in CASES {
            group.throughput(Throughput::Elements(
                (Stack::forward_flops(batch, 224) * flop_factor) as u64,
            ));
            group.bench_with_input(BenchmarkId::new(name, batch), &x, |b, x| {
                b.iter(|| run(&stack, x))
            });
        }
    }
    group.finish();
}

fn main() {
    if std::env::var("GLASSBOX_PEER").is_ok_and(|v| v == "1") {
        peer();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
