//! The state folder against the real binary: a running session keeps nothing in the data
//! folder (which may be synced), and a data folder an older version wrote is moved out of,
//! once, with one line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::{BIN, text};

/// Two steps of two seconds: the step change writes a snapshot a second or two in.
const TWO_STEPS: &str = r#"
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

struct Dirs {
    _tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
    state: PathBuf,
}

impl Dirs {
    fn new() -> Dirs {
        let tmp = tempfile::tempdir().unwrap();
        let (config, data, state) = (
            tmp.path().join("config"),
            tmp.path().join("data"),
            tmp.path().join("state"),
        );
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(
            config.join("config.toml"),
            "get_ready = \"0s\"\nbell = false\nask_ratings = false\n",
        )
        .unwrap();
        std::fs::write(config.join("routines/two-steps.toml"), TWO_STEPS).unwrap();
        Dirs {
            _tmp: tmp,
            config,
            data,
            state,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("KNOTLESS_CONFIG_DIR", &self.config)
            .env("KNOTLESS_DATA_DIR", &self.data)
            .env("KNOTLESS_STATE_DIR", &self.state)
            .env("KNOTLESS_MACHINE", "here")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }
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
    let d = Dirs::new();
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
                assert_eq!(v["machine"], "here", "the snapshot names its machine");
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(seen, "the snapshot was never in the state folder");
    assert_eq!(in_progress_under(&d.data), Vec::<PathBuf>::new());
    let history = std::fs::read_to_string(d.data.join("history-here.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 1);
}

/// What an older version left in the data folder — the state file, the nudge's memory and a
/// session that died — is moved by the first command, with one line, and never again.
#[test]
fn an_older_data_folder_is_moved_out_of_once_with_one_line() {
    let d = Dirs::new();
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
    assert_eq!(left, ["history-here.jsonl", "notice-here.jsonl"]);
    assert!(d.state.join("state.toml").exists() && d.state.join("nudge.toml").exists());

    let again = d.run(&["history"]);
    assert_eq!(text(&again.stderr), "", "said once");
}

/// A state folder inside the data folder would be synced with it: refused, saying why.
#[test]
fn a_state_folder_inside_the_data_folder_is_refused() {
    let d = Dirs::new();
    let out = d
        .command(&["list"])
        .env("KNOTLESS_STATE_DIR", d.data.join("state"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("is inside the data folder"), "{err}");
}
