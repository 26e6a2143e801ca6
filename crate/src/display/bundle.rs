//! [`Bundle`]: one output as MIME type → content, and [`Show`]: what can become one.

use crate::inspect::{NetworkDiagram, Summary};
use crate::models::TopK;
use crate::render::table::Table;
use crate::render::{Figure, Plot};
use crate::Result;
use base64::Engine as _;
use serde_json::{Map, Value};

/// One output: its forms by MIME type (`text/plain`, `image/png` as base64, `text/html`,
/// `application/vnd.vegalite.v5+json` as a JSON object…). The notebook shows the richest form it
/// can; `text/plain` is what terminals and text checks read.
///
/// # Example
/// ```
/// use glassbox::display::Bundle;
/// let b = Bundle::new().with("text/plain", "3 of 10").with("text/html", "<b>3</b> of 10");
/// assert_eq!(b.plain_text(), Some("3 of 10"));
/// glassbox::display(&b);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bundle {
    data: Map<String, Value>,
}

impl Bundle {
    /// An empty bundle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the form for `mime`: a string, or JSON for `…json` types.
    pub fn with(mut self, mime: &str, content: impl Into<Value>) -> Self {
        self.data.insert(mime.to_owned(), content.into());
        self
    }

    /// A figure's bundle: its one-line summary as `text/plain` and its PNG.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Render`] if PNG encoding fails.
    pub fn figure(figure: &Figure) -> Result<Self> {
        let png = base64::engine::general_purpose::STANDARD.encode(figure.to_png()?);
        Ok(Self::new()
            .with("text/plain", figure.summary().replace('\n', " "))
            .with("image/png", png))
    }

    /// The content for `mime`, if present.
    pub fn get(&self, mime: &str) -> Option<&Value> {
        self.data.get(mime)
    }

    /// The `text/plain` form, if present.
    pub fn plain_text(&self) -> Option<&str> {
        self.data.get("text/plain").and_then(Value::as_str)
    }

    /// The forms, by MIME type (the `data` of a Jupyter display message).
    pub fn data(&self) -> &Map<String, Value> {
        &self.data
    }

    /// evcxr's content blocks for this bundle (what an `evcxr_display` prints).
    pub fn evcxr_blocks(&self) -> String {
        let mut out = String::new();
        for (mime, content) in &self.data {
            let text = match content {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push_str(&format!(
                "EVCXR_BEGIN_CONTENT {mime}\n{}\nEVCXR_END_CONTENT\n",
                text.trim_end_matches('\n')
            ));
        }
        out
    }
}

/// Something that can be shown as a notebook output.
///
/// Every [`Plot`] is one (its figure); so are tables, summaries, top-k predictions, network
/// diagrams, text and [`Bundle`]s. Implement [`Show::bundle`] for your own types.
pub trait Show {
    /// The output's forms.
    ///
    /// # Errors
    /// Whatever keeps the value from rendering (as the type's `figure()` documents).
    fn bundle(&self) -> Result<Bundle>;

    /// Shows it now as a new output: the same as [`display`](fn@crate::display)`(self)`.
    fn show(&self) -> super::DisplayHandle {
        super::display(self)
    }
}

impl<T: Plot + ?Sized> Show for T {
    fn bundle(&self) -> Result<Bundle> {
        Bundle::figure(&self.figure()?)
    }
}

impl Show for Bundle {
    fn bundle(&self) -> Result<Bundle> {
        Ok(self.clone())
    }
}

impl Show for str {
    fn bundle(&self) -> Result<Bundle> {
        Ok(Bundle::new().with("text/plain", self))
    }
}

impl Show for String {
    fn bundle(&self) -> Result<Bundle> {
        self.as_str().bundle()
    }
}

impl Show for Table {
    fn bundle(&self) -> Result<Bundle> {
        Ok(Bundle::new()
            .with("text/html", self.to_html())
            .with("text/plain", self.to_string()))
    }
}

impl Show for Summary {
    fn bundle(&self) -> Result<Bundle> {
        Ok(Bundle::new()
            .with("text/html", self.to_html())
            .with("text/plain", self.to_string()))
    }
}

impl Show for TopK {
    fn bundle(&self) -> Result<Bundle> {
        self.table().bundle()
    }
}

impl Show for NetworkDiagram {
    fn bundle(&self) -> Result<Bundle> {
        Bundle::figure(&self.figure()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_carry_their_summary_and_png() {
        let fig = Figure::from_rgb(2, 1, vec![255, 0, 0, 0, 0, 255], "two\npixels").unwrap();
        let b = fig.bundle().unwrap();
        assert_eq!(b.plain_text(), Some("two pixels"));
        let png = base64::engine::general_purpose::STANDARD
            .decode(b.get("image/png").unwrap().as_str().unwrap())
            .unwrap();
        assert_eq!(png, fig.to_png().unwrap());
        // The same blocks Figure::evcxr_display prints (in either order).
        let (blocks, expected) = (b.evcxr_blocks(), fig.evcxr_bundle().unwrap());
        assert_eq!(blocks.len(), expected.len());
        for block in expected.split_inclusive("EVCXR_END_CONTENT\n") {
            assert!(blocks.contains(block), "{block}");
        }
    }

    #[test]
    fn tables_show_html_and_text() {
        let t = Table::new(["name", "value"]).row(["a<b", "1.5"]);
        let b = t.bundle().unwrap();
        assert_eq!(b.get("text/html").unwrap(), &Value::from(t.to_html()));
        assert_eq!(b.plain_text().unwrap(), t.to_string());
        assert_eq!("hi".bundle().unwrap().plain_text(), Some("hi"));
    }

    #[test]
    fn json_forms_stay_json_in_the_bundle() {
        let spec = serde_json::json!({"mark": "point"});
        let b = Bundle::new().with("application/vnd.vegalite.v5+json", spec.clone());
        assert_eq!(b.get("application/vnd.vegalite.v5+json"), Some(&spec));
        assert!(b.evcxr_blocks().contains(r#"{"mark":"point"}"#));
    }
}
