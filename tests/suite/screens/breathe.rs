//! Breathing on its own: the setup (pattern and length) and the rating before the pacer.

use std::time::Duration;

use knotless::model::routine::Length;
use knotless::screens::breathe::{Rate, Setup};
use knotless::screens::{Nav, Route};

use crate::common::ctx::World;

#[test]
fn the_setup_shows_the_patterns_and_the_chosen_length() {
    let w = World::new();
    let mut s = Setup::new(&w.ctx());
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("setup_80x24", text);
    assert!(text.contains("◂ 5 minutes ▸"), "{text}");
    insta::assert_snapshot!("setup_40x12", w.text(&mut s, 40, 12, 0));
}

#[test]
fn the_setup_keys_choose_a_pattern_and_a_length() {
    let w = World::new();
    let mut s = Setup::new(&w.ctx());
    w.keys(&mut s, &["Right", "Right"], 0);
    assert!(w.text(&mut s, 80, 24, 0).contains("◂ 15 minutes ▸"));
    w.keys(&mut s, &["Tab", "Left"], 0);
    assert!(w.text(&mut s, 80, 24, 0).contains("◂ 4 breaths"));
    // At either end, the arrow only on the side the length can still go.
    w.keys(&mut s, &["Left"; 40], 0);
    let shortest = w.text(&mut s, 80, 24, 0);
    assert!(
        shortest.contains("  3 breaths (about 30 s) ▸"),
        "{shortest}"
    );
    w.keys(&mut s, &["Right"; 40], 0);
    let longest = w.text(&mut s, 80, 24, 0);
    assert!(
        longest.contains("◂ 30 breaths (about 5 min)  "),
        "{longest}"
    );
    w.keys(&mut s, &["Left"; 40], 0);
    w.keys(&mut s, &["Right"], 0);
    let (nav, effects) = w.press(&mut s, "Enter", 0);
    assert!(effects.is_empty());
    match nav {
        Nav::Replace(Route::BreathingRating { pattern, length }) => {
            assert_eq!(pattern.id, "extended-exhale");
            assert_eq!(length, Length::Breaths(4));
        }
        other => panic!("{other:?}"),
    }
    // ↓ the next pattern; with ratings off, straight to the pacer.
    let mut w = World::new();
    w.settings.ask_ratings = false;
    let mut s = Setup::new(&w.ctx());
    let first = w
        .lib
        .patterns
        .iter()
        .position(|p| p.id == "extended-exhale");
    w.press(&mut s, "Down", 0);
    let (nav, _) = w.press(&mut s, "Enter", 0);
    match nav {
        Nav::Replace(Route::Breathing {
            pattern,
            pain_before,
            ..
        }) => {
            let want = &w.lib.patterns[(first.unwrap() + 1).min(w.lib.patterns.len() - 1)];
            assert_eq!(pattern.id, want.id);
            assert_eq!(pain_before, None);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(w.press(&mut s, "Esc", 0).0, Nav::Back));
}

#[test]
fn the_rating_before_breathing_goes_on_to_the_pacer_with_it() {
    let w = World::new();
    let pattern = w.lib.pattern("extended-exhale").unwrap().as_ref().clone();
    let length = Length::Time(Duration::from_secs(300));
    let mut s = Rate::new(pattern.clone(), length);
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("rate_80x24", text);
    assert!(text.contains("How is your head right now?"), "{text}");
    let (nav, _) = w.press(&mut s, "4", 0);
    assert!(
        matches!(&nav, Nav::Replace(Route::Breathing { pain_before: Some(4), length: l, .. }) if *l == length),
        "{nav:?}"
    );
    let (nav, _) = w.press(&mut Rate::new(pattern.clone(), length), "Enter", 0);
    assert!(
        matches!(
            nav,
            Nav::Replace(Route::Breathing {
                pain_before: None,
                ..
            })
        ),
        "{nav:?}"
    );
    let (nav, _) = w.press(&mut Rate::new(pattern, length), "Esc", 0);
    assert!(matches!(nav, Nav::Back));
}

/// A pattern with breath holds shows its caution above the rating too (`knotless breathe
/// box` goes straight there): whole at 80×24, and at 40×12 it scrolls to its last word
/// while the question stays on screen.
#[test]
fn the_rating_before_a_breath_hold_shows_its_caution_whole() {
    let w = World::new();
    let pattern = w.lib.pattern("box").unwrap().as_ref().clone();
    let caution = knotless::core::rules::caution_for(&pattern).expect("box holds");
    let last_word = caution.split_whitespace().last().unwrap();
    let mut s = Rate::new(pattern, Length::Time(Duration::from_secs(240)));
    let big = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("rate_box_80x24", big);
    assert!(big.contains(last_word), "{big}");
    let small = w.text(&mut s, 40, 12, 0);
    assert!(small.contains("↓ more"), "{small}");
    assert!(small.contains("How is your head right now?"), "{small}");
    let mut seen = small;
    for _ in 0..10 {
        w.press(&mut s, "Down", 0);
        seen = w.text(&mut s, 40, 12, 0);
        assert!(seen.contains("How is your head right now?"), "{seen}");
    }
    assert!(seen.contains(last_word), "{seen}");
    assert!(!seen.contains("↓ more"), "{seen}");
}

/// The setup's footer offers Tab and ←→ only where they change something: 4-7-8 is always
/// a few breaths, so neither is offered there, and neither key changes anything.
#[test]
fn the_setup_offers_only_keys_that_change_something() {
    let w = World::new();
    let mut s = Setup::new(&w.ctx());
    w.keys(&mut s, &["Up"; 20], 0);
    let mut hidden = 0;
    for _ in 0..w.lib.patterns.len() {
        for (key, label) in [("Tab", "Tab minutes/breaths"), ("Right", "←→ length")] {
            let before = w.text(&mut s, 80, 24, 0);
            let offered = before.contains(label);
            w.press(&mut s, key, 0);
            let after = w.text(&mut s, 80, 24, 0);
            if offered {
                // Put it back for the next check.
                w.press(&mut s, if key == "Tab" { "Tab" } else { "Left" }, 0);
            } else {
                hidden += 1;
                assert_eq!(before, after, "{key} is not offered, so it changes nothing");
                if key == "Right" {
                    assert!(!before.contains(['◂', '▸']), "no arrows: {before}");
                }
            }
        }
        w.press(&mut s, "Down", 0);
    }
    assert!(hidden >= 2, "4-7-8 offers neither Tab nor ←→");
}
