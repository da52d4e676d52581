//! Sound synthesis: the samples of each [`Tone`], and their WAV bytes. Pure arithmetic —
//! writing the files and playing them is `crate::audio`'s job.
//!
//! Every note is a sine with a raised-cosine fade in and out (no click at either end), a
//! gentle decay like a struck bell, and silence padding at both ends of the file. Notes
//! never overlap, so the loudest sample is the volume asked for, never more. The breathing
//! tones glide: in rises a fourth from 330 Hz, out falls from 294 Hz to 220 Hz, so the two
//! differ in pitch as well as direction.

use std::f64::consts::TAU;
use std::io::Cursor;
use std::time::Duration;

use crate::core::cues::Tone;

/// Samples a second: plenty for soft tones below 1 kHz, and small files.
pub const SAMPLE_RATE: u32 = 22_050;
/// Silence at each end of a file, so a player that starts or stops abruptly cannot click.
const PAD_MS: u32 = 15;
const FADE_IN_MS: f64 = 20.0;
const FADE_OUT_MS: f64 = 60.0;

/// One note: a pitch that may glide, its length, where it starts, and its loudness relative
/// to the tone's volume.
#[derive(Debug, Clone, Copy)]
struct Note {
    from_hz: f64,
    to_hz: f64,
    start_ms: u32,
    length_ms: u32,
    gain: f64,
    /// How quickly it fades as it sounds (seconds to fall to about a third); large = level.
    decay_s: f64,
}

const fn note(hz: f64, start_ms: u32, length_ms: u32) -> Note {
    Note {
        from_hz: hz,
        to_hz: hz,
        start_ms,
        length_ms,
        gain: 1.0,
        decay_s: 0.6,
    }
}

const fn glide(from_hz: f64, to_hz: f64, length_ms: u32) -> Note {
    Note {
        from_hz,
        to_hz,
        start_ms: 0,
        length_ms,
        gain: 1.0,
        decay_s: 10.0,
    }
}

fn notes(tone: Tone) -> Vec<Note> {
    match tone {
        // C5 then E5.
        Tone::Step => vec![note(523.25, 0, 200), note(659.26, 240, 320)],
        // A4, D5, A4: quick and unlike anything else.
        Tone::Switch => vec![
            note(440.0, 0, 120),
            note(587.33, 160, 120),
            note(440.0, 320, 160),
        ],
        Tone::In => vec![glide(330.0, 440.0, 500)],
        Tone::Out => vec![glide(293.66, 220.0, 600)],
        Tone::Hold => vec![Note {
            decay_s: 10.0,
            ..note(349.23, 0, 260)
        }],
        Tone::Tick => vec![Note {
            gain: 0.6,
            decay_s: 0.05,
            ..note(880.0, 0, 70)
        }],
        // G4, E4, C4, slow and low.
        Tone::End => vec![
            note(392.0, 0, 450),
            note(329.63, 500, 450),
            Note {
                decay_s: 1.2,
                ..note(261.63, 1000, 900)
            },
        ],
        // Two short low notes going down (D4, A3): "stopped for now".
        Tone::Pause => vec![note(293.66, 0, 140), note(220.0, 180, 200)],
        // The same notes going up: "on we go".
        Tone::Resume => vec![note(220.0, 0, 140), note(293.66, 180, 200)],
        // One soft high note that dies away like a small bell (A5).
        Tone::TimeLeft => vec![Note {
            decay_s: 0.25,
            ..note(880.0, 0, 300)
        }],
    }
}

/// The tone's samples at `volume` (0.0-1.0 of full scale), mono 16-bit.
pub fn samples(tone: Tone, volume: f64) -> Vec<i16> {
    let volume = volume.clamp(0.0, 1.0);
    let rate = f64::from(SAMPLE_RATE);
    let notes = notes(tone);
    let total = ms_to_samples(total_ms(&notes));
    let mut buf = vec![0.0f64; total];
    for n in &notes {
        let start = ms_to_samples(PAD_MS + n.start_ms);
        let len = ms_to_samples(n.length_ms);
        let fade_in = (FADE_IN_MS / 1000.0 * rate).min(len as f64 / 2.0);
        let fade_out = (FADE_OUT_MS / 1000.0 * rate).min(len as f64 / 2.0);
        let mut phase = 0.0f64;
        for i in 0..len {
            let t = i as f64 / rate;
            let frac = i as f64 / len.max(1) as f64;
            let hz = n.from_hz + (n.to_hz - n.from_hz) * frac;
            let env = raised(i as f64 / fade_in)
                * raised((len - 1 - i) as f64 / fade_out)
                * (-t / n.decay_s).exp();
            buf[start + i] += n.gain * env * phase.sin();
            phase = (phase + TAU * hz / rate) % TAU;
        }
    }
    // Notes never overlap, but make the promise hold whatever the table says.
    let peak = buf.iter().fold(0.0f64, |m, s| m.max(s.abs()));
    let scale = if peak > 1.0 { 1.0 / peak } else { 1.0 };
    let full = f64::from(i16::MAX) * volume * scale;
    buf.iter().map(|s| (s * full).round() as i16).collect()
}

/// The tone's samples at `loudness` (LUFS, see [`crate::core::loudness`]), mono 16-bit.
pub fn at_loudness(tone: Tone, loudness: f64) -> Vec<i16> {
    let mut s = samples(tone, 1.0);
    crate::core::loudness::fit(&mut s, SAMPLE_RATE, loudness);
    s
}

/// How many samples the tone's file holds.
pub fn frames(tone: Tone) -> usize {
    ms_to_samples(total_ms(&notes(tone)))
}

/// How long the tone lasts, padding included (worked out from its notes, nothing sounded;
/// the file is shorter by less than a sample).
pub fn length(tone: Tone) -> Duration {
    Duration::from_millis(u64::from(total_ms(&notes(tone))))
}

/// The notes' length with the silence at both ends, in milliseconds.
fn total_ms(notes: &[Note]) -> u32 {
    let end_ms = notes
        .iter()
        .map(|n| n.start_ms + n.length_ms)
        .max()
        .unwrap_or(0);
    PAD_MS + end_ms + PAD_MS
}

/// A mono 16-bit WAV file of `samples` at [`SAMPLE_RATE`].
pub fn wav_bytes(samples: &[i16]) -> Vec<u8> {
    wav_bytes_at(samples, SAMPLE_RATE)
}

/// A mono 16-bit WAV file of `samples` at `rate`.
pub fn wav_bytes_at(samples: &[i16], rate: u32) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    {
        let mut w = hound::WavWriter::new(&mut out, spec).expect("writing to memory cannot fail");
        for s in samples {
            w.write_sample(*s).expect("writing to memory cannot fail");
        }
        w.finalize().expect("writing to memory cannot fail");
    }
    out.into_inner()
}

/// The dominant frequency of `samples` by counting zero crossings over the sounding part
/// (samples above a hundredth of the peak): good enough to tell a high tone from a low one.
pub fn zero_crossing_hz(samples: &[i16], rate: u32) -> f64 {
    let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    let floor = peak / 100;
    let first = samples.iter().position(|s| s.unsigned_abs() > floor);
    let last = samples.iter().rposition(|s| s.unsigned_abs() > floor);
    let (Some(a), Some(b)) = (first, last) else {
        return 0.0;
    };
    let part = &samples[a..=b];
    let crossings = part.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
    if part.len() < 2 {
        return 0.0;
    }
    crossings as f64 / 2.0 / (part.len() as f64 / f64::from(rate))
}

/// 0 at x ≤ 0 rising smoothly to 1 at x ≥ 1.
fn raised(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    (1.0 - (std::f64::consts::PI * x).cos()) / 2.0
}

fn ms_to_samples(ms: u32) -> usize {
    (u64::from(ms) * u64::from(SAMPLE_RATE) / 1000) as usize
}
