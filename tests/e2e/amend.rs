//! `knotless amend`: a rating or a note added to a past session, as one appended line that
//! every reader merges.

use serde_json::Value;

use crate::{dirs, knotless, text};

/// Every line of every history file in `data`.
fn history_lines(data: &std::path::Path) -> Vec<Value> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(data).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("history")
        {
            for l in std::fs::read_to_string(&p).unwrap().lines() {
                out.push(serde_json::from_str(l).unwrap());
            }
        }
    }
    out
}

#[test]
fn amend_adds_a_rating_and_a_note_as_one_line() {
    let (c, d) = dirs();
    let (c, d) = (c.path(), d.path());
    let out = knotless(c, d, &["amend", "last", "--after", "3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no sessions in the history yet"));
    for (what, at) in [("physio", "3 days ago"), ("massage therapist", "1 day ago")] {
        let out = knotless(c, d, &["log", what, "--at", at, "--duration", "45m"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // `last` is the newest session, whatever order it was logged in.
    let out = knotless(
        c,
        d,
        &["amend", "last", "--after", "3", "--note", " eased off "],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.starts_with("Amended \"massage therapist\" of "),
        "{said}"
    );
    assert!(said.contains("head after 3, note saved."), "{said}");
    let lines = history_lines(d);
    assert_eq!(
        lines.len(),
        3,
        "the records stay as they were; one line added"
    );
    let a = &lines[2];
    let massage = lines
        .iter()
        .find(|l| l["title"] == "massage therapist")
        .unwrap();
    assert_eq!(a["amends"], massage["id"]);
    assert_eq!(a["pain_after"], 3);
    assert_eq!(a["note"], "eased off");
    // Every reader merges it: the history shows it.
    let csv = text(&knotless(c, d, &["history", "--format", "csv"]).stdout);
    let row = csv
        .lines()
        .find(|l| l.contains("massage therapist"))
        .unwrap();
    assert!(row.ends_with(",,3,eased off"), "{row}");
    // By the start of an id; a before-rating.
    let physio = lines.iter().find(|l| l["title"] == "physio").unwrap();
    let id = physio["id"].as_str().unwrap();
    let out = knotless(c, d, &["amend", &id[..id.len() - 4], "--before", "6"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"physio\""));
    assert_eq!(history_lines(d)[3]["pain_before"], 6);
}

#[test]
fn amend_refuses_what_it_cannot_do() {
    let (c, d) = dirs();
    let (c, d) = (c.path(), d.path());
    for at in ["3 days ago", "2 days ago"] {
        knotless(c, d, &["log", "physio", "--at", at]);
    }
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["amend", "last"],
            2,
            "required arguments were not provided",
        ),
        (
            &["amend", "last", "--after", "11"],
            2,
            "\"11\" is not a rating; write a whole number from 0 (no pain) to 10 (worst)",
        ),
        (&["amend", "last", "--note", "  "], 1, "the note is empty"),
        (
            &["amend", "nope", "--after", "2"],
            1,
            "no session has the id \"nope\"",
        ),
        (
            &["amend", "20", "--after", "2"],
            1,
            "more than one session's id starts with",
        ),
    ];
    for (args, code, says) in cases {
        let out = knotless(c, d, args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(history_lines(d).len(), 2, "nothing was written");
}

/// A logged session's id begins with when it began (UTC), as `amend --help` says and as a
/// session run in knotless does, so that start finds it.
#[test]
fn a_logged_session_is_found_by_when_it_began() {
    let (c, d) = dirs();
    let (c, d) = (c.path(), d.path());
    let out = knotless(c, d, &["log", "physio", "--at", "2026-11-20T09:30:00Z"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let id = history_lines(d)[0]["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("20261120T093000000Z-"), "{id}");
    let out = knotless(c, d, &["amend", "20261120T0930", "--after", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(history_lines(d)[1]["amends"], id.as_str());
}
