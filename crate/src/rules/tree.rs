//! CART decision trees for classification (Breiman et al. 1984): Gini impurity, exact best
//! split per feature by sorting, depth and minimum-leaf limits, deterministic.
//!
//! A split sends `x < threshold` left and `x ≥ threshold` right, with the threshold halfway
//! between two consecutive distinct values (scikit-learn's `x ≤ t` puts the same rows left).
//! Ties in gain go to the lower feature index, then the lower threshold, so a fit never
//! depends on anything but the data.

use crate::{data::tabular::Tabular, Error, Result};

/// Fits [`DecisionTree`]s: the limits of the growth.
///
/// # Example
/// ```
/// use glassbox::{Cart, data::tabular::Tabular};
/// let data = Tabular::new(vec!["x".into()], vec![1.0, 2.0, 3.0, 4.0], vec![0, 0, 1, 1], vec!["a".into(), "b".into()])?;
/// let tree = Cart::new().max_depth(2).fit(&data)?;
/// let split = tree.nodes()[0].split.unwrap();
/// assert_eq!((split.feature, split.threshold), (0, 2.5));
/// assert_eq!(tree.predict(&data)?, vec![0, 0, 1, 1]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cart {
    max_depth: usize,
    min_samples_leaf: usize,
}

impl Default for Cart {
    fn default() -> Self {
        Self::new()
    }
}

impl Cart {
    /// Depth at most 3 and at least 1 sample per leaf.
    pub fn new() -> Self {
        Self {
            max_depth: 3,
            min_samples_leaf: 1,
        }
    }

    /// The deepest a leaf may be (the root has depth 0). Diagrams stay readable up to 4.
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// The fewest training rows a leaf may hold (guards against rules about a handful of cases).
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.min_samples_leaf = n;
        self
    }

    /// Grows a tree on `data`'s features and targets.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `min_samples_leaf` is zero or `max_depth` is
    /// over 16 (a tree nobody can read).
    pub fn fit(&self, data: &Tabular) -> Result<DecisionTree> {
        if self.min_samples_leaf == 0 {
            return Err(Error::invalid("min_samples_leaf", "must be at least 1"));
        }
        if self.max_depth > 16 {
            return Err(Error::invalid(
                "max_depth",
                format!(
                    "{} gives up to 2^{0} leaves; use at most 16 (4 for a readable diagram)",
                    self.max_depth
                ),
            ));
        }
        let mut tree = DecisionTree {
            nodes: Vec::new(),
            feature_names: data.feature_names().to_vec(),
            class_names: data.class_names().to_vec(),
            integer_features: (0..data.num_features())
                .map(|j| data.is_integer_feature(j))
                .collect(),
            limits: *self,
        };
        tree.grow(data, (0..data.len()).collect(), 0);
        Ok(tree)
    }
}

/// A split of a node: `feature < threshold` goes to `left`, the rest to `right`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split {
    /// The feature's column index.
    pub feature: usize,
    /// Rows with a smaller value go left.
    pub threshold: f32,
    /// Index of the left child in [`DecisionTree::nodes`].
    pub left: usize,
    /// Index of the right child.
    pub right: usize,
    /// Gini decrease at this node: `G(node) − (n_l/n) G(left) − (n_r/n) G(right)`.
    pub gain: f64,
}

/// One node of a [`DecisionTree`]: the training rows that reached it, and its split if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Distance from the root (root = 0).
    pub depth: usize,
    /// Training rows that reached the node.
    pub samples: usize,
    /// Training rows per class.
    pub class_counts: Vec<usize>,
    /// Gini impurity `1 − Σ p_k²` of those rows.
    pub gini: f64,
    /// `None` for a leaf.
    pub split: Option<Split>,
}

impl Node {
    /// The majority class (lowest index on ties).
    pub fn class(&self) -> usize {
        let max = self.class_counts.iter().copied().max().unwrap_or(0);
        self.class_counts
            .iter()
            .position(|&c| c == max)
            .unwrap_or(0)
    }

    /// The share of the majority class among the node's rows.
    pub fn purity(&self) -> f32 {
        self.class_counts[self.class()] as f32 / self.samples.max(1) as f32
    }
}

/// A fitted CART classification tree. See [`Cart`].
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionTree {
    nodes: Vec<Node>,
    feature_names: Vec<String>,
    class_names: Vec<String>,
    integer_features: Vec<bool>,
    limits: Cart,
}

/// Gini impurity of class counts out of `n`.
pub(crate) fn gini(counts: &[usize], n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    1.0 - counts
        .iter()
        .map(|&c| (c as f64 / n as f64).powi(2))
        .sum::<f64>()
}

impl DecisionTree {
    /// Adds the node for `rows` (and its subtree); returns its index.
    fn grow(&mut self, data: &Tabular, rows: Vec<usize>, depth: usize) -> usize {
        let mut counts = vec![0; data.class_names().len()];
        rows.iter().for_each(|&i| counts[data.targets()[i]] += 1);
        let g = gini(&counts, rows.len());
        let id = self.nodes.len();
        self.nodes.push(Node {
            depth,
            samples: rows.len(),
            class_counts: counts.clone(),
            gini: g,
            split: None,
        });
        let min_leaf = self.limits.min_samples_leaf;
        if depth >= self.limits.max_depth || g <= 0.0 || rows.len() < 2 * min_leaf {
            return id;
        }
        let Some((feature, threshold, gain)) = best_split(data, &rows, &counts, g, min_leaf) else {
            return id;
        };
        let (l, r): (Vec<usize>, Vec<usize>) = rows
            .iter()
            .partition(|&&i| data.value(i, feature) < threshold);
        let left = self.grow(data, l, depth + 1);
        let right = self.grow(data, r, depth + 1);
        self.nodes[id].split = Some(Split {
            feature,
            threshold,
            left,
            right,
            gain,
        });
        id
    }

    /// All nodes, root first (depth-first, left before right).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The indices of the leaves, left to right.
    pub fn leaves(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].split.is_none())
            .collect()
    }

    /// The depth of the deepest leaf.
    pub fn depth(&self) -> usize {
        self.nodes.iter().map(|n| n.depth).max().unwrap_or(0)
    }

    /// The `max_depth` and `min_samples_leaf` it was grown with.
    pub fn limits(&self) -> (usize, usize) {
        (self.limits.max_depth, self.limits.min_samples_leaf)
    }

    /// The feature names it was fitted on.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The class names.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// Whether feature `j` held only whole numbers in training (rules then read `≤ 2`, `≥ 3`).
    pub fn is_integer_feature(&self, j: usize) -> bool {
        self.integer_features.get(j).copied().unwrap_or(false)
    }

    /// The leaf a row (one value per feature, in [`DecisionTree::feature_names`] order) falls
    /// into.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Shape`] naming `row` when it has another number of values than the
    /// tree has features; [`crate::ErrorKind::NonFinite`] for NaN or infinite values (a NaN
    /// would silently take the right branch of every split).
    pub fn leaf_of(&self, row: &[f32]) -> Result<usize> {
        let features = self.feature_names.len();
        if row.len() != features {
            return Err(Error::shape(
                "row",
                format!(
                    "one value per feature ({features}: {})",
                    self.feature_names.join(", ")
                ),
                &[row.len()],
            ));
        }
        if row.iter().any(|v| !v.is_finite()) {
            return Err(Error::non_finite("the row"));
        }
        Ok(self.leaf_index(row))
    }

    /// [`DecisionTree::leaf_of`] for a row already checked against the features.
    pub(crate) fn leaf_index(&self, row: &[f32]) -> usize {
        let mut i = 0;
        while let Some(s) = self.nodes[i].split {
            i = if row[s.feature] < s.threshold {
                s.left
            } else {
                s.right
            };
        }
        i
    }

    /// The predicted class of every row of `data`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `data` has other features than the fit.
    pub fn predict(&self, data: &Tabular) -> Result<Vec<usize>> {
        if data.feature_names() != self.feature_names.as_slice() {
            return Err(Error::invalid(
                "data",
                format!(
                    "features [{}] differ from the tree's [{}]",
                    data.feature_names().join(", "),
                    self.feature_names.join(", ")
                ),
            ));
        }
        Ok((0..data.len())
            .map(|i| self.nodes[self.leaf_index(data.row(i))].class())
            .collect())
    }

    /// The share of rows of `data` whose target the tree predicts.
    ///
    /// # Errors
    /// As [`DecisionTree::predict`].
    pub fn accuracy(&self, data: &Tabular) -> Result<f32> {
        super::agreement("predict(data)", &self.predict(data)?, data.targets())
    }
}

/// The best `(feature, threshold, gain)` over all features, or `None` if no split helps.
fn best_split(
    data: &Tabular,
    rows: &[usize],
    counts: &[usize],
    parent: f64,
    min_leaf: usize,
) -> Option<(usize, f32, f64)> {
    let n = rows.len();
    let mut best: Option<(usize, f32, f64)> = None;
    let mut pairs: Vec<(f32, usize)> = Vec::with_capacity(n);
    let mut left = vec![0usize; counts.len()];
    for j in 0..data.num_features() {
        // (value, class) sorted by value; the order within equal values cannot matter, since
        // thresholds only fall between distinct values.
        pairs.clear();
        pairs.extend(rows.iter().map(|&i| (data.value(i, j), data.targets()[i])));
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        left.iter_mut().for_each(|c| *c = 0);
        for k in 0..n - 1 {
            left[pairs[k].1] += 1;
            let (a, b) = (pairs[k].0, pairs[k + 1].0);
            let (nl, nr) = (k + 1, n - k - 1);
            if a == b || nl < min_leaf || nr < min_leaf {
                continue;
            }
            // n_l·G_l + n_r·G_r = n − Σ l²/n_l − Σ r²/n_r, with r = counts − l.
            let (mut sl, mut sr) = (0.0, 0.0);
            for (&c, &l) in counts.iter().zip(&left) {
                sl += (l * l) as f64;
                sr += ((c - l) * (c - l)) as f64;
            }
            let gain = parent - 1.0 + (sl / nl as f64 + sr / nr as f64) / n as f64;
            if gain > 1e-12 && best.is_none_or(|(_, _, g)| gain > g + 1e-12) {
                let mid = ((a as f64 + b as f64) / 2.0) as f32;
                best = Some((j, if mid > a { mid } else { b }, gain));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Six rows, hand-computed. Targets [0, 0, 0, 1, 1, 0]: root counts [4, 2],
    /// G = 1 − (4/6)² − (2/6)² = 4/9. Feature `x` = [1, 2, 3, 4, 5, 6]:
    ///  - x < 3.5: left [3, 0] G = 0; right [1, 2] G = 1 − (1/3)² − (2/3)² = 4/9;
    ///    weighted = (3·0 + 3·4/9)/6 = 2/9; gain = 4/9 − 2/9 = **2/9 ≈ 0.222** (the best);
    ///  - x < 2.5: left [2, 0]; right [2, 2] G = ½; weighted 4·½/6 = 1/3; gain 1/9;
    ///  - x < 4.5: left [3, 1] G = 3/8; right [1, 1] G = ½; weighted (4·3/8 + 2·½)/6 = 5/12; gain 1/36;
    ///  - x < 1.5 and x < 5.5: one side [3, 2] (G = 12/25) against a pure row; gain 4/9 − 2/5 = 2/45.
    ///
    /// Feature `y` = [0, 1, 0, 1, 1, 1]: y < 0.5 → [2, 0] | [2, 2]: gain 1/9.
    #[test]
    fn gini_gain_by_hand() {
        let data = Tabular::new(
            vec!["x".into(), "y".into()],
            vec![1., 0., 2., 1., 3., 0., 4., 1., 5., 1., 6., 1.],
            vec![0, 0, 0, 1, 1, 0],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        assert!((gini(&[3, 3], 6) - 0.5).abs() < 1e-12);
        assert!((gini(&[1, 2], 3) - 4.0 / 9.0).abs() < 1e-12);
        let tree = Cart::new().max_depth(1).fit(&data).unwrap();
        let root = &tree.nodes()[0];
        let s = root.split.unwrap();
        assert_eq!((s.feature, s.threshold), (0, 3.5));
        assert!((s.gain - 2.0 / 9.0).abs() < 1e-12, "gain {}", s.gain);
        assert!((root.gini - 4.0 / 9.0).abs() < 1e-12);
        assert_eq!(tree.nodes()[s.left].class_counts, vec![3, 0]);
        assert_eq!(tree.nodes()[s.right].class_counts, vec![1, 2]);
        // min_samples_leaf = 4 needs 4 rows on each side, which 6 rows cannot give: a single leaf.
        let stump = Cart::new()
            .max_depth(1)
            .min_samples_leaf(4)
            .fit(&data)
            .unwrap();
        assert_eq!(stump.nodes().len(), 1);
        // Depth 2 separates the right side [4, 5 | 6] at x < 5.5.
        let deeper = Cart::new().max_depth(2).fit(&data).unwrap();
        assert_eq!(deeper.accuracy(&data).unwrap(), 1.0);
        assert_eq!(
            deeper.nodes()[deeper.nodes()[0].split.unwrap().right]
                .split
                .unwrap()
                .threshold,
            5.5
        );
    }

    #[test]
    fn bad_limits_are_errors() {
        let data = Tabular::new(
            vec!["x".into()],
            vec![1.0],
            vec![0],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        assert!(Cart::new().min_samples_leaf(0).fit(&data).is_err());
        assert!(Cart::new().max_depth(30).fit(&data).is_err());
        let lone = Cart::new().fit(&data).unwrap();
        assert_eq!((lone.nodes().len(), lone.depth()), (1, 0));
    }
}
