//! The cue planner: what a session should sound like, and when.
//!
//! From the session's [`schedule`](Session::schedule) (the stages still to come, with the
//! instants they start if no key is pressed), the routine's patterns and the options, it
//! yields every cue as a value with its instant: the two-note chime at each step's start,
//! the side-switch pattern, a rising tone on each in-breath and a falling one on each
//! out-breath, a level one on holds, optional 3-2-1 ticks before a step ends, the end
//! chime, and spoken phrases. Pure: it never reads the clock or plays anything; the runner
//! performs what [`Cues`] hands it and wakes at [`Cues::next_at`].
//!
//! Rules worth knowing:
//! - The step chime replaces the first breath cue of a step (both would fall on the same
//!   instant): the chime means "begin, breathe in".
//! - With the 3-2-1 on, breath cues in a step's last [`COUNTDOWN_CLEAR`] are left out so the
//!   ticks stand alone.
//! - **Speech never sounds over a breath cue.** A step's phrase is spoken at the start of the
//!   get-ready or transition that leads into it (a step with neither: at its own start,
//!   after the chime), "Switch to the right side" at the switch, the end line after the end
//!   chime. Its window runs until the next breath cue or tick (or the next phrase), less
//!   [`SPEECH_GUARD`]. If the full phrase does not fit, it is **shortened**, never the
//!   transition lengthened: the `say` line goes first, then the length, then the side,
//!   leaving the title alone; a phrase whose title alone does not fit is not spoken. We
//!   shorten rather than lengthen because the session's timing is the user's routine as
//!   written (and as logged); a voice setting must not change how long it takes.
//! - Pausing empties the plan; resuming, skipping, going back, restarting and `+`/`-`
//!   re-plan from the session as it now is, so every later cue moves with it.
//! - Muted, nothing is emitted and nothing needs a wake-up.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::core::session::{Cause, Event, LET_GO, Scheduled, Session, StageKind, lets_go};
use crate::core::spoken::spoken;
use crate::core::tone;
use crate::model::config::TimeLeft;
use crate::model::routine::{AudioHint, Length, PhaseKind, Routine, Side, Step};

/// The least silence between two sounds: speech ends this long before the next tone, and
/// starts this long after the chime before it.
pub const SPEECH_GUARD: Duration = Duration::from_millis(300);
/// How far past its instant a time-left cue may move to find room between breath tones.
const TIME_LEFT_ROOM: Duration = Duration::from_secs(10);
/// With the 3-2-1 on, no breath cue sounds in a step's last this-much.
pub const COUNTDOWN_CLEAR: Duration = Duration::from_millis(3_500);
/// Ticks come at this many seconds before a step ends (3, 2, 1).
pub const COUNTDOWN_FROM: u32 = 3;
/// A cue found more than this late (the machine was busy or stopped) is dropped, not played.
pub const TOO_LATE: Duration = Duration::from_secs(5);

/// The sounds knotless makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tone {
    /// A new step begins: two rising notes.
    Step,
    /// Switch sides: three quick notes, low-high-low.
    Switch,
    /// Breathe in: a tone that rises.
    In,
    /// Breathe out: a lower tone that falls.
    Out,
    /// Hold: one short level note.
    Hold,
    /// 3-2-1 before a step ends: a soft click of a tick.
    Tick,
    /// The routine is over: a longer, low three-note chime.
    End,
    /// The session paused: two short low notes going down.
    Pause,
    /// It goes on: the same notes going up.
    Resume,
    /// Half the step is done, or 30 seconds are left (`time_left`).
    TimeLeft,
}

impl Tone {
    pub const ALL: [Tone; 10] = [
        Tone::Step,
        Tone::Switch,
        Tone::In,
        Tone::Out,
        Tone::Hold,
        Tone::Tick,
        Tone::End,
        Tone::Pause,
        Tone::Resume,
        Tone::TimeLeft,
    ];

    /// The file stem in the cache and the name `sound test` prints.
    pub fn name(self) -> &'static str {
        match self {
            Tone::Step => "step",
            Tone::Switch => "switch-sides",
            Tone::In => "breathe-in",
            Tone::Out => "breathe-out",
            Tone::Hold => "hold",
            Tone::Tick => "tick",
            Tone::End => "end",
            Tone::Pause => "pause",
            Tone::Resume => "resume",
            Tone::TimeLeft => "time-left",
        }
    }

    /// What it sounds like, for `sound test` and the user guide.
    pub fn describe(self) -> &'static str {
        match self {
            Tone::Step => "two soft rising notes: a new step begins",
            Tone::Switch => "three quick notes, low-high-low: change sides",
            Tone::In => "a tone gliding up: breathe in",
            Tone::Out => "a lower tone gliding down: breathe out",
            Tone::Hold => "one short level note: hold",
            Tone::Tick => "a short soft tick: 3, 2, 1 before a step ends",
            Tone::End => "three slow low notes: the routine is over",
            Tone::Pause => "two short low notes going down: paused",
            Tone::Resume => "the same notes going up: going on",
            Tone::TimeLeft => "one soft high note: half the step done, or 30 s left",
        }
    }

    /// Whether it paces a breath or counts down (the bell never stands in for these).
    pub fn is_timing(self) -> bool {
        matches!(
            self,
            Tone::In | Tone::Out | Tone::Hold | Tone::Tick | Tone::TimeLeft
        )
    }

    /// Whether it says that something changed (a step, a side, the end, a pause): such a
    /// sound stops any other that is playing.
    pub fn is_chime(self) -> bool {
        matches!(
            self,
            Tone::Step | Tone::Switch | Tone::End | Tone::Pause | Tone::Resume
        )
    }
}

/// One thing to sound.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cue {
    Tone(Tone),
    Say(String),
}

/// A cue and when it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed {
    pub at: Instant,
    pub cue: Cue,
}

/// Which cues a session gets (from the settings, the routine's hint and what was found).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueOptions {
    /// Step, switch and end sounds (tones, or the bell standing in for them).
    pub tones: bool,
    /// In/out/hold tones (needs `tones`).
    pub breath: bool,
    /// 3-2-1 ticks before a step ends (needs `tones`).
    pub countdown: bool,
    /// Spoken phrases.
    pub voice: bool,
    /// Spoken phrases carry the pressure and the step's caution too (`voice = "full"`).
    pub full_voice: bool,
    /// A soft sound on pause and on resume (needs `tones`).
    pub pause: bool,
    /// A cue partway through long steps: spoken with the voice on, else a tone.
    pub time_left: TimeLeft,
}

impl CueOptions {
    pub const NONE: CueOptions = CueOptions {
        tones: false,
        breath: false,
        countdown: false,
        voice: false,
        full_voice: false,
        pause: false,
        time_left: TimeLeft::Off,
    };

    /// The routine's `audio` hint can only take away: quiet drops the 3-2-1 ticks (and
    /// the runner halves the volume); the breath tones stay, they are what paces.
    pub fn with_hint(self, hint: AudioHint) -> CueOptions {
        match hint {
            AudioHint::Normal => self,
            AudioHint::Quiet => CueOptions {
                countdown: false,
                ..self
            },
            AudioHint::Off => CueOptions::NONE,
        }
    }

    pub fn is_silent(&self) -> bool {
        !self.tones && !self.voice
    }
}

/// How long each phrase takes to say: measured from a rendered file where there is one,
/// estimated from its words otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpeechLengths {
    known: HashMap<String, Duration>,
}

impl SpeechLengths {
    pub fn insert(&mut self, phrase: &str, length: Duration) {
        self.known.insert(phrase.to_string(), length);
    }

    pub fn known(&self, phrase: &str) -> Option<Duration> {
        self.known.get(phrase).copied()
    }

    /// The measured length, else a generous estimate (a slow voice, 2.5 words a second,
    /// plus a pause for each sentence).
    pub fn get(&self, phrase: &str) -> Duration {
        self.known(phrase).unwrap_or_else(|| estimate(phrase))
    }
}

/// A speaking-time estimate for a phrase no one has measured.
pub fn estimate(phrase: &str) -> Duration {
    let words = phrase.split_whitespace().count() as u64;
    let sentences = phrase.matches(['.', '!', '?']).count() as u64;
    Duration::from_millis(300 + words * 400 + sentences * 250)
}

/// The step's phrase, longest first: every shorter version the planner may fall back on.
/// "Suboccipital hold. Left side. Ninety seconds. Let the head sink." → … → "Suboccipital hold."
/// With `full` (`voice = "full"`) the longest versions carry the pressure and then the
/// step's caution, and those go first when it does not fit. All text is spoken as a person
/// would say it ([`spoken`]).
pub fn step_phrases(step: &Step, side: Option<Side>, full: bool) -> Vec<String> {
    let title = sentence(&spoken(&step.title));
    let side = side.map(|s| match s {
        Side::Left => "Left side.".to_string(),
        Side::Right => "Right side.".to_string(),
    });
    let length = format!("{}.", spoken_length(step.length, step.planned));
    let mut parts = vec![title];
    parts.extend(side);
    parts.push(length);
    if full && let Some(p) = step.pressure {
        parts.push(sentence(&spoken(&format!("Pressure {p}/10"))));
    }
    if let Some(say) = &step.say {
        parts.push(sentence(&spoken(say)));
    }
    if full && let Some(c) = &step.caution {
        parts.push(sentence(&spoken(c)));
    }
    let mut out: Vec<String> = (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join(" "))
        .collect();
    out.dedup();
    out
}

/// A step's phrases (longest first) said after [`LET_GO`]: those first, then the phrases
/// alone, for a pause too short for any of them.
fn letting_go(phrases: Vec<String>) -> Vec<String> {
    let said = phrases.iter().map(|p| format!("{LET_GO} {p}"));
    said.collect::<Vec<_>>()
        .into_iter()
        .chain(phrases)
        .collect()
}

/// What is said partway through a long step.
pub fn time_left_phrase(which: TimeLeft) -> Option<&'static str> {
    match which {
        TimeLeft::Off => None,
        TimeLeft::Half => Some("Halfway."),
        TimeLeft::Thirty => Some("Thirty seconds left."),
    }
}

/// What is said at the switch-sides interlude.
pub fn switch_phrase(to: Side) -> String {
    format!("Switch to the {} side.", to.as_str())
}

/// What is said when the routine ends by itself.
pub const END_PHRASE: &str = "That is the end of the routine.";

/// Every phrase a session of `routine` may speak, in the order it may speak them, so they
/// can be rendered before it starts.
pub fn phrases(routine: &Routine, opts: CueOptions) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |p: String| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for (k, step) in routine.steps.iter().enumerate() {
        // The pause before it may say to let go (whether it does depends on its length and
        // the steps around it; rendering one phrase too many costs only the render).
        let after_pressing = k > 0 && routine.steps[k - 1].presses();
        let sides: &[Option<Side>] = match step.sides {
            crate::model::routine::Sides::None => &[None],
            crate::model::routine::Sides::Left => &[Some(Side::Left)],
            crate::model::routine::Sides::Right => &[Some(Side::Right)],
            crate::model::routine::Sides::Both => &[Some(Side::Left)],
        };
        for (i, side) in sides.iter().enumerate() {
            let mut said = step_phrases(step, *side, opts.full_voice);
            if after_pressing && i == 0 {
                said = letting_go(said);
            }
            said.into_iter().for_each(&mut push);
            if let Some(p) = time_left_phrase(opts.time_left) {
                push(p.to_string());
            }
        }
        if step.sides == crate::model::routine::Sides::Both {
            push(switch_phrase(Side::Right));
        }
    }
    push(END_PHRASE.to_string());
    out
}

/// Every cue from `now` to the end of the session, in order, as things stand: nothing
/// while paused or finished. Cues before `now` are left out.
pub fn plan(session: &Session, now: Instant, opts: CueOptions, lens: &SpeechLengths) -> Vec<Timed> {
    let sched = session.schedule();
    let Some(last) = sched.last() else {
        return Vec::new();
    };
    let end = last.start + last.length;
    let routine = session.routine();
    let mut tones: Vec<Timed> = Vec::new();
    // Each speech slot: where it may start, and the phrase's versions, longest first.
    let mut slots: Vec<(Instant, Vec<String>)> = Vec::new();
    let tone = |tones: &mut Vec<Timed>, at: Instant, t: Tone| {
        if opts.tones {
            tones.push(Timed {
                at,
                cue: Cue::Tone(t),
            });
        }
    };
    // Speech that starts with a chime waits for the chime to end, and a little more.
    let after = |at: Instant, t: Tone| {
        if opts.tones {
            at + tone::length(t) + SPEECH_GUARD
        } else {
            at
        }
    };

    for (i, st) in sched.iter().enumerate() {
        let step = &routine.steps[st.info.step];
        let phrases = || step_phrases(step, st.info.side, opts.full_voice);
        match st.info.kind {
            StageKind::GetReady => slots.push((st.start, phrases())),
            // After a step that pressed a spot, the pause says to let go (as the screen
            // does) before it names the next step, whatever of the name then fits.
            StageKind::Transition => {
                let before = session.step_before(st.info.segment);
                let mut versions = phrases();
                if lets_go(st.info.kind, before, Some(step), st.length) {
                    versions = letting_go(versions);
                }
                slots.push((st.start, versions));
            }
            StageKind::SwitchSides => {
                tone(&mut tones, st.start, Tone::Switch);
                let to = st.info.side.unwrap_or(Side::Right);
                slots.push((after(st.start, Tone::Switch), vec![switch_phrase(to)]));
            }
            StageKind::Segment => {
                tone(&mut tones, st.start, Tone::Step);
                // A step with no interlude before it is announced at its own start (the
                // current stage never is: it was announced when it began).
                if i > 0 && sched[i - 1].info.kind == StageKind::Segment {
                    slots.push((after(st.start, Tone::Step), phrases()));
                }
                segment_tones(st, step, opts, &mut tones);
                time_left(st, opts, lens, &mut tones, &mut slots);
            }
            StageKind::Finished => {}
        }
    }
    tone(&mut tones, end, Tone::End);
    slots.push((after(end, Tone::End), vec![END_PHRASE.to_string()]));

    let mut out = tones;
    if opts.voice {
        let speech = place_speech(&slots, &out, lens);
        out.extend(speech);
    }
    out.retain(|t| t.at >= now);
    out.sort_by_key(|t| t.at);
    out
}

/// Each slot's longest version that ends [`SPEECH_GUARD`] before the next tone (any tone:
/// speech never runs into a chime either) and before the next slot; none if even the
/// shortest does not.
fn place_speech(
    slots: &[(Instant, Vec<String>)],
    tones: &[Timed],
    lens: &SpeechLengths,
) -> Vec<Timed> {
    let mut out = Vec::new();
    for (k, (at, versions)) in slots.iter().enumerate() {
        let next_tone = tones.iter().map(|t| t.at).filter(|b| b > at).min();
        let next_slot = slots[k + 1..].iter().map(|s| s.0).filter(|s| s > at).min();
        let limit = match (next_tone, next_slot) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let fits = |v: &&String| match limit {
            None => true,
            Some(l) => *at + lens.get(v) + SPEECH_GUARD <= l,
        };
        if let Some(v) = versions.iter().find(fits) {
            out.push(Timed {
                at: *at,
                cue: Cue::Say(v.clone()),
            });
        }
    }
    out
}

/// The time-left cue of one segment visit (`time_left`): spoken with the voice on, else a
/// soft tone; moved a little later if a breath tone is in the way, left out if no room
/// comes soon.
fn time_left(
    st: &Scheduled,
    opts: CueOptions,
    lens: &SpeechLengths,
    tones: &mut Vec<Timed>,
    slots: &mut Vec<(Instant, Vec<String>)>,
) {
    let len = st.length;
    let offset = match opts.time_left {
        TimeLeft::Off => return,
        TimeLeft::Half if len >= Duration::from_secs(60) => len / 2,
        TimeLeft::Thirty if len >= Duration::from_secs(45) => len - Duration::from_secs(30),
        TimeLeft::Half | TimeLeft::Thirty => return,
    };
    let phrase = time_left_phrase(opts.time_left).unwrap_or_default();
    let (sound, speak) = if opts.voice {
        (lens.get(phrase), true)
    } else if opts.tones {
        (tone::length(Tone::TimeLeft), false)
    } else {
        return;
    };
    let Some(at) = room(st.start + offset, sound, tones) else {
        return;
    };
    if speak {
        slots.push((at, vec![phrase.to_string()]));
    } else {
        tones.push(Timed {
            at,
            cue: Cue::Tone(Tone::TimeLeft),
        });
    }
}

/// The first instant from `from` (within [`TIME_LEFT_ROOM`]) where a sound of `length`
/// meets no tone: [`SPEECH_GUARD`] clear of each on both sides.
fn room(from: Instant, length: Duration, tones: &[Timed]) -> Option<Instant> {
    let clear = |at: Instant| {
        tones.iter().all(|t| {
            let Cue::Tone(x) = t.cue else { return true };
            t.at + tone::length(x) + SPEECH_GUARD <= at || at + length + SPEECH_GUARD <= t.at
        })
    };
    let candidates = std::iter::once(from).chain(tones.iter().filter_map(|t| match t.cue {
        Cue::Tone(x) => Some(t.at + tone::length(x) + SPEECH_GUARD),
        Cue::Say(_) => None,
    }));
    candidates
        .filter(|&c| c >= from && c <= from + TIME_LEFT_ROOM)
        .filter(|&c| clear(c))
        .min()
}

/// The breath cues and 3-2-1 ticks of one segment visit.
fn segment_tones(st: &Scheduled, step: &Step, opts: CueOptions, tones: &mut Vec<Timed>) {
    if !opts.tones {
        return;
    }
    let len = st.length;
    let clear_from = if opts.countdown {
        len.saturating_sub(COUNTDOWN_CLEAR)
    } else {
        len
    };
    if opts.breath
        && let Some(p) = &step.breathing
        && !p.cycle().is_zero()
    {
        let mut t = Duration::ZERO;
        'breaths: loop {
            for phase in &p.phases {
                if t >= clear_from {
                    break 'breaths;
                }
                // The step chime stands for the first breath cue.
                if !t.is_zero() {
                    let kind = match phase.kind {
                        PhaseKind::In => Tone::In,
                        PhaseKind::Out => Tone::Out,
                        PhaseKind::Hold => Tone::Hold,
                    };
                    tones.push(Timed {
                        at: st.start + t,
                        cue: Cue::Tone(kind),
                    });
                }
                t += phase.length;
            }
        }
    }
    if opts.countdown && len > Duration::from_secs(u64::from(COUNTDOWN_FROM) + 1) {
        for k in (1..=COUNTDOWN_FROM).rev() {
            tones.push(Timed {
                at: st.start + len - Duration::from_secs(u64::from(k)),
                cue: Cue::Tone(Tone::Tick),
            });
        }
    }
}

/// Whether an event means the plan no longer matches the session.
fn replans(e: &Event) -> bool {
    match e {
        Event::StageStarted { cause, .. } | Event::Finished { cause, .. } => *cause == Cause::User,
        Event::Paused | Event::Resumed | Event::AutoPaused | Event::LengthChanged { .. } => true,
        Event::AtLimit { .. } => false,
    }
}

/// A session's plan as it runs: hands out the cues that are due and re-plans after a
/// control. The runner calls [`Cues::react`] with every batch of session events (an empty
/// batch on a plain wake-up) and sleeps no later than [`Cues::next_at`].
#[derive(Debug, Clone)]
pub struct Cues {
    opts: CueOptions,
    lens: SpeechLengths,
    queue: VecDeque<Timed>,
}

impl Cues {
    pub fn new(session: &Session, now: Instant, opts: CueOptions, lens: SpeechLengths) -> Cues {
        let queue = plan(session, now, opts, &lens).into();
        Cues { opts, lens, queue }
    }

    pub fn options(&self) -> CueOptions {
        self.opts
    }

    /// The cues still planned, in order (for tests and the plain mode's look-ahead).
    pub fn planned(&self) -> impl Iterator<Item = &Timed> {
        self.queue.iter()
    }

    /// After the session reported `events` at `now`: the cues to sound now. Cues the old
    /// plan had due by `now` come first (a control may have moved the session past them);
    /// then, if the events were a control, the session is planned afresh from `now`.
    /// While `muted`, the cues that fall due are dropped, not saved up for later.
    pub fn react(
        &mut self,
        session: &Session,
        events: &[Event],
        now: Instant,
        muted: bool,
    ) -> Vec<Cue> {
        let mut fired = self.take_due(now);
        if events.iter().any(replans) {
            let fresh = plan(session, now, self.opts, &self.lens);
            // A cue the old plan just sounded at this very instant is not sounded twice.
            self.queue = fresh.into_iter().filter(|t| !fired.contains(t)).collect();
            fired.extend(self.take_due(now));
        }
        if muted {
            return Vec::new();
        }
        let mut out: Vec<Cue> = self.pause_cue(events).into_iter().collect();
        out.extend(fired.into_iter().map(|t| t.cue));
        out
    }

    /// The soft sound for a pause or a resume among `events` (`pause_cues`), if any.
    fn pause_cue(&self, events: &[Event]) -> Option<Cue> {
        if !(self.opts.pause && self.opts.tones) {
            return None;
        }
        let tone = events.iter().rev().find_map(|e| match e {
            Event::Paused | Event::AutoPaused => Some(Tone::Pause),
            Event::Resumed => Some(Tone::Resume),
            _ => None,
        })?;
        Some(Cue::Tone(tone))
    }

    /// When the next cue is due; `None` when nothing is planned, or while `muted` (nothing
    /// will sound, so there is nothing to wake up for).
    pub fn next_at(&self, muted: bool) -> Option<Instant> {
        if muted {
            return None;
        }
        self.queue.front().map(|t| t.at)
    }

    /// Drops the cues due by `now` without sounding them: the sound comes back on (`m`),
    /// and what fell due while it was off is not played late.
    pub fn skip_due(&mut self, now: Instant) {
        self.take_due(now);
    }

    /// Everything still planned, with its instant: the session is over and its screen is
    /// closing; the sound performer sounds these when due.
    pub fn drain(&mut self) -> impl Iterator<Item = Timed> + '_ {
        self.queue.drain(..)
    }

    fn take_due(&mut self, now: Instant) -> Vec<Timed> {
        let mut out = Vec::new();
        while self.queue.front().is_some_and(|t| t.at <= now) {
            let t = self.queue.pop_front().expect("front exists");
            if now.saturating_duration_since(t.at) <= TOO_LATE {
                out.push(t);
            }
        }
        out
    }
}

/// "Ninety seconds", "One minute", "Two and a half minutes", "Nine breaths".
pub fn spoken_length(length: Length, planned: Duration) -> String {
    let text = match length {
        Length::Breaths(1) => "one breath".to_string(),
        Length::Breaths(n) => format!("{} breaths", number_words(u64::from(n))),
        Length::Time(_) => {
            let s = (planned.as_millis() as u64 + 500) / 1000;
            let (m, rest) = (s / 60, s % 60);
            let unit = |n: u64, one: &str, many: &str| {
                if n == 1 {
                    format!("one {one}")
                } else {
                    format!("{} {many}", number_words(n))
                }
            };
            match (m, rest) {
                (0, s) => unit(s, "second", "seconds"),
                (m, 0) => unit(m, "minute", "minutes"),
                (1, 30) => "one and a half minutes".to_string(),
                (m, 30) => format!("{} and a half minutes", number_words(m)),
                (m, s) => format!(
                    "{} {}",
                    unit(m, "minute", "minutes"),
                    unit(s, "second", "seconds")
                ),
            }
        }
    };
    capitalise(&text)
}

/// English words for 0-9999 (lengths and breath counts never go further).
pub fn number_words(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    match n {
        0..20 => ONES[n as usize].to_string(),
        20..100 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..100 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        100..1000 if n.is_multiple_of(100) => format!("{} hundred", ONES[(n / 100) as usize]),
        100..1000 => format!(
            "{} hundred and {}",
            ONES[(n / 100) as usize],
            number_words(n % 100)
        ),
        _ if n.is_multiple_of(1000) => format!("{} thousand", number_words(n / 1000)),
        _ => format!(
            "{} thousand {}",
            number_words(n / 1000),
            number_words(n % 1000)
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The text as a sentence: trimmed, ending in a full stop unless it already ends in one.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}
