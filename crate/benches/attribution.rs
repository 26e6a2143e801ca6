//! Attribution latency: Saliency, Grad-CAM and Integrated Gradients (50 steps) at batch 1 and 16
//! on `MnistNet` (the same architecture is rebuilt in `peers/attribution_vs_captum.py`, which
//! times Captum / pytorch-grad-cam on PyTorch CPU with 2 threads and prints the ratios).
//!
//! Model: conv1 1→16 (3×3, pad 1) → ReLU → max-pool 2 → conv2 16→32 → ReLU → max-pool 2 →
//! conv3 32→64 → ReLU → global average pool → fc 64→10; input 1×28×28. Grad-CAM at `conv3`
//! (after its ReLU).
//!
//! With `GLASSBOX_BENCH_VGG16=1`, also Saliency and Grad-CAM (`conv5_3`) on VGG16 at 224², batch
//! 1 (random weights; IG-50 and batch 16 at 224² take minutes per sample on 2 cores).
//!
//! Run: `cargo bench -p glassbox --bench attribution`, then
//! `/work/pyenv/bin/python crate/benches/peers/attribution_vs_captum.py`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use glassbox::{testing, GradCam, IntegratedGradients, MnistNet, Saliency, Target, Vgg16};

fn bench(c: &mut Criterion) {
    let net = MnistNet::pretrained().unwrap();
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
                GradCam::new(&net, "conv3")
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
    if std::env::var("GLASSBOX_BENCH_VGG16").is_ok() {
        let vgg = Vgg16::new(0);
        let x = testing::random_input([1, 3, 224, 224], 1);
        let mut group = c.benchmark_group("attribution_vgg16");
        group
            .sample_size(10)
            .measurement_time(std::time::Duration::from_secs(20));
        group.bench_with_input(BenchmarkId::new("saliency", 1), &x, |b, x| {
            b.iter(|| Saliency::new(&vgg).explain(x, Target::Class(281)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("grad_cam", 1), &x, |b, x| {
            b.iter(|| {
                GradCam::new(&vgg, "conv5_3")
                    .explain(x, Target::Class(281))
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
