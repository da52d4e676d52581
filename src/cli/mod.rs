//! The one composition root: the paths, the recovery every command starts with, and one
//! exhaustive match that hands each command to its own file. A command's failure comes back
//! as a [`CliError`]; `main` prints it as one `error:` line and exits with its kind's code.

pub mod amend;
pub mod app;
pub mod args;
pub mod completions;
pub mod days;
pub mod edit;
pub mod history;
pub mod log;
pub mod man;
pub mod notice;
pub mod nudge;
pub mod report;
pub mod review;
pub mod routines;
pub mod session;
pub mod sound;
pub mod stats;

use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::args::{Cli, Command, DaysFormat, ReportFormat, SoundCommand};
use crate::cli::review::HistoryFormat;
use crate::library::Library;
use crate::library::diag::Diagnostic;
use crate::model::format::{Neutralise, SafeWriter};
use crate::store::paths::Paths;

/// Why a command failed. Every kind is something the user can fix or retry (exit 1); bad
/// usage clap can see never gets here (it exits 2 with the usage line), and flags that
/// contradict each other are [`CliError::Usage`] (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A bad file, an unknown routine, a refused value: said in the user's words.
    #[error("{0}")]
    User(String),
    /// Flags that contradict each other, which clap cannot see: bad usage (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing failed (a full disk, an unreadable file).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// A time could not be read.
    #[error(transparent)]
    When(#[from] crate::core::when::WhenError),
    /// The screen app could not start or keep its terminal.
    #[error("terminal: {0}")]
    Terminal(io::Error),
    /// The screen app was asked for without a terminal.
    #[error(transparent)]
    NotATerminal(#[from] crate::app::tui::NotATerminal),
    /// No data or state folder, or a state folder inside the data folder.
    #[error(transparent)]
    Paths(#[from] crate::store::paths::PathsError),
    /// No routine matches what was typed, or more than one does.
    #[error(transparent)]
    Find(#[from] crate::library::FindError),
    /// The day log could not be read or written.
    #[error(transparent)]
    Days(#[from] crate::store::days::DaysError),
    /// A routine could not be made, edited or shared.
    #[error(transparent)]
    Edit(#[from] crate::library::edit::EditError),
}

impl From<String> for CliError {
    fn from(message: String) -> CliError {
        CliError::User(message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> CliError {
        CliError::User(message.to_string())
    }
}

impl CliError {
    /// The exit code for this kind of failure.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::User(_)
            | CliError::Io(_)
            | CliError::When(_)
            | CliError::Terminal(_)
            | CliError::NotATerminal(_)
            | CliError::Paths(_)
            | CliError::Find(_)
            | CliError::Days(_)
            | CliError::Edit(_) => ExitCode::from(1),
            CliError::Usage(_) => ExitCode::from(2),
        }
    }
}

/// What a command returns: its exit code, or why it failed.
pub type Outcome = Result<ExitCode, CliError>;

/// How wide the commands' prose is written: a line of text fits a terminal of 80 columns.
pub(crate) const WIDTH: usize = 78;

/// `text` as lines of at most [`WIDTH`] columns, each starting with `indent`.
pub(crate) fn wrapped(out: &mut dyn Write, indent: &str, text: &str) -> io::Result<()> {
    let opts = textwrap::Options::new(WIDTH)
        .initial_indent(indent)
        .subsequent_indent(indent);
    for line in textwrap::wrap(text, opts) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Refuses a `--since` … `--until` period (until now when `until` is `None`) that would be
/// empty: figures said to be a period's would be of none, or of a day nobody asked for.
pub fn nonempty_period(
    since: Option<jiff::Timestamp>,
    until: Option<jiff::Timestamp>,
    now: &jiff::Zoned,
) -> Result<(), CliError> {
    match (since, until) {
        (Some(since), Some(until)) if since >= until => Err(CliError::Usage(
            "--since comes after --until, so the period would be empty; give --since the \
earlier time"
                .into(),
        )),
        (Some(since), _) if since > now.timestamp() => Err(CliError::Usage(format!(
            "--since ({}) is still to come, so the period would be empty",
            crate::model::format::fmt_day(
                since.to_zoned(now.time_zone().clone()).date(),
                now.date()
            )
        ))),
        _ => Ok(()),
    }
}

/// Standard error for warnings and errors, through the same neutraliser as every command's
/// output: a file name or a history record never writes an escape sequence there either.
pub fn stderr() -> SafeWriter<io::StderrLock<'static>> {
    SafeWriter::new(io::stderr().lock(), Neutralise::Replace)
}

/// The app and the sessions keep one malloc arena for all their threads. glibc gives each
/// thread that allocates an arena of its own, and what a thread has freed stays resident
/// there: the threads that read the library and the history and the sound owner's held
/// 0.3-0.6 MiB that the main thread could have used again. Called before any thread
/// starts. The commands over long histories keep an arena a thread: their reading threads
/// allocate at the same time, and sharing one made them 4-14 % slower.
fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets one of malloc's parameters; no thread has started yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

pub fn run(cli: Cli) -> Outcome {
    let Cli { global: g, command } = cli;
    let g = g.with_env();
    let paths = Paths::resolve(
        g.config_dir.clone(),
        g.data_dir.clone(),
        g.state_dir.clone(),
    )?;
    let recovered = recover(&paths);
    if matches!(
        command,
        None | Some(Command::Run { .. } | Command::Breathe { .. })
    ) {
        one_arena();
    }
    let Some(command) = command else {
        return app::open(&g, &paths, recovered);
    };
    if let Some(m) = &recovered {
        let _ = writeln!(stderr(), "knotless: {m}");
    }
    match command {
        // The session commands run before stdout is locked: the app's signal thread must be
        // able to write to the terminal to restore it.
        Command::Run { routine, plain } => session::run(&g, &paths, &routine, plain),
        Command::Breathe {
            pattern,
            length,
            breaths,
            plain,
        } => session::breathe(&g, &paths, pattern.as_deref(), length, breaths, plain),
        Command::List { area, json } => {
            print(json, |out| routines::list_cmd(&paths, area, json, out))
        }
        Command::Show { routine } => print(false, |out| routines::show_cmd(&paths, &routine, out)),
        Command::Check { paths: files } => {
            print(false, |out| routines::check_cmd(&paths, &files, out))
        }
        Command::Patterns => print(false, |out| routines::patterns_cmd(&paths, out)),
        Command::History {
            since,
            until,
            routine,
            format,
        } => print(format == HistoryFormat::Jsonl, |out| {
            history::run(&paths, since, until, routine, format, out)
        }),
        Command::Stats {
            period,
            since,
            json,
            started,
        } => print(json, |out| {
            stats::run(&paths, period, since, json, started, out)
        }),
        Command::Amend {
            id,
            before,
            after,
            note,
        } => print(false, |out| {
            let a = amend::AmendArgs {
                id,
                before,
                after,
                note,
            };
            amend::run(&paths, a, out)
        }),
        Command::Report {
            since,
            until,
            format,
            started,
        } => {
            let options = crate::core::report::ReportOptions {
                since: since.timestamp(),
                until,
                started,
            };
            print(format == ReportFormat::Json, |out| {
                report::run(&paths, options, format, out)
            })
        }
        Command::Day {
            answer,
            date,
            migraine,
            worst,
            meds,
            ask,
        } => print(false, |out| {
            let flags = days::DayFlags {
                answer,
                date,
                migraine,
                worst,
                meds,
            };
            days::day(&paths, flags, ask, out)
        }),
        Command::Days { format } => print(format == DaysFormat::Jsonl, |out| {
            days::days(&paths, format, out)
        }),
        Command::Sound(SoundCommand::Test) => sound::test_cmd(&g, &paths),
        Command::Log {
            what,
            at,
            duration,
            note,
        } => print(false, |out| {
            log::run(&paths, &what, at, duration, note, out)
        }),
        Command::New { id, from } => print(false, |out| {
            edit::new_cmd(&paths, &id, from.as_deref(), out)
        }),
        Command::Edit { routine } => print(false, |out| edit::edit_cmd(&paths, &routine, out)),
        Command::Import {
            file,
            replace,
            as_id,
            yes,
        } => print(false, |out| {
            edit::import_cmd(&paths, &file, replace, yes, as_id.as_deref(), out)
        }),
        Command::Share { routine } => print(false, |out| edit::share_cmd(&paths, &routine, out)),
        Command::Nudge {
            notify,
            snooze,
            why,
        } => print_styled(|out| {
            nudge::nudge_cmd(&g, &paths, notify, snooze, why, out)?;
            Ok(ExitCode::SUCCESS)
        }),
        Command::Remind {
            at,
            days,
            print: format,
            install,
            enable,
            remove,
        } => print(false, |out| {
            let a = nudge::RemindArgs {
                at,
                days,
                print: format,
                install,
                enable,
                remove,
            };
            nudge::remind_cmd(&g, &paths, a, out)?;
            Ok(ExitCode::SUCCESS)
        }),
        Command::Notice { ack } => print(false, |out| notice::run(&paths, ack, out)),
        Command::Completions { shell } => print(false, |out| completions::run(&paths, shell, out)),
        Command::Man { page, dir } => {
            print(false, |out| man::run(page.as_deref(), dir.as_deref(), out))
        }
    }
}

/// Standard output as every command writes it: through the neutraliser, a closed pipe
/// taken as the reader having all it wants.
pub type Out = SafeWriter<PipeOut<io::StdoutLock<'static>>>;

/// Runs a command that prints: every line goes through the one neutraliser (JSON keeps its
/// values, escaped; text loses nothing but control characters and bidi overrides), and a
/// reader that stops early (`| head`) ends it quietly.
fn print(json: bool, command: impl FnOnce(&mut dyn Write) -> Outcome) -> Outcome {
    let mode = if json {
        Neutralise::JsonEscape
    } else {
        Neutralise::Replace
    };
    let mut out = SafeWriter::new(PipeOut::new(io::stdout().lock()), mode);
    let code = command(&mut out)?;
    out.flush()?;
    Ok(code)
}

/// [`print`] for a command that styles its own text (the nudge's bold): it gets the
/// writer itself, whose `write_raw` passes the program's own escape sequences.
fn print_styled(command: impl FnOnce(&mut Out) -> Outcome) -> Outcome {
    let mut out = SafeWriter::new(PipeOut::new(io::stdout().lock()), Neutralise::Replace);
    let code = command(&mut out)?;
    out.flush()?;
    Ok(code)
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
                lines.extend(recovered_message(&r.records));
            }
            Err(e) => {
                let _ = writeln!(err, "warning: {e}");
            }
        }
    }
    (!lines.is_empty()).then(|| lines.join("; "))
}

/// What recovery did, in words: sessions whose process died are logged as interrupted;
/// a session that had ended, whose saving was cut short (killed between its record and
/// the removal of its snapshot), is logged as it ended — and said as such.
fn recovered_message(records: &[crate::model::record::SessionRecord]) -> Option<String> {
    use crate::model::format::plural;
    use crate::model::record::Outcome;
    let died = records
        .iter()
        .filter(|r| r.outcome == Outcome::Interrupted)
        .count() as u32;
    let ended = records.len() as u32 - died;
    let mut parts = Vec::new();
    if died > 0 {
        parts.push(format!(
            "recovered {died} session{} that ended unexpectedly (logged as interrupted)",
            plural(died)
        ));
    }
    if ended > 0 {
        parts.push(format!(
            "finished saving {ended} session{} whose saving was cut short (logged as {})",
            plural(ended),
            if ended == 1 {
                records
                    .iter()
                    .find(|r| r.outcome != Outcome::Interrupted)
                    .map_or("it ended", |r| r.outcome.as_str())
            } else {
                "they ended"
            }
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The data directory, or why there is none.
fn data_dir(paths: &Paths) -> Result<&std::path::Path, CliError> {
    Ok(paths.data_dir()?)
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

/// The library, with a warning on stderr for each file that did not load: other commands
/// still work when a file is broken, but they say so.
fn load_library(paths: &Paths) -> Library {
    let lib = Library::load(paths.config_dir());
    warn_problems(&lib);
    lib
}

/// A file left out says so; `config.toml`, whose valid keys still apply, says which lines
/// were ignored.
fn warn_problems(lib: &Library) {
    let (partly, skipped): (Vec<_>, Vec<_>) = lib
        .problem_files()
        .into_iter()
        .partition(|(file, _)| lib.applies_in_part(file));
    let mut err = stderr();
    let n = skipped.len();
    if n > 0 {
        let _ = writeln!(
            err,
            "warning: {n} file{} could not be loaded and {} skipped (`knotless check` explains):",
            if n == 1 { "" } else { "s" },
            if n == 1 { "was" } else { "were" }
        );
    }
    let list =
        |err: &mut SafeWriter<io::StderrLock<'static>>, file: &str, problems: &[&Diagnostic]| {
            let _ = writeln!(err, "  {file}");
            for p in problems {
                let _ = writeln!(err, "    line {}:{}: {}", p.line, p.column, p.message);
            }
        };
    for (file, problems) in &skipped {
        list(&mut err, file, problems);
    }
    for (file, problems) in &partly {
        let _ = writeln!(
            err,
            "warning: {} of your settings {} ignored; the rest apply (`knotless check` explains):",
            problems.len(),
            if problems.len() == 1 { "was" } else { "were" }
        );
        list(&mut err, file, problems);
    }
}
