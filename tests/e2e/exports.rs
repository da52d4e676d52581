//! What knotless exports is safe to open: the CSV of `history` and `days` never holds a
//! cell a spreadsheet would run as a formula, and the Markdown `report` never turns text
//! from a record into markup, a link or a mention.

use crate::{dirs, knotless, text};

/// A record whose every text field is something a spreadsheet or a Markdown renderer
/// would act on.
fn hostile_record() -> String {
    let now = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(30);
    let mut r = crate::common::rec(
        "20260101T100000000Z-aaaaaaaaaaaa",
        &now.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
        "+routine",
        "@area",
        300.0,
    );
    r.title = "=HYPERLINK(\"http://evil.example\",\"open me\")".into();
    r.note = Some(
        " \u{a0}-2+3 ~~gone~~ see https://evil.example/x or www.evil.example, write me@evil.example &lt;b&gt; \tx"
            .into(),
    );
    crate::common::line(&r)
}

fn csv_cells(out: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// OWASP's rule: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
/// prefixed with `'`, which spreadsheets show as text; so is one where white space comes
/// before them (a spreadsheet may trim it).
fn assert_no_formula(cells: &[Vec<String>]) {
    for row in cells {
        for cell in row {
            assert!(
                !cell.starts_with(['\t', '\r'])
                    && !cell.trim_start().starts_with(['=', '+', '-', '@']),
                "a cell a spreadsheet would run: {cell:?} in {row:?}"
            );
        }
    }
}

#[test]
fn history_csv_cells_are_never_formulas() {
    let (c, d) = dirs();
    std::fs::write(d.path().join("history-x.jsonl"), hostile_record()).unwrap();
    let out = knotless(c.path(), d.path(), &["history", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cells = csv_cells(&out.stdout);
    assert_eq!(cells.len(), 2, "{}", text(&out.stdout));
    assert_no_formula(&cells);
    let row = &cells[1];
    assert!(row.contains(&"'=HYPERLINK(\"http://evil.example\",\"open me\")".to_string()));
    assert!(row.contains(&"'+routine".to_string()), "{row:?}");
    assert!(row.contains(&"'@area".to_string()), "{row:?}");
    assert!(row.iter().any(|c| c.starts_with("' \u{a0}-2+3")), "{row:?}");
}

#[test]
fn days_csv_cells_are_never_formulas() {
    let (c, d) = dirs();
    std::fs::write(
        d.path().join("days-x.jsonl"),
        "{\"v\":1,\"date\":\"2026-11-20\",\"headache\":true,\"answered_at\":\"2026-11-20T20:00:00+00:00\",\"machine\":\"=cmd|' /C calc'!A0\"}\n",
    )
    .unwrap();
    let out = knotless(c.path(), d.path(), &["days", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cells = csv_cells(&out.stdout);
    assert_eq!(cells.len(), 2, "{}", text(&out.stdout));
    assert_no_formula(&cells);
    assert!(
        cells[1].contains(&"'=cmd|' /C calc'!A0".to_string()),
        "{cells:?}"
    );
    // Written as the history's CSV is: every line ends in CRLF (RFC 4180).
    let csv = text(&out.stdout);
    assert_eq!(
        csv.matches("\r\n").count(),
        csv.matches('\n').count(),
        "{csv:?}"
    );
    let history = knotless(c.path(), d.path(), &["history", "--format", "csv"]);
    assert!(text(&history.stdout).ends_with("\r\n"));
}

#[test]
fn the_report_turns_no_record_text_into_markup_or_links() {
    let (c, d) = dirs();
    std::fs::write(d.path().join("history-x.jsonl"), hostile_record()).unwrap();
    let out = knotless(c.path(), d.path(), &["report"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    for (raw, escaped) in [
        ("~~gone~~", "\\~\\~gone\\~\\~"),
        ("https://evil", "https\\://evil"),
        ("www.evil", "www\\.evil"),
        ("me@evil", "me\\@evil"),
        ("&lt;b&gt;", "\\&lt;b\\&gt;"),
    ] {
        assert!(report.contains(escaped), "{escaped:?} missing:\n{report}");
        assert!(!report.contains(raw), "{raw:?} left as it was:\n{report}");
    }
}

/// `log` takes a name people can see: control, zero-width and direction characters are
/// left out of it, and a name of nothing else is refused (exit 1), as an empty one is.
#[test]
fn log_keeps_only_what_can_be_seen_of_a_name() {
    let (c, d) = dirs();
    for invisible in ["\u{200b}", "\u{1b}", " \u{202e}\u{feff} "] {
        let out = knotless(c.path(), d.path(), &["log", invisible]);
        assert_eq!(out.status.code(), Some(1), "{invisible:?}");
        assert!(
            text(&out.stderr).contains("say what it was"),
            "{invisible:?}"
        );
    }
    assert!(!d.path().read_dir().unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("history")
    }));
    let out = knotless(c.path(), d.path(), &["log", "phy\u{200b}sio\u{1b}[31m"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Logged \"physio[31m\""),
        "{}",
        text(&out.stdout)
    );
}

/// Each figure is rounded once, on its own: where the areas' minutes do not add up to the
/// total, `stats` says so instead of leaving the reader to find a minute missing.
#[test]
fn stats_says_when_the_areas_minutes_do_not_add_up_to_the_total() {
    let (c, d) = dirs();
    let at = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(30))
        .strftime("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string();
    let lines: String = [("a", "neck"), ("b", "jaw")]
        .iter()
        .map(|(id, area)| {
            let id = format!("20260101T10000000{id}Z-aaaaaaaaaaaa");
            crate::common::line(&crate::common::rec(&id, &at, "r", area, 90.0))
        })
        .collect();
    std::fs::write(d.path().join("history-x.jsonl"), lines).unwrap();
    let out = knotless(c.path(), d.path(), &["stats", "--period", "all"]);
    let o = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(o.contains("· 3 min ·"), "{o}");
    // The note is wrapped into lines: read it as one line of words.
    let words = o.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("those of the areas add up to 4, the total is 3"),
        "{o}"
    );
}
