//! One data folder shared by several machines: duplicates resolved by meaning, not by which
//! file is read first; amendments in order of their time; answers and records from another
//! machine's wrong clock left out; each machine recovering only its own sessions; and the
//! one-time move of a machine's own files out of the data folder where older versions kept
//! them.

use std::fs;
use std::path::Path;

use knotless::model::record::{Amendment, Outcome, SessionRecord};
use knotless::store::history::{self, Detail};
use knotless::store::{days, machine, nudge_state, relocate, state, tail};

use crate::common::{line, rec};

const T1: &str = "2026-11-20T17:05:00+01:00";

fn write(dir: &Path, name: &str, text: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(name), text).unwrap();
}

fn amendment(id: &str, at: &str, after: u8) -> String {
    let a = Amendment {
        v: 1,
        amends: id.into(),
        at: at.parse().unwrap(),
        pain_before: None,
        pain_after: Some(after),
        note: Some(format!("after {after}")),
    };
    serde_json::to_string(&a).unwrap() + "\n"
}

fn only(data: &Path) -> SessionRecord {
    let loaded = history::load(data, Detail::Full).unwrap();
    assert_eq!(loaded.records.len(), 1, "{:?}", loaded.records);
    loaded.records.into_iter().next().unwrap()
}

/// Machine B "recovered" A's running session as interrupted (15 s) while A went on and
/// saved it completed (30 s). Whichever machine's file is read first, the final record
/// counts — in the history, the home header and the nudge.
#[test]
fn a_final_record_counts_over_a_recovered_one_whatever_the_file_order() {
    let mut done = rec("s1", T1, "desk-reset", "neck", 30.0);
    done.pain_before = Some(5);
    let mut cut = rec("s1", T1, "desk-reset", "neck", 15.0);
    cut.outcome = Outcome::Interrupted;
    for (first, second) in [(&cut, &done), (&done, &cut)] {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "history-aaaa.jsonl", &line(first));
        write(d.path(), "history-bbbb.jsonl", &line(second));
        let r = only(d.path());
        assert_eq!(r.outcome, Outcome::Completed);
        assert_eq!(r.active_secs, 30.0);
        let since = "2026-11-16T00:00:00Z".parse().unwrap();
        let recent = history::recent(d.path(), since).unwrap();
        assert_eq!(recent.count_since, 1);
        assert_eq!(recent.last_ended, Some(done.ended()));
        let seen = tail::tail(d.path(), since, 10).unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].outcome, Outcome::Completed);
    }
    // A session only a recovery logged still counts, once.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "history-aaaa.jsonl", &line(&cut));
    write(d.path(), "history-bbbb.jsonl", &line(&cut));
    assert_eq!(only(d.path()).outcome, Outcome::Interrupted);
}

/// 18:20 "after 7" on the laptop, 21:00 "after 1" on the desktop: the later one counts,
/// whichever file is read last.
#[test]
fn the_later_amendment_counts_whatever_file_holds_it() {
    let r = rec("s2", T1, "desk-reset", "neck", 60.0);
    for (laptop, desktop) in [
        ("history-zzzz.jsonl", "history-aaaa.jsonl"),
        ("history-aaaa.jsonl", "history-zzzz.jsonl"),
    ] {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            laptop,
            &(line(&r) + &amendment("s2", "2026-11-20T18:20:00+01:00", 7)),
        );
        write(
            d.path(),
            desktop,
            &amendment("s2", "2026-11-20T21:00:00+01:00", 1),
        );
        let got = only(d.path());
        assert_eq!(got.pain_after, Some(1), "{laptop} / {desktop}");
        assert_eq!(got.note.as_deref(), Some("after 1"));
        let figures = history::load(d.path(), Detail::Figures).unwrap();
        assert_eq!(figures.records[0].pain_after, Some(1));
        let since = "2026-11-16T00:00:00Z".parse().unwrap();
        let seen = tail::tail(d.path(), since, 10).unwrap();
        assert_eq!(seen[0].pain_after, Some(1), "the nudge reads the same");
    }
}

/// Another machine's clock set wrong: an answer for a day still to come, or one given hours
/// from now, is left out with a warning; a machine a few hours ahead is not turned away.
#[test]
fn day_answers_from_the_future_are_left_out_with_a_warning() {
    let now: jiff::Timestamp = "2026-11-24T10:00:00Z".parse().unwrap();
    let answer = |date: &str, at: &str| {
        format!(
            "{{\"v\":1,\"date\":\"{date}\",\"headache\":true,\"answered_at\":\"{at}\",\"machine\":\"far\"}}\n"
        )
    };
    let d = tempfile::tempdir().unwrap();
    let text = [
        answer("2026-11-23", "2026-11-23T21:00:00+00:00"),
        // Answered in Kiribati, already the 25th there: tomorrow where it was answered.
        answer("2026-11-25", "2026-11-24T09:00:00+14:00"),
        answer("2026-12-24", "2026-11-24T09:00:00+00:00"),
        answer("2026-11-22", "2026-11-24T18:00:00+00:00"),
        answer("1999-12-31", "2026-11-24T09:00:00+00:00"),
    ]
    .concat();
    write(d.path(), "days-far.jsonl", &text);
    let (log, warnings) = days::load_at(d.path(), now).unwrap();
    let dates: Vec<String> = log.answers.keys().map(ToString::to_string).collect();
    assert_eq!(dates, ["2026-11-23", "2026-11-25"]);
    let said: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(
        said[0].starts_with("days-far.jsonl:3: ") && said[0].contains("still to come"),
        "{said:?}"
    );
    assert!(said[1].contains("given in the future"), "{said:?}");
    assert!(said[2].contains("before 2000"), "{said:?}");
}

/// A record dated before 2000, or one that ends before it starts, is skipped with a warning
/// by the full reader and left out by the home header.
#[test]
fn records_before_2000_or_ending_before_they_start_are_skipped() {
    let d = tempfile::tempdir().unwrap();
    let good = rec("good", T1, "desk-reset", "neck", 60.0);
    let old = rec(
        "old",
        "1999-11-20T17:05:00+01:00",
        "desk-reset",
        "neck",
        60.0,
    );
    let mut backwards = rec("backwards", T1, "desk-reset", "neck", 60.0);
    backwards.ended_at = "2026-11-20T16:00:00+01:00".parse().unwrap();
    write(
        d.path(),
        &machine::own_file("history"),
        &(line(&good) + &line(&old) + &line(&backwards)),
    );
    let loaded = history::load(d.path(), Detail::Full).unwrap();
    let ids: Vec<&str> = loaded.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["good"]);
    let said: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        history::unreadable_lines(&loaded.warnings),
        [2, 3],
        "{said:?}"
    );
    assert!(
        said[0].contains("starts before 2000 (1999-11-20)"),
        "{said:?}"
    );
    assert!(said[1].contains("ends before it starts"), "{said:?}");
    let recent = history::recent(d.path(), "1990-01-01T00:00:00Z".parse().unwrap()).unwrap();
    assert_eq!(recent.count_since, 1);
}

fn snapshot(id: &str, machine: Option<&str>) -> String {
    let mut v = serde_json::to_value(rec(id, T1, "desk-reset", "neck", 20.0)).unwrap();
    if let Some(m) = machine {
        v["machine"] = m.into();
    }
    v.to_string()
}

/// A snapshot naming another machine (a state folder someone synced) is never recovered,
/// moved or deleted, and neither is its lock.
#[test]
fn a_machine_recovers_only_its_own_sessions() {
    let _alone = crate::common::alone();
    let tmp = tempfile::tempdir().unwrap();
    let (state, data) = (tmp.path().join("state"), tmp.path().join("data"));
    let dir = history::in_progress_dir(&state);
    write(&dir, "theirs.json", &snapshot("theirs", Some("elsewhere")));
    write(&dir, "theirs.lock", "123 elsewhere\n");
    write(&dir, "mine.json", &snapshot("mine", Some(machine::id())));
    write(&dir, "old.json", &snapshot("old", None));
    let out = history::recover(&state, &data).unwrap();
    let mut ids: Vec<&str> = out.records.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["mine", "old"]);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        fs::read_to_string(dir.join("theirs.json")).unwrap(),
        snapshot("theirs", Some("elsewhere"))
    );
    assert_eq!(
        fs::read_to_string(dir.join("theirs.lock")).unwrap(),
        "123 elsewhere\n"
    );
    assert!(!dir.join("mine.json").exists() && !dir.join("old.json").exists());
}

/// A data folder as an older version left it: the first start moves this machine's own
/// files into the state folder — the notice into the shared log, theme and mute and the
/// nudge's memory into the state folder, the dead session into the history — once.
#[test]
fn an_older_data_folder_is_moved_once() {
    let _alone = crate::common::alone();
    let tmp = tempfile::tempdir().unwrap();
    let (state, data) = (tmp.path().join("state"), tmp.path().join("data"));
    write(
        &data,
        "state.toml",
        "notice_acknowledged = \"2026-01-01T00:00:00Z\"\ntheme = \"dim\"\nmuted = true\n",
    );
    write(&data, "nudge.toml", "last_spoken = \"2026-11-20\"\n");
    write(
        &data,
        "history.jsonl",
        &line(&rec("a", T1, "desk-reset", "neck", 60.0)),
    );
    write(
        &history::in_progress_dir(&data),
        "dead.json",
        &snapshot("dead", None),
    );
    let moved = relocate::relocate(&data, &state);
    assert_eq!(moved.moved, ["state.toml", "nudge.toml"]);
    assert_eq!(moved.recovered.len(), 1);
    let said = moved.line(&state).unwrap();
    assert!(
        said.contains("state.toml and nudge.toml") && said.contains("logged 1 session"),
        "{said}"
    );

    assert!(!state::notice_needed(Some(&data)));
    let local = state::State::load(&state);
    assert_eq!(
        (local.theme.as_deref(), local.muted),
        (Some("dim"), Some(true))
    );
    assert_eq!(
        nudge_state::load(&state).last_spoken,
        Some("2026-11-20".parse().unwrap())
    );
    let mut left: Vec<String> = fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut expected = vec![
        "history.jsonl".to_string(),
        machine::own_file("history"),
        machine::own_file("notice"),
    ];
    expected.sort();
    assert_eq!(left, expected, "only logs are left in the data folder");
    assert_eq!(
        history::load(&data, Detail::NoSteps).unwrap().records.len(),
        2
    );

    let again = relocate::relocate(&data, &state);
    assert!(again.line(&state).is_none());
}

/// In a folder other machines write to, a snapshot an older version left without naming
/// its machine may be another machine's running session: it is left alone, as is one
/// naming another machine.
#[test]
fn older_snapshots_in_a_shared_folder_are_left_alone() {
    let _alone = crate::common::alone();
    let tmp = tempfile::tempdir().unwrap();
    let (state, data) = (tmp.path().join("state"), tmp.path().join("data"));
    write(
        &data,
        "history-elsewhere.jsonl",
        &line(&rec("a", T1, "desk-reset", "neck", 60.0)),
    );
    let legacy = history::in_progress_dir(&data);
    write(&legacy, "unnamed.json", &snapshot("unnamed", None));
    write(
        &legacy,
        "theirs.json",
        &snapshot("theirs", Some("elsewhere")),
    );
    write(&legacy, "garbage.json", "{\"v\":1,\"id\":\"gar");
    write(&legacy, "mine.json", &snapshot("mine", Some(machine::id())));
    let moved = relocate::relocate(&data, &state);
    let ids: Vec<&str> = moved.recovered.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["mine"]);
    let mut left: Vec<String> = fs::read_dir(&legacy)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["garbage.json", "theirs.json", "unnamed.json"]);
}
