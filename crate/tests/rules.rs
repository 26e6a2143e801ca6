//! Rules and tabular explanations end to end: planted-rule recovery, fidelity, tree limits,
//! attribution rankings, the breast-cancer MLP, scikit-learn reference trees, bad input.

use glassbox::attribution::Quadrature;
use glassbox::data::tabular::{breast_cancer, credit_risk};
use glassbox::data::tabular::{CreditRules, Standardizer, Tabular};
use glassbox::rules::{DecisionTree, FeatureAttribution};
use glassbox::{
    permutation_importance, Cart, ErrorKind, Fit, GradientXInput, IntegratedGradients, Occlusion,
    TabularMlp, Target,
};

const INFORMATIVE: [&str; 3] = ["income", "debt_ratio", "late_payments"];
const NOISE: [&str; 3] = ["age", "open_accounts", "tenure_years"];

/// The credit pipeline every test below shares: data, split, trained MLP.
fn credit_model() -> (Tabular, Tabular, TabularMlp<6>) {
    let data = credit_risk(5000, 7).unwrap();
    let (train, test) = data.split(0.3, 1).unwrap();
    let fit = Fit {
        epochs: 30,
        verbose: false,
        ..Fit::tabular()
    };
    let net = TabularMlp::<6>::train(&train, fit.clone()).unwrap();
    (train, test, net)
}

fn check_limits(tree: &DecisionTree, max_depth: usize, min_leaf: usize) {
    for leaf in tree.leaves() {
        let n = &tree.nodes()[leaf];
        assert!(
            n.depth <= max_depth,
            "leaf {leaf} at depth {} > {max_depth}",
            n.depth
        );
        assert!(
            n.samples >= min_leaf,
            "leaf {leaf} holds {} < {min_leaf} samples",
            n.samples
        );
    }
    for n in tree.nodes() {
        if let Some(s) = n.split {
            let (l, r) = (&tree.nodes()[s.left], &tree.nodes()[s.right]);
            assert_eq!(
                l.samples + r.samples,
                n.samples,
                "children partition their parent"
            );
        }
    }
}

#[test]
fn surrogate_recovers_the_planted_rules_with_high_fidelity() {
    let (train, test, net) = credit_model();
    let accuracy = net.accuracy(&test).unwrap();
    println!("credit MLP: held-out accuracy {accuracy:.3} (5 % label noise caps it near 0.95)");
    assert!(accuracy > 0.92, "accuracy {accuracy}");

    let (max_depth, min_leaf) = (3, 20);
    let tree = Cart::new()
        .max_depth(max_depth)
        .min_samples_leaf(min_leaf)
        .fit_surrogate(&train, &net.predict(&train).unwrap())
        .unwrap();
    let fidelity = tree.fidelity(&test, &net.predict(&test).unwrap()).unwrap();
    println!(
        "surrogate fidelity on held-out rows: {fidelity:.3}\n{}",
        tree.rules_text(None)
    );
    assert!(fidelity >= 0.95, "fidelity {fidelity}");
    check_limits(&tree, max_depth, min_leaf);

    // Each planted threshold is matched by a split on its feature within ±5 % of the feature's range.
    let planted = CreditRules::PLANTED;
    for (name, truth) in [
        ("income", planted.income_below),
        ("debt_ratio", planted.debt_ratio_at_least),
        ("late_payments", planted.late_payments_at_least - 0.5),
    ] {
        let j = train.feature_index(name).unwrap();
        let (lo, hi) = train.range(j);
        let best = tree
            .nodes()
            .iter()
            .filter_map(|n| n.split)
            .filter(|s| s.feature == j)
            .map(|s| (s.threshold - truth).abs())
            .fold(f32::INFINITY, f32::min);
        println!(
            "{name}: planted {truth}, nearest split off by {best:.4} ({:.2} % of range)",
            100.0 * best / (hi - lo)
        );
        assert!(
            best <= 0.05 * (hi - lo),
            "{name}: nearest split is {best} away from {truth}"
        );
    }
    let text = tree.rules_text(Some(1));
    assert!(text.contains("late_payments ≥ 3"), "{text}");
    // Noise features never decide: a split whose two sides predict differently is on a planted feature.
    for s in tree.nodes().iter().filter_map(|n| n.split) {
        if leaf_classes(&tree, s.left) != leaf_classes(&tree, s.right) {
            assert!(
                INFORMATIVE.contains(&train.feature_names()[s.feature].as_str()),
                "decisive split on noise feature {}",
                train.feature_names()[s.feature]
            );
        }
    }
    let coverage: f32 = tree.rules().iter().map(|r| r.coverage).sum();
    assert!((coverage - 1.0).abs() < 1e-5);
    let stats = tree
        .leaf_stats(&test, &net.predict(&test).unwrap())
        .unwrap();
    assert_eq!(stats.iter().map(|s| s.cases).sum::<usize>(), test.len());
    assert!(tree.diagram().unwrap().width() > 600);
}

/// The classes predicted anywhere below `node`.
fn leaf_classes(tree: &DecisionTree, node: usize) -> Vec<usize> {
    let n = &tree.nodes()[node];
    let mut out = match n.split {
        None => vec![n.class()],
        Some(s) => [leaf_classes(tree, s.left), leaf_classes(tree, s.right)].concat(),
    };
    out.sort();
    out.dedup();
    out
}

#[test]
fn limits_hold_on_every_leaf_for_many_settings() {
    let data = credit_risk(1500, 3).unwrap();
    for depth in 0..=5 {
        for min_leaf in [1, 7, 50, 400] {
            let tree = Cart::new()
                .max_depth(depth)
                .min_samples_leaf(min_leaf)
                .fit(&data)
                .unwrap();
            check_limits(&tree, depth, min_leaf);
        }
    }
}

fn assert_ranked(attr: &FeatureAttribution, global: &[f32]) {
    let score = |name: &str| global[attr.feature_names.iter().position(|n| n == name).unwrap()];
    let weakest = INFORMATIVE
        .iter()
        .map(|n| score(n))
        .fold(f32::INFINITY, f32::min);
    let strongest_noise = NOISE
        .iter()
        .map(|n| score(n))
        .fold(f32::NEG_INFINITY, f32::max);
    println!(
        "{}: informative ≥ {weakest:.4}, noise ≤ {strongest_noise:.4}  {global:?}",
        attr.method
    );
    assert!(weakest > strongest_noise, "{}: {global:?}", attr.method);
}

#[test]
fn every_attribution_ranks_the_planted_features_above_the_noise() {
    let (_, test, net) = credit_model();
    let x = net.inputs(&test).unwrap();
    let names = test.feature_names();
    let high_risk = Target::Class(1);
    let gxi = GradientXInput::new(&net)
        .explain(&x, high_risk.clone())
        .and_then(|a| a.per_feature(names))
        .unwrap();
    let (ig, deltas) = IntegratedGradients::new(&net)
        .quadrature(Quadrature::Trapezoid)
        .explain_with_delta(&x, high_risk.clone())
        .unwrap();
    let ig = ig.per_feature(names).unwrap().with_deltas(deltas);
    let occ = Occlusion::new(&net)
        .patch(1)
        .per_channel(true)
        .explain(&x, high_risk)
        .and_then(|a| a.per_feature(names))
        .unwrap();
    for attr in [&gxi, &ig, &occ] {
        assert_ranked(attr, &attr.mean_abs());
        assert!(attr.values.iter().all(|v| v.is_finite()));
    }
    // Completeness: Σ IG = S(x) − S(0), up to the trapezoid rule's error on a ReLU network.
    let deltas = ig.deltas.as_ref().unwrap();
    let worst = deltas.iter().fold(0f32, |m, d| m.max(d.abs()));
    let mean = deltas.iter().map(|d| d.abs()).sum::<f32>() / deltas.len() as f32;
    println!(
        "IG completeness |delta| over {} rows: mean {mean:.5}, max {worst:.5}",
        deltas.len()
    );
    assert!(mean < 0.02 && worst < 0.2, "mean {mean}, worst {worst}");
    let perm = permutation_importance(&test, |d| net.predict(d), 5, 0).unwrap();
    assert_ranked(&perm, &perm.values);
    assert!(gxi.bar_chart(0).is_ok() && perm.summary_chart().is_ok());
}

#[test]
fn breast_cancer_mlp_reaches_a_stated_accuracy() {
    let data = breast_cancer().unwrap();
    let (train, test) = data.split(0.25, 0).unwrap();
    let net = TabularMlp::<30>::train(
        &train,
        Fit {
            epochs: 40,
            verbose: false,
            ..Fit::tabular()
        },
    )
    .unwrap();
    let accuracy = net.accuracy(&test).unwrap();
    let tree = Cart::new()
        .max_depth(3)
        .min_samples_leaf(5)
        .fit_surrogate(&train, &net.predict(&train).unwrap())
        .unwrap();
    let fidelity = tree.fidelity(&test, &net.predict(&test).unwrap()).unwrap();
    println!("breast cancer: MLP test accuracy {accuracy:.3} on {} rows; depth-3 surrogate fidelity {fidelity:.3}", test.len());
    assert!(accuracy >= 0.95, "accuracy {accuracy}");
    assert!(fidelity >= 0.85, "fidelity {fidelity}");
}

/// The index of node `k`'s right child in a preorder list (skip the left subtree).
fn sklearn_right(nodes: &[serde_json::Value], k: usize) -> usize {
    let mut end = k + 1;
    let mut open = 1;
    while open > 0 {
        open += if nodes[end]["feature"].is_null() {
            -1
        } else {
            1
        };
        end += 1;
    }
    end
}

#[test]
fn trees_match_scikit_learn() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/rules_sklearn_trees.json")).unwrap();
    let data = breast_cancer().unwrap();
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let tree = Cart::new()
            .max_depth(case["max_depth"].as_u64().unwrap() as usize)
            .min_samples_leaf(case["min_samples_leaf"].as_u64().unwrap() as usize)
            .fit(&data)
            .unwrap();
        let expected = case["nodes_preorder"].as_array().unwrap();
        assert_eq!(tree.nodes().len(), expected.len(), "{name}: node count");
        for (k, (node, want)) in tree.nodes().iter().zip(expected).enumerate() {
            assert_eq!(
                node.samples as u64,
                want["samples"].as_u64().unwrap(),
                "{name} node {k}"
            );
            let counts: Vec<usize> = want["class_counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(node.class_counts, counts, "{name} node {k}");
            assert!(
                (node.gini - want["gini"].as_f64().unwrap()).abs() < 1e-9,
                "{name} node {k} gini"
            );
            match (node.split, want["feature"].as_u64()) {
                (Some(s), Some(f)) if s.feature as u64 == f => {
                    assert!(
                        (s.threshold as f64 - want["threshold"].as_f64().unwrap()).abs() < 1e-4,
                        "{name} node {k} threshold {}",
                        s.threshold
                    );
                }
                (Some(s), Some(f)) => {
                    // An exact tie in gain: sklearn breaks it by a random feature order, we by the
                    // lower index. Then sklearn's gain (from its children) must equal ours.
                    let child = |i: usize| &expected[i];
                    let (l, r) = (child(k + 1), child(sklearn_right(expected, k)));
                    let g = |n: &serde_json::Value| {
                        n["gini"].as_f64().unwrap() * n["samples"].as_f64().unwrap()
                    };
                    let theirs = want["gini"].as_f64().unwrap()
                        - (g(l) + g(r)) / want["samples"].as_f64().unwrap();
                    println!("{name} node {k}: tie between feature {} (ours) and {f} (sklearn), gain {theirs:.6}", s.feature);
                    assert!(
                        s.feature < f as usize && (s.gain - theirs).abs() < 1e-12,
                        "{name} node {k}: {} vs {theirs}",
                        s.gain
                    );
                }
                (None, None) => {}
                (got, _) => panic!("{name} node {k}: split {got:?} vs {want}"),
            }
        }
    }
}

#[test]
fn bad_input_gives_clear_errors() {
    // Categorical column in CSV.
    let e = Tabular::from_csv("income,job,risk\n30000,teacher,1\n", "risk").unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Format { .. }) && e.to_string().contains("one-hot"),
        "{e}"
    );
    // NaN in CSV and in a constructed table.
    let e = Tabular::from_csv("income,risk\nNaN,1\n", "risk").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::NonFinite { .. }), "{e}");
    let e = Tabular::new(
        vec!["income".into()],
        vec![f32::NAN],
        vec![0],
        vec!["low".into(), "high".into()],
    )
    .unwrap_err();
    assert!(e.to_string().contains("row 0 of feature `income`"), "{e}");
    // Empty data.
    assert!(Tabular::from_csv("income,risk\n", "risk")
        .unwrap_err()
        .to_string()
        .contains("empty"));
    assert!(Tabular::new(
        vec!["x".into()],
        vec![],
        vec![],
        vec!["a".into(), "b".into()]
    )
    .unwrap_err()
    .to_string()
    .contains("empty"));
    assert!(credit_risk(0, 1).is_err());
    // Constant features: trees accept them (never split), standardising / training refuses and names them.
    let data = credit_risk(300, 1).unwrap();
    let constant = data.with_column(3, &vec![40.0; 300]).unwrap();
    assert_eq!(constant.constant_features(), vec![3]);
    assert!(Cart::new()
        .fit(&constant)
        .unwrap()
        .nodes()
        .iter()
        .filter_map(|n| n.split)
        .all(|s| s.feature != 3));
    let e = TabularMlp::<6>::train(
        &constant,
        Fit {
            verbose: false,
            ..Fit::tabular()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("\"age\"") && e.to_string().contains("drop_features"),
        "{e}"
    );
    assert!(Standardizer::fit(&constant.drop_features(&["age"]).unwrap()).is_ok());
    // Mismatched predictions or features.
    let tree = Cart::new().fit(&data).unwrap();
    assert!(matches!(
        tree.fidelity(&data, &[0, 1]).unwrap_err().kind(),
        ErrorKind::Shape { .. }
    ));
    assert!(tree
        .predict(&data.drop_features(&["age"]).unwrap())
        .is_err());
    assert!(TabularMlp::<30>::train(&data, Fit::tabular())
        .unwrap_err()
        .to_string()
        .contains("30 features"));
}

/// The pitfall the notebook teaches: with a near-copy of `income` in the data, shuffling either
/// copy hurts less, because the model can read the other one — both look less important.
#[test]
fn permutation_importance_understates_correlated_features() {
    let data = credit_risk(5000, 7).unwrap();
    let jitter: Vec<f32> = (0..data.len())
        .map(|i| data.value(i, 0) * (1.0 + 0.02 * (((i * 7919) % 101) as f32 / 50.0 - 1.0)))
        .collect();
    let twin = data.with_feature("income_reported", &jitter).unwrap();
    let fit = Fit {
        epochs: 30,
        verbose: false,
        ..Fit::tabular()
    };
    let (train, test) = data.split(0.3, 1).unwrap();
    let (train2, test2) = twin.split(0.3, 1).unwrap();
    let alone = TabularMlp::<6>::train(&train, fit.clone()).unwrap();
    let paired = TabularMlp::<7>::train(&train2, fit.clone()).unwrap();
    let single = permutation_importance(&test, |d| alone.predict(d), 5, 0)
        .unwrap()
        .values[0];
    let both = permutation_importance(&test2, |d| paired.predict(d), 5, 0).unwrap();
    println!("income importance alone {single:.3}; with a near-copy: income {:.3}, income_reported {:.3} (accuracy {:.3})", both.values[0], both.values[6], paired.accuracy(&test2).unwrap());
    assert!(both.values[0] < single && both.values[6] < single);
}
