//! Home from a made-up `Ctx`: the small library grouped by area, the detail pane, the
//! filter, the day question, and where each key leads.

use knotless::core::period::Period;
use knotless::model::config::ThemeName;
use knotless::screens::home::Home;
use knotless::screens::{DayState, DoneInfo, Effect, Nav, Route, Screen, StoreEffect};
use ratatui::style::Modifier;

use crate::common::ctx::{World, line_with};

fn home(w: &World) -> Home {
    Home::new(&w.ctx())
}

#[test]
fn it_lists_the_routines_by_area_with_the_first_one_s_details() {
    let mut w = World::new();
    w.header = Some("Last session yesterday · 2 this week".into());
    w.done.insert(
        "neck-release".into(),
        DoneInfo {
            last: "2026-11-22T18:00:00Z".parse().unwrap(),
            count: 6,
            pain_change: Some("−1.9 (n=4)".into()),
        },
    );
    let mut s = home(&w);
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("home_80x24", text);
    assert!(text.contains("Last session yesterday"), "{text}");
    insta::assert_snapshot!("home_40x12", w.text(&mut s, 40, 12, 0));
}

#[test]
fn the_detail_pane_follows_the_selection_and_says_when_it_was_done() {
    let mut w = World::new();
    let mut s = home(&w);
    let first = w.text(&mut s, 100, 60, 0);
    let selected = w.lib.routines[0].name.clone();
    assert!(line_with(&first, &selected).matches(&selected).count() >= 1);
    assert!(first.contains("Not done yet"), "{first}");
    w.done.insert(
        w.lib.routines[1].id.clone(),
        DoneInfo {
            last: "2026-11-22T18:00:00Z".parse().unwrap(),
            count: 3,
            pain_change: None,
        },
    );
    w.press(&mut s, "j", 0);
    let next = w.text(&mut s, 100, 60, 0);
    assert!(next.contains("Last done Sunday · 3 times"), "{next}");
}

#[test]
fn keys_lead_where_the_footer_says() {
    let w = World::new();
    let mut s = home(&w);
    w.press(&mut s, "j", 0);
    let (nav, _) = w.press(&mut s, "Enter", 0);
    match nav {
        Nav::Open(Route::Before(r)) => assert_eq!(r.id, w.lib.routines[1].id),
        other => panic!("{other:?}"),
    }
    type Wanted = fn(&Nav) -> bool;
    let cases: [(&str, Wanted); 5] = [
        ("h", |n| {
            matches!(
                n,
                Nav::Open(Route::History {
                    period: Period::All
                })
            )
        }),
        ("s", |n| {
            matches!(
                n,
                Nav::Open(Route::Stats {
                    period: Period::NinetyDays,
                    view: knotless::screens::stats::View::Overview,
                })
            )
        }),
        ("b", |n| matches!(n, Nav::Open(Route::BreathingSetup))),
        ("!", |n| {
            matches!(n, Nav::Open(Route::Notice { review: true, .. }))
        }),
        ("q", |n| matches!(n, Nav::Quit)),
    ];
    for (k, want) in cases {
        let (nav, effects) = w.press(&mut s, k, 0);
        assert!(want(&nav) && effects.is_empty(), "{k}: {nav:?}");
    }
    let (_, effects) = w.press(&mut s, "e", 0);
    assert!(
        matches!(&effects[..], [Effect::App(_)]),
        "e edits the routine: {effects:?}"
    );
}

#[test]
fn the_filter_captures_typing_and_esc_clears_it() {
    let w = World::new();
    let mut s = home(&w);
    w.press(&mut s, "/", 0);
    assert!(s.captures_text());
    w.keys(&mut s, &["j", "a", "w"], 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("Routines · /jaw▏"), "{text}");
    assert!(!text.contains("Neck release"), "{text}");
    w.press(&mut s, "Enter", 0);
    assert!(!s.captures_text());
    w.press(&mut s, "Esc", 0);
    assert!(w.text(&mut s, 80, 24, 0).contains("Neck release"));
    // Nothing matching says so.
    w.keys(&mut s, &["/", "z", "z", "z"], 0);
    assert!(
        w.text(&mut s, 80, 24, 0)
            .contains("Nothing matches \"zzz\"")
    );
}

#[test]
fn the_day_question_answers_with_one_key() {
    let mut w = World::new();
    let today = w.now.date();
    w.days = Some(DayState {
        ask: Some(today),
        today: Some(today),
        ..Default::default()
    });
    let mut s = home(&w);
    assert!(
        w.text(&mut s, 80, 24, 0)
            .contains("Headache today?  y yes · n no")
    );
    let (nav, effects) = w.press(&mut s, "y", 0);
    assert!(matches!(nav, Nav::Stay));
    match &effects[..] {
        [Effect::Store(StoreEffect::AnswerDay(e))] => {
            assert!(e.headache);
            assert_eq!(e.date, today);
        }
        other => panic!("{other:?}"),
    }
    // Without the question, y does nothing.
    w.days = None;
    assert!(w.press(&mut s, "y", 0).1.is_empty());
}

#[test]
fn mono_marks_the_selection_without_colour() {
    let w = World::new().themed(ThemeName::Mono);
    let mut s = home(&w);
    let buf = w.draw(&mut s, 80, 24, 0);
    let y = (0..24)
        .find(|&y| {
            (0..40)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("Neck release")
        })
        .expect("the first routine is listed");
    let cell = &buf[(2, y)];
    assert!(cell.modifier.contains(Modifier::REVERSED), "{cell:?}");
    assert_eq!(cell.fg, ratatui::style::Color::Reset);
}

#[test]
fn a_long_list_scrolls_with_the_selection_and_keeps_its_heading() {
    let mut w = World::new();
    w.lib = knotless::library::Library::load(None);
    let mut s = home(&w);
    let top = w.text(&mut s, 80, 14, 0);
    assert!(top.contains("NECK"), "{top}");
    w.press(&mut s, "G", 0);
    let end = w.text(&mut s, 80, 14, 0);
    assert!(!end.contains("NECK"), "scrolled to the end: {end}");
    // The last row shown is the selected one.
    let buf = w.draw(&mut s, 80, 14, 0);
    let bottom = 14 - 3;
    assert_eq!(buf[(2, bottom)].bg, w.theme.selected.bg.unwrap(), "{end}");
    // Back to the top: the first routine's heading comes back too.
    w.press(&mut s, "g", 0);
    assert_eq!(w.text(&mut s, 80, 14, 0), top);
    // From the end, up one routine at a time: the selection is always in view, and
    // scrolling up to the first routine shows its heading above it, as at the start.
    w.press(&mut s, "G", 0);
    w.text(&mut s, 80, 14, 0);
    for _ in 1..w.lib.routines.len() {
        w.press(&mut s, "k", 0);
        let text = w.text(&mut s, 80, 14, 0);
        let buf = w.draw(&mut s, 80, 14, 0);
        assert!(
            (0..14).any(|y| buf[(2, y)].bg == w.theme.selected.bg.unwrap()),
            "the selection is in view: {text}"
        );
    }
    assert_eq!(w.text(&mut s, 80, 14, 0), top);
}
