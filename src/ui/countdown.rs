//! The large countdown, readable from a metre away: big digits (tui-big-text) at the largest
//! size that fits, plain bold text when nothing bigger fits.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use tui_big_text::{BigText, PixelSize};

use crate::model::format::clock;

pub struct Countdown {
    pub secs: u64,
    pub style: Style,
}

impl Countdown {
    pub fn text(&self) -> String {
        clock(self.secs)
    }

    /// The size it will draw at in `area`, as (columns, rows).
    pub fn size_in(&self, area: Rect) -> (u16, u16) {
        let n = self.text().chars().count() as u16;
        match pick(n, area) {
            Some((ps, w, h)) => {
                let _ = ps;
                (w, h)
            }
            None => (n, 1),
        }
    }
}

/// The biggest pixel size whose glyphs (8×8 pixels) fit: returns the size and its extent.
/// (Sextant and octant sizes are left out: their block characters are missing from many
/// terminal fonts.)
fn pick(chars: u16, area: Rect) -> Option<(PixelSize, u16, u16)> {
    [
        (PixelSize::Full, 8, 8),
        (PixelSize::HalfHeight, 8, 4),
        (PixelSize::Quadrant, 4, 4),
    ]
    .into_iter()
    .map(|(ps, cw, rows)| (ps, cw * chars, rows))
    .find(|&(_, w, h)| w <= area.width && h <= area.height)
}

impl Widget for Countdown {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let text = self.text();
        let n = text.chars().count() as u16;
        match pick(n, area) {
            Some((ps, w, h)) => {
                let r = Rect::new(area.x, area.y, w, h);
                BigText::builder()
                    .pixel_size(ps)
                    .style(self.style)
                    .lines(vec![Line::from(text)])
                    .build()
                    .render(r, buf);
            }
            None => Line::styled(text, self.style).render(area, buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(secs: u64, w: u16, h: u16) -> Vec<String> {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        Countdown {
            secs,
            style: Style::new(),
        }
        .render(area, &mut buf);
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect()
    }

    #[test]
    fn picks_the_biggest_size_that_fits() {
        let c = Countdown {
            secs: 90,
            style: Style::new(),
        };
        assert_eq!(c.size_in(Rect::new(0, 0, 40, 10)), (32, 8));
        assert_eq!(c.size_in(Rect::new(0, 0, 40, 5)), (32, 4));
        assert_eq!(c.size_in(Rect::new(0, 0, 20, 4)), (16, 4));
        assert_eq!(c.size_in(Rect::new(0, 0, 10, 2)), (4, 1));
        let lines = draw(90, 10, 2);
        assert_eq!(lines[0].trim_end(), "1:30");
        let big = draw(90, 16, 4).join("\n");
        assert!(big.chars().any(|c| c != ' ' && c != '\n'), "{big}");
    }
}
