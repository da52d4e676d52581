//! The app: which screen is showing, what the screens share, and the one place their
//! effects are performed.
//!
//! Screens answer keys and wake-ups with a [`Nav`] and a list of [`Effect`]s; `App` turns
//! routes into screens (loading what they show), performs the effects through its
//! [`Runner`] and its own settings, and handles the keys that work everywhere. The event
//! loop in [`tui`] only feeds it events and instants, so everything here is testable with
//! made-up instants and a `TestBackend`.

pub mod plain;
pub mod routes;
pub mod runner;
pub mod summary;
pub mod tui;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::audio::{Audio, Performed};
use crate::core::cues::Timed;
pub use crate::core::effect::Effect;
use crate::library::Library;
use crate::library::edit::{EditOutcome, FilesStamp};
use crate::model::config::{Config, Motion, ThemeName};
pub use crate::screens::{
    Ctx, DayState, DoneInfo, Nav, Route, Screen, WallClock, system_wall_clock,
};
use crate::store::paths::Paths;
use crate::ui::theme::Theme;
pub use runner::Runner;

/// What the app holds besides its screens: the library, settings, paths, and what it
/// knows of the history. Screens see it only through a read-only [`Ctx`].
pub struct Env {
    pub lib: Library,
    pub paths: Paths,
    pub theme: Theme,
    pub motion: Motion,
    /// The bell is allowed (config `bell` and no `--quiet`); `m` mutes it per session.
    pub bell_allowed: bool,
    /// `m`: no tone, phrase or bell until pressed again.
    pub muted: bool,
    /// Tones and speech: what was found, the files, the children.
    pub audio: Audio,
    /// Cues a closed session left to sound soon (its end line), in order.
    pub pending_cues: Vec<Timed>,
    /// The routine whose phrases were last rendered (while its cautions showed), and their
    /// lengths, so its session starts without waiting for speech.
    pub prepared: Option<(String, crate::core::cues::SpeechLengths)>,
    pub ask_ratings: bool,
    pub get_ready: Duration,
    pub weekly_goal: u32,
    pub wall: WallClock,
    /// Ring the terminal bell once after the next draw.
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
    /// Ask "Headache today?" on home (config `ask_headache_days`).
    pub ask_days: bool,
    /// The day log as home needs it, read after the first frame (`summary::refresh_days`).
    pub days: Option<DayState>,
    /// Run the `[hooks]` of config.toml (false with `--no-hooks`).
    pub hooks_enabled: bool,
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
            audio: Audio::new(&c.sound, c.bell, quiet),
            pending_cues: Vec::new(),
            prepared: None,
            ask_ratings: c.ask_ratings,
            get_ready: c.get_ready,
            weekly_goal: c.weekly_goal,
            wall: system_wall_clock,
            bell_pending: false,
            status: None,
            header: None,
            done: BTreeMap::new(),
            history_changed: false,
            ask_days: c.ask_headache_days,
            days: None,
            hooks_enabled: true,
        }
    }

    /// The read-only view the screens get.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            lib: &self.lib,
            theme: &self.theme,
            motion: self.motion,
            ask_ratings: self.ask_ratings,
            get_ready: self.get_ready,
            weekly_goal: self.weekly_goal,
            muted: self.muted,
            status: self.status.as_deref(),
            header: self.header.as_deref(),
            done: &self.done,
            days: self.days.as_ref(),
            wall: self.wall,
        }
    }
}

pub struct App {
    pub env: Env,
    runner: Runner,
    stack: Vec<Box<dyn Screen>>,
    /// Whether the bottom of the stack is the home screen (else `Nav::Home` builds one).
    home_at_bottom: bool,
    help: bool,
    help_scroll: u16,
    quit: bool,
    /// How the user's files looked when the library was last read: a key on home that
    /// finds them changed reloads it (no polling, so no wake-ups).
    files: Option<FilesStamp>,
    /// A routine to open in the editor; the event loop hands the terminal over for it.
    edit_request: Option<String>,
}

impl App {
    /// The app showing `first` (built at `now`).
    pub fn new(env: Env, first: Route, now: Instant) -> App {
        let runner =
            Runner::new(env.paths.clone()).with_hooks(&env.lib.config.hooks, env.hooks_enabled);
        let mut app = App {
            env,
            runner,
            stack: Vec::new(),
            home_at_bottom: matches!(first, Route::Home),
            help: false,
            help_scroll: 0,
            quit: false,
            files: None,
            edit_request: None,
        };
        // Read just after the library: a change in between only costs one extra reload.
        app.files = app.env.paths.config_dir().map(FilesStamp::read);
        let screen = app.build_or_home(first, now);
        app.stack.push(screen);
        app
    }

    /// Opens a screen on top, as `Nav::Open` would; a screen that cannot be shown says why
    /// on the status line instead.
    pub fn open(&mut self, route: Route, now: Instant) {
        match self.build(route, now) {
            Ok(screen) => self.stack.push(screen),
            Err(why) => self.env.status = Some(why),
        }
    }

    /// The screen for `route`, or home (saying why) when it cannot be shown.
    fn build_or_home(&mut self, route: Route, now: Instant) -> Box<dyn Screen> {
        match self.build(route, now) {
            Ok(screen) => screen,
            Err(why) => {
                self.env.status = Some(why);
                self.home_at_bottom = true;
                Box::new(crate::screens::home::Home::new(&self.env.ctx()))
            }
        }
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn screen(&self) -> &dyn Screen {
        self.stack
            .last()
            .expect("the stack is never empty")
            .as_ref()
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
        if self.on_home() {
            self.reload_if_changed(now);
        }
        if !self.screen().captures_text() {
            match key.code {
                KeyCode::Char('?') => {
                    self.help = true;
                    self.help_scroll = 0;
                    // Reading help is not doing the step: a running session pauses (Space
                    // goes on once help is closed).
                    self.suspend(now);
                    return;
                }
                KeyCode::Char('t') => {
                    self.cycle_theme();
                    return;
                }
                _ => {}
            }
        }
        let (nav, effects) = {
            let (env, stack) = (&self.env, &mut self.stack);
            let ctx = env.ctx();
            stack.last_mut().unwrap().update(key, now, &ctx)
        };
        self.perform(effects, now);
        self.apply(nav, now);
    }

    fn cycle_theme(&mut self) {
        self.env.theme = Theme::get(self.env.theme.name.next());
        self.env.status = Some(format!("theme: {}", self.env.theme.name));
        self.remember_comfort();
    }

    /// Keeps `t` and `m` for the next start (in `<data>/state.toml`).
    fn remember_comfort(&mut self) {
        let e = Effect::RememberComfort {
            theme: self.env.theme.name,
            muted: self.env.muted,
        };
        if let Some(problem) = self.runner.perform(&e, (self.env.wall)()) {
            self.env.status = Some(problem);
        }
    }

    /// A wake-up with no input: sound pending cues that are due, and let the screen
    /// advance its timers.
    pub fn tick(&mut self, now: Instant) {
        let due = self.env.pending_cues.partition_point(|t| t.at <= now);
        let cues: Vec<Effect> = self
            .env
            .pending_cues
            .drain(..due)
            .map(Effect::Cue)
            .collect();
        self.perform(cues, now);
        let (nav, effects) = {
            let (env, stack) = (&self.env, &mut self.stack);
            let ctx = env.ctx();
            stack.last_mut().unwrap().tick(now, &ctx)
        };
        self.perform(effects, now);
        self.apply(nav, now);
    }

    /// The screen's next wake-up, or a pending cue's if that comes first.
    pub fn deadline(&self, now: Instant) -> Option<Instant> {
        let screen = self.screen().deadline(now, &self.env.ctx());
        let cue = self.env.pending_cues.first().map(|t| t.at.max(now));
        match (screen, cue) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Quit now, letting every screen save what it must (Ctrl-C, SIGTERM, SIGHUP).
    pub fn shutdown(&mut self, now: Instant) {
        let ctx = self.env.ctx();
        let effects: Vec<Effect> = self
            .stack
            .iter_mut()
            .rev()
            .flat_map(|s| s.shutdown(now, &ctx))
            .collect();
        self.perform(effects, now);
        self.quit = true;
    }

    pub fn suspend(&mut self, now: Instant) {
        let effects = self.stack.last_mut().unwrap().suspend(now);
        self.perform(effects, now);
    }

    /// Performs what the screens asked for, in order; then shows a hook's failure, if one
    /// has just been reported (once per hook: the runner never repeats one).
    fn perform(&mut self, effects: Vec<Effect>, now: Instant) {
        self.perform_all(effects, now);
        if let Some(report) = self.runner.take_hook_report() {
            self.env.status = Some(report);
        }
    }

    fn perform_all(&mut self, effects: Vec<Effect>, now: Instant) {
        for e in effects {
            match e {
                Effect::Ring => {
                    if self.env.bell_allowed && !self.env.muted {
                        self.env.bell_pending = true;
                    }
                }
                Effect::ToggleMute => {
                    self.env.muted = !self.env.muted;
                    if self.env.muted {
                        self.env.pending_cues.clear();
                    }
                    let word = if self.env.muted {
                        "sound muted"
                    } else {
                        "sound on"
                    };
                    self.env.status = Some(word.into());
                    self.remember_comfort();
                }
                Effect::Cue(timed) => self.sound(timed, now),
                Effect::Status(s) => self.env.status = Some(s),
                Effect::Save(_) => {
                    // Re-read right after the frame that shows the end of the session.
                    self.env.history_changed = true;
                    if let Some(problem) = self.runner.perform(&e, (self.env.wall)()) {
                        self.env.status = Some(problem);
                    }
                }
                Effect::Amend(_) => {
                    if let Some(problem) = self.runner.perform(&e, (self.env.wall)()) {
                        self.env.status = Some(problem);
                    }
                    // Home shows next, with the rating in its figures: re-read right after
                    // the next frame, off the input path (see `tui::run`).
                    self.env.history_changed = true;
                }
                Effect::EditRoutine(query) => self.edit_request = Some(query),
                Effect::ReloadFiles => {
                    self.reload_files();
                    let lib = &self.env.lib;
                    let n = lib.problems.len();
                    self.env.status = Some(if n == 0 {
                        format!(
                            "Files re-read: {} routines load cleanly.",
                            lib.routines.len()
                        )
                    } else {
                        format!(
                            "Files re-read: {} routines; {n} problem{} left.",
                            lib.routines.len(),
                            if n == 1 { "" } else { "s" }
                        )
                    });
                }
                Effect::AnswerDay(entry) => match self.runner.perform(&e, (self.env.wall)()) {
                    Some(problem) => self.env.status = Some(problem),
                    None => {
                        let days = self.env.days.get_or_insert_with(DayState::default);
                        days.ask = None;
                        if days.today == Some(entry.date) {
                            days.today_headache = entry.headache;
                        }
                        days.answered = Some(entry);
                    }
                },
                Effect::RememberComfort { .. } => {
                    if let Some(problem) = self.runner.perform(&e, (self.env.wall)()) {
                        self.env.status = Some(problem);
                    }
                }
                Effect::Checkpoint(_) | Effect::AcknowledgeNotice | Effect::Hook(_) => {
                    if let Some(problem) = self.runner.perform(&e, (self.env.wall)()) {
                        self.env.status = Some(problem);
                    }
                }
            }
        }
    }

    /// Sounds a cue that is due, or keeps it until it is (the loop wakes for it).
    fn sound(&mut self, timed: Timed, now: Instant) {
        if self.env.muted {
            return;
        }
        if timed.at > now {
            let i = self.env.pending_cues.partition_point(|t| t.at <= timed.at);
            self.env.pending_cues.insert(i, timed);
            return;
        }
        if self.env.audio.perform(&timed.cue) == Performed::Bell && self.env.bell_allowed {
            self.env.bell_pending = true;
        }
        if let Some(n) = self.env.audio.take_notice() {
            self.env.status = Some(n);
        }
    }

    fn apply(&mut self, nav: Nav, now: Instant) {
        match nav {
            Nav::Stay => {}
            Nav::Quit => self.quit = true,
            Nav::Back => {
                self.stack.pop();
                if self.stack.is_empty() {
                    self.quit = true;
                    let home = self.build_or_home(Route::Home, now);
                    self.stack.push(home);
                } else {
                    self.resumed();
                }
            }
            Nav::Open(route) => {
                // What was just noted on home stays there only until home is left.
                if let Some(d) = &mut self.env.days {
                    d.answered = None;
                }
                self.open(route, now)
            }
            Nav::Replace(route) => match self.build(route, now) {
                Ok(screen) => {
                    self.stack.pop();
                    self.stack.push(screen);
                }
                Err(why) => self.env.status = Some(why),
            },
            Nav::Home => {
                self.stack.truncate(1);
                if self.home_at_bottom {
                    self.resumed();
                } else {
                    self.home_at_bottom = true;
                    self.stack[0] = self.build_or_home(Route::Home, now);
                }
            }
        }
    }

    /// Whether home is showing (nothing open above it).
    fn on_home(&self) -> bool {
        self.home_at_bottom && self.stack.len() == 1 && !self.help
    }

    /// Reloads the library when a file in the routines folder (or a drawing, or
    /// config.toml) changed since it was read. Returns whether it reloaded.
    pub fn reload_if_changed(&mut self, _now: Instant) -> bool {
        let Some(dir) = self.env.paths.config_dir() else {
            return false;
        };
        if self.files.as_ref() == Some(&FilesStamp::read(dir)) {
            return false;
        }
        self.reload_files();
        true
    }

    /// The window got focus back: on home, re-read the files if they changed meanwhile.
    pub fn focus_gained(&mut self, now: Instant) -> bool {
        self.on_home() && self.reload_if_changed(now)
    }

    /// Re-reads the library from disk; home keeps its place when it can.
    pub fn reload_files(&mut self) {
        let dir = self.env.paths.config.clone();
        self.files = dir.as_deref().map(FilesStamp::read);
        self.env.lib = Library::load(dir.as_deref());
        if self.home_at_bottom {
            let (env, stack) = (&self.env, &mut self.stack);
            stack[0].resumed(&env.ctx());
        }
    }

    /// A routine the user asked to edit (taken once): the event loop gives the editor the
    /// terminal, then reports back with [`App::edited`].
    pub fn take_edit_request(&mut self) -> Option<String> {
        self.edit_request.take()
    }

    /// The editor is done: say how it went and show the library as it is now.
    pub fn edited(&mut self, result: Result<EditOutcome, String>) {
        self.env.status = Some(match &result {
            Ok(EditOutcome::Saved {
                path,
                overrides_bundled,
            }) => {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if *overrides_bundled {
                    format!("Saved {name}: your copy now replaces the bundled routine.")
                } else {
                    format!("Saved {name}.")
                }
            }
            Ok(EditOutcome::Unchanged) => "No changes.".to_string(),
            Ok(other) => {
                let mut m = other.failure_message();
                if let Some(c) = m.get_mut(0..1) {
                    c.make_ascii_uppercase();
                }
                m
            }
            Err(e) => e.clone(),
        });
        self.reload_files();
    }

    fn resumed(&mut self) {
        let (env, stack) = (&self.env, &mut self.stack);
        stack.last_mut().unwrap().resumed(&env.ctx());
    }

    /// Settles the layout of the showing screen for an area (before each draw).
    pub fn layout(&mut self, area: ratatui::layout::Rect, now: Instant) {
        let (env, stack) = (&self.env, &mut self.stack);
        stack.last_mut().unwrap().layout(area, now, &env.ctx());
    }

    pub fn render(&self, frame: &mut Frame, now: Instant) {
        let area = frame.area();
        let ctx = self.env.ctx();
        frame.buffer_mut().set_style(area, ctx.theme.base);
        if !crate::ui::too_small(frame, area, ctx.theme) {
            self.render_screen(frame, area, &ctx, now);
        }
        // Whatever a routine, a drawing or a history record holds, no control character
        // or bidi override reaches the terminal.
        crate::ui::neutralise_buffer(frame.buffer_mut());
    }

    fn render_screen(
        &self,
        frame: &mut Frame,
        area: ratatui::layout::Rect,
        ctx: &Ctx<'_>,
        now: Instant,
    ) {
        let screen = self.screen();
        screen.render(frame, area, ctx, now);
        if self.help {
            let keys = screen.keys(ctx);
            crate::ui::help::render(
                frame,
                area,
                ctx.theme,
                screen.title(),
                &keys,
                self.help_scroll,
            );
        }
    }

    /// The outcome of the last session saved in this run, for the finish screen.
    pub fn runner(&self) -> &Runner {
        &self.runner
    }
}
