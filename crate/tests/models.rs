//! Models: MnistNet (shipped weights, split forward, CAM head, training), weight files, VGG.

use dfdx::prelude::*;
use glassbox::models::INPUT;
use glassbox::{data, ErrorKind, Explain, Fit, MnistNet, ReluGrad};

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("glassbox-models-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn pretrained_mnist_net_reaches_97_percent_on_the_test_split() {
    let mnist = data::mnist().unwrap();
    let net = MnistNet::pretrained().unwrap();
    let accuracy = net.accuracy(&mnist.test).unwrap();
    assert!(accuracy >= 0.97, "test accuracy {accuracy}");
}

#[test]
fn split_forward_at_every_layer_equals_the_whole_forward() {
    let mnist = data::mnist().unwrap();
    let net = MnistNet::pretrained().unwrap();
    let x = mnist.test.images(0..4).unwrap();
    let whole = net.forward(x.clone()).unwrap().as_vec();
    let mut names: Vec<String> = net.layers().into_iter().map(|l| l.name).collect();
    names.insert(0, INPUT.into());
    for name in &names {
        let a = net.forward_to(x.clone(), name, ReluGrad::Standard).unwrap();
        let info = net.layers().into_iter().find(|l| &l.name == name);
        if let Some(info) = info {
            let (_, c, h, w) = *a.shape();
            assert_eq!([c, h, w], info.out_shape, "{name}");
        }
        let split = net
            .forward_from(a, name, ReluGrad::Standard)
            .unwrap()
            .as_vec();
        for (s, w) in split.iter().zip(&whole) {
            assert!(
                (s - w).abs() <= 1e-5 * w.abs().max(1.0),
                "{name}: {s} vs {w}"
            );
        }
    }
    let e = net.forward_to(x, "conv9", ReluGrad::Standard).unwrap_err();
    assert!(
        e.to_string()
            .contains("choose one of: conv1, pool1, conv2, pool2, conv3, gap, fc"),
        "{e}"
    );
}

#[test]
fn gap_head_gives_cam_that_averages_to_the_logit_minus_bias() {
    // CAM identity (Zhou et al. 2016, §2): mean_ij Σ_k w_ck A^k_ij = S_c − b_c.
    let mnist = data::mnist().unwrap();
    let net = MnistNet::pretrained().unwrap();
    let head = net.gap_head().unwrap();
    let x = mnist.test.image(7).unwrap();
    let a = net
        .forward_to(x.clone(), &head.layer, ReluGrad::Standard)
        .unwrap();
    let (_, k, h, w) = *a.shape();
    let acts = a.as_vec();
    let logits = net.forward(x).unwrap().as_vec();
    for (c, logit) in logits.iter().enumerate() {
        let mut cam_mean = 0.0f64;
        for ch in 0..k {
            let mean: f64 = acts[ch * h * w..(ch + 1) * h * w]
                .iter()
                .map(|&v| v as f64)
                .sum::<f64>()
                / (h * w) as f64;
            cam_mean += head.weight[c * head.channels + ch] as f64 * mean;
        }
        let expect = (logit - head.bias[c]) as f64;
        assert!(
            (cam_mean - expect).abs() < 1e-4 * expect.abs().max(1.0),
            "class {c}: {cam_mean} vs {expect}"
        );
    }
}

#[test]
fn save_load_round_trip_and_randomize_layer() {
    let mnist = data::mnist().unwrap();
    let net = MnistNet::pretrained().unwrap();
    let path = tmp("mnist_net.safetensors");
    net.save(&path).unwrap();
    let back = MnistNet::load(&path).unwrap();
    let x = mnist.test.images(0..3).unwrap();
    assert_eq!(
        net.forward(x.clone()).unwrap().as_vec(),
        back.forward(x.clone()).unwrap().as_vec()
    );
    let mut random = back.clone();
    random.randomize_layer("fc", 1).unwrap();
    assert_ne!(
        net.forward(x.clone()).unwrap().as_vec(),
        random.forward(x).unwrap().as_vec()
    );
    assert_eq!(random.conv3.weight.as_vec(), net.conv3.weight.as_vec());
    assert!(random.randomize_layer("gap", 1).is_err());
    assert!(matches!(
        random.randomize_layer("conv7", 1).unwrap_err().kind(),
        ErrorKind::UnknownLayer { .. }
    ));
}

#[test]
fn load_with_report_lists_unused_keys() {
    let net = MnistNet::pretrained().unwrap();
    let path = tmp("mnist_net-extra.safetensors");
    let mut tensors = glassbox::models::named_tensors(&net);
    let n = tensors.len();
    tensors.push(("num_batches_tracked".into(), vec![1], vec![0.0]));
    glassbox::models::write_safetensors(&path, &tensors).unwrap();
    let (back, report) = MnistNet::load_with_report(&path).unwrap();
    assert_eq!(
        (
            report.loaded.len(),
            report.missing.len(),
            report.unused.clone()
        ),
        (n, 0, vec!["num_batches_tracked".to_string()])
    );
    assert!(
        report.to_string().ends_with("unused: num_batches_tracked"),
        "{report}"
    );
    let x = data::mnist().unwrap().test.images(0..2).unwrap();
    assert_eq!(
        back.forward(x.clone()).unwrap().as_vec(),
        net.forward(x).unwrap().as_vec()
    );
    std::fs::remove_file(path).ok();
}

#[test]
fn bad_inputs_are_clear_errors() {
    let net = MnistNet::pretrained().unwrap();
    let dev = Cpu::default();
    let rgb: glassbox::Activation = dev.zeros_like(&(1, 3, 28, 28));
    let e = net.forward(rgb).unwrap_err();
    assert!(e.to_string().contains("[B ≥ 1, 1, H, W]"), "{e}");
    let mut v = vec![0.0f32; 28 * 28];
    v[10] = f32::NAN;
    let nan: glassbox::Activation = dev.tensor_from_vec(v, (1, 1, 28, 28));
    assert!(matches!(
        net.forward(nan).unwrap_err().kind(),
        ErrorKind::NonFinite { .. }
    ));
    let path = tmp("not_weights.safetensors");
    std::fs::write(&path, b"definitely not safetensors").unwrap();
    assert!(matches!(
        MnistNet::load(&path).unwrap_err().kind(),
        ErrorKind::Format { .. }
    ));
    assert!(matches!(
        MnistNet::load(tmp("absent.safetensors"))
            .unwrap_err()
            .kind(),
        ErrorKind::Io { .. }
    ));
    let bad = Fit {
        epochs: 0,
        ..Fit::default()
    };
    assert!(MnistNet::train(&data::mnist().unwrap(), bad).is_err());
}

#[test]
fn brief_training_learns_digits() {
    let mnist = data::mnist().unwrap();
    let fit = Fit {
        epochs: 2,
        limit: Some(6000),
        verbose: false,
        ..Fit::default()
    };
    let (_, history) = MnistNet::train(&mnist, fit).unwrap();
    assert_eq!(history.epochs.len(), 2);
    assert_eq!(history.steps.len(), 2 * 6000usize.div_ceil(32));
    assert!(history.steps.last().unwrap().loss < history.steps[0].loss);
    let accuracy = history.final_test_accuracy();
    assert!(
        accuracy > 0.90,
        "test accuracy after brief training {accuracy}"
    );
}

// ---------------------------------------------------------------- VGG

use glassbox::{
    models::{Checkpoint, VggKeys},
    Vgg16,
};

/// The formula weights of `fixtures/models/gen_models_fixtures.py` (see its docstring).
fn formula(t: usize, key: &str, dims: &[usize]) -> Vec<f32> {
    let n: usize = dims.iter().product();
    if key.ends_with("weight") {
        let a = (24.0 / (n / dims[0]) as f64).sqrt();
        (0..n)
            .map(|i| {
                let y = 1000.0 * (0.37 * i as f64 + 1.3 * t as f64).sin();
                (a * (y - y.floor() - 0.5)) as f32
            })
            .collect()
    } else {
        (0..n)
            .map(|i| (0.01 * (0.5 * i as f64 + t as f64).cos()) as f32)
            .collect()
    }
}

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/models/vgg16_formula.json")).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn formula_vgg16() -> Vgg16 {
    let mut vgg = Vgg16::new(0);
    let keys: Vec<String> = fixture()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().into())
        .collect();
    let mut params = vgg.params_mut();
    assert_eq!(
        params.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        keys
    );
    for (t, (key, p)) in params.iter_mut().enumerate() {
        let values = formula(t, key, &p.dims());
        p.set_values(&values);
    }
    drop(params);
    vgg
}

fn assert_close(got: &[f32], want: &[f32], tol: f32, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    let scale = want.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let worst = got
        .iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs())
        .fold(0.0f32, f32::max);
    assert!(
        worst <= tol * scale,
        "{what}: max |diff| {worst} > {tol} × {scale}"
    );
}

fn wave_input(h: usize, w: usize) -> glassbox::Activation {
    let v = (0..3 * h * w)
        .map(|i| (0.5 * (0.11 * i as f64).sin() + 0.25 * (0.07 * i as f64).cos()) as f32)
        .collect();
    Cpu::default().tensor_from_vec(v, (1, 3, h, w))
}

#[test]
fn vgg16_matches_torchvision_and_round_trips_through_both_key_layouts() {
    let fx = fixture();
    let vgg = formula_vgg16();
    assert_eq!(vgg.num_params(), 138_357_544);

    // Logits and input gradient of logit 281 vs torchvision (float64 reference).
    let x = wave_input(64, 64);
    let logits = vgg.forward(x.leaky_trace()).unwrap();
    assert_close(&logits.as_vec(), &floats(&fx["logits"]), 1e-4, "logits");
    let mut mask = vec![0.0f32; 1000];
    mask[281] = 1.0;
    let mask = Cpu::default().tensor_from_vec(mask, (1, 1000));
    let grads = (logits * mask).sum().backward();
    assert_close(
        &grads.get(&x).as_vec(),
        &floats(&fx["input_grad"]),
        1e-4,
        "input gradient",
    );

    // Round trips: torchvision names, then timm names (fc6/fc7 as convs).
    let x = wave_input(32, 32);
    let want = vgg.forward(x.clone()).unwrap().as_vec();
    for keys in [VggKeys::Torchvision, VggKeys::Timm] {
        let path = tmp(&format!("vgg16-{keys:?}.safetensors"));
        vgg.save(&path, keys).unwrap();
        let checkpoint = Checkpoint::open(&path).unwrap();
        if keys == VggKeys::Timm {
            assert_eq!(
                checkpoint.shape("pre_logits.fc1.weight"),
                Some(&[4096, 512, 7, 7][..])
            );
            assert_eq!(
                checkpoint.shape("pre_logits.fc2.weight"),
                Some(&[4096, 4096, 1, 1][..])
            );
            assert_eq!(checkpoint.shape("head.fc.bias"), Some(&[1000][..]));
        }
        let mut loaded = Vgg16::new(1);
        assert_ne!(loaded.forward(x.clone()).unwrap().as_vec(), want);
        let report = loaded.load_checkpoint(&checkpoint).unwrap();
        if keys == VggKeys::Timm {
            // `load` offers the same report (timm's names count as used).
            let (_, from_load) = Vgg16::load_with_report(&path).unwrap();
            assert_eq!(from_load, report);
        }
        assert_eq!(
            (
                report.loaded.len(),
                report.missing.len(),
                report.unused.len()
            ),
            (32, 0, 0)
        );
        drop(checkpoint);
        assert_eq!(
            loaded.forward(x.clone()).unwrap().as_vec(),
            want,
            "{keys:?}"
        );
        if keys == VggKeys::Torchvision {
            // A truncated copy is a format error, not a panic.
            let bytes = std::fs::read(&path).unwrap();
            let cut = tmp("vgg16-cut.safetensors");
            std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
            drop(bytes);
            let e = Vgg16::load(&cut).unwrap_err();
            assert!(matches!(e.kind(), ErrorKind::Format { .. }), "{e}");
            std::fs::remove_file(cut).ok();
        }
        std::fs::remove_file(path).ok();
    }
}

#[test]
fn vgg_weight_and_input_errors_name_the_problem() {
    use glassbox::models::write_safetensors;
    let path = tmp("vgg16-wrong-shape.safetensors");
    write_safetensors(
        &path,
        &[(
            "features.0.weight".into(),
            vec![64, 3, 5, 5],
            vec![0.0; 64 * 75],
        )],
    )
    .unwrap();
    let e = Vgg16::load(&path).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::WeightShape {
            key: "features.0.weight".into(),
            expected: vec![64, 3, 3, 3],
            found: vec![64, 3, 5, 5]
        }
    );
    write_safetensors(
        &path,
        &[(
            "features.0.weights".into(),
            vec![64, 3, 3, 3],
            vec![0.0; 64 * 27],
        )],
    )
    .unwrap();
    let e = Vgg16::load(&path).unwrap_err();
    let message = e.to_string();
    assert!(
        message.starts_with("checkpoint has no tensor `features.0.weight` (did you mean `features.0.weights`?): also missing: features.0.bias, features.2.weight"),
        "{message}"
    );
    assert!(message.ends_with("classifier.6.bias"), "{message}");
    std::fs::remove_file(path).ok();

    let vgg = Vgg16::new(0);
    let dev = Cpu::default();
    let grey: glassbox::Activation = dev.zeros_like(&(1, 1, 64, 64));
    assert!(vgg
        .forward(grey)
        .unwrap_err()
        .to_string()
        .contains("[B ≥ 1, 3, H, W] with H, W ≥ 32"));
    let tiny: glassbox::Activation = dev.zeros_like(&(1, 3, 16, 16));
    assert!(matches!(
        vgg.forward(tiny).unwrap_err().kind(),
        ErrorKind::Shape { .. }
    ));
    let mut v = vec![0.0f32; 3 * 32 * 32];
    v[5] = f32::NAN;
    let nan: glassbox::Activation = dev.tensor_from_vec(v, (1, 3, 32, 32));
    assert!(matches!(
        vgg.forward(nan).unwrap_err().kind(),
        ErrorKind::NonFinite { .. }
    ));
    // Split forward at a named layer equals the whole forward.
    let x = wave_input(32, 32);
    split_equals_whole(&vgg, &x, &["conv5_3", "pool5", "avgpool", "fc7"]);
    let a = vgg.forward_to(x, "conv5_3", ReluGrad::Standard).unwrap();
    assert_eq!(a.shape(), &(1, 512, 2, 2));
}

/// `forward_from(forward_to(x, layer), layer)` equals `forward(x)` at each layer.
fn split_equals_whole(vgg: &Vgg16, x: &glassbox::Activation, layers: &[&str]) {
    let whole = vgg.forward(x.clone()).unwrap().as_vec();
    for &layer in layers {
        let a = vgg
            .forward_to(x.clone(), layer, ReluGrad::Standard)
            .unwrap();
        let split = vgg
            .forward_from(a, layer, ReluGrad::Standard)
            .unwrap()
            .as_vec();
        assert_close(&split, &whole, 1e-6, layer);
    }
}

#[test]
fn torchvision_names_mean_what_they_mean_in_torchvision() {
    use glassbox::{GradCam, Target};
    let vgg = Vgg16::new(0);
    let x = wave_input(32, 32);
    // `features.29` is the ReLU after conv5_3 (glassbox's fused tap); `features.28` the conv.
    assert_eq!(vgg.resolve_layer("features.29").unwrap(), "conv5_3");
    assert_eq!(vgg.resolve_layer("features.28").unwrap(), "features.28");
    assert_eq!(vgg.resolve_layer("features.30").unwrap(), "pool5");
    assert_eq!(vgg.resolve_layer("classifier.4").unwrap(), "fc7");
    assert_eq!(vgg.resolve_layer("classifier.3").unwrap(), "classifier.3");
    let fused = vgg
        .forward_to(x.clone(), "conv5_3", ReluGrad::Standard)
        .unwrap()
        .as_vec();
    let conv = vgg
        .forward_to(x.clone(), "features.28", ReluGrad::Standard)
        .unwrap()
        .as_vec();
    assert!(conv.iter().any(|v| *v < 0.0), "before the ReLU");
    let relu: Vec<f32> = conv.iter().map(|v| v.max(0.0)).collect();
    assert_close(&relu, &fused, 1e-6, "ReLU(features.28) = conv5_3");
    split_equals_whole(
        &vgg,
        &x,
        &[
            "features.28",
            "features.29",
            "features.0",
            "classifier.0",
            "classifier.4",
        ],
    );
    // Every method resolves the names the same way.
    let cam = |layer: &str| {
        GradCam::new(&vgg, layer)
            .explain(&x, Target::Class(3))
            .unwrap_or_else(|e| panic!("{layer}: {e}"))
    };
    let (short, relu_name, conv_name) = (cam("conv5_3"), cam("features.29"), cam("features.28"));
    assert_eq!(relu_name.values(), short.values());
    assert_eq!(relu_name.layer(), Some("conv5_3"));
    assert_eq!(conv_name.layer(), Some("features.28"));
    assert_ne!(conv_name.values(), short.values());
    let e = GradCam::new(&vgg, "features.31")
        .explain(&x, Target::Class(3))
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnknownLayer { .. }), "{e}");
    assert!(e.to_string().contains("conv5_3"), "{e}");
}

// ---------------------------------------------------------------- ImageNet preprocessing

#[test]
fn preprocessing_the_cat_matches_torchvision() {
    let fx: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/models/preprocess_cat.json")).unwrap();
    let x = data::Preprocess::default()
        .apply(&data::photo(data::Photo::Cat).unwrap())
        .unwrap();
    assert_eq!(x.shape(), &(1, 3, 224, 224));
    let got: Vec<f32> = x.as_vec().into_iter().step_by(37).collect();
    let want = floats(&fx["values"]);
    assert_eq!(got.len(), want.len());
    let worst = got
        .iter()
        .zip(&want)
        .map(|(g, w)| (g - w).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-4, "max |diff| {worst}");
}
