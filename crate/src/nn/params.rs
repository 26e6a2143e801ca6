//! Convolution hyper-parameters and the output-size arithmetic, with the checks that turn bad
//! input into clear errors.

use crate::{Error, Result};

/// Stride, padding, dilation and groups of a 2-D convolution, as in `torch.nn.Conv2d`.
///
/// Each spatial parameter is `(height, width)`; the setters take one value for both.
/// The default is stride 1, no padding, dilation 1, one group.
///
/// # Example
/// ```
/// use glassbox::nn::Conv2dParams;
/// let p = Conv2dParams::default().stride(2).padding(1);
/// assert_eq!(p.stride, (2, 2));
/// assert_eq!(p.padding, (1, 1));
/// assert_eq!(p.groups, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conv2dParams {
    /// Step between windows, `(height, width)`.
    pub stride: (usize, usize),
    /// Zeros added on each side, `(height, width)`.
    pub padding: (usize, usize),
    /// Spacing between kernel taps, `(height, width)`.
    pub dilation: (usize, usize),
    /// Channel groups: input and output channels are split into this many independent convolutions.
    pub groups: usize,
}

impl Default for Conv2dParams {
    fn default() -> Self {
        Self {
            stride: (1, 1),
            padding: (0, 0),
            dilation: (1, 1),
            groups: 1,
        }
    }
}

impl Conv2dParams {
    /// Sets the same stride for height and width.
    pub fn stride(mut self, stride: usize) -> Self {
        self.stride = (stride, stride);
        self
    }
    /// Sets the same padding for height and width.
    pub fn padding(mut self, padding: usize) -> Self {
        self.padding = (padding, padding);
        self
    }
    /// Sets the same dilation for height and width.
    pub fn dilation(mut self, dilation: usize) -> Self {
        self.dilation = (dilation, dilation);
        self
    }
    /// Sets the number of groups.
    pub fn groups(mut self, groups: usize) -> Self {
        self.groups = groups;
        self
    }
}

/// Every size a convolution kernel needs, checked once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ConvGeometry {
    pub batch: usize,
    pub c_in: usize,
    pub h: usize,
    pub w: usize,
    pub c_out: usize,
    pub kh: usize,
    pub kw: usize,
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub dilation: (usize, usize),
    pub groups: usize,
    pub oh: usize,
    pub ow: usize,
}

impl ConvGeometry {
    /// Checks `input` `[B, C, H, W]` against `weight` `[O, C/groups, KH, KW]`.
    pub(crate) fn new(input: [usize; 4], weight: [usize; 4], p: Conv2dParams) -> Result<Self> {
        check_input("conv2d input", input)?;
        let [batch, c_in, h, w] = input;
        let [c_out, c_in_group, kh, kw] = weight;
        if weight.contains(&0) {
            return Err(Error::shape(
                "conv2d weight",
                "[out_channels, in_channels / groups, KH, KW] with every size ≥ 1",
                &weight,
            ));
        }
        check_positive("stride", p.stride)?;
        check_positive("dilation", p.dilation)?;
        let groups = p.groups;
        if groups == 0 || !c_out.is_multiple_of(groups) {
            return Err(Error::invalid(
                "groups",
                format!("{groups} groups must be ≥ 1 and divide the {c_out} output channels"),
            ));
        }
        if !c_in.is_multiple_of(groups) {
            return Err(Error::invalid(
                "groups",
                format!("{groups} groups do not divide the input's {c_in} channels"),
            ));
        }
        if c_in_group * groups != c_in {
            return Err(Error::shape(
                "conv2d input",
                format!(
                    "[B, {}, H, W]: the weight takes {c_in_group} channels per group × {groups} groups",
                    c_in_group * groups
                ),
                &input,
            ));
        }
        let oh = out_size("height", h, kh, p.stride.0, p.padding.0, p.dilation.0)?;
        let ow = out_size("width", w, kw, p.stride.1, p.padding.1, p.dilation.1)?;
        Ok(Self {
            batch,
            c_in,
            h,
            w,
            c_out,
            kh,
            kw,
            stride: p.stride,
            padding: p.padding,
            dilation: p.dilation,
            groups,
            oh,
            ow,
        })
    }

    /// [`ConvGeometry::new`], and a bias of `bias_len` values (if any) must have one per output
    /// channel.
    pub(crate) fn checked(
        input: [usize; 4],
        weight: [usize; 4],
        bias_len: Option<usize>,
        p: Conv2dParams,
    ) -> Result<Self> {
        let g = Self::new(input, weight, p)?;
        match bias_len {
            Some(n) if n != g.c_out => Err(Error::shape(
                "conv2d bias",
                format!("[{}], one value per output channel", g.c_out),
                &[n],
            )),
            _ => Ok(g),
        }
    }

    /// Input channels per group.
    pub(crate) fn c_in_group(&self) -> usize {
        self.c_in / self.groups
    }
    /// Output channels per group.
    pub(crate) fn c_out_group(&self) -> usize {
        self.c_out / self.groups
    }
    /// Rows of the im2col matrix of one group: `C_in/groups · KH · KW`.
    pub(crate) fn col_rows(&self) -> usize {
        self.c_in_group() * self.kh * self.kw
    }
    /// Columns of the im2col matrix: `OH · OW`.
    pub(crate) fn col_cols(&self) -> usize {
        self.oh * self.ow
    }
    /// Whether im2col is the identity (1×1 kernel, stride 1, no padding).
    pub(crate) fn is_pointwise(&self) -> bool {
        self.kh == 1 && self.kw == 1 && self.stride == (1, 1) && self.padding == (0, 0)
    }
    /// `[B, O, OH, OW]`.
    pub(crate) fn out_shape(&self) -> [usize; 4] {
        [self.batch, self.c_out, self.oh, self.ow]
    }
}

/// Rejects zero-size `[B, C, H, W]` inputs.
pub(crate) fn check_input(what: &str, shape: [usize; 4]) -> Result<()> {
    if shape.contains(&0) {
        return Err(Error::shape(
            what,
            "[B, C, H, W] with every size ≥ 1 (an empty batch or image has nothing to compute)",
            &shape,
        ));
    }
    Ok(())
}

fn check_positive(name: &'static str, v: (usize, usize)) -> Result<()> {
    if v.0 == 0 || v.1 == 0 {
        return Err(Error::invalid(
            name,
            format!("{v:?} must be ≥ 1 in both directions"),
        ));
    }
    Ok(())
}

/// `⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1`, PyTorch's output size.
pub(crate) fn out_size(
    axis: &str,
    size: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
) -> Result<usize> {
    let span = dilation * (kernel - 1) + 1;
    let padded = size + 2 * padding;
    if padded < span {
        return Err(Error::invalid(
            "kernel",
            format!(
                "the kernel spans {span} pixels in {axis} but the padded input has only {padded} \
                 ({size} + 2×{padding}); use a smaller kernel or dilation, more padding, or a larger input"
            ),
        ));
    }
    Ok((padded - span) / stride + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_sizes_follow_pytorch() {
        // torch: Conv2d(3, 8, 3, stride=2, padding=1, dilation=2)(zeros(1,3,7,10)).shape = (1,8,3,4)
        let p = Conv2dParams::default().stride(2).padding(1).dilation(2);
        let g = ConvGeometry::new([1, 3, 7, 10], [8, 3, 3, 3], p).unwrap();
        assert_eq!(g.out_shape(), [1, 8, 3, 4]);
        assert_eq!(out_size("h", 224, 3, 1, 1, 1).unwrap(), 224);
        assert_eq!(out_size("h", 5, 5, 1, 0, 1).unwrap(), 1);
    }

    #[test]
    fn bad_geometry_is_an_error_naming_the_problem() {
        let p = Conv2dParams::default();
        let e = ConvGeometry::new([1, 4, 5, 5], [8, 3, 3, 3], p).unwrap_err();
        assert!(e.to_string().contains("[B, 3, H, W]"), "{e}");
        let e = ConvGeometry::new([1, 3, 2, 5], [8, 3, 3, 3], p).unwrap_err();
        assert!(
            e.to_string().contains("kernel spans 3 pixels in height"),
            "{e}"
        );
        let e = ConvGeometry::new([1, 6, 5, 5], [8, 2, 3, 3], p.groups(3)).unwrap_err();
        assert!(
            e.to_string().contains("divide the 8 output channels"),
            "{e}"
        );
        let e = ConvGeometry::new([0, 3, 5, 5], [8, 3, 3, 3], p).unwrap_err();
        assert!(e.to_string().contains("every size ≥ 1"), "{e}");
        let e = ConvGeometry::new([1, 3, 5, 5], [8, 3, 3, 3], p.stride(0)).unwrap_err();
        assert!(e.to_string().contains("invalid `stride`"), "{e}");
    }
}
