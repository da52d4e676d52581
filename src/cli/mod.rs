//! Runs one command with the resolved paths and library. User errors come back as a
//! plain message for one `error:` line; the exit code is 1 for those.

pub mod args;
pub mod days;
pub mod edit;
pub mod nudge;
pub mod report;
pub mod review;
pub mod routines;
pub mod sound;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::args::{Cli, Command};
use crate::library::Library;
use crate::model::routine::Area;
use crate::store::paths::Paths;

/// Standard error for warnings and errors, through the same neutraliser as every command's
/// output: a file name or a history record never writes an escape sequence there either.
pub fn stderr() -> crate::model::format::SafeWriter<io::StderrLock<'static>> {
    crate::model::format::SafeWriter::new(
        io::stderr().lock(),
        crate::model::format::Neutralise::Replace,
    )
}

/// A message for the user; printed as `error: ...`.
pub type UserError = String;

pub fn run(cli: Cli) -> Result<ExitCode, UserError> {
    let paths = Paths::resolve(
        cli.global.config_dir.clone(),
        cli.global.data_dir.clone(),
        cli.global.state_dir.clone(),
    )
    .map_err(|e| e.to_string())?;
    let recovered = recover(&paths);
    let Some(command) = cli.command else {
        return open_app(&cli.global, &paths, recovered);
    };
    if let Some(m) = &recovered {
        let _ = writeln!(stderr(), "knotless: {m}");
    }
    // The session commands run before stdout is locked: the TUI's signal thread must be
    // able to write to the terminal to restore it.
    let command = match command {
        Command::Run { routine, plain } => return run_cmd(&cli.global, &paths, &routine, plain),
        Command::Breathe {
            pattern,
            length,
            breaths,
            plain,
        } => {
            return breathe_cmd(
                &cli.global,
                &paths,
                pattern.as_deref(),
                length.as_deref(),
                breaths,
                plain,
            );
        }
        other => other,
    };
    // Every line a command prints goes through the one neutraliser: JSON keeps its values
    // (escaped), text loses nothing but control characters and bidi overrides.
    use crate::cli::args::DaysFormat;
    use crate::cli::review::HistoryFormat;
    use crate::model::format::{Neutralise, SafeWriter};
    let json = matches!(
        &command,
        Command::List { json: true, .. }
            | Command::Stats { json: true, .. }
            | Command::History {
                format: HistoryFormat::Jsonl,
                ..
            }
            | Command::Days {
                format: DaysFormat::Jsonl
            }
    );
    let mode = if json {
        Neutralise::JsonEscape
    } else {
        Neutralise::Replace
    };
    let stdout = io::stdout();
    let mut out = SafeWriter::new(PipeOut::new(stdout.lock()), mode);
    let io_err = |e: io::Error| e.to_string();
    match command {
        Command::Completions { shell } => {
            let lib = Library::load(paths.config_dir());
            let mut cmd = with_library_ids(Cli::command(), &lib);
            clap_complete::generate(shell, &mut cmd, "knotless", &mut out);
            if shell == clap_complete::Shell::Fish {
                fish_positionals(&lib, &mut out).map_err(io_err)?;
            }
        }
        Command::List { area, json } => {
            let lib = Library::load(paths.config_dir());
            let area = match area {
                Some(a) => Some(Area::parse(&a).ok_or_else(|| {
                    format!(
                        "unknown area \"{a}\"; {}",
                        crate::library::diag::suggest(&a, &Area::names())
                    )
                })?),
                None => None,
            };
            warn_problems(&lib);
            if json {
                routines::list_json(&lib, area, &mut out).map_err(io_err)?;
            } else {
                routines::list(&lib, area, &mut out).map_err(io_err)?;
            }
        }
        Command::Show { routine } => {
            let lib = Library::load(paths.config_dir());
            warn_problems(&lib);
            let r = routines::find_routine(&lib, &routine)?;
            routines::show(&lib, &r, &mut out).map_err(io_err)?;
        }
        Command::Check { paths: files } => {
            let lib = Library::load(paths.config_dir());
            let ok = routines::check(&lib, &files, &mut out).map_err(io_err)?;
            return Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        Command::Patterns => {
            let lib = Library::load(paths.config_dir());
            warn_problems(&lib);
            routines::patterns(&lib, &mut out).map_err(io_err)?;
        }
        Command::History {
            since,
            until,
            routine,
            format,
        } => history_cmd(&paths, since, until, routine, format, &mut out)?,
        Command::Stats {
            period,
            since,
            json,
            started,
        } => stats_cmd(
            &paths,
            period.period(),
            since.as_deref(),
            json,
            started,
            &mut out,
        )?,
        Command::Report { since, started } => report_cmd(&paths, &since, started, &mut out)?,
        Command::Day {
            answer,
            date,
            migraine,
            worst,
            meds,
            ask,
        } => {
            let data = data_dir(&paths)?;
            if ask {
                let now = jiff::Zoned::now();
                let echo = !std::io::IsTerminal::is_terminal(&io::stdin());
                days::ask_cmd(data, &now, &mut io::stdin().lock(), echo, &mut out)?;
            } else {
                let answer = answer.ok_or("say yes or no, or use --ask")?;
                let flags = days::DayFlags {
                    answer,
                    date,
                    migraine,
                    worst,
                    meds,
                };
                let code = days::day_cmd(data, flags, &mut out)?;
                out.flush().map_err(io_err)?;
                return Ok(code);
            }
        }
        Command::Days { format } => {
            let log = days::load_days(data_dir(&paths)?)?;
            days::write_days(&mut out, &log, format).map_err(io_err)?;
        }
        Command::Sound(crate::cli::args::SoundCommand::Test) => {
            let lib = Library::load(paths.config_dir());
            warn_problems(&lib);
            sound::test(&lib, cli.global.quiet, &mut out).map_err(io_err)?;
        }
        Command::Log {
            what,
            at,
            duration,
            note,
        } => log_cmd(&paths, &what, at.as_deref(), &duration, note, &mut out)?,
        Command::New { id, from } => edit::new_cmd(&paths, &id, from.as_deref(), &mut out)?,
        Command::Edit { routine } => return edit::edit_cmd(&paths, &routine, &mut out),
        Command::Import {
            file,
            replace,
            as_id,
        } => return edit::import_cmd(&paths, &file, replace, as_id.as_deref(), &mut out),
        Command::Share { routine } => edit::share_cmd(&paths, &routine, &mut out)?,
        Command::Nudge {
            notify,
            snooze,
            why,
        } => nudge::nudge_cmd(&cli.global, &paths, notify, snooze, why, &mut out)?,
        Command::Remind {
            at,
            days,
            print,
            install,
            enable,
            remove,
        } => {
            let a = nudge::RemindArgs {
                at,
                days,
                print,
                install,
                enable,
                remove,
            };
            nudge::remind_cmd(&cli.global, &paths, a, &mut out)?
        }
        other => {
            return Err(format!("`{other:?}` is not available in this build yet"));
        }
    }
    out.flush().map_err(io_err)?;
    Ok(ExitCode::SUCCESS)
}

/// The command line with the routine and pattern ids of `lib` as the values its routine
/// and pattern arguments complete to: completions are generated from the library as it is
/// now (run `knotless completions SHELL` again after adding a routine). Typing anything
/// else (part of a name) still works: only completion uses the list.
fn with_library_ids(cmd: clap::Command, lib: &Library) -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    let routines: Vec<PossibleValue> = lib
        .routines
        .iter()
        .map(|r| PossibleValue::new(r.id.clone()).help(r.name.clone()))
        .collect();
    let patterns: Vec<PossibleValue> = lib
        .patterns
        .iter()
        .map(|p| PossibleValue::new(p.id.clone()))
        .collect();
    let routine_arg = |a: clap::Arg| a.value_parser(PossibleValuesParser::new(routines.clone()));
    cmd.mut_subcommand("run", |c| c.mut_arg("routine", routine_arg))
        .mut_subcommand("show", |c| c.mut_arg("routine", routine_arg))
        .mut_subcommand("history", |c| c.mut_arg("routine", routine_arg))
        .mut_subcommand("breathe", |c| {
            c.mut_arg("pattern", |a| {
                a.value_parser(PossibleValuesParser::new(patterns.clone()))
            })
        })
}

/// clap_complete's fish script completes options' values but not positional ones: the
/// routine of `run`/`show` and the pattern of `breathe` are added here, in its own form.
fn fish_positionals(lib: &Library, out: &mut dyn Write) -> io::Result<()> {
    let quote = |s: &str| s.replace('\\', "\\\\").replace('\'', "\\'");
    for sub in ["run", "show"] {
        for r in &lib.routines {
            writeln!(
                out,
                "complete -c knotless -n \"__fish_knotless_using_subcommand {sub}\" -f -a '{}' -d '{}'",
                quote(&r.id),
                quote(&r.name)
            )?;
        }
    }
    for p in &lib.patterns {
        writeln!(
            out,
            "complete -c knotless -n \"__fish_knotless_using_subcommand breathe\" -f -a '{}'",
            quote(&p.id)
        )?;
    }
    Ok(())
}

/// Standard output that treats a closed pipe (`knotless history | head`) as the reader
/// having all it wants, like `cat`: the rest of the output is dropped and the command
/// ends quietly with success rather than with "error: Broken pipe".
pub struct PipeOut<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeOut<W> {
    pub fn new(inner: W) -> Self {
        PipeOut {
            inner,
            closed: false,
        }
    }

    fn absorb<T>(&mut self, r: io::Result<T>, nothing: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(nothing)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for PipeOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.absorb(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.absorb(r, ())
    }
}

/// `knotless` with no command: home (behind the first-run notice if it was never
/// acknowledged).
fn open_app(
    g: &crate::cli::args::Global,
    paths: &Paths,
    recovered: Option<String>,
) -> Result<ExitCode, UserError> {
    crate::app::tui::check_terminal()?;
    let mut env = make_env(g, paths);
    env.status = recovered;
    start_app(env, crate::app::Route::Home)
}

/// The one way into the app: `first`, behind the first-run safety notice when it was
/// never acknowledged (the notice then goes on to `first`).
fn start_app(env: crate::app::Env, first: crate::app::Route) -> Result<ExitCode, UserError> {
    use crate::app::Route;
    let first = if !crate::store::state::notice_needed(env.paths.data.as_deref()) {
        first
    } else {
        Route::Notice {
            review: false,
            then: (!matches!(first, Route::Home)).then(|| Box::new(first)),
        }
    };
    let app = crate::app::App::new(env, first, std::time::Instant::now());
    crate::app::tui::run(app, warm_up).map_err(|e| format!("terminal: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Runs once right after the first frame, and after each saved session, before the
/// history's figures are read.
fn warm_up(env: &mut crate::app::Env) {
    // Lets tests/e2e/tui.rs check that a panic gives the terminal back: it needs a real panic
    // in the real binary, mid-TUI. Debug builds only.
    #[cfg(debug_assertions)]
    if std::env::var_os("KNOTLESS_TEST_PANIC").is_some() {
        panic!("test panic (KNOTLESS_TEST_PANIC is set)");
    }
    // The history itself is read by the event loop, off the app's lock; the day log is
    // small and read here, after the first frame.
    if env.days.is_none() {
        crate::app::summary::refresh_days(env);
    }
}

/// The shared state of the app, from the library, config and flags.
pub fn make_env(g: &crate::cli::args::Global, paths: &Paths) -> crate::app::Env {
    let lib = Library::load(paths.config_dir());
    let flag = g.theme;
    // The comfort choices remembered from the last run (`t`, `m`).
    let state = paths
        .state
        .as_deref()
        .map(crate::store::state::State::load)
        .unwrap_or_default();
    let remembered = state
        .theme
        .as_deref()
        .and_then(crate::model::config::ThemeName::parse);
    let theme = crate::ui::theme::starting_theme(lib.config.theme, remembered, flag, g.no_color);
    let mut env = crate::app::Env::new(lib, paths.clone(), theme, g.quiet);
    env.muted = state.muted.unwrap_or(false);
    env.hooks_enabled = !g.no_hooks;
    env
}

/// Every command starts by moving this machine's own files out of the data folder where
/// older versions kept them (once), moving in sessions kept aside, and logging this
/// machine's sessions whose process died as interrupted; sessions still running in another
/// terminal are left alone. Returns a line for the user when something was moved or
/// recovered.
fn recover(paths: &Paths) -> Option<String> {
    let (dir, state) = (paths.data.as_deref()?, paths.state.as_deref()?);
    let mut err = stderr();
    let relocated = crate::store::relocate::relocate(dir, state);
    for w in &relocated.warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    let mut lines: Vec<String> = relocated.line(state).into_iter().collect();
    match crate::store::recorder::move_pending(state, dir) {
        Ok(m) => {
            for f in &m.unreadable {
                let _ = writeln!(
                    err,
                    "warning: {}: a kept session could not be read; the file was kept",
                    f.display()
                );
            }
            if m.records > 0 {
                lines.push(format!(
                    "moved {} saved-aside session(s) into your history",
                    m.records
                ));
            }
        }
        Err(e) => {
            let _ = writeln!(
                err,
                "warning: sessions kept aside could not be moved yet: {e}"
            );
        }
    }
    if crate::store::history::in_progress_dir(state).exists() {
        match crate::store::history::recover(state, dir) {
            Ok(r) => {
                for w in &r.warnings {
                    let _ = writeln!(err, "warning: {w}");
                }
                let n = r.records.len();
                if n > 0 {
                    lines.push(format!(
                        "recovered {n} session{} that ended unexpectedly (logged as interrupted)",
                        if n == 1 { "" } else { "s" }
                    ));
                }
            }
            Err(e) => {
                let _ = writeln!(err, "warning: {e}");
            }
        }
    }
    (!lines.is_empty()).then(|| lines.join("; "))
}

fn data_dir(paths: &Paths) -> Result<&std::path::Path, UserError> {
    paths.data_dir().map_err(|e| e.to_string())
}

/// Unreadable history lines are skipped with a warning naming each line (at most ten, then
/// a count), on stderr so the output stays clean for spreadsheets and scripts.
fn warn_history(warnings: &[crate::store::history::Warning]) {
    let mut err = stderr();
    for w in warnings.iter().take(10) {
        let _ = writeln!(err, "warning: {w}");
    }
    if warnings.len() > 10 {
        let _ = writeln!(err, "warning: … and {} more", warnings.len() - 10);
    }
}

fn history_cmd(
    paths: &Paths,
    since: Option<String>,
    until: Option<String>,
    routine: Option<String>,
    format: crate::cli::review::HistoryFormat,
    out: &mut dyn Write,
) -> Result<(), UserError> {
    use crate::cli::review::{self, HistoryFormat, HistoryQuery};
    use crate::store::history::Detail;
    let now = jiff::Zoned::now();
    let query = HistoryQuery {
        since: since
            .map(|s| crate::core::when::parse_when(&s, &now))
            .transpose()?,
        until: until
            .map(|s| crate::core::when::parse_until(&s, &now))
            .transpose()?,
        routine,
        area: None,
    };
    let (format, detail) = match format {
        HistoryFormat::Table => (HistoryFormat::Table, Detail::NoSteps),
        HistoryFormat::Csv => (HistoryFormat::Csv, Detail::NoSteps),
        HistoryFormat::Jsonl => (HistoryFormat::Jsonl, Detail::Full),
    };
    // Streamed: the records go straight from the file to the output (the table keeps only
    // a short row per session), so memory stays small however long the history is.
    let mut records = crate::store::history::Records::open(data_dir(paths)?, detail)
        .map_err(|e| e.to_string())?;
    let mut failed = None;
    let matching = records
        .by_ref()
        .map_while(|r| r.map_err(|e| failed = Some(e)).ok())
        .filter(|r| query.matches(r));
    review::write_history(out, matching, format, now.time_zone()).map_err(|e| e.to_string())?;
    if let Some(e) = failed {
        return Err(e.to_string());
    }
    warn_history(records.warnings());
    Ok(())
}

fn stats_cmd(
    paths: &Paths,
    period: crate::core::stats::Period,
    since: Option<&str>,
    json: bool,
    started: Option<jiff::civil::Date>,
    out: &mut dyn Write,
) -> Result<(), UserError> {
    use crate::core::stats::{StatsBuilder, StatsOptions};
    let now = jiff::Zoned::now();
    let cfg = Library::load(paths.config_dir()).config;
    let opts = match since {
        Some(since) => StatsOptions {
            since: Some(crate::core::when::parse_when(since, &now)?),
            ..StatsOptions::new(cfg.weekly_goal)
        },
        None => StatsOptions::for_period(cfg.weekly_goal, period, &now),
    };
    let mut b = StatsBuilder::new(&now, opts);
    let mut sessions = crate::core::days::SessionDays::new(now.time_zone().clone());
    let data = data_dir(paths)?;
    let warnings =
        crate::store::history::for_each(data, crate::store::history::Detail::Figures, |r| {
            b.add(&r);
            sessions.add(&r);
        })
        .map_err(|e| e.to_string())?;
    warn_history(&warnings);
    let stats = b.finish();
    let four_weeks = days::summary(
        data,
        &sessions,
        &now,
        crate::core::days::STATS_WINDOWS,
        started,
    )?;
    let r = if json {
        let both = days::StatsJson {
            stats: &stats,
            headache_days: &four_weeks,
        };
        serde_json::to_writer_pretty(&mut *out, &both)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        crate::cli::review::write_stats_text(out, &stats)
            .and_then(|()| days::write_text(out, &four_weeks))
    };
    r.map_err(|e| e.to_string())
}

fn report_cmd(
    paths: &Paths,
    since: &str,
    started: Option<jiff::civil::Date>,
    out: &mut dyn Write,
) -> Result<(), UserError> {
    let now = jiff::Zoned::now();
    let from = crate::core::when::parse_when(since, &now)?;
    let data = data_dir(paths)?;
    // Only the period's records are kept: the report looks at nothing older. Every record
    // is tallied by day for the 4-week table, which goes back a year.
    let mut sessions = crate::core::days::SessionDays::new(now.time_zone().clone());
    let loaded =
        crate::store::history::load_filtered(data, crate::store::history::Detail::NoSteps, |r| {
            sessions.add(r);
            r.started() >= from
        })
        .map_err(|e| e.to_string())?;
    warn_history(&loaded.warnings);
    let four_weeks = days::summary(
        data,
        &sessions,
        &now,
        crate::core::days::REPORT_WINDOWS,
        started,
    )?;
    crate::cli::report::write_report(out, &loaded.records, Some(from), &now)
        .and_then(|()| days::write_markdown(out, &four_weeks))
        .map_err(|e| e.to_string())
}

fn log_cmd(
    paths: &Paths,
    what: &str,
    at: Option<&str>,
    duration: &str,
    note: Option<String>,
    out: &mut dyn Write,
) -> Result<(), UserError> {
    let now = jiff::Zoned::now();
    if what.trim().is_empty() {
        return Err("say what it was, e.g. knotless log \"massage therapist\"".into());
    }
    let length = crate::library::parse_duration(duration)
        .filter(|d| !d.is_zero() && *d <= std::time::Duration::from_secs(24 * 3600))
        .ok_or_else(|| format!("\"{duration}\" is not a length between 1 second and 24 hours; write it like 60m, 1h 30m or 45 minutes"))?;
    let start = match at {
        Some(s) => crate::core::when::parse_at(s, &now)?,
        None => now.timestamp() - jiff::SignedDuration::try_from(length).unwrap_or_default(),
    };
    let id = crate::store::history::new_id(now.timestamp());
    let rec =
        crate::cli::review::external_record(what.trim(), start, length, note, now.time_zone(), id);
    crate::store::history::append(data_dir(paths)?, &rec).map_err(|e| e.to_string())?;
    let when = start
        .to_zoned(now.time_zone().clone())
        .strftime("%a %-d %b %H:%M");
    writeln!(
        out,
        "Logged \"{}\" on {when} ({}).",
        rec.title,
        crate::model::format::fmt_length(length)
    )
    .map_err(|e| e.to_string())
}

/// Plain mode when asked, or when output is not a terminal (a pipe, a file, a program).
fn wants_plain(flag: bool) -> bool {
    use std::io::IsTerminal;
    flag || !io::stdout().is_terminal()
}

fn run_cmd(
    g: &crate::cli::args::Global,
    paths: &Paths,
    query: &str,
    plain: bool,
) -> Result<ExitCode, UserError> {
    let mut env = make_env(g, paths);
    warn_problems(&env.lib);
    let routine = routines::find_routine(&env.lib, query)?;
    if wants_plain(plain) {
        let opts = crate::core::session::Options {
            get_ready: env.get_ready,
        };
        return plain_run(&mut env, None, |id, now| {
            crate::core::session::Session::new(&routine, opts, id, now)
        });
    }
    crate::app::tui::check_terminal()?;
    start_app(env, crate::app::Route::Before(routine))
}

/// "How is your head right now?" as one line of text: 0-10, or Enter (or anything else) to
/// skip. Returns the rating given.
pub fn ask_rating_line(input: &mut dyn io::BufRead, out: &mut dyn Write) -> Option<u8> {
    let _ = write!(out, "How is your head right now? 0-10, Enter to skip: ");
    let _ = out.flush();
    let mut line = String::new();
    input.read_line(&mut line).ok()?;
    match line.trim().parse::<u8>() {
        Ok(n) if n <= 10 => Some(n),
        _ => {
            if !line.trim().is_empty() {
                let _ = writeln!(out, "(not a number from 0 to 10: no rating kept)");
            }
            None
        }
    }
}

/// A session as timed lines of text, kept by the same runner as in the app.
/// The sound is prepared first (tone files, rendered phrases), so the session's first cue
/// is on time.
fn plain_run(
    env: &mut crate::app::Env,
    pain_before: Option<u8>,
    make: impl Fn(String, std::time::Instant) -> crate::core::session::Session,
) -> Result<ExitCode, UserError> {
    let probe = make(String::new(), std::time::Instant::now());
    let lens = env.audio.prepare(probe.routine());
    let hint = probe.routine().audio;
    let opts = env.audio.options(hint);
    if let Some(n) = env.audio.take_notice() {
        eprintln!("knotless: {n}");
    }
    let now = std::time::Instant::now();
    let wall = jiff::Zoned::now();
    let session = make(crate::store::history::new_id(wall.timestamp()), now);
    let cues = crate::core::cues::Cues::new(&session, now, opts, lens);
    let runner = crate::app::Runner::new(env.paths.clone())
        .with_hooks(&env.lib.config.hooks, env.hooks_enabled);
    let run = crate::core::run::Run::new(session, wall, pain_before)
        .with_cues(cues)
        .with_hooks(runner.hook_events());
    let audio = std::mem::replace(&mut env.audio, crate::audio::Audio::off());
    let out = crate::model::format::SafeWriter::new(
        io::stdout(),
        crate::model::format::Neutralise::Replace,
    );
    plain_finish(
        crate::app::plain::Plain::new(out, env.bell_allowed)
            .with_audio(audio)
            .run(run, runner),
    )
}

/// The pattern and length for `breathe`, with the content guide's limit on 4-7-8
/// (at most four breaths in a round).
pub fn breathing_choice(
    lib: &Library,
    pattern: Option<&str>,
    length: Option<&str>,
    breaths: Option<u32>,
) -> Result<
    (
        crate::model::routine::Pattern,
        crate::model::routine::Length,
        Option<String>,
    ),
    UserError,
> {
    let p = lib
        .find_pattern(pattern.unwrap_or(crate::screens::breathe::DEFAULT_PATTERN))
        .map_err(|e| e.to_string().replace("routine", "breathing pattern"))?
        .clone();
    let len = crate::app::plain::breathing_length(length, breaths)?;
    let (len, note) = crate::core::rules::cap_for_pattern(&p, len);
    Ok((p, len, note))
}

fn breathe_cmd(
    g: &crate::cli::args::Global,
    paths: &Paths,
    pattern: Option<&str>,
    length: Option<&str>,
    breaths: Option<u32>,
    plain: bool,
) -> Result<ExitCode, UserError> {
    let mut env = make_env(g, paths);
    warn_problems(&env.lib);
    let (p, len, note) = breathing_choice(&env.lib, pattern, length, breaths)?;
    if let Some(n) = &note {
        let _ = writeln!(stderr(), "note: {n}");
    }
    if wants_plain(plain) {
        let opts = crate::core::session::Options {
            get_ready: crate::core::rules::breathing_get_ready(env.get_ready),
        };
        // Asked only when a person is at the keyboard: piped input is never read as a rating.
        let pain = if env.ask_ratings && std::io::IsTerminal::is_terminal(&io::stdin()) {
            ask_rating_line(&mut io::stdin().lock(), &mut io::stdout())
        } else {
            None
        };
        return plain_run(&mut env, pain, |id, now| {
            crate::core::session::Session::breathing(&p, len, opts, id, now)
        });
    }
    crate::app::tui::check_terminal()?;
    env.status = note;
    let first = crate::screens::breathe::first_route(p, len, env.ask_ratings);
    start_app(env, first)
}

fn plain_finish(
    r: io::Result<(crate::model::record::SessionRecord, Option<String>)>,
) -> Result<ExitCode, UserError> {
    match r {
        Ok((_, None)) => Ok(ExitCode::SUCCESS),
        Ok((_, Some(problem))) => Err(format!("the session was not saved: {problem}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Other commands still work when a file is broken, but they say so on stderr.
fn warn_problems(lib: &Library) {
    let files = lib.problem_files();
    if files.is_empty() {
        return;
    }
    let mut err = stderr();
    let n = files.len();
    let _ = writeln!(
        err,
        "warning: {n} file{} could not be loaded and {} skipped (`knotless check` explains):",
        if n == 1 { "" } else { "s" },
        if n == 1 { "was" } else { "were" }
    );
    for (file, problems) in files {
        let _ = writeln!(err, "  {file}");
        for p in problems {
            let _ = writeln!(err, "    line {}:{}: {}", p.line, p.column, p.message);
        }
    }
}
