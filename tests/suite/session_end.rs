//! The frame that ends a session is not held up by reading the history: the player only
//! marks the history as changed, and the event loop re-reads it after that frame
//! (PRODUCT.md section 7: each step ends within one frame of when it should).

use crate::common;

use common::{SHORT_ONE as FIXTURE, TestApp};
use knotless::model::config::ThemeName;

#[test]
fn ending_a_session_leaves_reading_the_history_to_the_loop() {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("short-one.toml", FIXTURE)]);
    // Filter to it, open it, skip the before-rating.
    let keys = "/ s h o r t Space o n e Enter Enter Enter";
    t.keys(0, &keys.split(' ').collect::<Vec<_>>());
    assert_eq!(t.app.screen().title(), "Player");
    assert!(!t.app.history_stale());
    // get ready 5 s, then the 10 s step
    t.tick(5_000);
    t.tick(15_000);
    assert_eq!(t.app.screen().title(), "Finished");
    assert!(std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).is_ok());
    assert!(t.app.history_stale(), "the loop is told to re-read");
    assert_eq!(
        t.app.known().header,
        None,
        "nothing was read before the frame"
    );

    // What the loop does after drawing that frame.
    t.app.refresh_summary();
    let header = t.app.known().header.as_deref().unwrap();
    assert!(header.starts_with("Last session today"), "{header}");
    assert_eq!(t.app.known().done["short-one"].count, 1);
}

/// A session started from the command line (`knotless run`, no home under it) does not
/// read the history for home's figures while it counts: they are asked for once home is on
/// the stack, and the day log still at once (the finish screen offers its question).
#[test]
fn a_session_without_home_reads_home_figures_only_when_home_comes() {
    use knotless::app::reads::Read;
    use knotless::screens::Route;
    let with = TestApp::with_routines(ThemeName::Calm, &[("short-one.toml", FIXTURE)]);
    let routine = with
        .app
        .lib()
        .routines
        .iter()
        .find(|r| r.id == "short-one")
        .unwrap()
        .clone();
    let mut t = TestApp::new(
        ThemeName::Calm,
        Some(Route::Player {
            routine,
            before: Default::default(),
        }),
    );
    let figures = |reads: &[Read]| {
        reads
            .iter()
            .filter(|r| matches!(r, Read::Figures(_)))
            .count()
    };
    // What the loop does after the first frame.
    assert!(!t.app.take_history_change());
    t.app.read_known();
    let reads = t.app.take_reads();
    assert_eq!(figures(&reads), 0, "no figures while the step counts");
    assert!(reads.iter().any(|r| matches!(r, Read::Days { .. })));
    assert!(!t.app.take_history_change(), "still no home");
    // Home comes (the `h` of the finish screen, or `Nav::Home`): the loop reads them then.
    t.tick(5_000);
    t.tick(15_000);
    assert_eq!(t.app.screen().title(), "Finished");
    for _ in 0..4 {
        if t.app.screen().title() == "Home" {
            break;
        }
        t.keys(16_000, &["Esc"]);
    }
    assert_eq!(t.app.screen().title(), "Home");
    assert!(t.app.take_history_change());
    t.app.read_known();
    assert_eq!(figures(&t.app.take_reads()), 1);
    // And once only.
    assert!(!t.app.take_history_change());
}
