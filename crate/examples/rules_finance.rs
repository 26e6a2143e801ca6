//! The finance-risk walk-through as a script: planted-rule credit data → MLP → surrogate rules,
//! fidelity, tree diagram and per-feature attribution charts, written as PNGs.
//!
//! `cargo run -p glassbox --release --example rules_finance -- [out_dir]` (default `target/rules_finance`).

use glassbox::attribution::Quadrature;
use glassbox::data::tabular::credit_risk;
use glassbox::{
    permutation_importance, Cart, Fit, GradientXInput, IntegratedGradients, TabularMlp, Target,
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
        Fit {
            epochs: 30,
            ..Fit::tabular()
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
    let names = test.feature_names();
    let gxi = GradientXInput::new(&net)
        .explain(&x, Target::Class(1))?
        .per_feature(names)?;
    gxi.bar_chart(0)?.save(out.join("gxi_row0.png"))?;
    IntegratedGradients::new(&net)
        .quadrature(Quadrature::Trapezoid)
        .explain(&x, Target::Class(1))?
        .per_feature(names)?
        .summary_chart()?
        .save(out.join("ig_summary.png"))?;
    permutation_importance(&test, |d| net.predict(d), 5, 0)?
        .summary_chart()?
        .save(out.join("permutation.png"))?;
    println!("figures in {}", out.display());
    Ok(())
}
