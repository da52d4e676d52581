//! History and one session's details from made-up records: the table newest first, its
//! filters and keys, scrolling a long history, and the detail view.

use knotless::core::period::Period;
use knotless::model::config::ThemeName;
use knotless::model::record::{Outcome, SessionRecord};
use knotless::screens::history::History;
use knotless::screens::record::SessionDetail;
use knotless::screens::{Effect, Nav, Route, Screen, StoreEffect};
use ratatui::style::Modifier;

use crate::common::ctx::{World, line_with};
use crate::common::{external, rec, with_pain};

/// Six sessions over two months, and a massage; "today" is Tuesday 24 November 2026.
fn records() -> Vec<SessionRecord> {
    let mut jaw = rec(
        "j",
        "2026-11-20T08:00:00+00:00",
        "jaw-and-temples",
        "jaw",
        240.0,
    );
    jaw.outcome = Outcome::Stopped;
    vec![
        with_pain(
            rec(
                "a",
                "2026-11-23T21:30:00+00:00",
                "neck-release",
                "neck",
                400.0,
            ),
            Some(6),
            Some(3),
        ),
        with_pain(
            rec(
                "b",
                "2026-11-22T10:15:00+00:00",
                "shoulders-ball-wall",
                "shoulders",
                300.0,
            ),
            Some(3),
            None,
        ),
        jaw,
        external("m", "2026-11-10T17:00:00+00:00", "Massage therapist", 60.0),
        rec(
            "c",
            "2026-10-30T07:40:00+00:00",
            "neck-release",
            "neck",
            400.0,
        ),
        rec(
            "d",
            "2026-09-07T07:40:00+00:00",
            "migraine-day",
            "neck",
            200.0,
        ),
    ]
}

fn history(w: &World, records: &[SessionRecord], period: Period) -> History {
    let mut h = History::new(period, &w.ctx());
    for r in records {
        h.add(r);
    }
    h.loaded(Vec::new(), None)
}

/// The record id `nav` opens.
fn opened(nav: &Nav) -> &str {
    match nav {
        Nav::Open(Route::SessionDetail(id)) => id,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_table_is_newest_first_at_every_size() {
    let w = World::new();
    let mut h = history(&w, &records(), Period::All);
    let text = w.text(&mut h, 80, 24, 0);
    insta::assert_snapshot!("history_80x24", text);
    assert!(
        line_with(&text, "Mon 23 Nov 21:30").contains("6 → 3"),
        "{text}"
    );
    assert!(line_with(&text, "Fri 20 Nov").contains("stopped"), "{text}");
    insta::assert_snapshot!("history_40x12", w.text(&mut h, 40, 12, 0));
}

#[test]
fn enter_opens_the_selected_session_and_s_the_stats_for_the_period() {
    let w = World::new();
    let mut h = history(&w, &records(), Period::All);
    assert_eq!(opened(&w.press(&mut h, "Enter", 0).0), "a");
    w.keys(&mut h, &["j", "j"], 0);
    assert_eq!(opened(&w.press(&mut h, "Enter", 0).0), "j");
    w.press(&mut h, "G", 0);
    assert_eq!(opened(&w.press(&mut h, "Enter", 0).0), "d");
    let (nav, _) = w.press(&mut h, "s", 0);
    assert!(
        matches!(
            nav,
            Nav::Switch(Route::Stats {
                period: Period::All,
                view: knotless::screens::stats::View::Overview,
                heat_days: false,
            })
        ),
        "{nav:?}"
    );
    let mut h = history(&w, &records(), Period::FourWeeks);
    let (nav, _) = w.press(&mut h, "s", 0);
    assert!(
        matches!(
            nav,
            Nav::Switch(Route::Stats {
                period: Period::FourWeeks,
                view: knotless::screens::stats::View::Overview,
                heat_days: false,
            })
        ),
        "{nav:?}"
    );
    assert!(matches!(w.press(&mut h, "q", 0).0, Nav::Back));
}

#[test]
fn the_filters_narrow_the_table_and_keep_the_selection() {
    let w = World::new();
    let mut h = history(&w, &records(), Period::All);
    // On Sunday's shoulders session, the neck filter drops it and selects the newest.
    w.press(&mut h, "j", 0);
    w.press(&mut h, "a", 0);
    let text = w.text(&mut h, 80, 24, 0);
    assert!(
        text.lines().next().unwrap().contains("History · neck"),
        "{text}"
    );
    assert!(!text.contains("shoulders"), "{text}");
    assert!(text.contains("3 sessions"), "{text}");
    // The period: the last 7 days are today and the six days before.
    let mut h = history(&w, &records(), Period::All);
    w.keys(&mut h, &["j", "p"], 0);
    let text = w.text(&mut h, 80, 24, 0);
    assert!(text.contains("History · last 7 days"), "{text}");
    assert!(text.contains("3 sessions"), "{text}");
    assert_eq!(
        opened(&w.press(&mut h, "Enter", 0).0),
        "b",
        "still on Sunday's"
    );
    // Filters that match nothing say so.
    let mut h = history(&w, &records()[3..], Period::Week);
    assert!(
        w.text(&mut h, 80, 24, 0)
            .contains("Nothing here with these filters")
    );
}

#[test]
fn a_long_history_scrolls_with_its_selection() {
    let w = World::new();
    let many: Vec<SessionRecord> = (0..500)
        .map(|i| {
            let at = w.now.timestamp() - jiff::SignedDuration::from_hours(3 * i64::from(i) + 1);
            let at = knotless::model::record::Stamp::new(at, &jiff::tz::TimeZone::UTC);
            rec(
                &format!("r{i}"),
                &at.to_string(),
                "neck-release",
                "neck",
                300.0,
            )
        })
        .collect();
    let mut h = history(&w, &many, Period::All);
    // 24 rows: 20 sessions show. Down past the window scrolls it a row at a time.
    for _ in 0..25 {
        w.press(&mut h, "j", 0);
    }
    let text = w.text(&mut h, 80, 24, 0);
    assert_eq!(opened(&w.press(&mut h, "Enter", 0).0), "r25");
    let buf = w.draw(&mut h, 80, 24, 0);
    let selected_y = (0..24)
        .filter(|&y| buf[(2, y)].bg == w.theme.selected.bg.unwrap())
        .collect::<Vec<_>>();
    assert_eq!(
        selected_y,
        vec![21],
        "the selection is the last row shown:\n{text}"
    );
    // Up within the window does not scroll; PgDn moves ten; G the oldest.
    w.keys(&mut h, &["k", "k"], 0);
    assert_eq!(w.text(&mut h, 80, 24, 0), {
        let mut again = history(&w, &many, Period::All);
        for _ in 0..25 {
            w.press(&mut again, "j", 0);
        }
        w.text(&mut again, 80, 24, 0);
        w.keys(&mut again, &["k", "k"], 0);
        w.text(&mut again, 80, 24, 0)
    });
    w.press(&mut h, "PageDown", 0);
    w.press(&mut h, "G", 0);
    assert_eq!(opened(&w.press(&mut h, "Enter", 0).0), "r499");
    assert!(w.text(&mut h, 80, 24, 0).contains("500 sessions"));
}

#[test]
fn mono_marks_the_selected_row_in_one_style() {
    let w = World::new().themed(ThemeName::Mono);
    let mut h = history(&w, &records(), Period::All);
    let buf = w.draw(&mut h, 80, 24, 0);
    // The first row (y 2) is selected: every cell reversed, the rating's bold included,
    // and nothing dimmed.
    for x in 1..79 {
        let cell = &buf[(x, 2)];
        assert!(cell.modifier.contains(Modifier::REVERSED), "{x}: {cell:?}");
        assert!(!cell.modifier.contains(Modifier::DIM), "{x}: {cell:?}");
    }
    assert!(
        buf[(60, 3)].modifier.is_empty() || !buf[(60, 3)].modifier.contains(Modifier::REVERSED)
    );
}

#[test]
fn the_detail_shows_every_field_and_scrolls_when_small() {
    let w = World::new();
    let mut r = records().remove(0);
    r.note = Some("\"levator press\", but the left side, again".into());
    let mut d = SessionDetail::new(r, &w.ctx());
    let text = w.text(&mut d, 80, 24, 0);
    insta::assert_snapshot!("detail_80x24", text);
    for want in [
        "Mon 23 Nov 21:30 → 21:36",
        "6:40 of 6:40 planned",
        "6 → 3  (3 lower afterwards)",
        "levator press",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let small = w.text(&mut d, 40, 12, 0);
    assert!(small.contains("↓ more"), "{small}");
    w.press(&mut d, "G", 0);
    let end = w.text(&mut d, 40, 12, 0);
    assert!(end.contains("record a"), "{end}");
    assert!(end.contains("↑ more"), "{end}");
    w.press(&mut d, "g", 0);
    assert_eq!(w.text(&mut d, 40, 12, 0), small);
    assert!(matches!(w.press(&mut d, "Esc", 0).0, Nav::Back));
}

#[test]
fn a_past_session_is_rated_and_noted_from_its_record_view() {
    let mut w = World::new();
    let r = records().remove(1); // shoulders, rated 3 before, never after
    let mut d = SessionDetail::new(r, &w.ctx());
    let footer = w.text(&mut d, 80, 24, 0);
    let footer = footer.lines().last().unwrap();
    assert!(
        footer.contains("a head after") && footer.contains("n note"),
        "{footer}"
    );
    // a: the after-rating, as an amendment; the view shows it at once.
    w.press(&mut d, "a", 0);
    assert!(d.captures_text(), "digits and q are the rating's now");
    let text = w.text(&mut d, 80, 24, 0);
    assert!(
        text.contains("How was your head afterwards?   (before: 3)"),
        "{text}"
    );
    let (nav, effects) = w.press(&mut d, "2", 0);
    assert!(matches!(nav, Nav::Stay));
    let a = match &effects[..] {
        [Effect::Store(StoreEffect::Amend(a))] => a.clone(),
        other => panic!("one amendment: {other:?}"),
    };
    assert_eq!(
        (a.amends.as_str(), a.pain_after, a.note.clone()),
        ("b", Some(2), None)
    );
    assert!(
        w.text(&mut d, 80, 24, 0)
            .contains("3 → 2  (1 lower afterwards)")
    );
    // n: a note, typed and saved; Esc leaves it as it was.
    w.keys(&mut d, &["n", "o", "k"], 0);
    assert!(w.text(&mut d, 80, 24, 0).contains("Note: ok▏"));
    let (_, effects) = w.press(&mut d, "Enter", 0);
    match &effects[..] {
        [Effect::Store(StoreEffect::Amend(a))] => assert_eq!(a.note.as_deref(), Some("ok")),
        other => panic!("one amendment: {other:?}"),
    }
    assert!(line_with(&w.text(&mut d, 80, 24, 0), "Note").contains("ok"));
    let (_, effects) = w.keys(&mut d, &["n", "Backspace", "Esc"], 0);
    assert!(effects.is_empty());
    assert_eq!(d.record().note.as_deref(), Some("ok"));
    // The list read before shows the new rating once it is shown again.
    let mut h = history(&w, &records(), Period::All);
    w.amended.push(a);
    h.resumed(&w.ctx());
    let text = w.text(&mut h, 80, 24, 0);
    assert!(line_with(&text, "Sun 22 Nov").contains("3 → 2"), "{text}");
}

#[test]
fn history_and_the_record_view_keep_a_readable_width() {
    let w = World::new();
    let mut h = history(&w, &records(), Period::All);
    let text = w.text(&mut h, 200, 30, 0);
    let row = line_with(&text, "Mon 23 Nov 21:30");
    let start = row.find("Mon 23 Nov").unwrap();
    let end = row.find("6 → 3").unwrap();
    assert!(start >= 40, "centred, not at the left edge: {row}");
    assert!(end - start < 120, "within 120 columns: {row}");
    let mut d = SessionDetail::new(records().remove(0), &w.ctx());
    let text = w.text(&mut d, 200, 30, 0);
    let when = line_with(&text, "When");
    assert!(when.find("When").unwrap() >= 40, "{when}");
}

/// A time spent shows the whole seconds passed, as everywhere: 86,399.999 s is 23:59:59
/// (kept as a 32-bit float, it rounded up to 24:00:00), and 13.95 s is 0:13.
#[test]
fn the_table_shows_whole_seconds_passed() {
    let w = World::new();
    let mut long = rec(
        "long",
        "2026-11-23T08:00:00+00:00",
        "neck-release",
        "neck",
        86_399.999,
    );
    long.active_secs = 86_399.999;
    let mut short = rec(
        "short",
        "2026-11-22T08:00:00+00:00",
        "neck-release",
        "neck",
        13.95,
    );
    short.active_secs = 13.95;
    let mut h = history(&w, &[long, short], Period::All);
    let text = w.text(&mut h, 100, 24, 0);
    assert!(
        line_with(&text, "Mon 23 Nov").contains("23:59:59"),
        "{text}"
    );
    assert!(line_with(&text, "Sun 22 Nov").contains("0:13"), "{text}");
}
