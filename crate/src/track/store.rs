//! A run's JSON-lines file: appending one flushed line per record, and reading it back
//! leniently (a line cut off by a crash is skipped with a warning, never an error).

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::record::Record;
use crate::{Error, Result};

/// The file name of a run's records inside its directory.
pub(crate) const RECORDS_FILE: &str = "run.jsonl";

/// An open `run.jsonl`, appended to one whole line at a time.
#[derive(Debug)]
pub(crate) struct Store {
    path: PathBuf,
    file: File,
    /// The file ends in a partial line (a crash mid-write): start the next record on a new line.
    needs_newline: bool,
}

impl Store {
    /// Opens (creating if needed) `dir/run.jsonl` for appending.
    pub(crate) fn open(dir: &Path, needs_newline: bool) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| writable_error(dir, e))?;
        let path = dir.join(RECORDS_FILE);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| writable_error(&path, e))?;
        Ok(Self {
            path,
            file,
            needs_newline,
        })
    }

    /// Appends `record` as one line with a single write, so readers never see half a record
    /// unless the process dies inside that write.
    pub(crate) fn append(&mut self, record: &Record) -> Result<()> {
        let mut line = String::new();
        if self.needs_newline {
            line.push('\n');
        }
        line.push_str(&serde_json::to_string(record).map_err(|e| {
            Error::format(
                self.path.display().to_string(),
                format!("cannot encode: {e}"),
            )
        })?);
        line.push('\n');
        // An open handle keeps writing into a deleted file, and the records would vanish.
        if !self.path.exists() {
            let gone = std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the run's file or directory was deleted while the run was open; create a new run (Run::create) to keep logging",
            );
            return Err(Error::io(&self.path, gone));
        }
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|e| Error::io(&self.path, e))?;
        self.needs_newline = false;
        Ok(())
    }
}

/// What reading a `run.jsonl` gave: the records, warnings about skipped lines, and whether the
/// file ends mid-line.
pub(crate) struct Loaded {
    pub(crate) records: Vec<Record>,
    pub(crate) warnings: Vec<String>,
    pub(crate) ends_mid_line: bool,
}

/// Parses a run file's text. Unparsable lines are skipped with a warning naming them.
pub(crate) fn parse(text: &str, what: &str) -> Loaded {
    let ends_mid_line = !text.is_empty() && !text.ends_with('\n');
    let lines: Vec<&str> = text.split('\n').collect();
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(r) => records.push(r),
            Err(_) if ends_mid_line && i + 1 == lines.len() => warnings.push(format!(
                "{what}: skipped the last line ({} bytes), cut off mid-write (the run was interrupted)",
                line.len()
            )),
            Err(e) => warnings.push(format!("{what}: skipped line {}: {e}", i + 1)),
        }
    }
    Loaded {
        records,
        warnings,
        ends_mid_line,
    }
}

/// Reads `dir/run.jsonl`.
pub(crate) fn load(dir: &Path) -> Result<Loaded> {
    let path = dir.join(RECORDS_FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::invalid(
                "dir",
                format!(
                    "`{}` holds no run (no {RECORDS_FILE}); create one with Run::create",
                    dir.display()
                ),
            )
        } else {
            Error::io(&path, e)
        }
    })?;
    Ok(parse(
        &String::from_utf8_lossy(&bytes),
        &path.display().to_string(),
    ))
}

/// An I/O error that says the run directory must be writable.
pub(crate) fn writable_error(path: &Path, e: std::io::Error) -> Error {
    let hint = format!("{e}; a run needs a directory it can write to, pass another path");
    Error::io(path, std::io::Error::new(e.kind(), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_last_line_is_skipped_with_a_warning() {
        let good = r#"{"kind":"scalar","tag":"loss","step":1,"value":0.5,"time":0.0}"#;
        let text = format!("{good}\n{}", &good[..30]);
        let loaded = parse(&text, "run.jsonl");
        assert_eq!(loaded.records.len(), 1);
        assert!(loaded.ends_mid_line);
        assert_eq!(loaded.warnings.len(), 1);
        assert!(
            loaded.warnings[0].contains("cut off mid-write"),
            "{:?}",
            loaded.warnings
        );

        let loaded = parse(&format!("{good}\nnot json\n{good}\n"), "f");
        assert_eq!(loaded.records.len(), 2);
        assert!(loaded.warnings[0].contains("skipped line 2"));
        assert!(!loaded.ends_mid_line);
    }
}
