//! Today's answer to "headache today?", for the nudge — a minimal reader of the day log
//! (issue 16: `<data>/days-*.jsonl`, one JSON object per answer with at least `date`
//! (YYYY-MM-DD) and `headache` (true or false); the last answer for a date wins).
//!
//! Until the day log's own store lands, this reads only what the nudge needs: the newest
//! answer for one date, looking at each file from its end. Unreadable lines are skipped.

use std::fs::File;
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;

use crate::store::tail::lines_backwards;

#[derive(Deserialize)]
struct Answer {
    date: String,
    headache: bool,
    /// When the answer was given (RFC 3339), used to order answers from several files.
    #[serde(default)]
    at: Option<String>,
}

/// The last answer for `date` across every day-log file, or `None` when there is none.
pub fn headache_on(data_dir: &Path, date: Date) -> Option<bool> {
    let want = date.to_string();
    let needle = want.as_bytes();
    let finder = memchr::memmem::Finder::new(needle);
    let mut best: Option<(Option<jiff::Timestamp>, bool)> = None;
    for entry in std::fs::read_dir(data_dir).ok()?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_log = (name.starts_with("days-") || name == "days") && name.ends_with(".jsonl")
            || name == "days.jsonl";
        if !is_log {
            continue;
        }
        let Ok(mut f) = File::open(entry.path()) else {
            continue;
        };
        let mut found = None;
        let _ = lines_backwards(&mut f, |line| {
            if finder.find(line).is_none() {
                return false;
            }
            match serde_json::from_slice::<Answer>(line) {
                Ok(a) if a.date == want => {
                    found = Some((a.at.and_then(|s| s.parse().ok()), a.headache));
                    true
                }
                _ => false,
            }
        });
        if let Some(f) = found
            && best.is_none_or(|b| f.0 > b.0)
        {
            best = Some(f);
        }
    }
    best.map(|(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_answer_for_the_date_wins_and_other_dates_do_not_count() {
        let d = tempfile::tempdir().unwrap();
        let day: Date = "2026-11-29".parse().unwrap();
        assert_eq!(headache_on(d.path(), day), None);
        std::fs::write(
            d.path().join("days-laptop.jsonl"),
            concat!(
                r#"{"date":"2026-11-29","headache":true,"at":"2026-11-29T08:00:00Z"}"#,
                "\n",
                r#"{"date":"2026-11-28","headache":false,"at":"2026-11-29T08:01:00Z"}"#,
                "\n",
                "torn {\"date\":\"2026-11-29\n",
            ),
        )
        .unwrap();
        assert_eq!(headache_on(d.path(), day), Some(true));
        std::fs::write(
            d.path().join("days-desktop.jsonl"),
            concat!(
                r#"{"date":"2026-11-29","headache":false,"at":"2026-11-29T12:00:00Z"}"#,
                "\n"
            ),
        )
        .unwrap();
        assert_eq!(headache_on(d.path(), day), Some(false));
        assert_eq!(headache_on(d.path(), "2026-11-27".parse().unwrap()), None);
    }
}
