//! [`Target`]: which score an attribution explains.

use crate::{Error, Result};

/// Which output score an attribution method explains.
///
/// Scores are pre-softmax logits unless the target is wrapped in [`Target::Softmax`] (build it
/// with [`Target::softmax`]): near a confident prediction the softmax probability saturates and
/// its gradient vanishes, so logits are the usual choice (Selvaraju et al. 2017 use them too).
///
/// Choosing the top class is an explicit variant, [`Target::Predicted`]; nothing picks a class
/// silently.
///
/// # Example
/// ```
/// use glassbox::Target;
/// let t = Target::Class(3).softmax();
/// assert_eq!(t, Target::Softmax(Box::new(Target::Class(3))));
/// assert!(t.is_softmax());
/// assert_eq!(t.to_string(), "softmax(class 3)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The class the model predicts for each image (the arg-max of its logits).
    Predicted,
    /// The same class for every image of the batch.
    Class(usize),
    /// One class per image of the batch, in batch order.
    Classes(Vec<usize>),
    /// The `k` highest-scoring classes of each image: one map per (image, class), image-major.
    TopK(usize),
    /// The softmax probability of the wrapped target instead of its logit.
    Softmax(Box<Target>),
}

impl Target {
    /// The same target, scored by softmax probability instead of logit.
    pub fn softmax(self) -> Self {
        match self {
            Target::Softmax(_) => self,
            other => Target::Softmax(Box::new(other)),
        }
    }

    /// Whether scores are softmax probabilities.
    pub fn is_softmax(&self) -> bool {
        matches!(self, Target::Softmax(_))
    }

    /// The target without its softmax wrapper.
    pub fn base(&self) -> &Target {
        match self {
            Target::Softmax(inner) => inner.base(),
            other => other,
        }
    }

    /// Resolves the target to `(image, class)` rows given the logits `[B, K]` (row-major).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for a class ≥ `K`, a `Classes` list whose length is
    /// not `B`, or `TopK(0)` / `TopK(k > K)`.
    pub(crate) fn resolve(&self, logits: &[f32], batch: usize) -> Result<Rows> {
        let classes = logits.len().checked_div(batch).unwrap_or(0);
        let check = |c: usize| -> Result<usize> {
            if c < classes {
                Ok(c)
            } else {
                Err(Error::invalid(
                    "target",
                    format!(
                        "class {c} is out of range: the model has {classes} classes (0..={})",
                        classes.saturating_sub(1)
                    ),
                ))
            }
        };
        let mut rows = Rows::default();
        match self.base() {
            Target::Predicted => {
                for (b, row) in logits.chunks(classes.max(1)).enumerate().take(batch) {
                    rows.push(b, crate::math::argmax(row));
                }
            }
            Target::Class(c) => {
                let c = check(*c)?;
                (0..batch).for_each(|b| rows.push(b, c));
            }
            Target::Classes(list) => {
                if list.len() != batch {
                    return Err(Error::invalid(
                        "target",
                        format!(
                            "{} classes given for a batch of {batch} images; give one per image",
                            list.len()
                        ),
                    ));
                }
                for (b, &c) in list.iter().enumerate() {
                    rows.push(b, check(c)?);
                }
            }
            Target::TopK(k) => {
                if *k == 0 || *k > classes {
                    return Err(Error::invalid(
                        "target",
                        format!("TopK({k}) needs 1 ≤ k ≤ {classes} (the number of classes)"),
                    ));
                }
                for (b, row) in logits.chunks(classes).enumerate().take(batch) {
                    let mut order: Vec<usize> = (0..classes).collect();
                    order.sort_by(|&i, &j| row[j].total_cmp(&row[i]));
                    order.iter().take(*k).for_each(|&c| rows.push(b, c));
                }
            }
            Target::Softmax(_) => unreachable!("base() strips Softmax"),
        }
        Ok(rows)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Predicted => write!(f, "predicted class"),
            Target::Class(c) => write!(f, "class {c}"),
            Target::Classes(v) => write!(f, "classes {v:?}"),
            Target::TopK(k) => write!(f, "top {k} classes"),
            Target::Softmax(inner) => write!(f, "softmax({inner})"),
        }
    }
}

impl From<usize> for Target {
    fn from(class: usize) -> Self {
        Target::Class(class)
    }
}

/// Resolved `(image, class)` pairs: one attribution map per row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rows {
    pub image: Vec<usize>,
    pub class: Vec<usize>,
}

impl Rows {
    fn push(&mut self, image: usize, class: usize) {
        self.image.push(image);
        self.class.push(class);
    }

    pub fn len(&self) -> usize {
        self.image.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGITS: [f32; 6] = [0.1, 2.0, -1.0, 5.0, 4.0, 4.5];

    #[test]
    fn resolves_each_variant() {
        let r = Target::Predicted.resolve(&LOGITS, 2).unwrap();
        assert_eq!((r.image, r.class), (vec![0, 1], vec![1, 0]));
        let r = Target::Class(2).softmax().resolve(&LOGITS, 2).unwrap();
        assert_eq!(r.class, vec![2, 2]);
        let r = Target::TopK(2).resolve(&LOGITS, 2).unwrap();
        assert_eq!((r.image, r.class), (vec![0, 0, 1, 1], vec![1, 0, 0, 2]));
        let r = Target::Classes(vec![2, 1]).resolve(&LOGITS, 2).unwrap();
        assert_eq!(r.class, vec![2, 1]);
    }

    #[test]
    fn bad_targets_say_what_is_allowed() {
        let e = Target::Class(3).resolve(&LOGITS, 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid `target`: class 3 is out of range: the model has 3 classes (0..=2)"
        );
        assert!(Target::Classes(vec![0]).resolve(&LOGITS, 2).is_err());
        assert!(Target::TopK(0).resolve(&LOGITS, 2).is_err());
        assert!(Target::TopK(4).resolve(&LOGITS, 2).is_err());
    }
}
