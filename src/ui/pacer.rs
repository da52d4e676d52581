//! The breathing pacer's shape: a filled round shape that grows on the in-breath and
//! shrinks on the out-breath, inside a faint ring showing how full "full" is.
//!
//! It is drawn in half-cell rows (▀ ▄ █) so a terminal cell's 2:1 height gives a round
//! shape. The radius moves in discrete levels — exactly `breath::shape_level` — so the
//! event loop can wake only when the drawing would change (`Shape::levels` is what the
//! player passes to `Session::next_deadline`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use crate::breath::{PacerState, shape_level};
use crate::config::Motion;

/// The smallest shape: a few half-cells, so the breath never disappears entirely.
const MIN_RADIUS: f64 = 1.0;
/// At most this many sizes: smooth enough to read as growing, few enough that the loop
/// wakes rarely (about 3 times a second on a 4-second in-breath).
const MAX_LEVELS: usize = 12;

pub struct Shape {
    /// 0..=1 as the breath module computes it (already eased).
    pub level: u32,
    pub levels: u32,
    pub fill: Style,
    pub ring: Style,
}

impl Shape {
    /// How many distinct sizes fit in `area`: the player passes this to the session so the
    /// loop wakes once per visible change, never more.
    pub fn levels_for(area: Rect, motion: Motion) -> u32 {
        if motion == Motion::Reduced {
            return 1;
        }
        radii(area).len().max(1) as u32
    }

    /// The shape for a pacer state. With reduced motion the shape jumps to where the phase
    /// is heading (full on the in-breath, empty on the out-breath) instead of moving.
    pub fn new(p: &PacerState<'_>, area: Rect, motion: Motion, fill: Style, ring: Style) -> Shape {
        let levels = Shape::levels_for(area, motion);
        let level = if motion == Motion::Reduced {
            // Two sizes: the target of the phase, drawn at the smallest or largest radius.
            let big = p.target >= 0.5;
            return Shape {
                level: u32::from(big),
                levels: 2,
                fill,
                ring,
            };
        } else {
            shape_level(p.fullness, levels)
        };
        Shape {
            level,
            levels,
            fill,
            ring,
        }
    }

    fn radius(&self, area: Rect) -> f64 {
        let r = radii(area);
        let Some(&last) = r.last() else {
            return max_radius(area);
        };
        if self.levels <= 1 {
            return last;
        }
        // Map this level onto the sizes this area can really show.
        let i = (self.level as usize * (r.len() - 1) + (self.levels as usize - 1) / 2)
            / (self.levels as usize - 1);
        r[i.min(r.len() - 1)]
    }
}

/// Half-cell centres relative to the shape's centre, as (dx, dy) in half-cell units.
fn centres(area: Rect) -> impl Iterator<Item = (f64, f64)> {
    let cx = (area.width as f64 - 1.0) / 2.0;
    let cy = area.height as f64; // the centre line between two half rows
    (0..area.height * 2)
        .flat_map(move |hy| (0..area.width).map(move |x| (x as f64 - cx, hy as f64 + 0.5 - cy)))
}

/// The radii at which the filled shape gains cells, spread over at most `MAX_LEVELS`: each
/// is a visibly different shape, from small to as large as fits.
fn radii(area: Rect) -> Vec<f64> {
    let max = max_radius(area);
    let mut d: Vec<f64> = centres(area)
        .map(|(x, y)| (x * x + y * y).sqrt())
        .filter(|&d| d >= MIN_RADIUS && d <= max + 1e-9)
        .collect();
    d.sort_by(f64::total_cmp);
    d.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
    // A radius of exactly k + 0.5 adds the lone half-cells on the vertical axis: a nub at
    // the top and bottom. Skip those sizes; the next one adds the nub with its neighbours.
    d.retain(|&r| {
        let f = (r - 0.5).rem_euclid(1.0);
        f > 1e-6 && f < 1.0 - 1e-6
    });
    if d.len() <= MAX_LEVELS {
        return d;
    }
    let n = d.len() - 1;
    (0..MAX_LEVELS)
        .map(|i| d[i * n / (MAX_LEVELS - 1)])
        .collect()
}

/// The largest radius (in half-cell units) that fits: width counts 1 unit per column,
/// height 2 units per row.
fn max_radius(area: Rect) -> f64 {
    let w = area.width as f64;
    let h = area.height as f64 * 2.0;
    ((w.min(h) - 1.0) / 2.0).max(0.0)
}

impl Widget for Shape {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let r = self.radius(area) + 1e-9;
        let max = max_radius(area);
        let cx = (area.width as f64 - 1.0) / 2.0;
        let cy = area.height as f64;
        let dist = |x: f64, hy: f64| ((x - cx).powi(2) + (hy - cy).powi(2)).sqrt();
        for row in 0..area.height {
            for col in 0..area.width {
                let x = col as f64;
                let top = row as f64 * 2.0 + 0.5;
                let (t, b) = (dist(x, top) <= r, dist(x, top + 1.0) <= r);
                let cell = &mut buf[(area.x + col, area.y + row)];
                match (t, b) {
                    (true, true) => {
                        cell.set_symbol("█").set_style(self.fill);
                    }
                    (true, false) => {
                        cell.set_symbol("▀").set_style(self.fill);
                    }
                    (false, true) => {
                        cell.set_symbol("▄").set_style(self.fill);
                    }
                    (false, false) => {
                        // The faint ring at full size, so the target is always visible.
                        if (dist(x, top + 0.5) - max).abs() < 0.6 {
                            cell.set_symbol("·").set_style(self.ring);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(level: u32, levels: u32) -> usize {
        let area = Rect::new(0, 0, 15, 7);
        let mut buf = Buffer::empty(area);
        Shape {
            level,
            levels,
            fill: Style::new(),
            ring: Style::new(),
        }
        .render(area, &mut buf);
        buf.content()
            .iter()
            .map(|c| match c.symbol() {
                "█" => 2,
                "▀" | "▄" => 1,
                _ => 0,
            })
            .sum()
    }

    #[test]
    fn every_level_is_a_visibly_different_size() {
        let levels = Shape::levels_for(Rect::new(0, 0, 15, 7), Motion::Smooth);
        assert!((8..=12).contains(&levels), "{levels}");
        let sizes: Vec<usize> = (0..levels).map(|l| filled(l, levels)).collect();
        for pair in sizes.windows(2) {
            assert!(pair[1] > pair[0], "{sizes:?}");
        }
    }

    #[test]
    fn reduced_motion_has_one_level_and_tiny_areas_do_not_panic() {
        assert_eq!(
            Shape::levels_for(Rect::new(0, 0, 15, 7), Motion::Reduced),
            1
        );
        for (w, h) in [(0, 0), (1, 1), (2, 1), (1, 5)] {
            let area = Rect::new(0, 0, w, h);
            let mut buf = Buffer::empty(area);
            Shape {
                level: 0,
                levels: 1,
                fill: Style::new(),
                ring: Style::new(),
            }
            .render(area, &mut buf);
        }
    }
}
