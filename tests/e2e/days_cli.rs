//! The day log from the command line (`day`, `day --ask`, `days`, the 4-week view in
//! `stats` and `report`), the honesty scan over every text the 4-week view can produce, and
//! the sync test: two data folders as two machines, their files copied into each other as a
//! sync tool would, with a conflict copy and the older single history file present.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use jiff::ToSpan;
use jiff::civil::Date;
use knotless::core::days::{self, Direction, SessionDays};
use knotless::model::day::{DayAnswer, Meds};
use serde_json::Value;

use crate::text;

use crate::common::draw;

/// A one-step routine of one second and no count-in: the quickest real session.
pub(crate) const BLINK: &str = r#"
name = "Blink"
area = "neck"
summary = "One second."
breathing = "none"
transition = "0s"

[[steps]]
title = "Only step"
duration = "1s"
instructions = "Rest."
"#;

struct Machine {
    _tmp: tempfile::TempDir,
    config: std::path::PathBuf,
    data: std::path::PathBuf,
    id: &'static str,
}

impl Machine {
    fn new(id: &'static str) -> Machine {
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::write(
            config.join("config.toml"),
            "get_ready = \"0s\"\nbell = false\n",
        )
        .unwrap();
        std::fs::write(config.join("routines/blink.toml"), BLINK).unwrap();
        Machine {
            _tmp: tmp,
            config,
            data,
            id,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = crate::common::knotless();
        c.args(args)
            .env("KNOTLESS_CONFIG_DIR", &self.config)
            .env("KNOTLESS_DATA_DIR", &self.data)
            .env("KNOTLESS_MACHINE", self.id)
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        c
    }

    /// A two-minute session of Blink that started `ago` minutes ago, appended to this
    /// machine's own history file as the app would write it. (A `run blink` lasts one
    /// second: too short to count as a session, see `SessionRecord::counts`.)
    fn session(&self, id: &str, ago: i64) -> jiff::Timestamp {
        let start = (jiff::Timestamp::now() - ago.minutes())
            .round(jiff::Unit::Second)
            .unwrap();
        let end = start + 2.minutes();
        let line = format!(
            "{{\"v\":1,\"id\":\"{id}\",\"kind\":\"routine\",\"routine_id\":\"blink\",\"title\":\"Blink\",\"area\":\"neck\",\"started_at\":\"{}\",\"ended_at\":\"{}\",\"planned_secs\":120.0,\"active_secs\":120.0,\"paused_secs\":0.0,\"outcome\":\"completed\"}}\n",
            start,
            end.round(jiff::Unit::Second).unwrap()
        );
        std::fs::create_dir_all(&self.data).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data.join(format!("history-{}.jsonl", self.id)))
            .unwrap();
        f.write_all(line.as_bytes()).unwrap();
        start
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    fn with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command that has nothing to ask exits without reading: a broken pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    }

    fn jsonl(&self, args: &[&str]) -> Vec<Value> {
        self.ok(args)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn today() -> Date {
    jiff::Zoned::now().date()
}

fn back(n: i64) -> Date {
    today().checked_sub(n.days()).unwrap()
}

#[test]
fn day_writes_one_line_and_bad_values_are_bad_usage() {
    let m = Machine::new("desk");
    let out = m.ok(&[
        "day",
        "yes",
        "--worst",
        "moderate",
        "--meds",
        "triptan",
        "--migraine",
    ]);
    assert!(
        out.starts_with("Saved: headache (migraine, worst moderate, triptan) on "),
        "{out}"
    );
    let file = std::fs::read_to_string(m.data.join("days-desk.jsonl")).unwrap();
    assert_eq!(file.lines().count(), 1);
    let line: Value = serde_json::from_str(file.trim()).unwrap();
    assert_eq!(line["date"], today().to_string());
    assert_eq!(line["headache"], true);
    assert_eq!(line["machine"], "desk");
    assert!(
        !m.data.join("history.jsonl").exists(),
        "answers never go into the history"
    );

    let tomorrow = today().tomorrow().unwrap().to_string();
    for bad in [
        vec!["day", "yes", "--date", tomorrow.as_str()],
        vec!["day", "yes", "--date", "soon"],
        vec!["day", "maybe"],
        vec!["day", "yes", "--worst", "awful"],
        vec!["day", "no", "--migraine"],
        vec!["day", "no", "--worst", "severe"],
        vec!["day", "yes", "--worst", "none"],
        // A day without a headache took no medicine for one.
        vec!["day", "no", "--meds", "triptan"],
        vec!["day"],
        vec!["day", "yes", "--ask"],
    ] {
        let out = m.run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).starts_with("error:"), "{bad:?}");
    }
    let file = std::fs::read_to_string(m.data.join("days-desk.jsonl")).unwrap();
    assert_eq!(
        file.lines().count(),
        1,
        "nothing written by a refused command"
    );
    // A headache day's worst is never none: said in words, not left "not rated".
    let err = text(&m.run(&["day", "yes", "--worst", "none"]).stderr);
    assert!(err.contains("`day yes` cannot have --worst none"), "{err}");

    // Answering again replaces the earlier answer, and says so.
    let out = m.ok(&["day", "no"]);
    assert!(
        out.contains("replaces the earlier answer: headache"),
        "{out}"
    );
    let csv = m.ok(&["days"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "date,headache,migraine,worst,meds,answered_at,machine"
    );
    assert_eq!(lines.len(), 2);
    assert!(lines[1].starts_with(&format!("{},no,no,,,", today())));
}

#[test]
fn day_ask_back_fills_the_last_week_in_date_order() {
    let m = Machine::new("desk");
    let three = back(3).to_string();
    m.ok(&["day", "no", "--date", &three]);
    m.ok(&["day", "yes"]);
    // Six unanswered days, oldest first: yes with details, no, skip, yes, then stop.
    let out = m.with_input(
        &["day", "--ask"],
        "y\nsevere triptan migraine\nn\n\nyes\n\nq\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    let asked: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("Headache on "))
        .collect();
    let label = |n: i64| back(n).strftime("%a %-d %b").to_string();
    assert_eq!(asked.len(), 5, "{shown}");
    for (line, n) in asked.iter().zip([6, 5, 4, 2, 1]) {
        assert!(
            line.starts_with(&format!("Headache on {}?", label(n))),
            "{shown}"
        );
    }
    assert!(shown.ends_with("3 days answered.\n"), "{shown}");

    let days = m.jsonl(&["days", "--format", "jsonl"]);
    let got: Vec<(String, bool)> = days
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["headache"] == true,
            )
        })
        .collect();
    let want = vec![
        (back(6).to_string(), true),
        (back(5).to_string(), false),
        (back(3).to_string(), false),
        (back(2).to_string(), true),
        (today().to_string(), true),
    ];
    assert_eq!(got, want);
    assert_eq!(days[0]["worst"], "severe");
    assert_eq!(days[0]["meds"], "triptan");
    assert_eq!(days[0]["migraine"], true);

    // Lines written in answer order, one append each.
    let file = std::fs::read_to_string(m.data.join("days-desk.jsonl")).unwrap();
    assert_eq!(file.lines().count(), 5);

    // The rest of the week still open: asked again next time, in order; end of input stops.
    let out = m.with_input(&["day", "--ask"], "n\n");
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with(&format!("Headache on {}?", label(4))),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("Headache on {}?", label(1))),
        "{shown}"
    );
    assert!(shown.ends_with("1 day answered.\n"), "{shown}");
    let out = m.with_input(&["day", "--ask"], "y\nmild\n");
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with(&format!("Headache on {}?", label(1))),
        "{shown}"
    );
    let out = m.with_input(&["day", "--ask"], "n\n");
    assert!(text(&out.stdout).starts_with("Every day of the last week is answered."));
}

// ---------------------------------------------------------------------------------------
// Honesty: no causal words, no correlations, no percentages of help

/// The two disclaimers that name cause only to deny it. Everything else is scanned whole.
const DISCLAIMERS: [&str; 2] = [
    "This does not show that self-care caused it",
    "does not show what caused it",
];

fn assert_honest(what: &str, text: &str) {
    // Sentences are wrapped into lines: read them as one line of words.
    let mut t = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    for d in DISCLAIMERS {
        t = t.replace(&d.to_lowercase(), "");
    }
    for word in [
        "caused",
        "because of",
        "prevent",
        "correlat",
        "trigger",
        "helped",
    ] {
        assert!(!t.contains(word), "{what} says {word:?}:\n{text}");
    }
    assert!(!t.contains('%'), "{what} has a percentage:\n{text}");
}

fn ans(date: Date, headache: bool, meds: Option<Meds>) -> DayAnswer {
    DayAnswer {
        v: 1,
        date,
        headache,
        migraine: headache,
        worst: None,
        meds,
        // That evening, or now if that is still to come (an answer from the future is
        // left out).
        answered_at: {
            let evening: jiff::Timestamp = format!("{date}T21:00:00+00:00").parse().unwrap();
            let at = evening.min(jiff::Timestamp::now());
            knotless::model::record::Stamp::new(at, &jiff::tz::TimeZone::UTC)
        },
        machine: "scan".into(),
    }
}

/// Four fully answered windows with `per` headache days each (newest first), `meds` on
/// the first `med_days` days of the newest.
fn log_of(per: [u32; 4], meds: Meds, med_days: u32) -> BTreeMap<Date, DayAnswer> {
    let today = today();
    let mut log = BTreeMap::new();
    for (w, headaches) in per.into_iter().enumerate() {
        for k in 0..28u32 {
            let date = today
                .checked_sub((w as i64 * 28 + i64::from(k)).days())
                .unwrap();
            let m = (w == 0 && k < med_days).then_some(meds);
            log.insert(date, ans(date, k < headaches, m));
        }
    }
    log
}

fn write_log(data: &Path, log: &BTreeMap<Date, DayAnswer>) {
    std::fs::create_dir_all(data).unwrap();
    let mut text = String::new();
    for a in log.values() {
        text.push_str(&serde_json::to_string(a).unwrap());
        text.push('\n');
    }
    std::fs::write(data.join("days-scan.jsonl"), text).unwrap();
}

#[test]
fn no_text_of_the_4_week_view_claims_a_cause_a_correlation_or_a_percentage() {
    let today = today();
    let start = today.checked_sub(55.days()).unwrap();
    let mut sessions = SessionDays::new(jiff::tz::TimeZone::UTC);
    sessions.first = Some(start);
    sessions.by_day.insert(start, 3);
    let cases = [
        ("fewer", log_of([3, 3, 8, 8], Meds::Triptan, 10)),
        ("more", log_of([8, 8, 3, 3], Meds::Simple, 15)),
        ("same", log_of([5, 5, 5, 5], Meds::Other, 9)),
        ("none", BTreeMap::new()),
    ];
    let mut directions = BTreeSet::new();
    for (name, log) in &cases {
        for count in [days::STATS_WINDOWS, days::REPORT_WINDOWS] {
            let s = days::summarize(log, &sessions, today, count, None);
            if let Some(c) = &s.comparison {
                directions.insert(format!("{:?}", c.direction));
            }
            let mut text = Vec::new();
            knotless::cli::days::write_text(&mut text, &s).unwrap();
            knotless::cli::days::write_markdown(&mut text, &s).unwrap();
            assert_honest(name, &String::from_utf8(text).unwrap());
        }
    }
    for d in [Direction::Fewer, Direction::More, Direction::Same] {
        assert!(directions.contains(&format!("{d:?}")), "{directions:?}");
        assert_honest("sentence", &days::sentence(d, 7.0, 5.0));
    }

    // And as the commands print them, with sessions in the history: each case on a thread
    // of its own (a plain run takes its seconds).
    std::thread::scope(|scope| {
        for (name, log) in &cases {
            let start = &start;
            scope.spawn(move || {
                let m = Machine::new("scan");
                write_log(&m.data, log);
                m.ok(&["run", "blink", "--plain"]);
                // The Stats screen, every period, wide and narrow (its whole page fits 200 rows).
                for text in stats_screen_texts(&m) {
                    assert_honest(&format!("{name} Stats screen"), &text);
                }
                m.ok(&[
                    "log",
                    "massage therapist",
                    "--duration",
                    "45m",
                    "--note",
                    "tight left side",
                ]);
                for args in [
                    vec!["stats"],
                    vec!["stats", "--json"],
                    vec!["report"],
                    vec!["report", "--since", "400d"],
                    vec!["stats", "--started", &start.to_string()],
                ] {
                    let out = m.ok(&args);
                    assert_honest(&format!("{name} {args:?}"), &out);
                }
            });
        }
    });
}

#[test]
fn the_4_week_view_in_stats_and_report_from_the_commands() {
    let m = Machine::new("desk");
    write_log(&m.data, &log_of([3, 3, 8, 8], Meds::Triptan, 10));
    let start = back(55).to_string();
    let stats = m.ok(&["stats", "--started", &start]);
    assert!(
        stats.contains("Headache days, 4 weeks at a time (newest first)"),
        "{stats}"
    );
    assert!(
        stats.contains("Fewer headache days since you started (8.0 → 3.0 per 4 weeks)."),
        "{stats}"
    );
    let words = stats.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("you noted a triptan or other acute medicine on 10 days"));
    let json: Value =
        serde_json::from_str(&m.ok(&["stats", "--json", "--started", &start])).unwrap();
    let hd = &json["headache_days"];
    assert_eq!(hd["windows"].as_array().unwrap().len(), 4);
    assert_eq!(hd["windows"][0]["answered"], 28);
    assert_eq!(hd["windows"][0]["headache_days"], 3);
    assert_eq!(hd["windows"][0]["headache_rate"], 3.0);
    assert_eq!(hd["comparison"]["direction"], "fewer");
    assert!(
        json["this_week"].is_object(),
        "the stats themselves are still there"
    );
    let report = m.ok(&["report", "--started", &start]);
    assert!(report.contains("## Headache days, in 4-week windows"));
    assert!(report.contains("| 28/28 | 3 | 3 | 10 |"), "{report}");

    // Without a start date or any session there is nothing to compare against.
    let stats = m.ok(&["stats"]);
    assert!(!stats.contains("since you started"), "{stats}");
    // Nothing answered: a hint, never zeros presented as headache-free.
    let empty = Machine::new("new");
    let stats = empty.ok(&["stats"]);
    assert!(stats.contains("No days answered yet."), "{stats}");
}

// ---------------------------------------------------------------------------------------
// Sync: two machines, one synced folder

fn copy_own_files(from: &Machine, to: &Machine) {
    for base in ["history", "days"] {
        let name = format!("{base}-{}.jsonl", from.id);
        std::fs::copy(from.data.join(&name), to.data.join(&name)).unwrap();
    }
}

/// Everything each command shows, in a form to compare between machines.
fn views(m: &Machine) -> (BTreeSet<String>, Vec<Value>, Value, String) {
    let history = m.jsonl(&["history", "--format", "jsonl"]);
    let ids: Vec<String> = history
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(ids.len(), unique.len(), "a record shown twice: {ids:?}");
    let csv_rows = m.ok(&["history", "--format", "csv"]).lines().count() - 1;
    assert_eq!(csv_rows, ids.len());
    let days = m.jsonl(&["days", "--format", "jsonl"]);
    let stats: Value = serde_json::from_str(&m.ok(&["stats", "--json"])).unwrap();
    let report = m.ok(&["report"]);
    (unique, days, stats, report)
}

#[test]
fn two_machines_sharing_a_synced_folder_lose_and_double_nothing() {
    let a = Machine::new("laptop");
    let b = Machine::new("desktop");
    // Sessions and days on both machines, one date answered on both (the later answer wins).
    // A `run blink` (one second) stays in the log but does not count as a session.
    a.ok(&["run", "blink", "--plain"]);
    let mut starts = vec![a.session("a1", 30)];
    a.ok(&[
        "log",
        "massage therapist",
        "--duration",
        "60m",
        "--at",
        "3 days ago",
    ]);
    a.ok(&[
        "day",
        "yes",
        "--date",
        &back(2).to_string(),
        "--meds",
        "simple",
    ]);
    a.ok(&["day", "no", "--date", &back(1).to_string()]);
    b.ok(&["run", "blink", "--plain"]);
    b.ok(&["run", "blink", "--plain"]);
    starts.push(b.session("b1", 20));
    starts.push(b.session("b2", 10));
    b.ok(&["log", "physio", "--duration", "45m", "--at", "5 days ago"]);
    b.ok(&["day", "yes", "--date", &back(3).to_string(), "--migraine"]);
    b.ok(&[
        "day",
        "yes",
        "--date",
        &back(1).to_string(),
        "--worst",
        "mild",
    ]);
    for m in [&a, &b] {
        let names: BTreeSet<String> = std::fs::read_dir(&m.data)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".jsonl"))
            .collect();
        let want: BTreeSet<String> = [
            format!("history-{}.jsonl", m.id),
            format!("days-{}.jsonl", m.id),
        ]
        .into();
        assert_eq!(names, want, "each machine writes only its own files");
    }
    let ids_a = views(&a).0;
    let ids_b = views(&b).0;
    assert_eq!((ids_a.len(), ids_b.len()), (3, 5));

    // The sync tool copies each machine's files into the other's folder.
    copy_own_files(&a, &b);
    copy_own_files(&b, &a);
    let va = views(&a);
    let vb = views(&b);
    let union: BTreeSet<String> = ids_a.union(&ids_b).cloned().collect();
    assert_eq!(va.0, union);
    assert_eq!(vb.0, union);
    assert_eq!(va.1, vb.1, "the same day log on both");
    let dates: Vec<&str> = va.1.iter().map(|d| d["date"].as_str().unwrap()).collect();
    let want = [back(3), back(2), back(1)].map(|d| d.to_string());
    assert_eq!(dates, want.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        va.1[2]["machine"], "desktop",
        "the later answer for a date wins"
    );
    assert_eq!(va.1[2]["worst"], "mild");
    // Just after midnight on a Monday, some of them were last week.
    let monday = knotless::core::stats::week_start(&jiff::Zoned::now()).timestamp();
    let this_week = starts.iter().filter(|s| **s >= monday).count();
    for v in [&va, &vb] {
        assert_eq!(v.2["this_week"]["sessions"], this_week);
        assert_eq!(v.2["totals"]["sessions"], 3);
        assert_eq!(v.2["external"]["sessions"], 2);
        let w = &v.2["headache_days"]["windows"][0];
        assert_eq!(w["answered"], 3);
        assert_eq!(w["headache_days"], 3);
        assert_eq!(w["migraine_days"], 1);
        assert_eq!(w["acute_med_days"], 1);
        assert_eq!(w["sessions"], 3);
        // The report starts at the first entry, under 4 weeks ago: no whole window, the
        // period's days counted instead.
        assert!(
            v.3.contains("3 headache days (1 migraine), 1 with acute medicine.")
                && v.3.contains("- 3 self-care sessions ("),
            "{}",
            v.3
        );
    }
    assert_eq!(va.2["headache_days"], vb.2["headache_days"]);
    // The home header's backwards read sees the union too, each session once.
    let since = jiff::Timestamp::UNIX_EPOCH;
    for m in [&a, &b] {
        let recent = knotless::store::history::recent(&m.data, since).unwrap();
        assert_eq!(recent.count_since, 3);
    }

    // A Syncthing conflict copy of each file, and the single history.jsonl of an older
    // version holding one of the same records: nothing doubled, nothing lost.
    let conflict =
        |base: &str, id: &str| format!("{base}-{id}.sync-conflict-20261124-101500-ABCDEF7.jsonl");
    for base in ["history", "days"] {
        std::fs::copy(
            a.data.join(format!("{base}-laptop.jsonl")),
            a.data.join(conflict(base, "laptop")),
        )
        .unwrap();
    }
    let first_line = std::fs::read_to_string(a.data.join("history-desktop.jsonl"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    std::fs::write(a.data.join("history.jsonl"), format!("{first_line}\n")).unwrap();
    let again = views(&a);
    assert_eq!(again.0, union);
    assert_eq!(again.1, va.1);
    assert_eq!(again.2["totals"], va.2["totals"]);
    assert_eq!(again.2["headache_days"], va.2["headache_days"]);
    let recent = knotless::store::history::recent(&a.data, since).unwrap();
    assert_eq!(recent.count_since, 3);

    // New writes after the sync still go to the machine's own file only.
    a.ok(&["day", "no"]);
    let own = std::fs::read_to_string(a.data.join("days-laptop.jsonl")).unwrap();
    assert_eq!(own.lines().count(), 3);
    let copy = std::fs::read_to_string(a.data.join("days-desktop.jsonl")).unwrap();
    assert_eq!(
        copy.lines().count(),
        2,
        "another machine's file is never written"
    );
}

/// Every page the Stats screen shows for `m`'s data: each view and period, at 200 and 40
/// columns.
fn stats_screen_texts(m: &Machine) -> Vec<String> {
    use knotless::app::{App, Init, Route};
    use knotless::core::period::Period;
    use knotless::screens::stats::View;
    let paths = knotless::store::paths::Paths {
        config: Some(m.config.clone()),
        data: Some(m.data.clone()),
        state: None,
    };
    let init = || {
        let lib = knotless::library::Library::load(Some(&m.config));
        let flags = knotless::model::settings::Flags {
            quiet: true,
            ..Default::default()
        };
        Init::new(lib, paths.clone(), flags)
    };
    let now = std::time::Instant::now();
    let mut out = Vec::new();
    for period in Period::ALL {
        for view in View::ALL {
            let mut app = App::new(
                init(),
                Route::Stats {
                    period,
                    view,
                    heat_days: false,
                },
                now,
            );
            app.settle_reads();
            for w in [200, 40] {
                let text = draw::buffer_text(&draw::draw(&mut app, w, 200, now));
                if view == View::Days {
                    assert!(text.contains("Headache days"), "{text}");
                }
                if matches!(view, View::Overview | View::Routines) {
                    assert!(text.contains(period.label()), "{text}");
                }
                out.push(text);
            }
        }
    }
    out
}
