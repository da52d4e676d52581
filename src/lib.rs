//! knotless — a terminal coach for guided self-massage and paced breathing.
//!
//! The library holds everything; `main.rs` only parses the command line and dispatches.
//! The pure cores (`breath`, `session`, `stats`) never read the clock or touch the disk.

pub mod history;
pub mod record;
pub mod review;
pub mod routine;
pub mod stats;
