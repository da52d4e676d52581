//! The 0-10 head-pain question, shared by the before and finish screens. A digit answers
//! at once; `1` waits a moment for a `0` so 10 takes two keys; arrows move a marker and
//! Enter confirms it, or skips when nothing is chosen.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::ui::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Still asking.
    Pending,
    Rated(u8),
    Skipped,
}

#[derive(Debug, Clone, Default)]
pub struct Rating {
    /// The marked value, moved by arrows or set by a `1` awaiting a possible `0`.
    pub marked: Option<u8>,
    one_pending: bool,
}

impl Rating {
    pub fn handle_key(&mut self, key: KeyEvent) -> Answer {
        match key.code {
            KeyCode::Char('0') if self.one_pending => Answer::Rated(10),
            KeyCode::Char('1') => {
                self.one_pending = true;
                self.marked = Some(1);
                Answer::Pending
            }
            KeyCode::Char(c @ '0'..='9') => Answer::Rated(c as u8 - b'0'),
            KeyCode::Left | KeyCode::Char('h') => {
                self.one_pending = false;
                self.marked = Some(self.marked.map_or(0, |m| m.saturating_sub(1)));
                Answer::Pending
            }
            KeyCode::Right | KeyCode::Char('l') => {
                self.one_pending = false;
                self.marked = Some(self.marked.map_or(0, |m| (m + 1).min(10)));
                Answer::Pending
            }
            KeyCode::Enter => match self.marked {
                Some(m) => Answer::Rated(m),
                None => Answer::Skipped,
            },
            KeyCode::Char('s') | KeyCode::Tab => Answer::Skipped,
            _ => Answer::Pending,
        }
    }

    /// "0 1 2 3 4 5 6 7 8 9 10" with the marked value highlighted.
    pub fn scale(&self, theme: &Theme) -> Line<'static> {
        let mut spans = Vec::new();
        for n in 0..=10u8 {
            let style: Style = if self.marked == Some(n) {
                theme.selected
            } else {
                theme.base
            };
            spans.push(Span::styled(format!("{n}"), style));
            if n < 10 {
                spans.push(Span::raw(" "));
            }
        }
        Line::from(spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn digits_answer_at_once_and_ten_takes_two_keys() {
        assert_eq!(
            Rating::default().handle_key(k(KeyCode::Char('6'))),
            Answer::Rated(6)
        );
        assert_eq!(
            Rating::default().handle_key(k(KeyCode::Char('0'))),
            Answer::Rated(0)
        );
        let mut r = Rating::default();
        assert_eq!(r.handle_key(k(KeyCode::Char('1'))), Answer::Pending);
        assert_eq!(r.handle_key(k(KeyCode::Char('0'))), Answer::Rated(10));
        let mut r = Rating::default();
        r.handle_key(k(KeyCode::Char('1')));
        assert_eq!(r.handle_key(k(KeyCode::Enter)), Answer::Rated(1));
    }

    #[test]
    fn enter_skips_and_arrows_move() {
        assert_eq!(
            Rating::default().handle_key(k(KeyCode::Enter)),
            Answer::Skipped
        );
        let mut r = Rating::default();
        r.handle_key(k(KeyCode::Right)); // 0
        r.handle_key(k(KeyCode::Right)); // 1
        r.handle_key(k(KeyCode::Right)); // 2
        r.handle_key(k(KeyCode::Left));
        assert_eq!(r.handle_key(k(KeyCode::Enter)), Answer::Rated(1));
        let mut r = Rating::default();
        for _ in 0..20 {
            r.handle_key(k(KeyCode::Right));
        }
        assert_eq!(r.marked, Some(10));
    }
}
