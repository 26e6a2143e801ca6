//! Projections: PCA against the SVD and scikit-learn, t-SNE (exact, Barnes–Hut, FFT) and UMAP
//! on well-separated clusters, metrics against scikit-learn, bad input, determinism.

use glassbox::{
    evaluate::kl_divergence,
    knn_accuracy, knn_recall,
    project::{PcaSolver, TsneMethod},
    trustworthiness, ErrorKind, Matrix, Pca, Tsne, Umap,
};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

/// `clusters` Gaussian blobs of `per` points in `dims` dimensions, centres 20 apart per axis.
fn blobs(clusters: usize, per: usize, dims: usize, seed: u64) -> (Matrix, Vec<usize>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0f32, 1.0).unwrap();
    let centres: Vec<Vec<f32>> = (0..clusters)
        .map(|_| (0..dims).map(|_| normal.sample(&mut rng) * 20.0).collect())
        .collect();
    let mut data = Vec::new();
    let mut labels = Vec::new();
    for i in 0..clusters * per {
        let c = i % clusters;
        data.extend(centres[c].iter().map(|m| m + normal.sample(&mut rng)));
        labels.push(c);
    }
    (Matrix::new(clusters * per, dims, data).unwrap(), labels)
}

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/projection_sklearn.json")).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

#[test]
fn pca_equals_the_svd_of_the_centred_data() {
    let (data, _) = blobs(4, 50, 12, 1);
    let (n, d) = (data.rows(), data.cols());
    for solver in [PcaSolver::Covariance, PcaSolver::Randomized] {
        let pca = Pca::new(d).solver(solver).fit(&data).unwrap();
        let mean = pca.mean();
        let centred = faer::Mat::<f64>::from_fn(n, d, |i, j| (data.row(i)[j] - mean[j]) as f64);
        let svd = centred.thin_svd().unwrap();
        let s = svd.S().column_vector();
        let w = pca.components();
        for c in 0..d {
            // same variance, same direction up to sign
            let want = s[c] * s[c] / (n - 1) as f64;
            assert!(
                (pca.explained_variance()[c] as f64 - want).abs() < 1e-3 * want.max(1.0),
                "{solver:?} {c}"
            );
            let dot: f64 = (0..d).map(|j| w.row(c)[j] as f64 * svd.V()[(j, c)]).sum();
            assert!(
                (dot.abs() - 1.0).abs() < 1e-3,
                "{solver:?} component {c}: |cos| {}",
                dot.abs()
            );
            // orthonormal rows
            for c2 in 0..d {
                let g: f32 = w.row(c).iter().zip(w.row(c2)).map(|(a, b)| a * b).sum();
                assert!((g - (c == c2) as u8 as f32).abs() < 1e-4);
            }
            // largest-|loading| positive
            let big = w
                .row(c)
                .iter()
                .copied()
                .fold(0f32, |m, x| if x.abs() > m.abs() { x } else { m });
            assert!(big > 0.0);
        }
        let total: f32 = pca.explained_variance_ratio().iter().sum();
        assert!((total - 1.0).abs() < 1e-5, "ratios sum to {total}");
        // projecting the training data again gives the stored scores
        let again = pca.project(&data).unwrap();
        assert_eq!(again.points(), pca.projection().points());
    }
}

#[test]
fn pca_matches_scikit_learn() {
    let f = fixture();
    let data = Matrix::new(60, 5, floats(&f["data"])).unwrap();
    let pca = Pca::new(3).fit(&data).unwrap();
    for (a, b) in pca
        .explained_variance()
        .iter()
        .zip(floats(&f["pca_explained_variance"]))
    {
        assert!((a - b).abs() < 1e-4 * b, "{a} vs {b}");
    }
    for (a, b) in pca
        .explained_variance_ratio()
        .iter()
        .zip(floats(&f["pca_explained_variance_ratio"]))
    {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
    // same sign convention (sklearn's svd_flip on the components) → same scores
    for (a, b) in pca
        .projection()
        .points()
        .as_slice()
        .iter()
        .zip(floats(&f["pca_scores"]))
    {
        assert!((a - b).abs() < 1e-3, "{a} vs {b}");
    }
}

#[test]
fn trustworthiness_matches_scikit_learn_and_recall_is_an_identity() {
    let f = fixture();
    let data = Matrix::new(60, 5, floats(&f["data"])).unwrap();
    let embedding = Matrix::new(60, 2, floats(&f["embedding"])).unwrap();
    for k in [5, 10] {
        let want = f[format!("trustworthiness_{k}")].as_f64().unwrap();
        let got = trustworthiness(&data, &embedding, k).unwrap();
        assert!((got - want).abs() < 1e-9, "k = {k}: {got} vs {want}");
    }
    assert_eq!(knn_recall(&data, &data, 10).unwrap(), 1.0);
    assert!(knn_recall(&data, &embedding, 10).unwrap() < 1.0);
}

#[test]
fn every_tsne_method_keeps_separated_clusters_apart_with_similar_quality() {
    let (data, labels) = blobs(5, 80, 20, 2);
    let base = Tsne::default().perplexity(20.0).quiet(true);
    let p = base.affinities(&data).unwrap();
    let mut kls = Vec::new();
    for method in [TsneMethod::Exact, TsneMethod::BarnesHut, TsneMethod::Fft] {
        let map = base.clone().method(method).fit(&data).unwrap();
        assert_eq!(knn_accuracy(&map, &labels, 10).unwrap(), 1.0, "{method:?}");
        let kl = kl_divergence(&p, &map).unwrap();
        // the optimiser's own KL (with its approximate Z) agrees with the exact one
        let reported = map.kl_divergence().unwrap();
        assert!(
            (reported - kl).abs() < 0.02 * kl,
            "{method:?}: reported {reported}, exact {kl}"
        );
        kls.push(kl);
    }
    let (lo, hi) = kls
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &k| (a.min(k), b.max(k)));
    assert!(hi - lo < 0.05 * lo, "KL by method: {kls:?}");
}

#[test]
fn tsne_beats_pca_on_neighbourhoods_and_lowers_kl_over_time() {
    let (data, _) = blobs(3, 100, 30, 3);
    let map = Tsne::default()
        .perplexity(15.0)
        .quiet(true)
        .fit(&data)
        .unwrap();
    let pca = Pca::new(2).fit(&data).unwrap();
    let (r_tsne, r_pca) = (
        knn_recall(&data, &map, 10).unwrap(),
        knn_recall(&data, pca.projection(), 10).unwrap(),
    );
    assert!(r_tsne > r_pca, "t-SNE recall {r_tsne} vs PCA {r_pca}");
    let h = map.kl_history();
    assert_eq!(h.len(), 15);
    assert!(h.last().unwrap().1 < h[4].1, "{h:?}");
}

#[test]
fn umap_keeps_separated_clusters_apart() {
    let (data, labels) = blobs(5, 80, 20, 4);
    let map = Umap::default().fit(&data).unwrap();
    assert_eq!(knn_accuracy(&map, &labels, 10).unwrap(), 1.0);
    assert!(trustworthiness(&data, &map, 10).unwrap() > 0.9);
}

#[test]
fn results_are_deterministic_for_a_seed() {
    let (data, _) = blobs(3, 60, 8, 5);
    let t = Tsne::default()
        .perplexity(10.0)
        .iterations(300)
        .method(TsneMethod::Fft)
        .seed(3)
        .quiet(true);
    assert_eq!(
        t.fit(&data).unwrap().points(),
        t.fit(&data).unwrap().points()
    );
    let r = t.clone().random_init(true);
    assert_eq!(
        r.fit(&data).unwrap().points(),
        r.fit(&data).unwrap().points()
    );
    assert_ne!(
        r.fit(&data).unwrap().points(),
        r.clone().seed(4).fit(&data).unwrap().points()
    );
    let u = Umap::default().epochs(50).seed(9);
    assert_eq!(
        u.fit(&data).unwrap().points(),
        u.fit(&data).unwrap().points()
    );
}

#[test]
fn bad_input_gives_clear_errors() {
    let one = Matrix::new(1, 3, vec![1.0, 2.0, 3.0]).unwrap();
    assert!(matches!(
        Pca::new(1).fit(&one).unwrap_err().kind(),
        ErrorKind::Shape { .. }
    ));
    assert!(matches!(
        Tsne::default().fit(&one).unwrap_err().kind(),
        ErrorKind::Shape { .. }
    ));
    assert!(matches!(
        Umap::default().fit(&one).unwrap_err().kind(),
        ErrorKind::Shape { .. }
    ));

    let (data, _) = blobs(2, 20, 4, 6);
    let err = Tsne::default().fit(&data).unwrap_err(); // perplexity 30 ≥ 40 / 3
    assert!(err.to_string().contains("perplexity"), "{err}");
    assert!(err.to_string().contains("13.00"), "{err}");
    assert!(Tsne::default().perplexity(-1.0).fit(&data).is_err());
    assert!(Umap::default().neighbors(41).fit(&data).is_err());

    let mut values = data.as_slice().to_vec();
    values[4 * 7 + 2] = f32::INFINITY;
    let bad = Matrix::new(40, 4, values).unwrap();
    for err in [
        Pca::new(2).fit(&bad).unwrap_err(),
        Tsne::default().perplexity(5.0).fit(&bad).unwrap_err(),
        Umap::default().fit(&bad).unwrap_err(),
    ] {
        assert!(matches!(err.kind(), ErrorKind::NonFinite { .. }));
        assert!(err.to_string().contains("row 7"), "{err}");
    }
    let msg = Pca::new(5).fit(&data).unwrap_err().to_string();
    assert!(msg.contains("min(rows, cols) = 4"), "{msg}");
    let wrong_width = Matrix::new(2, 3, vec![0.0; 6]).unwrap();
    assert!(Pca::new(2)
        .fit(&data)
        .unwrap()
        .project(&wrong_width)
        .is_err());
}

#[test]
fn duplicates_and_constant_columns_are_handled() {
    // every point twice, plus a constant column: finite maps, clusters still apart
    let (data, labels) = blobs(3, 30, 5, 7);
    let mut rows = Vec::new();
    let mut twice = Vec::new();
    for (i, &label) in labels.iter().enumerate() {
        for _ in 0..2 {
            let mut r = data.row(i).to_vec();
            r.push(3.0);
            rows.push(r);
            twice.push(label);
        }
    }
    let dup = Matrix::from_rows(&rows).unwrap();
    let pca = Pca::new(6).fit(&dup).unwrap();
    assert!(
        pca.explained_variance()[5].abs() < 1e-4,
        "the constant column has no variance"
    );
    let t = Tsne::default()
        .perplexity(10.0)
        .quiet(true)
        .fit(&dup)
        .unwrap();
    assert!(t.points().as_slice().iter().all(|v| v.is_finite()));
    assert_eq!(knn_accuracy(&t, &twice, 5).unwrap(), 1.0);
    let u = Umap::default().epochs(100).fit(&dup).unwrap();
    assert!(u.points().as_slice().iter().all(|v| v.is_finite()));
    // all rows identical: PCA refuses, t-SNE still returns finite points
    let same = Matrix::new(20, 3, vec![1.0; 60]).unwrap();
    assert!(Pca::new(1).fit(&same).is_err());
    let t = Tsne::default()
        .perplexity(3.0)
        .iterations(100)
        .quiet(true)
        .fit(&same)
        .unwrap();
    assert!(t.points().as_slice().iter().all(|v| v.is_finite()));
}
