//! Breathing on its own: pick a pattern (bundled and the user's own) and a length in
//! minutes or breaths, then a full-screen pacer (the player in breathing mode). Patterns
//! with holds or sighs carry the content guide's breathing cautions (§3.3), and 4-7-8 is
//! kept to four breaths a round.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use crate::app::{Env, KeyHelp, Nav, View, help_only, key};
use crate::model::routine::{Length, Pattern};

pub const DEFAULT_PATTERN: &str = "extended-exhale";
const MINUTES: [u64; 7] = [1, 2, 3, 5, 10, 15, 20];
const BREATHS: [u32; 7] = [3, 4, 6, 9, 12, 18, 30];
const FOUR_SEVEN_EIGHT_MAX: u32 = 4;

pub const HOLD_CAUTION: &str = "Sit or lie down for this one, never while driving, in water or leaning on a ball. \
If you feel light-headed, dizzy or tingly, stop and breathe normally. Skip breath holds if you are pregnant \
or have heart or lung disease, uncontrolled blood pressure, epilepsy, glaucoma or panic disorder.";
pub const SIGH_CAUTION: &str =
    "Breathe slowly, not hugely. If you feel light-headed or tingly, stop and breathe normally.";

/// Keeps a pattern within the guide's limits: 4-7-8 at most four breaths in a round.
/// Returns the (possibly shortened) length and a note when it was changed.
pub fn cap_for_pattern(p: &Pattern, len: Length) -> (Length, Option<String>) {
    if p.id != "4-7-8" {
        return (len, None);
    }
    let breaths = match len {
        Length::Breaths(n) => n,
        Length::Time(d) => (d.as_secs_f64() / p.cycle().as_secs_f64()).ceil() as u32,
    };
    if breaths <= FOUR_SEVEN_EIGHT_MAX {
        (Length::Breaths(breaths.max(1)), None)
    } else {
        (
            Length::Breaths(FOUR_SEVEN_EIGHT_MAX),
            Some(
                "4-7-8 is kept to 4 breaths a round; rest and breathe normally before another"
                    .into(),
            ),
        )
    }
}

pub fn caution_for(p: &Pattern) -> Option<&'static str> {
    if p.has_holds() {
        Some(HOLD_CAUTION)
    } else if p
        .phases
        .iter()
        .filter(|ph| ph.kind == crate::model::routine::PhaseKind::In)
        .count()
        > 1
    {
        Some(SIGH_CAUTION)
    } else {
        None
    }
}

pub struct Setup {
    selected: usize,
    by_breaths: bool,
    minutes: usize,
    breaths: usize,
}

impl Setup {
    pub fn new(env: &Env) -> Setup {
        let selected = env
            .lib
            .patterns
            .iter()
            .position(|p| p.id == DEFAULT_PATTERN)
            .unwrap_or(0);
        Setup {
            selected,
            by_breaths: false,
            minutes: 3, // 5 minutes
            breaths: 2, // 6 breaths
        }
    }

    fn pattern<'e>(&self, env: &'e Env) -> Option<&'e Pattern> {
        env.lib.patterns.get(self.selected)
    }

    fn length(&self, env: &Env) -> Option<Length> {
        let p = self.pattern(env)?;
        let len = if self.by_breaths || p.id == "4-7-8" {
            Length::Breaths(BREATHS[self.breaths])
        } else {
            Length::Time(Duration::from_secs(MINUTES[self.minutes] * 60))
        };
        Some(cap_for_pattern(p, len).0)
    }

    fn length_words(&self, env: &Env) -> String {
        match self.length(env) {
            Some(Length::Breaths(n)) => {
                let secs = self
                    .pattern(env)
                    .map(|p| p.cycle().as_secs_f64() * n as f64)
                    .unwrap_or(0.0);
                format!(
                    "{n} breaths (about {})",
                    crate::model::routine::fmt_short(Duration::from_secs_f64(secs))
                )
            }
            Some(Length::Time(d)) => format!(
                "{} minute{}",
                d.as_secs() / 60,
                if d.as_secs() == 60 { "" } else { "s" }
            ),
            None => String::new(),
        }
    }

    fn nudge(&mut self, delta: isize) {
        let step = |i: usize, n: usize| (i as isize + delta).clamp(0, n as isize - 1) as usize;
        if self.by_breaths {
            self.breaths = step(self.breaths, BREATHS.len());
        } else {
            self.minutes = step(self.minutes, MINUTES.len());
        }
    }
}

impl View for Setup {
    fn title(&self) -> &str {
        "Breathing"
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env, _now: Instant) {
        let t = &env.theme;
        let [head, body, foot] = crate::ui::screen_areas(area);
        frame.render_widget(Line::styled(" Breathing", t.title), head);
        let wide = body.width >= 64;
        let n = env.lib.patterns.len() as u16 + 2;
        let (list, detail) = if wide {
            let list_w = (body.width * 2 / 5).clamp(28, 40);
            let [l, d] =
                Layout::horizontal([Constraint::Length(list_w), Constraint::Min(0)]).areas(body);
            (l, d)
        } else {
            let [l, d] = Layout::vertical([Constraint::Max(n), Constraint::Min(0)]).areas(body);
            (l, d)
        };
        let list_w = list.width;
        let rows: Vec<Line> = env
            .lib
            .patterns
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let style = if i == self.selected {
                    t.selected
                } else {
                    t.base
                };
                let w = list_w.saturating_sub(2) as usize;
                Line::styled(format!(" {:w$}", p.id), style)
            })
            .collect();
        let block = Block::bordered()
            .border_style(t.border)
            .title(Line::styled(" Pattern ", t.title));
        frame.render_widget(Paragraph::new(rows).block(block), list);

        let Some(p) = self.pattern(env) else { return };
        let w = if wide {
            detail.width.saturating_sub(4)
        } else {
            body.width.saturating_sub(4)
        };
        let mut lines: Vec<Line> = Vec::new();
        if let Some(d) = &p.description {
            lines.extend(crate::ui::wrap_lines(d, w, t.base));
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            format!("{} · {:.1} breaths a minute", p.timing(), p.per_minute()),
            t.muted,
        ));
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("Length  ", t.title),
            Span::styled(format!("◂ {} ▸", self.length_words(env)), t.accent),
        ]));
        if let Some(c) = caution_for(p) {
            lines.push(Line::raw(""));
            lines.extend(crate::ui::wrap_lines(c, w, t.caution));
        }
        if wide {
            let block = Block::bordered()
                .border_style(t.border)
                .padding(Padding::horizontal(1))
                .title(Line::styled(format!(" {} ", p.id), t.title));
            frame.render_widget(Paragraph::new(lines).block(block), detail);
        } else {
            // Narrow: just the length (and any caution) under the list.
            let short: Vec<Line> = lines
                .into_iter()
                .skip_while(|l| !l.spans.iter().any(|s| s.content == "Length  "))
                .collect();
            let r = Rect {
                x: detail.x + 1,
                width: detail.width.saturating_sub(2),
                ..detail
            };
            frame.render_widget(Paragraph::new(short), r);
        }
        crate::ui::footer(frame, foot, env, &self.keys());
    }

    fn handle_key(&mut self, key: KeyEvent, env: &mut Env, now: Instant) -> Nav {
        let n = env.lib.patterns.len();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') if n > 0 => {
                self.selected = (self.selected + 1).min(n - 1)
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Char('+') => self.nudge(1),
            KeyCode::Left | KeyCode::Char('h') | KeyCode::Char('-') => self.nudge(-1),
            KeyCode::Tab => self.by_breaths = !self.by_breaths,
            KeyCode::Enter => {
                if let (Some(p), Some(len)) = (self.pattern(env).cloned(), self.length(env)) {
                    let player = super::player::Player::breathing(env, &p, len, now);
                    return Nav::Replace(Box::new(player));
                }
            }
            KeyCode::Esc | KeyCode::Char('q') => return Nav::Back,
            _ => {}
        }
        Nav::Stay
    }

    fn keys(&self) -> Vec<KeyHelp> {
        vec![
            key("Enter", "start"),
            key("↑↓", "pattern"),
            key("←→", "length"),
            key("Tab", "minutes/breaths"),
            key("Esc", "back"),
            help_only("j k h l", "the same, vim keys"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::routine::{Phase, PhaseKind, Source};

    fn pattern(id: &str, secs: &[(PhaseKind, u64)]) -> Pattern {
        Pattern {
            id: id.into(),
            description: None,
            phases: secs
                .iter()
                .map(|&(kind, s)| Phase {
                    kind,
                    length: Duration::from_secs(s),
                    label: None,
                })
                .collect(),
            source: Source::Bundled,
        }
    }

    #[test]
    fn four_seven_eight_is_kept_to_four_breaths() {
        let p = pattern(
            "4-7-8",
            &[
                (PhaseKind::In, 4),
                (PhaseKind::Hold, 7),
                (PhaseKind::Out, 8),
            ],
        );
        assert_eq!(
            cap_for_pattern(&p, Length::Breaths(3)),
            (Length::Breaths(3), None)
        );
        let (len, note) = cap_for_pattern(&p, Length::Time(Duration::from_secs(300)));
        assert_eq!(len, Length::Breaths(4));
        assert!(note.is_some());
        let calm = pattern("relaxed", &[(PhaseKind::In, 5), (PhaseKind::Out, 5)]);
        assert_eq!(
            cap_for_pattern(&calm, Length::Breaths(30)).0,
            Length::Breaths(30)
        );
        assert!(caution_for(&calm).is_none());
        assert!(caution_for(&p).is_some());
    }
}
