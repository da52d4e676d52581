//! knotless — a terminal coach for guided self-massage and paced breathing.
//!
//! The library holds everything; `main.rs` only parses the command line and dispatches.
//! The folders are the layers, and imports run one way, downward:
//! `cli` → `app` → `screens` → `ui` → `library`/`store` → `files` → `core` → `model`, with
//! `audio` (tones and speech as child processes) and `hooks` beside `store`: used by `app`
//! and `cli`, never by a screen. The pure core never reads the clock or touches the disk.

pub mod app;
pub mod audio;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod c_math;
pub mod cli;
pub mod core;
pub mod files;
pub mod hooks;
pub mod library;
pub mod model;
pub mod screens;
pub mod store;
pub mod ui;
