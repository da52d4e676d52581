//! Everything the app reads from the history and the day log, read off the UI thread: home's
//! figures, the day log, and what the History, session-detail and Stats screens show. A
//! history can hold a gigabyte; reading it must never make a key, Ctrl-C or SIGTERM wait.
//!
//! The app asks for a [`Read`] (a screen that waits for one shows [`Reading`] meanwhile);
//! the event loop runs each on a thread of its own ([`read`] touches nothing of the app)
//! and hands back the [`Done`]; the app puts it where it belongs — or drops it, when the
//! screen that waited was left. Tests and the pseudo-terminal-free front ends run them in
//! place ([`crate::app::App::settle_reads`]).
//!
//! [`Reading`]: crate::screens::reading::Reading

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::Zoned;
use jiff::civil::Date;

use crate::app::summary;
use crate::core::days::{ChartWindow, DaysSummary, STATS_WINDOWS, SessionDays};
use crate::core::period::Period;
use crate::core::stats::{Stats, StatsOptions};
use crate::model::day::DayEntry;
use crate::model::record::SessionRecord;
use crate::screens::Ticket;
use crate::screens::history::History;
use crate::screens::stats::View;
use crate::store::days::DayLog;
use crate::store::figures;
use crate::store::history as store;

/// Something to read, with what reading it needs (nothing borrowed from the app).
pub enum Read {
    /// Home's header and each routine's last-done line.
    Figures(summary::Request),
    /// The day log, for home's "Headache today?" and the finish screen's offer.
    Days { dir: PathBuf, now: Zoned },
    /// Every session, into the History screen waiting with `ticket` (built empty, filled
    /// here).
    History {
        ticket: Ticket,
        dir: PathBuf,
        screen: Box<History>,
    },
    /// One session in full, for its detail view.
    Session {
        ticket: Ticket,
        dir: PathBuf,
        id: String,
    },
    /// The Stats screen's figures for `period`.
    Stats {
        ticket: Ticket,
        dir: PathBuf,
        now: Zoned,
        opts: StatsOptions,
        period: Period,
        view: View,
        heat_days: bool,
    },
}

/// What a [`Read`] found.
pub enum Done {
    Figures(summary::Figures),
    /// The day log, or why it cannot be read (home then does not ask, and says so).
    Days {
        log: Result<DayLog, String>,
        now: Zoned,
    },
    History {
        ticket: Ticket,
        screen: Box<History>,
    },
    Session {
        ticket: Ticket,
        found: Result<Option<SessionRecord>, store::HistoryError>,
    },
    Stats {
        ticket: Ticket,
        period: Period,
        view: View,
        heat_days: bool,
        figures: Box<StatsRead>,
    },
}

/// The Stats screen's figures as read: the period's, the 4-week view, the chart's windows
/// and the calendar's marks, and what reading said (the unreadable lines, or why the
/// history could not be read).
pub struct StatsRead {
    pub stats: Option<Stats>,
    pub read: Result<Vec<u64>, store::HistoryError>,
    pub four_weeks: Option<DaysSummary>,
    pub chart: Vec<ChartWindow>,
    pub entries: BTreeMap<Date, DayEntry>,
    /// The sessions per day the windows count, when the history could be read.
    pub sessions: Option<SessionDays>,
    /// Why the day log could not be read at all (the history could).
    pub day_problem: Option<String>,
    /// The day log's unreadable lines, skipped.
    pub day_skipped: Vec<u64>,
}

/// Reads what `r` asks for. Touches nothing of the app: the event loop runs it on a
/// thread of its own.
pub fn read(r: Read) -> Done {
    // Lets tests/e2e/tui.rs hold every read up, to show that keys and signals are answered
    // meanwhile. Debug builds only.
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("KNOTLESS_TEST_SLOW_READ_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    match r {
        Read::Figures(req) => Done::Figures(summary::read(req)),
        Read::Days { dir, now } => Done::Days {
            log: crate::store::days::load(&dir)
                .map(|(log, _)| log)
                .map_err(|e| e.to_string()),
            now,
        },
        Read::History {
            ticket,
            dir,
            mut screen,
        } => {
            let read =
                store::for_each_read(&dir, store::Detail::NoSteps, store::Reading::Here, |r| {
                    screen.add(r)
                });
            let (skipped, problem) = match read {
                Ok(w) => (store::unreadable_lines(&w), None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
            Done::History {
                ticket,
                screen: Box::new((*screen).loaded(skipped, problem)),
            }
        }
        Read::Session { ticket, dir, id } => Done::Session {
            ticket,
            found: store::find(&dir, &id),
        },
        Read::Stats {
            ticket,
            dir,
            now,
            opts,
            period,
            view,
            heat_days,
        } => {
            // The same query as `knotless stats`: the two always agree.
            let figures = match figures::stats(
                (&dir, store::Reading::Here),
                &now,
                opts,
                STATS_WINDOWS,
                None,
            ) {
                Ok(f) => StatsRead {
                    stats: Some(f.stats),
                    read: Ok(store::unreadable_lines(&f.warnings)),
                    four_weeks: f.four_weeks,
                    chart: f.chart,
                    entries: f.entries,
                    sessions: Some(f.sessions),
                    day_problem: f.day_problem,
                    day_skipped: store::unreadable_lines(&f.day_warnings),
                },
                Err(e) => StatsRead {
                    stats: None,
                    read: Err(e),
                    four_weeks: None,
                    chart: Vec::new(),
                    entries: BTreeMap::new(),
                    sessions: None,
                    day_problem: None,
                    day_skipped: Vec::new(),
                },
            };
            Done::Stats {
                ticket,
                period,
                view,
                heat_days,
                figures: Box::new(figures),
            }
        }
    }
}
