//! Bad input over the public API: every case must return a `glassbox::Error` of the expected
//! kind whose message names the argument and the fix, and must not panic.
//!
//! The catalogue is a table per area (render, data, models, attribution, inspect, project,
//! evaluate, rules, track); `catalogue_is_large_enough` keeps it from shrinking. At the end, a
//! seeded byte-mutation test loads 5,000 damaged copies of the shipped `mnist_net.safetensors`.
//! (The file is long because the catalogue is data: about a hundred cases, six lines each.)

use std::panic::{catch_unwind, AssertUnwindSafe};

use glassbox::data::{Mnist, Preprocess};
use glassbox::evaluate::spearman;
use glassbox::models::write_safetensors;
use glassbox::{
    data::tabular::Standardizer,
    data::tabular::Tabular,
    inspect::FeatureMaps,
    knn_accuracy, knn_recall,
    models::Checkpoint,
    nn::upsample_bilinear,
    permutation_importance, testing, top_k,
    track::{smooth, TensorBoardWriter},
    trustworthiness, write_projector, Attribution, BarChart, Cart, DeletionInsertion, ErrorKind,
    Figure, Fit, GradCam, GradientXInput, GuidedGradCam, HeatMap, ImageGrid, IntegratedGradients,
    Interpolation, LineChart, Matrix, MnistNet, Occlusion, Pca, Picture, Result, Run, Saliency,
    Scatter, ScoreCam, SmoothGrad, TabularMlp, Target, Tsne, Umap,
};

/// One bad input: what to run, the kind of error it must give, and words its message must hold
/// (the argument's name and the fix), compared case-insensitively.
struct Case {
    name: &'static str,
    run: Box<dyn Fn() -> Result<()>>,
    kind: fn(&ErrorKind) -> bool,
    words: &'static [&'static str],
}

macro_rules! case {
    ($name:literal, $kind:pat, [$($word:literal),*], $body:expr) => {
        Case {
            name: $name,
            run: Box::new(move || $body.map(|_| ())),
            kind: |k| matches!(k, $kind),
            words: &[$($word),*],
        }
    };
}

/// Runs every case, collecting all failures so one report lists them together.
fn check(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for case in &cases {
        let outcome = catch_unwind(AssertUnwindSafe(|| (case.run)()));
        let problem = match outcome {
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Some(format!("panicked: {msg}"))
            }
            Ok(Ok(())) => Some("succeeded, an error was expected".to_string()),
            Ok(Err(e)) => {
                let text = e.to_string().to_lowercase();
                let missing: Vec<_> = case
                    .words
                    .iter()
                    .filter(|w| !text.contains(&w.to_lowercase()))
                    .collect();
                if !(case.kind)(e.kind()) {
                    Some(format!("wrong kind {:?} ({e})", e.kind()))
                } else if !missing.is_empty() {
                    Some(format!("message lacks {missing:?}: {e}"))
                } else {
                    None
                }
            }
        };
        if let Some(p) = problem {
            failures.push(format!("{}: {p}", case.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn tensor(values: Vec<f32>, [b, c, h, w]: [usize; 4]) -> glassbox::Activation {
    use dfdx::prelude::*;
    Cpu::default().tensor_from_vec(values, (b, c, h, w))
}

fn table() -> Tabular {
    Tabular::new(
        vec!["a".into(), "b".into()],
        vec![0., 1., 1., 0., 2., 3., 3., 1., 4., 0., 5., 2.],
        vec![0, 0, 0, 1, 1, 1],
        vec!["no".into(), "yes".into()],
    )
    .unwrap()
}

fn gap_map() -> Attribution {
    GradCam::new(&testing::gap_net(), "relu")
        .explain(&testing::random_input([1, 1, 6, 6], 0), Target::Class(1))
        .unwrap()
}

fn points() -> Matrix {
    let data: Vec<f32> = (0..40).map(|i| ((i * 7919) % 23) as f32).collect();
    Matrix::new(20, 2, data).unwrap()
}

fn render_cases() -> Vec<Case> {
    vec![
        case!(
            "Figure::from_rgb wrapping size",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            Figure::from_rgb(u32::MAX, u32::MAX, vec![], "")
        ),
        case!(
            "Figure::from_rgb huge size",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "MAX_ELEMENTS", "smaller size"],
            Figure::from_rgb(100_000, 100_000, vec![], "")
        ),
        case!(
            "Figure::from_rgb zero width",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "at least 1"],
            Figure::from_rgb(0, 10, vec![], "")
        ),
        case!(
            "Figure::from_rgb short buffer",
            ErrorKind::InvalidArgument { name: "rgb", .. },
            ["`rgb`", "needs 12"],
            Figure::from_rgb(2, 2, vec![0; 5], "")
        ),
        case!(
            "Figure::draw huge",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            Figure::draw(60_000, 60_000, "", |_| Ok(()))
        ),
        case!(
            "HeatMap::new wrapping size",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            HeatMap::new(usize::MAX, 2, vec![])
        ),
        case!(
            "HeatMap::new wrong length",
            ErrorKind::Shape { .. },
            ["heat map values", "4 values for [H, W] = [2, 2]"],
            HeatMap::new(2, 2, vec![1.0; 3])
        ),
        case!(
            "HeatMap::new NaN",
            ErrorKind::NonFinite { .. },
            ["nan", "clean"],
            HeatMap::new(1, 2, vec![1.0, f32::NAN])
        ),
        case!(
            "HeatMap::from_chw wrapping size",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            HeatMap::from_chw(usize::MAX, 2, 2, &[])
        ),
        case!(
            "HeatMap huge display side",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            HeatMap::new(2, 2, vec![0.0, 1.0, 2.0, 3.0])?
                .display_side(1 << 20)
                .figure()
        ),
        case!(
            "Picture::from_chw huge",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            Picture::from_chw(3, 1 << 20, 1 << 20, vec![])
        ),
        case!(
            "Picture::from_chw 2 channels",
            ErrorKind::Shape { .. },
            ["picture", "C = 1 or 3"],
            Picture::from_chw(2, 1, 1, vec![0.0; 2])
        ),
        case!(
            "Picture::from_rgb8 wrapping size",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            Picture::from_rgb8(usize::MAX, 3, &[])
        ),
        case!(
            "Picture::resized huge",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            Picture::gray(1, 1, vec![0.5])?.resized(1 << 20, 1 << 20, Interpolation::Bilinear)
        ),
        case!(
            "Picture::resized zero",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "at least 1"],
            Picture::gray(1, 1, vec![0.5])?.resized(0, 5, Interpolation::Nearest)
        ),
        case!(
            "Scatter huge point radius",
            ErrorKind::InvalidArgument {
                name: "point_radius",
                ..
            },
            ["`point_radius`", "(0, 100]"],
            Scatter::new(&[[0.0, 0.0], [1.0, 1.0]])
                .point_radius(1e9)
                .figure()
        ),
        case!(
            "Scatter NaN point radius",
            ErrorKind::InvalidArgument {
                name: "point_radius",
                ..
            },
            ["`point_radius`", "(0, 100]"],
            Scatter::new(&[[0.0, 0.0], [1.0, 1.0]])
                .point_radius(f32::NAN)
                .figure()
        ),
        case!(
            "Scatter huge figure",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            Scatter::new(&[[0.0, 0.0], [1.0, 1.0]])
                .size(100_000, 100_000)
                .figure()
        ),
        case!(
            "Scatter no points",
            ErrorKind::InvalidArgument { name: "points", .. },
            ["`points`", "no points"],
            Scatter::new(&[]).figure()
        ),
        case!(
            "Scatter opacity 2",
            ErrorKind::InvalidArgument {
                name: "opacity",
                ..
            },
            ["`opacity`", "(0, 1]"],
            Scatter::new(&[[0.0, 0.0]]).opacity(2.0).figure()
        ),
        case!(
            "Scatter labels too few",
            ErrorKind::InvalidArgument { name: "labels", .. },
            ["`labels`", "one per point"],
            Scatter::new(&[[0.0, 0.0], [1.0, 1.0]])
                .labels(&[0])
                .figure()
        ),
        case!(
            "Scatter::from_flat odd",
            ErrorKind::Shape { .. },
            ["points", "[N, 2] row-major"],
            Scatter::from_flat(&[1.0, 2.0, 3.0])
        ),
        case!(
            "LineChart huge",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            LineChart::new()
                .series_indexed("loss", &[1.0, 0.5])
                .size(100_000, 100_000)
                .figure()
        ),
        case!(
            "upsample_bilinear huge output",
            ErrorKind::InvalidArgument {
                name: "output size",
                ..
            },
            ["`output size`", "smaller size"],
            upsample_bilinear(&[1.0], (1, 1), (1 << 20, 1 << 20))
        ),
        case!(
            "ImageGrid tile side huge",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            ImageGrid::new(vec![Picture::gray(1, 1, vec![0.5])?])
                .tile_side(1 << 20)
                .figure()
        ),
        case!(
            "BarChart::top_k k = 0",
            ErrorKind::InvalidArgument { name: "k", .. },
            ["`k`", "at least 1"],
            BarChart::top_k(&[1.0, 2.0], &["a", "b"], 0)
        ),
    ]
}

fn data_cases() -> Vec<Case> {
    vec![
        case!(
            "MnistSplit::image out of range",
            ErrorKind::InvalidArgument { name: "index", .. },
            ["`index`", "out of range", "0..1996"],
            glassbox::data::mnist()?.test.image(1_000_000)
        ),
        case!(
            "MnistSplit::images empty",
            ErrorKind::InvalidArgument {
                name: "indices",
                ..
            },
            ["`indices`", "at least one"],
            glassbox::data::mnist()?.test.images(std::iter::empty())
        ),
        case!(
            "MnistSplit::matrix past the end",
            ErrorKind::InvalidArgument { name: "range", .. },
            ["`range`"],
            glassbox::data::mnist()?.test.matrix(0..1_000_000)
        ),
        case!(
            "Mnist::from_gzip garbage",
            ErrorKind::Format { .. },
            ["gzip"],
            Mnist::from_gzip(b"not a gzip file")
        ),
        case!(
            "Preprocess zero std",
            ErrorKind::InvalidArgument { name: "std", .. },
            ["`std`", "positive", "IMAGENET_STD"],
            Preprocess {
                std: [0.229, 0.0, 0.225],
                ..Preprocess::default()
            }
            .apply_tensor(&testing::random_input([1, 3, 8, 8], 1))
        ),
        case!(
            "Preprocess NaN mean",
            ErrorKind::InvalidArgument { name: "mean", .. },
            ["`mean`", "IMAGENET_MEAN"],
            Preprocess {
                mean: [f32::NAN; 3],
                ..Preprocess::default()
            }
            .apply_tensor(&testing::random_input([1, 3, 8, 8], 1))
        ),
        case!(
            "Preprocess absurd resize",
            ErrorKind::InvalidArgument { name: "resize", .. },
            ["`resize`", "smaller size"],
            Preprocess {
                resize: usize::MAX / 2,
                crop: 224,
                ..Preprocess::default()
            }
            .apply_tensor(&testing::random_input([1, 3, 1, 8], 1))
        ),
        case!(
            "Preprocess zero crop",
            ErrorKind::InvalidArgument { name: "crop", .. },
            ["`crop`", "1..=256"],
            Preprocess {
                crop: 0,
                ..Preprocess::default()
            }
            .apply_tensor(&testing::random_input([1, 3, 8, 8], 1))
        ),
        case!(
            "Preprocess 8-bit values",
            ErrorKind::InvalidArgument { name: "image", .. },
            ["`image`", "divide 8-bit values by 255"],
            Preprocess::default().apply_tensor(&tensor(vec![200.0; 3 * 4 * 4], [1, 3, 4, 4]))
        ),
        case!(
            "Tabular NaN value",
            ErrorKind::NonFinite { .. },
            ["nan"],
            Tabular::new(
                vec!["a".into()],
                vec![f32::NAN, 1.0],
                vec![0, 1],
                vec!["n".into(), "y".into()]
            )
        ),
        case!(
            "Tabular no features",
            ErrorKind::InvalidArgument {
                name: "feature_names",
                ..
            },
            ["`feature_names`", "at least one feature"],
            Tabular::new(vec![], vec![], vec![0, 1], vec!["n".into(), "y".into()])
        ),
        case!(
            "Standardizer constant feature",
            ErrorKind::InvalidArgument { name: "data", .. },
            ["`data`", "drop_features"],
            Standardizer::fit(&table().with_feature("c", &[1.0; 6])?)
        ),
    ]
}

/// A MnistNet checkpoint with one value of `key` replaced by `value`, written to a temp file.
fn poisoned_checkpoint(key: &str, value: f32) -> std::path::PathBuf {
    let net = MnistNet::new(0);
    let tensors: Vec<_> = glassbox::models::named_tensors(&net)
        .into_iter()
        .map(|(k, s, mut v)| {
            if k == key {
                v[0] = value;
            }
            (k, s, v)
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("glassbox-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{key}-{value}.safetensors"));
    write_safetensors(&path, &tensors).unwrap();
    path
}

fn models_cases() -> Vec<Case> {
    vec![
        case!(
            "Checkpoint::from_bytes garbage",
            ErrorKind::Format { .. },
            ["neither a safetensors file nor a PyTorch .pth"],
            Checkpoint::from_bytes(vec![1, 2, 3], "junk")
        ),
        case!(
            "MnistNet::load missing file",
            ErrorKind::Io { .. },
            ["/no/such/net.safetensors"],
            MnistNet::load("/no/such/net.safetensors")
        ),
        case!(
            "MnistNet::load NaN weight",
            ErrorKind::NonFinite { .. },
            ["`conv2.weight`", "allow_non_finite"],
            MnistNet::load(poisoned_checkpoint("conv2.weight", f32::NAN))
        ),
        case!(
            "MnistNet::load infinite bias",
            ErrorKind::NonFinite { .. },
            ["`fc.bias`", "allow_non_finite"],
            MnistNet::load(poisoned_checkpoint("fc.bias", f32::INFINITY))
        ),
        case!(
            "MnistNet forward wrong channels",
            ErrorKind::Shape { .. },
            ["MnistNet input", "[B ≥ 1, 1, H, W]"],
            glassbox::Explain::forward(&MnistNet::new(0), testing::random_input([1, 3, 28, 28], 0))
        ),
        case!(
            "MnistNet forward NaN input",
            ErrorKind::NonFinite { .. },
            ["input"],
            glassbox::Explain::forward(
                &MnistNet::new(0),
                tensor(vec![f32::NAN; 784], [1, 1, 28, 28])
            )
        ),
        case!(
            "MnistNet unknown layer",
            ErrorKind::UnknownLayer { .. },
            ["conv9", "choose one of"],
            glassbox::Explain::forward_to(
                &MnistNet::new(0),
                testing::random_input([1, 1, 28, 28], 0),
                "conv9",
                glassbox::ReluGrad::Standard
            )
        ),
        case!(
            "top_k k = 0",
            ErrorKind::InvalidArgument { name: "k", .. },
            ["`k`"],
            top_k(
                &glassbox::Explain::forward(
                    &MnistNet::new(0),
                    testing::random_input([1, 1, 28, 28], 0)
                )?,
                0
            )
        ),
        case!(
            "MnistNet::train absurd lr diverges",
            ErrorKind::InvalidArgument { name: "lr", .. },
            ["`lr`", "lower the learning rate"],
            MnistNet::train(
                &glassbox::data::mnist()?,
                Fit {
                    lr: 1e30,
                    epochs: 1,
                    batch: 16,
                    limit: Some(64),
                    verbose: false,
                    ..Fit::default()
                }
            )
        ),
        case!(
            "MnistNet::train NaN lr",
            ErrorKind::InvalidArgument { name: "lr", .. },
            ["`lr`", "positive, finite"],
            MnistNet::train(
                &glassbox::data::mnist()?,
                Fit {
                    lr: f64::NAN,
                    verbose: false,
                    ..Fit::default()
                }
            )
        ),
        case!(
            "MnistNet::train zero epochs",
            ErrorKind::InvalidArgument { name: "fit", .. },
            ["`fit`", "at least 1"],
            MnistNet::train(
                &glassbox::data::mnist()?,
                Fit {
                    epochs: 0,
                    verbose: false,
                    ..Fit::default()
                }
            )
        ),
    ]
}

fn attribution_cases() -> Vec<Case> {
    let x = || testing::random_input([1, 1, 6, 6], 0);
    vec![
        case!(
            "GradCam unknown layer",
            ErrorKind::UnknownLayer { .. },
            ["nope", "choose one of"],
            GradCam::new(&testing::gap_net(), "nope").explain(&x(), Target::Class(0))
        ),
        case!(
            "Target class out of range",
            ErrorKind::InvalidArgument { .. },
            ["99"],
            Saliency::new(&testing::gap_net()).explain(&x(), Target::Class(99))
        ),
        case!(
            "Saliency wrong channels",
            ErrorKind::Shape { .. },
            ["input"],
            Saliency::new(&testing::gap_net())
                .explain(&testing::random_input([1, 3, 6, 6], 0), Target::Class(0))
        ),
        case!(
            "Saliency NaN input",
            ErrorKind::NonFinite { .. },
            ["input"],
            Saliency::new(&testing::gap_net())
                .explain(&tensor(vec![f32::NAN; 36], [1, 1, 6, 6]), Target::Class(0))
        ),
        case!(
            "IntegratedGradients steps 0",
            ErrorKind::InvalidArgument { name: "steps", .. },
            ["`steps`", "at least 1"],
            IntegratedGradients::new(&testing::gap_net())
                .steps(0)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "IntegratedGradients batch_size 0",
            ErrorKind::InvalidArgument {
                name: "batch_size",
                ..
            },
            ["`batch_size`", "at least 1"],
            IntegratedGradients::new(&testing::gap_net())
                .batch_size(0)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "SmoothGrad batch_size 0",
            ErrorKind::InvalidArgument {
                name: "batch_size",
                ..
            },
            ["`batch_size`", "at least 1"],
            SmoothGrad::new(&testing::gap_net())
                .batch_size(0)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "SmoothGrad samples 0",
            ErrorKind::InvalidArgument {
                name: "samples",
                ..
            },
            ["`samples`", "at least 1"],
            SmoothGrad::new(&testing::gap_net())
                .samples(0)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "SmoothGrad negative noise",
            ErrorKind::InvalidArgument { name: "noise", .. },
            ["`noise`"],
            SmoothGrad::new(&testing::gap_net())
                .noise(-1.0)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "Occlusion batch_size 0",
            ErrorKind::InvalidArgument {
                name: "batch_size",
                ..
            },
            ["`batch_size`", "at least 1"],
            Occlusion::new(&testing::gap_net())
                .batch_size(0)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "ScoreCam batch_size 0",
            ErrorKind::InvalidArgument {
                name: "batch_size",
                ..
            },
            ["`batch_size`", "at least 1"],
            ScoreCam::new(&testing::gap_net(), "relu")
                .batch_size(0)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "Occlusion patch larger than image",
            ErrorKind::InvalidArgument { name: "patch", .. },
            ["`patch`", "larger than"],
            Occlusion::new(&testing::gap_net())
                .patch(7)
                .explain(&x(), Target::Class(0))
        ),
        case!(
            "upsampled_to zero height",
            ErrorKind::InvalidArgument { name: "height", .. },
            ["`height`", "at least 1"],
            gap_map().upsampled_to(0, 4)
        ),
        case!(
            "upsampled_to zero width",
            ErrorKind::InvalidArgument { name: "width", .. },
            ["`width`", "at least 1"],
            gap_map().upsampled_to(4, 0)
        ),
        case!(
            "upsampled_to huge",
            ErrorKind::InvalidArgument { name: "size", .. },
            ["`size`", "smaller size"],
            gap_map().upsampled_to(1 << 20, 1 << 20)
        ),
        case!(
            "heatmap index out of range",
            ErrorKind::InvalidArgument { name: "index", .. },
            ["`index`", "has 1"],
            gap_map().heatmap(5)
        ),
        case!(
            "overlay on another size",
            ErrorKind::Shape { .. },
            ["input", "[6, 6]"],
            gap_map().overlay(0, &testing::random_input([1, 1, 8, 8], 0))
        ),
        case!(
            "GuidedGradCam unknown layer",
            ErrorKind::UnknownLayer { .. },
            ["nope", "choose one of"],
            GuidedGradCam::new(&testing::gap_net(), "nope").explain(&x(), Target::Class(0))
        ),
    ]
}

fn inspect_cases() -> Vec<Case> {
    vec![
        case!(
            "FeatureMaps unknown layer",
            ErrorKind::UnknownLayer { .. },
            ["nope", "choose one of"],
            FeatureMaps::new(
                &testing::gap_net(),
                &testing::random_input([1, 1, 6, 6], 0),
                "nope"
            )
        ),
        case!(
            "FeatureMaps wrong input",
            ErrorKind::Shape { .. },
            ["input"],
            FeatureMaps::new(
                &testing::gap_net(),
                &testing::random_input([1, 2, 6, 6], 0),
                "conv"
            )
        ),
        case!(
            "ImageGrid::feature_maps index",
            ErrorKind::InvalidArgument { name: "index", .. },
            ["`index`"],
            ImageGrid::feature_maps(&testing::random_input([1, 2, 3, 3], 0), 5)
        ),
        case!(
            "Filters unknown layer",
            ErrorKind::UnknownLayer { .. },
            ["nope", "choose one of"],
            glassbox::inspect::Filters::new(&testing::gap_net(), "nope")
        ),
    ]
}

fn project_cases() -> Vec<Case> {
    vec![
        case!(
            "Pca zero components",
            ErrorKind::InvalidArgument {
                name: "components",
                ..
            },
            ["`components`"],
            Pca::new(0).fit(&points())
        ),
        case!(
            "Tsne perplexity too large",
            ErrorKind::InvalidArgument {
                name: "perplexity",
                ..
            },
            ["`perplexity`", "pass a perplexity in"],
            Tsne::default().quiet(true).perplexity(50.0).fit(&points())
        ),
        case!(
            "Tsne negative exaggeration",
            ErrorKind::InvalidArgument {
                name: "exaggeration",
                ..
            },
            ["`exaggeration`", "positive"],
            Tsne::default()
                .quiet(true)
                .perplexity(3.0)
                .exaggeration(-1.0, 10)
                .fit(&points())
        ),
        case!(
            "Tsne absurd exaggeration diverges",
            ErrorKind::InvalidArgument {
                name: "exaggeration",
                ..
            },
            [
                "`exaggeration`",
                "lower the learning rate or the exaggeration"
            ],
            Tsne::default()
                .quiet(true)
                .perplexity(3.0)
                .iterations(50)
                .exaggeration(1e300, 50)
                .fit(&points())
        ),
        case!(
            "Tsne negative theta",
            ErrorKind::InvalidArgument { name: "theta", .. },
            ["`theta`", "≥ 0"],
            Tsne::default()
                .quiet(true)
                .perplexity(3.0)
                .theta(-1.0)
                .fit(&points())
        ),
        case!(
            "Tsne NaN learning rate",
            ErrorKind::InvalidArgument {
                name: "learning_rate",
                ..
            },
            ["`learning_rate`", "positive, finite"],
            Tsne::default()
                .quiet(true)
                .perplexity(3.0)
                .learning_rate(f64::NAN)
                .fit(&points())
        ),
        case!(
            "Matrix wrong length",
            ErrorKind::Shape { .. },
            ["4"],
            Matrix::new(2, 2, vec![1.0])
        ),
        case!(
            "Umap zero neighbours",
            ErrorKind::InvalidArgument { .. },
            ["neighbo"],
            Umap::default().neighbors(0).fit(&points())
        ),
    ]
}

fn evaluate_cases() -> Vec<Case> {
    let x = || testing::random_input([1, 1, 6, 6], 0);
    vec![
        case!(
            "spearman different lengths",
            ErrorKind::Shape { .. },
            ["`b`", "as many values as `a`"],
            spearman(&[1.0, 2.0, 3.0], &[1.0, 2.0])
        ),
        case!(
            "spearman NaN",
            ErrorKind::NonFinite { .. },
            ["nan"],
            spearman(&[1.0, f32::NAN], &[1.0, 2.0])
        ),
        case!(
            "DeletionInsertion steps 0",
            ErrorKind::InvalidArgument { name: "steps", .. },
            ["`steps`", "at least 1"],
            DeletionInsertion::new(&testing::gap_net())
                .steps(0)
                .evaluate(&x(), &gap_map())
        ),
        case!(
            "DeletionInsertion batch_size 0",
            ErrorKind::InvalidArgument {
                name: "batch_size",
                ..
            },
            ["`batch_size`", "at least 1"],
            DeletionInsertion::new(&testing::gap_net())
                .batch_size(0)
                .evaluate(&x(), &gap_map())
        ),
        case!(
            "DeletionInsertion other input",
            ErrorKind::Shape { .. },
            ["input", "explained batch"],
            DeletionInsertion::new(&testing::gap_net())
                .evaluate(&testing::random_input([1, 1, 8, 8], 0), &gap_map())
        ),
        case!(
            "knn_accuracy k = 0",
            ErrorKind::InvalidArgument { name: "k", .. },
            ["`k`"],
            knn_accuracy(&points(), &[0; 20], 0)
        ),
        case!(
            "knn_accuracy too few labels",
            ErrorKind::Shape { .. },
            ["labels", "one label per point"],
            knn_accuracy(&points(), &[0; 3], 2)
        ),
        case!(
            "knn_recall other rows",
            ErrorKind::Shape { .. },
            ["embedding"],
            knn_recall(&points(), &Matrix::new(3, 1, vec![0.0, 1.0, 2.0])?, 1)
        ),
        case!(
            "trustworthiness k too large",
            ErrorKind::InvalidArgument { name: "k", .. },
            ["`k`"],
            trustworthiness(&points(), &points(), 50)
        ),
    ]
}

fn rules_cases() -> Vec<Case> {
    vec![
        case!(
            "leaf_of short row",
            ErrorKind::Shape { .. },
            ["`row`", "one value per feature"],
            Cart::new().fit(&table())?.leaf_of(&[1.0])
        ),
        case!(
            "leaf_of NaN",
            ErrorKind::NonFinite { .. },
            ["row", "nan"],
            Cart::new().fit(&table())?.leaf_of(&[f32::NAN, 1.0])
        ),
        case!(
            "predict other features",
            ErrorKind::InvalidArgument { name: "data", .. },
            ["`data`", "differ"],
            Cart::new()
                .fit(&table())?
                .predict(&table().with_feature("c", &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?)
        ),
        case!(
            "TabularMlp absurd learning rate diverges",
            ErrorKind::InvalidArgument { name: "lr", .. },
            ["`lr`", "lower the learning rate"],
            TabularMlp::<2, 4>::train(
                &table(),
                Fit {
                    lr: 1e30,
                    epochs: 20,
                    batch: 2,
                    verbose: false,
                    ..Fit::tabular()
                }
            )
        ),
        case!(
            "TabularMlp zero learning rate",
            ErrorKind::InvalidArgument { name: "lr", .. },
            ["`lr`", "try 1e-3"],
            TabularMlp::<2, 4>::train(
                &table(),
                Fit {
                    lr: 0.0,
                    verbose: false,
                    ..Fit::tabular()
                }
            )
        ),
        case!(
            "TabularMlp wrong feature count",
            ErrorKind::Shape { .. },
            ["data", "3 features"],
            TabularMlp::<3, 4>::train(
                &table(),
                Fit {
                    verbose: false,
                    ..Fit::tabular()
                }
            )
        ),
        case!(
            "permutation_importance 0 repeats",
            ErrorKind::InvalidArgument {
                name: "repeats",
                ..
            },
            ["`repeats`", "at least 1"],
            permutation_importance(&table(), |d| Ok(vec![0; d.len()]), 0, 0)
        ),
        case!(
            "GradientXInput tabular class out of range",
            ErrorKind::InvalidArgument { .. },
            ["class"],
            GradientXInput::new(&testing::linear_net(&[1.0, 1.0], vec![0.0], [2, 1, 1])?)
                .explain(&testing::random_input([2, 2, 1, 1], 0), Target::Class(7))
        ),
    ]
}

fn track_cases() -> Vec<Case> {
    let tmp = |name: &str| {
        let dir =
            std::env::temp_dir().join(format!("glassbox-bad-input-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    };
    vec![
        case!(
            "Run::log after its directory was deleted",
            ErrorKind::Io { .. },
            ["deleted", "Run::create"],
            {
                let dir = tmp("deleted");
                let mut run = Run::create(&dir)?;
                run.log("loss", 0, 1.0)?;
                std::fs::remove_dir_all(&dir).unwrap();
                run.log("loss", 1, 0.5)
            }
        ),
        case!(
            "Run::log empty tag",
            ErrorKind::InvalidArgument { name: "tag", .. },
            ["`tag`", "name what you log"],
            Run::in_memory("x").log(" ", 0, 1.0)
        ),
        case!(
            "Run::create over a run",
            ErrorKind::InvalidArgument { name: "dir", .. },
            ["`dir`", "Run::open", "Run::replace"],
            {
                let dir = tmp("twice");
                Run::create(&dir)?;
                Run::create(&dir)
            }
        ),
        case!(
            "Run::open without a run",
            ErrorKind::InvalidArgument { name: "dir", .. },
            ["`dir`"],
            {
                let dir = tmp("empty");
                std::fs::create_dir_all(&dir).unwrap();
                Run::open(&dir)
            }
        ),
        case!(
            "smooth weight 1.5",
            ErrorKind::InvalidArgument { name: "weight", .. },
            ["`weight`"],
            smooth(&[1.0, 2.0], 1.5)
        ),
        case!(
            "write_projector dim 0",
            ErrorKind::InvalidArgument { name: "points", .. },
            ["`points`", "pass [n, dim]"],
            write_projector(tmp("projector"), "emb", &[1.0, 2.0], 0, &["a"])
        ),
        case!(
            "TensorBoardWriter on a file",
            ErrorKind::Io { .. },
            [
                "a run needs a directory it can write to",
                "pass another path"
            ],
            {
                let file = tmp("tb-file");
                std::fs::write(&file, b"x").unwrap();
                TensorBoardWriter::create(&file)
            }
        ),
        case!(
            "in-memory run with TensorBoard",
            ErrorKind::Unsupported { .. },
            ["Run::create"],
            Run::in_memory("x").with_tensorboard()
        ),
    ]
}

#[test]
fn render() {
    check(render_cases());
}

#[test]
fn data() {
    check(data_cases());
}

#[test]
fn models() {
    check(models_cases());
}

#[test]
fn attribution() {
    check(attribution_cases());
}

#[test]
fn inspect() {
    check(inspect_cases());
}

#[test]
fn project() {
    check(project_cases());
}

#[test]
fn evaluate() {
    check(evaluate_cases());
}

#[test]
fn rules() {
    check(rules_cases());
}

#[test]
fn track() {
    check(track_cases());
}

#[test]
fn catalogue_is_large_enough() {
    let n = [
        render_cases().len(),
        data_cases().len(),
        models_cases().len(),
        attribution_cases().len(),
        inspect_cases().len(),
        project_cases().len(),
        evaluate_cases().len(),
        rules_cases().len(),
        track_cases().len(),
    ];
    println!(
        "bad-input cases per area: {n:?}, {} in all",
        n.iter().sum::<usize>()
    );
    assert!(n.iter().sum::<usize>() >= 60, "{n:?}");
    assert!(n.iter().all(|&k| k >= 3), "every area has cases: {n:?}");
}

/// The checked forms return `None`/`Err` where the unchecked ones document a panic, and labels
/// of any size are valid in `knn_accuracy` (no class-indexed vector).
#[test]
fn checked_accessors_and_any_label() {
    let map = gap_map();
    assert!(map.get(0).is_some());
    assert_eq!(map.get(1), None);
    let labels: Vec<usize> = (0..20)
        .map(|i| if i < 10 { usize::MAX } else { 3 })
        .collect();
    let acc = catch_unwind(|| knn_accuracy(&points(), &labels, 3));
    assert!(acc.expect("no panic on huge labels").is_ok());
    let labelled = Scatter::new(&[[0.0, 0.0], [1.0, 1.0]]).labels(&[0, usize::MAX]);
    assert!(catch_unwind(AssertUnwindSafe(|| labelled.figure())).is_ok());
}

/// Guided Grad-CAM is signed and at input resolution: its heat map shows both signs (a CAM's
/// default would drop the negative part).
#[test]
fn guided_grad_cam_renders_signed() {
    let net = testing::gap_net();
    let x = testing::random_input([1, 1, 6, 6], 3);
    let ggc = GuidedGradCam::new(&net, "relu")
        .explain(&x, Target::Class(1))
        .unwrap();
    assert!(
        ggc.values().iter().any(|&v| v < 0.0),
        "the fixture has negative evidence"
    );
    let shown = ggc.heatmap(0).unwrap();
    assert!(shown == shown.clone().sign(glassbox::Sign::All));
    let cam = gap_map().heatmap(0).unwrap();
    assert!(
        cam != cam.clone().sign(glassbox::Sign::All),
        "CAMs keep their default"
    );
}

/// The shipped weights, as the public loader sees them.
const SHIPPED: &[u8] = include_bytes!("../assets/mnist_net.safetensors");

/// A seeded xorshift64* generator: the mutants are the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutant of `bytes`: bit flips, overwritten bytes, truncation, planted NaN/∞ floats,
/// a damaged header (length prefix or JSON), inserted or appended garbage.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut m = bytes.to_vec();
    let header_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    match rng.below(7) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(m.len());
                m[i] ^= 1 << rng.below(8);
            }
        }
        1 => {
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(m.len());
                m[i] = rng.next() as u8;
            }
        }
        2 => m.truncate(rng.below(m.len())),
        3 => {
            let special = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -f32::NAN];
            for _ in 0..1 + rng.below(3) {
                let i = header_end + 4 * rng.below((m.len() - header_end) / 4);
                m[i..i + 4].copy_from_slice(&special[rng.below(4)].to_le_bytes());
            }
        }
        4 => {
            let i = 8 + rng.below(header_end - 8);
            m[i] = b"{}[]\":,0123456789eE-+ \\\"x"[rng.below(25)];
        }
        5 => {
            let len = match rng.below(4) {
                0 => 0,
                1 => u64::MAX,
                2 => rng.next() % (2 * bytes.len() as u64),
                _ => (header_end as u64 - 8) ^ (1 << rng.below(20)),
            };
            m[..8].copy_from_slice(&len.to_le_bytes());
        }
        _ => {
            let at = rng.below(m.len());
            let junk: Vec<u8> = (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect();
            m.splice(at..at, junk);
        }
    }
    m
}

/// 5,000 seeded mutants of the shipped weights through the public loader: none panics, and
/// none loads with a NaN or infinite weight (it is refused, or every weight is finite).
#[test]
fn mutated_weights_never_panic_or_load_non_finite() {
    const MUTANTS: usize = 5000;
    let start = std::time::Instant::now();
    let mut rng = Rng(0x5eed_0f91_a55b_0c00);
    let mut net = MnistNet::new(0);
    let (mut loaded, mut refused, mut refused_non_finite) = (0, 0, 0);
    for i in 0..MUTANTS {
        let bytes = mutate(SHIPPED, &mut rng);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let checkpoint = Checkpoint::from_bytes(bytes, "mutant")?;
            net.load_checkpoint(&checkpoint)
        }));
        match outcome {
            Err(_) => panic!("mutant {i} panicked the loader"),
            Ok(Err(e)) => {
                refused += 1;
                refused_non_finite += usize::from(matches!(e.kind(), ErrorKind::NonFinite { .. }));
            }
            Ok(Ok(_)) => {
                loaded += 1;
                for (key, _, values) in glassbox::models::named_tensors(&net) {
                    assert!(
                        values.iter().all(|v| v.is_finite()),
                        "mutant {i} loaded silently with a non-finite `{key}`"
                    );
                }
            }
        }
    }
    println!(
        "{MUTANTS} mutants in {:.2} s: {loaded} loaded (all finite), {refused} refused ({refused_non_finite} for NaN/∞ weights)",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(loaded + refused, MUTANTS);
    assert!(
        refused_non_finite > 0 && loaded > 0,
        "the mutations exercise both outcomes"
    );
}
