//! Tests that run the built `knotless` binary: its commands and their output, and the full
//! screen app in a pseudo-terminal, one binary for all of them (one link step, not one per
//! file). Most of their time is spent waiting for real seconds of a session to pass, so
//! they run many at once (`RUST_TEST_THREADS` in `.cargo/config.toml`).
//!
//! The library's own tests live in `tests/suite/`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/hooks_pty.rs"]
mod hooks_pty;
#[path = "../common/pty.rs"]
mod pty;
#[path = "../common/sound_pty.rs"]
mod sound_pty;

use std::path::Path;
use std::process::{Output, Stdio};

use common::home::BIN;

/// `knotless ARGS` with its own config and data folders, no input and colour allowed; waits
/// for it to end.
fn knotless(config: &Path, data: &Path, args: &[&str]) -> Output {
    common::knotless()
        .args(args)
        .env("KNOTLESS_CONFIG_DIR", config)
        .env("KNOTLESS_DATA_DIR", data)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A config folder and a data folder, both empty.
fn dirs() -> (tempfile::TempDir, tempfile::TempDir) {
    (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap())
}

/// What a command wrote, as text.
fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

mod amend;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod binary;
mod cli;
mod cli_conventions;
mod completions;
mod days_cli;
mod docs;
mod exports;
mod hooks;
mod hostile_cli;
mod hostile_output;
mod man;
mod nudge;
mod own_routines;
mod package;
mod remind;
mod report_html;
mod report_reading;
mod sound;
mod sound_cache;
mod sound_stops;
mod state_folder;
mod stats_period;
mod syncthing;
mod tui;
