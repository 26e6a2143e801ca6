//! The one error type of glassbox.

use std::path::PathBuf;

/// The result type of every fallible glassbox operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong. New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file or directory could not be read or written.
    Io {
        /// The path that failed.
        path: PathBuf,
    },
    /// A file was read but its content is not what was expected (truncated, wrong format, bad CRC…).
    Format {
        /// What was being read (a path or a description).
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A checkpoint lacks a tensor the model needs.
    MissingWeight {
        /// The checkpoint key that was not found.
        key: String,
        /// The nearest unused key in the file, when one is close.
        suggestion: Option<String>,
    },
    /// A checkpoint tensor has the wrong shape.
    WeightShape {
        /// The checkpoint key.
        key: String,
        /// The shape the model needs.
        expected: Vec<usize>,
        /// The shape found in the file.
        found: Vec<usize>,
    },
    /// A tensor or image has a shape the operation cannot take.
    Shape {
        /// What had the wrong shape (an argument or layer name).
        what: String,
        /// The shape that was expected, in words (e.g. `"[B, 3, H, W] with H, W ≥ 32"`).
        expected: String,
        /// The shape that was given.
        found: Vec<usize>,
    },
    /// A named layer does not exist in the model.
    UnknownLayer {
        /// The name that was asked for.
        name: String,
        /// The names the model knows.
        available: Vec<String>,
    },
    /// An argument is out of range or otherwise unusable.
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
        /// Why it is unusable and what to pass instead.
        reason: String,
    },
    /// The data contains NaN or infinite values where finite ones are needed.
    NonFinite {
        /// Where the non-finite value was found.
        what: String,
    },
    /// The method does not apply to this model (e.g. CAM on a model without a GAP + linear head).
    Unsupported {
        /// Why, and what to use instead.
        reason: String,
    },
    /// Drawing a figure failed.
    Render {
        /// The drawing backend's message.
        reason: String,
    },
    /// The compute device reported an error.
    Device {
        /// The device's message.
        reason: String,
    },
    /// A file could not be fetched (offline without a cached copy, a refused or dropped
    /// connection, a hash mismatch); nothing was cached.
    Download {
        /// The file, as `repo_id/filename`.
        what: String,
        /// What went wrong and what to do.
        reason: String,
    },
}

/// The error type for all fallible glassbox operations.
///
/// Its message says what went wrong and what to do about it; [`Error::kind`] gives the details
/// as data.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of the given kind, without an underlying cause.
    pub fn new(kind: ErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// Attaches the underlying cause (an I/O error, a decoder error…).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What went wrong, as data.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// A dfdx device or optimiser error as [`ErrorKind::Device`]: the one conversion every
    /// module uses.
    pub(crate) fn device(e: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Device {
            reason: e.to_string(),
        })
    }

    /// Shorthand for [`ErrorKind::InvalidArgument`].
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument {
            name,
            reason: reason.into(),
        })
    }

    /// Shorthand for [`ErrorKind::Shape`].
    pub fn shape(what: impl Into<String>, expected: impl Into<String>, found: &[usize]) -> Self {
        Self::new(ErrorKind::Shape {
            what: what.into(),
            expected: expected.into(),
            found: found.to_vec(),
        })
    }

    /// Shorthand for [`ErrorKind::Unsupported`].
    pub fn unsupported(reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported {
            reason: reason.into(),
        })
    }

    /// Shorthand for [`ErrorKind::NonFinite`].
    pub fn non_finite(what: impl Into<String>) -> Self {
        Self::new(ErrorKind::NonFinite { what: what.into() })
    }

    /// Shorthand for [`ErrorKind::Render`].
    pub fn render(reason: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Render {
            reason: reason.to_string(),
        })
    }

    /// Shorthand for [`ErrorKind::Format`].
    pub fn format(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::Format {
            what: what.into(),
            reason: reason.into(),
        })
    }

    /// An I/O error on `path`, keeping the cause.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::new(ErrorKind::Io { path: path.into() }).with_source(source)
    }

    /// A layer name the model does not know, listing the ones it does.
    pub fn unknown_layer(name: impl Into<String>, available: Vec<String>) -> Self {
        Self::new(ErrorKind::UnknownLayer {
            name: name.into(),
            available,
        })
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErrorKind::Io { path } => write!(f, "could not access `{}`", path.display()),
            ErrorKind::Format { what, reason } => write!(f, "`{what}` is not usable: {reason}"),
            ErrorKind::MissingWeight { key, suggestion } => {
                write!(f, "checkpoint has no tensor `{key}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            ErrorKind::WeightShape {
                key,
                expected,
                found,
            } => write!(
                f,
                "checkpoint tensor `{key}` has shape {found:?}, the model needs {expected:?}"
            ),
            ErrorKind::Shape {
                what,
                expected,
                found,
            } => {
                write!(f, "`{what}` has shape {found:?}, expected {expected}")
            }
            ErrorKind::UnknownLayer { name, available } => write!(
                f,
                "the model has no layer `{name}`; choose one of: {}",
                available.join(", ")
            ),
            ErrorKind::InvalidArgument { name, reason } => write!(f, "invalid `{name}`: {reason}"),
            ErrorKind::NonFinite { what } => {
                write!(
                    f,
                    "{what} contains NaN or infinite values; clean or impute them first"
                )
            }
            ErrorKind::Unsupported { reason } => write!(f, "{reason}"),
            ErrorKind::Render { reason } => write!(f, "could not draw the figure: {reason}"),
            ErrorKind::Device { reason } => write!(f, "device error: {reason}"),
            ErrorKind::Download { what, reason } => write!(f, "could not get `{what}`: {reason}"),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem_and_the_fix() {
        let e = Error::unknown_layer("conv9", vec!["conv1".into(), "conv2".into()]);
        assert_eq!(
            e.to_string(),
            "the model has no layer `conv9`; choose one of: conv1, conv2"
        );
        let e = Error::new(ErrorKind::MissingWeight {
            key: "features.0.weight".into(),
            suggestion: Some("features.0.bias".into()),
        });
        assert_eq!(
            e.to_string(),
            "checkpoint has no tensor `features.0.weight` (did you mean `features.0.bias`?)"
        );
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = Error::io("/x/y.png", io);
        assert_eq!(e.to_string(), "could not access `/x/y.png`: gone");
        assert!(std::error::Error::source(&e).is_some());
    }
}
