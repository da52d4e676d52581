//! Record builders shared by the integration tests.
#![allow(dead_code)]

use knotless::record::{Kind, Outcome, SessionRecord, StepRecord, StepStatus, VERSION};
use knotless::routine::Side;

/// A routine session starting at `started_at` (RFC 3339), `active_secs` long.
pub fn rec(
    id: &str,
    started_at: &str,
    routine_id: &str,
    area: &str,
    active_secs: f64,
) -> SessionRecord {
    let start: jiff::Timestamp = started_at.parse().expect("test times are RFC 3339");
    let end = start + jiff::SignedDuration::from_secs_f64(active_secs + 10.0);
    let offset = &started_at[started_at.len() - 6..];
    let tz = if offset.starts_with(['+', '-']) {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let h: i32 = offset[1..3].parse().unwrap();
        let m: i32 = offset[4..6].parse().unwrap();
        let secs = sign * (h * 3600 + m * 60);
        jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(secs).unwrap())
    } else {
        jiff::tz::TimeZone::UTC
    };
    SessionRecord {
        v: VERSION,
        id: id.to_string(),
        kind: if area == "breathing" {
            Kind::Breathing
        } else {
            Kind::Routine
        },
        routine_id: routine_id.to_string(),
        title: format!("Title of {routine_id}"),
        area: area.to_string(),
        started_at: started_at.to_string(),
        ended_at: knotless::record::format_time(end, &tz),
        planned_secs: active_secs,
        active_secs,
        paused_secs: 10.0,
        outcome: Outcome::Completed,
        steps: vec![
            StepRecord {
                title: "Settle and breathe".into(),
                side: None,
                planned_secs: active_secs / 2.0,
                active_secs: active_secs / 2.0,
                status: StepStatus::Done,
            },
            StepRecord {
                title: "Upper trapezius squeeze".into(),
                side: Some(Side::Left),
                planned_secs: active_secs / 2.0,
                active_secs: active_secs / 2.0,
                status: StepStatus::Done,
            },
        ],
        pain_before: None,
        pain_after: None,
        note: None,
    }
}

pub fn with_pain(mut r: SessionRecord, before: Option<u8>, after: Option<u8>) -> SessionRecord {
    r.pain_before = before;
    r.pain_after = after;
    r
}

pub fn external(id: &str, started_at: &str, what: &str, minutes: f64) -> SessionRecord {
    let mut r = rec(
        id,
        started_at,
        &what.to_lowercase().replace(' ', "-"),
        "external",
        minutes * 60.0,
    );
    r.kind = Kind::External;
    r.title = what.to_string();
    r.steps.clear();
    r
}

pub fn line(r: &SessionRecord) -> String {
    serde_json::to_string(r).unwrap() + "\n"
}
