//! What PRODUCT.md section 7 promises about the history: `history` and `stats` over 100,000
//! records well under a second, and the home header cheap however long the history is.
//! Each size gets a realistic file (see `support/history_gen.rs`) written once into a temp
//! dir. Peak memory is not something criterion measures: `examples/history_mem.rs` reports
//! it for the same operations.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::Zoned;
use jiff::civil::date;
use jiff::tz::TimeZone;
use knotless::core::stats::{self, StatsBuilder, StatsOptions};
use knotless::store::history::{self, Detail};

#[path = "support/history_gen.rs"]
mod history_gen;

fn now(tz: &TimeZone) -> Zoned {
    date(2026, 11, 24)
        .at(18, 0, 0, 0)
        .to_zoned(tz.clone())
        .unwrap()
}

fn benches(c: &mut Criterion) {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let now = now(&tz);
    let mut group = c.benchmark_group("history");
    // 10 samples of up to ~0.4 s each at 100k records: about ten seconds a benchmark.
    group
        .sample_size(10)
        .measurement_time(std::time::Duration::from_secs(10));
    for n in [10_000usize, 100_000] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        history_gen::write_history(dir, n, now.timestamp(), &tz).unwrap();
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
