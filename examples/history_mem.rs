//! Time and peak memory of reading the history, the figures `cargo bench` cannot give.
//!
//! For each size it writes a realistic history into a temp dir, then runs what `stats`,
//! `history`/`report` and the home header do, each in a fresh child process (this same
//! program, `--one OP DIR`), so each peak resident set (VmHWM from `/proc/self/status`,
//! Linux only) is that operation's alone and not what an earlier one left in the allocator.
//! `base` is the child's resident set before it starts reading.
//!
//! ```sh
//! cargo run --release --example history_mem            # 10000 and 100000 records
//! cargo run --release --example history_mem -- 250000
//! ```

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use knotless::core::stats::{StatsBuilder, StatsOptions, week_start};
use knotless::store::history::{self, Detail};

#[path = "../benches/support/history_gen.rs"]
mod history_gen;

const OPS: [(&str, &str); 4] = [
    ("stats", "load+stats (stats)"),
    ("load", "load+merge (history)"),
    ("load-steps", "load+merge, with steps"),
    ("recent", "recent (home header)"),
];

/// A `/proc/self/status` field in KiB (`None` where there is no /proc).
fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map(|k| format!("{:.1}", k as f64 / 1024.0))
        .unwrap_or_else(|| "?".into())
}

/// The child: one operation, then `ms peak_kib base_kib records` on stdout.
fn one(op: &str, dir: &Path) {
    let now = jiff::Zoned::now();
    let base = status_kib("VmRSS:");
    let t = Instant::now();
    let count = match op {
        "stats" => {
            let mut b = StatsBuilder::new(&now, StatsOptions::new(3));
            history::for_each(dir, Detail::NoSteps, |r| b.add(&r)).expect("read");
            black_box(b.finish()).totals.sessions as usize
        }
        "load" => black_box(history::load(dir, Detail::NoSteps).expect("read"))
            .records
            .len(),
        "load-steps" => black_box(history::load(dir, Detail::Full).expect("read"))
            .records
            .len(),
        "recent" => {
            black_box(history::recent(dir, week_start(&now).timestamp()).expect("read")).count_since
                as usize
        }
        other => panic!("unknown operation {other}"),
    };
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{ms:.1} {} {} {count}",
        status_kib("VmHWM:").unwrap_or(0),
        base.unwrap_or(0)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        return one(&args[1], Path::new(&args[2]));
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let exe = std::env::current_exe().expect("own path");
    let now = jiff::Zoned::now();
    println!(
        "{:>7}  {:<26} {:>12}  {:>10}  (base)",
        "records", "operation", "time", "peak RSS"
    );
    for n in sizes {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path();
        history_gen::write_history(dir, n, now.timestamp(), now.time_zone()).expect("write");
        let bytes = std::fs::metadata(history::history_path(dir)).map_or(0, |m| m.len());
        println!(
            "{n:>7}  history.jsonl is {:.1} MiB",
            bytes as f64 / (1024.0 * 1024.0)
        );
        for (op, label) in OPS {
            let out = Command::new(&exe)
                .args(["--one", op])
                .arg(dir)
                .output()
                .expect("run child");
            let text = String::from_utf8_lossy(&out.stdout);
            let f: Vec<&str> = text.split_whitespace().collect();
            if !out.status.success() || f.len() != 4 {
                eprintln!("{op}: failed: {}", String::from_utf8_lossy(&out.stderr));
                continue;
            }
            let kib = |s: &str| s.parse().ok().filter(|&k: &u64| k > 0);
            println!(
                "{n:>7}  {label:<26} {:>9} ms  {:>6} MiB  ({} MiB)  {} records",
                f[0],
                mib(kib(f[1])),
                mib(kib(f[2])),
                f[3]
            );
        }
    }
}
