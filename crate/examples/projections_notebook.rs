//! The projections notebook (`notebooks/05-projections.ipynb`) as a program: renders its figures
//! into `target/projections-notebook/`. Keep the two in step.

fn main() -> glassbox::Result<()> {
    let out = std::path::Path::new("target/projections-notebook");
    std::fs::create_dir_all(out).map_err(|e| glassbox::Error::io(out, e))?;
    use glassbox::prelude::*;
    use glassbox::{knn_accuracy, knn_recall, trustworthiness, Matrix, Pca, Tsne, Umap};
    let (data, labels) = {
        // xorshift + Box–Muller: reproducible Gaussian noise without extra crates
        let mut state: u64 = 0x2545F4914F6CDD1D;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut gauss = move || {
            let (u, v) = (uniform().max(1e-12), uniform());
            ((-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()) as f32
        };

        let dims = 50;
        let spread = [1.0f32, 1.0, 3.0, 0.3, 1.0, 1.0];
        let mut centres: Vec<Vec<f32>> = (0..6)
            .map(|_| (0..dims).map(|_| gauss() * 4.3).collect())
            .collect();
        centres[1] = centres[0]
            .iter()
            .map(|c| c + 6.0 / (dims as f32).sqrt())
            .collect(); // 6 apart
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for i in 0..1800 {
            let class = i % 6;
            values.extend(centres[class].iter().map(|c| c + spread[class] * gauss()));
            labels.push(class);
        }
        (Matrix::new(1800, dims, values)?, labels)
    };
    println!("{} points × {} dimensions", data.rows(), data.cols());
    let pca = Pca::new(10).fit(&data)?;
    println!(
        "variance explained by 2 components: {:.1} %",
        100.0 * (pca.explained_variance_ratio()[0] + pca.explained_variance_ratio()[1])
    );
    pca.variance_plot().figure()?.save(out.join("fig1.png"))?;
    pca.projection()
        .scatter(&labels)?
        .figure()?
        .save(out.join("fig2.png"))?;
    let tsne = Tsne::default().perplexity(30.0).seed(1).fit(&data)?;
    println!("{tsne}");
    tsne.scatter(&labels)?
        .figure()?
        .save(out.join("fig3.png"))?;
    let low = Tsne::default().perplexity(5.0).quiet(true).fit(&data)?;
    let high = Tsne::default().perplexity(100.0).quiet(true).fit(&data)?;
    (gallery![
        "perplexity 5" => low.scatter(&labels)?,
        "perplexity 30" => tsne.scatter(&labels)?,
        "perplexity 100" => high.scatter(&labels)?,
    ])
    .figure()?
    .save(out.join("fig4.png"))?;
    let umap = Umap::default().seed(1).fit(&data)?;
    umap.scatter(&labels)?
        .figure()?
        .save(out.join("fig5.png"))?;
    for (name, map) in [
        ("PCA", pca.project(&data)?),
        ("t-SNE", tsne.clone()),
        ("UMAP", umap.clone()),
    ] {
        let two = Matrix::new(
            map.len(),
            2,
            (0..map.len())
                .flat_map(|i| [map.point(i)[0], map.point(i)[1]])
                .collect(),
        )?;
        println!(
            "{name:6} recall@10 {:.3}  trustworthiness@10 {:.3}  kNN accuracy@10 {:.3}",
            knn_recall(&data, &two, 10)?,
            trustworthiness(&data, &two, 10)?,
            knn_accuracy(&two, &labels, 10)?
        );
    }
    let regions = {
        let pts: Vec<[f32; 2]> = (0..tsne.len())
            .map(|i| [tsne.point(i)[0], tsne.point(i)[1]])
            .collect();
        let knn_vote = |q: &[f32; 2]| {
            let mut d: Vec<(f32, usize)> = pts
                .iter()
                .zip(&labels)
                .map(|(p, &l)| ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2), l))
                .collect();
            d.select_nth_unstable_by(4, |a, b| a.0.total_cmp(&b.0));
            let mut votes = [0; 6];
            for &(_, l) in &d[..5] {
                votes[l] += 1;
            }
            (0..6)
                .max_by_key(|&c| (votes[c], std::cmp::Reverse(c)))
                .unwrap()
        };
        tsne.decision_boundary(&labels, knn_vote)
    };
    println!(
        "points inside their own class's region: {:.1} %",
        100.0 * regions.accuracy()
    );
    regions.figure()?.save(out.join("fig6.png"))?;
    Ok(())
}
