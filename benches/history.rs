//! What PRODUCT.md section 7 promises about the history: `history` and `stats` over 100,000
//! records well under a second, and the home header cheap however long the history is.
//! Each size gets a realistic file (six steps a session, ratings on about half, a note now
//! and then, a few amendments) written once into a temp dir.

use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Zoned};
use knotless::history::{self, Detail};
use knotless::record::{
    Amendment, Kind, Outcome, SessionRecord, StepRecord, StepStatus, VERSION, format_time,
};
use knotless::routine::Side;
use knotless::stats::{self, StatsBuilder, StatsOptions};

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

fn now(tz: &TimeZone) -> Zoned {
    date(2026, 11, 24)
        .at(18, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap()
}

/// Writes `n` sessions, two hours apart and ending today, plus an amendment for every 20th.
fn write_history(dir: &Path, n: usize, tz: &TimeZone) {
    let file = std::fs::File::create(history::history_path(dir)).unwrap();
    let mut out = BufWriter::new(file);
    let end = now(tz).timestamp();
    for i in 0..n {
        let start = end - SignedDuration::from_hours(2 * (n - i) as i64);
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
            started_at: format_time(start, tz),
            ended_at: format_time(start + SignedDuration::from_secs_f64(active + 30.0), tz),
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
        };
        serde_json::to_writer(&mut out, &record).unwrap();
        out.write_all(b"\n").unwrap();
        if i % 20 == 0 {
            let a = Amendment {
                v: VERSION,
                amends: id,
                at: record.ended_at.clone(),
                pain_before: None,
                pain_after: Some(2),
                note: Some("Rated later.".into()),
            };
            serde_json::to_writer(&mut out, &a).unwrap();
            out.write_all(b"\n").unwrap();
        }
    }
    out.flush().unwrap();
}

fn benches(c: &mut Criterion) {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let now = now(&tz);
    let mut group = c.benchmark_group("history");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write_history(dir, n, &tz);
        let bytes = std::fs::metadata(history::history_path(dir)).unwrap().len();
        eprintln!("{n} records: {:.1} MiB", bytes as f64 / (1024.0 * 1024.0));

        group.bench_with_input(BenchmarkId::new("load_merge_full", n), &n, |b, _| {
            b.iter(|| {
                let mut count = 0usize;
                let warnings = history::for_each(dir, Detail::Full, |r| {
                    count += r.steps.len();
                })
                .unwrap();
                assert!(warnings.is_empty());
                black_box(count)
            })
        });
        group.bench_with_input(BenchmarkId::new("load_into_vec_no_steps", n), &n, |b, _| {
            b.iter(|| black_box(history::load(dir, Detail::NoSteps).unwrap().records.len()))
        });
        group.bench_with_input(BenchmarkId::new("load_and_stats", n), &n, |b, _| {
            b.iter(|| {
                let mut builder = StatsBuilder::new(&now, StatsOptions::new(3));
                history::for_each(dir, Detail::NoSteps, |r| builder.add(&r)).unwrap();
                black_box(builder.finish())
            })
        });
        let since = stats::week_start(&now).timestamp();
        group.bench_with_input(BenchmarkId::new("recent_header", n), &n, |b, _| {
            b.iter(|| black_box(history::recent(dir, since).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(history_benches, benches);
criterion_main!(history_benches);
