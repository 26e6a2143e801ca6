//! The tensor types every layer shares: a batch of activations, the logits, and how ReLUs
//! pass gradients backwards.

use dfdx::prelude::{Cpu, NoneTape, Tensor};
use serde::{Deserialize, Serialize};

/// A batch of images or activations, `[B, C, H, W]`, with runtime sizes.
///
/// Fully-connected activations are `[B, N, 1, 1]`, so every layer has the same type.
pub type Activation<T = NoneTape> = Tensor<(usize, usize, usize, usize), f32, Cpu, T>;

/// Pre-softmax class scores, `[B, classes]`.
pub type Logits<T = NoneTape> = Tensor<(usize, usize), f32, Cpu, T>;

/// How ReLUs pass gradients backwards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReluGrad {
    /// The true gradient: passes where the ReLU's input was positive.
    #[default]
    Standard,
    /// Guided backpropagation (Springenberg et al. 2015, <https://arxiv.org/abs/1412.6806>):
    /// passes only positive gradients, and only where the input was positive.
    Guided,
}
