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

use crate::core::breath::{PacerState, shape_level};
use crate::model::config::Motion;

/// The smallest shape: a few half-cells, so the breath never disappears entirely.
const MIN_RADIUS: f64 = 1.0;
/// At most this many sizes: smooth enough to read as growing, few enough that the loop
/// wakes rarely (about 3 times a second on a 4-second in-breath).
const MAX_LEVELS: usize = 12;

pub struct Shape {
    /// The radius to draw, in half-cell units: one of the sizes `area` can really show.
    radius: f64,
    /// How many sizes the loop should wake for (1 with reduced motion: only phases and
    /// seconds change). The player passes this to `Session::next_deadline`.
    pub wake_levels: u32,
    pub fill: Style,
    pub ring: Style,
}

impl Shape {
    /// The shape for a pacer state in `area`. With reduced motion the shape jumps to where
    /// the phase is heading (full on the in-breath, empty on the out-breath) instead of
    /// moving. The list of sizes is worked out once here, not again per use.
    pub fn new(p: &PacerState<'_>, area: Rect, motion: Motion, fill: Style, ring: Style) -> Shape {
        let sizes = radii(area);
        let (radius, wake_levels) = match (sizes.first(), sizes.last()) {
            (Some(&small), Some(&big)) if motion == Motion::Reduced => {
                (if p.target >= 0.5 { big } else { small }, 1)
            }
            (Some(_), Some(_)) => {
                let n = sizes.len() as u32;
                (sizes[shape_level(p.fullness, n) as usize], n)
            }
            _ => (max_radius(area), 1),
        };
        Shape {
            radius,
            wake_levels,
            fill,
            ring,
        }
    }
}

/// How many sizes the loop should wake for when a pacer is drawn in `area`: the layout
/// output the player hands to `Session::next_deadline`, the same as `Shape::wake_levels`.
pub fn wake_levels(area: Rect, motion: Motion) -> u32 {
    match motion {
        Motion::Reduced => 1,
        Motion::Smooth => (radii(area).len() as u32).max(1),
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
        let r = self.radius + 1e-9;
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

    fn draw(radius: f64, area: Rect) -> usize {
        let mut buf = Buffer::empty(area);
        let s = Shape {
            radius,
            wake_levels: 1,
            fill: Style::new(),
            ring: Style::new(),
        };
        s.render(area, &mut buf);
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
        let area = Rect::new(0, 0, 15, 7);
        let sizes = radii(area);
        assert!((8..=12).contains(&sizes.len()), "{}", sizes.len());
        let filled: Vec<usize> = sizes.iter().map(|&r| draw(r, area)).collect();
        for pair in filled.windows(2) {
            assert!(pair[1] > pair[0], "{filled:?}");
        }
    }

    #[test]
    fn shapes_follow_the_breath_and_reduced_motion_wakes_per_phase_only() {
        use crate::model::routine::{Pattern, Phase, PhaseKind, Source};
        use std::time::Duration;
        let pattern = Pattern {
            id: "t".into(),
            description: None,
            phases: vec![
                Phase {
                    kind: PhaseKind::In,
                    length: Duration::from_secs(4),
                    label: None,
                },
                Phase {
                    kind: PhaseKind::Out,
                    length: Duration::from_secs(6),
                    label: None,
                },
            ],
            source: Source::Bundled,
        };
        let area = Rect::new(0, 0, 15, 7);
        let at = |ms| crate::core::breath::at(&pattern, Duration::from_millis(ms));
        let (s, m) = (Style::new(), Motion::Smooth);
        let small = Shape::new(&at(0), area, m, s, s);
        let full = Shape::new(&at(4_000), area, m, s, s);
        assert_eq!(small.wake_levels, radii(area).len() as u32);
        assert!(full.radius > small.radius);
        let reduced = Shape::new(&at(100), area, Motion::Reduced, s, s);
        assert_eq!(reduced.wake_levels, 1);
        assert_eq!(
            reduced.radius,
            *radii(area).last().unwrap(),
            "heading for full"
        );
        for (w, h) in [(0, 0), (1, 1), (2, 1), (1, 5)] {
            let tiny = Rect::new(0, 0, w, h);
            let sh = Shape::new(&at(0), tiny, m, s, s);
            assert_eq!(sh.wake_levels, 1);
            sh.render(tiny, &mut Buffer::empty(tiny));
        }
    }
}
