//! Rules and tabular attribution speed: CART fits (compare with scikit-learn via
//! `benches/peers/rules_peer.py`, which reads these results and prints the ratios) and
//! Integrated Gradients on the tabular MLP.
//!
//! `cargo bench -p glassbox --bench rules`, then `/work/pyenv/bin/python crate/benches/peers/rules_peer.py`.

use criterion::{criterion_group, criterion_main, Criterion};
use glassbox::attribution::Quadrature;
use glassbox::data::tabular::{breast_cancer, credit_risk};
use glassbox::{Cart, Fit, IntegratedGradients, TabularMlp, Target};

fn benches(c: &mut Criterion) {
    let cancer = breast_cancer().unwrap();
    let credit = credit_risk(20_000, 7).unwrap();
    // The peer script fits scikit-learn on exactly these rows.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/rules-bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("credit_20k.csv"), credit.to_csv()).unwrap();

    let mut g = c.benchmark_group("cart_fit");
    g.sample_size(10);
    g.bench_function("breast_cancer_depth4", |b| {
        b.iter(|| Cart::new().max_depth(4).fit(&cancer).unwrap())
    });
    g.bench_function("credit_20k_depth6", |b| {
        b.iter(|| Cart::new().max_depth(6).fit(&credit).unwrap())
    });
    g.finish();

    let data = credit_risk(2000, 7).unwrap();
    let net = TabularMlp::<6>::train(
        &data,
        Fit {
            epochs: 5,
            verbose: false,
            ..Fit::tabular()
        },
    )
    .unwrap();
    let x = net
        .inputs(&data.select(&(0..500).collect::<Vec<_>>()).unwrap())
        .unwrap();
    let mut g = c.benchmark_group("tabular_attribution");
    g.sample_size(10);
    g.bench_function("integrated_gradients_500x50", |b| {
        b.iter(|| {
            IntegratedGradients::new(&net)
                .quadrature(Quadrature::Trapezoid)
                .explain(&x, Target::Class(1))
                .and_then(|a| a.per_feature(data.feature_names()))
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(rules, benches);
criterion_main!(rules);
