//! The event loop: block on input until the next visible change, draw only when something
//! changed, and give the terminal back on every way out.
//!
//! There is no fixed frame rate. The loop asks the app for its next deadline (the next
//! countdown second, the next pacer frame, the end of a step) and sleeps in `poll` until
//! then or until a key arrives; on a menu or while paused there is no deadline at all.
//! SIGTERM, SIGHUP and SIGINT are handled on a separate thread that takes the app's lock
//! (never held while the loop sleeps), lets every screen save what it must, restores the
//! terminal and exits. A panic restores the terminal through ratatui's hook.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::{cursor, execute, terminal};

use crate::app::{App, Env};

/// How long to sleep when nothing is scheduled: effectively forever, but finite so no
/// instant arithmetic can overflow.
const IDLE: Duration = Duration::from_secs(24 * 3600);

/// Whether both ends are terminals, with a message saying what to do instead.
pub fn check_terminal() -> Result<(), String> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(
            "the app needs a terminal; for text output use `knotless list`, \
`knotless show ROUTINE`, or `run`/`breathe` with --plain"
                .into(),
        );
    }
    Ok(())
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call twice.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
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
            if let Some(sig) = signals.forever().next() {
                let mut a = lock(&app);
                a.shutdown(Instant::now());
                restore_terminal();
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// Runs the app until it quits. `warm_up` runs right after the first frame is on screen
/// (reading the history for the header), so start-up is not held up by it, and again after
/// the first frame that follows a saved session (`Env::history_changed`), so the end of a
/// session shows on time however long the history is.
pub fn run(app: App, warm_up: fn(&mut Env)) -> io::Result<()> {
    let app = Arc::new(Mutex::new(app));
    install_signal_thread(app.clone())?;
    let mut term = ratatui::try_init()?;
    let result = event_loop(&mut term, &app, warm_up);
    restore_terminal();
    result
}

fn event_loop(
    term: &mut ratatui::DefaultTerminal,
    app: &Mutex<App>,
    warm_up: fn(&mut Env),
) -> io::Result<()> {
    let mut dirty = true;
    let mut warmed = false;
    loop {
        let timeout = {
            let mut a = lock(app);
            let now = Instant::now();
            if a.deadline(now).is_some_and(|d| d <= now) {
                a.tick(now);
                dirty = true;
            }
            if a.should_quit() {
                return Ok(());
            }
            if dirty {
                let size = term.size()?;
                a.layout(
                    ratatui::layout::Rect::new(0, 0, size.width, size.height),
                    now,
                );
                term.draw(|f| a.render(f, now))?;
                dirty = false;
            }
            if a.env.bell_pending {
                a.env.bell_pending = false;
                let mut out = io::stdout();
                let _ = out.write_all(b"\x07").and_then(|_| out.flush());
            }
            if !warmed || a.env.history_changed {
                warmed = true;
                a.env.history_changed = false;
                warm_up(&mut a.env);
                dirty = true;
                continue;
            }
            a.deadline(Instant::now())
                .map(|d| d.saturating_duration_since(Instant::now()))
                .unwrap_or(IDLE)
        };
        let ready = match event::poll(timeout) {
            Ok(r) => r,
            Err(e) => return stop_on(app, e),
        };
        let now = Instant::now();
        if !ready {
            lock(app).tick(now);
            dirty = true;
            continue;
        }
        let ev = match event::read() {
            Ok(ev) => ev,
            Err(e) => return stop_on(app, e),
        };
        match ev {
            Event::Key(k)
                if k.kind == KeyEventKind::Press
                    && k.modifiers.contains(KeyModifiers::CONTROL)
                    && k.code == KeyCode::Char('z') =>
            {
                suspend(term, app)?;
                dirty = true;
            }
            Event::Key(k) => {
                lock(app).handle_key(k, now);
                dirty = true;
            }
            Event::Resize(..) => {
                term.autoresize()?;
                dirty = true;
            }
            _ => {}
        }
    }
}

/// The terminal went away (or broke): save like Ctrl-C, then report.
fn stop_on(app: &Mutex<App>, e: io::Error) -> io::Result<()> {
    lock(app).shutdown(Instant::now());
    Err(e)
}

/// Ctrl-Z: pause, give the terminal back, stop the process; on `fg`, take it again.
fn suspend(term: &mut ratatui::DefaultTerminal, app: &Mutex<App>) -> io::Result<()> {
    lock(app).suspend(Instant::now());
    restore_terminal();
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
    // Execution continues here after SIGCONT.
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), terminal::EnterAlternateScreen)?;
    term.clear()?;
    Ok(())
}
