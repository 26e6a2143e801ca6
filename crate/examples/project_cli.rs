//! Runs one glassbox projection on raw little-endian `f32` data, for the peer comparison
//! (`crate/benches/peers/compare_projections.py`).
//!
//! ```text
//! project_cli <pca|tsne|umap> <input.f32> <rows> <cols> <output.f32> [options]
//!   --components N       PCA components (default 2)
//!   --perplexity P       t-SNE perplexity (default 30)
//!   --method M           t-SNE repulsion: auto | exact | bh | fft (default auto)
//!   --iterations N       t-SNE iterations (default 750)
//!   --neighbors N        UMAP neighbours (default 15)
//!   --epochs N           UMAP epochs (default: umap-learn's)
//!   --seed S             seed (default 0)
//! ```
//! Prints `{"seconds": …}` (the projection alone, without file I/O) on stdout.

use std::time::Instant;

use glassbox::{project::TsneMethod, Matrix, Pca, Tsne, Umap};

fn main() {
    if let Err(e) = run() {
        eprintln!("project_cli: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        return Err(
            "usage: project_cli <pca|tsne|umap> <input.f32> <rows> <cols> <output.f32> [options]"
                .into(),
        );
    }
    let (rows, cols): (usize, usize) = (args[2].parse()?, args[3].parse()?);
    let bytes = std::fs::read(&args[1])?;
    let values = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let data = Matrix::new(rows, cols, values)?;
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let number = |name: &str, default: f64| option(name).map_or(Ok(default), |v| v.parse::<f64>());
    let seed = number("--seed", 0.0)? as u64;
    let start = Instant::now();
    let out = match args[0].as_str() {
        "pca" => Pca::new(number("--components", 2.0)? as usize)
            .fit(&data)?
            .projection()
            .clone(),
        "tsne" => {
            let method = match option("--method").map(String::as_str) {
                None | Some("auto") => TsneMethod::Auto,
                Some("exact") => TsneMethod::Exact,
                Some("bh") => TsneMethod::BarnesHut,
                Some("fft") => TsneMethod::Fft,
                Some(other) => return Err(format!("unknown t-SNE method `{other}`").into()),
            };
            Tsne::default()
                .perplexity(number("--perplexity", 30.0)?)
                .iterations(number("--iterations", 750.0)? as usize)
                .method(method)
                .seed(seed)
                .fit(&data)?
        }
        "umap" => {
            let mut umap = Umap::default()
                .neighbors(number("--neighbors", 15.0)? as usize)
                .seed(seed);
            if let Some(e) = option("--epochs") {
                umap = umap.epochs(e.parse()?);
            }
            umap.fit(&data)?
        }
        other => return Err(format!("unknown method `{other}`: use pca, tsne or umap").into()),
    };
    let seconds = start.elapsed().as_secs_f64();
    let bytes: Vec<u8> = out
        .points()
        .as_slice()
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    std::fs::write(&args[4], bytes)?;
    println!("{{\"seconds\": {seconds}}}");
    Ok(())
}
