//! evcxr's errors as Jupyter `error` messages: a compilation error in the cell gets a report with
//! the cell's own line numbers and the offending span underlined (evcxr's ariadne report).

use evcxr::{CompilationError, Error, Theme};
use serde_json::{json, Value};

const RED: &str = "\x1b[31m";
const BLUE: &str = "\x1b[34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The `error` message contents for a failed cell (one per compilation error), in order.
pub fn error_contents(
    error: &Error,
    code: &str,
    execution_count: u32,
    interrupted: bool,
) -> Vec<Value> {
    match error {
        Error::CompilationErrors(errors) => errors
            .iter()
            .map(|e| {
                content(
                    "Error",
                    &e.message(),
                    compilation_traceback(e, code, execution_count),
                )
            })
            .collect(),
        Error::SubprocessTerminated(_) if interrupted => vec![content(
            "Interrupted",
            "the cell was interrupted",
            vec![format!(
                "{RED}Interrupted{RESET}: the cell was stopped. evcxr restarted its evaluation \
                 process, so variables from earlier cells are gone; functions, types and \
                 :dep lines stay."
            )],
        )],
        other => {
            let text = other.to_string();
            vec![content(
                "Error",
                &text,
                text.lines().map(str::to_owned).collect(),
            )]
        }
    }
}

fn content(ename: &str, evalue: &str, traceback: Vec<String>) -> Value {
    json!({ "ename": ename, "evalue": evalue, "traceback": traceback })
}

fn compilation_traceback(
    error: &CompilationError,
    code: &str,
    execution_count: u32,
) -> Vec<String> {
    if !error.is_from_user_code() {
        return vec![format!("{RED}{}{RESET}", error.message())];
    }
    let file = format!("[{execution_count}]");
    if let Some(report) = error.build_report(file.clone(), code.to_owned(), Theme::Light) {
        let mut out = Vec::new();
        if report
            .write(ariadne::sources([(file, code)]), &mut out)
            .is_ok()
        {
            return String::from_utf8_lossy(&out)
                .lines()
                .map(str::to_owned)
                .collect();
        }
    }
    // No report (evcxr makes none for non-ASCII cells): the lines with carets under the span.
    let mut lines = Vec::new();
    for spanned in error.spanned_messages() {
        lines.extend(spanned.lines.iter().cloned());
        match &spanned.span {
            Some(span) => {
                let width = span.end_column.saturating_sub(span.start_column).max(1);
                let pad = " ".repeat(span.start_column.saturating_sub(1));
                lines.push(format!(
                    "{pad}{RED}{}{RESET} {BLUE}{}{RESET}",
                    "^".repeat(width),
                    spanned.label
                ));
            }
            None => lines.push(spanned.label.clone()),
        }
    }
    lines.push(error.message());
    lines.extend(
        error
            .help()
            .into_iter()
            .map(|h| format!("{BOLD}help{RESET}: {h}")),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_errors_and_interrupts() {
        let failed = error_contents(&Error::Message("boom\nsecond line".into()), "", 3, false);
        assert_eq!(failed[0]["evalue"], "boom\nsecond line");
        assert_eq!(failed[0]["traceback"].as_array().unwrap().len(), 2);
        let stopped = error_contents(
            &Error::SubprocessTerminated("signal: 9".into()),
            "",
            3,
            true,
        );
        assert_eq!(stopped[0]["ename"], "Interrupted");
        let crashed = error_contents(
            &Error::SubprocessTerminated("signal: 11".into()),
            "",
            3,
            false,
        );
        assert_eq!(crashed[0]["evalue"], "signal: 11");
    }
}
