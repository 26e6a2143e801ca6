//! [`AttributionMethod`]: the one trait every attribution method implements, so that a method —
//! shipped or your own — plugs into every evaluator ([`crate::explain_with`],
//! [`crate::ClassSensitivity`], [`crate::ParameterRandomization`]).

use crate::{Activation, Attribution, Result, Target};

/// An attribution method bound to its model (and layer): one verb, [`explain`], and a name.
///
/// **Contract.** `input` is a `[B, C, H, W]` batch the model takes; the result holds one raw,
/// signed map per (image, class) row that `target` selects ([`Target::TopK`] gives `k` rows
/// per image), at the input's resolution for input methods and at the layer's for layer
/// methods ([`Attribution::layer`] says which). Post-processing (`relu`, `abs`, `normalized`,
/// `upsampled`) is left to the caller — or to [`then`] for evaluators that take methods.
///
/// Every method of this crate implements it (and [`Rebind`]); they also keep an inherent
/// `explain`, so calling one needs no import.
///
/// # Example
/// A method of your own, compared with a shipped one by the class-sensitivity check:
/// ```
/// use glassbox::ClassSensitivity;
/// use glassbox::testing::{self, ToyNet};
/// use glassbox::{Activation, Attribution, AttributionMethod, Result, Saliency, Target};
///
/// /// Where the gradient says "more": its positive part.
/// struct PositiveGradient<'m>(&'m ToyNet);
/// impl AttributionMethod for PositiveGradient<'_> {
///     fn name(&self) -> &str {
///         "Positive gradient"
///     }
///     fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
///         let g = Saliency::new(self.0).signed(true).explain(input, target)?;
///         Ok(g.relu().named(self.name()))
///     }
/// }
///
/// let net = testing::gap_net();
/// let x = testing::random_input([4, 1, 6, 6], 2);
/// let mine = PositiveGradient(&net);
/// assert!(mine.explain(&x, Target::Predicted)?.values().iter().all(|&v| v >= 0.0));
/// let report = ClassSensitivity::new(&net).method(&mine).evaluate(&x)?;
/// assert!(report.mean_correlation("Positive gradient").is_some());
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// [`explain`]: AttributionMethod::explain
/// [`then`]: AttributionMethod::then
pub trait AttributionMethod {
    /// The method's display name, as [`Attribution::method`] reports it (`"Grad-CAM"`).
    fn name(&self) -> &str;

    /// One map per (image, class) row of `input`.
    ///
    /// # Errors
    /// The method's own: an input the model cannot take ([`crate::ErrorKind::Shape`]), a
    /// class out of range ([`crate::ErrorKind::InvalidArgument`]), an unknown layer…
    fn explain(&self, input: &Activation, target: Target) -> Result<Attribution>;

    /// This method with `step` applied to every map it returns, e.g.
    /// `GradCam::new(&net, "conv3").then(Attribution::relu)`: how an evaluator compares the
    /// maps as they are shown.
    fn then(self, step: fn(Attribution) -> Attribution) -> Adjusted<Self>
    where
        Self: Sized,
    {
        Adjusted::new(self).then(step)
    }

    /// This method under another name (in reports and on its maps).
    fn named(self, name: &str) -> Adjusted<Self>
    where
        Self: Sized,
    {
        Adjusted::new(self).named(name)
    }
}

/// An [`AttributionMethod`] that can be built again, with the same settings, on another model
/// of type `M`: what [`crate::ParameterRandomization`] needs to explain each
/// randomised copy of the model.
///
/// # Example
/// ```
/// use glassbox::{testing, Explain, attribution::Rebind, Saliency, Target};
/// let a = testing::gap_net();
/// let mut b = a.clone();
/// b.randomize_layer("fc", 1)?;
/// let on_b = Saliency::new(&a).signed(true).rebind(&b);
/// let x = testing::random_input([1, 1, 6, 6], 0);
/// let direct = Saliency::new(&b).signed(true).explain(&x, Target::Class(0))?;
/// assert_eq!(on_b.explain(&x, Target::Class(0))?.values(), direct.values());
/// # Ok::<(), glassbox::Error>(())
/// ```
pub trait Rebind<M>: AttributionMethod {
    /// The same method on `model`.
    fn rebind<'a>(&self, model: &'a M) -> Box<dyn AttributionMethod + 'a>;
}

/// A method with post-processing steps and, optionally, another name: made by
/// [`AttributionMethod::then`] and [`AttributionMethod::named`].
#[derive(Clone, Debug)]
pub struct Adjusted<T> {
    method: T,
    steps: Vec<fn(Attribution) -> Attribution>,
    name: Option<String>,
}

impl<T: AttributionMethod> Adjusted<T> {
    fn new(method: T) -> Self {
        Self {
            method,
            steps: Vec::new(),
            name: None,
        }
    }

    /// Adds a post-processing step, applied after the ones before it.
    pub fn then(mut self, step: fn(Attribution) -> Attribution) -> Self {
        self.steps.push(step);
        self
    }

    /// Renames the method.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }
}

impl<T: AttributionMethod> AttributionMethod for Adjusted<T> {
    fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_else(|| self.method.name())
    }

    fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        let map = self.method.explain(input, target)?;
        let map = self.steps.iter().fold(map, |map, step| step(map));
        Ok(match &self.name {
            Some(name) => map.named(name.clone()),
            None => map,
        })
    }
}

impl<M, T: Rebind<M>> Rebind<M> for Adjusted<T> {
    fn rebind<'a>(&self, model: &'a M) -> Box<dyn AttributionMethod + 'a> {
        Box::new(Adjusted {
            method: Rebound(self.method.rebind(model)),
            steps: self.steps.clone(),
            name: self.name.clone(),
        })
    }
}

/// A boxed method as a method (what [`Adjusted`] wraps once rebound).
struct Rebound<'a>(Box<dyn AttributionMethod + 'a>);

impl AttributionMethod for Rebound<'_> {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn explain(&self, input: &Activation, target: Target) -> Result<Attribution> {
        self.0.explain(input, target)
    }
}

/// Implements [`AttributionMethod`] and [`Rebind`] for a method struct `$ty<'m, M>` whose model
/// is the field `model`, from its inherent `explain`, a name expression over `self`, and the
/// list of its other (cloned) fields.
macro_rules! attribution_method {
    ($ty:ident { $($field:ident),* }, |$s:ident| $name:expr) => {
        impl<'m, M: crate::Explain> crate::AttributionMethod for $ty<'m, M> {
            fn name(&self) -> &str {
                let $s = self;
                $name
            }

            fn explain(
                &self,
                input: &crate::Activation,
                target: crate::Target,
            ) -> crate::Result<crate::Attribution> {
                $ty::explain(self, input, target)
            }
        }

        impl<'m, M: crate::Explain> crate::attribution::Rebind<M> for $ty<'m, M> {
            fn rebind<'a>(
                &self,
                model: &'a M,
            ) -> Box<dyn crate::AttributionMethod + 'a> {
                Box::new($ty {
                    model,
                    $($field: self.$field.clone()),*
                })
            }
        }
    };
}
pub(crate) use attribution_method;
