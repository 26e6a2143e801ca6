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
    // CAM identity (REFERENCE §2.2): mean_ij Σ_k w_ck A^k_ij = S_c − b_c.
    let mnist = data::mnist().unwrap();
    let net = MnistNet::pretrained().unwrap();
    let head = net.gap_head().unwrap();
    let x = mnist.test.image(7);
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
