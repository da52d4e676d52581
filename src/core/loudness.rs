//! How loud a sound is to the ear, and making every sound knotless plays equally loud.
//! Pure arithmetic on samples: the files are written and read by `crate::audio`.
//!
//! Loudness is ITU-R BS.1770 (the EBU R128 meter, in LUFS), measured over the part of a
//! sound that sounds (silence trimmed from both ends): gated integrated loudness for a
//! sound of 400 ms or more (speech, the longer tones), the plain K-weighted level for a
//! shorter one (a tick, a hold note), where gating has no blocks to work with.
//!
//! `volume` sets one loudness for everything — tones, ticks and the voice — at
//! [`AT_DEFAULT_VOLUME`] for the default 25 and 6 dB more for each doubling; 0 is silence.
//! A sound whose peaks would pass [`CEILING`] at that loudness is limited (a smooth gain
//! that dips just before each peak and recovers after it), never clipped: that is what
//! lets speech, whose peaks stand far above its loudness, match the tones at any volume.

use ebur128::{EbuR128, Mode};

/// The loudness of every sound at `volume = 25`, LUFS.
pub const AT_DEFAULT_VOLUME: f64 = -21.0;
/// The volume [`AT_DEFAULT_VOLUME`] belongs to.
const DEFAULT_VOLUME: f64 = 25.0;
/// The highest sample any sound may reach: 1 dB below full scale.
pub const CEILING: f64 = 0.891;
/// Below this share of the peak a sample counts as silence when trimming (−60 dB).
const SILENCE: f64 = 0.001;
/// Sounds at least this long are measured with gating.
const GATED_FROM_MS: usize = 400;
/// How fast the limiter's gain comes back after a peak, and how early it starts to dip.
const RELEASE_S: f64 = 0.080;
const ATTACK_S: f64 = 0.004;
/// How many gains [`fit`] tries at most.
const MAX_TRIES: usize = 12;

/// The loudness every sound is made to have at `volume` (0-100); `None` at 0: silence.
pub fn target(volume: u8) -> Option<f64> {
    (volume > 0).then(|| AT_DEFAULT_VOLUME + 20.0 * (f64::from(volume) / DEFAULT_VOLUME).log10())
}

/// The loudness of `samples` (full scale ±1.0, mono) in LUFS; `None` when it is silent.
pub fn measure(samples: &[f64], rate: u32) -> Option<f64> {
    let part = sounding(samples);
    if part.is_empty() {
        return None;
    }
    let ms = part.len() * 1000 / rate as usize;
    let l = if ms >= GATED_FROM_MS {
        let mut m = EbuR128::new(1, rate, Mode::I).ok()?;
        m.add_frames_f64(part).ok()?;
        m.loudness_global().ok()?
    } else {
        let window = u32::try_from(ms.max(1)).ok()?;
        let mut m = EbuR128::new(1, rate, Mode::M).ok()?;
        m.set_max_window(window).ok()?;
        m.add_frames_f64(part).ok()?;
        m.loudness_window(window).ok()?
    };
    l.is_finite().then_some(l)
}

/// The 16-bit `original` made as loud as `target` (LUFS), limited at [`CEILING`], as ±1.0
/// samples; with the loudness reached, or `None` for silence, which is left as it is.
///
/// Limiting takes a little loudness away, more the harder it works, so the gain is found by
/// trying: each try starts again from the original samples with the gain corrected by what
/// the last one fell short. Loudness only grows with the gain, so this closes in from below.
/// The tries start again from `original` itself, not from a copy of it as ±1.0: a phrase of
/// speech is tens of thousands of samples, and two are rendered at once.
pub fn fit(original: &[i16], rate: u32, target: f64) -> (Vec<f64>, Option<f64>) {
    let mut samples = from_i16(original);
    let Some(level) = measure(&samples, rate) else {
        return (samples, None);
    };
    let mut gain_db = target - level;
    let mut reached = target;
    for _ in 0..MAX_TRIES {
        let gain = 10f64.powf(gain_db / 20.0);
        for (s, &o) in samples.iter_mut().zip(original) {
            *s = f64::from(o) / 32768.0 * gain;
        }
        limit(&mut samples, rate, CEILING);
        let Some(now) = measure(&samples, rate) else {
            return (samples, None);
        };
        reached = now;
        if (target - reached).abs() < 0.05 {
            break;
        }
        gain_db += target - reached;
    }
    (samples, Some(reached))
}

/// Lowers the gain wherever a sample would pass `ceiling`: the gain dips smoothly just
/// before a peak (a backward pass) and recovers slowly after it (a forward pass). Both
/// passes only ever lower the gain, so no sample ends above the ceiling.
pub fn limit(samples: &mut [f64], rate: u32, ceiling: f64) {
    if !samples.iter().any(|s| s.abs() > ceiling) {
        return;
    }
    let per_sample = |secs: f64| 1.0 - (-1.0 / (secs * f64::from(rate))).exp();
    let (release, attack) = (per_sample(RELEASE_S), per_sample(ATTACK_S));
    let mut gain: Vec<f64> = samples
        .iter()
        .map(|s| {
            if s.abs() > ceiling {
                ceiling / s.abs()
            } else {
                1.0
            }
        })
        .collect();
    for i in 1..gain.len() {
        gain[i] = gain[i].min(gain[i - 1] + (1.0 - gain[i - 1]) * release);
    }
    for i in (0..gain.len().saturating_sub(1)).rev() {
        gain[i] = gain[i].min(gain[i + 1] + (1.0 - gain[i + 1]) * attack);
    }
    for (s, g) in samples.iter_mut().zip(gain) {
        *s *= g;
    }
}

/// The samples from the first to the last that is not silence.
fn sounding(samples: &[f64]) -> &[f64] {
    let peak = samples.iter().fold(0.0f64, |m, s| m.max(s.abs()));
    if peak == 0.0 {
        return &[];
    }
    let floor = peak * SILENCE;
    let first = samples.iter().position(|s| s.abs() > floor).unwrap_or(0);
    let last = samples.iter().rposition(|s| s.abs() > floor).unwrap_or(0);
    &samples[first..=last]
}

/// 16-bit samples as ±1.0.
pub fn from_i16(samples: &[i16]) -> Vec<f64> {
    samples.iter().map(|&s| f64::from(s) / 32768.0).collect()
}

/// ±1.0 samples as 16-bit, rounded (and held inside the range).
pub fn to_i16(samples: &[f64]) -> Vec<i16> {
    samples
        .iter()
        .map(|s| (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}
