//! PURE: the summary for a doctor or therapist (`knotless report`), as one data model that
//! the Markdown, HTML and JSON writers all render, so their figures agree by construction.
//!
//! The report covers one period of whole local days and keeps to it: the self-care figures, the 4-week
//! headache-day windows (only windows wholly inside it), the medication note, the
//! comparison and the calendar all look at that period and nothing else. The period starts
//! at `--since` (or at the first entry with `--since all`) — or later, at the first thing
//! ever logged, so "sessions a week" divides by the days actually covered — and ends at
//! `--until` or now. A period that ends before the first thing ever logged stays as asked.
//!
//! It is built one record at a time ([`ReportBuilder::add`]) while the history streams from
//! disk: memory grows with days, routines and a bounded list of notes, never with the
//! number of sessions. The period's self-care figures come from the same
//! [`StatsBuilder`] as `stats`, so the two commands cannot disagree either.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use serde::Serialize;

use crate::core::days::{self, EmptyStretch, SessionDays, WINDOW_DAYS, Window, WindowRow};
use crate::core::stats::{
    self, AreaStats, ExternalWhat, PainStats, PainTally, RoutineStats, StatsBuilder, StatsOptions,
    Totals,
};
use crate::model::day::{DayAnswer, Intensity, Meds};
use crate::model::format::json;
use crate::model::record::SessionRecord;

/// Notes and professional sessions listed (the newest); the rest are counted.
pub const LISTED: usize = 30;
/// A note longer than this is cut (with "…") in the report.
pub const NOTE_CHARS: usize = 600;
/// The calendar shows at most this many months, the period's last: every month a year's
/// period touches (`--since 1y` on 7 December starts on 7 December the year before, and
/// the months from that December to this one are 13).
pub const CALENDAR_MONTHS: usize = 13;
/// Periods longer than this show head pain by month rather than by week.
pub const WEEKLY_UP_TO_DAYS: u32 = 16 * 7;

/// What the report covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportOptions {
    /// From this instant; `None` from the first entry.
    pub since: Option<Timestamp>,
    /// Up to (not including) this instant; `None` up to now. A time after now means now.
    pub until: Option<Timestamp>,
    /// Compare headache days before and after this date instead of the first session.
    pub started: Option<Date>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub generated_at: Timestamp,
    pub time_zone: String,
    pub period: ReportPeriod,
    /// `None` when the day log could not be read (the writers say so).
    pub headache: Option<Headache>,
    pub self_care: SelfCare,
    /// Per self-care routine (or breathing pattern), most sessions first.
    pub routines: Vec<RoutineStats>,
    /// Self-care by area, most minutes first.
    pub areas: Vec<AreaStats>,
    pub trend: Trend,
    pub professional: Professional,
    /// Notes written after self-care sessions, newest first.
    pub notes: Listed<Note>,
    /// What could not be read and is not counted (the writers say so at the top).
    pub unreadable: Unreadable,
}

/// Lines skipped because they could not be read at all, and whether the day log could be
/// read. Lines that were read with a value left out (a rating out of range, a date still to
/// come, an amendment for a session that is not there) are not counted here: their
/// sessions and answers are in the report or are not yet due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// History lines skipped as unreadable.
    pub history_lines: u32,
    /// Day-log lines skipped as unreadable.
    pub day_log_lines: u32,
    /// The day log could not be read at all, so the report has no headache part.
    pub day_log: bool,
}

/// The dates the report covers, both included, stated once at its top.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportPeriod {
    pub from: Date,
    pub to: Date,
    pub days: u32,
    /// The first day asked for, when nothing was logged before a later day (the period
    /// then starts at that later day).
    pub asked_from: Option<Date>,
}

/// Self-care in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelfCare {
    #[serde(flatten)]
    pub totals: Totals,
    /// Sessions a week over the days covered; `None` under a week.
    #[serde(serialize_with = "json::tenths_opt")]
    pub per_week: Option<f64>,
}

/// Head pain before and after sessions over time: by week for periods up to 16 weeks,
/// else by month. Weeks or months without a session are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub by: TrendBy,
    pub rows: Vec<TrendRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrendBy {
    Week,
    Month,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    /// The Monday of the week, or the 1st of the month.
    pub start: Date,
    pub sessions: u32,
    pub pain: PainStats,
}

/// Professional sessions (`knotless log`) in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Professional {
    pub sessions: u32,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
    pub by_what: Vec<ExternalWhat>,
    /// Each one, newest first.
    pub listed: Listed<Logged>,
}

/// A professional session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logged {
    pub at: Zoned,
    pub title: String,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    pub note: Option<String>,
}

/// A note written after a self-care session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub at: Zoned,
    pub title: String,
    pub pain_before: Option<u8>,
    pub pain_after: Option<u8>,
    pub note: String,
}

/// The newest [`LISTED`] items, newest first, and how many more there were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub more: u32,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed {
            items: Vec::new(),
            more: 0,
        }
    }
}

/// Headache days in the period, from the day log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headache {
    pub days: DayCounts,
    /// The 4-week windows wholly inside the period, ending on its last day, newest first.
    /// A report writes each run of empty ones as one line ([`days::fold_empty`]); JSON
    /// lists the windows outside such runs, and the runs in `empty_stretches`.
    #[serde(serialize_with = "unfolded_windows")]
    pub windows: Vec<Window>,
    /// The runs of empty windows (no answer, no session) written as one line each, newest
    /// first.
    pub empty_stretches: Vec<EmptyStretch>,
    pub comparison: Option<days::Comparison>,
    pub medication_note: Option<String>,
    /// The period's last [`CALENDAR_MONTHS`] months, oldest first.
    pub calendar: Vec<Month>,
    /// The period's earlier months, not in the calendar (0 when it shows the whole period).
    pub calendar_months_left_out: u32,
}

/// What the answered days of the period add up to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DayCounts {
    pub answered: u32,
    pub headache: u32,
    pub migraine: u32,
    /// Days with any acute medicine, and by kind.
    pub acute_med: u32,
    pub simple: u32,
    pub triptan: u32,
    pub other: u32,
    /// Headache days by how bad they got at worst; `unrated` had no answer to that.
    pub mild: u32,
    pub moderate: u32,
    pub severe: u32,
    pub unrated: u32,
}

impl DayCounts {
    fn add(&mut self, a: &DayAnswer) {
        self.answered += 1;
        if a.headache {
            self.headache += 1;
            self.migraine += u32::from(a.migraine);
            match a.worst {
                Some(Intensity::Mild) => self.mild += 1,
                Some(Intensity::Moderate) => self.moderate += 1,
                Some(Intensity::Severe) => self.severe += 1,
                Some(Intensity::None) | None => self.unrated += 1,
            }
        }
        match a.meds {
            Some(Meds::Simple) => self.simple += 1,
            Some(Meds::Triptan) => self.triptan += 1,
            Some(Meds::Other) => self.other += 1,
            Some(Meds::None) | None => {}
        }
        self.acute_med += u32::from(a.took_meds());
    }
}

/// One month of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// The 1st of the month.
    pub first: Date,
    /// Every day of the month, the 1st first.
    pub days: Vec<CalendarDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarDay {
    pub date: Date,
    /// Outside the period: drawn empty.
    pub in_period: bool,
    pub mark: DayMark,
    /// Acute medicine taken.
    pub meds: bool,
    /// Self-care sessions that day.
    pub sessions: u32,
}

/// What a day's answer says, for the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayMark {
    NotAnswered,
    NoHeadache,
    Headache,
    Migraine,
}

/// One pain tally per week and per month, while the history streams by.
#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    sessions: u32,
    pain: PainTally,
}

/// Builds a [`Report`] one record at a time; records may come in any order.
#[derive(Debug)]
pub struct ReportBuilder {
    tz: TimeZone,
    days: stats::LocalDays,
    now: Zoned,
    since: Option<Timestamp>,
    until: Timestamp,
    started: Option<Date>,
    stats: StatsBuilder,
    /// Self-care sessions per day, ever (the windows' sessions, the first session).
    session_days: SessionDays,
    /// The first day anything at all was logged.
    first_entry: Option<Date>,
    weeks: BTreeMap<Date, Bucket>,
    months: BTreeMap<Date, Bucket>,
    logged: Newest<Logged>,
    notes: Newest<Note>,
}

impl ReportBuilder {
    pub fn new(now: &Zoned, options: ReportOptions) -> ReportBuilder {
        let tz = now.time_zone();
        // A report is made of whole local days, so a day's sessions and its answer are
        // always in it together: from the start of the day `since` falls on, to the end of
        // the day before `until` (or now).
        let since = options
            .since
            .map(|s| day_start(stats::local_date(s, tz), tz, s));
        let until = options.until.map_or(now.timestamp(), |u| {
            let last = stats::local_date(
                u.checked_sub(jiff::SignedDuration::from_nanos(1))
                    .unwrap_or(u),
                tz,
            );
            let next = last.tomorrow().map_or(u, |d| day_start(d, tz, u));
            next.min(now.timestamp())
        });
        let stats_options = StatsOptions {
            since,
            until: Some(until),
            ..StatsOptions::new(0)
        };
        ReportBuilder {
            tz: tz.clone(),
            days: stats::LocalDays::new(tz.clone()),
            now: now.clone(),
            since,
            until,
            started: options.started,
            stats: StatsBuilder::new(now, stats_options),
            session_days: SessionDays::new(now.time_zone().clone()),
            first_entry: None,
            weeks: BTreeMap::new(),
            months: BTreeMap::new(),
            logged: Newest::default(),
            notes: Newest::default(),
        }
    }

    fn in_period(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && t < self.until
    }

    /// Takes one record into account.
    pub fn add(&mut self, r: &SessionRecord) {
        if !r.counts() {
            return;
        }
        let started = r.started();
        let day = self.days.date(started);
        if self.first_entry.is_none_or(|f| day < f) {
            self.first_entry = Some(day);
        }
        self.session_days.add(r);
        if !self.in_period(started) {
            return;
        }
        self.stats.add(r);
        let at = || started.to_zoned(self.tz.clone());
        if !r.is_self_care() {
            self.logged.push(started, || Logged {
                at: at(),
                title: r.title.clone(),
                secs: r.active_secs,
                note: r.note.as_deref().map(cut_note).filter(|n| !n.is_empty()),
            });
            return;
        }
        let monday = day
            .checked_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
            .unwrap_or(day);
        for (map, key) in [
            (&mut self.weeks, monday),
            (&mut self.months, day.first_of_month()),
        ] {
            let b = map.entry(key).or_default();
            b.sessions += 1;
            b.pain.add(r);
        }
        if let Some(note) = r.note.as_deref().filter(|n| !n.trim().is_empty()) {
            self.notes.push(started, || Note {
                at: at(),
                title: r.title.clone(),
                pain_before: r.pain_before,
                pain_after: r.pain_after,
                note: cut_note(note),
            });
        }
    }

    /// The report, with the day log's answers (`None` when it could not be read).
    pub fn finish(self, answers: Option<&BTreeMap<Date, DayAnswer>>) -> Report {
        let to = stats::local_date(
            self.until
                .checked_sub(jiff::SignedDuration::from_nanos(1))
                .unwrap_or(self.until),
            &self.tz,
        );
        let first_answer = answers.and_then(|a| a.keys().next().copied());
        let first_entry = match (self.first_entry, first_answer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let period = period(
            self.since.map(|s| stats::local_date(s, &self.tz)),
            first_entry,
            to,
        );
        let headache = answers.map(|a| headache(a, &self.session_days, &period, self.started));
        let stats = self.stats.finish();
        let per_week = (period.days >= 7)
            .then(|| f64::from(stats.totals.sessions) * 7.0 / f64::from(period.days));
        let trend = trend(&period, self.weeks, self.months);
        Report {
            generated_at: self.now.timestamp(),
            time_zone: self.tz.iana_name().unwrap_or("local time").to_string(),
            period,
            headache,
            self_care: SelfCare {
                totals: stats.totals,
                per_week,
            },
            routines: stats.routines,
            areas: stats.by_area,
            trend,
            professional: Professional {
                sessions: stats.external.sessions,
                secs: stats.external.secs,
                minutes: stats.external.minutes,
                by_what: stats.external.by_what,
                listed: self.logged.finish(),
            },
            notes: self.notes.finish(),
            unreadable: Unreadable {
                day_log: answers.is_none(),
                ..Unreadable::default()
            },
        }
    }
}

/// The first instant of `day` in `tz` (`or` where there is none).
fn day_start(day: Date, tz: &TimeZone, or: Timestamp) -> Timestamp {
    day.to_zoned(tz.clone()).map_or(or, |z| z.timestamp())
}

/// The period: from the day asked for, or the first entry when that is later (or when
/// all was asked for), to `to`. A first entry after `to` leaves the period as asked:
/// nothing was logged in it, and it is not shrunk to its last day.
fn period(asked: Option<Date>, first_entry: Option<Date>, to: Date) -> ReportPeriod {
    let first_entry = first_entry.filter(|f| *f <= to);
    let from = match (asked, first_entry) {
        (Some(a), Some(f)) => a.max(f),
        (Some(a), None) => a,
        (None, f) => f.unwrap_or(to),
    }
    .min(to);
    ReportPeriod {
        from,
        to,
        days: (stats::days_between(from, to) + 1).max(1) as u32,
        asked_from: asked.filter(|a| *a < from),
    }
}

fn trend(
    period: &ReportPeriod,
    weeks: BTreeMap<Date, Bucket>,
    months: BTreeMap<Date, Bucket>,
) -> Trend {
    let (by, buckets) = if period.days > WEEKLY_UP_TO_DAYS {
        (TrendBy::Month, months)
    } else {
        (TrendBy::Week, weeks)
    };
    Trend {
        by,
        rows: buckets
            .into_iter()
            .map(|(start, b)| TrendRow {
                start,
                sessions: b.sessions,
                pain: b.pain.finish(),
            })
            .collect(),
    }
}

/// The headache part: the period's answers counted, its windows, the comparison and the
/// medication note over those windows, and the calendar.
fn headache(
    answers: &BTreeMap<Date, DayAnswer>,
    sessions: &SessionDays,
    period: &ReportPeriod,
    started: Option<Date>,
) -> Headache {
    let mut counts = DayCounts::default();
    for a in answers.range(period.from..=period.to).map(|(_, a)| a) {
        counts.add(a);
    }
    let whole = (period.days as usize) / WINDOW_DAYS as usize;
    let windows = days::windows(answers, &sessions.by_day, period.to, whole);
    let comparison = started
        .or(sessions.first)
        .and_then(|s| days::comparison(&windows, s));
    let calendar = calendar(answers, sessions, period);
    let calendar_months_left_out = calendar.first().map_or(0, |m| {
        let mut left_out = 0;
        let mut month = period.from.first_of_month();
        while month < m.first {
            left_out += 1;
            let Ok(next) = month.checked_add(1.month()) else {
                break;
            };
            month = next;
        }
        left_out
    });
    Headache {
        days: counts,
        medication_note: days::medication_note(&windows),
        comparison,
        empty_stretches: days::empty_stretches(&windows),
        windows,
        calendar,
        calendar_months_left_out,
    }
}

/// The windows of [`Headache::windows`] that are not in an empty stretch, for JSON.
fn unfolded_windows<S: serde::Serializer>(windows: &[Window], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        days::fold_empty(windows)
            .into_iter()
            .filter_map(|row| match row {
                WindowRow::Window(w) => Some(w),
                WindowRow::Empty(_) => None,
            }),
    )
}

/// The last [`CALENDAR_MONTHS`] months of the period, each day marked.
fn calendar(
    answers: &BTreeMap<Date, DayAnswer>,
    sessions: &SessionDays,
    period: &ReportPeriod,
) -> Vec<Month> {
    let last = period.to.first_of_month();
    let back = (CALENDAR_MONTHS as i64 - 1).months();
    let first = period
        .from
        .first_of_month()
        .max(last.checked_sub(back).unwrap_or(last));
    let mut months = Vec::new();
    let mut month = first;
    while month <= last {
        let days = (0..i64::from(month.days_in_month()))
            .filter_map(|i| month.checked_add(i.days()).ok())
            .map(|date| {
                let in_period = date >= period.from && date <= period.to;
                let a = answers.get(&date).filter(|_| in_period);
                CalendarDay {
                    date,
                    in_period,
                    mark: match a {
                        None => DayMark::NotAnswered,
                        Some(a) if !a.headache => DayMark::NoHeadache,
                        Some(a) if a.migraine => DayMark::Migraine,
                        Some(_) => DayMark::Headache,
                    },
                    meds: a.is_some_and(DayAnswer::took_meds),
                    sessions: if in_period {
                        sessions.by_day.get(&date).copied().unwrap_or(0)
                    } else {
                        0
                    },
                }
            })
            .collect();
        months.push(Month { first: month, days });
        let Ok(next) = month.checked_add(1.month()) else {
            break;
        };
        month = next;
    }
    months
}

/// A note as the report shows it: trimmed, and cut at [`NOTE_CHARS`] characters.
fn cut_note(note: &str) -> String {
    let note = note.trim();
    match note.char_indices().nth(NOTE_CHARS) {
        Some((i, _)) => format!("{}…", &note[..i]),
        None => note.to_string(),
    }
}

/// The newest [`LISTED`] of a stream, by start time, and a count of the rest.
#[derive(Debug)]
struct Newest<T> {
    kept: Vec<(Timestamp, T)>,
    dropped: u32,
}

impl<T> Default for Newest<T> {
    fn default() -> Self {
        Newest {
            kept: Vec::new(),
            dropped: 0,
        }
    }
}

impl<T> Newest<T> {
    /// Keeps the item `make` gives when it is among the newest (made only then).
    fn push(&mut self, at: Timestamp, make: impl FnOnce() -> T) {
        if self.kept.len() == LISTED {
            let oldest = self.kept.iter().map(|(t, _)| *t).min().expect("full");
            self.dropped += 1;
            if at <= oldest {
                return;
            }
            let i = self
                .kept
                .iter()
                .position(|(t, _)| *t == oldest)
                .expect("there");
            self.kept.swap_remove(i);
        }
        self.kept.push((at, make()));
    }

    fn finish(mut self) -> Listed<T> {
        self.kept.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
        Listed {
            items: self.kept.into_iter().map(|(_, x)| x).collect(),
            more: self.dropped,
        }
    }
}
