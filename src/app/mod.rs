//! The app: which screen is showing, what the screens share, and where their effects go.
//!
//! Screens answer keys and wake-ups with a [`Nav`] and a list of [`Effect`]s; `App` turns
//! routes into screens (loading what they show), hands the effects to the [`Performers`]
//! (the same ones plain mode uses), shows what they changed, and handles the keys that work
//! everywhere. The event loop in [`tui`] only feeds it events and instants, so everything
//! here is testable with made-up instants and a `TestBackend`.

pub mod perform;
pub mod plain;
pub mod reads;
pub mod routes;
pub mod session;
pub mod summary;
pub mod tui;

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use crate::core::effect::Effect;
use crate::core::effect::{AppEffect, StoreEffect};
use crate::library::Library;
use crate::library::edit::{EditError, EditOutcome};
use crate::model::config::{Config, ThemeName};
use crate::model::settings::{Flags, Settings};
pub use crate::screens::{Ctx, DayState, DoneInfo, Nav, Route, Screen};
use crate::store::paths::Paths;
use crate::ui::theme::Theme;
pub use perform::{Changed, Performers};
use summary::Known;

/// The wall clock, read by the app once per key, wake-up or frame and handed to the
/// screens in `Ctx::now` (screens never read it); injectable so tests have a fixed "today".
pub type WallClock = fn() -> jiff::Zoned;

/// The real wall clock, in the local time zone (read like any file: see `files::zone`).
pub fn system_wall_clock() -> jiff::Zoned {
    crate::files::now()
}

/// What the app is started from: the library and paths, the command line's flags, the
/// comfort choices remembered from the last run, and the clock.
pub struct Init {
    pub lib: Library,
    pub paths: Paths,
    pub flags: Flags,
    /// The theme last chosen with `t`, if any.
    pub theme: Option<ThemeName>,
    /// Whether sound was muted with `m` last time.
    pub muted: bool,
    pub wall: WallClock,
    /// A line to show on the first screen (e.g. sessions recovered at start).
    pub status: Option<String>,
}

impl Init {
    pub fn new(lib: Library, paths: Paths, flags: Flags) -> Init {
        Init {
            lib,
            paths,
            flags,
            theme: None,
            muted: false,
            wall: system_wall_clock,
            status: None,
        }
    }
}

/// What the screens read (through [`Ctx`]) and the performers: apart from the screen
/// stack, so a screen can be given a `Ctx` while it is changed.
struct Shared {
    lib: Library,
    paths: Paths,
    /// Derived from `lib.config` and the flags; derived again on every reload.
    settings: Settings,
    /// The theme chosen with `t` (this run or remembered); `settings` says whether it shows.
    chosen_theme: Option<ThemeName>,
    /// The theme chosen with `t` while colour is off (`NO_COLOR`: shown without colour) or
    /// while `--theme` names one: for this run only, never over the remembered choice.
    run_theme: Option<ThemeName>,
    theme: Theme,
    perform: Performers,
    wall: WallClock,
    /// A one-line message shown in the footer until the next key.
    status: Option<String>,
    /// What the history and the day log say, for home and the finish screen.
    known: Known,
}

impl Shared {
    /// The theme to draw with now: the settings' choice, or under `NO_COLOR` the one chosen
    /// with `t` this run with its colours taken out.
    fn theme_now(&self) -> Theme {
        if self.settings.colourless() {
            Theme::get(self.run_theme.unwrap_or(ThemeName::Mono)).without_colour()
        } else {
            let theme = Theme::get(
                self.run_theme
                    .unwrap_or_else(|| self.settings.theme(self.chosen_theme)),
            );
            if self.settings.colours_256() {
                theme.in_256_colours()
            } else {
                theme
            }
        }
    }

    /// The read-only view the screens get, with the wall clock read once for it.
    fn ctx<'a>(&'a self, wall: &'a jiff::Zoned) -> Ctx<'a> {
        Ctx {
            lib: &self.lib,
            settings: &self.settings,
            theme: &self.theme,
            muted: self.perform.sound.is_muted(),
            status: self.status.as_deref(),
            header: self.known.header.as_deref(),
            done: &self.known.done,
            days: self.known.days.as_ref(),
            days_problem: self.known.days_problem.as_deref(),
            amended: &self.known.amended,
            now: wall,
        }
    }

    fn wall(&self) -> jiff::Zoned {
        (self.wall)()
    }
}

pub struct App {
    s: Shared,
    /// Ring the terminal bell once after the next draw.
    bell_pending: bool,
    /// A session was saved or rated: `known` is stale. The event loop re-reads it right
    /// after the next frame, so the frame that ends a session never waits for a long history.
    history_changed: bool,
    /// Home's figures were due while home was not on the stack (a session started with
    /// `run` or `breathe`): they are read when home is, not while a step counts.
    figures_later: bool,
    stack: Vec<Box<dyn Screen>>,
    /// Whether the bottom of the stack is the home screen (else `Nav::Home` builds one).
    home_at_bottom: bool,
    help: bool,
    /// Said on the terminal after the app is gone (see [`App::farewell`]).
    farewell: Vec<String>,
    /// Opening help paused a running session: closing it goes on.
    help_held: bool,
    help_scroll: u16,
    quit: bool,
    /// A routine to open in the editor; the event loop hands the terminal over for it.
    edit_request: Option<String>,
    /// What to read off the UI thread (see [`reads`]), until the event loop takes it.
    reads: Vec<reads::Read>,
    /// The ticket the next read that a screen waits for gets.
    next_ticket: crate::screens::Ticket,
    /// The day log is being read (see [`App::follow_the_day`]).
    days_reading: bool,
}

impl App {
    /// The app showing `first` (built at `now`).
    pub fn new(init: Init, first: Route, now: Instant) -> App {
        let Init {
            lib,
            paths,
            flags,
            theme,
            muted,
            wall,
            status,
        } = init;
        let settings = Settings::new(&lib.config, flags);
        let perform = Performers::new(paths.clone(), &settings, muted);
        let mut app = App {
            s: Shared {
                theme: Theme::get(settings.theme(theme)),
                lib,
                paths,
                settings,
                chosen_theme: theme,
                run_theme: None,
                perform,
                wall,
                status,
                known: Known::default(),
            },
            bell_pending: false,
            history_changed: false,
            figures_later: false,
            stack: Vec::new(),
            // Set by `build_or_home` below.
            home_at_bottom: false,
            help: false,
            farewell: Vec::new(),
            help_held: false,
            help_scroll: 0,
            quit: false,
            edit_request: None,
            reads: Vec::new(),
            next_ticket: 0,
            days_reading: false,
        };
        // What the flags and the terminal say of colour (the 256 colours, none at all).
        app.s.theme = app.s.theme_now();
        let screen = app.build_or_home(first, now);
        app.stack.push(screen);
        app
    }

    pub fn lib(&self) -> &Library {
        &self.s.lib
    }

    pub fn settings(&self) -> &Settings {
        &self.s.settings
    }

    pub fn paths(&self) -> &Paths {
        &self.s.paths
    }

    pub fn theme(&self) -> ThemeName {
        self.s.theme.name
    }

    pub fn is_muted(&self) -> bool {
        self.s.perform.sound.is_muted()
    }

    pub fn status(&self) -> Option<&str> {
        self.s.status.as_deref()
    }

    /// A line for the footer until the next key.
    pub fn set_status(&mut self, status: &str) {
        self.s.status = Some(status.to_string());
    }

    /// What the history and the day log say, as home shows it.
    pub fn known(&self) -> &Known {
        &self.s.known
    }

    /// Changes the settings as a changed `config.toml` would (tests, and a reload).
    pub fn change_config(&mut self, change: impl FnOnce(&mut Config)) {
        change(&mut self.s.lib.config);
        self.settings_changed();
    }

    /// Reads the wall clock from `wall` from now on (tests pin "today").
    pub fn set_wall_clock(&mut self, wall: WallClock) {
        self.s.wall = wall;
    }

    /// The performers, to give them a sound that looks for programs elsewhere (tests).
    pub fn performers_mut(&mut self) -> &mut Performers {
        &mut self.s.perform
    }

    /// Opens a screen on top, as `Nav::Open` would; a screen that cannot be shown says why
    /// on the status line instead.
    pub fn open(&mut self, route: Route, now: Instant) {
        match self.build(route, now) {
            Ok(screen) => self.stack.push(screen),
            Err(why) => self.s.status = Some(why.to_string()),
        }
    }

    /// The screen for `route`, or home (saying why) when it cannot be shown. What it builds
    /// always goes at the bottom of the stack, so it keeps `home_at_bottom` true when that
    /// is home.
    fn build_or_home(&mut self, route: Route, now: Instant) -> Box<dyn Screen> {
        if matches!(route, Route::Home) {
            self.home_at_bottom = true;
        }
        match self.build(route, now) {
            Ok(screen) => screen,
            Err(why) => {
                self.s.status = Some(why.to_string());
                self.home_at_bottom = true;
                let wall = self.s.wall();
                Box::new(crate::screens::home::Home::new(&self.s.ctx(&wall)))
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
        self.s.status = None;
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.shutdown(now);
            return;
        }
        if self.help {
            self.help_key(key.code, now);
            return;
        }
        if self.on_home() {
            self.reload_if_changed(now);
        }
        self.follow_the_day();
        if !self.screen().captures_text() {
            match key.code {
                KeyCode::Char('?') => {
                    self.help = true;
                    self.help_scroll = 0;
                    // Reading help is not doing the step: a running session pauses while
                    // help is open, and goes on when it closes.
                    self.help_held = self.screen().running();
                    self.suspend(now);
                    return;
                }
                KeyCode::Char('t') => {
                    self.cycle_theme(now);
                    return;
                }
                _ => {}
            }
        }
        let wall = self.s.wall();
        let (nav, effects) = {
            let ctx = self.s.ctx(&wall);
            let screen = self.stack.last_mut().expect("the stack is never empty");
            screen.update(key, now, &ctx)
        };
        self.perform(effects, now);
        self.apply(nav, now);
    }

    fn help_key(&mut self, code: KeyCode, now: Instant) {
        match code {
            KeyCode::Char('?') | KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => {
                self.help = false;
                if std::mem::take(&mut self.help_held) {
                    self.go_on(now);
                }
            }
            KeyCode::Char('t') => self.cycle_theme(now),
            KeyCode::Down | KeyCode::Char('j') => {
                self.help_scroll = self.help_scroll.saturating_add(2)
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.help_scroll = self.help_scroll.saturating_sub(2)
            }
            _ => {}
        }
    }

    /// `t`: the next theme, remembered for the next start. With colour turned off it is
    /// shown without colour, and with `--theme` given it is shown: either way for this run
    /// only, and the remembered theme stays.
    fn cycle_theme(&mut self, now: Instant) {
        let next = self.s.theme.name.next();
        let for_run = if self.s.settings.colourless() {
            Some(format!(
                "theme: {next}, without colour (colour is off), for this run only"
            ))
        } else if self.s.settings.flags().theme.is_some() {
            Some(format!(
                "theme: {next}, for this run only (--theme was given)"
            ))
        } else {
            None
        };
        if let Some(status) = for_run {
            self.s.run_theme = Some(next);
            self.s.theme = self.s.theme_now();
            self.s.status = Some(status);
            return;
        }
        self.s.chosen_theme = Some(next);
        self.s.theme = self.s.theme_now();
        self.s.status = Some(format!("theme: {}", self.s.theme.name));
        self.perform(vec![StoreEffect::RememberTheme(next).into()], now);
    }

    /// A wake-up with no input: sound kept cues that are due, and let the screen advance
    /// its timers.
    pub fn tick(&mut self, now: Instant) {
        self.follow_the_day();
        let changed = self.s.perform.tick(now);
        self.show(changed, now);
        let wall = self.s.wall();
        let (nav, effects) = {
            let ctx = self.s.ctx(&wall);
            let screen = self.stack.last_mut().expect("the stack is never empty");
            screen.tick(now, &ctx)
        };
        self.perform(effects, now);
        self.apply(nav, now);
    }

    /// The screen's next wake-up, or a kept cue's if that comes first.
    pub fn deadline(&self, now: Instant) -> Option<Instant> {
        let wall = self.s.wall();
        let screen = self.screen().deadline(now, &self.s.ctx(&wall));
        let cue = self.s.perform.sound.next_due().map(|at| at.max(now));
        match (screen, cue) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Quit now, letting every screen save what it must (Ctrl-C, SIGTERM, SIGHUP).
    pub fn shutdown(&mut self, now: Instant) {
        let wall = self.s.wall();
        let effects: Vec<Effect> = {
            let ctx = self.s.ctx(&wall);
            self.stack
                .iter_mut()
                .rev()
                .flat_map(|s| s.shutdown(now, &ctx))
                .collect()
        };
        let said: Vec<String> = effects
            .iter()
            .filter_map(Effect::saved_record)
            .map(|r| {
                format!(
                    "Saved as {}: {}, {} of {}.",
                    r.outcome.as_str(),
                    r.title,
                    crate::model::format::fmt_clock_secs(r.active_secs),
                    crate::model::format::fmt_clock_secs(r.planned_secs)
                )
            })
            .collect();
        let wall = self.s.wall();
        let changed = self.s.perform.perform(effects, now, &wall);
        if !said.is_empty() {
            self.farewell = match (&changed.status, changed.history) {
                (Some(why), false) => vec![why.clone()],
                _ => said,
            };
        }
        self.show(changed, now);
        self.stop_sound();
        self.quit = true;
    }

    /// What to say on the terminal once it is given back after a quit that saved a
    /// session ("Saved as stopped: …"), or why it could not be saved.
    pub fn farewell(&self) -> &[String] {
        &self.farewell
    }

    /// Stops every sound and speech render of this run and waits (briefly) until they are
    /// gone: the last thing before the terminal is given back, on every way out.
    pub fn stop_sound(&mut self) {
        self.s.perform.sound.shutdown();
    }

    /// Stops watching the user's folders, as the app ends (see
    /// [`crate::library::Library::stop_watching`]): the app is shared with the signal
    /// thread, so it is never dropped before the process exits.
    pub fn stop_watching(&mut self) {
        self.s.lib.stop_watching();
    }

    /// Stops the sound playing now (Ctrl-Z: a stopped process cannot stop its players).
    pub fn silence(&mut self, now: Instant) {
        self.perform(vec![crate::core::effect::SoundEffect::Silence.into()], now);
    }

    pub fn suspend(&mut self, now: Instant) {
        let wall = self.s.wall();
        let effects = {
            let ctx = self.s.ctx(&wall);
            let screen = self.stack.last_mut().expect("the stack is never empty");
            screen.suspend(now, &ctx)
        };
        self.perform(effects, now);
    }

    /// What [`App::suspend`] paused goes on (help closed).
    fn go_on(&mut self, now: Instant) {
        let wall = self.s.wall();
        let effects = {
            let ctx = self.s.ctx(&wall);
            let screen = self.stack.last_mut().expect("the stack is never empty");
            screen.go_on(now, &ctx)
        };
        self.perform(effects, now);
    }

    /// Hands the effects to the performers and shows what they changed.
    fn perform(&mut self, effects: Vec<Effect>, now: Instant) {
        if effects.is_empty() {
            return;
        }
        let wall = self.s.wall();
        let changed = self.s.perform.perform(effects, now, &wall);
        self.show(changed, now);
    }

    /// What performing changed, shown: every field has its place here.
    fn show(&mut self, changed: Changed, now: Instant) {
        let Changed {
            status,
            history,
            day,
            amended,
            muted,
            bell,
            app,
        } = changed;
        if let Some(s) = status {
            self.s.status = Some(s);
        }
        // Re-read right after the frame that shows it, off the input path (see `tui::run`).
        self.history_changed |= history;
        if let Some(entry) = day {
            self.s.known.answered(entry);
            // Screens that read the day log before it (the Stats screen) show it too.
            for screen in &mut self.stack {
                screen.day_kept(entry);
            }
        }
        self.s.known.amended.extend(amended);
        if let Some(m) = muted {
            self.s.status = Some(if m { "sound muted" } else { "sound on" }.into());
        }
        self.bell_pending |= bell;
        for e in app {
            self.app_effect(e, now);
        }
    }

    /// The effects only the app can carry out.
    fn app_effect(&mut self, effect: AppEffect, _now: Instant) {
        match effect {
            AppEffect::Status(s) => self.s.status = Some(s),
            AppEffect::EditRoutine(query) => self.edit_request = Some(query),
            AppEffect::ReloadFiles => {
                self.reload_files();
                let n = self.s.lib.problems.len();
                let routines = self.s.lib.routines.len();
                self.s.status = Some(if n == 0 {
                    format!("Files re-read: {routines} routines load cleanly.")
                } else {
                    format!(
                        "Files re-read: {routines} routines; {n} problem{} left.",
                        if n == 1 { "" } else { "s" }
                    )
                });
            }
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
            Nav::Open(route) => self.open(route, now),
            Nav::Switch(route) => {
                let below = self.stack.len().checked_sub(2).map(|i| &self.stack[i]);
                if below.is_some_and(|s| s.shows(&route)) {
                    self.stack.pop();
                    self.apply(Nav::Replace(route), now);
                } else {
                    self.open(route, now);
                }
            }
            Nav::Replace(route) => match self.build(route, now) {
                Ok(screen) => {
                    self.stack.pop();
                    self.stack.push(screen);
                }
                Err(why) => self.s.status = Some(why.to_string()),
            },
            Nav::Home => {
                self.stack.truncate(1);
                if self.home_at_bottom {
                    self.resumed();
                } else {
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
        let Some(dir) = self.s.paths.config_dir() else {
            return false;
        };
        // The library looked at each file as it read it: a change since shows here.
        if self.s.lib.stamp().is_some_and(|f| f.unchanged(dir)) {
            return false;
        }
        self.reload_files();
        true
    }

    /// On home, looks at the user's files once (re-reading them if they changed since they
    /// were read): what a key on home does first, done ahead of the first key.
    pub fn look_at_files(&mut self) {
        if self.on_home() {
            self.reload_if_changed(Instant::now());
        }
    }

    /// The window got focus back: on home, re-read the files if they changed meanwhile.
    pub fn focus_gained(&mut self, now: Instant) -> bool {
        self.on_home() && self.reload_if_changed(now)
    }

    /// Re-reads the library and the settings from disk; home keeps its place when it can.
    pub fn reload_files(&mut self) {
        let dir = self.s.paths.config.clone();
        self.s.lib = Library::load(dir.as_deref());
        self.settings_changed();
        if self.home_at_bottom {
            let wall = self.s.wall();
            let ctx = self.s.ctx(&wall);
            self.stack[0].resumed(&ctx);
        }
    }

    /// The settings follow the config: derived again, and every part that uses them told.
    fn settings_changed(&mut self) {
        self.s.settings = Settings::new(&self.s.lib.config, self.s.settings.flags());
        self.s.theme = self.s.theme_now();
        self.s.perform.reconfigure(&self.s.settings);
        if !self.s.settings.ask_days {
            self.s.known.days = None;
        }
    }

    /// A routine the user asked to edit (taken once): the event loop gives the editor the
    /// terminal, then reports back with [`App::edited`].
    pub fn take_edit_request(&mut self) -> Option<String> {
        self.edit_request.take()
    }

    /// The editor is done: say how it went and show the library as it is now.
    pub fn edited(&mut self, result: Result<EditOutcome, EditError>) {
        self.s.status = Some(match &result {
            Ok(EditOutcome::Saved {
                path,
                overrides_bundled,
                breaks_limits,
            }) => {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let saved = if *overrides_bundled {
                    format!("Saved {name}: your copy now replaces the bundled routine.")
                } else {
                    format!("Saved {name}.")
                };
                if *breaks_limits {
                    format!(
                        "{saved} It breaks the safety limits and is marked {}.",
                        crate::core::content::WARNING
                    )
                } else {
                    saved
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
            Err(e) => e.to_string(),
        });
        self.reload_files();
    }

    fn resumed(&mut self) {
        let wall = self.s.wall();
        let ctx = self.s.ctx(&wall);
        self.stack
            .last_mut()
            .expect("the stack is never empty")
            .resumed(&ctx);
    }

    /// Settles the layout of the showing screen for an area (before each draw).
    pub fn layout(&mut self, area: ratatui::layout::Rect, now: Instant) {
        let wall = self.s.wall();
        let ctx = self.s.ctx(&wall);
        self.stack
            .last_mut()
            .expect("the stack is never empty")
            .layout(area, now, &ctx);
    }

    pub fn render(&self, frame: &mut Frame, now: Instant) {
        let area = frame.area();
        let wall = self.s.wall();
        let ctx = self.s.ctx(&wall);
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

    /// Whether the bell should ring now (once: taken).
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell_pending)
    }

    /// A request to read home's figures when they are stale (a session was saved): taken
    /// once. The event loop reads it on a thread of its own, right after a frame.
    pub fn take_history_change(&mut self) -> bool {
        if self.figures_later && self.home_at_bottom {
            self.figures_later = false;
            self.history_changed = true;
        }
        std::mem::take(&mut self.history_changed)
    }

    /// Whether a saved or rated session has made home's figures stale.
    pub fn history_stale(&self) -> bool {
        self.history_changed
    }

    /// What to read for home's figures, as of now.
    pub fn summary_request(&self) -> summary::Request {
        summary::Request::new(
            self.s.paths.data.clone(),
            self.s.wall(),
            self.s.settings.weekly_goal,
        )
    }

    /// Asks for what home shows from the history — its figures, and the day log the first
    /// time or once the day it was read for is over (when the question is on) — to be read
    /// off the UI thread. The event loop does it right after the first frame and after each
    /// saved session, so a session that ran past midnight finds the new day's answer and
    /// the finish screen can offer to mark it.
    pub fn read_known(&mut self) {
        // Only home shows them. A session started from the command line does not read the
        // whole history while it counts (about 0.25 MiB at 10,000 sessions).
        if self.home_at_bottom {
            self.ask(reads::Read::Figures(self.summary_request()));
        } else {
            self.figures_later = true;
        }
        let today = self.s.wall().date();
        let read_for = self.s.known.days.as_ref().map(|d| d.today);
        if read_for != Some(Some(today)) && self.s.settings.ask_days {
            self.ask_days();
        }
    }

    fn ask_days(&mut self) {
        if let Some(dir) = self.s.paths.data.clone() {
            let now = self.s.wall();
            self.days_reading = true;
            self.ask(reads::Read::Days { dir, now });
        }
    }

    /// Reads the day log again once the day has turned since it was read (midnight, or the
    /// end of the morning), so home's question and the finish screen's offer follow the
    /// day: the screens that show them wake up when it turns (see
    /// `screens::diary::day_turns`).
    fn follow_the_day(&mut self) {
        let wall = self.s.wall();
        let turned = self.s.known.days.as_ref().is_some_and(|d| d.stale(&wall));
        if turned && self.s.settings.ask_days && !self.days_reading {
            self.ask_days();
        }
    }

    /// Reads home's figures here and now, as the event loop does on its own thread.
    pub fn refresh_summary(&mut self) {
        let figures = summary::read(self.summary_request());
        self.apply_summary(figures);
    }

    /// Home's figures, read.
    pub fn apply_summary(&mut self, figures: summary::Figures) {
        self.s.known.apply(figures);
    }

    /// Reads the day log for home's "Headache today?" and the finish screen's offer here
    /// and now, as the event loop does on its own thread.
    pub fn refresh_days(&mut self) {
        if !self.s.settings.ask_days {
            self.s.known.days = None;
            return;
        }
        if let Some(dir) = self.s.paths.data.clone() {
            let now = self.s.wall();
            self.finished(reads::read(reads::Read::Days { dir, now }));
        }
    }

    /// A new ticket for a read a screen waits for.
    pub(crate) fn ticket(&mut self) -> crate::screens::Ticket {
        self.next_ticket += 1;
        self.next_ticket
    }

    /// Something to read off the UI thread.
    pub(crate) fn ask(&mut self, read: reads::Read) {
        self.reads.push(read);
    }

    /// What to read now, each on a thread of its own (taken once). Nothing is read under
    /// the app's lock: a key, Ctrl-C or SIGTERM never waits for a history.
    pub fn take_reads(&mut self) -> Vec<reads::Read> {
        std::mem::take(&mut self.reads)
    }

    /// A read is done: its result goes where it belongs.
    pub fn finished(&mut self, done: reads::Done) {
        match done {
            reads::Done::Figures(figures) => self.apply_summary(figures),
            reads::Done::Days { log, now } => {
                self.days_reading = false;
                self.s.known.apply_days(log, &now, self.s.settings.ask_days)
            }
            done @ (reads::Done::History { .. }
            | reads::Done::Session { .. }
            | reads::Done::Stats { .. }) => self.screen_read(done),
        }
    }

    /// Reads everything asked for, here and now, as the event loop does on its threads:
    /// for tests and front ends without a loop.
    pub fn settle_reads(&mut self) {
        loop {
            let reads = self.take_reads();
            if reads.is_empty() {
                return;
            }
            for r in reads {
                self.finished(reads::read(r));
            }
        }
    }

    /// Why the session with this record id could not be saved, if it was the last one saved
    /// and it could not (for the finish screen).
    pub fn save_problem(&self, id: &str) -> Option<String> {
        self.s.perform.store.save_problem(id)
    }
}
