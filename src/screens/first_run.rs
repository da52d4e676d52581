//! The first-run notice: not medical advice, and the warning signs that mean "get help, not
//! a routine" (content guide §5.1 and §5.5, in its user-facing wording). Acknowledged once
//! with Enter and remembered in the data folder's notice log (so on every machine sharing
//! it); reachable again from home with `!`.

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;

use super::{Ctx, Nav, Route, Screen, StoreEffect, Update, go, stay};
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup_where, row};

use crate::core::notice::{self, Part};

/// What a key does on the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    /// Enter on a first start: acknowledged.
    Acknowledge,
    /// Enter or q when read again from home.
    Close,
    /// q on a first start.
    Quit,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    End,
    Top,
}

const ENTER: &[KeyCode] = &[KeyCode::Enter];
const CLOSE: &[KeyCode] = &[KeyCode::Esc, KeyCode::Char('q')];

/// One table for both uses of the notice; [`FirstRun::applies`] picks the rows.
const KEYS: &[Binding<Act>] = &[
    row(ENTER, Act::Acknowledge, key("Enter", "I understand")),
    row(ENTER, Act::Close, key("Enter", "close")),
    row(
        &[KeyCode::PageDown, KeyCode::Char(' ')],
        Act::PageDown,
        key("PgDn", "more"),
    ),
    row(
        &[KeyCode::Down, KeyCode::Char('j')],
        Act::ScrollDown,
        help_only("↑↓", "scroll a line"),
    ),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::ScrollUp),
    row(
        &[KeyCode::PageUp],
        Act::PageUp,
        help_only("PgUp", "a page up"),
    ),
    row(
        &[KeyCode::End, KeyCode::Char('G')],
        Act::End,
        help_only("End Home", "the end, the top"),
    ),
    also(&[KeyCode::Home, KeyCode::Char('g')], Act::Top),
    row(CLOSE, Act::Quit, key("q", "quit")),
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
    /// Rows of text the current area shows, for PgUp and PgDn.
    page: u16,
}

impl FirstRun {
    pub fn new(review: bool, then: Option<Box<Route>>) -> FirstRun {
        FirstRun {
            review,
            then,
            scroll: 0,
            overflow: 0,
            page: 1,
        }
    }

    fn scroll_to(&mut self, line: u16) -> Update {
        self.scroll = line.min(self.overflow);
        stay()
    }

    /// Whether a row of [`KEYS`] applies: Enter acknowledges and q quits on a first start;
    /// read again from home, both close it.
    fn applies(&self, a: Act) -> bool {
        match a {
            Act::Acknowledge | Act::Quit => !self.review,
            Act::Close => self.review,
            _ => true,
        }
    }

    /// The area the notice's text gets within the screen.
    fn text_area(area: Rect) -> Rect {
        let area = crate::ui::text_column(area);
        let [body, _] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        crate::ui::centered(body, body.width.saturating_sub(2).min(78), body.height)
    }

    fn body(&self, ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
        let t = &ctx.theme;
        let mut lines = Vec::new();
        for part in notice::parts() {
            match part {
                Part::Title(text) => lines.push(Line::styled(text, t.title)),
                Part::Paragraph(text) => {
                    lines.push(Line::raw(""));
                    lines.extend(crate::ui::wrap_lines(text, width, t.base));
                }
                Part::Heading(text) => {
                    lines.push(Line::raw(""));
                    lines.push(Line::styled(text, t.title));
                }
                Part::Flag(flag) => {
                    let opts = textwrap::Options::new(width.max(8) as usize)
                        .initial_indent(" • ")
                        .subsequent_indent("   ");
                    for l in textwrap::wrap(flag, opts) {
                        lines.push(Line::styled(l.into_owned(), t.caution));
                    }
                }
            }
        }
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
        self.page = inner.height.saturating_sub(1).max(1);
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let [_, footer] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)])
            .areas(crate::ui::text_column(area));
        let inner = FirstRun::text_area(area);
        let lines = self.body(ctx, inner.width);
        // Say there is more below, on the last row, until the end is in view: the
        // emergency paragraphs come last.
        let mark = Line::styled("↓ more below (PgDn, End)", ctx.theme.accent);
        let top = usize::from(self.scroll);
        let scrolled = crate::ui::scroll::Scrolled { lines, top, mark };
        frame.render_widget(scrolled, inner);
        crate::ui::footer(frame, footer, ctx.theme, ctx.status, &self.keys(ctx));
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, _ctx: &Ctx) -> Update {
        match lookup_where(KEYS, key.code, |a| self.applies(a)) {
            Some(Act::Close) => go(Nav::Back),
            Some(Act::Acknowledge) => {
                let nav = match self.then.take() {
                    Some(route) => Nav::Replace(*route),
                    None => Nav::Home,
                };
                (nav, vec![StoreEffect::AcknowledgeNotice.into()])
            }
            Some(Act::ScrollDown) => self.scroll_to(self.scroll.saturating_add(1)),
            Some(Act::ScrollUp) => self.scroll_to(self.scroll.saturating_sub(1)),
            Some(Act::PageDown) => self.scroll_to(self.scroll.saturating_add(self.page)),
            Some(Act::PageUp) => self.scroll_to(self.scroll.saturating_sub(self.page)),
            Some(Act::End) => self.scroll_to(self.overflow),
            Some(Act::Top) => self.scroll_to(0),
            Some(Act::Quit) => go(Nav::Quit),
            None => stay(),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        // Scrolling is offered only when there is something to scroll to, and "more" only
        // until the end is on screen.
        let scrolls = self.overflow > 0;
        described(KEYS, |a| {
            self.applies(a)
                && (scrolls || matches!(a, Act::Acknowledge | Act::Close | Act::Quit))
                && (a != Act::PageDown || self.scroll < self.overflow)
        })
    }
}
