//! The report keeps to its period: its windows, medication note, calendar and day counts
//! look at `--since`/`--until` and nothing else; sessions a week divide by the days the log
//! covers; `--since all` starts at the first entry; the period is stated once, with years.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{ToSpan, Zoned};
use knotless::cli::args::ReportFormat;
use knotless::core::report::{Report, ReportBuilder, ReportOptions};
use knotless::model::day::{DayAnswer, Intensity, Meds};
use knotless::model::record::{SessionRecord, Stamp};

use crate::common::rec;

/// Tuesday 24 November 2026, 10:00 in London.
fn now() -> Zoned {
    crate::common::fixed_now()
}

fn day(back: i64) -> Date {
    now().date().checked_sub(back.days()).unwrap()
}

fn start_of(d: Date) -> jiff::Timestamp {
    d.to_zoned(now().time_zone().clone()).unwrap().timestamp()
}

fn session(back: i64) -> SessionRecord {
    let at = day(back)
        .at(8, 0, 0, 0)
        .to_zoned(now().time_zone().clone())
        .unwrap();
    rec(
        &format!("s{back}"),
        &Stamp::new(at.timestamp(), now().time_zone()).to_string(),
        "neck",
        "neck",
        600.0,
    )
}

/// Answers for the 120 days before today: a headache on every third day; the window
/// ending 40 days ago (in October) has a triptan on 12 days.
fn answers() -> BTreeMap<Date, DayAnswer> {
    let mut log = BTreeMap::new();
    for back in 0..120i64 {
        let date = day(back);
        let headache = back % 3 == 0 || (40..52).contains(&back);
        let meds = (40..52).contains(&back).then_some(Meds::Triptan);
        log.insert(
            date,
            DayAnswer {
                v: 1,
                date,
                headache,
                migraine: false,
                worst: headache.then(|| [Intensity::Mild, Intensity::Severe][back as usize % 2]),
                meds,
                answered_at: Stamp::new(start_of(date), now().time_zone()),
                machine: "test".into(),
            },
        );
    }
    log
}

fn report(records: &[SessionRecord], options: ReportOptions) -> Report {
    let mut b = ReportBuilder::new(&now(), options);
    for r in records {
        b.add(r);
    }
    b.finish(Some(&answers()))
}

fn md(r: &Report) -> String {
    let mut out = Vec::new();
    knotless::cli::report::write(&mut out, r, ReportFormat::Md).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_four_week_report_keeps_its_windows_and_note_to_its_four_weeks() {
    let records: Vec<SessionRecord> = (0..120).step_by(5).map(session).collect();
    let r = report(
        &records,
        ReportOptions {
            since: Some(start_of(day(27))),
            ..Default::default()
        },
    );
    assert_eq!(
        (r.period.from, r.period.to, r.period.days),
        (day(27), day(0), 28)
    );
    let h = r.headache.as_ref().unwrap();
    assert_eq!(h.windows.len(), 1, "only the window inside the period");
    assert_eq!(h.windows[0].end, day(0));
    assert_eq!(
        h.medication_note, None,
        "the October window is outside the period"
    );
    assert_eq!(h.days.answered, 28);
    assert!(h.calendar.iter().all(|m| {
        m.days
            .iter()
            .all(|d| !d.in_period || (d.date >= day(27) && d.date <= day(0)))
    }));
    let text = md(&r);
    assert!(
        text.contains("Period: Wed 28 Oct 2026 to Tue 24 Nov 2026 (28 whole days)."),
        "{text}"
    );
    assert!(
        text.contains("- Worst intensity on headache days: 5 mild, 5 severe."),
        "{text}"
    );
    assert!(
        text.contains(
            "- Acute-medication days by kind: simple painkiller 0 · triptan 0 · other 0."
        ),
        "{text}"
    );

    // Ending in October, the October window and its note are in.
    let r = report(
        &records,
        ReportOptions {
            since: Some(start_of(day(95))),
            until: Some(start_of(day(39))),
            ..Default::default()
        },
    );
    assert_eq!((r.period.from, r.period.to), (day(95), day(40)));
    let h = r.headache.as_ref().unwrap();
    assert_eq!(h.windows.len(), 2);
    assert_eq!(h.windows[0].end, day(40));
    let note = h.medication_note.as_deref().expect("12 triptan days");
    let end = day(40).strftime("%a %-d %b %Y").to_string();
    assert!(
        note.contains(&format!("In the 4 weeks to {end},")),
        "{note}"
    );
    assert!(
        r.routines[0].sessions == 12,
        "sessions 95..40 days back: {:?}",
        r.routines
    );
}

#[test]
fn sessions_a_week_count_the_days_the_log_covers() {
    // 14 sessions in the last 14 days, nothing before: 7 a week, not 1.1.
    let records: Vec<SessionRecord> = (0..14).map(session).collect();
    let mut b = ReportBuilder::new(
        &now(),
        ReportOptions {
            since: Some(start_of(day(89))),
            ..Default::default()
        },
    );
    for r in &records {
        b.add(r);
    }
    let r = b.finish(Some(&BTreeMap::new()));
    assert_eq!((r.period.from, r.period.days), (day(13), 14));
    assert_eq!(r.period.asked_from, Some(day(89)));
    assert_eq!(r.self_care.per_week, Some(7.0));
    let text = md(&r);
    assert!(
        text.contains("- On average 7.0 sessions a week over the 14 days covered."),
        "{text}"
    );
    let asked = day(89).strftime("%a %-d %b %Y").to_string();
    assert!(
        text.contains(&format!(
            "Nothing was logged between {asked} and the start of this period."
        )),
        "{text}"
    );

    // All: from the first entry, the day log's included.
    let all = report(&records, ReportOptions::default());
    assert_eq!(all.period.from, day(119));
    assert_eq!(all.period.asked_from, None);
    assert_eq!(all.headache.as_ref().unwrap().windows.len(), 4);
    // The period is said once, and every date in the report has its year.
    let text = md(&all);
    assert_eq!(
        text.matches("Tue 24 Nov 2026").count(),
        2,
        "the period and the newest window"
    );
    assert!(!text.contains("Tue 24 Nov |"), "{text}");
}

#[test]
fn the_json_and_html_reports_hold_the_same_figures_as_the_markdown() {
    let records: Vec<SessionRecord> = (0..120).step_by(3).map(session).collect();
    let r = report(&records, ReportOptions::default());
    let mut json = Vec::new();
    knotless::cli::report::write(&mut json, &r, ReportFormat::Json).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let mut html = Vec::new();
    knotless::cli::report::write(&mut html, &r, ReportFormat::Html).unwrap();
    let html = String::from_utf8(html).unwrap();
    let text = md(&r);
    let w = &json["headache"]["windows"][0];
    assert_eq!(w["answered"], 28);
    let whole = |v: &serde_json::Value| v.as_i64().unwrap_or_else(|| panic!("a whole number: {v}"));
    let rate = format!(
        "{} · {} · {}",
        whole(&w["headache_rate"]),
        whole(&w["migraine_rate"]),
        whole(&w["acute_med_rate"])
    );
    assert!(text.contains(&rate) && html.contains(&rate), "{rate}");
    assert_eq!(json["self_care"]["sessions"], 40);
    assert!(text.contains("- 40 self-care sessions (") && html.contains("40 self-care sessions ("));
}

#[test]
fn a_period_that_ends_before_the_first_entry_is_kept_as_asked() {
    // Only a day answer on Fri 20 Nov 2026; October asked for.
    let date = Date::constant(2026, 11, 20);
    let answers = BTreeMap::from([(
        date,
        DayAnswer {
            v: 1,
            date,
            headache: true,
            migraine: false,
            worst: None,
            meds: None,
            answered_at: Stamp::new(start_of(date), now().time_zone()),
            machine: "test".into(),
        },
    )]);
    let mut b = ReportBuilder::new(
        &now(),
        ReportOptions {
            since: Some(start_of(Date::constant(2026, 10, 1))),
            until: Some(start_of(Date::constant(2026, 11, 1))),
            ..Default::default()
        },
    );
    b.add(&session(0));
    let r = b.finish(Some(&answers));
    assert_eq!(
        (
            r.period.from,
            r.period.to,
            r.period.days,
            r.period.asked_from
        ),
        (
            Date::constant(2026, 10, 1),
            Date::constant(2026, 10, 31),
            31,
            None
        )
    );
    let text = md(&r);
    assert!(
        text.contains(
            "Period: Thu 1 Oct 2026 to Sat 31 Oct 2026 (31 whole days). Times in Europe/London; \
             generated by knotless on 2026-11-24 10:00. Nothing was logged in this period."
        ),
        "{text}"
    );
    assert!(!text.contains("Nothing was logged between"), "{text}");

    // A period with something in it does not say so.
    let r = report(&[session(3)], ReportOptions::default());
    assert!(!md(&r).contains("Nothing was logged in this period"));
}

fn html(r: &Report) -> String {
    let mut out = Vec::new();
    knotless::cli::report::write(&mut out, r, ReportFormat::Html).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn the_html_page_says_how_many_professional_sessions_and_kinds_it_leaves_out() {
    let records: Vec<SessionRecord> = (0..8)
        .map(|i| {
            let mut r = session(i);
            r.kind = knotless::model::record::Kind::External;
            r.routine_id = format!("kind-{}", i.min(6));
            r.title = format!("Therapist {}", i.min(6));
            r
        })
        .collect();
    let r = report(
        &records,
        ReportOptions {
            since: Some(start_of(day(27))),
            ..Default::default()
        },
    );
    assert_eq!(r.professional.sessions, 8);
    let page = html(&r);
    assert!(
        page.contains("8 sessions of 7 kinds, 1 h 20 min in all (Therapist 6 2, "),
        "{page}"
    );
    assert!(
        page.contains(", and 2 more kinds with 2 sessions).</p>"),
        "{page}"
    );
    assert!(page.contains("… and 3 earlier sessions.</p>"), "{page}");
    // Five or fewer: nothing more to say.
    let r = report(&records[..2], ReportOptions::default());
    let page = html(&r);
    assert!(
        page.contains("2 sessions of 2 kinds, 20 min in all (Therapist "),
        "{page}"
    );
    assert!(!page.contains("more kind") && !page.contains("earlier session"));
}

#[test]
fn a_calendar_shorter_than_the_period_says_so_in_every_format() {
    // From Mon 31 Aug 2025: 16 months, of which the calendar draws the last 13.
    let records = [session(450), session(3)];
    let r = report(
        &records,
        ReportOptions {
            since: Some(start_of(day(500))),
            ..Default::default()
        },
    );
    assert_eq!(r.period.from, day(450));
    let h = r.headache.as_ref().unwrap();
    assert_eq!(h.calendar.len(), 13);
    assert_eq!(h.calendar_months_left_out, 3);
    let said = "It shows the period's last 13 months; its 3 earlier months are counted above \
                but not drawn.";
    let text = md(&r);
    let at = text.find(said).unwrap_or_else(|| panic!("{text}"));
    assert!(at > text.find("### Calendar").unwrap());
    assert!(html(&r).contains(&knotless::cli::report::html::esc(said)));
    let mut json = Vec::new();
    knotless::cli::report::write(&mut json, &r, ReportFormat::Json).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["headache"]["calendar_months_left_out"], 3);

    // A year or less: the whole period is drawn, and nothing is said.
    let r = report(&records[1..], ReportOptions::default());
    assert_eq!(r.headache.as_ref().unwrap().calendar_months_left_out, 0);
    assert!(!md(&r).contains("not drawn") && !html(&r).contains("not drawn"));
}

/// Every date label under the bars of the page's charts: (x, anchor, text).
fn chart_labels(page: &str) -> Vec<Vec<(f64, String, String)>> {
    page.split("<svg ")
        .skip(1)
        .map(|svg| {
            let svg = &svg[..svg.find("</svg>").unwrap()];
            svg.split("<text ")
                .skip(1)
                .filter(|t| t.contains("y=\"98.0\""))
                .map(|t| {
                    let attr = |name: &str| {
                        let at = t.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                        t[at..at + t[at..].find('"').unwrap()].to_string()
                    };
                    let label = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                    (
                        attr("x").parse().unwrap(),
                        attr("text-anchor"),
                        label.into(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_html_charts_date_labels_stay_between_the_axis_and_the_edge() {
    let tz = now().time_zone().clone();
    let answers: BTreeMap<Date, DayAnswer> = crate::common::report_year::answers(now().date(), &tz)
        .into_iter()
        .map(|a| (a.date, a))
        .collect();
    for weeks in [4 * 13, 4 * 11, 4 * 6, 4 * 5, 4 * 2, 4] {
        let mut b = ReportBuilder::new(
            &now(),
            ReportOptions {
                since: Some(start_of(day(weeks * 7 - 1))),
                ..Default::default()
            },
        );
        for r in crate::common::report_year::sessions(now().date(), &tz) {
            b.add(&r);
        }
        let r = b.finish(Some(&answers));
        assert_eq!(r.headache.as_ref().unwrap().windows.len() as i64, weeks / 4);
        let charts = chart_labels(&html(&r));
        assert_eq!(charts.len(), 3);
        for labels in charts {
            assert!(!labels.is_empty());
            let mut right_of_last = 16.0;
            for (x, anchor, label) in &labels {
                // At most 0.6 em a character at 6.5 px: wider than sans-serif draws them.
                let width = label.chars().count() as f64 * 6.5 * 0.6;
                let left = match anchor.as_str() {
                    "start" => *x,
                    "end" => x - width,
                    _ => x - width / 2.0,
                };
                assert!(
                    left >= right_of_last && left + width <= 200.0,
                    "{weeks} weeks: {label:?} from {left:.1} to {:.1} ({labels:?})",
                    left + width
                );
                right_of_last = left + width;
            }
        }
    }
}

#[test]
fn the_html_page_has_self_care_by_area_and_says_where_head_pain_over_time_is() {
    let records: Vec<SessionRecord> = (0..120).step_by(3).map(session).collect();
    let r = report(&records, ReportOptions::default());
    assert_eq!(r.trend.rows.len(), 5, "{:?}", r.trend);
    let page = html(&r);
    assert!(
        page.contains("<p>By area: neck 40 sessions (6 h 40 min).</p>"),
        "{page}"
    );
    assert!(
        page.contains(
            "Head pain before and after sessions by month (5 months) is in the Markdown and \
             JSON reports."
        ),
        "{page}"
    );
}

/// One answer from 2000 and `report --since all`: the hundreds of empty 4-week windows
/// between it and the recent ones are one line in each format ("No answers or sessions
/// from … to …"), a run of fewer than three stays as rows, and the figures are the same.
#[test]
fn long_empty_stretches_of_windows_are_one_line_in_every_format() {
    use knotless::core::days::EmptyStretch;
    let mut log = answers();
    let old = jiff::civil::date(2000, 1, 1);
    let mut first = log.values().next().unwrap().clone();
    first.date = old;
    first.answered_at = Stamp::new(start_of(old), now().time_zone());
    log.insert(old, first);
    let mut b = ReportBuilder::new(&now(), ReportOptions::default());
    // Windows 0-4 have answers, 5 and 6 nothing, 7 this session, 8 on nothing again.
    b.add(&session(200));
    let r = b.finish(Some(&log));
    let h = r.headache.as_ref().unwrap();
    assert_eq!(r.period.from, old);
    let all = (r.period.days / 28) as usize;
    assert!(all > 300, "{all}");
    assert_eq!(h.windows.len(), all, "the model keeps every window");
    let nonempty: Vec<usize> = (0..all).filter(|&i| !h.windows[i].is_empty()).collect();
    assert_eq!(nonempty, [0, 1, 2, 3, 4, 7]);
    let stretch = EmptyStretch {
        from: h.windows[all - 1].start,
        to: h.windows[8].end,
        windows: (all - 8) as u32,
    };
    assert_eq!(h.empty_stretches, [stretch]);
    let line = format!(
        "No answers or sessions from {} to {} ({} windows of 4 weeks)",
        stretch.from.strftime("%a %-d %b %Y"),
        stretch.to.strftime("%a %-d %b %Y"),
        all - 8
    );

    // Markdown: eight rows (the two empty ones between kept), then the one line.
    let text = md(&r);
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| 4 weeks to"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(table.len(), 9, "{table:#?}");
    assert!(
        table[5].contains("| 0/28 | 0 | 0 | 0 | 0 |"),
        "{}",
        table[5]
    );
    assert!(table[8].contains(&line), "{}", table[8]);
    // Every answered day is still counted, the one from 2000 too.
    assert_eq!(h.days.answered, 121);

    // JSON: the windows outside the stretch, and the stretch.
    let json: serde_json::Value = {
        let mut out = Vec::new();
        knotless::cli::report::write(&mut out, &r, ReportFormat::Json).unwrap();
        serde_json::from_slice(&out).unwrap()
    };
    let windows = json["headache"]["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 8);
    assert_eq!(windows[0], serde_json::to_value(&h.windows[0]).unwrap());
    assert_eq!(
        json["headache"]["empty_stretches"],
        serde_json::json!([{
            "from": stretch.from.to_string(),
            "to": stretch.to.to_string(),
            "windows": all - 8,
        }])
    );

    // HTML: of the 13 newest windows, 8 to 12 are one line.
    let page = html(&r);
    let short = format!(
        "No answers or sessions from {} to {} (5 windows of 4 weeks)",
        h.windows[12].start.strftime("%a %-d %b %Y"),
        h.windows[8].end.strftime("%a %-d %b %Y"),
    );
    assert!(
        page.contains(&format!("colspan=\"8\">{short}</td>")),
        "{short}"
    );
    let table = page.split("4 weeks to</th>").nth(1).unwrap();
    let table = table.split("</tbody>").next().unwrap();
    assert_eq!(table.matches("<tr><td class=\"l\">").count(), 8, "{table}");
}

/// `report --since 1y` (from 24 November 2025, today being 24 November 2026) with an entry on
/// its first day touches 13 calendar months, November to November: the calendar draws them
/// all and says it leaves nothing out (it drew 12 and said a month was left out).
#[test]
fn a_one_year_report_draws_every_month_of_its_period() {
    let since = knotless::core::when::parse_when("1y", &now()).unwrap();
    let first = knotless::core::stats::local_date(since, now().time_zone());
    assert_eq!(first, jiff::civil::date(2025, 11, 24));
    let records = [session(365), session(3)];
    assert_eq!(
        records[0]
            .started()
            .to_zoned(now().time_zone().clone())
            .date(),
        first
    );
    let r = report(
        &records,
        ReportOptions {
            since: Some(since),
            ..Default::default()
        },
    );
    assert_eq!(r.period.from, first);
    let h = r.headache.as_ref().unwrap();
    let months: Vec<Date> = h.calendar.iter().map(|m| m.first).collect();
    assert_eq!(months.len(), 13, "{months:?}");
    assert_eq!(months[0], jiff::civil::date(2025, 11, 1));
    assert_eq!(months[12], jiff::civil::date(2026, 11, 1));
    assert_eq!(h.calendar_months_left_out, 0);
    assert!(
        h.calendar[0]
            .days
            .iter()
            .any(|d| d.in_period && d.sessions == 1)
    );
    for text in [md(&r), html(&r)] {
        assert!(!text.contains("not drawn"), "{text}");
        assert!(text.contains("November 2025") && text.contains("November 2026"));
    }
}

/// A report is made of whole days, and says so: `--since` and `--until` with a time are
/// taken to the start and the end of their days (a session at 18:00 on the `--until` day is
/// in, one at 07:00 on the `--since` day too), and the period line reads "(2 whole days)",
/// where `history` takes the instants given.
#[test]
fn a_report_is_whole_days_and_its_period_line_says_so() {
    let at = |d: Date, h: i8| {
        d.at(h, 0, 0, 0)
            .to_zoned(now().time_zone().clone())
            .unwrap()
            .timestamp()
    };
    let (first, last) = (day(5), day(4));
    let records: Vec<SessionRecord> = [(first, 7), (last, 18), (day(3), 9)]
        .iter()
        .enumerate()
        .map(|(i, &(d, h))| {
            rec(
                &format!("w{i}"),
                &Stamp::new(at(d, h), now().time_zone()).to_string(),
                "neck",
                "neck",
                600.0,
            )
        })
        .collect();
    let r = report(
        &records,
        ReportOptions {
            since: Some(at(first, 10)),
            until: Some(at(last, 10)),
            ..Default::default()
        },
    );
    assert_eq!(
        (r.period.from, r.period.to, r.period.days),
        (first, last, 2)
    );
    assert_eq!(r.self_care.totals.sessions, 2);
    let text = md(&r);
    let line = format!(
        "Period: {} to {} (2 whole days).",
        first.strftime("%a %-d %b %Y"),
        last.strftime("%a %-d %b %Y")
    );
    assert!(text.contains(&line), "{line}\n{text}");
    assert!(html(&r).contains(&line["Period: ".len()..line.len() - 1]));

    // The help says so; history's says it takes the instant.
    let help = |args: &[&str]| {
        use clap::CommandFactory;
        let mut cmd = knotless::cli::args::Cli::command();
        let mut sub = cmd.find_subcommand_mut(args[0]).unwrap().clone();
        sub.render_long_help().to_string()
    };
    let report_help = help(&["report"]);
    assert!(
        report_help.contains("It is made of whole days"),
        "{report_help}"
    );
    assert!(report_help.contains("the end of the day this falls on"));
    let history_help = help(&["history"]);
    assert!(
        history_help.contains("started before this instant"),
        "{history_help}"
    );
}
