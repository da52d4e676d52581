//! The app: which screen is showing, what they share, and how keys move between screens.
//!
//! Each screen is a `View`: it draws itself from its own state (a pure function of that
//! state, the shared `Env` and `now`), turns keys into state changes and a `Nav`, and says
//! when it next needs to wake (`deadline`). `App` owns the screen stack, the help overlay
//! and the keys that work everywhere. The event loop in `tui` only feeds it events and
//! instants, so everything here is testable with made-up instants and a `TestBackend`.

pub mod plain;
pub mod tui;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;

use crate::library::Library;
use crate::model::config::{Config, Motion, ThemeName};
use crate::store::paths::Paths;
use crate::ui::theme::Theme;

/// The wall clock, injectable so screens showing dates can be tested with a fixed "today".
pub type WallClock = fn() -> jiff::Zoned;

pub fn system_wall_clock() -> jiff::Zoned {
    jiff::Zoned::now()
}

/// What every screen may read or change: the library, settings, paths, and the few
/// effects the loop performs for them (ringing the bell, a status message).
pub struct Env {
    pub lib: Library,
    pub paths: Paths,
    pub theme: Theme,
    pub motion: Motion,
    /// The bell is allowed (config `bell` and no `--quiet`); `m` mutes it per session.
    pub bell_allowed: bool,
    pub muted: bool,
    pub ask_ratings: bool,
    pub get_ready: Duration,
    pub weekly_goal: u32,
    pub wall: WallClock,
    /// Set by a screen to ring the terminal bell once after the next draw.
    pub bell_pending: bool,
    /// A one-line message shown in the footer until the next key (e.g. a save failure).
    pub status: Option<String>,
    /// "Last session 2 days ago · 3 this week", refreshed after each session.
    pub header: Option<String>,
    /// What the history says about each routine (by id), for the home detail pane.
    pub done: BTreeMap<String, DoneInfo>,
    /// A session was just saved: `header` and `done` are stale. The event loop re-reads
    /// them right after the next frame, so the frame that ends a session is never held up
    /// by reading a long history (tens of milliseconds at 10,000 records).
    pub history_changed: bool,
}

/// A routine's history at a glance: "Last done Sunday · 6 times · head −1.9 avg (n=4)".
#[derive(Debug, Clone, PartialEq)]
pub struct DoneInfo {
    pub last: jiff::Timestamp,
    pub count: u32,
    /// Average change in head pain (after − before) and how many sessions had both.
    pub pain_change: Option<(f64, u32)>,
}

impl Env {
    pub fn new(lib: Library, paths: Paths, theme: ThemeName, quiet: bool) -> Env {
        let c: Config = lib.config.clone();
        Env {
            lib,
            paths,
            theme: Theme::get(theme),
            motion: c.motion,
            bell_allowed: c.bell && !quiet,
            muted: false,
            ask_ratings: c.ask_ratings,
            get_ready: c.get_ready,
            weekly_goal: c.weekly_goal,
            wall: system_wall_clock,
            bell_pending: false,
            status: None,
            header: None,
            done: BTreeMap::new(),
            history_changed: false,
        }
    }

    /// Rings at the next draw unless muted or turned off.
    pub fn ring(&mut self) {
        if self.bell_allowed && !self.muted {
            self.bell_pending = true;
        }
    }

    pub fn data_dir(&self) -> Option<PathBuf> {
        self.paths.data.clone()
    }
}

/// Where to go after a key or a deadline.
pub enum Nav {
    Stay,
    /// Leave this screen (quit when it is the last).
    Back,
    /// Open a screen on top of this one; Back returns here.
    Open(Box<dyn View>),
    /// Replace this screen (Back then goes to what was below it).
    Replace(Box<dyn View>),
    /// Back to the home screen, closing everything above it.
    Home,
    Quit,
}

/// One key for the footer and the help screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    pub what: &'static str,
    /// Shown in the one-line footer (the help screen lists them all).
    pub footer: bool,
}

pub const fn key(keys: &'static str, what: &'static str) -> KeyHelp {
    KeyHelp {
        keys,
        what,
        footer: true,
    }
}

pub const fn help_only(keys: &'static str, what: &'static str) -> KeyHelp {
    KeyHelp {
        keys,
        what,
        footer: false,
    }
}

pub trait View: Send {
    /// A short name for the help screen's title ("Player", "Home").
    fn title(&self) -> &str;
    fn render(&self, frame: &mut Frame, area: Rect, env: &Env, now: Instant);
    fn handle_key(&mut self, key: KeyEvent, env: &mut Env, now: Instant) -> Nav;
    /// Called when the deadline passed (or on any wake-up); advance timers here.
    fn tick(&mut self, _env: &mut Env, _now: Instant) -> Nav {
        Nav::Stay
    }
    /// The next instant something visible changes; `None` means wait for input only.
    fn deadline(&self, _env: &Env, _now: Instant) -> Option<Instant> {
        None
    }
    /// Every key of this screen, in the order to show them.
    fn keys(&self) -> Vec<KeyHelp>;
    /// While true, every key goes to the screen (typing a filter or a note).
    fn captures_text(&self) -> bool {
        false
    }
    /// The app is quitting (Ctrl-C, a signal): save whatever must not be lost.
    fn shutdown(&mut self, _env: &mut Env, _now: Instant) {}
    /// The terminal is being suspended (Ctrl-Z): pause anything that runs.
    fn suspend(&mut self, _env: &mut Env, _now: Instant) {}
    /// Called when this screen is shown again after the one above it closed.
    fn resumed(&mut self, _env: &mut Env) {}
}

pub struct App {
    pub env: Env,
    stack: Vec<Box<dyn View>>,
    help: bool,
    help_scroll: u16,
    quit: bool,
    make_home: fn(&mut Env) -> Box<dyn View>,
}

impl App {
    /// `make_home` builds the home screen, for `Nav::Home` when it is not on the stack.
    pub fn new(env: Env, first: Box<dyn View>, make_home: fn(&mut Env) -> Box<dyn View>) -> App {
        App {
            env,
            stack: vec![first],
            help: false,
            help_scroll: 0,
            quit: false,
            make_home,
        }
    }

    /// Opens a screen on top, as `Nav::Open` would.
    pub fn push(&mut self, view: Box<dyn View>) {
        self.stack.push(view);
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn screen(&self) -> &dyn View {
        self.stack
            .last()
            .expect("the stack is never empty")
            .as_ref()
    }

    fn top(&mut self) -> &mut Box<dyn View> {
        self.stack.last_mut().expect("the stack is never empty")
    }

    pub fn help_open(&self) -> bool {
        self.help
    }

    /// A key press. Keys that work everywhere are handled here unless the screen is taking text.
    pub fn handle_key(&mut self, key: KeyEvent, now: Instant) {
        if key.kind != KeyEventKind::Press {
            return;
        }
        self.env.status = None;
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.shutdown(now);
            return;
        }
        if self.help {
            match key.code {
                KeyCode::Char('?') | KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => {
                    self.help = false
                }
                KeyCode::Char('t') => self.cycle_theme(),
                KeyCode::Down | KeyCode::Char('j') => {
                    self.help_scroll = self.help_scroll.saturating_add(2)
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.help_scroll = self.help_scroll.saturating_sub(2)
                }
                _ => {}
            }
            return;
        }
        if !self.top().captures_text() {
            match key.code {
                KeyCode::Char('?') => {
                    self.help = true;
                    self.help_scroll = 0;
                    return;
                }
                KeyCode::Char('t') => {
                    self.cycle_theme();
                    return;
                }
                _ => {}
            }
        }
        let nav = {
            let (env, stack) = (&mut self.env, &mut self.stack);
            stack.last_mut().unwrap().handle_key(key, env, now)
        };
        self.apply(nav);
    }

    fn cycle_theme(&mut self) {
        self.env.theme = Theme::get(self.env.theme.name.next());
        self.env.status = Some(format!("theme: {}", self.env.theme.name));
    }

    /// A wake-up with no input: let the screen advance its timers.
    pub fn tick(&mut self, now: Instant) {
        let nav = {
            let (env, stack) = (&mut self.env, &mut self.stack);
            stack.last_mut().unwrap().tick(env, now)
        };
        self.apply(nav);
    }

    pub fn deadline(&self, now: Instant) -> Option<Instant> {
        self.screen().deadline(&self.env, now)
    }

    /// Quit now, letting every screen save what it must (Ctrl-C, SIGTERM, SIGHUP).
    pub fn shutdown(&mut self, now: Instant) {
        let env = &mut self.env;
        for s in self.stack.iter_mut().rev() {
            s.shutdown(env, now);
        }
        self.quit = true;
    }

    pub fn suspend(&mut self, now: Instant) {
        let (env, stack) = (&mut self.env, &mut self.stack);
        stack.last_mut().unwrap().suspend(env, now);
    }

    fn apply(&mut self, nav: Nav) {
        match nav {
            Nav::Stay => {}
            Nav::Quit => self.quit = true,
            Nav::Back => {
                self.stack.pop();
                if self.stack.is_empty() {
                    self.quit = true;
                    self.stack.push((self.make_home)(&mut self.env));
                } else {
                    let (env, stack) = (&mut self.env, &mut self.stack);
                    stack.last_mut().unwrap().resumed(env);
                }
            }
            Nav::Open(v) => self.stack.push(v),
            Nav::Replace(v) => {
                self.stack.pop();
                self.stack.push(v);
            }
            Nav::Home => {
                self.stack.truncate(1);
                if self.stack[0].title() != "Home" {
                    self.stack[0] = (self.make_home)(&mut self.env);
                } else {
                    let (env, stack) = (&mut self.env, &mut self.stack);
                    stack[0].resumed(env);
                }
            }
        }
    }

    pub fn render(&self, frame: &mut Frame, now: Instant) {
        let area = frame.area();
        frame.buffer_mut().set_style(area, self.env.theme.base);
        if crate::ui::too_small(frame, area, &self.env) {
            return;
        }
        self.screen().render(frame, area, &self.env, now);
        if self.help {
            crate::screens::help::render(frame, area, &self.env, self.screen(), self.help_scroll);
        }
    }

    /// Draws into an off-screen buffer of the given size (tests and benchmarks).
    pub fn render_to_buffer(&self, width: u16, height: u16, now: Instant) -> Buffer {
        let backend = ratatui::backend::TestBackend::new(width, height);
        let mut terminal = ratatui::Terminal::new(backend).expect("test backend");
        terminal.draw(|f| self.render(f, now)).expect("draw");
        terminal.backend().buffer().clone()
    }
}

/// The buffer as plain lines, for snapshots.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = unicode_width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn unicode_width(s: &str) -> usize {
    ratatui::text::Span::raw(s).width()
}
