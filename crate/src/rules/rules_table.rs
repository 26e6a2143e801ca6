//! Rules as a [`Table`]: one row per leaf with its conditions, class, precision, cases and
//! coverage, optionally next to the same numbers on held-out rows.

use super::DecisionTree;
use crate::{data::tabular::Tabular, Result, Table};

impl DecisionTree {
    /// One row per rule: `if`, `then`, `precision`, `cases`, `coverage` (training rows), most
    /// cases first. Shows as an HTML table in the notebook.
    ///
    /// # Example
    /// ```
    /// use glassbox::{Cart, data::tabular::Tabular};
    /// let data = Tabular::new(vec!["income".into()], vec![20e3, 25e3, 40e3, 50e3, 60e3], vec![1, 1, 0, 0, 0],
    ///     vec!["low risk".into(), "high risk".into()])?;
    /// let table = Cart::new().fit(&data)?.rules_table();
    /// assert_eq!(table.rows()[0], ["income ≥ 32.5k", "low risk", "1.00", "3", "60.0 %"]);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn rules_table(&self) -> Table {
        let mut rules = self.rules();
        rules.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.leaf.cmp(&b.leaf)));
        let mut table = Table::new(["if", "then", "precision", "cases", "coverage"])
            .title("Rules (training rows)");
        for r in rules {
            let conds: Vec<String> = r.conditions.iter().map(ToString::to_string).collect();
            let cond = if conds.is_empty() {
                "always".to_string()
            } else {
                conds.join(" and ")
            };
            table.push_row([
                cond,
                r.class_name,
                format!("{:.2}", r.precision),
                r.cases.to_string(),
                format!("{:.1} %", 100.0 * r.coverage),
            ]);
        }
        table
    }

    /// [`DecisionTree::rules_table`] with two more columns measured on held-out rows against the
    /// model's predictions there: `held-out precision` and `held-out cases`.
    ///
    /// # Errors
    /// As [`DecisionTree::leaf_stats`].
    pub fn rules_table_held_out(
        &self,
        data: &Tabular,
        model_predictions: &[usize],
    ) -> Result<Table> {
        let stats = self.leaf_stats(data, model_predictions)?;
        let mut rules = self.rules();
        rules.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.leaf.cmp(&b.leaf)));
        let headers = [
            "if",
            "then",
            "precision",
            "cases",
            "held-out precision",
            "held-out cases",
        ];
        let mut table = Table::new(headers).title(format!(
            "Rules, with held-out fidelity {:.3}",
            self.fidelity(data, model_predictions)?
        ));
        for r in rules {
            let s = stats
                .iter()
                .find(|s| s.leaf == r.leaf)
                .expect("leaf_stats covers every leaf");
            let conds: Vec<String> = r.conditions.iter().map(ToString::to_string).collect();
            let cond = if conds.is_empty() {
                "always".to_string()
            } else {
                conds.join(" and ")
            };
            table.push_row([
                cond,
                r.class_name,
                format!("{:.2}", r.precision),
                r.cases.to_string(),
                format!("{:.2}", s.precision),
                s.cases.to_string(),
            ]);
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use crate::{data::tabular::Tabular, Cart};

    #[test]
    fn held_out_columns_count_the_new_rows() {
        let data = Tabular::new(
            vec!["x".into()],
            (0..8).map(|v| v as f32).collect(),
            vec![0, 0, 0, 0, 1, 1, 1, 1],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        let tree = Cart::new().max_depth(1).fit(&data).unwrap();
        let other = [0, 0, 0, 1, 1, 1, 1, 0];
        let table = tree.rules_table_held_out(&data, &other).unwrap();
        assert_eq!(table.rows().len(), 2);
        assert_eq!(table.rows()[0][4..], ["0.75", "4"]);
        assert!(
            table.to_string().contains("held-out fidelity 0.750"),
            "{table}"
        );
    }
}
