//! Attribution latency: Saliency, Grad-CAM and Integrated Gradients (50 steps) at batch 1 and 16
//! on an MNIST-shaped CNN (the same architecture as `peers/attribution_vs_captum.py`, which
//! times Captum / pytorch-grad-cam on PyTorch CPU with 2 threads and prints the ratios).
//!
//! Model: conv1 1→16 (3×3, pad 1) → ReLU → max-pool 2 → conv2 16→32 → ReLU → max-pool 2 →
//! conv3 32→64 → ReLU → global average pool → fc 64→10; input 1×28×28. Grad-CAM at `relu3`.
//!
//! Run: `cargo bench -p glassbox --bench attribution`, then
//! `/work/pyenv/bin/python crate/benches/peers/attribution_vs_captum.py`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use dfdx::prelude::*;
use glassbox::models::INPUT;
use glassbox::{
    conv2d, global_avg_pool, max_pool2d, testing, Activation, Conv2dParams, Error, Explain,
    GradCam, IntegratedGradients, LayerInfo, Logits, ReluGrad, Result, Saliency, Target,
};
use rand::{Rng, SeedableRng};

#[derive(Clone)]
enum Stage {
    Conv(
        Tensor<(usize, usize, usize, usize), f32, Cpu>,
        Tensor<(usize,), f32, Cpu>,
    ),
    Relu,
    MaxPool,
    Gap,
    Linear(Tensor<(usize, usize), f32, Cpu>, Tensor<(usize,), f32, Cpu>),
}

/// A sequential CNN on glassbox's engine ops.
#[derive(Clone)]
struct SeqNet {
    stages: Vec<(&'static str, Stage)>,
}

fn mnist_shaped() -> SeqNet {
    let dev = Cpu::default();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut conv = |o: usize, i: usize| {
        let bound = 1.0 / ((i * 9) as f32).sqrt();
        let w: Vec<f32> = (0..o * i * 9)
            .map(|_| rng.gen_range(-bound..bound))
            .collect();
        let b: Vec<f32> = (0..o).map(|_| rng.gen_range(-bound..bound)).collect();
        Stage::Conv(
            dev.tensor_from_vec(w, (o, i, 3, 3)),
            dev.tensor_from_vec(b, (o,)),
        )
    };
    let (c1, c2, c3) = (conv(16, 1), conv(32, 16), conv(64, 32));
    let fc = Stage::Linear(
        dev.tensor_from_vec(
            (0..640).map(|i| ((i % 13) as f32 - 6.0) / 20.0).collect(),
            (64, 10),
        ),
        dev.tensor_from_vec(vec![0.0; 10], (10,)),
    );
    SeqNet {
        stages: vec![
            ("conv1", c1),
            ("relu1", Stage::Relu),
            ("pool1", Stage::MaxPool),
            ("conv2", c2),
            ("relu2", Stage::Relu),
            ("pool2", Stage::MaxPool),
            ("conv3", c3),
            ("relu3", Stage::Relu),
            ("gap", Stage::Gap),
            ("fc", fc),
        ],
    }
}

impl SeqNet {
    fn index(&self, layer: &str) -> Result<usize> {
        if layer == INPUT {
            return Ok(0);
        }
        self.stages
            .iter()
            .position(|s| s.0 == layer)
            .map(|i| i + 1)
            .ok_or_else(|| {
                Error::unknown_layer(layer, self.stages.iter().map(|s| s.0.to_string()).collect())
            })
    }

    fn run<T: Tape<f32, Cpu>>(
        &self,
        mut x: Activation<T>,
        from: usize,
        to: usize,
        relu_mode: ReluGrad,
    ) -> Result<Activation<T>> {
        for (_, stage) in &self.stages[from..to] {
            x = match stage {
                Stage::Conv(w, b) => conv2d(
                    x,
                    w,
                    Some(b),
                    Conv2dParams {
                        padding: (1, 1),
                        ..Default::default()
                    },
                )?,
                Stage::Relu => glassbox::relu(x, relu_mode)?,
                Stage::MaxPool => max_pool2d(x, 2, 2, 0)?,
                Stage::Gap => {
                    let (b, c, _, _) = *x.shape();
                    global_avg_pool(x)?.reshape_like(&(b, c, 1, 1))
                }
                Stage::Linear(w, bias) => {
                    let (b, n, _, _) = *x.shape();
                    let k = w.shape().1;
                    let y = x.reshape_like(&(b, n)).matmul(w.clone())
                        + bias.clone().broadcast_like::<_, Axis<0>>(&(b, k));
                    y.reshape_like(&(b, k, 1, 1))
                }
            };
        }
        Ok(x)
    }
}

impl Explain for SeqNet {
    fn name(&self) -> &str {
        "MnistShapedCnn"
    }
    fn input_shape(&self) -> [usize; 3] {
        [1, 28, 28]
    }
    fn num_classes(&self) -> usize {
        10
    }
    fn layers(&self) -> Vec<LayerInfo> {
        self.stages
            .iter()
            .map(|(name, _)| LayerInfo {
                name: name.to_string(),
                key: None,
                kind: String::new(),
                group: None,
                out_shape: [0; 3],
                params: 0,
            })
            .collect()
    }
    fn forward_to<T: Tape<f32, Cpu>>(
        &self,
        x: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Activation<T>> {
        let to = self.index(layer)?;
        self.run(x, 0, to, relu)
    }
    fn forward_from<T: Tape<f32, Cpu>>(
        &self,
        a: Activation<T>,
        layer: &str,
        relu: ReluGrad,
    ) -> Result<Logits<T>> {
        let from = self.index(layer)?;
        let b = a.shape().0;
        Ok(self
            .run(a, from, self.stages.len(), relu)?
            .reshape_like(&(b, 10)))
    }
}

fn bench(c: &mut Criterion) {
    let net = mnist_shaped();
    let mut group = c.benchmark_group("attribution");
    group
        .sample_size(10)
        .measurement_time(std::time::Duration::from_secs(3));
    for batch in [1usize, 16] {
        let x = testing::random_input([batch, 1, 28, 28], 1);
        let target = Target::Classes((0..batch).map(|i| i % 10).collect());
        group.bench_with_input(BenchmarkId::new("saliency", batch), &x, |b, x| {
            b.iter(|| Saliency::new(&net).explain(x, target.clone()).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("grad_cam", batch), &x, |b, x| {
            b.iter(|| {
                GradCam::new(&net, "relu3")
                    .explain(x, target.clone())
                    .unwrap()
            })
        });
        group.bench_with_input(
            BenchmarkId::new("integrated_gradients_50", batch),
            &x,
            |b, x| {
                b.iter(|| {
                    IntegratedGradients::new(&net)
                        .batch_size(50 * batch)
                        .explain(x, target.clone())
                        .unwrap()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
