//! The logs on disk: where they live, appending and reading the history, in-progress
//! snapshots and their recovery, the recorder that saves a running session, and the
//! small state file (the acknowledged notice).

pub mod days;
pub mod figures;
pub mod history;
pub mod machine;
pub mod nudge_state;
pub mod paths;
pub mod recorder;
pub mod state;
pub mod tail;
