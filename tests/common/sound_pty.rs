//! Sound cues seen from outside: a routine of cues, a config that sounds them, a fake
//! player and a fake speech command that log when they were started, and the cues the
//! planner expects. For `tests/e2e/tui.rs`: the cues, in order, with the children's junk
//! kept off the screen. (When each cue should sound is tested with made-up instants in
//! `tests/suite/cues.rs`; how late they sound is measured by `scripts/measure`.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use knotless::core::cues::{self, Cue, CueOptions, SpeechLengths};
use knotless::core::session::{Options, Session};
use knotless::library::Library;

use crate::pty::Pty;

/// 20 s with a 1 s get-ready: breathe along 1-7 (in 1 s / out 1 s, then 3-2-1), a 2 s
/// transition, a 3 s step on the left 9-12, switch sides 12-17, the right 17-20.
pub const SOUND_ROUTINE: &str = r#"
name = "E2E sound"
area = "neck"
summary = "Twenty seconds of cues."
breathing = "none"
transition = "2s"

[[steps]]
title = "Breathe along"
duration = "6s"
breathing = "quick"
instructions = "Breathe with the tones."

[[steps]]
title = "Squeeze"
duration = "3s"
sides = "both"
instructions = "Squeeze the shoulder."
say = "Gently."
"#;

pub const SOUND_CONFIG: &str = r#"
get_ready = "1s"
sound = "tones"
voice = "steps"
countdown = true

[patterns.quick]
inhale = "1s"
exhale = "1s"
"#;

/// Fake `pw-play` and `spd-say` that log the time and their argument, and write junk on
/// stdout and stderr. PATH holds only them: a real player or espeak-ng on this machine must
/// not answer instead. The time is bash's `$EPOCHREALTIME` (no second process to start, so
/// less of a loaded machine's start-up delay in it), else `date`, both by full path.
pub fn fake_sound_bin(dir: &Path) -> (PathBuf, String) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("cues.log");
    let (shell, clock) = match which::which("bash") {
        Ok(bash) => (bash, "${EPOCHREALTIME/,/.}".to_string()),
        Err(_) => (
            PathBuf::from("/bin/sh"),
            format!(
                "$('{}' +%s.%N)",
                which::which("date").expect("date(1)").display()
            ),
        ),
    };
    let script = |name: &str, what: &str| {
        let p = bin.join(name);
        let body = format!(
            "#!{}\nprintf '%s %s\\n' \"{clock}\" \"{what}\" >> '{}'\n\
             echo JUNK-FROM-A-CHILD >&2\necho JUNK-FROM-A-CHILD\n",
            shell.display(),
            log.display()
        );
        std::fs::write(&p, body).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    script("pw-play", "$1");
    // `spd-say -w TEXT`: the text is its second argument.
    script("spd-say", "say: $2");
    (log, bin.display().to_string())
}

/// The cues the planner expects for routine `id` of the config folder `config`, as
/// (seconds from the start, name).
pub fn planned_sound_cues(config: &Path, id: &str) -> Vec<(f64, String)> {
    let lib = Library::load(Some(config));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    let r = lib.routine(id).expect("the fixture loads");
    let t0 = Instant::now();
    let s = Session::new(
        r,
        Options {
            get_ready: Duration::from_secs(1),
        },
        "x".into(),
        t0,
    );
    let opts = CueOptions {
        tones: true,
        breath: true,
        countdown: true,
        voice: true,
        ..CueOptions::NONE
    };
    cues::plan(&s, t0, opts, &SpeechLengths::default())
        .into_iter()
        .map(|t| {
            let name = match t.cue {
                Cue::Tone(tone) => tone.name().to_string(),
                Cue::Say(p) => format!("say: {p}"),
            };
            (t.at.duration_since(t0).as_secs_f64(), name)
        })
        .collect()
}

/// The log as (seconds since the epoch, name): a tone file's stem, or "say: …".
pub fn read_cue_log(log: &Path) -> Vec<(f64, String)> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let (ts, what) = l.split_once(' ').expect("time and argument");
            let name = if what.starts_with("say: ") {
                what.to_string()
            } else {
                Path::new(what)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            (ts.parse().expect("a time"), name)
        })
        .collect()
}

/// Starts the session whose first question `t` shows ("How is your head right now?"),
/// waits for `cues` cues in `log` (the end line is spoken just after the end chime, when
/// the session has ended), answers the end's questions and quits. Returns the log.
pub fn run_through(t: &mut Pty, log: &Path, cues: usize) -> Vec<(f64, String)> {
    t.wait_for("How is your head right now?");
    t.send("\r");
    t.wait_to_rate();
    wait_for_cues(log, cues, t.patience);
    t.send("\r");
    t.wait_for("A note for later");
    t.send("\r");
    t.wait_for("Last session today");
    t.send("q");
    read_cue_log(log)
}

/// Waits until `log` holds `cues` cues, or `patience` has passed.
pub fn wait_for_cues(log: &Path, cues: usize, patience: Duration) {
    let start = Instant::now();
    while read_cue_log(log).len() < cues && start.elapsed() < patience {
        thread::sleep(Duration::from_millis(50));
    }
}
