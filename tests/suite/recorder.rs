//! The recorder never loses a session: with a data directory that cannot be written, the
//! session is kept aside and moved into the history at the next start.

use std::time::{Duration, Instant};

use knotless::core::run::Run;
use knotless::core::session::{Options, Session};
use knotless::library::Library;
use knotless::model::record::Outcome;
use knotless::store::history::{self, Detail};
use knotless::store::recorder::{Recorder, move_pending, new_id};

#[test]
fn an_unwritable_data_dir_keeps_the_session_aside_and_moves_it_later() {
    let tmp = tempfile::tempdir().unwrap();
    // A file where the directory should be: unwritable as a directory, even for root.
    let data = tmp.path().join("data");
    let state = tmp.path().join("state");
    std::fs::write(&data, "not a directory").unwrap();

    let lib = Library::load(None);
    let routine = lib.routine("desk-reset").expect("bundled").clone();
    let wall = jiff::Zoned::now();
    let t0 = Instant::now();
    let s = Session::new(
        &routine,
        Options {
            get_ready: Duration::ZERO,
        },
        new_id(&wall),
        t0,
    );
    let mut run = Run::new(s, wall, knotless::model::record::Before::rated(Some(4)));
    let mut rec = Recorder::begin_in(Some(data.clone()), Some(state.clone()), &run.record(t0));
    assert!(rec.problem.is_none(), "the snapshot is in the state folder");

    let end = t0 + Duration::from_secs(12);
    run.session.update(end);
    run.session.stop(end);
    let saved = run.record(end);
    rec.finish(&saved);
    assert!(!rec.is_saved(), "not in the real history yet");
    let problem = rec.problem.clone().unwrap();
    assert!(problem.contains("kept in"), "{problem}");

    // Later the data directory can be written: the next start moves the session in.
    std::fs::remove_file(&data).unwrap();
    assert_eq!(move_pending(&state, &data).unwrap().records, 1);
    let loaded = history::load(&data, Detail::Full).unwrap();
    assert_eq!(loaded.records.len(), 1);
    let r = &loaded.records[0];
    assert_eq!(r.id, saved.id);
    assert_eq!(r.outcome, Outcome::Stopped);
    assert_eq!(r.pain_before, Some(4));
    assert_eq!(r.active_secs, 12.0);
    assert_eq!(
        move_pending(&state, &data).unwrap().records,
        0,
        "moved once"
    );
}
