//! The player from a made-up `Ctx` and a session started at a made-up instant: a routine's
//! steps and a breathing exercise's pacer, drawn at chosen instants, and its keys.

use std::time::Duration;

use knotless::core::rules::breathing_get_ready;
use knotless::model::record::Outcome;
use knotless::model::routine::Length;
use knotless::screens::{Nav, Route, Screen};

use crate::common::ctx::World;

#[test]
fn a_routine_counts_in_then_shows_its_step() {
    let w = World::new();
    let mut p = w.player(&w.routine("neck-release"));
    let ready = w.text(&mut p, 80, 24, 0);
    insta::assert_snapshot!("routine_count_in_80x24", ready);
    p.tick(w.at(8_000), &w.ctx());
    let step = w.text(&mut p, 80, 24, 8_000);
    insta::assert_snapshot!("routine_step_80x24", step);
    insta::assert_snapshot!("routine_step_40x12", w.text(&mut p, 40, 12, 8_000));
    assert_ne!(ready, step);
}

#[test]
fn space_pauses_and_no_wake_up_is_asked_while_paused() {
    let w = World::new();
    let mut p = w.player(&w.routine("neck-release"));
    p.tick(w.at(8_000), &w.ctx());
    assert!(p.deadline(w.at(8_000), &w.ctx()).is_some());
    w.press(&mut p, "Space", 8_000);
    assert!(p.run().session.is_paused());
    assert!(p.deadline(w.at(9_000), &w.ctx()).is_none());
    let paused = w.text(&mut p, 80, 24, 9_000);
    assert!(paused.contains("Space resume"), "{paused}");
    // Nothing moves while paused: a minute later the screen is the same.
    assert_eq!(w.text(&mut p, 80, 24, 69_000), paused);
    w.press(&mut p, "Space", 69_000);
    assert!(!p.run().session.is_paused());
}

#[test]
fn q_asks_first_and_y_stops_with_a_record() {
    let w = World::new();
    let mut p = w.player(&w.routine("neck-release"));
    p.tick(w.at(8_000), &w.ctx());
    let (nav, _) = w.press(&mut p, "q", 8_000);
    assert!(matches!(nav, Nav::Stay) && p.asking_to_stop());
    // n keeps going, running as before.
    w.press(&mut p, "n", 9_000);
    assert!(!p.asking_to_stop() && !p.run().session.is_paused());
    w.press(&mut p, "q", 10_000);
    let (nav, effects) = w.press(&mut p, "y", 10_000);
    match nav {
        Nav::Replace(Route::Finish(r)) => {
            assert_eq!(r.outcome, Outcome::Stopped);
            assert_eq!(r.routine_id, "neck-release");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        effects.iter().any(|e| e.saved_record().is_some()),
        "{effects:?}"
    );
}

#[test]
fn a_breathing_exercise_moves_by_whole_breaths() {
    let w = World::new();
    // extended-exhale: 4 s in, 6 s out.
    let mut p = w.breathing("extended-exhale", Length::Breaths(6));
    p.tick(w.at(5_000), &w.ctx());
    let text = w.text(&mut p, 80, 24, 5_000);
    insta::assert_snapshot!("breathing_80x24", text);
    assert!(text.contains("breath 1 of 6"), "{text}");
    assert!(text.contains("+/- 1 breath (10 s)"), "{text}");
    w.press(&mut p, "+", 5_000);
    assert!(w.text(&mut p, 80, 24, 5_000).contains("breath 1 of 7"));
    // Nothing to skip or restart.
    let before = w.text(&mut p, 80, 24, 12_000);
    for k in ["Right", "Left", "r", "n", "p"] {
        let (nav, _) = w.press(&mut p, k, 12_000);
        assert!(matches!(nav, Nav::Stay), "{k}");
        assert_eq!(
            w.text(&mut p, 80, 24, 12_000),
            before,
            "{k} changed nothing"
        );
    }
    // 7 breaths of 10 s end after the count-in and 70 s.
    let get_ready = breathing_get_ready(w.settings.get_ready);
    let end = get_ready + Duration::from_secs(70);
    let (nav, _) = p.tick(w.t0 + end, &w.ctx());
    match nav {
        Nav::Replace(Route::Finish(r)) => assert_eq!(r.planned_secs, 70.0),
        other => panic!("{other:?}"),
    }
}

/// `+`/`-` say what they do: on a step counted in breaths they move whole breaths, and the
/// footer says how many and how long ("+/- 1 breath (10 s)"), not a 15 s they do not add.
#[test]
fn plus_and_minus_say_the_breaths_they_add() {
    let w = World::new();
    let mut p = w.player(&w.routine("neck-release"));
    p.tick(w.at(8_000), &w.ctx());
    let (by, breaths) = p.run().session.adjust_by();
    let n = breaths.expect("the first step is counted in breaths");
    let want = format!(
        "+/- {n} breath{} ({} s)",
        if n == 1 { "" } else { "s" },
        by.as_secs()
    );
    let text = w.text(&mut p, 100, 30, 8_000);
    assert!(text.contains(&want), "{want}: {text}");
    assert!(!text.contains("15 s"), "{text}");
    let before = p.run().session.view(w.at(8_000)).stage_length;
    w.press(&mut p, "+", 8_000);
    assert_eq!(p.run().session.view(w.at(8_000)).stage_length, before + by);
}

/// During the count-in only skip applies: no back, restart or +/- is offered, and their
/// keys do nothing.
#[test]
fn the_count_in_offers_only_what_it_can_do() {
    let w = World::new();
    let mut p = w.player(&w.routine("neck-release"));
    let text = w.text(&mut p, 100, 30, 0);
    assert!(text.contains("→ skip"), "{text}");
    for gone in ["← back", "r restart", "+/-"] {
        assert!(!text.contains(gone), "{gone}: {text}");
    }
    let before = p.run().session.view(w.at(1_000)).stage_length;
    for k in ["+", "-", "r", "Left"] {
        w.press(&mut p, k, 1_000);
    }
    assert_eq!(p.run().session.view(w.at(1_000)).stage_length, before);
    assert_eq!(
        p.run().session.stage_kind(),
        knotless::core::session::StageKind::GetReady
    );
}

/// The header says whose a routine is in the words list and the before screen use, beside
/// the name, at every size and at every stage, and costs no row: below the header the
/// screen is the bundled routine's.
#[test]
fn the_header_says_whose_routine_it_is_without_costing_a_row() {
    let bundled = World::new();
    for (replaces, words) in [(true, "yours, replaces bundled"), (false, "yours")] {
        let mut w = World::new();
        w.make_yours("neck-release", replaces);
        let mut mine = w.player(&w.routine("neck-release"));
        let mut theirs = bundled.player(&bundled.routine("neck-release"));
        // The count-in, a step, and the step paused.
        for (ms, key) in [(0, None), (8_000, None), (9_000, Some("Space"))] {
            if let Some(key) = key {
                w.press(&mut mine, key, ms);
                bundled.press(&mut theirs, key, ms);
            }
            mine.tick(w.at(ms), &w.ctx());
            theirs.tick(bundled.at(ms), &bundled.ctx());
            for (x, y) in [(80, 24), (40, 12), (200, 50)] {
                let at = format!("{words:?} at {ms} ms, {x}×{y}");
                let text = w.text(&mut mine, x, y, ms);
                let other = bundled.text(&mut theirs, x, y, ms);
                let head = text.lines().next().unwrap();
                // Where the name fits whole beside them, all the words; else "yours".
                let said = if x >= 80 { words } else { "yours" };
                assert!(head.contains(&format!(" · {said}")), "{at}: {head}");
                assert!(head.contains("Neck re"), "{at}: {head}");
                let below = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
                assert_eq!(below(&text), below(&other), "{at}");
                if ms == 9_000 {
                    assert!(head.contains("PAUSED"), "{at}: {head}");
                }
            }
        }
    }
    let mut p = bundled.player(&bundled.routine("neck-release"));
    let head = bundled.text(&mut p, 80, 24, 0);
    assert!(!head.contains("yours"), "{head}");
}
