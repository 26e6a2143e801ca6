//! Datasets that ship inside the crate (nothing is downloaded at run time).

pub mod tabular;

pub use tabular::{breast_cancer, credit_risk, CreditRules, Standardizer, Tabular};
