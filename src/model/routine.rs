//! The routine and breathing-pattern model: what a loaded, validated routine looks like.
//!
//! Loading and validation live in `load`; everything here is plain data that the player,
//! the screens and the commands read. Every value is already resolved: a step carries its
//! own pattern (not a name) and its planned length per side, so nothing downstream needs
//! the library to make sense of a step.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::text::plain;

/// Where a routine, pattern or drawing came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// Compiled into the binary from `routines/` or `assets/art/`.
    Bundled,
    /// A user file (in `<config>/routines/`, `<config>/config.toml`, or a path given to `check`).
    File(PathBuf),
}

impl Source {
    pub fn is_bundled(&self) -> bool {
        matches!(self, Source::Bundled)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Bundled => f.write_str("bundled"),
            Source::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// The body area a routine works on; `list` and the home screen group by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    Neck,
    Shoulders,
    Scalp,
    Jaw,
    UpperBack,
    HandsFeet,
    Breathing,
    Mixed,
}

impl Area {
    /// In display order (the order `list` and the home screen use).
    pub const ALL: [Area; 8] = [
        Area::Neck,
        Area::Shoulders,
        Area::Scalp,
        Area::Jaw,
        Area::UpperBack,
        Area::HandsFeet,
        Area::Breathing,
        Area::Mixed,
    ];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Scalp => "scalp",
            Area::Neck => "neck",
            Area::Shoulders => "shoulders",
            Area::Jaw => "jaw",
            Area::UpperBack => "upper-back",
            Area::HandsFeet => "hands-feet",
            Area::Breathing => "breathing",
            Area::Mixed => "mixed",
        }
    }

    /// A heading for lists: "UPPER BACK".
    pub fn heading(self) -> &'static str {
        match self {
            Area::Scalp => "SCALP",
            Area::Neck => "NECK",
            Area::Shoulders => "SHOULDERS",
            Area::Jaw => "JAW",
            Area::UpperBack => "UPPER BACK",
            Area::HandsFeet => "HANDS AND FEET",
            Area::Breathing => "BREATHING",
            Area::Mixed => "FULL ROUTINES",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn names() -> Vec<&'static str> {
        Area::ALL.iter().map(|a| a.as_str()).collect()
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side a step works. `Both` runs the step on the left, a switch-sides interlude,
/// then the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Sides {
    #[default]
    None,
    Left,
    Right,
    Both,
}

impl Sides {
    pub const NAMES: [&'static str; 4] = ["none", "left", "right", "both"];

    pub fn parse(s: &str) -> Option<Sides> {
        match s {
            "none" => Some(Sides::None),
            "left" => Some(Sides::Left),
            "right" => Some(Sides::Right),
            "both" => Some(Sides::Both),
            _ => None,
        }
    }

    /// How many times the step runs: 2 for both sides, else 1.
    pub fn count(self) -> u32 {
        if self == Sides::Both { 2 } else { 1 }
    }
}

/// One side of the body, for a step that is run on a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
    /// "LEFT" / "RIGHT", as the player shows it.
    pub fn upper(self) -> &'static str {
        match self {
            Side::Left => "LEFT",
            Side::Right => "RIGHT",
        }
    }
    pub fn short(self) -> &'static str {
        match self {
            Side::Left => "L",
            Side::Right => "R",
        }
    }
}

/// The three things a breath can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PhaseKind {
    In,
    Hold,
    Out,
}

impl PhaseKind {
    pub fn parse(s: &str) -> Option<PhaseKind> {
        match s {
            "in" => Some(PhaseKind::In),
            "hold" => Some(PhaseKind::Hold),
            "out" => Some(PhaseKind::Out),
            _ => None,
        }
    }

    /// The word the pacer shows when a phase has no label of its own.
    pub fn word(self) -> &'static str {
        match self {
            PhaseKind::In => "breathe in",
            PhaseKind::Hold => "hold",
            PhaseKind::Out => "breathe out",
        }
    }
}

/// One phase of a breathing pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub kind: PhaseKind,
    pub length: Duration,
    /// A spoken-style label such as "top up" or "slow sigh out".
    pub label: Option<String>,
}

impl Phase {
    /// What the pacer says during this phase.
    pub fn word(&self) -> &str {
        self.label.as_deref().unwrap_or(self.kind.word())
    }

    /// Whether this phase holds the breath by its kind or its words: a `hold` phase, or any
    /// phase whose label tells the user to hold, pause or not breathe ("hold, softly" or
    /// "stay empty" written as an out-breath is still a held breath). The label is read as
    /// the content rules read text ([`plain`]). A pattern also holds the breath in an
    /// in- or out-breath too long to be one ([`Pattern::held`]).
    pub fn is_hold(&self) -> bool {
        self.kind == PhaseKind::Hold || self.label.as_deref().is_some_and(says_hold)
    }
}

/// Whether a phase's label tells the user to hold the breath: one of [`HOLD_WORDS`], or
/// one of [`HOLD_PHRASES`].
fn says_hold(label: &str) -> bool {
    let label = plain(label);
    let words: Vec<&str> = label
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let joined = format!(" {} ", words.join(" "));
    words.iter().any(|w| HOLD_WORDS.contains(w))
        || HOLD_PHRASES
            .iter()
            .any(|p| joined.contains(&format!(" {p} ")))
}

/// Words in a phase's label that mean the breath is held, whatever its kind says.
const HOLD_WORDS: &[&str] = &[
    "hold",
    "holds",
    "holding",
    "held",
    "pause",
    "pauses",
    "paused",
    "pausing",
    "retain",
    "retained",
    "retention",
    "suspend",
    "suspended",
    "freeze",
    "wait",
];

/// Phrases in a phase's label that mean the breath is held.
const HOLD_PHRASES: &[&str] = &[
    "don't breathe",
    "dont breathe",
    "do not breathe",
    "no breath",
    "no breathing",
    "not breathing",
    "stop breathing",
    "stay empty",
    "stay full",
    "keep empty",
    "keep full",
    "remain empty",
    "remain full",
];

/// The longest an in-breath or an out-breath can be and still be a breath. The guide's
/// slowest breathing is about 4 breaths a minute (15 s a breath, its out-breath at most
/// twice its in-breath: 10 s), and its longest out-breath is the sigh's and 4-7-8's 8 s:
/// breathing out (or in) for longer, a user has stopped and is holding the breath.
pub const LONGEST_BREATH: Duration = Duration::from_secs(10);

/// A named breathing pattern: one cycle of phases, repeated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    pub id: String,
    /// A one-line description shown by `patterns` and the breathing screen.
    pub description: Option<String>,
    /// Always at least one phase, each at least 100 ms, cycle at most one minute.
    pub phases: Vec<Phase>,
    pub source: Source,
}

impl Pattern {
    /// The length of one whole breath.
    pub fn cycle(&self) -> Duration {
        self.phases.iter().map(|p| p.length).sum()
    }

    /// Which phases hold the breath: those that say so by kind or label ([`Phase::is_hold`]),
    /// and every phase of an [overlong breath](Pattern::overlong_breaths).
    pub fn held(&self) -> Vec<bool> {
        let mut held: Vec<bool> = self.phases.iter().map(Phase::is_hold).collect();
        for (_, run) in self.overlong_runs() {
            for i in run {
                held[i] = true;
            }
        }
        held
    }

    /// The in- and out-breaths too long to be breaths: each run of in-breaths, or of
    /// out-breaths, longer than [`LONGEST_BREATH`] all together, its kind and length (runs
    /// are read round the cycle, as the pattern repeats: an out-breath at the end goes on
    /// into one at the start).
    pub fn overlong_breaths(&self) -> Vec<(PhaseKind, Duration)> {
        self.overlong_runs()
            .into_iter()
            .map(|(kind, run)| (kind, self.length_of(&run)))
            .collect()
    }

    /// The runs of [`Pattern::overlong_breaths`], as their phases' indices.
    fn overlong_runs(&self) -> Vec<(PhaseKind, Vec<usize>)> {
        let mut out = Vec::new();
        for kind in [PhaseKind::In, PhaseKind::Out] {
            let breathing: Vec<bool> = self
                .phases
                .iter()
                .map(|ph| ph.kind == kind && !ph.is_hold())
                .collect();
            for run in self.runs_of(&breathing) {
                if self.length_of(&run) > LONGEST_BREATH {
                    out.push((kind, run));
                }
            }
        }
        out
    }

    /// Which phases breathe in: `in` phases that do not [hold](Pattern::held) the breath.
    pub fn breathes_in(&self) -> Vec<bool> {
        self.phases
            .iter()
            .zip(self.held())
            .map(|(ph, h)| ph.kind == PhaseKind::In && !h)
            .collect()
    }

    /// Breath-hold patterns (box, 4-7-8) are never allowed during pressure. A phase
    /// labelled as a hold counts, whatever its kind, and so does an in- or out-breath too
    /// long to be one ([`Pattern::held`]).
    pub fn has_holds(&self) -> bool {
        self.held().into_iter().any(|h| h)
    }

    /// The breath holds of one cycle, each run of consecutive held phases summed (the
    /// last phase runs on into the first, as the pattern repeats).
    pub fn holds(&self) -> Vec<Duration> {
        let held = self.held();
        self.runs_of(&held)
            .iter()
            .map(|run| self.length_of(run))
            .collect()
    }

    /// The breath holds its phases' kinds and labels say ([`Phase::is_hold`]), as
    /// [`Pattern::holds`] sums them, without the [overlong breaths](Pattern::overlong_breaths).
    pub fn said_holds(&self) -> Vec<Duration> {
        let held: Vec<bool> = self.phases.iter().map(Phase::is_hold).collect();
        self.runs_of(&held)
            .iter()
            .map(|run| self.length_of(run))
            .collect()
    }

    /// How many breaths one listed cycle holds: each run of in-breaths is one breath (a
    /// sigh's top-up sniff is part of its breath), so three short breaths written into one
    /// cycle count three.
    pub fn breaths_per_cycle(&self) -> usize {
        self.runs_of(&self.breathes_in()).len().max(1)
    }

    /// The runs of consecutive phases marked in `pick`, cyclically, as their indices.
    fn runs_of(&self, pick: &[bool]) -> Vec<Vec<usize>> {
        let n = self.phases.len();
        // Start just after a phase that is not picked, so a run across the end is one run.
        let Some(start) = (0..n).find(|&i| !pick[i]) else {
            return if n == 0 {
                Vec::new()
            } else {
                vec![(0..n).collect()]
            };
        };
        let mut out = Vec::new();
        let mut current: Option<Vec<usize>> = None;
        for k in 1..=n {
            let i = (start + k) % n;
            if pick[i] {
                current.get_or_insert_with(Vec::new).push(i);
            } else if let Some(run) = current.take() {
                out.push(run);
            }
        }
        out.extend(current);
        out
    }

    /// The phases at `indices`, added up.
    fn length_of(&self, indices: &[usize]) -> Duration {
        indices.iter().map(|&i| self.phases[i].length).sum()
    }

    /// A compact timing such as "in 4 · out 6" or "in 4 · hold 7 · out 8".
    pub fn timing(&self) -> String {
        self.phases
            .iter()
            .map(|p| {
                let word = match p.kind {
                    PhaseKind::In => "in",
                    PhaseKind::Hold => "hold",
                    PhaseKind::Out => "out",
                };
                format!("{word} {}", fmt_secs_short(p.length))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Breaths per minute, counted from the in-breaths (see [`Pattern::breaths_per_cycle`]).
    pub fn per_minute(&self) -> f64 {
        60.0 * self.breaths_per_cycle() as f64 / self.cycle().as_secs_f64().max(0.001)
    }
}

/// "4", "5.5", "0.5" — seconds without a unit, trimmed.
pub fn fmt_secs_short(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}", ms / 1000)
    } else {
        let s = format!("{:.2}", d.as_secs_f64());
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// How a step's length was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Length {
    Time(Duration),
    /// Whole cycles of the step's pattern.
    Breaths(u32),
}

/// Pressure on the 0-10 scale of the content guide: a single value or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pressure {
    pub low: u8,
    pub high: u8,
}

impl fmt::Display for Pressure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.low == self.high {
            write!(f, "{}", self.low)
        } else {
            write!(f, "{}–{}", self.low, self.high)
        }
    }
}

/// A text drawing from `assets/art/` (or `<config>/art/`). Its size is worked out once,
/// when it is made ([`Art::new`]); the library refuses drawings larger than its limits.
/// Every step that shows it holds the same text (a folder of 500 routines holds one copy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Art {
    pub name: String,
    pub text: std::sync::Arc<str>,
    width: usize,
    height: usize,
}

impl Art {
    pub fn new(name: String, text: String) -> Art {
        let width = text
            .lines()
            .map(crate::model::format::width)
            .max()
            .unwrap_or(0);
        let height = text.lines().count();
        Art {
            name,
            text: text.into(),
            width,
            height,
        }
    }
    pub fn width(&self) -> usize {
        self.width
    }
    pub fn height(&self) -> usize {
        self.height
    }
}

/// Where on the body a step's hands, ball or roller go (`region = "..."` in a routine file).
/// The content rules (`core::content`) set pressure ceilings and caution requirements by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Region {
    Scalp,
    Temples,
    Face,
    Jaw,
    /// Under the base of the skull, either side of the spine (also the skull's edge).
    Suboccipital,
    BackOfNeck,
    SideOfNeck,
    FrontOfNeck,
    /// The upper trapezius, between the neck and the shoulder tip.
    ShoulderTop,
    /// Above and along the shoulder blade (levator scapulae corner).
    ShoulderBlade,
    /// Between and below the shoulder blades (thoracic).
    UpperBack,
    Chest,
    Hands,
    Feet,
}

impl Region {
    pub const ALL: [Region; 14] = [
        Region::Scalp,
        Region::Temples,
        Region::Face,
        Region::Jaw,
        Region::Suboccipital,
        Region::BackOfNeck,
        Region::SideOfNeck,
        Region::FrontOfNeck,
        Region::ShoulderTop,
        Region::ShoulderBlade,
        Region::UpperBack,
        Region::Chest,
        Region::Hands,
        Region::Feet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Region::Scalp => "scalp",
            Region::Temples => "temples",
            Region::Face => "face",
            Region::Jaw => "jaw",
            Region::Suboccipital => "suboccipital",
            Region::BackOfNeck => "back-of-neck",
            Region::SideOfNeck => "side-of-neck",
            Region::FrontOfNeck => "front-of-neck",
            Region::ShoulderTop => "shoulder-top",
            Region::ShoulderBlade => "shoulder-blade",
            Region::UpperBack => "upper-back",
            Region::Chest => "chest",
            Region::Hands => "hands",
            Region::Feet => "feet",
        }
    }

    pub fn parse(s: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn names() -> Vec<&'static str> {
        Region::ALL.iter().map(|r| r.as_str()).collect()
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a step works on its region (`technique = "..."` in a routine file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Technique {
    /// Head weight resting in the palms; no pushing.
    StillHold,
    /// A steady fingertip or thumb press on one spot.
    Press,
    /// Small slow circles or strokes that move over the area.
    Circles,
    /// Squeeze and let go, then perhaps hold the most tender spot.
    Squeeze,
    /// Thumb-walking and squeezing over a hand or foot.
    Massage,
    /// One ball between the body and a wall or the floor.
    Ball,
    /// Two balls in a sock (either side of the spine).
    Balls,
    /// A foam roller.
    Roller,
    /// The LI4 web-of-hand press (never in pregnancy).
    Li4,
    /// A stretch; a hand may rest but never pulls. Pressure 0.
    Stretch,
    /// A posture or mobility exercise (guide section 2.10). Pressure 0.
    Exercise,
}

impl Technique {
    pub const ALL: [Technique; 11] = [
        Technique::StillHold,
        Technique::Press,
        Technique::Circles,
        Technique::Squeeze,
        Technique::Massage,
        Technique::Ball,
        Technique::Balls,
        Technique::Roller,
        Technique::Li4,
        Technique::Stretch,
        Technique::Exercise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Technique::StillHold => "still-hold",
            Technique::Press => "press",
            Technique::Circles => "circles",
            Technique::Squeeze => "squeeze",
            Technique::Massage => "massage",
            Technique::Ball => "ball",
            Technique::Balls => "balls",
            Technique::Roller => "roller",
            Technique::Li4 => "li4",
            Technique::Stretch => "stretch",
            Technique::Exercise => "exercise",
        }
    }

    pub fn parse(s: &str) -> Option<Technique> {
        Technique::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn names() -> Vec<&'static str> {
        Technique::ALL.iter().map(|t| t.as_str()).collect()
    }

    /// A ball, two balls or a roller: a tool that leans on the body.
    pub fn is_tool(self) -> bool {
        matches!(self, Technique::Ball | Technique::Balls | Technique::Roller)
    }

    /// Moves over an area rather than staying on one spot.
    pub fn is_moving(self) -> bool {
        matches!(
            self,
            Technique::Circles | Technique::Massage | Technique::Roller
        )
    }

    /// Exercises and stretches: nothing presses the body.
    pub fn is_movement(self) -> bool {
        matches!(self, Technique::Stretch | Technique::Exercise)
    }
}

impl fmt::Display for Technique {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a routine, fully resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub title: String,
    pub length: Length,
    /// The planned length of one side (or of the step, when it has no sides).
    pub planned: Duration,
    pub instructions: String,
    pub cue: Option<String>,
    pub pressure: Option<Pressure>,
    /// The pacer for this step; `None` when breathing is "none". Shared by the steps of a
    /// routine that breathe alike.
    pub breathing: Option<std::sync::Arc<Pattern>>,
    pub caution: Option<String>,
    pub sides: Sides,
    pub art: Option<Art>,
    /// The pause after this step, showing what comes next.
    pub transition: Duration,
    /// What to say at the switch-sides interlude (sides = "both" only).
    pub switch_cue: Option<String>,
    /// Where the hands, ball or roller go, when the step touches the body.
    pub region: Option<Region>,
    /// How the step works on its region.
    pub technique: Option<Technique>,
    /// A short phrase spoken after the step's title and length when voice is on.
    pub say: Option<String>,
}

impl Step {
    /// Whether it presses at all (a pressure above 0).
    pub fn presses(&self) -> bool {
        self.pressure.is_some_and(|p| p.high > 0)
    }

    /// Planned time across all sides.
    pub fn planned_total(&self) -> Duration {
        self.planned * self.sides.count()
    }

    /// Whether the step presses, moves or stretches the body, so [`STOP_LINE`] goes with it:
    /// it declares a technique, or a pressure above 0.
    pub fn works_the_body(&self) -> bool {
        self.technique.is_some() || self.pressure.is_some_and(|p| p.high > 0)
    }
}

/// When to stop (content guide section 5.3), written once: every screen and writer shows
/// it with every step that [works the body](Step::works_the_body), so no caution needs to
/// repeat it.
pub const STOP_LINE: &str = "Stop if you feel sharp, burning, electric or shooting pain, \
tingling, numbness or weakness, dizziness, ringing in the ears, a change in vision, nausea or \
feeling faint, if the ache does not ease within 90 s, or if your headache gets worse.";

/// [`STOP_LINE`] in as few words as keep every sign, for a window too small for it.
pub const STOP_LINE_SHORT: &str = "Stop: sharp or burning pain, numb, tingly, weak, dizzy, faint, \
ringing ears, vision change, nausea, no ease in 90 s, worse headache.";

/// A loaded, valid routine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Routine {
    pub id: String,
    pub name: String,
    pub area: Area,
    pub summary: String,
    pub equipment: Vec<String>,
    pub cautions: Vec<String>,
    pub steps: Vec<Step>,
    /// The breathing patterns its own file defines: they belong to this routine alone
    /// (its steps may use them; no other routine sees them), used by a step or not.
    pub patterns: Vec<Pattern>,
    pub source: Source,
    /// How much sound the routine asks for (a migraine-day routine may ask for quiet).
    pub audio: AudioHint,
}

/// A routine's `audio` hint: it can only make sound quieter than the user's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AudioHint {
    /// The user's settings as they are.
    #[default]
    Normal,
    /// Half the volume and no 3-2-1 ticks (breath tones and voice stay).
    Quiet,
    /// No sound at all, whatever the settings (the user can still unmute with `m`).
    Off,
}

impl AudioHint {
    pub const NAMES: [&'static str; 3] = ["normal", "quiet", "off"];
    pub fn parse(s: &str) -> Option<AudioHint> {
        match s {
            "normal" => Some(AudioHint::Normal),
            "quiet" => Some(AudioHint::Quiet),
            "off" => Some(AudioHint::Off),
            _ => None,
        }
    }
}

impl Routine {
    /// Active time: every step on every side, without transitions or interludes.
    pub fn active_total(&self) -> Duration {
        self.steps.iter().map(Step::planned_total).sum()
    }

    /// How long the routine takes start to finish with transitions (not the get-ready).
    pub fn total(&self) -> Duration {
        let n = self.steps.len();
        self.steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut t = s.planned_total();
                if s.sides == Sides::Both {
                    t += crate::model::routine::SWITCH_SIDES;
                }
                if i + 1 < n {
                    t += s.transition;
                }
                t
            })
            .sum()
    }

    /// Whether `query` picks this routine: the exact id, or a case-insensitive part of the
    /// id or name.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.to_lowercase();
        self.id.to_lowercase().contains(&q) || self.name.to_lowercase().contains(&q)
    }
}

/// The switch-sides interlude between the left and right run of a `sides = "both"` step.
pub const SWITCH_SIDES: Duration = Duration::from_secs(5);

/// The longest a step may last: as written in a routine file, and as `+` can stretch it
/// while it runs.
pub const MAX_STEP: Duration = Duration::from_secs(3600);
