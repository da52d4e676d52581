//! Hostile files and neighbours around this machine's own files, against the real binary:
//! several commands moving kept sessions at once, a kept-aside folder another user could
//! swap, links and FIFOs planted where knotless writes or reads its state, the modes of
//! everything it creates, and dates before 2000. A hang shows as a command still running
//! after `PATIENCE` (a limit for a hang, not a speed assertion).

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::{BIN, text};

const PATIENCE: Duration = Duration::from_secs(30);

const QUICK: &str = r#"
name = "Quick"
area = "neck"
summary = "One short step."
breathing = "none"
transition = "0s"

[[steps]]
title = "Rest"
duration = "1s"
instructions = "Rest your hands."
"#;

struct Dirs {
    tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
    state: PathBuf,
}

impl Dirs {
    fn new() -> Dirs {
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        let state = tmp.path().join("state");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::write(
            config.join("config.toml"),
            "get_ready = \"0s\"\nbell = false\nask_ratings = false\n[nudge]\nhours = \"always\"\n",
        )
        .unwrap();
        std::fs::write(config.join("routines/quick.toml"), QUICK).unwrap();
        Dirs {
            tmp,
            config,
            data,
            state,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(self.tmp.path())
            .env("KNOTLESS_CONFIG_DIR", &self.config)
            .env("KNOTLESS_DATA_DIR", &self.data)
            .env("KNOTLESS_STATE_DIR", &self.state)
            .env("KNOTLESS_MACHINE", "hostile")
            .env("XDG_CACHE_HOME", self.tmp.path().join("cache"))
            .env_remove("XDG_RUNTIME_DIR")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        finish(self.command(args), args)
    }
}

/// Runs `cmd` to its end, failing (and killing it) if it hangs.
fn finish(cmd: Command, what: &[&str]) -> Output {
    finish_all(vec![cmd], what).remove(0)
}

/// Starts every command at once and waits for all of them, failing if one hangs.
fn finish_all(cmds: Vec<Command>, what: &[&str]) -> Vec<Output> {
    let children: Vec<_> = cmds
        .into_iter()
        .map(|mut c| c.spawn().expect("start knotless"))
        .collect();
    let pids: Vec<u32> = children.iter().map(|c| c.id()).collect();
    let (tx, rx) = std::sync::mpsc::channel();
    for (i, child) in children.into_iter().enumerate() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let _ = tx.send((i, child.wait_with_output()));
        });
    }
    let mut out: Vec<Option<Output>> = pids.iter().map(|_| None).collect();
    for _ in 0..pids.len() {
        match rx.recv_timeout(PATIENCE) {
            Ok((i, o)) => out[i] = Some(o.expect("wait for knotless")),
            Err(_) => {
                for pid in &pids {
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                }
                panic!("knotless {what:?} hangs (still running after {PATIENCE:?})");
            }
        }
    }
    out.into_iter().map(Option::unwrap).collect()
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
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
    let file = kept.join("history-hostile.jsonl");
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Several commands starting at once each moved every kept session in (4 starts, 4 copies
/// in the file): one mover at a time, the others skip, and each session arrives once.
#[test]
fn commands_starting_at_once_move_kept_sessions_once() {
    let d = Dirs::new();
    keep_aside(&d, 300);
    let cmds = (0..4).map(|_| d.command(&["history"])).collect();
    for out in finish_all(cmds, &["history ×4"]) {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let file = std::fs::read_to_string(d.data.join("history-hostile.jsonl")).unwrap();
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
    let d = Dirs::new();
    let shared = d.tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let state = shared.join("state");
    // The data folder refuses the session: this machine's history file is a device.
    std::fs::create_dir_all(&d.data).unwrap();
    std::os::unix::fs::symlink("/dev/full", d.data.join("history-hostile.jsonl")).unwrap();
    let mut cmd = d.command(&["run", "quick", "--plain"]);
    cmd.env("KNOTLESS_STATE_DIR", &state);
    let out = finish(cmd, &["run"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("can be changed by another user"), "{err}");
    assert!(!err.contains("kept in"), "not said to be kept: {err}");
    assert!(!state.join("kept-aside").exists());

    // A kept-aside folder planted there is not read.
    std::fs::remove_file(d.data.join("history-hostile.jsonl")).unwrap();
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
    let d = Dirs::new();
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
    let d = Dirs::new();
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
    let d = Dirs::new();
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
    let d = Dirs::new();
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
