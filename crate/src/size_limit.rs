//! The one size limit: how many values a single buffer (image, map, figure, resize) may hold.
//!
//! Sizes come from users (`Figure::from_rgb(w, h, …)`, `upsampled_to(h, w)`, a 16384² input), and
//! their products can wrap around `usize` or ask the allocator for hundreds of gigabytes, which
//! aborts the process (a notebook kernel dies with no message). Every such product goes through
//! [`checked_len`], so an absurd size is an [`crate::ErrorKind::InvalidArgument`] instead.

use crate::{Error, Result};

/// The most values (pixels × channels, map entries, RGB bytes) one image, map or figure may
/// hold: 2²⁷ ≈ 134 million, 512 MiB as `f32`. A 224² RGB image is 150,528 values; a
/// 16384 × 16384 image is over the limit.
///
/// # Example
/// ```
/// let err = glassbox::Figure::from_rgb(100_000, 100_000, vec![], "").unwrap_err();
/// assert!(err.to_string().contains("MAX_ELEMENTS"));
/// ```
pub const MAX_ELEMENTS: usize = 1 << 27;

/// The product of `dims`, or an error naming `what` when it overflows or exceeds
/// [`MAX_ELEMENTS`].
pub(crate) fn checked_len(what: &'static str, dims: &[usize]) -> Result<usize> {
    let product = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    match product {
        Some(n) if n <= MAX_ELEMENTS => Ok(n),
        _ => {
            let shown: Vec<String> = dims.iter().map(usize::to_string).collect();
            Err(Error::invalid(
                what,
                format!(
                    "{} is more than glassbox::MAX_ELEMENTS ({MAX_ELEMENTS}) values; use a smaller size",
                    shown.join(" × ")
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_that_wrap_or_exceed_the_limit_are_errors() {
        assert_eq!(checked_len("size", &[224, 224, 3]).unwrap(), 150_528);
        assert_eq!(checked_len("size", &[MAX_ELEMENTS]).unwrap(), MAX_ELEMENTS);
        assert!(checked_len("size", &[MAX_ELEMENTS + 1]).is_err());
        let e = checked_len("size", &[usize::MAX, 3]).unwrap_err();
        assert!(e.to_string().starts_with("invalid `size`:"), "{e}");
        assert!(e.to_string().contains("use a smaller size"), "{e}");
    }
}
