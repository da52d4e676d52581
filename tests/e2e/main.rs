//! Tests that run the built `knotless` binary: its commands and their output, and the full
//! screen app in a pseudo-terminal, one binary for all of them (one link step, not one per
//! file). Most of their time is spent waiting for real seconds of a session to pass, so
//! they run many at once (`RUST_TEST_THREADS` in `.cargo/config.toml`).
//!
//! The library's own tests live in `tests/suite/`.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod cli_issue11;
mod days_cli;
mod hostile_cli;
mod hostile_output;
mod nudge;
mod own_routines;
mod remind;
mod sound;
mod stats_period;
mod tui;
