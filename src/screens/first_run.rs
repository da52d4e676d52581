//! The first-run notice: not medical advice, and the warning signs that mean "get help, not
//! a routine" (content guide §5.1 and §5.5, in its user-facing wording). Acknowledged once
//! with Enter and remembered in the data folder's notice log (so on every machine sharing
//! it); reachable again from home with `!`.

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Ctx, Nav, Route, Screen, StoreEffect, Update, go, stay};
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup, row};

use crate::core::notice::{EMERGENCY, NOTICE, RED_FLAGS, URGENT};

/// What a key does on the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Confirm,
    ScrollDown,
    ScrollUp,
    Close,
}

const SCROLL_DOWN: &[KeyCode] = &[
    KeyCode::Down,
    KeyCode::Char('j'),
    KeyCode::Char(' '),
    KeyCode::PageDown,
];
const SCROLL_UP: &[KeyCode] = &[KeyCode::Up, KeyCode::Char('k'), KeyCode::PageUp];
const CLOSE: &[KeyCode] = &[KeyCode::Esc, KeyCode::Char('q')];

/// On a first start: Enter acknowledges, q quits.
const FIRST_KEYS: &[Binding<Act>] = &[
    row(
        &[KeyCode::Enter],
        Act::Confirm,
        key("Enter", "I understand"),
    ),
    row(SCROLL_DOWN, Act::ScrollDown, key("↑↓", "scroll")),
    also(SCROLL_UP, Act::ScrollUp),
    row(CLOSE, Act::Close, key("q", "quit")),
];

/// Read again from home: Enter or q closes it.
const REVIEW_KEYS: &[Binding<Act>] = &[
    row(&[KeyCode::Enter], Act::Confirm, key("Enter", "close")),
    row(SCROLL_DOWN, Act::ScrollDown, key("↑↓", "scroll")),
    also(SCROLL_UP, Act::ScrollUp),
    row(CLOSE, Act::Close, help_only("q", "close")),
];

pub struct FirstRun {
    /// Shown again from home: Enter just closes it.
    review: bool,
    /// Where Enter goes after acknowledging (a session started from the command line);
    /// home when there is none.
    then: Option<Box<Route>>,
    scroll: u16,
    /// Lines that do not fit the current area, so scrolling stops at the end.
    overflow: u16,
}

impl FirstRun {
    pub fn new(review: bool, then: Option<Box<Route>>) -> FirstRun {
        FirstRun {
            review,
            then,
            scroll: 0,
            overflow: 0,
        }
    }

    fn table(&self) -> &'static [Binding<Act>] {
        if self.review { REVIEW_KEYS } else { FIRST_KEYS }
    }

    /// The area the notice's text gets within the screen.
    fn text_area(area: Rect) -> Rect {
        let [body, _] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        crate::ui::centered(body, body.width.saturating_sub(2).min(78), body.height)
    }

    fn body(&self, ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
        let t = &ctx.theme;
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

impl Screen for FirstRun {
    fn title(&self) -> &str {
        "Safety notice"
    }

    fn layout(&mut self, area: Rect, _now: Instant, ctx: &Ctx) {
        let inner = FirstRun::text_area(area);
        let total = self.body(ctx, inner.width).len() as u16;
        self.overflow = total.saturating_sub(inner.height);
        self.scroll = self.scroll.min(self.overflow);
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let [_, footer] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let inner = FirstRun::text_area(area);
        let lines = self.body(ctx, inner.width);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            inner,
        );
        crate::ui::footer(frame, footer, ctx.theme, ctx.status, &self.keys(ctx));
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, _ctx: &Ctx) -> Update {
        match lookup(self.table(), key.code) {
            Some(Act::Confirm) if self.review => go(Nav::Back),
            Some(Act::Confirm) => {
                let nav = match self.then.take() {
                    Some(route) => Nav::Replace(*route),
                    None => Nav::Home,
                };
                (nav, vec![StoreEffect::AcknowledgeNotice.into()])
            }
            Some(Act::ScrollDown) => {
                self.scroll = (self.scroll + 3).min(self.overflow);
                stay()
            }
            Some(Act::ScrollUp) => {
                self.scroll = self.scroll.saturating_sub(3);
                stay()
            }
            Some(Act::Close) if self.review => go(Nav::Back),
            Some(Act::Close) => go(Nav::Quit),
            None => stay(),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        // Scrolling is offered only when there is something to scroll to.
        let scrolls = self.overflow > 0;
        described(self.table(), |a| {
            scrolls || !matches!(a, Act::ScrollDown | Act::ScrollUp)
        })
    }
}
