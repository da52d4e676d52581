//! The history store: appending, reading broken files, amendments, concurrency, recovery of
//! dead sessions, and write failures.

use crate::common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{external, line, rec, with_pain};
use knotless::model::record::{Amendment, Outcome, SessionRecord, StepRecord, StepStatus};
use knotless::store::history::{self, Detail, InProgress, Records};
use proptest::prelude::*;

fn data_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    (tmp, data)
}

fn write_raw(data: &Path, bytes: &[u8]) {
    fs::create_dir_all(data).unwrap();
    fs::write(history::history_path(data), bytes).unwrap();
}

/// A warning about this machine's own history file (`history-<machine>.jsonl`, where
/// `append` writes and `write_raw` puts its bytes): its name, then `rest`.
fn own(rest: &str) -> String {
    let path = history::history_path(Path::new("."));
    format!("{}{rest}", path.file_name().unwrap().to_string_lossy())
}

fn load(data: &Path) -> (Vec<SessionRecord>, Vec<String>) {
    let loaded = history::load(data, Detail::Full).unwrap();
    (
        loaded.records,
        loaded.warnings.iter().map(ToString::to_string).collect(),
    )
}

fn ids(records: &[SessionRecord]) -> Vec<&str> {
    records.iter().map(|r| r.id.as_str()).collect()
}

fn amendment(id: &str, before: Option<u8>, after: Option<u8>, note: Option<&str>) -> Amendment {
    Amendment {
        v: 1,
        amends: id.to_string(),
        at: "2026-11-24T17:20:00+01:00".parse().unwrap(),
        pain_before: before,
        pain_after: after,
        note: note.map(str::to_string),
    }
}

const T1: &str = "2026-11-20T17:05:00+01:00";
const T2: &str = "2026-11-21T09:30:00+01:00";
const T3: &str = "2026-11-22T21:10:00+01:00";

#[test]
fn appended_records_load_back_with_and_without_steps() {
    let (_tmp, data) = data_dir();
    let a = with_pain(rec("a", T1, "neck-release", "neck", 472.5), Some(6), None);
    let b = rec("b", T2, "desk-break", "shoulders", 240.0);
    history::append(&data, &a).unwrap();
    history::append(&data, &b).unwrap();

    let (records, warnings) = load(&data);
    assert_eq!(records, vec![a.clone(), b.clone()]);
    assert!(warnings.is_empty(), "{warnings:?}");

    let light = history::load(&data, Detail::NoSteps).unwrap();
    let mut a_light = a;
    a_light.steps.clear();
    assert_eq!(light.records[0], a_light);
    assert!(light.records[1].steps.is_empty());

    let text = fs::read_to_string(history::history_path(&data)).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.ends_with('\n'));
}

#[test]
fn missing_and_empty_files_are_an_empty_history() {
    let (_tmp, data) = data_dir();
    let (records, warnings) = load(&data);
    assert!(records.is_empty() && warnings.is_empty());
    assert!(!data.exists(), "reading must not create the data directory");
    let recent = history::recent(&data, jiff::Timestamp::UNIX_EPOCH).unwrap();
    assert_eq!(recent, history::Recent::default());

    write_raw(&data, b"");
    let (records, warnings) = load(&data);
    assert!(records.is_empty() && warnings.is_empty());

    write_raw(&data, b"\n\n  \n");
    let (records, warnings) = load(&data);
    assert!(records.is_empty() && warnings.is_empty(), "{warnings:?}");
}

/// A file an editor saved with a byte order mark in front (Notepad, some merge tools):
/// its first line is read as ever, by every reader, and so is the day log's.
#[test]
fn a_byte_order_mark_in_front_hides_no_line() {
    let (_tmp, data) = data_dir();
    let a = rec("a", T1, "neck-release", "neck", 480.0);
    let b = rec("b", T2, "neck-release", "neck", 480.0);
    let amend = serde_json::to_string(&amendment("a", None, Some(2), None)).unwrap() + "\n";
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(
        line(&a)
            .bytes()
            .chain(amend.bytes())
            .chain(line(&b).bytes()),
    );
    write_raw(&data, &bytes);
    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["a", "b"]);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(records[0].pain_after, Some(2));
    for reading in [history::Reading::Here, history::Reading::Ahead] {
        let mut seen = Vec::new();
        let warnings =
            history::for_each_read(&data, Detail::Figures, reading, |r| seen.push(r.id.clone()))
                .unwrap();
        assert_eq!(seen, ["a", "b"], "{reading:?}");
        assert!(warnings.is_empty(), "{reading:?}: {warnings:?}");
    }
    // A mark in front of the amendment alone (a file put together by hand) is passed over
    // too: it is the amendment that counts.
    let mut bytes = line(&a).into_bytes();
    bytes.extend(b"\xef\xbb\xbf".iter().chain(amend.as_bytes()));
    write_raw(&data, &bytes);
    let (records, warnings) = load(&data);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(records[0].pain_after, Some(2));

    let day = knotless::store::days::answer(
        jiff::civil::date(2026, 11, 20),
        true,
        &"2026-11-24T12:00:00+01:00[Europe/Berlin]".parse().unwrap(),
    );
    knotless::store::days::append(&data, &day).unwrap();
    let path = knotless::store::days::days_path(&data);
    let mut marked = b"\xef\xbb\xbf".to_vec();
    marked.extend(fs::read(&path).unwrap());
    fs::write(&path, marked).unwrap();
    let (log, warnings) = knotless::store::days::load(&data).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(log.answers.len(), 1);
}

#[test]
fn a_torn_last_line_is_skipped_and_the_next_append_stays_readable() {
    let (_tmp, data) = data_dir();
    let a = rec("a", T1, "neck-release", "neck", 480.0);
    let b = rec("b", T2, "neck-release", "neck", 480.0);
    history::append(&data, &a).unwrap();
    let torn = line(&b);
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(history::history_path(&data))
        .unwrap();
    f.write_all(&torn.as_bytes()[..torn.len() / 2]).unwrap();
    drop(f);

    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["a"]);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with(&own(":2: skipped: the line is cut off")),
        "{warnings:?}"
    );

    let c = rec("c", T3, "desk-break", "shoulders", 120.0);
    history::append(&data, &c).unwrap();
    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["a", "c"]);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].starts_with(&own(":2: skipped:")));
    let text = fs::read(history::history_path(&data)).unwrap();
    assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), 3);
}

#[test]
fn garbage_and_invalid_utf8_in_the_middle_are_skipped_by_line() {
    let (_tmp, data) = data_dir();
    let a = rec("a", T1, "neck-release", "neck", 480.0);
    let b = rec("b", T2, "desk-break", "shoulders", 240.0);
    let c = rec("c", T3, "jaw", "jaw", 300.0);
    let mut bytes = Vec::new();
    bytes.extend(line(&a).as_bytes());
    bytes.extend(b"this is not json\n");
    bytes.extend(b"{\"v\":1,\"id\":\"x\",\"title\":\"caf\xe9\"}\n");
    bytes.extend(line(&b).as_bytes());
    // Right shape, wrong types.
    bytes.extend(
        line(&c)
            .replace("300.0", "\"five minutes\"")
            .replace("300", "\"five minutes\"")
            .as_bytes(),
    );
    bytes.extend(b"[1,2,3]\n");
    bytes.extend(b"{\"v\":1,\"id\":\"d\"}\n");
    bytes.extend(line(&c).as_bytes());
    write_raw(&data, &bytes);

    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["a", "b", "c"]);
    assert_eq!(warnings.len(), 5, "{warnings:#?}");
    assert!(
        warnings[0].starts_with(&own(":2: skipped: not JSON")),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].starts_with(&own(":3: skipped: not valid UTF-8")),
        "{}",
        warnings[1]
    );
    assert!(
        warnings[2].starts_with(&own(":5: skipped: invalid type")),
        "{}",
        warnings[2]
    );
    assert!(
        warnings[3].starts_with(&own(":6: skipped:")),
        "{}",
        warnings[3]
    );
    assert!(
        warnings[4].starts_with(&own(":7: skipped: missing field")),
        "{}",
        warnings[4]
    );
}

#[test]
fn bad_times_and_out_of_range_ratings() {
    let (_tmp, data) = data_dir();
    let a = rec("a", T1, "neck-release", "neck", 480.0);
    let b = with_pain(
        rec("b", T2, "neck-release", "neck", 480.0),
        Some(42),
        Some(3),
    );
    let a = line(&a).replace(T1, "last tuesday");
    write_raw(&data, format!("{a}{}", line(&b)).as_bytes());
    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["b"]);
    assert_eq!(records[0].pain_before, None);
    assert_eq!(records[0].pain_after, Some(3));
    assert!(warnings[0].contains(":1: skipped: started_at \"last tuesday\" is not a time"));
    assert!(warnings[1].contains(":2: pain_before 42 is outside 0-10"));
}

#[test]
fn newer_versions_and_unknown_fields_load() {
    let (_tmp, data) = data_dir();
    let a = rec("a", T1, "neck-release", "neck", 480.0);
    let mut value = serde_json::to_value(&a).unwrap();
    value["v"] = 2.into();
    value["mood"] = "calm".into();
    value["steps"][0]["haptics"] = true.into();
    write_raw(&data, format!("{value}\n").as_bytes());
    let (records, warnings) = load(&data);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(records[0].v, 2);
    assert_eq!(records[0].steps.len(), 2);
}

#[test]
fn duplicate_ids_appear_once_first_copy_wins() {
    let (_tmp, data) = data_dir();
    let a = rec("a", T1, "neck-release", "neck", 480.0);
    let mut a_again = a.clone();
    a_again.title = "changed".into();
    let b = rec("b", T2, "desk-break", "shoulders", 240.0);
    for r in [&a, &b, &a_again, &a] {
        history::append(&data, r).unwrap();
    }
    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["a", "b"]);
    assert_eq!(records[0].title, a.title);
    assert!(warnings.is_empty());
}

#[test]
fn amendments_merge_later_wins_per_field_and_unknown_ones_warn() {
    let (_tmp, data) = data_dir();
    let a = with_pain(rec("a", T1, "neck-release", "neck", 480.0), Some(6), None);
    let b = rec("b", T2, "desk-break", "shoulders", 240.0);
    // An amendment may even come before its record (hand edits, odd merges).
    history::amend(&data, &amendment("b", None, None, Some("early note"))).unwrap();
    history::append(&data, &a).unwrap();
    history::append(&data, &b).unwrap();
    history::amend(&data, &amendment("a", None, Some(4), None)).unwrap();
    history::amend(&data, &amendment("ghost", Some(1), None, None)).unwrap();
    history::amend(
        &data,
        &amendment("a", None, Some(3), Some("felt looser, \"much\"")),
    )
    .unwrap();
    // A hand-written amendment with only the fields it needs.
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(history::history_path(&data))
        .unwrap();
    f.write_all(b"{\"amends\":\"b\",\"pain_after\":2}\n")
        .unwrap();
    f.write_all(b"{\"v\":1,\"amends\":7}\n").unwrap();
    drop(f);

    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["a", "b"]);
    assert_eq!(records[0].pain_before, Some(6));
    assert_eq!(records[0].pain_after, Some(3));
    assert_eq!(records[0].note.as_deref(), Some("felt looser, \"much\""));
    assert_eq!(records[1].note.as_deref(), Some("early note"));
    assert_eq!(records[1].pain_after, Some(2));
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!(
        warnings[0],
        own(":5: amendment for unknown record \"ghost\" ignored")
    );
    assert!(warnings[1].starts_with(&own(":8: skipped: amendment: invalid type")));
}

#[test]
fn the_records_iterator_streams_and_reports_at_the_end() {
    let (_tmp, data) = data_dir();
    for i in 0..50 {
        history::append(&data, &rec(&format!("r{i:02}"), T1, "neck", "neck", 60.0)).unwrap();
    }
    history::amend(&data, &amendment("nope", Some(1), None, None)).unwrap();
    let mut records = Records::open(&data, Detail::NoSteps).unwrap();
    let first = records.next().unwrap().unwrap();
    assert_eq!(first.id, "r00");
    assert!(records.warnings().is_empty());
    assert_eq!(records.by_ref().count(), 49);
    assert_eq!(records.warnings().len(), 1);

    let mut seen = 0;
    let warnings = history::for_each(&data, Detail::Full, |_| seen += 1).unwrap();
    assert_eq!((seen, warnings.len()), (50, 1));

    let some = history::load_filtered(&data, Detail::Full, |r| r.id.ends_with('7')).unwrap();
    assert_eq!(ids(&some.records), ["r07", "r17", "r27", "r37", "r47"]);
}

#[test]
fn an_overlong_line_is_skipped_without_loading_it() {
    let (_tmp, data) = data_dir();
    let a = rec("a", T1, "neck-release", "neck", 480.0);
    let mut bytes = line(&a).into_bytes();
    bytes.extend(std::iter::repeat_n(b'x', 3 << 20));
    bytes.push(b'\n');
    bytes.extend(line(&rec("b", T2, "jaw", "jaw", 60.0)).as_bytes());
    write_raw(&data, &bytes);
    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["a", "b"]);
    assert_eq!(warnings, [own(":2: skipped: longer than 1024 KiB")]);
    let recent = history::recent(&data, T1.parse().unwrap()).unwrap();
    assert_eq!(recent.count_since, 2);
}

#[test]
fn new_ids_are_unique_valid_and_sort_by_time() {
    let t0: jiff::Timestamp = "2026-11-24T16:05:00.123Z".parse().unwrap();
    let a = history::new_id(t0);
    assert!(a.starts_with("20261124T160500123Z-"), "{a}");
    assert!(history::is_valid_id(&a));
    let mut all: Vec<String> = (0..10_000).map(|_| history::new_id(t0)).collect();
    let later = history::new_id(t0 + jiff::SignedDuration::from_millis(1));
    assert!(later > a);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 10_000);
    assert!(!history::is_valid_id("../etc/passwd"));
    assert!(!history::is_valid_id(".hidden"));
    assert!(!history::is_valid_id(""));
}

#[test]
fn many_threads_appending_at_once_lose_nothing() {
    let (_tmp, data) = data_dir();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let data = data.clone();
            std::thread::spawn(move || {
                for i in 0..100 {
                    let mut r = rec(&format!("t{t}-{i}"), T1, "neck", "neck", 60.0);
                    r.note = Some("x".repeat(i * 37 % 3000));
                    history::append(&data, &r).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (records, warnings) = load(&data);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(records.len(), 800);
    let text = fs::read_to_string(history::history_path(&data)).unwrap();
    assert_eq!(text.lines().count(), 800);
}

/// What each child process of `processes_appending_at_once_lose_nothing` does: the test
/// runs itself again in four processes with the folder in its environment.
fn append_as_a_child(dir: &str) {
    let tag = std::env::var("KNOTLESS_TEST_TAG").unwrap();
    for i in 0..150 {
        let mut r = rec(&format!("{tag}-{i}"), T1, "neck", "neck", 60.0);
        r.note = Some("y".repeat(i * 101 % 5000));
        history::append(Path::new(&dir), &r).unwrap();
    }
}

fn child(test: &str) -> Command {
    // The test's full name: where tests share one binary, each file is a module.
    let name = match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::{test}"),
        None => test.to_string(),
    };
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn processes_appending_at_once_lose_nothing() {
    if let Ok(dir) = std::env::var("KNOTLESS_TEST_APPEND_DIR") {
        return append_as_a_child(&dir);
    }
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    let children: Vec<_> = (0..4)
        .map(|n| {
            child("processes_appending_at_once_lose_nothing")
                .env("KNOTLESS_TEST_APPEND_DIR", &data)
                .env("KNOTLESS_TEST_TAG", format!("p{n}"))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let (records, warnings) = load(&data);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(records.len(), 600);
    let text = fs::read_to_string(history::history_path(&data)).unwrap();
    assert_eq!(
        text.lines().count(),
        600,
        "every line holds exactly one record"
    );
    for n in 0..4 {
        for i in 0..150 {
            let id = format!("p{n}-{i}");
            assert!(records.iter().any(|r| r.id == id), "{id} is missing");
        }
    }
}

// ---------------------------------------------------------------------------------------
// In-progress sessions and recovery

fn running(id: &str) -> SessionRecord {
    let mut r = rec(id, T1, "neck-release", "neck", 0.0);
    r.steps.clear();
    r.outcome = Outcome::Interrupted;
    r
}

fn step(title: &str, secs: f64) -> StepRecord {
    StepRecord {
        title: title.into(),
        side: None,
        planned_secs: 60.0,
        active_secs: secs,
        status: StepStatus::Done,
    }
}

/// The state folder beside a test's data folder: where this "machine" keeps its snapshots.
fn state(data: &Path) -> PathBuf {
    data.with_file_name("state")
}

fn in_progress_files(data: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(history::in_progress_dir(&state(data)))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_finished_session_is_appended_and_its_files_removed() {
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    let mut r = running("s1");
    let mut progress = InProgress::begin(&state(&data), &data, &r).unwrap();
    assert_eq!(in_progress_files(&data), ["s1.json", "s1.lock"]);
    r.steps.push(step("Settle", 60.0));
    progress.update(&r).unwrap();
    r.outcome = Outcome::Completed;
    r.active_secs = 60.0;
    progress.finish(&r).unwrap();
    assert!(in_progress_files(&data).is_empty());
    let (records, _) = load(&data);
    assert_eq!(records, vec![r]);
    assert!(
        history::recover(&state(&data), &data)
            .unwrap()
            .records
            .is_empty()
    );
}

#[test]
fn a_dead_session_is_recovered_once_as_interrupted_with_its_steps() {
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    let mut r = running("s2");
    let mut progress = InProgress::begin(&state(&data), &data, &r).unwrap();
    r.steps.push(step("Settle", 60.0));
    r.steps.push(step("Suboccipital hold", 45.0));
    r.active_secs = 105.0;
    r.outcome = Outcome::Completed; // whatever the snapshot says, a dead session was cut short
    r.ended_at = "2026-11-20T17:07:00+01:00".parse().unwrap();
    progress.update(&r).unwrap();

    // While it runs, recovery leaves it alone.
    assert!(
        history::recover(&state(&data), &data)
            .unwrap()
            .records
            .is_empty()
    );
    assert_eq!(in_progress_files(&data), ["s2.json", "s2.lock"]);

    drop(progress); // the process "dies": its lock is released, its files stay
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert_eq!(recovered.records.len(), 1);
    assert!(recovered.warnings.is_empty());
    let (records, _) = load(&data);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].outcome, Outcome::Interrupted);
    assert_eq!(records[0].steps.len(), 2);
    assert_eq!(records[0].active_secs, 105.0);
    assert_eq!(records[0].ended_at.to_string(), "2026-11-20T17:07:00+01:00");
    assert!(in_progress_files(&data).is_empty());

    assert!(
        history::recover(&state(&data), &data)
            .unwrap()
            .records
            .is_empty()
    );
    assert_eq!(load(&data).0.len(), 1);
}

/// `r`'s snapshot as an older version left it for a session that died: no end time, no
/// lock file.
fn snapshot_without_an_end(data: &Path, r: &SessionRecord) {
    let mut json = serde_json::to_value(r).unwrap();
    json["ended_at"] = "".into();
    let dir = history::in_progress_dir(&state(data));
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join(format!("{}.json", r.id)),
        serde_json::to_vec(&json).unwrap(),
    )
    .unwrap();
}

#[test]
fn recovery_without_a_lock_file_or_an_end_time_uses_the_file_time() {
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    // Started two minutes ago: the file's time is a time the session could have ended.
    let start = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(2);
    let mut r = running("s3");
    r.started_at = knotless::model::record::Stamp::new(start, &jiff::tz::TimeZone::UTC);
    snapshot_without_an_end(&data, &r);
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert_eq!(recovered.records.len(), 1);
    let ended = recovered.records[0].ended();
    let age = jiff::Timestamp::now().duration_since(ended);
    assert!(age.as_secs() < 60, "{age:?}");
    assert!(in_progress_files(&data).is_empty());
}

/// A snapshot whose time is later than its session could have lasted (left for weeks, its
/// file touched since) is recovered as ending as early as it could, so every reader takes
/// it — rather than logged with an end no reader would believe, and skipped by them all.
#[test]
fn recovery_settles_an_end_no_reader_would_take() {
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    let mut r = running("s5");
    r.active_secs = 120.0;
    snapshot_without_an_end(&data, &r);
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert_eq!(recovered.records.len(), 1, "{:?}", recovered.warnings);
    let (records, warnings) = load(&data);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(ids(&records), ["s5"]);
    let lasted = records[0].ended().duration_since(records[0].started());
    assert_eq!(
        lasted.as_secs(),
        130,
        "active and paused time after its start"
    );
}

#[test]
fn recovery_is_idempotent_when_removal_failed_after_the_append() {
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    let mut r = running("s4");
    let progress = InProgress::begin(&state(&data), &data, &r).unwrap();
    drop(progress);
    // As if a previous recovery appended the record and then died before removing the file.
    r.outcome = Outcome::Interrupted;
    history::append(&data, &r).unwrap();
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert_eq!(recovered.records.len(), 1);
    let (records, warnings) = load(&data);
    assert_eq!(ids(&records), ["s4"]);
    assert!(warnings.is_empty());
    let text = fs::read_to_string(history::history_path(&data)).unwrap();
    assert_eq!(
        text.lines().count(),
        2,
        "the duplicate line is in the file, not in the history"
    );
}

#[test]
fn an_unreadable_snapshot_is_moved_aside_never_deleted() {
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    let dir = history::in_progress_dir(&state(&data));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("s5.json"), b"{\"v\":1,\"id\":\"s5\",\"kin").unwrap();
    fs::write(dir.join("s6.json"), b"{\"v\":1}").unwrap();
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert!(recovered.records.is_empty());
    assert_eq!(recovered.warnings.len(), 2);
    let w = recovered.warnings[0].to_string();
    assert!(
        w.contains("s5.json: unreadable") && w.contains("moved aside to"),
        "{w}"
    );
    assert_eq!(in_progress_files(&data), ["s5.json.bad", "s6.json.bad"]);
    assert_eq!(
        fs::read(dir.join("s5.json.bad")).unwrap(),
        b"{\"v\":1,\"id\":\"s5\",\"kin"
    );
    assert!(!history::history_path(&data).exists());

    // A second bad file with the same name does not overwrite the first.
    fs::write(dir.join("s5.json"), b"garbage").unwrap();
    history::recover(&state(&data), &data).unwrap();
    assert_eq!(
        in_progress_files(&data),
        ["s5.json.bad", "s5.json.bad.2", "s6.json.bad"]
    );
}

#[test]
fn a_second_begin_for_the_same_id_is_refused_while_the_first_lives() {
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    let r = running("s7");
    let first = InProgress::begin(&state(&data), &data, &r).unwrap();
    let err = InProgress::begin(&state(&data), &data, &r).unwrap_err();
    assert!(matches!(err, history::HistoryError::Busy { .. }), "{err}");
    first.discard().unwrap();
    assert!(in_progress_files(&data).is_empty());

    let mut bad = running("../escape");
    bad.id = "../escape".into();
    assert!(matches!(
        InProgress::begin(&state(&data), &data, &bad),
        Err(history::HistoryError::BadId { .. })
    ));
    let mut progress = InProgress::begin(&state(&data), &data, &running("s8")).unwrap();
    assert!(matches!(
        progress.update(&running("other")),
        Err(history::HistoryError::WrongSession { .. })
    ));
}

/// What the child process of `a_killed_process_is_recovered_but_a_live_one_is_not` does: the
/// test runs itself again with the folder in its environment, and this holds a session.
fn hold_a_session_as_a_child(dir: &str) {
    let data = PathBuf::from(dir);
    let mut r = running("held");
    let mut progress = InProgress::begin(&state(&data), &data, &r).unwrap();
    r.steps.push(step("Settle", 60.0));
    r.steps.push(step("Suboccipital hold", 30.0));
    progress.update(&r).unwrap();
    fs::write(data.join("ready"), b"").unwrap();
    std::thread::sleep(Duration::from_secs(120));
}

#[test]
fn a_killed_process_is_recovered_but_a_live_one_is_not() {
    if let Ok(dir) = std::env::var("KNOTLESS_TEST_HOLD_DIR") {
        return hold_a_session_as_a_child(&dir);
    }
    let _alone = common::alone();
    let (_tmp, data) = data_dir();
    fs::create_dir_all(&data).unwrap();
    /// Kills the child if an assertion fails first, so no process outlives the test.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut holder = KillOnDrop(
        child("a_killed_process_is_recovered_but_a_live_one_is_not")
            .env("KNOTLESS_TEST_HOLD_DIR", &data)
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !data.join("ready").exists() {
        assert!(Instant::now() < deadline, "the child never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert!(recovered.records.is_empty(), "a live session was recovered");
    assert_eq!(in_progress_files(&data), ["held.json", "held.lock"]);

    holder.0.kill().unwrap();
    holder.0.wait().unwrap();
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert_eq!(recovered.records.len(), 1);
    let (records, _) = load(&data);
    assert_eq!(records[0].id, "held");
    assert_eq!(records[0].outcome, Outcome::Interrupted);
    assert_eq!(records[0].steps.len(), 2);
    assert!(in_progress_files(&data).is_empty());
}

/// True when this process can write into a directory whatever its mode says (root).
#[cfg(unix)]
fn permissions_are_ignored(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    let ok = fs::write(&probe, b"x").is_ok();
    let _ = fs::remove_file(probe);
    ok
}

#[cfg(unix)]
#[test]
fn a_read_only_data_directory_gives_a_clear_message() {
    let _alone = common::alone();
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, data) = data_dir();
    fs::create_dir_all(&data).unwrap();
    fs::set_permissions(&data, fs::Permissions::from_mode(0o555)).unwrap();
    let ignored = permissions_are_ignored(&data);
    let result = history::append(&data, &rec("a", T1, "neck", "neck", 60.0));
    let begin = InProgress::begin(&state(&data), &data, &running("s9"));
    fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
    if ignored {
        eprintln!("skipped: running with privileges that ignore directory permissions");
        return;
    }
    let message = result.unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "cannot write the history at {}: permission denied",
            history::history_path(&data).display()
        )
    );
    let message = begin.unwrap_err().to_string();
    assert!(message.ends_with(": permission denied"), "{message}");
}

/// A history file that refuses the final line — a link to /dev/full (works even as root;
/// a link is never written through, so the refusal comes before the "no space" /dev/full
/// would give; a real full disk is `tests/e2e/hostile_cli.rs`): the
/// session stays in its in-progress file, marked final, and is logged with its real outcome
/// once the history can be written again.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_keeps_the_finished_session_for_later() {
    let _alone = common::alone();
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let (_tmp, data) = data_dir();
    fs::create_dir_all(&data).unwrap();
    let mut r = running("s10");
    let progress = InProgress::begin(&state(&data), &data, &r).unwrap();
    std::os::unix::fs::symlink("/dev/full", history::history_path(&data)).unwrap();
    r.outcome = Outcome::Stopped;
    r.steps.push(step("Settle", 30.0));
    let err = progress.finish(&r).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot write the history at {}: it is a link, not a regular file",
            history::history_path(&data).display()
        )
    );
    assert_eq!(in_progress_files(&data), ["s10.json", "s10.lock"]);
    // Still full: recovery reports the same error and keeps the file.
    assert!(history::recover(&state(&data), &data).is_err());
    assert_eq!(in_progress_files(&data), ["s10.json", "s10.lock"]);

    fs::remove_file(history::history_path(&data)).unwrap();
    let recovered = history::recover(&state(&data), &data).unwrap();
    assert_eq!(recovered.records.len(), 1);
    let (records, _) = load(&data);
    assert_eq!(
        records[0].outcome,
        Outcome::Stopped,
        "a final snapshot keeps its outcome"
    );
    assert_eq!(records[0].steps.len(), 1);
    assert!(in_progress_files(&data).is_empty());
}

// ---------------------------------------------------------------------------------------
// recent(): the home screen header

#[test]
fn recent_counts_this_weeks_self_care_from_the_end() {
    let (_tmp, data) = data_dir();
    let week_start: jiff::Timestamp = "2026-11-23T00:00:00+01:00".parse().unwrap();
    // Three weeks of history, two sessions a day.
    let mut day = jiff::civil::date(2026, 11, 2);
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let mut n = 0;
    while day <= jiff::civil::date(2026, 11, 25) {
        for hour in [8, 20] {
            let t = day
                .at(hour, 0, 0, 0)
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp();
            let r = rec(
                &format!("r{n}"),
                &knotless::model::record::Stamp::new(t, &tz).to_string(),
                "neck",
                "neck",
                300.0,
            );
            history::append(&data, &r).unwrap();
            n += 1;
        }
        day = day.tomorrow().unwrap();
    }
    // Back-filled and recovered records out of order, a professional session, an
    // amendment and a torn line at the end.
    history::append(
        &data,
        &rec("old", "2026-10-01T10:00:00+02:00", "neck", "neck", 60.0),
    )
    .unwrap();
    history::append(
        &data,
        &external(
            "pro",
            "2026-11-24T10:00:00+01:00",
            "Massage therapist",
            60.0,
        ),
    )
    .unwrap();
    history::amend(&data, &amendment("r40", Some(5), Some(2), None)).unwrap();
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(history::history_path(&data))
        .unwrap();
    f.write_all(b"{\"v\":1,\"id\":\"torn").unwrap();
    drop(f);

    let recent = history::recent(&data, week_start).unwrap();
    // Mon 23, Tue 24, Wed 25: six sessions; the professional one doesn't count.
    assert_eq!(recent.count_since, 6);
    let last: jiff::Timestamp = "2026-11-25T20:05:10+01:00".parse().unwrap();
    assert_eq!(recent.last_ended, Some(last));

    let nothing_since = history::recent(&data, "2026-12-01T00:00:00Z".parse().unwrap()).unwrap();
    assert_eq!(nothing_since.count_since, 0);
    assert_eq!(nothing_since.last_ended, Some(last));
}

#[test]
fn recent_reads_lines_that_span_blocks() {
    let (_tmp, data) = data_dir();
    let since: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
    for i in 0..20 {
        let mut r = rec(&format!("r{i}"), T1, "neck", "neck", 60.0);
        r.note = Some("z".repeat(10_000 + i * 9_000));
        history::append(&data, &r).unwrap();
    }
    let recent = history::recent(&data, since).unwrap();
    assert_eq!(recent.count_since, 20);
}

fn arb_history() -> impl Strategy<Value = Vec<u8>> {
    // Times follow from ids, so a repeated id is a repeated record, as in real files;
    // ids are not in time order, as after back-fills.
    let good = (0u32..40).prop_map(|id| {
        let secs = i64::from(id.wrapping_mul(2_654_435_761) % 3_000_000);
        let t = jiff::Timestamp::from_second(1_780_000_000 + secs).unwrap();
        let mut r = rec(
            &format!("r{id}"),
            &knotless::model::record::Stamp::new(t, &jiff::tz::TimeZone::UTC).to_string(),
            "neck",
            "neck",
            60.0,
        );
        r.pain_before = Some((id % 11) as u8);
        line(&r).into_bytes()
    });
    let amend = (0u32..50, 0u8..20).prop_map(|(id, p)| {
        format!("{{\"v\":1,\"amends\":\"r{id}\",\"pain_after\":{p}}}\n").into_bytes()
    });
    let junk = prop::collection::vec(any::<u8>(), 0..200);
    let piece = prop_oneof![4 => good, 2 => amend, 1 => junk];
    prop::collection::vec(piece, 0..30)
        .prop_flat_map(|pieces| {
            let bytes: Vec<u8> = pieces.concat();
            let len = bytes.len();
            (Just(bytes), 0..=len)
        })
        .prop_map(|(bytes, cut)| bytes[..cut].to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic_the_readers(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let (_tmp, data) = data_dir();
        write_raw(&data, &bytes);
        let full = history::load(&data, Detail::Full).unwrap();
        let light = history::load(&data, Detail::NoSteps).unwrap();
        prop_assert_eq!(full.records.len(), light.records.len());
        history::recent(&data, jiff::Timestamp::UNIX_EPOCH).unwrap();
        let dir = history::in_progress_dir(&state(&data));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("x.json"), &bytes).unwrap();
        history::recover(&state(&data), &data).unwrap();
    }

    #[test]
    fn mixed_histories_load_consistently(bytes in arb_history()) {
        let (_tmp, data) = data_dir();
        write_raw(&data, &bytes);
        let loaded = history::load(&data, Detail::Full).unwrap();
        let mut ids: Vec<&str> = loaded.records.iter().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(ids.len(), n, "duplicate ids came through");
        for r in &loaded.records {
            prop_assert!(r.pain_after.is_none_or(|p| p <= 10));
        }
        // recent() agrees with a full read about how many sessions there are since the epoch.
        let recent = history::recent(&data, jiff::Timestamp::UNIX_EPOCH).unwrap();
        prop_assert_eq!(recent.count_since as usize, n);
        let last = loaded.records.iter().map(|r| r.ended()).max();
        prop_assert_eq!(recent.last_ended, last);
    }
}

/// A session stopped in the count-in (0 s active) or a second or two in
/// stays in the log, but no figure counts it: not the weekly goal, not "last done", not a
/// routine's count, not the head-pain averages, not the 4-week session days.
#[test]
fn a_session_that_never_started_counts_for_nothing() {
    use knotless::core::stats;
    let (_tmp, data) = data_dir();
    let week_start: jiff::Timestamp = "2026-11-23T00:00:00+01:00".parse().unwrap();
    let real = rec("real", "2026-11-23T09:00:00+01:00", "neck", "neck", 120.0);
    let mut count_in = rec("ci", "2026-11-24T09:00:00+01:00", "neck", "neck", 0.0);
    count_in.outcome = Outcome::Stopped;
    count_in.pain_before = Some(9);
    count_in.pain_after = Some(9);
    let mut blip = rec("blip", "2026-11-25T09:00:00+01:00", "jaw", "jaw", 2.9);
    blip.outcome = Outcome::Stopped;
    for r in [&real, &count_in, &blip] {
        history::append(&data, r).unwrap();
    }
    assert!(real.counts() && !count_in.counts() && !blip.counts());

    let recent = history::recent(&data, week_start).unwrap();
    assert_eq!(recent.count_since, 1);
    assert_eq!(recent.last_ended, Some(real.ended()));

    let now = jiff::civil::date(2026, 11, 26)
        .at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .unwrap();
    let loaded = history::load(&data, Detail::NoSteps).unwrap();
    assert_eq!(loaded.records.len(), 3, "the log keeps every record");
    let s = stats::compute(&loaded.records, &now, 3);
    assert_eq!(s.this_week.sessions, 1);
    assert_eq!(s.totals.sessions, 1);
    assert_eq!(s.routines.len(), 1, "jaw was never really done");
    assert_eq!(s.routines[0].sessions, 1);
    assert_eq!(s.routines[0].last_at, real.started());
    assert_eq!(s.totals.pain, stats::PainStats::default());
    let mut days = knotless::core::days::SessionDays::new(now.time_zone().clone());
    for r in &loaded.records {
        days.add(r);
    }
    assert_eq!(days.by_day.len(), 1);
    let mut b = knotless::core::report::ReportBuilder::new(&now, Default::default());
    for r in &loaded.records {
        b.add(r);
    }
    let mut out = Vec::new();
    knotless::cli::report::markdown::write(&mut out, &b.finish(None)).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("- 1 self-care session ("), "{out}");
}

// ---------------------------------------------------------------------------------------
// One rule for every reader, and a writer that keeps to it

/// Lines the full readers skip, each beside a good record: the backwards readers (the home
/// header's count, the nudge's tail) take exactly what `history` and `stats` take, however
/// little of the line they need.
#[test]
fn every_reader_takes_the_same_lines() {
    let (_t, data) = data_dir();
    let good = rec("good", T1, "neck-release", "neck", 300.0);
    let bad_step = {
        let mut r = rec("bad-step", T2, "neck-release", "neck", 300.0);
        r.steps[0].active_secs = 1e308;
        r
    };
    let long_pause = {
        let mut r = rec("long-pause", T2, "neck-release", "neck", 300.0);
        r.paused_secs = 1e9;
        r
    };
    let mut lines = vec![line(&good), line(&bad_step), line(&long_pause)];
    let mut v: serde_json::Value = serde_json::from_str(&line(&good)).unwrap();
    for (id, field, value) in [
        ("no-outcome", "outcome", None),
        ("no-title", "title", None),
        ("no-active", "active_secs", None),
        ("bad-rating", "pain_before", Some(serde_json::json!("ten"))),
        (
            "bad-step-shape",
            "steps",
            Some(serde_json::json!([{"title": 7}])),
        ),
    ] {
        let obj = v.as_object_mut().unwrap();
        obj.insert("id".into(), id.into());
        let was = obj.remove(field);
        if let Some(value) = value {
            obj.insert(field.into(), value);
        }
        lines.push(format!("{v}\n"));
        let obj = v.as_object_mut().unwrap();
        obj.remove(field);
        if let Some(was) = was {
            obj.insert(field.into(), was);
        }
    }
    write_raw(&data, lines.concat().as_bytes());
    let since: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
    let (full, _) = load(&data);
    assert_eq!(ids(&full), ["good"]);
    let figures = history::load(&data, Detail::Figures).unwrap();
    assert_eq!(ids(&figures.records), ["good"]);
    let recent = history::recent(&data, since).unwrap();
    assert_eq!(
        recent.count_since, 1,
        "the home header counts what the others count"
    );
    let tail = knotless::store::tail::tail(&data, since, 100).unwrap();
    assert_eq!(tail.len(), 1, "the nudge sees what the others see");
}

/// A record longer than a line may be (only a hand-made routine or a very long note could
/// make one) is written so the readers still take it: the session stays in every figure,
/// with less detail, rather than being "saved" and then skipped by every reader.
#[test]
fn the_writer_never_writes_a_line_the_readers_skip() {
    let (_t, data) = data_dir();
    let mut r = rec("long", T1, "neck-release", "neck", 300.0);
    let title = "a long step title, again and again ".repeat(30);
    r.steps = (0..2000).map(|_| step(&title, 0.1)).collect();
    assert!(serde_json::to_vec(&r).unwrap().len() > 1 << 20);
    history::append(&data, &r).unwrap();
    let bytes = fs::read(history::history_path(&data)).unwrap();
    assert!(bytes.len() <= 1 << 20, "{} bytes", bytes.len());
    let (records, warnings) = load(&data);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(ids(&records), ["long"]);
    assert_eq!(records[0].active_secs, 300.0);

    // A note of two megabytes on an amendment: cut, and the rating it carries is kept.
    let note = "n".repeat(2 << 20);
    history::amend(&data, &amendment("long", None, Some(3), Some(&note))).unwrap();
    let (records, warnings) = load(&data);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(records[0].pain_after, Some(3));
    assert!(records[0].note.as_ref().is_some_and(|n| n.len() < 10_000));

    // A record no reader would take for its numbers is refused, not written as saved.
    let mut broken = rec("broken", T2, "neck-release", "neck", 300.0);
    broken.active_secs = f64::INFINITY;
    assert!(history::append(&data, &broken).is_err());
    let (records, _) = load(&data);
    assert_eq!(ids(&records), ["long"]);
}
