//! Finish: each step's status and time, the total active time, then the optional "How is
//! your head now?" and a one-line note. The record was saved before this screen opened;
//! the rating is appended as an amendment the moment it is given, the note when it is
//! saved.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ctx, Effect, Nav, Screen, StoreEffect, Update, go, stay};
use crate::model::day::DayEntry;
use crate::model::format::{fit, fmt_clock_secs, width};
use crate::model::record::{Amendment, Outcome, SessionRecord, StepRecord, StepStatus};
use crate::ui::rating::{Answer, Rating};
use crate::ui::theme::Theme;
use crate::ui::{Binding, KeyHelp, also, described, key, lookup, row};

const NOTE_MAX: usize = 500;

/// The session's day, as the offer to mark it names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Today,
    Yesterday,
}

impl When {
    fn word(self) -> &'static str {
        match self {
            When::Today => "today",
            When::Yesterday => "yesterday",
        }
    }
}

/// For this long after the screen is first drawn, the rating takes no key that marks or
/// saves one (see [`marks_or_saves`]): a → still held
/// (or pressed once too often) to skip the last step would otherwise mark 0, and an Enter
/// meant for the player would save it.
const SETTLE: Duration = Duration::from_millis(800);

/// What a key does on the finish screen (the rating takes digits, ← → and Enter itself;
/// in the note, any other character is typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Rate,
    /// Enter with nothing marked.
    Skip,
    /// Enter with a value marked by ← →.
    Confirm,
    Home,
    Type,
    Save,
    NoNote,
    Delete,
    /// The offer to mark the session's day as a headache day: yes, or not now.
    MarkDay(When),
    NotNow,
    /// Esc with a note typed: leave without it, or go on writing.
    Leave,
    KeepWriting,
}

const RATING_KEYS: &[Binding<Act>] = &[
    row(&[], Act::Rate, key("0-10", "rate")),
    row(&[], Act::Skip, key("Enter", "skip")),
    row(&[], Act::Confirm, key("Enter", "save")),
    row(
        &[KeyCode::Esc, KeyCode::Char('q')],
        Act::Home,
        key("Esc", "home"),
    ),
];

const OFFER_KEYS: &[Binding<Act>] = &[
    row(
        &[KeyCode::Char('y')],
        Act::MarkDay(When::Today),
        key("y", "mark today"),
    ),
    row(
        &[KeyCode::Char('y')],
        Act::MarkDay(When::Yesterday),
        key("y", "mark yesterday"),
    ),
    row(
        &[KeyCode::Char('n'), KeyCode::Enter],
        Act::NotNow,
        key("n", "not now"),
    ),
    row(
        &[KeyCode::Esc, KeyCode::Char('q')],
        Act::Home,
        key("Esc", "home"),
    ),
];

const NOTE_KEYS: &[Binding<Act>] = &[
    row(&[], Act::Type, key("type", "a note")),
    row(
        &[KeyCode::Enter],
        Act::Save,
        key("Enter", "save and go home"),
    ),
    row(&[KeyCode::Esc], Act::NoNote, key("Esc", "no note")),
    also(&[KeyCode::Backspace], Act::Delete),
];

/// "Leave without the note?", asked when Esc is pressed with a note typed.
const LEAVE_KEYS: &[Binding<Act>] = &[
    row(
        &[KeyCode::Char('y')],
        Act::Leave,
        key("y", "leave without it"),
    ),
    row(
        &[KeyCode::Enter],
        Act::Save,
        key("Enter", "save and go home"),
    ),
    row(
        &[KeyCode::Char('n'), KeyCode::Esc],
        Act::KeepWriting,
        key("n", "keep writing"),
    ),
];

/// The keys that mark a rating or save the one marked (leaving, or skipping, keeps none).
fn marks_or_saves(code: KeyCode) -> bool {
    matches!(
        code,
        KeyCode::Char('0'..='9' | 'h' | 'l') | KeyCode::Left | KeyCode::Right | KeyCode::Enter
    )
}

enum Stage {
    Rating(Rating),
    /// "Mark today as a headache day?" (or a migraine day) — offered, never assumed, when
    /// the session began with a headache (a rating above 0) or a migraine and today is not
    /// yet marked so.
    Offer,
    Note,
    /// Esc was pressed with a note typed: leave without it?
    Leave,
    Done,
}

pub struct Finish {
    record: SessionRecord,
    /// Why the record could not be saved, if it could not.
    problem: Option<String>,
    stage: Stage,
    pain_after: Option<u8>,
    note: String,
    amended: bool,
    /// When the screen was first drawn (see [`SETTLE`]).
    shown: Option<Instant>,
}

impl Finish {
    pub fn new(record: SessionRecord, problem: Option<String>, ctx: &Ctx) -> Finish {
        let stage = if ctx.settings.ask_ratings {
            Stage::Rating(Rating::default())
        } else {
            Stage::Note
        };
        Finish {
            record,
            problem,
            stage,
            pain_after: None,
            note: String::new(),
            amended: false,
            shown: None,
        }
    }

    pub fn record(&self) -> &SessionRecord {
        &self.record
    }

    /// After the rating: the offer to mark the session's day, when it applies (or may: the
    /// day log is being read again as the day turns), else the note.
    fn after_rating(&self, ctx: &Ctx) -> Stage {
        let turning = ctx.days.is_some() && !self.days_known(ctx);
        if self.day_mark(ctx).is_some() || (self.sore() && turning) {
            Stage::Offer
        } else {
            Stage::Note
        }
    }

    /// Whether the session began with a headache (rated above 0) or a migraine.
    fn sore(&self) -> bool {
        self.record.migraine_before || self.record.pain_before.is_some_and(|p| p > 0)
    }

    /// The session's day: the day it ended (the new day, for one that ran past midnight).
    fn day(&self, ctx: &Ctx) -> jiff::civil::Date {
        self.record
            .ended()
            .to_zoned(ctx.now.time_zone().clone())
            .date()
    }

    /// The session's day as the offer names it while it can be marked: today, or
    /// yesterday once midnight has passed.
    fn day_word(&self, ctx: &Ctx) -> Option<When> {
        let (day, today) = (self.day(ctx), ctx.now.date());
        if day == today {
            Some(When::Today)
        } else if today.yesterday().ok() == Some(day) {
            Some(When::Yesterday)
        } else {
            None
        }
    }

    /// Whether the day log known was read today (it holds today's and yesterday's answers).
    fn days_known(&self, ctx: &Ctx) -> bool {
        ctx.days.is_some_and(|d| d.today == Some(ctx.now.date()))
    }

    /// The session's day's answer as the offer would make it, when there is something to
    /// offer: the session began with a headache or a migraine, its day is today or
    /// yesterday, and it is not already marked so. What the day's answer already says (how
    /// bad, what was taken) stays. While the day log known is another day's (the app reads
    /// it again as the day turns), nothing is offered, as nothing is known.
    fn day_mark(&self, ctx: &Ctx) -> Option<DayEntry> {
        if !self.sore() || self.day_word(ctx).is_none() || !self.days_known(ctx) {
            return None;
        }
        let day = self.day(ctx);
        let known = ctx.days?.entry(day).unwrap_or(DayEntry::new(day, false));
        let mut mark = known.answered(true);
        mark.migraine |= self.record.migraine_before;
        (mark != known).then_some(mark)
    }

    /// The offer has nothing left to offer (its day is over, or was marked meanwhile).
    fn offer_gone(&self, ctx: &Ctx) -> bool {
        matches!(self.stage, Stage::Offer) && self.days_known(ctx) && self.day_mark(ctx).is_none()
    }

    /// The rating, appended as an amendment the moment it is given: the note may take a
    /// while to type, and a session killed meanwhile must not lose it.
    fn rated(&mut self, n: u8, ctx: &Ctx) -> Vec<Effect> {
        self.pain_after = Some(n);
        self.record.pain_after = Some(n);
        let amendment = Amendment::after(&self.record.id, Some(n), None, ctx.now);
        vec![StoreEffect::Amend(amendment).into()]
    }

    /// The note as an amendment to append (once), if one was written.
    fn amend(&mut self, ctx: &Ctx) -> Vec<Effect> {
        if self.amended {
            return Vec::new();
        }
        self.amended = true;
        let note = self.note.trim();
        if note.is_empty() {
            return Vec::new();
        }
        let amendment = Amendment::after(&self.record.id, None, Some(note.to_string()), ctx.now);
        self.record.note = amendment.note.clone();
        vec![StoreEffect::Amend(amendment).into()]
    }

    /// One row per step, and whether the step was done in full.
    fn step_rows(&self, ctx: &Ctx, w: u16) -> Vec<(Went, Line<'static>)> {
        let t = ctx.theme;
        // One row per routine step: both sides of a step share a row, as in "L 1:00  R 1:00".
        let mut rows: Vec<(String, Vec<&StepRecord>)> = Vec::new();
        for s in &self.record.steps {
            match rows.last_mut() {
                Some((title, parts))
                    if *title == s.title
                        && s.side.is_some()
                        && parts.iter().all(|p| p.side != s.side) =>
                {
                    parts.push(s)
                }
                _ => rows.push((s.title.clone(), vec![s])),
            }
        }
        let any_side = self.record.steps.iter().any(|s| s.side.is_some());
        // The times always show in full; the title column gets what is left: "  ✓ " plus
        // one "   L  1:00" (10 columns) per side.
        let parts_w = 10 * rows.iter().map(|(_, p)| p.len()).max().unwrap_or(1);
        let title_w = rows
            .iter()
            .map(|(t, _)| width(t))
            .max()
            .unwrap_or(0)
            .min((w as usize).saturating_sub(4 + parts_w).max(8));
        rows.into_iter()
            .map(|(title, parts)| {
                let icon = if parts.iter().all(|p| p.status == StepStatus::Done) {
                    "✓"
                } else if parts.iter().all(|p| p.status == StepStatus::Skipped) {
                    "↷"
                } else {
                    "◐"
                };
                let style = if icon == "✓" { t.base } else { t.muted };
                let mut spans = vec![
                    Span::styled(
                        format!("  {icon} "),
                        if icon == "✓" { t.good } else { t.muted },
                    ),
                    Span::styled(fit(&title, title_w), style),
                ];
                for p in parts {
                    let side = match p.side {
                        Some(s) => format!("{} ", s.short()),
                        None if any_side => "  ".to_string(),
                        None => String::new(),
                    };
                    let time = match p.status {
                        StepStatus::Skipped => "skipped".to_string(),
                        _ => fmt_clock_secs(p.active_secs),
                    };
                    spans.push(Span::styled(format!("   {side}{time:>5}"), style));
                }
                let went = match icon {
                    "✓" => Went::Done,
                    "↷" => Went::Skipped,
                    _ => Went::Partial,
                };
                (went, Line::from(spans))
            })
            .collect()
    }
}

/// How a step row went, in the order rows give way when the list does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Went {
    Done,
    Skipped,
    Partial,
}

/// The step rows in `h` lines: when they do not fit, completed steps are folded into one
/// line first, then skipped ones ("✓ 4 done · ↷ 2 skipped not listed"), so a step cut
/// short is never the one hidden.
fn fold_rows(
    rows: Vec<(Went, Line<'static>)>,
    h: usize,
    muted: ratatui::style::Style,
) -> Vec<Line<'static>> {
    if rows.len() <= h || h == 0 {
        return rows.into_iter().map(|(_, l)| l).collect();
    }
    let mut drop = rows.len() + 1 - h;
    let mut hide = vec![false; rows.len()];
    for kind in [Went::Done, Went::Skipped, Went::Partial] {
        for (i, (went, _)) in rows.iter().enumerate() {
            if drop > 0 && *went == kind {
                hide[i] = true;
                drop -= 1;
            }
        }
    }
    let count = |k: Went| {
        rows.iter()
            .zip(&hide)
            .filter(|((w, _), h)| **h && *w == k)
            .count()
    };
    let mut parts = Vec::new();
    for (k, word) in [
        (Went::Done, "✓ {} done"),
        (Went::Skipped, "↷ {} skipped"),
        (Went::Partial, "◐ {} cut short"),
    ] {
        let n = count(k);
        if n > 0 {
            parts.push(word.replace("{}", &n.to_string()));
        }
    }
    let mut out = vec![Line::styled(
        format!("  {} not listed", parts.join(" · ")),
        muted,
    )];
    out.extend(
        rows.into_iter()
            .zip(hide)
            .filter(|(_, h)| !h)
            .map(|((_, l), _)| l),
    );
    out
}

impl Finish {
    /// "Saved to your history.", or why not. The reason comes after a path that can be
    /// long: wrapped, so it ("permission denied") is never cut off at the edge.
    fn saved_lines(&self, w: u16, t: &Theme) -> Vec<Line<'static>> {
        match &self.problem {
            None => vec![Line::styled(" Saved to your history.", t.muted)],
            Some(p) => indented(crate::ui::wrap_lines(
                &format!("Not saved: {p}"),
                w.saturating_sub(2),
                t.caution,
            )),
        }
    }

    /// "Neck release — done" and "6:40 of 6:40 active". The title gives way (with an
    /// ellipsis), never the outcome or the time; on a narrow window the time goes to the
    /// second line.
    fn render_head(&self, frame: &mut Frame, head: Rect, t: &Theme) {
        let r = &self.record;
        let how = match r.outcome {
            Outcome::Completed => "done",
            Outcome::Stopped => "stopped early",
            Outcome::Interrupted => "interrupted",
        };
        let active = format!(
            "{} of {} active ",
            fmt_clock_secs(r.active_secs),
            fmt_clock_secs(r.planned_secs)
        );
        let [hl, hr] = Layout::horizontal([
            Constraint::Min(1),
            Constraint::Length(width(&active) as u16),
        ])
        .areas(Rect { height: 1, ..head });
        let how_w = width(how) + 3;
        let narrow = (hl.width as usize) < width(&r.title).min(24) + 2 + how_w && head.height > 1;
        let (hl, hr, active) = if narrow {
            let second = Rect {
                y: head.y + 1,
                height: 1,
                ..head
            };
            let active = format!(" {}", active.trim_end());
            (Rect { height: 1, ..head }, second, active)
        } else {
            (hl, hr, active)
        };
        let name = fit(&r.title, (hl.width as usize).saturating_sub(2 + how_w));
        frame.render_widget(
            Line::styled(format!(" {} — {how}", name.trim_end()), t.title),
            hl,
        );
        frame.render_widget(Line::styled(active, t.muted), hr);
    }

    /// What the screen asks now: the rating, the offer to mark the day, or the note.
    fn ask_lines(&self, w: u16, ctx: &Ctx) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let r = &self.record;
        let mut lines = Vec::new();
        match &self.stage {
            Stage::Rating(rating) => {
                let before = match (r.pain_before, r.migraine_before) {
                    (Some(b), false) => format!("   (before: {b})"),
                    (Some(b), true) => format!("   (before: {b}, a migraine)"),
                    (None, true) => "   (before: a migraine)".to_string(),
                    (None, false) => String::new(),
                };
                lines.push(Line::styled(
                    format!(" How is your head now?{before}"),
                    t.title,
                ));
                let mut scale = rating.scale(t);
                scale.spans.insert(0, Span::raw(" "));
                lines.push(scale);
                let hint = if w >= 50 {
                    " A number (1 then 0 for 10), or Enter to skip."
                } else {
                    " 0-10 (1 then 0 for 10), Enter skips"
                };
                lines.push(Line::styled(hint, t.muted));
            }
            Stage::Offer => {
                lines.extend(self.head_change(t));
                let what = if r.migraine_before {
                    "migraine"
                } else {
                    "headache"
                };
                let when = self.day_word(ctx).unwrap_or(When::Today).word();
                // Wrapped: at 40 columns the keys would otherwise be cut.
                lines.extend(indented(crate::ui::wrap_lines(
                    &format!("Mark {when} as a {what} day?  y yes · n not now"),
                    w.saturating_sub(2),
                    t.title,
                )));
            }
            Stage::Note | Stage::Done => {
                lines.extend(self.head_change(t));
                lines.push(self.note_line(w, t));
            }
            Stage::Leave => {
                lines.extend(self.head_change(t));
                lines.push(self.note_line(w, t));
                lines.extend(indented(crate::ui::wrap_lines(
                    "Leave without the note?  y leave · n keep writing · Enter save it",
                    w.saturating_sub(2),
                    t.title,
                )));
            }
        }
        lines
    }

    /// "Head: 6 → 3", once the after-rating is given.
    fn head_change(&self, t: &Theme) -> Option<Line<'static>> {
        let after = self.pain_after?;
        let before = self
            .record
            .pain_before
            .map(|b| format!("{b} → "))
            .unwrap_or_default();
        Some(Line::styled(format!(" Head: {before}{after}"), t.base))
    }

    /// The note being typed: its end, with the cursor while typing.
    fn note_line(&self, w: u16, t: &Theme) -> Line<'static> {
        let cursor = if matches!(self.stage, Stage::Note) {
            "▏"
        } else {
            ""
        };
        let room = (w as usize).saturating_sub(32);
        let n = self.note.chars().count();
        let shown: String = self.note.chars().skip(n.saturating_sub(room)).collect();
        Line::from(vec![
            Span::styled(" A note for later (optional): ", t.title),
            Span::styled(format!("{shown}{cursor}"), t.accent),
        ])
    }
}

/// Lines moved one column in from the left edge.
fn indented(lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .map(|mut l| {
            l.spans.insert(0, Span::raw(" "));
            l
        })
        .collect()
}

impl Screen for Finish {
    fn title(&self) -> &str {
        "Finished"
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        // A very wide window keeps the title near its time: 100 columns in the middle.
        let area = crate::ui::centered(area, area.width.min(100), area.height);
        let t = ctx.theme;
        let rows = self.step_rows(ctx, area.width);
        let saved = self.saved_lines(area.width, t);
        let [head, body, ask, _, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Max(rows.len() as u16 + 1),
            Constraint::Length(saved.len() as u16 + 4),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_head(frame, head, t);
        let shown = fold_rows(rows, body.height as usize, t.muted);
        frame.render_widget(Paragraph::new(shown), body);
        let mut lines = saved;
        lines.extend(self.ask_lines(ask.width, ctx));
        frame.render_widget(Paragraph::new(lines), ask);
        crate::ui::footer(frame, foot, ctx.theme, ctx.status, &self.keys(ctx));
    }

    fn layout(&mut self, _area: Rect, now: Instant, _ctx: &Ctx) {
        self.shown.get_or_insert(now);
    }

    /// While the offer may still come (or is showing), the screen wakes as the day turns:
    /// the app reads the day log again then, and the offer names the day as it now is.
    /// An offer with nothing left to offer gives way to the note at once.
    fn deadline(&self, now: Instant, ctx: &Ctx) -> Option<Instant> {
        if self.offer_gone(ctx) {
            return Some(now);
        }
        match self.stage {
            Stage::Rating(_) | Stage::Offer if self.sore() => super::diary::day_turns(now, ctx),
            _ => None,
        }
    }

    fn tick(&mut self, _now: Instant, ctx: &Ctx) -> Update {
        if self.offer_gone(ctx) {
            self.stage = Stage::Note;
        }
        stay()
    }

    fn update(&mut self, key: KeyEvent, now: Instant, ctx: &Ctx) -> Update {
        match &mut self.stage {
            Stage::Rating(_)
                if self.shown.is_some_and(|at| now < at + SETTLE) && marks_or_saves(key.code) =>
            {
                stay()
            }
            Stage::Rating(rating) => {
                if lookup(RATING_KEYS, key.code) == Some(Act::Home) {
                    return (Nav::Home, self.amend(ctx));
                }
                match rating.handle_key(key) {
                    Answer::Pending => {}
                    Answer::Rated(n) => {
                        self.stage = self.after_rating(ctx);
                        return (Nav::Stay, self.rated(n, ctx));
                    }
                    Answer::Skipped => self.stage = self.after_rating(ctx),
                }
                stay()
            }
            Stage::Offer => match lookup(OFFER_KEYS, key.code) {
                // The day log is being read again as the day turns: a moment.
                Some(Act::MarkDay(_)) if !self.days_known(ctx) => stay(),
                Some(Act::MarkDay(_)) => {
                    self.stage = Stage::Note;
                    let effects = self.day_mark(ctx).map(StoreEffect::AnswerDay);
                    (Nav::Stay, effects.into_iter().map(Effect::from).collect())
                }
                Some(Act::NotNow) => {
                    self.stage = Stage::Note;
                    stay()
                }
                Some(Act::Home) => (Nav::Home, self.amend(ctx)),
                _ => stay(),
            },
            Stage::Note => {
                match lookup(NOTE_KEYS, key.code) {
                    Some(Act::Save) => {
                        self.stage = Stage::Done;
                        return (Nav::Home, self.amend(ctx));
                    }
                    // One key must not throw away what was typed: asked first.
                    Some(Act::NoNote) if !self.note.trim().is_empty() => {
                        self.stage = Stage::Leave;
                    }
                    Some(Act::NoNote) => {
                        self.note.clear();
                        return (Nav::Home, self.amend(ctx));
                    }
                    Some(Act::Delete) => {
                        self.note.pop();
                    }
                    _ => {
                        if let KeyCode::Char(c) = key.code
                            && !key
                                .modifiers
                                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                            && self.note.chars().count() < NOTE_MAX
                        {
                            self.note.push(c)
                        }
                    }
                }
                stay()
            }
            Stage::Leave => match lookup(LEAVE_KEYS, key.code) {
                Some(Act::Leave) => {
                    self.note.clear();
                    self.stage = Stage::Done;
                    (Nav::Home, self.amend(ctx))
                }
                Some(Act::Save) => {
                    self.stage = Stage::Done;
                    (Nav::Home, self.amend(ctx))
                }
                Some(Act::KeepWriting) => {
                    self.stage = Stage::Note;
                    stay()
                }
                _ => stay(),
            },
            Stage::Done => go(Nav::Home),
        }
    }

    fn keys(&self, ctx: &Ctx) -> Vec<KeyHelp> {
        match &self.stage {
            Stage::Offer => {
                let when = self.day_word(ctx).unwrap_or(When::Today);
                described(OFFER_KEYS, |a| match a {
                    Act::MarkDay(w) => w == when,
                    _ => true,
                })
            }
            Stage::Rating(r) => {
                let marked = r.marked.is_some();
                described(RATING_KEYS, |a| match a {
                    Act::Skip => !marked,
                    Act::Confirm => marked,
                    _ => true,
                })
            }
            Stage::Leave => described(LEAVE_KEYS, |_| true),
            _ => described(NOTE_KEYS, |_| true),
        }
    }

    fn captures_text(&self) -> bool {
        matches!(self.stage, Stage::Note)
    }

    fn shutdown(&mut self, _now: Instant, ctx: &Ctx) -> Vec<Effect> {
        self.amend(ctx)
    }
}
