//! [`Tabular`]: a small, validated, row-major table of numeric features with class labels.
//!
//! Every value is a finite `f32`, every target a class index below `class_names.len()`, and a
//! table is never empty: the constructors check once, so later code (trees, MLPs, attributions)
//! does not have to. Categorical (text) columns are rejected when loading CSV with an error that
//! says to one-hot encode them.
//!
//! **Constant features** are *allowed* in a table (a small split can make any column constant,
//! and a decision tree simply never splits on one), listed by [`Tabular::constant_features`],
//! and *rejected* where they break the maths: [`Standardizer::fit`] (division by a zero
//! standard deviation) returns an error naming them and the fix ([`Tabular::drop_features`]).

mod breast_cancer;
mod credit;
mod csv;
mod standardize;

pub use breast_cancer::breast_cancer;
pub use credit::{credit_risk, CreditRules, CREDIT_FEATURES};
pub use standardize::Standardizer;

use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::{Error, Result};

/// A table of numeric features (row-major `f32`) with one class label per row.
///
/// # Example
/// ```
/// use glassbox::data::tabular::Tabular;
/// let t = Tabular::new(
///     vec!["income".into(), "debt_ratio".into()],
///     vec![20_000.0, 0.5, 80_000.0, 0.1],
///     vec![1, 0],
///     vec!["low risk".into(), "high risk".into()],
/// )?;
/// assert_eq!((t.len(), t.num_features()), (2, 2));
/// assert_eq!(t.value(1, 0), 80_000.0);
/// assert_eq!(t.class_name(t.targets()[0]), "high risk");
/// assert!(Tabular::new(vec!["x".into()], vec![f32::NAN], vec![0], vec!["a".into()]).is_err());
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Tabular {
    feature_names: Vec<String>,
    class_names: Vec<String>,
    rows: Vec<f32>,
    targets: Vec<usize>,
}

impl Tabular {
    /// A table from feature names, row-major values (`targets.len() × feature_names.len()`),
    /// class indices and class names.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for no rows, no features, duplicate or empty
    /// feature names, fewer than two classes or a target out of range;
    /// [`crate::ErrorKind::Shape`] when `rows` does not hold `targets.len()` full rows;
    /// [`crate::ErrorKind::NonFinite`] for a NaN or infinite value (the message names the row
    /// and the feature).
    pub fn new(
        feature_names: Vec<String>,
        rows: Vec<f32>,
        targets: Vec<usize>,
        class_names: Vec<String>,
    ) -> Result<Self> {
        let f = feature_names.len();
        if f == 0 {
            return Err(Error::invalid(
                "feature_names",
                "a table needs at least one feature",
            ));
        }
        if targets.is_empty() {
            return Err(Error::invalid(
                "targets",
                "the table is empty: pass at least one row",
            ));
        }
        for (j, name) in feature_names.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(Error::invalid(
                    "feature_names",
                    format!("feature {j} has an empty name"),
                ));
            }
            if feature_names[..j].contains(name) {
                return Err(Error::invalid(
                    "feature_names",
                    format!("`{name}` appears twice; rename one"),
                ));
            }
        }
        if rows.len() != targets.len() * f {
            return Err(Error::shape(
                "rows",
                format!("{} rows × {f} features, row-major", targets.len()),
                &[rows.len()],
            ));
        }
        if let Some(k) = rows.iter().position(|v| !v.is_finite()) {
            return Err(Error::non_finite(format!(
                "row {} of feature `{}` ({})",
                k / f,
                feature_names[k % f],
                rows[k]
            )));
        }
        if class_names.len() < 2 {
            return Err(Error::invalid(
                "class_names",
                format!(
                    "{} class given; classification needs at least two",
                    class_names.len()
                ),
            ));
        }
        if let Some(i) = targets.iter().position(|&t| t >= class_names.len()) {
            return Err(Error::invalid(
                "targets",
                format!(
                    "row {i} has class {} but there are only {} classes ({})",
                    targets[i],
                    class_names.len(),
                    class_names.join(", ")
                ),
            ));
        }
        Ok(Self {
            feature_names,
            class_names,
            rows,
            targets,
        })
    }

    /// The number of rows (never zero).
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Always `false`: a table has at least one row. Present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The number of features (columns).
    pub fn num_features(&self) -> usize {
        self.feature_names.len()
    }

    /// The feature names, in column order.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The column index of the feature called `name`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] listing the known names.
    pub fn feature_index(&self, name: &str) -> Result<usize> {
        self.feature_names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| {
                Error::invalid(
                    "feature",
                    format!(
                        "no feature `{name}`; the table has: {}",
                        self.feature_names.join(", ")
                    ),
                )
            })
    }

    /// The class names; targets index into them.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The name of class `class` (`"?"` when out of range).
    pub fn class_name(&self, class: usize) -> &str {
        self.class_names.get(class).map_or("?", String::as_str)
    }

    /// Replaces the class names (e.g. `["malignant", "benign"]` for `0`/`1` targets).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when a target would be out of range.
    pub fn with_class_names(self, class_names: Vec<String>) -> Result<Self> {
        Self::new(self.feature_names, self.rows, self.targets, class_names)
    }

    /// All values, row-major `[len, num_features]`.
    pub fn rows(&self) -> &[f32] {
        &self.rows
    }

    /// Row `i` (panics when `i ≥ len`, like slice indexing).
    pub fn row(&self, i: usize) -> &[f32] {
        let f = self.num_features();
        &self.rows[i * f..(i + 1) * f]
    }

    /// The value of feature `j` in row `i`.
    pub fn value(&self, i: usize, j: usize) -> f32 {
        self.rows[i * self.num_features() + j]
    }

    /// Column `j` as a vector.
    pub fn column(&self, j: usize) -> Vec<f32> {
        self.rows
            .iter()
            .skip(j)
            .step_by(self.num_features())
            .copied()
            .collect()
    }

    /// The class index of every row.
    pub fn targets(&self) -> &[usize] {
        &self.targets
    }

    /// How many rows each class has.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.class_names.len()];
        for &t in &self.targets {
            counts[t] += 1;
        }
        counts
    }

    /// `(min, max)` of feature `j`.
    pub fn range(&self, j: usize) -> (f32, f32) {
        crate::math::min_max(self.column(j).iter().copied())
    }

    /// Whether every value of feature `j` is a whole number (counts, flags).
    pub fn is_integer_feature(&self, j: usize) -> bool {
        self.column(j).iter().all(|v| v.fract() == 0.0)
    }

    /// The indices of features that take a single value in this table.
    pub fn constant_features(&self) -> Vec<usize> {
        (0..self.num_features())
            .filter(|&j| {
                let (lo, hi) = self.range(j);
                lo == hi
            })
            .collect()
    }

    /// The same table with other targets (e.g. a model's predictions, to fit a surrogate).
    ///
    /// # Errors
    /// As [`Tabular::new`]: wrong length or a class out of range.
    pub fn with_targets(&self, targets: Vec<usize>) -> Result<Self> {
        if targets.len() != self.len() {
            return Err(Error::shape(
                "targets",
                format!("one per row ({})", self.len()),
                &[targets.len()],
            ));
        }
        Self::new(
            self.feature_names.clone(),
            self.rows.clone(),
            targets,
            self.class_names.clone(),
        )
    }

    /// The rows at `indices`, in that order (repeats allowed).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for no indices or one out of range.
    pub fn select(&self, indices: &[usize]) -> Result<Self> {
        if let Some(&i) = indices.iter().find(|&&i| i >= self.len()) {
            return Err(Error::invalid(
                "indices",
                format!("row {i} does not exist; the table has {} rows", self.len()),
            ));
        }
        let rows = indices
            .iter()
            .flat_map(|&i| self.row(i).iter().copied())
            .collect();
        let targets = indices.iter().map(|&i| self.targets[i]).collect();
        Self::new(
            self.feature_names.clone(),
            rows,
            targets,
            self.class_names.clone(),
        )
    }

    /// The table without the named features (e.g. the constant ones).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for an unknown name or when nothing would remain.
    pub fn drop_features(&self, names: &[&str]) -> Result<Self> {
        let drop = names
            .iter()
            .map(|n| self.feature_index(n))
            .collect::<Result<Vec<_>>>()?;
        let keep: Vec<usize> = (0..self.num_features())
            .filter(|j| !drop.contains(j))
            .collect();
        let rows = (0..self.len())
            .flat_map(|i| keep.iter().map(move |&j| (i, j)))
            .map(|(i, j)| self.value(i, j))
            .collect();
        let names = keep
            .iter()
            .map(|&j| self.feature_names[j].clone())
            .collect();
        Self::new(names, rows, self.targets.clone(), self.class_names.clone())
    }

    /// A seeded random split into `(train, test)` with `test_fraction` of the rows in `test`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `test_fraction` is not in (0, 1) or either
    /// part would be empty.
    pub fn split(&self, test_fraction: f32, seed: u64) -> Result<(Self, Self)> {
        if !(test_fraction > 0.0 && test_fraction < 1.0) {
            return Err(Error::invalid(
                "test_fraction",
                format!("{test_fraction} is not strictly between 0 and 1"),
            ));
        }
        let n_test = (self.len() as f32 * test_fraction).round() as usize;
        if n_test == 0 || n_test == self.len() {
            return Err(Error::invalid(
                "test_fraction",
                format!(
                    "{test_fraction} of {} rows leaves one side empty",
                    self.len()
                ),
            ));
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        let (test, train) = order.split_at(n_test);
        Ok((self.select(train)?, self.select(test)?))
    }

    /// The table with one more feature, `name`, holding `values` (one per row).
    ///
    /// # Errors
    /// As [`Tabular::new`]: wrong length, a duplicate name or non-finite values.
    pub fn with_feature(&self, name: &str, values: &[f32]) -> Result<Self> {
        if values.len() != self.len() {
            return Err(Error::shape(
                "values",
                format!("one value per row ({})", self.len()),
                &[values.len()],
            ));
        }
        let rows = (0..self.len())
            .flat_map(|i| self.row(i).iter().copied().chain([values[i]]))
            .collect();
        let mut names = self.feature_names.clone();
        names.push(name.to_string());
        Self::new(names, rows, self.targets.clone(), self.class_names.clone())
    }

    /// The table with feature `j` replaced by `values` (one per row). Used by permutation
    /// importance and occlusion.
    ///
    /// # Errors
    /// As [`Tabular::new`]: wrong length or non-finite values.
    pub fn with_column(&self, j: usize, values: &[f32]) -> Result<Self> {
        if values.len() != self.len() || j >= self.num_features() {
            return Err(Error::shape(
                "values",
                format!("{} values for column < {}", self.len(), self.num_features()),
                &[values.len(), j],
            ));
        }
        let mut rows = self.rows.clone();
        let f = self.num_features();
        for (i, &v) in values.iter().enumerate() {
            rows[i * f + j] = v;
        }
        Self::new(
            self.feature_names.clone(),
            rows,
            self.targets.clone(),
            self.class_names.clone(),
        )
    }
}

impl std::fmt::Display for Tabular {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let counts = self.class_counts();
        let classes: Vec<String> = self
            .class_names
            .iter()
            .zip(&counts)
            .map(|(n, c)| format!("{n}: {c}"))
            .collect();
        write!(
            f,
            "Tabular: {} rows × {} features ({})",
            self.len(),
            self.num_features(),
            classes.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    fn small() -> Tabular {
        Tabular::new(
            names(&["a", "b"]),
            vec![1.0, 5.0, 2.0, 5.0, 3.0, 5.0],
            vec![0, 1, 1],
            names(&["no", "yes"]),
        )
        .unwrap()
    }

    #[test]
    fn bad_tables_are_clear_errors() {
        let e = Tabular::new(names(&["a"]), vec![], vec![], names(&["n", "y"])).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let e = Tabular::new(
            names(&["a", "b"]),
            vec![1.0, f32::INFINITY],
            vec![0],
            names(&["n", "y"]),
        )
        .unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::NonFinite { .. }));
        assert!(e.to_string().contains("row 0 of feature `b`"), "{e}");
        let e = Tabular::new(
            names(&["a", "a"]),
            vec![1.0, 2.0],
            vec![0],
            names(&["n", "y"]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
        assert!(Tabular::new(names(&["a"]), vec![1.0, 2.0], vec![0], names(&["n", "y"])).is_err());
        assert!(Tabular::new(names(&["a"]), vec![1.0], vec![2], names(&["n", "y"])).is_err());
        assert!(Tabular::new(names(&["a"]), vec![1.0], vec![0], names(&["n"])).is_err());
    }

    #[test]
    fn columns_ranges_and_constants() {
        let t = small();
        assert_eq!(t.column(0), vec![1.0, 2.0, 3.0]);
        assert_eq!(t.range(0), (1.0, 3.0));
        assert_eq!(t.constant_features(), vec![1]);
        assert!(t.is_integer_feature(0));
        let d = t.drop_features(&["b"]).unwrap();
        assert_eq!((d.num_features(), d.rows()), (1, &[1.0, 2.0, 3.0][..]));
        assert_eq!(t.class_counts(), vec![1, 2]);
        assert!(t.select(&[]).is_err() && t.select(&[3]).is_err());
        let w = t.with_feature("c", &[7.0, 8.0, 9.0]).unwrap();
        assert_eq!(
            (w.row(1), w.feature_names()[2].as_str()),
            (&[2.0, 5.0, 8.0][..], "c")
        );
        assert!(t.with_feature("a", &[0.0; 3]).is_err() && t.with_feature("c", &[0.0]).is_err());
    }

    #[test]
    fn split_is_seeded_and_partitions_the_rows() {
        let t = Tabular::new(
            names(&["x"]),
            (0..10).map(|v| v as f32).collect(),
            vec![0; 10],
            names(&["n", "y"]),
        )
        .unwrap();
        let (a, b) = t.split(0.3, 7).unwrap();
        assert_eq!((a.len(), b.len()), (7, 3));
        let mut all: Vec<f32> = a.column(0).into_iter().chain(b.column(0)).collect();
        all.sort_by(f32::total_cmp);
        assert_eq!(all, t.column(0));
        assert_eq!(t.split(0.3, 7).unwrap().1, b);
        assert!(t.split(0.0, 1).is_err() && t.split(0.01, 1).is_err());
    }
}
