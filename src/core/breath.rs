//! The breathing pacer: where a pattern is at a given elapsed time.
//!
//! Pure arithmetic on a `Pattern` and a `Duration` since the pacer started: which phase,
//! how long is left in it, how full the lungs should be, which breath it is, and when
//! anything the pacer shows will next change. It never reads the clock; the session
//! (or the breathing screen) passes the pacer's own active elapsed time, so pausing is
//! simply "stop advancing the elapsed time".
//!
//! Fullness rules (what the shape draws), 0.0 = empty, 1.0 = full:
//! - the in-phases between two out-phases together rise from empty to full, each taking
//!   a share of the rise in proportion to its length (the cyclic sigh's in + top-up);
//! - the out-phases between two in-phases together fall from full to empty, the same way;
//! - holds keep the level;
//! - a pattern with only in-phases (or only out-phases) makes one rise (fall) per cycle;
//!   a pattern made only of holds stays at half.
//!
//! Within a moving phase the level follows a cosine ease (slow–fast–slow, like real
//! breath), see [`ease`]; [`fullness`] gives the plain linear level for anyone who wants it.

use std::time::Duration;

use crate::model::routine::{Pattern, PhaseKind};

/// The shortest gap between two shape changes that [`next_change`] will ask for (≈15 Hz).
/// Phase and second boundaries are never delayed by it; only fullness steps are.
pub const MIN_FRAME: Duration = Duration::from_millis(66);

/// The level of a pattern made only of holds: a shape that neither grows nor shrinks.
const HOLD_ONLY_LEVEL: f64 = 0.5;

const NANOS_PER_SEC: u128 = 1_000_000_000;

/// Everything the pacer shows at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct PacerState<'a> {
    /// Index into `pattern.phases`.
    pub phase: usize,
    pub kind: PhaseKind,
    /// What to say: the phase's label, else "breathe in" / "hold" / "breathe out".
    pub word: &'a str,
    pub phase_length: Duration,
    /// Time left in this phase; always more than zero.
    pub phase_left: Duration,
    /// `phase_left` in whole seconds rounded up, for "4 s": never 0 while in a phase.
    pub secs_left: u64,
    /// How far through this phase, 0.0..1.0.
    pub phase_progress: f64,
    /// How full the shape should be, 0.0..=1.0, eased (what a smooth shape draws).
    pub fullness: f64,
    /// The same without easing: straight-line rise and fall.
    pub linear_fullness: f64,
    /// The fullness this phase starts at.
    pub from: f64,
    /// The fullness this phase ends at.
    pub target: f64,
    /// Which breath (cycle) this is, counting from 1.
    pub breath: u32,
}

impl PacerState<'_> {
    /// The fullness a reduced-motion shape shows: it moves from where the phase starts to
    /// where it ends one small step per whole second, changing exactly when the "N s"
    /// figure does — so it never asks the loop for a wake-up of its own, and never jumps
    /// from empty to full. The first second shows the start, the last second the end.
    pub fn stepped_fullness(&self) -> f64 {
        let total = ceil_secs(self.phase_length.as_nanos());
        if total <= 1 {
            return self.target;
        }
        let done = total.saturating_sub(self.secs_left).min(total - 1);
        self.from + (self.target - self.from) * done as f64 / (total - 1) as f64
    }
}

/// The cosine ease used for the shape: 0 → 0, 1 → 1, slow at both ends, monotonic.
pub fn ease(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    (1.0 - (std::f64::consts::PI * x).cos()) / 2.0
}

/// Which of `steps` discrete sizes a shape shows for `fullness` (0 = smallest).
/// The UI must use this same mapping for [`next_change`] to wake it at the right times.
/// With `steps` of 0 or 1 there is only one size.
pub fn shape_level(fullness: f64, steps: u32) -> u32 {
    if steps <= 1 || fullness.is_nan() {
        return 0;
    }
    let top = steps - 1;
    let level = (fullness.clamp(0.0, 1.0) * f64::from(top)).round();
    (level as u32).min(top)
}

/// Where the pattern is after `elapsed`.
///
/// A pattern whose cycle is zero (never valid, but never a panic either) reports its
/// first phase, empty, with one second left.
pub fn at(pattern: &Pattern, elapsed: Duration) -> PacerState<'_> {
    let Some(pos) = locate(pattern, elapsed) else {
        let (kind, word) = pattern
            .phases
            .first()
            .map(|p| (p.kind, p.word()))
            .unwrap_or((PhaseKind::Hold, PhaseKind::Hold.word()));
        return PacerState {
            phase: 0,
            kind,
            word,
            phase_length: Duration::ZERO,
            phase_left: Duration::from_secs(1),
            secs_left: 1,
            phase_progress: 0.0,
            fullness: 0.0,
            linear_fullness: 0.0,
            from: 0.0,
            target: 0.0,
            breath: 1,
        };
    };
    let phase = &pattern.phases[pos.phase];
    let (from, to) = levels(pattern)[pos.phase];
    let frac = pos.fraction();
    let left = pos.len - pos.into;
    PacerState {
        phase: pos.phase,
        kind: phase.kind,
        word: phase.word(),
        phase_length: nanos_to_duration(pos.len),
        phase_left: nanos_to_duration(left),
        secs_left: ceil_secs(left),
        phase_progress: frac,
        fullness: from + (to - from) * ease(frac),
        linear_fullness: from + (to - from) * frac,
        from,
        target: to,
        breath: pos.breath,
    }
}

/// The eased fullness after `elapsed` (what [`at`] reports as `fullness`).
pub fn fullness_eased(pattern: &Pattern, elapsed: Duration) -> f64 {
    at(pattern, elapsed).fullness
}

/// The linear fullness after `elapsed`.
pub fn fullness(pattern: &Pattern, elapsed: Duration) -> f64 {
    at(pattern, elapsed).linear_fullness
}

/// The next elapsed time, strictly after `elapsed`, at which something the pacer shows
/// changes: the seconds-left figure, the phase, or the shape's size when it can show
/// `steps` distinct sizes (mapped with [`shape_level`] on the eased fullness).
///
/// Second and phase boundaries are exact; a size change is never asked for sooner than
/// [`MIN_FRAME`] after `elapsed`, so a shape with many sizes still wakes the loop at most
/// about 15 times a second. Pass `steps = 1` (reduced motion) to wake only on seconds
/// and phases.
pub fn next_change(pattern: &Pattern, elapsed: Duration, steps: u32) -> Duration {
    let Some(pos) = locate(pattern, elapsed) else {
        return elapsed + Duration::from_secs(1);
    };
    let now = elapsed.as_nanos();
    let phase_start = now - pos.into;
    let phase_end = phase_start + pos.len;
    let left = pos.len - pos.into;
    // The "N s" figure drops from ceil(left) to ceil(left) - 1 when exactly that many
    // whole seconds are left.
    let second = phase_end - (ceil_secs(left) as u128 - 1) * NANOS_PER_SEC;
    let mut next = second.min(phase_end);

    if let Some(t) = level_change(pattern, &pos, phase_start, steps) {
        let t = t.max(now + MIN_FRAME.as_nanos());
        next = next.min(t);
    }
    nanos_to_duration(next)
}

/// `d` rounded up to a whole number of breaths of `pattern` (0 stays 0). A step measured
/// in breaths keeps this property through every adjustment, so it ends as a breath ends.
pub fn whole_breaths_at_least(pattern: &Pattern, d: Duration) -> Duration {
    let cycle = pattern.cycle().as_nanos();
    if cycle == 0 {
        return d;
    }
    let n = d.as_nanos().div_ceil(cycle);
    nanos_to_duration(n * cycle)
}

/// How many whole breaths fit in `d` (rounded down).
pub fn breaths_in(pattern: &Pattern, d: Duration) -> u32 {
    let cycle = pattern.cycle().as_nanos();
    if cycle == 0 {
        return 0;
    }
    u32::try_from(d.as_nanos() / cycle).unwrap_or(u32::MAX)
}

/// A position inside a pattern, in nanoseconds.
struct Position {
    phase: usize,
    /// Time already spent in the phase.
    into: u128,
    /// The phase's length (non-zero).
    len: u128,
    breath: u32,
}

impl Position {
    fn fraction(&self) -> f64 {
        (self.into as f64 / self.len as f64).clamp(0.0, 1.0)
    }
}

fn locate(pattern: &Pattern, elapsed: Duration) -> Option<Position> {
    let cycle = pattern.cycle().as_nanos();
    if cycle == 0 {
        return None;
    }
    let t = elapsed.as_nanos();
    let breath = u32::try_from(t / cycle + 1).unwrap_or(u32::MAX);
    let mut in_cycle = t % cycle;
    for (i, phase) in pattern.phases.iter().enumerate() {
        let len = phase.length.as_nanos();
        if in_cycle < len {
            return Some(Position {
                phase: i,
                into: in_cycle,
                len,
                breath,
            });
        }
        in_cycle -= len;
    }
    None
}

fn direction(kind: PhaseKind) -> i8 {
    match kind {
        PhaseKind::In => 1,
        PhaseKind::Hold => 0,
        PhaseKind::Out => -1,
    }
}

/// The fullness at the start and the end of each phase (see the module notes).
fn levels(pattern: &Pattern) -> Vec<(f64, f64)> {
    let phases = &pattern.phases;
    let n = phases.len();
    let dir = |i: usize| direction(phases[i].kind);
    let has_in = (0..n).any(|i| dir(i) > 0);
    let has_out = (0..n).any(|i| dir(i) < 0);
    if !has_in && !has_out {
        return vec![(HOLD_ONLY_LEVEL, HOLD_ONLY_LEVEL); n];
    }

    // Walk the cycle from the start of a rise or fall, so that a run of in-phases that
    // wraps around the end of the cycle is still treated as one rise.
    let start = if has_in && has_out {
        (0..n)
            .find(|&i| {
                dir(i) != 0 && {
                    let prev = (1..=n).map(|k| (i + n - k) % n).find(|&j| dir(j) != 0);
                    prev.is_some_and(|j| dir(j) != dir(i))
                }
            })
            .unwrap_or(0)
    } else {
        0
    };
    let order: Vec<usize> = (0..n).map(|k| (start + k) % n).collect();

    // Total moving time of each rise/fall, in walking order.
    let mut totals: Vec<u128> = Vec::new();
    let mut current = 0i8;
    for &i in &order {
        let d = dir(i);
        if d != 0 && d != current {
            totals.push(0);
            current = d;
        }
        if d != 0 {
            *totals.last_mut().expect("a group was just pushed") += phases[i].length.as_nanos();
        }
    }

    let mut out = vec![(0.0, 0.0); n];
    let base = if has_in { 0.0 } else { 1.0 };
    let mut level: f64 = base;
    let mut group_start = base;
    let mut moved: u128 = 0;
    let mut group: Option<usize> = None;
    current = 0;
    for &i in &order {
        let d = dir(i);
        if d != 0 && d != current {
            current = d;
            group = Some(group.map_or(0, |g| g + 1));
            group_start = if d > 0 { 0.0 } else { 1.0 };
            moved = 0;
        }
        if d == 0 {
            out[i] = (level, level);
            continue;
        }
        let total = totals[group.expect("set when the direction changed")];
        let share = |m: u128| {
            if total == 0 {
                1.0
            } else {
                m as f64 / total as f64
            }
        };
        let from = group_start + f64::from(d) * share(moved);
        moved += phases[i].length.as_nanos();
        let to = group_start + f64::from(d) * share(moved);
        level = to.clamp(0.0, 1.0);
        out[i] = (from.clamp(0.0, 1.0), level);
    }
    out
}

/// When, in this phase, the shape next moves to another of `steps` sizes (absolute
/// elapsed nanoseconds), if it does before the phase ends.
fn level_change(pattern: &Pattern, pos: &Position, phase_start: u128, steps: u32) -> Option<u128> {
    if steps <= 1 {
        return None;
    }
    let (from, to) = levels(pattern)[pos.phase];
    if from == to {
        return None;
    }
    let eased_at = |into: u128| from + (to - from) * ease(into as f64 / pos.len as f64);
    let level = shape_level(eased_at(pos.into), steps);
    let top = f64::from(steps - 1);
    // `round` flips to the next size half-way between two sizes.
    let threshold = if to > from {
        (f64::from(level) + 0.5) / top
    } else {
        (f64::from(level) - 0.5) / top
    };
    let u = (threshold - from) / (to - from);
    if !(0.0..=1.0).contains(&u) {
        return None;
    }
    let frac = (1.0 - 2.0 * u).clamp(-1.0, 1.0).acos() / std::f64::consts::PI;
    let mut into = ((frac * pos.len as f64).ceil() as u128).max(pos.into + 1);
    // Floating point may land a hair early; step forward until the size really differs,
    // so the caller is never woken to draw an unchanged shape.
    for _ in 0..64 {
        if into >= pos.len {
            return None;
        }
        if shape_level(eased_at(into), steps) != level {
            return Some(phase_start + into);
        }
        into += 1_000;
    }
    None
}

fn ceil_secs(nanos: u128) -> u64 {
    u64::try_from(nanos.div_ceil(NANOS_PER_SEC)).unwrap_or(u64::MAX)
}

fn nanos_to_duration(n: u128) -> Duration {
    let secs = u64::try_from(n / NANOS_PER_SEC).unwrap_or(u64::MAX);
    Duration::new(secs, (n % NANOS_PER_SEC) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::routine::{Phase, Source};

    fn phase(kind: PhaseKind, ms: u64, label: Option<&str>) -> Phase {
        Phase {
            kind,
            length: Duration::from_millis(ms),
            label: label.map(str::to_string),
        }
    }

    fn pattern(phases: Vec<Phase>) -> Pattern {
        Pattern {
            id: "test".into(),
            description: None,
            phases,
            source: Source::Bundled,
        }
    }

    /// in 4 · out 6
    fn two_phase() -> Pattern {
        pattern(vec![
            phase(PhaseKind::In, 4000, None),
            phase(PhaseKind::Out, 6000, None),
        ])
    }

    /// box: in 4 · hold 4 · out 4 · hold 4
    fn box_pattern() -> Pattern {
        pattern(vec![
            phase(PhaseKind::In, 4000, None),
            phase(PhaseKind::Hold, 4000, None),
            phase(PhaseKind::Out, 4000, None),
            phase(PhaseKind::Hold, 4000, None),
        ])
    }

    /// cyclic sigh: in 2 · top up 1 · out 6
    fn sigh() -> Pattern {
        pattern(vec![
            phase(PhaseKind::In, 2000, None),
            phase(PhaseKind::In, 1000, Some("top up")),
            phase(PhaseKind::Out, 6000, Some("slow sigh out")),
        ])
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn two_phase_boundaries() {
        let p = two_phase();
        let s = at(&p, Duration::ZERO);
        assert_eq!(
            (s.phase, s.kind, s.word, s.secs_left),
            (0, PhaseKind::In, "breathe in", 4)
        );
        assert_eq!(s.phase_left, ms(4000));
        assert_eq!(s.breath, 1);
        assert_eq!(at(&p, ms(1)).secs_left, 4);
        assert_eq!(at(&p, ms(1000)).secs_left, 3);
        assert_eq!(at(&p, ms(3999)).secs_left, 1);
        let s = at(&p, ms(4000));
        assert_eq!(
            (s.phase, s.kind, s.word, s.secs_left),
            (1, PhaseKind::Out, "breathe out", 6)
        );
        assert_eq!(at(&p, ms(9999)).secs_left, 1);
        let s = at(&p, ms(10_000));
        assert_eq!((s.phase, s.breath, s.secs_left), (0, 2, 4));
    }

    #[test]
    fn box_boundaries_and_levels() {
        let p = box_pattern();
        let expect = [
            (0, PhaseKind::In, 0.0, 1.0),
            (4000, PhaseKind::Hold, 1.0, 1.0),
            (8000, PhaseKind::Out, 1.0, 0.0),
            (12000, PhaseKind::Hold, 0.0, 0.0),
        ];
        for (i, (start, kind, from, to)) in expect.into_iter().enumerate() {
            let s = at(&p, ms(start));
            assert_eq!((s.phase, s.kind, s.secs_left), (i, kind, 4), "phase {i}");
            assert!(
                (s.fullness - from).abs() < 1e-9,
                "phase {i} starts at {from}"
            );
            assert_eq!(s.target, to);
            let end = at(&p, ms(start + 3999));
            assert_eq!((end.phase, end.secs_left), (i, 1));
            assert!((end.fullness - to).abs() < 1e-3, "phase {i} ends near {to}");
        }
        assert_eq!(at(&p, ms(16_000)).breath, 2);
    }

    #[test]
    fn cyclic_sigh_splits_the_rise() {
        let p = sigh();
        let s = at(&p, ms(2000));
        assert_eq!((s.phase, s.word, s.secs_left), (1, "top up", 1));
        assert!((s.linear_fullness - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.fullness - 2.0 / 3.0).abs() < 1e-9);
        assert!((at(&p, ms(2999)).fullness - 1.0).abs() < 1e-3);
        let s = at(&p, ms(3000));
        assert_eq!((s.phase, s.word, s.secs_left), (2, "slow sigh out", 6));
        assert!((s.fullness - 1.0).abs() < 1e-9);
        assert!(at(&p, ms(8999)).fullness < 1e-3);
    }

    #[test]
    fn rise_that_wraps_around_the_cycle_is_one_rise() {
        // top-up first, then out, then the main in: the in at the end and the top-up at
        // the start are one rise of 3 s.
        let p = pattern(vec![
            phase(PhaseKind::In, 1000, None),
            phase(PhaseKind::Out, 6000, None),
            phase(PhaseKind::In, 2000, None),
        ]);
        let l = levels(&p);
        assert_eq!(l[2].0, 0.0);
        assert!((l[2].1 - 2.0 / 3.0).abs() < 1e-9);
        assert!((l[0].0 - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(l[0].1, 1.0);
        assert_eq!(l[1], (1.0, 0.0));
    }

    #[test]
    fn odd_patterns_stay_in_range() {
        let only_in = pattern(vec![
            phase(PhaseKind::In, 3000, None),
            phase(PhaseKind::Hold, 1000, None),
        ]);
        assert_eq!(levels(&only_in), vec![(0.0, 1.0), (1.0, 1.0)]);
        let only_out = pattern(vec![phase(PhaseKind::Out, 3000, None)]);
        assert_eq!(levels(&only_out), vec![(1.0, 0.0)]);
        let holds = pattern(vec![phase(PhaseKind::Hold, 3000, None)]);
        assert_eq!(at(&holds, ms(1500)).fullness, HOLD_ONLY_LEVEL);
        let empty = pattern(vec![]);
        let s = at(&empty, ms(1500));
        assert_eq!(s.secs_left, 1);
        assert!(next_change(&empty, ms(1500), 8) > ms(1500));
    }

    #[test]
    fn fullness_monotonic_and_in_range() {
        for p in [two_phase(), box_pattern(), sigh()] {
            let mut prev = at(&p, Duration::ZERO);
            for t in (10..40_000).step_by(10) {
                let s = at(&p, ms(t));
                assert!((0.0..=1.0).contains(&s.fullness), "{} at {t}", s.fullness);
                assert!((0.0..=1.0).contains(&s.linear_fullness));
                if s.phase == prev.phase && s.breath == prev.breath {
                    match s.kind {
                        PhaseKind::In => assert!(s.fullness >= prev.fullness),
                        PhaseKind::Out => assert!(s.fullness <= prev.fullness),
                        PhaseKind::Hold => assert_eq!(s.fullness, prev.fullness),
                    }
                } else {
                    // Continuous across phase boundaries (10 ms apart).
                    assert!((s.fullness - prev.fullness).abs() < 0.01, "jump at {t}");
                }
                prev = s;
            }
        }
    }

    #[test]
    fn secs_left_never_zero() {
        for p in [two_phase(), box_pattern(), sigh()] {
            for t in (0..20_000).step_by(7) {
                assert!(at(&p, ms(t)).secs_left >= 1);
            }
        }
    }

    /// The next phase start or second boundary strictly after `t`.
    fn next_boundary(p: &Pattern, t: Duration) -> Duration {
        let s = at(p, t);
        let phase_end = t + s.phase_left;
        let to_second = Duration::from_secs(s.secs_left - 1);
        phase_end - to_second
    }

    #[test]
    fn next_change_hits_second_and_phase_boundaries_exactly() {
        let p = two_phase();
        assert_eq!(next_change(&p, Duration::ZERO, 1), ms(1000));
        assert_eq!(next_change(&p, ms(999), 1), ms(1000));
        assert_eq!(next_change(&p, ms(1000), 1), ms(2000));
        assert_eq!(next_change(&p, ms(3500), 1), ms(4000));
        assert_eq!(next_change(&p, ms(4000), 1), ms(5000));
        let odd = pattern(vec![
            phase(PhaseKind::In, 2500, None),
            phase(PhaseKind::Out, 3500, None),
        ]);
        // 2.5 s phase: shows 3 until 2 s are left (at 0.5 s), then 2, then 1.
        assert_eq!(next_change(&odd, Duration::ZERO, 1), ms(500));
        assert_eq!(next_change(&odd, ms(500), 1), ms(1500));
        assert_eq!(next_change(&odd, ms(1500), 1), ms(2500));
        assert_eq!(next_change(&odd, ms(2500), 1), ms(3000));
    }

    #[test]
    fn next_change_follows_the_shape_and_never_overshoots() {
        for p in [two_phase(), box_pattern(), sigh()] {
            for steps in [1, 2, 8, 32, 1000] {
                let mut t = Duration::ZERO;
                let mut wakes = 0;
                while t < ms(40_000) {
                    let next = next_change(&p, t, steps);
                    assert!(next > t);
                    assert!(
                        next <= next_boundary(&p, t),
                        "{next:?} past boundary at {t:?}"
                    );
                    let before = at(&p, t);
                    let after = at(&p, next);
                    let changed = before.phase != after.phase
                        || before.secs_left != after.secs_left
                        || shape_level(before.fullness, steps)
                            != shape_level(after.fullness, steps);
                    // A size change may be pushed out by MIN_FRAME, but whenever we are
                    // woken, something must have changed.
                    assert!(changed, "woken for nothing at {next:?} (steps {steps})");
                    // Phase and figure never change before `next` (the size may
                    // lag by up to MIN_FRAME).
                    let m = at(&p, next - Duration::from_nanos(1));
                    assert_eq!(m.phase, before.phase);
                    assert_eq!(m.secs_left, before.secs_left);
                    if next - t > MIN_FRAME {
                        let lvl = shape_level(m.fullness, steps);
                        assert_eq!(lvl, shape_level(before.fullness, steps));
                    }
                    t = next;
                    wakes += 1;
                }
                // Never faster than ~15 Hz on average, plus the second ticks.
                assert!(wakes <= 40 * 17, "{wakes} wakes with {steps} steps");
            }
        }
    }

    #[test]
    fn next_change_without_shape_steps_is_exactly_the_figure() {
        let p = sigh();
        let mut t = Duration::ZERO;
        let mut seen = Vec::new();
        while t < ms(9000) {
            t = next_change(&p, t, 1);
            seen.push(t.as_millis());
        }
        assert_eq!(
            seen,
            vec![1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]
        );
    }

    #[test]
    fn shape_levels() {
        assert_eq!(shape_level(0.0, 8), 0);
        assert_eq!(shape_level(1.0, 8), 7);
        assert_eq!(shape_level(0.5, 1), 0);
        assert_eq!(shape_level(0.5, 0), 0);
        assert_eq!(shape_level(f64::NAN, 8), 0);
        assert_eq!(shape_level(2.0, 8), 7);
    }

    #[test]
    fn whole_breaths() {
        let p = two_phase();
        assert_eq!(whole_breaths_at_least(&p, Duration::ZERO), Duration::ZERO);
        assert_eq!(whole_breaths_at_least(&p, ms(1)), ms(10_000));
        assert_eq!(whole_breaths_at_least(&p, ms(10_000)), ms(10_000));
        assert_eq!(whole_breaths_at_least(&p, ms(95_000)), ms(100_000));
        let s = sigh();
        let d = whole_breaths_at_least(&s, Duration::from_secs(60));
        assert_eq!(d, ms(63_000));
        assert_eq!(d.as_nanos() % s.cycle().as_nanos(), 0);
        assert_eq!(breaths_in(&s, d), 7);
    }

    #[test]
    fn easing_is_monotonic() {
        let mut prev = ease(0.0);
        assert_eq!(prev, 0.0);
        for i in 1..=1000 {
            let e = ease(f64::from(i) / 1000.0);
            assert!(e >= prev);
            prev = e;
        }
        assert!((prev - 1.0).abs() < 1e-12);
    }
}
