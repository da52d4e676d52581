//! The figures of the Stats screen and of `knotless stats`, read in one pass by one query,
//! so the two always agree: the history's figures for a period, and the 4-week headache-day
//! windows beside the sessions, and what the screen's chart and calendar draw. A day log
//! that cannot be read costs the windows only (with the reason), never the history's
//! figures.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Zoned;
use jiff::civil::Date;

use crate::core::calendar;
use crate::core::days::{self, CHART_WINDOWS, ChartWindow, DaysSummary, SessionDays, summarize};
use crate::core::stats::{Stats, StatsBuilder, StatsOptions};
use crate::model::day::DayEntry;
use crate::store::history::{self, Detail, HistoryError, Reading, Warning};

pub struct StatsFigures {
    pub stats: Stats,
    /// The 4-week windows; `None` when the day log could not be read.
    pub four_weeks: Option<DaysSummary>,
    /// The chart's windows, oldest first ([`CHART_WINDOWS`] at most), and every answered
    /// date for the calendar; both empty when the day log could not be read.
    pub chart: Vec<ChartWindow>,
    pub entries: BTreeMap<Date, DayEntry>,
    /// The self-care sessions per day the windows count (to count them again as answers
    /// are given on the Stats screen).
    pub sessions: SessionDays,
    /// Unreadable or implausible history lines, skipped.
    pub warnings: Vec<Warning>,
    /// Unreadable day-log lines, skipped.
    pub day_warnings: Vec<Warning>,
    /// Why the day log could not be read at all.
    pub day_problem: Option<String>,
}

/// Reads the history (as `reading` says) and the day log under `data` as of `now`: the
/// figures for `opts`, and `windows` 4-week windows (compared around `started` when given).
pub fn stats(
    (data, reading): (&Path, Reading),
    now: &Zoned,
    opts: StatsOptions,
    windows: usize,
    started: Option<Date>,
) -> Result<StatsFigures, HistoryError> {
    let mut b = StatsBuilder::new(now, opts);
    let mut sessions = SessionDays::new(now.time_zone().clone());
    let warnings = history::for_each_read(data, Detail::Figures, reading, |r| {
        b.add(r);
        sessions.add(r);
    })?;
    let today = now.date();
    let mut chart = Vec::new();
    let mut entries = BTreeMap::new();
    let (four_weeks, day_warnings, day_problem) = match crate::store::days::load(data) {
        Ok((log, w)) => {
            let s = summarize(&log.answers, &sessions, today, windows, started);
            chart = days::chart(&log.answers, &sessions, today, CHART_WINDOWS);
            entries = calendar::entries(&log.answers);
            (Some(s), w, None)
        }
        Err(e) => (None, Vec::new(), Some(e.to_string())),
    };
    Ok(StatsFigures {
        stats: b.finish(),
        four_weeks,
        chart,
        entries,
        sessions,
        warnings,
        day_warnings,
        day_problem,
    })
}

/// What the report needs, read in one pass: the report itself and what reading found.
pub struct ReportFigures {
    pub report: crate::core::report::Report,
    /// Unreadable or implausible history lines, skipped.
    pub warnings: Vec<Warning>,
    /// Unreadable day-log lines, skipped.
    pub day_warnings: Vec<Warning>,
    /// Why the day log could not be read at all (the report then has no headache part).
    pub day_problem: Option<String>,
}

/// Streams the history (as `reading` says) and reads the day log under `data` into the
/// report for `options` as of `now`: memory stays bounded however long the history is.
pub fn report(
    (data, reading): (&Path, Reading),
    now: &Zoned,
    options: crate::core::report::ReportOptions,
) -> Result<ReportFigures, HistoryError> {
    let mut b = crate::core::report::ReportBuilder::new(now, options);
    let warnings = history::for_each_read(data, Detail::NoSteps, reading, |r| b.add(r))?;
    let (mut report, day_warnings, day_problem) = match crate::store::days::load(data) {
        Ok((log, w)) => (b.finish(Some(&log.answers)), w, None),
        Err(e) => (b.finish(None), Vec::new(), Some(e.to_string())),
    };
    // Only lines skipped whole: the report's reader is told what it does not count.
    let count = |w: &[Warning]| history::unreadable_lines(w).len() as u32;
    report.unreadable.history_lines = count(&warnings);
    report.unreadable.day_log_lines = count(&day_warnings);
    Ok(ReportFigures {
        report,
        warnings,
        day_warnings,
        day_problem,
    })
}
