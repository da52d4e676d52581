//! Snapshots of home, help, the first-run notice and the before screen, at 80×24 and
//! 40×12, plus buffer assertions that mono sends no colour and still marks the selection.

use crate::common;

use common::TestApp;
use knotless::model::config::ThemeName;
use ratatui::style::{Color, Modifier};

fn first_run() -> knotless::app::Route {
    knotless::app::Route::Notice {
        review: false,
        then: None,
    }
}

#[test]
fn home_80x24() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    insta::assert_snapshot!(t.screen(80, 24, 0));
}

#[test]
fn home_40x12() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    insta::assert_snapshot!(t.screen(40, 12, 0));
}

#[test]
fn home_filtered() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["/", "j", "a", "w"]);
    insta::assert_snapshot!(t.screen(80, 24, 0));
    t.keys(0, &["Esc"]);
    assert!(t.screen(80, 24, 0).contains("NECK"));
}

#[test]
fn too_small_says_how_big() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    insta::assert_snapshot!(t.screen(30, 8, 0));
}

#[test]
fn help_80x24_and_40x12() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["?"]);
    insta::assert_snapshot!("help_80x24", t.screen(80, 24, 0));
    insta::assert_snapshot!("help_40x12", t.screen(40, 12, 0));
    t.keys(0, &["Esc"]);
    assert!(!t.app.help_open());
}

#[test]
fn first_run_80x24_and_40x12() {
    let mut t = TestApp::new(ThemeName::Calm, Some(first_run()));
    insta::assert_snapshot!("first_run_80x24", t.screen(80, 24, 0));
    insta::assert_snapshot!("first_run_40x12", t.screen(40, 12, 0));
}

#[test]
fn first_run_is_acknowledged_once_and_remembered() {
    let mut t = TestApp::new(ThemeName::Calm, Some(first_run()));
    assert!(knotless::store::state::notice_needed(
        t.app.paths().data.as_deref()
    ));
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Home");
    assert!(!knotless::store::state::notice_needed(
        t.app.paths().data.as_deref()
    ));
    // Recorded in the data folder as a line of this machine's notice log: it follows the
    // user to every machine sharing the folder.
    let log = std::fs::read_to_string(knotless::store::state::notice_path(t.data.path())).unwrap();
    assert!(log.contains("\"acknowledged_at\":"), "{log}");
    assert_eq!(log.lines().count(), 1);
    // The config directory is never written.
    assert_eq!(std::fs::read_dir(t.config.path()).unwrap().count(), 0);
    // Reachable again from home with `!`; Enter closes it without quitting.
    t.keys(0, &["!"]);
    assert_eq!(t.app.screen().title(), "Safety notice");
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Home");
    assert!(!t.app.should_quit());
}

#[test]
fn before_screen_80x24_and_40x12() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Before you start");
    insta::assert_snapshot!("before_80x24", t.screen(80, 24, 0));
    insta::assert_snapshot!("before_40x12", t.screen(40, 12, 0));
}

#[test]
fn a_strong_headache_gets_a_gentle_word_before_pressure_work() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    // The first neck routine has pressure steps.
    t.keys(0, &["Enter", "8"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("Your head is at 8 out of 10."), "{s}");
    assert!(s.contains("Migraine-day gentle"), "{s}");
    insta::assert_snapshot!("before_strong_80x24", s);
}

/// "A migraine is on now" offers Migraine-day gentle in one key, whatever the rating, and
/// with ratings off too.
#[test]
fn a_migraine_now_offers_the_gentle_routine_in_one_key() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["Enter"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("m migraine now"), "{s}");
    t.keys(0, &["m"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("A migraine is on now."), "{s}");
    t.keys(0, &["g"]);
    assert_eq!(t.app.screen().title(), "Player");
    assert!(t.screen(80, 24, 0).starts_with(" Migraine-day gentle"));

    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.change_config(|c| c.ask_ratings = false);
    t.keys(0, &["Enter", "m", "g"]);
    assert!(t.screen(80, 24, 0).starts_with(" Migraine-day gentle"));
}

#[test]
fn mono_sets_no_colour_and_still_marks_the_selection() {
    let mut t = TestApp::new(ThemeName::Mono, None);
    t.keys(0, &["j"]);
    let buf = t.buffer(80, 24, 0);
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset),
            "colour {:?} at {:?}",
            cell.fg,
            cell.symbol()
        );
        assert!(matches!(cell.bg, Color::Reset), "background {:?}", cell.bg);
    }
    // The selected row (the second routine, on line 4) is reversed across the list.
    let reversed: Vec<u16> = (0..80)
        .filter(|&x| buf[(x, 4)].modifier.contains(Modifier::REVERSED))
        .collect();
    assert!(reversed.len() > 20, "selection not marked: {reversed:?}");
    assert!(!buf[(1, 3)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn t_cycles_every_theme_and_nothing_blinks() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    let mut seen = vec![t.app.theme()];
    for _ in 0..5 {
        t.keys(0, &["t"]);
        seen.push(t.app.theme());
        let buf = t.buffer(80, 24, 0);
        assert!(buf.content().iter().all(|c| {
            !c.modifier
                .intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK)
        }));
    }
    assert_eq!(
        seen,
        [
            ThemeName::Calm,
            ThemeName::Dim,
            ThemeName::Light,
            ThemeName::HighContrast,
            ThemeName::Mono,
            ThemeName::Calm
        ]
    );
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["/", "x", "C-c"]);
    assert!(t.app.should_quit());
}

#[test]
fn breathing_setup_and_pacer_80x24_and_40x12() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["b"]);
    assert_eq!(t.app.screen().title(), "Breathing");
    insta::assert_snapshot!("breathing_setup_80x24", t.screen(80, 24, 0));
    insta::assert_snapshot!("breathing_setup_40x12", t.screen(40, 12, 0));
    // Tab switches to breaths; Enter starts the default extended-exhale (4 in, 6 out).
    t.keys(0, &["Tab", "Enter"]);
    // Asked first, as before a routine.
    assert_eq!(t.app.screen().title(), "Before you start");
    insta::assert_snapshot!("breathing_rating_80x24", t.screen(80, 24, 0));
    insta::assert_snapshot!("breathing_rating_40x12", t.screen(40, 12, 0));
    t.keys(0, &["4"]);
    assert_eq!(t.app.screen().title(), "Breathing");
    t.tick(3_000); // the 3 s count-in ends
    t.tick(5_000); // 2 s into the first in-breath
    insta::assert_snapshot!("breathing_pacer_80x24", t.screen(80, 24, 5_000));
    insta::assert_snapshot!("breathing_pacer_40x12", t.screen(40, 12, 5_000));
    // 6 breaths of 10 s: finished at 63 s, and logged as a breathing session.
    t.tick(63_000);
    assert_eq!(t.app.screen().title(), "Finished");
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let rec: serde_json::Value = serde_json::from_str(history.lines().next().unwrap()).unwrap();
    assert_eq!(rec["kind"], "breathing");
    assert_eq!(rec["routine_id"], "extended-exhale");
    assert_eq!(rec["active_secs"], 60.0);
    assert_eq!(rec["pain_before"], 4);
    // The finish screen can then show the change.
    assert!(t.screen(80, 24, 63_000).contains("(before: 4)"));
}

#[test]
fn without_ratings_breathing_starts_straight_away() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.change_config(|c| c.ask_ratings = false);
    t.keys(0, &["b", "Enter"]);
    assert_eq!(t.app.screen().title(), "Breathing");
}

#[test]
fn breath_hold_patterns_carry_their_caution() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["b"]);
    // Patterns are sorted by id: 4-7-8 first.
    for _ in 0..6 {
        t.keys(0, &["Up"]);
    }
    let s = t.screen(80, 24, 0);
    assert!(
        s.contains("4 breaths"),
        "4-7-8 is kept to four breaths: {s}"
    );
    assert!(s.contains("light-headed"), "{s}");
}

/// `t` is remembered in this machine's `<state>/state.toml` (written by the app), and read
/// back as the starting theme; nothing about it goes into the (maybe synced) data folder.
#[test]
fn the_theme_is_remembered_for_the_next_start() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["t"]);
    assert_eq!(t.app.theme(), ThemeName::Dim);
    let state = knotless::store::state::State::load(t.state.path());
    assert_eq!(state.theme.as_deref(), Some("dim"));
    assert_eq!(std::fs::read_dir(t.data.path()).unwrap().count(), 0);
    assert_eq!(state.muted, None, "only what was chosen is remembered");
    let remembered = state.theme.as_deref().and_then(ThemeName::parse);
    let settings = |flags| knotless::model::settings::Settings::new(&Default::default(), flags);
    assert_eq!(
        settings(Default::default()).theme(remembered),
        ThemeName::Dim
    );
    // With NO_COLOR set, the remembered choice does not bring colour back.
    let no_color = knotless::model::settings::Flags {
        no_color_env: true,
        ..Default::default()
    };
    assert_eq!(settings(no_color).theme(remembered), ThemeName::Mono);
    // The config directory is never written.
    assert!(!t.config.path().join("config.toml").exists());
    // m in the player mutes, and that is remembered too.
    t.keys(0, &["Enter", "Enter", "m"]);
    assert!(t.app.is_muted());
    let state = knotless::store::state::State::load(t.state.path());
    assert_eq!(state.muted, Some(true));
    assert_eq!(state.theme.as_deref(), Some("dim"));
}

/// The app on home in folders of its own (the config's theme calm), started as `set`
/// leaves its start-up.
fn home_with(set: impl FnOnce(&mut knotless::app::Init)) -> crate::common::TestApp {
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut init = crate::common::init_with(&config, &data, &state, ThemeName::Calm);
    set(&mut init);
    let t0 = std::time::Instant::now();
    crate::common::TestApp {
        app: knotless::app::App::new(init, knotless::screens::Route::Home, t0),
        t0,
        config,
        data,
        state,
    }
}

/// With colour off (`NO_COLOR`), `t` still changes the theme, shown without colour: the
/// selected row stays marked (reversed) in every theme, and the choice is for this run only,
/// never written over the remembered theme.
#[test]
fn without_colour_t_keeps_the_selection_and_the_remembered_theme() {
    let mut t = home_with(|init| {
        init.theme = Some(ThemeName::Light);
        init.flags.no_color_env = true;
    });
    assert_eq!(t.app.theme(), ThemeName::Mono);
    let mut seen = Vec::new();
    for _ in ThemeName::ALL {
        t.keys(0, &["t"]);
        seen.push(t.app.theme());
        let buf = t.buffer(80, 24, 0);
        assert!(
            buf.content
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
            "{:?}: no colour anywhere",
            t.app.theme()
        );
        assert!(
            buf.content
                .iter()
                .any(|c| c.modifier.contains(Modifier::REVERSED)),
            "{:?}: the selected row is marked",
            t.app.theme()
        );
    }
    assert_eq!(seen.len(), ThemeName::ALL.len());
    assert!(seen.contains(&ThemeName::Dim), "{seen:?}");
    let status = t.screen(80, 24, 0);
    assert!(status.contains("for this run only"), "{status}");
    let state = knotless::store::state::State::load(t.state.path());
    assert_eq!(state.theme, None, "the remembered theme is left alone");
}

/// With `--theme` given, `t` still shows each theme in turn, for this run only: the theme
/// remembered for the next start is left alone (it used to stay on the flag's theme and
/// write the next one, a theme never seen, for the next start).
#[test]
fn with_a_theme_flag_t_shows_each_theme_and_remembers_none() {
    let mut t = home_with(|init| init.flags.theme = Some(ThemeName::Calm));
    assert_eq!(t.app.theme(), ThemeName::Calm);
    let mut seen = Vec::new();
    for _ in ThemeName::ALL {
        t.keys(0, &["t"]);
        seen.push(t.app.theme());
    }
    let mut all = ThemeName::ALL.to_vec();
    all.sort_by_key(|n| n.to_string());
    seen.sort_by_key(|n| n.to_string());
    assert_eq!(seen, all, "every theme shown once");
    let status = t.screen(80, 24, 0);
    assert!(status.contains("for this run only"), "{status}");
    let state = knotless::store::state::State::load(t.state.path());
    assert_eq!(state.theme, None, "the remembered theme is left alone");
}

/// The first column of `row` that is not blank.
fn first_column(row: &str) -> Option<usize> {
    row.chars().position(|c| c != ' ')
}

/// On a 200×50 window a screen that keeps its content to a readable width in the middle
/// keeps its footer there too: the key hints start where the content does (within the
/// two columns a border or an indent makes), not at column 0.
fn footer_lines_up(t: &mut TestApp, what: &str, ms: u64) {
    let screen = t.screen(200, 50, ms);
    let rows: Vec<&str> = screen.lines().collect();
    let (foot, body) = rows.split_last().unwrap();
    let content = body.iter().filter_map(|r| first_column(r)).min().unwrap();
    let footer = first_column(foot).unwrap_or_else(|| panic!("{what}: no footer\n{screen}"));
    assert!(
        content > 0 && footer.abs_diff(content) <= 2,
        "{what}: the footer starts at column {footer}, the content at {content}\n{screen}"
    );
}

#[test]
fn wide_screens_keep_their_footer_under_their_content() {
    let notice = TestApp::new(ThemeName::Calm, Some(first_run()));
    footer_lines_up(&mut { notice }, "the first-run notice", 0);
    let mut t = TestApp::new(ThemeName::Calm, None);
    footer_lines_up(&mut t, "home", 0);
    t.keys(0, &["s"]);
    assert_eq!(t.app.screen().title(), "Stats");
    footer_lines_up(&mut t, "stats", 0);
    t.keys(0, &["q", "b"]);
    assert_eq!(t.app.screen().title(), "Breathing");
    footer_lines_up(&mut t, "the breathing setup", 0);
    // Kept to the middle, as home: the list does not start at the window's edge.
    let setup = t.screen(200, 50, 0);
    let left = setup.lines().filter_map(first_column).min().unwrap();
    assert!(
        left >= 40,
        "the breathing setup starts at column {left}\n{setup}"
    );
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Before you start");
    footer_lines_up(&mut t, "the breathing rating", 0);
    t.keys(0, &["Esc"]);
    assert_eq!(t.app.screen().title(), "Home");
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Before you start");
    footer_lines_up(&mut t, "the before screen", 0);
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Player");
    footer_lines_up(&mut t, "the player", 0);
    t.tick(8_000);
    t.keys(8_000, &["q", "y"]);
    assert_eq!(t.app.screen().title(), "Finished");
    footer_lines_up(&mut t, "the finish screen", 8_000);
    t.keys(8_000, &["Enter", "Esc"]);
    while t.app.screen().title() != "Home" {
        t.keys(8_000, &["Esc"]);
    }
    t.keys(8_000, &["h"]);
    assert_eq!(t.app.screen().title(), "History");
    footer_lines_up(&mut t, "history", 8_000);
    t.keys(8_000, &["Enter"]);
    footer_lines_up(&mut t, "a session's details", 8_000);
}
