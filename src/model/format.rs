//! How durations, dates and counts are written for people — stated once, used by every
//! screen and command.
//!
//! Times have two forms, and one rounding rule:
//! - a *clock* ("0:13", "12:05", "1:02:03") for exact times — a countdown, the active time of
//!   a session or a step, a planned step length;
//! - a *length in words* ("45 s", "14 min", "1 h 5 min") for amounts in lists and prose.
//!
//! Rounding: a time spent counts the whole seconds that have passed (13.95 s is 0:13, in the
//! finish screen, history, plain mode and reports alike). A time left is the planned length
//! minus those whole seconds — rounded up, so spent and left add up to the plan and a
//! countdown shows 0:00 only when the time is up. Lengths in words are whole seconds under a
//! minute, then the nearest minute.

use std::time::Duration;

/// Whole seconds of a time spent (rounded down). A negative, huge or not-a-number value
/// read from a file counts as nothing rather than panicking.
pub fn whole_secs(secs: f64) -> u64 {
    if secs.is_finite() && secs > 0.0 {
        secs.min(1e12).floor() as u64
    } else {
        0
    }
}

/// Whole seconds of a time left (rounded up; see the module's rounding rule).
pub fn secs_left(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// A clock-style time from whole seconds: "0:13", "12:05", and from an hour on "1:02:03".
pub fn clock(secs: u64) -> String {
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// A time spent or planned, as a clock ("1:30").
pub fn fmt_clock(d: Duration) -> String {
    clock(d.as_secs())
}

/// A time spent or planned stored as seconds (a record's `active_secs`), as a clock.
pub fn fmt_clock_secs(secs: f64) -> String {
    clock(whole_secs(secs))
}

/// A time left, as a clock (rounded up).
pub fn fmt_left(d: Duration) -> String {
    clock(secs_left(d))
}

/// A length in words: "45 s" under a minute, then "14 min", "1 h 5 min".
pub fn fmt_length(d: Duration) -> String {
    fmt_length_secs(d.as_secs_f64())
}

/// [`fmt_length`] of seconds as stored.
pub fn fmt_length_secs(secs: f64) -> String {
    let s = whole_secs(secs);
    if s < 60 {
        return format!("{s} s");
    }
    let m = (s + 30) / 60;
    if m < 60 {
        format!("{m} min")
    } else if m.is_multiple_of(60) {
        format!("{} h", m / 60)
    } else {
        format!("{} h {} min", m / 60, m % 60)
    }
}

/// "today", "yesterday", "3 days ago" ("in 2 days" for a clock that was ahead).
pub fn fmt_days_ago(days: i32) -> String {
    match days {
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        -1 => "tomorrow".to_string(),
        d if d < 0 => format!("in {} days", -d),
        d => format!("{d} days ago"),
    }
}

/// A signed change with a real minus sign, to one decimal: "−1.9", "+0.5", "0.0".
pub fn fmt_change(change: f64) -> String {
    let tenths = (change * 10.0).round();
    if !tenths.is_finite() || tenths == 0.0 {
        "0.0".to_string()
    } else if tenths < 0.0 {
        format!("−{:.1}", -tenths / 10.0)
    } else {
        format!("+{:.1}", tenths / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rounding_rule() {
        // Spent: whole seconds passed.
        assert_eq!(fmt_clock_secs(13.95), "0:13");
        assert_eq!(fmt_clock(Duration::from_secs_f64(13.95)), "0:13");
        assert_eq!(fmt_clock_secs(-4.0), "0:00");
        assert_eq!(fmt_clock_secs(f64::NAN), "0:00");
        assert_eq!(fmt_clock_secs(3600.0), "1:00:00");
        assert_eq!(fmt_clock_secs(3599.9), "59:59");
        // Left: the plan minus the whole seconds spent.
        let plan = Duration::from_secs(75);
        let spent = Duration::from_secs_f64(13.4);
        assert_eq!(fmt_left(plan - spent), "1:02");
        assert_eq!(whole_secs(13.4) + secs_left(plan - spent), 75);
        assert_eq!(fmt_left(Duration::from_millis(1)), "0:01");
        assert_eq!(fmt_left(Duration::ZERO), "0:00");
    }

    #[test]
    fn lengths_in_words() {
        assert_eq!(fmt_length_secs(0.0), "0 s");
        assert_eq!(fmt_length_secs(45.9), "45 s");
        assert_eq!(fmt_length_secs(89.0), "1 min");
        assert_eq!(fmt_length_secs(90.0), "2 min");
        assert_eq!(fmt_length(Duration::from_secs(3600)), "1 h");
        assert_eq!(fmt_length(Duration::from_secs(3900)), "1 h 5 min");
    }

    #[test]
    fn changes_have_a_real_minus() {
        assert_eq!(fmt_change(-1.94), "−1.9");
        assert_eq!(fmt_change(0.5), "+0.5");
        assert_eq!(fmt_change(0.04), "0.0");
        assert_eq!(fmt_change(-0.04), "0.0");
    }
}
