//! The player's state machine: a routine (or one breathing pattern) run as timed stages.
//!
//! Think Elm `update`: the runner hands in `now` with every call and gets back [`Event`]s
//! (ring the bell, save progress, the session finished); it asks [`Session::view`] for a
//! snapshot to draw and [`Session::next_deadline`] for when to wake next. Nothing here
//! reads the clock, sleeps or touches the disk.
//!
//! Time is computed, never counted: a stage's elapsed time is what was banked before the
//! last resume plus `now - resumed_at`, and a stage that ends at its deadline starts the
//! next one *at that deadline*, so late wake-ups never stretch the routine.
//!
//! Rules worth knowing (each one is a `pub const` below):
//! - `back` restarts the current segment once it has run more than [`BACK_RESTARTS_AFTER`]
//!   of active time, otherwise goes to the start of the previous segment (from a
//!   transition or switch-sides interlude it goes to the segment just finished).
//! - If `now` is more than [`SLEEP_GAP`] past the current stage's deadline (the laptop
//!   slept, the process was stopped), that stage ends at its deadline, credited exactly
//!   its planned time, and the session pauses at the very start of the next stage; the
//!   time since the deadline counts as paused. Only one stage is ever completed this way.
//!   A gap that ends before the deadline cannot be told from a quiet step and counts as
//!   active. (On Linux and macOS `Instant` stands still during system suspend, so there
//!   the jump mostly comes from a stopped process, e.g. Ctrl-Z.)
//! - A control whose catch-up to `now` triggered that pause is dropped (the key was
//!   pressed at a stale screen); `stop` always applies.
//! - `now` going backwards is treated as no time passing.
//! - Skip, back and restart keep the session paused if it was paused.

use std::time::{Duration, Instant};

use crate::core::breath::{self, PacerState};
use crate::core::content::REST_BREAK;
use crate::model::format::secs_left;
use crate::model::record::{self, Kind, Outcome, SessionRecord, Stamp, StepRecord, StepStatus};
use crate::model::routine::{
    Area, Length, MAX_STEP, Pattern, Routine, SWITCH_SIDES, Side, Sides, Step,
};

/// How much `+` and `-` add to or take from the current stage.
pub const ADJUST_STEP: Duration = Duration::from_secs(15);
/// `-` never leaves less than this in the current stage.
pub const MIN_LEFT: Duration = Duration::from_secs(1);
/// `back` restarts the current segment after this much of it; before, it goes back one.
pub const BACK_RESTARTS_AFTER: Duration = Duration::from_secs(3);
/// A wake-up later than this past a deadline means the machine slept (see module notes).
pub const SLEEP_GAP: Duration = Duration::from_secs(5);
/// A segment with less active time than this is recorded as skipped.
pub const SKIPPED_BELOW: Duration = Duration::from_secs(1);

/// How a session is run (from `config.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The count-in before the first segment; zero skips it.
    pub get_ready: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            get_ready: Duration::from_secs(5),
        }
    }
}

/// What kind of stage is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StageKind {
    /// The count-in before the first segment.
    GetReady,
    /// A step (or one side of a step) running.
    Segment,
    /// The interlude between the left and right run of a `sides = "both"` step.
    SwitchSides,
    /// The pause after a step, showing what comes next.
    Transition,
    /// The session is over.
    Finished,
}

/// Which stage a [`Event::StageStarted`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageInfo {
    pub kind: StageKind,
    /// The segment this stage is, or leads into (interludes name the segment that follows).
    pub segment: usize,
    /// Index into `routine.steps` of that segment.
    pub step: usize,
    pub side: Option<Side>,
}

/// Who moved the session on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A stage reached its deadline.
    Timer,
    /// A control (skip, back, restart, stop).
    User,
}

/// What happened during an `update` or a control.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A stage began (also when `restart` or `back` starts the same stage again).
    StageStarted {
        stage: StageInfo,
        cause: Cause,
    },
    Paused,
    Resumed,
    /// The session paused itself after a jump in time (see [`SLEEP_GAP`]).
    AutoPaused,
    /// `+` or `-` changed the current stage's length; `length` is the new total.
    LengthChanged {
        length: Duration,
    },
    /// `+` reached the longest a step may last ([`MAX_STEP`], `limit`): the stage grew
    /// only up to it, or not at all (a breath more would pass it).
    AtLimit {
        limit: Duration,
    },
    /// Sent exactly once. `cause` is `Timer` when the last segment ran out.
    Finished {
        outcome: Outcome,
        cause: Cause,
    },
}

impl Event {
    /// Whether the terminal bell should ring (unless muted): a stage or the session ended
    /// by itself. Controls never ring; the user already knows.
    pub fn rings_bell(&self) -> bool {
        matches!(
            self,
            Event::StageStarted {
                cause: Cause::Timer,
                ..
            } | Event::Finished {
                cause: Cause::Timer,
                ..
            }
        )
    }

    /// Whether the sound playing should stop at once: the session paused, was stopped, or
    /// was moved by a control (skip, back, restart). A stage or the session ending by itself
    /// leaves its sounds be: the end line follows the end chime.
    pub fn silences_sound(&self) -> bool {
        matches!(
            self,
            Event::Paused
                | Event::AutoPaused
                | Event::StageStarted {
                    cause: Cause::User,
                    ..
                }
                | Event::Finished {
                    cause: Cause::User,
                    ..
                }
        )
    }

    /// Whether the runner should write the in-progress snapshot (or the final record).
    pub fn changes_stage(&self) -> bool {
        matches!(self, Event::StageStarted { .. } | Event::Finished { .. })
    }
}

/// One stage of [`Session::schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled {
    pub info: StageInfo,
    /// When the stage starts (for the current stage: its start shifted by any pause).
    pub start: Instant,
    pub length: Duration,
}

/// What the "Next:" line and the interlude screens show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Upcoming<'a> {
    pub segment: usize,
    pub step_index: usize,
    pub step: &'a Step,
    pub title: &'a str,
    pub side: Option<Side>,
    /// The planned length of that segment (one side).
    pub planned: Duration,
}

/// A snapshot of the session for drawing; borrows the session.
#[derive(Debug, Clone, PartialEq)]
pub struct View<'a> {
    /// The routine's name (or "Breathing: <pattern>").
    pub title: &'a str,
    pub kind: StageKind,
    /// The segment this stage is or leads into; `segment_count` once finished.
    pub segment: usize,
    pub segment_count: usize,
    /// Index into `routine.steps` of that segment (the last step once finished).
    pub step_index: usize,
    /// That step; `None` only for a routine without steps.
    pub step: Option<&'a Step>,
    /// "step i of n": `step_number` = `step_index + 1`, `step_count` = routine steps.
    pub step_number: usize,
    pub step_count: usize,
    pub side: Option<Side>,
    /// Active time spent in this stage on this visit.
    pub stage_elapsed: Duration,
    pub stage_left: Duration,
    /// `stage_left` in whole seconds rounded up: shows 1 until the very end.
    pub countdown_secs: u64,
    /// The stage's length now, after any `+`/`-`.
    pub stage_length: Duration,
    /// The stage's length as planned.
    pub planned: Duration,
    /// 0.0..=1.0 through the whole routine, by planned time (the get-ready is not part).
    pub progress: f64,
    /// Time left in the routine: this stage plus every later stage as planned.
    pub routine_left: Duration,
    /// `routine_left` in whole seconds, moving in step with `countdown_secs` so both
    /// figures change at the same instant.
    pub routine_left_secs: u64,
    /// The breathing pacer, while a segment with a pattern runs. It restarts with each
    /// segment visit.
    pub pacer: Option<PacerState<'a>>,
    /// For a segment measured in breaths: how many breaths it lasts.
    pub breaths: Option<u32>,
    pub paused: bool,
    /// What comes next: after a segment, the following segment; on the get-ready and
    /// interlude screens, the segment they lead into. `None` for the last segment.
    pub next: Option<Upcoming<'a>>,
    /// Set once finished.
    pub outcome: Option<Outcome>,
    /// On a pause between steps (a transition, the switch of sides): the step it follows.
    pub after: Option<&'a Step>,
}

/// Said on a pause that follows a step pressing a spot: the safety check counts the pause
/// as rest (see `core::content`), so it must be one.
pub const LET_GO: &str = "Let go of the pressure and rest.";

impl View<'_> {
    /// Whether this is a pause after a step that pressed a spot (see [`lets_go`]).
    pub fn lets_go(&self) -> bool {
        lets_go(
            self.kind,
            self.after,
            self.next.as_ref().map(|u| u.step),
            self.planned,
        )
    }
}

/// Whether a pause of `kind`, `planned` long, after the step `after` and before `next`, is
/// one to let go in (see [`LET_GO`]): the switch of sides after a step that pressed a spot,
/// or a pause before another step — unless that step goes straight on pressing the same
/// spot ("Stay on the balls") after a pause too short to be a break for it
/// ([`REST_BREAK`]), which the safety check then does not count as one either.
pub fn lets_go(
    kind: StageKind,
    after: Option<&Step>,
    next: Option<&Step>,
    planned: Duration,
) -> bool {
    let Some(after) = after.filter(|s| s.presses()) else {
        return false;
    };
    match kind {
        StageKind::SwitchSides => true,
        StageKind::Transition => {
            let goes_on = next
                .is_some_and(|n| n.presses() && after.region.is_some() && n.region == after.region);
            !goes_on || planned >= REST_BREAK
        }
        _ => false,
    }
}

/// One run of a step: the whole step, or one side of it.
#[derive(Debug, Clone)]
struct Segment {
    step: usize,
    side: Option<Side>,
    planned: Duration,
    /// Keeps ending on a whole breath through `+`/`-`.
    whole_breaths: bool,
    /// Active time over every finished visit (the current visit is added on leaving).
    active: Duration,
    /// Ran to its end at least once.
    done: bool,
}

/// One stage of the plan, in running order.
#[derive(Debug, Clone, Copy)]
struct Planned {
    kind: StageKind,
    segment: usize,
    length: Duration,
}

/// A running routine or breathing session.
#[derive(Debug, Clone)]
pub struct Session {
    id: String,
    kind: Kind,
    routine: Routine,
    segments: Vec<Segment>,
    stages: Vec<Planned>,
    /// Index into `stages` for each segment.
    segment_stage: Vec<usize>,
    /// Index into `stages`; `stages.len()` once finished.
    pos: usize,
    /// The current stage's length, after `+`/`-`.
    stage_len: Duration,
    /// Active time in the current stage before `running_since`.
    banked: Duration,
    /// Set while running (not paused, not finished).
    running_since: Option<Instant>,
    /// Set while paused.
    paused_since: Option<Instant>,
    paused_total: Duration,
    started: Instant,
    /// The latest `now` seen: time never runs backwards inside the session.
    clock: Instant,
    finished_at: Option<Instant>,
    outcome: Option<Outcome>,
    /// How many stages have begun after the first, counting a restart or a step back as a
    /// new beginning: a text view compares it to say each new stage once.
    visits: u64,
}

impl Session {
    /// Starts `routine` at `now`. `id` is the record id the runner chose.
    pub fn new(routine: &Routine, options: Options, id: String, now: Instant) -> Session {
        Session::build(routine.clone(), Kind::Routine, options, id, now)
    }

    /// Starts a breathing-only session: one segment of `pattern` for `length`, rounded up
    /// to whole breaths (at least one). Recorded as kind `breathing`, routine id = the
    /// pattern id, title "Breathing: <id>", area "breathing".
    pub fn breathing(
        pattern: &Pattern,
        length: Length,
        options: Options,
        id: String,
        now: Instant,
    ) -> Session {
        let cycle = pattern.cycle();
        let length = match length {
            _ if cycle.is_zero() => length,
            Length::Breaths(n) => Length::Breaths(n.max(1)),
            Length::Time(d) => {
                let whole = breath::whole_breaths_at_least(pattern, d).max(cycle);
                Length::Breaths(breath::breaths_in(pattern, whole))
            }
        };
        let planned = match length {
            Length::Breaths(n) => cycle * n,
            Length::Time(d) => d,
        };
        let name = format!("Breathing: {}", pattern.id);
        let description = pattern.description.clone().unwrap_or_default();
        let step = Step {
            title: name.clone(),
            length,
            planned,
            instructions: description.clone(),
            cue: None,
            pressure: None,
            breathing: Some(std::sync::Arc::new(pattern.clone())),
            caution: None,
            sides: Sides::None,
            art: None,
            transition: Duration::ZERO,
            switch_cue: None,
            region: None,
            technique: None,
            say: None,
        };
        let routine = Routine {
            id: pattern.id.clone(),
            name,
            area: Area::Breathing,
            summary: description,
            equipment: Vec::new(),
            cautions: Vec::new(),
            steps: vec![step],
            patterns: Vec::new(),
            source: pattern.source.clone(),
            audio: Default::default(),
        };
        Session::build(routine, Kind::Breathing, options, id, now)
    }

    fn build(routine: Routine, kind: Kind, options: Options, id: String, now: Instant) -> Session {
        let mut segments = Vec::new();
        for (i, step) in routine.steps.iter().enumerate() {
            let whole_breaths = matches!(step.length, Length::Breaths(_))
                && step
                    .breathing
                    .as_ref()
                    .is_some_and(|p| !p.cycle().is_zero());
            let planned = match (&step.breathing, whole_breaths) {
                (Some(p), true) => breath::whole_breaths_at_least(p, step.planned),
                _ => step.planned,
            };
            let sides: &[Option<Side>] = match step.sides {
                Sides::None => &[None],
                Sides::Left => &[Some(Side::Left)],
                Sides::Right => &[Some(Side::Right)],
                Sides::Both => &[Some(Side::Left), Some(Side::Right)],
            };
            for &side in sides {
                segments.push(Segment {
                    step: i,
                    side,
                    planned,
                    whole_breaths,
                    active: Duration::ZERO,
                    done: false,
                });
            }
        }

        let mut stages = Vec::new();
        let mut segment_stage = Vec::new();
        if !options.get_ready.is_zero() && !segments.is_empty() {
            stages.push(Planned {
                kind: StageKind::GetReady,
                segment: 0,
                length: options.get_ready,
            });
        }
        for (j, seg) in segments.iter().enumerate() {
            if let Some(prev) = j.checked_sub(1).map(|p| &segments[p]) {
                if prev.step == seg.step {
                    stages.push(Planned {
                        kind: StageKind::SwitchSides,
                        segment: j,
                        length: SWITCH_SIDES,
                    });
                } else if !routine.steps[prev.step].transition.is_zero() {
                    stages.push(Planned {
                        kind: StageKind::Transition,
                        segment: j,
                        length: routine.steps[prev.step].transition,
                    });
                }
            }
            segment_stage.push(stages.len());
            stages.push(Planned {
                kind: StageKind::Segment,
                segment: j,
                length: seg.planned,
            });
        }

        let mut session = Session {
            id,
            kind,
            routine,
            segments,
            stages,
            segment_stage,
            pos: 0,
            stage_len: Duration::ZERO,
            banked: Duration::ZERO,
            running_since: None,
            paused_since: None,
            paused_total: Duration::ZERO,
            started: now,
            clock: now,
            finished_at: None,
            outcome: None,
            visits: 0,
        };
        if session.stages.is_empty() {
            // A routine without steps has nothing to run; it is over before it starts.
            session.finish(now, Outcome::Stopped, Cause::Timer, &mut Vec::new());
        } else {
            session.enter(0, now);
        }
        session
    }

    // ----- controls -------------------------------------------------------------------

    /// Moves through every stage whose deadline has passed by `now`.
    pub fn update(&mut self, now: Instant) -> Vec<Event> {
        let now = self.observe(now);
        let mut events = Vec::new();
        self.advance(now, &mut events);
        events
    }

    /// Space: pause if running, resume if paused.
    pub fn toggle_pause(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, now, ev| {
            if s.paused_since.is_some() {
                s.resume_at(now);
                ev.push(Event::Resumed);
            } else {
                s.pause_at(now);
                ev.push(Event::Paused);
            }
        })
    }

    /// Pauses (does nothing if already paused).
    pub fn pause(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, now, ev| {
            if s.paused_since.is_none() {
                s.pause_at(now);
                ev.push(Event::Paused);
            }
        })
    }

    /// Resumes (does nothing if running).
    pub fn resume(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, now, ev| {
            if s.paused_since.is_some() {
                s.resume_at(now);
                ev.push(Event::Resumed);
            }
        })
    }

    /// →: on to the next stage in order (from a segment that is its switch-sides or
    /// transition interlude if it has one; from an interlude or the get-ready, the next
    /// segment). Past the last segment the session finishes.
    pub fn skip(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, now, ev| s.go_to(s.pos + 1, now, Cause::User, ev))
    }

    /// ←: see [`BACK_RESTARTS_AFTER`]. On the first segment, or on the get-ready, it
    /// starts the current stage again.
    pub fn back(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, now, ev| {
            let stage = s.stages[s.pos];
            let target = match stage.kind {
                StageKind::Segment
                    if stage.segment > 0 && s.stage_elapsed_at(now) <= BACK_RESTARTS_AFTER =>
                {
                    s.segment_stage[stage.segment - 1]
                }
                StageKind::SwitchSides | StageKind::Transition if stage.segment > 0 => {
                    s.segment_stage[stage.segment - 1]
                }
                _ => s.pos,
            };
            s.go_to(target, now, Cause::User, ev);
        })
    }

    /// r: starts the current stage again from its planned length (any `+`/`-` is undone).
    /// The time already spent stays credited to the segment.
    pub fn restart(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, now, ev| s.go_to(s.pos, now, Cause::User, ev))
    }

    /// +: adds [`ADJUST_STEP`] to the current stage, or for a segment measured in breaths
    /// the whole number of breaths nearest to it (at least one) — never past [`MAX_STEP`],
    /// the longest a step may be written with: then it says so ([`Event::AtLimit`]). A
    /// breaths segment still ends on a whole breath, so it stays as it is there.
    pub fn add_time(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, _now, ev| {
            let limit = MAX_STEP.max(s.stage_len);
            let wanted = s.stage_len + s.adjust_step();
            if wanted <= limit {
                s.set_length(wanted, ev);
                return;
            }
            if s.whole_breath_pattern().is_none() {
                s.set_length(limit, ev);
            }
            ev.push(Event::AtLimit { limit: MAX_STEP });
        })
    }

    /// -: takes [`ADJUST_STEP`] (or whole breaths, as `+`) off the current stage, never
    /// leaving less than [`MIN_LEFT`]; a breaths segment still ends on a whole breath.
    pub fn remove_time(&mut self, now: Instant) -> Vec<Event> {
        self.control(now, |s, now, ev| {
            let mut floor = s.stage_elapsed_at(now) + MIN_LEFT;
            if let Some(p) = s.whole_breath_pattern() {
                floor = breath::whole_breaths_at_least(p, floor);
            }
            let new = s
                .stage_len
                .saturating_sub(s.adjust_step())
                .max(floor)
                .min(s.stage_len);
            s.set_length(new, ev);
        })
    }

    /// q (confirmed) or Ctrl-C: ends the session now with outcome `stopped`; the current
    /// segment is credited the time actually spent.
    pub fn stop(&mut self, now: Instant) -> Vec<Event> {
        let now = self.observe(now);
        let mut events = Vec::new();
        self.advance(now, &mut events);
        if !self.is_finished() {
            self.leave(now);
            self.finish(now, Outcome::Stopped, Cause::User, &mut events);
        }
        events
    }

    // ----- queries --------------------------------------------------------------------

    /// When the runner should wake next if no key arrives: the end of the stage, the next
    /// change of the countdown's seconds, or (during a segment with a pacer that can show
    /// `pacer_steps` sizes) the pacer's next visible change. `None` while paused or
    /// finished: nothing will change until a key. Never earlier than `now`.
    pub fn next_deadline(&self, now: Instant, pacer_steps: u32) -> Option<Instant> {
        let since = self.running_since?;
        let deadline = self.deadline()?;
        let now = now.max(self.clock);
        if deadline <= now {
            return Some(now);
        }
        let left = deadline - now;
        let shown = ceil_secs(left);
        let mut next = deadline - Duration::from_secs(shown - 1);
        if let Some(pattern) = self.current_pattern() {
            let elapsed = self.stage_elapsed_at(now);
            let change = breath::next_change(pattern, elapsed, pacer_steps);
            if let Some(at) = since.checked_add(change.saturating_sub(self.banked)) {
                next = next.min(at);
            }
        }
        Some(next.max(now))
    }

    /// The stages from the current one to the end, each with the instant it will start if
    /// no key is pressed: the current stage as adjusted by `+`/`-` (starting when it would
    /// have begun had it never paused, so pauses shift everything after them), the rest as
    /// planned. Empty while paused or finished: nothing is due until the session runs. The
    /// cue planner reads this; it never changes the session.
    pub fn schedule(&self) -> Vec<Scheduled> {
        let (Some(since), Some(_)) = (self.running_since, self.stages.get(self.pos)) else {
            return Vec::new();
        };
        let mut start = since.checked_sub(self.banked).unwrap_or(since);
        let mut out = Vec::with_capacity(self.stages.len() - self.pos);
        for (i, planned) in self.stages.iter().enumerate().skip(self.pos) {
            let length = if i == self.pos {
                self.stage_len
            } else {
                planned.length
            };
            let seg = &self.segments[planned.segment];
            out.push(Scheduled {
                info: StageInfo {
                    kind: planned.kind,
                    segment: planned.segment,
                    step: seg.step,
                    side: seg.side,
                },
                start,
                length,
            });
            start += length;
        }
        out
    }

    /// A snapshot to draw at `now`. Call [`Session::update`] first so a passed deadline
    /// has moved the session on; `view` itself never changes anything.
    /// How many stages have begun since the first (a restart or a step back counts): a
    /// view that describes each stage once compares it with the last it described.
    pub fn stage_visits(&self) -> u64 {
        self.visits
    }

    pub fn view(&self, now: Instant) -> View<'_> {
        let now = now.max(self.clock);
        let step_count = self.routine.steps.len();
        let Some(&stage) = self.stages.get(self.pos) else {
            return View {
                title: &self.routine.name,
                kind: StageKind::Finished,
                segment: self.segments.len(),
                segment_count: self.segments.len(),
                step_index: step_count.saturating_sub(1),
                step: self.routine.steps.last(),
                step_number: step_count,
                step_count,
                side: None,
                stage_elapsed: Duration::ZERO,
                stage_left: Duration::ZERO,
                countdown_secs: 0,
                stage_length: Duration::ZERO,
                planned: Duration::ZERO,
                progress: 1.0,
                routine_left: Duration::ZERO,
                routine_left_secs: 0,
                pacer: None,
                breaths: None,
                paused: false,
                next: None,
                outcome: self.outcome,
                after: None,
            };
        };
        let seg = &self.segments[stage.segment];
        let elapsed = self.stage_elapsed_at(now).min(self.stage_len);
        let stage_left = self.stage_len - elapsed;
        let countdown_secs = ceil_secs(stage_left);

        // Progress runs along the plan: every stage before this one as planned, this one
        // as adjusted, so skipping and going back move the bar too.
        let first = usize::from(self.stages[0].kind == StageKind::GetReady);
        let before: Duration = self.stages[first..self.pos.max(first)]
            .iter()
            .map(|p| p.length)
            .sum();
        let after: Duration = self.stages[self.pos + 1..].iter().map(|p| p.length).sum();
        let (progress, routine_left, routine_left_secs) = if stage.kind == StageKind::GetReady {
            (0.0, after, secs_left(after))
        } else {
            let total = before + self.stage_len + after;
            let progress = if total.is_zero() {
                0.0
            } else {
                ((before + elapsed).as_secs_f64() / total.as_secs_f64()).clamp(0.0, 1.0)
            };
            (progress, stage_left + after, secs_left(stage_left + after))
        };

        let pacer = self
            .current_pattern()
            .map(|p| breath::at(p, self.stage_elapsed_at(now)));
        let breaths = match (stage.kind, self.whole_breath_pattern()) {
            (StageKind::Segment, Some(p)) => Some(breath::breaths_in(p, self.stage_len)),
            _ => None,
        };
        let next_segment = if stage.kind == StageKind::Segment {
            stage.segment + 1
        } else {
            stage.segment
        };
        let after = match stage.kind {
            StageKind::Transition | StageKind::SwitchSides => self.step_before(stage.segment),
            _ => None,
        };
        let next = self.segments.get(next_segment).map(|s| {
            let step = &self.routine.steps[s.step];
            Upcoming {
                segment: next_segment,
                step_index: s.step,
                step,
                title: &step.title,
                side: s.side,
                planned: s.planned,
            }
        });

        View {
            title: &self.routine.name,
            kind: stage.kind,
            segment: stage.segment,
            segment_count: self.segments.len(),
            step_index: seg.step,
            step: self.routine.steps.get(seg.step),
            step_number: seg.step + 1,
            step_count,
            side: seg.side,
            stage_elapsed: elapsed,
            stage_left,
            countdown_secs,
            stage_length: self.stage_len,
            planned: stage.length,
            progress,
            routine_left,
            routine_left_secs,
            pacer,
            breaths,
            paused: self.paused_since.is_some(),
            next,
            outcome: self.outcome,
            after,
        }
    }

    /// The history record as of the last instant the session was given (the final one
    /// once finished). Mid-session it carries the current segment's time so far and
    /// outcome `interrupted` — what recovery should log if the program dies — so the
    /// runner can write it as the in-progress snapshot unchanged.
    pub fn record(&self, started_at: Stamp, ended_at: Stamp) -> SessionRecord {
        let at = self.finished_at.unwrap_or(self.clock);
        let current = self
            .stages
            .get(self.pos)
            .filter(|p| p.kind == StageKind::Segment)
            .map(|p| p.segment);
        let steps: Vec<StepRecord> = self
            .segments
            .iter()
            .enumerate()
            .map(|(j, seg)| {
                let mut active = seg.active;
                if current == Some(j) {
                    active += self.stage_elapsed_at(at).min(self.stage_len);
                }
                let status = if seg.done {
                    StepStatus::Done
                } else if active < SKIPPED_BELOW {
                    StepStatus::Skipped
                } else {
                    StepStatus::Partial
                };
                StepRecord {
                    title: self.routine.steps[seg.step].title.clone(),
                    side: seg.side,
                    planned_secs: record::secs(seg.planned),
                    active_secs: record::secs(active),
                    status,
                }
            })
            .collect();
        let planned: Duration = self.segments.iter().map(|s| s.planned).sum();
        SessionRecord {
            v: record::VERSION,
            id: self.id.clone(),
            kind: self.kind,
            routine_id: self.routine.id.clone(),
            title: self.routine.name.clone(),
            area: self.routine.area.as_str().to_string(),
            started_at,
            ended_at,
            planned_secs: record::secs(planned),
            active_secs: record::secs(self.active_at(at)),
            paused_secs: record::secs(self.paused_at(at)),
            outcome: self.outcome.unwrap_or(Outcome::Interrupted),
            steps,
            pain_before: None,
            pain_after: None,
            note: None,
            migraine_before: false,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The routine being run (for a breathing session, the one-step routine built for it).
    pub fn routine(&self) -> &Routine {
        &self.routine
    }

    /// The step of the segment before `segment` (what a pause leading into `segment`
    /// follows).
    pub fn step_before(&self, segment: usize) -> Option<&Step> {
        let before = self.segments.get(segment.checked_sub(1)?)?;
        self.routine.steps.get(before.step)
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    /// The kind of stage on now ([`StageKind::Finished`] once it is over).
    pub fn stage_kind(&self) -> StageKind {
        self.stages
            .get(self.pos)
            .map_or(StageKind::Finished, |s| s.kind)
    }

    /// What `+`/`-` add to or take from the current stage now: its length, and how many
    /// whole breaths that is when the stage is counted in breaths.
    pub fn adjust_by(&self) -> (Duration, Option<u32>) {
        let length = self.adjust_step();
        let breaths = self.whole_breath_pattern().map(|p| {
            let cycle = p.cycle().max(Duration::from_millis(1));
            (length.as_secs_f64() / cycle.as_secs_f64()).round() as u32
        });
        (length, breaths)
    }

    pub fn is_finished(&self) -> bool {
        self.outcome.is_some()
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// The instant the session was created.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The instant the session finished: the last deadline, or when it was stopped.
    pub fn finished_at(&self) -> Option<Instant> {
        self.finished_at
    }

    /// Total paused time up to the last instant seen.
    pub fn paused_time(&self) -> Duration {
        self.paused_at(self.finished_at.unwrap_or(self.clock))
    }

    /// Active segment time (pauses and interludes excluded) up to the last instant seen.
    pub fn active_time(&self) -> Duration {
        self.active_at(self.finished_at.unwrap_or(self.clock))
    }

    // ----- the machinery --------------------------------------------------------------

    fn active_at(&self, at: Instant) -> Duration {
        let banked: Duration = self.segments.iter().map(|s| s.active).sum();
        let current = match self.stages.get(self.pos) {
            Some(p) if p.kind == StageKind::Segment => {
                self.stage_elapsed_at(at).min(self.stage_len)
            }
            _ => Duration::ZERO,
        };
        banked + current
    }

    fn observe(&mut self, now: Instant) -> Instant {
        if now > self.clock {
            self.clock = now;
        }
        self.clock
    }

    /// Runs a control after catching up with `now`. If catching up found a jump in time
    /// and paused the session, the key is dropped: it was pressed at a screen that no
    /// longer matched what was happening.
    fn control(
        &mut self,
        now: Instant,
        act: impl FnOnce(&mut Session, Instant, &mut Vec<Event>),
    ) -> Vec<Event> {
        let now = self.observe(now);
        let mut events = Vec::new();
        let auto_paused = self.advance(now, &mut events);
        if !auto_paused && !self.is_finished() {
            act(self, now, &mut events);
        }
        events
    }

    /// Ends every stage whose deadline is at or before `now`, chaining each next stage from
    /// the previous deadline. Returns true if it paused the session after a jump in time.
    fn advance(&mut self, now: Instant, events: &mut Vec<Event>) -> bool {
        while let Some(deadline) = self.deadline() {
            if now < deadline {
                break;
            }
            self.go_to(self.pos + 1, deadline, Cause::Timer, events);
            if now - deadline > SLEEP_GAP && !self.is_finished() {
                self.pause_at(deadline);
                events.push(Event::AutoPaused);
                return true;
            }
        }
        false
    }

    fn stage_elapsed_at(&self, at: Instant) -> Duration {
        match self.running_since {
            Some(since) => self.banked + at.saturating_duration_since(since),
            None => self.banked,
        }
    }

    fn deadline(&self) -> Option<Instant> {
        self.running_since?
            .checked_add(self.stage_len.saturating_sub(self.banked))
    }

    fn paused_at(&self, at: Instant) -> Duration {
        self.paused_total
            + self
                .paused_since
                .map_or(Duration::ZERO, |p| at.saturating_duration_since(p))
    }

    fn pause_at(&mut self, at: Instant) {
        if self.running_since.is_some() {
            self.banked = self.stage_elapsed_at(at);
            self.running_since = None;
            self.paused_since = Some(at);
        }
    }

    fn resume_at(&mut self, at: Instant) {
        if let Some(p) = self.paused_since.take() {
            self.paused_total += at.saturating_duration_since(p);
            self.running_since = Some(at);
        }
    }

    /// Leaves the current stage at `at` (crediting a segment its time) and starts stage
    /// `pos`, or finishes when there is none.
    fn go_to(&mut self, pos: usize, at: Instant, cause: Cause, events: &mut Vec<Event>) {
        self.leave(at);
        if pos < self.stages.len() {
            self.enter(pos, at);
            self.visits += 1;
            events.push(Event::StageStarted {
                stage: self.stage_info(),
                cause,
            });
        } else {
            let outcome = if self.segments.last().is_some_and(|s| s.done) {
                Outcome::Completed
            } else {
                Outcome::Stopped
            };
            self.finish(at, outcome, cause, events);
        }
    }

    fn leave(&mut self, at: Instant) {
        let Some(stage) = self.stages.get(self.pos).copied() else {
            return;
        };
        if stage.kind == StageKind::Segment {
            let elapsed = self.stage_elapsed_at(at).min(self.stage_len);
            let seg = &mut self.segments[stage.segment];
            seg.active += elapsed;
            if elapsed >= self.stage_len {
                seg.done = true;
            }
        }
        self.banked = Duration::ZERO;
    }

    /// Starts stage `pos` fresh at `at`; a paused session stays paused.
    fn enter(&mut self, pos: usize, at: Instant) {
        self.pos = pos;
        self.stage_len = self.stages[pos].length;
        self.banked = Duration::ZERO;
        self.running_since = if self.paused_since.is_some() {
            None
        } else {
            Some(at)
        };
    }

    fn finish(&mut self, at: Instant, outcome: Outcome, cause: Cause, events: &mut Vec<Event>) {
        if let Some(p) = self.paused_since.take() {
            self.paused_total += at.saturating_duration_since(p);
        }
        self.pos = self.stages.len();
        self.running_since = None;
        self.banked = Duration::ZERO;
        self.stage_len = Duration::ZERO;
        self.finished_at = Some(at);
        self.outcome = Some(outcome);
        events.push(Event::Finished { outcome, cause });
    }

    fn stage_info(&self) -> StageInfo {
        let stage = self.stages[self.pos];
        let seg = &self.segments[stage.segment];
        StageInfo {
            kind: stage.kind,
            segment: stage.segment,
            step: seg.step,
            side: seg.side,
        }
    }

    /// The pacer's pattern while a segment runs.
    fn current_pattern(&self) -> Option<&Pattern> {
        let stage = self.stages.get(self.pos)?;
        if stage.kind != StageKind::Segment {
            return None;
        }
        let seg = &self.segments[stage.segment];
        self.routine.steps[seg.step].breathing.as_deref()
    }

    /// The pattern whose whole breaths the current segment must keep ending on.
    fn whole_breath_pattern(&self) -> Option<&Pattern> {
        let stage = self.stages.get(self.pos)?;
        (stage.kind == StageKind::Segment && self.segments[stage.segment].whole_breaths)
            .then(|| self.current_pattern())
            .flatten()
    }

    fn adjust_step(&self) -> Duration {
        match self.whole_breath_pattern() {
            // A breathing exercise is counted in breaths: `+`/`-` move exactly one.
            Some(p) if self.kind == Kind::Breathing => p.cycle(),
            Some(p) => {
                let cycle = p.cycle();
                let n = (ADJUST_STEP.as_secs_f64() / cycle.as_secs_f64()).round();
                cycle * (n as u32).max(1)
            }
            None => ADJUST_STEP,
        }
    }

    fn set_length(&mut self, new: Duration, events: &mut Vec<Event>) {
        if new != self.stage_len {
            self.stage_len = new;
            // A breathing exercise's plan is the number of breaths chosen, so a breath
            // added or taken away changes the plan the finish screen and history show.
            if self.kind == Kind::Breathing
                && let Some(stage) = self.stages.get(self.pos)
                && stage.kind == StageKind::Segment
            {
                self.segments[stage.segment].planned = new;
            }
            events.push(Event::LengthChanged { length: new });
        }
    }
}

/// A time left in whole seconds, rounded up: the one rule of `model::format`.
fn ceil_secs(d: Duration) -> u64 {
    secs_left(d)
}
