//! The command line as a user runs it: the built binary, its output and exit codes.

use std::path::Path;
use std::process::Command;

use crate::{dirs, knotless, text};

#[test]
fn help_works_and_touches_no_file() {
    let (c, d) = dirs();
    let cfg = c.path().join("nested");
    let data = d.path().join("nested");
    let out = knotless(&cfg, &data, &["--help"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Usage: knotless"));
    assert!(!cfg.exists() && !data.exists());
}

#[test]
fn bad_usage_exits_2() {
    let (c, d) = dirs();
    let out = knotless(c.path(), d.path(), &["list", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let out = knotless(c.path(), d.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_passes_on_the_bundled_set() {
    let (c, d) = dirs();
    let out = knotless(c.path(), d.path(), &["check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("All good: "));
}

#[test]
fn check_reports_path_line_column_and_exits_1() {
    let (c, d) = dirs();
    let f = c.path().join("bad.toml");
    std::fs::write(
        &f,
        "name = \"A\"\narea = \"nek\"\n[[steps]]\ntitle = \"T\"\nduration = \"ten minutes\"\n",
    )
    .unwrap();
    let out = knotless(c.path(), d.path(), &["check", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    let name = f.display();
    assert!(
        s.contains(&format!("{name}:2:8: unknown area \"nek\"")),
        "{s}"
    );
    assert!(
        s.contains(&format!("{name}:5:12: \"ten minutes\" is not a duration")),
        "{s}"
    );
    assert!(s.contains("hint: did you mean `neck`?"), "{s}");
    assert!(s.ends_with("2 problems in 1 file.\n"), "{s}");
}

#[test]
fn check_lists_what_a_user_file_breaks_of_the_guide_and_exits_3() {
    let (c, d) = dirs();
    let f = c.path().join("hard.toml");
    std::fs::write(
        &f,
        "name = \"Hard\"\narea = \"neck\"\nsummary = \"S.\"\ncautions = [\"Self-care only, not medical advice.\"]\n[[steps]]\ntitle = \"Press\"\nduration = \"1m\"\ninstructions = \"Press.\"\ncue = \"In.\"\npressure = 7\nregion = \"suboccipital\"\ntechnique = \"press\"\n",
    )
    .unwrap();
    let out = knotless(c.path(), d.path(), &["check", f.to_str().unwrap()]);
    let s = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{s}");
    assert!(s.contains("warning [pressure-ceiling] step 1"), "{s}");
    assert!(s.contains("warning [between-attacks]"), "{s}");
    assert!(
        s.contains("hard.toml: ⚠ loads, but breaks 3 of the safety limits."),
        "{s}"
    );
    assert!(!s.contains("All good"), "{s}");
}

#[test]
fn check_without_paths_includes_user_files() {
    let (c, d) = dirs();
    std::fs::create_dir(c.path().join("routines")).unwrap();
    std::fs::write(c.path().join("routines/mine.toml"), "name = \"\"\n").unwrap();
    let out = knotless(c.path(), d.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("mine.toml:1:8: the routine's name is empty"));
}

#[test]
fn list_groups_by_area_and_marks_user_routines() {
    let (c, d) = dirs();
    std::fs::create_dir(c.path().join("routines")).unwrap();
    std::fs::write(
        c.path().join("routines/my-jaw.toml"),
        "name = \"My jaw\"\narea = \"jaw\"\n[[steps]]\ntitle = \"T\"\nduration = \"2m\"\n",
    )
    .unwrap();
    let out = knotless(c.path(), d.path(), &["list"]);
    assert!(out.status.success());
    let s = text(&out.stdout);
    let jaw = s.find("JAW\n").expect(&s);
    let mine = s.find("my-jaw").unwrap();
    assert!(mine > jaw);
    let line = s[mine..].lines().next().unwrap();
    assert!(line.contains("(yours)"), "{s}");
    // It has no summary, cautions or cues: it breaks the guide, and says so.
    assert!(s[..mine].ends_with("⚠ "), "{s}");
    assert!(line.ends_with("of the safety limits"), "{s}");

    let out = knotless(c.path(), d.path(), &["list", "--area", "jaw", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert!(items.iter().all(|i| i["area"] == "jaw"));
    let mine = items.iter().find(|i| i["id"] == "my-jaw").unwrap();
    assert_eq!(mine["steps"], 1);
    assert_eq!(mine["duration_secs"], 120);
    assert!(mine["source"].as_str().unwrap().ends_with("my-jaw.toml"));

    let out = knotless(c.path(), d.path(), &["list", "--area", "nek"]);
    assert_eq!(out.status.code(), Some(2), "a bad flag value is bad usage");
    assert!(
        text(&out.stderr).contains("'nek' for '--area <AREA>': unknown area; did you mean `neck`?"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn show_prints_every_step_and_unknown_routines_fail_clearly() {
    let (c, d) = dirs();
    std::fs::create_dir(c.path().join("routines")).unwrap();
    std::fs::write(
        c.path().join("routines/test-show.toml"),
        "name = \"Show me\"\narea = \"neck\"\ncautions = [\"Be gentle.\"]\nbreathing = \"none\"\n\
         [[steps]]\ntitle = \"Press\"\nduration = \"45s\"\npressure = \"3-4\"\nsides = \"both\"\n\
         instructions = \"Press here.\"\ncue = \"Breathe out.\"\ncaution = \"Stop if dizzy.\"\n",
    )
    .unwrap();
    let out = knotless(c.path(), d.path(), &["show", "test-show"]);
    let s = text(&out.stdout);
    assert!(out.status.success(), "{s}");
    for want in [
        "Show me  (test-show)",
        "• Be gentle.",
        "1. Press",
        "left + right, 0:45 each",
        "pressure 3–4 / 10 · no pacer",
        "Cue: Breathe out.",
        "Caution: Stop if dizzy.",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    let out = knotless(c.path(), d.path(), &["show", "no-such-thing"]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(
        e.starts_with("error: no routine matches \"no-such-thing\"; known routines: "),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "one plain line, no backtrace");
}

#[test]
fn patterns_lists_bundled_and_user_patterns() {
    let (c, d) = dirs();
    std::fs::write(
        c.path().join("config.toml"),
        "[patterns.my-calm]\ninhale = \"4s\"\nexhale = \"7s\"\n",
    )
    .unwrap();
    let out = knotless(c.path(), d.path(), &["patterns"]);
    let s = text(&out.stdout);
    assert!(out.status.success());
    let mine = s.lines().find(|l| l.starts_with("my-calm")).expect(&s);
    assert!(
        mine.contains("in 4 · out 7") && mine.contains("5.5/min") && mine.ends_with("(yours)"),
        "{mine}"
    );
}

#[test]
fn completions_are_generated() {
    let (c, d) = dirs();
    let out = knotless(c.path(), d.path(), &["completions", "bash"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("knotless"));
}

/// A command that loads the routine files warns once, one entry per file
/// with its problems inside; one that does not load them says nothing.
#[test]
fn load_warnings_come_once_per_file_and_only_from_commands_that_load_them() {
    let (config, data) = dirs();
    let routines = config.path().join("routines");
    std::fs::create_dir_all(&routines).unwrap();
    std::fs::write(
        routines.join("broken.toml"),
        "name = \"B\"\narea = \"nek\"\nbreathing = \"nonsense\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\n",
    )
    .unwrap();
    let out = knotless(config.path(), data.path(), &["list"]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("warning: 1 file could not be loaded and was skipped"),
        "{err}"
    );
    assert_eq!(err.matches("routines/broken.toml").count(), 1, "{err}");
    assert!(
        err.lines().filter(|l| l.starts_with("    line ")).count() >= 2,
        "{err}"
    );
    for args in [&["history"][..], &["stats"], &["days"]] {
        let out = knotless(config.path(), data.path(), args);
        assert!(
            text(&out.stderr).is_empty(),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// A config.toml with one bad key is not "skipped": its other keys apply, and the warning
/// says which line was ignored.
#[test]
fn a_config_with_a_bad_key_says_only_that_line_was_ignored() {
    let (config, data) = dirs();
    std::fs::write(
        config.path().join("config.toml"),
        "weekly_goal = 5\nthem = \"dim\"\n",
    )
    .unwrap();
    let out = knotless(config.path(), data.path(), &["stats"]);
    let err = text(&out.stderr);
    let out = knotless(config.path(), data.path(), &["list"]);
    let err = err + &text(&out.stderr);
    assert!(!err.contains("skipped"), "{err}");
    assert!(
        err.contains("warning: 1 of your settings was ignored; the rest apply"),
        "{err}"
    );
    assert!(err.contains("line 2:"), "{err}");
    let stats = knotless(config.path(), data.path(), &["stats", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(json["weekly_goal"], 5, "the valid key applies");
}

/// A rating asked as a line: something that is not one is asked once more; the input
/// ending (Ctrl-D) ends the line and says so, so nothing more is asked.
#[test]
fn a_rating_line_asks_once_more_and_knows_the_end_of_input() {
    use knotless::cli::session::{Reply, ask_rating};
    let ask = |typed: &str| {
        let mut out = Vec::new();
        let got = ask_rating(
            "How?",
            &mut std::io::Cursor::new(typed.to_string()),
            &mut out,
        );
        (got, text(&out))
    };
    let (got, said) = ask("abc\n4\n");
    assert_eq!(got, Reply::Rated(4));
    assert!(
        said.contains("(not a number from 0 to 10) 0-10, Enter to skip: "),
        "{said}"
    );
    let (got, said) = ask("abc\n12\n7\n");
    assert_eq!(got, Reply::Skipped);
    assert!(
        said.ends_with("(not a number from 0 to 10: no rating kept)\n"),
        "{said}"
    );
    assert_eq!(ask("\n").0, Reply::Skipped);
    let (got, said) = ask("");
    assert_eq!(got, Reply::Ended);
    assert_eq!(said, "How? 0-10, Enter to skip: \n", "the line is ended");
}

/// The plain `breathe` asks "How is your head right now?" as a line — but
/// only of a person at a terminal: piped input is never taken as a rating.
#[test]
fn plain_breathe_asks_for_a_rating_only_at_a_terminal() {
    let mut out = Vec::new();
    let got = knotless::cli::session::ask_rating_line(
        "How is your head right now?",
        &mut std::io::Cursor::new("6\n"),
        &mut out,
    );
    assert_eq!(got, Some(6));
    assert!(text(&out).starts_with("How is your head right now? 0-10, Enter to skip:"));
    for skip in ["\n", "11\n", "lots\n", ""] {
        let mut out = Vec::new();
        assert_eq!(
            knotless::cli::session::ask_rating_line(
                "How is your head right now?",
                &mut std::io::Cursor::new(skip),
                &mut out
            ),
            None,
            "{skip:?}"
        );
    }

    let (config, data) = dirs();
    std::fs::write(
        config.path().join("config.toml"),
        "get_ready = \"0s\"\nbell = false\n[patterns.quick]\ninhale = \"1s\"\nexhale = \"1s\"\n",
    )
    .unwrap();
    let mut child = crate::common::knotless()
        .args(["breathe", "quick", "--breaths", "3", "--plain"]) // the fewest allowed
        .env("KNOTLESS_CONFIG_DIR", config.path())
        .env("KNOTLESS_DATA_DIR", data.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"7\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains("How is your head"));
    let history = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("history"))
        .unwrap();
    let rec = std::fs::read_to_string(history).unwrap();
    assert!(!rec.contains("pain_before"), "{rec}");
}

/// The display column where `needle` starts in `line` (a CJK character takes two).
fn column_of(line: &str, needle: &str) -> Option<usize> {
    let at = line.find(needle)?;
    Some(knotless::model::format::width(&line[..at]))
}

/// A 28-character Japanese title takes 56 columns: the table measures it so (and cuts it at
/// its 40 columns, with a mark), and every later column stays where the header puts it.
#[test]
fn history_and_stats_keep_their_columns_with_wide_titles() {
    use crate::common::{line, rec};
    let (c, d) = dirs();
    let mut wide = rec("a", "2026-11-20T09:00:00+00:00", "kubi", "neck", 300.0);
    wide.title = "首と肩をゆっくり緩める朝のセルフケアと深い呼吸の時間です".into();
    assert_eq!(wide.title.chars().count(), 28);
    let mut longer = rec("b", "2026-11-21T09:00:00+00:00", "kata", "neck", 300.0);
    longer.title = "肩".repeat(30);
    let mut plain = rec(
        "c",
        "2026-11-22T09:00:00+00:00",
        "neck-release",
        "neck",
        300.0,
    );
    plain.title = "Neck release".into();
    let file: String = [&wide, &longer, &plain].into_iter().map(line).collect();
    std::fs::write(d.path().join("history.jsonl"), file).unwrap();

    let utc = |args: &[&str]| {
        let out = crate::common::knotless()
            .args(args)
            .env("KNOTLESS_CONFIG_DIR", c.path())
            .env("KNOTLESS_DATA_DIR", d.path())
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let table = utc(&["history"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    let area = column_of(lines[0], "Area").unwrap();
    let outcome = column_of(lines[0], "Outcome").unwrap();
    for row in &lines[1..] {
        assert_eq!(column_of(row, "neck"), Some(area), "{table}");
        assert_eq!(column_of(row, "completed"), Some(outcome), "{table}");
    }
    assert!(
        lines.iter().any(|l| l.contains("肩…")),
        "cut with a mark: {table}"
    );

    let stats = utc(&["stats", "--period", "all"]);
    let head = stats
        .lines()
        .find(|l| l.trim_start().starts_with("routine") && l.contains("times"))
        .unwrap_or_else(|| panic!("{stats}"));
    let times = column_of(head, "times").unwrap() + "times".len();
    for title in ["首と肩", "肩肩", "Neck release"] {
        let row = stats.lines().find(|l| l.contains(title)).unwrap();
        // The count ends where its heading ends.
        let count_end = knotless::model::format::width(row.split("  1").next().unwrap()) + 3;
        assert_eq!(count_end, times, "{title}: {stats}");
    }
}

/// Plain mode keeps a session from its first second, as the app does: killed 2 s in (no
/// chance to save), the next command finds its snapshot and logs it as interrupted.
#[test]
fn plain_mode_killed_at_two_seconds_is_recovered() {
    let (config, data) = dirs();
    let mut child = crate::common::knotless()
        .args(["run", "neck-release", "--plain"])
        .env("KNOTLESS_CONFIG_DIR", config.path())
        .env("KNOTLESS_DATA_DIR", data.path())
        .env("KNOTLESS_CACHE_DIR", config.path().join("cache"))
        .env("PATH", "/nonexistent")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    // Two seconds into the session (on a busy machine the program may take a while to get
    // there: the clock starts at its first line).
    let seen = read_until(&mut child, "Get ready");
    assert!(seen.contains("Get ready"), "{seen}");
    std::thread::sleep(std::time::Duration::from_secs(2).saturating_sub(started.elapsed()));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let out = crate::knotless(
        config.path(),
        data.path(),
        &["history", "--format", "jsonl"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("recovered 1 session"),
        "{}",
        text(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["outcome"], "interrupted");
    assert_eq!(lines[0]["routine_id"], "neck-release");
}

/// The window a plain-mode session runs in is closed (its terminal hangs up): the session
/// is saved as stopped and the program ends. (It used to read the dead terminal in a loop
/// for ever, ignoring every later signal.)
#[cfg(unix)]
#[test]
fn plain_mode_whose_terminal_hangs_up_saves_and_ends() {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};
    let (config, data) = dirs();
    let state = tempfile::tempdir().unwrap();
    let out = crate::knotless(config.path(), data.path(), &["notice", "--ack"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (mut master, mut slave) = (0, 0);
    // SAFETY: two out-parameters; no name, modes or size asked for.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty");
    // SAFETY: both were just opened, and each is owned once.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // The program must not hold this side open itself (openpty's are inherited).
    // SAFETY: sets a flag on a descriptor this test owns.
    unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
    let mut cmd = crate::common::knotless();
    cmd.args(["run", "neck-release", "--plain", "--quiet"])
        .env("KNOTLESS_CONFIG_DIR", config.path())
        .env("KNOTLESS_DATA_DIR", data.path())
        .env("KNOTLESS_STATE_DIR", state.path())
        .env("TERM", "xterm-256color")
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave.try_clone().unwrap());
    // SAFETY: only async-signal-safe calls: a new session, with the terminal as its own.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY as _, 0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(slave);
    let mut reader = std::fs::File::from(master.try_clone().unwrap());
    let seen = std::thread::spawn(move || {
        use std::io::Read;
        let mut seen = Vec::new();
        let mut buf = [0; 4096];
        // Up to the first step (the rating asked before it is answered with Enter).
        let mut answered = false;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            let now = String::from_utf8_lossy(&seen).into_owned();
            if !answered && now.contains("Enter to skip") {
                use std::io::Write;
                let _ = (&reader).write_all(b"\r");
                answered = true;
            }
            if now.contains("Step 1/") {
                return now;
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    })
    .join()
    .unwrap();
    assert!(seen.contains("Step 1/"), "{seen}");
    // The window closes: the last handle on the terminal's other side goes.
    drop(master);
    let closed = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if closed.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("still running 30 s after its terminal hung up");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // Ended by the hang-up's SIGHUP, as the app is.
    use std::os::unix::process::ExitStatusExt;
    assert!(
        status.code() == Some(129) || status.signal().is_some(),
        "{status:?}"
    );
    let out = crate::knotless(
        config.path(),
        data.path(),
        &["history", "--format", "jsonl"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0]["outcome"], "stopped",
        "saved by itself, not recovered"
    );
    assert_eq!(
        std::fs::read_dir(state.path().join("in-progress")).map_or(0, |d| d.count()),
        0,
        "nothing left to recover"
    );
}

/// Reads `child`'s standard output until a line holds `text` (or 60 s pass, or it ends);
/// returns what was read.
/// knotless with `args` (a plain session) on `config` and `data`, its output piped, no
/// input and no player or speech to be found.
fn plain_child(config: &Path, data: &Path, args: &[&str]) -> std::process::Child {
    crate::common::knotless()
        .args(args)
        .env("KNOTLESS_CONFIG_DIR", config)
        .env("KNOTLESS_DATA_DIR", data)
        .env("PATH", "/nonexistent")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn read_until(child: &mut std::process::Child, text: &str) -> String {
    use std::io::BufRead;
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let want = text.to_string();
    std::thread::spawn(move || {
        let mut seen = String::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(&want) {
                break;
            }
        }
        let _ = tx.send(seen);
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_default()
}

/// Plain mode says what the screens say before a session: on a fresh data folder the
/// notice with its warning signs, then the routine's own cautions, before step 1; a held
/// breath's caution before `breathe box`.
#[test]
fn plain_mode_prints_the_notice_and_the_cautions_before_the_first_step() {
    let (config, data) = dirs();
    std::fs::write(config.path().join("config.toml"), "get_ready = \"0s\"\n").unwrap();
    let run = |args: &[&str], until: &str| {
        let mut child = plain_child(config.path(), data.path(), args);
        // Up to the first step's line; then stopped (saved as stopped).
        let seen = read_until(&mut child, until);
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        child.wait().unwrap();
        seen
    };
    let out = run(&["run", "neck-release", "--plain"], "Step 1/");
    let at = |what: &str| {
        out.find(what)
            .unwrap_or_else(|| panic!("{what:?} missing from:\n{out}"))
    };
    let step1 = at("Step 1/");
    assert!(at("Important — please read") < step1);
    assert!(at("thunderclap") < step1, "the warning signs come first");
    assert!(at("knotless notice --ack") < step1);
    let lib = knotless::library::Library::load(None);
    let routine = lib.routine("neck-release").unwrap();
    for c in &routine.cautions {
        assert!(at(c) < step1, "the routine's caution {c:?} before step 1");
    }
    // The routine is named, with its length, as the before screen's head names it.
    assert!(at(&format!("{} · ", routine.name)) < step1, "{out}");
    if !routine.equipment.is_empty() {
        assert!(at(&format!("You need: {}", routine.equipment.join(", "))) < step1);
    }
    let out = run(&["breathe", "box", "--plain"], "Breathing: box");
    let pattern = lib.find_pattern("box").unwrap();
    let caution = knotless::core::rules::caution_for(pattern).expect("box has holds");
    let caution_at = out
        .find(caution)
        .unwrap_or_else(|| panic!("no hold caution:\n{out}"));
    let start = out
        .find("Breathing: box")
        .unwrap_or_else(|| panic!("no start:\n{out}"));
    assert!(caution_at < start, "the hold caution first:\n{out}");
}

/// Plain mode's first line names whose the routine is, in the words `list` uses: nothing
/// for a bundled routine, "yours" for the user's own, "yours, replaces bundled" for their
/// file that takes a bundled routine's place.
#[test]
fn plain_mode_says_whose_routine_it_is() {
    let (config, data) = dirs();
    std::fs::write(config.path().join("config.toml"), "get_ready = \"0s\"\n").unwrap();
    let routines = config.path().join("routines");
    std::fs::create_dir(&routines).unwrap();
    let bundled = knotless::library::edit::source_text(
        knotless::library::Library::load(None)
            .routine("neck-release")
            .unwrap(),
    )
    .unwrap();
    std::fs::write(routines.join("neck-release.toml"), &bundled).unwrap();
    std::fs::write(
        routines.join("my-neck.toml"),
        knotless::library::edit::template("my-neck"),
    )
    .unwrap();
    let first_line = |id: &str| {
        let mut child = plain_child(config.path(), data.path(), &["run", id, "--plain"]);
        let seen = read_until(&mut child, " steps");
        child.kill().unwrap();
        child.wait().unwrap();
        seen.lines().last().unwrap_or_default().to_string()
    };
    assert_eq!(
        first_line("neck-release"),
        "Neck release between sessions · yours, replaces bundled · 10 min · 8 steps"
    );
    assert_eq!(first_line("my-neck"), "My neck · yours · 2 min · 2 steps");
    let desk = first_line("desk-reset");
    assert!(desk.starts_with("Desk-break reset · 5 min · "), "{desk}");
}

/// `knotless notice` (and plain mode, which prints the same lines) gives the notice in the
/// first-run screen's order and words: the warning signs under the same heading, then the
/// emergency line, then when to get advice the same day.
#[test]
fn the_notice_is_printed_in_the_screens_order() {
    let (config, data) = dirs();
    let out = crate::knotless(config.path(), data.path(), &["notice"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle}: {s}"));
    let order = [
        at("Important — please read"),
        at("It is not medical advice"),
        at("Get medical help instead of a routine if you have:"),
        at("  - A headache that reaches its worst"),
        at("  - New, severe or unusual neck pain"),
        at("Call your local emergency number now"),
        at("Get urgent same-day advice"),
    ];
    assert!(order.is_sorted(), "{order:?}\n{s}");
}
