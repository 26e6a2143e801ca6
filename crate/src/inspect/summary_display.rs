//! How a [`Summary`] shows: aligned plain text (`Display`) and an HTML table in evcxr.

use std::fmt;
use std::io::Write as _;

use super::summary::Summary;
use crate::Table;

const HEADERS: [&str; 4] = ["Layer", "Kind", "Output shape", "Params"];

impl Summary {
    /// The title line: `MnistNet: input [1, 28, 28] → 10 classes`.
    fn title(&self) -> String {
        format!(
            "{}: input {:?} → {} classes",
            self.model, self.input_shape, self.num_classes
        )
    }

    /// The layer rows as a [`Table`] (name, kind, output shape, params).
    pub fn table(&self) -> Table {
        let mut table = Table::new(HEADERS).title(self.title());
        for row in self.cells() {
            table.push_row(row);
        }
        table
    }

    /// The summary as an HTML fragment: the layer table, the totals and any shape problems.
    pub fn to_html(&self) -> String {
        let mut totals = Table::new(["Total", ""]);
        for (label, value) in self.totals() {
            totals.push_row([label.to_string(), value]);
        }
        let mut html = format!(
            "<div class=\"glassbox-summary\">\n{}\n{}\n",
            self.table().to_html(),
            totals.to_html()
        );
        for note in self.problems() {
            html.push_str(&format!("<p style=\"color:#b00\">{}</p>\n", escape(&note)));
        }
        html.push_str("</div>");
        html
    }

    /// The exact text evcxr reads: a `text/html` block, then a `text/plain` block.
    pub fn evcxr_bundle(&self) -> String {
        format!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n{self}\nEVCXR_END_CONTENT\n",
            self.to_html()
        )
    }

    /// Called by evcxr when a `Summary` ends a cell: shows it as an HTML table.
    pub fn evcxr_display(&self) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(self.evcxr_bundle().as_bytes());
        let _ = out.flush();
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells = self.cells();
        let width = |i: usize| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain([HEADERS[i].len()])
                .max()
                .unwrap_or(0)
        };
        let widths = [width(0), width(1), width(2), width(3)];
        writeln!(f, "{}", self.title())?;
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 4]| {
            writeln!(
                f,
                "{}  {}  {}  {}",
                pad(cells[0], widths[0]),
                pad(cells[1], widths[1]),
                pad(cells[2], widths[2]),
                pad_left(cells[3], widths[3]),
            )
        };
        line(f, HEADERS)?;
        let rules = widths.map(|w| "-".repeat(w));
        line(f, [&rules[0], &rules[1], &rules[2], &rules[3]])?;
        for row in &cells {
            line(f, [&row[0], &row[1], &row[2], &row[3]])?;
        }
        let totals = self.totals();
        let label_width = totals.iter().map(|(l, _)| l.len() + 1).max().unwrap_or(0);
        let value_width = totals.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
        writeln!(f, "{}", "-".repeat(widths.iter().sum::<usize>() + 6))?;
        for (label, value) in totals {
            writeln!(
                f,
                "{} {}",
                pad(&format!("{label}:"), label_width),
                pad_left(&value, value_width)
            )?;
        }
        for note in self.problems() {
            writeln!(f, "{note}")?;
        }
        Ok(())
    }
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.chars().count())))
}

fn pad_left(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(s.chars().count())))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
