//! The finance-risk walk-through as a script: planted-rule credit data → MLP → surrogate rules,
//! fidelity, tree diagram and per-feature attribution charts, written as PNGs.
//!
//! `cargo run -p glassbox --release --example rules_finance -- [out_dir]` (default `target/rules_finance`).

use glassbox::data::tabular::credit_risk;
use glassbox::{
    gradient_x_input, integrated_gradients, permutation_importance, Cart, MlpFit, TabularMlp,
};

fn main() -> glassbox::Result<()> {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/rules_finance".into()),
    );
    std::fs::create_dir_all(&out).map_err(|e| glassbox::Error::io(&out, e))?;
    let data = credit_risk(5000, 7)?;
    let (train, test) = data.split(0.3, 1)?;
    println!("{train}\n{test}");
    let net = TabularMlp::<6>::train(
        &train,
        &MlpFit {
            epochs: 30,
            ..MlpFit::default()
        },
    )?;
    println!("held-out accuracy {:.3}", net.accuracy(&test)?);
    let tree = Cart::new()
        .max_depth(3)
        .min_samples_leaf(20)
        .fit_surrogate(&train, &net.predict(&train)?)?;
    println!(
        "fidelity on held-out rows {:.3}\n{}",
        tree.fidelity(&test, &net.predict(&test)?)?,
        tree.rules_text(None)
    );
    tree.diagram()?.save(out.join("tree.png"))?;
    let x = net.inputs(&test)?;
    let gxi = gradient_x_input(&net, &x, test.feature_names(), 1)?;
    gxi.bar_chart(0)?.save(out.join("gxi_row0.png"))?;
    integrated_gradients(&net, &x, test.feature_names(), 1, 50)?
        .summary_chart()?
        .save(out.join("ig_summary.png"))?;
    permutation_importance(&test, |d| net.predict(d), 5, 0)?
        .summary_chart()?
        .save(out.join("permutation.png"))?;
    println!("figures in {}", out.display());
    Ok(())
}
