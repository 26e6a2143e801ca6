//! Where a tensor's elements lie in a checkpoint's bytes, and reading them as f32.
//!
//! Safetensors stores every tensor contiguously; a PyTorch state dict stores strided views of
//! storages (a transposed weight, a slice at an offset). Both are described the same way here,
//! and the bounds are checked once, when the file is opened.

use safetensors::Dtype;

/// A strided tensor inside a byte buffer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredTensor {
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    /// In elements, one per dimension.
    strides: Vec<usize>,
    /// Byte position of element `[0, 0, …]`.
    start: usize,
}

impl StoredTensor {
    /// A row-major tensor starting at byte `start`.
    pub fn contiguous(dtype: Dtype, shape: Vec<usize>, start: usize) -> Self {
        let mut strides = vec![1; shape.len()];
        for i in (1..shape.len()).rev() {
            strides[i - 1] = strides[i] * shape[i];
        }
        Self {
            dtype,
            shape,
            strides,
            start,
        }
    }

    /// A strided view whose elements must all lie in `bytes[storage]`; `offset` is in elements.
    ///
    /// Errors (in words) if any element would fall outside the storage.
    pub fn strided(
        dtype: Dtype,
        shape: Vec<usize>,
        strides: Vec<usize>,
        offset: usize,
        storage: std::ops::Range<usize>,
    ) -> Result<Self, String> {
        let size = dtype.size();
        let outside = || format!("a tensor of shape {shape:?} lies outside its storage");
        let numel = shape.iter().try_fold(1usize, |a, &n| a.checked_mul(n));
        if numel == Some(0) {
            // An empty tensor reads nothing, wherever it points.
            return Ok(Self {
                dtype,
                shape,
                strides,
                start: storage.start,
            });
        }
        // The byte just past the last element.
        let end = shape
            .iter()
            .zip(&strides)
            .try_fold(offset, |acc, (&n, &s)| {
                (n - 1).checked_mul(s).and_then(|d| acc.checked_add(d))
            })
            .and_then(|last| last.checked_add(1))
            .and_then(|n| n.checked_mul(size))
            .and_then(|b| b.checked_add(storage.start));
        match end {
            Some(end) if numel.is_some() && end <= storage.end => Ok(Self {
                dtype,
                shape,
                strides,
                start: storage.start + offset * size,
            }),
            _ => Err(outside()),
        }
    }

    /// The elements in row-major order, converted to f32; `None` for a dtype that is not a float
    /// or bytes that do not cover the tensor.
    pub fn to_f32(&self, bytes: &[u8]) -> Option<Vec<f32>> {
        let convert: fn(&[u8]) -> f32 = match self.dtype {
            Dtype::F32 => |b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Dtype::F16 => |b| half::f16::from_le_bytes([b[0], b[1]]).to_f32(),
            Dtype::BF16 => |b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32(),
            Dtype::F64 => |b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as f32,
            _ => return None,
        };
        let size = self.dtype.size();
        let numel: usize = self.shape.iter().product();
        let contiguous = Self::contiguous(self.dtype, self.shape.clone(), self.start);
        if self.strides == contiguous.strides {
            let data = bytes.get(self.start..self.start + numel * size)?;
            return Some(data.chunks_exact(size).map(convert).collect());
        }
        // Walk the indices like an odometer, the last dimension fastest.
        let mut index = vec![0usize; self.shape.len()];
        let mut out = Vec::with_capacity(numel);
        for _ in 0..numel {
            let element: usize = index.iter().zip(&self.strides).map(|(i, s)| i * s).sum();
            let at = self.start + element * size;
            out.push(convert(bytes.get(at..at + size)?));
            for d in (0..index.len()).rev() {
                index[d] += 1;
                if index[d] < self.shape[d] {
                    break;
                }
                index[d] = 0;
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32_bytes(values: &[f32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn a_transposed_view_reads_in_row_major_order() {
        // torch.arange(6.).reshape(2, 3).t(): shape [3, 2], strides [1, 3].
        let bytes = f32_bytes(&[0., 1., 2., 3., 4., 5.]);
        let t = StoredTensor::strided(Dtype::F32, vec![3, 2], vec![1, 3], 0, 0..24).unwrap();
        assert_eq!(t.to_f32(&bytes).unwrap(), [0., 3., 1., 4., 2., 5.]);
        // torch.arange(6.)[2:5] after a 4-byte header: offset 2.
        let mut shifted = vec![0; 4];
        shifted.extend(&bytes);
        let t = StoredTensor::strided(Dtype::F32, vec![3], vec![1], 2, 4..28).unwrap();
        assert_eq!(t.to_f32(&shifted).unwrap(), [2., 3., 4.]);
    }

    #[test]
    fn views_outside_their_storage_are_refused() {
        let err = StoredTensor::strided(Dtype::F32, vec![3, 2], vec![1, 3], 1, 0..24);
        assert!(err.unwrap_err().contains("outside its storage"));
        let huge = StoredTensor::strided(Dtype::F32, vec![2, 2], vec![usize::MAX, 1], 0, 0..24);
        assert!(huge.is_err());
        let empty = StoredTensor::strided(Dtype::F32, vec![0, 7], vec![7, 1], 0, 0..0).unwrap();
        assert_eq!(empty.to_f32(&[]).unwrap(), Vec::<f32>::new());
        let ints = StoredTensor::contiguous(Dtype::I64, vec![1], 0);
        assert_eq!(ints.to_f32(&[0; 8]), None);
    }
}
