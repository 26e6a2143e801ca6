//! Training guards shared by every trainer ([`crate::MnistNet::train`], [`crate::TabularMlp`]):
//! a usable learning rate going in, and a finite loss at every step.
//!
//! Without them an absurd learning rate trains "successfully" into NaN weights, and every later
//! prediction is silently garbage.

use crate::{Error, Result};

/// Refuses a learning rate that is zero, negative, NaN or infinite.
pub(crate) fn check_learning_rate(name: &'static str, lr: f64) -> Result<()> {
    if !(lr > 0.0 && lr.is_finite()) {
        return Err(Error::invalid(
            name,
            format!("{lr} is not a positive, finite learning rate; try 1e-3"),
        ));
    }
    Ok(())
}

/// Stops training at the first NaN or infinite loss, naming the learning rate as the fix.
pub(crate) fn check_loss(name: &'static str, lr: f64, loss: f32, step: usize) -> Result<()> {
    if !loss.is_finite() {
        return Err(Error::invalid(
            name,
            format!(
                "training diverged: the loss is {loss} at step {step} with learning rate {lr}; lower the learning rate (e.g. 10× smaller)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rates_and_losses_name_the_learning_rate() {
        assert!(check_learning_rate("lr", 1e-3).is_ok());
        for lr in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(check_learning_rate("lr", lr).is_err(), "{lr}");
        }
        let e = check_loss("lr", 1e9, f32::NAN, 3).unwrap_err();
        assert!(e.to_string().contains("lower the learning rate"), "{e}");
        assert!(check_loss("lr", 1e-3, 0.5, 3).is_ok());
    }
}
