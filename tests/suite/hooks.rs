//! `[hooks]`: which events a session amounts to and the facts each hook gets (pure, with
//! made-up instants), and the runner that spawns them (real `sh`, generous waits, nothing
//! asserted about speed).

use std::path::Path;
use std::time::{Duration, Instant};

use knotless::core::hook_facts::{HookCall, HookWatch};
use knotless::core::session::{Options, Session};
use knotless::hooks::HookRunner;

use crate::common;
use knotless::library::Library;
use knotless::model::config::{HookConfig, HookEvent};
use knotless::model::routine::Routine;

/// 20 s of steps (25 s with the switch-sides interlude; no count-in here): 6 s, then 5 s
/// a side, and 4 s.
const ROUTINE: &str = r#"
name = "Hook test"
area = "neck"
summary = "For the hook tests."
breathing = "relaxed"
transition = "0s"

[[steps]]
title = "First"
duration = "6s"
instructions = "Rest."

[[steps]]
title = "Both sides"
duration = "5s"
sides = "both"
instructions = "Squeeze."

[[steps]]
title = "Last"
duration = "4s"
breathing = "none"
instructions = "Rest."
"#;

fn routine() -> Routine {
    let lib = Library::load(None);
    let (r, problems) = lib.check_text("hook-test.toml", ROUTINE);
    assert!(problems.is_empty(), "{problems:?}");
    r.unwrap()
}

/// Runs the routine to its end with a wake-up every 100 ms, collecting every call.
fn run_through(watch: &mut HookWatch) -> Vec<HookCall> {
    let t0 = Instant::now();
    let opts = Options {
        get_ready: Duration::ZERO,
    };
    let mut s = Session::new(&routine(), opts, "sess-1".into(), t0);
    let mut calls = watch.started(&s, t0);
    let mut ms = 0;
    while !s.is_finished() {
        ms += 100;
        let now = t0 + Duration::from_millis(ms);
        let events = s.update(now);
        calls.extend(watch.events(&s, &events, now));
        assert!(ms < 60_000, "the session never ended");
    }
    calls
}

fn summary(c: &HookCall) -> String {
    let v = |k| c.var(k).unwrap_or("?");
    format!(
        "{} step={} n={}/{} side={} secs={} left={}",
        v("KNOTLESS_EVENT"),
        v("KNOTLESS_STEP"),
        v("KNOTLESS_STEP_NUMBER"),
        v("KNOTLESS_STEPS"),
        v("KNOTLESS_SIDE"),
        v("KNOTLESS_STEP_SECS"),
        v("KNOTLESS_REMAINING"),
    )
}

#[test]
fn a_session_makes_the_right_events_in_order_with_the_right_facts() {
    let calls = run_through(&mut HookWatch::new([
        HookEvent::SessionStart,
        HookEvent::StepStart,
        HookEvent::SideSwitch,
        HookEvent::SessionEnd,
    ]));
    let got: Vec<String> = calls.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            "session_start step=First n=1/3 side= secs=6 left=25",
            "step_start step=First n=1/3 side= secs=6 left=25",
            "step_start step=Both sides n=2/3 side=left secs=5 left=19",
            "side_switch step=Both sides n=2/3 side=right secs=5 left=14",
            "step_start step=Both sides n=2/3 side=right secs=5 left=9",
            "step_start step=Last n=3/3 side= secs=4 left=4",
            "session_end step= n=/3 side= secs= left=0",
        ]
    );
    let end = calls.last().unwrap();
    assert_eq!(end.var("KNOTLESS_OUTCOME"), Some("completed"));
    assert_eq!(end.var("KNOTLESS_ACTIVE_SECS"), Some("20"));
    for c in &calls {
        assert_eq!(c.var("KNOTLESS_ROUTINE"), Some("hook-test"));
        assert_eq!(c.var("KNOTLESS_ROUTINE_NAME"), Some("Hook test"));
        assert_eq!(c.var("KNOTLESS_SESSION"), Some("sess-1"));
        assert_eq!(c.var("KNOTLESS_KIND"), Some("routine"));
    }
}

#[test]
fn breath_phases_follow_the_pacer_and_only_during_steps() {
    let calls = run_through(&mut HookWatch::new([HookEvent::BreathPhase]));
    let got: Vec<String> = calls
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c.var("KNOTLESS_STEP").unwrap(),
                c.var("KNOTLESS_SIDE").unwrap(),
                c.var("KNOTLESS_PHASE").unwrap(),
                c.var("KNOTLESS_BREATH").unwrap(),
            )
        })
        .collect();
    // relaxed = in 5 · out 5; "Last" has no pacer; each side restarts the pacer.
    assert_eq!(
        got,
        [
            "First  in 1",
            "First  out 1",
            "Both sides left in 1",
            "Both sides right in 1",
        ]
    );
    assert_eq!(calls[0].var("KNOTLESS_PHASE_LABEL"), Some("breathe in"));
    assert_eq!(calls[0].var("KNOTLESS_PHASE_SECS"), Some("5"));
    assert!(calls.iter().all(|c| c.event == HookEvent::BreathPhase));
}

#[test]
fn nothing_is_built_for_events_without_a_hook() {
    assert!(run_through(&mut HookWatch::new([])).is_empty());
}

// ---- the runner ----

fn config(pairs: &[(HookEvent, &str)], limit: Duration) -> HookConfig {
    HookConfig {
        commands: pairs.iter().map(|(e, c)| (*e, c.to_string())).collect(),
        time_limit: limit,
    }
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "gave up waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn call(event: HookEvent, vars: &[(&'static str, &str)]) -> HookCall {
    HookCall {
        event,
        vars: vars.iter().map(|(k, v)| (*k, v.to_string())).collect(),
    }
}

#[test]
fn a_hook_gets_its_variables_and_no_terminal() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("env");
    let cmd = format!(
        "{{ echo \"$KNOTLESS_EVENT|$KNOTLESS_STEP|$KNOTLESS_SIDE\"; [ -t 0 ] || echo no-tty; }} > '{}.tmp' && mv '{0}.tmp' '{0}'",
        out.display()
    );
    let _spawning = common::spawning();
    let mut r = HookRunner::new(
        &config(&[(HookEvent::StepStart, &cmd)], Duration::from_secs(10)),
        true,
    );
    r.run(&call(
        HookEvent::StepStart,
        &[
            ("KNOTLESS_EVENT", "step_start"),
            ("KNOTLESS_STEP", "It's a \"quoted\" $title"),
            ("KNOTLESS_SIDE", "left"),
        ],
    ));
    // An event without a hook does nothing.
    r.run(&call(HookEvent::SessionEnd, &[]));
    wait_for("the hook's file", || out.exists());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "step_start|It's a \"quoted\" $title|left\nno-tty\n"
    );
}

#[test]
fn a_missing_command_is_reported_once() {
    let _spawning = common::spawning();
    let mut r = HookRunner::new(
        &config(
            &[(HookEvent::StepStart, "no-such-command-knotless-test")],
            Duration::from_secs(10),
        ),
        true,
    );
    for _ in 0..5 {
        r.run(&call(HookEvent::StepStart, &[]));
    }
    let mut first = None;
    wait_for("a report", || {
        first = r.take_report();
        first.is_some()
    });
    assert_eq!(
        first.unwrap(),
        "the step_start hook failed: command not found (exit 127); further failures are not shown"
    );
    // The other four fail too, but are not reported.
    std::thread::sleep(Duration::from_millis(1500));
    for _ in 0..3 {
        r.run(&call(HookEvent::StepStart, &[]));
    }
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(r.take_report(), None);
}

#[test]
fn a_hook_over_its_time_limit_is_stopped_with_everything_it_started() {
    let d = tempfile::tempdir().unwrap();
    let pid_file = d.path().join("pid");
    let cmd = format!("echo $$ > '{}'; sleep 60; sleep 60", pid_file.display());
    let _spawning = common::spawning();
    let mut r = HookRunner::new(
        &config(
            &[(HookEvent::SessionStart, &cmd)],
            Duration::from_millis(300),
        ),
        true,
    );
    r.run(&call(HookEvent::SessionStart, &[]));
    let mut report = None;
    wait_for("the time-limit report", || {
        report = r.take_report();
        report.is_some()
    });
    assert_eq!(
        report.unwrap(),
        "the session_start hook ran longer than 300ms and was stopped; further failures are not shown"
    );
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The hook led its own process group; nothing in it is left (the sleep included).
    wait_for("the group to be gone", || group_gone(pid));
}

#[cfg(unix)]
fn group_gone(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks whether the group exists.
    unsafe { libc::killpg(pgid, 0) != 0 }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Whether the process group `pgid` is gone within 30 s (its members that were children of
/// the hook's shell are reaped by init, a moment after they end; a busy machine may take a
/// while): the hooks it is asked about would otherwise run for minutes.
fn gone_soon(pgid: i32) -> bool {
    let start = Instant::now();
    while !group_gone(pgid) {
        if start.elapsed() > Duration::from_secs(30) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

fn pid_written(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|s| s.trim().parse::<i32>().is_ok())
}

fn pid_in(path: &Path) -> i32 {
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A breath_phase hook slower than the breath: the phases that come while it runs are
/// skipped, not queued behind it; and it is stopped when the runner finishes.
#[test]
fn one_breath_phase_hook_runs_at_a_time() {
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("log");
    let cmd = format!("echo $$ >> '{}'; sleep 300", log.display());
    let _spawning = common::spawning();
    let mut r = HookRunner::new(
        &config(&[(HookEvent::BreathPhase, &cmd)], Duration::from_secs(60)),
        true,
    );
    for _ in 0..5 {
        r.run(&call(HookEvent::BreathPhase, &[]));
        std::thread::sleep(Duration::from_millis(100));
    }
    wait_for("the first phase's hook", || !lines(&log).is_empty());
    std::thread::sleep(Duration::from_millis(500));
    let started = lines(&log);
    assert_eq!(started.len(), 1, "skipped, not queued: {started:?}");
    drop(r);
    let pid: i32 = started[0].parse().unwrap();
    assert!(gone_soon(pid), "the hook outlived the runner");
}

/// At exit, hooks still running get their grace to end on their own (one that ends in it
/// runs to its end), then are told (SIGTERM to the group: one that traps it says so) and
/// ended (SIGKILL, for one that ignores it) — nothing outlives the runner.
#[test]
fn hooks_still_running_at_exit_are_told_then_ended() {
    let d = tempfile::tempdir().unwrap();
    let p = |name: &str| d.path().join(name).display().to_string();
    let (log, told, deaf) = (p("log"), p("told.pid"), p("deaf.pid"));
    let polite = format!(
        "trap 'echo told >> {log}; exit 0' TERM; echo $$ > {told}; while :; do sleep 0.1; done"
    );
    let stubborn = format!("trap '' TERM; echo $$ > {deaf}; sleep 60");
    let quick = format!("sleep 0.5; echo finished >> {log}");
    let _spawning = common::spawning();
    let mut r = HookRunner::new(
        &config(
            &[
                (HookEvent::SessionStart, &polite),
                (HookEvent::StepStart, &stubborn),
                (HookEvent::SessionEnd, &quick),
            ],
            Duration::from_secs(60),
        ),
        true,
    );
    for e in [HookEvent::SessionStart, HookEvent::StepStart] {
        r.run(&call(e, &[]));
    }
    let (told, deaf) = (d.path().join("told.pid"), d.path().join("deaf.pid"));
    // A shell creates the file before it writes its pid into it.
    wait_for("both hooks to start", || {
        pid_written(&told) && pid_written(&deaf)
    });
    let (told, deaf) = (pid_in(&told), pid_in(&deaf));
    r.run(&call(HookEvent::SessionEnd, &[]));
    let exit = Instant::now();
    drop(r);
    assert!(
        exit.elapsed() >= Duration::from_secs(2),
        "the hooks were given their grace of 2 s"
    );
    let said = lines(&d.path().join("log"));
    assert!(said.contains(&"finished".to_string()), "{said:?}");
    assert!(said.contains(&"told".to_string()), "{said:?}");
    assert!(gone_soon(told), "the polite hook outlived the runner");
    assert!(gone_soon(deaf), "the stubborn hook outlived the runner");
}

#[test]
fn no_hooks_runs_nothing() {
    let d = tempfile::tempdir().unwrap();
    let marker = d.path().join("ran");
    let cmd = format!("touch '{}'", marker.display());
    let _spawning = common::spawning();
    let mut r = HookRunner::new(
        &config(&[(HookEvent::SessionStart, &cmd)], Duration::from_secs(10)),
        false,
    );
    assert_eq!(r.events().count(), 0);
    r.run(&call(HookEvent::SessionStart, &[]));
    // And the same runner enabled does run it (so the check above can fail).
    let mut on = HookRunner::new(
        &config(&[(HookEvent::SessionStart, &cmd)], Duration::from_secs(10)),
        true,
    );
    on.run(&call(HookEvent::SessionStart, &[]));
    wait_for("the enabled hook", || marker.exists());
    assert!(Path::new(&marker).exists());
}

#[test]
fn hooks_in_config_are_read_and_checked() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("config.toml"),
        "[hooks]\nsession_start = \"lamp dim\"\nbreath_phase = \"lamp $KNOTLESS_PHASE\"\ntime_limit = \"3s\"\n",
    )
    .unwrap();
    let lib = Library::load(Some(d.path()));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    assert_eq!(
        lib.config.hooks.command(HookEvent::SessionStart),
        Some("lamp dim")
    );
    assert_eq!(
        lib.config.hooks.command(HookEvent::BreathPhase),
        Some("lamp $KNOTLESS_PHASE")
    );
    assert_eq!(lib.config.hooks.command(HookEvent::StepStart), None);
    assert_eq!(lib.config.hooks.time_limit, Duration::from_secs(3));

    std::fs::write(
        d.path().join("config.toml"),
        "[hooks]\nsession_strat = \"x\"\nstep_start = \"\"\ntime_limit = \"2h\"\n\n[nudge]\nhours = \"9 to 5\"\n",
    )
    .unwrap();
    let lib = Library::load(Some(d.path()));
    let msgs: Vec<String> = lib.problems.iter().map(|p| p.headline()).collect();
    assert_eq!(msgs.len(), 4, "{msgs:#?}");
    assert!(
        msgs[0].ends_with(":2:1: unknown key `session_strat` in [hooks]"),
        "{msgs:#?}"
    );
    assert!(
        msgs[1].contains(":3:14: the step_start hook is empty"),
        "{msgs:#?}"
    );
    assert!(
        msgs[2].contains(":4:14: time_limit must be between"),
        "{msgs:#?}"
    );
    assert!(
        msgs[3].contains(":7:9: \"9 to 5\" is not a range of hours"),
        "{msgs:#?}"
    );
}
