//! Hostile files against the real binary: FIFOs and device links wherever a file is read, another
//! user's fallback folder, a full disk, and control characters in every text field reaching
//! no output. A hang shows as a command still running after `PATIENCE` (a generous limit
//! for a hang, not a speed assertion). Tests that need root, `setpriv` or `mount` print why
//! they skipped when they cannot run.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::{BIN, text};

const PATIENCE: Duration = Duration::from_secs(30);
const MACHINE: &str = "hostile";
pub(crate) const HISTORY: &str = "history-hostile.jsonl";

pub(crate) const QUICK: &str = r#"
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

/// A test's own folders, the `quick` routine, and no count-in.
pub(crate) struct Dirs {
    pub(crate) tmp: tempfile::TempDir,
    pub(crate) config: PathBuf,
    pub(crate) data: PathBuf,
    pub(crate) state: PathBuf,
    pub(crate) cache: PathBuf,
}

impl Dirs {
    pub(crate) fn new() -> Dirs {
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        let cache = tmp.path().join("cache");
        let state = tmp.path().join("state");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(config.join("config.toml"), "get_ready = \"0s\"\n").unwrap();
        std::fs::write(config.join("routines/quick.toml"), QUICK).unwrap();
        Dirs {
            tmp,
            config,
            data,
            state,
            cache,
        }
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = crate::common::knotless();
        cmd.args(args)
            .current_dir(self.tmp.path())
            .env("KNOTLESS_CONFIG_DIR", &self.config)
            .env("KNOTLESS_DATA_DIR", &self.data)
            .env("KNOTLESS_STATE_DIR", &self.state)
            .env("KNOTLESS_MACHINE", MACHINE)
            .env("XDG_CACHE_HOME", &self.cache)
            .env("TMPDIR", self.tmp.path())
            .env_remove("XDG_RUNTIME_DIR")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        finish(self.command(args), args)
    }
}

/// Runs `cmd` to its end, failing (and killing it) if it hangs. Its output is read as it
/// comes, so a long output never fills the pipe.
pub(crate) fn finish(cmd: Command, what: &[&str]) -> Output {
    finish_all(vec![cmd], what).remove(0)
}

/// Starts every command at once and waits for all of them, failing (and killing them all)
/// if one hangs.
pub(crate) fn finish_all(cmds: Vec<Command>, what: &[&str]) -> Vec<Output> {
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

pub(crate) fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

const RECORD: &str = r#"{"v":1,"id":"20261120T100000000Z-000000000001","kind":"routine","routine_id":"quick","title":"Quick","area":"neck","started_at":"2026-11-20T10:00:00+00:00","ended_at":"2026-11-20T10:01:00+00:00","planned_secs":60.0,"active_secs":60.0,"paused_secs":0.0,"outcome":"completed","steps":[]}"#;

/// A config.toml that is a link to nothing is a problem said, not every setting dropped
/// without a word; a config folder without one is the defaults, as ever.
#[test]
fn a_config_file_that_links_to_nothing_is_said() {
    let d = Dirs::new();
    std::fs::remove_file(d.config.join("config.toml")).unwrap();
    let out = d.run(&["check"]);
    assert!(
        !text(&out.stdout).contains("config.toml"),
        "{}",
        text(&out.stdout)
    );
    std::os::unix::fs::symlink(d.tmp.path().join("gone.toml"), d.config.join("config.toml"))
        .unwrap();
    let out = d.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(
        said.contains(
            "config.toml:1:1: cannot read: it is a link to something that does not exist"
        ),
        "{said}"
    );
}

/// A FIFO in place of every file knotless reads hangs no command.
#[test]
fn fifos_in_place_of_files_hang_nothing() {
    let d = Dirs::new();
    std::fs::write(d.data.join(HISTORY), format!("{RECORD}\n")).unwrap();
    std::fs::remove_file(d.config.join("config.toml")).unwrap();
    mkfifo(&d.config.join("config.toml"));
    mkfifo(&d.data.join("state.toml"));
    mkfifo(&d.data.join("history.jsonl"));
    mkfifo(&d.data.join("days-hostile.jsonl"));
    mkfifo(&d.config.join("routines/fifo.toml"));
    std::fs::create_dir_all(d.config.join("art")).unwrap();
    mkfifo(&d.config.join("art/fifo.txt"));
    // Where older versions kept this machine's files, and where they are now.
    std::fs::create_dir_all(d.data.join("in-progress")).unwrap();
    mkfifo(
        &d.data
            .join("in-progress/20261120T090000000Z-000000000002.json"),
    );
    std::fs::create_dir_all(d.state.join("in-progress")).unwrap();
    mkfifo(
        &d.state
            .join("in-progress/20261120T090000000Z-000000000003.json"),
    );
    mkfifo(&d.state.join("state.toml"));
    mkfifo(&d.data.join("nudge.toml"));
    mkfifo(&d.state.join("nudge.toml"));
    mkfifo(&d.data.join("notice-hostile.jsonl"));
    let fifo = d.tmp.path().join("given.toml");
    mkfifo(&fifo);

    for args in [
        vec!["list"],
        vec!["history"],
        vec!["stats"],
        vec!["report"],
        vec!["days"],
        vec!["check"],
        vec!["check", fifo.to_str().unwrap()],
    ] {
        let out = d.run(&args);
        let err = text(&out.stderr);
        let all = format!("{}{err}", text(&out.stdout));
        assert!(all.contains("FIFO"), "{args:?} names the FIFO:\n{all}");
        if args == ["history"] {
            assert_eq!(out.status.code(), Some(1), "{err}");
            assert!(err.contains("history.jsonl"), "names the file: {err}");
        }
    }
}

/// `nudge`, which a shell prompt may run, reads the history files from their ends
/// with a reader of its own; a FIFO among them hangs it no more than the other commands.
#[test]
fn a_fifo_history_file_hangs_no_nudge() {
    let d = Dirs::new();
    // Hours that never silence it, so it reaches the history.
    std::fs::write(
        d.config.join("config.toml"),
        "[nudge]\nhours = \"always\"\n",
    )
    .unwrap();
    std::fs::write(d.data.join(HISTORY), format!("{RECORD}\n")).unwrap();
    mkfifo(&d.data.join("history.jsonl"));
    let out = d.run(&["nudge", "--why"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("FIFO"), "says what it could not read: {err}");
}

/// A link to `/dev/zero` is never read (it would eat memory without end).
#[test]
fn links_to_devices_are_refused() {
    let d = Dirs::new();
    std::fs::remove_file(d.config.join("config.toml")).unwrap();
    for p in [
        d.config.join("config.toml"),
        d.config.join("routines/zero.toml"),
        d.data.join("state.toml"),
        d.data.join(HISTORY),
        d.data.join("days-hostile.jsonl"),
    ] {
        std::os::unix::fs::symlink("/dev/zero", p).unwrap();
    }
    for args in [
        vec!["list"],
        vec!["history"],
        vec!["stats"],
        vec!["days"],
        vec!["check"],
    ] {
        let out = d.run(&args);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(all.contains("a device"), "{args:?}:\n{all}");
    }
    let out = d.run(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("a device"),
        "{}",
        text(&out.stdout)
    );
}

/// `check` says what it checked, and a folder with nothing to check is not
/// "all good".
#[test]
fn check_says_what_it_checked() {
    let d = Dirs::new();
    let empty = d.tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let odd = d.tmp.path().join("dir.toml");
    std::fs::create_dir(&odd).unwrap();
    for p in [&empty, &odd] {
        let out = d.run(&["check", p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        assert!(text(&out.stdout).contains("nothing was checked"));
    }
    std::os::unix::fs::symlink("nowhere.toml", d.config.join("routines/broken.toml")).unwrap();
    std::os::unix::fs::symlink("loop.toml", d.config.join("routines/loop.toml")).unwrap();
    let out = d.run(&["check"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("broken.toml") && stdout.contains("does not exist"),
        "{stdout}"
    );
    assert!(stdout.contains("loop.toml"), "{stdout}");
    let out = d.run(&[
        "check",
        d.config.join("routines/quick.toml").to_str().unwrap(),
    ]);
    // Quick loads (it only breaks the guide's content limits: no cautions, one second).
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stdout).contains("quick.toml: ⚠ loads, but breaks"));
}

/// A folder of thousands of routine files and a config with thousands of patterns
/// are read up to a documented limit, and what was skipped is reported.
#[test]
fn huge_folders_and_configs_are_limited_and_reported() {
    let d = Dirs::new();
    for i in 0..600 {
        std::fs::write(
            d.config.join(format!("routines/r{i:04}.toml")),
            QUICK.replace("Quick", &format!("Quick {i}")),
        )
        .unwrap();
    }
    let mut cfg = String::new();
    for i in 0..300 {
        cfg.push_str(&format!(
            "[patterns.p{i}]\ninhale = \"4s\"\nexhale = \"6s\"\n"
        ));
    }
    std::fs::write(d.config.join("config.toml"), cfg).unwrap();
    let out = d.run(&["check"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("only the first 500"), "{stdout}");
    assert!(stdout.contains("101 skipped"), "{stdout}");
    assert!(
        stdout.contains("only the first 200 are read, 100 skipped"),
        "{stdout}"
    );
}

/// End to end, the final save fails (this machine's history file is a link to
/// `/dev/full`: every append finds the disk full); the session is kept aside, whole, and
/// the next start after space is freed logs it as it was — completed, with its time.
#[cfg(target_os = "linux")]
#[test]
fn a_session_whose_save_fails_arrives_intact_later() {
    let d = Dirs::new();
    std::os::unix::fs::symlink("/dev/full", d.data.join(HISTORY)).unwrap();
    let out = d.run(&["run", "quick", "--plain"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("not a regular file") && err.contains("kept in"),
        "{err}"
    );
    let kept = d.state.join("kept-aside");
    assert!(err.contains(kept.to_str().unwrap()), "says where: {err}");
    // Kept once: not also left as a snapshot to be recovered as interrupted.
    assert!(
        std::fs::read_dir(d.state.join("in-progress")).map_or(true, |mut e| e.next().is_none()),
        "the snapshot is gone"
    );

    std::fs::remove_file(d.data.join(HISTORY)).unwrap();
    let out = d.run(&["history", "--format", "jsonl"]);
    let line = text(&out.stdout);
    let rec: serde_json::Value = serde_json::from_str(line.trim()).expect(&line);
    assert_eq!(rec["outcome"], "completed", "{rec}");
    assert!(rec["active_secs"].as_f64().unwrap() >= 1.0, "{rec}");
    assert_eq!(rec["steps"][0]["status"], "done", "{rec}");
}

/// A fallback folder made by another user, holding a forged record, is never read:
/// not in the old shared place (`$TMPDIR/knotless-pending-<hash>`), not in the new one.
/// Runs knotless as another user (uid 65534) with `setpriv` when the test runs as root.
#[test]
fn another_users_fallback_folder_is_never_read() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc_geteuid() } != 0 {
        eprintln!("skipped: needs root to run knotless as another user (setpriv)");
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: setpriv is not installed");
        return;
    }
    let user = 65534;
    // The binary must be reachable by that user (a checkout under /root is not).
    let probe = Command::new("setpriv")
        .args([
            format!("--reuid={user}"),
            format!("--regid={user}"),
            "--clear-groups".into(),
            "--".into(),
            BIN.into(),
            "--version".into(),
        ])
        .stdin(Stdio::null())
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped: uid {user} cannot run {BIN} (a folder on its path is private?): {:?}",
            probe.map(|o| text(&o.stderr))
        );
        return;
    }
    let d = Dirs::new();
    let hash = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        Some(d.data.as_path()).hash(&mut h);
        h.finish()
    };
    let forged = RECORD.replace("Quick", "FORGED \\u001b[2J");
    let old = d.tmp.path().join(format!("knotless-pending-{hash:016x}"));
    let new = d.cache.join(format!("knotless/pending-{hash:016x}"));
    for dir in [&old, &new] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("history-x.jsonl"), format!("{forged}\n")).unwrap();
        chmod(dir, 0o777);
        chmod(&dir.join("history-x.jsonl"), 0o666);
    }
    chmod(d.tmp.path(), 0o777);
    for p in [&d.config, &d.data, &d.cache, &d.cache.join("knotless")] {
        chown(p, user);
    }
    chmod(&d.cache.join("knotless"), 0o777);
    let mut cmd = d.command(&["history"]);
    let args: Vec<String> = std::iter::once(format!("--reuid={user}"))
        .chain([
            format!("--regid={user}"),
            "--clear-groups".into(),
            "--".into(),
            BIN.into(),
            "history".into(),
        ])
        .collect();
    let envs: Vec<(String, String)> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
        .collect();
    cmd = Command::new("setpriv");
    cmd.args(&args)
        .current_dir(d.tmp.path())
        .env_remove("XDG_RUNTIME_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = finish(cmd, &["history (as uid 65534)"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !stdout.contains("FORGED"),
        "a forged record got in:\n{stdout}"
    );
    assert!(stderr.contains("another user"), "{stderr}");
    assert!(
        new.join("history-x.jsonl").exists(),
        "nothing of another user's is removed"
    );
}

unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn chown(p: &Path, uid: u32) {
    std::os::unix::fs::chown(p, Some(uid), Some(uid)).unwrap();
}

/// On a real full file system: a small tmpfs, filled so that the next line only
/// half fits. The append fails with "disk is full" and leaves no torn line behind. Needs
/// root and `mount`; skipped with a reason otherwise (the unit test
/// `a_short_write_is_cut_back_and_reported` covers the same path with an injected writer).
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_no_torn_line() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc_geteuid() } != 0 {
        eprintln!("skipped: mounting a small file system needs root");
        return;
    }
    let d = Dirs::new();
    let mnt = d.tmp.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot mount a tmpfs here (no permission in this container?)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let data = mnt.join("data");
    std::fs::create_dir(&data).unwrap();
    // One record, padded with blank lines to just under a page: the next line only half fits.
    let mut first = format!("{RECORD}\n");
    first.push_str(&" ".repeat(4000 - first.len() - 1));
    first.push('\n');
    std::fs::write(data.join(HISTORY), &first).unwrap();
    // Fill every other page.
    let mut filler = std::fs::File::create(mnt.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);

    let mut cmd = d.command(&["log", "massage therapist", "--duration", "30m", "--note"]);
    cmd.arg("n".repeat(600)).env("KNOTLESS_DATA_DIR", &data);
    let out = finish(cmd, &["log"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("disk is full"), "{err}");
    assert_eq!(std::fs::read_to_string(data.join(HISTORY)).unwrap(), first);
    let mut cmd = d.command(&["history"]);
    cmd.env("KNOTLESS_DATA_DIR", &data);
    let out = finish(cmd, &["history"]);
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

// ---------------------------------------------------------------------------------------
// What it says about odd input

/// A number no record can hold is named as it was written: `1e308`, not 309 digits.
#[test]
fn an_absurd_number_is_named_as_written() {
    let d = Dirs::new();
    std::fs::write(
        d.data.join(HISTORY),
        format!(
            "{}\n",
            RECORD.replace("\"active_secs\":60.0", "\"active_secs\":1e308")
        ),
    )
    .unwrap();
    let out = d.run(&["history"]);
    let err = text(&out.stderr);
    assert!(err.contains("active_secs 1e308 is not a time"), "{err}");
    assert!(err.lines().all(|l| l.len() < 200), "{err}");
}

/// `import <(cmd)` names a pipe: it is read (to its end, within the 1 MiB cap) rather than
/// refused as a FIFO; a pipe's name is never taken for the routine's id; a pipe that
/// holds more than the cap is refused.
#[cfg(unix)]
#[test]
fn import_reads_a_pipe_named_on_the_command_line() {
    if Command::new("bash").arg("-c").arg("true").status().is_err() {
        println!("skipped: bash is not available for process substitution");
        return;
    }
    let d = Dirs::new();
    let gift = d.tmp.path().join("gift.toml");
    // `knotless import <(…)` as bash runs it.
    let import = |substitution: &str| {
        let mut sh = Command::new("bash");
        sh.arg("-c")
            .arg(format!("\"$BIN\" import --yes <({substitution})"))
            .env("KNOTLESS_CONFIG_DIR", &d.config)
            .env("KNOTLESS_DATA_DIR", &d.data)
            .env("KNOTLESS_STATE_DIR", &d.state)
            .env("GIFT", &gift)
            .env("BIN", BIN)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        finish(sh, &["import", substitution])
    };
    std::fs::write(
        &gift,
        QUICK.replace("name = \"Quick\"", "id = \"piped\"\nname = \"Piped\""),
    )
    .unwrap();
    let out = import("cat \"$GIFT\"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(d.config.join("routines/piped.toml").exists());

    // Without an id of its own: the pipe's name (`63`) is not one.
    std::fs::write(&gift, QUICK).unwrap();
    let out = import("cat \"$GIFT\"");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no id"), "{}", text(&out.stderr));

    // More than the cap: refused, and read no further than it.
    let out = import("yes '# padding padding padding' | head -c 3000000");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("too large"),
        "{}",
        text(&out.stderr)
    );
}

/// An id that starts with a dash would be read as options (`knotless run -rf`): refused
/// wherever an id is chosen, with the rule said.
#[test]
fn ids_starting_with_a_dash_are_refused() {
    let d = Dirs::new();
    // Bad usage, as any value that cannot be read (exit 2).
    let out = d.run(&["new", "--", "-rf"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("not starting with a dash"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.config.join("routines/-rf.toml").exists());

    std::fs::write(d.config.join("routines/-x.toml"), QUICK).unwrap();
    std::fs::write(
        d.config.join("routines/dashed.toml"),
        QUICK.replace("name = \"Quick\"", "id = \"-y\"\nname = \"Dashed\""),
    )
    .unwrap();
    let out = d.run(&["list", "--json"]);
    let list = text(&out.stdout);
    assert!(
        !list.contains("\"-x\"") && !list.contains("\"-y\""),
        "{list}"
    );
    let out = d.run(&["check"]);
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(
        said.contains("-x.toml") && said.contains("\"-y\""),
        "{said}"
    );

    let gift = d.tmp.path().join("gift.toml");
    std::fs::write(&gift, QUICK).unwrap();
    let out = d.run(&["import", gift.to_str().unwrap(), "--as=-z"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.config.join("routines/-z.toml").exists());
}

/// A session whose record was saved but whose snapshot was not removed yet (the process
/// killed in between) is not reported as interrupted: it is logged as it ended, once.
#[test]
fn a_saved_session_whose_snapshot_remained_is_not_called_interrupted() {
    let d = Dirs::new();
    std::fs::write(d.data.join(HISTORY), format!("{RECORD}\n")).unwrap();
    let dir = knotless::store::history::in_progress_dir(&d.state);
    std::fs::create_dir_all(&dir).unwrap();
    let snapshot = RECORD.replace("\"steps\":[]}", "\"steps\":[],\"final\":true}");
    std::fs::write(dir.join("20261120T100000000Z-000000000001.json"), snapshot).unwrap();
    let out = d.run(&["history", "--format", "jsonl"]);
    let err = text(&out.stderr);
    assert!(!err.contains("interrupted"), "{err}");
    assert!(err.contains("logged as completed"), "{err}");
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 1, "counted once: {lines:?}");
    assert!(lines[0].contains("\"outcome\":\"completed\""));
}

/// Standard output and standard error both failing (a full disk, a closed pipe) end every
/// command quietly with an error code — never a panic (101), nor an abort from a panic
/// while panicking.
#[cfg(unix)]
#[test]
fn write_errors_on_both_outputs_end_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let d = Dirs::new();
    std::fs::write(d.data.join(HISTORY), format!("{RECORD}\n")).unwrap();
    let commands: &[&[&str]] = &[
        &["list"],
        &["list", "--json"],
        &["show", "quick"],
        &["check"],
        &["patterns"],
        &["history"],
        &["history", "--format", "csv"],
        &["stats"],
        &["report"],
        &["days"],
        &["day", "no", "--worst", "severe"],
        &["nudge", "--why"],
        &["remind", "--at", "23:00", "--print", "cron"],
        &["completions", "bash"],
        &["completions", "fish"],
        &["man"],
        &["share", "quick"],
        &["run", "quick", "--plain"],
        &["no-such-command"],
    ];
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full");
    for args in commands {
        let mut outs = Vec::new();
        if let (Ok(a), Ok(b)) = (full(), full()) {
            outs.push((Stdio::from(a), Stdio::from(b), "/dev/full"));
        }
        let (r, w) = std::io::pipe().unwrap();
        drop(r);
        outs.push((
            Stdio::from(w.try_clone().unwrap()),
            Stdio::from(w),
            "a closed pipe",
        ));
        for (out, err, what) in outs {
            let mut cmd = d.command(args);
            cmd.stdout(out).stderr(err);
            let st = finish(cmd, args).status;
            assert!(
                st.signal().is_none() && st.code() != Some(101),
                "{args:?} with {what}: {st:?}"
            );
        }
    }
}

/// What a routine may hold is bounded at load, and `check` says so: a title longer than a
/// line, or more steps than a record can hold with every title, is refused with the
/// limit named (a routine that passed `check` once made a record the history's readers
/// skipped, so the session vanished from every figure).
#[test]
fn check_bounds_titles_texts_and_steps() {
    let d = Dirs::new();
    let long_title = QUICK.replace(
        "title = \"Rest\"",
        &format!("title = \"{}\"", "é".repeat(81)),
    );
    std::fs::write(d.config.join("routines/long-title.toml"), long_title).unwrap();
    let long_text = QUICK.replace(
        "instructions = \"Rest your hands.\"",
        &format!("instructions = \"{}\"", "word ".repeat(500)),
    );
    std::fs::write(d.config.join("routines/long-text.toml"), long_text).unwrap();
    let step = "\n[[steps]]\ntitle = \"Rest\"\nduration = \"1s\"\ninstructions = \"Rest.\"\n";
    let many = format!("{}{}", QUICK, step.repeat(200));
    std::fs::write(d.config.join("routines/many-steps.toml"), many).unwrap();
    let out = d.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout) + &text(&out.stderr);
    for expected in [
        "long-title.toml",
        "`title` is 81 characters, longer than 80",
        "long-text.toml",
        "`instructions` is 2500 characters, longer than 2000",
        "many-steps.toml",
        "the routine has 201 steps, more than 200",
    ] {
        assert!(said.contains(expected), "{expected:?} missing:\n{said}");
    }
    let list = text(&d.run(&["list", "--json"]).stdout);
    for id in ["long-title", "long-text", "many-steps"] {
        assert!(
            !list.contains(&format!("\"{id}\"")),
            "{id} was loaded: {list}"
        );
    }
}

/// `TZ` can name any file, and `/etc/localtime` is a file like any other: a FIFO there hung
/// every command (the nudge at every shell prompt), `TZ=:/dev/zero` grew memory without
/// end. Both are read like every file knotless reads — without blocking, regular files
/// only, with a cap — and what cannot be read is UTC. Run under a 2 GiB address-space limit,
/// so an unbounded read fails the test instead of the machine.
#[cfg(unix)]
#[test]
fn a_hostile_time_zone_hangs_nothing_and_reads_no_more_than_a_zone() {
    use std::os::unix::process::CommandExt;
    let d = Dirs::new();
    std::fs::write(d.data.join(HISTORY), format!("{RECORD}\n")).unwrap();
    let fifo = d.tmp.path().join("zone-fifo");
    mkfifo(&fifo);
    for tz in [
        ":/dev/zero".to_string(),
        format!(":{}", fifo.display()),
        "/dev/zero".into(),
    ] {
        for args in [
            &["history"][..],
            &["stats"],
            &["nudge", "--why"],
            &["day", "--date", "2026-11-20", "yes"],
        ] {
            let mut cmd = d.command(args);
            cmd.env("TZ", &tz);
            // SAFETY: setrlimit only, between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    let limit = libc::rlimit {
                        rlim_cur: 2 << 30,
                        rlim_max: 2 << 30,
                    };
                    libc::setrlimit(libc::RLIMIT_AS, &limit);
                    Ok(())
                });
            }
            let out = finish(cmd, args);
            assert!(
                out.status.success(),
                "TZ={tz} {args:?}: {:?}\n{}",
                out.status,
                text(&out.stderr)
            );
        }
    }
}

/// The nudge at a prompt with a FIFO (or `/dev/zero`) in place of `/etc/localtime` — bind
/// mounted over it in a mount namespace of its own, so the machine's file is untouched
/// — says nothing wrong and ends at once. Needs root and `unshare`.
#[cfg(unix)]
#[test]
fn a_fifo_at_etc_localtime_hangs_no_nudge() {
    let probe = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) || !Path::new("/etc/localtime").exists() {
        println!(
            "skipped: needs root, unshare and an /etc/localtime to put a FIFO there in a private mount namespace"
        );
        return;
    }
    let d = Dirs::new();
    let fifo = d.tmp.path().join("localtime-fifo");
    mkfifo(&fifo);
    for planted in [fifo.display().to_string(), "/dev/zero".into()] {
        // /etc/localtime is often a link: the mount lands on what it names, which is what
        // is read through it.
        let script = format!(
            "mount --bind '{planted}' \"$(readlink -f /etc/localtime || echo /etc/localtime)\" && exec \"$BIN\" nudge --why"
        );
        let mut sh = Command::new("unshare");
        sh.args(["--mount", "--propagation", "private", "sh", "-c", &script])
            .env("KNOTLESS_CONFIG_DIR", &d.config)
            .env("KNOTLESS_DATA_DIR", &d.data)
            .env("KNOTLESS_STATE_DIR", &d.state)
            .env("KNOTLESS_MACHINE", MACHINE)
            .env_remove("TZ")
            .env("BIN", BIN)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = finish(
            sh,
            &["nudge", "--why", "with", &planted, "at /etc/localtime"],
        );
        assert!(
            out.status.success(),
            "{planted}: {:?}\n{}",
            out.status,
            text(&out.stderr)
        );
    }
}
