//! TensorBoard Embedding Projector files: `tensors.tsv`, `metadata.tsv`, `projector_config.pbtxt`.

use std::fmt::Write as _;
use std::path::Path;

use crate::{Error, Result};

/// Writes `points` (row-major `[n, dim]`) and their `labels` for TensorBoard's Embedding Projector.
///
/// Creates `dir` with `tensors.tsv` (one point per line, tab-separated), `metadata.tsv` (one
/// label per line, no header, as the projector expects for a single column; omitted when
/// `labels` is empty) and `projector_config.pbtxt` naming them. `tensorboard --logdir <dir>`
/// then shows the points in its Projector tab (which computes PCA / t-SNE / UMAP itself).
///
/// # Errors
/// [`crate::ErrorKind::InvalidArgument`] when `dim` is zero, `points` is empty or not a multiple
/// of `dim`, or `labels` is neither empty nor one per point; [`crate::ErrorKind::NonFinite`] for
/// NaN or infinite coordinates; [`crate::ErrorKind::Io`] when writing fails.
///
/// # Example
/// ```
/// let dir = std::env::temp_dir().join(format!("glassbox-doc-proj-{}", std::process::id()));
/// glassbox::write_projector(&dir, "digits", &[0.0, 1.0, 2.0, 3.0], 2, &["a", "b"])?;
/// assert_eq!(std::fs::read_to_string(dir.join("tensors.tsv"))?, "0\t1\n2\t3\n");
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_projector(
    dir: impl AsRef<Path>,
    tensor_name: &str,
    points: &[f32],
    dim: usize,
    labels: &[impl AsRef<str>],
) -> Result<()> {
    if dim == 0 || points.is_empty() || !points.len().is_multiple_of(dim) {
        return Err(Error::invalid(
            "points",
            format!(
                "{} values cannot be split into rows of dim = {dim}; pass [n, dim] row-major with n ≥ 1",
                points.len()
            ),
        ));
    }
    let rows = points.len() / dim;
    if !labels.is_empty() && labels.len() != rows {
        return Err(Error::invalid(
            "labels",
            format!(
                "{} labels for {rows} points; pass one per point or none",
                labels.len()
            ),
        ));
    }
    if let Some(i) = points.iter().position(|v| !v.is_finite()) {
        return Err(Error::non_finite(format!(
            "point {} (value {})",
            i / dim,
            points[i]
        )));
    }
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tensors = String::with_capacity(points.len() * 10);
    for row in points.chunks(dim) {
        for (j, v) in row.iter().enumerate() {
            let sep = if j + 1 == dim { '\n' } else { '\t' };
            let _ = write!(tensors, "{v}{sep}");
        }
    }
    write(dir, "tensors.tsv", &tensors)?;
    let mut config = format!(
        "embeddings {{\n  tensor_name: \"{}\"\n  tensor_path: \"tensors.tsv\"\n",
        escape(tensor_name)
    );
    if !labels.is_empty() {
        let metadata: String = labels
            .iter()
            .map(|l| format!("{}\n", l.as_ref().replace(['\t', '\n', '\r'], " ")))
            .collect();
        write(dir, "metadata.tsv", &metadata)?;
        config.push_str("  metadata_path: \"metadata.tsv\"\n");
    }
    config.push_str("}\n");
    write(dir, "projector_config.pbtxt", &config)
}

fn write(dir: &Path, name: &str, text: &str) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| Error::io(path, e))
}

/// Escapes a string for a protobuf text-format literal.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_three_files() {
        let dir = std::env::temp_dir().join(format!("glassbox-proj-{}", std::process::id()));
        write_projector(
            &dir,
            "h \"x\"",
            &[1.5, -2.0, 0.25, 4.0, 5.0, 6.0],
            3,
            &["one\tA", "two"],
        )
        .unwrap();
        let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
        assert_eq!(read("tensors.tsv"), "1.5\t-2\t0.25\n4\t5\t6\n");
        assert_eq!(read("metadata.tsv"), "one A\ntwo\n");
        assert_eq!(
            read("projector_config.pbtxt"),
            "embeddings {\n  tensor_name: \"h \\\"x\\\"\"\n  tensor_path: \"tensors.tsv\"\n  metadata_path: \"metadata.tsv\"\n}\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_input_is_rejected() {
        let dir = std::env::temp_dir().join("glassbox-proj-never-written");
        let none: [&str; 0] = [];
        assert!(write_projector(&dir, "t", &[1.0, 2.0, 3.0], 2, &none).is_err());
        assert!(write_projector(&dir, "t", &[1.0, 2.0], 0, &none).is_err());
        assert!(write_projector(&dir, "t", &[1.0, 2.0], 1, &["a"]).is_err());
        let e = write_projector(&dir, "t", &[1.0, f32::NAN], 1, &none).unwrap_err();
        assert!(e.to_string().contains("point 1"), "{e}");
        assert!(!dir.exists());
    }
}
