//! `knotless report` tells its reader what could not be read: the history's and the day
//! log's unreadable lines are counted in the report itself (Markdown, HTML and JSON), not
//! only on standard error, which is lost once the report is saved and sent; lines read with
//! a value left out are not counted among them. A day log that cannot be read at all is
//! said at the top too.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{dirs, knotless, text};

/// This machine's own log file `base-*.jsonl` in `data`.
fn own_file(data: &Path, base: &str) -> PathBuf {
    std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&format!("{base}-")) && name.ends_with(".jsonl")
        })
        .unwrap_or_else(|| panic!("no {base} file in {}", data.display()))
}

fn append(path: &Path, lines: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(lines.as_bytes()).unwrap();
}

#[test]
fn the_report_counts_the_lines_it_could_not_read() {
    let (config, data) = dirs();
    let run = |args: &[&str]| {
        let out = knotless(config.path(), data.path(), args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    };
    run(&[
        "log",
        "physio",
        "--at",
        "yesterday 10:00",
        "--duration",
        "45m",
    ]);
    run(&["day", "yes", "--date", "yesterday", "--worst", "mild"]);
    run(&["day", "no"]);
    // Three history lines that are not records, one day-log line that is not an answer,
    // and one answer for a day still to come (read, and left out until then: not counted).
    append(
        &own_file(data.path(), "history"),
        "not json\n{\"v\":1\n\u{1}\n",
    );
    let days = own_file(data.path(), "days");
    let answer = std::fs::read_to_string(&days).unwrap();
    let future = answer.lines().next().unwrap().replacen(
        "\"date\":\"",
        "\"date\":\"2099-01-01\",\"was\":\"",
        1,
    );
    append(&days, &format!("garbage\n{future}\n"));

    let (md, err) = run(&["report", "--since", "30d"]);
    let said = "3 lines of the history could not be read and are not counted. 1 line of the \
                day log could not be read and is not counted.";
    assert!(md.contains(&format!("**{said}**")), "{md}");
    let top = md.find(said).unwrap();
    assert!(top < md.find("## Headache days").unwrap(), "near the top");
    // Standard error still names each line.
    assert_eq!(err.matches("warning: history-").count(), 3, "{err}");
    assert!(err.contains("warning: days-"), "{err}");
    assert!(
        err.contains("2099-01-01"),
        "the future answer is warned of: {err}"
    );
    // The figures are the readable lines'.
    assert!(
        md.contains("Answered on 2 of the 2 days: 1 headache day"),
        "{md}"
    );

    let (html, _) = run(&["report", "--since", "30d", "--format", "html"]);
    assert!(
        html.contains(&format!("<p class=\"unread\">{said}</p>")),
        "{html}"
    );
    let (json, _) = run(&["report", "--since", "30d", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["unreadable"],
        serde_json::json!({"history_lines": 3, "day_log_lines": 1, "day_log": false})
    );

    // A day log that cannot be read at all is said at the top, and in JSON.
    std::fs::remove_file(&days).unwrap();
    std::fs::create_dir(&days).unwrap();
    let (md, err) = run(&["report", "--since", "30d"]);
    assert!(
        md.contains(
            "**3 lines of the history could not be read and are not counted. The day log \
             could not be read, so headache days are left out.**"
        ),
        "{md}"
    );
    assert!(err.contains("the day log could not be read"), "{err}");
    let (json, _) = run(&["report", "--since", "30d", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["headache"], Value::Null);
    assert_eq!(json["unreadable"]["day_log"], true);

    // All read: nothing said.
    let (c2, d2) = dirs();
    let out = knotless(c2.path(), d2.path(), &["report"]);
    assert!(!text(&out.stdout).contains("could not be read"));
}
