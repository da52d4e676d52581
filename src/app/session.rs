//! Starting a session: the one way the screen app and plain mode begin a routine or a
//! breathing exercise — its record id, the wall clock at its first instant, its sound plan
//! and hooks, and its in-progress snapshot from the first second.

use std::time::Instant;

use crate::app::perform::{Changed, Performers};
use crate::core::rules::breathing_get_ready;
use crate::core::run::Run;
use crate::core::session::{Options, Session};
use crate::model::record::Before;
use crate::model::routine::{Length, Pattern, Routine};
use crate::model::settings::Settings;

/// What a session runs.
#[derive(Debug, Clone, Copy)]
pub enum What<'a> {
    Routine(&'a Routine),
    Breathing {
        pattern: &'a Pattern,
        length: Length,
    },
}

/// Starts a session at `now` (`wall` is the wall clock at that instant): plans its sound,
/// attaches its hooks, and performs its first snapshot and start hooks at once, so a crash
/// in its first second still leaves it in the history. Returns the run and what performing
/// changed (a sound notice, a snapshot that could not be written).
pub fn start(
    perform: &mut Performers,
    settings: &Settings,
    what: What<'_>,
    before: Before,
    now: Instant,
    wall: jiff::Zoned,
) -> (Run, Changed) {
    let id = crate::store::history::new_id(wall.timestamp());
    let session = match what {
        What::Routine(routine) => {
            let opts = Options {
                get_ready: settings.get_ready,
            };
            Session::new(routine, opts, id, now)
        }
        What::Breathing { pattern, length } => {
            let opts = Options {
                get_ready: breathing_get_ready(settings.get_ready),
            };
            Session::breathing(pattern, length, opts, id, now)
        }
    };
    let (cues, notice) = perform.sound.plan(&session, now);
    let mut run = Run::new(session, wall.clone(), before)
        .with_cues(cues)
        .with_hooks(perform.hooks.events());
    let mut changed = Changed::status(notice);
    let first = run.begin();
    let hooks = run.start_hooks();
    changed.merge(perform.perform(std::iter::once(first).chain(hooks), now, &wall));
    (run, changed)
}
