//! The command line behaving like a good Unix tool (issue 11): bad flag values are bad
//! usage, broken pipes are quiet, the period of `stats` is named and matches the screen's,
//! every documented example works.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn knotless(config: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_knotless"))
        .args(args)
        .env("KNOTLESS_CONFIG_DIR", config)
        .env("KNOTLESS_DATA_DIR", data)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn dirs() -> (tempfile::TempDir, tempfile::TempDir) {
    (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn bad_flag_values_are_bad_usage() {
    let (c, d) = dirs();
    for args in [
        &["breathe", "--for", "0s"][..],
        &["breathe", "--for", "2h"],
        &["breathe", "--breaths", "1000"],
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
    }
    // Nothing was logged by the refused `log`.
    assert_eq!(std::fs::read_dir(d.path()).map_or(0, |r| r.count()), 0);
}

#[test]
fn stats_names_its_period_and_takes_the_screens_choices() {
    let (c, d) = dirs();
    let out = knotless(
        c.path(),
        d.path(),
        &["log", "physio", "--at", "3 days ago", "--duration", "30m"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (period, label) in [
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
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_knotless"))
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
