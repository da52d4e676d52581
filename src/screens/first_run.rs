//! The first-run notice: not medical advice, and the warning signs that mean "get help, not
//! a routine" (content guide §5.1 and §5.5, in its user-facing wording). Acknowledged once
//! with Enter and remembered in `<data>/state.toml`; reachable again from home with `!`.

use std::cell::Cell;
use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{Env, KeyHelp, Nav, View, help_only, key};
use crate::store::state::State;

pub const NOTICE: &str = "This tool offers general self-care routines for relaxation and muscle \
tension. It is not medical advice and does not diagnose, treat or prevent any condition. It does \
not replace care from your doctor, physiotherapist or massage therapist. Check with a health \
professional before starting if you are pregnant, take blood thinners, have osteoporosis, a heart, \
blood-vessel or lung condition, or have had a recent injury or surgery. Stop any exercise that \
causes pain, dizziness, numbness or a worse headache.";

pub const EMERGENCY: &str = "Call your local emergency number now if a headache came on suddenly \
and is extremely painful, follows a significant head injury, or comes with sudden problems \
speaking or remembering, loss of vision, drowsiness or confusion, a high temperature with a stiff \
neck or rash, or a red white-of-the-eye.";

pub const RED_FLAGS: [&str; 9] = [
    "A headache that reaches its worst within about a minute (\"worst ever\", \"thunderclap\")",
    "Weakness, numbness, a drooping face, trouble speaking, confusion, loss of vision or double vision, a seizure, unsteadiness",
    "Fever, chills, night sweats or weight loss you can't explain; a headache with a stiff neck or a rash",
    "A new headache after 50, especially with a tender scalp, jaw pain when chewing, or changes in vision",
    "Headaches clearly different from your usual ones, or getting steadily worse or more frequent",
    "Headaches brought on by coughing, sneezing, straining, exercise or sex, or much worse lying down or standing up",
    "A new or different headache while pregnant or after giving birth",
    "A headache after a head or neck injury, or with a painful red eye",
    "New, severe or unusual neck pain or headache during or after neck massage, especially with dizziness, double vision, slurred speech or unsteadiness",
];

pub const URGENT: &str = "Get urgent same-day advice for a severe headache with jaw pain when \
eating, blurred or double vision, a sore scalp, or numb or weak arms or legs. See your doctor if \
headaches keep coming back, painkillers don't help, or you need pain relief on many days a month.";

pub struct FirstRun {
    /// Shown again from home: Enter just closes it.
    review: bool,
    /// Shown before a session started from the command line: Enter acknowledges and
    /// goes on to that session (the screen below this one) instead of home.
    gate: bool,
    scroll: u16,
    /// Lines that did not fit at the last draw, so scrolling stops at the end.
    overflow: Cell<u16>,
}

impl FirstRun {
    pub fn new(review: bool) -> FirstRun {
        FirstRun {
            review,
            gate: false,
            scroll: 0,
            overflow: Cell::new(0),
        }
    }

    /// The notice in front of a session started with `run` or `breathe`.
    pub fn gate() -> FirstRun {
        FirstRun {
            gate: true,
            ..FirstRun::new(false)
        }
    }

    /// Whether the notice still needs acknowledging.
    pub fn needed(env: &Env) -> bool {
        match env.paths.data.as_deref() {
            Some(d) => State::load(d).notice_acknowledged.is_none(),
            None => true,
        }
    }

    fn acknowledge(&self, env: &mut Env) {
        let Some(dir) = env.paths.data.clone() else {
            return;
        };
        let mut state = State::load(&dir);
        state.notice_acknowledged = Some((env.wall)().timestamp().to_string());
        if let Err(e) = state.save(&dir) {
            env.status = Some(format!(
                "could not remember this ({}): it will show again next time",
                e.kind()
            ));
        }
    }

    fn body(&self, env: &Env, width: u16) -> Vec<Line<'static>> {
        let t = &env.theme;
        let mut lines = Vec::new();
        lines.push(Line::styled("Important — please read", t.title));
        lines.push(Line::raw(""));
        lines.extend(crate::ui::wrap_lines(NOTICE, width, t.base));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Get medical help instead of a routine if you have:",
            t.title,
        ));
        for flag in RED_FLAGS {
            let opts = textwrap::Options::new(width.max(8) as usize)
                .initial_indent(" • ")
                .subsequent_indent("   ");
            for l in textwrap::wrap(flag, opts) {
                lines.push(Line::styled(l.into_owned(), t.caution));
            }
        }
        lines.push(Line::raw(""));
        lines.extend(crate::ui::wrap_lines(EMERGENCY, width, t.base));
        lines.push(Line::raw(""));
        lines.extend(crate::ui::wrap_lines(URGENT, width, t.base));
        lines
    }
}

impl View for FirstRun {
    fn title(&self) -> &str {
        "Safety notice"
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env, _now: Instant) {
        let [body, footer] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let inner = crate::ui::centered(body, body.width.saturating_sub(2).min(78), body.height);
        let lines = self.body(env, inner.width);
        let total = lines.len() as u16;
        self.overflow.set(total.saturating_sub(inner.height));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll.min(self.overflow.get()), 0)),
            inner,
        );
        let mut keys = self.keys();
        if self.overflow.get() == 0 {
            keys.retain(|k| k.keys != "↑↓");
        }
        crate::ui::footer(frame, footer, env, &keys);
    }

    fn handle_key(&mut self, key: KeyEvent, env: &mut Env, _now: Instant) -> Nav {
        match key.code {
            KeyCode::Enter => {
                if self.review {
                    Nav::Back
                } else {
                    self.acknowledge(env);
                    if self.gate { Nav::Back } else { Nav::Home }
                }
            }
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Char(' ') | KeyCode::PageDown => {
                self.scroll = (self.scroll + 3).min(self.overflow.get());
                Nav::Stay
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => {
                self.scroll = self.scroll.saturating_sub(3);
                Nav::Stay
            }
            KeyCode::Esc | KeyCode::Char('q') => {
                if self.review {
                    Nav::Back
                } else {
                    Nav::Quit
                }
            }
            _ => Nav::Stay,
        }
    }

    fn keys(&self) -> Vec<KeyHelp> {
        vec![
            if self.review {
                key("Enter", "close")
            } else {
                key("Enter", "I understand")
            },
            key("↑↓", "scroll"),
            if self.review {
                help_only("q", "close")
            } else {
                key("q", "quit")
            },
        ]
    }
}
