//! Peak memory of a VGG16 forward + backward pass (input gradient) at 224×224, batch 1.
//!
//! ```text
//! cargo run --release --example vgg16_memory
//! ```
//!
//! Uses random weights (the cost does not depend on them) and the shipped cat photo; prints the
//! process's peak resident set size (Linux `VmHWM`) after building the model and after the pass.

use std::time::Instant;

use dfdx::prelude::*;
use glassbox::{data, nn::without_weight_grads, Explain, Vgg16};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}

fn main() -> glassbox::Result<()> {
    let start = Instant::now();
    let vgg = Vgg16::new(0);
    println!(
        "built VGG16 ({} parameters) in {:.1} s; peak RSS {:.0} MiB",
        vgg.num_params(),
        start.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
    let x = data::Preprocess::default().apply(&data::photo(data::Photo::Cat)?)?;
    let start = Instant::now();
    let logits = without_weight_grads(|| vgg.forward(x.leaky_trace()))?;
    let forward = start.elapsed().as_secs_f64();
    let score = logits.as_vec()[281];
    let grads = (logits * Cpu::default().tensor_from_vec(one_hot(281), (1, 1000)))
        .sum()
        .backward();
    let gradient = grads.get(&x).as_vec();
    println!(
        "forward {forward:.2} s, forward + backward {:.2} s; logit 281 = {score:.4}, |∂/∂x| max = {:.3e}",
        start.elapsed().as_secs_f64(),
        gradient.iter().fold(0.0f32, |m, v| m.max(v.abs()))
    );
    println!(
        "peak RSS after forward + backward at 224×224, batch 1: {:.0} MiB",
        peak_rss_mib()
    );
    Ok(())
}

fn one_hot(class: usize) -> Vec<f32> {
    let mut v = vec![0.0; 1000];
    v[class] = 1.0;
    v
}
