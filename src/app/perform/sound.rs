//! The sound performer: tones, phrases and the bell, and whether they are muted. Muting is
//! held here and nowhere else; the screens read it through `Ctx`. What plays is owned by
//! the audio's scheduler: muting, a pause, a stop or a control silences it at once, and
//! [`SoundPerformer::shutdown`] leaves nothing playing when the run ends.

use std::time::Instant;

use crate::app::perform::Changed;
use crate::audio::{Audio, Performed};
use crate::core::cues::{Cues, Timed};
use crate::core::effect::SoundEffect;
use crate::core::session::Session;
use crate::model::config::SoundConfig;
use crate::model::routine::Routine;
use crate::model::settings::Settings;

pub struct SoundPerformer {
    /// Made on first use (a routine prepared, a cue, [`SoundPerformer::audio`]): looking
    /// for a player and a speech command stats every folder on `PATH` for each candidate,
    /// which home's first frame need not wait for. Nothing plays before it is made.
    audio: Option<Audio>,
    /// What `audio` was made from, so a re-read config rebuilds it only when it changed.
    made_from: (SoundConfig, bool),
    /// `m`: no tone, phrase or bell until pressed again.
    muted: bool,
    /// Cues a closed session left to sound soon (its end line), in order.
    pending: Vec<Timed>,
    /// The routine prepared last (while its cautions showed): its tones are written and
    /// its phrases asked for.
    prepared: Option<String>,
}

impl SoundPerformer {
    /// Sound as the settings say; the player and the speech command are looked for when
    /// first needed, and nothing is written yet.
    pub fn new(settings: &Settings, muted: bool) -> SoundPerformer {
        SoundPerformer::made(None, settings).muted(muted)
    }

    /// With this `audio` (tests give one that looks for programs in a made-up `PATH`).
    pub fn with_audio(audio: Audio, settings: &Settings) -> SoundPerformer {
        SoundPerformer::made(Some(audio), settings)
    }

    fn made(audio: Option<Audio>, settings: &Settings) -> SoundPerformer {
        SoundPerformer {
            audio,
            made_from: (settings.sound.clone(), settings.bell),
            muted: false,
            pending: Vec::new(),
            prepared: None,
        }
    }

    fn muted(mut self, muted: bool) -> SoundPerformer {
        self.muted = muted;
        self
    }

    pub fn is_muted(&self) -> bool {
        self.muted
    }

    /// The sound as found (looked for now if it was not yet).
    pub fn audio(&mut self) -> &mut Audio {
        let (sound, bell) = &self.made_from;
        self.audio
            .get_or_insert_with(|| Audio::new(sound, *bell, false))
    }

    /// The settings were read again: a changed sound or bell setting takes effect for the
    /// next cue (what was found is looked for again).
    pub fn reconfigure(&mut self, settings: &Settings) {
        let wanted = (settings.sound.clone(), settings.bell);
        if wanted != self.made_from {
            // Looked for again when next needed.
            self.audio = None;
            self.made_from = wanted;
            self.prepared = None;
        }
    }

    pub fn perform(&mut self, effect: SoundEffect, now: Instant) -> Changed {
        match effect {
            SoundEffect::Ring => Changed {
                bell: self.made_from.1 && !self.muted,
                ..Changed::default()
            },
            SoundEffect::Cue(timed) => self.cue(timed, now),
            SoundEffect::Silence => {
                self.pending.clear();
                self.silence();
                Changed::default()
            }
            SoundEffect::SetMuted(muted) => {
                self.muted = muted;
                if muted {
                    self.pending.clear();
                    self.silence();
                }
                Changed {
                    muted: Some(muted),
                    ..Changed::default()
                }
            }
        }
    }

    /// Stops what plays (nothing can before the sound was made).
    fn silence(&mut self) {
        if let Some(audio) = &mut self.audio {
            audio.silence();
        }
    }

    /// Sounds a cue that is due, or keeps it until it is (see [`SoundPerformer::next_due`]).
    fn cue(&mut self, timed: Timed, now: Instant) -> Changed {
        if self.muted {
            return Changed::default();
        }
        if timed.at > now {
            let i = self.pending.partition_point(|t| t.at <= timed.at);
            self.pending.insert(i, timed);
            return Changed::default();
        }
        let audio = self.audio();
        let bell = audio.perform(&timed.cue) == Performed::Bell;
        let status = audio.take_notice();
        Changed {
            bell: bell && self.made_from.1,
            status,
            ..Changed::default()
        }
    }

    /// When the next kept cue is due.
    pub fn next_due(&self) -> Option<Instant> {
        self.pending.first().map(|t| t.at)
    }

    /// Sounds the kept cues that are due by `now`.
    pub fn due(&mut self, now: Instant) -> Changed {
        let n = self.pending.partition_point(|t| t.at <= now);
        let mut changed = Changed::default();
        for t in self.pending.drain(..n).collect::<Vec<_>>() {
            changed.merge(self.cue(t, now));
        }
        changed
    }

    /// Writes the tones and asks for a routine's phrases to be rendered (once for each
    /// routine shown): called while its cautions are read. Returns at once.
    pub fn prepare(&mut self, routine: &Routine) {
        if self.prepared.as_deref() == Some(routine.id.as_str()) {
            return;
        }
        self.audio().prepare(routine);
        self.prepared = Some(routine.id.clone());
    }

    /// Waits for the tone files asked for by [`SoundPerformer::prepare`] (a few
    /// milliseconds): for a front end that starts a session right after preparing it.
    pub fn settle(&mut self) {
        self.audio().settle_tones();
    }

    /// The sound plan for a session that starts `now`, as the settings, the routine's hint
    /// and what was found allow, with the phrases rendered so far measured (the others
    /// estimated); with a line when something is missing (once a run).
    pub fn plan(&mut self, session: &Session, now: Instant) -> (Cues, Option<String>) {
        let routine = session.routine();
        self.prepare(routine);
        let audio = self.audio();
        audio.settle_tones();
        let opts = audio.options(routine.audio);
        (
            Cues::new(session, now, opts, audio.lengths()),
            audio.take_notice(),
        )
    }

    /// The run is ending (quit, Ctrl-C, a signal): every sound and render stopped, and
    /// waited for (briefly), before the terminal is given back.
    pub fn shutdown(&mut self) {
        self.pending.clear();
        if let Some(audio) = &mut self.audio {
            audio.shutdown();
        }
    }

    /// Whether a sound is playing, waiting to play, or kept for later.
    pub fn busy(&self) -> bool {
        !self.pending.is_empty() || self.audio.as_ref().is_some_and(Audio::busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Config;
    use crate::model::settings::Flags;

    /// Home's first frame does not wait for `PATH` to be searched: only a use of the sound
    /// looks for a player, and stopping or asking about sound that was never made makes none.
    #[test]
    fn the_player_is_looked_for_when_first_needed() {
        let settings = Settings::new(&Config::default(), Flags::default());
        let mut sound = SoundPerformer::new(&settings, false);
        assert!(sound.audio.is_none());
        let _ = sound.perform(SoundEffect::Silence, Instant::now());
        let _ = sound.perform(SoundEffect::SetMuted(true), Instant::now());
        sound.shutdown();
        assert!(!sound.busy());
        assert!(sound.audio.is_none(), "nothing to stop made a sound");
        sound.audio();
        assert!(sound.audio.is_some());
    }

    /// A cue handed over before its instant (the end line, after the session has ended) is
    /// kept, wakes the runner at that instant (`next_due`), and sounds then, not before;
    /// muting drops it. (Injected instants: nothing here reads the clock.)
    #[test]
    fn a_cue_handed_over_early_is_kept_until_its_instant() {
        use crate::core::cues::{Cue, Tone};
        let mut config = Config::default();
        config.sound.sound = crate::model::config::SoundMode::Off;
        config.bell = false;
        let settings = Settings::new(&config, Flags::default());
        let mut sound = SoundPerformer::new(&settings, false);
        let t0 = Instant::now();
        let at = t0 + std::time::Duration::from_millis(2_230);
        let timed = |at| Timed {
            at,
            cue: Cue::Tone(Tone::End),
        };
        let _ = sound.perform(SoundEffect::Cue(timed(at)), t0);
        assert_eq!(sound.next_due(), Some(at));
        assert!(sound.busy());
        let _ = sound.due(at - std::time::Duration::from_millis(1));
        assert_eq!(sound.next_due(), Some(at), "sounded early");
        let _ = sound.due(at);
        assert_eq!(sound.next_due(), None, "not sounded at its instant");
        // Kept, then muted: dropped, and nothing to wake up for.
        let _ = sound.perform(SoundEffect::Cue(timed(at)), t0);
        let _ = sound.perform(SoundEffect::SetMuted(true), t0);
        assert_eq!(sound.next_due(), None);
    }
}
