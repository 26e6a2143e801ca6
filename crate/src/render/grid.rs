//! [`ImageGrid`]: many pictures in rows and columns — feature maps, sample digits, heat maps.

use plotters::style::text_anchor::{HPos, VPos};

use crate::math::min_max;
use crate::render::frame::draw_title;
use crate::render::raster::{blit, resize_nearest, to_byte};
use crate::render::{display_via_figure, theme, Colorbar, Plot};
use crate::{Colormap, Figure, Picture};
use crate::{Error, Result};

/// How the values of gray tiles are mapped to the colormap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum TileScaling {
    /// Values as they are, clipped to [0, 1] (pictures, digits).
    #[default]
    Raw,
    /// Each tile min-max scaled on its own: shows every channel's pattern, hides magnitudes.
    PerTile,
    /// One min-max over all tiles: compares magnitudes across channels (with a colorbar).
    Shared,
}

/// A grid of pictures with optional per-tile titles.
///
/// Gray tiles are drawn through a colormap (default gray); RGB tiles as they are.
///
/// # Example
/// ```
/// use glassbox::{Colormap, ImageGrid, Picture, render::{Plot, TileScaling}};
/// let tiles: Vec<Picture> = (0..6)
///     .map(|i| Picture::gray(4, 4, vec![i as f32 / 5.0; 16]))
///     .collect::<Result<_, _>>()?;
/// let fig = ImageGrid::new(tiles)
///     .columns(3)
///     .titles((0..6).map(|i| format!("ch {i}")))
///     .colormap(Colormap::Viridis)
///     .scaling(TileScaling::Shared)
///     .figure()?;
/// assert!(fig.width() > fig.height());
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct ImageGrid {
    tiles: Vec<Picture>,
    titles: Vec<String>,
    columns: Option<usize>,
    colormap: Colormap,
    scaling: TileScaling,
    tile_side: usize,
    title: Option<String>,
}

impl ImageGrid {
    /// A grid of `tiles`.
    pub fn new(tiles: Vec<Picture>) -> Self {
        Self {
            tiles,
            titles: Vec::new(),
            columns: None,
            colormap: Colormap::Gray,
            scaling: TileScaling::Raw,
            tile_side: 96,
            title: None,
        }
    }

    /// Per-tile titles (missing ones stay empty).
    pub fn titles<S: Into<String>>(mut self, titles: impl IntoIterator<Item = S>) -> Self {
        self.titles = titles.into_iter().map(Into::into).collect();
        self
    }

    /// Number of columns (default ⌈√n⌉, at most 8 for up to 64 tiles, 16 beyond).
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns);
        self
    }

    /// The colormap for gray tiles (default gray).
    pub fn colormap(mut self, colormap: Colormap) -> Self {
        self.colormap = colormap;
        self
    }

    /// How gray tiles are scaled (default [`TileScaling::Raw`]).
    pub fn scaling(mut self, scaling: TileScaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// The longer side of each tile in pixels (default 96; tiles are resampled nearest).
    pub fn tile_side(mut self, pixels: usize) -> Self {
        self.tile_side = pixels;
        self
    }

    /// A title over the grid.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    fn shared_range(&self) -> (f32, f32) {
        let gray = self.tiles.iter().filter(|t| t.channels() == 1);
        min_max(gray.flat_map(|t| t.pixels().iter().copied()))
    }

    /// Renders tile `t` to RGB8 at `th × tw`.
    fn tile_rgb(&self, tile: &Picture, th: usize, tw: usize, shared: (f32, f32)) -> Vec<u8> {
        let small = tile.pixels();
        let (lo, hi) = match self.scaling {
            TileScaling::Raw => (0.0, 1.0),
            TileScaling::Shared => shared,
            TileScaling::PerTile => min_max(small.iter().copied()),
        };
        let span = hi - lo;
        let scale = |v: f32| if span > 0.0 { (v - lo) / span } else { 0.0 };
        let plane = tile.height() * tile.width();
        let mut rgb = Vec::with_capacity(th * tw * 3);
        if tile.channels() == 1 {
            let lut: Vec<[u8; 3]> = small.iter().map(|&v| self.colormap.rgb(scale(v))).collect();
            let index: Vec<f32> = (0..plane).map(|i| i as f32).collect();
            for i in resize_nearest(&index, tile.height(), tile.width(), th, tw) {
                rgb.extend_from_slice(&lut[i as usize]);
            }
        } else {
            let planes: Vec<Vec<f32>> = (0..3)
                .map(|c| {
                    let p = &small[c * plane..(c + 1) * plane];
                    resize_nearest(p, tile.height(), tile.width(), th, tw)
                })
                .collect();
            for i in 0..th * tw {
                for p in &planes {
                    let v = if self.scaling == TileScaling::Raw {
                        p[i]
                    } else {
                        scale(p[i])
                    };
                    rgb.push(to_byte(v));
                }
            }
        }
        rgb
    }
}

impl Plot for ImageGrid {
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] for an empty grid, zero columns or a zero tile side.
    fn figure(&self) -> Result<Figure> {
        let n = self.tiles.len();
        if n == 0 {
            return Err(Error::invalid("tiles", "the grid has no pictures"));
        }
        if self.tile_side == 0 || self.columns == Some(0) {
            return Err(Error::invalid(
                "grid",
                "columns and tile side must be at least 1",
            ));
        }
        let columns = self
            .columns
            .unwrap_or_else(|| {
                ((n as f64).sqrt().ceil() as usize).min(if n <= 64 { 8 } else { 16 })
            })
            .min(n);
        let rows = n.div_ceil(columns);
        let max_h = self.tiles.iter().map(Picture::height).max().unwrap_or(1);
        let max_w = self.tiles.iter().map(Picture::width).max().unwrap_or(1);
        let factor = self.tile_side as f64 / max_h.max(max_w) as f64;
        let cell_h = ((max_h as f64 * factor).round() as u32).max(1);
        let cell_w = ((max_w as f64 * factor).round() as u32).max(1);
        let has_titles = !self.titles.is_empty();
        let caption = if has_titles {
            (theme::SMALL_SIZE as u32) + 7
        } else {
            0
        };
        let gap = if n > 16 { 5 } else { theme::GAP };
        let shared = self.shared_range();
        let show_bar =
            self.scaling == TileScaling::Shared && shared.0.is_finite() && shared.0 < shared.1;
        let bar = Colorbar::new(self.colormap, shared.0, shared.1);
        let grid_w = columns as u32 * cell_w + (columns as u32 - 1) * gap;
        let grid_h = rows as u32 * (cell_h + caption) + (rows as u32 - 1) * gap;
        let m = theme::MARGIN;
        let top = m + if self.title.is_some() {
            theme::TITLE_HEIGHT
        } else {
            0
        };
        let bar_w = if show_bar {
            theme::GAP * 2 + bar.width()
        } else {
            0
        };
        let width = 2 * m + grid_w + bar_w;
        let height = top + grid_h + m;
        let summary = format!(
            "grid of {n} pictures ({rows}×{columns}), tiles up to {max_h}×{max_w}, {:?} scaling",
            self.scaling
        );
        Figure::draw(width, height, summary, |area| {
            if let Some(title) = &self.title {
                draw_title(
                    area,
                    title,
                    theme::TITLE_SIZE,
                    width as i32 / 2,
                    width - 2 * m,
                );
            }
            for (i, tile) in self.tiles.iter().enumerate() {
                let (r, c) = ((i / columns) as u32, (i % columns) as u32);
                let x = m + c * (cell_w + gap);
                let y = top + r * (cell_h + caption + gap);
                if let Some(t) = self.titles.get(i).filter(|t| !t.is_empty()) {
                    let text = theme::fit_text(t, theme::SMALL_SIZE, cell_w);
                    crate::render::text::draw(
                        area,
                        x as i32 + cell_w as i32 / 2,
                        y as i32,
                        crate::render::text::Label::new(
                            &text,
                            theme::SMALL_SIZE,
                            theme::TEXT_MUTED,
                        )
                        .anchor(HPos::Center, VPos::Top),
                    );
                }
                let th = ((tile.height() as f64 * factor).round() as usize).max(1);
                let tw = ((tile.width() as f64 * factor).round() as usize).max(1);
                let rgb = self.tile_rgb(tile, th, tw, shared);
                let (tx, ty) = (
                    x + (cell_w - tw as u32) / 2,
                    y + caption + (cell_h - th as u32) / 2,
                );
                blit(area, tx as i32, ty as i32, tw as u32, th as u32, rgb)?;
            }
            if show_bar {
                bar.draw_at(
                    area,
                    (m + grid_w + 2 * theme::GAP) as i32,
                    top as i32 + caption as i32,
                    grid_h.min(320).saturating_sub(caption),
                )?;
            }
            Ok(())
        })
    }
}

display_via_figure!(ImageGrid);

impl std::fmt::Debug for ImageGrid {
    /// A short summary (the tiles are not listed).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ImageGrid({} tiles, {:?}, {:?})",
            self.tiles.len(),
            self.scaling,
            self.colormap
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_land_in_row_major_cells() {
        let tiles = vec![
            Picture::gray(2, 2, vec![0.0; 4]).unwrap(),
            Picture::gray(2, 2, vec![1.0; 4]).unwrap(),
            Picture::from_chw(3, 2, 2, [vec![1.0; 4], vec![0.0; 8]].concat()).unwrap(),
        ];
        let fig = ImageGrid::new(tiles)
            .columns(2)
            .tile_side(10)
            .figure()
            .unwrap();
        let m = theme::MARGIN;
        assert_eq!(fig.pixel(m + 5, m + 5), Some([0, 0, 0]));
        assert_eq!(
            fig.pixel(m + 10 + theme::GAP + 5, m + 5),
            Some([255, 255, 255])
        );
        assert_eq!(
            fig.pixel(m + 5, m + 10 + theme::GAP + 5),
            Some([255, 0, 0]),
            "RGB tile, not BGR"
        );
    }

    #[test]
    fn per_tile_scaling_stretches_each_tile() {
        let tiles = vec![Picture::gray(1, 2, vec![10.0, 20.0]).unwrap()];
        let fig = ImageGrid::new(tiles)
            .scaling(TileScaling::PerTile)
            .colormap(Colormap::Viridis)
            .tile_side(2)
            .figure()
            .unwrap();
        let m = theme::MARGIN;
        assert_eq!(fig.pixel(m, m), Some(Colormap::Viridis.rgb(0.0)));
        assert_eq!(fig.pixel(m + 1, m), Some(Colormap::Viridis.rgb(1.0)));
    }

    #[test]
    fn an_empty_grid_is_an_error() {
        assert!(ImageGrid::new(vec![]).figure().is_err());
    }
}
