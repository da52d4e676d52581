//! `knotless nudge` over a 100,000-session history: a shell prompt runs it every time it is
//! drawn, so it must not be felt (under 10 ms median). Two figures:
//!
//! - `command_*`: the real binary as a prompt starts it (process start, config and
//!   routines, the state file, the end of the history, the decision, the state written);
//! - `in_process_*`: the same work without the process start, through the CLI function.
//!
//! `speaks` removes the state file before each run, so every run reads the tail, decides and
//! writes the state (the once-a-day path); `already_spoke` is every later prompt that day;
//! `command_version_floor` is the cost of starting the binary at all on the same machine.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Zoned};
use knotless::store::paths::Paths;

#[path = "support/history_gen.rs"]
mod history_gen;

fn run_binary(config: &Path, data: &Path, state: &Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_knotless"))
        .arg("nudge")
        .env("KNOTLESS_CONFIG_DIR", config)
        .env("KNOTLESS_DATA_DIR", data)
        .env("KNOTLESS_STATE_DIR", state)
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout
}

fn benches(c: &mut Criterion) {
    let now = Zoned::now();
    let tz = now.time_zone().clone();
    let mut group = c.benchmark_group("nudge");
    group
        .sample_size(50)
        .measurement_time(std::time::Duration::from_secs(10));
    let n = 100_000usize;
    let cfg = tempfile::tempdir().unwrap();
    std::fs::write(
        cfg.path().join("config.toml"),
        "[nudge]\nhours = \"always\"\n",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    // The last session a day ago: nothing today, so the nudge has something to say.
    let end = now.timestamp() - SignedDuration::from_hours(24);
    history_gen::write_history(data, n, end, &tz).unwrap();
    let state_dir = tempfile::tempdir().unwrap();
    let sd = state_dir.path();
    let state = sd.join("nudge.toml");
    let said = run_binary(cfg.path(), data, sd);
    assert!(!said.is_empty(), "the fixture should make it speak");
    eprintln!("nudge says: {}", String::from_utf8_lossy(&said).trim_end());

    group.bench_with_input(BenchmarkId::new("command_speaks", n), &n, |b, _| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&state);
            },
            |_| black_box(run_binary(cfg.path(), data, sd)),
            BatchSize::PerIteration,
        )
    });
    run_binary(cfg.path(), data, sd);
    group.bench_with_input(BenchmarkId::new("command_already_spoke", n), &n, |b, _| {
        b.iter(|| black_box(run_binary(cfg.path(), data, sd)))
    });

    // The floor: starting the same binary to print its version, in the same conditions.
    group.bench_function("command_version_floor", |b| {
        b.iter(|| {
            let out = Command::new(env!("CARGO_BIN_EXE_knotless"))
                .arg("--version")
                .output()
                .unwrap();
            black_box(out.stdout)
        })
    });

    let paths = Paths {
        config: Some(cfg.path().to_path_buf()),
        data: Some(data.to_path_buf()),
        state: Some(sd.to_path_buf()),
    };
    let global = knotless::cli::args::Global {
        config_dir: paths.config.clone(),
        data_dir: paths.data.clone(),
        state_dir: paths.state.clone(),
        theme: None,
        no_color: true,
        quiet: false,
        no_hooks: true,
    };
    group.bench_with_input(BenchmarkId::new("in_process_speaks", n), &n, |b, _| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&state);
            },
            |_| {
                use knotless::model::format::{Neutralise, SafeWriter};
                let mut out = SafeWriter::new(Vec::new(), Neutralise::Replace);
                knotless::cli::nudge::nudge_cmd(&global, &paths, false, None, false, &mut out)
                    .unwrap();
                let out = out.into_inner();
                assert!(!out.is_empty());
                black_box(out)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(nudge_benches, benches);
criterion_main!(nudge_benches);
