//! What a session's hooks are told: which `[hooks]` events a session's changes amount to,
//! and the facts each hook gets in its environment. Pure: given the session, its events and
//! `now`; the side-effect runner (`crate::hooks`) spawns the commands.
//!
//! | event | when |
//! | --- | --- |
//! | `session_start` | the session begins (before the get-ready count-in) |
//! | `step_start` | a step, or one side of it, begins (also after skip, back or restart) |
//! | `side_switch` | the "switch sides" interlude of a two-sided step begins |
//! | `session_end` | the session ends: completed, stopped or interrupted |
//! | `breath_phase` | the pacer moves to the next phase (in, hold, out) during a step |
//!
//! Every hook gets `KNOTLESS_EVENT`, `KNOTLESS_SESSION`, `KNOTLESS_KIND`,
//! `KNOTLESS_ROUTINE`, `KNOTLESS_ROUTINE_NAME`, `KNOTLESS_STEP`, `KNOTLESS_STEP_NUMBER`,
//! `KNOTLESS_STEPS`, `KNOTLESS_SIDE`, `KNOTLESS_STEP_SECS` and `KNOTLESS_REMAINING`;
//! `session_end` adds `KNOTLESS_OUTCOME` and `KNOTLESS_ACTIVE_SECS`; `breath_phase` adds
//! `KNOTLESS_PHASE`, `KNOTLESS_PHASE_LABEL`, `KNOTLESS_PHASE_SECS` and `KNOTLESS_BREATH`.

use std::time::{Duration, Instant};

use crate::core::session::{Event, Session, StageKind, View};
use crate::model::config::HookEvent;
use crate::model::record::Kind;
use crate::model::routine::PhaseKind;

/// One hook to run: the event and the environment variables to run it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookCall {
    pub event: HookEvent,
    pub vars: Vec<(&'static str, String)>,
}

impl HookCall {
    /// The value of one variable (tests and the runner's reports use it).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Follows one session and turns what happens to it into hook calls, for the events that
/// have a hook (nothing is built for the others).
#[derive(Debug, Clone)]
pub struct HookWatch {
    wanted: Vec<HookEvent>,
    /// The pacer position last reported: (segment, breath, phase).
    last_phase: Option<(usize, u32, usize)>,
}

impl HookWatch {
    pub fn new(wanted: impl IntoIterator<Item = HookEvent>) -> HookWatch {
        HookWatch {
            wanted: wanted.into_iter().collect(),
            last_phase: None,
        }
    }

    fn wants(&self, e: HookEvent) -> bool {
        self.wanted.contains(&e)
    }

    /// Whether `breath_phase` has a hook: the runner then wakes at phase changes.
    pub fn wants_phases(&self) -> bool {
        self.wants(HookEvent::BreathPhase)
    }

    /// The session has just been created.
    pub fn started(&mut self, session: &Session, now: Instant) -> Vec<HookCall> {
        let mut out = Vec::new();
        let v = session.view(now);
        if self.wants(HookEvent::SessionStart) {
            out.push(call(HookEvent::SessionStart, session, &v));
        }
        // A session without a count-in starts straight on its first step.
        if v.kind == StageKind::Segment && self.wants(HookEvent::StepStart) {
            out.push(call(HookEvent::StepStart, session, &v));
        }
        out.extend(self.tick(session, now));
        out
    }

    /// `events` came from an update or a control of `session` at `now`.
    pub fn events(&mut self, session: &Session, events: &[Event], now: Instant) -> Vec<HookCall> {
        let mut out = Vec::new();
        for e in events {
            match e {
                Event::StageStarted { stage, .. } => {
                    let v = session.view(now);
                    let event = match stage.kind {
                        StageKind::Segment => HookEvent::StepStart,
                        StageKind::SwitchSides => HookEvent::SideSwitch,
                        _ => continue,
                    };
                    // A restart or back starts the pacer again from its first phase.
                    self.last_phase = None;
                    if self.wants(event) {
                        out.push(call(event, session, &v));
                    }
                }
                Event::Finished { outcome, .. } if self.wants(HookEvent::SessionEnd) => {
                    let v = session.view(now);
                    let mut c = call(HookEvent::SessionEnd, session, &v);
                    c.vars.push(("KNOTLESS_OUTCOME", outcome.as_str().into()));
                    c.vars.push((
                        "KNOTLESS_ACTIVE_SECS",
                        session.active_time().as_secs().to_string(),
                    ));
                    out.push(c);
                }
                _ => {}
            }
        }
        out.extend(self.tick(session, now));
        out
    }

    /// Call at every wake-up: a `breath_phase` call when the pacer has moved to another
    /// phase since the last one reported (never while paused, finished or between steps).
    pub fn tick(&mut self, session: &Session, now: Instant) -> Option<HookCall> {
        if !self.wants_phases() {
            return None;
        }
        let v = session.view(now);
        let (true, Some(p)) = (v.kind == StageKind::Segment && !v.paused, v.pacer.as_ref()) else {
            return None;
        };
        let key = (v.segment, p.breath, p.phase);
        if self.last_phase == Some(key) {
            return None;
        }
        self.last_phase = Some(key);
        let mut c = call(HookEvent::BreathPhase, session, &v);
        c.vars.push((
            "KNOTLESS_PHASE",
            match p.kind {
                PhaseKind::In => "in",
                PhaseKind::Hold => "hold",
                PhaseKind::Out => "out",
            }
            .into(),
        ));
        c.vars.push(("KNOTLESS_PHASE_LABEL", p.word.to_string()));
        c.vars
            .push(("KNOTLESS_PHASE_SECS", secs_text(p.phase_left)));
        c.vars.push(("KNOTLESS_BREATH", p.breath.to_string()));
        Some(c)
    }
}

/// Seconds as a hook reads them: whole seconds, or with a decimal when not whole ("5.5").
fn secs_text(d: Duration) -> String {
    let ms = (d.as_millis() + 50) / 100;
    if ms.is_multiple_of(10) {
        (ms / 10).to_string()
    } else {
        format!("{}.{}", ms / 10, ms % 10)
    }
}

fn call(event: HookEvent, session: &Session, v: &View<'_>) -> HookCall {
    let r = session.routine();
    let kind = match session.kind() {
        Kind::Routine => "routine",
        Kind::Breathing => "breathing",
        Kind::External => "external",
    };
    let on_step = matches!(v.kind, StageKind::Segment | StageKind::SwitchSides);
    let (step, number, step_secs) = match (on_step, v.step) {
        (true, Some(s)) => (
            s.title.clone(),
            v.step_number.to_string(),
            secs_text(if v.kind == StageKind::Segment {
                v.stage_length
            } else {
                v.next.map(|n| n.planned).unwrap_or_default()
            }),
        ),
        _ => (String::new(), String::new(), String::new()),
    };
    HookCall {
        event,
        vars: vec![
            ("KNOTLESS_EVENT", event.as_str().into()),
            ("KNOTLESS_SESSION", session.id().into()),
            ("KNOTLESS_KIND", kind.into()),
            ("KNOTLESS_ROUTINE", r.id.clone()),
            ("KNOTLESS_ROUTINE_NAME", r.name.clone()),
            ("KNOTLESS_STEP", step),
            ("KNOTLESS_STEP_NUMBER", number),
            ("KNOTLESS_STEPS", v.step_count.to_string()),
            (
                "KNOTLESS_SIDE",
                v.side
                    .filter(|_| on_step)
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            ),
            ("KNOTLESS_STEP_SECS", step_secs),
            ("KNOTLESS_REMAINING", v.routine_left_secs.to_string()),
        ],
    }
}
