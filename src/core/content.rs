//! The content guide's hard limits (`shared/content/ROUTINE-GUIDE.md`) as a pure check.
//!
//! Users press on their own necks because of what a routine says, so every bundled routine
//! must pass [`check_routine`] and every pattern [`check_pattern`]; the library works out
//! what each of the user's routines breaks when it loads, and every screen and command
//! marks it. The checks read the structured fields (`region`, `technique`, `pressure`, the
//! patterns' phases) wherever the format has them, and fall back to the text only where
//! it must: required caution wording, banned claims, what a routine says it is for, and a
//! step that describes pressing without declaring it.
//!
//! One rule is one function and one row of [`ROUTINE_RULES`] or [`PATTERN_RULES`]; the row
//! names the rule, so a function can only report its own. Rule names ([`Rule::as_str`]) are
//! stable: tests and the mutation set refer to them.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::core::rules::{Cap, Shape, cap_of, shape};
use crate::model::routine::{
    LONGEST_BREATH, Length, Pattern, PhaseKind, Region, Routine, Sides, Step, Technique,
};

/// The routine the app offers during a migraine; it may hold only breathing and a still hold.
pub const ATTACK_ROUTINE_ID: &str = "migraine-day";
/// The hard ceiling anywhere (guide rule 3).
pub const NEVER_ABOVE: u8 = 7;
/// One spot, held still (guide rule 4): about 2 minutes.
pub const SPOT_LIMIT: Duration = Duration::from_secs(120);
/// Two balls under the skull take head weight only: up to 3 minutes (guide section 2.2).
/// Nowhere else: elsewhere a ball leans with body weight.
pub const BALLS_LIMIT: Duration = Duration::from_secs(180);
/// The break that lets a spot start its count again (guide section 2.0: about 30 s of
/// rest between sets). A shorter rest between presses on one spot adds them up.
pub const REST_BREAK: Duration = Duration::from_secs(30);
/// Rounds (sets) on one spot in one routine, each after a [`REST_BREAK`] (guide rule 4 and
/// section 2.0: 1-3 rounds of a hold, 1-3 sets of rolling).
pub const MAX_ROUNDS: u32 = 3;
/// Session length bounds (guide section 2.0; micro-breaks of section 2.10 may be short).
pub const MIN_SESSION: Duration = Duration::from_secs(60);
pub const MAX_SESSION: Duration = Duration::from_secs(20 * 60);
/// The pause needed before a step that places a ball or a roller.
pub const SETUP_TIME: Duration = Duration::from_secs(10);
/// The longest breath hold in any pattern (4-7-8's hold), consecutive holds added up.
pub const MAX_HOLD: Duration = Duration::from_secs(7);
/// The most breaths a minute: 10 is the top of "slow breathing".
pub const MAX_PER_MINUTE: f64 = 10.0;

/// One rule of the guide. The names are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    PressureCeiling,
    MissingPressure,
    UndeclaredTouch,
    HoldTooLong,
    PatternTiming,
    FastBreathing,
    HoldDuringPressure,
    FourSevenEightCap,
    BreathingCap,
    BetweenAttacks,
    AttackDay,
    StopRule,
    NeckPulse,
    FrontOfNeck,
    Li4Pregnancy,
    ShoulderTopPregnancy,
    BallOsteoporosis,
    RollerSpine,
    BreathingCautions,
    OverFifty,
    JawLocking,
    BloodThinners,
    SetupTime,
    BannedClaim,
    LookAlikeLetters,
    Drawing,
    SelfCareFooter,
    SessionLength,
    MissingText,
}

impl Rule {
    pub const ALL: [Rule; 29] = [
        Rule::PressureCeiling,
        Rule::MissingPressure,
        Rule::UndeclaredTouch,
        Rule::HoldTooLong,
        Rule::PatternTiming,
        Rule::FastBreathing,
        Rule::HoldDuringPressure,
        Rule::FourSevenEightCap,
        Rule::BreathingCap,
        Rule::BetweenAttacks,
        Rule::AttackDay,
        Rule::StopRule,
        Rule::NeckPulse,
        Rule::FrontOfNeck,
        Rule::Li4Pregnancy,
        Rule::ShoulderTopPregnancy,
        Rule::BallOsteoporosis,
        Rule::RollerSpine,
        Rule::BreathingCautions,
        Rule::OverFifty,
        Rule::JawLocking,
        Rule::BloodThinners,
        Rule::SetupTime,
        Rule::BannedClaim,
        Rule::LookAlikeLetters,
        Rule::Drawing,
        Rule::SelfCareFooter,
        Rule::SessionLength,
        Rule::MissingText,
    ];

    /// The stable kebab-case name ("pressure-ceiling").
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::PressureCeiling => "pressure-ceiling",
            Rule::MissingPressure => "missing-pressure",
            Rule::UndeclaredTouch => "undeclared-touch",
            Rule::HoldTooLong => "hold-too-long",
            Rule::PatternTiming => "pattern-timing",
            Rule::FastBreathing => "fast-breathing",
            Rule::HoldDuringPressure => "hold-during-pressure",
            Rule::FourSevenEightCap => "four-seven-eight-cap",
            Rule::BreathingCap => "breathing-cap",
            Rule::BetweenAttacks => "between-attacks",
            Rule::AttackDay => "attack-day",
            Rule::StopRule => "stop-rule",
            Rule::NeckPulse => "neck-pulse",
            Rule::FrontOfNeck => "front-of-neck",
            Rule::Li4Pregnancy => "li4-pregnancy",
            Rule::ShoulderTopPregnancy => "shoulder-top-pregnancy",
            Rule::BallOsteoporosis => "ball-osteoporosis",
            Rule::RollerSpine => "roller-spine",
            Rule::BreathingCautions => "breathing-cautions",
            Rule::OverFifty => "over-fifty",
            Rule::JawLocking => "jaw-locking",
            Rule::BloodThinners => "blood-thinners",
            Rule::SetupTime => "setup-time",
            Rule::BannedClaim => "banned-claim",
            Rule::LookAlikeLetters => "look-alike-letters",
            Rule::Drawing => "drawing",
            Rule::SelfCareFooter => "self-care-footer",
            Rule::SessionLength => "session-length",
            Rule::MissingText => "missing-text",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule: which, on which step (0-based, `None` for the routine or a pattern), and
/// what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: Rule,
    pub step: Option<usize>,
    /// Most messages are fixed sentences, held without a copy: a folder of 500 routines that
    /// each break the same rules holds each sentence once.
    pub message: Cow<'static, str>,
}

impl Violation {
    /// The violation as a sentence for a screen: "Step 2: ..." without the rule's name.
    pub fn sentence(&self) -> String {
        match self.step {
            Some(i) => format!("Step {}: {}", i + 1, self.message),
            None => self.message.to_string(),
        }
    }
}

/// The mark for a routine that breaks the safety limits, wherever it is listed.
pub const WARNING: &str = "⚠";

/// How many of the guide's rules a list of violations breaks (a rule broken on several
/// steps counts once).
pub fn rules_in(found: &[Violation]) -> usize {
    let mut rules: Vec<Rule> = found.iter().map(|v| v.rule).collect();
    rules.sort();
    rules.dedup();
    rules.len()
}

/// "breaks 3 of the safety limits": the one way every screen and command says it.
pub fn breaks_words(n: usize) -> String {
    format!("breaks {n} of the safety limits")
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(i) => write!(f, "[{}] step {}: {}", self.rule, i + 1, self.message),
            None => write!(f, "[{}] {}", self.rule, self.message),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The tables

/// What a routine rule reads: the routine and its texts, each made [`plain`] once.
pub struct Facts<'a> {
    pub r: &'a Routine,
    /// The routine's cautions, joined and plain.
    cautions: String,
    /// Every text a user reads, labelled and plain (see [`texts`]).
    texts: Vec<(String, String)>,
    /// Every text a user reads, joined and plain.
    all_text: String,
    /// Each step's texts, plain.
    step_texts: Vec<StepText>,
    /// Whether its id, name or summary says it is for a migraine under way.
    for_attack: bool,
}

/// One step's texts, plain.
struct StepText {
    /// What it tells you to do: the title, instructions, cue, switch cue and spoken cue.
    doing: String,
    /// The step's caution ("" without one).
    caution: String,
}

impl<'a> Facts<'a> {
    fn new(r: &'a Routine) -> Facts<'a> {
        let texts = texts(r);
        let all_text = texts
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" \n ");
        Facts {
            r,
            cautions: plain(&r.cautions.join(" ")),
            texts,
            all_text,
            step_texts: r
                .steps
                .iter()
                .map(|s| StepText {
                    doing: plain(
                        &[
                            &Some(s.title.clone()),
                            &Some(s.instructions.clone()),
                            &s.cue,
                            &s.switch_cue,
                            &s.say,
                        ]
                        .into_iter()
                        .flatten()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(" \n "),
                    ),
                    caution: plain(s.caution.as_deref().unwrap_or("")),
                })
                .collect(),
            for_attack: for_attack(r),
        }
    }

    fn steps(&self) -> impl Iterator<Item = (usize, &'a Step)> + use<'a> {
        self.r.steps.iter().enumerate()
    }

    /// Step `i`'s caution, plain.
    fn caution(&self, i: usize) -> &str {
        &self.step_texts[i].caution
    }

    /// What step `i` tells you to do (its title, instructions and cues), plain.
    fn doing(&self, i: usize) -> &str {
        &self.step_texts[i].doing
    }
}

/// Where a rule function puts what it finds: the table row gives the rule.
pub struct Found<'o> {
    rule: Rule,
    out: &'o mut Vec<Violation>,
}

impl Found<'_> {
    fn routine(&mut self, message: impl Into<Cow<'static, str>>) {
        self.push(None, message.into());
    }
    fn step(&mut self, i: usize, message: impl Into<Cow<'static, str>>) {
        self.push(Some(i), message.into());
    }
    fn push(&mut self, step: Option<usize>, message: Cow<'static, str>) {
        self.out.push(Violation {
            rule: self.rule,
            step,
            message,
        });
    }
}

type RoutineRule = fn(&Facts, &mut Found);
type PatternRule = fn(&Pattern, &mut Found);

/// Every rule a routine is held to, one function each.
pub const ROUTINE_RULES: &[(Rule, RoutineRule)] = &[
    (Rule::MissingText, missing_text),
    (Rule::SelfCareFooter, self_care_footer),
    (Rule::SessionLength, session_length),
    (Rule::BannedClaim, banned_claims),
    (Rule::LookAlikeLetters, look_alike_letters),
    (Rule::MissingPressure, missing_pressure),
    (Rule::UndeclaredTouch, undeclared_touch),
    (Rule::PressureCeiling, pressure_ceiling),
    (Rule::StopRule, stop_rule),
    (Rule::NeckPulse, neck_pulse),
    (Rule::FrontOfNeck, front_of_neck),
    (Rule::Li4Pregnancy, li4_pregnancy),
    (Rule::ShoulderTopPregnancy, shoulder_top_pregnancy),
    (Rule::BallOsteoporosis, ball_osteoporosis),
    (Rule::RollerSpine, roller_spine),
    (Rule::SetupTime, setup_time),
    (Rule::Drawing, drawing),
    (Rule::HoldDuringPressure, hold_during_pressure),
    (Rule::HoldTooLong, hold_too_long),
    (Rule::FourSevenEightCap, four_seven_eight_cap),
    (Rule::BreathingCap, breathing_cap),
    (Rule::BreathingCautions, breathing_cautions),
    (Rule::BetweenAttacks, between_attacks),
    (Rule::AttackDay, attack_day),
    (Rule::OverFifty, over_fifty),
    (Rule::JawLocking, jaw_locking),
    (Rule::BloodThinners, blood_thinners),
];

/// Every rule a breathing pattern is held to, one function each.
pub const PATTERN_RULES: &[(Rule, PatternRule)] = &[
    (Rule::FastBreathing, fast_breathing),
    (Rule::PatternTiming, pattern_timing),
    (Rule::BannedClaim, pattern_claims),
    (Rule::LookAlikeLetters, pattern_look_alikes),
];

/// Checks one routine against every rule of the guide, including every pattern its steps
/// use and every pattern its file defines. An empty result means the routine may ship.
pub fn check_routine(r: &Routine) -> Vec<Violation> {
    let facts = Facts::new(r);
    let mut out = Vec::new();
    for (rule, check) in ROUTINE_RULES {
        check(
            &facts,
            &mut Found {
                rule: *rule,
                out: &mut out,
            },
        );
    }
    // The patterns: each once, at the first step that uses it.
    let mut seen: Vec<&str> = Vec::new();
    let used = r
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.breathing.as_deref().map(|p| (Some(i), p)));
    let defined = r.patterns.iter().map(|p| (None, p));
    for (at, p) in used.chain(defined) {
        if seen.contains(&p.id.as_str()) {
            continue;
        }
        seen.push(&p.id);
        out.extend(
            check_pattern(p)
                .into_iter()
                .map(|v| Violation { step: at, ..v }),
        );
    }
    out
}

/// Checks one breathing pattern: nothing fast or over-breathing, no long held breath, the
/// bundled shapes keep their timings, and honest words in its description and labels.
pub fn check_pattern(p: &Pattern) -> Vec<Violation> {
    let mut out = Vec::new();
    for (rule, check) in PATTERN_RULES {
        check(
            p,
            &mut Found {
                rule: *rule,
                out: &mut out,
            },
        );
    }
    for v in &mut out {
        v.message = format!("pattern \"{}\": {}", p.id, v.message).into();
    }
    out
}

// ---------------------------------------------------------------------------------------
// Routine rules: the text that must be there

fn missing_text(f: &Facts, v: &mut Found) {
    if f.r.summary.trim().is_empty() {
        v.routine("the routine has no summary");
    }
    if f.r.cautions.is_empty() {
        v.routine("the routine has no cautions");
    }
    for (i, s) in f.steps() {
        if s.instructions.trim().is_empty() {
            v.step(i, format!("\"{}\" has no instructions", s.title));
        }
        if s.cue.is_none() {
            v.step(i, format!("\"{}\" has no cue", s.title));
        }
    }
}

fn self_care_footer(f: &Facts, v: &mut Found) {
    let last = f.r.cautions.last().map(|c| plain(c));
    if !last.is_some_and(|c| c.contains("not medical advice")) {
        v.routine("the last caution must be the self-care footer (\"Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.\")");
    }
}

fn session_length(f: &Facts, v: &mut Found) {
    let total = f.r.total();
    if total < MIN_SESSION || total > MAX_SESSION {
        v.routine(format!(
            "the routine lasts {}s; keep it between 1 and 20 minutes",
            total.as_secs()
        ));
    }
}

/// Claims, everywhere a user reads.
fn banned_claims(f: &Facts, v: &mut Found) {
    for (where_, text) in &f.texts {
        if let Some(word) = banned_in_plain(text) {
            v.routine(format!(
                "{where_} says \"{word}\": keep to wellness wording (\"may ease muscle tension and help you relax\")"
            ));
        }
    }
}

/// Words that mix Latin letters with another alphabet's letters drawn the same ("Nеck"
/// with a Cyrillic "е"), everywhere a user reads: the rules read them as the Latin word
/// ([`plain`]), but a name or a title that only looks like one misleads whoever reads it.
fn look_alike_letters(f: &Facts, v: &mut Found) {
    for (where_, text) in labelled_texts(f.r) {
        if let Some(found) = look_alikes_in(&text) {
            v.routine(format!("{where_} {found}"));
        }
    }
}

/// What [`look_alike_letters`] says of a text's first mixed word ("has \"Nеck\", ..."), or
/// `None` when it has none.
fn look_alikes_in(text: &str) -> Option<String> {
    let word = crate::model::text::mixed_words(text).next()?;
    let letter = word
        .chars()
        .find(|c| crate::model::text::latin_lookalike(*c).is_some())?;
    Some(format!(
        "has \"{word}\", which mixes Latin letters with one from another alphabet that looks the same (\"{letter}\", U+{:04X}): type the word in plain Latin letters",
        letter as u32
    ))
}

// ---------------------------------------------------------------------------------------
// Routine rules: declarations and pressure

fn missing_pressure(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        if s.technique.is_some() && s.pressure.is_none() {
            v.step(i, format!(
                "\"{}\" works on the body but declares no pressure (use pressure = \"0\" for exercises and stretches)",
                s.title
            ));
        }
    }
}

fn undeclared_touch(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let half = ((s.region.is_some() || s.pressure.is_some()) && s.technique.is_none())
            || ((s.technique.is_some() || s.pressure.is_some()) && s.region.is_none());
        if half {
            v.step(i, format!(
                "\"{}\" must declare both region and technique when it has a pressure, region or technique",
                s.title
            ));
        } else if s.technique.is_none() && s.pressure.is_none() && describes_touch(f.doing(i)) {
            v.step(i, format!(
                "\"{}\" describes pressing or rubbing but declares no region, technique or pressure",
                s.title
            ));
        }
    }
}

fn pressure_ceiling(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let Some(h) = s.pressure.map(|p| p.high) else {
            continue;
        };
        let (limit, why) = ceiling(s.region, s.technique);
        if h > limit {
            v.step(
                i,
                format!(
                    "\"{}\" goes to {h}/10; the ceiling for {why} is {limit}",
                    s.title
                ),
            );
        }
    }
}

/// The app shows the full stop line with every step that works the body; nothing a
/// routine says may tell the user to carry on through what it lists.
fn stop_rule(f: &Facts, v: &mut Found) {
    for (where_, lower) in &f.texts {
        if let Some(p) = push_on_in(lower) {
            v.routine(format!(
                "{where_} says \"{p}\": never tell anyone to carry on through pain, tingling, dizziness or a worse headache"
            ));
        }
    }
}

/// Whole phrases that tell the user to keep going through a stop sign.
const PUSH_ON: &[&str] = &[
    "push through",
    "pushing through",
    "power through",
    "keep going through",
    "ignore any",
    "keep pressing through",
    "keep going if",
    "keep going even",
    "keep pressing if",
    "keep pressing even",
    "carry on if",
    "carry on even",
    "no pain no gain",
    "don't stop",
    "do not stop",
    "the more it hurts",
    "pain is good",
    "pain is a good sign",
];

/// Stop signs, as the words after "through", "ignore" or "even if it" name them.
const STOP_SIGNS: &[&str] = &[
    "pain",
    "painful",
    "hurt",
    "hurts",
    "hurting",
    "ache",
    "aches",
    "tingling",
    "tingles",
    "tingle",
    "numb",
    "numbness",
    "dizzy",
    "dizziness",
    "faint",
    "faintness",
    "lightheaded",
    "headed",
    "sick",
    "nausea",
    "discomfort",
    "sharp",
    "burning",
    "burns",
    "stings",
    "worse",
    "headache",
    "spinning",
];

/// The first words of a [`plain`] text that tell the user to carry on through a stop
/// sign: a phrase of [`PUSH_ON`], or "through", "ignore" or "even if/when" shortly before a
/// stop sign ("carry on through any dizziness", "ignore the tingling", "even when it
/// hurts"), or saying that pain means it works ("it means it is working").
fn push_on_in(lower: &str) -> Option<String> {
    let w = words(lower);
    if let Some(p) = PUSH_ON.iter().find(|p| has_phrase(&w, p)) {
        return Some(p.to_string());
    }
    (0..w.len()).find_map(|i| {
        let ahead = |n: usize| &w[i + 1..(i + 1 + n).min(w.len())];
        let sign_within = |n: usize| {
            ahead(n)
                .iter()
                .position(|x| STOP_SIGNS.contains(x))
                .map(|k| w[i..=i + 1 + k].join(" "))
        };
        match w[i] {
            "through" | "ignore" | "ignoring" => sign_within(2),
            "even" if matches!(ahead(1), ["if" | "when" | "though"]) => sign_within(5),
            "means" | "sign" | "shows" | "proves" => ahead(4)
                .iter()
                .position(|x| *x == "working" || *x == "works")
                .map(|k| w[i..=i + 1 + k].join(" ")),
            _ => None,
        }
    })
}

// ---------------------------------------------------------------------------------------
// Routine rules: the neck

fn neck_pulse(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let neck = matches!(
            s.region,
            Some(Region::BackOfNeck | Region::SideOfNeck | Region::FrontOfNeck)
        );
        if neck && pressing(s) && !says_let_go_on_a_pulse(f.caution(i)) {
            v.step(
                i,
                format!(
                    "\"{}\" works on the neck: its caution must say to let go if you feel a pulse",
                    s.title
                ),
            );
        }
    }
}

/// Nothing presses the front of the neck, ever (guide rule 5), whatever the step's region
/// says: a step whose words press the throat, the windpipe or the carotid is caught by
/// its words. The side of the neck takes fingers only, one side at a time, with the throat
/// and pulse cautions on the step and the carotid skip list in the routine's cautions.
fn front_of_neck(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let movement = s.technique.is_some_and(Technique::is_movement);
        let by_region = s.region == Some(Region::FrontOfNeck) && (!movement || pressing(s));
        let hands_on = pressing(s) || s.technique.is_some_and(|t| !t.is_movement());
        let by_words = (front_of_neck_named(f.doing(i))
            && (hands_on || describes_touch(f.doing(i))))
            || f.caution(i)
                .split(['.', '?', '!', ';'])
                .any(|c| front_of_neck_named(c) && describes_touch(c));
        if by_region || by_words {
            v.step(
                i,
                format!(
                    "\"{}\": never press the front of the neck, however lightly (carotid pulse, thyroid, windpipe); work the side of the neck, away from the throat",
                    s.title
                ),
            );
        }
        if s.region != Some(Region::SideOfNeck) {
            continue;
        }
        if s.technique.is_some_and(Technique::is_tool) {
            v.step(
                i,
                format!(
                    "\"{}\": never a ball, roller or tool on the front or side of the neck",
                    s.title
                ),
            );
        }
        let c = f.caution(i);
        let mut missing = Vec::new();
        if !says_away_from_throat(c) {
            missing.push("keep away from the throat");
        }
        if !says_let_go_on_a_pulse(c) {
            missing.push("let go if you feel a pulse");
        }
        let one_side = matches!(s.sides, Sides::Left | Sides::Right | Sides::Both)
            || has_phrase(&words(c), "one side at a time")
            || has_phrase(&words(f.doing(i)), "one side at a time");
        if !one_side {
            missing.push("one side at a time");
        }
        if !carotid_skip_list(&f.r.cautions) {
            missing.push("the carotid skip list in the routine's cautions");
        }
        if !missing.is_empty() {
            v.step(
                i,
                format!(
                    "\"{}\": side-of-neck work needs its cautions to say: {}",
                    s.title,
                    missing.join("; ")
                ),
            );
        }
    }
}

/// The front of the neck, by any of its names.
const FRONT_OF_NECK: &[&str] = &[
    "throat",
    "windpipe",
    "trachea",
    "carotid",
    "carotids",
    "jugular",
    "thyroid",
    "larynx",
    "voice box",
    "adam's apple",
    "front of the neck",
    "front of your neck",
    "front of my neck",
    "front of their neck",
    "neck's front",
];

/// Words that, a few words before a place, keep the hands off it ("away from the
/// throat", "never the front of the neck").
const KEEP_OFF: &[&str] = &[
    "away", "avoid", "avoiding", "clear", "off", "not", "never", "no", "don't", "without",
    "nowhere", "skip",
];

/// Whether a [`plain`] text names the front of the neck other than to keep away from it.
fn front_of_neck_named(lower: &str) -> bool {
    let w = words(lower);
    FRONT_OF_NECK
        .iter()
        .flat_map(|place| phrase_at(&w, place))
        .any(|at| {
            !w[at.saturating_sub(4)..at]
                .iter()
                .any(|x| KEEP_OFF.contains(x))
        })
}

/// Whether a [`plain`] caution tells you to keep away from the throat.
fn says_away_from_throat(lower: &str) -> bool {
    let w = words(lower);
    [
        "throat",
        "windpipe",
        "front of the neck",
        "front of your neck",
    ]
    .iter()
    .flat_map(|place| phrase_at(&w, place))
    .any(|at| {
        w[at.saturating_sub(4)..at]
            .iter()
            .any(|x| KEEP_OFF.contains(x))
    })
}

/// What to do on feeling a pulse: stop pressing there.
const LET_GO: &[&str] = &[
    "let go",
    "ease off",
    "back off",
    "lift off",
    "move away",
    "move back",
    "move off",
    "move out",
    "move outward",
    "move your fingers",
    "lift your fingers",
    "take your fingers",
    "come away",
    "release",
    "stop",
];

/// Words that turn an instruction round ("don't let go", "no need to stop").
const NEGATIONS: &[&str] = &[
    "not",
    "never",
    "no",
    "don't",
    "dont",
    "doesn't",
    "won't",
    "can't",
    "cannot",
    "needn't",
    "shouldn't",
    "without",
];

/// Whether a [`plain`] caution says to let go (ease off, move away …) if you feel a pulse:
/// "pulse" and such an instruction in one sentence, within a few words of each other, the
/// instruction not turned round. A caution that only has the word ("a pulse there is the right spot")
/// does not.
fn says_let_go_on_a_pulse(lower: &str) -> bool {
    // A question runs on into its answer: "Feel a pulse? Let go."
    lower.split(['.', '!', ';']).any(|sentence| {
        let w = words(sentence);
        let pulses: Vec<usize> = (0..w.len())
            .filter(|&i| w[i] == "pulse" || w[i] == "pulses")
            .collect();
        LET_GO.iter().flat_map(|p| phrase_at(&w, p)).any(|at| {
            let negated = w[at.saturating_sub(3)..at]
                .iter()
                .any(|x| NEGATIONS.contains(x));
            !negated && pulses.iter().any(|&p| p.abs_diff(at) <= 8)
        })
    })
}

/// Whether the routine's cautions give the carotid skip list: a caution that names the
/// carotid and says to skip the work or check first.
fn carotid_skip_list(cautions: &[String]) -> bool {
    cautions.iter().any(|c| {
        let c = plain(c);
        let w = words(&c);
        phrase_at(&w, "carotid").next().is_some()
            && [
                "skip",
                "check with",
                "if you have",
                "avoid",
                "don't",
                "do not",
            ]
            .iter()
            .any(|p| phrase_at(&w, p).next().is_some())
    })
}

// ---------------------------------------------------------------------------------------
// Routine rules: pregnancy

fn li4_pregnancy(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let text = plain(&format!("{} {}", s.title, s.instructions));
        let li4 = s.technique == Some(Technique::Li4)
            || ["li4", "hegu", "web between", "web of"]
                .iter()
                .any(|w| text.contains(w));
        if li4 && !f.caution(i).contains("pregnan") {
            v.step(i, format!(
                "\"{}\" presses LI4: its caution must say not to if you are or might be pregnant",
                s.title
            ));
        }
    }
}

fn shoulder_top_pregnancy(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let firm = s.pressure.is_some_and(|p| p.high >= 4);
        if s.region == Some(Region::ShoulderTop) && firm && !f.caution(i).contains("pregnan") {
            v.step(
                i,
                format!(
                    "\"{}\" presses the shoulder top: its caution must keep it light in pregnancy",
                    s.title
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Routine rules: tools

fn ball_osteoporosis(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let ball = matches!(s.technique, Some(Technique::Ball | Technique::Balls));
        let by_spine = matches!(
            s.region,
            Some(
                Region::Suboccipital
                    | Region::BackOfNeck
                    | Region::SideOfNeck
                    | Region::UpperBack
                    | Region::ShoulderBlade
            )
        );
        if ball && by_spine && !f.cautions.contains("osteoporosis") {
            v.step(i, format!(
                "\"{}\" leans on a ball beside the spine: the routine's cautions must mention osteoporosis",
                s.title
            ));
        }
    }
}

fn roller_spine(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        if s.technique != Some(Technique::Roller) {
            continue;
        }
        if s.region != Some(Region::UpperBack) {
            v.step(
                i,
                format!(
                    "\"{}\": a roller goes under the upper back only, never the neck or lower back",
                    s.title
                ),
            );
        }
        let c = &f.cautions;
        if !(c.contains("neck") && c.contains("lower back") && c.contains("osteoporosis")) {
            v.step(i, "a roller routine's cautions must say never the neck or the lower back, and mention osteoporosis");
        }
    }
}

fn setup_time(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        if !s.technique.is_some_and(Technique::is_tool) {
            continue;
        }
        let prev = i.checked_sub(1).map(|p| &f.r.steps[p]);
        let ok = prev.is_some_and(|p| {
            p.technique.is_some_and(Technique::is_tool) || p.transition >= SETUP_TIME
        });
        if !ok {
            v.step(i, format!(
                "\"{}\" places a ball or roller: give the step before it a transition of at least 10s",
                s.title
            ));
        }
    }
}

fn drawing(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        if let Some(a) = &s.art
            && !a.text.is_ascii()
        {
            v.step(i, format!("the drawing \"{}\" must be plain ASCII", a.name));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Routine rules: breathing and holds

fn hold_during_pressure(f: &Facts, v: &mut Found) {
    for (i, s) in f.steps() {
        let Some(p) = &s.breathing else { continue };
        let working = pressing(s) || s.technique.is_some_and(|t| t.is_tool() || t.is_movement());
        if working && (p.has_holds() || shape(p) == Shape::Sigh) {
            v.step(i, format!(
                "\"{}\" uses \"{}\" while pressing or moving: breathe without holds or sighs (relaxed, resonance or extended-exhale)",
                s.title, p.id
            ));
        }
    }
}

/// Time on one spot, added up across the steps that press the same region (per side) until
/// it has had a real break: [`REST_BREAK`] without pressing it, counting the steps that do
/// not press it (a rest, a still hold, breathing, work elsewhere) and the pauses between
/// steps (a step's transition, the switch of sides) alike. A shorter rest does not start
/// the count again, so nine presses of 110 s with a 1 s rest between are 990 s on one spot.
/// Moving techniques count half; still holds (head weight) have their own 2-minute cap; two
/// balls under the skull (head weight only) may stay 3 minutes, nowhere else. Each time a
/// side is pressed again after a break it starts a round, and a routine gives one spot at
/// most [`MAX_ROUNDS`].
fn hold_too_long(f: &Facts, v: &mut Found) {
    struct Spot {
        region: Region,
        left: f64,
        right: f64,
        /// Rounds begun on each side: presses that came after a break (or first).
        rounds: [u32; 2],
        /// Seconds since this spot was last pressed.
        rest: f64,
        reported: bool,
        rounds_reported: bool,
    }
    /// `secs` without pressing for every spot but `except`'s; a real break zeroes its count.
    fn rest(spots: &mut [Spot], secs: f64, except: Option<Region>) {
        for spot in spots.iter_mut().filter(|p| Some(p.region) != except) {
            spot.rest += secs;
            if spot.rest >= REST_BREAK.as_secs_f64() {
                spot.left = 0.0;
                spot.right = 0.0;
                spot.reported = false;
            }
        }
    }
    let mut spots: Vec<Spot> = Vec::new();
    let last = f.r.steps.len().saturating_sub(1);
    for (i, s) in f.steps() {
        let pressed = match (s.region, s.technique) {
            (Some(region), Some(t))
                if pressing(s) && !t.is_movement() && t != Technique::StillHold =>
            {
                Some((region, t))
            }
            _ => None,
        };
        if s.technique == Some(Technique::StillHold) && pressing(s) && s.planned > SPOT_LIMIT {
            v.step(
                i,
                format!(
                    "\"{}\" is a still hold of {}s; two minutes at most",
                    s.title,
                    s.planned.as_secs()
                ),
            );
        }
        let mut time = s.planned_total();
        if s.sides == Sides::Both {
            time += crate::model::routine::SWITCH_SIDES;
        }
        rest(&mut spots, time.as_secs_f64(), pressed.map(|(r, _)| r));
        if let Some((region, t)) = pressed {
            let at = match spots.iter().position(|p| p.region == region) {
                Some(at) => at,
                None => {
                    spots.push(Spot {
                        region,
                        left: 0.0,
                        right: 0.0,
                        rounds: [0, 0],
                        rest: 0.0,
                        reported: false,
                        rounds_reported: false,
                    });
                    spots.len() - 1
                }
            };
            let spot = &mut spots[at];
            spot.rest = 0.0;
            let load = s.planned.as_secs_f64() * if t.is_moving() { 0.5 } else { 1.0 };
            let sides = [
                matches!(s.sides, Sides::Left | Sides::None | Sides::Both),
                matches!(s.sides, Sides::Right | Sides::None | Sides::Both),
            ];
            for (side, count) in [&mut spot.left, &mut spot.right].into_iter().enumerate() {
                if sides[side] {
                    if *count == 0.0 {
                        spot.rounds[side] += 1;
                    }
                    *count += load;
                }
            }
            let head_weight = t == Technique::Balls && region == Region::Suboccipital;
            let limit = if head_weight { BALLS_LIMIT } else { SPOT_LIMIT }.as_secs_f64();
            if !spot.reported && spot.left.max(spot.right) > limit {
                spot.reported = true;
                v.step(i, format!(
                    "{:.0}s on the {} by the end of \"{}\" (moving techniques count half; a rest under {}s does not count as a break); at most {:.0}s on one spot before a break",
                    spot.left.max(spot.right),
                    region,
                    s.title,
                    REST_BREAK.as_secs(),
                    limit
                ));
            }
            let rounds = spot.rounds[0].max(spot.rounds[1]);
            if !spot.rounds_reported && rounds > MAX_ROUNDS {
                spot.rounds_reported = true;
                v.step(i, format!(
                    "\"{}\" is round {rounds} on the {region} (a round lasts until a break of {}s or more); at most {MAX_ROUNDS} rounds on one spot in a routine: drop a round or work another spot",
                    s.title,
                    REST_BREAK.as_secs(),
                ));
            }
        }
        // The pause after a step is a rest for every spot (nothing is pressed in it).
        if i < last {
            rest(&mut spots, s.transition.as_secs_f64(), None);
        }
    }
}

fn four_seven_eight_cap(f: &Facts, v: &mut Found) {
    shape_cap(f, v, Shape::LongHold, "breaths with a long hold (4-7-8)");
}

fn breathing_cap(f: &Facts, v: &mut Found) {
    shape_cap(f, v, Shape::TwoHolds, "of box-like breathing (two holds)");
    shape_cap(f, v, Shape::Sigh, "of cyclic sighs");
}

/// The whole routine's breathing of one [`Shape`] against its cap (`core::rules::cap_of`,
/// the same limit the breathing screen and `breathe` keep to).
fn shape_cap(f: &Facts, v: &mut Found, which: Shape, what: &str) {
    let Some(cap) = cap_of(which) else { return };
    let mut breaths = 0u32;
    let mut time = Duration::ZERO;
    for (_, s) in f.steps() {
        if let Some(p) = &s.breathing
            && shape(p) == which
        {
            breaths += breaths_of(s, p);
            time += s.planned_total();
        }
    }
    match cap {
        Cap::Breaths(most) if breaths > most => {
            v.routine(format!("{breaths} {what} in one routine; {most} at most"))
        }
        Cap::Time(most) if time > most => v.routine(format!(
            "{} {what} in one routine; {} at most",
            crate::model::format::fmt_length(time),
            crate::model::format::fmt_length(most)
        )),
        _ => {}
    }
}

/// The section 3.3 cautions every routine with sighs or breath holds must show.
const BREATHING_WORDS: &[&str] = &[
    "light-headed",
    "not hugely",
    "pregnan",
    "heart",
    "lung",
    "blood pressure",
    "epilepsy",
    "glaucoma",
    "retina",
    "surgery",
    "panic",
];

fn breathing_cautions(f: &Facts, v: &mut Found) {
    let patterns = || f.r.steps.iter().filter_map(|s| s.breathing.as_deref());
    let holds = patterns().any(Pattern::has_holds);
    let sighs = patterns().any(|p| shape(p) == Shape::Sigh);
    if !holds && !sighs {
        return;
    }
    let c = &f.cautions;
    let mut missing: Vec<&str> = BREATHING_WORDS
        .iter()
        .copied()
        .filter(|w| !(c.contains(w) || (*w == "light-headed" && c.contains("lightheaded"))))
        .collect();
    if holds && !["sitting", "seated", "sit "].iter().any(|w| c.contains(w)) {
        missing.push("sitting");
    }
    if !missing.is_empty() {
        v.routine(format!(
            "the routine uses sighs or breath holds; its cautions lack: {}",
            missing.join(", ")
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Routine rules: migraine attacks

/// Pressure work and exercises are for between attacks (guide rule 2).
fn between_attacks(f: &Facts, v: &mut Found) {
    if f.for_attack || !f.steps().any(|(_, s)| is_work(s)) {
        return;
    }
    let says_it = f.r.cautions.iter().any(|c| {
        let c = plain(c);
        c.contains("between attacks") && c.contains("migraine-day")
    });
    if !says_it {
        v.routine("a routine with pressure work or exercises must say it is for between attacks and point to Migraine-day gentle");
    }
    for sentence in f.all_text.split(['.', '?', '!']) {
        let w = words(sentence);
        let named = ["migraine", "migraines", "attack", "attacks"]
            .iter()
            .any(|x| w.contains(x));
        let during = DURING.iter().any(|p| has_phrase(&w, p))
            || (0..w.len()).any(|i| {
                ["when", "while", "whilst", "once"].contains(&w[i])
                    && w[i + 1..(i + 4).min(w.len())]
                        .iter()
                        .any(|x| ["migraine", "migraines", "attack", "attacks"].contains(x))
            });
        if named
            && during
            && !sentence.contains("migraine-day")
            && !has_phrase(&w, "between attacks")
        {
            v.routine(format!(
                "\"{}\" invites hands-on work during a migraine; send the user to Migraine-day gentle instead",
                sentence.trim()
            ));
        }
    }
}

/// Words that put hands-on work in a migraine under way ("during an attack", "while the
/// attack rages"); "when", "while" or "once" a few words before "migraine" or "attack" do
/// too.
const DURING: &[&str] = &[
    "during",
    "near",
    "under way",
    "underway",
    "in an attack",
    "mid",
    "midst",
    "middle of",
    "height of",
    "hits",
    "strikes",
    "rages",
    "raging",
    "pounding",
    "throbbing",
    "at its worst",
];

/// A routine for a migraine under way (by its id, name or summary, or the migraine-day
/// id) holds only breathing and a feather-light still hold, and no breath holds.
fn attack_day(f: &Facts, v: &mut Found) {
    if !f.for_attack {
        return;
    }
    for (i, s) in f.steps() {
        let gentle = match s.technique {
            None => !pressing(s),
            Some(Technique::StillHold) => s.pressure.is_none_or(|p| p.high <= 2),
            Some(_) => false,
        };
        if !gentle {
            v.step(i, format!(
                "\"{}\": this routine is for a migraine under way, so only breathing and a feather-light still hold",
                s.title
            ));
        }
        if s.breathing.as_deref().is_some_and(Pattern::has_holds) {
            v.step(
                i,
                format!("\"{}\": no breath holds during a migraine", s.title),
            );
        }
    }
}

/// Words that name a bad headache, and words that say it is happening now.
const ATTACK_WORDS: &[&str] = &["migraine", "attack", "pounding", "throbbing"];
const NOW_WORDS: &[&str] = &[
    "now",
    "right now",
    "under way",
    "underway",
    "starting",
    "is near",
    "during",
    "in an attack",
    "at the moment",
    "today",
];
const NOT_NOW: &[&str] = &[
    "between attacks",
    "after a migraine",
    "after migraine",
    "day after",
];

/// Whether a routine says it is for a migraine under way: the migraine-day id, or a
/// sentence of its id, name or summary that names a bad headache and says it is now.
pub fn for_attack(r: &Routine) -> bool {
    if r.id == ATTACK_ROUTINE_ID {
        return true;
    }
    let id = r.id.replace(['-', '_'], " ");
    [id.as_str(), r.name.as_str(), r.summary.as_str()]
        .iter()
        .flat_map(|t| t.split(['.', '?', '!', ';']))
        .any(|sentence| {
            let s = format!(" {} ", plain(sentence));
            let words = |list: &[&str]| {
                list.iter().any(|w| {
                    s.match_indices(w).any(|(at, _)| {
                        let before = s[..at].chars().next_back();
                        let after = s[at + w.len()..].chars().next();
                        before.is_none_or(|c| !c.is_alphanumeric())
                            && after.is_none_or(|c| !c.is_alphanumeric())
                    })
                })
            };
            words(ATTACK_WORDS) && words(NOW_WORDS) && !words(NOT_NOW)
        })
}

// ---------------------------------------------------------------------------------------
// Routine rules: other cautions

fn over_fifty(f: &Facts, v: &mut Found) {
    let temples_or_jaw = f
        .steps()
        .any(|(_, s)| matches!(s.region, Some(Region::Temples | Region::Jaw)) && pressing(s));
    if temples_or_jaw && !says_fifty_or_over(&f.all_text) {
        v.routine("temple or jaw work needs the age-50 warning (new tenderness, jaw pain when chewing, vision change: urgent advice)");
    }
}

fn jaw_locking(f: &Facts, v: &mut Found) {
    let locks = ["lock", "locks", "locked", "locking", "lockjaw"];
    if f.steps().any(|(_, s)| s.region == Some(Region::Jaw))
        && !words(&f.all_text).iter().any(|w| locks.contains(w))
    {
        v.routine("jaw work needs the caution to skip it if the jaw locks");
    }
}

/// Whether a [`plain`] text speaks of the age of 50: "50" or "fifty" as a whole number,
/// after "over", "age", "aged", "past", "than" or "age of", or before "or over", "or older", "and
/// over", "plus" or "+" ("at 50 or over", "aged 50", "over the age of 50", "50+"). "Takes
/// 50 seconds" does not.
fn says_fifty_or_over(lower: &str) -> bool {
    let spaced = lower.replace('+', " plus ");
    let w = words(&spaced);
    (0..w.len()).any(|i| {
        let before = |k: usize| i.checked_sub(k).map_or("", |j| w[j]);
        let after = w.get(i + 1..(i + 3).min(w.len())).unwrap_or(&[]);
        matches!(w[i], "50" | "fifty")
            && (["over", "age", "aged", "past", "than"].contains(&before(1))
                || (before(2), before(1)) == ("age", "of")
                || matches!(
                    after,
                    ["or" | "and", "over" | "older" | "above", ..] | ["plus", ..]
                ))
    })
}

fn blood_thinners(f: &Facts, v: &mut Found) {
    let firm = f.steps().any(|(_, s)| {
        s.pressure.is_some_and(|p| p.high >= 5) || s.technique.is_some_and(Technique::is_tool)
    });
    if firm && !f.cautions.contains("blood thinner") {
        v.routine("firm pressure or a ball or roller needs the blood-thinners caution (keep it light; bruising)");
    }
}

// ---------------------------------------------------------------------------------------
// Pattern rules

/// Slow breathing only: at most 10 breaths a minute, counted from the in-breaths (three
/// quick breaths written into one cycle are three), and no in-breath much longer than out.
fn fast_breathing(p: &Pattern, v: &mut Found) {
    let per_minute = p.per_minute();
    if per_minute > MAX_PER_MINUTE {
        v.routine(format!(
            "{per_minute:.0} breaths a minute ({} in a {:.1}s cycle) is more than 10; slow breathing only",
            p.breaths_per_cycle(),
            p.cycle().as_secs_f64()
        ));
    }
    let (ins, outs) = (secs(p, PhaseKind::In), secs(p, PhaseKind::Out));
    if outs <= 0.0 || ins > outs * 1.5 {
        v.routine("breathing in much longer than out is over-breathing; make the out-breath at least as long");
    }
}

/// Held breaths (consecutive holds added up, a phase labelled as a hold counted as one)
/// within 7 s; no in- or out-breath longer than any slow breath ([`LONGEST_BREATH`]: past
/// it the breath is held, whatever the phase is called); a sigh's out-breath at least twice
/// its in-breaths; and the bundled shapes keep the guide's timings.
fn pattern_timing(p: &Pattern, v: &mut Found) {
    for (kind, length) in p.overlong_breaths() {
        let way = if kind == PhaseKind::In { "in" } else { "out" };
        v.routine(format!(
            "breathing {way} for {}s in one go is longer than any slow breath, so it is a held breath: make each in- or out-breath {}s or less (a hold is 7s at most)",
            crate::model::routine::fmt_secs_short(length),
            LONGEST_BREATH.as_secs()
        ));
    }
    if let Some(h) = p.said_holds().into_iter().max()
        && h > MAX_HOLD
    {
        v.routine(format!(
            "the breath is held for {:.1}s at a time (holds in a row add up); the longest allowed is 7s",
            h.as_secs_f64()
        ));
    }
    if shape(p) == Shape::Sigh {
        let ins: f64 = p
            .phases
            .iter()
            .zip(p.breathes_in())
            .filter(|(_, breathes_in)| *breathes_in)
            .map(|(ph, _)| ph.length.as_secs_f64())
            .sum();
        if secs(p, PhaseKind::Out) < 2.0 * ins {
            v.routine("a sigh's out-breath must last at least twice its in-breaths");
        }
    }
    if p.source.is_bundled()
        && let Some((false, want)) = bundled_timing(p)
    {
        v.routine(format!(
            "does not match the timing a pattern of that name must have: {want} (it is {})",
            p.timing()
        ));
    }
}

fn pattern_claims(p: &Pattern, v: &mut Found) {
    let texts = p
        .description
        .iter()
        .chain(p.phases.iter().filter_map(|ph| ph.label.as_ref()));
    for text in texts {
        if let Some(word) = banned_in(text) {
            v.routine(format!(
                "its description or labels say \"{word}\": keep to wellness wording"
            ));
        }
    }
}

fn pattern_look_alikes(p: &Pattern, v: &mut Found) {
    let texts = p.description.iter().map(|d| ("its description", d)).chain(
        p.phases
            .iter()
            .filter_map(|ph| ph.label.as_ref().map(|l| ("a phase's label", l))),
    );
    for (where_, text) in texts {
        if let Some(found) = look_alikes_in(text) {
            v.routine(format!("{where_} {found}"));
        }
    }
}

fn secs(p: &Pattern, k: PhaseKind) -> f64 {
    p.phases
        .iter()
        .filter(|ph| ph.kind == k)
        .map(|ph| ph.length.as_secs_f64())
        .sum()
}

/// Whether a bundled pattern matches the guide's timing for it, and that timing in words.
fn bundled_timing(p: &Pattern) -> Option<(bool, &'static str)> {
    use PhaseKind::{Hold, In, Out};
    let shape: Vec<(PhaseKind, f64)> = p
        .phases
        .iter()
        .map(|ph| (ph.kind, ph.length.as_secs_f64()))
        .collect();
    let within = |x: f64, lo: f64, hi: f64| (lo..=hi).contains(&x);
    Some(match p.id.as_str() {
        "relaxed" => (
            matches!(shape[..], [(In, a), (Out, b)] if within(a, 4.0, 6.0) && within(b, 4.0, 6.0)),
            "in about 5, out about 5, no holds",
        ),
        "resonance" => (
            matches!(shape[..], [(In, a), (Out, b)] if within(a, 4.5, 6.5) && within(b, 4.5, 6.5)),
            "in and out about 5.5 each (4.5 to 6.5), no holds",
        ),
        "extended-exhale" => (
            matches!(shape[..], [(In, a), (Out, b)] if within(a, 3.0, 5.0) && within(b, 5.0, 8.0) && b > a),
            "in about 4, out about 6 (longer than in), no holds",
        ),
        "cyclic-sigh" => (
            matches!(shape[..], [(In, a), (In, b), (Out, c)] if b <= a && within(c, 6.0, 9.0) && c > 2.0 * (a + b)),
            "in, a short top-up in, then a 6-9s out-breath more than twice the in-breaths",
        ),
        "box" => (
            matches!(shape[..], [(In, a), (Hold, b), (Out, c), (Hold, d)]
                if [a, b, c, d].iter().all(|x| within(*x, 3.0, 5.0))
                    && [b, c, d].iter().all(|x| (x - a).abs() <= 0.5)),
            "in, hold, out, hold, each about 4s and equal",
        ),
        "4-7-8" => (
            matches!(shape[..], [(In, a), (Hold, b), (Out, c)] if within(a, 3.0, 5.0) && within(b, 5.5, 7.0) && within(c, 7.0, 9.0)),
            "in 4, hold 7, out 8",
        ),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// Shared helpers

/// The pressure ceiling for a region and technique, and what it is called: the lower of
/// the technique's and the region's, so naming a technique never raises a region's limit.
pub fn ceiling(region: Option<Region>, technique: Option<Technique>) -> (u8, &'static str) {
    let by_technique = technique.and_then(technique_ceiling);
    let by_region = region.map(|r| match (r, technique) {
        // The guide's LI4 press on the web of the hand goes to 5 (section 2.8).
        (Region::Hands, Some(Technique::Li4)) => (5, "the LI4 press on the hand"),
        _ => region_ceiling(r),
    });
    let (limit, why) = match (by_technique, by_region) {
        (Some(t), Some(r)) if r.0 < t.0 => r,
        (Some(t), _) => t,
        (None, Some(r)) => r,
        (None, None) => (6, "any step"),
    };
    (limit.min(NEVER_ABOVE), why)
}

fn technique_ceiling(t: Technique) -> Option<(u8, &'static str)> {
    match t {
        t if t.is_movement() => Some((0, "exercises and stretches (nothing presses)")),
        Technique::StillHold => Some((2, "a still hold (head weight only)")),
        Technique::Li4 => Some((5, "the LI4 press")),
        _ => None,
    }
}

fn region_ceiling(r: Region) -> (u8, &'static str) {
    match r {
        Region::Hands | Region::Feet => (4, "hands and feet"),
        Region::Scalp
        | Region::Temples
        | Region::Face
        | Region::Jaw
        | Region::Suboccipital
        | Region::SideOfNeck
        | Region::FrontOfNeck
        | Region::Chest => (
            4,
            "the head, face, jaw, suboccipitals and front or side of the neck",
        ),
        Region::BackOfNeck | Region::ShoulderTop | Region::ShoulderBlade | Region::UpperBack => {
            (6, "the back of the neck, shoulders and upper back")
        }
    }
}

/// Whether a step presses at all (a pressure above 0).
fn pressing(s: &Step) -> bool {
    s.presses()
}

/// Pressure work or exercise: what is kept for between attacks.
fn is_work(s: &Step) -> bool {
    s.technique.is_some_and(|t| {
        t != Technique::StillHold
            && (t.is_tool()
                || t.is_movement()
                || t == Technique::Li4
                || s.pressure.is_some_and(|p| p.high >= 3))
    })
}

/// Whole breaths of `p` a step takes, over all its sides.
fn breaths_of(s: &Step, p: &Pattern) -> u32 {
    let per_side = match s.length {
        Length::Breaths(n) => n,
        Length::Time(d) => {
            let c = p.cycle().as_millis().max(1);
            d.as_millis().div_ceil(c) as u32
        }
    };
    per_side * s.sides.count()
}

/// Every text a user reads, labelled, each made [`plain`].
fn texts(r: &Routine) -> Vec<(String, String)> {
    let mut t = labelled_texts(r);
    for (_, text) in &mut t {
        *text = plain(text);
    }
    t
}

/// Every text a user reads, labelled ("step 2's title"), as written.
fn labelled_texts(r: &Routine) -> Vec<(String, String)> {
    let mut t = vec![
        ("the name".to_string(), r.name.clone()),
        ("the summary".to_string(), r.summary.clone()),
    ];
    for e in &r.equipment {
        t.push(("the equipment".into(), e.clone()));
    }
    for c in &r.cautions {
        t.push(("a caution".into(), c.clone()));
    }
    for (i, s) in r.steps.iter().enumerate() {
        let n = i + 1;
        t.push((format!("step {n}'s title"), s.title.clone()));
        t.push((format!("step {n}'s instructions"), s.instructions.clone()));
        for (what, field) in [
            ("cue", &s.cue),
            ("caution", &s.caution),
            ("switch cue", &s.switch_cue),
            ("spoken cue", &s.say),
        ] {
            if let Some(x) = field {
                t.push((format!("step {n}'s {what}"), x.clone()));
            }
        }
        if let Some(a) = &s.art {
            t.push((format!("the drawing \"{}\"", a.name), a.text.to_string()));
        }
    }
    t
}

// ---------------------------------------------------------------------------------------
// Reading text

pub use crate::model::text::{is_invisible, plain};

// ---------------------------------------------------------------------------------------
// Claims

/// Words and phrases the guide does not allow anywhere (section 1.5): cure, mechanism and
/// posture-fixing claims. `true` means a whole word ("knot" but not "knotted").
const BANNED: &[(&str, bool)] = &[
    ("prevent", false),
    ("treat", false),
    ("reliev", false),
    ("relief", false),
    ("cure", true),
    ("cures", true),
    ("cured", true),
    ("curing", true),
    ("detox", false),
    ("toxin", false),
    ("oxygen", false),
    ("circulation", false),
    ("align", false),
    ("realign", false),
    ("knot", true),
    ("knots", true),
    ("adhesion", false),
    ("serotonin", false),
    ("cortisol", false),
    ("endorphin", false),
    ("drug-free", false),
    ("drug free", false),
    ("cerebrospinal", false),
    ("craniosacral", false),
    ("guarantee", false),
    ("proven", true),
    ("miracle", false),
    ("heal", true),
    ("heals", true),
    ("healing", true),
    ("break up", false),
    ("breaks up", false),
    ("correct", false),
    ("fixes", true),
    ("fix your", false),
    ("fix bad", false),
    ("fix posture", false),
    ("fix the cause", false),
    ("straighten your", false),
    ("straightens your", false),
    ("straighten the spine", false),
    ("straightens the spine", false),
    ("straighter spine", false),
    ("undo years", false),
    ("perfect posture", false),
    ("bad posture", false),
    ("posture causes", false),
    ("slouching damages", false),
    ("text neck", false),
    ("kg on your neck", false),
    ("percent", false),
    ("clinically", true),
    ("for good", true),
];

/// Verbs that claim to end a headache, and what they claim to end ("stops a migraine").
const ENDING: &[&str] = &[
    "stop",
    "stops",
    "stopped",
    "stopping",
    "end",
    "ends",
    "ending",
    "abort",
    "aborts",
    "kill",
    "kills",
    "banish",
    "banishes",
    "eliminate",
    "eliminates",
    "eradicate",
    "eradicates",
    "beat",
    "beats",
];
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "your", "their", "any", "most", "many", "every", "all",
];
const HEADACHES: &[&str] = &[
    "migraine",
    "migraines",
    "headache",
    "headaches",
    "attack",
    "attacks",
    "pain",
];
const NUMBERS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundred",
];
const PEOPLE: &[&str] = &[
    "people",
    "users",
    "patients",
    "sufferers",
    "customers",
    "adults",
    "women",
    "men",
    "of",
    "who",
    "doctors",
    "therapists",
];

/// The first banned word or phrase in `text`, if any: the list above, a claim to end a
/// headache ("stops a migraine"), a statistic about people ("nine out of ten users") or a
/// percentage ("58% get complete relief").
pub fn banned_in(text: &str) -> Option<String> {
    banned_in_plain(&plain(text))
}

/// [`banned_in`] for a text already made [`plain`].
fn banned_in_plain(lower: &str) -> Option<String> {
    banned_word(lower)
        .map(str::to_string)
        .or_else(|| claim_in(lower))
}

/// The first stem of [`BANNED`] (in its order) that `lower` has where a word starts, and,
/// for a whole word, ends.
///
/// Only where a word starts is tried: a text has a few dozen words, and looking for each
/// of fifty stems through the whole text set up a search fifty times, the largest single
/// cost of loading a routine. Every stem starts with an ASCII letter (a test holds the list
/// to that), so a place where one can start is an ASCII letter after no letter or digit.
fn banned_word(lower: &str) -> Option<&'static str> {
    let mut starts: Vec<usize> = Vec::new();
    let mut in_word = false;
    for (pos, c) in lower.char_indices() {
        if !in_word && c.is_ascii_alphabetic() {
            starts.push(pos);
        }
        in_word = c.is_alphanumeric();
    }
    let bytes = lower.as_bytes();
    BANNED.iter().find_map(|&(stem, whole)| {
        starts.iter().find_map(|&pos| {
            // The first byte alone turns most stems away, without a call to compare.
            let found = bytes[pos] == stem.as_bytes()[0]
                && bytes[pos..].starts_with(stem.as_bytes())
                && (!whole
                    || lower[pos + stem.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphabetic()));
            found.then_some(stem)
        })
    })
}

/// A claim to end a headache, a statistic about people or a percentage in `lower`.
fn claim_in(lower: &str) -> Option<String> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .enumerate()
        .find_map(|(i, w)| {
            let next = |k: usize| words.get(i + k).copied().unwrap_or("");
            let number = |w: &str| NUMBERS.contains(&w) || w.chars().all(|c| c.is_ascii_digit());
            if *w == "rid" && next(1) == "of" {
                let k = if DETERMINERS.contains(&next(2)) { 3 } else { 2 };
                if HEADACHES.contains(&next(k)) {
                    return Some(format!("rid of {}", words[i + 2..=i + k].join(" ")));
                }
            }
            if ENDING.contains(w) {
                let k = if DETERMINERS.contains(&next(1)) { 2 } else { 1 };
                if HEADACHES.contains(&next(k)) {
                    return Some(format!("{w} {}", words[i + 1..=i + k].join(" ")));
                }
            }
            if number(w)
                && next(1) == "out"
                && next(2) == "of"
                && number(next(3))
                && PEOPLE.contains(&next(4))
            {
                return Some(format!("{w} out of {} {}", next(3), next(4)));
            }
            medicine_claim(&words, i)
                .or_else(|| endorsement(&words, i))
                .or_else(|| vanishing(&words, i))
        })
        .or_else(|| percentage(lower))
}

/// What a routine must never talk anyone out of (guide sections 1.5 and 5.5).
const MEDICINES: &[&str] = &[
    "medication",
    "medications",
    "medicine",
    "medicines",
    "meds",
    "pill",
    "pills",
    "tablet",
    "tablets",
    "drug",
    "drugs",
    "painkiller",
    "painkillers",
    "triptan",
    "triptans",
];
/// Words that may stand between "instead of" and "your usual migraine pills".
const MEDICINE_FILLERS: &[&str] = &[
    "a",
    "an",
    "the",
    "your",
    "any",
    "all",
    "their",
    "my",
    "those",
    "these",
    "of",
    "for",
    "taking",
    "take",
    "using",
    "reaching",
    "usual",
    "daily",
    "regular",
    "migraine",
    "headache",
    "pain",
    "prescription",
    "prescribed",
    "preventive",
    "preventative",
    "acute",
    "rescue",
];
/// Words before a medicine that put it aside ("stop taking", "instead of", "better
/// than"), each as whole words.
const INSTEAD: &[&str] = &[
    "instead of",
    "rather than",
    "better than",
    "no more",
    "no need for",
    "replace",
    "replaces",
    "replacing",
    "replacement for",
    "stop",
    "stops",
    "stopping",
    "quit",
    "quitting",
    "ditch",
    "ditching",
    "drop",
    "dropping",
    "give up",
    "giving up",
    "come off",
    "coming off",
    "throw away",
    "cut out",
];

/// A claim at word `i` that puts medicine aside ("stop taking your migraine medication",
/// "instead of pills", "works better than pills"), unless it is turned round ("it does not
/// replace your usual medicine", "don't stop taking your medication").
fn medicine_claim(words: &[&str], i: usize) -> Option<String> {
    let key = INSTEAD
        .iter()
        .map(|p| p.split(' ').collect::<Vec<_>>())
        .find(|p| words[i..].starts_with(p))?;
    let turned = words[i.saturating_sub(2)..i]
        .iter()
        .any(|w| ["not", "never", "t", "no", "without"].contains(w));
    if turned {
        return None;
    }
    let mut j = i + key.len();
    while j < words.len() && j < i + key.len() + 4 && MEDICINE_FILLERS.contains(&words[j]) {
        j += 1;
    }
    let medicine = words.get(j).is_some_and(|w| MEDICINES.contains(w));
    medicine.then(|| words[i..=j].join(" "))
}

/// People a routine may not claim stand behind it ("doctor recommended", "recommended by
/// doctors").
const DOCTORS: &[&str] = &[
    "doctor",
    "doctors",
    "physician",
    "physicians",
    "neurologist",
    "neurologists",
    "dentist",
    "dentists",
    "gp",
    "gps",
    "expert",
    "experts",
    "specialist",
    "specialists",
    "clinician",
    "clinicians",
];
const ENDORSED: &[&str] = &[
    "recommended",
    "recommend",
    "recommends",
    "approved",
    "approve",
    "approves",
    "endorsed",
    "endorse",
    "endorses",
    "backed",
    "trusted",
];

/// An endorsement at word `i`: a doctor word right before an endorsing one ("doctor
/// recommended", "doctors recommend"), or an endorsing word, "by" and a doctor word.
fn endorsement(words: &[&str], i: usize) -> Option<String> {
    let next = |k: usize| words.get(i + k).copied().unwrap_or("");
    if DOCTORS.contains(&words[i]) && ENDORSED.contains(&next(1)) {
        return Some(format!("{} {}", words[i], next(1)));
    }
    if ENDORSED.contains(&words[i]) && next(1) == "by" {
        let k = if DETERMINERS.contains(&next(2)) { 3 } else { 2 };
        if DOCTORS.contains(&next(k)) {
            return Some(words[i..=i + k].join(" "));
        }
    }
    None
}

/// A headache said to vanish, at word `i`: "makes headaches disappear", "your migraine
/// melts away", "headache-free", unless turned round ("if the headache does not
/// disappear").
fn vanishing(words: &[&str], i: usize) -> Option<String> {
    let w = words[i];
    let next = |k: usize| words.get(i + k).copied().unwrap_or("");
    if ["headache", "headaches", "migraine", "migraines"].contains(&w) && next(1) == "free" {
        return Some(format!("{w} free"));
    }
    let gone = [
        "disappear",
        "disappears",
        "disappearing",
        "vanish",
        "vanishes",
        "vanishing",
    ]
    .contains(&w)
        || (["melt", "melts", "melting"].contains(&w) && next(1) == "away");
    if !gone {
        return None;
    }
    let before = &words[i.saturating_sub(4)..i];
    let named = before.iter().rposition(|x| HEADACHES.contains(x))?;
    let turned = before[named..]
        .iter()
        .any(|x| ["not", "never", "t", "no", "won"].contains(x));
    (!turned).then(|| {
        before[named..]
            .iter()
            .chain([&w])
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn percentage(lower: &str) -> Option<String> {
    let b = lower.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'%' {
            let mut j = i;
            while j > 0 && b[j - 1] == b' ' {
                j -= 1;
            }
            if j > 0 && b[j - 1].is_ascii_digit() {
                return Some("a percentage".into());
            }
        }
    }
    None
}

/// Words that mean hands are working on the body (a backstop for undeclared steps): the
/// start of a word ("press" for "presses", "pressing").
const TOUCH_STEMS: &[&str] = &[
    "press", "squeez", "knead", "massag", "rub", "circles", "stroke", "pinch", "grasp",
];
/// Whole words that mean the same.
const TOUCH_WORDS: &[&str] = &[
    "dig", "digs", "digging", "dug", "grip", "grips", "gripping", "gripped", "prod", "prods",
    "prodding", "jab", "jabs", "jabbing",
];
/// Words that press when they go into something ("push two fingers firmly into it", "lean
/// into the ball"), but not otherwise ("push back from the screen", "lean back").
const PUSH_WORDS: &[&str] = &[
    "push", "pushes", "pushing", "pushed", "lean", "leans", "leaning", "leaned", "leant",
];
const INTO: &[&str] = &["into", "onto", "hard", "firmly", "deep", "deeply"];

/// Whether a [`plain`] text describes hands working on the body ("press", "squeeze",
/// "dig", "push into" ...), not counting "no pressing" or "not rubbing".
fn describes_touch(lower: &str) -> bool {
    let w = words(lower);
    (0..w.len()).any(|i| {
        let word = w[i];
        let touch = TOUCH_STEMS.iter().any(|s| word.starts_with(s))
            || TOUCH_WORDS.contains(&word)
            || (PUSH_WORDS.contains(&word)
                && w[i + 1..(i + 5).min(w.len())]
                    .iter()
                    .any(|x| INTO.contains(x)));
        let negated = i > 0 && ["no", "not", "never", "don't", "without"].contains(&w[i - 1]);
        touch && !negated
    })
}

/// The words of a [`plain`] text: runs of letters and digits, an apostrophe kept inside a
/// word ("don't", "adam's").
fn words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Where, in `words`, a phrase of whole words ("one side at a time") starts.
fn phrase_at<'a>(words: &'a [&'a str], phrase: &'a str) -> impl Iterator<Item = usize> + 'a {
    let p: Vec<&str> = phrase.split(' ').collect();
    (0..words.len()).filter(move |&i| words[i..].starts_with(&p))
}

fn has_phrase(words: &[&str], phrase: &str) -> bool {
    phrase_at(words, phrase).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn banned_words_match_whole_words_only_where_asked() {
        assert_eq!(
            banned_in("may prevent migraines").as_deref(),
            Some("prevent")
        );
        assert_eq!(banned_in("two balls knotted in a sock"), None);
        assert_eq!(banned_in("breaks up knots").as_deref(), Some("knots"));
        assert_eq!(banned_in("your health"), None);
        assert_eq!(
            banned_in("58 % feel better").as_deref(),
            Some("a percentage")
        );
        assert_eq!(banned_in("a secure grip"), None);
    }

    /// [`banned_in`] as it first searched the list: each stem through the whole text, kept
    /// where a word starts (and, for a whole word, ends).
    fn banned_by_search(text: &str) -> Option<String> {
        let lower = plain(text);
        let stem = BANNED.iter().find_map(|&(stem, whole)| {
            lower.match_indices(stem).find_map(|(pos, _)| {
                let before = lower[..pos].chars().next_back();
                let after = lower[pos + stem.len()..].chars().next();
                let starts = before.is_none_or(|c| !c.is_alphanumeric());
                let ends = !whole || after.is_none_or(|c| !c.is_alphabetic());
                (starts && ends).then_some(stem)
            })
        });
        stem.map(str::to_string).or_else(|| claim_in(&lower))
    }

    fn stems() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(BANNED.iter().map(|(s, _)| *s).collect::<Vec<_>>())
    }

    #[test]
    fn every_banned_stem_starts_with_an_ascii_letter() {
        for (stem, _) in BANNED {
            assert!(stem.as_bytes()[0].is_ascii_alphabetic(), "{stem}");
        }
    }

    proptest::proptest! {
        /// Words of the list, pieces of them, letters and digits on either side (ASCII and
        /// not, one that lowercases to two), joined by spaces, hyphens and punctuation.
        #[test]
        fn the_word_starts_find_what_searching_the_whole_text_finds(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    stems().prop_map(str::to_string),
                    stems().prop_map(|s| s.to_uppercase()),
                    (stems(), 0..20usize, 0..20usize).prop_map(|(s, a, b)| {
                        let (a, b) = (a.min(s.len()), b.min(s.len()));
                        s[a.min(b)..a.max(b)].to_string()
                    }),
                    "[a-zé0-9İß]{0,3}",
                    proptest::sample::select(vec![" ", "-", ".", ",", "'", "é", "2", "\u{200b}", "\n"])
                        .prop_map(str::to_string),
                ],
                0..12,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(banned_in(&text), banned_by_search(&text), "{:?}", text);
        }
    }

    #[test]
    fn wider_claims_are_caught_and_plain_words_are_not() {
        for claim in [
            "This stops a migraine in its tracks.",
            "Ends your headache fast.",
            "Fix your posture for good.",
            "It straightens your spine.",
            "Nine out of ten users felt better.",
            "9 out of 10 people agree.",
            "Clinically proven.",
            "Clinically shown to help.",
            "Get rid of migraines.",
            "Say goodbye to tension headaches for good.",
            "Stop taking your migraine medication.",
            "Use it instead of your medication.",
            "Instead of medicine, breathe.",
            "Instead of reaching for your pills, press here.",
            "Works better than pills.",
            "Doctor-recommended.",
            "Recommended by doctors.",
            "Makes headaches disappear.",
            "Watch your migraine melt away.",
        ] {
            assert!(banned_in(claim).is_some(), "{claim}");
        }
        for fine in [
            "Stop if your headache gets worse.",
            "Stop at once if the pain turns sharp.",
            "Straighten as you breathe in.",
            "Look out of a window.",
            "A long slow sigh out of about 8 seconds.",
            "They are not a migraine fix.",
            "Press to about 3 out of 10.",
            "It does not replace your usual migraine medicine or plan.",
            "Take your usual migraine medicine or follow your plan as usual.",
            "Don't stop taking your medication because of this app.",
            "During a migraine, use Migraine-day gentle instead.",
            "Moving often tends to feel better than holding any one posture.",
            "Skip the ball steps if you take blood thinners.",
            "If the headache does not disappear, get medical advice.",
            "Check with a clinician first.",
            "Good for a break. Stop and take your usual medicine if you need it.",
        ] {
            assert_eq!(banned_in(fine), None, "{fine}");
        }
    }

    #[test]
    fn invisible_characters_hide_no_word() {
        for hidden in [
            "Pre\u{200d}vents migraines.",
            "Pre\u{200b}vents migraines.",
            "Pre\u{ad}vents migraines.",
            "Pre\u{34f}vents migraines.",
            "Pre\u{fe0f}vents migraines.",
            "Pre\u{2060}vents migraines.",
            "Pre\u{feff}vents migraines.",
            "Pre\u{17b5}vents migraines.",
            "Pre\u{e0041}vents migraines.",
        ] {
            assert_eq!(banned_in(hidden).as_deref(), Some("prevent"), "{hidden:?}");
        }
        assert_eq!(plain("Ignore\u{200d} the Pain"), "ignore the pain");
        assert_eq!(plain("don\u{2019}t"), "don't");
        // Letters of other scripts and the emoji a joiner builds stay.
        assert_eq!(plain("Café 👍"), "café 👍");
    }

    #[test]
    fn look_alike_letters_hide_no_word() {
        // Cyrillic е, о, а, с, Greek ο, fullwidth letters: each word rule reads the Latin word.
        for (hidden, word) in [
            ("Pr\u{435}vents migraines.", "prevent"),
            ("A natural \u{441}ure.", "cure"),
            ("Tr\u{435}\u{430}ts tension.", "treat"),
            ("Breaks up kn\u{3bf}ts.", "knots"),
            (
                "\u{ff24}\u{ff45}\u{ff54}\u{ff4f}\u{ff58} your neck.",
                "detox",
            ),
        ] {
            assert_eq!(banned_in(hidden).as_deref(), Some(word), "{hidden:?}");
        }
        assert!(push_on_in(&plain("Ign\u{3bf}re the pain.")).is_some());
        assert!(front_of_neck_named(&plain("Press the wind\u{440}ipe.")));
        // And the words that mix them are named, in a routine's texts and a pattern's.
        let said = look_alikes_in("N\u{435}ck release").unwrap();
        assert!(
            said.contains("\"N\u{435}ck\"") && said.contains("U+0435"),
            "{said}"
        );
        assert_eq!(look_alikes_in("Шея, neck, naïve"), None);
    }

    #[test]
    fn carrying_on_through_a_stop_sign_is_caught_in_its_many_forms() {
        for push_on in [
            "Even if it hurts, keep going.",
            "Keep the pressure on even when it hurts.",
            "Carry on through any dizziness.",
            "Push through the pain.",
            "Keep going through it.",
            "Tingling? It means it is working.",
            "That ache is a sign it's working.",
            "Ignore the tingling.",
            "No pain, no gain.",
            "Don\u{2019}t stop now.",
            "Stay with it even if you feel light-headed.",
        ] {
            assert!(push_on_in(&plain(push_on)).is_some(), "{push_on}");
        }
        for fine in [
            "Stop if it hurts, makes you dizzy, or your headache gets worse.",
            "Breathe in through your nose, into your belly.",
            "Sigh out slowly through your mouth until you are empty.",
            "Effort 2 out of 10: barely working.",
            "Even if you only have a minute, it helps to sit back.",
            "Work down from the base of the skull toward the shoulders.",
        ] {
            assert_eq!(push_on_in(&plain(fine)), None, "{fine}");
        }
    }

    #[test]
    fn the_age_fifty_warning_needs_the_age_and_the_jaw_caution_the_word() {
        for age in [
            "New temple tenderness at 50 or over: stop.",
            "At age 50 or over, especially with changes in your vision.",
            "Aged 50? Get advice.",
            "If you are over the age of 50, get advice.",
            "Over 50 and new jaw pain when chewing: get advice.",
            "50+ with new scalp tenderness: get advice.",
            "Fifty or older: new tenderness needs advice.",
        ] {
            assert!(says_fifty_or_over(&plain(age)), "{age}");
        }
        for not_age in [
            "Takes 50 seconds.",
            "Press 50 times.",
            "1.50 minutes.",
            "About 150 or over.",
        ] {
            assert!(!says_fifty_or_over(&plain(not_age)), "{not_age}");
        }
    }

    #[test]
    fn rule_names_round_trip_and_every_rule_has_a_row() {
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.as_str()), Some(r));
            let rows = ROUTINE_RULES
                .iter()
                .map(|(x, _)| *x)
                .chain(PATTERN_RULES.iter().map(|(x, _)| *x));
            assert!(rows.clone().any(|x| x == r), "{r} has no function");
        }
    }

    #[test]
    fn touch_words_skip_negations() {
        assert!(describes_touch(&plain("Press the spot.")));
        assert!(!describes_touch(&plain("No pressing, no rubbing.")));
        assert!(!describes_touch(&plain(
            "Rest a warm compress on your neck."
        )));
    }

    #[test]
    fn digging_gripping_and_pushing_into_are_touch() {
        for touch in [
            "Dig your thumb hard into the soft front of the throat.",
            "Grip the muscle and hold.",
            "Pinch the skin over the spot.",
            "Grasp the top of the shoulder.",
            "Push two fingers firmly into it.",
            "Lean your weight into the ball.",
            "Lean hard on your fingers.",
        ] {
            assert!(describes_touch(&plain(touch)), "{touch}");
        }
        for fine in [
            "Push back from the screen. Sit back, feet flat.",
            "Roll onto your side, then push yourself up to sitting with your arms.",
            "Lean back in the chair and breathe.",
            "A digit, a dignified sigh.",
            "No digging, no pushing.",
        ] {
            assert!(!describes_touch(&plain(fine)), "{fine}");
        }
    }

    #[test]
    fn the_front_of_the_neck_is_named_unless_kept_away_from() {
        assert!(front_of_neck_named(&plain(
            "Find the groove at the front of your neck beside the windpipe."
        )));
        assert!(front_of_neck_named(&plain("Fingers on the carotid.")));
        assert!(!front_of_neck_named(&plain("Work away from the throat.")));
        assert!(!front_of_neck_named(&plain("Never the front of the neck.")));
        assert!(!front_of_neck_named(&plain(
            "Fingertips in front of the ears."
        )));
    }

    #[test]
    fn a_pulse_caution_must_say_to_let_go() {
        for good in [
            "Away from the throat; feel a pulse? Let go and move back.",
            "If you feel a pulse under your fingers, let go and move back.",
            "Ease off at once if you feel a pulse.",
        ] {
            assert!(says_let_go_on_a_pulse(&plain(good)), "{good}");
        }
        for bad in [
            "If you feel a pulse, that is the right spot.",
            "Throat, pulse: fine.",
            "Feel a pulse? Don't let go.",
            "Let go of your worries. Later, find your pulse in the groove and hold it there for a long time.",
        ] {
            assert!(!says_let_go_on_a_pulse(&plain(bad)), "{bad}");
        }
        assert!(carotid_skip_list(&[
            "Skip this if you have carotid artery disease.".into()
        ]));
        assert!(!carotid_skip_list(&[
            "Carotid: nothing to worry about.".into()
        ]));
    }

    #[test]
    fn the_lower_ceiling_wins() {
        assert_eq!(ceiling(Some(Region::Temples), Some(Technique::Li4)).0, 4);
        assert_eq!(ceiling(Some(Region::Hands), Some(Technique::Li4)).0, 5);
        assert_eq!(ceiling(Some(Region::UpperBack), Some(Technique::Li4)).0, 5);
        assert_eq!(
            ceiling(Some(Region::UpperBack), Some(Technique::Exercise)).0,
            0
        );
        assert_eq!(
            ceiling(Some(Region::Scalp), Some(Technique::StillHold)).0,
            2
        );
    }
}
