//! Integrated Gradients: the path integral of the gradient from a baseline to the input.
//!
//! Sundararajan, Taly & Yan (2017), *Axiomatic Attribution for Deep Networks*, ICML,
//! <https://arxiv.org/abs/1703.01365>, eq. (1) and §5 (completeness).

use crate::attribution::pipeline::{
    at_least, batched_input_grads, check_input, dims, resolve_rows, scores,
};
use crate::models::{batch_within_budget, Pass};
use crate::{Activation, Attribution, Error, Explain, Result, Target};

/// How [`IntegratedGradients`] discretises the path integral.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Quadrature {
    /// Gauss–Legendre nodes and weights on `[0, 1]` (Captum's default; exact for polynomial
    /// paths up to degree `2·steps − 1`).
    #[default]
    GaussLegendre,
    /// Trapezoid rule on `steps` evenly spaced points including both ends. Captum's
    /// `riemann_trapezoid` uses the same points with weights `1/n` (ends `1/2n`), which sum to
    /// `(n − 1)/n`; these weights (`1/(n − 1)`, ends halved) sum to 1, so the results are
    /// Captum's × `n/(n − 1)` and the completeness delta is not biased.
    Trapezoid,
}

/// Integrated Gradients: `(x − x') ⊙ ∫₀¹ ∂S_c(x' + α(x − x'))/∂x dα`, `[R, C, H, W]`, raw.
///
/// Defaults: 50 steps, Gauss–Legendre, baseline `x' = 0`. The interpolated images are batched,
/// by default as many per backward pass as keep the pass's activations and gradients within
/// 512 MiB (estimated from the layer table; at most 50: 4 for VGG16 at 224², all 50 for
/// MnistNet), or [`IntegratedGradients::batch_size`].
///
/// Completeness (§5 of the paper): `Σ attr = S_c(x) − S_c(x')`; the error of the quadrature is
/// returned by [`IntegratedGradients::explain_with_delta`] and shrinks as steps grow.
///
/// # Example
/// ```
/// use glassbox::{testing, IntegratedGradients, Target};
/// let net = testing::gap_net();
/// let x = testing::random_input([1, 1, 6, 6], 4);
/// let (attr, delta) = IntegratedGradients::new(&net).explain_with_delta(&x, Target::Class(0))?;
/// assert_eq!(attr.shape(), [1, 1, 6, 6]);
/// assert!(delta[0].abs() < 1e-3, "completeness error {}", delta[0]);
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct IntegratedGradients<'m, M> {
    model: &'m M,
    steps: usize,
    quadrature: Quadrature,
    baseline: Option<Activation>,
    batch_size: Option<usize>,
}

impl<'m, M: Explain> IntegratedGradients<'m, M> {
    /// Integrated Gradients with 50 Gauss–Legendre steps and a zero baseline.
    pub fn new(model: &'m M) -> Self {
        Self {
            model,
            steps: 50,
            quadrature: Quadrature::GaussLegendre,
            baseline: None,
            batch_size: None,
        }
    }

    /// Number of points on the path (default 50).
    pub fn steps(mut self, steps: usize) -> Self {
        self.steps = steps;
        self
    }

    /// The quadrature rule (default Gauss–Legendre).
    pub fn quadrature(mut self, quadrature: Quadrature) -> Self {
        self.quadrature = quadrature;
        self
    }

    /// The baseline `x'`: one `[1, C, H, W]` image used for every input (default all zeros).
    pub fn baseline(mut self, baseline: Activation) -> Self {
        self.baseline = Some(baseline);
        self
    }

    /// Interpolated images per backward pass (default: by memory, see the type's docs).
    /// 0 is refused when the method runs, like 0 steps.
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = Some(n);
        self
    }

    /// One map per (image, class) row.
    ///
    /// # Errors
    /// As [`IntegratedGradients::explain_with_delta`].
    pub fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        Ok(self.explain_with_delta(input, target)?.0)
    }

    /// The attribution and, per row, the completeness error `Σ attr − (S_c(x) − S_c(x'))`.
    ///
    /// # Errors
    /// As [`crate::Saliency::explain`]; [`crate::ErrorKind::InvalidArgument`] for fewer than 2
    /// trapezoid steps, 0 steps or a zero batch size; [`crate::ErrorKind::Shape`] for a baseline
    /// that is not one image of the input's size.
    pub fn explain_with_delta(
        &self,
        input: &Activation,
        target: Target,
    ) -> Result<(Attribution, Vec<f32>)> {
        let [_, c, h, w] = check_input(self.model, input)?;
        let min_steps = if self.quadrature == Quadrature::Trapezoid {
            2
        } else {
            1
        };
        at_least("steps", self.steps, min_steps)?;
        let batch_size = self
            .batch_size
            .unwrap_or_else(|| batch_within_budget(self.model, [h, w], None, Pass::Backward, 50));
        at_least("batch_size", batch_size, 1)?;
        let img = c * h * w;
        let base = match &self.baseline {
            None => vec![0.0; img],
            Some(b) if dims(b) == [1, c, h, w] => b.as_vec(),
            Some(b) => {
                return Err(Error::shape(
                    "baseline",
                    format!("[1, {c}, {h}, {w}] (one image like the input)"),
                    &dims(b),
                ))
            }
        };
        let (x, rows) = resolve_rows(self.model, input, &target)?;
        let x = x.as_vec();
        let (alphas, weights) = match self.quadrature {
            Quadrature::GaussLegendre => gauss_legendre(self.steps),
            Quadrature::Trapezoid => trapezoid(self.steps),
        };
        let mut integral = vec![0.0f64; rows.len() * img];
        let jobs: Vec<(usize, usize)> = (0..rows.len())
            .flat_map(|r| (0..self.steps).map(move |s| (r, s)))
            .collect();
        batched_input_grads(
            self.model,
            [c, h, w],
            &rows,
            &jobs,
            batch_size,
            target.is_softmax(),
            |(r, s), batch| {
                let xi = &x[r * img..(r + 1) * img];
                // x' + α_s (x − x'), the s-th point on the straight path
                batch.extend(
                    xi.iter()
                        .zip(&base)
                        .map(|(v, b)| b + alphas[s] as f32 * (v - b)),
                );
                Ok(())
            },
            |(r, s), g| {
                let acc = &mut integral[r * img..(r + 1) * img];
                acc.iter_mut()
                    .zip(g)
                    .for_each(|(a, &v)| *a += weights[s] * v as f64);
            },
        )?;
        let values: Vec<f32> = integral
            .iter()
            .enumerate()
            .map(|(i, v)| ((x[i] - base[i % img]) as f64 * v) as f32)
            .collect();
        let softmax = target.is_softmax();
        let at_x = scores(self.model, &x, [c, h, w], &rows.class, softmax, batch_size)?;
        let bases: Vec<f32> = (0..rows.len()).flat_map(|_| base.iter().copied()).collect();
        let at_base = scores(
            self.model,
            &bases,
            [c, h, w],
            &rows.class,
            softmax,
            batch_size,
        )?;
        let delta = (0..rows.len())
            .map(|r| {
                values[r * img..(r + 1) * img]
                    .iter()
                    .map(|&v| v as f64)
                    .sum::<f64>() as f32
                    - (at_x[r] - at_base[r])
            })
            .collect();
        let method = match self.quadrature {
            Quadrature::GaussLegendre => "gauss-legendre",
            Quadrature::Trapezoid => "trapezoid",
        };
        let attr = Attribution::new(
            "Integrated Gradients",
            values,
            [rows.len(), c, h, w],
            &rows,
            at_x,
            [h, w],
        )?
        .with_softmax(softmax)
        .with_param("steps", self.steps)
        .with_param("quadrature", method)
        .with_param(
            "baseline",
            if self.baseline.is_some() {
                "given"
            } else {
                "zero"
            },
        );
        Ok((attr, delta))
    }
}

/// Gauss–Legendre nodes and weights mapped to `[0, 1]` (Newton's method on `P_n`, in f64).
pub(crate) fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let (mut nodes, mut weights) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let mut t = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            // P_n(t) and P_n'(t) by the three-term recurrence.
            let (mut p0, mut p1) = (1.0, t);
            for k in 2..=n {
                let p2 = ((2 * k - 1) as f64 * t * p1 - (k - 1) as f64 * p0) / k as f64;
                (p0, p1) = (p1, p2);
            }
            let p = if n == 1 { t } else { p1 };
            let prev = if n == 1 { 1.0 } else { p0 };
            dp = n as f64 * (t * p - prev) / (t * t - 1.0);
            let step = p / dp;
            t -= step;
            if step.abs() < 1e-15 {
                break;
            }
        }
        nodes.push((1.0 - t) / 2.0);
        weights.push(1.0 / ((1.0 - t * t) * dp * dp));
    }
    (nodes, weights)
}

/// Trapezoid rule on `n ≥ 2` evenly spaced points of `[0, 1]`.
pub(crate) fn trapezoid(n: usize) -> (Vec<f64>, Vec<f64>) {
    let h = 1.0 / (n - 1) as f64;
    let nodes = (0..n).map(|i| i as f64 * h).collect();
    let weights = (0..n)
        .map(|i| if i == 0 || i == n - 1 { h / 2.0 } else { h })
        .collect();
    (nodes, weights)
}

crate::attribution::method::attribution_method!(
    IntegratedGradients {
        steps,
        quadrature,
        baseline,
        batch_size
    },
    |_s| "Integrated Gradients"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadratures_integrate_polynomials() {
        for n in [1, 2, 5, 50] {
            let (x, w) = gauss_legendre(n);
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12, "n = {n}");
            // exact up to degree 2n − 1: ∫₀¹ t^(2n−1) dt = 1/(2n)
            let d = 2 * n as i32 - 1;
            let s: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(d)).sum();
            assert!((s - 1.0 / (2.0 * n as f64)).abs() < 1e-12, "n = {n}: {s}");
            assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        }
        let (x, w) = trapezoid(3);
        assert_eq!((x, w), (vec![0.0, 0.5, 1.0], vec![0.25, 0.5, 0.25]));
    }
}
