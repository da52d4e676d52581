//! The finish screen: each step's time, the after-rating (kept the moment it is given), the
//! offer to mark the day and a note (kept when it is saved).

use knotless::model::day::{DayEntry, Intensity};
use knotless::model::record::{Outcome, SessionRecord};
use knotless::screens::finish::Finish;
use knotless::screens::{DayState, Effect, Nav, Screen, StoreEffect};

use crate::common::ctx::World;
use crate::common::{rec, with_pain};

/// Neck release, finished this morning, rated 5 before.
fn record() -> SessionRecord {
    let mut r = with_pain(
        rec(
            "r1",
            "2026-11-24T09:30:00+00:00",
            "neck-release",
            "neck",
            400.0,
        ),
        Some(5),
        None,
    );
    r.title = "Neck release".into();
    r
}

/// The one amendment among `effects`: its after-rating and note.
fn amended(effects: &[Effect]) -> (Option<u8>, Option<String>) {
    match effects {
        [Effect::Store(StoreEffect::Amend(a))] => (a.pain_after, a.note.clone()),
        other => panic!("one amendment expected: {other:?}"),
    }
}

#[test]
fn it_shows_each_step_and_asks_how_the_head_is_now() {
    let w = World::new();
    let mut s = Finish::new(record(), None, &w.ctx());
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("finish_80x24", text);
    assert!(
        text.contains("How is your head now?   (before: 5)"),
        "{text}"
    );
    insta::assert_snapshot!("finish_40x12", w.text(&mut s, 40, 12, 0));
    // A record that could not be saved says why, in full.
    let mut stopped = record();
    stopped.outcome = Outcome::Stopped;
    let why = "/a/long/path/to/the/history.jsonl: permission denied".to_string();
    let mut s = Finish::new(stopped, Some(why), &w.ctx());
    let text = w.text(&mut s, 40, 12, 0);
    assert!(text.contains("stopped early"), "{text}");
    assert!(text.contains("permission denied"), "{text}");
}

/// The rating is an amendment the moment it is typed (a session killed while the note is
/// written keeps it); the note is one of its own when it is saved.
#[test]
fn a_rating_is_kept_at_once_and_a_note_when_saved() {
    let w = World::new();
    let mut s = Finish::new(record(), None, &w.ctx());
    let (nav, effects) = w.press(&mut s, "3", 0);
    assert!(matches!(nav, Nav::Stay));
    assert_eq!(amended(&effects), (Some(3), None));
    assert!(s.captures_text(), "the note is typed next");
    w.keys(&mut s, &["o", "k"], 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("Head: 5 → 3"), "{text}");
    assert!(text.contains("A note for later (optional): ok▏"), "{text}");
    let (nav, effects) = w.press(&mut s, "Enter", 0);
    assert!(matches!(nav, Nav::Home));
    assert_eq!(amended(&effects), (None, Some("ok".into())));
    // Once only: quitting now adds nothing.
    assert!(s.shutdown(w.at(0), &w.ctx()).is_empty());
}

/// Keys still coming from the player (a → held to skip the last step, an Enter) do not
/// mark or save a rating nobody chose: for a moment after it is first drawn, the rating
/// takes no key.
#[test]
fn keys_carried_over_from_the_player_rate_nothing() {
    let w = World::new();
    let mut s = Finish::new(record(), None, &w.ctx());
    let _ = w.text(&mut s, 80, 24, 1000);
    for (name, ms) in [
        ("Right", 1000),
        ("Right", 1300),
        ("Enter", 1500),
        ("4", 1790),
    ] {
        let (nav, effects) = w.press(&mut s, name, ms);
        assert!(
            matches!(nav, Nav::Stay) && effects.is_empty(),
            "{name} at {ms}: {nav:?} {effects:?}"
        );
    }
    let text = w.text(&mut s, 80, 24, 1800);
    assert!(text.contains("Enter skip"), "nothing marked:\n{text}");
    // Then it answers as ever.
    w.keys(&mut s, &["Right", "Right"], 1800);
    let (_, effects) = w.press(&mut s, "Enter", 1900);
    assert_eq!(amended(&effects), (Some(1), None));
}

/// Esc with a note typed asks first: one key never throws away what was written.
#[test]
fn esc_with_a_note_typed_asks_before_leaving_without_it() {
    let w = World::new();
    let mut s = Finish::new(record(), None, &w.ctx());
    let (_, effects) = w.press(&mut s, "3", 0);
    assert_eq!(amended(&effects), (Some(3), None));
    w.keys(&mut s, &["o", "k", "Esc"], 0);
    assert!(!s.captures_text(), "y and n are answers now");
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("Leave without the note?"), "{text}");
    assert!(text.contains("A note for later (optional): ok"), "{text}");
    // n (or Esc): back to writing, the note as it was.
    w.keys(&mut s, &["n", "!"], 0);
    assert!(s.captures_text());
    assert!(w.text(&mut s, 80, 24, 0).contains("ok!▏"));
    // Asked again: Enter saves it after all.
    w.press(&mut s, "Esc", 0);
    let (nav, effects) = w.press(&mut s, "Enter", 0);
    assert!(matches!(nav, Nav::Home));
    assert_eq!(amended(&effects), (None, Some("ok!".into())));
    // y leaves without it; nothing is written.
    let mut s = Finish::new(record(), None, &w.ctx());
    w.keys(&mut s, &["Enter", "o", "k", "Esc"], 0);
    let (nav, effects) = w.press(&mut s, "y", 0);
    assert!(
        matches!(nav, Nav::Home) && effects.is_empty(),
        "{effects:?}"
    );
    // With nothing typed, Esc leaves at once.
    let mut s = Finish::new(record(), None, &w.ctx());
    w.press(&mut s, "Enter", 0);
    let (nav, effects) = w.press(&mut s, "Esc", 0);
    assert!(
        matches!(nav, Nav::Home) && effects.is_empty(),
        "{effects:?}"
    );
}

#[test]
fn nothing_given_writes_nothing() {
    let w = World::new();
    let mut s = Finish::new(record(), None, &w.ctx());
    let (nav, effects) = w.keys(&mut s, &["Enter", "Esc"], 0);
    assert!(
        matches!(nav, Nav::Home) && effects.is_empty(),
        "{effects:?}"
    );
    // Ratings off: straight to the note.
    let mut w = World::new();
    w.settings.ask_ratings = false;
    let s = Finish::new(record(), None, &w.ctx());
    assert!(s.captures_text());
}

#[test]
fn a_headache_before_offers_to_mark_the_day() {
    let mut w = World::new();
    let today = w.now.date();
    w.days = Some(DayState {
        today: Some(today),
        ..Default::default()
    });
    let mut s = Finish::new(record(), None, &w.ctx());
    let (_, effects) = w.press(&mut s, "4", 0);
    assert_eq!(amended(&effects), (Some(4), None));
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("Mark today as a headache day?"), "{text}");
    let (nav, effects) = w.press(&mut s, "y", 0);
    assert!(matches!(nav, Nav::Stay));
    match &effects[..] {
        [Effect::Store(StoreEffect::AnswerDay(e))] => {
            assert_eq!(e.date, today);
            assert!(e.headache);
        }
        other => panic!("{other:?}"),
    }
    // Home without a note: nothing more to keep.
    let (_, effects) = w.press(&mut s, "Esc", 0);
    assert!(effects.is_empty(), "{effects:?}");
    // Already marked: no offer.
    w.days.as_mut().unwrap().keep(DayEntry::new(today, true));
    let mut s = Finish::new(record(), None, &w.ctx());
    w.press(&mut s, "4", 0);
    assert!(!w.text(&mut s, 80, 24, 0).contains("Mark today"));
}

#[test]
fn a_migraine_before_offers_to_mark_a_migraine_day_keeping_what_today_says() {
    let mut w = World::new();
    let today = w.now.date();
    // Today already says: a headache, moderate. The migraine is what is new.
    let mut known = DayEntry::new(today, true);
    known.worst = Some(Intensity::Moderate);
    w.days = Some(DayState {
        today: Some(today),
        recent: vec![known],
        ..Default::default()
    });
    let mut r = record();
    r.pain_before = None;
    r.migraine_before = true;
    let mut s = Finish::new(r.clone(), None, &w.ctx());
    assert!(w.text(&mut s, 80, 24, 0).contains("(before: a migraine)"));
    // (A moment after it was drawn: see `keys_carried_over_from_the_player_rate_nothing`.)
    w.press(&mut s, "Enter", 1000);
    let text = w.text(&mut s, 80, 24, 1000);
    assert!(text.contains("Mark today as a migraine day?"), "{text}");
    let (_, effects) = w.press(&mut s, "y", 1000);
    match &effects[..] {
        [Effect::Store(StoreEffect::AnswerDay(e))] => {
            assert_eq!(e.date, today);
            assert!(e.headache && e.migraine, "{e:?}");
            assert_eq!(e.worst, Some(Intensity::Moderate), "what today said stays");
        }
        other => panic!("{other:?}"),
    }
    // Today already a migraine day: nothing to offer.
    known.migraine = true;
    w.days.as_mut().unwrap().keep(known);
    let mut s = Finish::new(r, None, &w.ctx());
    w.press(&mut s, "Enter", 0);
    assert!(!w.text(&mut s, 80, 24, 0).contains("Mark today"));
}
