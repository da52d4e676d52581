//! The review screens, History and Stats, drawn from a realistic history (11 weeks of
//! routines, breathing and professional sessions, ratings added by amendment, a note with
//! commas and quotes, a torn line) on the fixed "today" of Tuesday 24 November 2026.
//! Snapshots at 80×24 and 40×12, every filter, the detail view, an empty history, and
//! buffer assertions for what snapshots cannot see (colour, the selection).

mod common;

use common::TestApp;
use knotless::config::ThemeName;
use ratatui::style::{Color, Modifier};

const FIXTURE: &str = include_str!("fixtures/review_history.jsonl");

/// The app on its home screen with the fixture history in place.
fn with_history(theme: ThemeName) -> TestApp {
    let t = TestApp::new(theme, None);
    std::fs::write(t.data.path().join("history.jsonl"), FIXTURE).unwrap();
    t
}

fn history(theme: ThemeName) -> TestApp {
    let mut t = with_history(theme);
    t.keys(0, &["h"]);
    assert_eq!(t.app.screen().title(), "History");
    t
}

/// The text of the screen's row `y`.
fn row(screen: &str, y: usize) -> &str {
    screen.lines().nth(y).unwrap_or("")
}

#[test]
fn history_80x24_and_40x12() {
    let t = history(ThemeName::Calm);
    insta::assert_snapshot!("history_80x24", t.screen(80, 24, 0));
    insta::assert_snapshot!("history_40x12", t.screen(40, 12, 0));
}

#[test]
fn history_is_newest_first_and_merges_amendments() {
    let t = history(ThemeName::Calm);
    let s = t.screen(80, 24, 0);
    // The Sunday session was appended after Monday's (a back-fill): it still sorts by time.
    assert!(row(&s, 2).contains("Mon 23 Nov 21:30"), "{s}");
    assert!(row(&s, 4).contains("Sun 22 Nov 10:15"), "{s}");
    // Monday's after-rating came in an amendment line.
    assert!(row(&s, 3).contains("6 → 3"), "{s}");
    // A before-rating alone, and an outcome said plainly.
    assert!(s.contains("3 → –"), "{s}");
    assert!(s.contains("interrupted"), "{s}");
    assert!(s.contains("1 unreadable line skipped (line 20)"), "{s}");
}

#[test]
fn history_moves_and_scrolls() {
    let mut t = history(ThemeName::Calm);
    t.keys(0, &["G"]);
    let s = t.screen(80, 24, 0);
    assert!(
        s.contains("Mon 7 Sep 07:40"),
        "the oldest session is in view: {s}"
    );
    assert!(!s.contains("Mon 23 Nov"), "{s}");
    t.keys(0, &["g"]);
    assert!(t.screen(80, 24, 0).contains("Mon 23 Nov 21:30"));
    // Past the ends nothing moves or panics.
    t.keys(0, &["k", "k", "Up"]);
    t.keys(0, &["j", "Down"]);
    assert!(t.screen(80, 24, 0).contains("Mon 23 Nov 21:30"));
}

#[test]
fn history_detail_shows_every_field() {
    let mut t = history(ThemeName::Calm);
    t.keys(0, &["j", "Enter"]);
    assert_eq!(t.app.screen().title(), "Session");
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("history_detail_80x24", s);
    for want in [
        "Mon 23 Nov 2026, 19:05",
        "6:40 of 6:40 planned",
        "0:40",
        "completed",
        "6 → 3",
        "\"levator press\", but the left side, again,",
        "Shoulder-top squeeze",
        "neck-release",
    ] {
        assert!(s.contains(want), "missing {want:?}: {s}");
    }
    insta::assert_snapshot!("history_detail_40x12", t.screen(40, 12, 0));
    // Scrolling the small one reaches the record id at the end.
    t.keys(0, &["G"]);
    assert!(t.screen(40, 12, 0).contains("20261123T190500000Z"));
    t.keys(0, &["Esc"]);
    assert_eq!(t.app.screen().title(), "History");
    t.keys(0, &["Enter", "q"]);
    assert_eq!(t.app.screen().title(), "History");
    t.keys(0, &["q"]);
    assert_eq!(t.app.screen().title(), "Home");
}

#[test]
fn history_detail_of_a_partly_done_session() {
    let mut t = history(ThemeName::Calm);
    // The interrupted neck release of Sunday 8 November.
    for _ in 0..9 {
        t.keys(0, &["j"]);
    }
    assert!(row(&t.screen(80, 24, 0), 11).contains("interrupted"));
    t.keys(0, &["Enter"]);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("history_detail_interrupted", s);
    assert!(s.contains("partial") && s.contains("skipped"), "{s}");
}

#[test]
fn history_area_filter_cycles_through_the_areas_present() {
    let mut t = history(ThemeName::Calm);
    t.keys(0, &["a"]);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("history_area_neck", s);
    assert!(row(&s, 0).contains("History · neck"), "{s}");
    // neck, shoulders, scalp, jaw, breathing, external, then all again.
    let mut titles = vec![];
    for _ in 0..6 {
        t.keys(0, &["a"]);
        titles.push(row(&t.screen(80, 24, 0), 0).to_string());
    }
    assert!(titles[0].contains("· shoulders"), "{titles:?}");
    assert!(titles[3].contains("· breathing"), "{titles:?}");
    assert!(titles[4].contains("· external"), "{titles:?}");
    assert!(titles[5].starts_with("┌ History ─"), "{titles:?}");
}

#[test]
fn history_routine_filter_cycles_by_title() {
    let mut t = history(ThemeName::Calm);
    t.keys(0, &["r"]);
    let s = t.screen(80, 24, 0);
    assert!(
        row(&s, 0).contains("History · Breathing: extended-exhale"),
        "{s}"
    );
    // By title: extended-exhale, resonance, then the jaw routine.
    t.keys(0, &["r", "r"]);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("history_routine_jaw", s);
    assert!(row(&s, 0).contains("Jaw and temple release"), "{s}");
    assert!(!s.contains("Neck release"), "{s}");
}

#[test]
fn history_routine_filter_follows_the_area() {
    let mut t = history(ThemeName::Calm);
    // Area neck: the only routine there is the neck release.
    t.keys(0, &["a", "r"]);
    let s = t.screen(80, 24, 0);
    assert!(
        row(&s, 0).contains("History · neck · Neck release between sessions"),
        "{s}"
    );
    t.keys(0, &["r"]);
    assert!(row(&t.screen(80, 24, 0), 0).contains("History · neck "));
    // Switching area drops a routine filter that would show nothing.
    t.keys(0, &["r", "a"]);
    let s = t.screen(80, 24, 0);
    assert!(row(&s, 0).contains("History · shoulders "), "{s}");
}

#[test]
fn history_period_filter() {
    let mut t = history(ThemeName::Calm);
    t.keys(0, &["p"]);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("history_last_7_days", s);
    // Today (Tuesday) and the six days before: from Wednesday 18 November.
    assert!(row(&s, 0).contains("last 7 days"), "{s}");
    assert!(!s.contains("Tue 17 Nov"), "{s}");
    assert!(s.contains("3 sessions"), "{s}");
    t.keys(0, &["p"]);
    assert!(row(&t.screen(80, 24, 0), 0).contains("last 30 days"));
    t.keys(0, &["p"]);
    assert!(row(&t.screen(80, 24, 0), 0).contains("last 90 days"));
    t.keys(0, &["p"]);
    assert!(row(&t.screen(80, 24, 0), 0).contains("this year"));
    t.keys(0, &["p"]);
    assert!(row(&t.screen(80, 24, 0), 0).starts_with("┌ History ─"));
}

#[test]
fn history_filters_that_match_nothing_say_so() {
    let mut t = history(ThemeName::Calm);
    // Last 7 days, area external: the last professional session was 11 days ago.
    t.keys(0, &["p"]);
    for _ in 0..6 {
        t.keys(0, &["a"]);
    }
    let s = t.screen(80, 24, 0);
    assert!(row(&s, 0).contains("external · last 7 days"), "{s}");
    assert!(s.contains("Nothing here with these filters"), "{s}");
    // Enter on nothing does nothing.
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "History");
}

#[test]
fn history_empty() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["h"]);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("history_empty", s);
    assert!(s.contains("No sessions yet."), "{s}");
    t.keys(0, &["Enter", "a", "r", "p", "j", "G"]);
    assert_eq!(t.app.screen().title(), "History");
}

#[test]
fn history_mono_sets_no_colour_and_marks_the_selection() {
    let mut t = history(ThemeName::Mono);
    t.keys(0, &["j"]);
    let buf = t.buffer(80, 24, 0);
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "colour at {:?}", cell.symbol());
        assert_eq!(cell.bg, Color::Reset, "background at {:?}", cell.symbol());
    }
    // The second session (row 3) is reversed across the table; the first is not.
    let reversed = (1..79)
        .filter(|&x| buf[(x, 3)].modifier.contains(Modifier::REVERSED))
        .count();
    assert_eq!(reversed, 78);
    assert!(!(1..79).any(|x| buf[(x, 2)].modifier.contains(Modifier::REVERSED)));
    // The detail view and the stats are colourless too.
    t.keys(0, &["Enter"]);
    let buf = t.buffer(80, 24, 0);
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
}
