//! A synthetic credit-risk table with planted rules, so that explanations can be checked
//! against the truth.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal, Poisson};

use super::Tabular;
use crate::{Error, Result};

/// The rules planted in [`credit_risk`]: an applicant is **high risk** iff
/// `(income < income_below and debt_ratio ≥ debt_ratio_at_least) or late_payments ≥ late_payments_at_least`,
/// and then `label_noise` of the labels are flipped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CreditRules {
    /// Income threshold in dollars a year (32 500).
    pub income_below: f32,
    /// Debt-to-income ratio threshold (0.41).
    pub debt_ratio_at_least: f32,
    /// Late-payment count threshold (3).
    pub late_payments_at_least: f32,
    /// Fraction of labels flipped at random (0.05).
    pub label_noise: f32,
}

impl CreditRules {
    /// The rules [`credit_risk`] plants.
    pub const PLANTED: Self = Self {
        income_below: 32_500.0,
        debt_ratio_at_least: 0.41,
        late_payments_at_least: 3.0,
        label_noise: 0.05,
    };

    /// The noise-free label of a row of [`credit_risk`] (`1` = high risk).
    pub fn label(&self, row: &[f32]) -> usize {
        let (income, debt_ratio, late) = (row[0], row[1], row[2]);
        usize::from(
            (income < self.income_below && debt_ratio >= self.debt_ratio_at_least)
                || late >= self.late_payments_at_least,
        )
    }
}

/// The feature names of [`credit_risk`], in column order.
pub const CREDIT_FEATURES: [&str; 6] = [
    "income",
    "debt_ratio",
    "late_payments",
    "age",
    "open_accounts",
    "tenure_years",
];

/// `n` synthetic loan applicants (seeded) with classes `["low risk", "high risk"]`.
///
/// | column | distribution | role |
/// |---|---|---|
/// | `income` | log-normal, median 45 000 $, σ = 0.5, clamped to 8 000–250 000, whole dollars | **informative** |
/// | `debt_ratio` | uniform 0–0.9 | **informative** |
/// | `late_payments` | Poisson(0.9), at most 10 | **informative** |
/// | `age` | uniform whole years 21–75 | pure noise |
/// | `open_accounts` | Poisson(4) | pure noise |
/// | `tenure_years` | uniform 0–30 | pure noise |
///
/// The label follows [`CreditRules::PLANTED`]: high risk iff
/// `(income < 32 500 and debt_ratio ≥ 0.41) or late_payments ≥ 3`, then 5 % of the labels
/// are flipped (so even the true rule scores only about 95 %). About a fifth of applicants are
/// high risk. The noise columns are drawn independently of everything else.
///
/// # Example
/// ```
/// use glassbox::data::tabular::{credit_risk, CreditRules};
/// let data = credit_risk(2000, 42)?;
/// assert_eq!(data.feature_names()[0], "income");
/// let agree = (0..data.len()).filter(|&i| CreditRules::PLANTED.label(data.row(i)) == data.targets()[i]).count();
/// assert!((agree as f32 / 2000.0 - 0.95).abs() < 0.02);
/// # Ok::<(), glassbox::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::InvalidArgument`] when `n` is zero.
pub fn credit_risk(n: usize, seed: u64) -> Result<Tabular> {
    if n == 0 {
        return Err(Error::invalid("n", "ask for at least one applicant"));
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let income =
        LogNormal::new(45_000f64.ln(), 0.5).map_err(|e| Error::invalid("income", e.to_string()))?;
    let late = Poisson::new(0.9f64).map_err(|e| Error::invalid("late", e.to_string()))?;
    let accounts = Poisson::new(4.0f64).map_err(|e| Error::invalid("accounts", e.to_string()))?;
    let rules = CreditRules::PLANTED;
    let (mut rows, mut targets) = (Vec::with_capacity(n * 6), Vec::with_capacity(n));
    for _ in 0..n {
        let row = [
            income.sample(&mut rng).clamp(8_000.0, 250_000.0).round() as f32,
            rng.gen_range(0.0..0.9f32),
            late.sample(&mut rng).min(10.0) as f32,
            rng.gen_range(21..=75) as f32,
            accounts.sample(&mut rng) as f32,
            rng.gen_range(0.0..30.0f32),
        ];
        let flip = rng.gen::<f32>() < rules.label_noise;
        targets.push(rules.label(&row) ^ usize::from(flip));
        rows.extend_from_slice(&row);
    }
    Tabular::new(
        CREDIT_FEATURES.map(String::from).to_vec(),
        rows,
        targets,
        vec!["low risk".into(), "high risk".into()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_shaped_as_documented() {
        let a = credit_risk(3000, 1).unwrap();
        assert_eq!(a, credit_risk(3000, 1).unwrap());
        assert_ne!(a, credit_risk(3000, 2).unwrap());
        let high = a.class_counts()[1] as f32 / 3000.0;
        assert!((0.12..0.3).contains(&high), "high-risk share {high}");
        assert!(a.is_integer_feature(2) && a.is_integer_feature(3));
        assert!(a.range(1).1 < 0.9 && a.range(0).0 >= 8_000.0);
        assert!(credit_risk(0, 1).is_err());
    }
}
