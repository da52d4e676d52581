//! Hooks end to end: the real binary in a pseudo-terminal running a 20 s routine with
//! `[hooks]` set — every event recorded in order with its facts, breath-phase hooks, a
//! missing command reported once, `--no-hooks` running none, and hooks that never end
//! holding up no step.

#![cfg(unix)]

use std::thread;
use std::time::{Duration, Instant};

use crate::hooks_pty::{Dirs, RECORD, hook_lines, plain, spawn, wait_for_count};

#[test]
fn hooks_record_every_event_in_order_over_a_20s_routine() {
    let hooks = ["session_start", "step_start", "side_switch", "session_end"]
        .map(|e| format!("{e} = \"{RECORD}\"\n"))
        .join("");
    let d = Dirs::new(&hooks);
    let mut t = spawn(&d, &["run", "hook-routine"]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    t.wait_for("Saved to your history.");
    let lines = wait_for_count(&d.log, 7);
    let summary: Vec<String> = lines
        .iter()
        .map(|l| {
            let g = |k: &str| l.get(k).map(String::as_str).unwrap_or("?");
            format!(
                "{} {}|{}/{}|{}|{}|{}",
                g("EVENT"),
                g("STEP"),
                g("STEP_NUMBER"),
                g("STEPS"),
                g("SIDE"),
                g("STEP_SECS"),
                g("REMAINING"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "session_start |/3|||19",
            "step_start Alpha|1/3||5|19",
            "step_start Bravo|2/3|left|3|14",
            "side_switch Bravo|2/3|right|3|11",
            "step_start Bravo|2/3|right|3|6",
            "step_start Charlie|3/3||3|3",
            "session_end |/3|||0",
        ]
    );
    let end = &lines[6];
    assert_eq!(end["OUTCOME"], "completed");
    assert_eq!(end["ACTIVE_SECS"], "14");
    let id = &lines[0]["SESSION"];
    for l in &lines {
        assert_eq!(l["ROUTINE"], "hook-routine");
        assert_eq!(l["ROUTINE_NAME"], "Hook routine");
        assert_eq!(l["KIND"], "routine");
        assert_eq!(&l["SESSION"], id);
    }
    // KNOTLESS_SESSION is the id of the record the session left in the history.
    let history: String = knotless::store::history::history_files(&d.data)
        .unwrap()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    assert!(history.contains(&format!("\"id\":\"{id}\"")), "{history}");
    t.send("q");
}

#[test]
fn breath_phase_hooks_follow_the_pacer() {
    let d = Dirs::new(&format!("breath_phase = \"{RECORD}\"\n"));
    let mut t = spawn(&d, &["run", "hook-routine"]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    t.wait_for("Saved to your history.");
    let lines = wait_for_count(&d.log, 5);
    let got: Vec<String> = lines
        .iter()
        .map(|l| format!("{} {} {}", l["STEP"], l["PHASE"], l["BREATH"]))
        .collect();
    // quick = in 1 · out 1 on Alpha (5 s) only: in, out, in, out, in.
    assert_eq!(
        got,
        [
            "Alpha in 1",
            "Alpha out 1",
            "Alpha in 2",
            "Alpha out 2",
            "Alpha in 3"
        ]
    );
    t.send("q");
}

/// 11 s from Enter to the end: a 1 s count-in, 2 s, 1 s a side with the 5 s switch between,
/// and 1 s.
const SHORT: &str = r#"
name = "Hook routine"
area = "neck"
summary = "For the sleeping hooks test."
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

/// Hooks that never end by themselves hold up no step: every step, the switch and the end
/// come and the session is saved while every hook started on the way still sleeps (each
/// writes its event and pid, then sleeps for five minutes, within its time limit of ten). A
/// hook waited for, in the foreground or behind the one before, would hold the routine up
/// for minutes: this proves it by order, not by milliseconds. How late a step ends beside
/// such hooks is measured by `scripts/measure`.
#[test]
fn hooks_that_never_end_hold_up_no_step() {
    let line = |e: &str| {
        format!("{e} = \"echo $KNOTLESS_EVENT $$ >> \\\"$HOOK_LOG\\\"; exec sleep 300\"\n")
    };
    let hooks = format!(
        "time_limit = \"10m\"\n{}{}{}",
        line("session_start"),
        line("step_start"),
        line("side_switch")
    );
    let d = Dirs::with_routine(&hooks, SHORT);
    let mut t = spawn(&d, &["run", "hook-routine"]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    for text in [
        "Alpha cue.",
        "Bravo cue.",
        "Now the RIGHT side",
        "Charlie cue.",
        "Saved to your history.",
    ] {
        t.wait_for(text);
    }
    // One hook per event, each started without waiting for the ones before (a shell may
    // write its line a moment after the next has started: the events are compared sorted).
    let mut want = [
        "session_start",
        "step_start",
        "step_start",
        "side_switch",
        "step_start",
        "step_start",
    ];
    want.sort();
    let read = || -> Vec<(String, i32)> {
        std::fs::read_to_string(&d.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (e, pid) = l.split_once(' ')?;
                Some((e.to_string(), pid.parse().ok()?))
            })
            .collect()
    };
    let start = Instant::now();
    while read().len() < want.len() && start.elapsed() < Duration::from_secs(30) {
        thread::sleep(Duration::from_millis(50));
    }
    let started = read();
    let mut events: Vec<&str> = started.iter().map(|(e, _)| e.as_str()).collect();
    events.sort();
    assert_eq!(events, want, "{started:?}");
    // The session is over and saved, and not one of them has ended.
    for (event, pid) in &started {
        assert!(sleeping(*pid), "the {event} hook (pid {pid}) has ended");
    }
    // The app told to end (as a closed window would) ends them after their grace: none is
    // left sleeping.
    t.signal("TERM");
    let start = Instant::now();
    while started.iter().any(|(_, pid)| sleeping(*pid)) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "hooks outlived the app: {started:?}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// Whether process `pid` is there and not a zombie.
fn sleeping(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with(['Z', 'X']))
    })
}

#[test]
fn a_missing_hook_command_is_reported_once() {
    let hooks = "step_start = \"no-such-command-knotless-e2e\"\n";
    let d = Dirs::new(hooks);
    // Plain mode prints the report on stderr, once, for four failing step starts.
    let p = Dirs::new(hooks);
    let plain = plain(&p, &[]);
    let mut t = spawn(&d, &["run", "hook-routine"]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    let s = t.wait_for("step_start hook failed");
    assert!(s.contains("command not found"), "{s}");
    t.wait_for("Saved to your history.");
    let out = plain.wait_with_output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("the step_start hook failed").count(),
        1,
        "{err}"
    );
    t.send("q");
}

#[test]
fn no_hooks_runs_none() {
    let hooks = format!("session_start = \"{RECORD}\"\nsession_end = \"{RECORD}\"\n");
    let off = Dirs::new(&hooks);
    // The same run without the flag does call them (so the check can fail), at the same time.
    let on = Dirs::new(&hooks);
    let without = plain(&off, &["--no-hooks"]);
    let with = plain(&on, &[]);
    let out = without.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(with.wait_with_output().unwrap().status.success());
    assert_eq!(wait_for_count(&on.log, 2).len(), 2);
    thread::sleep(Duration::from_millis(500));
    assert!(hook_lines(&off.log).is_empty());
}

/// Settings follow `config.toml`: the app starts with ratings off, no sound and no hook;
/// the file is changed while home shows, `r` re-reads it, and the next session asks for a
/// rating, plays its tones through the player now set and runs the hook now set.
#[test]
fn changed_settings_reach_the_next_session_after_r() {
    let d = Dirs::new("");
    let config = |ratings: bool, sound: &str, hooks: &str| {
        format!(
            "get_ready = \"1s\"\nask_ratings = {ratings}\nbell = false\nsound = \"{sound}\"\n\
             [patterns.quick]\ninhale = \"1s\"\nexhale = \"1s\"\n[hooks]\n{hooks}"
        )
    };
    std::fs::write(d.config.join("config.toml"), config(false, "off", "")).unwrap();
    // A fake player that notes each file it is given.
    let bin = d.config.parent().unwrap().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let played = d.config.parent().unwrap().join("played.log");
    let player = bin.join("pw-play");
    std::fs::write(
        &player,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", played.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&player, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut cmd = crate::common::knotless_pty();
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    cmd.env("KNOTLESS_CONFIG_DIR", &d.config);
    cmd.env("KNOTLESS_DATA_DIR", &d.data);
    cmd.env("XDG_STATE_HOME", &d.state_home);
    cmd.env(
        "KNOTLESS_CACHE_DIR",
        d.config.parent().unwrap().join("cache"),
    );
    cmd.env("HOOK_LOG", &d.log);
    cmd.env("PATH", format!("{}:/usr/bin:/bin", bin.display()));
    let mut t = crate::pty::Pty::spawn(cmd, 24, 80);
    t.patience = crate::hooks_pty::PATIENCE;
    t.wait_for("Hook routine");

    std::fs::write(
        d.config.join("config.toml"),
        config(true, "tones", &format!("session_start = \"{RECORD}\"\n")),
    )
    .unwrap();
    t.send("r");
    t.wait_for("Files re-read");
    t.send("/Hook\r\r");
    t.wait_for("How is your head right now?");
    t.send("3");
    let lines = wait_for_count(&d.log, 1);
    assert_eq!(lines.len(), 1, "the session_start hook ran");
    assert_eq!(lines[0]["EVENT"], "session_start");
    t.wait_for("Alpha");
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&played).map_or(true, |s| s.is_empty())
        && start.elapsed() < Duration::from_secs(20)
    {
        thread::sleep(Duration::from_millis(100));
    }
    let tones = std::fs::read_to_string(&played).unwrap_or_default();
    assert!(
        tones.contains(".wav"),
        "tones played through the player: {tones:?}"
    );
    t.send("q");
    t.send("y");
    t.wait_for("stopped early");
}
