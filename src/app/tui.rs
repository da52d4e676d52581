//! The event loop: block on input until the next visible change, draw only when something
//! changed, and give the terminal back on every way out.
//!
//! There is no fixed frame rate. The loop asks the app for its next deadline (the next
//! countdown second, the next pacer frame, the end of a step) and sleeps in `poll` until
//! then or until a key arrives; on a menu or while paused there is no deadline at all.
//! SIGTERM, SIGHUP and SIGINT are handled on a separate thread that takes the app's lock
//! (never held while the loop sleeps), lets every screen save what it must, restores the
//! terminal and exits. A panic restores the terminal in the panic hook, before its message.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::{cursor, execute, queue, terminal};

use std::sync::mpsc;

use crate::app::App;
use crate::app::reads::{self, Done, Read};
use crate::model::format::{Neutralise, SafeWriter};

/// How long to sleep when nothing is scheduled: effectively forever, but finite so no
/// instant arithmetic can overflow.
const IDLE: Duration = Duration::from_secs(24 * 3600);

/// How often the loop looks for what is being read while a read is in flight.
const READ_POLL: Duration = Duration::from_millis(20);

/// Why the screen app cannot start here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotATerminal {
    /// Standard input or output is not a terminal at all.
    #[error(
        "the app needs a terminal; for text output use `knotless list`, \
`knotless show ROUTINE`, or `run`/`breathe` with --plain"
    )]
    Missing,
    /// `TERM` is `dumb` or not set: no colour, no cursor movement, no alternate screen.
    #[error(
        "this terminal cannot draw the app (TERM is dumb or not set); plain mode works here: \
`knotless run ROUTINE --plain` or `knotless breathe --plain`, and `knotless list` for the routines"
    )]
    Dumb,
}

/// Whether both ends are terminals that can draw the app (the error says what to do
/// instead).
pub fn check_terminal() -> Result<(), NotATerminal> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(NotATerminal::Missing);
    }
    if crate::model::settings::dumb_terminal() {
        return Err(NotATerminal::Dumb);
    }
    Ok(())
}

/// The app's terminal. Frames are written through a buffer that holds a whole frame
/// (`stdout`'s own holds 1 KiB, which made a frame of home eight system calls): one write a
/// frame, however much changed.
type Term = ratatui::Terminal<ratatui::backend::CrosstermBackend<FrameOut<io::Stdout>>>;

/// The buffer frames go through. While a frame is drawn ([`FRAME_OPEN`]) its flushes are
/// held (ratatui flushes once it has written the changes), so the frame leaves in one write
/// with the mark that ends it, rather than the mark in a write of its own.
struct FrameOut<W: Write>(io::BufWriter<W>);

/// Set while [`draw_whole`] draws: the process has one terminal, as [`EDITING`] assumes.
static FRAME_OPEN: AtomicBool = AtomicBool::new(false);

impl<W: Write> Write for FrameOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if FRAME_OPEN.load(Ordering::Relaxed) {
            return Ok(());
        }
        self.0.flush()
    }
}

/// What a frame of the app writes at most, nearly always (a 200-column screen redrawn in
/// full, colours and all, is about this); a bigger one is written in more pieces.
const FRAME_BUFFER: usize = 64 * 1024;

/// Raw mode and the alternate screen, as `ratatui::try_init` takes them, with the app's
/// buffer (the panic hook that gives the terminal back is [`run`]'s).
fn init_terminal() -> io::Result<Term> {
    terminal::enable_raw_mode()?;
    if let Err(e) = execute!(io::stdout(), terminal::EnterAlternateScreen) {
        let _ = terminal::disable_raw_mode();
        return Err(e);
    }
    let out = FrameOut(io::BufWriter::with_capacity(FRAME_BUFFER, io::stdout()));
    ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(out)).inspect_err(|_| {
        restore_terminal();
    })
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call twice.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        event::DisableFocusChange,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

fn lock(app: &Mutex<App>) -> MutexGuard<'_, App> {
    app.lock().unwrap_or_else(|e| e.into_inner())
}

/// Saves and exits on SIGTERM, SIGHUP (the window closed) and SIGINT.
fn install_signal_thread(app: Arc<Mutex<App>>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if sig == SIGINT && EDITING.load(Ordering::SeqCst) {
                    continue;
                }
                let mut a = lock(&app);
                a.shutdown(Instant::now());
                restore_terminal();
                say_farewell(&a);
                // The terminal is the user's again; hooks still running are given their
                // grace and stopped before the process goes.
                a.performers_mut().hooks.finish();
                a.stop_watching();
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// Runs the app until it quits. Right after the first frame is on screen, and again after
/// the first frame that follows a saved session (`App::take_history_change`), `warm_up` runs and
/// the home screen's figures are read from the history on a thread of their own — as is
/// everything else the app reads from the history (see [`crate::app::reads`]) — so neither
/// start-up, nor the end of a session, nor a key, nor a signal ever waits for a long
/// history.
pub fn run(app: App, warm_up: fn(&mut App)) -> io::Result<()> {
    let app = Arc::new(Mutex::new(app));
    install_signal_thread(app.clone())?;
    let mut term = init_terminal()?;
    // Focus reports let the app notice files changed in another window without polling;
    // a panic turns them off again before ratatui's hook restores the rest.
    let _ = execute!(io::stdout(), event::EnableFocusChange);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // All a normal exit gives back, before the message: release builds abort on a panic,
        // so nothing is dropped after this hook (ratatui's drop would show the cursor).
        restore_terminal();
        hook(info);
    }));
    let result = event_loop(&mut term, &app, warm_up);
    // Nothing of ours plays on once the terminal is given back.
    lock(&app).stop_sound();
    restore_terminal();
    say_farewell(&lock(&app));
    lock(&app).performers_mut().hooks.finish();
    lock(&app).stop_watching();
    result
}

/// What a quit saved, said on the terminal once it is the shell's again (to stderr: the
/// app's output is the screen, and a closed terminal makes this a no-op).
fn say_farewell(app: &App) {
    // A routine's name is the user's text: no control character of it reaches the terminal.
    use crate::model::format::{Neutralise, SafeWriter};
    let mut err = SafeWriter::new(io::stderr().lock(), Neutralise::Replace);
    for line in app.farewell() {
        let _ = writeln!(err, "{line}");
    }
}

fn event_loop(term: &mut Term, app: &Mutex<App>, warm_up: fn(&mut App)) -> io::Result<()> {
    let mut turns = Turns {
        dirty: true,
        at_deadline: false,
        warmed: false,
        reader: Reader::new(),
    };
    loop {
        let Some(timeout) = turns.turn(term, &mut lock(app), warm_up)? else {
            return Ok(());
        };
        let ready = match event::poll(timeout) {
            Ok(r) => r,
            Err(e) => return stop_on(app, e),
        };
        let now = Instant::now();
        if !ready {
            // The screen's deadline came; a wait cut short only to look at the reads in
            // flight draws nothing (the next turn takes in what they found).
            if turns.at_deadline {
                lock(app).tick(now);
                turns.dirty = true;
            }
            continue;
        }
        let ev = match event::read() {
            Ok(ev) => ev,
            Err(e) => return stop_on(app, e),
        };
        turns.dirty |= handle_event(term, app, ev, now)?;
    }
}

/// What the event loop keeps from one turn to the next.
struct Turns {
    /// Something visible changed since the last frame.
    dirty: bool,
    /// The wait for input ends at the app's deadline (not just at a look at the reads).
    at_deadline: bool,
    /// The first read of the history has been started.
    warmed: bool,
    /// The history is read on threads of their own, never under the app's lock: the
    /// signal thread needs that lock to save and exit, and keys must be answered while a
    /// long (or slow) history is read.
    reader: Reader,
}

impl Turns {
    /// One turn under the app's lock: take in what was read, wake what is due, draw when
    /// something changed, ring, and start the reads asked for (home's figures when stale).
    /// Returns how long to wait for input, or `None` to quit.
    fn turn(
        &mut self,
        term: &mut Term,
        a: &mut App,
        warm_up: fn(&mut App),
    ) -> io::Result<Option<Duration>> {
        for done in self.reader.done() {
            a.finished(done);
            self.dirty = true;
        }
        let now = Instant::now();
        if a.deadline(now).is_some_and(|d| d <= now) {
            a.tick(now);
            self.dirty = true;
        }
        if a.should_quit() {
            return Ok(None);
        }
        if self.dirty {
            let size = term.size()?;
            a.layout(
                ratatui::layout::Rect::new(0, 0, size.width, size.height),
                now,
            );
            draw_whole(term, |f| a.render(f, now))?;
            self.dirty = false;
        }
        if a.take_bell() {
            let mut out = io::stdout();
            let _ = out.write_all(b"\x07").and_then(|_| out.flush());
        }
        if a.take_history_change() || !self.warmed {
            self.warmed = true;
            warm_up(a);
            a.read_known();
        }
        self.reader.start(a.take_reads())?;
        let wait = a
            .deadline(Instant::now())
            .map(|d| d.saturating_duration_since(Instant::now()))
            .unwrap_or(IDLE);
        // Look for what is being read now and then.
        let look = self.reader.busy() && READ_POLL < wait;
        self.at_deadline = !look;
        Ok(Some(if look { READ_POLL } else { wait }))
    }
}

/// The reads in flight (see [`crate::app::reads`]): each on a thread of its own, every
/// answer into one channel the loop looks at, never under the app's lock.
struct Reader {
    tx: mpsc::Sender<Done>,
    rx: mpsc::Receiver<Done>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Reader {
    fn new() -> Reader {
        let (tx, rx) = mpsc::channel();
        Reader {
            tx,
            rx,
            threads: Vec::new(),
        }
    }

    fn start(&mut self, reads: Vec<Read>) -> io::Result<()> {
        for r in reads {
            let tx = self.tx.clone();
            let thread = std::thread::Builder::new()
                .name("history".into())
                .spawn(move || {
                    let _ = tx.send(reads::read(r));
                })?;
            self.threads.push(thread);
        }
        Ok(())
    }

    /// What has been read since the last look.
    fn done(&mut self) -> Vec<Done> {
        self.threads.retain(|t| !t.is_finished());
        self.rx.try_iter().collect()
    }

    fn busy(&self) -> bool {
        !self.threads.is_empty()
    }
}

/// A key, a focus change or a resize; true when the screen must be drawn again.
fn handle_event(term: &mut Term, app: &Mutex<App>, ev: Event, now: Instant) -> io::Result<bool> {
    match ev {
        Event::Key(k)
            if k.kind == KeyEventKind::Press
                && k.modifiers.contains(KeyModifiers::CONTROL)
                && k.code == KeyCode::Char('z') =>
        {
            suspend(term, app)?;
            Ok(true)
        }
        Event::Key(k) => {
            let edit = {
                let mut a = lock(app);
                a.handle_key(k, now);
                a.take_edit_request()
            };
            if let Some(query) = edit {
                edit_in_terminal(term, app, &query)?;
            }
            Ok(true)
        }
        // Back from another window, where a routine file may have been changed.
        Event::FocusGained => Ok(lock(app).focus_gained(now)),
        Event::Resize(..) => {
            term.autoresize()?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Draws one frame between the marks that tell a terminal to show it only once it is
/// complete (synchronised output, `ESC[?2026h` … `l`; terminals that do not know them
/// ignore them), so a frame written in several pieces is never seen half drawn. The end
/// mark is sent even when drawing fails, so the terminal never waits for it; it leaves in
/// the frame's own write ([`FrameOut`]).
fn draw_whole(term: &mut Term, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
    queue!(term.backend_mut(), terminal::BeginSynchronizedUpdate)?;
    FRAME_OPEN.store(true, Ordering::Relaxed);
    let drawn = term.draw(render).map(drop);
    FRAME_OPEN.store(false, Ordering::Relaxed);
    let ended = execute!(term.backend_mut(), terminal::EndSynchronizedUpdate);
    drawn.and(ended)
}

/// The terminal went away (or broke): save like Ctrl-C, then report.
fn stop_on(app: &Mutex<App>, e: io::Error) -> io::Result<()> {
    lock(app).shutdown(Instant::now());
    Err(e)
}

/// While an editor has the terminal, Ctrl-C belongs to it: the signal thread lets SIGINT
/// pass (the editor, in the same process group, gets it too).
static EDITING: AtomicBool = AtomicBool::new(false);

/// `e` on home: give the terminal to the user's editor, run the edit conversation there
/// (its `[e]dit again · [r]evert · [k]eep` question is read as a line, in normal terminal
/// mode), then take the terminal back and show the library as it is now. The app's lock
/// is not held meanwhile, so a SIGTERM or SIGHUP can still save and exit.
fn edit_in_terminal(term: &mut Term, app: &Mutex<App>, query: &str) -> io::Result<()> {
    let config = lock(app).paths().config.clone();
    restore_terminal();
    EDITING.store(true, Ordering::SeqCst);
    let result = match config {
        None => Err(crate::library::edit::EditError::NoConfigFolder),
        Some(dir) => crate::library::edit::Editor::from_env().and_then(|editor| {
            // Read afresh: the files may have changed since the app started.
            let lib = crate::library::Library::load(Some(&dir));
            let stdin = io::stdin();
            let mut input = stdin.lock();
            // The conversation prints diagnostics that quote the file (its keys, its
            // text): through the neutraliser, like every command's output.
            let mut out = SafeWriter::new(io::stdout().lock(), Neutralise::Replace);
            crate::library::edit::edit_session(&lib, &dir, query, &editor, &mut input, &mut out)
        }),
    };
    EDITING.store(false, Ordering::SeqCst);
    take_terminal(term)?;
    lock(app).edited(result);
    Ok(())
}

/// Raw mode, the alternate screen and focus reports again, on a cleared screen that the
/// next draw fills completely. (Not `Terminal::clear`, which asks the terminal where its
/// cursor is and fails on terminals that do not answer.)
fn take_terminal(term: &mut Term) -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        terminal::EnterAlternateScreen,
        terminal::Clear(terminal::ClearType::All),
        event::EnableFocusChange
    )?;
    // Both buffers blank, like the screen: the next frame is drawn in full.
    term.swap_buffers();
    term.swap_buffers();
    Ok(())
}

/// Ctrl-Z: pause, give the terminal back, stop the process; on `fg`, take it again.
fn suspend(term: &mut Term, app: &Mutex<App>) -> io::Result<()> {
    {
        let mut a = lock(app);
        let now = Instant::now();
        a.suspend(now);
        // Stopped, the app could not stop a sound that goes on playing.
        a.silence(now);
    }
    restore_terminal();
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
    // Execution continues here after SIGCONT.
    take_terminal(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame and the mark that ends it leave in one write: ratatui's flush inside the
    /// frame is held, the one after it goes through.
    #[test]
    fn a_frame_leaves_in_one_write() {
        let mut out = FrameOut(io::BufWriter::new(Vec::new()));
        FRAME_OPEN.store(true, Ordering::Relaxed);
        out.write_all(b"\x1b[?2026hframe").unwrap();
        out.flush().unwrap();
        assert!(out.0.get_ref().is_empty(), "flushed inside the frame");
        FRAME_OPEN.store(false, Ordering::Relaxed);
        out.write_all(b"\x1b[?2026l").unwrap();
        out.flush().unwrap();
        assert_eq!(out.0.get_ref().as_slice(), b"\x1b[?2026hframe\x1b[?2026l");
    }
}
