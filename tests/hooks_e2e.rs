//! Hooks end to end: the real binary in a pseudo-terminal running a 20 s routine with
//! `[hooks]` set — every event recorded in order with its facts, a hook that sleeps for a
//! minute delays no step end, a missing command is reported once, and `--no-hooks` runs none.
//!
//! A binary of its own: the sleeping-hook test compares step ends on screen, to the
//! millisecond, with a control run, so it must not share the CPU with the many commands
//! `tests/e2e/` runs at once.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize};

const BIN: &str = env!("CARGO_BIN_EXE_knotless");
const PATIENCE: Duration = Duration::from_secs(40);

/// 20 s from Enter to the end: a 1 s count-in, 5 s, 3 s a side with the 5 s switch between,
/// and 3 s.
const ROUTINE: &str = r#"
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

struct Dirs {
    _tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
    log: PathBuf,
}

impl Dirs {
    fn new(hooks: &str) -> Dirs {
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        let log = tmp.path().join("hooks.log");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(
            config.join("config.toml"),
            format!(
                "get_ready = \"1s\"\nask_ratings = false\nbell = false\n\n[patterns.quick]\ninhale = \"1s\"\nexhale = \"1s\"\n\n[hooks]\n{hooks}"
            ),
        )
        .unwrap();
        std::fs::write(config.join("routines/hook-routine.toml"), ROUTINE).unwrap();
        std::fs::write(
            data.join("state.toml"),
            "notice_acknowledged = \"2026-01-01T00:00:00Z\"\n",
        )
        .unwrap();
        Dirs {
            _tmp: tmp,
            config,
            data,
            log,
        }
    }
}

/// The screen, and when each watched text first appeared on it.
struct Shared {
    parser: vt100::Parser,
    watch: Vec<String>,
    seen: BTreeMap<String, Instant>,
}

struct Term {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
    shared: Arc<Mutex<Shared>>,
}

impl Term {
    fn spawn(d: &Dirs, args: &[&str], watch: &[&str]) -> Term {
        let pty = portable_pty::native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env("KNOTLESS_CONFIG_DIR", &d.config);
        cmd.env("KNOTLESS_DATA_DIR", &d.data);
        cmd.env("HOOK_LOG", &d.log);
        let child = pty.slave.spawn_command(cmd).unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let shared = Arc::new(Mutex::new(Shared {
            parser: vt100::Parser::new(
                NonZeroU16::new(24).unwrap(),
                NonZeroU16::new(80).unwrap(),
                0,
            ),
            watch: watch.iter().map(|s| s.to_string()).collect(),
            seen: BTreeMap::new(),
        }));
        let s2 = shared.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let at = Instant::now();
                        let mut s = s2.lock().unwrap();
                        s.parser.process(&buf[..n]);
                        let screen = s.parser.screen().contents();
                        let new: Vec<String> = s
                            .watch
                            .iter()
                            .filter(|w| screen.contains(w.as_str()))
                            .cloned()
                            .collect();
                        for w in new {
                            s.seen.entry(w).or_insert(at);
                        }
                    }
                }
            }
        });
        Term {
            child,
            writer,
            _master: pty.master,
            shared,
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn screen(&self) -> String {
        self.shared.lock().unwrap().parser.screen().contents()
    }

    fn wait_for(&mut self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited for {text:?}; the screen:\n{s}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn seen(&self, text: &str) -> Instant {
        *self
            .shared
            .lock()
            .unwrap()
            .seen
            .get(text)
            .unwrap_or_else(|| panic!("{text:?} never appeared"))
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A hook line that appends one line per event: the event's variables, sorted.
/// (Written into a TOML basic string: `\"` is a quote there.)
const RECORD: &str = r#"env | grep '^KNOTLESS_' | grep -v -e '^KNOTLESS_CONFIG_DIR=' -e '^KNOTLESS_DATA_DIR=' | sort | tr '\n' ' ' | sed 's/ $//' > \"$HOOK_LOG.$(date +%s%N)\""#;

/// Every file the hooks wrote, in the order they were written (by their nanosecond names).
fn hook_lines(log: &Path) -> Vec<BTreeMap<String, String>> {
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
fn wait_for_count(log: &Path, n: usize) -> Vec<BTreeMap<String, String>> {
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

#[test]
fn hooks_record_every_event_in_order_over_a_20s_routine() {
    let hooks = ["session_start", "step_start", "side_switch", "session_end"]
        .map(|e| format!("{e} = \"{RECORD}\"\n"))
        .join("");
    let d = Dirs::new(&hooks);
    let mut t = Term::spawn(&d, &["run", "hook-routine"], &[]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    t.wait_for("Saved to your history.");
    let lines = wait_for_count(&d.log, 7);
    let summary: Vec<String> = lines
        .iter()
        .map(|l| {
            let g = |k: &str| l.get(k).map(String::as_str).unwrap_or("?");
            format!(
                "{} {}|{}/{}|{}|{}|{}",
                g("EVENT"),
                g("STEP"),
                g("STEP_NUMBER"),
                g("STEPS"),
                g("SIDE"),
                g("STEP_SECS"),
                g("REMAINING"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "session_start |/3|||19",
            "step_start Alpha|1/3||5|19",
            "step_start Bravo|2/3|left|3|14",
            "side_switch Bravo|2/3|right|3|11",
            "step_start Bravo|2/3|right|3|6",
            "step_start Charlie|3/3||3|3",
            "session_end |/3|||0",
        ]
    );
    let end = &lines[6];
    assert_eq!(end["OUTCOME"], "completed");
    assert_eq!(end["ACTIVE_SECS"], "14");
    let id = &lines[0]["SESSION"];
    for l in &lines {
        assert_eq!(l["ROUTINE"], "hook-routine");
        assert_eq!(l["ROUTINE_NAME"], "Hook routine");
        assert_eq!(l["KIND"], "routine");
        assert_eq!(&l["SESSION"], id);
    }
    // KNOTLESS_SESSION is the id of the record the session left in the history.
    let history: String = knotless::store::history::history_files(&d.data)
        .unwrap()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    assert!(history.contains(&format!("\"id\":\"{id}\"")), "{history}");
    t.send("q");
}

#[test]
fn breath_phase_hooks_follow_the_pacer() {
    let d = Dirs::new(&format!("breath_phase = \"{RECORD}\"\n"));
    let mut t = Term::spawn(&d, &["run", "hook-routine"], &[]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    t.wait_for("Saved to your history.");
    let lines = wait_for_count(&d.log, 5);
    let got: Vec<String> = lines
        .iter()
        .map(|l| format!("{} {} {}", l["STEP"], l["PHASE"], l["BREATH"]))
        .collect();
    // quick = in 1 · out 1 on Alpha (5 s) only: in, out, in, out, in.
    assert_eq!(
        got,
        [
            "Alpha in 1",
            "Alpha out 1",
            "Alpha in 2",
            "Alpha out 2",
            "Alpha in 3"
        ]
    );
    t.send("q");
}

#[test]
fn a_hook_sleeping_a_minute_delays_no_step_end() {
    let hooked = Dirs::new(
        "session_start = \"sleep 60\"\nstep_start = \"sleep 60\"\nside_switch = \"sleep 60\"\n",
    );
    // The same routine without hooks, run at the same moment: on a shared, busy machine the
    // screen can be late for reasons of its own, and the control run is late the same way.
    let control = Dirs::new("");
    // Texts only the running step shows (its cue), and the interludes' own words.
    let marks = [
        "Get ready",
        "Alpha cue.",
        "Bravo cue.",
        "Now the RIGHT side",
        "Charlie cue.",
        "Saved to your history.",
    ];
    let mut t = Term::spawn(&hooked, &["run", "hook-routine"], &marks);
    let mut c = Term::spawn(&control, &["run", "hook-routine"], &marks);
    t.wait_for("Press Enter when you are ready.");
    c.wait_for("Press Enter when you are ready.");
    t.send("\r");
    c.send("\r");
    t.wait_for("Saved to your history.");
    c.wait_for("Saved to your history.");
    // Planned gaps between what the screen shows: count-in 1 s, Alpha 5 s, Bravo left 3 s,
    // then the 5 s switch and the right side's 3 s, Charlie 3 s.
    let plan = [
        ("Get ready", "Alpha cue.", 1000),
        ("Alpha cue.", "Bravo cue.", 5000),
        ("Bravo cue.", "Now the RIGHT side", 3000),
        ("Now the RIGHT side", "Charlie cue.", 5000 + 3000),
        ("Charlie cue.", "Saved to your history.", 3000),
    ];
    // (The session_start hook is stopped at its 10 s limit mid-routine: that must not
    // disturb the timing either.)
    for (from, to, ms) in plan {
        let off = |t: &Term| t.seen(to).duration_since(t.seen(from)).as_millis() as i64 - ms;
        let (with, without) = (off(&t), off(&c));
        eprintln!("{from} → {to}: planned {ms} ms; with hooks {with:+} ms, without {without:+} ms");
        assert!(
            with - without <= 50,
            "{from} → {to}: {with:+} ms off the plan with hooks, {without:+} ms without"
        );
    }
    t.send("q");
    c.send("q");
}

/// `run hook-routine --plain` in `d`, started now and left running (it takes 20 s, so the
/// tests start it alongside whatever else they wait for).
fn plain(d: &Dirs, extra: &[&str]) -> std::process::Child {
    std::process::Command::new(BIN)
        .args(extra)
        .args(["run", "hook-routine", "--plain"])
        .env("KNOTLESS_CONFIG_DIR", &d.config)
        .env("KNOTLESS_DATA_DIR", &d.data)
        .env("HOOK_LOG", &d.log)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_missing_hook_command_is_reported_once() {
    let hooks = "step_start = \"no-such-command-knotless-e2e\"\n";
    let d = Dirs::new(hooks);
    // Plain mode prints the report on stderr, once, for four failing step starts.
    let p = Dirs::new(hooks);
    let plain = plain(&p, &[]);
    let mut t = Term::spawn(&d, &["run", "hook-routine"], &[]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    let s = t.wait_for("step_start hook failed");
    assert!(s.contains("command not found"), "{s}");
    t.wait_for("Saved to your history.");
    let out = plain.wait_with_output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("the step_start hook failed").count(),
        1,
        "{err}"
    );
    t.send("q");
}

#[test]
fn no_hooks_runs_none() {
    let hooks = format!("session_start = \"{RECORD}\"\nsession_end = \"{RECORD}\"\n");
    let off = Dirs::new(&hooks);
    // The same run without the flag does call them (so the check can fail), at the same time.
    let on = Dirs::new(&hooks);
    let without = plain(&off, &["--no-hooks"]);
    let with = plain(&on, &[]);
    let out = without.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(with.wait_with_output().unwrap().status.success());
    assert_eq!(wait_for_count(&on.log, 2).len(), 2);
    thread::sleep(Duration::from_millis(500));
    assert!(hook_lines(&off.log).is_empty());
}
