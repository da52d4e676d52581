//! End to end: the real binary in an 80×24 pseudo-terminal, driven by typed keys, its screen
//! read through a vt100 parser. These check what no in-process test can: that keys arrive
//! through crossterm, that a real session leaves the right history behind, that a killed
//! session is recovered, and that the terminal is given back — main screen, cursor shown,
//! raw mode off — on every way out: quit, Ctrl-C, SIGTERM, SIGHUP and a panic.
//!
//! Waits are generous (CI machines are shared and slow) and nothing asserts on how fast
//! anything happened. Every test has its own config and data directories, so they run in
//! parallel; the fixture steps are a few seconds long, and the step a test skips or
//! interrupts is long, so no key races the clock.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, ExitStatus};
use serde_json::Value;

use crate::pty::Pty;
use crate::sound_pty::{
    SOUND_CONFIG, SOUND_ROUTINE, fake_sound_bin, planned_sound_cues, read_cue_log, run_through,
    wait_for_cues,
};

const ROWS: u16 = 24;
const COLS: u16 = 80;
/// How long to wait for a screen, an exit or a file before failing.
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

const CONFIG: &str = r#"
get_ready = "1s"

[patterns.quick]
inhale = "1s"
exhale = "1s"
"#;

/// A short step done, a long one to pause, skip or interrupt (long, so no key races its
/// end), then a short step on both sides.
const STEPS: &str = r#"
name = "E2E steps"
area = "neck"
summary = "Short steps for the end-to-end tests."
breathing = "extended-exhale"
transition = "0s"
cautions = ["A caution to read before starting."]

[[steps]]
title = "Warm up"
duration = "2s"
instructions = "Rest your hands on your shoulders."

[[steps]]
title = "Long hold"
duration = "90s"
instructions = "Hook your fingertips under the base of the skull."

[[steps]]
title = "Shoulder squeeze"
duration = "2s"
sides = "both"
instructions = "Grasp the top of the shoulder between thumb and fingers."
"#;

/// Two short steps: the quickest whole session.
const QUICK: &str = r#"
name = "E2E quick"
area = "neck"
summary = "Two short steps."
breathing = "none"
transition = "0s"

[[steps]]
title = "Quick one"
duration = "2s"
instructions = "Rest."

[[steps]]
title = "Quick two"
duration = "2s"
instructions = "Rest again."
"#;

// ---------------------------------------------------------------------------------------
// Directories and files

/// The machine id the tests run as, and so the history file they write.
const MACHINE: &str = "e2e";
const HISTORY: &str = "history-e2e.jsonl";

/// A test's own config, data and state directories, with the fixture routines.
pub(crate) struct Dirs {
    pub(crate) tmp: tempfile::TempDir,
    pub(crate) config: PathBuf,
    pub(crate) data: PathBuf,
    pub(crate) state: PathBuf,
}

/// The acknowledged safety notice, as a machine records it in the data folder.
const NOTICE: &str = "notice-e2e.jsonl";

impl Dirs {
    pub(crate) fn new() -> Dirs {
        let tmp = tempfile::tempdir().expect("temp dir");
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(config.join("config.toml"), CONFIG).unwrap();
        std::fs::write(config.join("routines/e2e-steps.toml"), STEPS).unwrap();
        std::fs::write(config.join("routines/e2e-quick.toml"), QUICK).unwrap();
        // The first-run safety notice was acknowledged (`first_start` undoes this).
        std::fs::write(
            data.join(NOTICE),
            "{\"v\":1,\"acknowledged_at\":\"2026-01-01T00:00:00Z\",\"machine\":\"e2e\"}\n",
        )
        .unwrap();
        let state = tmp.path().join("state");
        Dirs {
            tmp,
            config,
            data,
            state,
        }
    }

    /// A data directory as on the very first start: the safety notice shows first.
    fn first_start() -> Dirs {
        let d = Dirs::new();
        std::fs::remove_file(d.data.join(NOTICE)).unwrap();
        d
    }

    /// `KNOTLESS_MACHINE` fixes the name of the history file this "machine" appends to.
    pub(crate) fn envs(&self) -> [(&'static str, &std::ffi::OsStr); 4] {
        [
            ("KNOTLESS_CONFIG_DIR", self.config.as_os_str()),
            ("KNOTLESS_DATA_DIR", self.data.as_os_str()),
            ("KNOTLESS_STATE_DIR", self.state.as_os_str()),
            ("KNOTLESS_MACHINE", std::ffi::OsStr::new(MACHINE)),
        ]
    }

    /// The binary outside any terminal: stdin empty, stdout and stderr captured.
    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = crate::common::knotless();
        cmd.args(args)
            .current_dir(self.tmp.path())
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        for (k, v) in self.envs() {
            cmd.env(k, v);
        }
        cmd.output().expect("run knotless")
    }

    fn history_text(&self) -> String {
        std::fs::read_to_string(self.data.join(HISTORY)).unwrap_or_default()
    }

    /// Every line of the history, each of which must be whole JSON.
    fn history(&self) -> Vec<Value> {
        self.history_text()
            .lines()
            .enumerate()
            .map(|(i, l)| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("history line {} does not parse ({e}): {l}", i + 1))
            })
            .collect()
    }

    fn records(&self) -> Vec<Value> {
        let h = self.history();
        h.into_iter().filter(|v| v.get("kind").is_some()).collect()
    }

    fn amendments(&self) -> Vec<Value> {
        let h = self.history();
        h.into_iter()
            .filter(|v| v.get("amends").is_some())
            .collect()
    }

    /// The single session record, checked to be the only one.
    fn only_record(&self) -> Value {
        let mut r = self.records();
        assert_eq!(r.len(), 1, "one record expected:\n{}", self.history_text());
        r.remove(0)
    }

    /// Whatever is left in `<state>/in-progress` (snapshots and their lock files).
    fn in_progress(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.state.join("in-progress")) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn steps(rec: &Value) -> &Vec<Value> {
    rec["steps"].as_array().expect("steps")
}

fn secs(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A step that ran to its end has exactly its planned time (the session's own accounting,
/// not the wall clock).
fn assert_done(step: &Value, title: &str, side: Option<&str>) {
    assert_eq!(step["title"], title, "{step}");
    assert_eq!(step["side"].as_str(), side, "{step}");
    assert_eq!(step["status"], "done", "{step}");
    let (active, planned) = (secs(&step["active_secs"]), secs(&step["planned_secs"]));
    assert!((active - planned).abs() < 0.05, "{step}");
}

// ---------------------------------------------------------------------------------------
// The pseudo-terminal

/// The binary running in its own pseudo-terminal (`common::pty`), with what only these
/// tests need: its exit, and the terminal it left.
pub(crate) struct Term(Pty);

impl std::ops::Deref for Term {
    type Target = Pty;
    fn deref(&self) -> &Pty {
        &self.0
    }
}

impl std::ops::DerefMut for Term {
    fn deref_mut(&mut self) -> &mut Pty {
        &mut self.0
    }
}

/// How the program ended, and the terminal modes it left behind.
pub(crate) struct Exit {
    pub(crate) status: ExitStatus,
    stty: String,
}

impl Term {
    fn spawn(dirs: &Dirs, args: &[&str]) -> Term {
        Term::spawn_env(dirs, args, &[])
    }

    pub(crate) fn spawn_env(dirs: &Dirs, args: &[&str], env: &[(&str, &str)]) -> Term {
        let mut cmd = crate::common::knotless_pty();
        cmd.args(args);
        cmd.cwd(dirs.tmp.path());
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("KNOTLESS_TEST_PANIC");
        cmd.env("TERM", "xterm-256color");
        for (k, v) in dirs.envs() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut pty = Pty::spawn(cmd, ROWS, COLS);
        pty.patience = PATIENCE;
        Term(pty)
    }

    /// Waits for the program to end, then runs `stty -a` on the same terminal: its modes
    /// are the ones the program left. (This is `sh -c 'knotless …; stty -a'` without the
    /// shell in between, so a signal reaches knotless itself.) Once `stty`'s marker is
    /// read, so is everything the program wrote before it.
    pub(crate) fn wait_exit(&mut self) -> Exit {
        let start = Instant::now();
        let status = loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                break st;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "{}: still running after {PATIENCE:?}; the screen:\n{}",
                self.name,
                self.screen()
            );
            thread::sleep(Duration::from_millis(25));
        };
        const MARK: &str = "E2E-STTY-DONE";
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", &format!("stty -a; echo {MARK}")]);
        cmd.set_controlling_tty(false);
        let mut stty = self.slave.spawn_command(cmd).expect("start stty");
        let _ = stty.wait();
        let start = Instant::now();
        let text = loop {
            let text = String::from_utf8_lossy(&self.raw()).into_owned();
            if let Some(end) = text.rfind(MARK) {
                break text[..end].to_string();
            }
            assert!(start.elapsed() < PATIENCE, "no output from stty");
            thread::sleep(Duration::from_millis(25));
        };
        let from = text.rfind("speed").expect("stty -a output");
        Exit {
            status,
            stty: text[from..].to_string(),
        }
    }

    /// The terminal is as the program found it: the main screen, a visible cursor (the
    /// last switches written say so, and the parsed screen agrees), and line editing and
    /// echo back on.
    pub(crate) fn assert_restored(&self, exit: &Exit) {
        let raw = self.raw();
        let last = |seq: &[u8]| raw.windows(seq.len()).rposition(|w| w == seq);
        let (enter, leave) = (last(b"\x1b[?1049h"), last(b"\x1b[?1049l"));
        assert!(
            enter.is_some(),
            "{}: never used the alternate screen",
            self.name
        );
        assert!(
            leave > enter,
            "{}: never left the alternate screen",
            self.name
        );
        let (hide, show) = (last(b"\x1b[?25l"), last(b"\x1b[?25h"));
        assert!(show >= hide, "{}: left the cursor hidden", self.name);
        let (alternate, hidden) = self.with_screen(|s| (s.alternate_screen(), s.hide_cursor()));
        assert!(!alternate, "{}", self.name);
        assert!(!hidden, "{}", self.name);
        let words: Vec<&str> = exit
            .stty
            .split(|c: char| c.is_whitespace() || c == ';')
            .collect();
        for mode in ["icanon", "echo"] {
            assert!(
                words.contains(&mode) && !words.contains(&format!("-{mode}").as_str()),
                "{}: {mode} is not back on (raw mode left on?):\n{}",
                self.name,
                exit.stty
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Sessions

/// A whole routine from the command line — rate, pause and resume, skip a
/// step, let the rest run, rate and note — then the history and the terminal.
#[test]
fn player_end_to_end() {
    let d = Dirs::new();
    let mut t = Term::spawn(&d, &["run", "e2e-steps"]);
    t.wait_for("A caution to read before starting.");
    t.wait_for("How is your head right now?");
    t.send("4");
    t.wait_for("Get ready");
    t.wait_for("step 2 of 3");
    t.wait_for("Next: Shoulder squeeze");

    t.send(" ");
    t.wait_for("PAUSED");
    t.send(" ");
    t.wait_gone("PAUSED");
    t.send("n");
    t.wait_for("step 3 of 3");
    t.wait_for("Switch sides");
    t.wait_for("Now the RIGHT side");

    let s = t.wait_to_rate();
    assert!(s.contains("E2E steps — done"), "{s}");
    assert!(s.contains("(before: 4)"), "{s}");
    assert!(s.contains("Saved to your history."), "{s}");
    t.send("2");
    // Started at 4: the offer to mark today; not now.
    t.wait_for("Mark today as a headache day?");
    t.send("n");
    t.wait_for("A note for later");
    t.send("tight on the left");
    t.wait_for("tight on the left");
    t.send("\r");
    t.wait_for("Last session today");
    t.send("q");
    let exit = t.wait_exit();
    assert!(exit.status.success(), "{:?}", exit.status);
    t.assert_restored(&exit);

    let rec = d.only_record();
    assert_eq!(rec["kind"], "routine");
    assert_eq!(rec["routine_id"], "e2e-steps");
    assert_eq!(rec["outcome"], "completed");
    assert_eq!(rec["pain_before"], 4);
    assert!(
        secs(&rec["paused_secs"]) > 0.0,
        "the pause was counted: {rec}"
    );
    let st = steps(&rec);
    assert_eq!(st.len(), 4, "{rec}");
    assert_done(&st[0], "Warm up", None);
    let skipped = &st[1];
    assert_eq!(skipped["title"], "Long hold");
    assert!(
        skipped["status"] == "skipped" || skipped["status"] == "partial",
        "{skipped}"
    );
    let (active, planned) = (
        secs(&skipped["active_secs"]),
        secs(&skipped["planned_secs"]),
    );
    assert_eq!(planned, 90.0);
    assert!(
        active < 30.0,
        "its true time, not its planned time: {skipped}"
    );
    assert_done(&st[2], "Shoulder squeeze", Some("left"));
    assert_done(&st[3], "Shoulder squeeze", Some("right"));
    let total: f64 = st.iter().map(|s| secs(&s["active_secs"])).sum();
    assert!((secs(&rec["active_secs"]) - total).abs() < 0.05, "{rec}");

    // The rating was kept as it was typed, the note when it was saved.
    let am = d.amendments();
    assert_eq!(am.len(), 2, "{}", d.history_text());
    assert!(am.iter().all(|a| a["amends"] == rec["id"]));
    assert_eq!(am[0]["pain_after"], 2);
    assert!(am[0].get("note").is_none(), "{}", am[0]);
    assert_eq!(am[1]["note"], "tight on the left");
    assert!(am[1].get("pain_after").is_none(), "{}", am[1]);
    assert_eq!(d.in_progress(), Vec::<String>::new());
}

/// The rating typed on the finish screen is in the history at once: killed while the note
/// is being typed (it used to wait for the note, so SIGKILL a moment later lost it).
#[test]
fn a_rating_is_kept_the_moment_it_is_typed() {
    let d = Dirs::new();
    let mut t = Term::spawn(&d, &["run", "e2e-quick"]);
    t.wait_for("How is your head right now?");
    t.send("\r");
    t.wait_to_rate();
    t.send("3");
    t.wait_for("A note for later");
    t.send("half a no");
    t.wait_for("half a no");
    thread::sleep(Duration::from_millis(1500));
    t.signal("KILL");
    let _ = t.wait_exit();
    let rec = d.only_record();
    let am = d.amendments();
    assert_eq!(am.len(), 1, "{}", d.history_text());
    assert_eq!(am[0]["amends"], rec["id"]);
    assert_eq!(am[0]["pain_after"], 3);
}

/// The first start — notice, home, filter, before, player, finish — and back
/// home with the new session in the header.
/// `run` on a very first start: the safety notice comes first, then the routine itself.
#[test]
fn run_on_a_first_start_shows_the_notice_first() {
    let d = Dirs::first_start();
    let mut t = Term::spawn(&d, &["run", "e2e-steps"]);
    t.wait_for("Important — please read");
    t.send("\r");
    t.wait_for("A caution to read before starting.");
    assert!(d.data.join(NOTICE).exists());
    t.send("q");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
}

#[test]
fn app_end_to_end() {
    let d = Dirs::first_start();
    let mut t = Term::spawn(&d, &[]);
    t.wait_for("Important — please read");
    t.send("\r");
    t.wait_for("No sessions yet");
    assert!(
        std::fs::read_to_string(d.data.join(NOTICE))
            .expect("the notice log written")
            .contains("acknowledged_at"),
    );
    t.send("/");
    t.send("e2e quick");
    t.wait_for("/e2e quick");
    t.send("\r");
    t.send("\r");
    t.wait_for("How is your head right now?");
    t.send("\r");
    t.wait_for("step 1 of 2");
    t.wait_for("step 2 of 2");
    let s = t.wait_to_rate();
    assert!(s.contains("E2E quick — done"), "{s}");
    t.send("3");
    t.wait_for("A note for later");
    t.send("\r");
    let s = t.wait_for("Last session today");
    assert!(s.contains("E2E quick"), "{s}");
    t.send("q");
    let exit = t.wait_exit();
    assert!(exit.status.success(), "{:?}", exit.status);
    t.assert_restored(&exit);

    let rec = d.only_record();
    assert_eq!(rec["routine_id"], "e2e-quick");
    assert_eq!(rec["outcome"], "completed");
    assert!(rec.get("pain_before").is_none(), "skipped: {rec}");
    assert_done(&steps(&rec)[0], "Quick one", None);
    assert_done(&steps(&rec)[1], "Quick two", None);
    let am = d.amendments();
    assert_eq!(am.len(), 1);
    assert_eq!(am[0]["pain_after"], 3);
    assert!(am[0].get("note").is_none(), "{}", am[0]);
}

/// `breathe` for a number of breaths (3, the fewest the content guide allows): a whole
/// breath pacer, the finish screen, the record.
#[test]
fn breathe_for_three_breaths() {
    let d = Dirs::new();
    let mut t = Term::spawn(&d, &["breathe", "quick", "--breaths", "3"]);
    // Asked before breathing too, so the session can show a change.
    t.wait_for("How is your head right now?");
    t.send("5");
    t.wait_for("breath 1 of 3");
    let s = t.wait_for("Breathing: quick — done");
    assert!(s.contains("0:06 of 0:06 active"), "{s}");
    assert!(s.contains("Saved to your history."), "{s}");
    thread::sleep(crate::pty::RATING_SETTLE);
    t.send("\r");
    // Started at 5: offered, and taken.
    t.wait_for("Mark today as a headache day?");
    t.send("y");
    t.wait_for("A note for later");
    t.send("\r");
    t.wait_for("Last session today");
    t.send("q");
    let exit = t.wait_exit();
    assert!(exit.status.success(), "{:?}", exit.status);
    t.assert_restored(&exit);

    let rec = d.only_record();
    assert_eq!(rec["kind"], "breathing");
    assert_eq!(rec["routine_id"], "quick");
    assert_eq!(rec["outcome"], "completed");
    assert_eq!(secs(&rec["planned_secs"]), 6.0);
    assert_eq!(secs(&rec["active_secs"]), 6.0);
    assert_eq!(steps(&rec).len(), 1);
    assert_eq!(steps(&rec)[0]["status"], "done");
    assert_eq!(rec["pain_before"], 5);
    assert!(d.amendments().is_empty(), "nothing was rated after");
    let days = std::fs::read_to_string(d.data.join(format!("days-{MACHINE}.jsonl"))).unwrap();
    assert_eq!(days.lines().count(), 1, "{days}");
    assert!(days.contains("\"headache\":true"), "{days}");
}

// ---------------------------------------------------------------------------------------
// Faults

/// Starts `e2e-steps` rated 5 and waits until the long second step runs.
fn mid_step(d: &Dirs) -> Term {
    let mut t = Term::spawn(d, &["run", "e2e-steps"]);
    t.wait_for("How is your head right now?");
    t.send("5");
    t.wait_for("step 2 of 3");
    t
}

/// The session that was cut short in the long step: saved as `outcome`, the first step done.
/// Once the terminal is the shell's again, the program says what it saved.
fn assert_said_saved(t: &Term) {
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    let after = &raw[raw.rfind("\x1b[?1049l").expect("left the alternate screen")..];
    assert!(after.contains("Saved as stopped: "), "{after:?}");
}

fn assert_cut_short(d: &Dirs, outcome: &str) {
    let rec = d.only_record();
    assert_eq!(rec["outcome"], outcome, "{rec}");
    assert_eq!(rec["pain_before"], 5);
    assert_done(&steps(&rec)[0], "Warm up", None);
    assert_eq!(d.in_progress(), Vec::<String>::new());
}

fn signal_mid_step(sig: &str, number: u32) {
    let d = Dirs::new();
    let mut t = mid_step(&d);
    t.signal(sig);
    let exit = t.wait_exit();
    assert_eq!(exit.status.exit_code(), 128 + number, "{:?}", exit.status);
    t.assert_restored(&exit);
    assert_said_saved(&t);
    assert_cut_short(&d, "stopped");
}

#[test]
fn sigterm_mid_step_saves_and_restores() {
    signal_mid_step("TERM", 15);
}

#[test]
fn sighup_mid_step_saves_and_restores() {
    signal_mid_step("HUP", 1);
}

#[test]
fn ctrl_c_mid_step_saves_and_restores() {
    let d = Dirs::new();
    let mut t = mid_step(&d);
    t.send("\x03");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
    assert_said_saved(&t);
    assert_cut_short(&d, "stopped");
}

/// SIGKILL leaves the in-progress snapshot; the next start of any command logs it.
#[test]
fn sigkill_is_recovered_by_the_next_command() {
    let d = Dirs::new();
    let mut t = mid_step(&d);
    t.signal("KILL");
    let exit = t.wait_exit();
    assert!(!exit.status.success());
    assert!(d.records().is_empty(), "nothing logged yet");
    assert!(
        d.in_progress().iter().any(|f| f.ends_with(".json")),
        "{:?}",
        d.in_progress()
    );

    let out = d.run(&["list"]);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("recovered 1 session"), "{err}");
    assert_cut_short(&d, "interrupted");
    assert!(d.run(&["list"]).stderr.is_empty(), "recovered only once");
    assert_eq!(d.records().len(), 1);
}

/// SIGKILL well into a long step keeps the minutes checkpointed during the
/// step (every 12 s), not only those up to the last stage change.
#[test]
fn sigkill_mid_step_keeps_the_time_of_the_step() {
    let d = Dirs::new();
    let mut t = mid_step(&d);
    // 15 s into the 90 s step (99 s were left in the routine when it began): a timed
    // checkpoint was written 12 s in.
    t.wait_for("1:24 left in routine");
    t.signal("KILL");
    let exit = t.wait_exit();
    assert!(!exit.status.success());
    let out = d.run(&["list"]);
    assert!(out.status.success(), "{out:?}");
    let rec = d.only_record();
    assert_eq!(rec["outcome"], "interrupted", "{rec}");
    let long = &steps(&rec)[1];
    assert_eq!(long["title"], "Long hold", "{rec}");
    let kept = secs(&long["active_secs"]);
    assert!(
        (11.0..=16.0).contains(&kept),
        "kept {kept} s of the 15: {rec}"
    );
    assert!(secs(&rec["active_secs"]) >= 13.0, "{rec}");
}

/// A command run while a session is running elsewhere leaves that session alone.
#[test]
fn a_running_session_is_not_recovered() {
    let d = Dirs::new();
    let mut t = mid_step(&d);
    let snapshot = d.in_progress();
    assert!(
        snapshot.iter().any(|f| f.ends_with(".json")),
        "{snapshot:?}"
    );

    let out = d.run(&["list"]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    assert!(d.records().is_empty(), "{}", d.history_text());
    assert_eq!(
        d.in_progress(),
        snapshot,
        "the running session's files stay"
    );

    // Long enough into the step to count as a session (at least 3 s active).
    t.wait_for("1:27");
    t.send("q");
    t.wait_for("Stop this session?");
    t.send("y");
    t.wait_for("E2E steps — stopped early");
    t.send("q");
    t.wait_for("Last session today");
    t.send("q");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
    assert_cut_short(&d, "stopped");
    let id = d.only_record()["id"].as_str().unwrap().to_string();
    assert!(snapshot.contains(&format!("{id}.json")), "{snapshot:?}");
}

/// Two instances ending sessions (and rating them) at the same moment lose nothing.
#[test]
fn two_instances_finishing_at_once() {
    let d = Dirs::new();
    let mut ts = [
        Term::spawn(&d, &["run", "e2e-quick"]),
        Term::spawn(&d, &["run", "e2e-quick"]),
    ];
    for t in ts.iter_mut() {
        t.wait_for("How is your head right now?");
    }
    // Started within moments of each other, the same routine ends within moments too.
    for t in ts.iter_mut() {
        t.send("\r");
    }
    for t in ts.iter_mut() {
        t.wait_to_rate();
    }
    for t in ts.iter_mut() {
        t.send("3");
    }
    for t in ts.iter_mut() {
        t.wait_for("A note for later");
    }
    for t in ts.iter_mut() {
        t.send("\r");
    }
    for t in ts.iter_mut() {
        t.wait_for("Last session today");
        t.send("q");
    }
    for t in ts.iter_mut() {
        let exit = t.wait_exit();
        assert!(exit.status.success());
    }

    let recs = d.records();
    assert_eq!(recs.len(), 2, "{}", d.history_text());
    assert_ne!(recs[0]["id"], recs[1]["id"]);
    assert!(recs.iter().all(|r| r["outcome"] == "completed"));
    let id_of = |v: &Value| v.as_str().expect("an id").to_string();
    let mut amended: Vec<String> = d.amendments().iter().map(|a| id_of(&a["amends"])).collect();
    let mut ids: Vec<String> = recs.iter().map(|r| id_of(&r["id"])).collect();
    amended.sort();
    ids.sort();
    assert_eq!(amended, ids);
    assert_eq!(d.in_progress(), Vec::<String>::new());
}

/// Takes write permission away from a file or directory for as long as it lives.
struct ReadOnly<'a>(&'a Path);

impl<'a> ReadOnly<'a> {
    fn new(path: &'a Path) -> ReadOnly<'a> {
        ReadOnly::set(path, 0o555);
        ReadOnly(path)
    }

    fn set(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { mode } else { mode & 0o666 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// Whether the permissions hold: not for root, who writes anyway.
    fn enforced(&self) -> bool {
        let probe = if self.0.is_dir() {
            std::fs::write(self.0.join(".probe"), b"")
        } else {
            std::fs::OpenOptions::new()
                .append(true)
                .open(self.0)
                .map(|_| ())
        };
        if probe.is_ok() {
            let _ = std::fs::remove_file(self.0.join(".probe"));
            eprintln!(
                "note: permissions do not stop this user (root?) from writing to {}; \
                 the read-only checks are skipped",
                self.0.display()
            );
        }
        probe.is_err()
    }
}

impl Drop for ReadOnly<'_> {
    fn drop(&mut self) {
        ReadOnly::set(self.0, 0o755);
    }
}

/// A data directory that refuses new files (chmod 555): the progress snapshot cannot be
/// kept and the player says so at once, but the history file already there still takes
/// the record, so nothing is lost. With the history file read-only too, the finish screen
/// and plain mode say plainly that the session was not saved, and why, and the history
/// is left as it was.
#[test]
fn read_only_data_directory() {
    let d = Dirs::new();
    let out = d.run(&["log", "massage therapist", "--duration", "60m"]);
    assert!(out.status.success(), "{out:?}");
    let dir = ReadOnly::new(&d.data);
    if !dir.enforced() {
        return;
    }

    let mut t = Term::spawn(&d, &["run", "e2e-quick"]);
    t.wait_for("How is your head right now?");
    t.send("\r");
    t.wait_for("cannot keep the session's progress");
    let s = t.wait_to_rate();
    assert!(s.contains("Saved to your history."), "{s}");
    t.send("q");
    t.wait_for("Last session today");
    t.send("q");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
    let recs = d.records();
    assert_eq!(recs.len(), 2, "{}", d.history_text());
    assert_eq!(recs[1]["routine_id"], "e2e-quick");
    assert_eq!(recs[1]["outcome"], "completed");

    let history = d.data.join(HISTORY);
    let before = d.history_text();
    let file = ReadOnly::new(&history);
    assert!(file.enforced());
    // Plain mode and the app at once.
    let mut plain = crate::common::knotless();
    plain
        .args(["run", "e2e-quick", "--plain"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in d.envs() {
        plain.env(k, v);
    }
    let plain = plain.spawn().expect("run knotless --plain");
    let mut t = Term::spawn(&d, &["run", "e2e-quick"]);
    t.wait_for("How is your head right now?");
    t.send("\r");
    let s = t.wait_to_rate();
    assert!(s.contains("Not saved: cannot write the history"), "{s}");
    assert!(
        s.contains("permission denied"),
        "the reason is not cut off:\n{s}"
    );
    t.send("q");
    t.wait_for("Last session today");
    t.send("q");
    let exit = t.wait_exit();
    t.assert_restored(&exit);

    let out = plain.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Not saved: cannot write the history"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: the session was not saved"),
        "{stderr}"
    );
    assert!(stderr.contains("permission denied"), "{stderr}");
    assert_eq!(d.history_text(), before, "the history is left as it was");
}

/// A panic mid-TUI still gives the terminal back, and the exit code says it failed.
#[test]
fn a_panic_restores_the_terminal() {
    if !cfg!(debug_assertions) {
        eprintln!("note: the test panic exists in debug builds only");
        return;
    }
    let d = Dirs::new();
    let mut t = Term::spawn_env(&d, &["run", "e2e-quick"], &[("KNOTLESS_TEST_PANIC", "1")]);
    let exit = t.wait_exit();
    assert!(!exit.status.success(), "{:?}", exit.status);
    t.assert_restored(&exit);
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(
        raw.contains("test panic"),
        "the panic message is shown:\n{raw}"
    );
}

// ---------------------------------------------------------------------------------------
// Plain mode

fn assert_plain(out: &Output, d: &Dirs) {
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "Get ready · 1 s · first: Quick one",
        "Step 1/2 · Quick one · 2 s",
        "Step 2/2 · Quick two · 2 s",
        "Finished (completed) · 0:04 active",
        "Saved to your history.",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert!(
        !text.contains('\x1b'),
        "no escape codes in plain text:\n{text}"
    );
    let rec = d.only_record();
    assert_eq!(rec["outcome"], "completed");
    assert_done(&steps(&rec)[1], "Quick two", None);
}

#[test]
fn plain_flag_prints_cue_lines() {
    let d = Dirs::new();
    let out = d.run(&["run", "e2e-quick", "--plain"]);
    assert_plain(&out, &d);
}

/// Plain mode ends with the outcome in the app's words: a stopped session is "stopped
/// early", as the finish screen and the history say it.
#[test]
fn plain_mode_says_a_stopped_session_was_stopped_early() {
    let d = Dirs::new();
    let mut t = Term::spawn_env(&d, &["run", "e2e-quick", "--plain"], &[]);
    t.wait_for("How is your head right now?");
    t.send("\r");
    t.wait_for("Step 1/2");
    t.send("q");
    t.wait_for("Stop now?");
    t.send("y");
    t.wait_for("Finished (stopped early) · ");
    t.wait_to_rate();
    t.send("\r");
    t.wait_for("A note to keep with it");
    t.send("\r");
    t.wait_exit();
    assert_eq!(d.only_record()["outcome"], "stopped");
}

#[test]
fn piped_output_is_plain() {
    let d = Dirs::new();
    let out = d.run(&["run", "e2e-quick"]);
    assert_plain(&out, &d);
}

/// A terminal that can only print lines (`TERM=dumb`, or empty: an editor's shell buffer)
/// never gets the app's alternate screen or a colour: the app says plain mode works here
/// (exit 1), and `run` runs its session in plain mode, at the keyboard as usual.
#[test]
fn a_dumb_terminal_gets_plain_mode_not_the_app() {
    for term in ["dumb", ""] {
        let d = Dirs::new();
        let mut t = Term::spawn_env(&d, &[], &[("TERM", term)]);
        t.wait_for("plain mode works here");
        let exit = t.wait_exit();
        assert_eq!(exit.status.exit_code(), 1, "TERM={term:?}");
        assert!(
            !t.raw().contains(&0x1b),
            "TERM={term:?}: an escape was written"
        );

        let mut t = Term::spawn_env(&d, &["run", "e2e-quick"], &[("TERM", term)]);
        t.wait_for("How is your head right now?");
        t.send("\r");
        t.wait_to_rate();
        t.send("\r");
        t.wait_for("A note to keep with it");
        t.send("\r");
        let exit = t.wait_exit();
        assert!(exit.status.success(), "TERM={term:?}: {:?}", exit.status);
        let raw = t.raw();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("Saved to your history."), "{text}");
        assert!(text.contains("plain mode"), "it says why: {text}");
        assert!(
            !raw.contains(&0x1b),
            "TERM={term:?}: an escape was written:\n{text:?}"
        );
        assert_eq!(d.only_record()["outcome"], "completed");
    }
}

// ---------------------------------------------------------------------------------------
// Your own routines in the app

/// The app on home with `editor` (a script, made executable here) as `EDITOR`: "E2E quick"
/// found with the filter and `e` pressed on it.
fn edit_quick_from_home(d: &Dirs, editor: &Path) -> Term {
    std::fs::set_permissions(editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let editor = editor.display().to_string();
    let mut t = Term::spawn_env(d, &[], &[("EDITOR", &editor), ("VISUAL", "")]);
    t.wait_for("E2E quick");
    t.send("/");
    t.send("e2e quick");
    t.wait_for("/e2e quick");
    t.send("\r");
    t.send("e");
    t
}

/// `e` on home hands the terminal to the editor (main screen, line mode and
/// echo on while it runs), takes it back, and the list shows the change without a
/// restart; a file changed in another window shows after the next key.
#[test]
fn edit_from_home_with_a_fake_editor() {
    let d = Dirs::new();
    let modes = d.tmp.path().join("modes-during-edit");
    let editor = d.tmp.path().join("fake-editor");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nstty -a > {modes}\nsed -i 's/^name = \"E2E quick\"/name = \"E2E quick, edited\"/' \"$1\"\n",
            modes = modes.display()
        ),
    )
    .unwrap();
    let mut t = edit_quick_from_home(&d, &editor);
    let s = t.wait_for("E2E quick, edited");
    assert!(!s.contains("error"), "{s}");
    let file = std::fs::read_to_string(d.config.join("routines/e2e-quick.toml")).unwrap();
    assert!(file.contains("name = \"E2E quick, edited\""));
    // While the editor ran, the terminal was the user's: line editing and echo on.
    let during = std::fs::read_to_string(&modes).expect("the editor ran in the terminal");
    let words: Vec<&str> = during
        .split(|c: char| c.is_whitespace() || c == ';')
        .collect();
    for mode in ["icanon", "echo"] {
        assert!(
            words.contains(&mode),
            "{mode} off during the edit:\n{during}"
        );
    }
    // The app left the alternate screen for the editor and came back to it.
    let raw = t.raw();
    let count = |seq: &[u8]| raw.windows(seq.len()).filter(|w| *w == seq).count();
    assert!(count(b"\x1b[?1049h") >= 2 && count(b"\x1b[?1049l") >= 1);

    // A routine written from another window appears at the next key.
    std::fs::write(
        d.config.join("routines/e2e-later.toml"),
        "name = \"E2E added later\"\narea = \"neck\"\nbreathing = \"none\"\n[[steps]]\ntitle = \"T\"\nduration = \"5s\"\n",
    )
    .unwrap();
    // Esc clears the filter; that key also finds the folder changed.
    t.send("\x1b");
    t.wait_for("E2E added later");
    t.send("q");
    let exit = t.wait_exit();
    assert!(exit.status.success(), "{:?}", exit.status);
    t.assert_restored(&exit);
}

/// The edit conversation `e` starts quotes the file it refuses (an unknown key, with its
/// name as written): its lines go through the neutraliser like every command's, so a key
/// carrying a title change or a clipboard write reaches the terminal as `�`, not as a
/// sequence the terminal obeys.
#[test]
fn the_edit_conversation_carries_no_escape() {
    let d = Dirs::new();
    let editor = d.tmp.path().join("hostile-editor");
    // Adds a key that holds a title change, a clipboard write and a zero-width space (TOML
    // escapes, so the file itself stays text).
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '%s\\n' '\"sneaky\\u001b]0;pwned\\u0007\\u001b]52;c;cm0=\\u0007\\u200b\" = 1' >> \"$1\"\n",
    )
    .unwrap();
    let mut t = edit_quick_from_home(&d, &editor);
    t.wait_for("What now?");
    // Keep it as a draft: the routine itself stays as it was.
    t.send("k\r");
    t.wait_for("E2E quick");
    let raw = t.raw();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("sneaky"), "the key is named: {text}");
    for seq in ["\x1b]0;pwned", "\x1b]52;", "\u{200b}"] {
        assert!(!text.contains(seq), "{seq:?} reached the terminal");
    }
    t.send("q");
    let exit = t.wait_exit();
    assert!(exit.status.success(), "{:?}", exit.status);
}

/// `r` on the load errors re-reads the files: a file fixed in another window loads.
#[test]
fn r_rereads_files_after_a_fix() {
    let d = Dirs::new();
    let bad = d.config.join("routines/e2e-broken.toml");
    std::fs::write(
        &bad,
        "name = \"E2E fixed\"\narea = \"nek\"\n[[steps]]\ntitle = \"T\"\nduration = \"5s\"\n",
    )
    .unwrap();
    let mut t = Term::spawn(&d, &[]);
    t.wait_for("E2E quick");
    t.send("G");
    t.wait_for("unknown area");
    std::fs::write(&bad, "name = \"E2E fixed\"\narea = \"neck\"\nbreathing = \"none\"\n[[steps]]\ntitle = \"T\"\nduration = \"5s\"\n").unwrap();
    t.send("r");
    let s = t.wait_for("E2E fixed");
    assert!(!s.contains("unknown area"), "{s}");
    t.send("q");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
}

// ---------------------------------------------------------------------------------------
// Sound and voice

/// A 20 s routine with a fake player and a fake speech command: every cue arrives, in
/// order; the children's junk never reaches the screen; no bell while tones play.
///
/// When each should sound is tested with made-up instants (`tests/suite/cues.rs`); how late
/// they come is measured by `scripts/measure`, not here.
#[test]
fn sound_cues_arrive_in_order_and_keep_off_the_screen() {
    let d = Dirs::new();
    std::fs::write(d.config.join("config.toml"), SOUND_CONFIG).unwrap();
    std::fs::write(d.config.join("routines/e2e-sound.toml"), SOUND_ROUTINE).unwrap();
    let (log, path) = fake_sound_bin(d.tmp.path());
    let cache = d.tmp.path().join("cache");
    let mut t = Term::spawn_env(
        &d,
        &["run", "e2e-sound"],
        &[
            ("PATH", &path),
            ("KNOTLESS_CACHE_DIR", cache.to_str().unwrap()),
        ],
    );
    let want = planned_sound_cues(&d.config, "e2e-sound");
    let got = run_through(&mut t, &log, want.len());
    let exit = t.wait_exit();
    t.assert_restored(&exit);

    let names = |v: &[(f64, String)]| v.iter().map(|c| c.1.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "the cues, in order");
    for n in [
        "step",
        "breathe-in",
        "breathe-out",
        "tick",
        "switch-sides",
        "end",
    ] {
        assert!(names(&got).iter().any(|g| g == n), "no {n} cue: {got:?}");
    }
    assert!(
        names(&got)
            .iter()
            .any(|g| g == "say: Switch to the right side.")
    );
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(!raw.contains("JUNK"), "a child wrote on the screen");
    assert!(!raw.contains('\x07'), "tones were played: no bell");
    // Tones were written once into the cache, not the config or data folders.
    assert!(cache.read_dir().unwrap().next().is_some());
    assert_eq!(d.only_record()["outcome"], "completed");
}

/// No player on PATH: the terminal bell at each step change, and one notice.
#[test]
fn without_a_player_the_bell_rings_and_it_is_said_once() {
    let d = Dirs::new();
    let empty = d.tmp.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let mut t = Term::spawn_env(
        &d,
        &["run", "e2e-quick"],
        &[("PATH", empty.to_str().unwrap())],
    );
    t.wait_for("How is your head right now?");
    t.send("\r");
    t.wait_for("no sound player found");
    t.wait_to_rate();
    t.send("\r");
    t.wait_for("A note for later");
    t.send("\r");
    t.wait_for("Last session today");
    t.send("q");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert_eq!(
        raw.matches("no sound player found").count(),
        1,
        "the notice is shown once"
    );
    // Quick one starts, Quick two starts, the end: three bells (none for the get-ready).
    assert_eq!(raw.matches('\x07').count(), 3, "one bell per step change");
}

/// Plain mode speaks too.
#[test]
fn plain_mode_speaks_the_steps() {
    let d = Dirs::new();
    std::fs::write(d.config.join("config.toml"), SOUND_CONFIG).unwrap();
    std::fs::write(d.config.join("routines/e2e-sound.toml"), SOUND_ROUTINE).unwrap();
    let (log, path) = fake_sound_bin(d.tmp.path());
    let cache = d.tmp.path().join("cache");
    let mut cmd = crate::common::knotless();
    cmd.args(["run", "e2e-sound", "--plain"])
        .env("PATH", &path)
        .env("KNOTLESS_CACHE_DIR", &cache)
        .stdin(Stdio::null());
    for (k, v) in d.envs() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("JUNK"), "{text}");
    // The end line may still be starting as plain mode exits.
    let want = planned_sound_cues(&d.config, "e2e-sound");
    wait_for_cues(&log, want.len(), PATIENCE);
    let got: Vec<String> = read_cue_log(&log).into_iter().map(|c| c.1).collect();
    // The first step's name does not fit in the 1 s get-ready before its chime (speech never
    // runs into a chime): the step, the switch, the right side's step and the end are said.
    let said: Vec<&String> = got.iter().filter(|g| g.starts_with("say: ")).collect();
    assert!(said.len() >= 3, "{got:?}");
    assert!(
        got.contains(&"say: Switch to the right side.".to_string()),
        "{got:?}"
    );
    assert_eq!(got, want.into_iter().map(|c| c.1).collect::<Vec<_>>());
}

/// The diary can be corrected: `y`, then `n` on home leaves one settled answer for today in
/// the day log (not a line per key), and the next start shows it with the keys that change
/// it. In the morning home asks about yesterday first: `d` turns to today.
#[test]
fn y_then_n_on_home_leaves_one_settled_answer_for_today() {
    let d = Dirs::new();
    let mut t = Term::spawn(&d, &[]);
    t.wait_for("No sessions yet");
    let s = t.wait_for("?  y yes · n no");
    if s.contains("Headache yesterday?") {
        t.send("d");
        t.wait_for("Headache today?");
    }
    t.send("y");
    t.wait_for("Headache today.  w worst");
    t.send("n");
    t.wait_for("No headache today.");
    t.send("q");
    let exit = t.wait_exit();
    assert!(exit.status.success(), "{:?}", exit.status);
    t.assert_restored(&exit);
    let today = jiff::Zoned::now().date().to_string();
    let log =
        std::fs::read_to_string(d.data.join(format!("days-{MACHINE}.jsonl"))).expect("the day log");
    assert_eq!(log.lines().count(), 1, "one settled answer: {log}");
    let answer: Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(answer["date"], today.as_str(), "{answer}");
    assert_eq!(answer["headache"], false, "{answer}");

    // Started again the same day: today's answer is there to see and change.
    let mut t = Term::spawn(&d, &[]);
    let s = t.wait_for("No sessions yet");
    if !s.contains("No headache today.") {
        t.wait_for("Headache yesterday?");
        t.send("d");
    }
    t.wait_for("No headache today.  y there was one");
    t.send("q");
    let exit = t.wait_exit();
    assert!(exit.status.success());
    let log = std::fs::read_to_string(d.data.join(format!("days-{MACHINE}.jsonl"))).unwrap();
    assert_eq!(log.lines().count(), 1, "looking changed nothing: {log}");
}

/// A slow history never keeps a key or a signal waiting. The history
/// file is a FIFO no one writes to (it hung the app at a blank screen), and the figures'
/// read is held up for ten minutes by the debug-only `KNOTLESS_TEST_SLOW_READ_MS`
/// (it held the lock the signal thread needs): help still opens on `?`, and SIGTERM still
/// saves, restores the terminal and exits.
#[test]
fn keys_and_sigterm_are_answered_while_a_slow_history_is_read() {
    let d = Dirs::new();
    let fifo = d.data.join(HISTORY);
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let mut t = Term::spawn_env(&d, &[], &[("KNOTLESS_TEST_SLOW_READ_MS", "600000")]);
    t.wait_for("knotless");
    t.send("?");
    t.wait_for("Everywhere");
    t.signal("TERM");
    let exit = t.wait_exit();
    assert_eq!(exit.status.exit_code(), 128 + 15, "{:?}", exit.status);
    t.assert_restored(&exit);
}

/// The home header counts what `stats` counts: lines the full readers skip (a step's time
/// that cannot be, a pause of years, a record without its outcome or title, a rating that
/// is not a number) are never counted by the header's backwards reader either (it said
/// "6 this week" where `stats` said 1).
#[test]
fn the_home_header_counts_what_stats_counts() {
    let d = Dirs::new();
    let start = jiff::Zoned::now().timestamp() - jiff::SignedDuration::from_mins(10);
    let end = start + jiff::SignedDuration::from_mins(5);
    let good = serde_json::json!({
        "v": 1, "id": "good", "kind": "routine", "routine_id": "e2e-quick", "title": "E2E quick",
        "area": "neck", "started_at": start.to_string(), "ended_at": end.to_string(),
        "planned_secs": 300.0, "active_secs": 290.0, "paused_secs": 0.0, "outcome": "completed",
        "steps": [{"title": "Quick one", "planned_secs": 300.0, "active_secs": 290.0, "status": "done"}]
    });
    let mut lines = vec![good.to_string()];
    let odd: [(&str, &str, Option<serde_json::Value>); 5] = [
        (
            "bad-step",
            "steps",
            Some(
                serde_json::json!([{"title": "x", "planned_secs": 1.0, "active_secs": 1e308, "status": "done"}]),
            ),
        ),
        ("long-pause", "paused_secs", Some(serde_json::json!(1e12))),
        ("no-outcome", "outcome", None),
        ("no-title", "title", None),
        ("bad-rating", "pain_before", Some(serde_json::json!("ten"))),
    ];
    for (id, field, value) in odd {
        let mut v = good.clone();
        let obj = v.as_object_mut().unwrap();
        obj.insert("id".into(), id.into());
        obj.remove(field);
        if let Some(value) = value {
            obj.insert(field.into(), value);
        }
        lines.push(v.to_string());
    }
    std::fs::write(d.data.join(HISTORY), lines.join("\n") + "\n").unwrap();
    let out = d.run(&["stats", "--json"]);
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["totals"]["sessions"], 1, "{stats}");
    let mut t = Term::spawn(&d, &[]);
    let s = t.wait_for("this week");
    assert!(
        s.contains("1 of 3 this week") || s.contains("1 this week"),
        "the header counts one session:\n{s}"
    );
    t.send("q");
    let _ = t.wait_exit();
}

/// History and Stats read the history on a thread of their own: with every read held up
/// (the debug-only `KNOTLESS_TEST_SLOW_READ_MS`), `h` shows "Reading the history…" at
/// once, `q` goes back at once, help opens, and Ctrl-C and SIGTERM save, restore the
/// terminal and exit without waiting for the read (they waited for the whole history).
#[test]
fn history_and_stats_never_keep_keys_or_signals_waiting() {
    for how in ["ctrl-c", "TERM"] {
        let d = Dirs::new();
        let mut t = Term::spawn_env(&d, &[], &[("KNOTLESS_TEST_SLOW_READ_MS", "600000")]);
        t.wait_for("E2E quick");
        t.send("h");
        t.wait_for("Reading the history…");
        // Waiting for a read draws nothing: no frame, not even the synchronised-output marks.
        let drawn = t.raw().len();
        thread::sleep(Duration::from_millis(500));
        assert_eq!(t.raw().len(), drawn, "output while the history is read");
        t.send("q");
        t.wait_gone("Reading the history…");
        t.wait_for("E2E quick");
        t.send("s");
        t.wait_for("Reading the history…");
        t.send("?");
        t.wait_for("Everywhere");
        t.send("?");
        t.wait_gone("Everywhere");
        match how {
            "ctrl-c" => t.send("\x03"),
            sig => t.signal(sig),
        }
        let exit = t.wait_exit();
        if how == "TERM" {
            assert_eq!(exit.status.exit_code(), 128 + 15, "{:?}", exit.status);
        }
        t.assert_restored(&exit);
    }
}
