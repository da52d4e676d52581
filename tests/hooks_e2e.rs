//! A hook that sleeps for a minute delays no step end: the real binary in a pseudo-terminal,
//! with and without such hooks, side by side.
//!
//! A binary of its own: it compares step ends on screen, to the millisecond, with a control
//! run, so it must not share the CPU with the many commands `tests/e2e/` runs at once. The
//! other hooks tests are in `tests/e2e/hooks.rs`.

#![cfg(unix)]

#[path = "common/mod.rs"]
mod common;
#[path = "common/hooks_pty.rs"]
mod hooks_pty;
#[path = "common/pty.rs"]
mod pty;

use hooks_pty::{Dirs, spawn};

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
