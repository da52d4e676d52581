//! What the home screen shows from the history: the header line and each routine's
//! last-done line. Read after the first frame and after each saved session, so neither
//! the first frame nor the end of a session waits for a long history.

use jiff::Zoned;

use crate::app::{DayState, DoneInfo, Env};
use crate::core::stats::{self, StatsBuilder, StatsOptions, week_start};
use crate::model::format::fmt_days_ago;
use crate::store::history::{self, Detail, Recent};

/// Re-reads what the home screen shows: the header line (read from the end of the file,
/// cheap at any size) and each routine's last-done line.
pub fn refresh(env: &mut Env) {
    let Some(dir) = env.paths.data.clone() else {
        return;
    };
    let now = (env.wall)();
    if let Ok(recent) = history::recent(&dir, week_start(&now).timestamp()) {
        env.header = Some(home_header(&recent, &now, env.weekly_goal));
    }
    let mut b = StatsBuilder::new(&now, StatsOptions::new(env.weekly_goal));
    if history::for_each(&dir, Detail::NoSteps, |r| b.add(&r)).is_ok() {
        env.done = b
            .finish()
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
            .collect();
    }
}

/// Reads the day log for home's "Headache today?" and the finish screen's offer. Called
/// after the first frame (the day log is never read on the way to it); does nothing when
/// the question is turned off.
pub fn refresh_days(env: &mut Env) {
    if !env.ask_days {
        env.days = None;
        return;
    }
    let Some(dir) = env.paths.data.clone() else {
        return;
    };
    let now = (env.wall)();
    let Ok((log, _warnings)) = crate::store::days::load(&dir) else {
        return;
    };
    let today = now.date();
    let answered = env.days.as_ref().and_then(|d| d.answered);
    env.days = Some(DayState {
        ask: crate::core::days::prompt_date(&log.answers, &now),
        today: Some(today),
        today_headache: log.get(today).is_some_and(|a| a.headache),
        answered,
    });
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
