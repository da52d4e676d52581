//! The player, start to finish, driven by made-up instants: snapshots of the running,
//! paused, switch-sides, transition and finish states at 80×24 and 40×12, and the history
//! file it writes.

use crate::common;

use common::TestApp;
use knotless::model::config::ThemeName;

const FIXTURE: &str = r#"
name = "Test neck"
area = "neck"
breathing = "extended-exhale"
transition = "4s"
cautions = ["Never press the front of the neck."]

[[steps]]
title = "Suboccipital hold"
duration = "20s"
instructions = "Hook your fingertips under the base of the skull, either side of the spine."
cue = "Let your head sink onto your fingers as you breathe out."
pressure = "3-4"
caution = "Stop if you feel dizzy, tingling or a worse headache."
art = "suboccipitals"

[[steps]]
title = "Shoulder squeeze"
duration = "10s"
sides = "both"
switch_cue = "Let the left shoulder hang; find the same spot on the right."
pressure = "4-6"
instructions = "Reach across and grasp the top of the shoulder between thumb and fingers."
cue = "Squeeze as you breathe out."
caution = "Stop if pain spreads or tingles."
"#;

/// Home → filter to the fixture → Enter → rate 5: the player starts at `ms` (get-ready 5 s).
fn started(ms: u64) -> TestApp {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("test-neck.toml", FIXTURE)]);
    t.keys(
        ms,
        &[
            "/", "t", "e", "s", "t", " ", "n", "e", "c", "k", "Enter", "Enter", "5",
        ],
    );
    assert_eq!(t.app.screen().title(), "Player");
    t
}

fn both(t: &mut TestApp, ms: u64, name: &str) {
    insta::assert_snapshot!(format!("{name}_80x24"), t.screen(80, 24, ms));
    insta::assert_snapshot!(format!("{name}_40x12"), t.screen(40, 12, ms));
}

#[test]
fn get_ready_then_a_running_step() {
    let mut t = started(0);
    both(&mut t, 1_000, "get_ready");
    t.tick(5_000);
    t.tick(7_300);
    both(&mut t, 7_300, "running");
}

#[test]
fn paused_freezes_the_step() {
    let mut t = started(0);
    t.tick(5_000);
    t.keys(8_000, &["Space"]);
    both(&mut t, 60_000, "paused");
    assert_eq!(
        t.screen(80, 24, 8_000),
        t.screen(80, 24, 600_000),
        "nothing moves while paused"
    );
    assert!(
        t.app.deadline(t.at(60_000)).is_none(),
        "no wake-ups while paused"
    );
}

#[test]
fn transition_and_switch_sides() {
    let mut t = started(0);
    for ms in [5_000, 25_000] {
        t.tick(ms);
    }
    both(&mut t, 26_000, "transition");
    for ms in [29_000, 39_000] {
        t.tick(ms);
    }
    both(&mut t, 40_000, "switch_sides");
}

#[test]
fn finish_shows_every_step_and_saves_the_record() {
    let mut t = started(0);
    // get ready 5, step 20, transition 4, left 10, switch 5, right 10 = 54 s
    for ms in [5_000, 25_000, 29_000, 39_000, 44_000, 54_000] {
        t.tick(ms);
    }
    assert_eq!(t.app.screen().title(), "Finished");
    both(&mut t, 54_000, "finish");
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let rec: serde_json::Value = serde_json::from_str(history.lines().next().unwrap()).unwrap();
    assert_eq!(rec["outcome"], "completed");
    assert_eq!(rec["active_secs"], 40.0);
    assert_eq!(rec["paused_secs"], 0.0);
    assert_eq!(rec["pain_before"], 5);
    assert_eq!(rec["steps"].as_array().unwrap().len(), 3);
    assert_eq!(rec["steps"][1]["side"], "left");
    // no in-progress file is left behind
    assert_eq!(
        std::fs::read_dir(t.state.path().join("in-progress"))
            .unwrap()
            .count(),
        0
    );

    // Rate 2: kept at once, before the note is written.
    t.keys(55_000, &["2"]);
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let amend: serde_json::Value = serde_json::from_str(history.lines().nth(1).unwrap()).unwrap();
    assert_eq!(amend["amends"], rec["id"]);
    assert_eq!(amend["pain_after"], 2);
    assert!(amend.get("note").is_none(), "{amend}");
    // Write a note: a second amendment line, then home with the header updated.
    t.keys(55_000, &["o", "k", "Enter"]);
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let amend: serde_json::Value = serde_json::from_str(history.lines().nth(2).unwrap()).unwrap();
    assert_eq!(amend["amends"], rec["id"]);
    assert_eq!(amend["note"], "ok");
    assert!(amend.get("pain_after").is_none(), "{amend}");
    assert_eq!(t.app.screen().title(), "Home");
    // The event loop re-reads the figures off the input path, right after the next frame.
    assert!(t.app.history_stale());
    t.app.refresh_summary();
    assert!(
        t.app
            .known()
            .header
            .as_deref()
            .unwrap()
            .starts_with("Last session today")
    );
}

#[test]
fn stopping_early_is_confirmed_saved_as_stopped_and_lands_on_finish() {
    let mut t = started(0);
    t.tick(5_000);
    t.keys(12_000, &["q"]);
    insta::assert_snapshot!("confirm_stop_80x24", t.screen(80, 24, 12_000));
    t.keys(12_000, &["n"]);
    assert_eq!(t.app.screen().title(), "Player");
    t.keys(15_000, &["q", "y"]);
    assert_eq!(t.app.screen().title(), "Finished");
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let rec: serde_json::Value = serde_json::from_str(history.lines().next().unwrap()).unwrap();
    assert_eq!(rec["outcome"], "stopped");
    assert_eq!(rec["steps"][0]["status"], "partial");
    assert_eq!(
        rec["steps"][0]["active_secs"], 10.0,
        "7 s, paused for the question, then 3 s"
    );
    assert_eq!(rec["steps"][1]["status"], "skipped");
}

#[test]
fn ctrl_c_saves_a_running_session_as_stopped() {
    let mut t = started(0);
    t.tick(5_000);
    t.keys(9_000, &["C-c"]);
    assert!(t.app.should_quit());
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let rec: serde_json::Value = serde_json::from_str(history.lines().next().unwrap()).unwrap();
    assert_eq!(rec["outcome"], "stopped");
    assert_eq!(rec["active_secs"], 4.0);
}

#[test]
fn the_bell_rings_on_timer_step_changes_unless_muted() {
    use knotless::model::config::{SoundConfig, SoundMode};
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("test-neck.toml", FIXTURE)]);
    // sound = "bell": the bell stands in for the step, switch and end tones.
    let bell = SoundConfig {
        sound: SoundMode::Bell,
        ..SoundConfig::default()
    };
    let config = knotless::model::config::Config {
        bell: true,
        sound: bell,
        ..Default::default()
    };
    let settings = knotless::model::settings::Settings::new(&config, Default::default());
    t.app.performers_mut().sound = knotless::app::perform::SoundPerformer::new(&settings, false);
    t.keys(
        0,
        &[
            "/", "t", "e", "s", "t", " ", "n", "e", "c", "k", "Enter", "Enter", "5",
        ],
    );
    t.tick(4_000);
    assert!(!t.app.take_bell(), "nothing during the get-ready");
    t.tick(5_000);
    assert!(t.app.take_bell(), "get-ready → first step rings");
    t.tick(7_000);
    assert!(!t.app.take_bell(), "no bell for breaths");
    t.keys(8_000, &["m"]);
    t.tick(25_000);
    assert!(!t.app.take_bell(), "muted");
}

#[test]
fn deadlines_follow_visible_changes_only() {
    let mut t = started(0);
    t.tick(5_000);
    let _ = t.screen(80, 24, 5_000); // the drawing tells the player how many sizes the pacer has
    let mut now = 5_000u64;
    let mut wakes = 0;
    while now < 15_000 {
        let d = t.app.deadline(t.at(now)).expect("running");
        let next = d.duration_since(t.t0).as_millis() as u64;
        assert!(next >= now, "deadline in the past");
        now = next.max(now + 1);
        t.tick(now);
        let _ = t.screen(80, 24, now);
        wakes += 1;
    }
    // 10 s of a 4/6 pattern: one wake per countdown second plus the pacer's visible sizes.
    assert!((10..=60).contains(&wakes), "{wakes} wake-ups in 10 s");
}

/// One rounding rule — every "left" on the breathing screen agrees at any
/// instant (the header said 1:02 while the footer said 1:01), and matches the plan minus the
/// whole seconds spent.
#[test]
fn every_time_left_on_the_breathing_screen_agrees() {
    let lib = knotless::library::Library::load(None);
    let pattern = lib.pattern("relaxed").expect("bundled").as_ref().clone();
    let route = knotless::app::Route::Breathing {
        pattern,
        length: knotless::model::routine::Length::Time(std::time::Duration::from_secs(80)), // 8 whole breaths
        pain_before: None,
    };
    let mut t = TestApp::new(ThemeName::Calm, Some(route));
    assert_eq!(t.app.screen().title(), "Breathing");
    let ready_ms = 3_000; // the breathing count-in is at most 3 s
    for spent_ms in [400, 13_400, 13_950, 30_000, 61_700] {
        let ms = ready_ms + spent_ms;
        t.tick(ms);
        let screen = t.screen(80, 24, ms);
        let want = knotless::model::format::clock(80 - spent_ms / 1000);
        let lefts: Vec<&str> = screen
            .split(" left")
            .filter_map(|before| before.rsplit(' ').next())
            .filter(|w| w.contains(':'))
            .collect();
        assert!(lefts.len() >= 2, "{screen}");
        assert!(
            lefts.iter().all(|l| *l == want),
            "want {want}: {lefts:?}\n{screen}"
        );
    }
}
