//! For the hooks end-to-end tests (`tests/e2e/hooks.rs`): a config with `[hooks]` (or any
//! config), a routine, the real binary in a pseudo-terminal (`pty.rs`), and the files a
//! recording hook writes.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crate::pty::Pty;

pub const PATIENCE: Duration = Duration::from_secs(40);

/// 20 s from Enter to the end: a 1 s count-in, 5 s, 3 s a side with the 5 s switch between,
/// and 3 s.
pub const ROUTINE: &str = r#"
name = "Hook routine"
area = "neck"
summary = "For the hook tests."
breathing = "none"
transition = "0s"

[[steps]]
title = "Alpha"
duration = "5s"
breathing = "quick"
instructions = "Rest."
cue = "Alpha cue."

[[steps]]
title = "Bravo"
duration = "3s"
sides = "both"
instructions = "Squeeze."
cue = "Bravo cue."

[[steps]]
title = "Charlie"
duration = "3s"
instructions = "Rest."
cue = "Charlie cue."
"#;

pub struct Dirs {
    tmp: tempfile::TempDir,
    pub config: PathBuf,
    pub data: PathBuf,
    pub log: PathBuf,
    /// `XDG_STATE_HOME`: the state folder is in it (the hook log records every `KNOTLESS_`
    /// variable, so the state folder is not given as one).
    pub state_home: PathBuf,
}

impl Dirs {
    /// `[hooks]` set to `hooks`, and [`ROUTINE`] as `hook-routine`.
    pub fn new(hooks: &str) -> Dirs {
        Dirs::with_routine(hooks, ROUTINE)
    }

    /// `[hooks]` set to `hooks`, and `routine` as `hook-routine`.
    pub fn with_routine(hooks: &str, routine: &str) -> Dirs {
        Dirs::with_config(
            &format!(
                "get_ready = \"1s\"\nask_ratings = false\nbell = false\n\n[patterns.quick]\ninhale = \"1s\"\nexhale = \"1s\"\n\n[hooks]\n{hooks}"
            ),
            routine,
        )
    }

    /// `config` as the whole `config.toml`, and `routine` as `hook-routine`.
    pub fn with_config(config_toml: &str, routine: &str) -> Dirs {
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        let log = tmp.path().join("hooks.log");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(config.join("config.toml"), config_toml).unwrap();
        std::fs::write(config.join("routines/hook-routine.toml"), routine).unwrap();
        // The first-run safety notice was acknowledged.
        std::fs::write(
            data.join("notice-test.jsonl"),
            "{\"v\":1,\"acknowledged_at\":\"2026-01-01T00:00:00Z\",\"machine\":\"test\"}\n",
        )
        .unwrap();
        Dirs {
            state_home: tmp.path().join("state-home"),
            tmp,
            config,
            data,
            log,
        }
    }

    /// The test's own folder, holding the others: for its other files.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }
}

/// `knotless ARGS` on the test's folders, in an 80×24 pseudo-terminal.
pub fn spawn(d: &Dirs, args: &[&str]) -> Pty {
    let mut cmd = crate::common::knotless_pty();
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    cmd.env("KNOTLESS_CONFIG_DIR", &d.config);
    cmd.env("KNOTLESS_DATA_DIR", &d.data);
    cmd.env("XDG_STATE_HOME", &d.state_home);
    cmd.env("HOOK_LOG", &d.log);
    let mut pty = Pty::spawn(cmd, 24, 80);
    pty.patience = PATIENCE;
    pty
}

/// A hook line that appends one line per event: the event's variables, sorted.
/// (Written into a TOML basic string: `\"` is a quote there.)
pub const RECORD: &str = r#"env | grep '^KNOTLESS_' | grep -v -e '^KNOTLESS_CONFIG_DIR=' -e '^KNOTLESS_DATA_DIR=' | sort | tr '\n' ' ' | sed 's/ $//' > \"$HOOK_LOG.$(date +%s%N)\""#;

/// Every file the hooks wrote, in the order they were written (by their nanosecond names).
pub fn hook_lines(log: &Path) -> Vec<BTreeMap<String, String>> {
    let dir = log.parent().unwrap();
    let prefix = format!("{}.", log.file_name().unwrap().to_string_lossy());
    let mut files: Vec<(u128, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let n = name.strip_prefix(&prefix)?.parse().ok()?;
            Some((n, e.path()))
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|(_, p)| {
            let text = std::fs::read_to_string(p).unwrap();
            text.split(" KNOTLESS_")
                .map(|kv| {
                    let kv = kv.trim_start_matches("KNOTLESS_");
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_string(), v.to_string())
                })
                .collect()
        })
        .collect()
}

/// Waits for `n` hook files, each written in full: the shell creates a file before the
/// pipeline has written its line, so an empty one is still being written.
pub fn wait_for_count(log: &Path, n: usize) -> Vec<BTreeMap<String, String>> {
    let start = Instant::now();
    loop {
        let l = hook_lines(log);
        let complete = l.iter().all(|m| m.contains_key("EVENT"));
        if (l.len() >= n && complete) || start.elapsed() > PATIENCE {
            return l;
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// `run hook-routine --plain` in `d`, started now and left running (it takes 20 s, so the
/// tests start it alongside whatever else they wait for).
pub fn plain(d: &Dirs, extra: &[&str]) -> std::process::Child {
    crate::common::knotless()
        .args(extra)
        .args(["run", "hook-routine", "--plain"])
        .env("KNOTLESS_CONFIG_DIR", &d.config)
        .env("KNOTLESS_DATA_DIR", &d.data)
        .env("XDG_STATE_HOME", &d.state_home)
        .env("HOOK_LOG", &d.log)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}
