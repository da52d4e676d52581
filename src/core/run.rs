//! A session being run, and what should happen when it reports an event — the one reaction
//! shared by the app's player and plain mode.
//!
//! Wall-clock times come from one reading at the start plus the session's own monotonic
//! instants, so `started_at`/`ended_at` agree exactly with the active and paused times.

use std::time::{Duration, Instant};

use crate::core::cues::Cues;
use crate::core::effect::{AppEffect, Effect, SoundEffect, StoreEffect};
use crate::core::hook_facts::HookWatch;
use crate::core::session::{Event, Session};
use crate::model::config::HookEvent;
use crate::model::format::fmt_length;
use crate::model::record::{Before, SessionRecord, Stamp};

/// While a session runs, its progress is checkpointed at least this often, as well as at
/// every stage change: a crash (or SIGKILL) loses at most this much of a long step. The
/// countdown already wakes the runner every second, so this adds no wake-up of its own;
/// paused, it asks for none.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(12);

/// A session with what turns its instants into a record for the history.
pub struct Run {
    pub session: Session,
    wall_start: jiff::Zoned,
    /// The head as the session began: the rating and whether a migraine was on.
    before: Before,
    /// The session's sound plan; without one, timer-driven stage changes ring the bell.
    cues: Option<Cues>,
    /// Which `[hooks]` events this run reports, and where its pacer was.
    hooks: HookWatch,
    /// When the last checkpoint was asked for.
    last_checkpoint: Instant,
}

impl Run {
    /// `wall_start` is the wall clock read at the session's first instant.
    pub fn new(session: Session, wall_start: jiff::Zoned, before: Before) -> Run {
        let last_checkpoint = session.started();
        Run {
            session,
            wall_start,
            before,
            cues: None,
            hooks: HookWatch::new([]),
            last_checkpoint,
        }
    }

    /// Sounds the session by this plan (tones, phrases, or the bell standing in for
    /// tones) instead of ringing the bell at stage changes.
    pub fn with_cues(mut self, cues: Cues) -> Run {
        self.cues = Some(cues);
        self
    }

    /// When the next cue is due, for the runner's deadline (`None` when muted or none).
    pub fn next_cue(&self, muted: bool) -> Option<Instant> {
        self.cues.as_ref().and_then(|c| c.next_at(muted))
    }

    /// The sound came back on (`m`): what fell due while it was off is not played late.
    pub fn unmuted(&mut self, now: Instant) {
        if let Some(c) = &mut self.cues {
            c.skip_due(now);
        }
    }

    /// Reports these `[hooks]` events as [`Effect::Hook`]s (the ones with a command).
    pub fn with_hooks(mut self, events: impl IntoIterator<Item = HookEvent>) -> Run {
        self.hooks = HookWatch::new(events);
        self
    }

    /// The hooks for the session's start (`session_start`, and `step_start` when there is
    /// no count-in): performed right after [`Run::begin`].
    pub fn start_hooks(&mut self) -> Vec<Effect> {
        let now = self.session.started();
        self.hooks
            .started(&self.session, now)
            .into_iter()
            .map(Effect::Hook)
            .collect()
    }

    pub fn pain_before(&self) -> Option<u8> {
        self.before.pain
    }

    /// The wall-clock time of a session instant, with the local offset.
    pub fn stamp(&self, at: Instant) -> Stamp {
        let since = at.saturating_duration_since(self.session.started());
        let ts = self.wall_start.timestamp()
            + jiff::SignedDuration::try_from(since).unwrap_or(jiff::SignedDuration::ZERO);
        Stamp::new(ts, self.wall_start.time_zone())
    }

    /// The session's record as of `now` (mid-session: the steps so far).
    pub fn record(&self, now: Instant) -> SessionRecord {
        let end = self.session.finished_at().unwrap_or(now);
        let mut rec = self
            .session
            .record(self.stamp(self.session.started()), self.stamp(end));
        rec.pain_before = self.before.pain;
        rec.migraine_before = self.before.migraine;
        rec
    }

    /// The first effect of every run: keep its progress safe from the first second.
    pub fn begin(&self) -> Effect {
        StoreEffect::Checkpoint(self.record(self.session.started())).into()
    }

    /// When the next timed checkpoint is due: [`CHECKPOINT_EVERY`] after the last one, while
    /// the session runs; `None` while it is paused or finished (nothing new to keep).
    pub fn next_checkpoint(&self) -> Option<Instant> {
        let s = &self.session;
        (!s.is_paused() && !s.is_finished()).then(|| self.last_checkpoint + CHECKPOINT_EVERY)
    }

    /// When the runner should wake next: the session's own next deadline (see
    /// `Session::next_deadline`), the next cue or the next timed checkpoint, whichever is
    /// soonest; never earlier than `now`. While `muted`, cues wake nothing.
    pub fn next_deadline(&self, now: Instant, pacer_steps: u32, muted: bool) -> Option<Instant> {
        [
            self.session.next_deadline(now, pacer_steps),
            self.next_cue(muted),
            self.next_checkpoint(),
        ]
        .into_iter()
        .flatten()
        .min()
        .map(|at| at.max(now))
    }

    /// What the session's events ask for: a fresh snapshot at every stage change and
    /// whenever [`Run::next_checkpoint`] has come, the final record when it ends, and the
    /// cues now due (re-planned after a control) — or, with no sound plan, a bell on
    /// timer-driven stage changes. When the session ends,
    /// the cues still to come (the end line after the end chime) go out with their
    /// instants, for the runner to sound when due.
    /// The hooks for them go out too (and for a new breath phase, which needs no event:
    /// call this at every wake-up). While `muted`, cues that fall due are dropped.
    pub fn react(&mut self, events: &[Event], now: Instant, muted: bool) -> Vec<Effect> {
        let mut out = Vec::new();
        let mut checkpointed = false;
        let cue = |t| Effect::Sound(SoundEffect::Cue(t));
        // What plays belongs to the session as it was: a pause, a stop or a control ends it
        // before anything new sounds.
        if events.iter().any(Event::silences_sound) {
            out.push(SoundEffect::Silence.into());
        }
        if let Some(cues) = &mut self.cues {
            let at = now;
            out.extend(
                cues.react(&self.session, events, now, muted)
                    .into_iter()
                    .map(|c| cue(crate::core::cues::Timed { at, cue: c })),
            );
            if self.session.is_finished() && !muted {
                out.extend(cues.drain().map(cue));
            }
        }
        for e in events {
            if self.cues.is_none() && e.rings_bell() {
                out.push(SoundEffect::Ring.into());
            }
            if let Event::AtLimit { limit } = e {
                out.push(
                    AppEffect::Status(format!(
                        "A step lasts at most {}: + adds no more.",
                        fmt_length(*limit)
                    ))
                    .into(),
                );
            }
            if let Event::Finished { .. } = e {
                out.push(StoreEffect::Save(self.record(now)).into());
            } else if e.changes_stage() {
                out.push(StoreEffect::Checkpoint(self.record(now)).into());
                checkpointed = true;
            }
        }
        let hooks = self.hooks.events(&self.session, events, now);
        out.extend(hooks.into_iter().map(Effect::Hook));
        if !checkpointed && self.next_checkpoint().is_some_and(|due| now >= due) {
            out.push(StoreEffect::Checkpoint(self.record(now)).into());
            checkpointed = true;
        }
        if checkpointed {
            self.last_checkpoint = now;
        }
        out
    }
}
