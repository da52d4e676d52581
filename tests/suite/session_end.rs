//! The frame that ends a session is not held up by reading the history: the player only
//! marks the history as changed, and the event loop re-reads it after that frame
//! (PRODUCT.md section 7: each step ends within one frame of when it should).

use crate::common;

use common::TestApp;
use knotless::model::config::ThemeName;

const FIXTURE: &str = r#"
name = "Short one"
area = "neck"
breathing = "extended-exhale"

[[steps]]
title = "Only step"
duration = "10s"
instructions = "Breathe."
"#;

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
