//! `knotless remind`: the printed systemd units and cron line (snapshots), systemd's own
//! check of the units where `systemd-analyze` exists, and `--install`/`--remove` into a
//! temporary `XDG_CONFIG_HOME` with a fake `systemctl`.

use std::path::Path;
use std::process::{Command, Output};

use knotless::core::remind::{self, Schedule, Weekdays};

use crate::text;

const EXE: &str = "/usr/local/bin/knotless";

fn schedule(at: &str, days: &str) -> Schedule {
    let (h, m) = at.split_once(':').unwrap();
    Schedule {
        at: h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap(),
        days: Weekdays::parse(days).unwrap(),
    }
}

#[test]
fn systemd_units_match_snapshots() {
    insta::assert_snapshot!(
        "systemd_mon_wed_fri",
        remind::systemd_text(&schedule("18:00", "mon,wed,fri"), EXE, &[])
    );
    insta::assert_snapshot!(
        "systemd_daily_with_dirs",
        remind::systemd_text(
            &schedule("07:30", "daily"),
            "/home/sam/my tools/knotless",
            &["--data-dir".into(), "/home/sam/sync/knotless 100%".into()]
        )
    );
}

#[test]
fn cron_lines_match_snapshots() {
    insta::assert_snapshot!(
        "cron_mon_wed_fri",
        remind::cron_text(&schedule("18:00", "mon,wed,fri"), EXE, &[])
    );
    insta::assert_snapshot!(
        "cron_weekends_with_dirs",
        remind::cron_text(
            &schedule("09:05", "weekends"),
            "/home/sam/my tools/knotless",
            &["--data-dir".into(), "/home/sam/sync/knotless 100%".into()]
        )
    );
}

fn knotless(xdg: &Path, path_env: &str, args: &[&str]) -> Output {
    crate::common::knotless()
        .args(args)
        .env("XDG_CONFIG_HOME", xdg)
        .env("KNOTLESS_CONFIG_DIR", xdg.join("knotless"))
        .env_remove("KNOTLESS_DATA_DIR")
        .env("HOME", xdg)
        .env("PATH", path_env)
        .output()
        .unwrap()
}

#[test]
fn print_uses_this_binary_and_the_directory_flags() {
    let x = tempfile::tempdir().unwrap();
    let out = knotless(
        x.path(),
        "/usr/bin:/bin",
        &["remind", "--at", "18:00", "--print", "systemd"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exe = crate::BIN;
    let cfg = x.path().join("knotless");
    let expected = remind::systemd_text(
        &schedule("18:00", "daily"),
        exe,
        &["--config-dir".into(), cfg.to_string_lossy().into_owned()],
    );
    assert_eq!(text(&out.stdout), expected);
    let out = knotless(
        x.path(),
        "/usr/bin:/bin",
        &[
            "remind", "--at", "7:05", "--days", "mon-fri", "--print", "cron",
        ],
    );
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains(&format!(
            "5 7 * * 1,2,3,4,5 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u)/bus {exe} --config-dir "
        )),
        "{}",
        text(&out.stdout)
    );
    // Outside the nudge's hours (default 09:00-21:00): a note, since it would stay silent.
    assert!(text(&out.stderr).contains("outside the nudge's hours"));
}

#[test]
fn bad_values_are_bad_usage() {
    let x = tempfile::tempdir().unwrap();
    for args in [
        &["remind", "--at", "blorp", "--print", "cron"][..],
        &["remind", "--at", "25:00", "--print", "cron"],
        &[
            "remind", "--at", "18:00", "--days", "someday", "--print", "cron",
        ],
        &["remind", "--at", "18:00"],
        &["remind", "--at", "18:00", "--print", "launchd"],
        &["remind", "--at", "18:00", "--print", "cron", "--enable"],
        &["remind", "--print", "cron"],
    ] {
        let out = knotless(x.path(), "/usr/bin:/bin", args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(text(&out.stderr).starts_with("error:"), "{args:?}");
    }
}

/// `systemd-analyze`, where it is installed.
fn systemd_analyze() -> Option<&'static str> {
    ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

#[test]
fn systemd_analyze_accepts_the_units() {
    let Some(tool) = systemd_analyze() else {
        println!("skipped: systemd-analyze is not installed, so the units were not verified");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    // The real binary: systemd checks that ExecStart's program exists.
    let u = remind::systemd_units(&schedule("18:00", "mon,wed,fri"), crate::BIN, &[]);
    let service = d.path().join(remind::SERVICE_NAME);
    let timer = d.path().join(remind::TIMER_NAME);
    std::fs::write(&service, &u.service).unwrap();
    std::fs::write(&timer, &u.timer).unwrap();
    let out = Command::new(tool)
        .args(["verify", "--man=no"])
        .arg(&timer)
        .arg(&service)
        .env("SYSTEMD_LOG_LEVEL", "warning")
        .output()
        .unwrap();
    let msg = text(&out.stderr) + &text(&out.stdout);
    assert!(
        out.status.success(),
        "systemd-analyze verify refused the units:\n{msg}"
    );
    // Anything it says about our files is a problem, even with a zero exit.
    assert!(
        !msg.contains("knotless-nudge"),
        "systemd-analyze complained:\n{msg}"
    );
    // And the calendar expression means what the timer's description says.
    let out = Command::new(tool)
        .args(["calendar", &schedule("18:00", "mon,wed,fri").on_calendar()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Normalized form: Mon,Wed,Fri *-*-* 18:00:00"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn install_and_remove_round_trip() {
    let x = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("calls");
    let fake = bin.path().join("systemctl");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$*\" >> '{}'\n", log.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let units = x.path().join("systemd/user");
    let calls = || std::fs::read_to_string(&log).unwrap_or_default();

    let out = knotless(x.path(), &path, &["remind", "--remove"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("No knotless reminder is installed"));

    let out = knotless(
        x.path(),
        &path,
        &[
            "remind",
            "--at",
            "18:00",
            "--days",
            "mon,wed,fri",
            "--install",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected = remind::systemd_units(
        &schedule("18:00", "mon,wed,fri"),
        crate::BIN,
        &[
            "--config-dir".into(),
            x.path().join("knotless").to_string_lossy().into_owned(),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(units.join(remind::SERVICE_NAME)).unwrap(),
        expected.service
    );
    assert_eq!(
        std::fs::read_to_string(units.join(remind::TIMER_NAME)).unwrap(),
        expected.timer
    );
    assert!(text(&out.stdout).contains(&remind::enable_line()));
    assert_eq!(calls(), "", "--install alone runs nothing");

    // Installing again (another time) replaces the files; --enable runs the line.
    let out = knotless(
        x.path(),
        &path,
        &["remind", "--at", "19:30", "--install", "--enable"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::read_to_string(units.join(remind::TIMER_NAME))
            .unwrap()
            .contains("OnCalendar=*-*-* 19:30:00")
    );
    assert_eq!(
        calls(),
        "--user daemon-reload\n--user enable --now knotless-nudge.timer\n"
    );

    let out = knotless(x.path(), &path, &["remind", "--remove"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("stopped and disabled"));
    assert!(!units.join(remind::SERVICE_NAME).exists());
    assert!(!units.join(remind::TIMER_NAME).exists());
    assert!(calls().ends_with("--user disable --now knotless-nudge.timer\n--user daemon-reload\n"));
    // The folder itself is left (it is systemd's, and may hold other units).
    assert!(units.is_dir());
}

#[test]
fn enable_failing_is_one_error_line_and_keeps_the_units() {
    let x = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("systemctl");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let out = knotless(
        x.path(),
        &path,
        &["remind", "--at", "18:00", "--install", "--enable"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: `systemctl --user daemon-reload` failed: Failed to connect to bus"),
        "{err}"
    );
    assert!(
        x.path()
            .join("systemd/user")
            .join(remind::TIMER_NAME)
            .exists()
    );
}

/// The binary hard-linked under `dir` (a folder whose name is the test's point), so
/// `current_exe` names that path; a copy where a link cannot be made.
#[cfg(unix)]
fn binary_in(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let exe = dir.join("knotless");
    if std::fs::hard_link(crate::BIN, &exe).is_err() {
        std::fs::copy(crate::BIN, &exe).unwrap();
    }
    exe
}

/// A line break (or another control character) in the program's path or a folder cannot
/// be quoted in a crontab line or a unit file: `remind` refuses it, saying which path and
/// why, and writes nothing — rather than a reminder that would run something else.
#[cfg(unix)]
#[test]
fn a_path_with_a_line_break_is_refused_clearly() {
    let x = tempfile::tempdir().unwrap();
    let odd = x.path().join("da\nta");
    let odd = odd.to_str().unwrap();
    for print in [
        &["--print", "systemd"][..],
        &["--print", "cron"],
        &["--install"],
    ] {
        let mut args = vec!["--data-dir", odd, "remind", "--at", "18:00"];
        args.extend_from_slice(print);
        let out = knotless(x.path(), "/usr/bin:/bin", &args);
        assert_eq!(out.status.code(), Some(1), "{print:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("the data folder") && err.contains("line break"),
            "{print:?}: {err}"
        );
        assert_eq!(text(&out.stdout), "", "{print:?}: nothing printed");
    }
    assert!(!x.path().join("systemd").exists(), "nothing installed");

    let exe = binary_in(&x.path().join("bin\nhere"));
    let out = Command::new(&exe)
        .args(["remind", "--at", "18:00", "--print", "cron"])
        .env("KNOTLESS_CONFIG_DIR", x.path().join("knotless"))
        .env("HOME", x.path())
        .env("XDG_STATE_HOME", x.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("the knotless program") && err.contains("line break"),
        "{err}"
    );
}

/// Spaces, quotes, `%`, `$`, a backslash and a semicolon are quoted by each format's
/// rules: the cron line, run by `sh` as cron runs it (a `\%` is cron's own escape), starts
/// the very binary with the very folder; systemd accepts the unit (and the one thing it
/// cannot take, a quote in the program's own path, is refused with a way out).
#[cfg(unix)]
#[test]
fn odd_but_quotable_paths_reach_the_command_intact() {
    let x = tempfile::tempdir().unwrap();
    let data = x.path().join("my \"data\" \\ 100%; $x");
    let run = |exe: &Path, print: &str| {
        Command::new(exe)
            .arg("--data-dir")
            .arg(&data)
            .args(["remind", "--at", "18:00", "--print", print])
            .env("KNOTLESS_CONFIG_DIR", x.path().join("knotless"))
            .env("HOME", x.path())
            .env("XDG_STATE_HOME", x.path().join("state"))
            .output()
            .unwrap()
    };
    let quoted = binary_in(&x.path().join("it's 50% $HOME"));
    let out = run(&quoted, "cron");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line = text(&out.stdout)
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap()
        .to_string();
    // The five time fields, then the command as cron hands it to sh.
    let command = line.splitn(6, ' ').nth(5).unwrap().replace("\\%", "%");
    // `day yes` instead of the nudge: it leaves a file in the data folder it was given.
    let command = command.replace(" nudge --notify", " day yes");
    let ran = Command::new("sh")
        .args(["-c", &command])
        .env("HOME", x.path())
        .env("XDG_STATE_HOME", x.path().join("state"))
        .output()
        .unwrap();
    assert!(ran.status.success(), "{command}: {}", text(&ran.stderr));
    let written: Vec<String> = std::fs::read_dir(&data)
        .unwrap_or_else(|e| panic!("{command}: no data folder {}: {e}", data.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        written.iter().any(|n| n.starts_with("days-")),
        "{written:?}"
    );

    // systemd runs no program whose path holds a quote: said, with the way out.
    let out = run(&quoted, "systemd");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--print cron"),
        "{}",
        text(&out.stderr)
    );

    let exe = binary_in(&x.path().join("50% $HOME; a b"));
    let out = run(&exe, "systemd");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let Some(tool) = systemd_analyze() else {
        println!("skipped: systemd-analyze is not installed, so the unit was not verified");
        return;
    };
    let units = tempfile::tempdir().unwrap();
    let service = text(&out.stdout)
        .split("\n# ")
        .next()
        .unwrap()
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let path = units.path().join(remind::SERVICE_NAME);
    std::fs::write(&path, &service).unwrap();
    let out = Command::new(tool)
        .args(["verify", "--man=no"])
        .arg(&path)
        .env("SYSTEMD_LOG_LEVEL", "warning")
        .output()
        .unwrap();
    let msg = text(&out.stderr) + &text(&out.stdout);
    assert!(
        out.status.success() && !msg.contains("knotless-nudge"),
        "{service}\n{msg}"
    );
}
