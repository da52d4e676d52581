//! Home's diary line: "Headache today?", or the answer today or yesterday already has, with
//! the keys that give or change it — `y`/`n`, `w` (how bad) and `p` (what was taken) — and
//! `d` to turn to the other day. The Stats screen's calendar gives and corrects any past
//! day's answer with the same keys, through the same [`Pending`] answer.
//!
//! The day log is append-only and every line in it is an answer, so keys do not write at
//! once: stepping through the intensities with `w` would leave a line per press. An answer
//! is kept as a draft and written once it settles: [`SETTLE`] after the last key, when home
//! is left or the other day is chosen, and when the app quits (`q`, Ctrl-C, a signal). A
//! draft that ends where it started (a `y` taken back with `n`) writes nothing.

use std::time::{Duration, Instant};

use jiff::civil::Date;
use ratatui::text::Line;

use super::{Ctx, Effect, StoreEffect};
use crate::model::day::{DayEntry, Intensity, Meds};

/// How long an answer waits for another key before it is written.
pub const SETTLE: Duration = Duration::from_secs(5);

/// A key of the diary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiaryKey {
    Yes,
    No,
    /// Step the worst intensity (a headache day only).
    Worst,
    /// Step the medicine taken (a headache day only).
    Meds,
    /// Turn to the other day: today or yesterday.
    OtherDay,
}

/// An answer given on home and not yet written.
#[derive(Debug, Clone, Copy)]
struct Draft {
    entry: DayEntry,
    /// When a key last changed it.
    at: Instant,
}

/// An answer being given, written once it settles (see the module's notes): one day's at a
/// time, so turning to another day writes the one before first.
#[derive(Debug, Default)]
pub struct Pending {
    draft: Option<Draft>,
}

impl Pending {
    /// The draft's day, if there is a draft.
    pub fn date(&self) -> Option<Date> {
        self.draft.map(|d| d.entry.date)
    }

    /// The answer for `date` as it stands: the draft's, else `saved`.
    pub fn current(&self, date: Date, saved: Option<DayEntry>) -> Option<DayEntry> {
        match self.draft {
            Some(d) if d.entry.date == date => Some(d.entry),
            _ => saved,
        }
    }

    /// A `y`, `n`, `w` or `p` for `date` (whose saved answer is `saved`) at `now`; a draft
    /// for another day is written first (its effects are returned).
    pub fn key(
        &mut self,
        key: DiaryKey,
        date: Date,
        saved: impl Fn(Date) -> Option<DayEntry>,
        now: Instant,
    ) -> Vec<Effect> {
        let written = if self.date().is_some_and(|d| d != date) {
            self.settle(&saved)
        } else {
            Vec::new()
        };
        let was = self
            .current(date, saved(date))
            .unwrap_or(DayEntry::new(date, false));
        let entry = match key {
            // An unanswered day's first answer, or a change of mind; changed back before the
            // draft settled, the answer is the saved one again, with what it said (`n` then
            // `y` by a slip kept "yes" and lost its worst and medicine).
            DiaryKey::Yes | DiaryKey::No => {
                let headache = key == DiaryKey::Yes;
                match saved(date) {
                    Some(saved) if was.headache != headache && saved.headache == headache => saved,
                    _ => was.answered(headache),
                }
            }
            DiaryKey::Worst => DayEntry {
                worst: Some(Intensity::next_worst(was.worst)),
                ..was
            },
            DiaryKey::Meds => DayEntry {
                meds: Some(Meds::next(was.meds)),
                ..was
            },
            DiaryKey::OtherDay => return written,
        };
        self.draft = Some(Draft { entry, at: now });
        written
    }

    /// The draft, written now if it says something `saved` does not.
    pub fn settle(&mut self, saved: impl Fn(Date) -> Option<DayEntry>) -> Vec<Effect> {
        let Some(Draft { entry, .. }) = self.draft.take() else {
            return Vec::new();
        };
        if saved(entry.date) == Some(entry) {
            return Vec::new();
        }
        vec![StoreEffect::AnswerDay(entry).into()]
    }

    /// When the draft settles, if there is one.
    pub fn deadline(&self) -> Option<Instant> {
        self.draft.map(|d| d.at + SETTLE)
    }

    /// A wake-up: the draft is written once it has waited [`SETTLE`].
    pub fn tick(&mut self, now: Instant, saved: impl Fn(Date) -> Option<DayEntry>) -> Vec<Effect> {
        match self.deadline() {
            Some(due) if now >= due => self.settle(saved),
            _ => Vec::new(),
        }
    }
}

/// When the day next turns (the end of the morning, midnight), as an instant of the app's
/// clock: what home asks and the finish screen offers may change then, and the app reads
/// the day log again. `None` while the day log is not known.
pub fn day_turns(now: Instant, ctx: &Ctx) -> Option<Instant> {
    ctx.days?;
    let turn = crate::core::days::next_turn(ctx.now)?;
    let wait = Duration::try_from(ctx.now.duration_until(&turn)).ok()?;
    now.checked_add(wait)
}

/// A day's answer in words with the keys that change it, for home's line and the calendar:
/// "Headache {when}?  y yes · n no", "No headache {when}.  y there was one", or "Migraine
/// {when}.  w worst: severe · p medicine: triptan · n none after all", each followed by
/// `more` (" · d yesterday"); wrapped to `w` columns, a headache's answer as high as its
/// longest would be, so `w` and `p` never move what is below it.
fn answer_lines(
    entry: Option<DayEntry>,
    when: &str,
    more: &str,
    w: u16,
    style: ratatui::style::Style,
) -> Vec<Line<'static>> {
    let room = w.saturating_sub(1);
    let answered = |head: &str, worst: &str, meds: &str| {
        format!("{head} {when}.  w worst: {worst} · p medicine: {meds} · n none after all{more}")
    };
    let mut rows = 0;
    let text = match entry {
        None => format!("Headache {when}?  y yes · n no{more}"),
        Some(e) if !e.headache => format!("No headache {when}.  y there was one{more}"),
        Some(e) => {
            let longest = |names: &mut dyn Iterator<Item = &'static str>| {
                names
                    .max_by_key(|n| crate::model::format::width(n))
                    .unwrap_or("—")
            };
            let worst = longest(&mut Intensity::ALL.iter().map(|i| i.as_str()));
            let meds = longest(&mut Meds::ALL.iter().map(|m| m.label()));
            rows = crate::ui::wrap_lines(&answered("Migraine", worst, meds), room, style).len();
            answered(
                if e.migraine { "Migraine" } else { "Headache" },
                e.worst.map_or("—", |w| w.as_str()),
                e.meds.map_or("—", |m| m.label()),
            )
        }
    };
    let mut lines: Vec<Line<'static>> = crate::ui::wrap_lines(&text, room, style)
        .into_iter()
        .map(|mut l| {
            l.spans.insert(0, ratatui::text::Span::raw(" "));
            l
        })
        .collect();
    while lines.len() < rows {
        lines.push(Line::raw(""));
    }
    lines
}

#[derive(Debug, Default)]
pub struct Diary {
    /// The day chosen with `d`, while it is today or yesterday.
    chosen: Option<Date>,
    pending: Pending,
}

impl Diary {
    /// The day the line is about, if a line shows: the draft's, the one chosen with `d`,
    /// the one asked about, else the newest of today and yesterday that has an answer.
    pub fn day(&self, ctx: &Ctx) -> Option<Date> {
        let days = ctx.days?;
        let today = ctx.now.date();
        let yesterday = today.yesterday().ok();
        let recent = |d: &Date| *d == today || Some(*d) == yesterday;
        self.pending
            .date()
            .filter(recent)
            .or(self.chosen.filter(recent))
            .or(days.ask)
            .or_else(|| {
                [Some(today), yesterday]
                    .into_iter()
                    .flatten()
                    .find(|d| days.entry(*d).is_some())
            })
    }

    /// The answer for `date` as it stands: the draft's, else the day log's.
    fn current(&self, date: Date, ctx: &Ctx) -> Option<DayEntry> {
        self.pending.current(date, saved(ctx)(date))
    }

    /// Whether `key` does something now: every key needs the line, `w` and `p` a headache.
    pub fn acts(&self, key: DiaryKey, ctx: &Ctx) -> bool {
        let Some(day) = self.day(ctx) else {
            return key == DiaryKey::OtherDay && ctx.days.is_some();
        };
        match key {
            DiaryKey::Yes | DiaryKey::No | DiaryKey::OtherDay => true,
            DiaryKey::Worst | DiaryKey::Meds => self.current(day, ctx).is_some_and(|e| e.headache),
        }
    }

    /// A key pressed at `now`: the draft changes; turning to the other day writes it first.
    pub fn key(&mut self, key: DiaryKey, now: Instant, ctx: &Ctx) -> Vec<Effect> {
        if !self.acts(key, ctx) {
            return Vec::new();
        }
        let today = ctx.now.date();
        let day = self.day(ctx).unwrap_or(today);
        if key == DiaryKey::OtherDay {
            let written = self.settle(ctx);
            self.chosen = if day == today {
                today.yesterday().ok()
            } else {
                Some(today)
            };
            return written;
        }
        self.pending.key(key, day, saved(ctx), now)
    }

    /// The draft, written now if it says something the day log does not.
    pub fn settle(&mut self, ctx: &Ctx) -> Vec<Effect> {
        self.pending.settle(saved(ctx))
    }

    /// When the draft settles, if there is one.
    pub fn deadline(&self) -> Option<Instant> {
        self.pending.deadline()
    }

    /// A wake-up: the draft is written once it has waited [`SETTLE`].
    pub fn tick(&mut self, now: Instant, ctx: &Ctx) -> Vec<Effect> {
        self.pending.tick(now, saved(ctx))
    }

    /// The line, wrapped to `w` columns: the question, or the answer with its keys.
    pub fn lines(&self, ctx: &Ctx, w: u16) -> Vec<Line<'static>> {
        let Some(day) = self.day(ctx) else {
            return Vec::new();
        };
        let today = ctx.now.date();
        let (word, other) = if day == today {
            ("today", "yesterday")
        } else {
            ("yesterday", "today")
        };
        answer_lines(
            self.current(day, ctx),
            word,
            &format!(" · d {other}"),
            w,
            ctx.theme.muted,
        )
    }
}

/// What the day log says of a date, as home knows it (today and yesterday).
fn saved<'a>(ctx: &'a Ctx) -> impl Fn(Date) -> Option<DayEntry> + 'a {
    move |date| ctx.days.and_then(|days| days.entry(date))
}
