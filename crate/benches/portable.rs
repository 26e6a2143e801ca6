//! The portable ops (composed from dfdx's own; what dfdx's `Cuda` runs) beside the native CPU
//! kernels, on the CPU: one VGG16 block-2 layer (conv 3×3 128→128, ReLU, 2×2 max-pool) at 56²,
//! batch 1, forward and forward + input gradient.
//!
//! `cargo bench -p glassbox --bench portable` first prints `portable / native` time ratios
//! (median of 5 runs each, alternating), then runs criterion on the same cases. On the CPU the
//! ratio is the price of composing from dfdx's generic kernels (its CPU `gather` backward is
//! a serial scatter); on a GPU the same code runs on cuBLAS and dfdx's CUDA kernels.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use dfdx::prelude::*;
use glassbox::nn::Conv2dParams;
use glassbox::nn::{portable, Dyn4};

type T4<T = NoneTape> = Tensor<Dyn4, f32, Cpu, T>;

struct Layer {
    w: T4,
    b: Tensor<(usize,), f32, Cpu>,
}

#[derive(Clone, Copy, Debug)]
enum Engine {
    Native,
    Portable,
}

impl Layer {
    fn forward<T: Tape<f32, Cpu>>(&self, x: T4<T>, engine: Engine) -> T4<T> {
        let p = Conv2dParams::default().padding(1);
        match engine {
            Engine::Native => {
                let h = glassbox::nn::conv2d(x, &self.w, Some(&self.b), p).unwrap();
                glassbox::nn::max_pool2d(h.relu(), 2, 2, 0).unwrap()
            }
            Engine::Portable => {
                let h = portable::conv2d(x, &self.w, Some(&self.b), p).unwrap();
                portable::max_pool2d(h.relu(), 2, 2, 0).unwrap()
            }
        }
    }
}

fn forward(layer: &Layer, x: &T4, engine: Engine) -> f32 {
    layer.forward(x.clone(), engine).sum::<Rank0, _>().array()
}

fn input_grad(layer: &Layer, x: &T4, engine: Engine) -> f32 {
    let g = layer
        .forward(x.leaky_trace(), engine)
        .sum::<Rank0, _>()
        .backward();
    g.get(x).as_vec()[0]
}

type Case = (&'static str, fn(&Layer, &T4, Engine) -> f32);
const CASES: [Case; 2] = [("forward", forward), ("forward+input_grad", input_grad)];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dev = Cpu::seed_from_u64(0);
    let layer = Layer {
        w: dev.sample_normal_like(&(128, 128, 3, 3)) * 0.03,
        b: dev.sample_normal_like(&(128,)) * 0.1,
    };
    let x: T4 = dev.sample_normal_like(&(1, 128, 56, 56));
    println!("portable vs native, VGG16 conv 128→128 3×3 + ReLU + max-pool at 56², batch 1:");
    for (name, run) in CASES {
        let (mut native, mut ported) = (vec![], vec![]);
        for _ in 0..5 {
            for (engine, times) in [
                (Engine::Native, &mut native),
                (Engine::Portable, &mut ported),
            ] {
                let t = Instant::now();
                std::hint::black_box(run(&layer, &x, engine));
                times.push(t.elapsed().as_secs_f64());
            }
        }
        let (n, p) = (median(native), median(ported));
        println!(
            "  {name:20} native {:8.2} ms   portable {:8.2} ms   portable/native {:6.1}×",
            n * 1e3,
            p * 1e3,
            p / n
        );
    }
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("portable_vs_native_conv128_56");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(3));
    for (name, run) in CASES {
        for engine in [Engine::Native, Engine::Portable] {
            let id = BenchmarkId::new(name, format!("{engine:?}"));
            group.bench_function(id, |b| b.iter(|| run(&layer, &x, engine)));
        }
    }
    group.finish();
    c.final_summary();
}
