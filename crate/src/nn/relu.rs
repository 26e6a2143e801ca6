//! `relu` with a choice of backward rule: the true gradient or guided backpropagation.

use dfdx::prelude::{Cpu, HasShape, PutTape, SplitTape, Tape};

use super::float::NnFloat;
use super::tape::{contiguous, data_of, device_error, tensor_from, writable, Tensor4};
use crate::{ReluGrad, Result};

/// `max(x, 0)`, with the backward rule chosen by `mode`.
///
/// - [`ReluGrad::Standard`]: the true gradient, `dx = dy · [x > 0]` (as dfdx's and PyTorch's `relu`).
/// - [`ReluGrad::Guided`]: guided backpropagation (Springenberg et al. 2015,
///   <https://arxiv.org/abs/1412.6806>, eq. 4): `dx = dy · [x > 0] · [dy > 0]`.
///
/// # Errors
/// [`crate::ErrorKind::Device`] only if the device fails to allocate.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// use glassbox::{relu, ReluGrad};
/// let dev = Cpu::default();
/// let x = dev.tensor_from_vec(vec![-1.0f32, 2.0, 3.0], (1, 3, 1, 1));
/// let y = relu(x.leaky_trace(), ReluGrad::Guided)?;
/// assert_eq!(y.as_vec(), vec![0.0, 2.0, 3.0]);
/// let w = dev.tensor_from_vec(vec![1.0f32, -1.0, 1.0], (1, 3, 1, 1));
/// let g = (y * w).sum().backward();
/// // The negative gradient at x = 2 is blocked; x = −1 passes nothing either.
/// assert_eq!(g.get(&x).as_vec(), vec![0.0, 0.0, 1.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn relu<E: NnFloat, T: Tape<E, Cpu>>(
    x: Tensor4<E, T>,
    mode: ReluGrad,
) -> Result<Tensor4<E, T>> {
    if mode == ReluGrad::Standard {
        // dfdx's own op: it reuses dfdx's buffer cache and works in place when it can.
        return x.try_relu().map_err(device_error);
    }
    let (x, mut tape) = contiguous(x)?.split_tape();
    let mut data = data_of(&x);
    let positive: Vec<bool> = data.iter().map(|&v| v > E::ZERO).collect();
    for (v, &p) in data.iter_mut().zip(&positive) {
        if !p {
            *v = E::ZERO;
        }
    }
    let y = tensor_from(x.device(), data, *x.shape())?;
    if T::OWNS_TAPE {
        let (x_ghost, y_ghost) = (x.ghost(), y.ghost());
        tape.add_backward_op(move |grads| {
            let gy: Vec<E> = std::mem::take(&mut **grads.get_or_alloc_mut(&y_ghost)?);
            let gx = writable(grads.get_or_alloc_mut(&x_ghost)?);
            for ((gx, &g), &p) in gx.iter_mut().zip(&gy).zip(&positive) {
                if p && g > E::ZERO {
                    *gx += g;
                }
            }
            **grads.get_or_alloc_mut(&y_ghost)? = gy;
            Ok(())
        });
    }
    Ok(y.put_tape(tape))
}
