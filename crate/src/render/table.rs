//! [`Table`]: rows of text shown as an HTML table in JupyterLab and as aligned plain text
//! everywhere else.

use std::fmt::{self, Write as _};

/// A table with a header row; numeric columns are right-aligned.
///
/// In evcxr it shows as HTML (with a `text/plain` twin for consoles and tests); `Display`
/// prints the plain text.
///
/// # Example
/// ```
/// use glassbox::Table;
/// let table = Table::new(["layer", "output", "params"])
///     .row(["conv1", "[32, 28, 28]", "320"])
///     .row(["fc", "[10]", "1290"]);
/// assert_eq!(
///     table.to_string(),
///     "layer  output        params\n\
///      -----  ------------  ------\n\
///      conv1  [32, 28, 28]     320\n\
///      fc     [10]            1290\n"
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Self {
            title: None,
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; short rows are padded with empty cells.
    pub fn row<S: fmt::Display>(mut self, cells: impl IntoIterator<Item = S>) -> Self {
        self.rows
            .push(cells.into_iter().map(|c| c.to_string()).collect());
        self
    }

    /// Appends a row in place (for loops).
    pub fn push_row<S: fmt::Display>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows
            .push(cells.into_iter().map(|c| c.to_string()).collect());
    }

    /// A caption above the table.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The column headers.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The rows, as given.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0)
    }

    fn cell(row: &[String], c: usize) -> &str {
        row.get(c).map_or("", String::as_str)
    }

    /// Whether every non-empty cell of column `c` is a number (right-aligned then).
    fn numeric(&self, c: usize) -> bool {
        let mut cells = self
            .rows
            .iter()
            .map(|r| Self::cell(r, c))
            .filter(|s| !s.is_empty())
            .peekable();
        cells.peek().is_some()
            && cells.all(|s| {
                s.trim_end_matches('%')
                    .replace(['_', ','], "")
                    .parse::<f64>()
                    .is_ok()
            })
    }

    /// The table as an HTML fragment (`<table>` with escaped text).
    pub fn to_html(&self) -> String {
        let mut html = String::from("<table>\n");
        if let Some(t) = &self.title {
            let _ = writeln!(html, "<caption>{}</caption>", escape(t));
        }
        let columns = self.columns();
        let align = |c: usize| {
            if self.numeric(c) {
                " style=\"text-align:right\""
            } else {
                " style=\"text-align:left\""
            }
        };
        html.push_str("<thead><tr>");
        for c in 0..columns {
            let _ = write!(
                html,
                "<th{}>{}</th>",
                align(c),
                escape(Self::cell(&self.headers, c))
            );
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            html.push_str("<tr>");
            for c in 0..columns {
                let _ = write!(html, "<td{}>{}</td>", align(c), escape(Self::cell(row, c)));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>");
        html
    }

    /// The exact text evcxr reads: a `text/html` block, then a `text/plain` block.
    pub fn evcxr_bundle(&self) -> String {
        format!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n{}EVCXR_END_CONTENT\n",
            self.to_html(),
            self
        )
    }

    /// Called by evcxr when a `Table` ends a cell: shows it as HTML (plain text elsewhere).
    pub fn evcxr_display(&self) {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(self.evcxr_bundle().as_bytes());
        let _ = out.flush();
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl fmt::Display for Table {
    /// Aligned plain text: header, a dashed rule, rows; numeric columns right-aligned.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = self.columns();
        let width = |c: usize| {
            self.rows
                .iter()
                .chain([&self.headers])
                .map(|r| Self::cell(r, c).chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..columns).map(width).collect();
        let numeric: Vec<bool> = (0..columns).map(|c| self.numeric(c)).collect();
        if let Some(t) = &self.title {
            writeln!(f, "{t}")?;
        }
        let line = |f: &mut fmt::Formatter<'_>, row: &[String]| -> fmt::Result {
            let mut text = String::new();
            for c in 0..columns {
                if c > 0 {
                    text.push_str("  ");
                }
                let cell = Self::cell(row, c);
                let w = widths[c];
                if numeric[c] {
                    let _ = write!(text, "{cell:>w$}");
                } else {
                    let _ = write!(text, "{cell:<w$}");
                }
            }
            writeln!(f, "{}", text.trim_end())
        };
        line(f, &self.headers)?;
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        line(f, &rule)?;
        for row in &self.rows {
            line(f, row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_is_exact() {
        let t = Table::new(["name", "value"]).row(["a<b", "1.5"]).title("T");
        assert_eq!(
            t.evcxr_bundle(),
            "EVCXR_BEGIN_CONTENT text/html\n<table>\n<caption>T</caption>\n\
             <thead><tr><th style=\"text-align:left\">name</th><th style=\"text-align:right\">value</th></tr></thead>\n\
             <tbody>\n<tr><td style=\"text-align:left\">a&lt;b</td><td style=\"text-align:right\">1.5</td></tr>\n\
             </tbody>\n</table>\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT text/plain\nT\nname  value\n----  -----\na<b     1.5\nEVCXR_END_CONTENT\n"
        );
    }

    #[test]
    fn ragged_rows_are_padded() {
        let t = Table::new(["x"]).row(["1", "2"]).row(Vec::<String>::new());
        assert_eq!(t.to_string(), "x\n-  -\n1  2\n\n");
    }
}
