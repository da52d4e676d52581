//! The safety notice: on a first start Enter acknowledges it and goes on; read again from
//! home, Enter and q just close it.

use knotless::screens::first_run::FirstRun;
use knotless::screens::{Effect, Nav, Route, StoreEffect};

use crate::common::ctx::World;

#[test]
fn it_draws_the_notice_and_the_warning_signs() {
    let w = World::new();
    let mut s = FirstRun::new(false, None);
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("notice_80x24", text);
    assert!(text.contains("Important — please read"), "{text}");
    // At 40×12 it does not fit: it says there is more, and scrolling reaches the end.
    let small = w.text(&mut s, 40, 12, 0);
    assert!(small.contains("↓ more below"), "{small}");
    w.press(&mut s, "End", 0);
    let end = w.text(&mut s, 40, 12, 0);
    assert!(!end.contains("Important"), "scrolled: {end}");
    assert!(!end.contains("more below"), "at the end: {end}");
}

#[test]
fn enter_acknowledges_and_goes_on_to_what_was_asked() {
    let w = World::new();
    let (nav, effects) = w.press(&mut FirstRun::new(false, None), "Enter", 0);
    assert!(matches!(nav, Nav::Home), "{nav:?}");
    assert_eq!(effects, vec![Effect::Store(StoreEffect::AcknowledgeNotice)]);

    let then = Some(Box::new(Route::BreathingSetup));
    let (nav, effects) = w.press(&mut FirstRun::new(false, then), "Enter", 0);
    assert!(
        matches!(nav, Nav::Replace(Route::BreathingSetup)),
        "{nav:?}"
    );
    assert_eq!(effects.len(), 1);
    // q on a first start quits without acknowledging.
    let (nav, effects) = w.press(&mut FirstRun::new(false, None), "q", 0);
    assert!(matches!(nav, Nav::Quit) && effects.is_empty(), "{nav:?}");
}

#[test]
fn read_again_it_only_closes() {
    let w = World::new();
    for k in ["Enter", "q", "Esc"] {
        let (nav, effects) = w.press(&mut FirstRun::new(true, None), k, 0);
        assert!(
            matches!(nav, Nav::Back) && effects.is_empty(),
            "{k}: {nav:?}"
        );
    }
}
