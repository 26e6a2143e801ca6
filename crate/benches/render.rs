//! Rendering speed: a 70,000-point scatter to PNG (target ≤ 150 ms) and a 64-tile feature grid.
//!
//! Run: `cargo bench -p glassbox --bench render`

use criterion::{criterion_group, criterion_main, Criterion};
use glassbox::{render::TileScaling, Colormap, ImageGrid, Picture, Scatter};
use rand::{Rng, SeedableRng};

fn scatter_70k(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let labels: Vec<usize> = (0..70_000).map(|_| rng.gen_range(0..10)).collect();
    let points: Vec<[f32; 2]> = labels
        .iter()
        .map(|&l| {
            let a = l as f32 * 0.628;
            [
                10.0 * a.cos() + rng.gen_range(-2.0..2.0),
                10.0 * a.sin() + rng.gen_range(-2.0..2.0),
            ]
        })
        .collect();
    let plot = Scatter::new(&points).labels(&labels).title("70k points");
    c.bench_function("scatter 70k points to PNG", |b| {
        b.iter(|| plot.figure().and_then(|f| f.to_png()).map(|png| png.len()))
    });
}

fn feature_grid_64(c: &mut Criterion) {
    let tiles: Vec<Picture> = (0..64)
        .map(|k| {
            let v = (0..28 * 28)
                .map(|i| ((i * (k + 1)) % 97) as f32 / 97.0)
                .collect();
            Picture::gray(28, 28, v).unwrap()
        })
        .collect();
    let grid = ImageGrid::new(tiles)
        .titles((0..64).map(|k| k.to_string()))
        .colormap(Colormap::Viridis)
        .scaling(TileScaling::PerTile);
    c.bench_function("feature grid 64 tiles to PNG", |b| {
        b.iter(|| grid.figure().and_then(|f| f.to_png()).map(|png| png.len()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = scatter_70k, feature_grid_64
}
criterion_main!(benches);
