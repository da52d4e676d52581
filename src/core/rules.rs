//! Content rules the app applies to what the user picks: the guide's limits on breathing
//! patterns by their shape (a long hold like 4-7-8 kept to four breaths, two holds like box
//! to four minutes, sighs to five), the cautions for holds and sighs, and the short count-in
//! before a breathing exercise. A pattern is judged by its phases, never by its name, so a
//! copy under another name is held to the same limits.

use std::time::Duration;

use crate::model::routine::{Length, Pattern};

/// A breath hold this long or longer makes a pattern 4-7-8-like.
const LONG_HOLD: Duration = Duration::from_secs(6);

/// A breathing pattern's shape, as the guide's limits see it (section 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A hold of 6 s or more (4-7-8): a few breaths a round.
    LongHold,
    /// Two or more holds in a breath (box): a few minutes.
    TwoHolds,
    /// A second in-breath on top of the first (the cyclic sigh).
    Sigh,
    /// Plain in and out (relaxed, resonance, extended exhale), or a single short hold.
    Even,
}

/// The shape of `p`, from its phases alone.
pub fn shape(p: &Pattern) -> Shape {
    let holds = p.holds();
    if holds.iter().any(|h| *h >= LONG_HOLD) {
        Shape::LongHold
    } else if holds.len() >= 2 {
        Shape::TwoHolds
    } else if p.breathes_in().windows(2).any(|w| w[0] && w[1]) {
        Shape::Sigh
    } else {
        Shape::Even
    }
}

/// The most of one shape a round (or a routine) may hold (guide section 3.1): 4-7-8-like
/// at most four breaths, box-like at most four minutes, cyclic sighs at most five minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    Breaths(u32),
    Time(Duration),
}

pub fn cap_of(shape: Shape) -> Option<Cap> {
    match shape {
        Shape::LongHold => Some(Cap::Breaths(4)),
        Shape::TwoHolds => Some(Cap::Time(Duration::from_secs(4 * 60))),
        Shape::Sigh => Some(Cap::Time(Duration::from_secs(5 * 60))),
        Shape::Even => None,
    }
}

/// Whether a pattern's length is always given in breaths (4-7-8-like patterns).
pub fn counted_in_breaths(p: &Pattern) -> bool {
    shape(p) == Shape::LongHold
}

/// A breathing exercise's count-in is never longer than this.
const BREATHING_GET_READY_MAX: Duration = Duration::from_secs(3);

/// The count-in before a breathing exercise: the configured one, at most three seconds.
pub fn breathing_get_ready(configured: Duration) -> Duration {
    configured.min(BREATHING_GET_READY_MAX)
}

/// The lengths a breathing exercise may be given, by time (minutes) and by breaths: the
/// content guide's doses run from a 1-minute box-breathing round to a 20-minute resonance
/// session, and from 3 breaths to about 30. The breathing screen offers exactly these
/// choices; `breathe --for` and `--breaths` accept anything between the first and last.
/// The longest session `knotless log` records (one done elsewhere).
pub const LOGGED_MAX: Duration = Duration::from_secs(24 * 3600);

/// How long `breathe` runs when no length is given.
pub const BREATHING_DEFAULT_TIME: Duration = Duration::from_secs(5 * 60);

/// The pattern `breathe` and the breathing screen start with.
pub const BREATHING_DEFAULT_PATTERN: &str = "extended-exhale";

pub const BREATHING_MINUTES: [u64; 7] = [1, 2, 3, 5, 10, 15, 20];
pub const BREATHING_BREATHS: [u32; 7] = [3, 4, 6, 9, 12, 18, 30];
pub const BREATHING_MIN_TIME: Duration = Duration::from_secs(BREATHING_MINUTES[0] * 60);
pub const BREATHING_MAX_TIME: Duration =
    Duration::from_secs(BREATHING_MINUTES[BREATHING_MINUTES.len() - 1] * 60);
pub const BREATHING_MIN_BREATHS: u32 = BREATHING_BREATHS[0];
pub const BREATHING_MAX_BREATHS: u32 = BREATHING_BREATHS[BREATHING_BREATHS.len() - 1];

/// Whether a timed breathing length is within [`BREATHING_MIN_TIME`]..=[`BREATHING_MAX_TIME`].
pub fn breathing_time_allowed(d: Duration) -> bool {
    (BREATHING_MIN_TIME..=BREATHING_MAX_TIME).contains(&d)
}

pub const HOLD_CAUTION: &str = "Sit or lie down for this one, never while driving, in water or leaning on a ball. \
Breathe slowly, not hugely. If you feel light-headed, dizzy, tingly or breathless, stop and breathe normally. \
Skip breath holds if you are pregnant, have heart or lung disease, uncontrolled high blood pressure, \
epilepsy, glaucoma or retina problems, recent surgery, or panic disorder: use relaxed breathing instead.";
pub const SIGH_CAUTION: &str = "Breathe slowly, not hugely. If you feel light-headed, dizzy, tingly or \
breathless, stop and breathe normally. Skip the forceful top-up breath if you are pregnant, have heart \
or lung disease, uncontrolled high blood pressure, epilepsy, glaucoma or retina problems, recent surgery, \
or panic disorder.";

/// Keeps a breathing round within the guide's limits for its pattern's [`Shape`] (see
/// [`cap_of`]): the one check both the breathing screen and `breathe` use. Returns the
/// (possibly shortened) length and, when it was shortened, one line saying so.
pub fn cap_for_pattern(p: &Pattern, len: Length) -> (Length, Option<String>) {
    let cycle = p.cycle().max(Duration::from_millis(1));
    let breaths_in = |d: Duration| (d.as_secs_f64() / cycle.as_secs_f64()).ceil() as u32;
    match cap_of(shape(p)) {
        None => (len, None),
        Some(Cap::Breaths(most)) => {
            let n = match len {
                Length::Breaths(n) => n,
                Length::Time(d) => breaths_in(d),
            };
            if n <= most {
                (Length::Breaths(n.max(1)), None)
            } else {
                let note = format!(
                    "{} has a long breath hold, so it is kept to {most} breaths a round; rest and breathe normally before another",
                    p.id
                );
                (Length::Breaths(most), Some(note))
            }
        }
        Some(Cap::Time(most)) => {
            let planned = match len {
                Length::Breaths(n) => cycle * n,
                Length::Time(d) => d,
            };
            if planned <= most {
                return (len, None);
            }
            let why = if shape(p) == Shape::Sigh {
                "cyclic sighing is"
            } else {
                "breath holds like box breathing are"
            };
            let minutes = most.as_secs() / 60;
            let note = format!(
                "{why} kept to {minutes} minutes a round, so {} is {minutes} minutes this time",
                p.id
            );
            let capped = match len {
                Length::Breaths(_) => Length::Breaths(
                    ((most.as_secs_f64() / cycle.as_secs_f64()).floor() as u32).max(1),
                ),
                Length::Time(_) => Length::Time(most),
            };
            (capped, Some(note))
        }
    }
}

/// The caution a breathing round of `p` needs on its own (guide section 3.3): the hold
/// caution for any held breath, the sigh caution for a top-up in-breath.
pub fn caution_for(p: &Pattern) -> Option<&'static str> {
    if p.has_holds() {
        Some(HOLD_CAUTION)
    } else if shape(p) == Shape::Sigh {
        Some(SIGH_CAUTION)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::routine::{Phase, PhaseKind, Source};

    fn pattern(id: &str, secs: &[(PhaseKind, u64)]) -> Pattern {
        Pattern {
            id: id.into(),
            description: None,
            phases: secs
                .iter()
                .map(|&(kind, s)| Phase {
                    kind,
                    length: Duration::from_secs(s),
                    label: None,
                })
                .collect(),
            source: Source::Bundled,
        }
    }

    #[test]
    fn four_seven_eight_is_kept_to_four_breaths() {
        let p = pattern(
            "4-7-8",
            &[
                (PhaseKind::In, 4),
                (PhaseKind::Hold, 7),
                (PhaseKind::Out, 8),
            ],
        );
        assert_eq!(
            cap_for_pattern(&p, Length::Breaths(3)),
            (Length::Breaths(3), None)
        );
        let (len, note) = cap_for_pattern(&p, Length::Time(Duration::from_secs(300)));
        assert_eq!(len, Length::Breaths(4));
        assert!(note.is_some());
        let calm = pattern("relaxed", &[(PhaseKind::In, 5), (PhaseKind::Out, 5)]);
        assert_eq!(
            cap_for_pattern(&calm, Length::Breaths(30)).0,
            Length::Breaths(30)
        );
        assert!(caution_for(&calm).is_none());
        assert!(caution_for(&p).is_some());
    }

    #[test]
    fn a_hold_written_as_a_breath_has_a_hold_shape() {
        use PhaseKind::{In, Out};
        // An out-breath of 30 s is a held breath: kept to four breaths, with the hold
        // caution, like 4-7-8.
        let long_out = pattern("long-out", &[(In, 4), (Out, 30)]);
        assert_eq!(shape(&long_out), Shape::LongHold);
        assert_eq!(
            cap_for_pattern(&long_out, Length::Breaths(30)).0,
            Length::Breaths(4)
        );
        assert_eq!(caution_for(&long_out), Some(HOLD_CAUTION));
        // Said in words on a short phase: a hold too.
        let mut said = pattern("said", &[(In, 4), (Out, 5), (Out, 5)]);
        said.phases[2].label = Some("stay empty, lips sealed".into());
        assert!(said.has_holds());
        assert_eq!(said.holds(), [Duration::from_secs(5)]);
        // The guide's slowest breaths are breaths: 5 in, 10 out; the sigh's two in-breaths.
        let slow = pattern("slow", &[(In, 5), (Out, 10)]);
        assert!(!slow.has_holds());
        assert_eq!(slow.breaths_per_cycle(), 1);
        let sigh = pattern("sigh", &[(In, 3), (In, 1), (Out, 8)]);
        assert_eq!(shape(&sigh), Shape::Sigh);
    }

    #[test]
    fn limits_follow_the_shape_not_the_name() {
        use PhaseKind::{Hold, In, Out};
        // A 4-7-8 under another name: 30 breaths become 4.
        let copy = pattern("my-sleepy", &[(In, 4), (Hold, 7), (Out, 8)]);
        let (len, note) = cap_for_pattern(&copy, Length::Breaths(30));
        assert_eq!(len, Length::Breaths(4));
        assert!(note.unwrap().contains("4 breaths"));
        // Box for 10 minutes: 4 minutes, whether asked in time or in breaths.
        let square = pattern("square", &[(In, 4), (Hold, 4), (Out, 4), (Hold, 4)]);
        assert_eq!(shape(&square), Shape::TwoHolds);
        let (len, note) = cap_for_pattern(&square, Length::Time(Duration::from_secs(600)));
        assert_eq!(len, Length::Time(Duration::from_secs(240)));
        assert!(note.unwrap().contains("4 minutes"));
        assert_eq!(
            cap_for_pattern(&square, Length::Breaths(30)).0,
            Length::Breaths(15)
        );
        assert_eq!(
            cap_for_pattern(&square, Length::Breaths(4)),
            (Length::Breaths(4), None)
        );
        // Sighs: 5 minutes.
        let sigh = pattern("sighs", &[(In, 2), (In, 1), (Out, 8)]);
        assert_eq!(shape(&sigh), Shape::Sigh);
        assert_eq!(
            cap_for_pattern(&sigh, Length::Time(Duration::from_secs(900))).0,
            Length::Time(Duration::from_secs(300))
        );
        // A hold labelled on an out-breath is a hold.
        let mut sneaky = pattern("sneaky", &[(In, 4), (Out, 7), (Out, 8)]);
        sneaky.phases[1].label = Some("hold it".into());
        assert_eq!(shape(&sneaky), Shape::LongHold);
        assert!(caution_for(&sneaky).is_some());
    }
}
