//! Timed to the millisecond: a hook that sleeps for a minute delays no step end (the real
//! binary in a pseudo-terminal, with and without such hooks, side by side), and the sound
//! cues of a routine start within 100 ms of plan.
//!
//! A binary of its own, its tests one at a time: a busy moment on a shared, two-core
//! machine is tens of milliseconds late for any program, and `tests/e2e/` runs many
//! commands at once. The other hooks tests are in `tests/e2e/hooks.rs`; the cues' order and
//! the players' junk kept off the screen are checked in `tests/e2e/tui.rs`.

#![cfg(unix)]

#[path = "common/mod.rs"]
mod common;
#[path = "common/hooks_pty.rs"]
mod hooks_pty;
#[path = "common/pty.rs"]
mod pty;
#[path = "common/sound_pty.rs"]
mod sound_pty;

use hooks_pty::{Dirs, spawn, spawn_env};
use sound_pty::{SOUND_CONFIG, SOUND_ROUTINE, fake_sound_bin, planned_sound_cues, run_through};

/// 11 s from Enter to the end: a 1 s count-in, 2 s, 1 s a side with the 5 s switch between,
/// and 1 s. The session_start hook's 10 s limit falls inside it.
const SHORT: &str = r#"
name = "Hook routine"
area = "neck"
summary = "For the hook timing test."
breathing = "none"
transition = "0s"

[[steps]]
title = "Alpha"
duration = "2s"
instructions = "Rest."
cue = "Alpha cue."

[[steps]]
title = "Bravo"
duration = "1s"
sides = "both"
instructions = "Squeeze."
cue = "Bravo cue."

[[steps]]
title = "Charlie"
duration = "1s"
instructions = "Rest."
cue = "Charlie cue."
"#;

#[test]
fn a_hook_sleeping_a_minute_delays_no_step_end() {
    // One test at a time.
    let _alone = common::alone();
    let hooked = Dirs::with_routine(
        "session_start = \"sleep 60\"\nstep_start = \"sleep 60\"\nside_switch = \"sleep 60\"\n",
        SHORT,
    );
    // The same routine without hooks, run at the same moment: on a shared, busy machine the
    // screen can be late for reasons of its own, and the control run is late the same way.
    let control = Dirs::with_routine("", SHORT);
    // Texts only the running step shows (its cue), and the interludes' own words.
    let marks = [
        "Get ready",
        "Alpha cue.",
        "Bravo cue.",
        "Now the RIGHT side",
        "Charlie cue.",
        "Saved to your history.",
    ];
    let mut t = spawn(&hooked, &["run", "hook-routine"], &marks);
    let mut c = spawn(&control, &["run", "hook-routine"], &marks);
    t.wait_for("Press Enter when you are ready.");
    c.wait_for("Press Enter when you are ready.");
    t.send("\r");
    c.send("\r");
    t.wait_for("Saved to your history.");
    c.wait_for("Saved to your history.");
    // Planned gaps between what the screen shows: count-in 1 s, Alpha 2 s, Bravo left 1 s,
    // then the 5 s switch and the right side's 1 s, Charlie 1 s.
    let plan = [
        ("Get ready", "Alpha cue.", 1000),
        ("Alpha cue.", "Bravo cue.", 2000),
        ("Bravo cue.", "Now the RIGHT side", 1000),
        ("Now the RIGHT side", "Charlie cue.", 5000 + 1000),
        ("Charlie cue.", "Saved to your history.", 1000),
    ];
    // (The session_start hook is stopped at its 10 s limit mid-routine: that must not
    // disturb the timing either.)
    for (from, to, ms) in plan {
        let off = |t: &pty::Pty| t.seen(to).duration_since(t.seen(from)).as_millis() as i64 - ms;
        let (with, without) = (off(&t), off(&c));
        eprintln!("{from} → {to}: planned {ms} ms; with hooks {with:+} ms, without {without:+} ms");
        assert!(
            with - without <= 50,
            "{from} → {to}: {with:+} ms off the plan with hooks, {without:+} ms without"
        );
    }
    t.send("q");
    c.send("q");
}

/// A 20 s routine with a fake player and a fake speech command: every cue starts within
/// 100 ms of plan.
///
/// The log's times are taken inside each fake (bash's `$EPOCHREALTIME`), so they include
/// starting a shell. The start of the session is not known either. So the offset between
/// plan and log is set by the cue that came *least* late (no cue can come early: the
/// runner sleeps until its instant), and each cue must then be no more than 100 ms later
/// than that one. A start-up delay that moves every cue alike does not count.
#[test]
fn sound_cues_arrive_within_100_ms_of_plan() {
    // One test at a time.
    let _alone = common::alone();
    let d = Dirs::with_config(SOUND_CONFIG, SOUND_ROUTINE);
    let (log, path) = fake_sound_bin(d.dir());
    let cache = d.dir().join("cache");
    let mut t = spawn_env(
        &d,
        &["run", "hook-routine"],
        &[],
        &[
            ("PATH", &path),
            ("KNOTLESS_CACHE_DIR", cache.to_str().unwrap()),
        ],
    );
    let want = planned_sound_cues(&d.config, "hook-routine");
    let got = run_through(&mut t, &log, want.len());
    let names = |v: &[(f64, String)]| v.iter().map(|c| c.1.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "the cues, in order");
    let anchor = got
        .iter()
        .zip(&want)
        .map(|(g, w)| g.0 - w.0)
        .fold(f64::INFINITY, f64::min);
    let late: Vec<f64> = got
        .iter()
        .zip(&want)
        .map(|(g, w)| g.0 - w.0 - anchor)
        .collect();
    println!(
        "{} cues; the latest came {:.1} ms after the earliest, against plan",
        got.len(),
        late.iter().fold(0.0, |a: f64, &b| a.max(b)) * 1000.0
    );
    for (w, l) in want.iter().zip(&late) {
        println!("  {:>7.3} s {:<50} +{:.1} ms", w.0, w.1, l * 1000.0);
    }
    for (w, l) in want.iter().zip(&late) {
        assert!(
            *l <= 0.100,
            "{} came {:.0} ms late against the others (plan {:.3} s)",
            w.1,
            l * 1000.0,
            w.0
        );
    }
}
