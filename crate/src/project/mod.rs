//! Projections of high-dimensional points to a few dimensions: [`Pca`], [`Tsne`](crate::Tsne), [`Umap`](crate::Umap).
//!
//! Every method takes its data through [`AsMatrix`] (one row per point) and `fit`s it. t-SNE and
//! UMAP return a [`Projection`]: the low-dimensional coordinates plus what produced them. PCA
//! learns a linear map, so it returns a [`PcaModel`]: its components, and the same
//! [`Projection`] ([`PcaModel::projection`]) plus [`PcaModel::project`] for new points. A model's hidden
//! layer becomes such rows through [`Embed`](crate::Embed): `net.embed(&images, "gap")?`.

pub(crate) mod embed;
mod knn;
pub(crate) mod matrix;
pub(crate) mod pca;
mod plots;
pub(crate) mod projection;
mod thumbnails;
pub(crate) mod tsne;
pub(crate) mod umap;

pub(crate) use knn::{exact_knn, squared_distance, Knn};
pub use matrix::AsMatrix;
pub(crate) use matrix::Matrix;
pub(crate) use pca::Pca;
pub use pca::{PcaModel, PcaSolver};
pub use plots::DecisionBoundary;
pub(crate) use projection::Projection;
pub use tsne::{Affinities, TsneMethod};

#[cfg(test)]
pub(crate) mod testing {
    use rand::{Rng, SeedableRng};

    /// `len` uniform values in [0, 1), seeded.
    pub fn noise(len: usize, seed: u64) -> Vec<f32> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        (0..len).map(|_| rng.gen::<f32>()).collect()
    }
}
