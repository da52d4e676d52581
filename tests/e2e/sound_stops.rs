//! Sound that stops: the real binary with stand-in players that record their process ids,
//! and the processes looked at directly. `m` silences at once, a skip never leaves two
//! sounds playing, nothing of ours outlives the app, the end line waits for the end chime,
//! and `volume = 0` starts nothing at all.
//!
//! These check which processes are alive, not how fast anything ran: by the time the screen
//! says "sound muted", or the app is gone, every player has been killed (it is gone, a
//! zombie, or its SIGKILL is pending: it is as good as dead, however busy the machine), and
//! every wait for something to happen is generous. How soon a key is answered is measured by
//! `scripts/measure`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use crate::tui::{Dirs, PATIENCE, Term};

/// Long steps, so no timer races the keys; a phrase at the start of each.
const ROUTINE: &str = r#"
name = "Stop fixture"
area = "neck"
summary = "Long steps to stop sound in."
breathing = "none"
transition = "5s"

[[steps]]
title = "First"
duration = "60s"
instructions = "Rest."

[[steps]]
title = "Second"
duration = "60s"
instructions = "Rest."

[[steps]]
title = "Third"
duration = "60s"
instructions = "Rest."
"#;

/// Two seconds, to reach the end chime and the end line soon.
pub(crate) const SHORT: &str = r#"
name = "Short fixture"
area = "neck"
summary = "Two seconds."
breathing = "none"

[[steps]]
title = "Only"
duration = "2s"
instructions = "Rest."
"#;

const CONFIG: &str =
    "get_ready = \"3s\"\nsound = \"tones\"\nvoice = \"steps\"\nask_ratings = false\n";

/// How the stand-in players take their time.
#[derive(Clone, Copy)]
pub(crate) enum Plays {
    /// Five seconds, whatever they are given.
    FiveSeconds,
    /// As long as the WAV file they are given (22050 Hz, 16-bit mono), like a real player.
    TheFile,
}

/// A folder of stand-in `pw-play` and `spd-say` (and, with `render`, an `espeak-ng` that
/// renders by copying a fixture WAV), each recording "<its pid> <its sleep's pid>" in
/// `pids` and "start|end <time> <what>" in `events`. Nothing else is on their PATH.
pub(crate) struct Fakes {
    bin: PathBuf,
    log: PathBuf,
}

fn tool(name: &str) -> String {
    which::which(name)
        .unwrap_or_else(|_| panic!("{name}(1) is needed"))
        .display()
        .to_string()
}

impl Fakes {
    pub(crate) fn new(dir: &Path, plays: Plays, render: bool) -> Fakes {
        let bin = dir.join("bin");
        let log = dir.join("log");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&log).unwrap();
        let (sleep, date, stat) = (tool("sleep"), tool("date"), tool("stat"));
        let basename = tool("basename");
        let length = match plays {
            Plays::FiveSeconds => "d=5".to_string(),
            Plays::TheFile => format!(
                "ms=$(( ($({stat} -c %s \"$1\") - 44) * 1000 / 44100 )); d=$((ms / 1000)).$(printf %03d $((ms % 1000)))"
            ),
        };
        let player = |what: &str, length: &str| {
            format!(
                "#!/bin/sh\n{length}\n{sleep} \"$d\" &\nchild=$!\n\
                 echo \"$$ $child\" >> '{log}/pids'\n\
                 if (: > /dev/tty) 2>/dev/null; then echo \"tty 0 {what}\" >> '{log}/events'; fi\n\
                 echo \"start $({date} +%s.%N) {what}\" >> '{log}/events'\n\
                 wait $child\n\
                 echo \"end $({date} +%s.%N) {what}\" >> '{log}/events'\n",
                log = log.display()
            )
        };
        write_script(
            &bin.join("pw-play"),
            &player(&format!("$({basename} \"$1\")"), &length),
        );
        write_script(&bin.join("spd-say"), &player("say", "d=5"));
        if render {
            let wav = dir.join("phrase.wav");
            write_phrase_wav(&wav);
            let cp = tool("cp");
            // With `-w FILE` it renders; without, it speaks live. The text comes last.
            let live = player("live", "d=5");
            write_script(
                &bin.join("espeak-ng"),
                &format!(
                    "#!/bin/sh\nfile=; prev=\nfor a in \"$@\"; do\n  [ \"$prev\" = -w ] && file=\"$a\"\n  prev=\"$a\"\ndone\n\
                     if [ -z \"$file\" ]; then\n{}\nexit\nfi\n\
                     echo \"render $({date} +%s.%N) $prev\" >> '{log}/events'\n{sleep} 0.05\n\
                     {cp} '{wav}' \"$file\"\necho \"rendered $({date} +%s.%N) $prev\" >> '{log}/events'\n",
                    live.trim_start_matches("#!/bin/sh\n"),
                    log = log.display(),
                    wav = wav.display()
                ),
            );
        }
        Fakes { bin, log }
    }

    pub(crate) fn path(&self) -> String {
        self.bin.display().to_string()
    }

    /// Every process id the players recorded.
    fn pids(&self) -> Vec<u32> {
        std::fs::read_to_string(self.log.join("pids"))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    /// The recorded processes still alive.
    fn alive(&self) -> Vec<u32> {
        self.pids().into_iter().filter(|p| alive(*p)).collect()
    }

    /// The recorded processes alive and not killed.
    fn not_killed(&self) -> Vec<u32> {
        self.pids().into_iter().filter(|p| !killed(*p)).collect()
    }

    pub(crate) fn events(&self) -> Vec<(String, f64, String)> {
        std::fs::read_to_string(self.log.join("events"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let mut w = l.splitn(3, ' ');
                Some((
                    w.next()?.to_string(),
                    w.next()?.parse().ok()?,
                    w.next().unwrap_or_default().to_string(),
                ))
            })
            .collect()
    }

    /// Waits until a player is alive.
    fn wait_for_a_sound(&self) {
        let start = Instant::now();
        while self.alive().is_empty() {
            assert!(start.elapsed() < PATIENCE, "no sound started");
            thread::sleep(Duration::from_millis(10));
        }
    }
}

fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// 1.2 s of a quiet 300 Hz tone, as a speech engine would write it.
fn write_phrase_wav(path: &Path) {
    let rate = 22_050u32;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(rate * 12 / 10) {
        let t = f64::from(i) / f64::from(rate);
        w.write_sample(((std::f64::consts::TAU * 300.0 * t).sin() * 6000.0) as i16)
            .unwrap();
    }
    w.finalize().unwrap();
}

/// Whether a process is running: it exists, is not a zombie, and is one of the stand-ins
/// (a recycled id is someone else).
fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some((head, rest)) = stat.split_once(") ") else {
        return false;
    };
    let comm = head.split_once('(').map(|(_, c)| c).unwrap_or_default();
    let state = rest.chars().next();
    ["sleep", "pw-play", "spd-say", "espeak-ng"].contains(&comm)
        && !matches!(state, Some('Z' | 'X'))
}

/// Whether a process is gone or on its way: not [`alive`], or sent a SIGKILL it has not
/// acted on yet (the kernel keeps it pending in the process's shared signals until the
/// process is reaped; a busy machine may take a while to run it to its end).
fn killed(pid: u32) -> bool {
    if !alive(pid) {
        return true;
    }
    const SIGKILL_BIT: u64 = 1 << (libc::SIGKILL - 1);
    std::fs::read_to_string(format!("/proc/{pid}/status")).map_or(true, |status| {
        status.lines().any(|l| {
            l.strip_prefix("ShdPnd:")
                .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
                .is_some_and(|pending| pending & SIGKILL_BIT != 0)
        })
    })
}

pub(crate) fn dirs(routine: &str) -> Dirs {
    let d = Dirs::new();
    std::fs::write(d.config.join("config.toml"), CONFIG).unwrap();
    std::fs::write(d.config.join("routines/stop-fixture.toml"), routine).unwrap();
    d
}

fn spawn(d: &Dirs, fakes: &Fakes, args: &[&str]) -> Term {
    let cache = d.tmp.path().join("cache");
    Term::spawn_env(
        d,
        args,
        &[
            ("PATH", &fakes.path()),
            ("KNOTLESS_CACHE_DIR", cache.to_str().unwrap()),
        ],
    )
}

/// The long fixture started in the app, its get-ready phrase playing (for five seconds).
fn speaking() -> (Dirs, Fakes, Term) {
    let (d, fakes, t) = begun(ROUTINE, Plays::FiveSeconds, false);
    fakes.wait_for_a_sound();
    (d, fakes, t)
}

/// `routine` run with the stand-in players, past its cautions (Enter pressed).
fn begun(routine: &str, plays: Plays, render: bool) -> (Dirs, Fakes, Term) {
    let d = dirs(routine);
    let fakes = Fakes::new(d.tmp.path(), plays, render);
    let mut t = spawn(&d, &fakes, &["run", "stop-fixture"]);
    t.wait_for("Press Enter when you are ready.");
    t.send("\r");
    (d, fakes, t)
}

/// Waits `total`, looking at the processes every few milliseconds: the most playing at once
/// (alive and not killed: a sound stopped for the next is killed before the next starts,
/// and may take a moment to go on a busy machine).
fn most_alive_over(fakes: &Fakes, total: Duration) -> usize {
    let start = Instant::now();
    let mut most = 0;
    while start.elapsed() < total {
        // A player and the sleep it started are one sound: count the players' groups.
        let groups = fakes
            .pids()
            .chunks(2)
            .filter(|g| g.iter().any(|p| !killed(*p)))
            .count();
        most = most.max(groups);
        thread::sleep(Duration::from_millis(3));
    }
    most
}

#[test]
fn m_silences_a_phrase_at_once() {
    let (_d, fakes, mut t) = begun(ROUTINE, Plays::FiveSeconds, false);
    // The get-ready says the first step: a phrase that would go on for five seconds.
    fakes.wait_for_a_sound();
    // Looked at once the screen says so, not timed from the key: how soon a key is
    // answered on a busy machine is not this test's business (`scripts/measure` times it),
    // but a sound not yet stopped when the screen says "sound muted" would be.
    t.send("m");
    t.wait_for("sound muted");
    assert_eq!(
        fakes.not_killed(),
        Vec::<u32>::new(),
        "still playing when the screen said \"sound muted\": {:?}",
        fakes.events()
    );
    // A player never has the terminal to write on.
    assert!(
        !fakes.events().iter().any(|(kind, ..)| kind == "tty"),
        "a player could open the terminal: {:?}",
        fakes.events()
    );
    t.send("\x03");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
}

/// `sound test` stopped with Ctrl-C (SIGINT), SIGTERM or SIGHUP ends at once, and the cue
/// it was playing with it, script, sleep and all.
#[test]
fn a_signal_stops_sound_test_and_its_cue() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let d = dirs(ROUTINE);
        let fakes = Fakes::new(d.tmp.path(), Plays::FiveSeconds, false);
        let mut child = crate::common::knotless()
            .arg("sound")
            .arg("test")
            .env("PATH", fakes.path())
            .env("KNOTLESS_CACHE_DIR", d.tmp.path().join("cache"))
            .envs(d.envs())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        fakes.wait_for_a_sound();
        // SAFETY: a signal to the child this test started (not yet reaped).
        unsafe { libc::kill(child.id() as libc::pid_t, sig) };
        let sent = Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            assert!(sent.elapsed() < PATIENCE, "sound test still running");
            thread::sleep(Duration::from_millis(10));
        };
        assert_eq!(status.code(), Some(128 + sig), "{status:?}");
        assert_eq!(
            fakes.not_killed(),
            Vec::<u32>::new(),
            "signal {sig}: {:?}",
            fakes.events()
        );
    }
}

#[test]
fn skipping_twice_never_plays_two_sounds_at_once() {
    let (_d, fakes, mut t) = speaking();
    // → → : into the first step (its chime), then its transition (the next phrase), each
    // while the one before still plays; and again.
    t.send("\x1b[C\x1b[C");
    let most = most_alive_over(&fakes, Duration::from_millis(1500));
    t.send("\x1b[C\x1b[C");
    let most = most.max(most_alive_over(&fakes, Duration::from_millis(1500)));
    assert!(fakes.pids().len() >= 6, "{:?}", fakes.events());
    assert_eq!(most, 1, "two sounds played at once: {:?}", fakes.events());
    t.send("\x03");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
}

#[test]
fn ctrl_c_leaves_no_sound_behind() {
    let (_d, fakes, mut t) = speaking();
    t.send("\x03");
    let exit = t.wait_exit();
    assert_eq!(
        fakes.not_killed(),
        Vec::<u32>::new(),
        "a sound outlived the app"
    );
    t.assert_restored(&exit);
}

#[test]
fn quitting_leaves_no_sound_behind() {
    let (_d, fakes, mut t) = begun(SHORT, Plays::FiveSeconds, false);
    // The session ends by itself; the end chime plays (for five seconds, here) while the
    // finish screen shows, and the app is quit from it.
    t.wait_for("A note for later");
    fakes.wait_for_a_sound();
    t.send("\r");
    t.wait_until("home", |s| {
        s.contains("knotless") && !s.contains("A note for later")
    });
    t.send("q");
    let exit = t.wait_exit();
    assert_eq!(
        fakes.not_killed(),
        Vec::<u32>::new(),
        "a sound outlived the app"
    );
    assert!(exit.status.success(), "{:?}", exit.status);
    t.assert_restored(&exit);
}

#[test]
fn the_end_line_waits_for_the_end_chime() {
    let (_d, fakes, mut t) = begun(SHORT, Plays::TheFile, true);
    t.wait_for("A note for later");
    let most = most_alive_over(&fakes, Duration::from_millis(500));
    // The end line ends about 3.5 s after the end chime starts.
    let line_ended = |ev: &[(String, f64, String)]| {
        let chime = ev.iter().position(|e| e.0 == "start" && e.2 == "end.wav");
        chime.is_some_and(|c| {
            ev[c + 1..]
                .iter()
                .find(|e| e.0 == "start")
                .is_some_and(|line| {
                    ev.iter()
                        .any(|e| e.0 == "end" && e.2 == line.2 && e.1 >= line.1)
                })
        })
    };
    let start = Instant::now();
    while !line_ended(&fakes.events()) {
        assert!(
            start.elapsed() < PATIENCE,
            "the end line never ended: {:?}",
            fakes.events()
        );
        thread::sleep(Duration::from_millis(20));
    }
    let most = most.max(most_alive_over(&fakes, Duration::from_millis(100)));
    t.send("\r");
    t.wait_until("home", |s| {
        s.contains("knotless") && !s.contains("A note for later")
    });
    t.send("q");
    let exit = t.wait_exit();
    t.assert_restored(&exit);

    let ev = fakes.events();
    let at = |kind: &str, what: &str| {
        ev.iter()
            .find(|e| e.0 == kind && e.2.contains(what))
            .unwrap_or_else(|| panic!("no {kind} {what}: {ev:?}"))
            .1
    };
    let chime_ends = at("end", "end.wav");
    let plays: Vec<&(String, f64, String)> = ev.iter().filter(|e| e.0 == "start").collect();
    let line = plays.last().expect("sounds");
    assert!(
        !line.2.contains("end.wav"),
        "the end line came last: {ev:?}"
    );
    assert!(
        line.1 >= chime_ends,
        "the end line started {:.0} ms before the end chime ended: {ev:?}",
        (chime_ends - line.1) * 1000.0
    );
    assert_eq!(most, 1, "two sounds at once: {ev:?}");
}

/// `volume = 0`: a whole routine with tones, voice and every cue on starts no player, no
/// speech and no render — and `sound test` says the sound is off.
#[test]
fn volume_zero_starts_nothing_in_a_whole_routine() {
    let d = dirs(SHORT);
    std::fs::write(
        d.config.join("config.toml"),
        "get_ready = \"1s\"\nsound = \"tones\"\nvoice = \"full\"\ncountdown = true\ntime_left = \"half\"\nvolume = 0\n",
    )
    .unwrap();
    let fakes = Fakes::new(d.tmp.path(), Plays::FiveSeconds, true);
    let run = |args: &[&str]| {
        let mut cmd = crate::common::knotless();
        cmd.args(args)
            .env("PATH", fakes.path())
            .env("KNOTLESS_CACHE_DIR", d.tmp.path().join("cache"))
            .stdin(Stdio::null());
        for (k, v) in d.envs() {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(&["run", "stop-fixture", "--plain"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Finished (completed)"),
        "{out:?}"
    );
    let out = run(&["sound", "test"]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("the sound is off: volume = 0"), "{said}");
    assert_eq!(fakes.events(), Vec::new(), "something was started");
    assert_eq!(fakes.pids(), Vec::<u32>::new());
}

/// A routine of two hours (110 steps, three versions of each phrase): its cautions show
/// while the phrases are rendered in the background, never more than two at once, and the
/// renders still running are stopped when the app quits.
#[test]
fn a_two_hour_routine_renders_its_phrases_two_at_a_time() {
    let mut routine = String::from(
        "name = \"Two hours\"\narea = \"breathing\"\nsummary = \"A long one.\"\nbreathing = \"extended-exhale\"\ntransition = \"5s\"\n",
    );
    for i in 1..=110 {
        routine.push_str(&format!(
            "\n[[steps]]\ntitle = \"Slow breathing round {i}\"\nduration = \"60s\"\ninstructions = \"Breathe slowly.\"\ncue = \"Let the shoulders drop.\"\n"
        ));
    }
    let d = dirs(&routine);
    let fakes = Fakes::new(d.tmp.path(), Plays::TheFile, true);
    let mut t = spawn(&d, &fakes, &["run", "stop-fixture"]);
    t.wait_for("Press Enter when you are ready.");
    // Renders go on behind the cautions.
    let start = Instant::now();
    while fakes.events().iter().filter(|e| e.0 == "rendered").count() < 20 {
        assert!(start.elapsed() < PATIENCE, "{:?}", fakes.events());
        thread::sleep(Duration::from_millis(50));
    }
    t.send("\x03");
    let exit = t.wait_exit();
    t.assert_restored(&exit);
    // However many there are, no more than two at once: each render's span, from the
    // moment it began to the moment its file was in place.
    let ev = fakes.events();
    let mut spans: Vec<(f64, f64)> = Vec::new();
    let mut open: Vec<(f64, String)> = Vec::new();
    for (kind, at, what) in &ev {
        match kind.as_str() {
            "render" => open.push((*at, what.clone())),
            "rendered" => {
                if let Some(i) = open.iter().position(|o| &o.1 == what) {
                    spans.push((open.remove(i).0, *at));
                }
            }
            _ => {}
        }
    }
    assert!(spans.len() >= 20, "{} renders", spans.len());
    // Those stopped at the quit never finished: they ran to the end.
    spans.extend(open.iter().map(|o| (o.0, f64::INFINITY)));
    let most = spans
        .iter()
        .map(|(a, _)| spans.iter().filter(|(b, e)| b <= a && a < e).count())
        .max()
        .unwrap_or(0);
    assert!(most <= 2, "{most} renders at once");
}
