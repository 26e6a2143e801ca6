//! Plumbing between dfdx tensors and the slice kernels: reading data, building outputs,
//! converting device errors.

use dfdx::prelude::{Cpu, HasShape, Shape, Tensor, TensorFromVec};
use dfdx::tensor_ops::ReshapeTo;

use super::float::NnFloat;
use crate::{Error, Result};

/// The dynamic 4-D shape `[B, C, H, W]` every op works on.
pub type Dyn4 = (usize, usize, usize, usize);

/// A `[B, C, H, W]` tensor with runtime sizes, element type `E`, tape `T`, on device `D`
/// (the CPU unless named).
pub type Tensor4<E, T, D = Cpu> = Tensor<Dyn4, E, D, T>;

/// The elements of a tensor that is laid out contiguously (check with [`contiguous`] first).
pub(crate) fn data_of<S: Shape, E: NnFloat, T>(t: &Tensor<S, E, Cpu, T>) -> Vec<E> {
    let mut out = vec![E::ZERO; t.shape().num_elements()];
    t.copy_into(&mut out);
    out
}

/// At most this many scratch buffers of each element type stay allocated between ops…
const SCRATCH_KEPT: usize = 32;
/// …holding at most this many bytes (VGG16's weights and batch-1 activations fit).
const SCRATCH_BYTES: usize = 256 << 20;

/// A copy of a tensor's elements in a reused buffer: the inputs and parameters an op reads in
/// its forward pass and keeps for its backward pass. Dropping it returns the buffer to a pool,
/// so repeated passes reuse memory instead of page-faulting fresh allocations in (measured:
/// copying VGG16's weights into new buffers cost ~40 ms of a 0.55 s saliency pass).
pub(crate) struct Scratch<E: NnFloat> {
    buf: Vec<E>,
}

impl<E: NnFloat> Scratch<E> {
    /// The elements of a contiguous tensor (check with [`contiguous`] first).
    pub(crate) fn copy_of<S: Shape, T>(t: &Tensor<S, E, Cpu, T>) -> Self {
        let mut scratch = Self::with_len(t.shape().num_elements());
        t.copy_into(&mut scratch.buf);
        scratch
    }

    /// `n` elements of unspecified (but initialised) value, to be overwritten.
    pub(crate) fn with_len(n: usize) -> Self {
        // The smallest pooled buffer that holds `n`, else the largest (it grows).
        let pooled = E::scratch_pool().lock().ok().and_then(|mut pool| {
            let fits = (0..pool.len())
                .filter(|&i| pool[i].capacity() >= n)
                .min_by_key(|&i| pool[i].capacity());
            let pick = fits.or_else(|| (0..pool.len()).max_by_key(|&i| pool[i].capacity()))?;
            Some(pool.swap_remove(pick))
        });
        let mut buf = pooled.unwrap_or_default();
        // Every pooled buffer is initialised up to its length: shrink, or zero-extend the tail.
        buf.truncate(n);
        buf.resize(n, E::ZERO);
        Self { buf }
    }

    /// The elements of a parameter in row-major order.
    pub(crate) fn of_param<S: Shape>(t: &Tensor<S, E, Cpu>) -> Result<Self> {
        Ok(Self::copy_of(&contiguous(t.clone())?))
    }
}

impl<E: NnFloat> std::ops::Deref for Scratch<E> {
    type Target = [E];
    fn deref(&self) -> &[E] {
        &self.buf
    }
}

impl<E: NnFloat> std::ops::DerefMut for Scratch<E> {
    fn deref_mut(&mut self) -> &mut [E] {
        &mut self.buf
    }
}

impl<E: NnFloat> Drop for Scratch<E> {
    fn drop(&mut self) {
        if self.buf.capacity() == 0 {
            return;
        }
        if let Ok(mut pool) = E::scratch_pool().lock() {
            pool.push(std::mem::take(&mut self.buf));
            let bytes = |pool: &Vec<Vec<E>>| {
                pool.iter().map(|b| b.capacity()).sum::<usize>() * std::mem::size_of::<E>()
            };
            // Over the count, drop the smallest; over the bytes, the largest.
            while pool.len() > SCRATCH_KEPT || (pool.len() > 1 && bytes(&pool) > SCRATCH_BYTES) {
                let by_size = (0..pool.len()).map(|i| (pool[i].capacity(), i));
                let victim = if pool.len() > SCRATCH_KEPT {
                    by_size.min()
                } else {
                    by_size.max()
                };
                match victim {
                    Some((_, i)) => drop(pool.swap_remove(i)),
                    None => break,
                }
            }
        }
    }
}

/// `t` in row-major layout. dfdx keeps the tensor's id (so gradients still reach it) and its
/// data when it already is; otherwise a differentiable copy is recorded on the tape.
pub(crate) fn contiguous<S: Shape, E: NnFloat, T: dfdx::prelude::Tape<E, Cpu>>(
    t: Tensor<S, E, Cpu, T>,
) -> Result<Tensor<S, E, Cpu, T>> {
    t.try_contiguous().map_err(Error::device)
}

/// A new tapeless tensor of shape `shape` holding `data`.
pub(crate) fn tensor_from<S: Shape, E: NnFloat>(
    dev: &Cpu,
    data: Vec<E>,
    shape: S,
) -> Result<Tensor<S, E, Cpu>> {
    dev.try_tensor_from_vec(data, shape).map_err(Error::device)
}

/// `buf` (a gradient dfdx just handed out) with every memory page mapped writable, before a
/// kernel accumulates into it.
///
/// dfdx allocates gradients with `calloc`, whose large blocks are untouched pages. Accumulating
/// (`+=`) reads a page before writing it: the read maps the shared zero page, and the write
/// then has to replace that mapping and flush the TLB of every core running the process (an
/// interrupt to each) — measured at an eighth of a VGG16 backward pass on two threads. One
/// compare-and-swap per page is a write access that leaves the value as it is, so the page is
/// mapped writable at once.
pub(crate) fn writable<E: NnFloat>(buf: &mut [E]) -> &mut [E] {
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    const PAGE: usize = 4096;
    let (start, bytes) = (buf.as_mut_ptr() as usize, std::mem::size_of_val(buf));
    // The first element, then the first element of every later page.
    let mut at = start;
    while at < start + bytes {
        // SAFETY: `at` lies inside `buf` (which we borrow exclusively) and is 4-aligned (f32 and
        // f64 elements are, and page starts are); the swap leaves the bytes unchanged.
        let word = unsafe { AtomicU32::from_ptr(at as *mut u32) };
        let _ = word.compare_exchange(0, 0, Relaxed, Relaxed);
        at = (at / PAGE + 1) * PAGE;
    }
    buf
}

/// `[B, C, H, W]` of a 4-D shape.
pub(crate) fn dims4<S: Shape<Concrete = [usize; 4]>>(s: &S) -> [usize; 4] {
    s.concrete()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_copies_are_exact_when_pooled_buffers_shrink_and_grow() {
        let dev = Cpu::default();
        for n in [10usize, 4, 12, 1, 12] {
            let data: Vec<f64> = (0..n).map(|i| i as f64 * 1.5 - 3.0).collect();
            let t = tensor_from(&dev, data.clone(), (n,)).unwrap();
            let copy = Scratch::copy_of(&t);
            assert_eq!(&*copy, &data[..]);
        }
        let t = tensor_from(&dev, vec![7.0f32; 3], (3,)).unwrap();
        assert_eq!(&*Scratch::copy_of(&t), &[7.0; 3][..]);
    }

    #[test]
    fn mapping_pages_writable_keeps_every_value() {
        // Spans several pages, starts unaligned, and holds zeros and non-zeros at page starts.
        let mut v: Vec<f32> = (0..5000)
            .map(|i| if i % 3 == 0 { 0.0 } else { i as f32 })
            .collect();
        let want = v.clone();
        assert_eq!(writable(&mut v[1..]), &want[1..]);
        assert_eq!(v, want);
        let mut fresh = vec![0.0f64; 1 << 20];
        assert!(writable(&mut fresh).iter().all(|&x| x == 0.0));
    }
}
