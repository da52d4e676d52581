//! The library's tests, in one binary (one link step, not one per file): the pure core, the
//! model, the routine library, the store, the screens drawn off-screen, and the app driven
//! by keys with injected instants. Each file is a module named after what it tests.
//!
//! Tests that run the built `knotless` binary live in `tests/e2e/`.

#[path = "../common/mod.rs"]
mod common;

mod app_days;
mod app_own_routines;
mod content;
mod cues;
mod days;
mod figures_agree;
mod front_ends;
mod history;
mod hooks;
mod hostile_input;
mod hostile_screens;
mod kept_aside;
mod layers;
mod memory;
mod recorder;
mod report;
mod review;
mod run_checkpoint;
mod screens;
mod screens_app;
mod screens_gentle;
mod screens_player;
mod screens_review;
mod session;
mod session_end;
mod session_props;
mod several_machines;
mod spoken;
mod stats;
mod tones;
mod validation;
