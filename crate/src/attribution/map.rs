//! [`Attribution`]: the raw result every method returns, and the explicit post-processing steps.

use crate::math::{bilinear, min_max};
use crate::{Error, Result};

/// The result of an attribution method: one raw, signed map per (image, target) row.
///
/// Values are kept exactly as the method computed them, `[N, C, H, W]` row-major: `C` is the
/// number of input channels for input-level methods that keep them (signed saliency,
/// Gradient × Input, Integrated Gradients…) and 1 for maps (absolute saliency, every CAM).
/// `H × W` is the input size for input-level methods and the layer's size for CAM methods.
///
/// Post-processing is explicit and chained, never hidden in a method:
/// [`relu`](Attribution::relu), [`abs`](Attribution::abs),
/// [`sum_channels`](Attribution::sum_channels), [`normalized`](Attribution::normalized),
/// [`upsampled_to`](Attribution::upsampled_to) / [`upsampled`](Attribution::upsampled).
///
/// # Example
/// ```
/// use glassbox::{testing, GradCam, Target};
/// let net = testing::one_conv_net();
/// let map = GradCam::new(&net, "conv1").explain(&testing::one_conv_input(), Target::Class(0))?;
/// assert_eq!(map.shape(), [1, 1, 2, 2]);
/// assert_eq!(map.map(0), &[11.25, 13.5, 20.25, 22.5]); // Captum's known answer
/// assert_eq!(map.upsampled().shape(), [1, 1, 4, 4]);   // to the 4×4 input
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    pub(crate) values: Vec<f32>,
    pub(crate) shape: [usize; 4],
    pub(crate) images: Vec<usize>,
    pub(crate) targets: Vec<usize>,
    pub(crate) scores: Vec<f32>,
    pub(crate) softmax: bool,
    pub(crate) method: String,
    pub(crate) layer: Option<String>,
    pub(crate) params: Vec<(&'static str, String)>,
    pub(crate) input_size: [usize; 2],
    pub(crate) flags: Vec<String>,
    /// Render both signs by default (Guided Grad-CAM: signed values at input resolution).
    pub(crate) signed: bool,
}

impl Attribution {
    /// Builds an attribution from parts; checks sizes and finiteness.
    pub(crate) fn new(
        method: &'static str,
        values: Vec<f32>,
        shape: [usize; 4],
        rows: &crate::attribution::target::Rows,
        scores: Vec<f32>,
        input_size: [usize; 2],
    ) -> Result<Self> {
        assert_eq!(values.len(), shape.iter().product::<usize>(), "map size");
        assert_eq!(rows.len(), shape[0], "one row per map");
        if values.iter().any(|v| !v.is_finite()) {
            return Err(Error::non_finite(format!("the {method} map")));
        }
        let mut a = Self {
            values,
            shape,
            images: rows.image.clone(),
            targets: rows.class.clone(),
            scores,
            softmax: false,
            method: method.to_string(),
            layer: None,
            params: Vec::new(),
            input_size,
            flags: Vec::new(),
            signed: false,
        };
        a.flag_degenerate();
        Ok(a)
    }

    pub(crate) fn with_layer(mut self, layer: &str) -> Self {
        self.layer = Some(layer.to_string());
        self
    }

    pub(crate) fn with_param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    pub(crate) fn with_softmax(mut self, softmax: bool) -> Self {
        self.softmax = softmax;
        self
    }

    pub(crate) fn flag(&mut self, message: impl Into<String>) {
        self.flags.push(message.into());
    }

    pub(crate) fn flag_degenerate(&mut self) {
        self.flags.retain(|f| !f.starts_with("degenerate"));
        let bad: Vec<usize> = (0..self.len()).filter(|&i| self.is_degenerate(i)).collect();
        if !bad.is_empty() {
            self.flags.push(format!(
                "degenerate: map(s) {bad:?} are constant (e.g. all zero) and carry no ranking"
            ));
        }
    }

    /// The method's name (`"Grad-CAM"`, `"Saliency"`…).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The same attribution under another name (for legends: `"Grad-CAM, inverted"`).
    pub fn named(mut self, method: impl Into<String>) -> Self {
        self.method = method.into();
        self
    }

    /// The layer the map lives on (CAM methods), `None` for input-level maps.
    pub fn layer(&self) -> Option<&str> {
        self.layer.as_deref()
    }

    /// The method's parameters as `(name, value)` text pairs, for titles and records.
    pub fn params(&self) -> &[(&'static str, String)] {
        &self.params
    }

    /// Shape `[N, C, H, W]`: maps, channels, height, width.
    pub fn shape(&self) -> [usize; 4] {
        self.shape
    }

    /// Number of maps (rows: one per image, or per image and class for [`crate::Target::TopK`]).
    pub fn len(&self) -> usize {
        self.shape[0]
    }

    /// Whether there are no maps.
    pub fn is_empty(&self) -> bool {
        self.shape[0] == 0
    }

    /// All values, `[N, C, H, W]` row-major.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The values of map `i`, `[C, H, W]` row-major.
    ///
    /// # Panics
    /// If `i ≥ self.len()`, like slice indexing; [`Attribution::get`] is the checked form.
    pub fn map(&self, i: usize) -> &[f32] {
        match self.get(i) {
            Some(m) => m,
            None => panic!("map {i} requested, the attribution has {}", self.len()),
        }
    }

    /// The values of map `i`, or `None` when `i ≥ self.len()` (as `slice::get`).
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, GradCam, Target};
    /// let map = GradCam::new(&testing::one_conv_net(), "conv1")
    ///     .explain(&testing::one_conv_input(), Target::Class(0))?;
    /// assert_eq!(map.get(0).map(<[f32]>::len), Some(4));
    /// assert_eq!(map.get(1), None);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn get(&self, i: usize) -> Option<&[f32]> {
        let n = self.shape[1] * self.shape[2] * self.shape[3];
        (i < self.len()).then(|| &self.values[i * n..(i + 1) * n])
    }

    /// The batch index of the image each map explains.
    pub fn images(&self) -> &[usize] {
        &self.images
    }

    /// The class each map explains.
    pub fn targets(&self) -> &[usize] {
        &self.targets
    }

    /// The explained score of each map's class on the unmodified input (logit, or probability
    /// when [`Attribution::is_softmax`]).
    pub fn scores(&self) -> &[f32] {
        &self.scores
    }

    /// Whether the explained scores are softmax probabilities.
    pub fn is_softmax(&self) -> bool {
        self.softmax
    }

    /// The input image size `[H, W]` the maps refer to.
    pub fn input_size(&self) -> [usize; 2] {
        self.input_size
    }

    /// Warnings about this result (degenerate maps, guarded constant channels…), empty if none.
    pub fn flags(&self) -> &[String] {
        &self.flags
    }

    /// Whether map `i` is constant (all zero included): it ranks nothing, and normalising it
    /// gives zeros rather than NaN.
    pub fn is_degenerate(&self, i: usize) -> bool {
        let m = self.map(i);
        m.iter().all(|&v| v == m[0])
    }

    fn mapped(mut self, f: impl Fn(f32) -> f32) -> Self {
        self.values.iter_mut().for_each(|v| *v = f(*v));
        self.flag_degenerate();
        self
    }

    /// `max(v, 0)` elementwise: the positive evidence (the Grad-CAM paper's final ReLU).
    pub fn relu(self) -> Self {
        self.mapped(|v| v.max(0.0))
    }

    /// `−v` elementwise: the map's ranking reversed (the "inverted map" baseline of the
    /// deletion / insertion test).
    pub fn inverted(self) -> Self {
        self.mapped(|v| -v)
    }

    /// A map of the same shape, targets and images with uniform random values in `[0, 1)`
    /// (seeded): the "random map" baseline of faithfulness tests.
    pub fn random_like(&self, seed: u64) -> Self {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut out = self.clone();
        out.values.iter_mut().for_each(|v| *v = rng.gen());
        out.method = "Random".into();
        out.params = vec![("seed", seed.to_string())];
        out.flags.clear();
        out
    }

    /// `|v|` elementwise.
    pub fn abs(self) -> Self {
        self.mapped(f32::abs)
    }

    /// Sums over channels: `[N, C, H, W] → [N, 1, H, W]` (Captum's channel reduction).
    pub fn sum_channels(self) -> Self {
        self.reduce_channels(|acc, v| acc + v, 0.0)
    }

    /// Maximum over channels: `[N, C, H, W] → [N, 1, H, W]` (Simonyan et al.'s reduction of |∂S/∂x|).
    pub fn max_channels(self) -> Self {
        self.reduce_channels(f32::max, f32::NEG_INFINITY)
    }

    fn reduce_channels(mut self, f: impl Fn(f32, f32) -> f32, init: f32) -> Self {
        let [n, c, h, w] = self.shape;
        let mut out = vec![init; n * h * w];
        for i in 0..n {
            for ch in 0..c {
                let src = &self.values[(i * c + ch) * h * w..][..h * w];
                let dst = &mut out[i * h * w..][..h * w];
                dst.iter_mut().zip(src).for_each(|(d, &s)| *d = f(*d, s));
            }
        }
        self.values = out;
        self.shape = [n, 1, h, w];
        self.flag_degenerate();
        self
    }

    /// Min-max normalises each map (all its channels together) to `[0, 1]`, the Grad-CAM
    /// libraries' convention. A constant map becomes all zeros and stays flagged degenerate.
    pub fn normalized(mut self) -> Self {
        let n = self.shape[1] * self.shape[2] * self.shape[3];
        for m in self.values.chunks_mut(n.max(1)) {
            let (lo, hi) = min_max(m.iter().copied());
            let span = hi - lo;
            m.iter_mut()
                .for_each(|v| *v = if span > 0.0 { (*v - lo) / span } else { 0.0 });
        }
        self
    }

    /// Bilinear resize of every channel to `height × width` (PyTorch `align_corners=False`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] naming `height` or `width` when it is 0, or `size`
    /// when the resized maps would hold more than [`crate::MAX_ELEMENTS`] values.
    ///
    /// # Example
    /// ```
    /// use glassbox::{testing, GradCam, Target};
    /// let map = GradCam::new(&testing::one_conv_net(), "conv1")
    ///     .explain(&testing::one_conv_input(), Target::Class(0))?;
    /// assert_eq!(map.clone().upsampled_to(8, 8)?.shape(), [1, 1, 8, 8]);
    /// assert!(map.upsampled_to(0, 8).is_err());
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    pub fn upsampled_to(self, height: usize, width: usize) -> Result<Self> {
        for (name, side) in [("height", height), ("width", width)] {
            if side == 0 {
                return Err(Error::invalid(
                    name,
                    "is 0; pass a size of at least 1 pixel",
                ));
            }
        }
        let [n, c, ..] = self.shape;
        crate::size_limit::checked_len("size", &[n, c, height, width])?;
        Ok(self.resized(height, width))
    }

    /// Bilinear resize to the input size (a no-op for input-level maps).
    pub fn upsampled(self) -> Self {
        let [h, w] = self.input_size;
        self.resized(h, w)
    }

    /// The resize itself; the input size is always allowed (the input had that many values).
    fn resized(mut self, height: usize, width: usize) -> Self {
        let [n, c, h, w] = self.shape;
        if (h, w) == (height, width) {
            return self;
        }
        self.values = self
            .values
            .chunks(h * w)
            .flat_map(|m| bilinear(m, h, w, height, width))
            .collect();
        self.shape = [n, c, height, width];
        self
    }
}

impl std::fmt::Display for Attribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (lo, hi) = min_max(self.values.iter().copied());
        write!(f, "{} {:?}", self.method, self.shape)?;
        if let Some(layer) = &self.layer {
            write!(f, " at `{layer}`")?;
        }
        let score = if self.softmax { "softmax" } else { "logit" };
        write!(
            f,
            ", classes {:?} ({score}), range [{lo:.4}, {hi:.4}]",
            self.targets
        )?;
        for flag in &self.flags {
            write!(f, "; {flag}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::target::Rows;

    fn attribution(values: Vec<f32>, shape: [usize; 4]) -> Attribution {
        let rows = Rows {
            image: (0..shape[0]).collect(),
            class: vec![0; shape[0]],
        };
        let scores = vec![0.0; shape[0]];
        Attribution::new("test", values, shape, &rows, scores, [4, 4]).unwrap()
    }

    #[test]
    fn bilinear_matches_pytorch() {
        // torch.nn.functional.interpolate(torch.tensor([[[[1.,2.],[3.,4.]]]]), size=(4,4),
        //     mode="bilinear", align_corners=False)[0,0,1] == [1.5, 1.75, 2.25, 2.5]
        let up = bilinear(&[1.0, 2.0, 3.0, 4.0], 2, 2, 4, 4);
        assert_eq!(&up[4..8], &[1.5, 1.75, 2.25, 2.5]);
        assert_eq!((up[0], up[15]), (1.0, 4.0));
        // Downsampling by 2 averages the two centre neighbours.
        let down = bilinear(&[0.0, 2.0, 4.0, 6.0], 1, 4, 1, 2);
        assert_eq!(down, vec![1.0, 5.0]);
    }

    #[test]
    fn steps_are_explicit_and_keep_raw_values() {
        let a = attribution(vec![-2.0, 1.0, 3.0, -4.0, 0.5, 0.5, 0.5, 0.5], [1, 2, 2, 2]);
        assert_eq!(
            a.clone().relu().values(),
            &[0.0, 1.0, 3.0, 0.0, 0.5, 0.5, 0.5, 0.5]
        );
        assert_eq!(a.clone().sum_channels().values(), &[-1.5, 1.5, 3.5, -3.5]);
        assert_eq!(
            a.clone().abs().max_channels().values(),
            &[2.0, 1.0, 3.0, 4.0]
        );
        let n = a.clone().sum_channels().normalized();
        assert_eq!(n.values(), &[2.0 / 7.0, 5.0 / 7.0, 1.0, 0.0]);
        assert_eq!(a.values()[0], -2.0, "the original is untouched");
    }

    #[test]
    fn constant_maps_are_flagged_and_normalise_to_zero() {
        let a = attribution(vec![0.0; 4], [1, 1, 2, 2]);
        assert!(a.is_degenerate(0));
        assert!(a.flags()[0].starts_with("degenerate"));
        assert_eq!(a.normalized().values(), &[0.0; 4]);
        let neg = attribution(vec![-1.0, -2.0, -3.0, -4.0], [1, 1, 2, 2]);
        assert!(neg.flags().is_empty());
        let relu = neg.relu();
        assert!(relu.is_degenerate(0) && !relu.flags().is_empty());
    }

    #[test]
    fn non_finite_values_are_an_error() {
        let rows = Rows {
            image: vec![0],
            class: vec![0],
        };
        let e = Attribution::new("X", vec![f32::NAN], [1, 1, 1, 1], &rows, vec![0.0], [1, 1]);
        assert!(e
            .unwrap_err()
            .to_string()
            .contains("the X map contains NaN"));
    }
}
