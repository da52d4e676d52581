//! A running session is checkpointed every `CHECKPOINT_EVERY` during a
//! step, not only at stage changes, as a deadline of the `Run` (injected instants).

use std::time::{Duration, Instant};

use knotless::core::effect::{Effect, StoreEffect};
use knotless::core::run::{CHECKPOINT_EVERY, Run};
use knotless::core::session::{Options, Session};
use knotless::library::Library;

fn checkpoints(effects: &[Effect]) -> Vec<f64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(StoreEffect::Checkpoint(r)) => Some(r.active_secs),
            _ => None,
        })
        .collect()
}

/// Two two-minute steps: a kill three seconds in loses no more than that.
const LONG: &str = r#"
name = "Long"
area = "neck"
summary = "Two long steps."
breathing = "none"
transition = "0s"

[[steps]]
title = "One"
duration = "2m"
instructions = "Rest."

[[steps]]
title = "Two"
duration = "2m"
instructions = "Rest again."
"#;

fn long_step_run(t0: Instant) -> Run {
    let lib = Library::load(None);
    let (routine, problems) = lib.check_text("long.toml", LONG);
    let routine = routine.unwrap_or_else(|| panic!("{problems:?}"));
    let opts = Options {
        get_ready: Duration::ZERO,
    };
    let session = Session::new(&routine, opts, "run-test".into(), t0);
    Run::new(session, jiff::Zoned::now(), Default::default())
}

fn secs(t0: Instant, s: f64) -> Instant {
    t0 + Duration::from_secs_f64(s)
}

#[test]
fn a_long_step_is_checkpointed_every_twelve_seconds() {
    assert!((10..=15).contains(&CHECKPOINT_EVERY.as_secs()));
    let t0 = Instant::now();
    let mut run = long_step_run(t0);
    assert!(matches!(
        run.begin(),
        Effect::Store(StoreEffect::Checkpoint(_))
    ));
    let every = CHECKPOINT_EVERY.as_secs_f64();

    // Nothing to save three seconds in; the next deadline is never later than the checkpoint.
    let now = secs(t0, 3.0);
    let ev = run.session.update(now);
    assert!(checkpoints(&run.react(&ev, now, false)).is_empty());
    assert_eq!(run.next_checkpoint(), Some(secs(t0, every)));
    assert!(run.next_deadline(now, 8, false).unwrap() <= secs(t0, every));

    // Waking at the checkpoint's deadline: a snapshot with the time so far.
    let due = run.next_checkpoint().unwrap();
    let ev = run.session.update(due);
    assert_eq!(checkpoints(&run.react(&ev, due, false)), vec![every]);
    // Once only: the next is one period later.
    let ev = run.session.update(due);
    assert!(checkpoints(&run.react(&ev, due, false)).is_empty());
    assert_eq!(run.next_checkpoint(), Some(secs(t0, 2.0 * every)));

    // A late wake-up (a busy machine) still checkpoints, and counts from then.
    let late = secs(t0, 2.0 * every + 5.0);
    let ev = run.session.update(late);
    assert_eq!(
        checkpoints(&run.react(&ev, late, false)),
        vec![2.0 * every + 5.0]
    );
    assert_eq!(run.next_checkpoint(), Some(late + CHECKPOINT_EVERY));
}

#[test]
fn paused_asks_for_no_checkpoint_and_a_stage_change_counts_as_one() {
    let t0 = Instant::now();
    let mut run = long_step_run(t0);
    let now = secs(t0, 5.0);
    let ev = run.session.toggle_pause(now);
    let _ = run.react(&ev, now, false);
    assert_eq!(run.next_checkpoint(), None, "paused: nothing new to keep");
    assert_eq!(
        run.next_deadline(secs(t0, 500.0), 8, false),
        None,
        "and no wake-up"
    );

    let now = secs(t0, 100.0);
    let ev = run.session.toggle_pause(now);
    let _ = run.react(&ev, now, false);
    let now = secs(t0, 101.0);
    let ev = run.session.skip(now);
    let cps = checkpoints(&run.react(&ev, now, false));
    assert_eq!(cps.len(), 1, "the stage change's snapshot, no second one");
    assert_eq!(run.next_checkpoint(), Some(now + CHECKPOINT_EVERY));
}
