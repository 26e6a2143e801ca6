//! Renders the glassbox display gallery into `docs/gallery/` (synthetic data, no download).
//!
//! Run: `cargo run -p glassbox --release --example gallery [-- out_dir]`

use glassbox::{
    gallery, render::TileScaling, BarChart, Colormap, Figure, HeatMap, ImageGrid, LineChart,
    Picture, Result, Scaling, Scatter, Sign, Table,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

/// A 28×28 digit drawn with the embedded font (white on black, like MNIST).
fn digit(d: usize) -> Result<Picture> {
    let fig = Figure::draw(28, 28, "digit", |area| {
        area.fill(&BLACK).map_err(glassbox::Error::render)?;
        let style = ("sans-serif", 22)
            .into_font()
            .color(&WHITE)
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw(&Text::new(d.to_string(), (14, 14), style))
            .map_err(glassbox::Error::render)
    })?;
    let gray = fig.rgb().chunks(3).map(|p| p[0] as f32 / 255.0).collect();
    Picture::gray(28, 28, gray)
}

/// A 96×128 synthetic "photo": a sky gradient, a sun and a hill.
fn photo() -> Result<Picture> {
    let (h, w) = (96, 128);
    let mut px = vec![0.0f32; 3 * h * w];
    for y in 0..h {
        for x in 0..w {
            let (fy, fx) = (y as f32 / h as f32, x as f32 / w as f32);
            let sun = ((fx - 0.72).powi(2) + (fy - 0.3).powi(2)).sqrt() < 0.12;
            let hill = fy > 0.65 + 0.12 * (fx * 6.0).sin();
            let rgb = if sun {
                [1.0, 0.85, 0.3]
            } else if hill {
                [0.2, 0.55 - 0.2 * fy, 0.2]
            } else {
                [0.45 + 0.3 * fy, 0.65 + 0.2 * fy, 0.95]
            };
            for c in 0..3 {
                px[c * h * w + y * w + x] = rgb[c];
            }
        }
    }
    Picture::from_chw(3, h, w, px)
}

/// A signed attribution map: positive on the sun, negative on part of the hill.
fn attribution(h: usize, w: usize) -> Vec<f32> {
    let blob = |y: usize, x: usize, cy: f32, cx: f32, s: f32| {
        let (dy, dx) = (y as f32 / h as f32 - cy, x as f32 / w as f32 - cx);
        (-(dy * dy + dx * dx) / (2.0 * s * s)).exp()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let noise = Normal::new(0.0f32, 0.04).unwrap();
    (0..h * w)
        .map(|i| {
            let (y, x) = (i / w, i % w);
            blob(y, x, 0.3, 0.72, 0.08) - 0.6 * blob(y, x, 0.8, 0.25, 0.1) + noise.sample(&mut rng)
        })
        .collect()
}

fn main() -> Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docs/gallery".into());
    let out = std::path::Path::new(&out);
    std::fs::create_dir_all(out).map_err(|e| glassbox::Error::io(out, e))?;

    // 1. Colormaps: each one as a gradient strip.
    let ramp: Vec<f32> = (0..256).map(|i| i as f32 / 255.0).collect();
    let strips: Vec<Picture> = Colormap::ALL
        .iter()
        .map(|c| {
            let map = HeatMap::new(1, 256, ramp.clone())?
                .colormap(*c)
                .scaling(Scaling::MinMax);
            map.to_picture()?
                .resized(20, 256, glassbox::Interpolation::Nearest)
        })
        .collect::<Result<_>>()?;
    ImageGrid::new(strips)
        .titles(Colormap::ALL.iter().map(|c| c.name()))
        .columns(2)
        .tile_side(256)
        .title("Colormaps (matplotlib data)")
        .figure()?
        .save(out.join("colormaps.png"))?;

    // 2. Captum's display modes on one attribution map.
    let image = photo()?;
    let attr = attribution(image.height(), image.width());
    let map = HeatMap::new(image.height(), image.width(), attr.clone())?;
    gallery![
        "Original" => map.clone().original(&image),
        "Heat map |a|" => map.clone().colormap(Colormap::Inferno),
        "Blended, all signs" => map.clone().sign(Sign::All).blended(&image),
        "Masked" => map.clone().sign(Sign::Positive).masked(&image),
        "Alpha scaling" => map.clone().sign(Sign::Positive).alpha_scaled(&image),
    ]
    .columns(3)
    .title("One attribution map, five displays")
    .figure()?
    .save(out.join("heatmap_modes.png"))?;

    // 3. Sign modes and scaling.
    gallery![
        "Absolute" => map.clone().sign(Sign::Absolute),
        "Positive" => map.clone().sign(Sign::Positive).colormap(Colormap::Magma),
        "Negative" => map.clone().sign(Sign::Negative).colormap(Colormap::Magma),
        "All (diverging)" => map.clone().sign(Sign::All),
        "All, min-max" => map.clone().sign(Sign::All).scaling(Scaling::MinMax),
        "Jet (for comparison)" => map.clone().colormap(Colormap::Jet),
    ]
    .columns(3)
    .title("Sign modes and scaling (outlier 2 % unless noted)")
    .figure()?
    .save(out.join("heatmap_signs.png"))?;

    // 4. Digits: tiny 28×28 pictures at a readable size.
    let digits: Vec<Picture> = (0..10).map(digit).collect::<Result<_>>()?;
    ImageGrid::new(digits.clone())
        .titles((0..10).map(|d| format!("label {d}")))
        .columns(5)
        .tile_side(84)
        .title("Sample digits")
        .figure()?
        .save(out.join("digits.png"))?;

    // 5. Feature maps: 64 channels of oriented responses.
    let (h, w) = (14, 14);
    let channels: Vec<Picture> = (0..64)
        .map(|c| {
            let angle = c as f32 * std::f32::consts::PI / 16.0;
            let freq = 0.4 + (c / 16) as f32 * 0.25;
            let v = (0..h * w)
                .map(|i| {
                    let (y, x) = ((i / w) as f32 - 7.0, (i % w) as f32 - 7.0);
                    ((x * angle.cos() + y * angle.sin()) * freq).sin().max(0.0)
                        * (-(x * x + y * y) / 60.0).exp()
                })
                .collect();
            Picture::gray(h, w, v)
        })
        .collect::<Result<_>>()?;
    ImageGrid::new(channels)
        .titles((0..64).map(|c| format!("{c}")))
        .colormap(Colormap::Viridis)
        .scaling(TileScaling::Shared)
        .tile_side(64)
        .title("conv1 feature maps (shared scale)")
        .figure()?
        .save(out.join("feature_maps.png"))?;

    // 6. Training curves.
    let steps: Vec<usize> = (0..200).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let train: Vec<f32> = steps
        .iter()
        .map(|&s| 2.3 * (-(s as f32) / 40.0).exp() + 0.05 + rng.gen_range(0.0..0.04))
        .collect();
    let val: Vec<f32> = steps
        .iter()
        .map(|&s| 2.3 * (-(s as f32) / 45.0).exp() + 0.09)
        .collect();
    let accuracy: Vec<f32> = val.iter().map(|v| 1.0 - 0.9 * v / 2.4).collect();
    gallery![
        "Loss" => LineChart::new()
            .x_label("step")
            .y_label("cross-entropy")
            .log_y(true)
            .series("train", &steps, &train)
            .series("validation", &steps, &val)
            .size(520, 340),
        "Accuracy" => LineChart::new()
            .x_label("step")
            .y_label("accuracy")
            .y_range(0.0, 1.0)
            .series("validation", &steps, &accuracy)
            .size(520, 340),
    ]
    .figure()?
    .save(out.join("training_curves.png"))?;

    // 7. A 70,000-point embedding with digit thumbnails.
    let (points, labels) = clusters(70_000, 10, 11);
    let mut scatter = Scatter::new(&points)
        .labels(&labels)
        .class_names((0..10).map(|d| format!("digit {d}")))
        .title("70,000 points, 10 classes")
        .x_label("t-SNE 1")
        .y_label("t-SNE 2")
        .size(760, 600);
    for (d, picture) in digits.iter().enumerate() {
        let i = labels.iter().position(|&l| l == d).unwrap_or(0);
        scatter = scatter.thumbnail(i, picture.clone());
    }
    scatter.figure()?.save(out.join("scatter.png"))?;

    // 7b. Continuous colours: distance from the origin, with a colorbar.
    let (few, _) = clusters(4_000, 10, 5);
    let radius: Vec<f32> = few
        .iter()
        .map(|p| (p[0] * p[0] + p[1] * p[1]).sqrt())
        .collect();
    Scatter::new(&few)
        .values(&radius, Colormap::Plasma)
        .title("Continuous colour: distance from the origin")
        .size(640, 520)
        .figure()?
        .save(out.join("scatter_values.png"))?;

    // 8. Bars: signed per-feature attributions and top-k predictions.
    let features = [
        "petal length",
        "petal width",
        "sepal length",
        "sepal width",
        "bias",
    ];
    let probs = [0.01, 0.02, 0.05, 0.71, 0.01, 0.12, 0.03, 0.02, 0.02, 0.01];
    let names: Vec<String> = (0..10).map(|d| format!("digit {d}")).collect();
    gallery![
        "Attribution per feature" => BarChart::new(features, &[0.82, 0.41, -0.27, -0.08, 0.03])
            .x_label("attribution (logit units)"),
        "Top-5 predictions" => BarChart::top_k(&probs, &names, 5)?.x_label("probability"),
    ]
    .figure()?
    .save(out.join("bars.png"))?;

    let table = Table::new(["figure", "what it shows"])
        .row(["colormaps.png", "the eight colormaps"])
        .row(["heatmap_modes.png", "Captum's display modes"]);
    println!("{table}");
    println!("wrote the gallery to {}", out.display());
    Ok(())
}

/// `n` points in `k` Gaussian clusters on a ring, with labels.
fn clusters(n: usize, k: usize, seed: u64) -> (Vec<[f32; 2]>, Vec<usize>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let spread = Normal::new(0.0f32, 1.0).unwrap();
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let c = rng.gen_range(0..k);
        let angle = c as f32 / k as f32 * std::f32::consts::TAU;
        let r = 12.0 + (c % 3) as f32 * 4.0;
        let s = 1.2 + (c % 4) as f32 * 0.4;
        points.push([
            r * angle.cos() + s * spread.sample(&mut rng),
            r * angle.sin() + s * 0.7 * spread.sample(&mut rng),
        ]);
        labels.push(c);
    }
    (points, labels)
}
