//! PURE: the figures behind the Stats screen, `stats --json` and `report`, computed from
//! session records, a `now` (whose time zone decides what a day and a week are) and the
//! weekly goal. No clock, no disk: callers read the history and pass `now` in.
//!
//! What counts:
//! - A *session* is any record of kind `routine` or `breathing`, whatever its outcome —
//!   completed, stopped early and interrupted all count, because the user did show up —
//!   except one with under 3 s active (`SessionRecord::counts`): that one never started.
//!   Professional sessions (kind `external`, from `knotless log`) are counted apart.
//! - *Minutes* are active minutes (`active_secs`, pauses excluded); for an external session,
//!   the duration the user logged.
//! - A session belongs to the local day (and week) it *started* in.
//! - Days and weeks are calendar days in the time zone of `now`, stepped with civil-date
//!   arithmetic, so a 23- or 25-hour day around a DST change is still one day. Weeks start on
//!   Monday.
//!
//! Nothing here judges: there is no streak to break, only what was done.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use serde::Serialize;

use crate::core::period::Period;
use crate::model::format::{TimeSum, fmt_change, fmt_fixed, json, round_half_away};
use crate::model::record::{Kind, Outcome, SessionRecord};

/// How many weeks [`Stats::weeks`] covers unless told otherwise.
pub const DEFAULT_WEEKS: usize = 8;
/// The calendar heatmap covers this many whole weeks, this week last.
pub const CALENDAR_WEEKS: usize = 16;
pub const CALENDAR_DAYS: usize = CALENDAR_WEEKS * 7;
/// [`StatsOptions::weeks`] is capped here (ten years), whatever is asked for.
pub const MAX_WEEKS: usize = 520;
/// [`RoutineStats::monthly`] looks back this many calendar months, this month last.
pub const CHANGE_MONTHS: usize = 12;

/// What to compute beyond the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsOptions {
    /// Sessions a week the user aims for (`weekly_goal` in config.toml, default 3).
    pub weekly_goal: u32,
    /// How many weeks [`Stats::weeks`] lists (1 to [`MAX_WEEKS`]; this week is the last).
    pub weeks: usize,
    /// Restricts the *period* figures — [`Stats::by_area`], [`Stats::routines`],
    /// [`Stats::external`]'s counts and [`Stats::totals`] — to sessions started at or after
    /// this (`stats --since 90d`). The weekly figures, the calendar and "days since the last
    /// professional session" always look at everything.
    pub since: Option<Timestamp>,
    /// Ends the period figures before this instant (`report --until`); `None` = no end.
    pub until: Option<Timestamp>,
    /// What the period is called in [`Stats::period`]; `None` writes it from `since`.
    pub period_label: Option<String>,
}

impl StatsOptions {
    pub fn new(weekly_goal: u32) -> Self {
        StatsOptions {
            weekly_goal,
            weeks: DEFAULT_WEEKS,
            since: None,
            until: None,
            period_label: None,
        }
    }

    /// The options for `stats --since WHEN`: whole local days, from the start of the day
    /// `since` falls on, as the period is named ("since 2026-11-30") and as `report` counts
    /// it. (`--since 7d` at 13:00 left out that day's morning, and `--since today` every
    /// session of today before the moment asked.)
    pub fn since_day(weekly_goal: u32, since: Timestamp, now: &Zoned) -> Self {
        let tz = now.time_zone();
        let start = local_date(since, tz)
            .to_zoned(tz.clone())
            .map_or(since, |z| z.timestamp());
        StatsOptions {
            since: Some(start),
            ..StatsOptions::new(weekly_goal)
        }
    }

    /// The options for one of the named periods, as of `now`.
    pub fn for_period(weekly_goal: u32, period: Period, now: &Zoned) -> Self {
        StatsOptions {
            since: period.since(now),
            period_label: Some(period.label().to_string()),
            ..StatsOptions::new(weekly_goal)
        }
    }
}

/// Everything the Stats screen shows, ready to draw or print as JSON. Every figure is kept
/// exact and rounded only where it is written (`model::format`'s one rounding): JSON writes
/// minutes as whole minutes beside `secs` (the whole seconds passed), and head-pain
/// averages and changes to one decimal, exactly as the screen and `stats` show them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The `now` the figures were computed for, and its time zone's name.
    pub generated_at: Timestamp,
    pub time_zone: String,
    /// Today's local date.
    pub today: Date,
    /// The period of the period figures (see [`StatsOptions::since`]); `None` = everything.
    pub since: Option<Timestamp>,
    /// What that period is called: "last 90 days", "all time", "since 2026-11-01".
    pub period: String,
    /// Whether [`Stats::period`] already names the first day (a `--since` period), so a
    /// writer does not say it twice.
    #[serde(skip)]
    pub period_dated: bool,
    pub weekly_goal: u32,
    /// This week so far (Monday to today). The same as the last entry of `weeks`.
    pub this_week: WeekStats,
    /// The last N weeks, oldest first, this week last. Weeks with nothing are listed too.
    pub weeks: Vec<WeekStats>,
    pub calendar: Calendar,
    /// Self-care minutes by area, most minutes first. External sessions are in `external`.
    pub by_area: Vec<AreaStats>,
    /// Per self-care routine (or breathing pattern), most sessions first.
    pub routines: Vec<RoutineStats>,
    pub external: ExternalStats,
    pub totals: Totals,
}

/// One Monday-to-Sunday week of self-care.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekStats {
    /// The Monday the week starts on.
    pub start: Date,
    pub sessions: u32,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
    /// Days of the week with at least one session.
    pub active_days: u32,
    /// The weekly goal, repeated so each week can be drawn on its own.
    pub goal: u32,
    pub pain: PainStats,
}

/// Head-pain ratings (0-10) over a set of sessions, from the *paired* sessions only — those
/// with both a before and an after rating — so "before → after" and the change always
/// describe the same sessions and agree with each other. The averages are exact (written to
/// one decimal); `change_avg` is the difference of the averages *as shown* — after minus
/// before, each rounded to one decimal first — so a row always adds up ("3.3 → 1.8,
/// −1.5"): negative means less pain afterwards. `n` says how many sessions all three are
/// over.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PainStats {
    #[serde(serialize_with = "json::tenths_opt")]
    pub before_avg: Option<f64>,
    #[serde(serialize_with = "json::tenths_opt")]
    pub after_avg: Option<f64>,
    #[serde(serialize_with = "json::tenths_opt")]
    pub change_avg: Option<f64>,
    /// Sessions with both ratings.
    pub n: u32,
}

impl PainStats {
    /// "6.0 → 3.0", or `None` when no session had both ratings.
    pub fn before_after(&self) -> Option<String> {
        let (b, a) = self.averages()?;
        Some(format!("{} → {}", fmt_fixed(b, 1), fmt_fixed(a, 1)))
    }

    /// The shown before and after averages ("6.0", "3.0"), or `None` without ratings.
    pub fn shown_averages(&self) -> Option<(String, String)> {
        let (b, a) = self.averages()?;
        Some((fmt_fixed(b, 1), fmt_fixed(a, 1)))
    }

    /// "−3.0 (n=2)": the change as shown, which is always the difference of the two shown
    /// averages (so "6.0 → 3.0" never sits beside "−2.9").
    pub fn change_text(&self) -> Option<String> {
        let c = self.shown_change()?;
        Some(format!("{} (n={})", fmt_change(c), self.n))
    }

    /// The change as shown (after minus before, of the averages rounded to one decimal).
    pub fn shown_change(&self) -> Option<f64> {
        self.averages()?;
        self.change_avg
    }

    fn averages(&self) -> Option<(f64, f64)> {
        match (self.before_avg, self.after_avg) {
            (Some(b), Some(a)) if self.n > 0 => Some((b, a)),
            _ => None,
        }
    }
}

/// Minutes per local day for the heatmap: [`CALENDAR_DAYS`] days from the Monday 15 weeks
/// before this week's to this week's Sunday, so day `i` is in column `i / 7` (week) and row
/// `i % 7` (0 = Monday). Days after today are marked `future`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    pub start: Date,
    pub days: Vec<CalendarDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarDay {
    pub date: Date,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
    pub sessions: u32,
    pub future: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaStats {
    pub area: String,
    pub sessions: u32,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutineStats {
    pub routine_id: String,
    /// The title of the most recent session of this routine.
    pub title: String,
    pub area: String,
    pub kind: Kind,
    pub sessions: u32,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
    pub pain: PainStats,
    /// The paired head-pain change month by month over the last [`CHANGE_MONTHS`] calendar
    /// months (whatever the period), oldest first: only months with a paired session, so
    /// each mark has its n. Whether the routine still seems to help is read from these.
    pub monthly: Vec<MonthPain>,
    /// When the most recent session started.
    pub last_at: Timestamp,
}

/// A routine's paired head-pain ratings in one calendar month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthPain {
    /// The first day of the month.
    pub month: Date,
    pub pain: PainStats,
}

/// Professional sessions logged with `knotless log`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExternalStats {
    /// In the period.
    pub sessions: u32,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
    /// The most recent one ever, whatever the period.
    pub last: Option<LastExternal>,
    /// In the period, per WHAT (its slug), most sessions first.
    pub by_what: Vec<ExternalWhat>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastExternal {
    pub routine_id: String,
    pub title: String,
    pub at: Timestamp,
    /// Local calendar days between its day and today (0 = today).
    pub days_ago: i32,
    /// Self-care sessions started after it.
    pub self_care_since: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExternalWhat {
    pub routine_id: String,
    pub title: String,
    pub sessions: u32,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
}

/// Self-care in the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub sessions: u32,
    #[serde(serialize_with = "json::secs")]
    pub secs: f64,
    #[serde(serialize_with = "json::whole")]
    pub minutes: f64,
    pub active_days: u32,
    pub completed: u32,
    pub stopped: u32,
    pub interrupted: u32,
    pub pain: PainStats,
    pub first_at: Option<Timestamp>,
    pub last_at: Option<Timestamp>,
}

/// Computes the stats of `records` with the default options.
pub fn compute<R: Borrow<SessionRecord>>(
    records: impl IntoIterator<Item = R>,
    now: &Zoned,
    weekly_goal: u32,
) -> Stats {
    compute_with(records, now, StatsOptions::new(weekly_goal))
}

pub fn compute_with<R: Borrow<SessionRecord>>(
    records: impl IntoIterator<Item = R>,
    now: &Zoned,
    options: StatsOptions,
) -> Stats {
    let mut builder = StatsBuilder::new(now, options);
    for r in records {
        builder.add(r.borrow());
    }
    builder.finish()
}

/// Monday 00:00 of `now`'s week, in `now`'s time zone (or the first instant of that day,
/// where a DST change skips midnight). Pass its timestamp to `history::recent`.
pub fn week_start(now: &Zoned) -> Zoned {
    let monday = monday_of(now.date());
    monday
        .to_zoned(now.time_zone().clone())
        .unwrap_or_else(|_| now.clone())
}

/// The value for `key`, made by `new` the first time: the key is copied only then (a long
/// history names the same few routines and areas in every record).
fn entry<'m, V>(map: &'m mut HashMap<String, V>, key: &str, new: impl FnOnce() -> V) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), new());
    }
    map.get_mut(key).expect("inserted above")
}

/// The local calendar date of an instant.
pub fn local_date(ts: Timestamp, tz: &TimeZone) -> Date {
    tz.to_datetime(ts).date()
}

/// [`local_date`] for many instants, in `tz`: it keeps the span of the last day it found
/// whose UTC offset holds all day, so the next instant in that day (a long history's records
/// come a few a day, nearly all in order) costs two comparisons, not a look-up in the
/// zone's rules. A day with an offset change in it is never kept, so the answer is always
/// [`local_date`]'s.
#[derive(Debug, Clone)]
pub struct LocalDays {
    tz: TimeZone,
    /// From the day's first instant up to the next day's, the day, and its offset.
    day: Option<(Timestamp, Timestamp, Date, jiff::tz::Offset)>,
}

impl LocalDays {
    pub fn new(tz: TimeZone) -> LocalDays {
        LocalDays { tz, day: None }
    }

    pub fn date(&mut self, ts: Timestamp) -> Date {
        self.offset(ts).1
    }

    /// The local date and time of `ts` (`tz.to_datetime(ts)`).
    pub fn datetime(&mut self, ts: Timestamp) -> jiff::civil::DateTime {
        self.offset(ts).0.to_datetime(ts)
    }

    /// The offset at `ts`, and the local date.
    fn offset(&mut self, ts: Timestamp) -> (jiff::tz::Offset, Date) {
        if let Some((start, end, date, offset)) = self.day
            && start <= ts
            && ts < end
        {
            return (offset, date);
        }
        let offset = self.tz.to_offset(ts);
        let date = offset.to_datetime(ts).date();
        self.day = self.whole_day(offset, date);
        (offset, date)
    }

    /// The day's span when `offset` holds from its midnight to the next one.
    fn whole_day(
        &self,
        offset: jiff::tz::Offset,
        date: Date,
    ) -> Option<(Timestamp, Timestamp, Date, jiff::tz::Offset)> {
        let midnight = |d: Date| offset.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()));
        let (start, end) = (midnight(date).ok()?, midnight(date.tomorrow().ok()?).ok()?);
        if self.tz.to_offset(start) != offset {
            return None;
        }
        match self.tz.following(start).next() {
            Some(change) if change.timestamp() < end => None,
            _ => Some((start, end, date, offset)),
        }
    }
}

/// Calendar days from `from` to `to` (positive when `to` is later).
pub fn days_between(from: Date, to: Date) -> i32 {
    day_number(to) - day_number(from)
}

/// A heatmap shade for a day's minutes: 0 (nothing), then 1-4 for under 5, under 10,
/// under 20, and 20 minutes or more. Fixed steps, so a quiet week does not look like a
/// busy one just because every week was quiet. The steps are taken on the minutes as they
/// are written (whole, half away from zero), so a day `stats --json` says was 10 minutes is
/// never shaded "under 10".
pub fn heat_level(minutes: f64) -> u8 {
    if minutes.is_nan() || minutes <= 0.0 {
        return 0;
    }
    match round_half_away(minutes, 0) {
        m if m < 5.0 => 1,
        m if m < 10.0 => 2,
        m if m < 20.0 => 3,
        _ => 4,
    }
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar. Per-record grouping runs on
/// these plain integers; jiff does the calendar work (DST, dates) around them.
fn day_number(d: Date) -> i32 {
    let (y, m, day) = (
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Calendar months since year 0: consecutive months differ by one.
fn month_number(d: Date) -> i32 {
    i32::from(d.year()) * 12 + i32::from(d.month()) - 1
}

fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(n.days()).unwrap_or(d)
}

/// Sums head-pain ratings of paired sessions as records go by; [`PainTally::finish`] gives
/// the averages. A session with only one rating adds nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct PainTally {
    before_sum: u32,
    after_sum: u32,
    n: u32,
}

impl PainTally {
    pub fn add(&mut self, r: &SessionRecord) {
        if let (Some(b), Some(a)) = (r.pain_before, r.pain_after) {
            self.before_sum += u32::from(b);
            self.after_sum += u32::from(a);
            self.n += 1;
        }
    }

    pub fn finish(&self) -> PainStats {
        if self.n == 0 {
            return PainStats::default();
        }
        let n = f64::from(self.n);
        let (b, a) = (
            f64::from(self.before_sum) / n,
            f64::from(self.after_sum) / n,
        );
        PainStats {
            before_avg: Some(b),
            after_avg: Some(a),
            change_avg: Some(round_half_away(
                round_half_away(a, 1) - round_half_away(b, 1),
                1,
            )),
            n: self.n,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct DayAcc {
    time: TimeSum,
    sessions: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct WeekAcc {
    sessions: u32,
    time: TimeSum,
    pain: PainTally,
}

#[derive(Debug, Clone)]
struct RoutineAcc {
    title: String,
    area: String,
    kind: Kind,
    sessions: u32,
    time: TimeSum,
    pain: PainTally,
    last_at: Timestamp,
}

#[derive(Debug, Clone)]
struct WhatAcc {
    title: String,
    sessions: u32,
    time: TimeSum,
    last_at: Timestamp,
}

/// Computes [`Stats`] one record at a time, so a long history can be summarised while it
/// streams from disk (`history::for_each`) without holding it. Records may come in any order.
#[derive(Debug, Clone)]
pub struct StatsBuilder {
    now: Timestamp,
    tz: TimeZone,
    days: LocalDays,
    today: Date,
    this_monday: Date,
    options: StatsOptions,
    /// Day number of the first day of `window` (a Monday); the window covers the calendar
    /// and the listed weeks.
    window_start_n: i32,
    window: Vec<DayAcc>,
    weeks: Vec<WeekAcc>,
    areas: HashMap<String, (u32, TimeSum)>,
    routines: HashMap<String, RoutineAcc>,
    external_sessions: u32,
    external_time: TimeSum,
    by_what: HashMap<String, WhatAcc>,
    last_external: Option<(Timestamp, String, String)>,
    /// Start times of every self-care session, for "sessions since the last professional
    /// one", which is only known at the end: four bytes a session, see [`Starts`].
    self_care_starts: Starts,
    totals: Totals,
    totals_time: TimeSum,
    totals_pain: PainTally,
    period_days: HashSet<i32>,
    /// The day last put in `period_days` (records come a few a day).
    last_period_day: Option<i32>,
    /// Paired ratings per routine and month, [`CHANGE_MONTHS`] back, this month last.
    monthly: HashMap<String, [PainTally; CHANGE_MONTHS]>,
}

/// Start times (Unix seconds), held as seconds since 2000 in four bytes, which reach 2136;
/// a start outside that (the history's readers refuse one before 2000) is kept whole.
#[derive(Debug, Clone, Default)]
struct Starts {
    near: Vec<u32>,
    far: Vec<i64>,
}

impl Starts {
    /// 2000-01-01T00:00:00Z.
    const BASE: i64 = 946_684_800;

    fn push(&mut self, at: i64) {
        match at.checked_sub(Self::BASE).map(u32::try_from) {
            Some(Ok(near)) => self.near.push(near),
            _ => self.far.push(at),
        }
    }

    /// How many start after `at`.
    fn after(&self, at: i64) -> usize {
        let near = self
            .near
            .iter()
            .filter(|&&s| i64::from(s) + Self::BASE > at)
            .count();
        near + self.far.iter().filter(|&&s| s > at).count()
    }
}

impl StatsBuilder {
    pub fn new(now: &Zoned, options: StatsOptions) -> Self {
        let mut options = options;
        options.weeks = options.weeks.clamp(1, MAX_WEEKS);
        let today = now.date();
        let this_monday = monday_of(today);
        let span_weeks = options.weeks.max(CALENDAR_WEEKS);
        let window_start = add_days(this_monday, -7 * (span_weeks as i64 - 1));
        StatsBuilder {
            now: now.timestamp(),
            tz: now.time_zone().clone(),
            days: LocalDays::new(now.time_zone().clone()),
            today,
            this_monday,
            window_start_n: day_number(window_start),
            window: vec![DayAcc::default(); span_weeks * 7],
            weeks: vec![WeekAcc::default(); options.weeks],
            options,
            areas: HashMap::new(),
            routines: HashMap::new(),
            external_sessions: 0,
            external_time: TimeSum::default(),
            by_what: HashMap::new(),
            last_external: None,
            self_care_starts: Starts::default(),
            totals: Totals::default(),
            totals_time: TimeSum::default(),
            totals_pain: PainTally::default(),
            period_days: HashSet::new(),
            last_period_day: None,
            monthly: HashMap::new(),
        }
    }

    /// Tallies a paired session in its routine's month, when that month is one of the last
    /// [`CHANGE_MONTHS`] (whatever the period).
    fn add_monthly(&mut self, r: &SessionRecord, day: Date) {
        if r.pain_before.is_none() || r.pain_after.is_none() {
            return;
        }
        let back = month_number(self.today) - month_number(day);
        let Ok(back) = usize::try_from(back) else {
            return;
        };
        if back < CHANGE_MONTHS {
            let months = entry(&mut self.monthly, &r.routine_id, Default::default);
            months[CHANGE_MONTHS - 1 - back].add(r);
        }
    }

    /// The months of a routine's tallies with a paired session, oldest first.
    fn months(tallies: &[PainTally; CHANGE_MONTHS], today: Date) -> Vec<MonthPain> {
        let this_month = today.first_of_month();
        tallies
            .iter()
            .enumerate()
            .filter(|(_, t)| t.n > 0)
            .filter_map(|(i, t)| {
                let back = (CHANGE_MONTHS - 1 - i) as i64;
                let month = this_month.checked_sub(back.months()).ok()?;
                Some(MonthPain {
                    month,
                    pain: t.finish(),
                })
            })
            .collect()
    }

    /// Takes one record into account (nothing, for one that does not count: see
    /// [`SessionRecord::counts`]).
    pub fn add(&mut self, r: &SessionRecord) {
        if !r.counts() {
            return;
        }
        let started = r.started();
        let day = self.days.date(started);
        let day_n = day_number(day);
        let in_period = self.options.since.is_none_or(|s| started >= s)
            && self.options.until.is_none_or(|u| started < u);
        let time = TimeSum::of_secs(r.active_secs);

        if r.kind == Kind::External {
            if self
                .last_external
                .as_ref()
                .is_none_or(|(t, ..)| started > *t)
            {
                self.last_external = Some((started, r.routine_id.clone(), r.title.clone()));
            }
            if in_period {
                self.external_sessions += 1;
                self.external_time += time;
                let what = entry(&mut self.by_what, &r.routine_id, || WhatAcc {
                    title: r.title.clone(),
                    sessions: 0,
                    time: TimeSum::default(),
                    last_at: started,
                });
                what.sessions += 1;
                what.time += time;
                if started >= what.last_at {
                    what.last_at = started;
                    what.title.clone_from(&r.title);
                }
            }
            return;
        }

        self.self_care_starts.push(started.as_second());
        self.add_monthly(r, day);

        let offset = day_n - self.window_start_n;
        if let Ok(i) = usize::try_from(offset)
            && let Some(d) = self.window.get_mut(i)
        {
            d.time += time;
            d.sessions += 1;
        }
        let week_offset = (day_n - day_number(self.this_monday)).div_euclid(7);
        let listed = self.weeks.len() as i32;
        let week_index = listed - 1 + week_offset;
        if week_offset <= 0
            && let Ok(i) = usize::try_from(week_index)
            && let Some(w) = self.weeks.get_mut(i)
        {
            w.sessions += 1;
            w.time += time;
            w.pain.add(r);
        }

        if !in_period {
            return;
        }
        let t = &mut self.totals;
        t.sessions += 1;
        self.totals_time += time;
        match r.outcome {
            Outcome::Completed => t.completed += 1,
            Outcome::Stopped => t.stopped += 1,
            Outcome::Interrupted => t.interrupted += 1,
        }
        if t.first_at.is_none_or(|f| started < f) {
            t.first_at = Some(started);
        }
        if t.last_at.is_none_or(|l| started > l) {
            t.last_at = Some(started);
        }
        self.totals_pain.add(r);
        if self.last_period_day != Some(day_n) {
            self.period_days.insert(day_n);
            self.last_period_day = Some(day_n);
        }

        let area = entry(&mut self.areas, &r.area, || (0, TimeSum::default()));
        area.0 += 1;
        area.1 += time;

        let routine = entry(&mut self.routines, &r.routine_id, || RoutineAcc {
            title: r.title.clone(),
            area: r.area.clone(),
            kind: r.kind,
            sessions: 0,
            time: TimeSum::default(),
            pain: PainTally::default(),
            last_at: started,
        });
        routine.sessions += 1;
        routine.time += time;
        routine.pain.add(r);
        if started >= routine.last_at {
            routine.last_at = started;
            routine.title.clone_from(&r.title);
            routine.area.clone_from(&r.area);
        }
    }

    pub fn finish(self) -> Stats {
        let listed = self.weeks.len();
        let this_monday_n = day_number(self.this_monday);
        let weeks: Vec<WeekStats> = self
            .weeks
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let back = (listed - 1 - i) as i64;
                let start = add_days(self.this_monday, -7 * back);
                let first = (this_monday_n - 7 * (back as i32) - self.window_start_n) as usize;
                let active_days = self.window[first..first + 7]
                    .iter()
                    .filter(|d| d.sessions > 0)
                    .count() as u32;
                WeekStats {
                    start,
                    sessions: w.sessions,
                    secs: w.time.secs(),
                    minutes: w.time.minutes(),
                    active_days,
                    goal: self.options.weekly_goal,
                    pain: w.pain.finish(),
                }
            })
            .collect();
        let this_week = weeks.last().cloned().expect("at least one week is listed");

        let calendar_start = add_days(self.this_monday, -7 * (CALENDAR_WEEKS as i64 - 1));
        let skip = (day_number(calendar_start) - self.window_start_n) as usize;
        let today_n = day_number(self.today);
        let days = self.window[skip..skip + CALENDAR_DAYS]
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let date = add_days(calendar_start, i as i64);
                CalendarDay {
                    date,
                    minutes: d.time.minutes(),
                    sessions: d.sessions,
                    future: day_number(date) > today_n,
                }
            })
            .collect();

        let mut by_area: Vec<AreaStats> = self
            .areas
            .into_iter()
            .map(|(area, (sessions, time))| AreaStats {
                area,
                sessions,
                secs: time.secs(),
                minutes: time.minutes(),
            })
            .collect();
        by_area.sort_by(|a, b| {
            b.minutes
                .total_cmp(&a.minutes)
                .then(b.sessions.cmp(&a.sessions))
                .then_with(|| a.area.cmp(&b.area))
        });

        let (monthly, today) = (&self.monthly, self.today);
        let mut routines: Vec<RoutineStats> = self
            .routines
            .into_iter()
            .map(|(routine_id, r)| RoutineStats {
                monthly: monthly
                    .get(&routine_id)
                    .map(|t| Self::months(t, today))
                    .unwrap_or_default(),
                routine_id,
                title: r.title,
                area: r.area,
                kind: r.kind,
                sessions: r.sessions,
                secs: r.time.secs(),
                minutes: r.time.minutes(),
                pain: r.pain.finish(),
                last_at: r.last_at,
            })
            .collect();
        routines.sort_by(|a, b| {
            b.sessions
                .cmp(&a.sessions)
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.routine_id.cmp(&b.routine_id))
        });

        let mut by_what: Vec<ExternalWhat> = self
            .by_what
            .into_iter()
            .map(|(routine_id, w)| ExternalWhat {
                routine_id,
                title: w.title,
                sessions: w.sessions,
                secs: w.time.secs(),
                minutes: w.time.minutes(),
            })
            .collect();
        by_what.sort_by(|a, b| {
            b.sessions
                .cmp(&a.sessions)
                .then_with(|| a.title.cmp(&b.title))
        });
        let last = self.last_external.map(|(at, routine_id, title)| {
            let at_s = at.as_second();
            LastExternal {
                days_ago: today_n - day_number(local_date(at, &self.tz)),
                self_care_since: self.self_care_starts.after(at_s) as u32,
                routine_id,
                title,
                at,
            }
        });

        let mut totals = self.totals;
        totals.secs = self.totals_time.secs();
        totals.minutes = self.totals_time.minutes();
        totals.active_days = self.period_days.len() as u32;
        totals.pain = self.totals_pain.finish();

        Stats {
            generated_at: self.now,
            time_zone: self.tz.iana_name().unwrap_or("local").to_string(),
            today: self.today,
            since: self.options.since,
            period: self.options.period_label.clone().unwrap_or_else(|| {
                self.options.since.map_or("all time".to_string(), |s| {
                    format!("since {}", local_date(s, &self.tz))
                })
            }),
            period_dated: self.options.period_label.is_none() && self.options.since.is_some(),
            weekly_goal: self.options.weekly_goal,
            this_week,
            weeks,
            calendar: Calendar {
                start: calendar_start,
                days,
            },
            by_area,
            routines,
            external: ExternalStats {
                sessions: self.external_sessions,
                secs: self.external_time.secs(),
                minutes: self.external_time.minutes(),
                last,
                by_what,
            },
            totals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn starts_held_in_four_bytes_are_counted_as_the_whole_seconds_were() {
        let edge = Starts::BASE + i64::from(u32::MAX);
        let all = [
            Starts::BASE - 1,
            Starts::BASE,
            Starts::BASE + 10,
            edge,
            edge + 1,
            253_402_300_799,
            -5,
        ];
        let mut starts = Starts::default();
        for at in all {
            starts.push(at);
        }
        assert_eq!(starts.far.len(), 4, "before 2000 and after {edge}");
        for at in all
            .into_iter()
            .chain([i64::MIN, i64::MAX, Starts::BASE + 9])
        {
            let want = all.iter().filter(|&&s| s > at).count();
            assert_eq!(starts.after(at), want, "after {at}");
        }
    }

    /// Zones with an offset change at midnight (both ways), at 24:00, twice a year at
    /// 02:00, none at all, and half-hour offsets.
    const ZONES: [&str; 6] = [
        "<-03>3<-02>,M10.3.0/0,M2.3.0/0",
        "<+01>-1<+00>,M3.5.0/0,M10.5.0/1",
        "EST5EDT,M3.2.0/24,M11.1.0/24",
        "CET-1CEST,M3.5.0,M10.5.0/3",
        "UTC0",
        "<+0530>-5:30",
    ];

    proptest! {
        /// The kept day never answers other than the zone's rules: for instants in order,
        /// as a history gives them, and out of order, around every kind of change.
        #[test]
        fn local_days_agree_with_the_zone(
            zone in 0..ZONES.len(),
            start in -2_000_000_000i64..2_000_000_000,
            steps in prop::collection::vec(-200_000i64..400_000, 1..60),
        ) {
            let tz = TimeZone::posix(ZONES[zone]).unwrap();
            let mut days = LocalDays::new(tz.clone());
            let mut t = start;
            for step in steps {
                t += step;
                let ts = Timestamp::from_second(t).unwrap();
                prop_assert_eq!(days.date(ts), local_date(ts, &tz), "at {}", ts);
                prop_assert_eq!(days.datetime(ts), tz.to_datetime(ts), "at {}", ts);
                // The instants either side of it too: a day's edges.
                for near in [ts - 1.nanosecond(), ts + 1.nanosecond()] {
                    prop_assert_eq!(days.date(near), local_date(near, &tz), "at {}", near);
                }
            }
        }
    }

    /// Every second-by-minute instant through a year of a zone whose clocks go back at
    /// midnight (the day before comes round again): the kept span must not take the
    /// repeated hour for the new day.
    #[test]
    fn local_days_through_a_year_of_changes() {
        for zone in ZONES {
            let tz = TimeZone::posix(zone).unwrap();
            let mut days = LocalDays::new(tz.clone());
            let start = Timestamp::from_second(1_767_225_600).unwrap();
            for minute in 0..(366 * 24 * 60) {
                let ts = start + (minute * 60).seconds();
                assert_eq!(days.date(ts), local_date(ts, &tz), "{zone} at {ts}");
                let near = ts + 59.seconds();
                assert_eq!(
                    days.datetime(near),
                    tz.to_datetime(near),
                    "{zone} at {near}"
                );
            }
        }
    }

    #[test]
    fn day_numbers_match_jiff() {
        let epoch = date(1970, 1, 1);
        for d in [
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2026, 3, 8),
            date(1969, 12, 31),
            date(1600, 3, 1),
            date(2400, 12, 31),
        ] {
            let expected = epoch.until(d).unwrap().get_days();
            assert_eq!(day_number(d), expected, "{d}");
        }
    }

    #[test]
    fn heat_levels_step_up() {
        assert_eq!(heat_level(0.0), 0);
        assert_eq!(heat_level(f64::NAN), 0);
        // A few seconds are written as 0 minutes, and shaded as some: not as none.
        assert_eq!(heat_level(0.05), 1);
        assert_eq!(heat_level(0.5), 1);
        assert_eq!(heat_level(4.49), 1);
        // Written as 5, 10 and 20: shaded as what is written.
        assert_eq!(heat_level(4.5), 2);
        assert_eq!(heat_level(7.0), 2);
        assert_eq!(heat_level(9.99), 3);
        assert_eq!(heat_level(19.4), 3);
        assert_eq!(heat_level(19.9), 4);
        assert_eq!(heat_level(45.0), 4);
    }
}
