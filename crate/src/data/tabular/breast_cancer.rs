//! The Breast Cancer Wisconsin (Diagnostic) data, shipped in the crate (see `assets/tabular/README.md`).

use super::Tabular;
use crate::Result;

const CSV: &str = include_str!("../../../assets/tabular/breast_cancer.csv");

/// Breast Cancer Wisconsin (Diagnostic): 569 tumours × 30 numeric features, classes
/// `["malignant", "benign"]` (212 / 357 rows).
///
/// Features are the mean, standard error and worst value of ten nucleus measurements (radius,
/// texture, perimeter, area, smoothness, compactness, concavity, concave points, symmetry,
/// fractal dimension). Originally UCI (Street, Wolberg & Mangasarian 1993, CC BY 4.0),
/// converted from scikit-learn's copy (BSD-3-Clause); provenance in
/// `crate/assets/tabular/README.md`. Embedded: no download.
///
/// # Example
/// ```
/// let data = glassbox::data::tabular::breast_cancer()?;
/// assert_eq!((data.len(), data.num_features()), (569, 30));
/// assert_eq!(data.class_counts(), vec![212, 357]);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// Only if the embedded file were corrupt ([`crate::ErrorKind::Format`]).
pub fn breast_cancer() -> Result<Tabular> {
    Tabular::from_csv(CSV, "target")?.with_class_names(vec!["malignant".into(), "benign".into()])
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_scikit_learn() {
        let d = super::breast_cancer().unwrap();
        assert_eq!(d.feature_names()[20], "worst radius");
        // sklearn: load_breast_cancer().data[0, :3] == [17.99, 10.38, 122.8], target[0] == 0
        assert_eq!(&d.row(0)[..3], &[17.99, 10.38, 122.8]);
        assert_eq!(d.targets()[0], 0);
        assert!(d.constant_features().is_empty());
    }
}
