//! This machine's own files against the real binary. The state folder: a running session
//! keeps nothing in the data folder (which may be synced), and a data folder an older
//! version wrote is moved out of once, with one line. Hostile files and neighbours around
//! it: several commands moving kept sessions at once, a kept-aside folder another user could
//! swap, links and FIFOs planted where knotless writes or reads its state, the modes of
//! everything it creates, and dates before 2000. A hang shows as a command still running
//! after the hostile tests' `PATIENCE` (a limit for a hang, not a speed assertion).

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::hostile_cli::{Dirs, HISTORY, finish, finish_all, mkfifo};
use crate::text;

/// Two steps of two seconds: the step change writes a snapshot a second or two in.
pub(crate) const TWO_STEPS: &str = r#"
name = "Two steps"
area = "neck"
summary = "Two short steps."
breathing = "none"
transition = "0s"

[[steps]]
title = "First"
duration = "2s"
instructions = "Rest."

[[steps]]
title = "Second"
duration = "2s"
instructions = "Rest again."
"#;

/// The hostile tests' folders, with the two-step routine too, and no data folder yet:
/// knotless makes it.
fn dirs() -> Dirs {
    let d = Dirs::new();
    std::fs::write(d.config.join("routines/two-steps.toml"), TWO_STEPS).unwrap();
    std::fs::remove_dir(&d.data).unwrap();
    d
}

/// Every path under `dir` whose path names `in-progress` (what `find <dir> -path
/// '*in-progress*'` prints).
fn in_progress_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.to_string_lossy().contains("in-progress") {
                out.push(p.clone());
            }
            if p.is_dir() {
                todo.push(p);
            }
        }
    }
    out
}

/// While a session runs, its snapshot is in the state folder and nothing in the data
/// folder names `in-progress`; a sync tool has nothing of it to carry to another machine.
#[test]
fn a_running_session_keeps_nothing_in_the_data_folder() {
    let d = dirs();
    let mut child = d
        .command(&["run", "two-steps", "--plain"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let snapshots = d.state.join("in-progress");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = false;
    while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        let here = std::fs::read_dir(&snapshots)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".json"));
        if here {
            seen = true;
            assert_eq!(in_progress_under(&d.data), Vec::<PathBuf>::new());
            let json = std::fs::read_dir(&snapshots)
                .unwrap()
                .flatten()
                .find(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap());
            if let Some(json) = json.filter(|j| !j.is_empty()) {
                let v: serde_json::Value = serde_json::from_str(&json).unwrap();
                assert_eq!(v["machine"], "hostile", "the snapshot names its machine");
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(seen, "the snapshot was never in the state folder");
    assert_eq!(in_progress_under(&d.data), Vec::<PathBuf>::new());
    let history = std::fs::read_to_string(d.data.join(HISTORY)).unwrap();
    assert_eq!(history.lines().count(), 1);
}

/// What an older version left in the data folder — the state file, the nudge's memory and a
/// session that died — is moved by the first command, with one line, and never again.
#[test]
fn an_older_data_folder_is_moved_out_of_once_with_one_line() {
    let d = dirs();
    std::fs::create_dir_all(&d.data).unwrap();
    std::fs::write(
        d.data.join("state.toml"),
        "notice_acknowledged = \"2026-01-01T00:00:00Z\"\ntheme = \"dim\"\n",
    )
    .unwrap();
    std::fs::write(d.data.join("nudge.toml"), "last_spoken = \"2026-11-20\"\n").unwrap();
    let dead = r#"{"v":1,"id":"20261120T100000000Z-000000000001","kind":"routine","routine_id":"two-steps","title":"Two steps","area":"neck","started_at":"2026-11-20T10:00:00+00:00","ended_at":"2026-11-20T10:00:03+00:00","planned_secs":4.0,"active_secs":3.0,"paused_secs":0.0,"outcome":"interrupted","steps":[]}"#;
    std::fs::create_dir_all(d.data.join("in-progress")).unwrap();
    std::fs::write(
        d.data
            .join("in-progress/20261120T100000000Z-000000000001.json"),
        dead,
    )
    .unwrap();

    let out = d.run(&["history"]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(
        lines[0].contains("moved this machine's own state.toml and nudge.toml")
            && lines[0].contains(d.state.to_str().unwrap())
            && lines[0].contains("logged 1 session"),
        "{err}"
    );
    assert!(text(&out.stdout).contains("Two steps"));
    let mut left: Vec<String> = std::fs::read_dir(&d.data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [HISTORY, "notice-hostile.jsonl"]);
    assert!(d.state.join("state.toml").exists() && d.state.join("nudge.toml").exists());

    let again = d.run(&["history"]);
    assert_eq!(text(&again.stderr), "", "said once");
}

/// A state folder inside the data folder would be synced with it: refused, saying why.
#[test]
fn a_state_folder_inside_the_data_folder_is_refused() {
    let d = dirs();
    let mut cmd = d.command(&["list"]);
    cmd.env("KNOTLESS_STATE_DIR", d.data.join("state"));
    let out = finish(cmd, &["list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("is inside the data folder"), "{err}");
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

fn record(i: usize) -> String {
    format!(
        r#"{{"v":1,"id":"20261120T100000000Z-{i:012x}","kind":"routine","routine_id":"quick","title":"Quick","area":"neck","started_at":"2026-11-20T10:00:00+00:00","ended_at":"2026-11-20T10:01:00+00:00","planned_secs":60.0,"active_secs":60.0,"paused_secs":0.0,"outcome":"completed","steps":[]}}"#
    )
}

/// Sessions waiting in the kept-aside folder, as a failed save leaves them.
fn keep_aside(d: &Dirs, n: usize) {
    let kept = d.state.join("kept-aside");
    std::fs::create_dir_all(&kept).unwrap();
    std::fs::set_permissions(&d.state, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o700)).unwrap();
    let text: String = (0..n).map(|i| record(i) + "\n").collect();
    let file = kept.join(HISTORY);
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Several commands starting at once each moved every kept session in (4 starts, 4 copies
/// in the file): one mover at a time, the others skip, and each session arrives once.
#[test]
fn commands_starting_at_once_move_kept_sessions_once() {
    let d = dirs();
    keep_aside(&d, 300);
    let cmds = (0..4).map(|_| d.command(&["history"])).collect();
    for out in finish_all(cmds, &["history ×4"]) {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let file = std::fs::read_to_string(d.data.join(HISTORY)).unwrap();
    assert_eq!(file.lines().count(), 300, "each kept session once");
    assert_eq!(
        std::fs::read_dir(d.state.join("kept-aside"))
            .unwrap()
            .count(),
        0
    );
}

/// A kept-aside folder whose parent another user can write could be swapped after it was
/// checked: such a place is refused — the session is not said to be kept there — and
/// nothing is read from one.
#[test]
fn a_kept_aside_folder_another_user_could_swap_is_refused() {
    let d = dirs();
    let shared = d.tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let state = shared.join("state");
    // The data folder refuses the session: this machine's history file is a device.
    std::fs::create_dir_all(&d.data).unwrap();
    std::os::unix::fs::symlink("/dev/full", d.data.join(HISTORY)).unwrap();
    let mut cmd = d.command(&["run", "quick", "--plain"]);
    cmd.env("KNOTLESS_STATE_DIR", &state);
    let out = finish(cmd, &["run"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("can be changed by another user"), "{err}");
    assert!(!err.contains("kept in"), "not said to be kept: {err}");
    assert!(!state.join("kept-aside").exists());

    // A kept-aside folder planted there is not read.
    std::fs::remove_file(d.data.join(HISTORY)).unwrap();
    let planted = state.join("kept-aside");
    std::fs::create_dir_all(&planted).unwrap();
    std::fs::write(planted.join("history-x.jsonl"), record(7) + "\n").unwrap();
    let mut cmd = d.command(&["history"]);
    cmd.env("KNOTLESS_STATE_DIR", &state);
    let out = finish(cmd, &["history"]);
    let err = text(&out.stderr);
    assert!(err.contains("another user"), "{err}");
    assert!(planted.join("history-x.jsonl").exists(), "nothing removed");
    assert!(!text(&out.stdout).contains("Quick"), "nothing read");
}

/// The nudge's memory is read like every hostile file: a FIFO there hung the shell prompt
/// that runs `nudge`, a link to `/dev/zero` grew its memory without end. Both where older
/// versions kept it (the data folder) and where it is now.
#[test]
fn a_fifo_or_endless_device_for_the_nudge_state_hangs_no_prompt() {
    let d = dirs();
    std::fs::create_dir_all(&d.data).unwrap();
    std::fs::create_dir_all(&d.state).unwrap();
    mkfifo(&d.data.join("nudge.toml"));
    mkfifo(&d.state.join("nudge.toml"));
    let out = d.run(&["nudge"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::remove_file(d.state.join("nudge.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.state.join("nudge.toml")).unwrap();
    std::fs::remove_file(d.data.join("nudge.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.data.join("nudge.toml")).unwrap();
    let out = d.run(&["nudge", "--snooze", "1h"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The link was replaced by the state itself, never written through.
    let meta = std::fs::symlink_metadata(d.state.join("nudge.toml")).unwrap();
    assert!(meta.is_file());
}

/// Everything knotless creates is its owner's only — files 0600, folders 0700 — and a link
/// planted where it replaces a file is replaced, never written through.
#[test]
fn everything_created_is_private_and_planted_links_are_replaced() {
    let d = dirs();
    let out = d.run(&["run", "quick", "--plain"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let victim = d.tmp.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, d.state.join("nudge.toml")).unwrap();
    for args in [
        &["day", "no"][..],
        &["log", "physio", "--duration", "30m"],
        &["nudge", "--snooze", "2h"],
    ] {
        let out = d.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let mut seen = 0;
    let mut todo = vec![d.data.clone(), d.state.clone()];
    while let Some(dir) = todo.pop() {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                seen += 1;
                assert_eq!(mode(&p), 0o600, "{}", p.display());
            }
        }
    }
    assert!(seen >= 3, "history, day log and nudge state were written");
}

/// The copy `edit` hands the editor is in a folder only its owner can open (0700) and is
/// itself 0600: a routine can hold private notes.
#[test]
fn the_edit_copy_is_private() {
    let d = dirs();
    let log = d.tmp.path().join("modes");
    let editor = d.tmp.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nstat -c '%a' \"$1\" \"$(dirname \"$1\")\" > '{}'\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = d.command(&["edit", "quick"]);
    cmd.env("EDITOR", &editor).env_remove("VISUAL");
    let out = finish(cmd, &["edit"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let modes = std::fs::read_to_string(&log).unwrap();
    assert_eq!(modes.split_whitespace().collect::<Vec<_>>(), ["600", "700"]);
}

/// Dates before 2000 are a wrong clock or a slip of the keyboard: refused on the command
/// line as bad usage.
#[test]
fn dates_before_2000_are_refused() {
    let d = dirs();
    for args in [
        &[
            "log",
            "physio",
            "--at",
            "1999-12-31 10:00",
            "--duration",
            "30m",
        ][..],
        &["day", "yes", "--date", "1999-12-31"],
    ] {
        let out = d.run(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("before 2000"), "{args:?}: {err}");
    }
    assert!(!d.data.exists(), "nothing written");
}
