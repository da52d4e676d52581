//! Before a routine: its cautions and the rating; a bad head before pressure work is asked
//! once more and offered the gentle routine.

use knotless::screens::before::Before;
use knotless::screens::{Nav, Route};

use crate::common::ctx::World;

/// Where `nav` starts a routine: its id and the rating it carries.
fn started(nav: &Nav) -> (String, Option<u8>) {
    let (id, before) = started_with(nav);
    assert!(!before.migraine, "no migraine was said");
    (id, before.pain)
}

/// Where `nav` starts a routine: its id and the head as it begins.
fn started_with(nav: &Nav) -> (String, knotless::model::record::Before) {
    match nav {
        Nav::Replace(Route::Player { routine, before }) => (routine.id.clone(), *before),
        other => panic!("not a start: {other:?}"),
    }
}

#[test]
fn it_shows_the_cautions_and_asks_how_the_head_is() {
    let w = World::new();
    let mut s = Before::new(w.routine("neck-release"));
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("before_80x24", text);
    assert!(text.contains("How is your head right now?"), "{text}");
    insta::assert_snapshot!("before_40x12", w.text(&mut s, 40, 12, 0));
}

#[test]
fn the_head_says_whose_routine_it_is_in_the_words_list_uses() {
    let mut w = World::new();
    w.make_yours("neck-release", true);
    w.make_yours("jaw-and-temples", false);
    let mut s = Before::new(w.routine("neck-release"));
    // Beside the name where it fits whole.
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("before_replaces_bundled_80x24", text);
    let head = text.lines().next().unwrap();
    assert!(
        head.starts_with(" Neck release between sessions "),
        "{head}"
    );
    assert!(
        head.ends_with("yours, replaces bundled · 10 min · 8 steps"),
        "{head}"
    );
    let wide = w.text(&mut s, 200, 50, 0);
    insta::assert_snapshot!("before_replaces_bundled_200x50", wide);
    assert!(
        wide.lines()
            .next()
            .unwrap()
            .contains("yours, replaces bundled · 10 min"),
        "{wide}"
    );
    // On a narrow window the name keeps the head, and the words lead the text below.
    let narrow = w.text(&mut s, 40, 12, 0);
    insta::assert_snapshot!("before_replaces_bundled_40x12", narrow);
    assert!(
        !narrow.lines().next().unwrap().contains("yours"),
        "{narrow}"
    );
    assert_eq!(
        narrow.lines().nth(1).unwrap().trim(),
        "yours, replaces bundled"
    );
    // The user's own routine is "yours"; a bundled one says nothing of whose it is.
    let mut s = Before::new(w.routine("jaw-and-temples"));
    let head = w.text(&mut s, 80, 24, 0);
    let head = head.lines().next().unwrap();
    assert!(head.contains(" yours · "), "{head}");
    assert!(!head.contains("replaces"), "{head}");
    let mut s = Before::new(w.routine("migraine-day"));
    assert!(!w.text(&mut s, 80, 24, 0).contains("yours"));
}

#[test]
fn a_rating_starts_the_routine_with_it() {
    let w = World::new();
    let mut s = Before::new(w.routine("neck-release"));
    let (nav, _) = w.press(&mut s, "3", 0);
    assert_eq!(started(&nav), ("neck-release".into(), Some(3)));
    // A 1 waits for a possible 0; Enter takes it as it is.
    let mut s = Before::new(w.routine("neck-release"));
    let (nav, _) = w.press(&mut s, "1", 0);
    assert!(matches!(nav, Nav::Stay), "{nav:?}");
    let (nav, _) = w.press(&mut s, "Enter", 0);
    assert_eq!(started(&nav), ("neck-release".into(), Some(1)));
    // Enter alone skips the rating.
    let mut s = Before::new(w.routine("neck-release"));
    let (nav, _) = w.press(&mut s, "Enter", 0);
    assert_eq!(started(&nav), ("neck-release".into(), None));
    let (nav, _) = w.press(&mut Before::new(w.routine("neck-release")), "Esc", 0);
    assert!(matches!(nav, Nav::Back));
}

#[test]
fn a_bad_head_before_pressure_work_is_offered_the_gentle_routine() {
    let w = World::new();
    let mut s = Before::new(w.routine("neck-release"));
    w.keys(&mut s, &["8"], 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("Migraine-day gentle"), "{text}");
    let (nav, _) = w.press(&mut s, "g", 0);
    assert_eq!(started(&nav), ("migraine-day".into(), Some(8)));
    // Esc goes back to the question; Enter then goes ahead as planned.
    let mut s = Before::new(w.routine("neck-release"));
    w.keys(&mut s, &["8", "Esc", "8"], 0);
    let (nav, _) = w.press(&mut s, "Enter", 0);
    assert_eq!(started(&nav), ("neck-release".into(), Some(8)));
}

#[test]
fn a_migraine_now_offers_the_gentle_routine_with_ratings_off_too() {
    let mut w = World::new();
    for ask in [true, false] {
        w.settings.ask_ratings = ask;
        let mut s = Before::new(w.routine("neck-release"));
        let text = w.text(&mut s, 80, 24, 0);
        assert!(text.contains("m migraine now"), "{text}");
        w.press(&mut s, "m", 0);
        assert!(w.text(&mut s, 80, 24, 0).contains("A migraine is on now."));
        let (nav, _) = w.press(&mut s, "g", 0);
        let (id, before) = started_with(&nav);
        assert_eq!(id, "migraine-day", "ask {ask}");
        assert!(before.migraine && before.pain.is_none(), "{before:?}");
    }
    // With ratings off, Enter just starts.
    let mut s = Before::new(w.routine("jaw-and-temples"));
    let (nav, _) = w.press(&mut s, "Enter", 0);
    assert_eq!(started(&nav), ("jaw-and-temples".into(), None));
}

#[test]
fn a_migraine_said_before_goes_ahead_with_the_routine_too() {
    let w = World::new();
    // Going ahead with the pressure work still carries the migraine to the record.
    let mut s = Before::new(w.routine("neck-release"));
    w.press(&mut s, "m", 0);
    let (nav, _) = w.press(&mut s, "Enter", 0);
    let (id, before) = started_with(&nav);
    assert_eq!(id, "neck-release");
    assert!(before.migraine, "{before:?}");
}

#[test]
fn the_gentle_routine_never_offers_to_switch_to_itself() {
    let w = World::new();
    // `m` on the gentle routine starts it, a migraine noted; nothing is asked again.
    let mut s = Before::new(w.routine("migraine-day"));
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("m migraine now"), "{text}");
    let (nav, _) = w.press(&mut s, "m", 0);
    let (id, before) = started_with(&nav);
    assert_eq!(id, "migraine-day");
    assert!(before.migraine, "{before:?}");
    // A bad head before it starts it with the rating: it is already the gentle one.
    let mut s = Before::new(w.routine("migraine-day"));
    let (nav, _) = w.press(&mut s, "8", 0);
    assert_eq!(started(&nav), ("migraine-day".into(), Some(8)));
}

#[test]
fn one_step_is_not_steps() {
    let mut w = World::new();
    let mut one = w.routine("neck-release");
    one.steps.truncate(1);
    w.lib.routines.push(one.clone());
    let mut s = Before::new(one);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(
        text.lines().next().unwrap().ends_with(" · 1 step"),
        "{text}"
    );
    assert!(!text.contains("1 steps"), "{text}");
}
