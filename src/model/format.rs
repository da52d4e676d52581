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
