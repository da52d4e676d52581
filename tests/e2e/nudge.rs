//! `knotless nudge`: the pure decision on fixture histories with a fixed `now`, the tail
//! reader it uses, and the command as a prompt runs it (the real binary, real clock).

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp, Zoned};
use knotless::core::nudge::{Basis, Input, NudgeState, Offer, Seen, Silence, decide};
use knotless::model::config::DayWindow;
use knotless::model::record::{Amendment, Kind, Outcome, SessionRecord, Stamp, VERSION};

use crate::text;

// ---- the pure decision ----

/// Sunday 29 November 2026, 17:30 in Berlin.
fn now() -> Zoned {
    "2026-11-29T17:30:00+01:00[Europe/Berlin]".parse().unwrap()
}

fn offers() -> Vec<Offer> {
    [
        ("neck-release", "neck", 600),
        ("desk-reset", "shoulders", 300),
        ("jaw-and-temples", "jaw", 780),
        ("migraine-day", "breathing", 290),
        ("full-between-sessions", "mixed", 1020),
    ]
    .into_iter()
    .map(|(id, area, s)| Offer {
        id: id.into(),
        area: area.into(),
        length: Duration::from_secs(s),
    })
    .collect()
}

fn area_of(id: &str) -> &'static str {
    match id {
        "neck-release" => "neck",
        "desk-reset" => "shoulders",
        "jaw-and-temples" => "jaw",
        "full-between-sessions" => "mixed",
        "resonance" | "migraine-day" => "breathing",
        _ => "external",
    }
}

fn kind_of(id: &str) -> Kind {
    match id {
        "resonance" => Kind::Breathing,
        _ if area_of(id) == "external" => Kind::External,
        _ => Kind::Routine,
    }
}

/// A session of `id` that ended `days_ago` days before `now()` at the same clock time minus
/// `hours_earlier`.
fn seen(id: &str, days_ago: i64, outcome: Outcome, pain: Option<(u8, u8)>) -> Seen {
    let ended = now().timestamp() - SignedDuration::from_hours(24 * days_ago + 1);
    Seen {
        kind: kind_of(id),
        routine_id: id.into(),
        area: area_of(id).into(),
        started: ended - SignedDuration::from_mins(10),
        ended,
        outcome,
        pain_before: pain.map(|p| p.0),
        pain_after: pain.map(|p| p.1),
    }
}

fn run(recent: &[Seen], state: &NudgeState, headache: Option<bool>) -> Result<String, Silence> {
    run_with(
        recent,
        &offers(),
        state,
        headache,
        DayWindow::ALL_DAY,
        &now(),
    )
}

fn run_with(
    recent: &[Seen],
    routines: &[Offer],
    state: &NudgeState,
    headache: Option<bool>,
    hours: DayWindow,
    now: &Zoned,
) -> Result<String, Silence> {
    let input = Input {
        recent,
        routines,
        state,
        hours,
        headache_today: headache,
    };
    decide(&input, now).map(|n| n.text())
}

use Outcome::{Completed, Stopped};

#[test]
fn silent_after_a_session_today() {
    let fresh = NudgeState::default();
    // Ended an hour ago.
    let mut today = seen("neck-release", 0, Completed, None);
    assert_eq!(
        run(&[today.clone()], &fresh, None),
        Err(Silence::SessionToday)
    );
    // Breathing counts as self-care too; a session stopped early still counts.
    today.kind = Kind::Breathing;
    today.outcome = Stopped;
    assert_eq!(
        run(&[today.clone()], &fresh, None),
        Err(Silence::SessionToday)
    );
    // A professional session logged today is not the user's own practice.
    today.kind = Kind::External;
    assert!(run(&[today], &fresh, None).is_ok());
    // Yesterday late evening is not today.
    let mut late = seen("neck-release", 0, Completed, None);
    late.ended = "2026-11-28T23:50:00+01:00".parse().unwrap();
    assert!(run(&[late], &fresh, None).is_ok());
}

#[test]
fn once_a_day() {
    let history = [seen("neck-release", 3, Completed, None)];
    let spoke_today = NudgeState {
        last_spoken: Some(now().date()),
        snoozed_until: None,
    };
    assert_eq!(run(&history, &spoke_today, None), Err(Silence::SpokeToday));
    let spoke_yesterday = NudgeState {
        last_spoken: Some(now().date().yesterday().unwrap()),
        snoozed_until: None,
    };
    assert!(run(&history, &spoke_yesterday, None).is_ok());
}

#[test]
fn snoozed_until_the_moment_it_ends() {
    let history = [seen("neck-release", 3, Completed, None)];
    let until = now().timestamp() + SignedDuration::from_secs(1);
    let snoozed = NudgeState {
        last_spoken: None,
        snoozed_until: Some(until),
    };
    assert_eq!(
        run(&history, &snoozed, None),
        Err(Silence::Snoozed { until })
    );
    let later =
        (now().timestamp() + SignedDuration::from_secs(1)).to_zoned(now().time_zone().clone());
    let r = run_with(
        &history,
        &offers(),
        &snoozed,
        None,
        DayWindow::ALL_DAY,
        &later,
    );
    assert!(r.is_ok(), "{r:?}");
}

#[test]
fn on_a_headache_day_only_the_migraine_day_routine() {
    let history = [seen("neck-release", 3, Completed, Some((5, 2)))];
    let fresh = NudgeState::default();
    assert_eq!(
        run(&history, &fresh, Some(true)).unwrap(),
        "Headache today: if anything, something very gentle — knotless run migraine-day (5 min)"
    );
    // Without that routine: nothing at all.
    let no_migraine_day: Vec<Offer> = offers()
        .into_iter()
        .filter(|o| o.id != "migraine-day")
        .collect();
    assert_eq!(
        run_with(
            &history,
            &no_migraine_day,
            &fresh,
            Some(true),
            DayWindow::ALL_DAY,
            &now()
        ),
        Err(Silence::HeadacheDay)
    );
    // A day answered "no headache" is an ordinary day.
    assert_eq!(
        run(&history, &fresh, Some(false)).unwrap(),
        "3 days since your last neck routine — knotless run neck-release (10 min)"
    );
    // Still silent once a session was done today, headache or not.
    let did = [seen("migraine-day", 0, Completed, None)];
    assert_eq!(run(&did, &fresh, Some(true)), Err(Silence::SessionToday));
}

#[test]
fn outside_hours() {
    let history = [seen("neck-release", 3, Completed, None)];
    let fresh = NudgeState::default();
    let w = |s| DayWindow::parse(s).unwrap();
    let at = |s: &str| -> Zoned {
        format!("2026-11-29T{s}+01:00[Europe/Berlin]")
            .parse()
            .unwrap()
    };
    let r = |hours, time| run_with(&history, &offers(), &fresh, None, hours, &at(time));
    assert_eq!(r(w("09:00-17:30"), "17:30:00"), Err(Silence::OutsideHours));
    assert!(r(w("09:00-17:30"), "17:29:59").is_ok());
    assert_eq!(r(w("09:00-17:30"), "08:59:00"), Err(Silence::OutsideHours));
    assert!(r(w("09:00-17:30"), "09:00:00").is_ok());
    // A window across midnight.
    assert!(r(w("20:00-02:00"), "01:00:00").is_ok());
    assert_eq!(r(w("20:00-02:00"), "12:00:00"), Err(Silence::OutsideHours));
    assert!(r(w("always"), "03:00:00").is_ok());
}

#[test]
fn suggests_what_helped_most() {
    // Neck done more often, but jaw eased the head more (3 points vs 1 on average).
    let h = [
        seen("neck-release", 2, Completed, Some((4, 3))),
        seen("neck-release", 4, Completed, Some((4, 3))),
        seen("neck-release", 6, Completed, None),
        seen("neck-release", 8, Completed, None),
        seen("jaw-and-temples", 5, Completed, Some((6, 3))),
        seen("jaw-and-temples", 9, Completed, Some((5, 2))),
    ];
    assert_eq!(
        run(&h, &NudgeState::default(), None).unwrap(),
        "5 days since your last jaw routine — knotless run jaw-and-temples (13 min)"
    );
    // One rated session is not enough to count.
    let h = [
        seen("neck-release", 2, Completed, None),
        seen("neck-release", 4, Completed, None),
        seen("jaw-and-temples", 5, Completed, Some((8, 1))),
    ];
    let n = decide_basis(&h);
    assert_eq!(n, (Basis::MostOften, "neck-release".to_string()));
    // A routine that never lowered the pain is not "helping".
    let h = [
        seen("neck-release", 2, Completed, None),
        seen("jaw-and-temples", 5, Completed, Some((3, 3))),
        seen("jaw-and-temples", 6, Completed, Some((3, 4))),
    ];
    assert_eq!(
        decide_basis(&h),
        (Basis::MostOften, "jaw-and-temples".to_string())
    );
}

fn decide_basis(h: &[Seen]) -> (Basis, String) {
    let o = offers();
    let s = NudgeState::default();
    let input = Input {
        recent: h,
        routines: &o,
        state: &s,
        hours: DayWindow::ALL_DAY,
        headache_today: None,
    };
    let n = decide(&input, &now()).unwrap();
    (n.basis, n.routine_id)
}

#[test]
fn most_often_and_ties_go_to_the_latest() {
    let h = [
        seen("full-between-sessions", 1, Completed, None),
        seen("neck-release", 3, Completed, None),
        seen("neck-release", 5, Completed, None),
    ];
    assert_eq!(
        run(&h, &NudgeState::default(), None).unwrap(),
        "3 days since your last neck routine — knotless run neck-release (10 min)"
    );
    let h = [
        seen("neck-release", 3, Completed, None),
        seen("full-between-sessions", 1, Completed, None),
    ];
    assert_eq!(
        run(&h, &NudgeState::default(), None).unwrap(),
        "1 day since your last full routine — knotless run full-between-sessions (17 min)"
    );
}

#[test]
fn busy_means_the_shortest() {
    // Two of the last four stopped before the end: the shortest of the routines done.
    let h = [
        seen("full-between-sessions", 1, Stopped, None),
        seen("neck-release", 2, Stopped, None),
        seen("full-between-sessions", 3, Completed, Some((6, 2))),
        seen("full-between-sessions", 4, Completed, Some((6, 2))),
    ];
    assert_eq!(
        run(&h, &NudgeState::default(), None).unwrap(),
        "Short on time? The shortest one — knotless run neck-release (10 min)"
    );
    // One stopped session is not "busy".
    let h = [
        seen("full-between-sessions", 1, Stopped, None),
        seen("full-between-sessions", 3, Completed, None),
    ];
    assert_eq!(decide_basis(&h).0, Basis::MostOften);
}

#[test]
fn with_no_routine_sessions_the_shortest_but_never_migraine_day() {
    let breathing_only = [seen("resonance", 2, Completed, None)];
    assert_eq!(
        run(&breathing_only, &NudgeState::default(), None).unwrap(),
        "A few quiet minutes for yourself? — knotless run desk-reset (5 min)"
    );
    assert_eq!(
        run(&[], &NudgeState::default(), None).unwrap(),
        "A few quiet minutes for yourself? — knotless run desk-reset (5 min)"
    );
    // Routines no longer in the library are passed over.
    let gone = [Seen {
        routine_id: "deleted-one".into(),
        ..seen("neck-release", 2, Completed, None)
    }];
    assert_eq!(
        decide_basis(&gone),
        (Basis::Starter, "desk-reset".to_string())
    );
    assert_eq!(
        run_with(
            &[],
            &[],
            &NudgeState::default(),
            None,
            DayWindow::ALL_DAY,
            &now()
        ),
        Err(Silence::NothingToSuggest)
    );
}

#[test]
fn no_word_of_streaks_or_guilt() {
    let cases: Vec<Vec<Seen>> = vec![
        vec![],
        vec![seen("neck-release", 40, Completed, None)],
        vec![
            seen("neck-release", 1, Stopped, None),
            seen("neck-release", 2, Stopped, None),
        ],
    ];
    for h in cases {
        for headache in [None, Some(true)] {
            let text = run(&h, &NudgeState::default(), headache)
                .unwrap()
                .to_lowercase();
            for bad in ["streak", "missed", "broke", "should", "again", "only ", "!"] {
                assert!(!text.contains(bad), "{text:?} contains {bad:?}");
            }
        }
    }
}

// ---- the tail reader, on a file ----

fn record(
    id: &str,
    routine: &str,
    started: Timestamp,
    outcome: Outcome,
    pain: Option<(u8, u8)>,
) -> String {
    let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(1));
    let r = SessionRecord {
        v: VERSION,
        id: id.into(),
        kind: kind_of(routine),
        routine_id: routine.into(),
        title: routine.into(),
        area: area_of(routine).into(),
        started_at: Stamp::new(started, &tz),
        ended_at: Stamp::new(started + SignedDuration::from_mins(10), &tz),
        planned_secs: 600.0,
        active_secs: 600.0,
        paused_secs: 0.0,
        outcome,
        steps: vec![],
        pain_before: pain.map(|p| p.0),
        pain_after: pain.map(|p| p.1),
        note: None,
        migraine_before: false,
    };
    serde_json::to_string(&r).unwrap() + "\n"
}

fn amendment(id: &str, before: Option<u8>, after: Option<u8>) -> String {
    let a = Amendment {
        v: VERSION,
        amends: id.into(),
        at: "2026-11-20T10:00:00+01:00".parse().unwrap(),
        pain_before: before,
        pain_after: after,
        note: None,
    };
    serde_json::to_string(&a).unwrap() + "\n"
}

#[test]
fn the_tail_reader_merges_later_ratings_and_stops_at_the_look_back() {
    let d = tempfile::tempdir().unwrap();
    let t0 = now().timestamp();
    let day = |n: i64| t0 - SignedDuration::from_hours(24 * n);
    let mut text = String::new();
    // Something very old and odd at the start of the file: never reached.
    text.push_str(&record("ancient", "neck-release", day(0), Completed, None));
    for i in 0..100 {
        text.push_str(&record(
            &format!("old{i}"),
            "desk-reset",
            day(400 - i),
            Completed,
            None,
        ));
    }
    text.push_str(&record("a", "jaw-and-temples", day(9), Completed, None));
    text.push_str("{torn line\n");
    text.push_str(&record(
        "b",
        "jaw-and-temples",
        day(5),
        Completed,
        Some((6, 5)),
    ));
    text.push_str(&amendment("a", Some(6), None));
    text.push_str(&amendment("a", None, Some(2)));
    text.push_str(&amendment("b", None, Some(3)));
    std::fs::write(d.path().join("history.jsonl"), text).unwrap();
    let since = t0 - SignedDuration::from_hours(24 * 60);
    let tail = knotless::store::tail::tail(d.path(), since, 400).unwrap();
    let got: Vec<(&str, Option<u8>, Option<u8>)> = tail
        .iter()
        .map(|s| (s.routine_id.as_str(), s.pain_before, s.pain_after))
        .collect();
    // Newest first; "ancient" (which would have made it "a session today") is beyond the
    // 64 old records in a row at which reading stops.
    assert_eq!(
        got,
        vec![
            ("jaw-and-temples", Some(6), Some(3)),
            ("jaw-and-temples", Some(6), Some(2)),
        ]
    );
    assert!(
        knotless::store::tail::tail(&d.path().join("none"), since, 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_tail_reader_merges_every_machine_file() {
    let d = tempfile::tempdir().unwrap();
    let t0 = now().timestamp();
    let day = |n: i64| t0 - SignedDuration::from_hours(24 * n);
    // The older single file, this machine's and another's; a conflict copy doubles one.
    std::fs::write(
        d.path().join("history.jsonl"),
        record("old", "neck-release", day(20), Completed, None),
    )
    .unwrap();
    let mine = record("m", "jaw-and-temples", day(3), Completed, None);
    std::fs::write(d.path().join("history-laptop.jsonl"), &mine).unwrap();
    std::fs::write(
        d.path().join("history-desktop.jsonl"),
        record("o", "desk-reset", day(1), Stopped, None) + &amendment("m", Some(7), Some(2)),
    )
    .unwrap();
    std::fs::write(
        d.path()
            .join("history-laptop.sync-conflict-20261128-101010-ABCDEF.jsonl"),
        &mine,
    )
    .unwrap();
    let since = t0 - SignedDuration::from_hours(24 * 60);
    let tail = knotless::store::tail::tail(d.path(), since, 400).unwrap();
    let got: Vec<(&str, Option<u8>, Option<u8>)> = tail
        .iter()
        .map(|s| (s.routine_id.as_str(), s.pain_before, s.pain_after))
        .collect();
    assert_eq!(
        got,
        vec![
            ("desk-reset", None, None),
            ("jaw-and-temples", Some(7), Some(2)),
            ("neck-release", None, None),
        ]
    );
}

// ---- the command ----

/// This machine's state folder for a test: inside its config folder (never the data folder),
/// so the temporary folder removes it.
fn state_dir(config: &Path) -> std::path::PathBuf {
    config.join("state")
}

/// Where the nudge remembers when it spoke.
fn nudge_toml(config: &Path) -> std::path::PathBuf {
    state_dir(config).join("nudge.toml")
}

fn knotless(config: &Path, data: &Path, args: &[&str], path_env: Option<&Path>) -> Output {
    let mut c = crate::common::knotless();
    c.args(args)
        .env("KNOTLESS_CONFIG_DIR", config)
        .env("KNOTLESS_DATA_DIR", data)
        .env("KNOTLESS_STATE_DIR", state_dir(config))
        .env_remove("NO_COLOR");
    if let Some(p) = path_env {
        c.env("PATH", p);
    }
    c.output().unwrap()
}

/// A config and data folder with `hours` and a history ending three days ago with neck
/// sessions.
fn setup(hours: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let (c, d) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(
        c.path().join("config.toml"),
        format!("[nudge]\nhours = \"{hours}\"\n"),
    )
    .unwrap();
    let t0 = Timestamp::now();
    let mut h = String::new();
    for (i, n) in [9, 6, 3].into_iter().enumerate() {
        let start = t0 - SignedDuration::from_hours(24 * n);
        h.push_str(&record(
            &format!("r{i}"),
            "neck-release",
            start,
            Completed,
            None,
        ));
    }
    std::fs::write(d.path().join("history.jsonl"), h).unwrap();
    (c, d)
}

fn expected_days(n: i64) -> String {
    let now = Zoned::now();
    let then = (now.timestamp() - SignedDuration::from_hours(24 * n)
        + SignedDuration::from_mins(10))
    .to_zoned(now.time_zone().clone());
    let days = (now.date() - then.date()).get_days();
    format!(
        "{days} day{} since your last neck routine — knotless run neck-release (10 min)\n",
        if days == 1 { "" } else { "s" }
    )
}

#[test]
fn the_command_speaks_once_a_day_in_plain_text_when_piped() {
    let (c, d) = setup("always");
    let out = knotless(c.path(), d.path(), &["nudge"], None);
    assert!(out.status.success());
    let said = text(&out.stdout);
    assert_eq!(said, expected_days(3));
    // Output is a pipe here: no escape codes at all.
    assert!(!said.contains('\x1b'), "{said:?}");
    assert!(nudge_toml(c.path()).exists());
    // Second time today: nothing, still exit 0.
    let out = knotless(c.path(), d.path(), &["nudge", "--why"], None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).contains("already spoken today"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_command_is_silent_after_a_session_today_and_on_a_headache_day_offers_only_migraine_day() {
    let (c, d) = setup("always");
    let mut h = std::fs::read_to_string(d.path().join("history.jsonl")).unwrap();
    let ok = knotless(c.path(), d.path(), &["nudge", "--why"], None);
    assert!(!text(&ok.stdout).is_empty());
    std::fs::remove_file(nudge_toml(c.path())).unwrap();
    // A session that ends right now is today whatever the time.
    h.push_str(&record(
        "today",
        "desk-reset",
        Timestamp::now() - SignedDuration::from_mins(10),
        Completed,
        None,
    ));
    std::fs::write(d.path().join("history.jsonl"), &h).unwrap();
    let out = knotless(c.path(), d.path(), &["nudge", "--why"], None);
    assert_eq!(text(&out.stdout), "");
    assert!(text(&out.stderr).contains("session today"));
    assert!(!nudge_toml(c.path()).exists(), "silence writes nothing");

    // Today answered "headache: yes" in the day log.
    let (c, d) = setup("always");
    let out = knotless(c.path(), d.path(), &["day", "yes"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = knotless(c.path(), d.path(), &["nudge"], None);
    assert_eq!(
        text(&out.stdout),
        "Headache today: if anything, something very gentle — knotless run migraine-day (5 min)\n"
    );
}

#[test]
fn the_command_is_silent_outside_hours_and_when_snoozed() {
    // A one-hour window that starts two hours from now never contains now.
    let now = Zoned::now();
    let later = now.time() + SignedDuration::from_hours(2);
    let end = later + SignedDuration::from_hours(1);
    let hours = format!("{}-{}", later.strftime("%H:%M"), end.strftime("%H:%M"));
    let (c, d) = setup(&hours);
    let out = knotless(c.path(), d.path(), &["nudge", "--why"], None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).contains("outside the hours"),
        "{}",
        text(&out.stderr)
    );

    let (c, d) = setup("always");
    let out = knotless(c.path(), d.path(), &["nudge", "--snooze", "3d"], None);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).starts_with("No nudges until "),
        "{}",
        text(&out.stdout)
    );
    let out = knotless(c.path(), d.path(), &["nudge", "--why"], None);
    assert_eq!(text(&out.stdout), "");
    assert!(text(&out.stderr).contains("snoozed until"));
    let out = knotless(c.path(), d.path(), &["nudge", "--snooze", "off"], None);
    assert_eq!(text(&out.stdout), "The nudge is back on.\n");
    let out = knotless(c.path(), d.path(), &["nudge"], None);
    assert_eq!(text(&out.stdout), expected_days(3));
    // A bad length is bad usage.
    let out = knotless(c.path(), d.path(), &["nudge", "--snooze", "blorp"], None);
    assert_eq!(out.status.code(), Some(2));
}

/// With no routine sessions: the shortest bundled routine that is not for a headache.
fn starter_line() -> String {
    let lib = knotless::library::Library::load(None);
    let r = lib
        .routines
        .iter()
        .filter(|r| !knotless::core::nudge::FOR_HEADACHES.contains(&r.id.as_str()))
        .min_by(|a, b| a.total().cmp(&b.total()).then(a.id.cmp(&b.id)))
        .unwrap();
    format!(
        "A few quiet minutes for yourself? — knotless run {} ({})\n",
        r.id,
        knotless::model::format::fmt_length(r.total())
    )
}

#[test]
fn broken_files_never_make_it_fail() {
    let (c, d) = setup("always");
    std::fs::write(
        d.path().join("history.jsonl"),
        b"\xff\xfe garbage\n{\"v\":1}\n",
    )
    .unwrap();
    std::fs::create_dir_all(state_dir(c.path())).unwrap();
    std::fs::write(nudge_toml(c.path()), b"last_spoken = [[[").unwrap();
    let out = knotless(c.path(), d.path(), &["nudge"], None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), starter_line());
    // A state file that cannot be replaced (here a folder in its place; permissions would
    // not stop root): silent, rather than the same line at every prompt.
    let (c, d) = setup("always");
    std::fs::create_dir_all(nudge_toml(c.path())).unwrap();
    let out = knotless(c.path(), d.path(), &["nudge", "--why"], None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).contains("could not remember"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn notify_sends_summary_and_body_through_notify_send() {
    let (c, d) = setup("always");
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{}'\n",
        log.display()
    );
    let fake = bin.path().join("notify-send");
    std::fs::write(&fake, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let out = knotless(
        c.path(),
        d.path(),
        &["nudge", "--notify"],
        Some(Path::new(&path)),
    );
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "", "sent, not printed");
    let args = std::fs::read_to_string(&log).unwrap();
    let line = expected_days(3);
    let (summary, body) = line.trim_end().split_once(" — ").unwrap();
    assert_eq!(
        args,
        format!("--app-name=knotless\n--urgency=low\n{summary}\n{body}\n")
    );

    // No notify-send anywhere: it prints instead, and exits 0.
    let (c, d) = setup("always");
    let empty = tempfile::tempdir().unwrap();
    let out = knotless(
        c.path(),
        d.path(),
        &["nudge", "--notify"],
        Some(empty.path()),
    );
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), expected_days(3));
}

/// `nudge` run at a terminal with `TERM` (and the rest of its environment) as given; what
/// it wrote there, every byte.
#[cfg(unix)]
fn nudge_at_a_terminal(env: &[(&str, Option<&str>)]) -> Vec<u8> {
    let (c, d) = setup("always");
    let mut cmd = portable_pty::CommandBuilder::new(crate::BIN);
    cmd.arg("nudge");
    cmd.env("KNOTLESS_CONFIG_DIR", c.path());
    cmd.env("KNOTLESS_DATA_DIR", d.path());
    cmd.env("KNOTLESS_STATE_DIR", state_dir(c.path()));
    cmd.env_remove("NO_COLOR");
    cmd.env("TERM", "xterm-256color");
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        }
    }
    let mut t = crate::pty::Pty::spawn(cmd, 24, 100);
    // The program ends at once; what it wrote may reach the reader a moment later.
    let start = std::time::Instant::now();
    loop {
        let raw = t.raw();
        let ended = t.child.try_wait().unwrap().is_some();
        if ended && String::from_utf8_lossy(&raw).contains("neck-release") {
            return raw;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no nudge after 20 s (ended: {ended}): {:?}",
            String::from_utf8_lossy(&raw)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// At a terminal the command is in bold — the program's own escape sequence, written past
/// the neutraliser that guards the words (it used to be caught there and shown as a
/// visible `�[1m`).
#[cfg(unix)]
#[test]
fn at_a_terminal_the_command_is_bold_not_a_replacement_character() {
    let raw = nudge_at_a_terminal(&[]);
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.contains("\u{1b}[1mknotless run neck-release\u{1b}[22m"),
        "{text:?}"
    );
    assert!(!text.contains('\u{fffd}'), "{text:?}");
}

/// No colour and no bold where the terminal cannot show them or the user said so:
/// `TERM=dumb`, no `TERM` at all, `NO_COLOR`.
#[cfg(unix)]
#[test]
fn a_dumb_terminal_or_no_color_gets_no_escape_at_all() {
    let cases: [&[(&str, Option<&str>)]; 3] = [
        &[("TERM", Some("dumb"))],
        &[("TERM", None)],
        &[("NO_COLOR", Some("1"))],
    ];
    for env in cases {
        let raw = nudge_at_a_terminal(env);
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains('\u{1b}'), "{env:?}: {text:?}");
        assert!(!text.contains('\u{fffd}'), "{env:?}: {text:?}");
    }
}
