//! Writes a realistic history of N sessions into a data directory, ending now, for
//! `scripts/measure` (start-up with a real history behind it).
//!
//! ```sh
//! cargo run --release --example gen_history -- DIR 10000
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "../benches/support/history_gen.rs"]
mod history_gen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(n)) = (args.first(), args.get(1).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: gen_history DIR N");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let now = jiff::Zoned::now();
    let written = std::fs::create_dir_all(&dir)
        .and_then(|_| history_gen::write_history(&dir, n, now.timestamp(), now.time_zone()));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            ExitCode::from(1)
        }
    }
}
