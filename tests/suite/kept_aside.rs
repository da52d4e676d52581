//! Sessions kept aside while the data folder refused them, moved in by whichever knotless
//! starts next — with many starting at once and others still keeping sessions aside: every
//! session arrives exactly once, and no line is removed before it is in the history.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use knotless::store::history::{self, Detail};
use knotless::store::kept_aside;

use crate::common::rec;

fn record(i: usize) -> knotless::model::record::SessionRecord {
    let start = format!("2026-11-20T10:{:02}:{:02}+00:00", i / 60, i % 60);
    rec(&format!("kept-{i:03}"), &start, "desk-reset", "neck", 60.0)
}

/// Lines in every history file of `data`, by record id.
fn lines_by_id(data: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in history::history_files(data).unwrap() {
        for l in fs::read_to_string(f).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            *out.entry(v["id"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    out
}

/// Four "commands" move kept sessions in at once, over and over, while four others keep
/// sessions aside. Without claiming each file before reading it, a record appended between
/// a mover's read and its removal was deleted unread; without one mover at a time, each
/// mover appended the same records again.
#[test]
fn movers_and_keepers_at_once_lose_nothing_and_copy_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (state, data) = (tmp.path().join("state"), tmp.path().join("data"));
    let per = 40;
    std::thread::scope(|s| {
        for k in 0..4 {
            let state = &state;
            s.spawn(move || {
                for i in 0..per {
                    kept_aside::keep(state, &record(k * per + i)).unwrap();
                }
            });
        }
        for _ in 0..4 {
            let (state, data) = (&state, &data);
            s.spawn(move || {
                for _ in 0..60 {
                    kept_aside::move_pending(state, data).unwrap();
                    std::thread::yield_now();
                }
            });
        }
    });
    kept_aside::move_pending(&state, &data).unwrap();
    let lines = lines_by_id(&data);
    assert_eq!(lines.len(), 4 * per, "every kept session arrived");
    let copied: Vec<_> = lines.iter().filter(|(_, n)| **n > 1).collect();
    assert!(copied.is_empty(), "copied more than once: {copied:?}");
    assert_eq!(
        fs::read_dir(kept_aside::kept_aside_dir(&state))
            .unwrap()
            .count(),
        0,
        "nothing is left waiting"
    );
}

/// A line that cannot be read is never removed: its file stays, renamed, and is named; the
/// readable records in it arrive.
#[test]
fn a_line_that_cannot_be_read_keeps_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (state, data) = (tmp.path().join("state"), tmp.path().join("data"));
    kept_aside::keep(&state, &record(1)).unwrap();
    let dir = kept_aside::kept_aside_dir(&state);
    let file = fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("{\"v\":1,\"id\":\"half\n");
    fs::write(&file, &text).unwrap();
    let moved = kept_aside::move_pending(&state, &data).unwrap();
    assert_eq!(moved.records, 1);
    assert_eq!(moved.unreadable.len(), 1);
    assert_eq!(fs::read_to_string(&moved.unreadable[0]).unwrap(), text);
    assert_eq!(
        history::load(&data, Detail::NoSteps).unwrap().records.len(),
        1
    );
}

/// A mover that dies after claiming a file (or whose append failed) leaves it claimed; the
/// next mover takes it, and the history does not lose it.
#[test]
fn a_claimed_file_left_behind_is_moved_by_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();
    let (state, data) = (tmp.path().join("state"), tmp.path().join("data"));
    kept_aside::keep(&state, &record(2)).unwrap();
    // The data folder refuses the record: the claimed file stays.
    fs::write(&data, "a file where the folder should be").unwrap();
    assert!(kept_aside::move_pending(&state, &data).is_err());
    let names: Vec<String> = fs::read_dir(kept_aside::kept_aside_dir(&state))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(names[0].starts_with("claimed-"), "{names:?}");
    fs::remove_file(&data).unwrap();
    // A mover that finds the folder's lock held leaves the files to its holder. Only this
    // test moves here, but a program another test starts at the moment the first mover held
    // the lock carries a copy of it until it has started (fork, then exec): wait that out.
    let mut records = 0;
    for _ in 0..100 {
        records = kept_aside::move_pending(&state, &data).unwrap().records;
        if records > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(records, 1);
    assert_eq!(lines_by_id(&data).len(), 1);
}
