//! Writes a realistic history of N sessions into a data directory, ending now, for
//! `scripts/measure` (start-up with a real history behind it).
//!
//! ```sh
//! cargo run --release --example gen_history -- DIR 10000
//! cargo run --release --example gen_history -- DIR 1000000 1   # one a minute (1.9 years)
//! ```
//!
//! The optional third argument is the minutes between sessions (default 120).

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "../benches/support/history_gen.rs"]
mod history_gen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(n)) = (args.first(), args.get(1).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: gen_history DIR N [MINUTES-APART]");
        return ExitCode::from(2);
    };
    let minutes: Option<i64> = match args.get(2).map(|m| m.parse()) {
        None => None,
        Some(Ok(m)) if m > 0 => Some(m),
        Some(_) => {
            eprintln!("usage: gen_history DIR N [MINUTES-APART]");
            return ExitCode::from(2);
        }
    };
    let dir = PathBuf::from(dir);
    let now = jiff::Zoned::now();
    let (end, tz) = (now.timestamp(), now.time_zone());
    let written = std::fs::create_dir_all(&dir).and_then(|_| match minutes {
        None => history_gen::write_history(&dir, n, end, tz),
        Some(m) => {
            let every = jiff::SignedDuration::from_mins(m);
            history_gen::write_history_every(&dir, n, end, tz, every)
        }
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            ExitCode::from(1)
        }
    }
}
