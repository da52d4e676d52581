//! Content rules the app applies to what the user picks: the guide's limits on breathing
//! patterns (4-7-8 kept to four breaths a round, the cautions for holds and sighs) and the
//! short count-in before a breathing exercise. The one place a pattern is known by its id.

use std::time::Duration;

use crate::model::routine::{Length, Pattern};

/// The 4-7-8 pattern: the guide keeps it to a few breaths, so it is always counted in
/// breaths, never minutes.
const FOUR_SEVEN_EIGHT: &str = "4-7-8";

/// A breathing exercise's count-in is never longer than this.
const BREATHING_GET_READY_MAX: Duration = Duration::from_secs(3);

/// Whether a pattern's length is always given in breaths (4-7-8).
pub fn counted_in_breaths(p: &Pattern) -> bool {
    p.id == FOUR_SEVEN_EIGHT
}

/// The count-in before a breathing exercise: the configured one, at most three seconds.
pub fn breathing_get_ready(configured: Duration) -> Duration {
    configured.min(BREATHING_GET_READY_MAX)
}

const FOUR_SEVEN_EIGHT_MAX: u32 = 4;

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

/// Keeps a pattern within the guide's limits: 4-7-8 at most four breaths in a round.
/// Returns the (possibly shortened) length and a note when it was changed.
pub fn cap_for_pattern(p: &Pattern, len: Length) -> (Length, Option<String>) {
    if !counted_in_breaths(p) {
        return (len, None);
    }
    let breaths = match len {
        Length::Breaths(n) => n,
        Length::Time(d) => (d.as_secs_f64() / p.cycle().as_secs_f64()).ceil() as u32,
    };
    if breaths <= FOUR_SEVEN_EIGHT_MAX {
        (Length::Breaths(breaths.max(1)), None)
    } else {
        (
            Length::Breaths(FOUR_SEVEN_EIGHT_MAX),
            Some(
                "4-7-8 is kept to 4 breaths a round; rest and breathe normally before another"
                    .into(),
            ),
        )
    }
}

pub fn caution_for(p: &Pattern) -> Option<&'static str> {
    if p.has_holds() {
        Some(HOLD_CAUTION)
    } else if p
        .phases
        .iter()
        .filter(|ph| ph.kind == crate::model::routine::PhaseKind::In)
        .count()
        > 1
    {
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
}
