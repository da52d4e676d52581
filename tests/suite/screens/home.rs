//! Home from a made-up `Ctx`: the small library grouped by area, the detail pane, the
//! filter, the day question, and where each key leads.

use knotless::core::period::Period;
use knotless::model::config::ThemeName;
use knotless::model::day::{DayEntry, Intensity, Meds};
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
fn whose_routine_it_is_shows_in_the_list_and_the_detail_pane() {
    let mut w = World::new();
    w.make_yours("neck-release", true);
    w.make_yours("jaw-and-temples", false);
    let neck = w.routine("neck-release").name;
    let mut s = home(&w);
    let title = format!("┌ {neck} ");
    for _ in 0..10 {
        if w.text(&mut s, 80, 24, 0).contains(&title) {
            break;
        }
        w.press(&mut s, "j", 0);
    }
    let text = w.text(&mut s, 80, 24, 0);
    insta::assert_snapshot!("home_replaces_bundled_80x24", text);
    // The detail pane says it in full, under its title; the list row, narrow, says "yours".
    let top = text.lines().position(|l| l.contains(&title)).expect(&text);
    let under = text.lines().nth(top + 1).unwrap();
    assert_eq!(
        under.rsplit('│').nth(1).unwrap().trim(),
        "yours, replaces bundled",
        "{text}"
    );
    assert!(line_with(&text, "│ Neck release betw").contains("yours · 10 min"));
    assert!(line_with(&text, "│ Jaw and temple").contains("yours · "));
    // A row with room for the name whole says it in full there too.
    w.lib
        .routines
        .iter_mut()
        .find(|r| r.id == "neck-release")
        .unwrap()
        .name = "Neck".into();
    let mut s = home(&w);
    let wide = w.text(&mut s, 200, 50, 0);
    assert!(
        line_with(&wide, "│ Neck ").contains("yours, replaces bundled · 10 min"),
        "{wide}"
    );
    assert!(!line_with(&wide, "Jaw and temple").contains("replaces"));
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
                    heat_days: false,
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

/// A world whose day log asks about today, not yet answered.
fn asked_today() -> World {
    let mut w = World::new();
    let today = w.now.date();
    w.days = Some(DayState {
        ask: Some(today),
        today: Some(today),
        ..Default::default()
    });
    w
}

#[test]
fn the_day_question_is_answered_once_the_answer_settles() {
    let mut w = asked_today();
    let today = w.now.date();
    let mut s = home(&w);
    assert!(
        w.text(&mut s, 80, 24, 0)
            .contains("Headache today?  y yes · n no · d yesterday")
    );
    // A yes, then a change of mind: nothing is written while it is being given.
    assert!(w.keys(&mut s, &["y", "w", "n"], 0).1.is_empty());
    assert!(w.text(&mut s, 80, 24, 0).contains("No headache today."));
    let settles = w.at(0) + knotless::screens::diary::SETTLE;
    assert_eq!(s.deadline(w.at(0), &w.ctx()), Some(settles));
    assert!(s.tick(w.at(1_000), &w.ctx()).1.is_empty());
    let (_, effects) = s.tick(settles, &w.ctx());
    match &effects[..] {
        [Effect::Store(StoreEffect::AnswerDay(e))] => {
            assert!(!e.headache);
            assert_eq!(e.date, today);
        }
        other => panic!("one settled answer: {other:?}"),
    }
    // Then nothing until noon (two hours on), when the morning's question may change.
    assert_eq!(
        s.deadline(settles, &w.ctx()),
        Some(settles + std::time::Duration::from_secs(2 * 3600))
    );
    // Without the day log, y does nothing.
    w.days = None;
    assert!(w.press(&mut s, "y", 0).1.is_empty());
}

/// Changing how bad the headache was, or what was taken, never moves what is below the
/// line: it keeps the height of its longest answer.
#[test]
fn the_day_line_keeps_its_height_while_the_answer_changes() {
    let w = asked_today();
    let mut s = home(&w);
    w.press(&mut s, "y", 0);
    let list_row = |s: &mut knotless::screens::home::Home| {
        let text = w.text(s, 80, 24, 0);
        text.lines().position(|l| l.contains("Routines")).unwrap()
    };
    let first = list_row(&mut s);
    for key in ["w", "w", "w", "p", "p", "p", "w"] {
        w.press(&mut s, key, 0);
        assert_eq!(
            list_row(&mut s),
            first,
            "after {key}:\n{}",
            w.text(&mut s, 80, 24, 0)
        );
    }
}

#[test]
fn an_answer_is_written_before_home_is_left_or_the_app_quits() {
    let mut w = World::new();
    let today = w.now.date();
    let mut known = DayEntry::new(today, true);
    known.worst = Some(Intensity::Mild);
    w.days = Some(DayState {
        today: Some(today),
        recent: vec![known],
        ..Default::default()
    });
    // Today's answer shows with the keys that change it, whenever home is shown.
    let mut s = home(&w);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(
        text.contains("Headache today.  w worst: mild · p medicine: —"),
        "{text}"
    );
    w.press(&mut s, "p", 0);
    let (nav, effects) = w.press(&mut s, "h", 0);
    assert!(matches!(nav, Nav::Open(Route::History { .. })), "{nav:?}");
    match &effects[..] {
        [Effect::Store(StoreEffect::AnswerDay(e))] => {
            assert_eq!(e.meds, Some(Meds::None));
            assert_eq!(e.worst, Some(Intensity::Mild), "what was said stays");
        }
        other => panic!("written on the way out: {other:?}"),
    }
    // Quitting (q, or Ctrl-C's shutdown) writes it too.
    w.press(&mut s, "w", 0);
    let (nav, effects) = w.press(&mut s, "q", 0);
    assert!(
        matches!(nav, Nav::Quit) && effects.len() == 1,
        "{effects:?}"
    );
    w.press(&mut s, "n", 0);
    assert_eq!(s.shutdown(w.at(0), &w.ctx()).len(), 1);
    assert!(s.shutdown(w.at(0), &w.ctx()).is_empty(), "once");
}

#[test]
fn esc_asks_before_quitting() {
    let w = World::new();
    let mut s = home(&w);
    // After clearing a filter, one Esc too many only asks.
    w.keys(&mut s, &["/", "j", "Enter"], 0);
    let (nav, _) = w.press(&mut s, "Esc", 0);
    assert!(matches!(nav, Nav::Stay));
    let (nav, _) = w.press(&mut s, "Esc", 0);
    assert!(matches!(nav, Nav::Stay), "{nav:?}");
    let text = w.text(&mut s, 80, 24, 0);
    assert!(
        line_with(&text, "Quit knotless?").contains("y quit"),
        "{text}"
    );
    // Esc (or n, or any other key) stays.
    let (nav, _) = w.press(&mut s, "Esc", 0);
    assert!(matches!(nav, Nav::Stay));
    assert!(!w.text(&mut s, 80, 24, 0).contains("Quit knotless?"));
    w.press(&mut s, "Esc", 0);
    let (nav, _) = w.press(&mut s, "y", 0);
    assert!(matches!(nav, Nav::Quit), "{nav:?}");
    // q quits at once, as the footer says.
    assert!(matches!(w.press(&mut home(&w), "q", 0).0, Nav::Quit));
}

#[test]
fn a_file_that_did_not_load_offers_edit_not_start() {
    let mut w = World::new();
    w.lib.problems.push(knotless::library::diag::Diagnostic {
        file: "/home/me/.config/knotless/routines/mine.toml".into(),
        line: 3,
        column: 1,
        message: "a step has no title".into(),
        hint: None,
    });
    let mut s = home(&w);
    w.press(&mut s, "f", 0);
    let text = w.text(&mut s, 100, 30, 0);
    let footer = text.lines().last().unwrap();
    assert!(!footer.contains("Enter start"), "{footer}");
    assert!(footer.contains("e edit the file"), "{footer}");
    let (nav, effects) = w.press(&mut s, "Enter", 0);
    assert!(matches!(nav, Nav::Stay) && effects.is_empty());
    w.press(&mut s, "g", 0);
    let text = w.text(&mut s, 100, 30, 0);
    assert!(text.lines().last().unwrap().contains("Enter start"));
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

/// A message too long for the footer ends in "…" (not mid-word with nothing to say so), and
/// the keys to help and to quit stay beside it while it shows.
#[test]
fn a_long_status_is_cut_with_an_ellipsis_and_keeps_help_and_quit() {
    let mut w = World::new();
    w.status = Some(
        "no sound player found: using the terminal bell (`knotless sound test` says what to install)"
            .into(),
    );
    let mut s = home(&w);
    for width in [80u16, 60] {
        let text = w.text(&mut s, width, 24, 0);
        let foot = text.lines().last().unwrap();
        assert!(foot.contains("no sound player found"), "{foot}");
        assert!(foot.contains('…'), "{foot}");
        assert!(foot.contains("? help"), "{foot}");
    }
    // Too narrow for both: the message, cut.
    let text = w.text(&mut s, 24, 12, 0);
    let foot = text.lines().last().unwrap();
    assert!(foot.trim_end().ends_with('…'), "{foot}");
}
