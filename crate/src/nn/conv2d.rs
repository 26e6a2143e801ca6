//! `conv2d`: a differentiable 2-D convolution recorded on dfdx's tape.

use dfdx::prelude::{Cpu, HasShape, PutTape, Shape, SplitTape, Tape, Tensor};

use super::conv_kernels;
use super::device::NnDevice;
use super::float::NnFloat;
use super::params::{Conv2dParams, ConvGeometry};
use super::relu::{clamp_negatives, passed, CHUNK};
use super::tape::{contiguous, dims4, tensor_from, writable, Scratch, Tensor4};
use super::weight_grads::weight_grads_enabled;
use crate::ReluGrad;
use crate::Result;
use rayon::prelude::*;

/// 2-D convolution (cross-correlation, like `torch.nn.functional.conv2d`), differentiable with
/// respect to the input, the weight and the bias.
///
/// `y[b, o, i, j] = bias[o] + Σ_{c, ky, kx} weight[o, c, ky, kx] ·
/// x[b, g·C_g + c, i·s_h + ky·d_h − p_h, j·s_w + kx·d_w − p_w]` where `g` is the group of `o`,
/// and pixels outside the image are zero.
///
/// On the CPU it runs as tiled im2col + matrix products spread over rayon's threads (on other
/// dfdx devices, see [`NnDevice`]); the input gradient is
/// the same kernel on the flipped weights (stride 1) or a product + col2im. Gradients for the
/// weight and bias are written to the `Gradients` under their tensors' ids, as for dfdx's own
/// layers; wrap the forward pass in [`crate::nn::without_weight_grads`] to skip them when only the
/// input gradient is wanted (about a third less backward work).
///
/// # Shapes
/// `x`: `[B, C, H, W]`; `weight`: `[O, C / groups, KH, KW]`; `bias`: `[O]`;
/// output: `[B, O, OH, OW]` with `OH = ⌊(H + 2·p_h − d_h·(KH − 1) − 1) / s_h⌋ + 1`.
///
/// # Errors
/// [`crate::ErrorKind::Shape`] when `C` is not `weight`'s input channels × groups, when a size
/// is zero or the bias length is not `O`; [`crate::ErrorKind::InvalidArgument`] for zero stride or
/// dilation, groups that do not divide the channels, or a kernel larger than the padded input.
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// use glassbox::{nn::{conv2d, Conv2dParams}};
///
/// let dev = Cpu::default();
/// let x = dev.tensor_from_vec((0..16).map(|v| v as f32).collect(), (1, 1, 4, 4));
/// let w = dev.tensor_from_vec(vec![1.0f32; 9], (1, 1, 3, 3));
/// let y = conv2d(x, &w, None, Conv2dParams::default())?;
/// // Sums of the four 3×3 windows of 0..16.
/// assert_eq!(y.as_vec(), vec![45.0, 54.0, 81.0, 90.0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn conv2d<E, D, T, SW>(
    x: Tensor4<E, T, D>,
    weight: &Tensor<SW, E, D>,
    bias: Option<&Tensor<(usize,), E, D>>,
    params: Conv2dParams,
) -> Result<Tensor4<E, T, D>>
where
    E: NnFloat,
    D: NnDevice<E>,
    T: Tape<E, D>,
    SW: Shape<Concrete = [usize; 4]>,
{
    D::conv2d(x, weight, bias, params)
}

/// `relu(conv2d(x, weight, bias, params), mode)` as one op on the CPU: the same values and
/// gradients as the two ops, with the ReLU applied in parallel inside the convolution's output
/// pass and its gradient folded into the convolution's backward pass (dfdx's own ReLU runs on
/// one thread and copies its input when recording).
///
/// # Errors
/// As [`conv2d`].
///
/// # Example
/// ```
/// use dfdx::prelude::*;
/// use glassbox::{nn::{conv2d, conv2d_relu, relu, Conv2dParams}, ReluGrad};
///
/// let dev = Cpu::default();
/// let x = dev.tensor_from_vec((0..16).map(|v| v as f32 - 8.0).collect(), (1, 1, 4, 4));
/// let w = dev.tensor_from_vec(vec![1.0f32; 9], (1, 1, 3, 3));
/// let p = Conv2dParams::default();
/// let fused = conv2d_relu(x.clone(), &w, None, p, ReluGrad::Standard)?;
/// let apart = relu(conv2d(x, &w, None, p)?, ReluGrad::Standard)?;
/// assert_eq!(fused.as_vec(), apart.as_vec()); // [0, 0, 9, 18]
/// # Ok::<(), glassbox::Error>(())
/// ```
pub fn conv2d_relu<E, T, SW>(
    x: Tensor4<E, T>,
    weight: &Tensor<SW, E, Cpu>,
    bias: Option<&Tensor<(usize,), E, Cpu>>,
    params: Conv2dParams,
    mode: ReluGrad,
) -> Result<Tensor4<E, T>>
where
    E: NnFloat,
    T: Tape<E, Cpu>,
    SW: Shape<Concrete = [usize; 4]>,
{
    run_on_cpu(x, weight, bias, params, Some(mode))
}

/// [`conv2d`] with glassbox's CPU kernels.
pub(super) fn on_cpu<E, T, SW>(
    x: Tensor4<E, T>,
    weight: &Tensor<SW, E, Cpu>,
    bias: Option<&Tensor<(usize,), E, Cpu>>,
    params: Conv2dParams,
) -> Result<Tensor4<E, T>>
where
    E: NnFloat,
    T: Tape<E, Cpu>,
    SW: Shape<Concrete = [usize; 4]>,
{
    run_on_cpu(x, weight, bias, params, None)
}

/// The convolution, followed by a ReLU with backward rule `relu` if given.
fn run_on_cpu<E, T, SW>(
    x: Tensor4<E, T>,
    weight: &Tensor<SW, E, Cpu>,
    bias: Option<&Tensor<(usize,), E, Cpu>>,
    params: Conv2dParams,
    relu: Option<ReluGrad>,
) -> Result<Tensor4<E, T>>
where
    E: NnFloat,
    T: Tape<E, Cpu>,
    SW: Shape<Concrete = [usize; 4]>,
{
    let g = ConvGeometry::checked(
        dims4(x.shape()),
        weight.shape().concrete(),
        bias.map(|b| b.shape().0),
        params,
    )?;
    let (x, mut tape) = contiguous(x)?.split_tape();
    let x_data = Scratch::copy_of(&x);
    let w_data = Scratch::of_param(weight)?;
    let b_data = bias.map(Scratch::of_param).transpose()?;
    let mut y = vec![E::ZERO; g.out_shape().iter().product()];
    conv_kernels::forward(&g, &x_data, &w_data, b_data.as_deref(), &mut y, false);
    // The ReLU's mask, when recording, for the backward pass.
    let positive = relu.and_then(|_| clamp_negatives(&mut y, T::OWNS_TAPE));
    let [b, o, oh, ow] = g.out_shape();
    let y = tensor_from(x.device(), y, (b, o, oh, ow))?;
    if T::OWNS_TAPE {
        let (x_ghost, y_ghost) = (x.ghost(), y.ghost());
        let w_ghost = weight.ghost();
        let b_ghost = bias.map(|b| b.ghost());
        let x_kept = weight_grads_enabled().then_some(x_data);
        tape.add_backward_op(move |grads| {
            let gy: Vec<E> = std::mem::take(&mut **grads.get_or_alloc_mut(&y_ghost)?);
            // Through the ReLU first: the gradient of the convolution's output.
            let through_relu = positive.as_ref().zip(relu).map(|(positive, mode)| {
                let mut g = Scratch::with_len(gy.len());
                g.par_chunks_mut(CHUNK)
                    .zip(gy.par_chunks(CHUNK).zip(positive.par_chunks(CHUNK)))
                    .for_each(|(g, (gy, p))| {
                        for ((g, &dy), &p) in g.iter_mut().zip(gy).zip(p) {
                            *g = passed(dy, p, mode);
                        }
                    });
                g
            });
            let gy_conv: &[E] = through_relu.as_deref().unwrap_or(&gy);
            conv_kernels::backward_input(
                &g,
                &w_data,
                gy_conv,
                writable(grads.get_or_alloc_mut(&x_ghost)?),
            );
            if let Some(x_data) = &x_kept {
                let gw = writable(grads.get_or_alloc_mut(&w_ghost)?);
                conv_kernels::backward_weight(&g, x_data, gy_conv, gw);
                if let Some(b_ghost) = &b_ghost {
                    conv_kernels::backward_bias(
                        &g,
                        gy_conv,
                        writable(grads.get_or_alloc_mut(b_ghost)?),
                    );
                }
            }
            **grads.get_or_alloc_mut(&y_ghost)? = gy;
            Ok(())
        });
    }
    Ok(y.put_tape(tape))
}
