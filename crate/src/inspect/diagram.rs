//! [`NetworkDiagram`]: a model's structure as a picture, one column of layer boxes per block,
//! blocks flowing left to right (VGG16's five conv blocks and classifier fit one picture).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::summary::thousands;
use crate::models::LayerInfo;
use crate::Explain;
use crate::{render::Canvas, Error, Figure, Result};

const MARGIN: i32 = 16;
const TITLE_H: i32 = 34;
const HEADER_H: i32 = 26;
const BOX_W: i32 = 210;
const FULL_H: i32 = 40;
const SLIM_H: i32 = 20;
const GAP: i32 = 10;
const COLUMN_GAP: i32 = 44;
/// Ungrouped layers are cut into columns of at most this many boxes.
const MAX_COLUMN: usize = 14;

/// The structure diagram of a model: layer boxes (name, kind, output shape, parameters),
/// coloured by kind, stacked top to bottom inside a column per block ([`LayerInfo::group`]),
/// blocks flowing left to right.
///
/// Layers that change neither the shape nor hold parameters (ReLU, dropout) get slim one-line
/// boxes. Shapes are the declared [`LayerInfo::out_shape`]s (no forward pass is run; compare
/// with the measured ones in [`crate::inspect::Summary`]).
#[derive(Clone, Debug)]
pub struct NetworkDiagram {
    title: String,
    input_shape: [usize; 3],
    layers: Vec<LayerInfo>,
}

/// One box's place: layer index (`None` for the input box), top y, height.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placed {
    layer: Option<usize>,
    y: i32,
    height: i32,
}

#[derive(Clone, Debug, PartialEq)]
struct Column {
    group: String,
    boxes: Vec<Placed>,
}

impl NetworkDiagram {
    /// The diagram of `model`.
    pub fn new<M: Explain>(model: &M) -> Self {
        let layers = model.layers();
        let params: usize = layers.iter().map(|l| l.params).sum();
        Self {
            title: format!(
                "{}: input {:?}, {} layers, {} params",
                model.name(),
                model.input_shape(),
                layers.len(),
                thousands(params)
            ),
            input_shape: model.input_shape(),
            layers,
        }
    }

    /// Replaces the title line.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    fn is_slim(&self, i: usize) -> bool {
        let layer = &self.layers[i];
        let previous = if i == 0 {
            self.input_shape
        } else {
            self.layers[i - 1].out_shape
        };
        layer.params == 0 && layer.out_shape == previous
    }

    fn columns(&self) -> Vec<Column> {
        let mut columns: Vec<Column> = Vec::new();
        let input = Placed {
            layer: None,
            y: 0,
            height: SLIM_H,
        };
        for (i, layer) in self.layers.iter().enumerate() {
            let group = layer.group.clone().unwrap_or_default();
            let new_column = match columns.last() {
                None => true,
                Some(c) => c.group != group || (group.is_empty() && c.boxes.len() >= MAX_COLUMN),
            };
            if new_column {
                let boxes = if columns.is_empty() {
                    vec![input]
                } else {
                    Vec::new()
                };
                columns.push(Column { group, boxes });
            }
            let column = columns.last_mut().expect("pushed above");
            let y = column.boxes.last().map_or(0, |b| b.y + b.height + GAP);
            let height = if self.is_slim(i) { SLIM_H } else { FULL_H };
            column.boxes.push(Placed {
                layer: Some(i),
                y,
                height,
            });
        }
        if columns.is_empty() {
            columns.push(Column {
                group: String::new(),
                boxes: vec![input],
            });
        }
        columns
    }

    /// Renders the diagram.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Render`] if drawing fails.
    pub fn figure(&self) -> Result<Figure> {
        let columns = self.columns();
        let tallest = columns
            .iter()
            .filter_map(|c| c.boxes.last().map(|b| b.y + b.height))
            .max()
            .unwrap_or(0);
        let n = columns.len() as i32;
        let width = 2 * MARGIN + n * BOX_W + (n - 1) * COLUMN_GAP;
        let height = 2 * MARGIN + TITLE_H + HEADER_H + tallest;
        let summary = format!("network diagram of {}", self.title);
        Figure::draw(width as u32, height as u32, summary, |area| {
            self.draw(area, &columns).map_err(Error::render)
        })
    }

    fn draw(&self, area: &Canvas<'_>, columns: &[Column]) -> Result<()> {
        let bold = |size: i32| {
            ("sans-serif", size, FontStyle::Bold)
                .into_font()
                .color(&BLACK)
        };
        let regular = |size: i32| ("sans-serif", size).into_font().color(&BLACK);
        let center = Pos::new(HPos::Center, VPos::Center);
        let grey = RGBColor(110, 110, 110);
        area.draw(&Text::new(self.title.clone(), (MARGIN, MARGIN), bold(16)))
            .map_err(Error::render)?;
        let top = MARGIN + TITLE_H + HEADER_H;
        for (c, column) in columns.iter().enumerate() {
            let x0 = MARGIN + c as i32 * (BOX_W + COLUMN_GAP);
            let bottom = column.boxes.last().map_or(0, |b| b.y + b.height);
            // The block's frame and name.
            let frame = [(x0 - 6, top - HEADER_H), (x0 + BOX_W + 6, top + bottom + 6)];
            area.draw(&Rectangle::new(frame, RGBColor(246, 246, 246).filled()))
                .map_err(Error::render)?;
            let header = (x0 + BOX_W / 2, top - HEADER_H / 2);
            area.draw(&Text::new(
                column.group.clone(),
                header,
                bold(13).pos(center),
            ))
            .map_err(Error::render)?;
            if c + 1 < columns.len() {
                let y = top - HEADER_H / 2;
                arrow(
                    area,
                    (x0 + BOX_W + 8, y),
                    (x0 + BOX_W + COLUMN_GAP - 8, y),
                    &grey,
                )?;
            }
            for (k, placed) in column.boxes.iter().enumerate() {
                let y0 = top + placed.y;
                let (fill, line1, line2) = match placed.layer {
                    None => (WHITE, format!("input {:?}", self.input_shape), None),
                    Some(i) => self.texts(i),
                };
                let corners = [(x0, y0), (x0 + BOX_W, y0 + placed.height)];
                area.draw(&Rectangle::new(corners, fill.filled()))
                    .map_err(Error::render)?;
                area.draw(&Rectangle::new(corners, grey.stroke_width(1)))
                    .map_err(Error::render)?;
                let mid = x0 + BOX_W / 2;
                match line2 {
                    None => area.draw(&Text::new(
                        line1,
                        (mid, y0 + placed.height / 2),
                        regular(12).pos(center),
                    )),
                    Some(line2) => {
                        area.draw(&Text::new(line1, (mid, y0 + 12), bold(12).pos(center)))
                            .map_err(Error::render)?;
                        area.draw(&Text::new(line2, (mid, y0 + 29), regular(11).pos(center)))
                    }
                }
                .map_err(Error::render)?;
                if let Some(next) = column.boxes.get(k + 1) {
                    arrow(area, (mid, y0 + placed.height), (mid, top + next.y), &grey)?;
                }
            }
        }
        Ok(())
    }

    /// A box's colour and text lines for layer `i`.
    fn texts(&self, i: usize) -> (RGBColor, String, Option<String>) {
        let layer = &self.layers[i];
        let kind = layer.kind.to_lowercase();
        let fill = if kind.contains("conv") {
            RGBColor(198, 219, 239)
        } else if kind.contains("pool") {
            RGBColor(253, 208, 162)
        } else if kind.contains("linear") || kind.starts_with("fc") {
            RGBColor(218, 218, 235)
        } else if kind.contains("relu") || kind.contains("sigmoid") || kind.contains("tanh") {
            RGBColor(229, 245, 224)
        } else {
            RGBColor(236, 236, 236)
        };
        let name_kind = clip(&format!("{}  {}", layer.name, layer.kind), 31);
        if self.is_slim(i) {
            return (fill, name_kind, None);
        }
        let [c, h, w] = layer.out_shape;
        let mut line2 = format!("[{c}, {h}, {w}]");
        if layer.params > 0 {
            line2.push_str(&format!(" · {} params", thousands(layer.params)));
        }
        (fill, name_kind, Some(clip(&line2, 36)))
    }

    /// Called by evcxr when a diagram ends a cell: shows it as a PNG.
    pub fn evcxr_display(&self) {
        match self.figure() {
            Ok(figure) => figure.evcxr_display(),
            Err(e) => eprintln!("glassbox: could not draw the diagram: {e}"),
        }
    }
}

/// A line from `from` to `to` with a small arrowhead at `to`.
fn arrow(area: &Canvas<'_>, from: (i32, i32), to: (i32, i32), color: &RGBColor) -> Result<()> {
    area.draw(&PathElement::new(vec![from, to], color.stroke_width(1)))
        .map_err(Error::render)?;
    let (dx, dy) = ((to.0 - from.0).signum(), (to.1 - from.1).signum());
    let (px, py) = (-dy, dx); // perpendicular
    let back = (to.0 - 5 * dx, to.1 - 5 * dy);
    let head = vec![
        to,
        (back.0 + 3 * px, back.1 + 3 * py),
        (back.0 - 3 * px, back.1 - 3 * py),
    ];
    area.draw(&Polygon::new(head, color.filled()))
        .map_err(Error::render)
}

/// Cuts `text` to `max` characters, ending in `…` when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(
        name: &str,
        kind: &str,
        group: Option<&str>,
        out: [usize; 3],
        params: usize,
    ) -> LayerInfo {
        LayerInfo {
            name: name.into(),
            key: None,
            kind: kind.into(),
            group: group.map(Into::into),
            out_shape: out,
            params,
        }
    }

    fn vgg_like() -> NetworkDiagram {
        NetworkDiagram {
            title: "t".into(),
            input_shape: [3, 8, 8],
            layers: vec![
                layer("conv1", "Conv2d 3×3, 3→4", Some("block1"), [4, 8, 8], 112),
                layer("relu1", "ReLU", Some("block1"), [4, 8, 8], 0),
                layer("pool1", "MaxPool 2×2", Some("block1"), [4, 4, 4], 0),
                layer("fc", "Linear 64→2", Some("classifier"), [2, 1, 1], 130),
            ],
        }
    }

    #[test]
    fn blocks_become_columns_with_slim_param_free_boxes() {
        let columns = vgg_like().columns();
        assert_eq!(columns.len(), 2);
        assert_eq!(columns[0].group, "block1");
        let heights: Vec<i32> = columns[0].boxes.iter().map(|b| b.height).collect();
        // input, conv1 (params), relu1 (slim), pool1 (changes the shape).
        assert_eq!(heights, [SLIM_H, FULL_H, SLIM_H, FULL_H]);
        let ys: Vec<i32> = columns[0].boxes.iter().map(|b| b.y).collect();
        assert_eq!(
            ys,
            [
                0,
                SLIM_H + GAP,
                SLIM_H + FULL_H + 2 * GAP,
                2 * SLIM_H + FULL_H + 3 * GAP
            ]
        );
        assert_eq!(
            columns[1].boxes,
            [Placed {
                layer: Some(3),
                y: 0,
                height: FULL_H
            }]
        );
    }

    #[test]
    fn boxes_are_drawn_where_the_layout_puts_them() {
        let fig = vgg_like().figure().unwrap();
        let tallest = 2 * SLIM_H + 2 * FULL_H + 3 * GAP;
        assert_eq!(fig.width() as i32, 2 * MARGIN + 2 * BOX_W + COLUMN_GAP);
        assert_eq!(
            fig.height() as i32,
            2 * MARGIN + TITLE_H + HEADER_H + tallest
        );
        let top = MARGIN + TITLE_H + HEADER_H;
        // conv1's box (light blue) at its left edge + 3 px, and fc's box (lavender) in column 2.
        let conv = fig
            .pixel((MARGIN + 3) as u32, (top + SLIM_H + GAP + 3) as u32)
            .unwrap();
        assert_eq!(conv, [198, 219, 239]);
        let fc_x = MARGIN + BOX_W + COLUMN_GAP + 3;
        assert_eq!(
            fig.pixel(fc_x as u32, (top + 3) as u32).unwrap(),
            [218, 218, 235]
        );
    }

    #[test]
    fn long_text_is_clipped() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
