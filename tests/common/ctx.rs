//! One screen on its own, timr-tui style: a made-up [`Ctx`] (a small library, a theme, the
//! fixed "today", whatever the history is said to hold), a screen built from it, keys sent
//! to its `update` and frames drawn from its `layout` and `render` into a TestBackend. No
//! temp folder, no app, no file read: the whole-app tests (`TestApp`) are for flows.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use knotless::core::run::Run;
use knotless::core::session::{Options, Session};
use knotless::library::Library;
use knotless::model::config::{Config, ThemeName};
use knotless::model::settings::{Flags, Settings};
use knotless::screens::player::Player;
use knotless::screens::{Ctx, DayState, DoneInfo, Effect, Nav, Screen};
use knotless::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{buffer_text, fixed_now, key};

/// The routines of the small library: one per kind of screen they lead to (pressure work
/// with cautions, the gentle routine a bad head is offered, equipment, the jaw), and every
/// bundled pattern.
pub const SMALL: [&str; 4] = [
    "neck-release",
    "migraine-day",
    "shoulders-ball-wall",
    "jaw-and-temples",
];

/// The bundled library cut down to [`SMALL`] (read once per test binary).
pub fn small_library() -> Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| {
        let mut lib = Library::load(None);
        assert!(lib.problems.is_empty(), "{:?}", lib.problems);
        lib.routines.retain(|r| SMALL.contains(&r.id.as_str()));
        assert_eq!(lib.routines.len(), SMALL.len());
        lib
    })
    .clone()
}

/// Everything a [`Ctx`] borrows, owned, with public fields a test sets as it likes.
pub struct World {
    pub lib: Library,
    pub settings: Settings,
    pub theme: Theme,
    pub now: jiff::Zoned,
    pub muted: bool,
    pub status: Option<String>,
    pub header: Option<String>,
    pub done: BTreeMap<String, DoneInfo>,
    pub days: Option<DayState>,
    pub days_problem: Option<String>,
    /// Amendments kept in this run (ratings and notes added after a session).
    pub amended: Vec<knotless::model::record::Amendment>,
    /// The instant the screen's timers start from.
    pub t0: Instant,
}

impl World {
    /// The small library, the calm theme, default settings without sound, Tuesday 24
    /// November 2026 at 10:00 in London, nothing in the history.
    pub fn new() -> World {
        World::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> World {
        let flags = Flags {
            quiet: true,
            ..Default::default()
        };
        World {
            lib: small_library(),
            settings: Settings::new(&config, flags),
            theme: Theme::get(ThemeName::Calm),
            now: fixed_now(),
            muted: false,
            status: None,
            header: None,
            done: BTreeMap::new(),
            days: None,
            days_problem: None,
            amended: Vec::new(),
            t0: Instant::now(),
        }
    }

    pub fn themed(mut self, name: ThemeName) -> World {
        self.theme = Theme::get(name);
        self
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            lib: &self.lib,
            settings: &self.settings,
            theme: &self.theme,
            muted: self.muted,
            status: self.status.as_deref(),
            header: self.header.as_deref(),
            done: &self.done,
            days: self.days.as_ref(),
            days_problem: self.days_problem.as_deref(),
            amended: &self.amended,
            now: &self.now,
        }
    }

    /// `ms` after [`World::t0`].
    pub fn at(&self, ms: u64) -> Instant {
        self.t0 + Duration::from_millis(ms)
    }

    /// A routine of the small library by id.
    pub fn routine(&self, id: &str) -> knotless::model::routine::Routine {
        self.lib
            .routine(id)
            .expect("a routine of the small library")
            .clone()
    }

    /// Makes a routine of the small library the user's own, as if read from their routines
    /// folder; with `replaces_bundled`, their copy that takes the bundled one's place.
    pub fn make_yours(&mut self, id: &str, replaces_bundled: bool) {
        let r = self
            .lib
            .routines
            .iter_mut()
            .find(|r| r.id == id)
            .expect("a routine of the small library");
        r.source =
            knotless::model::routine::Source::File(format!("/config/routines/{id}.toml").into());
        if replaces_bundled {
            self.lib.overridden.insert(id.to_string());
        }
    }

    /// The player of a routine session started at [`World::t0`], as the app starts one
    /// (the count-in from the settings), without sound or hooks.
    pub fn player(&self, routine: &knotless::model::routine::Routine) -> Player {
        let opts = Options {
            get_ready: self.settings.get_ready,
        };
        let session = Session::new(routine, opts, "test-session".into(), self.t0);
        Player::new(Run::new(session, self.now.clone(), Default::default()))
    }

    /// The player of a breathing exercise of a pattern of the library, started at
    /// [`World::t0`].
    pub fn breathing(&self, pattern: &str, length: knotless::model::routine::Length) -> Player {
        let pattern = self.lib.pattern(pattern).expect("a pattern of the library");
        let opts = Options {
            get_ready: knotless::core::rules::breathing_get_ready(self.settings.get_ready),
        };
        let session = Session::breathing(pattern, length, opts, "test-breathing".into(), self.t0);
        Player::new(Run::new(session, self.now.clone(), Default::default()))
    }

    /// Lays `screen` out for a `w`×`h` window and draws it, as the app does (the theme's
    /// base style under everything, then the screen), at `ms`.
    pub fn draw(&self, screen: &mut dyn Screen, w: u16, h: u16, ms: u64) -> Buffer {
        let ctx = self.ctx();
        let now = self.at(ms);
        let area = Rect::new(0, 0, w, h);
        screen.layout(area, now, &ctx);
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
        terminal
            .draw(|f| {
                f.buffer_mut().set_style(area, ctx.theme.base);
                screen.render(f, area, &ctx, now);
            })
            .expect("draw")
            .buffer
            .clone()
    }

    /// [`World::draw`] as plain lines, for snapshots.
    pub fn text(&self, screen: &mut dyn Screen, w: u16, h: u16, ms: u64) -> String {
        buffer_text(&self.draw(screen, w, h, ms))
    }

    /// Sends one key (a name as [`super::key`] takes it) at `ms`: where to go, and what to do.
    pub fn press(&self, screen: &mut dyn Screen, name: &str, ms: u64) -> (Nav, Vec<Effect>) {
        screen.update(key(name), self.at(ms), &self.ctx())
    }

    /// Sends keys one after another at `ms`, expecting each to stay on the screen with
    /// nothing to do; the last key's answer is returned.
    pub fn keys(&self, screen: &mut dyn Screen, names: &[&str], ms: u64) -> (Nav, Vec<Effect>) {
        let (last, rest) = names.split_last().expect("at least one key");
        for name in rest {
            let (nav, effects) = self.press(screen, name, ms);
            assert!(
                matches!(nav, Nav::Stay) && effects.is_empty(),
                "{name}: {nav:?} {effects:?}"
            );
        }
        self.press(screen, last, ms)
    }
}

impl Default for World {
    fn default() -> World {
        World::new()
    }
}

/// The first line of `text` that holds `needle`, for assertions with a readable failure.
pub fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
}
