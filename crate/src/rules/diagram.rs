//! The tree as a diagram: one box per node (split, samples, class distribution), edges
//! labelled `yes` / `no`. Readable up to depth 4 (16 leaves).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Condition, DecisionTree};
use crate::render::{display_via_figure, Plot};
use crate::{Error, Figure, Result};

const BOX_W: i32 = 156;
/// The widest a box grows for long feature names.
const MAX_BOX_W: i32 = 250;
const BOX_H: i32 = 84;
const LEVEL: i32 = 128;
const TOP: i32 = 44;

/// Class colours (matplotlib's tab10 order).
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// The fill of a node: its class colour, paler the more mixed the node (white at chance).
pub(crate) fn fill(class: usize, purity: f32, classes: usize) -> RGBColor {
    let chance = 1.0 / classes.max(2) as f32;
    let a = ((purity - chance) / (1.0 - chance)).clamp(0.0, 1.0) * 0.75;
    let c = PALETTE[class % PALETTE.len()];
    let mix = |v: u8| (255.0 - a * (255.0 - v as f32)).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

impl DecisionTree {
    /// The centre-top pixel of every node's box: leaves on evenly spaced slots left to right,
    /// each split centred over its two children, one level per depth.
    pub(crate) fn layout(&self) -> Vec<(i32, i32)> {
        let mut pos = vec![(0, 0); self.nodes().len()];
        let mut next_slot = 0;
        self.place(0, &mut pos, &mut next_slot);
        pos
    }

    /// The width of every box: wide enough for the longest first line, within limits.
    pub(crate) fn box_width(&self) -> i32 {
        let longest = (0..self.nodes().len())
            .map(|i| self.head(i).chars().count() as i32)
            .max()
            .unwrap_or(0);
        (longest * 9 + 16).clamp(BOX_W, MAX_BOX_W)
    }

    /// The first line of a box: the split's condition, or the predicted class of a leaf.
    fn head(&self, node: usize) -> String {
        let n = &self.nodes()[node];
        match n.split {
            Some(s) => Condition {
                feature: s.feature,
                name: self.feature_names()[s.feature].clone(),
                lower: None,
                upper: Some(s.threshold),
                integer: self.is_integer_feature(s.feature),
            }
            .to_string(),
            None => format!("→ {}", self.class_names()[n.class()]),
        }
    }

    fn place(&self, node: usize, pos: &mut [(i32, i32)], next_slot: &mut i32) -> i32 {
        let n = &self.nodes()[node];
        let slot = self.box_width() + 12;
        let x = match n.split {
            None => {
                *next_slot += 1;
                10 + slot * (*next_slot - 1) + slot / 2
            }
            Some(s) => {
                (self.place(s.left, pos, next_slot) + self.place(s.right, pos, next_slot)) / 2
            }
        };
        pos[node] = (x, TOP + n.depth as i32 * LEVEL);
        x
    }

    /// Draws the tree: each box shows the split (`income < 32.5k`) or the predicted class, the
    /// number of training samples, the count per class and a bar of the class distribution;
    /// the fill is the majority class's colour, pale when mixed. Left edges are `yes`.
    ///
    /// # Example
    /// ```
    /// use glassbox::{Cart, data::tabular::Tabular};
    /// let data = Tabular::new(vec!["x".into()], vec![1.0, 2.0, 3.0, 4.0], vec![0, 0, 1, 1], vec!["a".into(), "b".into()])?;
    /// let fig = Cart::new().fit(&data)?.diagram()?;
    /// assert!(fig.width() > 300 && fig.height() > 200);
    /// # Ok::<(), glassbox::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::Render`] when drawing fails.
    pub fn diagram(&self) -> Result<Figure> {
        let leaves = self.leaves().len() as i32;
        let box_w = self.box_width();
        let (w, h) = (
            (20 + (box_w + 12) * leaves).max(360) as u32,
            (TOP + LEVEL * self.depth() as i32 + BOX_H + 16) as u32,
        );
        let pos = self.layout();
        let summary = format!(
            "decision tree: depth {}, {} leaves, {} samples",
            self.depth(),
            leaves,
            self.nodes()[0].samples
        );
        Figure::draw(w, h, summary, |area| {
            let e = Error::render;
            let font = |size: u32| {
                ("sans-serif", size)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Top))
            };
            area.draw(&Text::new(
                format!(
                    "Decision tree — depth {}, {leaves} leaves (left: yes)",
                    self.depth()
                ),
                (10, 10),
                ("sans-serif", 17).into_font().color(&BLACK),
            ))
            .map_err(e)?;
            for (i, n) in self.nodes().iter().enumerate() {
                let Some(s) = n.split else { continue };
                let (px, py) = pos[i];
                for (child, label) in [(s.left, "yes"), (s.right, "no")] {
                    let (cx, cy) = pos[child];
                    area.draw(&PathElement::new(
                        vec![(px, py + BOX_H), (cx, cy)],
                        RGBColor(120, 120, 120).stroke_width(2),
                    ))
                    .map_err(e)?;
                    let (mx, my) = ((px + cx) / 2, (py + BOX_H + cy) / 2 - 8);
                    area.draw(&Text::new(label, (mx, my), font(13)))
                        .map_err(e)?;
                }
            }
            for (i, n) in self.nodes().iter().enumerate() {
                let (x, y) = pos[i];
                let (x0, x1) = (x - box_w / 2, x + box_w / 2);
                area.draw(&Rectangle::new(
                    [(x0, y), (x1, y + BOX_H)],
                    fill(n.class(), n.purity(), self.class_names().len()).filled(),
                ))
                .map_err(e)?;
                area.draw(&Rectangle::new(
                    [(x0, y), (x1, y + BOX_H)],
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
                let head = self.head(i);
                let counts: Vec<String> = n.class_counts.iter().map(ToString::to_string).collect();
                let lines = [
                    (head, 15),
                    (format!("samples = {}", n.samples), 13),
                    (format!("[{}]", counts.join(", ")), 13),
                ];
                for (k, (text, size)) in lines.into_iter().enumerate() {
                    area.draw(&Text::new(text, (x, y + 6 + 19 * k as i32), font(size)))
                        .map_err(e)?;
                }
                // Class distribution: one stacked bar along the bottom of the box.
                let mut left = x0 + 6;
                for (c, &count) in n.class_counts.iter().enumerate() {
                    let width = ((box_w - 12) as f32 * count as f32 / n.samples.max(1) as f32)
                        .round() as i32;
                    area.draw(&Rectangle::new(
                        [(left, y + BOX_H - 14), (left + width, y + BOX_H - 6)],
                        PALETTE[c % PALETTE.len()].filled(),
                    ))
                    .map_err(e)?;
                    left += width;
                }
            }
            Ok(())
        })
    }
}

impl Plot for DecisionTree {
    /// The tree diagram ([`DecisionTree::diagram`]).
    fn figure(&self) -> Result<Figure> {
        self.diagram()
    }
}

display_via_figure!(DecisionTree);

impl std::fmt::Display for DecisionTree {
    /// A one-line summary, then one rule per line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (depth, min_leaf) = self.limits();
        writeln!(f, "DecisionTree: depth {} (max {depth}), {} leaves (≥ {min_leaf} samples each), {} samples", self.depth(), self.leaves().len(), self.nodes()[0].samples)?;
        write!(f, "{}", self.rules_text(None))
    }
}

#[cfg(test)]
mod tests {
    use crate::{data::tabular::Tabular, Cart};

    #[test]
    fn boxes_sit_over_their_children_and_show_the_class_colour() {
        // x < 2.5 → a; else x < 4.5 → b else a: depth 2, three leaves.
        let data = Tabular::new(
            vec!["x".into()],
            (1..=6).map(|v| v as f32).collect(),
            vec![0, 0, 1, 1, 0, 0],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        let tree = Cart::new().max_depth(2).fit(&data).unwrap();
        let pos = tree.layout();
        let leaves = tree.leaves();
        assert_eq!(leaves.len(), 3);
        for (i, n) in tree.nodes().iter().enumerate() {
            if let Some(s) = n.split {
                assert_eq!(pos[i].0, (pos[s.left].0 + pos[s.right].0) / 2);
                assert!(pos[s.left].1 > pos[i].1);
            }
        }
        let fig = tree.diagram().unwrap();
        assert_eq!(tree.box_width(), super::BOX_W);
        assert_eq!(fig.width() as i32, 20 + (super::BOX_W + 12) * 3);
        // A pure leaf's fill, probed just inside its left border, below the text.
        let leaf = leaves[0];
        let expected = super::fill(tree.nodes()[leaf].class(), 1.0, 2);
        let (x, y) = pos[leaf];
        let probe = fig
            .pixel((x - super::BOX_W / 2 + 3) as u32, (y + 62) as u32)
            .unwrap();
        assert_eq!(probe, [expected.0, expected.1, expected.2]);
        assert_ne!(probe, [255, 255, 255]);
        assert_eq!(tree.figure().unwrap(), fig);
        assert!(tree.to_string().starts_with("DecisionTree: depth 2 (max 2), 3 leaves (≥ 1 samples each), 6 samples\nif x ≤ 2 then a (precision 1.00, 2 cases)\nif 3 ≤ x ≤ 4 then b"), "{tree}");
        // Long feature names widen every box (up to a limit).
        let long = Tabular::new(
            vec!["worst concave points of the nucleus".into()],
            (1..=6).map(|v| v as f32).collect(),
            vec![0, 0, 1, 1, 0, 0],
            vec!["a".into(), "b".into()],
        )
        .unwrap();
        let w = Cart::new().max_depth(2).fit(&long).unwrap().box_width();
        assert!(w > super::BOX_W && w <= super::MAX_BOX_W, "{w}");
    }
}
