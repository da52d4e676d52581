//! What screens (and plain mode) ask the app to do, as values. A screen never writes a
//! file, rings a bell or changes a setting itself: it returns effects, and the app's
//! performers carry them out — one performer per kind, each matching its kind in full, and
//! the same performers for the screen app and plain mode.
//!
//! A new side effect is one variant in the kind it belongs to and one arm in that kind's
//! performer (`app::perform`); the compiler then points at every place that must handle it.

use crate::core::cues::Timed;
use crate::core::hook_facts::HookCall;
use crate::model::config::ThemeName;
use crate::model::day::DayEntry;
use crate::model::record::{Amendment, SessionRecord};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Something to keep on disk.
    Store(StoreEffect),
    /// Something to hear.
    Sound(SoundEffect),
    /// Run the `[hooks]` command for a session event (detached; never waited for).
    Hook(HookCall),
    /// Something only the front end showing the run can do.
    App(AppEffect),
}

/// Effects the store performer carries out.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreEffect {
    /// Keep the running session's progress safe: its in-progress snapshot, started on the
    /// first checkpoint of a record id and replaced on each later one.
    Checkpoint(SessionRecord),
    /// The session ended: append its final record to the history.
    Save(SessionRecord),
    /// Ratings or a note added after a session.
    Amend(Amendment),
    /// The safety notice was read and acknowledged.
    AcknowledgeNotice,
    /// Remember the theme chosen with `t` for the next start.
    RememberTheme(ThemeName),
    /// Remember whether sound was muted with `m`, for the next start.
    RememberMuted(bool),
    /// Append a "headache today?" answer to the day log.
    AnswerDay(DayEntry),
}

/// Effects the sound performer carries out.
#[derive(Debug, Clone, PartialEq)]
pub enum SoundEffect {
    /// Ring the terminal bell once (unless muted or turned off).
    Ring,
    /// Sound a cue (a tone or a phrase) at its instant: now if it is due, else as soon as
    /// it is (the end line, due just after the session closed its screen).
    Cue(Timed),
    /// Stop the sound playing now, and drop what waits to play (a pause, a skip, a stop).
    Silence,
    /// `m`: mute or unmute every sound of this run (muting stops what plays at once).
    SetMuted(bool),
}

/// Effects that belong to the front end: the screen app shows or does them; plain mode
/// prints what it can.
#[derive(Debug, Clone, PartialEq)]
pub enum AppEffect {
    /// A one-line message in the footer until the next key.
    Status(String),
    /// Edit this routine (an id, or the stem of a file that did not load) in the user's
    /// editor: the app hands the terminal over, then reloads the library.
    EditRoutine(String),
    /// Re-read the routine files, drawings, patterns and settings (a file was changed
    /// elsewhere).
    ReloadFiles,
}

impl From<StoreEffect> for Effect {
    fn from(e: StoreEffect) -> Effect {
        Effect::Store(e)
    }
}

impl From<SoundEffect> for Effect {
    fn from(e: SoundEffect) -> Effect {
        Effect::Sound(e)
    }
}

impl From<AppEffect> for Effect {
    fn from(e: AppEffect) -> Effect {
        Effect::App(e)
    }
}

impl Effect {
    /// The record this effect saves as the session's end, if it does.
    pub fn saved_record(&self) -> Option<&SessionRecord> {
        if let Effect::Store(StoreEffect::Save(r)) = self {
            Some(r)
        } else {
            None
        }
    }
}
