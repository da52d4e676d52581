//! One file per screen: its state, how keys change it, and how it is drawn — and the
//! contract between screens and the app.
//!
//! A screen owns its state. It reads what it shows through a read-only [`Ctx`], answers a
//! key or a wake-up with a [`Nav`] (where to go, as a [`Route`] value) and a list of
//! [`Effect`]s (what to do: save, ring, acknowledge), and draws itself without changing
//! anything. It never touches storage or builds another screen: the app turns routes into
//! screens, loading what they show, and performs the effects.

pub mod before;
pub mod breathe;
pub mod diary;
pub mod finish;
pub mod first_run;
pub mod history;
pub mod home;
pub mod player;
pub mod reading;
pub mod record;
pub mod stats;

use std::collections::BTreeMap;
use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

pub use crate::core::effect::{AppEffect, Effect, SoundEffect, StoreEffect};
use crate::library::Library;
use crate::model::record::SessionRecord;
use crate::model::routine::{Length, Pattern, Routine};
use crate::model::settings::Settings;
use crate::ui::KeyHelp;
use crate::ui::theme::Theme;

/// What every screen may read: the library, the settings, what the app knows of the
/// history, and the wall clock read once for this key, wake-up or frame. Nothing in it can
/// be changed by a screen; changes go through effects.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub lib: &'a Library,
    pub settings: &'a Settings,
    pub theme: &'a Theme,
    /// Sound is muted (`m`).
    pub muted: bool,
    /// A one-line message for the footer until the next key (e.g. a save failure).
    pub status: Option<&'a str>,
    /// "Last session 2 days ago · 3 this week", once the history has been read.
    pub header: Option<&'a str>,
    /// What the history says about each routine (by id), for the home detail pane.
    pub done: &'a BTreeMap<String, DoneInfo>,
    /// What the day log says for home's "Headache today?" and the finish screen's offer;
    /// `None` until it has been read (after the first frame) or when turned off.
    pub days: Option<&'a DayState>,
    /// Why the day log could not be read, when it could not (home then cannot ask).
    pub days_problem: Option<&'a str>,
    /// The ratings and notes added to past sessions in this run, oldest first, so a list
    /// read before them (the history) shows them when it is shown again.
    pub amended: &'a [crate::model::record::Amendment],
    /// The wall clock now: screens never read the clock themselves.
    pub now: &'a jiff::Zoned,
}

/// The day log as home and the finish screen need it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayState {
    /// The date "Headache today?" asks about while it is due (see `core::days::prompt_date`).
    pub ask: Option<jiff::civil::Date>,
    /// The date the day log was read as "today".
    pub today: Option<jiff::civil::Date>,
    /// Whether it was read in the morning (when `ask` may be about yesterday).
    pub morning: bool,
    /// What the day log says of today and yesterday — the days home can answer and
    /// correct — kept up to date with the answers given in this run.
    pub recent: Vec<crate::model::day::DayEntry>,
}

impl DayState {
    /// Whether the day has turned since the day log was read (midnight, or the end of the
    /// morning): `ask` and `recent` may no longer hold at `now` until it is read again.
    pub fn stale(&self, now: &jiff::Zoned) -> bool {
        self.today != Some(now.date())
            || self.morning != (now.hour() < crate::core::days::MORNING_ENDS)
    }

    /// The answer kept for `date`, if it is one of the recent days and answered.
    pub fn entry(&self, date: jiff::civil::Date) -> Option<crate::model::day::DayEntry> {
        self.recent.iter().find(|e| e.date == date).copied()
    }

    /// Takes a kept answer in: it replaces what was known of its date; the question about
    /// that date (and only that date) is no longer due.
    pub fn keep(&mut self, entry: crate::model::day::DayEntry) {
        self.recent.retain(|e| e.date != entry.date);
        self.recent.push(entry);
        if self.ask == Some(entry.date) {
            self.ask = None;
        }
    }
}

/// A routine's history at a glance: "Last done Sunday · 6 times · head −1.9 avg (n=4)".
#[derive(Debug, Clone, PartialEq)]
pub struct DoneInfo {
    pub last: jiff::Timestamp,
    pub count: u32,
    /// Average change in head pain over the sessions rated before and after, as
    /// `PainStats::change_text` writes it ("−1.9 (n=4)").
    pub pain_change: Option<String>,
}

/// Every screen there is, with what it needs to be built. The app turns a route into a
/// screen, loading what it shows; a new screen is one variant here and one arm there.
#[derive(Debug, Clone)]
pub enum Route {
    Home,
    /// The safety notice: read again from home (`review`), or on a first start, when it
    /// goes on to `then` (a session started from the command line) or home.
    Notice {
        review: bool,
        then: Option<Box<Route>>,
    },
    /// A routine's cautions and the before-rating.
    Before(Routine),
    Player {
        routine: Routine,
        /// The head as it began: the before-rating, and whether a migraine is on.
        before: crate::model::record::Before,
    },
    BreathingSetup,
    /// "How is your head right now?" before a breathing exercise, then its pacer.
    BreathingRating {
        pattern: Pattern,
        length: Length,
    },
    Breathing {
        pattern: Pattern,
        length: Length,
        pain_before: Option<u8>,
    },
    /// The end of a session; its record was just handed to [`Effect::Save`].
    Finish(Box<SessionRecord>),
    /// The history, filtered to a period (the Stats screen hands on its own).
    History {
        period: crate::core::period::Period,
    },
    /// One session of the history, by record id.
    SessionDetail(String),
    /// The stats for one period (the figures `stats --period` prints for it).
    Stats {
        period: crate::core::period::Period,
        /// The view it opens on, and whether its calendar shows the answered days rather
        /// than the minutes (the period key keeps both as they were).
        view: stats::View,
        heat_days: bool,
    },
}

/// Where to go after a key or a wake-up.
#[derive(Debug, Clone)]
pub enum Nav {
    Stay,
    /// Leave this screen (quit when it is the last).
    Back,
    /// Open a screen on top of this one; Back returns here.
    Open(Route),
    /// Replace this screen (Back then goes to what was below it).
    Replace(Route),
    /// Go to the screen `route` opens: when the one just below this one is of its kind,
    /// close this one and show `route` in that one's place, else open it on top — so the
    /// history and the stats, which open each other (handing on their period), never pile
    /// up, and Back goes the way the user came.
    Switch(Route),
    /// Back to the home screen, closing everything above it.
    Home,
    Quit,
}

/// A screen's answer to a key or a wake-up.
pub type Update = (Nav, Vec<Effect>);

/// Nothing to do.
pub fn stay() -> Update {
    (Nav::Stay, Vec::new())
}

/// Go somewhere, with no effect.
pub fn go(nav: Nav) -> Update {
    (nav, Vec::new())
}

/// Which read a screen waits for (see [`reading::Reading`]): given out by the app, one per
/// read, so an answer finds its screen however the stack changed meanwhile.
pub type Ticket = u64;

pub trait Screen: Send {
    /// A short name for the help screen's title ("Player", "Home").
    fn title(&self) -> &str;
    /// Called before each draw with the area the screen will get: scroll positions and
    /// other layout results are settled here, so drawing changes nothing.
    fn layout(&mut self, _area: Rect, _now: Instant, _ctx: &Ctx) {}
    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, now: Instant);
    fn update(&mut self, key: KeyEvent, now: Instant, ctx: &Ctx) -> Update;
    /// Called when the deadline passed (or on any wake-up); advance timers here.
    fn tick(&mut self, _now: Instant, _ctx: &Ctx) -> Update {
        stay()
    }
    /// The next instant something visible changes; `None` means wait for input only.
    fn deadline(&self, _now: Instant, _ctx: &Ctx) -> Option<Instant> {
        None
    }
    /// Every key of this screen, in the order to show them.
    fn keys(&self, ctx: &Ctx) -> Vec<KeyHelp>;
    /// While true, every key goes to the screen (typing a filter or a note).
    fn captures_text(&self) -> bool {
        false
    }
    /// The app is quitting (Ctrl-C, a signal): what must be saved first.
    fn shutdown(&mut self, _now: Instant, _ctx: &Ctx) -> Vec<Effect> {
        Vec::new()
    }
    /// The terminal is being suspended (Ctrl-Z): pause anything that runs.
    fn suspend(&mut self, _now: Instant, _ctx: &Ctx) -> Vec<Effect> {
        Vec::new()
    }
    /// Whether something runs that [`Screen::suspend`] would pause.
    fn running(&self) -> bool {
        false
    }
    /// Go on after [`Screen::suspend`] paused it (help closed).
    fn go_on(&mut self, _now: Instant, _ctx: &Ctx) -> Vec<Effect> {
        Vec::new()
    }
    /// Called when this screen is shown again after the one above it closed.
    fn resumed(&mut self, _ctx: &Ctx) {}
    /// A day's answer was written to the day log (by this screen or another): a screen
    /// that read the day log before shows it from now on. Not called when writing failed.
    fn day_kept(&mut self, _entry: crate::model::day::DayEntry) {}
    /// Whether this is the kind of screen `route` opens (for [`Nav::Switch`]).
    fn shows(&self, _route: &Route) -> bool {
        false
    }
    /// The read this screen stands in for, while its figures are read.
    fn awaits(&self) -> Option<Ticket> {
        None
    }
}

/// What a routine breaks of the safety limits, for a screen: one line saying how
/// many (and `then`, what to do next), and with `each`, every break as a bullet. Nothing
/// for a routine that keeps to them. Read from [`Library::breaks`], worked out at load.
pub fn breaks_lines(
    ctx: &Ctx,
    id: &str,
    then: &str,
    each: bool,
    w: u16,
) -> Vec<ratatui::text::Line<'static>> {
    use crate::core::content::{WARNING, breaks_words};
    let t = ctx.theme;
    let breaks = ctx.lib.breaks(id);
    if breaks.is_empty() {
        return Vec::new();
    }
    let says = format!(
        "{WARNING} This routine {}{then}",
        breaks_words(ctx.lib.rules_broken(id))
    );
    let mut lines = crate::ui::wrap_lines(&says, w, t.caution);
    for v in breaks.iter().filter(|_| each) {
        let opts = textwrap::Options::new(w.max(8) as usize)
            .initial_indent(" • ")
            .subsequent_indent("   ");
        lines.extend(
            textwrap::wrap(&v.sentence(), opts)
                .into_iter()
                .map(|l| ratatui::text::Line::styled(l.into_owned(), t.caution)),
        );
    }
    lines.push(ratatui::text::Line::raw(""));
    lines
}
