//! Projection speed: PCA, t-SNE (each repulsion method), UMAP and trustworthiness on Gaussian
//! blobs. Small sizes and few samples (the machine is shared); the peer comparison at full size
//! is `benches/peers/compare_projections.py`.

use criterion::{criterion_group, criterion_main, Criterion};
use glassbox::{project::TsneMethod, trustworthiness, Matrix, Pca, Tsne, Umap};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

fn blobs(n: usize, dims: usize) -> Matrix {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let normal = Normal::new(0.0f32, 1.0).unwrap();
    let centres: Vec<f32> = (0..10 * dims)
        .map(|_| normal.sample(&mut rng) * 8.0)
        .collect();
    let data = (0..n * dims)
        .map(|i| centres[(i / dims % 10) * dims + i % dims] + normal.sample(&mut rng))
        .collect();
    Matrix::new(n, dims, data).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("projection");
    g.sample_size(10);
    let wide = blobs(5000, 200);
    g.bench_function("pca 5000x200 -> 50", |b| {
        b.iter(|| Pca::new(50).fit(&wide).unwrap())
    });
    let data = blobs(2000, 50);
    for (name, method) in [
        ("t-sne exact 2000x50, 100 its", TsneMethod::Exact),
        ("t-sne barnes-hut 2000x50, 100 its", TsneMethod::BarnesHut),
        ("t-sne fft 2000x50, 100 its", TsneMethod::Fft),
    ] {
        let tsne = Tsne::default()
            .iterations(100)
            .exaggeration(12.0, 50)
            .method(method)
            .quiet(true);
        g.bench_function(name, |b| b.iter(|| tsne.fit(&data).unwrap()));
    }
    let umap = Umap::default().epochs(100);
    g.bench_function("umap 2000x50, 100 epochs", |b| {
        b.iter(|| umap.fit(&data).unwrap())
    });
    let map = Pca::new(2).fit(&data).unwrap();
    g.bench_function("trustworthiness 2000, k=10", |b| {
        b.iter(|| trustworthiness(&data, map.projection(), 10).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
