//! The player's state machine driven with made-up instants: no sleeping, no clock.

use std::time::{Duration, Instant};

use knotless::core::session::{
    BACK_RESTARTS_AFTER, Cause, Event, Options, SLEEP_GAP, Session, StageKind, View,
};
use knotless::model::record::{Kind, Outcome, StepStatus};
use knotless::model::routine::{
    Area, Length, Pattern, PhaseKind, Routine, SWITCH_SIDES, Side, Sides, Source, Step,
};

use crate::common::pattern;

// ----- fixtures -----------------------------------------------------------------------

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// in 4 · out 6: a 10 s breath.
fn calm() -> Pattern {
    pattern("calm", &[(PhaseKind::In, 4000), (PhaseKind::Out, 6000)])
}

/// in 2 · top up 1 · out 6: a 9 s breath.
fn sigh() -> Pattern {
    pattern(
        "cyclic-sigh",
        &[
            (PhaseKind::In, 2000),
            (PhaseKind::In, 1000),
            (PhaseKind::Out, 6000),
        ],
    )
}

fn step(title: &str, length: Length, breathing: Option<Pattern>, sides: Sides) -> Step {
    let planned = match (length, &breathing) {
        (Length::Time(d), _) => d,
        (Length::Breaths(n), Some(p)) => p.cycle() * n,
        (Length::Breaths(_), None) => unreachable!("fixtures give breaths steps a pattern"),
    };
    Step {
        title: title.into(),
        length,
        planned,
        instructions: format!("Do {title}."),
        cue: None,
        pressure: None,
        breathing: breathing.map(std::sync::Arc::new),
        caution: None,
        sides,
        art: None,
        transition: secs(5),
        switch_cue: (sides == Sides::Both).then(|| "Now the other side.".to_string()),
        region: None,
        technique: None,
        say: None,
    }
}

fn routine_of(steps: Vec<Step>) -> Routine {
    Routine {
        id: "neck-test".into(),
        name: "Neck test".into(),
        area: Area::Neck,
        summary: String::new(),
        equipment: Vec::new(),
        cautions: Vec::new(),
        patterns: Vec::new(),
        steps,
        source: Source::Bundled,
        audio: Default::default(),
    }
}

/// Timeline with the default 5 s get-ready (seconds from the start):
/// get-ready 0-5, Settle 5-65, transition 65-70, Trapezius L 70-100, switch 100-105,
/// Trapezius R 105-135, transition 135-140, Count 140-170 (3 breaths), Last 170-190.
fn routine() -> Routine {
    let mut last = step("Last", Length::Time(secs(20)), None, Sides::None);
    last.transition = secs(5); // after the last step: never shown
    let mut count = step("Count", Length::Breaths(3), Some(calm()), Sides::None);
    count.transition = Duration::ZERO;
    routine_of(vec![
        step("Settle", Length::Time(secs(60)), Some(calm()), Sides::None),
        step("Trapezius", Length::Time(secs(30)), None, Sides::Both),
        count,
        last,
    ])
}

const TOTAL: u64 = 190;

fn start(routine: &Routine, get_ready: Duration) -> (Session, Instant) {
    let t0 = Instant::now();
    let s = Session::new(routine, Options { get_ready }, "rec-1".into(), t0);
    (s, t0)
}

fn default_session() -> (Session, Instant) {
    start(&routine(), secs(5))
}

/// Wakes the session at every deadline it asks for, each `late` after it, until `until`.
/// Checks the wake-up contract on the way.
fn drive(s: &mut Session, mut now: Instant, until: Instant, late: Duration) -> Vec<Event> {
    let mut events = Vec::new();
    while let Some(next) = s.next_deadline(now, 8) {
        assert!(next >= now, "deadline in the past");
        let wake = next + late;
        if wake > until {
            break;
        }
        now = wake;
        events.extend(s.update(now));
    }
    events.extend(s.update(until));
    events
}

fn started(events: &[Event]) -> Vec<(StageKind, usize, Option<Side>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::StageStarted { stage, .. } => Some((stage.kind, stage.segment, stage.side)),
            _ => None,
        })
        .collect()
}

fn finished_count(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Finished { .. }))
        .count()
}

fn at(s: &Session, t: Instant) -> View<'_> {
    s.view(t)
}

fn record(s: &Session) -> knotless::model::record::SessionRecord {
    s.record(
        "2026-01-01T10:00:00+01:00".parse().unwrap(),
        "2026-01-01T10:10:00+01:00".parse().unwrap(),
    )
}

fn assert_secs(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 0.0015,
        "expected {expected} s, got {actual} s"
    );
}

// ----- running straight through -------------------------------------------------------

#[test]
fn runs_every_stage_in_order_and_finishes_once() {
    let (mut s, t0) = default_session();
    assert_eq!(at(&s, t0).kind, StageKind::GetReady);
    let events = drive(&mut s, t0, t0 + secs(TOTAL + 60), Duration::ZERO);
    use StageKind::*;
    assert_eq!(
        started(&events),
        vec![
            (Segment, 0, None),
            (Transition, 1, Some(Side::Left)),
            (Segment, 1, Some(Side::Left)),
            (SwitchSides, 2, Some(Side::Right)),
            (Segment, 2, Some(Side::Right)),
            (Transition, 3, None),
            (Segment, 3, None),
            // no transition: Count has transition 0
            (Segment, 4, None),
        ]
    );
    assert!(events.iter().all(|e| e.rings_bell()));
    assert_eq!(finished_count(&events), 1);
    assert_eq!(
        events.last(),
        Some(&Event::Finished {
            outcome: Outcome::Completed,
            cause: Cause::Timer
        })
    );
    assert_eq!(s.finished_at(), Some(t0 + secs(TOTAL)));
    assert_eq!(
        routine().total() + secs(5),
        secs(TOTAL),
        "fixture matches Routine::total"
    );

    let r = record(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.kind, Kind::Routine);
    assert_eq!(
        (
            r.id.as_str(),
            r.routine_id.as_str(),
            r.title.as_str(),
            r.area.as_str()
        ),
        ("rec-1", "neck-test", "Neck test", "neck")
    );
    assert_eq!(r.steps.len(), 5);
    let sides: Vec<_> = r.steps.iter().map(|s| (s.title.as_str(), s.side)).collect();
    assert_eq!(
        sides,
        vec![
            ("Settle", None),
            ("Trapezius", Some(Side::Left)),
            ("Trapezius", Some(Side::Right)),
            ("Count", None),
            ("Last", None),
        ]
    );
    for st in &r.steps {
        assert_eq!(st.status, StepStatus::Done);
        assert_secs(st.active_secs, st.planned_secs);
    }
    assert_secs(r.planned_secs, 170.0);
    assert_secs(r.active_secs, 170.0);
    assert_secs(r.paused_secs, 0.0);

    // Nothing more happens once finished.
    assert!(s.update(t0 + secs(TOTAL + 120)).is_empty());
    for f in [
        Session::skip,
        Session::back,
        Session::restart,
        Session::add_time,
        Session::remove_time,
        Session::toggle_pause,
        Session::stop,
    ] {
        assert!(f(&mut s, t0 + secs(TOTAL + 130)).is_empty());
    }
    assert_eq!(s.next_deadline(t0 + secs(TOTAL + 130), 8), None);
    assert_eq!(record(&s).outcome, Outcome::Completed);
    let v = at(&s, t0 + secs(TOTAL + 130));
    assert_eq!(
        (v.kind, v.progress, v.outcome),
        (StageKind::Finished, 1.0, Some(Outcome::Completed))
    );
}

#[test]
fn countdown_rounds_up_and_stage_ends_exactly_at_its_deadline() {
    let (mut s, t0) = default_session();
    assert_eq!(at(&s, t0).countdown_secs, 5);
    assert_eq!(at(&s, t0 + ms(4001)).countdown_secs, 1);
    assert_eq!(at(&s, t0 + ms(4999)).countdown_secs, 1);
    assert!(s.update(t0 + ms(4999)).is_empty());
    let ev = s.update(t0 + secs(5));
    assert_eq!(started(&ev), vec![(StageKind::Segment, 0, None)]);
    let v = at(&s, t0 + secs(5));
    assert_eq!((v.countdown_secs, v.stage_left), (60, secs(60)));
    assert_eq!(at(&s, t0 + ms(5_001)).countdown_secs, 60);
    assert_eq!(at(&s, t0 + ms(6_000)).countdown_secs, 59);
    assert_eq!(at(&s, t0 + ms(64_999)).countdown_secs, 1);
    assert_eq!(at(&s, t0 + ms(64_999)).stage_left, ms(1));
}

#[test]
fn get_ready_zero_starts_on_the_first_step() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let v = at(&s, t0);
    assert_eq!(
        (v.kind, v.segment, v.countdown_secs),
        (StageKind::Segment, 0, 60)
    );
    assert!(v.pacer.is_some());
    let ev = drive(&mut s, t0, t0 + secs(TOTAL), Duration::ZERO);
    assert_eq!(s.finished_at(), Some(t0 + secs(TOTAL - 5)));
    assert_eq!(finished_count(&ev), 1);
}

#[test]
fn zero_transitions_go_straight_on() {
    let mut r = routine();
    for st in &mut r.steps {
        st.transition = Duration::ZERO;
    }
    let (mut s, t0) = start(&r, Duration::ZERO);
    let ev = drive(&mut s, t0, t0 + secs(500), Duration::ZERO);
    let kinds: Vec<_> = started(&ev).into_iter().map(|(k, ..)| k).collect();
    use StageKind::*;
    // (the first segment started with the session) the switch-sides interlude stays:
    // it is part of a both-sides step
    assert_eq!(kinds, vec![Segment, SwitchSides, Segment, Segment, Segment]);
    assert_eq!(s.finished_at(), Some(t0 + secs(170 + 5)));
}

#[test]
fn sides_both_expands_with_a_switch_interlude() {
    let (mut s, t0) = default_session();
    drive(&mut s, t0, t0 + secs(101), Duration::ZERO);
    let v = at(&s, t0 + secs(101));
    assert_eq!(v.kind, StageKind::SwitchSides);
    assert_eq!(v.side, Some(Side::Right));
    assert_eq!((v.step_number, v.step_count), (2, 4));
    assert_eq!(v.stage_length, SWITCH_SIDES);
    assert_eq!(v.countdown_secs, 4);
    assert_eq!(
        v.step.and_then(|st| st.switch_cue.as_deref()),
        Some("Now the other side.")
    );
    let next = v.next.expect("the right side comes next");
    assert_eq!(
        (next.title, next.side, next.planned),
        ("Trapezius", Some(Side::Right), secs(30))
    );
}

#[test]
fn view_reports_next_step_progress_and_routine_left() {
    let (mut s, t0) = default_session();
    let v = at(&s, t0 + secs(1));
    assert_eq!(v.title, "Neck test");
    assert_eq!((v.progress, v.routine_left_secs), (0.0, 185));
    assert_eq!(v.next.map(|n| n.title), Some("Settle"));

    s.update(t0 + secs(5));
    let v = at(&s, t0 + secs(5));
    assert_eq!((v.step_index, v.step_number, v.step_count), (0, 1, 4));
    assert_eq!(v.routine_left, secs(185));
    assert_eq!(v.routine_left_secs, 185);
    assert_eq!(v.progress, 0.0);
    let next = v.next.unwrap();
    assert_eq!((next.title, next.side), ("Trapezius", Some(Side::Left)));

    let v = at(&s, t0 + ms(35_500));
    assert!((v.progress - 30.5 / 185.0).abs() < 1e-9);
    assert_eq!(v.routine_left, ms(154_500));
    assert_eq!(v.routine_left_secs, 155);
    assert_eq!(v.countdown_secs, 30);

    drive(&mut s, t0 + secs(5), t0 + secs(66), Duration::ZERO);
    let v = at(&s, t0 + secs(66));
    assert_eq!(v.kind, StageKind::Transition);
    assert_eq!(v.pacer, None);
    let next = v.next.unwrap();
    assert_eq!(
        (next.title, next.side, next.planned),
        ("Trapezius", Some(Side::Left), secs(30))
    );

    drive(&mut s, t0 + secs(66), t0 + secs(171), Duration::ZERO);
    let v = at(&s, t0 + secs(171));
    assert_eq!((v.kind, v.step_number), (StageKind::Segment, 4));
    assert_eq!(v.next, None);
    assert_eq!(v.routine_left_secs, 19);
}

// ----- pause ----------------------------------------------------------------------------

#[test]
fn pause_freezes_countdown_and_pacer_and_resumes_exactly() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let pause_at = t0 + ms(13_370);
    let p = calm();
    let pacer_at_pause = knotless::core::breath::at(&p, ms(13_370));
    let (left, shown) = {
        let v = at(&s, pause_at);
        assert_eq!(v.pacer.as_ref(), Some(&pacer_at_pause));
        (v.stage_left, v.countdown_secs)
    };
    assert_eq!(s.toggle_pause(pause_at), vec![Event::Paused]);
    assert!(s.is_paused());
    assert_eq!(s.next_deadline(pause_at, 8), None);

    let later = pause_at + secs(600);
    assert!(s.update(later).is_empty());
    let frozen = at(&s, later);
    assert!(frozen.paused);
    assert_eq!((frozen.stage_left, frozen.countdown_secs), (left, shown));
    assert_eq!(frozen.pacer.as_ref(), Some(&pacer_at_pause));

    assert_eq!(s.toggle_pause(later), vec![Event::Resumed]);
    let resumed = at(&s, later);
    assert!(!resumed.paused);
    assert_eq!(resumed.pacer.as_ref(), Some(&pacer_at_pause));
    assert_eq!(resumed.stage_left, left);
    // The pacer carries on from where it was: 1.234 s later it is where it would have
    // been 1.234 s after the pause.
    let expected = knotless::core::breath::at(&p, ms(13_370 + 1_234));
    assert_eq!(at(&s, later + ms(1_234)).pacer, Some(expected));

    // The step ends 60 s of active time after it began.
    let end = t0 + secs(60) + secs(600);
    assert!(s.update(end - ms(1)).is_empty());
    assert_eq!(
        started(&s.update(end)),
        vec![(StageKind::Transition, 1, Some(Side::Left))]
    );
    assert_eq!(s.paused_time(), secs(600));
}

#[test]
fn pause_and_resume_many_times_sums_exactly() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let mut now = t0;
    let mut paused = Duration::ZERO;
    for i in 0..50u64 {
        now += ms(300 + i * 7); // running
        assert_eq!(s.pause(now), vec![Event::Paused]);
        assert!(s.pause(now).is_empty(), "pausing twice does nothing");
        let gap = ms(1_000 + i * 13);
        paused += gap;
        now += gap;
        assert_eq!(s.resume(now), vec![Event::Resumed]);
        assert!(s.resume(now).is_empty());
    }
    let running: Duration = (0..50u64).map(|i| ms(300 + i * 7)).sum();
    let v = at(&s, now);
    assert_eq!(v.stage_elapsed, running);
    assert_eq!(s.paused_time(), paused);
    assert_eq!(s.active_time(), running);
    let r = record(&s);
    assert_secs(r.paused_secs, paused.as_secs_f64());
    assert_secs(r.steps[0].active_secs, running.as_secs_f64());
    assert_eq!(r.outcome, Outcome::Interrupted, "still running: a snapshot");
    // The step still ends after exactly 60 s of running.
    let end = now + (secs(60) - running);
    assert!(s.update(end - Duration::from_nanos(1)).is_empty());
    assert_eq!(s.update(end).len(), 1);
}

#[test]
fn pausing_during_an_interlude_counts_as_paused_not_active() {
    let (mut s, t0) = default_session();
    s.toggle_pause(t0 + secs(2));
    s.toggle_pause(t0 + secs(12));
    // get-ready ends 10 s late
    assert!(s.update(t0 + ms(14_999)).is_empty());
    assert_eq!(s.update(t0 + secs(15)).len(), 1);
    assert_eq!(s.paused_time(), secs(10));
    assert_eq!(s.active_time(), Duration::ZERO);
}

// ----- skip -----------------------------------------------------------------------------

#[test]
fn skip_through_every_stage_and_past_the_end() {
    let (mut s, t0) = default_session();
    let mut kinds = Vec::new();
    let mut events = Vec::new();
    let mut now = t0;
    for _ in 0..20 {
        now += ms(100);
        let ev = s.skip(now);
        assert!(ev.iter().all(|e| !e.rings_bell()), "controls never ring");
        kinds.extend(started(&ev).into_iter().map(|(k, ..)| k));
        events.extend(ev);
    }
    use StageKind::*;
    assert_eq!(
        kinds,
        vec![
            Segment,
            Transition,
            Segment,
            SwitchSides,
            Segment,
            Transition,
            Segment,
            Segment
        ]
    );
    assert_eq!(finished_count(&events), 1);
    assert_eq!(
        events.last(),
        Some(&Event::Finished {
            outcome: Outcome::Stopped,
            cause: Cause::User
        })
    );
    let r = record(&s);
    assert_eq!(r.outcome, Outcome::Stopped);
    for st in &r.steps {
        assert_eq!(st.status, StepStatus::Skipped);
        assert_secs(st.active_secs, 0.1);
    }
    assert_secs(r.active_secs, 0.5);
    assert_secs(r.planned_secs, 170.0);
}

#[test]
fn skip_from_get_ready_transition_and_switch_skips_the_interlude() {
    let (mut s, t0) = default_session();
    let ev = s.skip(t0 + secs(1));
    assert_eq!(started(&ev), vec![(StageKind::Segment, 0, None)]);
    // The step starts at the skip, not at the planned end of the get-ready.
    assert_eq!(at(&s, t0 + secs(1)).stage_left, secs(60));

    drive(&mut s, t0 + secs(1), t0 + secs(62), Duration::ZERO);
    assert_eq!(at(&s, t0 + secs(62)).kind, StageKind::Transition);
    let ev = s.skip(t0 + secs(62));
    assert_eq!(
        started(&ev),
        vec![(StageKind::Segment, 1, Some(Side::Left))]
    );

    drive(&mut s, t0 + secs(62), t0 + secs(93), Duration::ZERO);
    assert_eq!(at(&s, t0 + secs(93)).kind, StageKind::SwitchSides);
    let ev = s.skip(t0 + secs(93));
    assert_eq!(
        started(&ev),
        vec![(StageKind::Segment, 2, Some(Side::Right))]
    );
    let r = record(&s);
    assert_eq!(r.steps[0].status, StepStatus::Done);
    assert_eq!(r.steps[1].status, StepStatus::Done);
}

#[test]
fn skip_at_once_records_skipped_with_no_credit() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.skip(t0 + ms(200));
    let r = record(&s);
    assert_eq!(r.steps[0].status, StepStatus::Skipped);
    assert_secs(r.steps[0].active_secs, 0.2);
    assert_secs(r.steps[0].planned_secs, 60.0);
    assert_secs(r.active_secs, 0.2);
}

#[test]
fn skip_while_paused_stays_paused() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.pause(t0 + secs(3));
    let ev = s.skip(t0 + secs(4));
    assert_eq!(started(&ev).len(), 1);
    let v = at(&s, t0 + secs(100));
    assert!(v.paused);
    assert_eq!(
        (v.kind, v.stage_elapsed),
        (StageKind::Transition, Duration::ZERO)
    );
    assert_eq!(s.next_deadline(t0 + secs(100), 8), None);
}

// ----- back and restart -----------------------------------------------------------------

#[test]
fn back_on_the_first_step_restarts_it() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let ev = s.back(t0 + secs(1));
    assert_eq!(
        ev,
        vec![Event::StageStarted {
            stage: knotless::core::session::StageInfo {
                kind: StageKind::Segment,
                segment: 0,
                step: 0,
                side: None
            },
            cause: Cause::User
        }]
    );
    let v = at(&s, t0 + secs(1));
    assert_eq!((v.segment, v.stage_elapsed), (0, Duration::ZERO));
    // and later than the threshold too
    s.back(t0 + secs(30));
    assert_eq!(at(&s, t0 + secs(30)).stage_left, secs(60));
    // both visits are credited
    assert_secs(record(&s).steps[0].active_secs, 30.0);
}

#[test]
fn back_on_the_get_ready_restarts_the_count_in() {
    let (mut s, t0) = default_session();
    let ev = s.back(t0 + secs(3));
    assert_eq!(started(&ev), vec![(StageKind::GetReady, 0, None)]);
    assert_eq!(at(&s, t0 + secs(3)).countdown_secs, 5);
}

#[test]
fn back_within_the_threshold_goes_to_the_previous_segment() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.skip(t0 + secs(10)); // -> transition
    s.skip(t0 + secs(11)); // -> trapezius left
    let within = t0 + secs(11) + BACK_RESTARTS_AFTER;
    let ev = s.back(within);
    assert_eq!(started(&ev), vec![(StageKind::Segment, 0, None)]);
    let v = at(&s, within);
    assert_eq!((v.segment, v.stage_left), (0, secs(60)));
    let r = record(&s);
    assert_secs(r.steps[0].active_secs, 10.0);
    assert_secs(r.steps[1].active_secs, 3.0);
    assert_eq!(r.steps[1].status, StepStatus::Partial);
}

#[test]
fn back_after_the_threshold_restarts_the_current_segment() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.skip(t0 + secs(10));
    s.skip(t0 + secs(11));
    let after = t0 + secs(11) + BACK_RESTARTS_AFTER + ms(1);
    let ev = s.back(after);
    assert_eq!(
        started(&ev),
        vec![(StageKind::Segment, 1, Some(Side::Left))]
    );
    assert_eq!(at(&s, after).stage_left, secs(30));
}

#[test]
fn back_from_an_interlude_goes_to_the_segment_before_it() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.skip(t0 + secs(10)); // transition after Settle
    let ev = s.back(t0 + secs(12));
    assert_eq!(started(&ev), vec![(StageKind::Segment, 0, None)]);
    s.skip(t0 + secs(13)); // transition
    s.skip(t0 + secs(14)); // trapezius left
    s.skip(t0 + secs(15)); // switch
    assert_eq!(at(&s, t0 + secs(15)).kind, StageKind::SwitchSides);
    let ev = s.back(t0 + secs(16));
    assert_eq!(
        started(&ev),
        vec![(StageKind::Segment, 1, Some(Side::Left))]
    );
}

#[test]
fn back_while_paused_keeps_the_pause_and_the_clock_frozen() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.pause(t0 + secs(2));
    s.back(t0 + secs(50)); // 2 s active: within the threshold, but first step: restart
    let v = at(&s, t0 + secs(80));
    assert!(v.paused);
    assert_eq!(v.stage_left, secs(60));
    assert_secs(record(&s).steps[0].active_secs, 2.0);
}

#[test]
fn restart_starts_the_step_again_and_undoes_adjustments() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.add_time(t0 + secs(5));
    assert_eq!(at(&s, t0 + secs(5)).stage_length, secs(75));
    let ev = s.restart(t0 + secs(20));
    assert_eq!(started(&ev), vec![(StageKind::Segment, 0, None)]);
    let v = at(&s, t0 + secs(20));
    assert_eq!((v.stage_length, v.stage_left), (secs(60), secs(60)));
    assert_eq!(v.pacer.unwrap().phase_left, secs(4), "pacer restarts too");
    let ev = drive(&mut s, t0 + secs(20), t0 + secs(81), Duration::ZERO);
    assert_eq!(
        started(&ev),
        vec![(StageKind::Transition, 1, Some(Side::Left))]
    );
    let r = record(&s);
    assert_eq!(r.steps[0].status, StepStatus::Done);
    assert_secs(r.steps[0].active_secs, 80.0);
}

#[test]
fn restart_during_an_interlude_restarts_the_interlude() {
    let (mut s, t0) = default_session();
    let ev = s.restart(t0 + secs(4));
    assert_eq!(started(&ev), vec![(StageKind::GetReady, 0, None)]);
    assert_eq!(at(&s, t0 + secs(4)).countdown_secs, 5);
}

// ----- +15 / -15 ------------------------------------------------------------------------

#[test]
fn add_and_remove_time_with_a_floor_of_one_second() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let t = t0 + secs(10);
    assert_eq!(
        s.add_time(t),
        vec![Event::LengthChanged { length: secs(75) }]
    );
    assert_eq!(at(&s, t).stage_left, secs(65));
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(60) }]
    );
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(45) }]
    );
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(30) }]
    );
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(15) }]
    );
    // 10 s in: never less than 1 s left
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(11) }]
    );
    assert!(s.remove_time(t).is_empty());
    let v = at(&s, t);
    assert_eq!((v.stage_left, v.countdown_secs), (secs(1), 1));
    // the new length is what counts as "done"
    let ev = s.update(t + secs(1));
    assert_eq!(started(&ev).len(), 1);
    let r = record(&s);
    assert_eq!(r.steps[0].status, StepStatus::Done);
    assert_secs(r.steps[0].active_secs, 11.0);
    assert_secs(r.steps[0].planned_secs, 60.0);
}

#[test]
fn remove_time_near_the_end_keeps_one_second() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let t = t0 + ms(59_500);
    assert!(s.remove_time(t).is_empty(), "0.5 s left: cannot shrink");
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let t = t0 + ms(50_250);
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: ms(51_250) }]
    );
}

#[test]
fn breaths_steps_change_by_whole_breaths() {
    // Count: 3 breaths of 10 s; 15 s rounds to 2 breaths.
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    for i in 0..6 {
        s.skip(t0 + ms(i));
    }
    let t = t0 + secs(1);
    let v = at(&s, t);
    assert_eq!((v.segment, v.breaths), (3, Some(3)));
    assert_eq!(
        s.add_time(t),
        vec![Event::LengthChanged { length: secs(50) }]
    );
    assert_eq!(at(&s, t).breaths, Some(5));
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(30) }]
    );
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(10) }]
    );
    assert!(s.remove_time(t).is_empty());
    // 12 s in, 3 breaths planned: the floor (13 s) rounds up to 2 whole breaths.
    s.restart(t);
    let t = t + secs(12);
    assert_eq!(
        s.remove_time(t),
        vec![Event::LengthChanged { length: secs(20) }]
    );
    // it ends exactly as the second breath ends
    assert_eq!(s.update(t + secs(8)).len(), 1);
    assert_eq!(record(&s).steps[3].status, StepStatus::Done);
}

#[test]
fn a_long_breath_adds_one_whole_breath() {
    let slow = pattern("slow", &[(PhaseKind::In, 6000), (PhaseKind::Out, 7000)]); // 13 s: 15 s is nearest to 1 breath
    let r = routine_of(vec![step(
        "Slow",
        Length::Breaths(4),
        Some(slow),
        Sides::None,
    )]);
    let (mut s, t0) = start(&r, Duration::ZERO);
    assert_eq!(
        s.add_time(t0 + secs(1)),
        vec![Event::LengthChanged { length: secs(65) }]
    );
    assert_eq!(
        s.remove_time(t0 + secs(1)),
        vec![Event::LengthChanged { length: secs(52) }]
    );
}

#[test]
fn time_steps_with_a_pacer_change_by_fifteen_seconds() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    assert_eq!(at(&s, t0).breaths, None);
    assert_eq!(
        s.add_time(t0),
        vec![Event::LengthChanged { length: secs(75) }]
    );
}

#[test]
fn adjusting_an_interlude_works_too() {
    let (mut s, t0) = default_session();
    assert_eq!(
        s.add_time(t0 + secs(1)),
        vec![Event::LengthChanged { length: secs(20) }]
    );
    assert_eq!(
        s.remove_time(t0 + secs(1)),
        vec![Event::LengthChanged { length: secs(5) }]
    );
    assert_eq!(
        s.remove_time(t0 + secs(1)),
        vec![Event::LengthChanged { length: secs(2) }]
    );
}

/// `+` stretches a step up to the longest a step may be written with (an hour), never
/// past it — it used to go on to a day — and says so when it is reached; a breaths step
/// stays on a whole breath, so it is left as it is there.
#[test]
fn plus_stops_at_the_step_limit_and_says_so() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let limit = knotless::model::routine::MAX_STEP;
    assert_eq!(limit, secs(3600));
    let mut said = 0;
    for _ in 0..300 {
        for e in s.add_time(t0) {
            match e {
                Event::AtLimit { limit: l } => {
                    assert_eq!(l, limit);
                    said += 1;
                }
                Event::LengthChanged { length } => assert!(length <= limit, "{length:?}"),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(at(&s, t0).stage_length, limit);
    // 60 s + 236 presses of 15 s reach the hour; the other 64 presses each say so.
    assert_eq!(said, 64);

    // A breaths step: a breath more would pass the hour, so it stays.
    let slow = pattern("slow", &[(PhaseKind::In, 30_000), (PhaseKind::Out, 30_000)]);
    let r = routine_of(vec![step(
        "Slow",
        Length::Breaths(58),
        Some(slow),
        Sides::None,
    )]);
    let (mut s, t0) = start(&r, Duration::ZERO);
    assert_eq!(
        s.add_time(t0),
        vec![Event::LengthChanged { length: secs(3540) }]
    );
    assert_eq!(
        s.add_time(t0),
        vec![Event::LengthChanged { length: secs(3600) }]
    );
    assert_eq!(s.add_time(t0), vec![Event::AtLimit { limit }]);
    assert_eq!(at(&s, t0).stage_length, limit);
}

// ----- stop and the record --------------------------------------------------------------

#[test]
fn stop_mid_step_is_stopped_with_true_time_and_later_steps_skipped() {
    let (mut s, t0) = default_session();
    drive(&mut s, t0, t0 + secs(80), ms(3));
    s.pause(t0 + secs(80));
    s.resume(t0 + secs(90));
    let ev = s.stop(t0 + ms(92_500));
    assert_eq!(
        ev,
        vec![Event::Finished {
            outcome: Outcome::Stopped,
            cause: Cause::User
        }]
    );
    assert!(!ev[0].rings_bell());
    assert!(ev[0].changes_stage());
    assert!(s.stop(t0 + secs(100)).is_empty(), "finished only once");
    assert!(s.update(t0 + secs(200)).is_empty());

    let r = record(&s);
    assert_eq!(r.outcome, Outcome::Stopped);
    let statuses: Vec<_> = r.steps.iter().map(|s| s.status).collect();
    use StepStatus::*;
    assert_eq!(statuses, vec![Done, Partial, Skipped, Skipped, Skipped]);
    assert_secs(r.steps[0].active_secs, 60.0);
    // Trapezius L started at 70 s: 10 s, a 10 s pause, 2.5 s
    assert_secs(r.steps[1].active_secs, 12.5);
    for st in &r.steps[2..] {
        assert_secs(st.active_secs, 0.0);
    }
    assert_secs(r.active_secs, 72.5);
    assert_secs(r.paused_secs, 10.0);
    assert_secs(r.planned_secs, 170.0);
    assert_eq!(s.finished_at(), Some(t0 + ms(92_500)));
}

#[test]
fn stop_while_paused_closes_the_pause() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.pause(t0 + secs(10));
    s.stop(t0 + secs(25));
    let r = record(&s);
    assert_secs(r.paused_secs, 15.0);
    assert_secs(r.active_secs, 10.0);
    assert_secs(record(&s).paused_secs, 15.0);
}

#[test]
fn mid_session_record_has_the_time_so_far() {
    let (mut s, t0) = default_session();
    drive(&mut s, t0, t0 + secs(80), Duration::ZERO);
    let r = record(&s);
    assert_eq!(r.outcome, Outcome::Interrupted);
    assert_eq!(r.steps[0].status, StepStatus::Done);
    assert_eq!(r.steps[1].status, StepStatus::Partial);
    assert_secs(r.steps[1].active_secs, 10.0);
    assert_secs(r.active_secs, 70.0);
    assert_eq!(r.started_at.to_string(), "2026-01-01T10:00:00+01:00");
}

#[test]
fn skipping_the_last_step_is_stopped_not_completed() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    drive(&mut s, t0, t0 + secs(171), Duration::ZERO);
    let ev = s.skip(t0 + secs(171));
    assert_eq!(
        ev,
        vec![Event::Finished {
            outcome: Outcome::Stopped,
            cause: Cause::User
        }]
    );
    assert_eq!(record(&s).steps[4].status, StepStatus::Partial);
}

// ----- time going wrong -----------------------------------------------------------------

#[test]
fn a_huge_jump_ends_only_the_current_stage_and_pauses() {
    let (mut s, t0) = default_session();
    s.update(t0 + secs(5));
    s.update(t0 + secs(10));
    let woke = t0 + secs(3 * 3600);
    let ev = s.update(woke);
    assert_eq!(
        ev,
        vec![
            Event::StageStarted {
                stage: knotless::core::session::StageInfo {
                    kind: StageKind::Transition,
                    segment: 1,
                    step: 1,
                    side: Some(Side::Left)
                },
                cause: Cause::Timer
            },
            Event::AutoPaused
        ]
    );
    assert!(s.is_paused());
    assert_eq!(s.next_deadline(woke, 8), None);
    let v = at(&s, woke);
    assert_eq!(
        (v.kind, v.stage_elapsed, v.countdown_secs),
        (StageKind::Transition, Duration::ZERO, 5)
    );
    let r = record(&s);
    assert_secs(r.steps[0].active_secs, 60.0);
    assert_eq!(r.steps[0].status, StepStatus::Done);
    assert_secs(r.active_secs, 60.0);
    // the sleep counts as paused, from the deadline on
    assert_secs(r.paused_secs, (3 * 3600 - 65) as f64);
    assert!(r.active_secs + r.paused_secs <= (3 * 3600) as f64);

    // resuming carries on from the start of the transition
    assert_eq!(s.toggle_pause(woke + secs(2)), vec![Event::Resumed]);
    let ev = s.update(woke + secs(7));
    assert_eq!(
        started(&ev),
        vec![(StageKind::Segment, 1, Some(Side::Left))]
    );
}

#[test]
fn a_jump_just_over_the_gap_pauses_and_one_under_does_not() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let ev = s.update(t0 + secs(60) + SLEEP_GAP);
    // the 5 s transition has ended too: both stages ran
    assert_eq!(started(&ev).len(), 2);
    assert!(!ev.contains(&Event::AutoPaused));
    assert!(!s.is_paused());

    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let ev = s.update(t0 + secs(60) + SLEEP_GAP + ms(1));
    assert!(ev.contains(&Event::AutoPaused));
}

#[test]
fn a_late_wake_up_within_the_gap_chains_through_short_stages() {
    let mut r = routine();
    r.steps[0].transition = secs(2);
    let (mut s, t0) = start(&r, secs(5));
    s.update(t0 + secs(5));
    // Settle ends at 65, the 2 s transition at 67: woken at 67.5, both have passed.
    let ev = s.update(t0 + ms(67_500));
    assert_eq!(
        started(&ev),
        vec![
            (StageKind::Transition, 1, Some(Side::Left)),
            (StageKind::Segment, 1, Some(Side::Left))
        ]
    );
    let v = at(&s, t0 + ms(67_500));
    assert_eq!(
        v.stage_elapsed,
        ms(500),
        "started at its deadline, not at the wake-up"
    );
}

#[test]
fn a_jump_during_the_last_step_completes_the_session() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    drive(&mut s, t0, t0 + secs(170), Duration::ZERO);
    assert_eq!(at(&s, t0 + secs(170)).segment, 4);
    let ev = s.update(t0 + secs(5000));
    assert_eq!(
        ev,
        vec![Event::Finished {
            outcome: Outcome::Completed,
            cause: Cause::Timer
        }]
    );
    assert_eq!(s.finished_at(), Some(t0 + secs(185)));
    let r = record(&s);
    assert_secs(r.active_secs, 170.0);
    assert_secs(r.paused_secs, 0.0);
}

#[test]
fn a_key_pressed_on_waking_is_not_applied_to_the_wrong_stage() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    let ev = s.skip(t0 + secs(4000));
    assert_eq!(started(&ev).len(), 1);
    assert!(ev.contains(&Event::AutoPaused));
    let v = at(&s, t0 + secs(4000));
    assert_eq!((v.kind, v.paused), (StageKind::Transition, true));
    // a toggle on waking does not resume behind the user's back either
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.toggle_pause(t0 + secs(4000));
    assert!(s.is_paused());
    // but stop always stops
    let ev = s.stop(t0 + secs(4001));
    assert_eq!(finished_count(&ev), 1);
}

#[test]
fn time_going_backwards_is_no_time_at_all() {
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.update(t0 + secs(30));
    let v = at(&s, t0 + secs(20));
    assert_eq!(v.stage_elapsed, secs(30));
    assert!(s.update(t0 + secs(1)).is_empty());
    assert_eq!(s.pause(t0 + secs(10)), vec![Event::Paused]);
    assert_eq!(at(&s, t0 + secs(40)).stage_elapsed, secs(30));
    s.resume(t0 + secs(40));
    assert_eq!(s.paused_time(), secs(10));
    assert!(s.next_deadline(t0, 8).unwrap() > t0 + secs(40));
    s.add_time(t0);
    s.remove_time(t0);
    s.back(t0);
    let r = record(&s);
    assert!(r.active_secs >= 0.0 && r.paused_secs >= 0.0);
    assert!(s.active_time() + s.paused_time() <= secs(40));
}

// ----- wake-ups -------------------------------------------------------------------------

#[test]
fn twenty_minutes_of_late_jittery_wake_ups_end_exactly_on_time() {
    // 10 steps of 111 s with 10 s transitions: 1200 s after a 5 s get-ready.
    let steps = (0..10)
        .map(|i| {
            let mut st = step(
                &format!("Step {i}"),
                Length::Time(secs(111)),
                Some(calm()),
                Sides::None,
            );
            st.transition = secs(10);
            st
        })
        .collect();
    let r = routine_of(steps);
    assert_eq!(r.total(), secs(1200));
    let (mut s, t0) = start(&r, secs(5));
    let mut now = t0;
    let mut wakes = 0u32;
    let mut seed = 12345u32;
    let mut finished = 0;
    while !s.is_finished() {
        let next = s.next_deadline(now, 8).expect("running");
        assert!(next >= now);
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let jitter = ms(30 + u64::from(seed >> 16) % 15); // 30-44 ms late
        now = next + jitter;
        let ev = s.update(now);
        finished += finished_count(&ev);
        wakes += 1;
        assert!(wakes < 100_000);
    }
    assert_eq!(finished, 1);
    assert_eq!(s.finished_at(), Some(t0 + secs(1205)));
    let rec = record(&s);
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_secs(rec.active_secs, 1110.0);
    for st in &rec.steps {
        assert_eq!(st.status, StepStatus::Done);
        assert_secs(st.active_secs, 111.0);
    }
    // About 1205 second ticks plus pacer frames; no busy loop.
    assert!(wakes > 1205 && wakes < 1205 * 4, "{wakes} wake-ups");
}

#[test]
fn a_fixed_late_wake_up_does_not_drift_either() {
    let (mut s, t0) = default_session();
    let ev = drive(&mut s, t0, t0 + secs(TOTAL + 10), ms(37));
    assert_eq!(finished_count(&ev), 1);
    assert_eq!(s.finished_at(), Some(t0 + secs(TOTAL)));
}

#[test]
fn next_deadline_tracks_seconds_and_the_pacer() {
    let (s, t0) = start(&routine(), Duration::ZERO);
    // reduced motion: whole seconds (and phase changes, which fall on seconds here)
    assert_eq!(s.next_deadline(t0, 1), Some(t0 + secs(1)));
    assert_eq!(s.next_deadline(t0 + ms(400), 1), Some(t0 + secs(1)));
    assert_eq!(s.next_deadline(t0 + secs(1), 1), Some(t0 + secs(2)));
    // a shape with 8 sizes needs frames between the seconds
    let d = s.next_deadline(t0, 8).unwrap();
    assert!(d > t0 && d < t0 + secs(1));
    // a step without a pacer: only seconds
    let (mut s, t0) = start(&routine(), Duration::ZERO);
    s.skip(t0);
    s.skip(t0);
    assert_eq!(at(&s, t0).pacer, None);
    assert_eq!(s.next_deadline(t0 + ms(10), 8), Some(t0 + secs(1)));
    // a deadline that has passed without an update: wake at once, never in the past
    assert_eq!(s.next_deadline(t0 + secs(100), 8), Some(t0 + secs(100)));
}

#[test]
fn the_stage_end_is_the_last_deadline_before_it_changes() {
    let (s, t0) = start(&routine(), Duration::ZERO);
    assert_eq!(s.next_deadline(t0 + ms(59_001), 1), Some(t0 + secs(60)));
    let odd = routine_of(vec![step(
        "Odd",
        Length::Time(ms(2_500)),
        None,
        Sides::None,
    )]);
    let (s, t0) = start(&odd, Duration::ZERO);
    // 2.5 s shows "3" until 2 s are left
    assert_eq!(at(&s, t0).countdown_secs, 3);
    assert_eq!(s.next_deadline(t0, 1), Some(t0 + ms(500)));
    assert_eq!(s.next_deadline(t0 + ms(500), 1), Some(t0 + ms(1500)));
    assert_eq!(s.next_deadline(t0 + ms(1500), 1), Some(t0 + ms(2500)));
}

// ----- breathing sessions ---------------------------------------------------------------

#[test]
fn breathing_session_for_a_length_ends_on_a_whole_breath() {
    let t0 = Instant::now();
    let p = sigh(); // 9 s
    let mut s = Session::breathing(
        &p,
        Length::Time(secs(60)),
        Options {
            get_ready: Duration::ZERO,
        },
        "b-1".into(),
        t0,
    );
    let v = at(&s, t0);
    assert_eq!(v.kind, StageKind::Segment);
    assert_eq!(v.stage_length, secs(63));
    assert_eq!(v.breaths, Some(7));
    assert_eq!(v.title, "Breathing: cyclic-sigh");
    assert_eq!((v.step_number, v.step_count), (1, 1));
    assert_eq!(v.pacer.as_ref().unwrap().breath, 1);
    assert_eq!(at(&s, t0 + secs(62)).pacer.unwrap().breath, 7);

    // +: in a breathing exercise, exactly one more breath of 9 s
    assert_eq!(
        s.add_time(t0 + secs(1)),
        vec![Event::LengthChanged { length: secs(72) }]
    );
    let ev = drive(&mut s, t0, t0 + secs(100), ms(20));
    assert_eq!(finished_count(&ev), 1);
    assert_eq!(s.finished_at(), Some(t0 + secs(72)));

    let r = record(&s);
    assert_eq!(r.kind, Kind::Breathing);
    assert_eq!(r.id, "b-1");
    assert_eq!(r.routine_id, "cyclic-sigh");
    assert_eq!(r.title, "Breathing: cyclic-sigh");
    assert_eq!(r.area, "breathing");
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.steps.len(), 1);
    assert_eq!(r.steps[0].status, StepStatus::Done);
    // The plan follows the breath added, so the record says 8 of 8 breaths were done.
    assert_secs(r.planned_secs, 72.0);
    assert_secs(r.active_secs, 72.0);
}

#[test]
fn breathing_session_by_breaths_and_with_a_count_in() {
    let t0 = Instant::now();
    let mut s = Session::breathing(
        &calm(),
        Length::Breaths(5),
        Options::default(),
        "b-2".into(),
        t0,
    );
    assert_eq!(at(&s, t0).kind, StageKind::GetReady);
    assert_eq!(at(&s, t0).routine_left_secs, 50);
    let ev = drive(&mut s, t0, t0 + secs(60), Duration::ZERO);
    assert_eq!(finished_count(&ev), 1);
    assert_eq!(s.finished_at(), Some(t0 + secs(55)));

    // a length shorter than one breath is one breath
    let s = Session::breathing(
        &calm(),
        Length::Time(secs(3)),
        Options::default(),
        "b-3".into(),
        t0,
    );
    assert_eq!(s.record(epoch(), epoch()).planned_secs, 10.0);
    // and zero breaths is one breath
    let s = Session::breathing(
        &calm(),
        Length::Breaths(0),
        Options::default(),
        "b-4".into(),
        t0,
    );
    assert_eq!(s.record(epoch(), epoch()).planned_secs, 10.0);
}

#[test]
fn breaths_step_length_is_a_whole_number_of_cycles() {
    let mut r = routine_of(vec![step(
        "Count",
        Length::Breaths(4),
        Some(sigh()),
        Sides::Both,
    )]);
    // even if the resolved plan were off, the player keeps to whole breaths
    r.steps[0].planned = secs(30);
    let (s, t0) = start(&r, Duration::ZERO);
    let v = at(&s, t0);
    assert_eq!(v.stage_length, secs(36));
    assert_eq!(v.stage_length.as_nanos() % sigh().cycle().as_nanos(), 0);
    assert_eq!(v.breaths, Some(4));
}

#[test]
fn a_routine_without_steps_is_over_at_once() {
    let r = routine_of(Vec::new());
    let (mut s, t0) = start(&r, secs(5));
    assert!(s.is_finished());
    assert_eq!(s.next_deadline(t0, 8), None);
    assert!(s.skip(t0).is_empty());
    let v = at(&s, t0);
    assert_eq!(
        (v.kind, v.step, v.step_count),
        (StageKind::Finished, None, 0)
    );
    assert_eq!(record(&s).outcome, Outcome::Stopped);
}

#[test]
fn single_side_steps_carry_their_side() {
    let r = routine_of(vec![
        step("Left only", Length::Time(secs(10)), None, Sides::Left),
        step("Right only", Length::Time(secs(10)), None, Sides::Right),
    ]);
    let (mut s, t0) = start(&r, Duration::ZERO);
    assert_eq!(at(&s, t0).side, Some(Side::Left));
    let ev = drive(&mut s, t0, t0 + secs(30), Duration::ZERO);
    assert_eq!(
        started(&ev),
        vec![
            (StageKind::Transition, 1, Some(Side::Right)),
            (StageKind::Segment, 1, Some(Side::Right))
        ]
    );
    let sides: Vec<_> = record(&s).steps.iter().map(|s| s.side).collect();
    assert_eq!(sides, vec![Some(Side::Left), Some(Side::Right)]);
}

/// Any stamp: what is checked is the session's own times.
fn epoch() -> knotless::model::record::Stamp {
    knotless::model::record::Stamp::new(jiff::Timestamp::UNIX_EPOCH, &jiff::tz::TimeZone::UTC)
}
