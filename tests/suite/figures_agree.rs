//! Every figure, rounded once: one fixture whose exact values sit where rounding twice (or
//! differently in each place) used to show different figures — 6/11 = 0.545, averages of
//! 3.25 and 1.75, 5.348, a 1,827.9 s session, 550.45 minutes in an area, 9 headache days of
//! 22 and of 24 answered, sessions of 5.01 s and 16.3 s, three of 3.2, 22.9 and 3.9 s on one
//! day — written by `stats --json`,
//! `stats`, the Stats screen, `report` (Markdown, HTML and JSON) and `history`, each
//! checked to show the same rounded value.

use std::path::Path;

use jiff::civil::Date;
use jiff::{ToSpan, Zoned};
use knotless::app::{App, Route};
use knotless::core::days::STATS_WINDOWS;
use knotless::core::period::Period;
use knotless::core::report::{Report, ReportOptions};
use knotless::core::stats::StatsOptions;
use knotless::model::config::ThemeName;
use knotless::model::day::{DayAnswer, Meds};
use knotless::model::record::{SessionRecord, Stamp};
use knotless::store::{days as day_store, figures, history};
use serde_json::Value;

use crate::common::{self, rec, with_pain};

/// "Today": Tuesday 24 November 2026, 10:00 in London.
fn now() -> Zoned {
    common::fixed_now()
}

fn today() -> Date {
    now().date()
}

/// A session of `routine` in `area`, `days` days before today at `hour`:00 London time.
fn session(
    n: &mut u32,
    routine: &str,
    area: &str,
    days: i64,
    hour: i8,
    secs: f64,
) -> SessionRecord {
    *n += 1;
    let at = today()
        .checked_sub(days.days())
        .unwrap()
        .at(hour, 0, 0, 0)
        .to_zoned(now().time_zone().clone())
        .unwrap();
    let mut r = rec(
        &format!("s{n:04}"),
        &Stamp::new(at.timestamp(), now().time_zone()).to_string(),
        routine,
        area,
        secs,
    );
    r.title = format!("The {routine} routine");
    r
}

/// `befores[i] → afters[i]` sessions of one routine, a day apart from `first_day` back.
fn rated(
    n: &mut u32,
    routine: &str,
    area: &str,
    first_day: i64,
    ratings: &[(u8, u8)],
) -> Vec<SessionRecord> {
    ratings
        .iter()
        .enumerate()
        .map(|(i, &(b, a))| {
            with_pain(
                session(n, routine, area, first_day + i as i64, 18, 300.0),
                Some(b),
                Some(a),
            )
        })
        .collect()
}

fn answer(date: Date, headache: bool, meds: Option<Meds>) -> DayAnswer {
    DayAnswer {
        v: 1,
        date,
        headache,
        migraine: false,
        worst: None,
        meds,
        answered_at: Stamp::new(
            date.at(21, 0, 0, 0)
                .to_zoned(now().time_zone().clone())
                .unwrap()
                .timestamp()
                .min(now().timestamp()),
            now().time_zone(),
        ),
        machine: "fixture".into(),
    }
}

/// The fixture: sessions all in the last 90 days (none before today's 10:00), and a day
/// log whose newest window has 9 headache days of 22 answered, the one before 9 of 24.
fn write_fixture(data: &Path) {
    let mut n = 0;
    let mut records = Vec::new();
    // 6/11 = 0.545: six sessions rated 1 before, five rated 0; all 0 after.
    let mut elevenths = vec![(1, 0); 6];
    elevenths.extend([(0, 0); 5]);
    records.extend(rated(&mut n, "zero-six", "neck", 10, &elevenths));
    // 3.25 → 1.75.
    records.extend(rated(
        &mut n,
        "quarters",
        "shoulders",
        10,
        &[(3, 2), (3, 2), (3, 2), (4, 1)],
    ));
    // 123/23 = 5.348 → 3.
    let mut jaw = vec![(5, 3); 15];
    jaw.extend([(6, 3); 8]);
    records.extend(rated(&mut n, "jaw", "jaw", 10, &jaw));
    // One session of 1,827.9 s, alone in its area.
    records.push(session(&mut n, "long-one", "scalp", 12, 8, 1827.9));
    // 33,027 s = 550.45 minutes in one area.
    for i in 0..33 {
        records.push(session(&mut n, "roller", "upper-back", 14 + i, 7, 1000.0));
    }
    records.push(session(&mut n, "roller", "upper-back", 85, 7, 27.0));
    // This week's only session: 5.01 s on Monday; 16.3 s last week.
    records.push(session(&mut n, "blink-a", "hands-feet", 1, 9, 5.01));
    records.push(session(&mut n, "blink-b", "hands-feet", 8, 9, 16.3));
    // Three sessions on one day, alone in their area and 28-day window: 3.2 + 22.9 + 3.9
    // s are 30 s, half a minute (added as floating point they were 29.999…: "29 s", "0").
    for (hour, secs) in [(9, 3.2), (10, 22.9), (11, 3.9)] {
        records.push(session(&mut n, "thirds", "face", 60, hour, secs));
    }
    for r in &records {
        history::append(data, r).unwrap();
    }
    // Window 1 (the newest 28 days): 22 answered, 9 with a headache. Window 2: 24 and 9.
    for (window, answered) in [(0i64, 22i64), (1, 24)] {
        let end = today().checked_sub((window * 28).days()).unwrap();
        for k in 0..answered {
            let date = end.checked_sub(k.days()).unwrap();
            day_store::append(data, &answer(date, k < 9, None)).unwrap();
        }
    }
}

struct Outputs {
    stats_json: Value,
    stats_text: String,
    screen: String,
    report: Report,
    report_json: Value,
    report_md: String,
    report_html: String,
    history: String,
}

fn outputs(data: &Path, config: &Path, state: &Path) -> Outputs {
    let opts = StatsOptions::for_period(3, Period::NinetyDays, &now());
    let f = figures::stats(
        (data, history::Reading::Here),
        &now(),
        opts,
        STATS_WINDOWS,
        None,
    )
    .unwrap();
    let stats_json = serde_json::to_value(knotless::cli::days::StatsJson {
        stats: &f.stats,
        headache_days: f.four_weeks.as_ref(),
    })
    .unwrap();
    let mut text = Vec::new();
    knotless::cli::review::write_stats_text(&mut text, &f.stats).unwrap();
    knotless::cli::days::write_text(&mut text, f.four_weeks.as_ref().unwrap()).unwrap();
    let since = Period::NinetyDays.since(&now());
    let r = figures::report(
        (data, history::Reading::Ahead),
        &now(),
        ReportOptions {
            since,
            ..Default::default()
        },
    )
    .unwrap()
    .report;
    let render = |format| {
        let mut out = Vec::new();
        knotless::cli::report::write(&mut out, &r, format).unwrap();
        String::from_utf8(out).unwrap()
    };
    use knotless::cli::args::ReportFormat;
    let records = history::load(data, history::Detail::NoSteps)
        .unwrap()
        .records;
    let mut hist = Vec::new();
    knotless::cli::review::write_table(&mut hist, &records, &now()).unwrap();
    Outputs {
        stats_json,
        stats_text: String::from_utf8(text).unwrap(),
        screen: screen(data, config, state),
        report_json: serde_json::from_str(&render(ReportFormat::Json)).unwrap(),
        report_md: render(ReportFormat::Md),
        report_html: render(ReportFormat::Html),
        report: r,
        history: String::from_utf8(hist).unwrap(),
    }
}

/// The Stats screen's views with figures (overview, headache days, routines), each its
/// whole page for the last 90 days, 200 columns wide.
fn screen(data: &Path, config: &Path, state: &Path) -> String {
    use knotless::screens::stats::View;
    [View::Overview, View::Days, View::Routines]
        .map(|view| screen_view(data, config, state, view))
        .join("\n")
}

fn screen_view(
    data: &Path,
    config: &Path,
    state: &Path,
    view: knotless::screens::stats::View,
) -> String {
    let paths = knotless::store::paths::Paths {
        config: Some(config.to_path_buf()),
        data: Some(data.to_path_buf()),
        state: Some(state.to_path_buf()),
    };
    let flags = knotless::model::settings::Flags {
        quiet: true,
        ..Default::default()
    };
    let mut init =
        knotless::app::Init::new(knotless::library::Library::load(Some(config)), paths, flags);
    init.theme = Some(ThemeName::Calm);
    init.wall = common::fixed_now;
    let t0 = std::time::Instant::now();
    let mut app = App::new(
        init,
        Route::Stats {
            period: Period::NinetyDays,
            view,
            heat_days: false,
        },
        t0,
    );
    app.settle_reads();
    common::buffer_text(&common::draw(&mut app, 200, 120, t0))
}

fn routine<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["routines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["routine_id"] == id)
        .unwrap_or_else(|| panic!("{id} in {json}"))
}

fn area<'a>(json: &'a Value, name: &str) -> &'a Value {
    let list = json
        .get("by_area")
        .or_else(|| json.get("areas"))
        .unwrap()
        .as_array()
        .unwrap();
    list.iter().find(|a| a["area"] == name).unwrap()
}

#[test]
fn every_output_shows_each_figure_rounded_once_the_same_way() {
    let (config, data, state) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    write_fixture(data.path());
    let o = outputs(data.path(), config.path(), state.path());

    // Head pain: before → after and the change, per routine, in every output.
    for (id, before, after, change, n) in [
        ("zero-six", 0.5, 0.0, "−0.5", 11),
        ("quarters", 3.3, 1.8, "−1.5", 4),
        ("jaw", 5.3, 3.0, "−2.3", 23),
    ] {
        let (b, a) = (format!("{before:.1}"), format!("{after:.1}"));
        let arrow = format!("{b} → {a}");
        let change_n = format!("{change} (n={n})");
        for json in [&o.stats_json, &o.report_json] {
            let pain = &routine(json, id)["pain"];
            assert_eq!(pain["before_avg"], before, "{id}: {pain}");
            assert_eq!(pain["after_avg"], after, "{id}: {pain}");
            let signed: f64 = change.replace('−', "-").parse().unwrap();
            assert_eq!(pain["change_avg"], signed, "{id}: {pain}");
            assert_eq!(pain["n"], n);
        }
        assert!(
            o.stats_text.contains(&arrow),
            "{id} {arrow}\n{}",
            o.stats_text
        );
        assert!(o.stats_text.contains(&change_n), "{id}\n{}", o.stats_text);
        assert!(o.screen.contains(&arrow), "{id} {arrow}\n{}", o.screen);
        assert!(o.screen.contains(&change_n), "{id}\n{}", o.screen);
        let md_row = format!("| {b} | {a} | {change_n} |");
        assert!(o.report_md.contains(&md_row), "{md_row}\n{}", o.report_md);
        let html_row = format!("<td>{b}</td><td>{a}</td><td>{change_n}</td>");
        assert!(o.report_html.contains(&html_row), "{html_row}");
    }
    // The whole-period pain of stats and the report are one figure.
    assert_eq!(
        o.stats_json["totals"]["pain"],
        o.report_json["self_care"]["pain"]
    );

    // 1,827.9 s: 30 min (30.465 exactly), not 31.
    for json in [&o.stats_json, &o.report_json] {
        assert_eq!(routine(json, "long-one")["minutes"], 30.0);
        assert_eq!(routine(json, "long-one")["secs"], 1827);
        assert_eq!(area(json, "scalp")["minutes"], 30.0);
    }
    assert!(
        o.report_md
            .contains("| The long-one routine | scalp | 1 | 30 min |"),
        "{}",
        o.report_md
    );
    assert!(
        o.stats_text.contains("  scalp          30  (1 session)"),
        "{}",
        o.stats_text
    );
    // The line of the Stats screen that starts so: an area's bar, the chart's minutes.
    let screen_line = |start: &str| {
        o.screen
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("{start}\n{}", o.screen))
            .trim_end()
    };
    let bar = |name: &str| screen_line(&format!("{name} "));
    assert!(bar("scalp").ends_with(" 30"), "{}", bar("scalp"));

    // 550.45 minutes in an area: 550 everywhere.
    for json in [&o.stats_json, &o.report_json] {
        assert_eq!(area(json, "upper-back")["minutes"], 550.0);
        assert_eq!(area(json, "upper-back")["secs"], 33027);
    }
    assert!(
        o.stats_text.contains("  upper-back    550  (34 sessions)"),
        "{}",
        o.stats_text
    );
    assert!(bar("upper-back").ends_with(" 550"), "{}", bar("upper-back"));
    assert!(
        o.report_md
            .contains("| upper-back | 34 | 9 h 10 min | 550 |"),
        "{}",
        o.report_md
    );

    // 9 headache days of 22 answered (11.45 per 28) and of 24 (10.5): 11 and 11.
    let windows = &o.stats_json["headache_days"]["windows"];
    assert_eq!(windows[0]["answered"], 22);
    assert_eq!(windows[0]["headache_rate"], 11.0);
    assert_eq!(windows[1]["answered"], 24);
    assert_eq!(windows[1]["headache_rate"], 11.0);
    let report_windows = &o.report_json["headache"]["windows"];
    for i in 0..2 {
        assert_eq!(
            report_windows[i]["headache_rate"],
            windows[i]["headache_rate"]
        );
        assert_eq!(report_windows[i]["answered"], windows[i]["answered"]);
    }
    for (end, answered) in [(today(), 22), (today().checked_sub(28.days()).unwrap(), 24)] {
        let short = end.strftime("%a %-d %b").to_string();
        let text_row = o
            .stats_text
            .lines()
            .find(|l| l.trim_start().starts_with(&short))
            .unwrap_or_else(|| panic!("{short}\n{}", o.stats_text));
        assert!(text_row.contains(&format!("{answered}/28")), "{text_row}");
        assert!(text_row.trim_end().ends_with("11 · 0 · 0"), "{text_row}");
        let screen_row = o.screen.lines().find(|l| l.contains(&short)).unwrap();
        assert!(screen_row.contains("11 · 0 · 0"), "{screen_row}");
        let long = end.strftime("%a %-d %b %Y").to_string();
        let md = format!("| {long} | {answered}/28 | 9 | 0 | 0 |");
        assert!(o.report_md.contains(&md), "{md}\n{}", o.report_md);
        assert!(o.report_md.contains("| 11 · 0 · 0 |"));
        let html = format!("<td class=\"l\">{long}</td><td>{answered}/28</td><td>9</td>");
        assert!(o.report_html.contains(&html), "{html}");
    }

    // A 5.01 s session is 5 s (and 0:05 in the history), a 16.3 s one 16 s (0:16).
    assert_eq!(o.stats_json["this_week"]["secs"], 5);
    assert!(
        o.stats_text
            .starts_with("This week  1 of 3 sessions · 5 s · 1 active day\n"),
        "{}",
        o.stats_text
    );
    assert!(o.screen.contains("5 s · 1 active day"), "{}", o.screen);
    assert_eq!(routine(&o.report_json, "blink-b")["secs"], 16);
    assert!(
        o.report_md
            .contains("| The blink-b routine | hands-feet | 1 | 16 s |")
    );
    assert!(
        o.report_md
            .contains("| The blink-a routine | hands-feet | 1 | 5 s |")
    );
    for (routine, clock) in [("blink-a", "0:05"), ("blink-b", "0:16")] {
        let line = o
            .history
            .lines()
            .find(|l| l.contains(&format!("The {routine} routine")))
            .unwrap();
        assert!(line.contains(clock), "{line}");
    }

    // 3.2 + 22.9 + 3.9 s on one day: 30 s, a half minute written as 1, everywhere.
    for json in [&o.stats_json, &o.report_json] {
        assert_eq!(area(json, "face")["secs"], 30, "{json}");
        assert_eq!(area(json, "face")["minutes"], 1.0);
        assert_eq!(routine(json, "thirds")["secs"], 30);
        assert_eq!(routine(json, "thirds")["minutes"], 1.0);
    }
    let day60 = today().checked_sub(60.days()).unwrap().to_string();
    let calendar_day = o.stats_json["calendar"]["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == day60.as_str())
        .unwrap();
    assert_eq!(calendar_day["minutes"], 1, "{calendar_day}");
    assert!(
        o.stats_text.contains("  face            1  (3 sessions)"),
        "{}",
        o.stats_text
    );
    assert!(bar("face").ends_with(" 1"), "{}", bar("face"));
    assert!(
        o.report_md.contains("| face | 3 | 30 s | 1 |"),
        "{}",
        o.report_md
    );
    assert!(
        o.report_md
            .contains("| The thirds routine | face | 3 | 30 s |"),
        "{}",
        o.report_md
    );
    // The Stats screen's chart of self-care minutes in the four-week windows, oldest first:
    // the one of days 56 to 83 back holds only these three (the oldest only a 27 s one).
    let chart_minutes = screen_line("min ");
    assert_eq!(
        chart_minutes.split_whitespace().collect::<Vec<_>>(),
        ["min", "0", "1", "342", "429"],
        "{chart_minutes}"
    );

    // The totals of the 90 days are one set of figures in both commands.
    for key in ["sessions", "secs", "minutes", "active_days", "completed"] {
        assert_eq!(
            o.stats_json["totals"][key], o.report_json["self_care"][key],
            "{key}"
        );
    }
    let t = &o.report.self_care.totals;
    let words = knotless::model::format::fmt_length_secs(t.secs);
    assert!(
        o.stats_text.contains(&format!("· {words} ·")),
        "{words}\n{}",
        o.stats_text
    );
    assert!(o.report_md.contains(&format!("), {words} of active time")));
}
