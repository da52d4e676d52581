//! knotless — a terminal coach for guided self-massage and paced breathing.
//!
//! The library holds everything; `main.rs` only parses the command line and dispatches.
//! The pure cores (`breath`, `session`, `stats`) never read the clock or touch the disk.

pub mod app;
pub mod breath;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod dispatch;
pub mod history;
pub mod load;
pub mod paths;
pub mod plain;
pub mod record;
pub mod recorder;
pub mod review;
pub mod routine;
pub mod session;
pub mod state;
pub mod stats;
pub mod theme;
pub mod tui;
pub mod ui;
