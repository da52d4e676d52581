//! What shows while a screen's figures are read from the history on a thread of their own
//! (History, a session's detail, Stats): the screen's name and "Reading the history…",
//! quietly, with the keys that work at once — back, help, quit. The app puts the real
//! screen in its place when the reading is done (see `app::reads`), or forgets it when
//! this one was left first.

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph};

use super::{Ctx, Nav, Screen, Ticket, Update, go, stay};
use crate::ui::{Binding, KeyHelp, described, key, lookup, row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Back,
    /// A key the app handles everywhere (help), listed in the footer.
    App,
}

const KEYS: &[Binding<Act>] = &[
    row(
        &[KeyCode::Char('q'), KeyCode::Esc],
        Act::Back,
        key("q", "back"),
    ),
    row(&[], Act::App, key("?", "help")),
];

/// A screen waiting for its figures.
pub struct Reading {
    title: &'static str,
    ticket: Ticket,
}

impl Reading {
    /// The stand-in for the screen called `title`, until the read `ticket` is done.
    pub fn new(title: &'static str, ticket: Ticket) -> Reading {
        Reading { title, ticket }
    }
}

impl Screen for Reading {
    fn title(&self) -> &str {
        self.title
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let t = ctx.theme;
        let [body, foot] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
        let block = Block::bordered()
            .border_style(t.border)
            .title(Line::styled(format!(" {} ", self.title), t.title))
            .padding(Padding::horizontal(1));
        let inner = block.inner(body);
        frame.render_widget(block, body);
        let [middle] = Layout::vertical([Constraint::Length(1)])
            .flex(Flex::Center)
            .areas(inner);
        frame.render_widget(
            Paragraph::new(Line::styled("Reading the history…", t.muted)).centered(),
            middle,
        );
        crate::ui::footer(frame, foot, t, ctx.status, &self.keys(ctx));
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, _ctx: &Ctx) -> Update {
        match lookup(KEYS, key.code) {
            Some(Act::Back) => go(Nav::Back),
            Some(Act::App) | None => stay(),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        described(KEYS, |_| true)
    }

    fn awaits(&self) -> Option<Ticket> {
        Some(self.ticket)
    }
}
