//! Before a routine: its cautions and what you need, then the optional "How is your head
//! right now?" rating. A strong headache before a routine with pressure work gets a gentle
//! word (content guide §0 rule 2: pressure is for between bad headaches) and the offer of
//! the migraine-day routine instead.

use std::cell::Cell;
use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::{Env, KeyHelp, Nav, View, help_only, key};
use crate::model::routine::{Routine, fmt_short};
use crate::ui::rating::{Answer, Rating};

/// At or above this before-rating, a routine with pressure work asks once more.
const STRONG: u8 = 7;
const GENTLE_ID: &str = "migraine-day";

enum Stage {
    Asking(Rating),
    Strong(u8),
}

pub struct Before {
    routine: Routine,
    stage: Stage,
    scroll: u16,
    /// Lines of text that did not fit at the last draw, so scrolling stops at the end.
    overflow: Cell<u16>,
}

impl Before {
    pub fn new(routine: Routine) -> Before {
        Before {
            routine,
            stage: Stage::Asking(Rating::default()),
            scroll: 0,
            overflow: Cell::new(0),
        }
    }

    fn has_pressure(&self) -> bool {
        self.routine.steps.iter().any(|s| s.pressure.is_some())
    }

    fn start(&self, env: &mut Env, pain: Option<u8>, now: Instant) -> Nav {
        super::start_player(env, self.routine.clone(), pain, now)
    }
}

impl View for Before {
    fn title(&self) -> &str {
        "Before you start"
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env, _now: Instant) {
        let t = &env.theme;
        let r = &self.routine;
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let inner = crate::ui::centered(body, body.width.saturating_sub(2).min(76), body.height);
        let w = inner.width;
        let facts = format!("{} · {} steps ", fmt_short(r.total()), r.steps.len());
        let [hl, hr] = Layout::horizontal([
            Constraint::Min(1),
            Constraint::Length(facts.chars().count() as u16),
        ])
        .areas(head);
        frame.render_widget(Line::styled(format!(" {}", r.name), t.title), hl);
        frame.render_widget(Line::styled(facts, t.muted), hr);

        let mut lines: Vec<Line> = Vec::new();
        let mut question: Vec<Line> = Vec::new();
        match &self.stage {
            Stage::Asking(rating) => {
                if !r.equipment.is_empty() {
                    lines.extend(crate::ui::wrap_lines(
                        &format!("You need: {}", r.equipment.join(", ")),
                        w,
                        t.base,
                    ));
                    lines.push(Line::raw(""));
                }
                if !r.cautions.is_empty() {
                    lines.push(Line::styled("Before you start", t.title));
                    for c in &r.cautions {
                        let opts = textwrap::Options::new(w.max(8) as usize)
                            .initial_indent(" • ")
                            .subsequent_indent("   ");
                        for l in textwrap::wrap(c, opts) {
                            lines.push(Line::styled(l.into_owned(), t.caution));
                        }
                    }
                }
                question.push(Line::raw(""));
                if env.ask_ratings {
                    question.push(Line::styled("How is your head right now?", t.title));
                    question.push(rating.scale(t));
                    if inner.height >= 16 {
                        question.extend(crate::ui::wrap_lines(
                            "0 = no pain, 10 = worst imaginable. Type a number (1 then 0 for 10), or Enter to skip.",
                            w,
                            t.muted,
                        ));
                    }
                } else {
                    question.push(Line::styled("Press Enter when you are ready.", t.title));
                }
            }
            Stage::Strong(n) => {
                lines.push(Line::styled(
                    format!("Your head is at {n} out of 10."),
                    t.title,
                ));
                lines.push(Line::raw(""));
                lines.extend(crate::ui::wrap_lines(
                    "Pressure work is best kept for between bad headaches: during one, pressing can make it worse for some people. Slow breathing and a still hold are kinder now.",
                    w,
                    t.base,
                ));
                lines.push(Line::raw(""));
                lines.extend(crate::ui::wrap_lines(
                    "If this headache is unlike your usual ones, came on suddenly, or comes with weakness, confusion, vision changes or fever, stop and get medical help.",
                    w,
                    t.caution,
                ));
                question.push(Line::raw(""));
                if env.lib.routine(GENTLE_ID).is_some() {
                    question.extend(crate::ui::wrap_lines(
                        "g  switch to Migraine-day gentle (breathing and a still hold)",
                        w,
                        t.base,
                    ));
                }
                question.push(Line::styled("Enter  go ahead, gently", t.base));
            }
        }
        // The question stays on screen; the text above it scrolls when it does not fit.
        let [text_area, q_area] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(question.len() as u16),
        ])
        .areas(inner);
        let overflow = (lines.len() as u16).saturating_sub(text_area.height);
        self.overflow.set(overflow);
        let scroll = self.scroll.min(overflow);
        if overflow > scroll && text_area.height > 1 {
            let keep = (text_area.height - 1) as usize + scroll as usize;
            lines.truncate(keep);
            lines.push(Line::styled("↓ more", t.muted));
        }
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), text_area);
        frame.render_widget(Paragraph::new(question), q_area);
        crate::ui::footer(frame, foot, env, &self.keys());
    }

    fn handle_key(&mut self, key: KeyEvent, env: &mut Env, now: Instant) -> Nav {
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return Nav::Back,
            KeyCode::Down | KeyCode::Char('j') => {
                self.scroll = (self.scroll + 2).min(self.overflow.get());
                return Nav::Stay;
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.scroll = self.scroll.saturating_sub(2);
                return Nav::Stay;
            }
            _ => {}
        }
        match &mut self.stage {
            Stage::Asking(rating) => {
                if !env.ask_ratings {
                    return if key.code == KeyCode::Enter {
                        self.start(env, None, now)
                    } else {
                        Nav::Stay
                    };
                }
                match rating.handle_key(key) {
                    Answer::Pending => Nav::Stay,
                    Answer::Skipped => self.start(env, None, now),
                    Answer::Rated(n) if n >= STRONG && self.has_pressure() => {
                        self.stage = Stage::Strong(n);
                        Nav::Stay
                    }
                    Answer::Rated(n) => self.start(env, Some(n), now),
                }
            }
            Stage::Strong(n) => {
                let n = *n;
                match key.code {
                    KeyCode::Enter => self.start(env, Some(n), now),
                    KeyCode::Char('g') => match env.lib.routine(GENTLE_ID).cloned() {
                        Some(gentle) => super::start_player(env, gentle, Some(n), now),
                        None => Nav::Stay,
                    },
                    _ => Nav::Stay,
                }
            }
        }
    }

    fn keys(&self) -> Vec<KeyHelp> {
        match self.stage {
            Stage::Asking(_) => vec![
                key("0-10", "rate"),
                key("Enter", "skip and start"),
                key("Esc", "back"),
                help_only("← →", "move the marker, then Enter"),
                help_only("↑↓", "scroll the cautions when they do not fit"),
            ],
            Stage::Strong(_) => vec![
                key("Enter", "go ahead"),
                key("g", "gentle instead"),
                key("Esc", "back"),
            ],
        }
    }
}
