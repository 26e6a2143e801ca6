//! Model benches: MnistNet training step and inference, a hidden layer for all 10,000 shipped
//! digits, ImageNet preprocessing.
//!
//! `cargo bench -p glassbox --bench models`. An epoch of `MnistNet::train` is 251 steps of
//! batch 32 plus one test-split evaluation (4 × 500 images). The embedding bench reports
//! digits/s (criterion's `elem/s`): `gap` for the train and test splits through `embed_batches`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dfdx::losses::cross_entropy_with_logits_loss;
use dfdx::nn::ZeroGrads;
use dfdx::prelude::*;
use glassbox::{data, Embed, Explain, MnistNet};

fn mnist_net(c: &mut Criterion) {
    let mnist = data::mnist().unwrap();
    let net = MnistNet::pretrained().unwrap();
    let dev = Cpu::default();
    let x = mnist.train.images(0..32).unwrap();
    let mut onehot = vec![0.0f32; 32 * 10];
    for i in 0..32 {
        onehot[i * 10 + mnist.train.label(i)] = 1.0;
    }
    let y = dev.tensor_from_vec(onehot, (32, 10));
    let mut grads = net.alloc_grads();
    c.bench_function("mnist_net/train_step_batch32", |b| {
        b.iter(|| {
            let logits = net.forward(x.clone().traced(grads.clone())).unwrap();
            let g = cross_entropy_with_logits_loss(logits, y.clone()).backward();
            net.zero_grads(&mut grads);
            g
        })
    });
    let test = mnist.test.images(0..500).unwrap();
    c.bench_function("mnist_net/predict_500", |b| {
        b.iter(|| net.predict(&test).unwrap())
    });
}

/// `gap` (64 numbers per digit) for all 10,000 digits, as the projection tutorials use it.
fn embed_all_digits(c: &mut Criterion) {
    let mnist = data::mnist().unwrap();
    let net = MnistNet::pretrained().unwrap();
    let digits = mnist.train.len() + mnist.test.len();
    let mut group = c.benchmark_group("mnist_net/embed_gap");
    group.throughput(Throughput::Elements(digits as u64));
    group.bench_function(format!("{digits}_digits"), |b| {
        b.iter(|| {
            let batches = mnist
                .train
                .batches(512)
                .unwrap()
                .chain(mnist.test.batches(512).unwrap());
            let rows = net.embed_batches(batches, "gap").unwrap();
            assert_eq!(rows.rows(), digits);
            rows
        })
    });
    group.finish();
}

fn preprocess(c: &mut Criterion) {
    let cat = data::photo(data::Photo::Cat).unwrap();
    let p = data::Preprocess::default();
    c.bench_function("imagenet/preprocess_cat_451x300", |b| {
        b.iter(|| p.apply(&cat).unwrap())
    });
    c.bench_function("data/mnist_decode", |b| b.iter(|| data::mnist().unwrap()));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(5));
    targets = mnist_net, embed_all_digits, preprocess
}
criterion_main!(benches);
