//! A realistic history file for benchmarks and measurements: six steps a session, ratings
//! on about half, a note now and then, an amendment for every 20th session. Shared by
//! `benches/history.rs`, `examples/gen_history.rs` and `examples/history_mem.rs` (each
//! includes it with `#[path]`), so every figure is about the same kind of file.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use knotless::model::record::{
    Amendment, Kind, Outcome, SessionRecord, Stamp, StepRecord, StepStatus, VERSION,
};
use knotless::model::routine::Side;
use knotless::store::history;

const ROUTINES: [(&str, &str, &str, Kind); 5] = [
    (
        "neck-release",
        "Neck release between sessions",
        "neck",
        Kind::Routine,
    ),
    (
        "ball-wall",
        "Shoulder knots, ball on wall",
        "shoulders",
        Kind::Routine,
    ),
    ("jaw-temple", "Jaw and temple release", "jaw", Kind::Routine),
    (
        "scalp-wind-down",
        "Scalp and temples wind-down",
        "scalp",
        Kind::Routine,
    ),
    (
        "resonance",
        "Resonance breathing",
        "breathing",
        Kind::Breathing,
    ),
];

const STEPS: [&str; 6] = [
    "Settle and breathe",
    "Suboccipital hold",
    "Upper trapezius squeeze",
    "Levator press",
    "Scalene stretch",
    "Still hold",
];

/// Writes `n` sessions, two hours apart with the last starting two hours before `end`, plus
/// an amendment for every 20th, to `<dir>/history.jsonl` (replacing it).
pub fn write_history(dir: &Path, n: usize, end: Timestamp, tz: &TimeZone) -> io::Result<()> {
    write_history_every(dir, n, end, tz, SignedDuration::from_hours(2))
}

/// [`write_history`] with the sessions `every` apart (a million sessions two hours apart would
/// reach back before 2000, where records are left out as implausible).
pub fn write_history_every(
    dir: &Path,
    n: usize,
    end: Timestamp,
    tz: &TimeZone,
    every: SignedDuration,
) -> io::Result<()> {
    let file = std::fs::File::create(history::history_path(dir))?;
    let mut out = BufWriter::new(file);
    for i in 0..n {
        let start = end - every * (n - i) as i32;
        let (routine_id, title, area, kind) = ROUTINES[i % ROUTINES.len()];
        let steps: Vec<StepRecord> = STEPS
            .iter()
            .enumerate()
            .map(|(s, t)| StepRecord {
                title: (*t).to_string(),
                side: match s % 3 {
                    1 => Some(Side::Left),
                    2 => Some(Side::Right),
                    _ => None,
                },
                planned_secs: 90.0,
                active_secs: if (i + s) % 17 == 0 { 41.5 } else { 90.0 },
                status: if (i + s) % 17 == 0 {
                    StepStatus::Partial
                } else {
                    StepStatus::Done
                },
            })
            .collect();
        let active: f64 = steps.iter().map(|s| s.active_secs).sum();
        let id = format!("{}-{i:06}", start.as_second());
        let record = SessionRecord {
            v: VERSION,
            id: id.clone(),
            kind,
            routine_id: routine_id.into(),
            title: title.into(),
            area: area.into(),
            started_at: Stamp::new(start, tz),
            ended_at: Stamp::new(start + SignedDuration::from_secs_f64(active + 30.0), tz),
            planned_secs: 540.0,
            active_secs: active,
            paused_secs: 12.0,
            outcome: if i % 13 == 0 {
                Outcome::Stopped
            } else {
                Outcome::Completed
            },
            steps,
            pain_before: (i % 2 == 0).then_some((3 + i % 6) as u8),
            pain_after: (i % 4 == 0).then_some((1 + i % 5) as u8),
            note: (i % 25 == 0)
                .then(|| "Left side tighter than the right, eased off by the end.".into()),
            migraine_before: false,
        };
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
        if i % 20 == 0 {
            let a = Amendment {
                v: VERSION,
                amends: id,
                at: record.ended_at,
                pain_before: None,
                pain_after: Some(2),
                note: Some("Rated later.".into()),
            };
            serde_json::to_writer(&mut out, &a)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}
