//! The model: routines, patterns, settings and history records, and how they are written
//! for people (durations, dates). Plain data; no I/O.

pub mod config;
pub mod day;
pub mod format;
pub mod record;
pub mod routine;
pub mod settings;
pub mod text;
