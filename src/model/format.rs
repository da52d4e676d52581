//! How durations, dates and counts are written for people — stated once, used by every
//! screen and command.

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
