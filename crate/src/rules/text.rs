//! Rules as readable text: one rule per leaf, conditions on the same feature merged into one
//! interval, thresholds in human units (`32.5k`, `0.41`, `≥ 3` for counts).

use super::DecisionTree;

/// A number with three significant digits and a `k` / `M` suffix: `32450.0 → "32.5k"`,
/// `0.4103 → "0.41"`, `1_250_000.0 → "1.25M"`.
///
/// # Example
/// ```
/// assert_eq!(glassbox::rules::human_number(32_450.0), "32.5k");
/// assert_eq!(glassbox::rules::human_number(0.4103), "0.41");
/// assert_eq!(glassbox::rules::human_number(-2.0), "-2");
/// ```
pub fn human_number(v: f32) -> String {
    let (scaled, suffix) = match v.abs() {
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let digits = if scaled == 0.0 {
        0
    } else {
        (2 - scaled.abs().log10().floor() as i32).max(0) as usize
    };
    let mut s = format!("{scaled:.digits$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{s}{suffix}")
}

/// The range of one feature a rule requires: `lower ≤ x < upper` (either side may be open).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The feature's column index.
    pub feature: usize,
    /// The feature's name.
    pub name: String,
    /// Inclusive lower bound (`x ≥ lower`), if any.
    pub lower: Option<f32>,
    /// Exclusive upper bound (`x < upper`), if any.
    pub upper: Option<f32>,
    /// Whole-number feature: bounds below 1000 print as `≥ 3` / `≤ 2` instead of `≥ 2.5` / `< 2.5`
    /// (larger ones, like incomes in whole dollars, read better as `< 32.5k`).
    pub integer: bool,
}

impl Condition {
    /// Whether `value` satisfies the condition.
    pub fn holds(&self, value: f32) -> bool {
        self.lower.is_none_or(|l| value >= l) && self.upper.is_none_or(|u| value < u)
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = |v: f32| self.integer && v.abs() < 1000.0;
        let lower = self.lower.map(|l| {
            if whole(l) {
                human_number(l.ceil())
            } else {
                human_number(l)
            }
        });
        let upper = self.upper.map(|u| {
            if whole(u) {
                format!("≤ {}", human_number(u.ceil() - 1.0))
            } else {
                format!("< {}", human_number(u))
            }
        });
        match (lower, upper) {
            (Some(l), Some(u)) => write!(f, "{l} ≤ {} {u}", self.name),
            (Some(l), None) => write!(f, "{} ≥ {l}", self.name),
            (None, Some(u)) => write!(f, "{} {u}", self.name),
            (None, None) => write!(f, "{} any", self.name),
        }
    }
}

/// One leaf of a tree as a rule: `if <conditions> then <class> (precision p, n cases)`.
///
/// Precision and cases are those of the training rows that reached the leaf (for a surrogate:
/// how often the *model* predicted the rule's class there).
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The conditions, one per feature, in the order the tree first tests them.
    pub conditions: Vec<Condition>,
    /// The predicted class index.
    pub class: usize,
    /// The predicted class name.
    pub class_name: String,
    /// Share of the leaf's training rows with that class.
    pub precision: f32,
    /// Training rows in the leaf.
    pub cases: usize,
    /// Share of all training rows that reach the leaf.
    pub coverage: f32,
    /// The leaf's index in [`DecisionTree::nodes`].
    pub leaf: usize,
}

impl Rule {
    /// Whether `row` satisfies every condition.
    pub fn matches(&self, row: &[f32]) -> bool {
        self.conditions.iter().all(|c| c.holds(row[c.feature]))
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let conds: Vec<String> = self.conditions.iter().map(ToString::to_string).collect();
        if conds.is_empty() {
            write!(f, "always {}", self.class_name)?;
        } else {
            write!(f, "if {} then {}", conds.join(" and "), self.class_name)?;
        }
        write!(
            f,
            " (precision {:.2}, {} cases)",
            self.precision, self.cases
        )
    }
}

impl DecisionTree {
    /// One [`Rule`] per leaf, left to right.
    ///
    /// # Example
    /// ```
    /// use glassbox::{Cart, data::tabular::Tabular};
    /// let data = Tabular::new(vec!["income".into()], vec![20e3, 25e3, 40e3, 50e3], vec![1, 1, 0, 0],
    ///     vec!["low risk".into(), "high risk".into()])?;
    /// let rules = Cart::new().fit(&data)?.rules();
    /// assert_eq!(rules[0].to_string(), "if income < 32.5k then high risk (precision 1.00, 2 cases)");
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn rules(&self) -> Vec<Rule> {
        let total = self.nodes()[0].samples.max(1) as f32;
        let mut out = Vec::new();
        self.collect(0, &mut Vec::new(), &mut out, total);
        out
    }

    /// All rules, one per line; `class` keeps only the rules predicting that class.
    pub fn rules_text(&self, class: Option<usize>) -> String {
        let lines: Vec<String> = self
            .rules()
            .iter()
            .filter(|r| class.is_none_or(|c| r.class == c))
            .map(ToString::to_string)
            .collect();
        lines.join("\n")
    }

    fn collect(&self, node: usize, path: &mut Vec<Condition>, out: &mut Vec<Rule>, total: f32) {
        let n = &self.nodes()[node];
        let Some(s) = n.split else {
            out.push(Rule {
                conditions: path.clone(),
                class: n.class(),
                class_name: self.class_names()[n.class()].clone(),
                precision: n.purity(),
                cases: n.samples,
                coverage: n.samples as f32 / total,
                leaf: node,
            });
            return;
        };
        for (child, lower, upper) in [
            (s.left, None, Some(s.threshold)),
            (s.right, Some(s.threshold), None),
        ] {
            let saved = path.clone();
            match path.iter_mut().find(|c| c.feature == s.feature) {
                Some(c) => {
                    c.lower = lower.or(c.lower);
                    c.upper = upper.or(c.upper);
                }
                None => path.push(Condition {
                    feature: s.feature,
                    name: self.feature_names()[s.feature].clone(),
                    lower,
                    upper,
                    integer: self.is_integer_feature(s.feature),
                }),
            }
            self.collect(child, path, out, total);
            *path = saved;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{data::tabular::Tabular, Cart};

    #[test]
    fn numbers_read_like_a_person_wrote_them() {
        assert_eq!(human_number(32_500.0), "32.5k");
        assert_eq!(human_number(1_250_000.0), "1.25M");
        assert_eq!(human_number(0.405), "0.405");
        assert_eq!(human_number(12.3456), "12.3");
        assert_eq!(human_number(0.0), "0");
        assert_eq!(human_number(150.0), "150");
    }

    #[test]
    fn repeated_conditions_merge_into_one_interval() {
        // x in [0, 10); class 1 iff 3 ≤ x < 7: the tree tests x twice on the path to the middle leaf.
        let xs: Vec<f32> = (0..10).map(|v| v as f32 + 0.5).collect();
        let ys = xs
            .iter()
            .map(|&x| usize::from((3.0..7.0).contains(&x)))
            .collect();
        let data = Tabular::new(vec!["x".into()], xs, ys, vec!["no".into(), "yes".into()]).unwrap();
        let tree = Cart::new().max_depth(2).fit(&data).unwrap();
        let yes: Vec<Rule> = tree.rules().into_iter().filter(|r| r.class == 1).collect();
        assert_eq!(yes.len(), 1);
        assert_eq!(
            yes[0].conditions.len(),
            1,
            "one interval, not two conditions"
        );
        assert_eq!(
            yes[0].to_string(),
            "if 3 ≤ x < 7 then yes (precision 1.00, 4 cases)"
        );
        assert!(yes[0].matches(&[5.0]) && !yes[0].matches(&[8.0]));
        let covered: f32 = tree.rules().iter().map(|r| r.coverage).sum();
        assert!((covered - 1.0).abs() < 1e-6, "leaves partition the data");
    }

    #[test]
    fn whole_number_features_print_whole_bounds() {
        let c = Condition {
            feature: 0,
            name: "late_payments".into(),
            lower: Some(2.5),
            upper: None,
            integer: true,
        };
        assert_eq!(c.to_string(), "late_payments ≥ 3");
        let c = Condition {
            upper: Some(2.5),
            lower: Some(0.5),
            ..c
        };
        assert_eq!(c.to_string(), "1 ≤ late_payments ≤ 2");
    }
}
