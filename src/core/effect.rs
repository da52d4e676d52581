//! What screens (and plain mode) ask the app to do, as values. A screen never writes a
//! file, rings a bell or changes a setting itself: it returns effects, and one runner in
//! the app performs them. A new side effect is one variant here and one arm there.

use crate::core::cues::Timed;
use crate::core::hook_facts::HookCall;
use crate::model::day::DayEntry;
use crate::model::record::{Amendment, SessionRecord};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Keep the running session's progress safe: its in-progress snapshot, started on the
    /// first checkpoint of a record id and replaced on each later one.
    Checkpoint(SessionRecord),
    /// The session ended: append its final record to the history.
    Save(SessionRecord),
    /// Ratings or a note added after a session.
    Amend(Amendment),
    /// The safety notice was read and acknowledged.
    AcknowledgeNotice,
    /// Ring the terminal bell once (unless muted or turned off).
    Ring,
    /// Mute or unmute the sounds of this run.
    ToggleMute,
    /// Sound a cue (a tone or a phrase) at its instant: now if it is due, else as soon as
    /// it is (the end line, due just after the session closed its screen).
    Cue(Timed),
    /// A one-line message in the footer until the next key.
    Status(String),
    /// Edit this routine (an id, or the stem of a file that did not load) in the user's
    /// editor: the app hands the terminal over, then reloads the library.
    EditRoutine(String),
    /// Re-read the routine files, drawings and patterns (a file was fixed elsewhere).
    ReloadFiles,
    /// Remember the comfort choices (`t` theme, `m` mute) in `<data>/state.toml` for the
    /// next start.
    RememberComfort {
        theme: crate::model::config::ThemeName,
        muted: bool,
    },
    /// Append a "headache today?" answer to the day log.
    AnswerDay(DayEntry),
    /// Run the `[hooks]` command for a session event (detached; never waited for).
    Hook(HookCall),
}
