//! The pure core: the session state machine, the breathing pacer's arithmetic, the
//! statistics and the 4-week headache-day windows, the content rules. Nothing here reads the clock or touches the disk; every function takes
//! `now` and returns what should happen as values.

pub mod breath;
pub mod calendar;
pub mod content;
pub mod cues;
pub mod days;
pub mod effect;
pub mod hook_facts;
pub mod loudness;
pub mod notice;
pub mod nudge;
pub mod period;
pub mod remind;
pub mod report;
pub mod rules;
pub mod run;
pub mod session;
pub mod spoken;
pub mod stats;
pub mod tone;
pub mod when;
