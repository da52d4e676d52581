//! The review screens, History and Stats, drawn from a realistic history (11 weeks of
//! routines, breathing and professional sessions, ratings added by amendment, a note with
//! commas and quotes, a torn line) on the fixed "today" of Tuesday 24 November 2026.
//! Snapshots at 80×24 and 40×12, every filter, the detail view, an empty history, and
//! buffer assertions for what snapshots cannot see (colour, the selection).

use crate::common;

use common::TestApp;
use knotless::model::config::ThemeName;
use ratatui::style::{Color, Modifier};

const FIXTURE: &str = include_str!("../fixtures/review_history.jsonl");

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

fn stats(theme: ThemeName) -> TestApp {
    let mut t = with_history(theme);
    t.keys(0, &["s"]);
    assert_eq!(t.app.screen().title(), "Stats");
    t
}

/// The text of the screen's row `y`.
fn row(screen: &str, y: usize) -> &str {
    screen.lines().nth(y).unwrap_or("")
}

#[test]
fn history_80x24_and_40x12() {
    let mut t = history(ThemeName::Calm);
    insta::assert_snapshot!("history_80x24", t.screen(80, 24, 0));
    insta::assert_snapshot!("history_40x12", t.screen(40, 12, 0));
}

#[test]
fn history_is_newest_first_and_merges_amendments() {
    let mut t = history(ThemeName::Calm);
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
        "Mon 23 Nov 19:05 → 19:12",
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
    assert!(row(&t.screen(80, 24, 0), 0).contains("last 4 weeks"));
    t.keys(0, &["p"]);
    assert!(row(&t.screen(80, 24, 0), 0).contains("last 90 days"));
    t.keys(0, &["p"]);
    assert!(row(&t.screen(80, 24, 0), 0).contains("last year"));
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
    let mut t = stats(ThemeName::Mono);
    for (w, h) in [(80, 24), (40, 12)] {
        let buf = t.buffer(w, h, 0);
        assert!(
            buf.content()
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
        );
    }
}

#[test]
fn stats_80x24_and_40x12() {
    let mut t = stats(ThemeName::Calm);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("stats_80x24", s);
    for want in [
        "2 of 3 sessions",
        "Massage therapist: 11 days ago",
        "6 self-care sessions since",
        "Minutes by area",
        "1 unreadable line skipped",
    ] {
        assert!(s.contains(want), "missing {want:?}: {s}");
    }
    insta::assert_snapshot!("stats_40x12", t.screen(40, 12, 0));
    t.keys(0, &["3"]);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("stats_routines_80x24", s);
    for want in ["Neck release between sessions", "−2.0 (n=7)"] {
        assert!(s.contains(want), "missing {want:?}: {s}");
    }
}

#[test]
fn stats_scroll_through_sections_when_small() {
    let mut t = stats(ThemeName::Calm);
    let first = t.screen(40, 12, 0);
    assert!(first.contains("This week"), "{first}");
    assert!(first.contains("↓ more"), "{first}");
    // Each ↓ brings the next section up (or a page of a long one).
    let mut seen = vec![first];
    for _ in 0..12 {
        t.keys(0, &["Down"]);
        seen.push(t.screen(40, 12, 0));
    }
    let all = seen.join("\n");
    for want in [
        "Massage therapist",
        "Last 16 weeks",
        "Minutes a week",
        "Minutes by area",
    ] {
        assert!(all.contains(want), "never showed {want:?}");
    }
    let last = seen.last().unwrap();
    assert!(last.contains("↑ more"), "{last}");
    insta::assert_snapshot!("stats_40x12_bottom", last);
    t.keys(0, &["g"]);
    assert!(t.screen(40, 12, 0).contains("This week"));
    // The 4-week headache view is a view of its own: Tab reaches it.
    t.keys(0, &["Tab"]);
    assert!(t.screen(80, 24, 0).contains("Headache days"));
}

#[test]
fn stats_goal_reached_shows_gently() {
    let mut t = with_history(ThemeName::Calm);
    t.app.change_config(|c| c.weekly_goal = 2);
    t.keys(0, &["s"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("●● 2 of 2 sessions"), "{s}");
    assert!(s.contains("12 min · 1 active day · goal reached"), "{s}");
}

#[test]
fn stats_empty_is_kind() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["s"]);
    let s = t.screen(80, 24, 0);
    insta::assert_snapshot!("stats_empty", s);
    assert!(s.contains("A fresh week — any session counts."), "{s}");
    assert!(s.contains("No professional sessions logged yet"), "{s}");
    assert!(s.contains("knotless log"), "{s}");
    insta::assert_snapshot!("stats_empty_40x12", t.screen(40, 12, 0));
}

#[test]
fn stats_and_history_lead_to_each_other_without_piling_up() {
    let mut t = with_history(ThemeName::Calm);
    t.keys(0, &["s", "h", "s", "h"]);
    assert_eq!(t.app.screen().title(), "History");
    // Back goes the way the user came: to the stats, then home.
    t.keys(0, &["q"]);
    assert_eq!(t.app.screen().title(), "Stats");
    t.keys(0, &["q"]);
    assert_eq!(t.app.screen().title(), "Home");
    // Stats opened from the history goes back to the history.
    t.keys(0, &["h", "s", "h", "s", "q"]);
    assert_eq!(t.app.screen().title(), "History");
    t.keys(0, &["Esc"]);
    assert_eq!(t.app.screen().title(), "Home");
    t.keys(0, &["s", "Esc"]);
    assert_eq!(t.app.screen().title(), "Home");
}

#[test]
fn stats_and_history_hand_on_their_period() {
    let mut t = with_history(ThemeName::Calm);
    // Stats opens on the last 90 days; its history shows the same sessions.
    t.keys(0, &["s", "h"]);
    assert!(
        row(&t.screen(80, 24, 0), 0).contains("History · last 90 days"),
        "{}",
        t.screen(80, 24, 0)
    );
    // A history narrowed to a week shows that week's stats, and back again.
    t.keys(0, &["p", "p", "p", "s"]);
    assert!(
        t.screen(120, 80, 0)
            .contains("Minutes by area · last 7 days")
    );
    t.keys(0, &["h"]);
    assert!(row(&t.screen(80, 24, 0), 0).contains("History · last 7 days"));
}

#[test]
fn every_size_from_the_minimum_up_draws_without_panicking() {
    let mut h = history(ThemeName::Calm);
    let mut s = stats(ThemeName::Calm);
    for w in (40..=120).step_by(3) {
        for ht in 12..=40 {
            h.buffer(w, ht, 0);
            s.buffer(w, ht, 0);
        }
    }
    h.keys(0, &["Enter"]);
    for w in 40..=90 {
        h.buffer(w, 12, 0);
    }
}

#[test]
fn hostile_records_show_without_panicking() {
    let t = TestApp::new(ThemeName::Calm, None);
    let mut bad = common::rec(
        "20261120T100000000Z-bad",
        "2026-11-20T10:00:00+00:00",
        "x\u{1b}[31mred",
        "neck\u{7}",
        300.0,
    );
    bad.title = "\u{1b}[2J\tTabs\nand newlines 頭痛 ".repeat(20);
    // Impossible numbers (1e300 s, negative times) make the reader skip the line with a
    // warning: these are odd but possible.
    bad.active_secs = 86_000.0;
    bad.planned_secs = 0.0;
    bad.paused_secs = 0.0;
    bad.note = Some("\u{1b}]0;title\u{7}".repeat(50));
    bad.steps[0].active_secs = 86_000.0;
    bad.steps[1].planned_secs = -0.0;
    std::fs::write(t.data.path().join("history.jsonl"), common::line(&bad)).unwrap();
    let mut t = t;
    t.keys(0, &["h"]);
    let s = t.screen(80, 24, 0);
    assert!(!s.contains('\u{1b}'), "{s}");
    t.keys(0, &["Enter"]);
    for (w, h) in [(80, 24), (40, 12), (120, 40)] {
        let s = t.screen(w, h, 0);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
    }
    t.keys(0, &["Esc", "a", "r"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("History · neck "), "{s}");
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
    t.keys(0, &["s"]);
    for (w, h) in [(80, 24), (40, 12)] {
        let s = t.screen(w, h, 0);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
    }
}

#[test]
fn help_lists_the_review_keys() {
    let mut t = history(ThemeName::Calm);
    t.keys(0, &["?"]);
    let s = t.screen(80, 24, 0);
    for want in ["Enter", "a r p", "PgUp PgDn", "g G Home End"] {
        assert!(s.contains(want), "missing {want:?}: {s}");
    }
    t.keys(0, &["?", "s", "?"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("Stats") && s.contains("↑↓ j k"), "{s}");
}

#[test]
fn an_unreadable_history_is_said_plainly() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    std::fs::create_dir(t.data.path().join("history.jsonl")).unwrap();
    t.keys(0, &["h"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("Could not read the history"), "{s}");
    t.keys(0, &["Enter", "s"]);
    for (w, h) in [(80, 24), (40, 12)] {
        let s = t.screen(w, h, 0);
        assert!(s.contains("Could not read the history"), "{s}");
    }
}

/// History, a session's detail and Stats read the history off the UI thread: the screen
/// shows "Reading the history…" meanwhile and answers keys at once — `q` goes back, and
/// what is read for a screen that was left is dropped, not shown.
#[test]
fn reading_screens_wait_without_holding_the_app() {
    let t = with_history(ThemeName::Calm);
    let mut app = t.app;
    let now = t.t0;
    let press = |app: &mut knotless::app::App, k: &str| app.handle_key(common::key(k), now);
    let screen = |app: &mut knotless::app::App| {
        common::draw::buffer_text(&common::draw::draw(app, 80, 24, now))
    };

    press(&mut app, "h");
    assert_eq!(app.screen().title(), "History");
    assert!(screen(&mut app).contains("Reading the history…"));
    press(&mut app, "q");
    assert_eq!(
        app.screen().title(),
        "Home",
        "q is answered while the history is read"
    );
    app.settle_reads();
    assert_eq!(
        app.screen().title(),
        "Home",
        "a read for a screen left is dropped"
    );

    press(&mut app, "s");
    assert!(screen(&mut app).contains("Reading the history…"));
    app.settle_reads();
    let s = screen(&mut app);
    assert_eq!(app.screen().title(), "Stats");
    assert!(
        !s.contains("Reading the history…") && s.contains("This week"),
        "{s}"
    );

    // The detail view of a session gone meanwhile: back to the list, saying so.
    app.handle_key(common::key("q"), now);
    press(&mut app, "h");
    app.settle_reads();
    press(&mut app, "Enter");
    assert!(screen(&mut app).contains("Reading the history…"));
    std::fs::write(t.data.path().join("history.jsonl"), "").unwrap();
    app.settle_reads();
    assert_eq!(app.screen().title(), "History");
    assert_eq!(
        app.status(),
        Some("That session is no longer in the history file.")
    );
}
