//! `knotless nudge` and `knotless remind`: the parts of the day outside the app.
//!
//! The nudge reads only the end of the history, the library (for routine lengths) and two
//! small files, asks the pure core what to say, and records that it spoke. It never fails
//! loudly: whatever goes wrong, it says nothing and exits 0 (`--why` tells what happened).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::CliError;
use crate::cli::args::{Global, RemindFormat, Snooze};
use crate::core::nudge::{self, Input, Nudge, Offer};
use crate::core::remind::{self, Schedule, Weekdays};
use crate::library::Library;
use crate::model::format::SafeWriter;
use crate::store::paths::Paths;

/// How long `--notify` waits for notify-send before printing instead.
const NOTIFY_WAIT: Duration = Duration::from_secs(5);

pub fn nudge_cmd(
    g: &Global,
    paths: &Paths,
    notify: bool,
    snooze: Option<Snooze>,
    why: bool,
    out: &mut SafeWriter<impl Write>,
) -> Result<(), CliError> {
    let now = crate::files::now();
    if let Some(s) = snooze {
        return snooze_cmd(paths, s, &now, out);
    }
    let say_why = |reason: &str| {
        if why {
            let _ = writeln!(crate::cli::stderr(), "knotless nudge: silent: {reason}");
        }
    };
    let (Some(data), Some(state_dir)) = (paths.data.as_deref(), paths.state.as_deref()) else {
        say_why("no data or state directory");
        return Ok(());
    };
    let (n, state) = match what_to_say(paths, data, state_dir, &now) {
        Ok(said) => said,
        Err(quiet) => {
            say_why(&quiet.to_string());
            return Ok(());
        }
    };
    // Remember first: if that cannot be done, saying nothing is kinder than saying the same
    // thing at every prompt.
    let spoke = nudge::NudgeState {
        last_spoken: Some(now.date()),
        ..state
    };
    if let Err(e) = crate::store::nudge_state::save(state_dir, &spoke, false) {
        say_why(&format!(
            "could not remember that it spoke ({}): {}",
            crate::store::nudge_state::path(state_dir).display(),
            crate::files::describe(&e)
        ));
        return Ok(());
    }
    if notify && send_notification(&n) {
        return Ok(());
    }
    let flags = crate::cli::app::flags(g);
    let styled = !(flags.no_color || flags.no_color_env) && io::stdout().is_terminal();
    let _ = write_line(out, &n, styled);
    Ok(())
}

/// Why the nudge says nothing (for `--why`).
#[derive(Debug, thiserror::Error)]
enum Quiet {
    #[error("{}", .0.reason())]
    Silence(nudge::Silence),
    #[error(transparent)]
    History(#[from] crate::store::history::HistoryError),
}

/// What to say at `now`, with the state it was decided from; `Err` says why nothing
/// (for `--why`). Reads the config first, and the library and the history's end only when
/// the state and the hours do not already say to keep quiet.
fn what_to_say(
    paths: &Paths,
    data: &Path,
    state_dir: &Path,
    now: &jiff::Zoned,
) -> Result<(Nudge, nudge::NudgeState), Quiet> {
    let config = Library::config_only(paths.config_dir());
    let state = crate::store::nudge_state::load(state_dir);
    if let Some(silence) = nudge::early_silence(&state, config.nudge.hours, now) {
        return Err(Quiet::Silence(silence));
    }
    let lib = Library::load(paths.config_dir());
    let since = now.timestamp() - jiff::SignedDuration::from_hours(24 * nudge::LOOK_BACK_DAYS);
    let recent = crate::store::tail::tail(data, since, nudge::LOOK_BACK_SESSIONS)?;
    let offers: Vec<Offer> = lib
        .routines
        .iter()
        .map(|r| Offer {
            id: r.id.clone(),
            area: r.area.as_str().to_string(),
            length: r.total(),
        })
        .collect();
    let input = Input {
        recent: &recent,
        routines: &offers,
        state: &state,
        hours: lib.config.nudge.hours,
        // Today's answer in the day log (`knotless day yes|no`); unanswered is unknown.
        headache_today: crate::store::days::load(data)
            .ok()
            .and_then(|(log, _)| log.get(now.date()).map(|a| a.headache)),
    };
    let n = nudge::decide(&input, now).map_err(Quiet::Silence)?;
    Ok((n, state))
}

/// The nudge as printed: the command in bold on a terminal, plain text otherwise. The
/// bold is the program's own, written past the neutraliser; the words go through it.
fn write_line(out: &mut SafeWriter<impl Write>, n: &Nudge, styled: bool) -> io::Result<()> {
    if !styled {
        return writeln!(out, "{}", n.text());
    }
    write!(out, "{} — ", n.lead)?;
    out.write_raw(b"\x1b[1m")?;
    write!(out, "{}", n.command)?;
    out.write_raw(b"\x1b[22m")?;
    writeln!(out, " ({})", n.length)
}

fn snooze_cmd(
    paths: &Paths,
    s: Snooze,
    now: &jiff::Zoned,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let state_dir = paths.state_dir()?;
    let mut state = crate::store::nudge_state::load(state_dir);
    let msg = match s {
        Snooze::Off => {
            state.snoozed_until = None;
            "The nudge is back on.".to_string()
        }
        Snooze::For(d) => {
            let until = now.timestamp()
                + jiff::SignedDuration::try_from(d).map_err(|e| CliError::User(e.to_string()))?;
            state.snoozed_until = Some(until.round(jiff::Unit::Second).unwrap_or(until));
            format!(
                "No nudges until {}.",
                crate::model::format::fmt_day_time(&until.to_zoned(now.time_zone().clone()), now)
            )
        }
    };
    crate::store::nudge_state::save(state_dir, &state, true).map_err(|e| {
        CliError::User(format!(
            "could not save {}: {}",
            crate::store::nudge_state::path(state_dir).display(),
            crate::files::describe(&e)
        ))
    })?;
    writeln!(out, "{msg}")?;
    Ok(())
}

/// Sends the nudge through `notify-send` when there is one on PATH and it works in time;
/// false means the caller should print it instead.
fn send_notification(n: &Nudge) -> bool {
    let Some(exe) = find_on_path("notify-send") else {
        return false;
    };
    let child = Command::new(exe)
        .arg("--app-name=knotless")
        .arg("--urgency=low")
        .arg(&n.lead)
        .arg(format!("{} ({})", n.command, n.length))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if start.elapsed() < NOTIFY_WAIT => {
                std::thread::sleep(Duration::from_millis(10))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}

/// The first executable file called `name` in `$PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

// ---------------------------------------------------------------------------------------
// remind

pub struct RemindArgs {
    pub at: Option<u16>,
    pub days: Option<Weekdays>,
    pub print: Option<RemindFormat>,
    pub install: bool,
    pub enable: bool,
    pub remove: bool,
}

pub fn remind_cmd(
    g: &Global,
    paths: &Paths,
    a: RemindArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if a.remove {
        return remove(out);
    }
    let at = a.at.ok_or("say when with --at HH:MM")?;
    let schedule = Schedule {
        at,
        days: a.days.unwrap_or(Weekdays::EVERY_DAY),
    };
    let exe = std::env::current_exe()
        .map_err(|e| CliError::User(format!("cannot tell where the knotless program is: {e}")))?;
    let exe = reminder_word("the knotless program", &exe)?;
    let extra = dir_flags(g)?;
    if a.print != Some(RemindFormat::Cron) {
        remind::check_systemd_program(&exe).map_err(|e| {
            CliError::User(format!(
                "the knotless program ({exe}) cannot go into a systemd unit: {e}; \
                 move it to a plain path, or use --print cron"
            ))
        })?;
    }
    let hours = Library::load(paths.config_dir()).config.nudge.hours;
    if !hours.contains(at) {
        let _ = writeln!(
            crate::cli::stderr(),
            "note: {} is outside the nudge's hours ({hours}), so the reminder would stay silent; \
             change [nudge] hours in config.toml or pick another time",
            format_args!("{:02}:{:02}", at / 60, at % 60)
        );
    }
    match a.print {
        Some(RemindFormat::Systemd) => {
            out.write_all(remind::systemd_text(&schedule, &exe, &extra).as_bytes())?;
            return Ok(());
        }
        Some(RemindFormat::Cron) => {
            out.write_all(remind::cron_text(&schedule, &exe, &extra).as_bytes())?;
            return Ok(());
        }
        None => {}
    }
    // --install
    let dir = unit_dir()?;
    let units = remind::systemd_units(&schedule, &exe, &extra);
    write_atomic(&dir.join(remind::SERVICE_NAME), &units.service)?;
    write_atomic(&dir.join(remind::TIMER_NAME), &units.timer)?;
    writeln!(
        out,
        "Wrote {} and {} (a nudge {}).",
        dir.join(remind::SERVICE_NAME).display(),
        remind::TIMER_NAME,
        schedule.describe()
    )?;
    if a.enable {
        systemctl(&["daemon-reload"])?;
        systemctl(&["enable", "--now", remind::TIMER_NAME])?;
        writeln!(
            out,
            "Enabled: systemctl --user list-timers shows when it runs next."
        )?;
    } else {
        writeln!(out, "To turn it on, run:\n  {}", remind::enable_line())?;
    }
    Ok(())
}

/// `--config-dir`/`--data-dir`/`--state-dir` (or their environment variables) carried into
/// the reminder, so it reads the same files as this run; a folder no reminder can name is
/// refused (see [`reminder_word`]).
fn dir_flags(g: &Global) -> Result<Vec<String>, CliError> {
    let mut v = Vec::new();
    for (flag, dir, what) in [
        ("--config-dir", &g.config_dir, "the config folder"),
        ("--data-dir", &g.data_dir, "the data folder"),
        ("--state-dir", &g.state_dir, "the state folder"),
    ] {
        if let Some(d) = dir {
            let d = std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf());
            v.push(flag.to_string());
            v.push(reminder_word(what, &d)?);
        }
    }
    Ok(v)
}

/// A path as the reminder will name it, or a clear refusal: a path that is not UTF-8, or
/// holds a line break or a control character, cannot be written into a crontab line or a
/// unit file (quoting cannot hold it), and a reminder that names another path would
/// quietly run something else.
fn reminder_word(what: &str, path: &Path) -> Result<String, CliError> {
    let shown = crate::model::format::neutralise(&path.to_string_lossy()).into_owned();
    let Some(text) = path.to_str() else {
        return Err(CliError::User(format!(
            "{what} ({shown}) is not valid UTF-8, so no reminder can name it; move it to a plain path"
        )));
    };
    remind::check_word(text).map_err(|e| {
        CliError::User(format!(
            "{what} ({shown}) cannot go into a reminder: {e}; move it to a plain path"
        ))
    })?;
    Ok(text.to_string())
}

/// `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`.
fn unit_dir() -> Result<PathBuf, CliError> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .ok_or("no home directory: set HOME or XDG_CONFIG_HOME")?;
    Ok(base.join("systemd").join("user"))
}

/// A unit file, replaced whole (systemd reads it as this user: 0600 is enough).
fn write_atomic(path: &Path, text: &str) -> Result<(), CliError> {
    crate::files::write_atomically(
        path,
        text.as_bytes(),
        crate::files::Durability::Synced,
        crate::files::write::PRIVATE_FILE,
    )
    .map_err(|e| {
        CliError::User(format!(
            "cannot write {}: {}",
            path.display(),
            crate::files::describe(&e)
        ))
    })
}

fn systemctl(args: &[&str]) -> Result<(), CliError> {
    let shown = format!("systemctl --user {}", args.join(" "));
    let o = Command::new("systemctl")
        .arg("--user")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            CliError::User(format!(
                "could not run `{shown}`: {e}; the units are installed, run it yourself"
            ))
        })?;
    if o.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&o.stderr);
    Err(CliError::User(format!(
        "`{shown}` failed: {}; the units are installed",
        err.trim().lines().next().unwrap_or("no message")
    )))
}

fn remove(out: &mut dyn Write) -> Result<(), CliError> {
    let dir = unit_dir()?;
    let files = [dir.join(remind::TIMER_NAME), dir.join(remind::SERVICE_NAME)];
    if !files.iter().any(|f| f.exists()) {
        writeln!(
            out,
            "No knotless reminder is installed in {}.",
            dir.display()
        )?;
        return Ok(());
    }
    // Stop it first; if systemd is not there (or not running), removing the files is enough.
    let stopped = find_on_path("systemctl").is_some()
        && systemctl(&["disable", "--now", remind::TIMER_NAME]).is_ok();
    for f in &files {
        match std::fs::remove_file(f) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(CliError::User(format!(
                    "cannot remove {}: {e}",
                    f.display()
                )));
            }
        }
    }
    if stopped {
        let _ = systemctl(&["daemon-reload"]);
    }
    writeln!(
        out,
        "Removed {} and {}{}.",
        files[0].display(),
        remind::SERVICE_NAME,
        if stopped {
            " (stopped and disabled)"
        } else {
            ""
        }
    )?;
    Ok(())
}
