//! Projections of high-dimensional points to a few dimensions: [`Pca`], [`Tsne`], [`Umap`].
//!
//! Every method takes its data through [`AsMatrix`] (one row per point) and returns a
//! [`Projection`]: the low-dimensional coordinates plus what produced them. A model's hidden
//! layer becomes such rows through [`Embed`]: `net.embed(&images, "gap")?`.

mod embed;
mod knn;
mod matrix;
mod pca;
mod plots;
mod projection;
mod thumbnails;
mod tsne;
mod umap;

pub use embed::Embed;
pub(crate) use knn::{exact_knn, squared_distance, Knn};
pub use matrix::{AsMatrix, Matrix};
pub use pca::{Pca, PcaModel, PcaSolver};
pub use plots::DecisionBoundary;
pub use projection::Projection;
pub use tsne::{Affinities, Tsne, TsneMethod};
pub use umap::Umap;

#[cfg(test)]
pub(crate) mod testing {
    use rand::{Rng, SeedableRng};

    /// `len` uniform values in [0, 1), seeded.
    pub fn noise(len: usize, seed: u64) -> Vec<f32> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        (0..len).map(|_| rng.gen::<f32>()).collect()
    }
}
