//! Random key presses at random instants: the session never panics and time stays sane.

use std::time::{Duration, Instant};

use knotless::core::session::{Event, Options, Session};
use knotless::model::routine::{Area, Length, Pattern, PhaseKind, Routine, Sides, Source, Step};
use proptest::prelude::*;

use crate::common::pattern;

#[derive(Debug, Clone, Copy)]
enum Op {
    Update,
    Toggle,
    Skip,
    Back,
    Restart,
    Add,
    Remove,
    Stop,
    View,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => Just(Op::Update),
        4 => Just(Op::Toggle),
        4 => Just(Op::Skip),
        2 => Just(Op::Back),
        2 => Just(Op::Restart),
        2 => Just(Op::Add),
        2 => Just(Op::Remove),
        2 => Just(Op::View),
        // rare, or little happens after it
        1 => Just(Op::Stop),
    ]
}

/// How far the clock moves before an op: mostly short, sometimes long, now and then a
/// sleep of hours, and now and then backwards.
fn step_ms() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => 0i64..3_000,
        3 => 0i64..120_000,
        1 => 0i64..(10 * 3600 * 1000),
        1 => -5_000i64..0,
    ]
}

fn step(title: &str, length: Length, breathing: Option<Pattern>, sides: Sides, t: u64) -> Step {
    let planned = match (length, &breathing) {
        (Length::Time(d), _) => d,
        (Length::Breaths(n), Some(p)) => p.cycle() * n,
        (Length::Breaths(_), None) => Duration::from_secs(10),
    };
    Step {
        title: title.into(),
        length,
        planned,
        instructions: String::new(),
        cue: None,
        pressure: None,
        breathing: breathing.map(std::sync::Arc::new),
        caution: None,
        sides,
        art: None,
        transition: Duration::from_millis(t),
        switch_cue: None,
        region: None,
        technique: None,
        say: None,
    }
}

fn routine(transition_ms: u64) -> Routine {
    let calm = pattern("p", &[(PhaseKind::In, 4000), (PhaseKind::Out, 6000)]);
    let sigh = pattern(
        "p",
        &[
            (PhaseKind::In, 2000),
            (PhaseKind::In, 1000),
            (PhaseKind::Out, 6000),
        ],
    );
    let boxed = pattern(
        "p",
        &[
            (PhaseKind::In, 4000),
            (PhaseKind::Hold, 4000),
            (PhaseKind::Out, 4000),
            (PhaseKind::Hold, 4000),
        ],
    );
    Routine {
        id: "r".into(),
        name: "R".into(),
        area: Area::Mixed,
        summary: String::new(),
        equipment: Vec::new(),
        cautions: Vec::new(),
        patterns: Vec::new(),
        steps: vec![
            step(
                "a",
                Length::Time(Duration::from_secs(20)),
                Some(calm),
                Sides::None,
                transition_ms,
            ),
            step(
                "b",
                Length::Time(Duration::from_millis(7_500)),
                None,
                Sides::Both,
                transition_ms,
            ),
            step("c", Length::Breaths(2), Some(sigh), Sides::Left, 0),
            step(
                "d",
                Length::Breaths(1),
                Some(boxed),
                Sides::None,
                transition_ms,
            ),
        ],
        source: Source::Bundled,
        audio: Default::default(),
    }
}

fn check(s: &Session, t0: Instant, latest: Instant) -> Result<(), TestCaseError> {
    let wall = latest - t0;
    prop_assert!(s.active_time() + s.paused_time() <= wall);

    let v = s.view(latest);
    prop_assert!(v.progress.is_finite() && (0.0..=1.0).contains(&v.progress));
    prop_assert!(v.stage_left <= v.stage_length);
    let ceil = v.stage_left.as_secs() + u64::from(v.stage_left.subsec_nanos() > 0);
    prop_assert_eq!(v.countdown_secs, ceil);
    prop_assert_eq!(v.paused, s.is_paused());
    if !s.is_paused() && !s.is_finished() {
        // a running stage is never shown at 0:00: the session has already moved on
        prop_assert!(v.countdown_secs >= 1, "0:00 while running");
    }
    if let Some(p) = &v.pacer {
        prop_assert!(p.fullness.is_finite() && (0.0..=1.0).contains(&p.fullness));
        prop_assert!(p.secs_left >= 1);
    }
    if let Some(b) = v.breaths {
        let pattern = v.step.and_then(|st| st.breathing.as_deref()).unwrap();
        prop_assert_eq!(pattern.cycle() * b, v.stage_length, "whole breaths");
    }

    match s.next_deadline(latest, 8) {
        None => prop_assert!(s.is_paused() || s.is_finished()),
        Some(d) => {
            prop_assert!(!s.is_paused() && !s.is_finished());
            prop_assert!(d >= latest);
        }
    }

    let r = s.record(epoch(), epoch());
    for x in [r.planned_secs, r.active_secs, r.paused_secs] {
        prop_assert!(x.is_finite() && x >= 0.0);
    }
    for st in &r.steps {
        prop_assert!(st.active_secs.is_finite() && st.active_secs >= 0.0);
        prop_assert!(st.planned_secs.is_finite() && st.planned_secs > 0.0);
    }
    prop_assert!(r.active_secs + r.paused_secs <= wall.as_secs_f64() + 0.002);
    prop_assert_eq!(s.is_finished(), s.outcome().is_some());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_controls_keep_time_sane(
        get_ready_ms in prop_oneof![Just(0u64), 0u64..8_000],
        transition_ms in prop_oneof![Just(0u64), 0u64..6_000],
        breathing in prop::bool::weighted(0.2),
        ops in prop::collection::vec((step_ms(), op()), 1..120),
    ) {
        let t0 = Instant::now();
        let options = Options { get_ready: Duration::from_millis(get_ready_ms) };
        let mut s = if breathing {
            let p = pattern("p", &[(PhaseKind::In, 4000), (PhaseKind::Out, 6000)]);
            Session::breathing(&p, Length::Time(Duration::from_secs(45)), options, "b".into(), t0)
        } else {
            Session::new(&routine(transition_ms), options, "r".into(), t0)
        };
        let mut now = t0;
        let mut latest = t0;
        let mut finished = 0;
        for (delta, op) in ops {
            now = if delta >= 0 {
                now + Duration::from_millis(delta as u64)
            } else {
                now.checked_sub(Duration::from_millis(delta.unsigned_abs())).unwrap_or(now).max(t0)
            };
            if !matches!(op, Op::View) {
                // `view` tells the session nothing; the checks use what it was told.
                latest = latest.max(now);
            }
            let events = match op {
                Op::Update => s.update(now),
                Op::Toggle => s.toggle_pause(now),
                Op::Skip => s.skip(now),
                Op::Back => s.back(now),
                Op::Restart => s.restart(now),
                Op::Add => s.add_time(now),
                Op::Remove => s.remove_time(now),
                Op::Stop => s.stop(now),
                Op::View => {
                    let _ = s.view(now);
                    Vec::new()
                }
            };
            finished += events.iter().filter(|e| matches!(e, Event::Finished { .. })).count();
            prop_assert!(finished <= 1, "finished twice");
            if !matches!(op, Op::View) {
                check(&s, t0, latest)?;
            }
        }
        prop_assert_eq!(finished, usize::from(s.is_finished()));
    }

    /// Driven only by its own deadlines, with any lateness under the sleep gap, a session
    /// ends exactly at its planned end.
    #[test]
    fn deadline_driven_runs_end_on_time(
        get_ready_ms in prop_oneof![Just(0u64), 1u64..8_000],
        transition_ms in prop_oneof![Just(0u64), 1u64..6_000],
        late_ms in 0u64..200,
        steps in 1u32..40,
    ) {
        let r = routine(transition_ms);
        let t0 = Instant::now();
        let mut s = Session::new(&r, Options { get_ready: Duration::from_millis(get_ready_ms) }, "r".into(), t0);
        let mut now = t0;
        while let Some(d) = s.next_deadline(now, steps) {
            prop_assert!(d >= now);
            now = d + Duration::from_millis(late_ms);
            s.update(now);
        }
        prop_assert!(s.is_finished());
        // The plan: get-ready + every stage (breaths steps are whole cycles already).
        let expected = t0 + Duration::from_millis(get_ready_ms) + r.total();
        prop_assert_eq!(s.finished_at(), Some(expected));
        let rec = s.record(epoch(), epoch());
        prop_assert!((rec.active_secs - rec.planned_secs).abs() < 0.002);
    }
}

/// Any stamp: these properties are about times within the session, not the wall clock.
fn epoch() -> knotless::model::record::Stamp {
    knotless::model::record::Stamp::new(jiff::Timestamp::UNIX_EPOCH, &jiff::tz::TimeZone::UTC)
}
