//! The records a [`crate::Run`] appends to its JSON-lines file, one JSON object per line.
//!
//! ```text
//! {"kind":"scalar","tag":"loss","step":10,"value":0.25,"time":1764150000.5}
//! {"kind":"scalar","tag":"loss","step":11,"value":"NaN","time":1764150000.6}
//! {"kind":"text","tag":"notes","step":0,"text":"lr sweep","time":…}
//! {"kind":"hparams","values":{"lr":0.01,"optimizer":"adam"},"time":…}
//! {"kind":"image","tag":"feature maps","step":5,"file":"images/feature_maps-5.png","time":…}
//! ```
//! Non-finite numbers, which JSON lacks, are written as the strings `"NaN"`, `"Infinity"` and
//! `"-Infinity"` (as JavaScript and pandas name them) so they survive a round trip.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One line of a run's `run.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Record {
    Scalar {
        tag: String,
        step: i64,
        #[serde(with = "any_f64")]
        value: f64,
        time: f64,
    },
    Text {
        tag: String,
        step: i64,
        text: String,
        time: f64,
    },
    Hparams {
        values: BTreeMap<String, Hparam>,
        time: f64,
    },
    Image {
        tag: String,
        step: i64,
        file: String,
        time: f64,
    },
}

/// A hyperparameter value: what W&B's `config` and TensorBoard's HParams hold.
///
/// Built with `.into()` from `bool`, integers, `f32`/`f64` and strings.
///
/// # Example
/// ```
/// use glassbox::track::Hparam;
/// assert_eq!(Hparam::from(0.01), Hparam::Float(0.01));
/// assert_eq!(Hparam::from("adam").to_string(), "adam");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Hparam {
    /// A flag.
    Bool(bool),
    /// An integer (batch size, epochs, seed).
    Int(i64),
    /// A real number (learning rate, dropout); NaN and infinities are kept.
    Float(#[serde(with = "any_f64")] f64),
    /// Text (optimizer name, dataset).
    Text(String),
}

impl std::fmt::Display for Hparam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Hparam::Bool(b) => write!(f, "{b}"),
            Hparam::Int(i) => write!(f, "{i}"),
            Hparam::Float(x) => write!(f, "{x}"),
            Hparam::Text(s) => write!(f, "{s}"),
        }
    }
}

macro_rules! hparam_from {
    ($variant:ident: $($t:ty),*) => {$(
        impl From<$t> for Hparam {
            fn from(v: $t) -> Self {
                Hparam::$variant(v.into())
            }
        }
    )*};
}
hparam_from!(Bool: bool);
hparam_from!(Int: i8, i16, i32, i64, u8, u16, u32);
hparam_from!(Float: f32, f64);
hparam_from!(Text: &str, String);

impl From<usize> for Hparam {
    fn from(v: usize) -> Self {
        Hparam::Int(v as i64)
    }
}

/// Serde for an `f64` that may be NaN or infinite: finite values as JSON numbers, the rest as
/// strings. `null` reads back as NaN (what other tools write for NaN).
mod any_f64 {
    use super::*;

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else if v.is_nan() {
            s.serialize_str("NaN")
        } else if *v > 0.0 {
            s.serialize_str("Infinity")
        } else {
            s.serialize_str("-Infinity")
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Number(f64),
            Text(String),
            Null(()),
        }
        match Repr::deserialize(d)? {
            Repr::Number(v) => Ok(v),
            Repr::Null(()) => Ok(f64::NAN),
            Repr::Text(t) => match t.as_str() {
                "NaN" | "nan" => Ok(f64::NAN),
                "Infinity" | "inf" => Ok(f64::INFINITY),
                "-Infinity" | "-inf" => Ok(f64::NEG_INFINITY),
                other => Err(serde::de::Error::custom(format!(
                    "`{other}` is not a number"
                ))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_round_trip() {
        for v in [0.25, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let r = Record::Scalar {
                tag: "loss".into(),
                step: 3,
                value: v,
                time: 1.0,
            };
            let line = serde_json::to_string(&r).unwrap();
            let Record::Scalar { value, .. } = serde_json::from_str(&line).unwrap() else {
                panic!("wrong kind")
            };
            assert!(value == v || (value.is_nan() && v.is_nan()), "{line}");
        }
        let nan = Record::Scalar {
            tag: "x".into(),
            step: 0,
            value: f64::NAN,
            time: 0.0,
        };
        assert_eq!(
            serde_json::to_string(&nan).unwrap(),
            r#"{"kind":"scalar","tag":"x","step":0,"value":"NaN","time":0.0}"#
        );
    }

    #[test]
    fn hparams_keep_their_types() {
        let mut values = BTreeMap::new();
        values.insert("lr".to_string(), Hparam::from(0.01));
        values.insert("epochs".to_string(), Hparam::from(3));
        values.insert("opt".to_string(), Hparam::from("adam"));
        values.insert("bn".to_string(), Hparam::from(true));
        let r = Record::Hparams { values, time: 0.0 };
        let line = serde_json::to_string(&r).unwrap();
        assert_eq!(
            line,
            r#"{"kind":"hparams","values":{"bn":true,"epochs":3,"lr":0.01,"opt":"adam"},"time":0.0}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), r);
    }
}
