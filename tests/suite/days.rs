//! The day log and the 4-week view: the store (append, merge, last answer wins, bad lines)
//! and the pure windows, comparison and medication note, from fixtures.

use std::collections::BTreeMap;
use std::fs;

use jiff::ToSpan;
use jiff::civil::Date;
use knotless::core::days::{self, Direction, NO_RATE, SessionDays};
use knotless::model::day::{DayAnswer, Meds};
use knotless::store::days as store;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

const TODAY: &str = "2026-11-24";

fn ans(date: Date, headache: bool) -> DayAnswer {
    DayAnswer {
        v: 1,
        date,
        headache,
        migraine: false,
        worst: None,
        meds: None,
        answered_at: format!("{date}T21:00:00+00:00").parse().unwrap(),
        machine: "test".into(),
    }
}

/// Answers for `days` consecutive days ending `days_back` days before today, with a headache
/// on the dates `headache(i)` picks (i = 0 is the oldest).
fn run_of(
    log: &mut BTreeMap<Date, DayAnswer>,
    end: Date,
    days: i64,
    headache: impl Fn(i64) -> bool,
) {
    for i in 0..days {
        let date = end.checked_sub((days - 1 - i).days()).unwrap();
        log.insert(date, ans(date, headache(i)));
    }
}

fn no_sessions() -> SessionDays {
    SessionDays::new(jiff::tz::TimeZone::UTC)
}

#[test]
fn a_window_with_20_answered_days_shows_counts_and_no_rate() {
    let today = d(TODAY);
    let mut log = BTreeMap::new();
    // 20 of the last 28 days answered, 6 of them with a headache, 2 labelled migraine.
    run_of(&mut log, today, 20, |i| i % 3 == 0 && i < 18);
    for (i, a) in log.values_mut().enumerate() {
        if a.headache && i < 4 {
            a.migraine = true;
            a.meds = Some(Meds::Triptan);
        }
    }
    let w = &days::windows(&log, &BTreeMap::new(), today, 1)[0];
    assert_eq!((w.start, w.end), (d("2026-10-28"), today));
    assert_eq!(w.answered, 20);
    assert_eq!(w.headache_days, 6);
    assert_eq!(w.migraine_days, 2);
    assert_eq!(w.acute_med_days, 2);
    assert_eq!(w.headache_rate, None);
    assert_eq!(days::rate_cell(w.headache_rate), NO_RATE);
    assert!(!w.adequate());

    // The 21st answered day brings the rate: 6 headache days in 21 answered = 8 per 28.
    let extra = d("2026-10-28");
    log.insert(extra, ans(extra, false));
    let w = &days::windows(&log, &BTreeMap::new(), today, 1)[0];
    assert_eq!(w.answered, 21);
    assert_eq!(w.headache_rate, Some(8.0));
    assert_eq!(days::rate_cell(w.headache_rate), "8");
}

#[test]
fn unknown_days_are_never_counted_as_headache_free() {
    let today = d(TODAY);
    let mut log = BTreeMap::new();
    // Only the headache days were answered: 5 of them.
    for back in [1, 4, 9, 15, 22] {
        let date = today.checked_sub((back as i64).days()).unwrap();
        log.insert(date, ans(date, true));
    }
    let w = &days::windows(&log, &BTreeMap::new(), today, 2);
    assert_eq!(w[0].answered, 5, "the 23 unanswered days are not answers");
    assert_eq!(w[0].headache_days, 5);
    assert_eq!(
        w[0].headache_rate, None,
        "5 of 28 answered is no basis for a rate"
    );
    // A window nobody answered has no headache-free days and no rate, only "0 answered".
    assert_eq!(w[1].answered, 0);
    assert_eq!(w[1].headache_days, 0);
    assert_eq!(w[1].headache_rate, None);
}

#[test]
fn the_last_answer_for_a_date_wins_across_files_and_machines() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let date = d("2026-11-20");
    let mut first = ans(date, true);
    first.answered_at = "2026-11-20T20:00:00+00:00".parse().unwrap();
    let mut correction = ans(date, false);
    correction.answered_at = "2026-11-21T08:00:00+00:00".parse().unwrap();
    let mut older_elsewhere = ans(date, true);
    older_elsewhere.answered_at = "2026-11-20T21:00:00+01:00".parse().unwrap(); // 20:00 UTC, still older
    // The correction sits in a file read before the others: time decides, not file order.
    let line = |a: &DayAnswer| format!("{}\n", serde_json::to_string(a).unwrap());
    fs::write(data.join("days-a.jsonl"), line(&correction)).unwrap();
    fs::write(
        data.join("days-b.jsonl"),
        line(&first) + &line(&older_elsewhere),
    )
    .unwrap();
    let (log, warnings) = store::load(data).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(log.lines, 3);
    assert_eq!(log.answers.len(), 1);
    assert!(!log.get(date).unwrap().headache);

    // Appending a later answer through the store replaces it again.
    let mut again = ans(date, true);
    again.answered_at = "2026-11-22T08:00:00+00:00".parse().unwrap();
    store::append(data, &again).unwrap();
    let (log, _) = store::load(data).unwrap();
    assert!(log.get(date).unwrap().headache);
    let own = fs::read_to_string(store::days_path(data)).unwrap();
    assert_eq!(own.lines().count(), 1);
}

/// A correction counts even when the answer it corrects was given on a machine whose
/// clock runs ahead of this one's: it is stamped a second after that answer.
#[test]
fn a_correction_outlasts_an_answer_from_a_clock_running_ahead() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let now = jiff::Timestamp::now().round(jiff::Unit::Second).unwrap();
    let utc = jiff::tz::TimeZone::UTC;
    let date = now.to_zoned(utc.clone()).date();
    let mut ahead = ans(date, true);
    ahead.answered_at = knotless::model::record::Stamp::new(now + 30.minutes(), &utc);
    ahead.machine = "laptop".into();
    fs::write(
        data.join("days-laptop.jsonl"),
        format!("{}\n", serde_json::to_string(&ahead).unwrap()),
    )
    .unwrap();
    let mut correction = ans(date, false);
    correction.answered_at = knotless::model::record::Stamp::new(now, &utc);
    let done = store::append_answer(data, correction).unwrap();
    assert_eq!(done.replaced.as_ref(), Some(&ahead));
    assert_eq!(done.answer.answered(), ahead.answered() + 1.second());
    let (log, warnings) = store::load(data).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(!log.get(date).unwrap().headache, "the correction counts");
    // A first answer keeps its own time.
    let other = date.yesterday().unwrap();
    let mut first = ans(other, true);
    first.answered_at = knotless::model::record::Stamp::new(now, &utc);
    let done = store::append_answer(data, first.clone()).unwrap();
    assert_eq!((done.answer, done.replaced), (first, None));
}

#[test]
fn torn_and_junk_lines_are_skipped_with_a_warning_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let good = serde_json::to_string(&ans(d("2026-11-20"), true)).unwrap();
    let other = serde_json::to_string(&ans(d("2026-11-21"), false)).unwrap();
    let torn = &other[..other.len() / 2];
    fs::write(
        data.join("days-x.jsonl"),
        format!(
            "{good}\nnot json\n{{\"v\":1,\"date\":\"2026-13-01\",\"headache\":true,\"answered_at\":\"x\"}}\n\n{torn}"
        ),
    )
    .unwrap();
    let (log, warnings) = store::load(data).unwrap();
    assert_eq!(log.answers.len(), 1);
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 3, "{text:?}");
    assert!(
        text[0].starts_with("days-x.jsonl:2: skipped: not JSON"),
        "{text:?}"
    );
    assert!(text[1].starts_with("days-x.jsonl:3: skipped:"), "{text:?}");
    assert!(
        text[2].starts_with("days-x.jsonl:5: skipped: the line is cut off"),
        "{text:?}"
    );

    // An append after a torn line starts on a fresh line, so it stays readable.
    fs::write(store::days_path(data), torn).unwrap();
    store::append(data, &ans(d("2026-11-22"), true)).unwrap();
    let (log, warnings) = store::load(data).unwrap();
    assert_eq!(log.answers.len(), 2);
    assert_eq!(warnings.len(), 4);
}

/// `n` consecutive windows (newest first, window 0 ending today) each fully answered with
/// `per[i]` headache days.
fn windows_with(today: Date, per: &[u32]) -> BTreeMap<Date, DayAnswer> {
    let mut log = BTreeMap::new();
    for (i, &headaches) in per.iter().enumerate() {
        let end = today.checked_sub((i as i64 * 28).days()).unwrap();
        run_of(&mut log, end, 28, |k| (k as u32) < headaches);
    }
    log
}

#[test]
fn the_comparison_needs_two_adequate_windows_on_each_side() {
    let today = d(TODAY);
    // Windows newest first: 5, 5 after the start; 7, 7 before it.
    let log = windows_with(today, &[5, 5, 7, 7]);
    let ws = days::windows(&log, &BTreeMap::new(), today, 13);
    let start = ws[1].start;
    let c = days::comparison(&ws, start).expect("2 + 2 adequate windows");
    assert_eq!(
        (c.before, c.after, c.direction),
        (7.0, 5.0, Direction::Fewer)
    );
    assert_eq!((c.before_windows, c.after_windows), (2, 2));
    insta::assert_snapshot!("comparison_fewer", c.sentence);
    insta::assert_snapshot!("comparison_more", days::sentence(Direction::More, 5.0, 7.0));
    insta::assert_snapshot!("comparison_same", days::sentence(Direction::Same, 6.0, 6.0));

    // Only one window before the start: no sentence at all.
    let one_before = windows_with(today, &[5, 5, 7]);
    let ws = days::windows(&one_before, &BTreeMap::new(), today, 13);
    assert_eq!(days::comparison(&ws, start), None);

    // Two before, but one of them answered on only 20 days: not adequate, no sentence.
    let mut thin = windows_with(today, &[5, 5, 7, 7]);
    let oldest_end = today.checked_sub((3 * 28i64).days()).unwrap();
    for back in 0..8 {
        thin.remove(&oldest_end.checked_sub((back as i64).days()).unwrap());
    }
    let ws = days::windows(&thin, &BTreeMap::new(), today, 13);
    assert_eq!(ws[3].answered, 20);
    assert_eq!(days::comparison(&ws, start), None);

    // A window straddling the start belongs to neither side.
    let ws = days::windows(&log, &BTreeMap::new(), today, 13);
    let mid = ws[1].start.checked_add(3.days()).unwrap();
    assert_eq!(days::comparison(&ws, mid), None);

    // More, and about the same.
    let worse = windows_with(today, &[9, 8, 5, 5]);
    let ws = days::windows(&worse, &BTreeMap::new(), today, 13);
    assert_eq!(
        days::comparison(&ws, start).unwrap().direction,
        Direction::More
    );
    // 6.5 before and 6.0 after: half a day is no direction (it used to read "Fewer … (7 → 6)",
    // a drop the figures, rounded once, do not carry).
    let same = windows_with(today, &[6, 6, 6, 7]);
    let ws = days::windows(&same, &BTreeMap::new(), today, 13);
    let c = days::comparison(&ws, start).unwrap();
    assert_eq!(
        (c.before, c.after, c.direction),
        (6.5, 6.0, Direction::Same)
    );
    assert!(
        c.sentence.contains("(6.5 → 6.0 per 4 weeks)"),
        "{}",
        c.sentence
    );
    // A whole day is: 7.0 → 6.0.
    let fewer = windows_with(today, &[6, 6, 7, 7]);
    let ws = days::windows(&fewer, &BTreeMap::new(), today, 13);
    assert_eq!(
        days::comparison(&ws, start).unwrap().direction,
        Direction::Fewer
    );
    let same = windows_with(today, &[6, 6, 6, 6]);
    let ws = days::windows(&same, &BTreeMap::new(), today, 13);
    assert_eq!(
        days::comparison(&ws, start).unwrap().direction,
        Direction::Same
    );
}

#[test]
fn the_summary_compares_against_the_first_session_unless_a_start_is_chosen() {
    let today = d(TODAY);
    let log = windows_with(today, &[5, 5, 7, 7]);
    let ws = days::windows(&log, &BTreeMap::new(), today, 13);
    let mut sessions = no_sessions();
    sessions.first = Some(ws[1].start);
    sessions.by_day.insert(ws[1].start, 2);
    sessions.by_day.insert(today, 1);
    let s = days::summarize(&log, &sessions, today, days::REPORT_WINDOWS, None);
    assert_eq!(
        s.windows.len(),
        4,
        "older windows without any data are left out"
    );
    assert_eq!(s.windows[0].sessions, 1);
    assert_eq!(s.windows[1].sessions, 2);
    // 1 session in 4 weeks: 0.25 a week, shown once rounded as 0.3.
    assert_eq!(s.windows[0].sessions_per_week, 0.25);
    assert_eq!(days::per_week_cell(s.windows[0].sessions_per_week), "0.3");
    assert_eq!(s.comparison.as_ref().unwrap().direction, Direction::Fewer);
    // A start the data cannot bear on either side: no comparison.
    let s = days::summarize(&log, &sessions, today, 4, Some(today));
    assert_eq!(s.comparison, None);
    // No sessions at all and no start: nothing to compare against.
    let s = days::summarize(&log, &no_sessions(), today, 4, None);
    assert_eq!(s.comparison, None);
}

fn meds_days(today: Date, n: u32, meds: Meds) -> BTreeMap<Date, DayAnswer> {
    let mut log = BTreeMap::new();
    for back in 0..n {
        let date = today.checked_sub(i64::from(back).days()).unwrap();
        let mut a = ans(date, true);
        a.meds = Some(meds);
        log.insert(date, a);
    }
    log
}

#[test]
fn the_medication_note_appears_at_exactly_10_triptan_days_and_not_at_9() {
    let today = d(TODAY);
    let ws = days::windows(
        &meds_days(today, 10, Meds::Triptan),
        &BTreeMap::new(),
        today,
        1,
    );
    assert_eq!(ws[0].triptan_other_days, 10);
    let note = days::medication_note(&ws).expect("10 triptan days");
    insta::assert_snapshot!("medication_note_triptan", note);
    let ws = days::windows(
        &meds_days(today, 9, Meds::Triptan),
        &BTreeMap::new(),
        today,
        1,
    );
    assert_eq!(days::medication_note(&ws), None);
    // "Other" counts with triptans.
    let ws = days::windows(
        &meds_days(today, 10, Meds::Other),
        &BTreeMap::new(),
        today,
        1,
    );
    assert!(days::medication_note(&ws).is_some());
    // Simple painkillers: 15, not 14.
    let ws = days::windows(
        &meds_days(today, 14, Meds::Simple),
        &BTreeMap::new(),
        today,
        1,
    );
    assert_eq!(ws[0].acute_med_days, 14);
    assert_eq!(days::medication_note(&ws), None);
    let ws = days::windows(
        &meds_days(today, 15, Meds::Simple),
        &BTreeMap::new(),
        today,
        1,
    );
    assert!(
        days::medication_note(&ws)
            .unwrap()
            .contains("simple painkiller on 15 days")
    );
    // "none" is not an acute-medication day.
    let ws = days::windows(
        &meds_days(today, 20, Meds::None),
        &BTreeMap::new(),
        today,
        1,
    );
    assert_eq!(ws[0].acute_med_days, 0);
}

#[test]
fn back_fill_walks_the_unanswered_days_of_the_last_week_oldest_first() {
    let today = d(TODAY);
    let mut log = BTreeMap::new();
    for back in [0i64, 2, 3] {
        let date = today.checked_sub(back.days()).unwrap();
        log.insert(date, ans(date, false));
    }
    let due = days::unanswered_last_week(&log, today);
    let want: Vec<Date> = ["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23"]
        .iter()
        .map(|s| d(s))
        .collect();
    assert_eq!(due, want);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// No bytes in a day-log file make the reader panic; every line is either an answer or
    /// a warning naming it.
    #[test]
    fn no_day_log_file_makes_the_reader_panic(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
        good in 0usize..4,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let mut content = Vec::new();
        for i in 0..good {
            let date = d(TODAY).checked_sub((i as i64).days()).unwrap();
            content.extend(serde_json::to_vec(&ans(date, i % 2 == 0)).unwrap());
            content.push(b'\n');
        }
        content.extend(&bytes);
        fs::write(tmp.path().join("days-p.jsonl"), &content).unwrap();
        let (log, _warnings) = store::load(tmp.path()).unwrap();
        proptest::prop_assert!(log.answers.len() >= good.min(1));
    }
}

/// ICHD-3 8.2.6: acute medicines of several kinds on 10 or more days together, when no kind
/// reaches its own threshold (14 simple painkiller days and 9 triptan days).
#[test]
fn the_medication_note_counts_several_kinds_together() {
    let today = d(TODAY);
    let mut log = meds_days(today, 23, Meds::Simple);
    for (i, a) in log.values_mut().rev().enumerate() {
        if i >= 14 {
            a.meds = Some(Meds::Triptan);
        }
    }
    let ws = days::windows(&log, &BTreeMap::new(), today, 1);
    assert_eq!((ws[0].simple_days, ws[0].triptan_days), (14, 9));
    assert_eq!(ws[0].acute_med_days, 23);
    let note = days::medication_note(&ws).expect("14 simple + 9 triptan days");
    insta::assert_snapshot!("medication_note_several_kinds", note);
    assert!(
        note.contains("acute medicines of more than one kind on 23 days (a simple painkiller on 14, a triptan on 9)"),
        "{note}"
    );
    // One kind under its own threshold is not 8.2.6: 14 simple painkiller days alone.
    let ws = days::windows(
        &meds_days(today, 14, Meds::Simple),
        &BTreeMap::new(),
        today,
        1,
    );
    assert_eq!(days::medication_note(&ws), None);
    // Two kinds on 9 days together is under 10.
    let mut log = meds_days(today, 9, Meds::Simple);
    for a in log.values_mut().take(4) {
        a.meds = Some(Meds::Other);
    }
    let ws = days::windows(&log, &BTreeMap::new(), today, 1);
    assert_eq!(days::medication_note(&ws), None);
    // ... and on 10 it is.
    let mut log = meds_days(today, 10, Meds::Simple);
    for a in log.values_mut().take(4) {
        a.meds = Some(Meds::Other);
    }
    let ws = days::windows(&log, &BTreeMap::new(), today, 1);
    assert!(
        days::medication_note(&ws)
            .unwrap()
            .contains("on 10 days (a simple painkiller on 6, another acute medicine on 4)")
    );
}

/// The comparison looks back to the first answer: two adequate windows a year before a
/// first session still give the sentence.
#[test]
fn the_comparison_uses_every_window_back_to_the_first_answer() {
    let today = d(TODAY);
    // 16 windows: the newest two and the oldest two answered, nothing between.
    let mut log = windows_with(today, &[4, 4]);
    let old_end = today.checked_sub((14 * 28i64).days()).unwrap();
    run_of(&mut log, old_end, 56, |k| k % 4 == 0);
    let mut sessions = no_sessions();
    let first = today.checked_sub((13 * 28i64 - 1).days()).unwrap();
    sessions.first = Some(first);
    sessions.by_day.insert(first, 1);
    let s = days::summarize(&log, &sessions, today, days::STATS_WINDOWS, None);
    let c = s
        .comparison
        .expect("two adequate windows on each side, a year apart");
    assert_eq!((c.before_windows, c.after_windows), (2, 2));
    assert_eq!((c.before, c.after), (7.0, 4.0));
    assert_eq!(c.direction, Direction::Fewer);
    assert!(c.from < first && c.to == today, "{c:?}");
}
