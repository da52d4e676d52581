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
    let (first, last) = sounding(samples.len(), |i| samples[i])?;
    let part = &samples[first..=last];
    let mut m = Meter::new(part.len(), rate)?;
    m.add(part)?;
    m.loudness()
}

/// `samples` (16-bit) made as loud as `target` (LUFS), limited at [`CEILING`], written over
/// in place; with the loudness reached, or `None` for silence, which is left as it is.
///
/// Limiting takes a little loudness away, more the harder it works, so the gain is found by
/// trying: each try starts again from the original samples with the gain corrected by what
/// the last one fell short. Loudness only grows with the gain, so this closes in from below.
///
/// A phrase of speech is tens of thousands of samples and two are made at once, so what is
/// held is the 16-bit samples and, only when a try needs limiting, one gain per sample: each
/// try's ±1.0 samples are worked out as they are measured, a block at a time, and the
/// result is written over the original only once the gain is found. The samples and the
/// loudness are exactly those of limiting and measuring a whole ±1.0 copy.
pub fn fit(samples: &mut [i16], rate: u32, target: f64) -> Option<f64> {
    let original: &[i16] = samples;
    let level = Loud {
        original,
        gain: 1.0,
        limiter: None,
    }
    .measure(rate)?;
    let mut gain_db = target - level;
    let mut reached;
    let mut tries = 0;
    let loud = loop {
        tries += 1;
        let gain = 10f64.powf(gain_db / 20.0);
        let limiter = limiter(original, gain, rate, CEILING);
        let loud = Loud {
            original,
            gain,
            limiter,
        };
        // Silent after limiting: left as it is.
        reached = loud.measure(rate)?;
        if (target - reached).abs() < 0.05 || tries == MAX_TRIES {
            break (gain, loud.limiter);
        }
        gain_db += target - reached;
    };
    let (gain, limiter) = loud;
    for (i, s) in samples.iter_mut().enumerate() {
        let v = at(*s, gain, limiter.as_ref().map_or(1.0, |l| l[i]));
        *s = (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
    }
    Some(reached)
}

/// One try of [`fit`]: the original samples at a gain, and the limiter's gain per sample
/// when the try needs one.
struct Loud<'a> {
    original: &'a [i16],
    gain: f64,
    limiter: Option<Vec<f64>>,
}

impl Loud<'_> {
    fn at(&self, i: usize) -> f64 {
        at(
            self.original[i],
            self.gain,
            self.limiter.as_ref().map_or(1.0, |l| l[i]),
        )
    }

    /// [`measure`] of these samples, fed to the meter a block at a time.
    fn measure(&self, rate: u32) -> Option<f64> {
        let (first, last) = sounding(self.original.len(), |i| self.at(i))?;
        let mut block = [0.0f64; 4096];
        let mut m = Meter::new(last + 1 - first, rate)?;
        let mut i = first;
        while i <= last {
            let len = block.len().min(last + 1 - i);
            for (k, b) in block[..len].iter_mut().enumerate() {
                *b = self.at(i + k);
            }
            m.add(&block[..len])?;
            i += len;
        }
        m.loudness()
    }
}

/// The loudness meter for a sound of `len` samples: gated for a long one, the plain
/// K-weighted level over the whole of a short one.
struct Meter {
    meter: EbuR128,
    /// For a short sound, the window its level is read over, ms.
    window: Option<u32>,
}

impl Meter {
    fn new(len: usize, rate: u32) -> Option<Meter> {
        let ms = len * 1000 / rate as usize;
        if ms >= GATED_FROM_MS {
            let meter = EbuR128::new(1, rate, Mode::I).ok()?;
            return Some(Meter {
                meter,
                window: None,
            });
        }
        let window = u32::try_from(ms.max(1)).ok()?;
        let mut meter = EbuR128::new(1, rate, Mode::M).ok()?;
        meter.set_max_window(window).ok()?;
        Some(Meter {
            meter,
            window: Some(window),
        })
    }

    fn add(&mut self, samples: &[f64]) -> Option<()> {
        self.meter.add_frames_f64(samples).ok()
    }

    fn loudness(&self) -> Option<f64> {
        let l = match self.window {
            None => self.meter.loudness_global().ok()?,
            Some(w) => self.meter.loudness_window(w).ok()?,
        };
        l.is_finite().then_some(l)
    }
}

/// The gain per sample that keeps `original` at `gain` under `ceiling`, or `None` when no
/// sample passes it: the gain dips smoothly just before a peak (a backward pass) and
/// recovers slowly after it (a forward pass). Both passes only ever lower the gain, so no
/// sample ends above the ceiling.
fn limiter(original: &[i16], gain: f64, rate: u32, ceiling: f64) -> Option<Vec<f64>> {
    let scaled = |o: i16| at(o, gain, 1.0);
    if !original.iter().any(|&o| scaled(o).abs() > ceiling) {
        return None;
    }
    let per_sample = |secs: f64| 1.0 - (-1.0 / (secs * f64::from(rate))).exp();
    let (release, attack) = (per_sample(RELEASE_S), per_sample(ATTACK_S));
    let mut g: Vec<f64> = original
        .iter()
        .map(|&o| {
            let s = scaled(o);
            if s.abs() > ceiling {
                ceiling / s.abs()
            } else {
                1.0
            }
        })
        .collect();
    for i in 1..g.len() {
        g[i] = g[i].min(g[i - 1] + (1.0 - g[i - 1]) * release);
    }
    for i in (0..g.len().saturating_sub(1)).rev() {
        g[i] = g[i].min(g[i + 1] + (1.0 - g[i + 1]) * attack);
    }
    Some(g)
}

/// A 16-bit sample as ±1.0, at `gain`, times the limiter's gain for it (1.0 for none).
fn at(original: i16, gain: f64, limit: f64) -> f64 {
    f64::from(original) / 32768.0 * gain * limit
}

/// Where the `n` samples `at` gives sound: the first and the last that is not silence, or
/// `None` when every one is.
fn sounding(n: usize, at: impl Fn(usize) -> f64) -> Option<(usize, usize)> {
    let peak = (0..n).fold(0.0f64, |m, i| m.max(at(i).abs()));
    if peak == 0.0 {
        return None;
    }
    let floor = peak * SILENCE;
    let first = (0..n).position(|i| at(i).abs() > floor).unwrap_or(0);
    let last = (0..n).rposition(|i| at(i).abs() > floor).unwrap_or(0);
    Some((first, last))
}

/// 16-bit samples as ±1.0.
pub fn from_i16(samples: &[i16]) -> Vec<f64> {
    samples.iter().map(|&s| f64::from(s) / 32768.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few seconds of a gliding tone with loud bursts: long enough to be fed to the meter
    /// in many blocks, and loud enough at +12 dB to need the limiter.
    fn speechlike(rate: u32, secs: f64) -> Vec<i16> {
        let n = (f64::from(rate) * secs) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                let burst = if (t * 3.0).fract() < 0.3 { 0.9 } else { 0.2 };
                (burst * (t * (220.0 + 80.0 * t) * std::f64::consts::TAU).sin() * 20000.0) as i16
            })
            .collect()
    }

    #[test]
    fn a_try_measured_in_blocks_is_measured_as_a_whole_copy_is() {
        let rate = 22_050;
        for secs in [0.1, 0.3, 2.7] {
            let original = speechlike(rate, secs);
            for gain in [1.0, 4.0] {
                let limiter = limiter(&original, gain, rate, CEILING);
                assert_eq!(limiter.is_some(), gain > 1.0, "{secs} s at {gain}");
                let whole: Vec<f64> = original
                    .iter()
                    .enumerate()
                    .map(|(i, &o)| {
                        f64::from(o) / 32768.0 * gain * limiter.as_ref().map_or(1.0, |l| l[i])
                    })
                    .collect();
                let blocks = Loud {
                    original: &original,
                    gain,
                    limiter,
                }
                .measure(rate);
                assert_eq!(blocks, measure(&whole, rate), "{secs} s at {gain}");
                assert!(blocks.is_some());
            }
        }
    }

    #[test]
    fn a_fitted_sound_is_as_loud_as_asked_and_under_the_ceiling() {
        let rate = 22_050;
        let mut samples = speechlike(rate, 2.7);
        let reached = fit(&mut samples, rate, -14.0).unwrap();
        assert!((reached + 14.0).abs() < 0.05, "{reached}");
        let now = measure(&from_i16(&samples), rate).unwrap();
        assert!((now + 14.0).abs() < 0.1, "{now}");
        let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(f64::from(peak) <= CEILING * 32768.0 + 1.0, "{peak}");
        let mut silence = vec![0i16; 1000];
        assert_eq!(fit(&mut silence, rate, -14.0), None);
        assert!(silence.iter().all(|&s| s == 0));
    }
}
