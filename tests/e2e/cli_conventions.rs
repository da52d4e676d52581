//! The command line behaving like a good Unix tool: bad flag values are bad
//! usage, broken pipes are quiet, the period of `stats` is named and matches the screen's,
//! every documented example works.

use std::io::Read;
use std::process::Stdio;

use crate::{dirs, knotless, text};

#[test]
fn bad_flag_values_are_bad_usage() {
    let (c, d) = dirs();
    for args in [
        &["breathe", "--for", "0s"][..],
        &["breathe", "--for", "2h"],
        &["breathe", "--breaths", "1000"],
        &["breathe", "--breaths", "2"],
        &["amend", "last", "--after", "11"],
        &["history", "--since", "garbage"],
        &["history", "--until", "garbage"],
        &["stats", "--since", "garbage"],
        &["stats", "--period", "3w"],
        &["report", "--since", "garbage"],
        &["log", "physio", "--at", "blorp"],
        &["log", "physio", "--duration", "0s"],
        &["list", "--area", "nope"],
    ] {
        let out = knotless(c.path(), d.path(), args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        // In words, never a range in Rust's syntax ("not in 3..=30").
        assert!(!err.contains("..="), "{args:?}: {err}");
    }
    // Nothing was logged by the refused `log`.
    assert_eq!(std::fs::read_dir(d.path()).map_or(0, |r| r.count()), 0);
}

/// Every reader leaves out a record that ends in the future, so `log` does not write one
/// and say "Logged".
#[test]
fn a_session_still_going_on_is_not_logged() {
    let (c, d) = dirs();
    for args in [
        &["log", "physio", "--at", "now", "--duration", "3h"][..],
        &["log", "physio", "--at", "10 min ago", "--duration", "1h"],
    ] {
        let out = knotless(c.path(), d.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: it would end ") && err.contains("still to come"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read_dir(d.path()).map_or(0, |r| r.count()), 0);
    // Ended just now: logged, and there.
    let out = knotless(
        c.path(),
        d.path(),
        &["log", "physio", "--at", "1 hour ago", "--duration", "1h"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = knotless(c.path(), d.path(), &["history", "--format", "csv"]);
    assert!(
        text(&out.stdout).contains("physio"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

/// Folders with one session logged, a physio three days ago.
fn with_a_physio_session() -> (tempfile::TempDir, tempfile::TempDir) {
    let (c, d) = dirs();
    let out = knotless(
        c.path(),
        d.path(),
        &["log", "physio", "--at", "3 days ago", "--duration", "30m"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    (c, d)
}

/// A period that would be empty is bad usage: a report must never state one period and
/// count another.
#[test]
fn an_empty_period_is_bad_usage() {
    let (c, d) = with_a_physio_session();
    for (args, said) in [
        (&["report", "--since", "2099-01-01"][..], "is still to come"),
        (&["stats", "--since", "2099-01-01"], "is still to come"),
        (
            &["report", "--since", "2026-01-04", "--until", "2026-01-02"],
            "--since comes after --until",
        ),
        (
            &["report", "--since", "2026-01-04", "--until", "2026-01-03"],
            "--since comes after --until",
        ),
    ] {
        let out = knotless(c.path(), d.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: ") && err.contains(said),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // One day, asked for as itself, is a period.
    let out = knotless(
        c.path(),
        d.path(),
        &["report", "--since", "2026-01-04", "--until", "2026-01-04"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn stats_names_its_period_and_takes_the_screens_choices() {
    let (c, d) = with_a_physio_session();
    for (period, label) in [
        ("7d", "last 7 days"),
        ("4w", "last 4 weeks"),
        ("90d", "last 90 days"),
        ("1y", "last year"),
        ("all", "all time"),
    ] {
        let out = knotless(c.path(), d.path(), &["stats", "--json", "--period", period]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["period"], label, "{period}");
        assert_eq!(v["since"].is_null(), period == "all");
    }
    let out = knotless(c.path(), d.path(), &["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["period"], "last 90 days", "the default");
    let out = knotless(
        c.path(),
        d.path(),
        &["stats", "--since", "2026-01-01", "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["period"], "since 2026-01-01");
    let out = knotless(
        c.path(),
        d.path(),
        &["stats", "--since", "30d", "--period", "1y"],
    );
    assert_eq!(out.status.code(), Some(2), "--since and --period conflict");
}

/// `show … | head -1`, `history --format jsonl | head`, `stats --json | head`: the reader
/// closes the pipe early; knotless ends quietly with success, like `cat`.
#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let (c, d) = dirs();
    for i in 0..3 {
        let out = knotless(
            c.path(),
            d.path(),
            &[
                "log",
                &format!("physio {i}"),
                "--at",
                &format!("{} days ago", i + 1),
            ],
        );
        assert!(out.status.success());
    }
    for args in [
        &["show", "neck-release"][..],
        &["history", "--format", "jsonl"],
        &["history", "--format", "csv"],
        &["history"],
        &["stats", "--json"],
        &["stats"],
        &["report"],
        &["list"],
        &["patterns"],
        &["completions", "bash"],
        &["run", "micro-break", "--plain"],
        &["breathe", "--plain"],
    ] {
        let mut child = crate::common::knotless()
            .args(args)
            .env("KNOTLESS_CONFIG_DIR", c.path())
            .env("KNOTLESS_DATA_DIR", d.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the pipe before reading anything, as `head` does once it has its lines
        // (the child is still loading, so every write meets the closed pipe).
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {status:?} {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
    }
}

/// An exact id, then the one id starting with the words, then the one id or
/// name containing them.
#[test]
fn routine_lookup_prefers_id_then_prefix_then_name() {
    let c = tempfile::tempdir().unwrap();
    let lib = knotless::library::Library::load(Some(c.path()));
    let find = |q: &str| lib.find(q).map(|r| r.id.clone());
    assert_eq!(find("neck-release").unwrap(), "neck-release");
    assert_eq!(
        find("neck").unwrap(),
        "neck-release",
        "id prefix beats names"
    );
    assert_eq!(find("jaw").unwrap(), "jaw-and-temples");
    assert_eq!(find("desk").unwrap(), "desk-reset");
    assert_eq!(
        find("Foam roller").unwrap(),
        "upper-back-roller",
        "a unique name match"
    );
    assert!(matches!(
        lib.find("upper"),
        Err(knotless::library::FindError::Ambiguous { .. })
    ));
    assert_eq!(lib.candidates("upper").len(), 2);
    assert!(lib.find("zzz").is_err());
    assert_eq!(lib.find_pattern("cyclic").unwrap().id, "cyclic-sigh");
}

#[test]
fn an_ambiguous_name_asks_with_a_numbered_pick() {
    use knotless::cli::routines::pick_numbered;
    let c = tempfile::tempdir().unwrap();
    let lib = knotless::library::Library::load(Some(c.path()));
    let choices = lib.candidates("upper");
    let mut shown = Vec::new();
    let r = pick_numbered("upper", &choices, &mut &b"2\n"[..], &mut shown).unwrap();
    assert_eq!(r.id, choices[1].id);
    let shown = text(&shown);
    assert!(shown.contains("   1  upper-back-roller"), "{shown}");
    assert!(
        shown.contains("Which one? (1-2, Enter to cancel)"),
        "{shown}"
    );
    for bad in [&b"\n"[..], b"", b"3\n", b"x\n"] {
        let mut sink = Vec::new();
        assert!(pick_numbered("upper", &choices, &mut &bad[..], &mut sink).is_err());
    }
    // Not on a terminal: the ambiguity is an error with the candidates, exit 1.
    let (c, d) = dirs();
    let out = knotless(c.path(), d.path(), &["show", "upper"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("upper-back-roller"));
}

/// `check` quotes the length as written ("500ms"), not a rounded "0s".
#[test]
fn check_quotes_a_bad_length_as_written() {
    let (c, d) = dirs();
    let f = c.path().join("short.toml");
    std::fs::write(
        &f,
        "name = \"A\"\narea = \"neck\"\nsummary = \"x\"\n[[steps]]\ntitle = \"T\"\nduration = \"500ms\"\ninstructions = \"x\"\n",
    )
    .unwrap();
    let out = knotless(c.path(), d.path(), &["check", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(said.contains("not \"500ms\""), "{said}");
    assert!(!said.contains("not 0s"), "{said}");
}

/// Help without literal backslashes; `show` says "1 step" and wraps every line
/// to the terminal; CSV and JSONL come oldest first, the table newest first, as `--help`
/// says.
#[test]
fn help_show_and_history_order_say_what_they_do() {
    let (c, d) = dirs();
    for sc in [
        "",
        "run",
        "breathe",
        "list",
        "show",
        "check",
        "patterns",
        "history",
        "stats",
        "log",
        "report",
        "day",
        "days",
        "completions",
    ] {
        let args: Vec<&str> = [sc, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let out = knotless(c.path(), d.path(), &args);
        assert!(
            !text(&out.stdout).contains('\\'),
            "{sc} --help: {}",
            text(&out.stdout)
        );
    }

    std::fs::create_dir_all(c.path().join("routines")).unwrap();
    std::fs::write(
        c.path().join("routines/one.toml"),
        "name = \"One step\"\narea = \"neck\"\nsummary = \"x\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\ninstructions = \"x\"\n",
    )
    .unwrap();
    let out = text(&knotless(c.path(), d.path(), &["show", "one"]).stdout);
    assert!(out.contains(" · 1 step · "), "{out}");
    for line in out.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }

    for (what, ago) in [("older", "3 days ago"), ("newer", "1 day ago")] {
        let out = knotless(
            c.path(),
            d.path(),
            &["log", what, "--at", ago, "--duration", "5m"],
        );
        assert!(out.status.success());
    }
    let help = text(&knotless(c.path(), d.path(), &["history", "--help"]).stdout);
    assert!(
        help.contains("table newest first") && help.contains("CSV and JSONL oldest first"),
        "{help}"
    );
    let order = |format: &str| {
        let out = text(&knotless(c.path(), d.path(), &["history", "--format", format]).stdout);
        (out.find("older").unwrap(), out.find("newer").unwrap())
    };
    let (o, n) = order("table");
    assert!(n < o, "table: newest first");
    for format in ["csv", "jsonl"] {
        let (o, n) = order(format);
        assert!(o < n, "{format}: oldest first");
    }
}

/// Two files claiming one id: the file named for the id keeps it, the other is
/// reported — the same way in every command, whatever order the files come in.
#[test]
fn a_duplicate_id_is_kept_by_the_file_named_for_it() {
    let (c, d) = dirs();
    let dir = c.path().join("routines");
    std::fs::create_dir_all(&dir).unwrap();
    let body = |name: &str, id: Option<&str>| {
        format!(
            "name = \"{name}\"\n{}area = \"neck\"\nsummary = \"x\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\ninstructions = \"x\"\n",
            id.map(|i| format!("id = \"{i}\"\n")).unwrap_or_default()
        )
    };
    // "a-claim.toml" is read first but only claims the id.
    std::fs::write(dir.join("a-claim.toml"), body("Claimed", Some("calm-neck"))).unwrap();
    std::fs::write(dir.join("calm-neck.toml"), body("Named for it", None)).unwrap();

    let show = text(&knotless(c.path(), d.path(), &["show", "calm-neck"]).stdout);
    assert!(show.starts_with("Named for it  (calm-neck)"), "{show}");
    let list = knotless(c.path(), d.path(), &["list", "--json"]);
    let items: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let hits: Vec<_> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] == "calm-neck")
        .collect();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["name"], "Named for it");
    assert!(
        text(&list.stderr).contains("a-claim.toml"),
        "the loser is reported: {}",
        text(&list.stderr)
    );

    let a = dir.join("a-claim.toml");
    let b = dir.join("calm-neck.toml");
    for files in [[&a, &b], [&b, &a]] {
        let out = knotless(
            c.path(),
            d.path(),
            &[
                "check",
                files[0].to_str().unwrap(),
                files[1].to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(1));
        let said = text(&out.stdout);
        let dup = said
            .lines()
            .find(|l| l.contains("duplicate routine id"))
            .unwrap_or_else(|| panic!("{said}"));
        assert!(dup.contains("a-claim.toml"), "{said}");
    }
}

/// Completions offer the routine and pattern ids, the user's own included.
#[test]
fn completions_complete_routine_and_pattern_ids() {
    let (c, d) = dirs();
    std::fs::create_dir_all(c.path().join("routines")).unwrap();
    std::fs::write(
        c.path().join("routines/my-jaw.toml"),
        "name = \"My jaw\"\narea = \"jaw\"\nsummary = \"x\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\ninstructions = \"x\"\n",
    )
    .unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = knotless(c.path(), d.path(), &["completions", shell]);
        assert!(out.status.success());
        let script = text(&out.stdout);
        for id in ["neck-release", "my-jaw", "resonance", "cyclic-sigh"] {
            assert!(script.contains(id), "{shell}: {id} missing");
        }
    }
    // The ids only guide completion: a part of a name still runs.
    let out = knotless(c.path(), d.path(), &["show", "My ja"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn usage_lines_never_show_the_folders_the_environment_sets() {
    let (c, d) = dirs();
    for args in [&["log"][..], &["amend", "last"], &["run"]] {
        let out = knotless(c.path(), d.path(), args);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        let usage = err.lines().find(|l| l.starts_with("Usage:")).unwrap();
        assert!(!usage.contains("--config-dir"), "{usage}");
        assert!(!usage.contains("--data-dir"), "{usage}");
    }
    // The environment still chooses the folders.
    knotless(c.path(), d.path(), &["log", "physio"]);
    let names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.starts_with("history")), "{names:?}");
}

#[test]
fn log_help_says_when_a_session_is_taken_to_have_started() {
    let (c, d) = dirs();
    let help = text(&knotless(c.path(), d.path(), &["log", "--help"]).stdout);
    let at: String = help
        .split("--at <TIME>")
        .nth(1)
        .unwrap()
        .split("--config-dir")
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(at.contains("it ended just now"), "{at}");
    assert!(!at.contains("(default: now)"), "{at}");
}

#[test]
fn stats_since_names_its_first_day_once() {
    let (c, d) = dirs();
    let started = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(50))
        .round(jiff::Unit::Second)
        .unwrap()
        .to_string()
        .replace('Z', "+00:00");
    let r = crate::common::rec("r1", &started, "neck-release", "neck", 300.0);
    std::fs::write(d.path().join("history.jsonl"), crate::common::line(&r)).unwrap();
    let out = knotless(c.path(), d.path(), &["stats", "--since", "30d"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let line = s.lines().find(|l| l.starts_with("In all")).unwrap();
    assert_eq!(line.matches("since").count(), 1, "{line}");
    // A named period says its first day, once, in the same words as every day.
    let s = text(&knotless(c.path(), d.path(), &["stats", "--period", "4w"]).stdout);
    let line = s.lines().find(|l| l.starts_with("In all")).unwrap();
    let first = jiff::Zoned::now().date() - jiff::ToSpan::days(27);
    let day = knotless::model::format::fmt_day(first, jiff::Zoned::now().date());
    assert!(
        line.contains(&format!("last 4 weeks (since {day})")),
        "{line}"
    );
}

/// `history --routine` with an id no routine has and no session matches says so (most
/// likely a typo), without failing: a removed routine's sessions are still found by id.
#[test]
fn history_of_an_unknown_routine_says_no_routine_has_that_id() {
    let (c, d) = dirs();
    let out = knotless(c.path(), d.path(), &["history", "--routine", "nosuch"]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("no routine has the id \"nosuch\""),
        "{}",
        text(&out.stderr)
    );
    let out = knotless(
        c.path(),
        d.path(),
        &["history", "--routine", "neck-release"],
    );
    assert!(out.status.success());
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

/// `stats` fits a terminal of 80 columns: its sentences are wrapped and its tables use short
/// headings, with long titles, rounding notes, day answers and the medication note all shown.
#[test]
fn stats_lines_fit_80_columns() {
    let (c, d) = dirs();
    let now = jiff::Timestamp::now();
    let mut lines = String::new();
    for i in 0..60 {
        let at = (now - jiff::SignedDuration::from_hours(20 * i + 30))
            .round(jiff::Unit::Second)
            .unwrap()
            .to_string()
            .replace('Z', "+00:00");
        let (id, area) = [("neck-release", "neck"), ("jaw-and-temples", "jaw")][i as usize % 2];
        let mut r = crate::common::rec(&format!("r{i}"), &at, id, area, 100.0 + 7.3 * i as f64);
        r.title = "A routine with a title as long as titles go here".into();
        r.pain_before = Some(5);
        r.pain_after = Some(3);
        lines.push_str(&crate::common::line(&r));
    }
    std::fs::write(d.path().join("history.jsonl"), lines).unwrap();
    let today = jiff::Zoned::now().date();
    for back in 1..=26 {
        let day = (today - jiff::ToSpan::days(back)).to_string();
        let answer: &[&str] = if back % 2 == 0 {
            &["yes", "--worst", "severe", "--meds", "triptan"]
        } else {
            &["no"]
        };
        let args = [&["day", "--date", day.as_str()][..], answer].concat();
        assert!(knotless(c.path(), d.path(), &args).status.success());
    }
    let out = knotless(c.path(), d.path(), &["stats"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for needle in [
        "Routines and head pain",
        "Counts are of answered days",
        "per 28 days",
    ] {
        assert!(s.contains(needle), "{needle}: {s}");
    }
    for line in s.lines() {
        let w = knotless::model::format::width(line);
        assert!(w <= 80, "{w} columns: {line}\n{s}");
    }
}
