//! The content guide's hard limits (`shared/content/ROUTINE-GUIDE.md`) as a pure check.
//!
//! Users press on their own necks because of what a routine says, so every bundled routine
//! must pass [`check_routine`] and every pattern [`check_pattern`]; `knotless check` reports
//! the same violations for user files as warnings. The checks read the structured fields
//! (`region`, `technique`, `pressure`, the patterns' phases) wherever the format has them,
//! and fall back to the text only where it must: required caution wording, banned claims,
//! and a step that describes pressing without declaring it.
//!
//! Rule names ([`Rule::as_str`]) are stable: tests and the mutation set refer to them.

use std::fmt;
use std::time::Duration;

use crate::model::routine::{Length, Pattern, PhaseKind, Region, Routine, Sides, Step, Technique};

/// The routine the app offers during a migraine; it may hold only breathing and a still hold.
pub const ATTACK_ROUTINE_ID: &str = "migraine-day";
/// The hard ceiling anywhere (guide rule 3).
pub const NEVER_ABOVE: u8 = 7;
/// One spot, held still (guide rule 4): about 2 minutes.
pub const SPOT_LIMIT: Duration = Duration::from_secs(120);
/// Two balls under the skull take head weight only: up to 3 minutes (guide section 2.2).
pub const BALLS_LIMIT: Duration = Duration::from_secs(180);
/// Session length bounds (guide section 2.0; micro-breaks of section 2.10 may be short).
pub const MIN_SESSION: Duration = Duration::from_secs(60);
pub const MAX_SESSION: Duration = Duration::from_secs(20 * 60);
/// The pause needed before a step that places a ball or a roller.
pub const SETUP_TIME: Duration = Duration::from_secs(10);
/// 4-7-8 breaths in one routine (guide section 3.1: four cycles a round).
pub const MAX_478: u32 = 4;
/// The longest breath hold in any pattern (4-7-8's hold).
pub const MAX_HOLD: Duration = Duration::from_secs(7);
/// The shortest breath: 10 breaths a minute is the top of "slow breathing".
pub const MIN_CYCLE: Duration = Duration::from_secs(6);

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
    Drawing,
    SelfCareFooter,
    SessionLength,
    MissingText,
}

impl Rule {
    pub const ALL: [Rule; 27] = [
        Rule::PressureCeiling,
        Rule::MissingPressure,
        Rule::UndeclaredTouch,
        Rule::HoldTooLong,
        Rule::PatternTiming,
        Rule::FastBreathing,
        Rule::HoldDuringPressure,
        Rule::FourSevenEightCap,
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
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(i) => write!(f, "[{}] step {}: {}", self.rule, i + 1, self.message),
            None => write!(f, "[{}] {}", self.rule, self.message),
        }
    }
}

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
    ("serotonin", false),
    ("cortisol", false),
    ("endorphin", false),
    ("drug-free", false),
    ("drug free", false),
    ("cerebrospinal", false),
    ("craniosacral", false),
    ("guarantee", false),
    ("heal", true),
    ("heals", true),
    ("healing", true),
    ("break up", false),
    ("breaks up", false),
    ("correct", false),
    ("fixes", true),
    ("perfect posture", false),
    ("bad posture", false),
    ("text neck", false),
    ("percent", false),
];

/// Verbs that mean hands are working on the body (a backstop for undeclared steps).
const TOUCH_WORDS: &[&str] = &[
    "press", "squeez", "knead", "massag", "rub", "circles", "stroke",
];

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

/// Checks one routine against every rule of the guide, including the patterns its steps use.
/// An empty result means the routine may ship.
pub fn check_routine(r: &Routine) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut v = |rule: Rule, step: Option<usize>, message: String| {
        out.push(Violation {
            rule,
            step,
            message,
        })
    };
    let cautions = r.cautions.join(" ").to_lowercase();
    let all_text = all_text(r).to_lowercase();

    // Text that must be there.
    if r.summary.trim().is_empty() {
        v(Rule::MissingText, None, "the routine has no summary".into());
    }
    if r.cautions.is_empty() {
        v(
            Rule::MissingText,
            None,
            "the routine has no cautions".into(),
        );
    }
    if !r
        .cautions
        .last()
        .is_some_and(|c| c.to_lowercase().contains("not medical advice"))
    {
        v(
            Rule::SelfCareFooter,
            None,
            "the last caution must be the self-care footer (\"Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.\")".into(),
        );
    }
    let total = r.total();
    if total < MIN_SESSION || total > MAX_SESSION {
        v(
            Rule::SessionLength,
            None,
            format!(
                "the routine lasts {}s; keep it between 1 and 20 minutes",
                total.as_secs()
            ),
        );
    }

    // Claims, everywhere a user reads.
    for (where_, text) in texts(r) {
        if let Some(word) = banned_in(&text) {
            v(
                Rule::BannedClaim,
                None,
                format!(
                    "{where_} says \"{word}\": keep to wellness wording (\"may ease muscle tension and help you relax\")"
                ),
            );
        }
    }

    let mut pressure_work = false;
    let mut breathing_with_holds = false;
    let mut breathing_with_sighs = false;
    let mut count_478 = 0u32;
    let mut seen_patterns: Vec<&str> = Vec::new();

    for (i, s) in r.steps.iter().enumerate() {
        let at = Some(i);
        let high = s.pressure.map(|p| p.high);
        let caution = s.caution.as_deref().unwrap_or("").to_lowercase();
        let touches = s.technique.is_some() || high.is_some_and(|h| h > 0);

        if s.instructions.trim().is_empty() {
            v(
                Rule::MissingText,
                at,
                format!("\"{}\" has no instructions", s.title),
            );
        }
        if s.cue.is_none() {
            v(Rule::MissingText, at, format!("\"{}\" has no cue", s.title));
        }

        // Declarations.
        if s.technique.is_some() && s.pressure.is_none() {
            v(
                Rule::MissingPressure,
                at,
                format!(
                    "\"{}\" works on the body but declares no pressure (use pressure = \"0\" for exercises and stretches)",
                    s.title
                ),
            );
        }
        if ((s.region.is_some() || s.pressure.is_some()) && s.technique.is_none())
            || ((s.technique.is_some() || s.pressure.is_some()) && s.region.is_none())
        {
            v(
                Rule::UndeclaredTouch,
                at,
                format!(
                    "\"{}\" must declare both region and technique when it has a pressure, region or technique",
                    s.title
                ),
            );
        } else if s.technique.is_none() && s.pressure.is_none() && describes_touch(&s.instructions)
        {
            v(
                Rule::UndeclaredTouch,
                at,
                format!(
                    "\"{}\" describes pressing or rubbing but declares no region, technique or pressure",
                    s.title
                ),
            );
        }

        // Pressure ceilings.
        if let Some(h) = high {
            let (limit, why) = ceiling(s.region, s.technique);
            if h > limit {
                v(
                    Rule::PressureCeiling,
                    at,
                    format!(
                        "\"{}\" goes to {h}/10; the ceiling for {why} is {limit}",
                        s.title
                    ),
                );
            }
        }

        // Stop rules on every step that touches or moves the body.
        if touches && !has_stop_rule(&caution) {
            v(
                Rule::StopRule,
                at,
                format!(
                    "\"{}\" must say when to stop in its caution: tingling or numbness, dizziness, and a headache that gets worse",
                    s.title
                ),
            );
        }

        // The neck.
        if let Some(region) = s.region
            && matches!(
                region,
                Region::BackOfNeck | Region::SideOfNeck | Region::FrontOfNeck
            )
            && high.is_some_and(|h| h > 0)
            && !caution.contains("pulse")
        {
            v(
                Rule::NeckPulse,
                at,
                format!(
                    "\"{}\" works on the neck: its caution must say to let go if you feel a pulse",
                    s.title
                ),
            );
        }
        if matches!(s.region, Some(Region::FrontOfNeck | Region::SideOfNeck)) {
            if s.technique.is_some_and(Technique::is_tool) {
                v(
                    Rule::FrontOfNeck,
                    at,
                    format!(
                        "\"{}\": never a ball, roller or tool on the front or side of the neck",
                        s.title
                    ),
                );
            }
            if !caution.contains("throat") || !cautions.contains("carotid") {
                v(
                    Rule::FrontOfNeck,
                    at,
                    format!(
                        "\"{}\": front-of-neck work needs the throat caution on the step and the carotid skip list in the routine's cautions",
                        s.title
                    ),
                );
            }
        }

        // Pregnancy.
        let step_text = format!("{} {}", s.title, s.instructions).to_lowercase();
        let li4 = s.technique == Some(Technique::Li4)
            || ["li4", "hegu", "web between", "web of"]
                .iter()
                .any(|w| step_text.contains(w));
        if li4 && !caution.contains("pregnan") {
            v(
                Rule::Li4Pregnancy,
                at,
                format!(
                    "\"{}\" presses LI4: its caution must say not to if you are or might be pregnant",
                    s.title
                ),
            );
        }
        if s.region == Some(Region::ShoulderTop)
            && high.is_some_and(|h| h >= 4)
            && !caution.contains("pregnan")
        {
            v(
                Rule::ShoulderTopPregnancy,
                at,
                format!(
                    "\"{}\" presses the shoulder top: its caution must keep it light in pregnancy",
                    s.title
                ),
            );
        }

        // Tools.
        if matches!(s.technique, Some(Technique::Ball | Technique::Balls))
            && matches!(
                s.region,
                Some(
                    Region::Suboccipital
                        | Region::BackOfNeck
                        | Region::SideOfNeck
                        | Region::UpperBack
                        | Region::ShoulderBlade
                )
            )
            && !cautions.contains("osteoporosis")
        {
            v(
                Rule::BallOsteoporosis,
                at,
                format!(
                    "\"{}\" leans on a ball beside the spine: the routine's cautions must mention osteoporosis",
                    s.title
                ),
            );
        }
        if s.technique == Some(Technique::Roller) {
            if s.region != Some(Region::UpperBack) {
                v(
                    Rule::RollerSpine,
                    at,
                    format!(
                        "\"{}\": a roller goes under the upper back only, never the neck or lower back",
                        s.title
                    ),
                );
            }
            if !(cautions.contains("neck")
                && cautions.contains("lower back")
                && cautions.contains("osteoporosis"))
            {
                v(
                    Rule::RollerSpine,
                    at,
                    "a roller routine's cautions must say never the neck or the lower back, and mention osteoporosis".into(),
                );
            }
        }
        if s.technique.is_some_and(Technique::is_tool) {
            let prev = i.checked_sub(1).map(|p| &r.steps[p]);
            let ok = match prev {
                None => false,
                Some(p) => {
                    p.technique.is_some_and(Technique::is_tool) || p.transition >= SETUP_TIME
                }
            };
            if !ok {
                v(
                    Rule::SetupTime,
                    at,
                    format!(
                        "\"{}\" places a ball or roller: give the step before it a transition of at least 10s",
                        s.title
                    ),
                );
            }
        }

        // Art.
        if let Some(a) = &s.art
            && !a.text.is_ascii()
        {
            v(
                Rule::Drawing,
                at,
                format!("the drawing \"{}\" must be plain ASCII", a.name),
            );
        }

        // Breathing during the step.
        if let Some(p) = &s.breathing {
            let working = high.is_some_and(|h| h > 0)
                || s.technique.is_some_and(|t| t.is_tool() || t.is_movement());
            if working && (p.has_holds() || is_sigh(p)) {
                v(
                    Rule::HoldDuringPressure,
                    at,
                    format!(
                        "\"{}\" uses \"{}\" while pressing or moving: breathe without holds or sighs (relaxed, resonance or extended-exhale)",
                        s.title, p.id
                    ),
                );
            }
            breathing_with_holds |= p.has_holds();
            breathing_with_sighs |= is_sigh(p);
            if is_478(p) {
                count_478 += breaths_of(s, p);
            }
            if !seen_patterns.contains(&p.id.as_str()) {
                seen_patterns.push(&p.id);
                for pv in check_pattern(p) {
                    v(pv.rule, at, pv.message);
                }
            }
        }

        if let Some(t) = s.technique
            && t != Technique::StillHold
            && (t.is_tool() || t.is_movement() || t == Technique::Li4 || high.unwrap_or(0) >= 3)
        {
            pressure_work = true;
        }

        // The migraine-day routine.
        if r.id == ATTACK_ROUTINE_ID {
            let gentle = match s.technique {
                None => true,
                Some(Technique::StillHold) => high.is_none_or(|h| h <= 2),
                Some(_) => false,
            };
            if !gentle {
                v(
                    Rule::AttackDay,
                    at,
                    format!(
                        "\"{}\": during a migraine only breathing and a feather-light still hold",
                        s.title
                    ),
                );
            }
            if s.breathing.as_ref().is_some_and(|p| p.has_holds()) {
                v(
                    Rule::AttackDay,
                    at,
                    format!("\"{}\": no breath holds during a migraine", s.title),
                );
            }
        }
    }

    hold_lengths(r, &mut v);

    if count_478 > MAX_478 {
        v(
            Rule::FourSevenEightCap,
            None,
            format!("{count_478} breaths of 4-7-8 in one routine; four at most"),
        );
    }

    if breathing_with_holds || breathing_with_sighs {
        let mut missing: Vec<&str> = BREATHING_WORDS
            .iter()
            .copied()
            .filter(|w| {
                !(cautions.contains(w)
                    || (*w == "light-headed" && cautions.contains("lightheaded")))
            })
            .collect();
        if breathing_with_holds
            && !["sitting", "seated", "sit "]
                .iter()
                .any(|w| cautions.contains(w))
        {
            missing.push("sitting");
        }
        if !missing.is_empty() {
            v(
                Rule::BreathingCautions,
                None,
                format!(
                    "the routine uses sighs or breath holds; its cautions lack: {}",
                    missing.join(", ")
                ),
            );
        }
    }

    if pressure_work && r.id != ATTACK_ROUTINE_ID {
        let says_it = r.cautions.iter().any(|c| {
            let c = c.to_lowercase();
            c.contains("between attacks") && c.contains("migraine-day")
        });
        if !says_it {
            v(
                Rule::BetweenAttacks,
                None,
                "a routine with pressure work or exercises must say it is for between attacks and point to Migraine-day gentle".into(),
            );
        }
        for sentence in all_text.split(['.', '?', '!']) {
            if sentence.contains("migraine")
                && ["during", "near", "under way", "in an attack"]
                    .iter()
                    .any(|w| sentence.contains(w))
                && !sentence.contains("migraine-day")
                && !sentence.contains("between attacks")
            {
                v(
                    Rule::BetweenAttacks,
                    None,
                    format!(
                        "\"{}\" invites hands-on work during a migraine; send the user to Migraine-day gentle instead",
                        sentence.trim()
                    ),
                );
            }
        }
    }

    if r.steps.iter().any(|s| {
        matches!(s.region, Some(Region::Temples | Region::Jaw))
            && s.pressure.is_some_and(|p| p.high > 0)
    }) && !all_text.contains("50")
    {
        v(
            Rule::OverFifty,
            None,
            "temple or jaw work needs the age-50 warning (new tenderness, jaw pain when chewing, vision change: urgent advice)".into(),
        );
    }
    if r.steps.iter().any(|s| s.region == Some(Region::Jaw)) && !all_text.contains("lock") {
        v(
            Rule::JawLocking,
            None,
            "jaw work needs the caution to skip it if the jaw locks".into(),
        );
    }
    if r.steps.iter().any(|s| {
        s.pressure.is_some_and(|p| p.high >= 5) || s.technique.is_some_and(Technique::is_tool)
    }) && !cautions.contains("blood thinner")
    {
        v(
            Rule::BloodThinners,
            None,
            "firm pressure or a ball or roller needs the blood-thinners caution (keep it light; bruising)".into(),
        );
    }

    out
}

/// Checks one breathing pattern: the bundled shapes keep their timings, and nothing is fast
/// or over-breathing.
pub fn check_pattern(p: &Pattern) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut v = |rule: Rule, message: String| {
        out.push(Violation {
            rule,
            step: None,
            message: format!("pattern \"{}\": {message}", p.id),
        })
    };
    let secs = |k: PhaseKind| -> f64 {
        p.phases
            .iter()
            .filter(|ph| ph.kind == k)
            .map(|ph| ph.length.as_secs_f64())
            .sum()
    };
    let (ins, outs) = (secs(PhaseKind::In), secs(PhaseKind::Out));
    if p.cycle() < MIN_CYCLE {
        v(
            Rule::FastBreathing,
            format!(
                "a breath of {:.1}s is more than 10 breaths a minute; slow breathing only",
                p.cycle().as_secs_f64()
            ),
        );
    }
    if outs <= 0.0 || ins > outs * 1.5 {
        v(
            Rule::FastBreathing,
            "breathing in much longer than out is over-breathing; make the out-breath at least as long".into(),
        );
    }
    if let Some(h) = p
        .phases
        .iter()
        .find(|ph| ph.kind == PhaseKind::Hold && ph.length > MAX_HOLD)
    {
        v(
            Rule::PatternTiming,
            format!(
                "a {:.1}s breath hold is longer than the longest allowed, 7s",
                h.length.as_secs_f64()
            ),
        );
    }
    let shape: Vec<(PhaseKind, f64)> = p
        .phases
        .iter()
        .map(|ph| (ph.kind, ph.length.as_secs_f64()))
        .collect();
    use PhaseKind::{Hold, In, Out};
    let within = |x: f64, lo: f64, hi: f64| (lo..=hi).contains(&x);
    let expected: Option<(bool, &str)> = match p.id.as_str() {
        "relaxed" => Some((
            matches!(shape[..], [(In, a), (Out, b)] if within(a, 4.0, 6.0) && within(b, 4.0, 6.0)),
            "in about 5, out about 5, no holds",
        )),
        "resonance" => Some((
            matches!(shape[..], [(In, a), (Out, b)] if within(a, 4.5, 6.5) && within(b, 4.5, 6.5)),
            "in and out about 5.5 each (4.5 to 6.5), no holds",
        )),
        "extended-exhale" => Some((
            matches!(shape[..], [(In, a), (Out, b)] if within(a, 3.0, 5.0) && within(b, 5.0, 8.0) && b > a),
            "in about 4, out about 6 (longer than in), no holds",
        )),
        "cyclic-sigh" => Some((
            matches!(shape[..], [(In, a), (In, b), (Out, c)] if b <= a && within(c, 6.0, 9.0) && c > 2.0 * (a + b)),
            "in, a short top-up in, then a 6-9s out-breath more than twice the in-breaths",
        )),
        "box" => Some((
            matches!(shape[..], [(In, a), (Hold, b), (Out, c), (Hold, d)]
                if [a, b, c, d].iter().all(|x| within(*x, 3.0, 5.0))
                    && [b, c, d].iter().all(|x| (x - a).abs() <= 0.5)),
            "in, hold, out, hold, each about 4s and equal",
        )),
        "4-7-8" => Some((
            matches!(shape[..], [(In, a), (Hold, b), (Out, c)] if within(a, 3.0, 5.0) && within(b, 5.5, 7.0) && within(c, 7.0, 9.0)),
            "in 4, hold 7, out 8",
        )),
        _ => None,
    };
    if let Some((false, want)) = expected {
        v(
            Rule::PatternTiming,
            format!(
                "does not match the timing a pattern of that name must have: {want} (it is {})",
                p.timing()
            ),
        );
    }
    out
}

/// The pressure ceiling for a region and technique, and what it is called.
pub fn ceiling(region: Option<Region>, technique: Option<Technique>) -> (u8, &'static str) {
    let (limit, why) = match (technique, region) {
        (Some(t), _) if t.is_movement() => (0, "exercises and stretches (nothing presses)"),
        (Some(Technique::StillHold), _) => (2, "a still hold (head weight only)"),
        (Some(Technique::Li4), _) => (5, "the LI4 press"),
        (_, Some(Region::Hands | Region::Feet)) => (4, "hands and feet"),
        (
            _,
            Some(
                Region::Scalp
                | Region::Temples
                | Region::Face
                | Region::Jaw
                | Region::Suboccipital
                | Region::SideOfNeck
                | Region::FrontOfNeck
                | Region::Chest,
            ),
        ) => (
            4,
            "the head, face, jaw, suboccipitals and front or side of the neck",
        ),
        (
            _,
            Some(
                Region::BackOfNeck
                | Region::ShoulderTop
                | Region::ShoulderBlade
                | Region::UpperBack,
            ),
        ) => (6, "the back of the neck, shoulders and upper back"),
        (_, None) => (6, "any step"),
    };
    (limit.min(NEVER_ABOVE), why)
}

/// Time on one spot, added up across consecutive steps on the same region (per side).
/// Moving techniques count half; still holds (head weight) have their own 2-minute cap.
fn hold_lengths(r: &Routine, v: &mut impl FnMut(Rule, Option<usize>, String)) {
    let mut run: Option<(Region, f64, f64, bool, bool)> = None; // region, left, right, balls, reported
    for (i, s) in r.steps.iter().enumerate() {
        let pressing = s.pressure.is_some_and(|p| p.high > 0);
        let (Some(region), Some(t)) = (s.region, s.technique) else {
            run = None;
            continue;
        };
        if !pressing || t.is_movement() {
            run = None;
            continue;
        }
        if t == Technique::StillHold {
            run = None;
            if s.planned > SPOT_LIMIT {
                v(
                    Rule::HoldTooLong,
                    Some(i),
                    format!(
                        "\"{}\" is a still hold of {}s; two minutes at most",
                        s.title,
                        s.planned.as_secs()
                    ),
                );
            }
            continue;
        }
        if run.is_none_or(|(r0, ..)| r0 != region) {
            run = Some((region, 0.0, 0.0, false, false));
        }
        let Some((_, left, right, balls, reported)) = run.as_mut() else {
            continue;
        };
        let load = s.planned.as_secs_f64() * if t.is_moving() { 0.5 } else { 1.0 };
        match s.sides {
            Sides::Left => *left += load,
            Sides::Right => *right += load,
            Sides::None | Sides::Both => {
                *left += load;
                *right += load;
            }
        }
        *balls |= t == Technique::Balls;
        let limit = if *balls { BALLS_LIMIT } else { SPOT_LIMIT }.as_secs_f64();
        if !*reported && (*left > limit || *right > limit) {
            *reported = true;
            v(
                Rule::HoldTooLong,
                Some(i),
                format!(
                    "{:.0}s on the {} by the end of \"{}\" (moving techniques count half); at most {:.0}s on one spot before a break",
                    left.max(*right),
                    region,
                    s.title,
                    limit
                ),
            );
        }
    }
}

fn is_sigh(p: &Pattern) -> bool {
    p.id == "cyclic-sigh"
        || p.phases
            .windows(2)
            .any(|w| w[0].kind == PhaseKind::In && w[1].kind == PhaseKind::In)
}

fn is_478(p: &Pattern) -> bool {
    p.id == "4-7-8"
        || p.phases
            .iter()
            .any(|ph| ph.kind == PhaseKind::Hold && ph.length >= Duration::from_secs(6))
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

fn has_stop_rule(caution: &str) -> bool {
    caution.contains("stop")
        && caution.contains("headache")
        && caution.contains("worse")
        && caution.contains("dizz")
        && (caution.contains("tingl") || caution.contains("numb"))
}

/// Every text a user reads, labelled.
fn texts(r: &Routine) -> Vec<(String, String)> {
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
        ] {
            if let Some(x) = field {
                t.push((format!("step {n}'s {what}"), x.clone()));
            }
        }
        if let Some(a) = &s.art {
            t.push((format!("the drawing \"{}\"", a.name), a.text.clone()));
        }
        if let Some(p) = &s.breathing {
            if let Some(d) = &p.description {
                t.push((format!("pattern \"{}\"", p.id), d.clone()));
            }
            for ph in &p.phases {
                if let Some(l) = &ph.label {
                    t.push((format!("pattern \"{}\"'s labels", p.id), l.clone()));
                }
            }
        }
    }
    t
}

fn all_text(r: &Routine) -> String {
    texts(r)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(" \n ")
}

/// The first banned word or phrase in `text`, if any.
pub fn banned_in(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for (stem, whole) in BANNED {
        for (pos, _) in lower.match_indices(stem) {
            let before = lower[..pos].chars().next_back();
            let after = lower[pos + stem.len()..].chars().next();
            let starts = before.is_none_or(|c| !c.is_alphanumeric());
            let ends = !whole || after.is_none_or(|c| !c.is_alphabetic());
            if starts && ends {
                return Some((*stem).to_string());
            }
        }
    }
    // Percentages ("58% get complete relief").
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

/// Whether instructions describe hands working on the body ("press", "squeeze", ...),
/// not counting "no pressing" or "not rubbing".
fn describes_touch(instructions: &str) -> bool {
    let lower = instructions.to_lowercase();
    TOUCH_WORDS.iter().any(|w| {
        lower.match_indices(w).any(|(pos, _)| {
            let before = &lower[..pos];
            let starts = before
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let negated = before.ends_with("no ") || before.ends_with("not ");
            starts && !negated
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn rule_names_round_trip() {
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn touch_words_skip_negations() {
        assert!(describes_touch("Press the spot."));
        assert!(!describes_touch("No pressing, no rubbing."));
        assert!(!describes_touch("Rest a warm compress on your neck."));
    }
}
