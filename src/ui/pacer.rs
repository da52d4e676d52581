//! The breathing pacer's shape: a round shape that grows on the in-breath and shrinks on
//! the out-breath, inside a faint ring showing how full "full" is.
//!
//! It is drawn in half-cell rows (▀ ▄ █) so a terminal cell's 2:1 height gives a round
//! shape. It is kind to sore eyes: its size is capped ([`MAX_RADIUS`]) whatever the window,
//! and beyond a small size only its rim is solid — a large pacer is an outline, never a
//! big bright block. The radius moves in discrete levels — exactly `breath::shape_level`
//! — so the event loop can wake only when the drawing would change (`wake_levels` is what
//! the player passes to `Session::next_deadline`). With reduced motion it moves one small
//! step per whole second of the phase, when the seconds figure changes anyway.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use crate::core::breath::{PacerState, shape_level};
use crate::model::config::Motion;

/// The smallest shape: a few half-cells, so the breath never disappears entirely.
const MIN_RADIUS: f64 = 1.0;
/// The largest shape, in half-cell units: 25 columns by 12 rows at most, however large the
/// window. Bigger reads no better from a metre away, and is more light in the eyes.
pub const MAX_RADIUS: f64 = 12.0;
/// The most rows a pacer's area needs: layouts give the rest of a tall window to text.
pub const MAX_ROWS: u16 = 13;
/// Up to this radius the shape is filled; beyond it only a rim this thick is solid.
const SOLID_UP_TO: f64 = 3.0;
const RIM: f64 = 1.6;
/// At most this many sizes: smooth enough to read as growing, few enough that the loop
/// wakes rarely (about 3 times a second on a 4-second in-breath).
const MAX_LEVELS: usize = 12;

pub struct Shape {
    /// The radius to draw, in half-cell units: one of the sizes `area` can really show.
    radius: f64,
    /// How many sizes the loop should wake for (1 with reduced motion: the shape then
    /// changes only with the seconds and phases). The player passes this to
    /// `Session::next_deadline`.
    pub wake_levels: u32,
    pub fill: Style,
    pub ring: Style,
}

impl Shape {
    /// The shape for a pacer state in `area`. With reduced motion the shape steps once a
    /// second towards where the phase is heading instead of moving continuously.
    pub fn new(p: &PacerState<'_>, area: Rect, motion: Motion, fill: Style, ring: Style) -> Shape {
        let sizes = radii(area);
        let n = sizes.len() as u32;
        let (radius, wake_levels) = if sizes.is_empty() {
            (max_radius(area), 1)
        } else if motion == Motion::Reduced {
            (sizes[shape_level(p.stepped_fullness(), n) as usize], 1)
        } else {
            (sizes[shape_level(p.fullness, n) as usize], n)
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

/// The radii at which the shape gains cells, spread over at most `MAX_LEVELS`: each is a
/// visibly different shape, from small to as large as fits (and no larger than the cap).
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

/// The largest radius (in half-cell units) that fits and is allowed: width counts 1 unit
/// per column, height 2 units per row.
fn max_radius(area: Rect) -> f64 {
    let w = area.width as f64;
    let h = area.height as f64 * 2.0;
    ((w.min(h) - 1.0) / 2.0).clamp(0.0, MAX_RADIUS)
}

impl Widget for Shape {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let r = self.radius + 1e-9;
        // Beyond a small size only the rim is solid: the inside stays dark.
        let hollow = if self.radius > SOLID_UP_TO {
            self.radius - RIM
        } else {
            -1.0
        };
        let max = max_radius(area);
        let cx = (area.width as f64 - 1.0) / 2.0;
        let cy = area.height as f64;
        let dist = |x: f64, hy: f64| ((x - cx).powi(2) + (hy - cy).powi(2)).sqrt();
        let on = |d: f64| d <= r && d > hollow;
        for row in 0..area.height {
            for col in 0..area.width {
                let x = col as f64;
                let top = row as f64 * 2.0 + 0.5;
                let (t, b) = (on(dist(x, top)), on(dist(x, top + 1.0)));
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

/// How much of `buf` is solid block, cell by cell as much of it as the glyph fills: a full
/// block counts 1, a half block ½, an eighth block ⅛, a shade as dense as it looks (░ ¼,
/// ▒ ½, ▓ ¾), a quadrant ¼ a quarter. Lines, braille dots and letters count nothing. The
/// measure the gentle-screen tests (the pacer, the big digits, the charts) use.
pub fn solid_cells(buf: &Buffer) -> f64 {
    buf.content().iter().map(|c| coverage(c.symbol())).sum()
}

/// How much of a cell a block element fills (0 for anything else).
fn coverage(symbol: &str) -> f64 {
    let mut chars = symbol.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return 0.0;
    };
    match c {
        '█' => 1.0,
        // Lower eighths ▁..▇, then left eighths ▉..▏ (seven down to one).
        '▁'..='▇' => f64::from(c as u32 - '▁' as u32 + 1) / 8.0,
        '▉'..='▏' => f64::from('▏' as u32 - c as u32 + 1) / 8.0,
        '▀' | '▐' | '▒' | '▚' | '▞' => 0.5,
        '▔' | '▕' => 0.125,
        '░' | '▖' | '▗' | '▘' | '▝' => 0.25,
        '▓' | '▙' | '▛' | '▜' | '▟' => 0.75,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solid_counts_each_block_by_how_much_it_fills() {
        for (symbol, filled) in [
            ("█", 1.0),
            ("▄", 0.5),
            ("▁", 0.125),
            ("▇", 0.875),
            ("▉", 0.875),
            ("▏", 0.125),
            ("▓", 0.75),
            ("░", 0.25),
            ("▖", 0.25),
            ("┃", 0.0),
            ("⡇", 0.0),
            ("a", 0.0),
            ("", 0.0),
        ] {
            assert_eq!(coverage(symbol), filled, "{symbol}");
        }
    }

    /// The drawing at `radius`, and how far its solid part reaches (half-cells from the
    /// centre, the largest of width and height).
    fn draw(radius: f64, area: Rect) -> (Buffer, usize) {
        let mut buf = Buffer::empty(area);
        let s = Shape {
            radius,
            wake_levels: 1,
            fill: Style::new(),
            ring: Style::new(),
        };
        s.render(area, &mut buf);
        let mut cols = 0;
        let mut halves = 0;
        for x in 0..area.width {
            let col: Vec<&str> = (0..area.height).map(|y| buf[(x, y)].symbol()).collect();
            if col.iter().any(|c| ["█", "▀", "▄"].contains(c)) {
                cols += 1;
            }
        }
        for y in 0..area.height {
            let row: Vec<&str> = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
            if row.contains(&"█") || (row.contains(&"▀") && row.contains(&"▄")) {
                halves += 2;
            } else if row.contains(&"▀") || row.contains(&"▄") {
                halves += 1;
            }
        }
        (buf, cols.max(halves))
    }

    #[test]
    fn every_level_is_a_visibly_different_size() {
        for area in [Rect::new(0, 0, 15, 7), Rect::new(0, 0, 41, 20)] {
            let sizes = radii(area);
            assert!((8..=12).contains(&sizes.len()), "{}", sizes.len());
            let drawn: Vec<(Buffer, usize)> = sizes.iter().map(|&r| draw(r, area)).collect();
            for pair in drawn.windows(2) {
                assert_ne!(pair[0].0, pair[1].0, "each size looks different");
                assert!(pair[1].1 >= pair[0].1, "never smaller");
            }
            assert!(drawn.last().unwrap().1 > drawn[0].1 + 4);
        }
    }

    #[test]
    fn a_large_pacer_is_capped_and_mostly_outline() {
        let area = Rect::new(0, 0, 101, 50);
        let big = *radii(area).last().unwrap();
        assert!(big <= MAX_RADIUS + 1e-9, "{big}");
        let (buf, reach) = draw(big, area);
        assert!(reach <= 2 * MAX_RADIUS as usize + 1, "{reach}");
        // A filled disc of that radius would cover about π·12² / 2 ≈ 226 cells.
        let solid = solid_cells(&buf);
        assert!(solid < 80.0, "{solid}");
        // The middle of the shape is dark.
        assert_eq!(buf[(50, 25)].symbol(), " ");
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
        // Reduced motion: one small step per whole second of the 4 s in-breath, from the
        // smallest size to the largest, never straight from one to the other.
        let sizes = radii(area);
        let reduced: Vec<f64> = [100, 1_100, 2_100, 3_100, 3_900]
            .into_iter()
            .map(|ms| Shape::new(&at(ms), area, Motion::Reduced, s, s))
            .inspect(|sh| assert_eq!(sh.wake_levels, 1))
            .map(|sh| sh.radius)
            .collect();
        assert_eq!(reduced[0], sizes[0], "starts where the out-breath ended");
        assert_eq!(
            reduced[4],
            *sizes.last().unwrap(),
            "full by the last second"
        );
        for pair in reduced.windows(2) {
            assert!(pair[1] >= pair[0], "{reduced:?}");
        }
        assert!(
            reduced.windows(2).filter(|p| p[1] > p[0]).count() >= 3,
            "several small steps: {reduced:?}"
        );
        for (w, h) in [(0, 0), (1, 1), (2, 1), (1, 5)] {
            let tiny = Rect::new(0, 0, w, h);
            let sh = Shape::new(&at(0), tiny, m, s, s);
            assert_eq!(sh.wake_levels, 1);
            sh.render(tiny, &mut Buffer::empty(tiny));
        }
    }
}
