//! The pure core: the session state machine, the breathing pacer's arithmetic and the
//! statistics. Nothing here reads the clock or touches the disk; every function takes
//! `now` and returns what should happen as values.

pub mod breath;
pub mod content;
pub mod effect;
pub mod rules;
pub mod run;
pub mod session;
pub mod stats;
