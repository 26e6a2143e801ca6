//! dfdx's `Linear` on a recorded pass that wants only input gradients.

use dfdx::nn::modules::Linear;
use dfdx::prelude::{Const, Cpu, Dim, HasShape, PutTape, SplitTape, Tape, Tensor};
use dfdx::tensor_ops::{BroadcastTo, PermuteTo, TryMatMul};

use super::tape::writable;
use super::weight_grads::weight_grads_enabled;
use crate::Result;

/// `x · Wᵀ + b` for `[B, I]` rows, like `layer.try_forward(x)`, but inside
/// [`crate::nn::without_weight_grads`] its backward pass computes only the input gradient.
///
/// dfdx's `matmul` always computes both operands' gradients: for VGG16's `fc6` that is a
/// 25088 × 4096 outer product into a freshly allocated 411 MB buffer on every attribution pass
/// (measured: most of the gap between a VGG16 saliency map and Captum's). Here the forward and
/// the backward (`dX += dY · W`) are dfdx matrix products on untracked tensors, recorded as one
/// op, so the weights are read in place and nothing weight-sized is allocated.
pub(crate) fn linear<B: Dim, const I: usize, const O: usize, T: Tape<f32, Cpu>>(
    layer: &Linear<I, O, f32, Cpu>,
    x: Tensor<(B, Const<I>), f32, Cpu, T>,
) -> Result<Tensor<(B, Const<O>), f32, Cpu, T>> {
    use dfdx::nn::Module;
    if !T::OWNS_TAPE || weight_grads_enabled() {
        return layer.try_forward(x).map_err(crate::Error::device);
    }
    let (x, mut tape) = x.split_tape();
    let shape = (x.shape().0, Const::<O>);
    let bias = layer
        .bias
        .clone()
        .try_broadcast_like::<_, dfdx::prelude::Axis<0>>(&shape)
        .map_err(crate::Error::device)?;
    let y = x
        .clone()
        .try_matmul(
            layer
                .weight
                .clone()
                .try_permute()
                .map_err(crate::Error::device)?,
        )
        .map_err(crate::Error::device)?
        + bias;
    let (x_ghost, y_ghost) = (x.ghost(), y.ghost());
    let weight = layer.weight.clone();
    tape.add_backward_op(move |grads| {
        grads.try_alloc_for(&y_ghost)?;
        let gx = grads.get(&y_ghost).try_matmul(weight.clone())?.as_vec();
        let dst = writable(grads.get_or_alloc_mut(&x_ghost)?);
        dst.iter_mut().zip(&gx).for_each(|(d, g)| *d += g);
        Ok(())
    });
    Ok(y.put_tape(tape))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dfdx::prelude::*;

    #[test]
    fn input_gradient_and_values_match_dfdx_linear_and_no_weight_gradient_is_made() {
        let dev = Cpu::seed_from_u64(3);
        let layer = dev.build_module::<dfdx::nn::builders::Linear<5, 4>, f32>();
        let x: Tensor<(usize, Const<5>), f32, Cpu> = dev.sample_normal_like(&(3, Const));
        let r: Tensor<(usize, Const<4>), f32, Cpu> = dev.sample_normal_like(&(3, Const));
        let plain = {
            use dfdx::nn::Module;
            layer.forward(x.leaky_trace())
        };
        let frozen = crate::nn::without_weight_grads(|| linear(&layer, x.leaky_trace())).unwrap();
        assert_eq!(frozen.as_vec(), plain.as_vec());
        let gp = (plain * r.clone()).sum().backward();
        let gf = (frozen * r).sum().backward();
        for (a, b) in gf.get(&x).as_vec().iter().zip(gp.get(&x).as_vec()) {
            assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
        // dfdx's Linear made a weight gradient; the frozen op did not touch the weight.
        assert!(gp.get(&layer.weight).as_vec().iter().any(|&v| v != 0.0));
        let mut gf = gf;
        assert!(gf
            .get_or_alloc_mut(&layer.weight)
            .unwrap()
            .iter()
            .all(|&v| v == 0.0));
        // Outside the scope it is dfdx's Linear.
        let traced = linear(&layer, x.leaky_trace()).unwrap();
        let g = traced.sum().backward();
        assert!(g.get(&layer.weight).as_vec().iter().any(|&v| v != 0.0));
    }
}
