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

use super::{Ctx, Nav, Route, Screen, Update, go, stay};
use crate::core::rules::{cap_for_pattern, caution_for};
use crate::model::format::width;
use crate::model::routine::{Length, Pattern};
use crate::ui::scroll::{MORE_BELOW, PageScroll, Scrolled, TEXT_STEP};
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup, lookup_where, row};

use crate::core::rules::{BREATHING_BREATHS as BREATHS, BREATHING_MINUTES as MINUTES};
/// What a key does on the breathing setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Start,
    Next,
    Previous,
    Longer,
    Shorter,
    Unit,
    Back,
}

const KEYS: &[Binding<Act>] = &[
    row(&[KeyCode::Enter], Act::Start, key("Enter", "start")),
    row(&[KeyCode::Down], Act::Next, key("↑↓", "pattern")),
    also(&[KeyCode::Up], Act::Previous),
    row(
        &[KeyCode::Right, KeyCode::Char('+')],
        Act::Longer,
        key("←→", "length"),
    ),
    also(&[KeyCode::Left, KeyCode::Char('-')], Act::Shorter),
    row(&[KeyCode::Tab], Act::Unit, key("Tab", "minutes/breaths")),
    row(
        &[KeyCode::Esc, KeyCode::Char('q')],
        Act::Back,
        key("Esc", "back"),
    ),
    row(
        &[KeyCode::Char('j')],
        Act::Next,
        help_only("j k h l", "the same, vim keys"),
    ),
    also(&[KeyCode::Char('k')], Act::Previous),
    also(&[KeyCode::Char('l')], Act::Longer),
    also(&[KeyCode::Char('h')], Act::Shorter),
];

#[derive(Clone)]
pub struct Setup {
    selected: usize,
    by_breaths: bool,
    minutes: usize,
    breaths: usize,
}

impl Setup {
    pub fn new(ctx: &Ctx) -> Setup {
        let selected = ctx
            .lib
            .patterns
            .iter()
            .position(|p| p.id == crate::core::rules::BREATHING_DEFAULT_PATTERN)
            .unwrap_or(0);
        Setup {
            selected,
            by_breaths: false,
            minutes: 3, // 5 minutes
            breaths: 2, // 6 breaths
        }
    }

    fn pattern<'e>(&self, ctx: &Ctx<'e>) -> Option<&'e Pattern> {
        ctx.lib.patterns.get(self.selected).map(|p| &**p)
    }

    fn length(&self, ctx: &Ctx) -> Option<Length> {
        self.capped(ctx).map(|(len, _)| len)
    }

    /// The chosen length kept within the guide's limit for the pattern's shape, and the
    /// line saying so when it was shortened.
    fn capped(&self, ctx: &Ctx) -> Option<(Length, Option<String>)> {
        let p = self.pattern(ctx)?;
        let len = if self.by_breaths || crate::core::rules::counted_in_breaths(p) {
            Length::Breaths(BREATHS[self.breaths])
        } else {
            Length::Time(Duration::from_secs(MINUTES[self.minutes] * 60))
        };
        Some(cap_for_pattern(p, len))
    }

    fn length_words(&self, ctx: &Ctx) -> String {
        match self.length(ctx) {
            Some(Length::Breaths(n)) => {
                let secs = self
                    .pattern(ctx)
                    .map(|p| p.cycle().as_secs_f64() * n as f64)
                    .unwrap_or(0.0);
                format!(
                    "{} (about {})",
                    crate::model::format::fmt_breaths(n),
                    crate::model::format::fmt_length_secs(secs)
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

    /// Whether the length is counted in breaths: chosen with Tab, or always for a pattern
    /// the guide counts that way (4-7-8).
    fn in_breaths(&self, ctx: &Ctx) -> bool {
        self.by_breaths
            || self
                .pattern(ctx)
                .is_some_and(crate::core::rules::counted_in_breaths)
    }

    /// The keys that would change something for this pattern: Tab only where it may be
    /// timed, ←→ only where another length is allowed (4-7-8 is a fixed few breaths).
    fn shown<'a>(&'a self, ctx: &'a Ctx) -> impl Fn(Act) -> bool + 'a {
        move |a| match a {
            Act::Unit => self
                .pattern(ctx)
                .is_some_and(|p| !crate::core::rules::counted_in_breaths(p)),
            Act::Longer | Act::Shorter => self.can_nudge(1, ctx) || self.can_nudge(-1, ctx),
            Act::Start | Act::Next | Act::Previous | Act::Back => true,
        }
    }

    /// Whether ← (`delta` -1) or → (+1) would change the length.
    fn can_nudge(&self, delta: isize, ctx: &Ctx) -> bool {
        let mut other = self.clone();
        other.nudge(delta, ctx);
        other.length(ctx) != self.length(ctx)
    }

    fn nudge(&mut self, delta: isize, ctx: &Ctx) {
        let step = |i: usize, n: usize| (i as isize + delta).clamp(0, n as isize - 1) as usize;
        if self.in_breaths(ctx) {
            self.breaths = step(self.breaths, BREATHS.len());
        } else {
            self.minutes = step(self.minutes, MINUTES.len());
        }
    }
}

impl Setup {
    fn render_list(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = ctx.theme;
        let w = area.width.saturating_sub(2) as usize;
        let rows: Vec<Line> = ctx
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
                Line::styled(format!(" {:w$}", p.id), style)
            })
            .collect();
        let block = Block::bordered()
            .border_style(t.border)
            .title(Line::styled(" Pattern ", t.title));
        frame.render_widget(Paragraph::new(rows).block(block), area);
    }

    /// The chosen length, and the pattern's caution when it has one.
    fn length_lines(&self, p: &Pattern, w: u16, ctx: &Ctx) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let mut lines = vec![Line::from(vec![
            Span::styled("Length  ", t.title),
            // An arrow only on a side the length can go (none for 4-7-8's fixed few).
            Span::styled(
                format!(
                    "{} {} {}",
                    if self.can_nudge(-1, ctx) { '◂' } else { ' ' },
                    self.length_words(ctx),
                    if self.can_nudge(1, ctx) { '▸' } else { ' ' },
                ),
                t.accent,
            ),
        ])];
        if let Some((_, Some(note))) = self.capped(ctx) {
            lines.extend(crate::ui::wrap_lines(&note, w, t.muted));
        }
        if let Some(c) = caution_for(p) {
            lines.push(Line::raw(""));
            lines.extend(crate::ui::wrap_lines(c, w, t.caution));
        }
        lines
    }

    /// The pattern in its own box: what it is, its timing, the length and any caution.
    fn render_detail(&self, frame: &mut Frame, area: Rect, p: &Pattern, ctx: &Ctx) {
        let t = ctx.theme;
        let w = area.width.saturating_sub(4);
        let mut lines: Vec<Line> = Vec::new();
        lines.extend(crate::ui::wrap_lines(
            &format!("{} · {:.1} breaths a minute", p.timing(), p.per_minute()),
            w,
            t.muted,
        ));
        lines.push(Line::raw(""));
        lines.extend(self.length_lines(p, w, ctx));
        // The description above, when there is room for it: the length and the caution
        // never give way to it.
        if let Some(d) = &p.description {
            let mut above = crate::ui::wrap_lines(d, w, t.base);
            above.push(Line::raw(""));
            if above.len() + lines.len() <= area.height.saturating_sub(2) as usize {
                above.append(&mut lines);
                lines = above;
            }
        }
        let block = Block::bordered()
            .border_style(t.border)
            .padding(Padding::horizontal(1))
            .title(Line::styled(format!(" {} ", p.id), t.title));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }

    /// Narrow: just the length (and any caution) under the list.
    fn render_length(&self, frame: &mut Frame, area: Rect, p: &Pattern, ctx: &Ctx) {
        let r = Rect {
            x: area.x + 1,
            width: area.width.saturating_sub(2),
            ..area
        };
        let lines = self.length_lines(p, area.width.saturating_sub(4), ctx);
        frame.render_widget(Paragraph::new(lines), r);
    }
}

impl Screen for Setup {
    fn title(&self) -> &str {
        "Breathing"
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let t = ctx.theme;
        // On a very wide window, as home: the list, the pattern's text and the key hints
        // keep to the middle.
        let [head, body, foot] = crate::ui::screen_areas(crate::ui::readable(area));
        frame.render_widget(Line::styled(" Breathing", t.title), head);
        // Wide: the list beside the pattern's details; narrow: the length under the list.
        let wide = body.width >= 64;
        let (list, detail) = if wide {
            // As wide as the longest name needs: the rest goes to the pattern's text.
            let longest = ctx.lib.patterns.iter().map(|p| width(&p.id)).max();
            let list_w = (longest.unwrap_or(0) as u16 + 4).clamp(20, body.width * 2 / 5);
            let [l, d] =
                Layout::horizontal([Constraint::Length(list_w), Constraint::Min(0)]).areas(body);
            (l, d)
        } else {
            let n = ctx.lib.patterns.len() as u16 + 2;
            let [l, d] = Layout::vertical([Constraint::Max(n), Constraint::Min(0)]).areas(body);
            (l, d)
        };
        self.render_list(frame, list, ctx);
        if let Some(p) = self.pattern(ctx) {
            if wide {
                self.render_detail(frame, detail, p, ctx);
            } else {
                self.render_length(frame, detail, p, ctx);
            }
            crate::ui::footer(frame, foot, ctx.theme, ctx.status, &self.keys(ctx));
        }
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, ctx: &Ctx) -> Update {
        let n = ctx.lib.patterns.len();
        match lookup_where(KEYS, key.code, self.shown(ctx)) {
            Some(Act::Next) if n > 0 => self.selected = (self.selected + 1).min(n - 1),
            Some(Act::Previous) => self.selected = self.selected.saturating_sub(1),
            Some(Act::Longer) => self.nudge(1, ctx),
            Some(Act::Shorter) => self.nudge(-1, ctx),
            Some(Act::Unit) => self.by_breaths = !self.by_breaths,
            Some(Act::Start) => {
                if let (Some(p), Some(len)) = (self.pattern(ctx).cloned(), self.length(ctx)) {
                    return go(Nav::Replace(first_route(p, len, ctx.settings.ask_ratings)));
                }
            }
            Some(Act::Back) => return go(Nav::Back),
            Some(Act::Next) | None => {}
        }
        stay()
    }

    fn keys(&self, ctx: &Ctx) -> Vec<KeyHelp> {
        described(KEYS, self.shown(ctx))
    }
}

/// Where a breathing exercise starts: the rating first when ratings are asked for (so a
/// breathing session can show a change, like a routine), else straight at the pacer.
pub fn first_route(pattern: Pattern, length: Length, ask_ratings: bool) -> Route {
    if ask_ratings {
        Route::BreathingRating { pattern, length }
    } else {
        Route::Breathing {
            pattern,
            length,
            pain_before: None,
        }
    }
}

/// What a key does on the rating before breathing (the rating takes digits, ← → and Enter
/// itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RateAct {
    Rate,
    Back,
    ScrollDown,
    ScrollUp,
}

const RATE_KEYS: &[Binding<RateAct>] = &[
    row(&[], RateAct::Rate, key("0-10", "rate")),
    row(&[], RateAct::Rate, key("Enter", "skip and start")),
    row(
        &[KeyCode::Esc, KeyCode::Char('q')],
        RateAct::Back,
        key("Esc", "back"),
    ),
    row(
        &[],
        RateAct::Rate,
        help_only("← →", "move the marker, then Enter"),
    ),
    row(
        &[KeyCode::Down, KeyCode::Char('j')],
        RateAct::ScrollDown,
        help_only("↑↓", "scroll the caution when it does not fit"),
    ),
    also(&[KeyCode::Up, KeyCode::Char('k')], RateAct::ScrollUp),
];

/// "How is your head right now?" before breathing: the pattern's caution (breath holds,
/// sighs) above the same rating as before a routine, then the pacer with the answer in its
/// record. The caution is here as well as on the setup, which `knotless breathe box` never
/// shows and a small window cuts short.
pub struct Rate {
    pattern: Pattern,
    length: Length,
    rating: crate::ui::rating::Rating,
    /// How far the timing and caution are scrolled, stopping at their end.
    scroll: PageScroll,
}

impl Rate {
    pub fn new(pattern: Pattern, length: Length) -> Rate {
        Rate {
            pattern,
            length,
            rating: crate::ui::rating::Rating::default(),
            scroll: PageScroll::default(),
        }
    }

    fn inner(body: Rect) -> Rect {
        crate::ui::centered(body, body.width.saturating_sub(2).min(76), body.height)
    }

    fn areas(area: Rect) -> [Rect; 3] {
        let area = crate::ui::text_column(area);
        Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area)
    }

    /// The timing and the caution (which scroll), and the question (which stays), for an
    /// area `w` wide and `h` high: the scale's explanation only when the caution fits too.
    fn content(&self, ctx: &Ctx, w: u16, h: u16) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
        let t = ctx.theme;
        let mut text = crate::ui::wrap_lines(&self.pattern.timing(), w, t.muted);
        if let Some(c) = caution_for(&self.pattern) {
            text.push(Line::raw(""));
            text.extend(crate::ui::wrap_lines(c, w, t.caution));
        }
        let mut question = vec![
            Line::raw(""),
            Line::styled("How is your head right now?", t.title),
            self.rating.scale(t),
        ];
        let explained = crate::ui::wrap_lines(
            "0 = no pain, 10 = worst imaginable. Type a number (1 then 0 for 10), or Enter to skip.",
            w,
            t.muted,
        );
        if h >= 8 && text.len() + question.len() + explained.len() <= h as usize {
            question.extend(explained);
        }
        (text, question)
    }

    fn start(&self, pain_before: Option<u8>) -> Update {
        go(Nav::Replace(Route::Breathing {
            pattern: self.pattern.clone(),
            length: self.length,
            pain_before,
        }))
    }
}

impl Screen for Rate {
    fn title(&self) -> &str {
        "Before you start"
    }

    fn layout(&mut self, area: Rect, _now: Instant, ctx: &Ctx) {
        let [_, body, _] = Rate::areas(area);
        let inner = Rate::inner(body);
        let (text, question) = self.content(ctx, inner.width, inner.height);
        let text_h = inner.height.saturating_sub(question.len() as u16);
        self.scroll.layout(text.len(), usize::from(text_h));
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let t = ctx.theme;
        let [head, body, foot] = Rate::areas(area);
        frame.render_widget(
            Line::styled(format!(" Breathing · {}", self.pattern.id), t.title),
            head,
        );
        let inner = Rate::inner(body);
        let (lines, question) = self.content(ctx, inner.width, inner.height);
        // The question right under the caution, and always on screen: the caution scrolls
        // when both do not fit.
        let text_h = (lines.len() as u16).min(inner.height.saturating_sub(question.len() as u16));
        let [text_area, q_area] = Layout::vertical([
            Constraint::Length(text_h.max(1)),
            Constraint::Length(question.len() as u16),
        ])
        .areas(inner);
        let mark = Line::styled(MORE_BELOW, t.muted);
        let top = self.scroll.top();
        frame.render_widget(Scrolled { lines, top, mark }, text_area);
        frame.render_widget(Paragraph::new(question), q_area);
        crate::ui::footer(frame, foot, t, ctx.status, &self.keys(ctx));
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, _ctx: &Ctx) -> Update {
        match lookup(RATE_KEYS, key.code) {
            Some(RateAct::Back) => return go(Nav::Back),
            Some(RateAct::ScrollDown) => {
                self.scroll.by(TEXT_STEP);
                return stay();
            }
            Some(RateAct::ScrollUp) => {
                self.scroll.by(-TEXT_STEP);
                return stay();
            }
            _ => {}
        }
        match self.rating.handle_key(key) {
            crate::ui::rating::Answer::Pending => stay(),
            crate::ui::rating::Answer::Skipped => self.start(None),
            crate::ui::rating::Answer::Rated(n) => self.start(Some(n)),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        described(RATE_KEYS, |_| true)
    }
}
