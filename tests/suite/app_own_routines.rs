//! The app's side of the user's own routines: `e` asks for an edit (the event loop hands
//! the terminal over), the library reloads after an edit, on `r`, and on a key when the
//! routines folder changed; the user's routines are marked as theirs.

use crate::common;

use common::TestApp;
use knotless::library::edit::EditOutcome;
use knotless::model::config::ThemeName;

const MINE: &str = "name = \"Aaa mine\"\narea = \"neck\"\nbreathing = \"none\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\n";

fn routines(t: &TestApp) -> std::path::PathBuf {
    t.config.path().join("routines")
}

#[test]
fn your_routines_are_marked_as_yours() {
    let mut t = TestApp::with_routines(ThemeName::Mono, &[("aaa-mine.toml", MINE)]);
    let s = t.screen(80, 24, 0);
    // It also breaks the guide (no cautions, 30 s long): marked ⚠, and the detail pane
    // says how much.
    let mine = s.lines().find(|l| l.contains("│ ⚠ Aaa mine")).expect(&s);
    assert!(mine.contains("yours · 30 s"), "{mine}");
    assert!(s.contains("This routine breaks"), "{s}");
    let bundled = s.lines().find(|l| l.contains("│ Neck release")).expect(&s);
    assert!(
        !bundled.contains("yours") && !bundled.contains('⚠'),
        "{bundled}"
    );
}

#[test]
fn e_on_home_asks_to_edit_the_selected_routine_and_the_result_reloads() {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("aaa-mine.toml", MINE)]);
    assert_eq!(t.app.take_edit_request(), None);
    // The first routine is selected: "Aaa mine" sorts first in the neck area.
    t.keys(0, &["e"]);
    assert_eq!(t.app.take_edit_request().as_deref(), Some("aaa-mine"));
    assert_eq!(t.app.take_edit_request(), None, "taken once");
    // The editor saved a change: the list shows it, with the outcome in the footer.
    std::fs::write(
        routines(&t).join("aaa-mine.toml"),
        MINE.replace("Aaa mine", "Aaa edited"),
    )
    .unwrap();
    t.app.edited(Ok(EditOutcome::Saved {
        path: routines(&t).join("aaa-mine.toml"),
        overrides_bundled: false,
        breaks_limits: false,
    }));
    let s = t.screen(80, 24, 0);
    assert!(
        s.contains("Aaa edited") && s.contains("Saved aaa-mine.toml."),
        "{s}"
    );
    t.keys(0, &["j"]);
    t.app.edited(Ok(EditOutcome::NoAnswer));
    assert!(t.screen(80, 24, 0).contains("No answer on standard input"));
}

#[test]
fn a_changed_routines_folder_reloads_at_the_next_key_on_home() {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("aaa-mine.toml", MINE)]);
    std::fs::write(
        routines(&t).join("aab-new.toml"),
        MINE.replace("Aaa mine", "Aab new one"),
    )
    .unwrap();
    assert!(!t.screen(80, 24, 0).contains("Aab new one"), "no key yet");
    t.keys(0, &["j"]);
    assert!(t.screen(80, 24, 0).contains("Aab new one"));
    // Nothing changed since: no reload.
    assert!(!t.app.reload_if_changed(t.at(0)));
}

#[test]
fn r_rereads_the_files_and_e_on_a_broken_file_edits_it() {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("aaa-mine.toml", MINE)]);
    std::fs::write(
        routines(&t).join("broken.toml"),
        MINE.replace("\"neck\"", "\"nek\""),
    )
    .unwrap();
    t.app.reload_files();
    assert_eq!(t.app.lib().problems.len(), 1);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("r re-read files"), "the footer offers r: {s}");
    // The broken file is the last row; e on it asks to edit it by its name.
    t.keys(0, &["G", "e"]);
    assert_eq!(t.app.take_edit_request().as_deref(), Some("broken"));
    std::fs::write(
        routines(&t).join("broken.toml"),
        MINE.replace("Aaa mine", "Aaa fixed"),
    )
    .unwrap();
    t.keys(0, &["r"]);
    assert!(t.app.lib().problems.is_empty());
    let s = t.screen(80, 24, 0);
    assert!(s.contains("Aaa fixed"), "{s}");
    assert!(s.contains("Files re-read"), "{s}");
}

/// Files that did not load are seen — a banner on home names how many and
/// the key that shows them; each file is one row, with all its problems in the detail pane.
#[test]
fn broken_files_get_a_banner_and_one_row_each() {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("aaa-mine.toml", MINE)]);
    // Two problems in one file, one in another.
    std::fs::write(
        routines(&t).join("broken.toml"),
        MINE.replace("\"neck\"", "\"nek\"")
            .replace("\"none\"", "\"nonsense\""),
    )
    .unwrap();
    std::fs::write(routines(&t).join("torn.toml"), "name = \"x\"\narea = ").unwrap();
    t.app.reload_files();
    assert!(
        t.app.lib().problems.len() >= 3,
        "{:?}",
        t.app.lib().problems
    );
    let s = t.screen(80, 24, 0);
    assert!(
        s.contains("2 files could not be loaded — press f to see them"),
        "{s}"
    );
    t.keys(0, &["f"]);
    let s = t.screen(80, 24, 0);
    assert!(s.contains("This file was skipped:"), "{s}");
    assert!(s.contains("broken.toml"), "{s}");
    assert!(s.contains("2 problems"), "one row for the file: {s}");
    assert_eq!(
        s.matches("broken.toml").count(),
        3,
        "row and two problems: {s}"
    );
    t.keys(0, &["e"]);
    assert_eq!(t.app.take_edit_request().as_deref(), Some("broken"));
    t.keys(0, &["j"]);
    assert!(t.screen(80, 24, 0).contains("torn.toml"));
}

#[test]
fn an_edit_saved_past_the_safety_limits_says_so_on_home() {
    let mut t = TestApp::with_routines(ThemeName::Mono, &[("aaa-mine.toml", MINE)]);
    t.app.edited(Ok(EditOutcome::Saved {
        path: routines(&t).join("aaa-mine.toml"),
        overrides_bundled: false,
        breaks_limits: true,
    }));
    let s = t.screen(120, 24, 0);
    assert!(
        s.contains("Saved aaa-mine.toml. It breaks the safety limits and is marked ⚠."),
        "{s}"
    );
}

#[test]
fn only_a_limit_broken_anew_counts_as_breaking_more() {
    use knotless::core::content::{Rule, Violation};
    use knotless::library::edit::breaks_more;
    let v = |rule, step, message: &'static str| Violation {
        rule,
        step,
        message: message.into(),
    };
    let ceiling = v(Rule::PressureCeiling, Some(1), "goes to 7/10");
    let before = [ceiling.clone()];
    // The same break on another step (the steps moved) is not new.
    let moved = v(Rule::PressureCeiling, Some(3), "goes to 7/10");
    assert!(!breaks_more(&before, std::slice::from_ref(&moved)));
    assert!(!breaks_more(&before, &[]));
    // A second step breaking it, or another rule, is.
    assert!(breaks_more(&before, &[ceiling.clone(), moved]));
    assert!(breaks_more(
        &before,
        &[ceiling, v(Rule::FrontOfNeck, Some(1), "never a ball")]
    ));
    assert!(breaks_more(&[], &[v(Rule::SetupTime, None, "x")]));
}
