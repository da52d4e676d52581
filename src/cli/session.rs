//! `run` and `breathe`: the screen app at a terminal, plain mode otherwise (or with
//! `--plain`). Both start the session the same way (`app::session::start`) and keep it
//! through the same performers; plain mode says before it what the app's screens show
//! before it: the notice on first use, the routine's cautions, the breathing caution.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use crate::app::Route;
use crate::app::perform::Performers;
use crate::app::plain::{Plain, Terminal, stdout_is_terminal};
use crate::app::session::What;
use crate::cli::args::Global;
use crate::cli::{CliError, Outcome};
use crate::core::effect::StoreEffect;
use crate::library::Library;
use crate::model::format::{Neutralise, SafeWriter};
use crate::model::routine::{Length, Pattern};
use crate::model::settings::Settings;
use crate::store::paths::Paths;

/// `knotless run ROUTINE [--plain]`.
pub fn run(g: &Global, paths: &Paths, query: &str, plain: bool) -> Outcome {
    let lib = crate::cli::load_library(paths);
    let routine = crate::cli::routines::find_routine(&lib, query)?;
    let init = crate::cli::app::init(g, paths, lib);
    if !wants_plain(plain) {
        crate::app::tui::check_terminal()?;
        return crate::cli::app::start(init, Route::Before(routine));
    }
    // The routine, as the before screen's head names it (whose it is, when it is not
    // bundled); then what it breaks of the safety limits, as that screen shows first.
    let n = routine.steps.len() as u32;
    let whose = init
        .lib
        .whose(&routine)
        .map(|w| format!(" · {w}"))
        .unwrap_or_default();
    let mut before: Vec<String> = vec![format!(
        "{}{whose} · {} · {n} step{}",
        routine.name,
        crate::model::format::fmt_length(routine.total()),
        crate::model::format::plural(n)
    )];
    let breaks = init.lib.breaks(&routine.id);
    if !breaks.is_empty() {
        let n = init.lib.rules_broken(&routine.id);
        before.push(format!(
            "{} This routine {}:",
            crate::core::content::WARNING,
            crate::core::content::breaks_words(n)
        ));
        before.extend(breaks.iter().map(|v| format!("  - {}", v.sentence())));
    }
    before.extend(cautions_lines(&routine.cautions));
    if !routine.equipment.is_empty() {
        before.push(format!("You need: {}", routine.equipment.join(", ")));
    }
    plain_session(init, What::Routine(&routine), &before)
}

/// `knotless breathe [PATTERN] [--for D | --breaths N] [--plain]`.
pub fn breathe(
    g: &Global,
    paths: &Paths,
    pattern: Option<&str>,
    length: Option<Duration>,
    breaths: Option<u32>,
    plain: bool,
) -> Outcome {
    let lib = crate::cli::load_library(paths);
    let (pattern, length, note) = breathing_choice(&lib, pattern, length, breaths)?;
    if let Some(n) = &note {
        let _ = writeln!(crate::cli::stderr(), "note: {n}");
    }
    let mut init = crate::cli::app::init(g, paths, lib);
    if !wants_plain(plain) {
        crate::app::tui::check_terminal()?;
        init.status = note;
        let ask = Settings::new(&init.lib.config, init.flags).ask_ratings;
        let first = crate::screens::breathe::first_route(pattern, length, ask);
        return crate::cli::app::start(init, first);
    }
    let cautions: Vec<String> = crate::core::rules::caution_for(&pattern)
        .map(str::to_string)
        .into_iter()
        .collect();
    let what = What::Breathing {
        pattern: &pattern,
        length,
    };
    plain_session(init, what, &cautions_lines(&cautions))
}

/// The pattern and length for `breathe`, with the content guide's limits for the pattern's
/// shape, and a line saying so when they shortened it.
pub fn breathing_choice(
    lib: &Library,
    pattern: Option<&str>,
    length: Option<Duration>,
    breaths: Option<u32>,
) -> Result<(Pattern, Length, Option<String>), CliError> {
    let id = pattern.unwrap_or(crate::core::rules::BREATHING_DEFAULT_PATTERN);
    let p = lib
        .find_pattern(id)
        .map_err(|e| e.to_string().replace("routine", "breathing pattern"))?
        .clone();
    let len = match (length, breaths) {
        (_, Some(n)) => Length::Breaths(n),
        (Some(d), None) => Length::Time(d),
        (None, None) => Length::Time(crate::core::rules::BREATHING_DEFAULT_TIME),
    };
    let (len, note) = crate::core::rules::cap_for_pattern(&p, len);
    Ok((p, len, note))
}

/// "Before you start:" and the cautions, one to a line; nothing when there are none.
fn cautions_lines(cautions: &[String]) -> Vec<String> {
    if cautions.is_empty() {
        return Vec::new();
    }
    std::iter::once("Before you start:".to_string())
        .chain(cautions.iter().map(|c| format!("  - {c}")))
        .collect()
}

/// Plain mode when asked, when output is not a terminal (a pipe, a file, a program), or
/// when the terminal cannot draw the app (`TERM=dumb` or unset: it is said once).
fn wants_plain(flag: bool) -> bool {
    if flag || !io::stdout().is_terminal() {
        return true;
    }
    let dumb = crate::model::settings::dumb_terminal();
    if dumb {
        let _ = writeln!(
            crate::cli::stderr(),
            "note: this terminal cannot draw the app (TERM is dumb or not set), so the session runs in plain mode"
        );
    }
    dumb
}

/// A session as timed lines: the notice (until acknowledged), what comes `before` (what a
/// routine breaks, its cautions), "how is your head?", the run itself, then "and now?" and
/// a note — as the app's screens ask them, and only from a person at a keyboard (piped
/// input is never read as an answer).
///
/// When its reader stops reading (`| head`), a running session is saved as stopped and the
/// program ends quietly with success, as every command does when its output is cut short.
fn plain_session(init: crate::app::Init, what: What<'_>, before: &[String]) -> Outcome {
    match plain_session_to_the_end(init, what, before) {
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        ended => ended,
    }
}

fn plain_session_to_the_end(init: crate::app::Init, what: What<'_>, before: &[String]) -> Outcome {
    let settings = Settings::new(&init.lib.config, init.flags);
    let mut perform = Performers::new(init.paths.clone(), &settings, init.muted);
    let out = SafeWriter::new(io::stdout(), Neutralise::Replace);
    let mut plain = Plain::new(out, stdout_is_terminal());
    let person = io::stdin().is_terminal();
    let mut input = io::stdin().lock();
    let data = init.paths.data.as_deref();
    if crate::store::state::notice_needed(data) {
        crate::cli::notice::print(&mut plain)?;
        if person {
            let mut ask = prompts();
            write!(ask, "Press Enter to go on (it will not be shown again). ")?;
            ask.flush()?;
            if read_reply(&mut input, &mut ask).is_some() {
                acknowledge(&mut perform, &mut plain)?;
            }
        } else {
            plain.line(
                "(This notice is printed before every session until you run `knotless notice --ack`.)",
            )?;
        }
    }
    for line in before {
        plain.line(line)?;
    }
    let pain = if person && settings.ask_ratings {
        ask_rating_line("How is your head right now?", &mut input, &mut prompts())
    } else {
        None
    };
    drop(input);
    if let What::Routine(r) = what {
        // Tones written before the first instant, so the first cue is on time; phrases are
        // rendered meanwhile (one not ready in time is spoken live).
        perform.sound.prepare(r);
        perform.sound.settle();
    }
    let Signalled {
        stop,
        leave,
        signal,
    } = stop_on_signals(perform.sound.audio().silencer())?;
    let mut terminal = Terminal::new(person);
    let ended = plain.run(
        &init.lib,
        &settings,
        &mut perform,
        what,
        pain,
        &mut terminal,
        &stop,
    );
    // Out of raw mode before anything more is asked.
    drop(terminal);
    // Ended by a signal: its exit status, as the app's (a terminal that hung up cannot be
    // written to, so an error writing is not news).
    let signalled = || match signal.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(ExitCode::from((128 + sig).clamp(0, 255) as u8)),
    };
    let ended = match ended {
        Err(_) if let Some(code) = signalled() => return Ok(code),
        ended => ended?,
    };
    if let Some(problem) = ended.problem {
        return Err(CliError::User(format!(
            "the session was not saved: {problem}"
        )));
    }
    // Stopped by a signal: nothing more is asked. Otherwise a signal while the questions
    // after it wait for an answer ends the program (the session is saved already).
    if person && settings.ask_ratings && !stop.load(Ordering::SeqCst) {
        leave.store(true, Ordering::SeqCst);
        after(&mut perform, &mut plain, &ended.record)?;
    }
    Ok(signalled().unwrap_or(ExitCode::SUCCESS))
}

/// How long a stop by a signal may take before the program ends anyway. The loop looks at
/// the stop flag at least every second and saves at once; a session it could not save by
/// then is in its snapshot, which the next start logs.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// What the signal thread tells the session.
struct Signalled {
    /// Stop now: set by a signal (or by Ctrl-C typed at the session).
    stop: Arc<AtomicBool>,
    /// The session is over and saved: a signal ends the program at once.
    leave: Arc<AtomicBool>,
    /// The first signal's number, 0 until one came.
    signal: Arc<AtomicI32>,
}

/// SIGTERM, SIGHUP (the window closed) and SIGINT stop the session, which is saved as
/// stopped; the sound stops at once (the loop may be asleep for up to a second), and the
/// program ends [`STOP_GRACE`] later if the loop has not come back by then. Once `leave`
/// is set, a signal ends the program at once.
fn stop_on_signals(silencer: crate::audio::scheduler::Silencer) -> io::Result<Signalled> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let s = Signalled {
        stop: Arc::new(AtomicBool::new(false)),
        leave: Arc::new(AtomicBool::new(false)),
        signal: Arc::new(AtomicI32::new(0)),
    };
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    let (flag, now, which) = (s.stop.clone(), s.leave.clone(), s.signal.clone());
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if now.load(Ordering::SeqCst) {
                    crate::audio::stop_all();
                    std::process::exit(128 + sig);
                }
                flag.store(true, Ordering::SeqCst);
                silencer.close();
                if which.swap(sig, Ordering::SeqCst) == 0 {
                    let _ =
                        std::thread::Builder::new()
                            .name("stop-grace".into())
                            .spawn(move || {
                                std::thread::sleep(STOP_GRACE);
                                crate::audio::stop_all();
                                let _ = ratatui::crossterm::terminal::disable_raw_mode();
                                std::process::exit(128 + sig);
                            });
                }
            }
        })?;
    Ok(s)
}

/// The notice was read at a keyboard: remember it, as Enter on the app's notice does.
fn acknowledge<W: crate::app::plain::BellOut>(
    perform: &mut Performers,
    plain: &mut Plain<W>,
) -> io::Result<()> {
    let changed = perform.perform(
        [StoreEffect::AcknowledgeNotice.into()],
        Instant::now(),
        &crate::files::now(),
    );
    if let Some(s) = changed.status {
        plain.line(&format!("({s})"))?;
    }
    Ok(())
}

/// "How is your head now?" and a note after a session, added to its record as the finish
/// screen adds them (an amendment line).
fn after<W: crate::app::plain::BellOut>(
    perform: &mut Performers,
    plain: &mut Plain<W>,
    record: &crate::model::record::SessionRecord,
) -> io::Result<()> {
    // Keys typed ahead during the session (an arrow too many to skip the last step) are
    // not an answer: they would be read as one, escape codes and all.
    #[cfg(unix)]
    // SAFETY: discards what standard input (a terminal here) holds; nothing else changes.
    unsafe {
        libc::tcflush(0, libc::TCIFLUSH);
    }
    let mut input = io::stdin().lock();
    let mut ask = prompts();
    // Each answer is kept as soon as it is given: the note may take a while to type.
    let rating = match ask_rating("How is your head now?", &mut input, &mut ask) {
        Reply::Rated(n) => Some(n),
        Reply::Skipped => None,
        Reply::Ended => return Ok(()),
    };
    let mut kept = rating.is_some() && amend(perform, plain, &record.id, rating, None)?;
    write!(ask, "A note to keep with it (Enter to skip): ")?;
    ask.flush()?;
    let note = read_reply(&mut input, &mut ask).unwrap_or_default();
    let note = note.trim();
    if !note.is_empty() {
        kept |= amend(perform, plain, &record.id, None, Some(note.to_string()))?;
    }
    if kept {
        plain.line("Added to the session.")?;
    }
    Ok(())
}

/// Appends a rating or a note to the session's record; false (said) when it could not be.
fn amend<W: crate::app::plain::BellOut>(
    perform: &mut Performers,
    plain: &mut Plain<W>,
    id: &str,
    pain_after: Option<u8>,
    note: Option<String>,
) -> io::Result<bool> {
    let now = crate::files::now();
    let amendment = crate::model::record::Amendment::after(id, pain_after, note, &now);
    let changed = perform.perform([StoreEffect::Amend(amendment).into()], Instant::now(), &now);
    match changed.status {
        Some(s) => plain.line(&format!("({s})")).map(|()| false),
        None => Ok(true),
    }
}

/// A 0-10 rating as one line of text: a number, or Enter to skip; something else is asked
/// once more, then skipped.
pub fn ask_rating_line(question: &str, input: &mut dyn BufRead, out: &mut dyn Write) -> Option<u8> {
    match ask_rating(question, input, out) {
        Reply::Rated(n) => Some(n),
        Reply::Skipped | Reply::Ended => None,
    }
}

/// What a question asked as a line got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Rated(u8),
    Skipped,
    /// The input ended (Ctrl-D): nothing more is asked.
    Ended,
}

/// [`ask_rating_line`], telling an input that ended from a skip.
pub fn ask_rating(question: &str, input: &mut dyn BufRead, out: &mut dyn Write) -> Reply {
    let _ = write!(out, "{question} 0-10, Enter to skip: ");
    for tries_left in [1, 0] {
        let _ = out.flush();
        let Some(line) = read_reply(input, out) else {
            return Reply::Ended;
        };
        let line = line.trim();
        match line.parse::<u8>() {
            Ok(n) if n <= 10 => return Reply::Rated(n),
            _ if line.is_empty() => return Reply::Skipped,
            _ if tries_left > 0 => {
                let _ = write!(out, "(not a number from 0 to 10) 0-10, Enter to skip: ");
            }
            _ => {
                let _ = writeln!(out, "(not a number from 0 to 10: no rating kept)");
            }
        }
    }
    Reply::Skipped
}

/// One line typed in answer; `None` when the input ended (Ctrl-D, or a closed pipe), after
/// a newline so what is said next starts a line of its own.
fn read_reply(input: &mut dyn BufRead, out: &mut dyn Write) -> Option<String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => {
            let _ = writeln!(out);
            None
        }
        Ok(_) => Some(line),
    }
}

/// Where a question goes: the terminal a person answers at. That is standard output, unless
/// it was sent elsewhere (a file, a program): then standard error, so the question is seen.
fn prompts() -> Box<dyn Write> {
    if io::stdout().is_terminal() {
        Box::new(io::stdout())
    } else {
        Box::new(io::stderr())
    }
}
