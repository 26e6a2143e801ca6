//! [`Tabular::from_csv`]: numeric CSV with a header row; text in a feature column is an error.

use super::Tabular;
use crate::{Error, Result};

/// Splits one CSV line into fields; double-quoted fields may hold commas (`""` is a quote).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|f| f.trim().to_string()).collect()
}

impl Tabular {
    /// Parses CSV text with a header row; `target` names the label column, every other column
    /// must be numeric.
    ///
    /// Labels that are all whole numbers `0..k` become those class indices (named `"0"`, `"1"`…;
    /// rename with [`Tabular::with_class_names`]); text labels become classes in sorted order.
    ///
    /// # Example
    /// ```
    /// use glassbox::data::tabular::Tabular;
    /// let t = Tabular::from_csv("income,debt_ratio,risk\n20000,0.5,high\n80000,0.1,low\n", "risk")?;
    /// assert_eq!(t.class_names(), ["high", "low"]);
    /// let e = Tabular::from_csv("job,risk\nteacher,1\n", "risk").unwrap_err();
    /// assert!(e.to_string().contains("one-hot"));
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::Format`] for no header or data rows, a missing `target` column, a
    /// row with the wrong number of fields, an empty cell, or a **categorical (text) value** in a
    /// feature column (the message names column, line and value and says to one-hot encode or
    /// drop it); [`crate::ErrorKind::NonFinite`] for `nan` / `inf`; and the errors of
    /// [`Tabular::new`].
    pub fn from_csv(text: &str, target: &str) -> Result<Self> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or_else(|| {
            Error::format(
                "csv",
                "the text is empty: expected a header row and data rows",
            )
        })?;
        let header = fields(header);
        let t = header.iter().position(|h| h == target).ok_or_else(|| {
            Error::format(
                "csv",
                format!(
                    "no column `{target}` for the target; columns are: {}",
                    header.join(", ")
                ),
            )
        })?;
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != t)
            .map(|(_, h)| h.clone())
            .collect();
        let (mut rows, mut labels) = (Vec::new(), Vec::new());
        for (k, line) in lines {
            let cells = fields(line);
            if cells.len() != header.len() {
                return Err(Error::format(
                    "csv",
                    format!(
                        "line {} has {} fields, the header has {}",
                        k + 1,
                        cells.len(),
                        header.len()
                    ),
                ));
            }
            for (j, cell) in cells.iter().enumerate() {
                if j == t {
                    labels.push(cell.clone());
                    continue;
                }
                if cell.is_empty() {
                    return Err(Error::format("csv", format!("column `{}` is empty on line {}: impute missing values or drop the row", header[j], k + 1)));
                }
                let v: f32 = cell.parse().map_err(|_| {
                    Error::format("csv", format!("column `{}` holds text (`{cell}` on line {}): features must be numeric; one-hot encode a categorical column or drop it", header[j], k + 1))
                })?;
                if !v.is_finite() {
                    return Err(Error::non_finite(format!(
                        "column `{}` on line {}",
                        header[j],
                        k + 1
                    )));
                }
                rows.push(v);
            }
        }
        if labels.is_empty() {
            return Err(Error::format(
                "csv",
                "the header has no data rows below it: the table would be empty",
            ));
        }
        let (targets, classes) = encode_labels(&labels);
        Tabular::new(names, rows, targets, classes)
    }
}

impl Tabular {
    /// The table as CSV text: a header of the feature names and `target` (`target_class` if a
    /// feature is already called `target`), one line per row, the target written as its class
    /// name; values print exactly (shortest round-trip form). [`Tabular::from_csv`] reads it back.
    ///
    /// # Example
    /// ```
    /// use glassbox::data::tabular::Tabular;
    /// let t = Tabular::from_csv("x,y\n1.5,b\n-2,a\n", "y")?;
    /// assert_eq!(t.to_csv(), "x,target\n1.5,b\n-2,a\n");
    /// assert_eq!(Tabular::from_csv(&t.to_csv(), "target")?, t);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn to_csv(&self) -> String {
        let quote = |s: &str| {
            if s.contains([',', '"']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out: Vec<String> = self.feature_names().iter().map(|n| quote(n)).collect();
        let has_target = self.feature_names().iter().any(|n| n == "target");
        out.push(if has_target { "target_class" } else { "target" }.into());
        let mut text = out.join(",") + "\n";
        for i in 0..self.len() {
            let mut line: Vec<String> = self.row(i).iter().map(|v| v.to_string()).collect();
            line.push(quote(self.class_name(self.targets()[i])));
            text += &(line.join(",") + "\n");
        }
        text
    }
}

/// Class indices and names: whole numbers `0..k` map to themselves, anything else sorts.
fn encode_labels(labels: &[String]) -> (Vec<usize>, Vec<String>) {
    if let Ok(ints) = labels
        .iter()
        .map(|l| l.parse::<usize>())
        .collect::<std::result::Result<Vec<_>, _>>()
    {
        let k = ints.iter().max().map_or(0, |m| m + 1).max(2);
        return (ints, (0..k).map(|c| c.to_string()).collect());
    }
    let mut classes: Vec<String> = labels.to_vec();
    classes.sort();
    classes.dedup();
    let targets = labels
        .iter()
        .map(|l| classes.binary_search(l).unwrap_or(0))
        .collect();
    (targets, classes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn parses_numbers_and_quoted_fields() {
        let t = Tabular::from_csv("\"a, b\",y\n1.5,1\n-2,0\n", "y").unwrap();
        assert_eq!(t.feature_names(), ["a, b"]);
        assert_eq!((t.rows(), t.targets()), (&[1.5, -2.0][..], &[1, 0][..]));
        assert_eq!(t.class_names(), ["0", "1"]);
    }

    #[test]
    fn bad_csv_says_what_and_where() {
        let e = Tabular::from_csv("x,job,y\n1,teacher,0\n", "y").unwrap_err();
        assert!(
            e.to_string()
                .contains("`job` holds text (`teacher` on line 2)"),
            "{e}"
        );
        let e = Tabular::from_csv("x,y\nnan,0\n", "y").unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::NonFinite { .. }), "{e}");
        let e = Tabular::from_csv("x,y\n,0\n", "y").unwrap_err();
        assert!(e.to_string().contains("empty on line 2"), "{e}");
        assert!(Tabular::from_csv("", "y")
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(Tabular::from_csv("x,y\n", "y")
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(Tabular::from_csv("x,y\n1,0\n", "label")
            .unwrap_err()
            .to_string()
            .contains("columns are: x, y"));
        assert!(Tabular::from_csv("x,y\n1,0,3\n", "y").is_err());
    }
}
