//! Text output of history, stats, report and log, and the time parsers behind --since,
//! --until and --at.

use crate::common;

use std::time::Duration;

use common::{external, rec, with_pain};
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use knotless::cli::review::{self, HistoryFormat, HistoryQuery};
use knotless::core::stats;
use knotless::model::record::{Kind, Outcome, SessionRecord};
use knotless::store::history::Recent;

fn berlin() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap()
}

fn now() -> Zoned {
    date(2026, 11, 24)
        .at(16, 5, 0, 0)
        .to_zoned(berlin())
        .unwrap()
}

fn text(f: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn sample() -> Vec<SessionRecord> {
    let mut a = with_pain(
        rec(
            "a",
            "2026-11-20T17:05:00+01:00",
            "neck-release",
            "neck",
            472.0,
        ),
        Some(6),
        Some(3),
    );
    a.title = "Neck release between sessions".into();
    a.note =
        Some("Left side tight, \"much\" better after; try the ball, next time\nsecond line".into());
    let mut b = rec(
        "b",
        "2026-11-22T09:30:00+01:00",
        "desk-break",
        "shoulders",
        245.0,
    );
    b.outcome = Outcome::Stopped;
    b.pain_before = Some(4);
    let c = external(
        "c",
        "2026-11-17T10:00:00+01:00",
        "Massage | therapist",
        60.0,
    );
    vec![c, a, b]
}

// ---------------------------------------------------------------------------------------
// history

#[test]
fn the_table_is_newest_first_with_local_times_and_ratings() {
    let out = text(|w| review::write_history(w, sample(), HistoryFormat::Table, &now()));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("When"));
    assert!(
        lines[1].starts_with("Sun 22 Nov 09:30  Title of desk-break"),
        "{out}"
    );
    assert!(lines[1].contains("4:05  stopped"), "{out}");
    assert!(lines[1].ends_with("4 → –"), "{out}");
    assert!(lines[2].starts_with("Fri 20 Nov 17:05  Neck release between sessions"));
    assert!(lines[2].contains("7:52  completed"));
    assert!(lines[2].ends_with("6 → 3"));
    assert!(lines[3].contains("Massage | therapist") && lines[3].contains("external"));
    // Columns line up.
    let col = lines[0].find("Active").unwrap() + "Active".len();
    assert!(
        lines[1..].iter().all(|l| l
            .as_bytes()
            .get(col - 1)
            .is_some_and(|b| b.is_ascii_digit())),
        "{out}"
    );

    let empty = text(|w| {
        review::write_history(w, Vec::<SessionRecord>::new(), HistoryFormat::Table, &now())
    });
    assert_eq!(empty, "No sessions to show.\n");
}

#[test]
fn the_table_shows_local_time_in_the_zone_given() {
    let records = [
        rec("a", "2026-07-01T12:00:00+02:00", "neck", "neck", 60.0),
        rec("b", "2025-12-31T12:00:00+01:00", "neck", "neck", 60.0),
    ];
    let ny = now().with_time_zone(TimeZone::get("America/New_York").unwrap());
    let out = text(|w| review::write_table(w, &records, &ny));
    assert!(out.contains("Wed 1 Jul 06:00"), "{out}");
    // Another year's day says its year, as every day does.
    assert!(out.contains("Wed 31 Dec 2025 06:00"), "{out}");
}

#[test]
fn csv_quotes_what_needs_quoting_and_round_trips() {
    let mut records = sample();
    records[2].note = Some("commas, \"quotes\"\r\nCRLF and\nLF, emoji 🌿".into());
    records[2].title = "Desk, break".into();
    let out = text(|w| review::write_csv(w, &records, &berlin()));
    assert!(
        out.starts_with("id,date,time,started_at,ended_at,kind,routine_id,title,area,outcome,")
    );
    assert!(out.contains("\r\n"));
    assert!(out.contains("\"Desk, break\""));
    assert!(out.contains("\"commas, \"\"quotes\"\"\r\nCRLF and\nLF, emoji 🌿\""));

    let mut reader = csv::ReaderBuilder::new().from_reader(out.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, review::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    for (row, r) in rows.iter().zip(&records) {
        let field = |name: &str| {
            row.get(header.iter().position(|h| h == name).unwrap())
                .unwrap()
        };
        assert_eq!(field("id"), r.id);
        assert_eq!(field("title"), r.title);
        assert_eq!(field("note"), r.note.as_deref().unwrap_or(""));
        assert_eq!(field("started_at"), r.started_at.to_string());
        assert_eq!(field("active_secs").parse::<f64>().unwrap(), r.active_secs);
        assert_eq!(
            field("pain_before"),
            r.pain_before.map(|p| p.to_string()).unwrap_or_default()
        );
    }
    let a = &rows[1];
    assert_eq!(
        (a.get(1).unwrap(), a.get(2).unwrap()),
        ("2026-11-20", "17:05")
    );
    assert_eq!(a.get(5).unwrap(), "routine");
}

/// Two machines' files, read one after the other: the CSV is one order, oldest first.
#[test]
fn csv_is_oldest_first_across_every_machines_file() {
    let data = tempfile::tempdir().unwrap();
    let write = |machine: &str, records: &[SessionRecord]| {
        let lines: String = records
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect();
        std::fs::write(data.path().join(format!("history-{machine}.jsonl")), lines).unwrap();
    };
    let at = |id: &str, day: u8| {
        rec(
            id,
            &format!("2026-11-{day:02}T08:00:00+01:00"),
            "neck",
            "neck",
            300.0,
        )
    };
    write("laptop", &[at("l1", 3), at("l2", 10), at("l3", 20)]);
    write("desktop", &[at("d1", 1), at("d2", 12), at("d3", 21)]);
    let loaded =
        knotless::store::history::load(data.path(), knotless::store::history::Detail::NoSteps)
            .unwrap()
            .records;
    let read: Vec<&str> = loaded.iter().map(|r| r.id.as_str()).collect();
    assert_ne!(
        read,
        ["d1", "l1", "l2", "d2", "l3", "d3"],
        "read file by file"
    );
    let out = text(|w| review::write_csv(w, &loaded, &berlin()));
    let ids: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["d1", "l1", "l2", "d2", "l3", "d3"], "{out}");
}

#[test]
fn jsonl_is_the_merged_records_one_per_line() {
    let records = sample();
    let out = text(|w| review::write_history(w, &records, HistoryFormat::Jsonl, &now()));
    let back: Vec<SessionRecord> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, records);
    use clap::ValueEnum;
    assert_eq!(
        HistoryFormat::from_str("csv", false),
        Ok(HistoryFormat::Csv)
    );
    assert!(HistoryFormat::from_str("xml", false).is_err());
}

#[test]
fn queries_filter_by_time_routine_and_area() {
    let records = sample();
    let n = now();
    let q = HistoryQuery {
        since: Some(knotless::core::when::parse_when("2026-11-20", &n).unwrap()),
        until: Some(knotless::core::when::parse_until("2026-11-21", &n).unwrap()),
        ..Default::default()
    };
    let ids: Vec<&str> = records
        .iter()
        .filter(|r| q.matches(r))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, ["a"]);
    let by_routine = HistoryQuery {
        routine: Some("NECK release".into()),
        ..Default::default()
    };
    assert!(by_routine.matches(&records[1]) && !by_routine.matches(&records[2]));
    let by_id = HistoryQuery {
        routine: Some("desk-break".into()),
        ..Default::default()
    };
    assert!(by_id.matches(&records[2]));
    let by_area = HistoryQuery {
        area: Some("External".into()),
        ..Default::default()
    };
    assert_eq!(records.iter().filter(|r| by_area.matches(r)).count(), 1);
}

// ---------------------------------------------------------------------------------------
// parse_when / parse_at

fn local(ts: Timestamp) -> String {
    ts.to_zoned(berlin())
        .strftime("%Y-%m-%d %H:%M %:z")
        .to_string()
}

#[test]
fn parse_when_takes_lengths_dates_and_words() {
    let n = now();
    let ok = |s: &str| {
        local(knotless::core::when::parse_when(s, &n).unwrap_or_else(|e| panic!("{s}: {e}")))
    };
    assert_eq!(ok("30d"), "2026-10-25 16:05 +01:00");
    assert_eq!(
        ok("90d"),
        "2026-08-26 16:05 +02:00",
        "calendar days, across the October change"
    );
    assert_eq!(ok("2w"), "2026-11-10 16:05 +01:00");
    assert_eq!(ok("12h"), "2026-11-24 04:05 +01:00");
    assert_eq!(ok("3mo"), "2026-08-24 16:05 +02:00");
    assert_eq!(ok("1y"), "2025-11-24 16:05 +01:00");
    assert_eq!(ok(" 7 days "), "2026-11-17 16:05 +01:00");
    assert_eq!(ok("2026-11-01"), "2026-11-01 00:00 +01:00");
    assert_eq!(ok("2026-07-01"), "2026-07-01 00:00 +02:00");
    assert_eq!(ok("2026-11-01 17:00"), "2026-11-01 17:00 +01:00");
    assert_eq!(ok("yesterday"), "2026-11-23 16:05 +01:00");
    assert_eq!(ok("3 days ago"), "2026-11-21 16:05 +01:00");
    assert_eq!(ok("yesterday 17:00"), "2026-11-23 17:00 +01:00");
    assert_eq!(
        knotless::core::when::parse_until("2026-11-01", &n)
            .map(local)
            .unwrap(),
        "2026-11-02 00:00 +01:00"
    );
    assert_eq!(
        knotless::core::when::parse_until("3 days ago", &n)
            .map(local)
            .unwrap(),
        "2026-11-21 16:05 +01:00"
    );

    for bad in ["", "soon", "30x", "99999999999999999999d", "100000000y"] {
        let err = knotless::core::when::parse_when(bad, &n)
            .unwrap_err()
            .to_string();
        assert!(!err.is_empty());
        if bad == "soon" {
            assert!(
                err.contains("\"soon\"")
                    && err.contains("30d")
                    && err.contains("2026-11-01")
                    && err.contains("3 days ago"),
                "{err}"
            );
        }
    }
}

#[test]
fn a_day_length_is_a_calendar_day_across_dst() {
    let ny = TimeZone::get("America/New_York").unwrap();
    let n = date(2026, 3, 9)
        .at(12, 0, 0, 0)
        .to_zoned(ny.clone())
        .unwrap();
    let ts = knotless::core::when::parse_when("1d", &n).unwrap();
    assert_eq!(
        ts.to_zoned(ny).strftime("%Y-%m-%d %H:%M %:z").to_string(),
        "2026-03-08 12:00 -04:00"
    );
    assert_eq!(n.timestamp().duration_since(ts).as_hours(), 24);
    let ts = knotless::core::when::parse_when("2d", &n).unwrap();
    assert_eq!(n.timestamp().duration_since(ts).as_hours(), 47);
}

#[test]
fn parse_at_takes_now_and_past_times_and_refuses_the_future() {
    let n = now();
    assert_eq!(
        knotless::core::when::parse_at("now", &n).unwrap(),
        n.timestamp()
    );
    assert_eq!(
        knotless::core::when::parse_at("NOW", &n).unwrap(),
        n.timestamp()
    );
    let ok = |s: &str| {
        local(knotless::core::when::parse_at(s, &n).unwrap_or_else(|e| panic!("{s}: {e}")))
    };
    assert_eq!(ok("yesterday 17:00"), "2026-11-23 17:00 +01:00");
    assert_eq!(ok("3 days ago"), "2026-11-21 16:05 +01:00");
    assert_eq!(ok("2026-11-20 09:30"), "2026-11-20 09:30 +01:00");

    let err = knotless::core::when::parse_at("tomorrow", &n)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is in the future") && err.contains("Wed 25 Nov 16:05"),
        "{err}"
    );
    let err = knotless::core::when::parse_at("17:00", &n)
        .unwrap_err()
        .to_string();
    assert!(err.contains("in the future"), "{err}");
    let err = knotless::core::when::parse_at("whenever", &n)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"now\"") && err.contains("yesterday 17:00"),
        "{err}"
    );
}

#[test]
fn a_logged_session_must_be_over_by_now() {
    use knotless::core::when::{check_logged_end, parse_at};
    let n = now();
    let hour = Duration::from_secs(3600);
    // Ended an hour ago, just now, or within the minute of grace: logged.
    for (at, length) in [
        ("2026-11-24 14:05", hour),
        ("2026-11-24 15:05", hour),
        ("now", Duration::ZERO),
        ("2026-11-24 15:06", hour),
    ] {
        let start = parse_at(at, &n).unwrap();
        assert!(check_logged_end(start, length, &n).is_ok(), "{at}");
    }
    // Begun now (or earlier) but lasting past now: every reader would leave it out.
    for (at, length, end) in [
        ("now", 3 * hour, "Tue 24 Nov 19:05"),
        ("2026-11-24 15:30", hour, "Tue 24 Nov 16:30"),
        (
            "2026-11-24 15:05",
            hour + Duration::from_secs(61),
            "Tue 24 Nov 16:06",
        ),
    ] {
        let start = parse_at(at, &n).unwrap();
        let err = check_logged_end(start, length, &n).unwrap_err().to_string();
        assert!(
            err.contains(end) && err.contains("still to come") && err.contains("--duration"),
            "{at}: {err}"
        );
    }
    // A length no clock can add is refused, not wrapped.
    let err = check_logged_end(n.timestamp(), Duration::from_secs(u64::MAX), &n).unwrap_err();
    assert!(err.to_string().contains("still to come"), "{err}");
}

// ---------------------------------------------------------------------------------------
// log

#[test]
fn external_records_are_what_log_appends() {
    let tz = berlin();
    let at = knotless::core::when::parse_at("yesterday 17:00", &now()).unwrap();
    let r = review::external_record(
        "  Massage therapist (Anna) ",
        at,
        Duration::from_secs(3600),
        Some("Upper traps worked on.".into()),
        &tz,
        "id-1".into(),
    );
    assert_eq!(r.kind, Kind::External);
    assert_eq!(r.area, "external");
    assert_eq!(r.routine_id, "massage-therapist-anna");
    assert_eq!(r.title, "Massage therapist (Anna)");
    assert_eq!(r.started_at.to_string(), "2026-11-23T17:00:00+01:00");
    assert_eq!(r.ended_at.to_string(), "2026-11-23T18:00:00+01:00");
    assert_eq!(
        (r.active_secs, r.planned_secs, r.paused_secs),
        (3600.0, 3600.0, 0.0)
    );
    assert_eq!(r.outcome, Outcome::Completed);
    assert!(r.steps.is_empty());
    assert_eq!(r.id, "id-1");
    let blank = review::external_record(
        "Physio",
        at,
        Duration::ZERO,
        Some("  ".into()),
        &tz,
        "id-2".into(),
    );
    assert_eq!(blank.note, None);
    assert_eq!(review::slug("!!!"), "external-21-21-21");
    assert_eq!(review::slug(" 😀 "), "external-1f600");
    assert_eq!(review::slug("?? ?"), "external-3f-3f-3f");
    assert_eq!(review::slug(""), "external");
    // Two names without a letter or digit are two kinds of session, not one.
    assert_ne!(review::slug("???"), review::slug("😀"));
    assert_eq!(review::slug("Ostéopathe — Dr. Ruiz"), "ostéopathe-dr-ruiz");
}

// ---------------------------------------------------------------------------------------
// formatters, stats text and JSON, home header

#[test]
fn small_formatters() {
    use knotless::model::format::{fmt_change, fmt_clock_secs, fmt_length_secs};
    assert_eq!(fmt_clock_secs(472.4), "7:52");
    assert_eq!(
        fmt_clock_secs(59.6),
        "0:59",
        "time spent is never rounded up"
    );
    assert_eq!(fmt_clock_secs(3725.0), "1:02:05");
    assert_eq!(fmt_clock_secs(-3.0), "0:00");
    assert_eq!(fmt_clock_secs(f64::NAN), "0:00");
    assert_eq!(fmt_change(-1.94), "−1.9");
    assert_eq!(fmt_change(0.5), "+0.5");
    assert_eq!(fmt_change(0.01), "0.0");
    assert_eq!(fmt_length_secs(18.2 * 60.0), "18 min");
    assert_eq!(fmt_length_secs(125.0 * 60.0), "2 h 5 min");
    assert_eq!(knotless::model::format::fmt_days_ago(0), "today");
    assert_eq!(knotless::model::format::fmt_days_ago(1), "yesterday");
    assert_eq!(knotless::model::format::fmt_days_ago(9), "9 days ago");
}

#[test]
fn the_home_header() {
    let n = now();
    assert_eq!(
        knotless::app::summary::home_header(&Recent::default(), &n, 3),
        "No sessions yet"
    );
    let recent = Recent {
        last_ended: Some("2026-11-22T21:00:00+01:00".parse().unwrap()),
        count_since: 2,
    };
    assert_eq!(
        knotless::app::summary::home_header(&recent, &n, 3),
        "Last session 2 days ago · 2 of 3 this week"
    );
    assert_eq!(
        knotless::app::summary::home_header(&recent, &n, 0),
        "Last session 2 days ago · 2 this week"
    );
    assert_eq!(
        knotless::app::summary::home_header(&recent, &n, 2),
        "Last session 2 days ago · 2 this week, goal reached"
    );
}

#[test]
fn stats_as_text_and_json() {
    let records = sample();
    let sunday = date(2026, 11, 22)
        .at(18, 0, 0, 0)
        .to_zoned(berlin())
        .unwrap();
    let s = stats::compute(&records, &sunday, 3);
    let out = text(|w| review::write_stats_text(w, &s));
    assert!(
        out.starts_with("This week  2 of 3 sessions · 12 min · 2 active days\n"),
        "{out}"
    );
    // Past the goal the count is not "2 of 1".
    let past = stats::compute(&records, &sunday, 1);
    assert!(
        review::this_week_line(&past).starts_with("This week  2 sessions, past the goal of 1 ·"),
        "{}",
        review::this_week_line(&past)
    );
    let one = stats::compute(&records, &sunday, 2);
    assert!(review::this_week_line(&one).starts_with("This week  2 of 2 sessions ·"));
    assert!(out.contains("Last professional session (Massage | therapist): 5 days ago, 2 self-care sessions since"), "{out}");
    assert!(out.contains("Last 8 weeks"));
    assert!(out.contains("  Mon "));
    assert!(out.contains("Neck release between sessions"));
    assert!(
        out.contains("6.0 → 3.0") && out.contains("−3.0 (n=1)"),
        "{out}"
    );
    assert!(!out.to_lowercase().contains("streak"));

    let json = text(|w| review::write_stats_json(w, &s));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["weekly_goal"], 3);
    assert_eq!(value["this_week"]["sessions"], 2);
    assert_eq!(value["external"]["last"]["days_ago"], 5);
    assert_eq!(value["routines"][0]["pain"]["n"], 1);

    let empty = stats::compute(Vec::<SessionRecord>::new(), &now(), 3);
    let out = text(|w| review::write_stats_text(w, &empty));
    assert!(out.starts_with("This week  no sessions yet\n"), "{out}");
    assert!(out.contains("No self-care sessions logged yet."));
}

// ---------------------------------------------------------------------------------------
// report

/// The Markdown report of `records` from `since` (`None`: from the first entry) to `now`,
/// with no day log.
fn report_md(records: &[SessionRecord], since: Option<jiff::Timestamp>, now: &Zoned) -> String {
    use knotless::core::report::{ReportBuilder, ReportOptions};
    let mut b = ReportBuilder::new(
        now,
        ReportOptions {
            since,
            ..Default::default()
        },
    );
    for r in records {
        b.add(r);
    }
    let report = b.finish(Some(&std::collections::BTreeMap::new()));
    text(|w| knotless::cli::report::markdown::write(w, &report))
}

#[test]
fn the_report_says_what_was_logged() {
    let records = sample();
    let since = knotless::core::when::parse_when("30d", &now()).unwrap();
    let out = report_md(&records, Some(since), &now());
    assert!(
        out.starts_with("# Self-care and headache summary\n"),
        "{out}"
    );
    // The period is stated once, and starts at the first entry: nothing was logged in the
    // 23 days before it, so "a week" is not diluted by them.
    assert!(
        out.contains(
            "Period: Tue 17 Nov 2026 to Tue 24 Nov 2026 (8 whole days). Times in Europe/Berlin"
        ),
        "{out}"
    );
    assert!(
        out.contains("Nothing was logged between Sun 25 Oct 2026 and the start of this period."),
        "{out}"
    );
    assert_eq!(out.matches("Tue 24 Nov 2026").count(), 1, "{out}");
    assert!(out.contains("not measurements"));
    assert!(
        out.contains("- 2 self-care sessions (1 completed, 1 stopped early, 0 interrupted)"),
        "{out}"
    );
    assert!(
        out.contains("- On average 1.8 sessions a week over the 8 days covered."),
        "{out}"
    );
    assert!(out.contains("- Professional sessions logged: 1."));
    assert!(out.contains("### Sessions by routine"));
    assert!(
        out.contains(
            "| Neck release between sessions | neck | 1 | 8 min | 6.0 | 3.0 | −3.0 (n=1) |"
        ),
        "{out}"
    );
    assert!(
        out.contains("| Title of desk\\-break | shoulders | 1 | 4 min | – | – | – |")
            || out.contains("| Title of desk-break | shoulders | 1 | 4 min | – | – | – |"),
        "{out}"
    );
    assert!(out.contains("### Sessions by area"));
    assert!(out.contains("### Head pain before and after sessions, by week"));
    assert!(
        // Only the session rated before and after: 6 → 3, not (6 + 4) / 2 → 3.
        out.contains("| Mon 16 Nov 2026 | 2 | 6.0 | 3.0 | −3.0 (n=1) |"),
        "{out}"
    );
    assert!(out.contains("## Professional sessions"));
    assert!(
        out.contains("| Tue 2026-11-17 10:00 | Massage \\| therapist | 1 h |"),
        "{out}"
    );
    assert!(out.contains("## Notes written after sessions"));
    assert!(out.contains("- Fri 2026-11-20 17:05, Neck release between sessions (head 6 → 3): Left side tight, \"much\" better after; try the ball, next time second line"), "{out}");
    for word in ["improve", "effective", "cure", "treat"] {
        assert!(
            !out.to_lowercase()
                .replace(NOT_ADVICE_LOWER, "")
                .contains(word),
            "the report must not claim: {word}"
        );
    }

    // Over a longer period the trend is by month; with nothing logged it says so.
    let mut early = sample();
    early[0].started_at = "2026-03-02T10:00:00+01:00".parse().unwrap();
    early[0].ended_at = "2026-03-02T11:00:00+01:00".parse().unwrap();
    let long = report_md(
        &early,
        Some(knotless::core::when::parse_when("1y", &now()).unwrap()),
        &now(),
    );
    assert!(
        long.contains("by month") && long.contains("| November 2026 | 2 |"),
        "{long}"
    );
    let none = report_md(&[], None, &now());
    assert!(
        none.contains("- 0 self-care sessions") && none.contains("None logged in this period."),
        "{none}"
    );
    assert!(
        none.contains("Period: Tue 24 Nov 2026 to Tue 24 Nov 2026 (1 whole day)"),
        "{none}"
    );
}

/// The not-medical-advice line names what the report does not do.
const NOT_ADVICE_LOWER: &str =
    "self-care only, not medical advice: knotless does not diagnose or treat any condition.";

proptest::proptest! {
    #[test]
    fn no_text_makes_the_time_parsers_panic(s in "\\PC{0,40}") {
        let n = now();
        let _ = knotless::core::when::parse_when(&s, &n);
        let _ = knotless::core::when::parse_until(&s, &n);
        let _ = knotless::core::when::parse_at(&s, &n);
    }

    #[test]
    fn lengths_of_any_size_never_panic(n in proptest::num::u64::ANY, unit in "(min|h|d|w|mo|y)") {
        let _ = knotless::core::when::parse_when(&format!("{n}{unit}"), &now());
    }
}

/// `list` lines its columns up by display width: a Japanese name takes two columns a
/// character, so the lengths after it stay in one column.
#[test]
fn list_lines_up_wide_names() {
    let mut lib = knotless::library::Library::load(None);
    lib.routines[0].name = "首と肩のセルフケア".into();
    let out = text(|o| knotless::cli::routines::list(&lib, None, o));
    let ends: std::collections::BTreeSet<usize> = out
        .lines()
        .filter(|l| l.ends_with("steps") && !l.contains('('))
        .map(knotless::model::format::width)
        .collect();
    assert_eq!(ends.len(), 1, "every step count ends in one column:\n{out}");
}

/// The CSV two ways: every record read file by file, then sorted; and every file read at
/// once, oldest first, each row going straight out (what `history --format csv` does when
/// the files allow it, which the third value says).
fn csv_both_ways(data: &std::path::Path) -> (String, String, bool) {
    use knotless::store::history::{Detail, Records};
    let mut file_order = Records::open(data, Detail::NoSteps).unwrap();
    let sorted = text(|w| review::write_csv(w, file_order.by_ref().map(Result::unwrap), &berlin()));
    let mut by_time = Records::open_by_time(data, Detail::NoSteps).unwrap();
    let streamed = by_time.by_time();
    let out = text(|w| {
        let records = by_time.by_ref().map(Result::unwrap);
        if streamed {
            review::write_csv_oldest_first(w, records, &berlin())
        } else {
            review::write_csv(w, records, &berlin())
        }
    });
    assert_eq!(file_order.warnings(), by_time.warnings());
    (sorted, out, streamed)
}

fn csv_ids(csv: &str) -> Vec<&str> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect()
}

fn write_lines(data: &std::path::Path, file: &str, lines: &[String]) {
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(data.join(file), lines.concat()).unwrap();
}

fn at_minute(id: &str, minute: u32) -> SessionRecord {
    rec(
        id,
        &format!(
            "2026-11-20T{:02}:{:02}:00+01:00",
            8 + minute / 60,
            minute % 60
        ),
        "neck",
        "neck",
        300.0,
    )
}

fn interrupted(mut r: SessionRecord) -> SessionRecord {
    r.outcome = Outcome::Interrupted;
    r
}

/// Three machines' files and the older single file, interleaved in time, with records
/// starting together in one file and across files, a session a recovery logged as
/// interrupted on one machine and the other logged in full, a conflict copy, an
/// amendment in another machine's file and a broken line: read all at once, oldest first,
/// the CSV is byte for byte the one sorting every row gives.
#[test]
fn csv_streamed_across_machines_is_the_sorted_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let l = |r: SessionRecord| common::line(&r);
    let amend = serde_json::json!({
        "v": 1, "amends": "l2", "at": "2026-11-24T17:20:00+01:00", "pain_after": 2
    });
    write_lines(
        data,
        "history-laptop.jsonl",
        &[
            l(at_minute("l1", 0)),
            l(at_minute("l2", 10)),
            l(interrupted(at_minute("s1", 10))),
            l(at_minute("l3", 10)),
            l(interrupted(at_minute("i1", 20))),
            l(at_minute("l4", 40)),
        ],
    );
    write_lines(
        data,
        "history-desktop.jsonl",
        &[
            l(at_minute("d1", 5)),
            l(at_minute("d2", 10)),
            l(with_pain(at_minute("s1", 10), Some(5), Some(3))),
            l(at_minute("d3", 20)),
            "{not json\n".to_string(),
            l(at_minute("d4", 30)),
        ],
    );
    write_lines(
        data,
        "history-phone.jsonl",
        &[
            l(at_minute("d2", 10)),
            amend.to_string() + "\n",
            l(at_minute("p1", 20)),
            l(at_minute("p2", 50)),
        ],
    );
    write_lines(
        data,
        "history.jsonl",
        &[l(at_minute("o1", 1)), l(at_minute("o2", 10))],
    );
    let (sorted, streamed, by_time) = csv_both_ways(data);
    assert!(by_time, "every file is oldest first: read all at once");
    assert_eq!(streamed, sorted);
    assert_eq!(
        csv_ids(&streamed),
        [
            "l1", "o1", "d1", "o2", "d2", "s1", "l2", "l3", "d3", "p1", "i1", "d4", "l4", "p2"
        ],
        "{streamed}"
    );
    assert!(streamed.contains("\r\nl2,2026-11-20,08:10,"), "{streamed}");
}

/// A session logged afterwards sits after newer ones in its file: the rows are held and
/// sorted, and come in the same order.
#[test]
fn csv_with_a_file_out_of_order_is_sorted_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let l = |r: SessionRecord| common::line(&r);
    write_lines(
        data,
        "history-laptop.jsonl",
        &[
            l(at_minute("l1", 0)),
            l(at_minute("l2", 30)),
            l(at_minute("late", 5)),
        ],
    );
    write_lines(data, "history-desktop.jsonl", &[l(at_minute("d1", 10))]);
    let (sorted, streamed, by_time) = csv_both_ways(data);
    assert!(!by_time);
    assert_eq!(streamed, sorted);
    assert_eq!(csv_ids(&streamed), ["l1", "late", "d1", "l2"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any files of records (some starting together, some with a twin in another file or
    /// the same one, some interrupted, in time order or not): the CSV is the sorted one,
    /// and it streams whenever every file is in time order and twins start together.
    #[test]
    fn csv_oldest_first_either_way_is_the_sorted_csv(
        files in proptest::collection::vec(
            proptest::collection::vec((0u32..12, proptest::bool::ANY, 0u32..6), 0..10),
            1..4,
        ),
        in_order in proptest::bool::ANY,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        for (f, records) in files.iter().enumerate() {
            let mut records = records.clone();
            if in_order {
                // Twins start together: the start comes from the id.
                for r in &mut records {
                    r.2 = r.0 / 3;
                }
                records.sort_by_key(|r| r.2);
            }
            let lines: Vec<String> = records
                .iter()
                .map(|&(id, stopped, minute)| {
                    let r = at_minute(&format!("r{id}"), minute);
                    common::line(&if stopped { interrupted(r) } else { r })
                })
                .collect();
            write_lines(tmp.path(), &format!("history-m{f}.jsonl"), &lines);
        }
        let (sorted, streamed, by_time) = csv_both_ways(tmp.path());
        proptest::prop_assert_eq!(streamed, sorted);
        if in_order {
            proptest::prop_assert!(by_time);
        }
    }
}
