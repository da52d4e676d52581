//! The nudge: one gentle line for a shell prompt, or nothing.
//!
//! [`decide`] is pure: it is given the tail of the history, the routines on offer, the
//! nudge's own state, the configured hours, today's headache-day answer and `now`, and says
//! what to print or why to stay silent. The rules, in order (docs/guide.md, "A gentle nudge"):
//!
//! 1. Silent while snoozed, outside the configured hours, once it has spoken today, and after
//!    any self-care session (routine or breathing) that ended today.
//! 2. On a day marked as a headache day: only the Migraine-day routine, if it exists.
//! 3. Otherwise one routine:
//!    - *busy* — two or more of the last four routine sessions ended before their end
//!      (stopped or interrupted): the shortest routine the user has done lately, else the
//!      shortest there is;
//!    - else the routine that has helped most: the largest average drop in head pain
//!      (before − after) over at least two sessions rated both times, when that drop is above
//!      zero;
//!    - else the routine done most often lately (the most recent on a tie);
//!    - else, with no routine sessions at all, the shortest routine there is.
//!
//! The Migraine-day routine is kept for headache days, and neither it nor the other routines
//! for a headache already there ([`FOR_HEADACHES`]) is suggested otherwise. No
//! streaks, no counts of missed days, nothing that reads as a reproach.

use std::collections::HashMap;
use std::time::Duration;

use jiff::civil::Date;
use jiff::{Timestamp, Zoned};

use crate::model::config::DayWindow;
use crate::model::record::{Kind, Outcome};

/// The routine suggested (only) on headache days.
pub const MIGRAINE_DAY: &str = "migraine-day";
/// Routines for a headache that is already there (or just over): never an everyday
/// suggestion.
pub const FOR_HEADACHES: [&str; 3] = [MIGRAINE_DAY, "tension-headache-now", "day-after-migraine"];
/// How far back the nudge looks: the store reads the history from its end up to here.
pub const LOOK_BACK_DAYS: i64 = 60;
/// At most this many sessions are read from the end of the history (two a day for the
/// look-back): enough for every rule, and it keeps the prompt's cost flat.
pub const LOOK_BACK_SESSIONS: usize = 120;
/// How many of the latest routine sessions decide whether the user seems busy.
const BUSY_WINDOW: usize = 4;
/// How many of those ending early make the nudge offer the shortest routine.
const BUSY_EARLY: usize = 2;
/// Rated sessions a routine needs before its pain change counts.
const MIN_RATED: usize = 2;

/// One session from the tail of the history, as much as the nudge needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub kind: Kind,
    pub routine_id: String,
    pub area: String,
    pub started: Timestamp,
    pub ended: Timestamp,
    pub outcome: Outcome,
    pub pain_before: Option<u8>,
    pub pain_after: Option<u8>,
}

/// A routine that can be suggested.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub id: String,
    pub area: String,
    pub length: Duration,
}

/// What the nudge remembers between runs (`<state>/nudge.toml`, this machine's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NudgeState {
    /// The local date it last spoke (printed or sent a notification).
    pub last_spoken: Option<Date>,
    /// Silent until then (`knotless nudge --snooze 3d`).
    pub snoozed_until: Option<Timestamp>,
}

/// Everything [`decide`] looks at besides `now`.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// Sessions from the end of the history, in any order.
    pub recent: &'a [Seen],
    /// The routines on offer (the library's), in any order.
    pub routines: &'a [Offer],
    pub state: &'a NudgeState,
    pub hours: DayWindow,
    /// Today's answer to "headache today?", when there is one.
    pub headache_today: Option<bool>,
}

/// Why the nudge says nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Silence {
    Snoozed {
        until: Timestamp,
    },
    OutsideHours,
    SpokeToday,
    SessionToday,
    /// Today is a headache day and there is no Migraine-day routine to offer.
    HeadacheDay,
    /// No routine to suggest at all.
    NothingToSuggest,
}

impl Silence {
    /// A short reason, for `knotless nudge --why`.
    pub fn reason(&self) -> String {
        match self {
            Silence::Snoozed { until } => format!("snoozed until {until}"),
            Silence::OutsideHours => "outside the hours set in [nudge] hours".into(),
            Silence::SpokeToday => "it has already spoken today".into(),
            Silence::SessionToday => "you have done a session today".into(),
            Silence::HeadacheDay => "today is marked as a headache day".into(),
            Silence::NothingToSuggest => "there is no routine to suggest".into(),
        }
    }
}

/// Why this routine was chosen (tests and `--why` use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    HeadacheDay,
    Busy,
    Helped,
    MostOften,
    Starter,
}

/// One line to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nudge {
    /// The words before the command, e.g. "3 days since your last neck routine".
    pub lead: String,
    /// The command to run, e.g. "knotless run neck-release".
    pub command: String,
    /// The routine's length, e.g. "10 min".
    pub length: String,
    pub routine_id: String,
    pub basis: Basis,
}

impl Nudge {
    /// The whole line as plain text.
    pub fn text(&self) -> String {
        format!("{} — {} ({})", self.lead, self.command, self.length)
    }
}

/// What to say now, or why to say nothing.
pub fn decide(input: &Input<'_>, now: &Zoned) -> Result<Nudge, Silence> {
    let tz = now.time_zone();
    let today = now.date();
    if let Some(s) = early_silence(input.state, input.hours, now) {
        return Err(s);
    }
    let local_date = |t: Timestamp| t.to_zoned(tz.clone()).date();
    if input
        .recent
        .iter()
        .any(|s| s.kind != Kind::External && local_date(s.ended) == today)
    {
        return Err(Silence::SessionToday);
    }
    if input.headache_today == Some(true) {
        let Some(r) = input.routines.iter().find(|r| r.id == MIGRAINE_DAY) else {
            return Err(Silence::HeadacheDay);
        };
        return Ok(nudge(
            "Headache today: if anything, something very gentle".into(),
            r,
            Basis::HeadacheDay,
        ));
    }
    let offers: HashMap<&str, &Offer> = input
        .routines
        .iter()
        .filter(|r| !FOR_HEADACHES.contains(&r.id.as_str()))
        .map(|r| (r.id.as_str(), r))
        .collect();
    let mut done: Vec<&Seen> = input
        .recent
        .iter()
        .filter(|s| s.kind == Kind::Routine && offers.contains_key(s.routine_id.as_str()))
        .collect();
    // Newest first.
    done.sort_by_key(|s| std::cmp::Reverse(s.started));
    let early = done
        .iter()
        .take(BUSY_WINDOW)
        .filter(|s| s.outcome != Outcome::Completed)
        .count();
    let (chosen, basis) = if early >= BUSY_EARLY {
        let mine = done
            .iter()
            .filter_map(|s| offers.get(s.routine_id.as_str()).copied());
        let pick = shortest(mine).or_else(|| shortest(offers.values().copied()));
        (pick, Basis::Busy)
    } else if let Some(r) = most_helpful(&done) {
        (offers.get(r).copied(), Basis::Helped)
    } else if let Some(r) = most_often(&done) {
        (offers.get(r).copied(), Basis::MostOften)
    } else {
        (shortest(offers.values().copied()), Basis::Starter)
    };
    let Some(chosen) = chosen else {
        return Err(Silence::NothingToSuggest);
    };
    let last_in_area = input
        .recent
        .iter()
        .filter(|s| s.kind != Kind::External && s.area == chosen.area)
        .map(|s| s.ended)
        .max();
    let lead = match (basis, last_in_area) {
        (Basis::Busy, _) => "Short on time? The shortest one".to_string(),
        (_, Some(last)) => {
            let days = (today - local_date(last)).get_days().max(1);
            format!(
                "{days} day{} since your last {} routine",
                if days == 1 { "" } else { "s" },
                area_words(&chosen.area)
            )
        }
        (_, None) => "A few quiet minutes for yourself?".to_string(),
    };
    Ok(nudge(lead, chosen, basis))
}

/// The rules that need no history: snoozed, outside the hours, already spoke today. The
/// command checks these before reading anything else, so most prompts cost almost nothing.
pub fn early_silence(state: &NudgeState, hours: DayWindow, now: &Zoned) -> Option<Silence> {
    if let Some(until) = state.snoozed_until
        && now.timestamp() < until
    {
        return Some(Silence::Snoozed { until });
    }
    let minute = now.hour() as u16 * 60 + now.minute() as u16;
    if !hours.contains(minute) {
        return Some(Silence::OutsideHours);
    }
    (state.last_spoken == Some(now.date())).then_some(Silence::SpokeToday)
}

fn shortest<'a>(among: impl Iterator<Item = &'a Offer>) -> Option<&'a Offer> {
    among.min_by(|a, b| a.length.cmp(&b.length).then_with(|| a.id.cmp(&b.id)))
}

fn nudge(lead: String, r: &Offer, basis: Basis) -> Nudge {
    Nudge {
        lead,
        command: format!("knotless run {}", r.id),
        length: crate::model::format::fmt_length(r.length),
        routine_id: r.id.clone(),
        basis,
    }
}

/// The routine with the largest average pain drop over at least [`MIN_RATED`] rated
/// sessions, when that drop is above zero; ties go to the more often rated, then the most
/// recent. `done` is newest first.
fn most_helpful<'a>(done: &[&'a Seen]) -> Option<&'a str> {
    // id -> (sum of drops, rated count, rank of the newest session: lower is newer)
    let mut by: HashMap<&str, (i32, usize, usize)> = HashMap::new();
    for (rank, s) in done.iter().enumerate() {
        if let (Some(b), Some(a)) = (s.pain_before, s.pain_after) {
            let e = by.entry(s.routine_id.as_str()).or_insert((0, 0, rank));
            e.0 += i32::from(b) - i32::from(a);
            e.1 += 1;
        }
    }
    by.into_iter()
        .filter(|(_, (sum, n, _))| *n >= MIN_RATED && *sum > 0)
        .max_by(|(_, (sa, na, ra)), (_, (sb, nb, rb))| {
            // Compare sa/na with sb/nb without dividing.
            (i64::from(*sa) * *nb as i64)
                .cmp(&(i64::from(*sb) * *na as i64))
                .then(na.cmp(nb))
                .then(rb.cmp(ra))
        })
        .map(|(id, _)| id)
}

/// The routine done most often; on a tie, the one done most recently. `done` is newest first.
fn most_often<'a>(done: &[&'a Seen]) -> Option<&'a str> {
    let mut by: HashMap<&str, (usize, usize)> = HashMap::new();
    for (rank, s) in done.iter().enumerate() {
        by.entry(s.routine_id.as_str()).or_insert((0, rank)).0 += 1;
    }
    by.into_iter()
        .max_by(|(_, (na, ra)), (_, (nb, rb))| na.cmp(nb).then(rb.cmp(ra)))
        .map(|(id, _)| id)
}

/// "neck", "shoulder", "full" — the area as it reads in "your last … routine".
fn area_words(area: &str) -> &str {
    match area {
        "shoulders" => "shoulder",
        "upper-back" => "upper-back",
        "hands-feet" => "hands-and-feet",
        "mixed" => "full",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Zoned {
        format!("{s}[Europe/Berlin]").parse().unwrap()
    }

    #[test]
    fn days_count_calendar_days_not_hours() {
        let offers = [Offer {
            id: "neck-release".into(),
            area: "neck".into(),
            length: Duration::from_secs(600),
        }];
        let late = at("2026-11-26T23:30:00").timestamp();
        let seen = [Seen {
            kind: Kind::Routine,
            routine_id: "neck-release".into(),
            area: "neck".into(),
            started: late,
            ended: late,
            outcome: Outcome::Completed,
            pain_before: None,
            pain_after: None,
        }];
        let state = NudgeState::default();
        let input = Input {
            recent: &seen,
            routines: &offers,
            state: &state,
            hours: DayWindow::ALL_DAY,
            headache_today: None,
        };
        let n = decide(&input, &at("2026-11-29T08:00:00")).unwrap();
        assert_eq!(
            n.text(),
            "3 days since your last neck routine — knotless run neck-release (10 min)"
        );
    }
}
