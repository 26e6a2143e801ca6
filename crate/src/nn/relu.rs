//! `relu` with a choice of backward rule: the true gradient or guided backpropagation.

use dfdx::prelude::{Cpu, HasShape, PutTape, SplitTape, Tape};
use rayon::prelude::*;

use super::float::NnFloat;
use super::tape::{contiguous, data_of, tensor_from, writable, Tensor4};
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
/// use glassbox::{nn::relu, ReluGrad};
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
        return x.try_relu().map_err(crate::Error::device);
    }
    let (x, mut tape) = contiguous(x)?.split_tape();
    let mut data = data_of(&x);
    let positive = clamp_negatives(&mut data, T::OWNS_TAPE);
    let y = tensor_from(x.device(), data, *x.shape())?;
    if let Some(positive) = positive {
        let (x_ghost, y_ghost) = (x.ghost(), y.ghost());
        tape.add_backward_op(move |grads| {
            let gy: Vec<E> = std::mem::take(&mut **grads.get_or_alloc_mut(&y_ghost)?);
            let gx = writable(grads.get_or_alloc_mut(&x_ghost)?);
            gx.par_chunks_mut(CHUNK)
                .zip(gy.par_chunks(CHUNK).zip(positive.par_chunks(CHUNK)))
                .for_each(|(gx, (gy, p))| {
                    for ((gx, &dy), &p) in gx.iter_mut().zip(gy).zip(p) {
                        *gx += passed(dy, p, mode);
                    }
                });
            **grads.get_or_alloc_mut(&y_ghost)? = gy;
            Ok(())
        });
    }
    Ok(y.put_tape(tape))
}

/// Elements per parallel task of the ReLU passes.
pub(super) const CHUNK: usize = 1 << 16;

/// `y = max(y, 0)` in place, in parallel; with `record`, also the mask `y > 0` taken before
/// clamping (a NaN counts as not positive, as in dfdx's ReLU) for the backward pass.
/// Branch-free, so it vectorises: the signs of activations are random.
pub(super) fn clamp_negatives<E: NnFloat>(y: &mut [E], record: bool) -> Option<Vec<bool>> {
    if !record {
        y.par_chunks_mut(CHUNK).for_each(|y| {
            for y in y {
                *y = if *y > E::ZERO { *y } else { E::ZERO };
            }
        });
        return None;
    }
    let mut positive = vec![false; y.len()];
    y.par_chunks_mut(CHUNK)
        .zip(positive.par_chunks_mut(CHUNK))
        .for_each(|(y, p)| {
            for (y, p) in y.iter_mut().zip(p) {
                *p = *y > E::ZERO;
                *y = if *p { *y } else { E::ZERO };
            }
        });
    Some(positive)
}

/// The part of the output gradient `dy` a ReLU passes back where its input was `positive`:
/// all of it ([`ReluGrad::Standard`]) or only a positive `dy` ([`ReluGrad::Guided`]).
/// `&` and `|` instead of `&&` and `||`: no branches, so loops over it vectorise.
#[inline]
pub(super) fn passed<E: NnFloat>(dy: E, positive: bool, mode: ReluGrad) -> E {
    let keep = positive & ((mode == ReluGrad::Standard) | (dy > E::ZERO));
    if keep {
        dy
    } else {
        E::ZERO
    }
}
