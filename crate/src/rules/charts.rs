//! Bar charts of [`FeatureAttribution`]s: one row's signed attributions, or the global view.
//!
//! A small horizontal bar chart drawn directly with plotters; when the render helper's shared
//! `BarChart` lands this should delegate to it (same look as the other glassbox charts).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::FeatureAttribution;
use crate::{Error, Figure, Result};

/// Bars for positive values (toward the class).
pub(crate) const POSITIVE: RGBColor = RGBColor(214, 39, 40);
/// Bars for negative values (away from the class).
pub(crate) const NEGATIVE: RGBColor = RGBColor(31, 119, 180);

const ROW: i32 = 26;
const TOP: i32 = 46;
const WIDTH: u32 = 760;

/// Draws one bar per `(name, value)`, zero line included, values printed at the bar ends.
fn bars(title: &str, names: &[String], values: &[f32], spread: Option<&[f32]>) -> Result<Figure> {
    if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
        return Err(Error::non_finite(format!("the values of `{title}`")));
    }
    let label_w = names
        .iter()
        .map(|n| n.chars().count() as i32 * 8 + 16)
        .max()
        .unwrap_or(80)
        .clamp(80, 280);
    let sd = |k: usize| spread.and_then(|s| s.get(k)).copied().unwrap_or(0.0);
    let (lo, hi) = values
        .iter()
        .enumerate()
        .fold((0f32, 0f32), |(lo, hi), (k, &v)| {
            (lo.min(v - sd(k)), hi.max(v + sd(k)))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (x0, plot_w) = (label_w + 10, WIDTH as i32 - label_w - 90);
    let px = |v: f32| x0 + ((v - lo) / span * plot_w as f32).round() as i32;
    let height = (TOP + ROW * names.len() as i32 + 20) as u32;
    let summary = format!("{title}: {} features, range {lo:.3} … {hi:.3}", names.len());
    Figure::draw(WIDTH, height, summary, |area| {
        let font = |size: u32| ("sans-serif", size).into_font().color(&BLACK);
        let e = Error::render;
        area.draw(&Text::new(title.to_string(), (10, 12), font(17)))
            .map_err(e)?;
        for (k, (name, &v)) in names.iter().zip(values).enumerate() {
            let y = TOP + k as i32 * ROW;
            let color = if v >= 0.0 { POSITIVE } else { NEGATIVE };
            area.draw(&Rectangle::new(
                [
                    (px(0.0).min(px(v)), y + 4),
                    (px(0.0).max(px(v)), y + ROW - 4),
                ],
                color.filled(),
            ))
            .map_err(e)?;
            area.draw(&Text::new(
                name.clone(),
                (label_w, y + ROW / 2),
                font(14).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(e)?;
            // Values sit right of the bar's right end (the zero line for negative bars).
            let end = (px(v + sd(k)).max(px(0.0)) + 6).min(WIDTH as i32 - 60);
            area.draw(&Text::new(
                format!("{v:.3}"),
                (end, y + ROW / 2),
                font(12).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
            if let Some(s) = spread.and_then(|s| s.get(k)) {
                let (a, b) = (px(v - s), px(v + s));
                area.draw(&PathElement::new(
                    vec![(a, y + ROW / 2), (b, y + ROW / 2)],
                    RGBColor(60, 60, 60).stroke_width(1),
                ))
                .map_err(e)?;
            }
        }
        let bottom = TOP + ROW * names.len() as i32;
        area.draw(&PathElement::new(
            vec![(px(0.0), TOP - 4), (px(0.0), bottom + 4)],
            BLACK.stroke_width(1),
        ))
        .map_err(e)
    })
}

impl FeatureAttribution {
    /// The signed attributions of row `i` as a bar chart (red: toward the class, blue: away).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] when `i` is not a row; rendering errors.
    pub fn bar_chart(&self, i: usize) -> Result<Figure> {
        if i >= self.rows() {
            return Err(Error::invalid(
                "i",
                format!("row {i} was not explained; there are {}", self.rows()),
            ));
        }
        let class = self.class.map_or(String::new(), |c| format!(", class {c}"));
        bars(
            &format!("{} — row {i}{class}", self.method),
            &self.feature_names,
            self.row(i),
            None,
        )
    }

    /// The global view: mean |attribution| per feature, most important on top, at most
    /// [`SUMMARY_FEATURES`] bars (permutation importance: mean accuracy drop, ± one standard
    /// deviation over the repeats).
    ///
    /// # Errors
    /// Rendering errors.
    pub fn summary_chart(&self) -> Result<Figure> {
        let global = if self.rows() == 1 && self.spread.is_some() {
            self.values.clone()
        } else {
            self.mean_abs()
        };
        let order: Vec<usize> = self.ranking().into_iter().take(SUMMARY_FEATURES).collect();
        let names: Vec<String> = order
            .iter()
            .map(|&j| self.feature_names[j].clone())
            .collect();
        let values: Vec<f32> = order.iter().map(|&j| global[j]).collect();
        let spread: Option<Vec<f32>> = self
            .spread
            .as_ref()
            .map(|s| order.iter().map(|&j| s[j]).collect());
        let hidden = self.feature_names.len() - order.len();
        let more = if hidden > 0 {
            format!(" (top {}, {hidden} more)", order.len())
        } else {
            String::new()
        };
        let title = match self.spread {
            Some(_) => format!("{} — mean accuracy drop ± 1 sd{more}", self.method),
            None => format!(
                "{} — mean |attribution| over {} rows{more}",
                self.method,
                self.rows()
            ),
        };
        bars(&title, &names, &values, spread.as_deref())
    }
}

/// The most bars [`FeatureAttribution::summary_chart`] draws.
pub const SUMMARY_FEATURES: usize = 15;

#[cfg(test)]
mod tests {
    use super::*;

    fn attribution() -> FeatureAttribution {
        FeatureAttribution {
            method: "test",
            feature_names: vec!["up".into(), "down".into()],
            values: vec![1.0, -0.5],
            class: Some(1),
            deltas: None,
            spread: None,
        }
    }

    #[test]
    fn bars_have_the_sign_colours_where_expected() {
        let fig = attribution().bar_chart(0).unwrap();
        assert_eq!(&fig.to_png().unwrap()[..4], b"\x89PNG");
        assert_eq!(fig.height() as i32, TOP + 2 * ROW + 20);
        // lo = -0.5, hi = 1: zero sits a third into the plot; probe the middle of each bar.
        let label_w = 80;
        let (x0, plot_w) = (label_w + 10, WIDTH as i32 - label_w - 90);
        let zero = x0 + plot_w / 3;
        assert_eq!(
            fig.pixel((zero + plot_w / 3) as u32, (TOP + ROW / 2) as u32),
            Some([214, 39, 40])
        );
        assert_eq!(
            fig.pixel((zero - plot_w / 6) as u32, (TOP + ROW + ROW / 2) as u32),
            Some([31, 119, 180])
        );
        assert!(attribution().bar_chart(1).is_err());
        assert!(attribution().summary_chart().is_ok());
    }
}
