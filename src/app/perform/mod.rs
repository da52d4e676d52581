//! The performers: one per kind of effect, each matching its kind in full, shared by the
//! screen app and plain mode — a session is kept, sounded and hooked the same way whatever
//! shows it.
//!
//! Performing returns what [`Changed`] (gitui's "needs update"), never writes into the
//! front end's state: the front end looks at every field and does its part (the app shows
//! a status line and rings the bell after the next frame; plain mode prints them).

pub mod hooks;
pub mod sound;
pub mod store;

use std::time::Instant;

use crate::core::effect::{AppEffect, Effect};
use crate::model::day::DayEntry;
use crate::model::settings::Settings;
use crate::store::paths::Paths;
pub use hooks::HookPerformer;
pub use sound::SoundPerformer;
pub use store::StorePerformer;

/// What performing some effects changed, for the front end to show.
#[derive(Debug, Default, PartialEq)]
#[must_use]
pub struct Changed {
    /// A line for the user (a failure, a notice), until the next key.
    pub status: Option<String>,
    /// A record was saved or amended: figures read from the history are stale.
    pub history: bool,
    /// A headache-day answer was kept.
    pub day: Option<DayEntry>,
    /// Ratings or a note were added to a past session (and kept).
    pub amended: Vec<crate::model::record::Amendment>,
    /// Sound was muted (`true`) or unmuted.
    pub muted: Option<bool>,
    /// Ring the terminal bell (only the front end owns the terminal).
    pub bell: bool,
    /// A front-end effect, for the front end to carry out.
    pub app: Vec<AppEffect>,
}

impl Changed {
    pub fn status(status: Option<String>) -> Changed {
        Changed {
            status,
            ..Changed::default()
        }
    }

    /// Both changes; a later status line replaces an earlier one.
    pub fn merge(&mut self, other: Changed) {
        let Changed {
            status,
            history,
            day,
            amended,
            muted,
            bell,
            app,
        } = other;
        if status.is_some() {
            self.status = status;
        }
        self.history |= history;
        if day.is_some() {
            self.day = day;
        }
        self.amended.extend(amended);
        if muted.is_some() {
            self.muted = muted;
        }
        self.bell |= bell;
        self.app.extend(app);
    }
}

/// The store, sound and hook performers of one run.
pub struct Performers {
    pub store: StorePerformer,
    pub sound: SoundPerformer,
    pub hooks: HookPerformer,
    /// Every effect performed, in order, when asked for (to compare front ends).
    journal: Option<Vec<Effect>>,
}

impl Performers {
    pub fn new(paths: Paths, settings: &Settings, muted: bool) -> Performers {
        Performers {
            store: StorePerformer::new(paths),
            sound: SoundPerformer::new(settings, muted),
            hooks: HookPerformer::new(&settings.hooks),
            journal: None,
        }
    }

    /// Keeps every effect performed from now on, in order (see [`Performers::journal`]).
    pub fn keep_journal(&mut self) {
        self.journal.get_or_insert_with(Vec::new);
    }

    /// The effects performed since [`Performers::keep_journal`].
    pub fn journal(&self) -> &[Effect] {
        self.journal.as_deref().unwrap_or_default()
    }

    /// Performs the effects in order. `wall` is the wall clock now (for day answers and the
    /// acknowledged notice).
    pub fn perform(
        &mut self,
        effects: impl IntoIterator<Item = Effect>,
        now: Instant,
        wall: &jiff::Zoned,
    ) -> Changed {
        let mut changed = Changed::default();
        for e in effects {
            if let Some(j) = &mut self.journal {
                j.push(e.clone());
            }
            changed.merge(match e {
                Effect::Store(e) => self.store.perform(e, wall),
                Effect::Sound(e) => self.sound.perform(e, now),
                Effect::Hook(call) => self.hooks.perform(call),
                Effect::App(e) => Changed {
                    app: vec![e],
                    ..Changed::default()
                },
            });
        }
        changed.merge(self.hooks.reports());
        changed
    }

    /// A wake-up: the kept cues that are due, and a hook's failure.
    pub fn tick(&mut self, now: Instant) -> Changed {
        let mut changed = self.sound.due(now);
        changed.merge(self.hooks.reports());
        changed
    }

    /// The settings were read again.
    pub fn reconfigure(&mut self, settings: &Settings) {
        self.sound.reconfigure(settings);
        self.hooks.reconfigure(&settings.hooks);
    }
}
