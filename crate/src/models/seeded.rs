//! [`Seeded`]: `Net::seeded(0)` builds a dfdx model (e.g. a `#[derive(Explain)]` struct) with
//! seeded random weights, without naming dfdx's device in a notebook.

use dfdx::nn::BuildModule;
use dfdx::prelude::Cpu;

/// A model built with random weights from a seed (each layer's own default initialisation,
/// as `dev.build_module` does).
///
/// # Example
/// ```
/// use glassbox::models::Linear;
/// use glassbox::Seeded;
/// let a = Linear::<4, 2>::seeded(7);
/// let b = Linear::<4, 2>::seeded(7);
/// assert_eq!(a.weight.as_vec(), b.weight.as_vec());
/// ```
pub trait Seeded: Sized {
    /// Builds the model on the CPU from `seed`.
    fn seeded(seed: u64) -> Self;
}

impl<M: BuildModule<Cpu, f32>> Seeded for M {
    fn seeded(seed: u64) -> Self {
        let _ids = crate::nn::id_guard();
        M::build(&Cpu::seed_from_u64(seed))
    }
}
