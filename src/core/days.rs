//! PURE: headache days beside self-care, counted the way clinicians count them — headache
//! days, migraine days and acute-medication days per 28 days — in 28-day windows ending
//! today, newest first.
//!
//! Honesty rules, kept here so every output shares them:
//! - A date with no answer is unknown. It is never counted as headache-free; the window says
//!   how many of its 28 days were answered.
//! - Counts are always shown; a rate per 28 days only when at least [`ADEQUATE_DAYS`] of the
//!   window's days were answered (a rate from a few answered days would be a guess).
//! - At most one comparison, and only when at least two adequately answered windows lie
//!   before the start and two after it (every window back to the first answer counts): a
//!   fixed sentence that says plainly it does not show cause, and names a direction only
//!   when the figures it shows differ by at least a day per 4 weeks. No day-level
//!   associations of any kind (neck pain is itself an early sign of a migraine, so a
//!   day-by-day view would make massage look like a trigger).
//! - The medication note states the counts doctors use (ICHD-3 medication-overuse
//!   thresholds, including acute medicines of several kinds on 10 or more days together)
//!   and suggests a conversation, nothing more.
//! - Rates and means are kept exact and rounded once where they are written
//!   (`model::format`): a rate to whole days, a mean and sessions a week to one decimal.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::core::stats::{LocalDays, local_date};
use crate::model::day::{DayAnswer, DayEntry, Meds};
use crate::model::format::{TimeSum, fmt_fixed, json, round_half_away};
use crate::model::record::SessionRecord;

/// Days in a window: four weeks, the clinicians' "month".
pub const WINDOW_DAYS: i64 = 28;
/// Answered days a window needs before a rate per 28 days is given.
pub const ADEQUATE_DAYS: u32 = 21;
/// A year of windows: the most the report draws.
pub const REPORT_WINDOWS: usize = 13;
/// `stats` and the Stats screen show this many.
pub const STATS_WINDOWS: usize = 4;
/// Adequate windows needed on each side of the start for the comparison.
pub const COMPARE_WINDOWS: usize = 2;
/// Days in a window with triptans or other acute medication that reach the note.
pub const TRIPTAN_DAYS: u32 = 10;
/// Days in a window with simple painkillers that reach the note.
pub const SIMPLE_DAYS: u32 = 15;
/// Days in a window with acute medicines of more than one kind, counted together, that
/// reach the note (ICHD-3 8.2.6) when no kind reaches its own threshold.
pub const SEVERAL_KINDS_DAYS: u32 = 10;
/// The least difference between the two means, in days per 28, that the comparison names
/// as fewer or more.
pub const DIRECTION_DAYS: f64 = 1.0;
/// What a missing rate looks like in every table.
pub const NO_RATE: &str = "—";

/// One 28-day window, `start..=end`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    pub start: Date,
    pub end: Date,
    /// Days of the window with an answer (of 28).
    pub answered: u32,
    pub headache_days: u32,
    pub migraine_days: u32,
    /// Days with any acute medication.
    pub acute_med_days: u32,
    pub simple_days: u32,
    pub triptan_days: u32,
    pub other_days: u32,
    /// Triptan and other days together: the count the 10-day threshold is for.
    pub triptan_other_days: u32,
    /// Self-care sessions (routines and breathing) started in the window.
    pub sessions: u32,
    /// Written to one decimal.
    #[serde(serialize_with = "json::tenths")]
    pub sessions_per_week: f64,
    /// Per 28 days, only when `answered >= ADEQUATE_DAYS`; kept exact, written as whole
    /// days.
    #[serde(serialize_with = "json::whole_opt")]
    pub headache_rate: Option<f64>,
    #[serde(serialize_with = "json::whole_opt")]
    pub migraine_rate: Option<f64>,
    #[serde(serialize_with = "json::whole_opt")]
    pub acute_med_rate: Option<f64>,
}

impl Window {
    pub fn adequate(&self) -> bool {
        self.answered >= ADEQUATE_DAYS
    }

    fn rate(&self, count: u32) -> Option<f64> {
        self.adequate()
            .then(|| f64::from(count) * WINDOW_DAYS as f64 / f64::from(self.answered))
    }

    /// The three rates per 28 days as every table writes them ("11 · 2 · 4"), or
    /// [`NO_RATE`] for a window with too few answered days.
    pub fn rates_cell(&self) -> String {
        if !self.adequate() {
            return NO_RATE.to_string();
        }
        format!(
            "{} · {} · {}",
            rate_cell(self.headache_rate),
            rate_cell(self.migraine_rate),
            rate_cell(self.acute_med_rate)
        )
    }

    /// The kinds of acute medicine taken on some day of the window (simple, triptan,
    /// other).
    pub fn med_kinds(&self) -> u32 {
        [self.simple_days, self.triptan_days, self.other_days]
            .iter()
            .filter(|&&n| n > 0)
            .count() as u32
    }
}

/// A rate for a table: a whole number of days per 28, or [`NO_RATE`].
pub fn rate_cell(rate: Option<f64>) -> String {
    rate.map_or_else(|| NO_RATE.to_string(), |r| fmt_fixed(r, 0))
}

/// Sessions a week as every table writes them (one decimal).
pub fn per_week_cell(per_week: f64) -> String {
    fmt_fixed(per_week, 1)
}

/// Self-care sessions per local day, gathered while streaming the history (memory grows
/// with the days that have sessions, not with the records), and the first session's date.
#[derive(Debug, Clone)]
pub struct SessionDays {
    days: LocalDays,
    pub by_day: BTreeMap<Date, u32>,
    /// Active time of those sessions per local day, summed exactly.
    pub time_by_day: BTreeMap<Date, TimeSum>,
    pub first: Option<Date>,
}

impl SessionDays {
    pub fn new(tz: TimeZone) -> Self {
        SessionDays {
            days: LocalDays::new(tz),
            by_day: BTreeMap::new(),
            time_by_day: BTreeMap::new(),
            first: None,
        }
    }

    pub fn add(&mut self, r: &SessionRecord) {
        if !r.is_self_care() || !r.counts() {
            return;
        }
        let t = r.started();
        let d = self.days.date(t);
        *newest_first(&mut self.by_day, d) += 1;
        // A hand-edited negative or NaN length counts as nothing.
        *newest_first(&mut self.time_by_day, d) += TimeSum::of_secs(r.active_secs);
        if self.first.is_none_or(|f| d < f) {
            self.first = Some(d);
        }
    }
}

/// The value for day `d`, looked for first at the end of `map`, where the next record of a
/// history read oldest first belongs.
fn newest_first<V: Default>(map: &mut BTreeMap<Date, V>, d: Date) -> &mut V {
    if map.last_key_value().is_some_and(|(last, _)| *last == d) {
        return map.last_entry().expect("not empty").into_mut();
    }
    map.entry(d).or_default()
}

/// Runs of at least this many empty 4-week windows (no answer, no session) are written as
/// one line in a report, not a row each: one answer from years ago made hundreds of rows.
pub const FOLD_EMPTY_WINDOWS: usize = 3;

/// A run of empty 4-week windows written as one line: no day in it was answered and no
/// self-care session was started in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EmptyStretch {
    /// The first day of its oldest window.
    pub from: Date,
    /// The last day of its newest window.
    pub to: Date,
    pub windows: u32,
}

/// A row of a table of windows: a window, or a run of empty ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WindowRow<'a> {
    Window(&'a Window),
    Empty(EmptyStretch),
}

impl Window {
    /// No day answered and no session started: nothing to show but zeros.
    pub fn is_empty(&self) -> bool {
        self.answered == 0 && self.sessions == 0
    }
}

/// `windows` as a table shows them, in their order: each run of at least
/// [`FOLD_EMPTY_WINDOWS`] empty windows as one [`WindowRow::Empty`], every other window as
/// it is. Nothing is lost: an empty window's figures are all zero.
pub fn fold_empty(windows: &[Window]) -> Vec<WindowRow<'_>> {
    let mut rows = Vec::new();
    let mut rest = windows;
    while let Some(first) = rest.first() {
        let run = rest.iter().take_while(|w| w.is_empty()).count();
        if run >= FOLD_EMPTY_WINDOWS {
            let stretch = &rest[..run];
            rows.push(WindowRow::Empty(EmptyStretch {
                from: stretch.iter().map(|w| w.start).min().unwrap_or(first.start),
                to: stretch.iter().map(|w| w.end).max().unwrap_or(first.end),
                windows: run as u32,
            }));
            rest = &rest[run..];
        } else {
            let kept = run.max(1);
            rows.extend(rest[..kept].iter().map(WindowRow::Window));
            rest = &rest[kept..];
        }
    }
    rows
}

/// The empty stretches of [`fold_empty`].
pub fn empty_stretches(windows: &[Window]) -> Vec<EmptyStretch> {
    fold_empty(windows)
        .into_iter()
        .filter_map(|row| match row {
            WindowRow::Empty(e) => Some(e),
            WindowRow::Window(_) => None,
        })
        .collect()
}

/// An answer as the windows count it: the day log's as read, or the Stats screen's as it
/// keeps them up to date with the answers given there.
pub trait Answer {
    fn entry(&self) -> DayEntry;
}

impl Answer for DayAnswer {
    fn entry(&self) -> DayEntry {
        DayEntry::from(self)
    }
}

impl Answer for DayEntry {
    fn entry(&self) -> DayEntry {
        *self
    }
}

/// `count` windows ending on `today`, newest first.
pub fn windows<A: Answer>(
    answers: &BTreeMap<Date, A>,
    sessions: &BTreeMap<Date, u32>,
    today: Date,
    count: usize,
) -> Vec<Window> {
    (0..count)
        .map_while(|i| {
            let end = today.checked_sub((i as i64 * WINDOW_DAYS).days()).ok()?;
            let start = end.checked_sub((WINDOW_DAYS - 1).days()).ok()?;
            Some(window(answers, sessions, start, end))
        })
        .collect()
}

fn window<A: Answer>(
    answers: &BTreeMap<Date, A>,
    sessions: &BTreeMap<Date, u32>,
    start: Date,
    end: Date,
) -> Window {
    let mut w = Window {
        start,
        end,
        answered: 0,
        headache_days: 0,
        migraine_days: 0,
        acute_med_days: 0,
        simple_days: 0,
        triptan_days: 0,
        other_days: 0,
        triptan_other_days: 0,
        sessions: sessions.range(start..=end).map(|(_, n)| *n).sum(),
        sessions_per_week: 0.0,
        headache_rate: None,
        migraine_rate: None,
        acute_med_rate: None,
    };
    for a in answers.range(start..=end).map(|(_, a)| a.entry()) {
        w.answered += 1;
        if a.headache {
            w.headache_days += 1;
            if a.migraine {
                w.migraine_days += 1;
            }
        }
        match a.meds {
            Some(Meds::Simple) => w.simple_days += 1,
            Some(Meds::Triptan) => w.triptan_days += 1,
            Some(Meds::Other) => w.other_days += 1,
            Some(Meds::None) | None => {}
        }
        if a.took_meds() {
            w.acute_med_days += 1;
        }
    }
    w.triptan_other_days = w.triptan_days + w.other_days;
    w.sessions_per_week = f64::from(w.sessions) * 7.0 / WINDOW_DAYS as f64;
    w.headache_rate = w.rate(w.headache_days);
    w.migraine_rate = w.rate(w.migraine_days);
    w.acute_med_rate = w.rate(w.acute_med_days);
    w
}

/// Which way the comparison went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Fewer,
    More,
    Same,
}

/// The one comparison: headache days per 28 days before and after the start, each the mean
/// over the adequately answered windows wholly on that side (exact; written to one
/// decimal). The direction is read from the figures as shown: fewer or more only when they
/// differ by at least [`DIRECTION_DAYS`], so the sentence never claims what its own
/// figures do not carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub start: Date,
    #[serde(serialize_with = "json::tenths")]
    pub before: f64,
    #[serde(serialize_with = "json::tenths")]
    pub after: f64,
    pub before_windows: u32,
    pub after_windows: u32,
    /// The oldest and newest window ends looked at: every window back to the first answer.
    pub from: Date,
    pub to: Date,
    pub direction: Direction,
    pub sentence: String,
}

/// The comparison for `start` (the first session, or a date the user chose), or `None`
/// when fewer than [`COMPARE_WINDOWS`] adequate windows lie wholly on either side of it.
/// `windows` are newest first; all of them are used.
pub fn comparison(windows: &[Window], start: Date) -> Option<Comparison> {
    let mean = |ws: Vec<f64>| -> Option<(f64, u32)> {
        (ws.len() >= COMPARE_WINDOWS)
            .then(|| (ws.iter().sum::<f64>() / ws.len() as f64, ws.len() as u32))
    };
    let before = mean(
        windows
            .iter()
            .filter(|w| w.end < start)
            .filter_map(|w| w.headache_rate)
            .collect(),
    )?;
    let after = mean(
        windows
            .iter()
            .filter(|w| w.start >= start)
            .filter_map(|w| w.headache_rate)
            .collect(),
    )?;
    let direction = direction(before.0, after.0);
    Some(Comparison {
        start,
        before: before.0,
        after: after.0,
        before_windows: before.1,
        after_windows: after.1,
        from: windows.last().map_or(start, |w| w.end),
        to: windows.first().map_or(start, |w| w.end),
        direction,
        sentence: sentence(direction, before.0, after.0),
    })
}

/// Fewer or more when the shown means (one decimal) differ by at least
/// [`DIRECTION_DAYS`]; else about the same.
fn direction(before: f64, after: f64) -> Direction {
    let shown = round_half_away(round_half_away(after, 1) - round_half_away(before, 1), 1);
    if shown <= -DIRECTION_DAYS {
        Direction::Fewer
    } else if shown >= DIRECTION_DAYS {
        Direction::More
    } else {
        Direction::Same
    }
}

/// The fixed wording of the comparison. Never a percentage, never a causal word: the
/// disclaimer says in plain terms that the numbers do not show cause.
pub fn sentence(direction: Direction, before: f64, after: f64) -> String {
    let figures = format!(
        "({} → {} per 4 weeks)",
        fmt_fixed(before, 1),
        fmt_fixed(after, 1)
    );
    match direction {
        Direction::Fewer => format!(
            "Fewer headache days since you started {figures}. This does not show that \
             self-care caused it: headache frequency changes on its own and often eases after \
             a bad spell."
        ),
        Direction::More => format!(
            "More headache days since you started {figures}. This does not show that \
             self-care caused it: headache frequency changes on its own, and bad spells come \
             and go."
        ),
        Direction::Same => format!(
            "About the same number of headache days since you started {figures}. Headache \
             frequency changes on its own, so this says little either way."
        ),
    }
}

/// The calm medication note, for the newest of `windows` that reaches a threshold: `None`
/// when none does. The thresholds are ICHD-3's for medication overuse: triptans or other
/// acute medicines on 10 or more days, simple painkillers on 15 or more, or medicines of
/// more than one kind on 10 or more days together when no kind reaches its own.
pub fn medication_note(windows: &[Window]) -> Option<String> {
    windows.iter().find_map(|w| {
        let what = if w.triptan_other_days >= TRIPTAN_DAYS {
            format!(
                "a triptan or other acute medicine on {} days",
                w.triptan_other_days
            )
        } else if w.simple_days >= SIMPLE_DAYS {
            format!("a simple painkiller on {} days", w.simple_days)
        } else if w.med_kinds() >= 2 && w.acute_med_days >= SEVERAL_KINDS_DAYS {
            format!(
                "acute medicines of more than one kind on {} days ({})",
                w.acute_med_days,
                med_kinds_text(w)
            )
        } else {
            return None;
        };
        Some(format!(
            "In the 4 weeks to {}, you noted {what}. Doctors use counts like these (10 or more \
             days a month with triptans or other acute medicines, 15 or more with simple \
             painkillers, or 10 or more with medicines of several kinds together, kept up for \
             more than three months) as a reason to talk about headache treatment.",
            w.end.strftime("%a %-d %b %Y")
        ))
    })
}

/// "a simple painkiller on 14, a triptan on 9": the kinds of a window with a count.
pub fn med_kinds_text(w: &Window) -> String {
    [
        (w.simple_days, "a simple painkiller"),
        (w.triptan_days, "a triptan"),
        (w.other_days, "another acute medicine"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{what} on {n}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// Everything the 4-week view shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaysSummary {
    pub today: Date,
    /// Newest first; windows older than any answer or session are left out (the newest is
    /// always there).
    pub windows: Vec<Window>,
    /// Answers ever given (one per date).
    pub answered_days: u32,
    pub comparison: Option<Comparison>,
    pub medication_note: Option<String>,
}

/// The 4-week view for `today`: up to `count` windows shown, the comparison against `start`
/// (the first self-care session unless the user chose a date) over every window back to
/// the first answer, and the medication note over the windows shown.
pub fn summarize<A: Answer>(
    answers: &BTreeMap<Date, A>,
    sessions: &SessionDays,
    today: Date,
    count: usize,
    start: Option<Date>,
) -> DaysSummary {
    let back = answers
        .keys()
        .next()
        .map_or(0, |first| windows_back_to(*first, today));
    let all = windows(answers, &sessions.by_day, today, count.max(back));
    let comparison = start.or(sessions.first).and_then(|s| comparison(&all, s));
    let mut shown: Vec<Window> = all.into_iter().take(count.max(1)).collect();
    drop_empty_oldest(&mut shown);
    let medication_note = medication_note(&shown);
    DaysSummary {
        today,
        windows: shown,
        answered_days: answers.len() as u32,
        comparison,
        medication_note,
    }
}

/// Leaves out, from the end of `windows` (newest first), those older than any answer or
/// session; the newest always stays.
fn drop_empty_oldest(windows: &mut Vec<Window>) {
    while windows.len() > 1
        && windows
            .last()
            .is_some_and(|w| w.answered == 0 && w.sessions == 0)
    {
        windows.pop();
    }
}

/// How many windows ending on `today` reach back to `first`.
pub fn windows_back_to(first: Date, today: Date) -> usize {
    let days = crate::core::stats::days_between(first, today);
    usize::try_from(days / WINDOW_DAYS as i32 + 1).unwrap_or(1)
}

/// The dates of the last week (today and the six days before), oldest first, that have no
/// answer: what `knotless day --ask` walks through.
pub fn unanswered_last_week(answers: &BTreeMap<Date, DayAnswer>, today: Date) -> Vec<Date> {
    (0..7i64)
        .rev()
        .filter_map(|back| today.checked_sub(back.days()).ok())
        .filter(|d| !answers.contains_key(d))
        .collect()
}

/// The hour before which home asks about yesterday (while yesterday is unanswered).
pub const MORNING_ENDS: i8 = 12;

/// The date home's "Headache today?" asks about at `now`, or `None`: in the morning
/// yesterday while it is unanswered (whatever was said of today: marking today after a
/// session does not answer for yesterday); else today while it is unanswered and no answer
/// was given today (on any date: it asks about today once a day at most).
pub fn prompt_date(answers: &BTreeMap<Date, DayAnswer>, now: &jiff::Zoned) -> Option<Date> {
    let today = now.date();
    let tz = now.time_zone();
    if now.hour() < MORNING_ENDS
        && let Ok(y) = today.yesterday()
        && !answers.contains_key(&y)
    {
        return Some(y);
    }
    let answered_today = answers
        .values()
        .any(|a| local_date(a.answered(), tz) == today);
    (!answered_today && !answers.contains_key(&today)).then_some(today)
}

/// The next instant [`prompt_date`] may answer differently, whatever the day log says: the
/// end of the morning, or the start of tomorrow.
pub fn next_turn(now: &jiff::Zoned) -> Option<jiff::Zoned> {
    let tz = now.time_zone().clone();
    if now.hour() < MORNING_ENDS {
        now.date().at(MORNING_ENDS, 0, 0, 0).to_zoned(tz).ok()
    } else {
        now.date().tomorrow().ok()?.to_zoned(tz).ok()
    }
}

/// Windows the Stats screen's chart shows: a year.
pub const CHART_WINDOWS: usize = REPORT_WINDOWS;

/// One window of the Stats screen's chart: its counts, and the self-care minutes done in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartWindow {
    pub window: Window,
    /// Active minutes of self-care started in the window, unrounded.
    pub minutes: f64,
}

/// Up to `count` windows ending on `today`, *oldest first* (the way a chart reads), each with
/// its self-care minutes. Windows older than any answer or session are left out, as in
/// [`summarize`], so a new diary draws a short chart rather than a year of nothing.
pub fn chart<A: Answer>(
    answers: &BTreeMap<Date, A>,
    sessions: &SessionDays,
    today: Date,
    count: usize,
) -> Vec<ChartWindow> {
    let mut all = windows(answers, &sessions.by_day, today, count.max(1));
    drop_empty_oldest(&mut all);
    all.into_iter()
        .rev()
        .map(|window| {
            let time: TimeSum = sessions
                .time_by_day
                .range(window.start..=window.end)
                .map(|(_, t)| *t)
                .sum();
            ChartWindow {
                window,
                minutes: time.minutes(),
            }
        })
        .collect()
}
