//! The files on disk: where they live, appending and reading the per-machine logs of the
//! data folder (history, day log, the acknowledged notice), and this machine's own state
//! folder — in-progress snapshots and their recovery, the kept-aside folder, the recorder
//! that saves a running session, the nudge's memory, the theme and mute — and the one-time
//! move of that state out of the data folder where older versions kept it.

pub mod days;
pub mod figures;
pub mod history;
pub mod kept_aside;
pub mod machine;
pub mod nudge_state;
pub mod paths;
pub mod recorder;
pub mod relocate;
pub mod state;
pub mod tail;
