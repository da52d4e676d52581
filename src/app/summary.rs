//! What the home screen shows from the history: the header line and each routine's
//! last-done line. Read after the first frame and after each saved session, so neither
//! the first frame nor the end of a session waits for a long history.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::Zoned;

use crate::app::{DayState, DoneInfo};
use crate::core::stats::{self, StatsBuilder, StatsOptions, week_start};
use crate::model::format::fmt_days_ago;
use crate::store::history::{self, Detail, Recent};

/// What the app knows of the history and the day log, for home and the finish screen.
#[derive(Debug, Default)]
pub struct Known {
    /// "Last session 2 days ago · 3 this week", once the history has been read.
    pub header: Option<String>,
    /// What the history says about each routine (by id), for the home detail pane.
    pub done: BTreeMap<String, DoneInfo>,
    /// The day log as home needs it, read after the first frame; `None` until then or
    /// when the question is turned off.
    pub days: Option<DayState>,
    /// Why the day log could not be read the last time it was, when it could not.
    pub days_problem: Option<String>,
    /// The amendments kept in this run, for screens that read the history before them.
    pub amended: Vec<crate::model::record::Amendment>,
}

impl Known {
    /// Puts what [`read`] found in.
    pub fn apply(&mut self, figures: Figures) {
        if let Some(h) = figures.header {
            self.header = Some(h);
        }
        if let Some(d) = figures.done {
            self.done = d;
        }
    }

    /// A day's answer was kept: home stops asking about that day, and shows the answer
    /// with the keys that change it.
    pub fn answered(&mut self, entry: crate::model::day::DayEntry) {
        self.days.get_or_insert_with(DayState::default).keep(entry);
    }

    /// The day log as read (off the UI thread, after the first frame: it is never read on
    /// the way to it), for home's "Headache today?" and the finish screen's offer; when it
    /// could not be read, nothing of the day but why (home says so). Forgets it when the
    /// question is turned off.
    pub fn apply_days(
        &mut self,
        log: Result<crate::store::days::DayLog, String>,
        now: &Zoned,
        ask: bool,
    ) {
        self.days_problem = None;
        if !ask {
            self.days = None;
            return;
        }
        let log = match log {
            Ok(log) => log,
            // Nothing is known of the day any more: home does not ask, and says why; and
            // a state read before the day turned is not read again on every key.
            Err(why) => {
                self.days = None;
                self.days_problem = Some(why);
                return;
            }
        };
        let today = now.date();
        let recent = [Some(today), today.yesterday().ok()]
            .into_iter()
            .flatten()
            .filter_map(|d| log.get(d))
            .map(crate::model::day::DayEntry::from)
            .collect();
        self.days = Some(DayState {
            ask: crate::core::days::prompt_date(&log.answers, now),
            today: Some(today),
            morning: now.hour() < crate::core::days::MORNING_ENDS,
            recent,
        });
    }
}

/// What [`read`] needs, taken from the app so the reading can happen on another thread
/// while the app answers keys and signals.
#[derive(Debug, Clone)]
pub struct Request {
    dir: Option<PathBuf>,
    now: Zoned,
    weekly_goal: u32,
}

/// The home screen's figures as read from the history.
#[derive(Debug, Default)]
pub struct Figures {
    pub header: Option<String>,
    pub done: Option<BTreeMap<String, DoneInfo>>,
}

impl Request {
    pub fn new(dir: Option<PathBuf>, now: Zoned, weekly_goal: u32) -> Request {
        Request {
            dir,
            now,
            weekly_goal,
        }
    }
}

/// Reads the header line (from the end of the files, cheap at any size) and each routine's
/// last-done line. Touches nothing of the app: the event loop runs it on its own thread
/// (see `app::reads`).
pub fn read(req: Request) -> Figures {
    let Some(dir) = req.dir else {
        return Figures::default();
    };
    let now = &req.now;
    let header = history::recent(&dir, week_start(now).timestamp())
        .ok()
        .map(|recent| home_header(&recent, now, req.weekly_goal));
    let mut b = StatsBuilder::new(now, StatsOptions::new(req.weekly_goal));
    let done = history::for_each_read(&dir, Detail::Figures, history::Reading::Here, |r| b.add(r))
        .is_ok()
        .then(|| {
            b.finish()
                .routines
                .into_iter()
                .map(|r| {
                    let info = DoneInfo {
                        last: r.last_at,
                        count: r.sessions,
                        pain_change: r.pain.change_text(),
                    };
                    (r.routine_id, info)
                })
                .collect()
        });
    Figures { header, done }
}

/// The home screen's header: "Last session 2 days ago · 2 of 3 this week", or
/// "No sessions yet" for a new user. Give it `history::recent(data, week_start(now))`.
pub fn home_header(recent: &Recent, now: &Zoned, weekly_goal: u32) -> String {
    let Some(last) = recent.last_ended else {
        return "No sessions yet".to_string();
    };
    let tz = now.time_zone();
    let days = stats::days_between(stats::local_date(last, tz), now.date());
    let week = if weekly_goal > 0 && recent.count_since >= weekly_goal {
        format!("{} this week, goal reached", recent.count_since)
    } else if weekly_goal > 0 {
        format!("{} of {weekly_goal} this week", recent.count_since)
    } else {
        format!("{} this week", recent.count_since)
    };
    format!("Last session {} · {week}", fmt_days_ago(days))
}
