//! The `k` most likely classes of one prediction, as a small table.

use dfdx::prelude::HasShape;

use crate::{Error, Logits, Result};

/// One row of a [`TopK`] table.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// Class index.
    pub class: usize,
    /// Class name (ImageNet names for 1000 classes, else the index).
    pub name: String,
    /// Pre-softmax score.
    pub logit: f32,
    /// Softmax probability over all classes.
    pub probability: f32,
}

/// The `k` highest-scoring classes of one image, best first. Shows as a table in notebooks.
#[derive(Clone, Debug, PartialEq)]
pub struct TopK {
    /// The rows, best first.
    pub predictions: Vec<Prediction>,
}

/// The `k` best classes of a `[1, classes]` logits row. 1000-class logits get ImageNet names.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// let logits = Cpu::default().tensor_from_vec(vec![0.0f32, 3.0, 1.0], (1, 3));
/// let top = glassbox::top_k(&logits, 2)?;
/// assert_eq!(top.predictions[0].class, 1);
/// assert_eq!(top.classes(), vec![1, 2]);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Shape`] unless the batch is 1 (use [`top_k_per_row`] for a batch);
/// [`crate::ErrorKind::InvalidArgument`] for `k` of 0 or more than the classes;
/// [`crate::ErrorKind::NonFinite`] for NaN logits.
pub fn top_k(logits: &Logits, k: usize) -> Result<TopK> {
    let &(batch, classes) = logits.shape();
    if batch != 1 {
        return Err(Error::shape(
            "logits",
            "[1, classes]: use top_k_per_row for a batch, or select one image's row first",
            &[batch, classes],
        ));
    }
    Ok(top_k_per_row(logits, k)?.remove(0))
}

/// [`top_k`] of every row of a `[B, classes]` batch, in batch order.
///
/// # Example
/// ```
/// use glassbox::models::top_k_per_row;
/// use glassbox::{Batch, Logits};
/// let logits = Logits::from_values(vec![0.0, 3.0, 1.0, 5.0, 0.0, 1.0], [2, 3])?;
/// let top = top_k_per_row(&logits, 2)?;
/// assert_eq!((top[0].classes(), top[1].classes()), (vec![1, 2], vec![0, 2]));
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// As [`top_k`], for any batch size of at least 1.
pub fn top_k_per_row(logits: &Logits, k: usize) -> Result<Vec<TopK>> {
    let &(batch, classes) = logits.shape();
    if batch == 0 || classes == 0 {
        return Err(Error::shape(
            "logits",
            "[B ≥ 1, classes ≥ 1]",
            &[batch, classes],
        ));
    }
    let names = if classes == 1000 {
        Some(crate::data::imagenet_classes())
    } else {
        None
    };
    logits
        .as_vec()
        .chunks(classes)
        .map(|row| {
            top_k_named(row, k, |c| {
                names.map_or(c.to_string(), |n| n[c].to_string())
            })
        })
        .collect()
}

fn top_k_named(scores: &[f32], k: usize, name: impl Fn(usize) -> String) -> Result<TopK> {
    if k == 0 || k > scores.len() {
        return Err(Error::invalid(
            "k",
            format!("must be in 1..={}, got {k}", scores.len()),
        ));
    }
    if scores.iter().any(|v| !v.is_finite()) {
        return Err(Error::non_finite("the logits"));
    }
    let probability = crate::math::softmax(scores);
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let predictions = order[..k]
        .iter()
        .map(|&c| Prediction {
            class: c,
            name: name(c),
            logit: scores[c],
            probability: probability[c],
        })
        .collect();
    Ok(TopK { predictions })
}

impl TopK {
    /// The class indices, best first.
    pub fn classes(&self) -> Vec<usize> {
        self.predictions.iter().map(|p| p.class).collect()
    }

    /// The predictions as a [`crate::Table`] (rank, class, name, probability, logit).
    pub fn table(&self) -> crate::Table {
        let mut table = crate::Table::new(["rank", "class", "name", "probability", "logit"])
            .title("top predictions");
        for (rank, p) in self.predictions.iter().enumerate() {
            table.push_row([
                (rank + 1).to_string(),
                p.class.to_string(),
                p.name.clone(),
                format!("{:.2} %", 100.0 * p.probability),
                format!("{:.3}", p.logit),
            ]);
        }
        table
    }

    /// An HTML table (what notebooks show).
    pub fn to_html(&self) -> String {
        self.table().to_html()
    }

    /// Shows the table in an evcxr notebook (HTML, with plain text as fallback).
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

impl std::fmt::Display for TopK {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "rank  class  probability   logit  name")?;
        for (rank, p) in self.predictions.iter().enumerate() {
            writeln!(
                f,
                "{:>4}  {:>5}  {:>9.2} %  {:>7.3}  {}",
                rank + 1,
                p.class,
                100.0 * p.probability,
                p.logit,
                p.name
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dfdx::prelude::*;

    #[test]
    fn softmax_and_order_are_exact() {
        let dev = Cpu::default();
        let logits = dev.tensor_from_vec(vec![1.0f32, 0.0, 1.0f32.ln() + 1.0, 2.0], (1, 4));
        let top = top_k(&logits, 3).unwrap();
        assert_eq!(top.classes(), vec![3, 0, 2]); // ties keep the lower index first
        let z: f32 = [1.0f32, 0.0, 1.0, 2.0].iter().map(|v| v.exp()).sum();
        assert!((top.predictions[0].probability - 2f32.exp() / z).abs() < 1e-6);
        assert_eq!(
            top.to_string(),
            "rank  class  probability   logit  name\n   1      3      53.44 %    2.000  3\n   2      0      19.66 %    1.000  0\n   3      2      19.66 %    1.000  2\n"
        );
    }

    #[test]
    fn imagenet_logits_get_names_and_bad_input_errors() {
        let dev = Cpu::default();
        let mut v = vec![0.0f32; 1000];
        v[281] = 5.0;
        let top = top_k(&dev.tensor_from_vec(v, (1, 1000)), 1).unwrap();
        assert_eq!(top.predictions[0].name, "tabby, tabby cat");
        assert!(
            top.to_html().contains(">tabby, tabby cat</td>"),
            "{}",
            top.to_html()
        );
        let two = dev.tensor_from_vec(vec![0.0f32; 4], (2, 2));
        assert!(top_k(&two, 1)
            .unwrap_err()
            .to_string()
            .contains("use top_k_per_row"));
        let rows = dev.tensor_from_vec(vec![0.0f32, 1.0, 2.0, -1.0], (2, 2));
        let per_row = top_k_per_row(&rows, 1).unwrap();
        assert_eq!(
            (per_row[0].classes(), per_row[1].classes()),
            (vec![1], vec![0])
        );
        let empty = dev.tensor_from_vec(Vec::<f32>::new(), (0, 2));
        assert!(top_k_per_row(&empty, 1).is_err());
        let one = dev.tensor_from_vec(vec![0.0f32, f32::NAN], (1, 2));
        assert!(top_k(&one, 1).is_err());
        assert!(top_k(&dev.tensor_from_vec(vec![0.0f32; 2], (1, 2)), 3).is_err());
    }
}
