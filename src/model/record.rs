//! The session record: what one line of `<data>/history.jsonl` holds (PRODUCT.md section 6).
//!
//! Records are written by the player and breathing screens (through `history`), by
//! `knotless log`, and by recovery of a dead session's in-progress file. Readers must accept
//! records from newer versions, so nothing here refuses unknown fields.

use serde::{Deserialize, Serialize};

use crate::model::routine::Side;

/// The record format version this build writes.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Routine,
    Breathing,
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Completed,
    Stopped,
    Interrupted,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Stopped => "stopped",
            Outcome::Interrupted => "interrupted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// Ran to its end.
    Done,
    /// Left before any real time was spent on it.
    Skipped,
    /// Left part-way: credited with the time actually spent.
    Partial,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
            StepStatus::Partial => "partial",
        }
    }
}

/// One step (one side of a step) as it was run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    pub planned_secs: f64,
    pub active_secs: f64,
    pub status: StepStatus,
}

/// One session. Timestamps are RFC 3339 strings with the local UTC offset at the time
/// they were written, e.g. "2026-11-24T17:05:00+01:00".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub v: u32,
    pub id: String,
    pub kind: Kind,
    pub routine_id: String,
    pub title: String,
    pub area: String,
    pub started_at: String,
    pub ended_at: String,
    pub planned_secs: f64,
    pub active_secs: f64,
    pub paused_secs: f64,
    pub outcome: Outcome,
    #[serde(default)]
    pub steps: Vec<StepRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_before: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_after: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A later addition to a record: ratings or a note given after the session was saved.
/// Written as its own line; readers merge it into the record with the same id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amendment {
    pub v: u32,
    /// The id of the record this amends.
    pub amends: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_before: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_after: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Seconds as stored: rounded to the millisecond so files stay readable.
pub fn secs(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

impl SessionRecord {
    /// When the session began, or `None` if the stored text is not an RFC 3339 time.
    /// The history reader skips such records, so for loaded records this is `Some`.
    pub fn started(&self) -> Option<jiff::Timestamp> {
        self.started_at.parse().ok()
    }

    /// When the session ended (see [`SessionRecord::started`]).
    pub fn ended(&self) -> Option<jiff::Timestamp> {
        self.ended_at.parse().ok()
    }

    /// True for the sessions the user did with knotless (routines and breathing), as opposed
    /// to professional sessions logged with `knotless log`.
    pub fn is_self_care(&self) -> bool {
        self.kind != Kind::External
    }
}

/// A time as records store it: RFC 3339 to the second with the UTC offset the zone had at
/// that instant, so a reader of the raw file sees the wall-clock time the user saw.
pub fn format_time(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let offset = tz.to_offset(ts);
    ts.round(jiff::Unit::Second)
        .unwrap_or(ts)
        .display_with_offset(offset)
        .to_string()
}
