//! The record view: one session with everything the history knows about it — when, what,
//! how long, how it ended, head pain before and after, the note and each step — and the
//! place to add what was not said at the time: `a` rates the head afterwards, `n` writes
//! or replaces the note. Each is appended to the history as an amendment (never an edit of
//! the record), as the finish screen does.

use std::time::Instant;

use jiff::tz::TimeZone;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::history::pain_text;
use super::{Ctx, Nav, Screen, StoreEffect, Update, go, stay};
use crate::model::format::{fit, fmt_clock_secs, fmt_day_time, width};
use crate::model::record::{Amendment, Kind, SessionRecord, StepStatus};
use crate::ui::rating::{Answer, Rating};
use crate::ui::scroll::PageScroll;
use crate::ui::theme::Theme;
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup, row};

/// The most a note holds (as on the finish screen).
const NOTE_MAX: usize = 500;

/// What a key does in the record view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    Back,
    /// Rate the head afterwards (or change that rating).
    RateAfter,
    /// Write or replace the note.
    Note,
    /// A key the app handles everywhere (help), listed in the footer.
    App,
}

const DETAIL_KEYS: &[Binding<Act>] = &[
    row(&[KeyCode::Down], Act::Down, key("↑↓", "scroll")),
    also(&[KeyCode::Up], Act::Up),
    row(
        &[KeyCode::Char('a')],
        Act::RateAfter,
        key("a", "head after"),
    ),
    row(&[KeyCode::Char('n')], Act::Note, key("n", "note")),
    row(&[KeyCode::Esc], Act::Back, key("Esc", "back to the list")),
    row(&[], Act::App, key("?", "help")),
    row(
        &[KeyCode::Char('j')],
        Act::Down,
        help_only("j k", "scroll (vim keys)"),
    ),
    also(&[KeyCode::Char('k')], Act::Up),
    row(
        &[KeyCode::PageDown, KeyCode::Char(' ')],
        Act::PageDown,
        help_only("PgUp PgDn Space", "scroll a page"),
    ),
    also(&[KeyCode::PageUp], Act::PageUp),
    row(
        &[KeyCode::Home, KeyCode::Char('g')],
        Act::First,
        help_only("g G", "top, bottom"),
    ),
    also(&[KeyCode::End, KeyCode::Char('G')], Act::Last),
    row(
        &[KeyCode::Char('q')],
        Act::Back,
        help_only("q", "back to the list"),
    ),
];

/// What a key does while a rating or a note is being given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Rate,
    Skip,
    Confirm,
    Type,
    Save,
    Cancel,
    Delete,
}

const RATING_KEYS: &[Binding<Edit>] = &[
    row(&[], Edit::Rate, key("0-10", "rate")),
    row(&[], Edit::Skip, key("Enter", "keep it as it was")),
    row(&[], Edit::Confirm, key("Enter", "save")),
    row(
        &[KeyCode::Esc, KeyCode::Char('q')],
        Edit::Cancel,
        key("Esc", "cancel"),
    ),
    row(
        &[],
        Edit::Rate,
        help_only("← →", "move the marker, then Enter"),
    ),
];

const NOTE_KEYS: &[Binding<Edit>] = &[
    row(&[], Edit::Type, key("type", "the note")),
    row(&[KeyCode::Enter], Edit::Save, key("Enter", "save")),
    row(&[KeyCode::Esc], Edit::Cancel, key("Esc", "cancel")),
    also(&[KeyCode::Backspace], Edit::Delete),
];

/// What is being added to the record.
enum Editing {
    /// "How was your head afterwards?"
    After(Rating),
    /// The note as typed so far (it starts as the note the record has).
    Note(String),
}

/// One session with everything the history knows about it.
pub struct SessionDetail {
    record: SessionRecord,
    tz: TimeZone,
    scroll: PageScroll,
    editing: Option<Editing>,
}

impl SessionDetail {
    pub fn new(record: SessionRecord, ctx: &Ctx) -> SessionDetail {
        SessionDetail {
            record,
            tz: ctx.now.time_zone().clone(),
            scroll: PageScroll::default(),
            editing: None,
        }
    }

    /// The record as shown, with what was added to it here.
    pub fn record(&self) -> &SessionRecord {
        &self.record
    }

    /// The bordered box the session is shown in, the question being answered under it
    /// (when one is), and the footer line, at a readable width.
    fn areas(&self, area: Rect) -> (Rect, Rect, Rect) {
        let asking = if self.editing.is_some() { 3 } else { 0 };
        let [body, ask, foot] = Layout::vertical([
            Constraint::Min(3),
            Constraint::Length(asking),
            Constraint::Length(1),
        ])
        .areas(crate::ui::readable(area));
        (body, ask, foot)
    }

    /// The box, titled with the routine, with "↑↓ more" on its bottom edge while there is.
    fn block(&self, body: Rect, t: &Theme) -> Block<'static> {
        let title = fit(&self.record.title, body.width as usize);
        let block = Block::bordered()
            .border_style(t.border)
            .padding(Padding::horizontal(1))
            .title(Line::styled(format!(" {} ", title.trim_end()), t.title));
        let more = match self.scroll.more() {
            (true, true) => " ↑↓ more ",
            (false, true) => " ↓ more ",
            (true, false) => " ↑ more ",
            (false, false) => return block,
        };
        block.title_bottom(Line::styled(more, t.muted).right_aligned())
    }

    fn lines(&self, ctx: &Ctx, w: u16) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let r = &self.record;
        let w = w as usize;
        let mut out = Vec::new();
        let s = r.started().to_zoned(self.tz.clone());
        let e = r.ended().to_zoned(self.tz.clone());
        let now = ctx.now.with_time_zone(self.tz.clone());
        let end = if s.date() == e.date() {
            e.strftime("%H:%M").to_string()
        } else {
            fmt_day_time(&e, &now)
        };
        let when = format!("{} → {end}", fmt_day_time(&s, &now));
        field(&mut out, "When", &when, t.base, t, w);
        let what = match r.kind {
            Kind::Routine => format!("routine · {}", r.area),
            Kind::Breathing => "breathing".to_string(),
            Kind::External => "a session elsewhere, logged by hand".to_string(),
        };
        field(&mut out, "What", &what, t.base, t, w);
        if r.kind == Kind::External {
            field(
                &mut out,
                "Length",
                &fmt_clock_secs(r.active_secs),
                t.base,
                t,
                w,
            );
        } else {
            let active = format!(
                "{} of {} planned",
                fmt_clock_secs(r.active_secs),
                fmt_clock_secs(r.planned_secs)
            );
            field(&mut out, "Active", &active, t.base, t, w);
            field(
                &mut out,
                "Paused",
                &fmt_clock_secs(r.paused_secs),
                t.base,
                t,
                w,
            );
        }
        field(&mut out, "Outcome", r.outcome.as_str(), t.base, t, w);
        let (pain, style) = pain_text(r.pain_before, r.pain_after, t);
        let pain = match (r.pain_before, r.pain_after) {
            (None, None) => "not rated".to_string(),
            (Some(b), Some(a)) if a < b => format!("{pain}  ({} lower afterwards)", b - a),
            (Some(b), Some(a)) if a > b => format!("{pain}  ({} higher afterwards)", a - b),
            (Some(_), Some(_)) => format!("{pain}  (the same)"),
            _ => pain,
        };
        field(&mut out, "Head", &pain, style, t, w);
        if r.migraine_before {
            field(&mut out, "Before", "a migraine was on", t.base, t, w);
        }
        if let Some(note) = &r.note {
            field(&mut out, "Note", note, t.base, t, w);
        }
        if !r.steps.is_empty() {
            out.push(Line::raw(""));
            out.push(Line::styled("Steps", t.title));
            out.extend(self.step_lines(ctx, w));
        }
        out.push(Line::raw(""));
        let what = match r.kind {
            Kind::Routine => "routine",
            Kind::Breathing => "pattern",
            Kind::External => "logged as",
        };
        let ids = format!("{what} {} · record {}", r.routine_id, r.id);
        out.extend(crate::ui::wrap_lines(&ids, w as u16, t.muted));
        out
    }

    fn step_lines(&self, ctx: &Ctx, w: usize) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let steps = &self.record.steps;
        let wide = w >= 50;
        let any_side = steps.iter().any(|s| s.side.is_some());
        let side_w = if any_side { 2 } else { 0 };
        // icon, times and status on the right; the title takes what is left.
        let times_w = if wide { 5 + 4 + 5 } else { 5 };
        let fixed = 2 + side_w + 1 + times_w + 2 + 7;
        let longest = steps.iter().map(|s| width(&s.title)).max().unwrap_or(0);
        let title_w = w.saturating_sub(fixed).min(longest).max(4);
        steps
            .iter()
            .map(|s| {
                let (icon, icon_style) = match s.status {
                    StepStatus::Done => ("✓", t.good),
                    StepStatus::Skipped => ("↷", t.muted),
                    StepStatus::Partial => ("◐", t.muted),
                };
                let side = match s.side {
                    Some(side) => format!("{} ", side.short()),
                    None => " ".repeat(side_w),
                };
                let active = match s.status {
                    StepStatus::Skipped => "–".to_string(),
                    _ => fmt_clock_secs(s.active_secs),
                };
                let times = if wide {
                    format!("{:>5} of {:<5}", active, fmt_clock_secs(s.planned_secs))
                } else {
                    format!("{active:>5}")
                };
                let style = if s.status == StepStatus::Done {
                    t.base
                } else {
                    t.muted
                };
                Line::from(vec![
                    Span::styled(format!("{icon} "), icon_style),
                    Span::styled(fit(&s.title, title_w), style),
                    Span::styled(format!(" {side}{times}  {}", s.status.as_str()), style),
                ])
            })
            .collect()
    }
}

/// "Label     value", the value wrapped under itself.
fn field(
    out: &mut Vec<Line<'static>>,
    label: &str,
    value: &str,
    style: Style,
    t: &Theme,
    w: usize,
) {
    const LABEL: usize = 9;
    let room = w.saturating_sub(LABEL).max(8);
    let clean: String = value
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    let wrapped = textwrap::wrap(&clean, room);
    for (i, part) in wrapped.iter().enumerate() {
        let head = if i == 0 {
            format!("{label:LABEL$}")
        } else {
            " ".repeat(LABEL)
        };
        out.push(Line::from(vec![
            Span::styled(head, t.muted),
            Span::styled(part.to_string(), style),
        ]));
    }
}

impl SessionDetail {
    /// A key while a rating or a note is being given.
    fn edit_key(&mut self, key: KeyEvent, ctx: &Ctx) -> Update {
        let Some(editing) = &mut self.editing else {
            return stay();
        };
        let done = match editing {
            Editing::After(rating) => {
                if lookup(RATING_KEYS, key.code) == Some(Edit::Cancel) {
                    None
                } else {
                    match rating.handle_key(key) {
                        Answer::Pending => return stay(),
                        Answer::Rated(n) => {
                            Some(Amendment::after(&self.record.id, Some(n), None, ctx.now))
                        }
                        Answer::Skipped => None,
                    }
                }
            }
            Editing::Note(text) => match lookup(NOTE_KEYS, key.code) {
                Some(Edit::Cancel) => None,
                Some(Edit::Save) => {
                    let note = text.trim();
                    (!note.is_empty() && self.record.note.as_deref() != Some(note)).then(|| {
                        Amendment::after(&self.record.id, None, Some(note.into()), ctx.now)
                    })
                }
                Some(Edit::Delete) => {
                    text.pop();
                    return stay();
                }
                _ => {
                    if let KeyCode::Char(c) = key.code
                        && !key
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                        && text.chars().count() < NOTE_MAX
                    {
                        text.push(c);
                    }
                    return stay();
                }
            },
        };
        self.editing = None;
        let Some(a) = done else {
            return stay();
        };
        if a.pain_after.is_some() {
            self.record.pain_after = a.pain_after;
        }
        if a.note.is_some() {
            self.record.note = a.note.clone();
        }
        (Nav::Stay, vec![StoreEffect::Amend(a).into()])
    }

    /// The question being answered: the rating with the scale, or the note being typed.
    fn ask_lines(&self, w: u16, t: &Theme) -> Vec<Line<'static>> {
        match &self.editing {
            None => Vec::new(),
            Some(Editing::After(rating)) => {
                let before = self
                    .record
                    .pain_before
                    .map(|b| format!("   (before: {b})"))
                    .unwrap_or_default();
                let mut scale = rating.scale(t);
                scale.spans.insert(0, Span::raw(" "));
                vec![
                    Line::styled(format!(" How was your head afterwards?{before}"), t.title),
                    scale,
                ]
            }
            Some(Editing::Note(text)) => {
                let label = " Note: ";
                let room = (w as usize).saturating_sub(width(label) + 2);
                let n = text.chars().count();
                let shown: String = text.chars().skip(n.saturating_sub(room)).collect();
                vec![
                    Line::styled(" A note for this session (Enter saves):", t.title),
                    Line::from(vec![
                        Span::styled(label, t.title),
                        Span::styled(format!("{shown}▏"), t.accent),
                    ]),
                ]
            }
        }
    }
}

impl Screen for SessionDetail {
    fn title(&self) -> &str {
        "Session"
    }

    fn layout(&mut self, area: Rect, _now: Instant, ctx: &Ctx) {
        let (body, _, _) = self.areas(area);
        let inner = Block::bordered()
            .padding(Padding::horizontal(1))
            .inner(body);
        let lines = self.lines(ctx, inner.width).len();
        self.scroll.layout(lines, inner.height as usize);
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let (body, ask, foot) = self.areas(area);
        let block = self.block(body, ctx.theme);
        let lines = self.lines(ctx, block.inner(body).width);
        let top = u16::try_from(self.scroll.top()).unwrap_or(u16::MAX);
        frame.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), body);
        frame.render_widget(Paragraph::new(self.ask_lines(ask.width, ctx.theme)), ask);
        crate::ui::footer(frame, foot, ctx.theme, ctx.status, &self.keys(ctx));
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, ctx: &Ctx) -> Update {
        if self.editing.is_some() {
            return self.edit_key(key, ctx);
        }
        let page = self.scroll.page();
        match lookup(DETAIL_KEYS, key.code) {
            Some(Act::Down) => self.scroll.by(1),
            Some(Act::Up) => self.scroll.by(-1),
            Some(Act::PageDown) => self.scroll.by(page),
            Some(Act::PageUp) => self.scroll.by(-page),
            Some(Act::First) => self.scroll.home(),
            Some(Act::Last) => self.scroll.end(),
            Some(Act::Back) => return go(Nav::Back),
            Some(Act::RateAfter) => self.editing = Some(Editing::After(Rating::default())),
            Some(Act::Note) => {
                let note = self.record.note.clone().unwrap_or_default();
                self.editing = Some(Editing::Note(note));
            }
            Some(Act::App) | None => {}
        }
        stay()
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        match &self.editing {
            None => described(DETAIL_KEYS, |_| true),
            Some(Editing::After(r)) => {
                let marked = r.marked.is_some();
                described(RATING_KEYS, |a| match a {
                    Edit::Skip => !marked,
                    Edit::Confirm => marked,
                    _ => true,
                })
            }
            Some(Editing::Note(_)) => described(NOTE_KEYS, |_| true),
        }
    }

    fn captures_text(&self) -> bool {
        self.editing.is_some()
    }
}
