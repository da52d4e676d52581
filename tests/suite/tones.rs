//! The generated sounds, checked as numbers: in and out differ in pitch, nothing is louder
//! than the volume asked for, and no file starts or ends with a click.

use knotless::core::cues::Tone;
use knotless::core::tone::{self, SAMPLE_RATE, zero_crossing_hz};

#[test]
fn in_and_out_differ_in_dominant_frequency_by_a_fifth_at_least() {
    let hz_in = zero_crossing_hz(&tone::samples(Tone::In, 0.3), SAMPLE_RATE);
    let hz_out = zero_crossing_hz(&tone::samples(Tone::Out, 0.3), SAMPLE_RATE);
    assert!(
        hz_in > 300.0 && hz_out > 150.0,
        "in {hz_in:.0} Hz, out {hz_out:.0} Hz"
    );
    let ratio = hz_in / hz_out;
    assert!(
        ratio >= 1.2,
        "in {hz_in:.0} Hz vs out {hz_out:.0} Hz: only {ratio:.2}×"
    );
}

#[test]
fn the_zero_crossing_measure_finds_a_known_pitch() {
    // A plain 440 Hz sine, so the check above measures what it says.
    let s: Vec<i16> = (0..SAMPLE_RATE)
        .map(|i| {
            let t = f64::from(i) / f64::from(SAMPLE_RATE);
            ((std::f64::consts::TAU * 440.0 * t).sin() * 8000.0) as i16
        })
        .collect();
    let hz = zero_crossing_hz(&s, SAMPLE_RATE);
    assert!((hz - 440.0).abs() < 5.0, "{hz}");
}

#[test]
fn no_tone_is_louder_than_the_volume() {
    for volume in [0.05, 0.25, 0.6, 1.0] {
        for t in Tone::ALL {
            let s = tone::samples(t, volume);
            let peak = s.iter().map(|x| x.unsigned_abs()).max().unwrap();
            let limit = (f64::from(i16::MAX) * volume).ceil() as u16;
            assert!(
                peak <= limit,
                "{} at {volume}: peak {peak} > {limit}",
                t.name()
            );
            // And it is not silent (the tick is meant to be the softest, at about a third).
            assert!(
                peak as f64 >= limit as f64 * 0.25,
                "{} at {volume}: peak {peak}",
                t.name()
            );
        }
    }
}

#[test]
fn every_tone_starts_and_ends_at_silence() {
    for t in Tone::ALL {
        let s = tone::samples(t, 1.0);
        let near_zero = i16::MAX / 1000;
        for (what, x) in [("first", s[0]), ("last", s[s.len() - 1])] {
            assert!(x.abs() <= near_zero, "{}: {what} sample {x}", t.name());
        }
        // The fades are smooth: no jump between neighbours bigger than a sine can make.
        let max_step = s
            .windows(2)
            .map(|w| (w[1] as i32 - w[0] as i32).abs())
            .max()
            .unwrap();
        assert!(
            max_step < i32::from(i16::MAX) / 4,
            "{}: a step of {max_step}",
            t.name()
        );
    }
}

#[test]
fn tones_are_short_and_the_end_is_the_longest() {
    let end = tone::length(Tone::End);
    for t in Tone::ALL {
        let l = tone::length(t);
        assert!(
            l.as_millis() >= 80 && l.as_millis() <= 2_000,
            "{}: {l:?}",
            t.name()
        );
        assert!(l <= end, "{} is longer than the end chime", t.name());
    }
}

#[test]
fn the_wav_bytes_read_back_as_the_same_samples() {
    let s = tone::samples(Tone::Step, 0.25);
    let bytes = tone::wav_bytes(&s);
    assert_eq!(&bytes[..4], b"RIFF");
    let mut r = hound::WavReader::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(r.spec().sample_rate, SAMPLE_RATE);
    assert_eq!(r.spec().channels, 1);
    let back: Vec<i16> = r.samples::<i16>().map(Result::unwrap).collect();
    assert_eq!(back, s);
}

/// A cached tone is checked from its header alone: the header of a file as knotless
/// writes it gives the tone's rate and length, and a file cut short, a FIFO or a link to
/// a device is refused without reading on.
#[test]
fn a_tone_file_is_checked_from_its_header() {
    use knotless::audio::{WavError, WavHeader, read_wav_header, wav_length};
    let dir = tempfile::tempdir().unwrap();
    let t = Tone::End;
    let bytes = tone::wav_bytes(&tone::samples(t, 0.25));
    let whole = dir.path().join("whole.wav");
    std::fs::write(&whole, &bytes).unwrap();
    let h = read_wav_header(&whole).unwrap();
    assert_eq!(
        h,
        WavHeader {
            rate: SAMPLE_RATE,
            frames: tone::frames(t)
        }
    );
    assert_eq!(wav_length(&whole).unwrap(), h.length());
    let ms = h.length().as_millis().abs_diff(tone::length(t).as_millis());
    assert!(ms <= 1, "{:?} against {:?}", h.length(), tone::length(t));

    let short = dir.path().join("short.wav");
    std::fs::write(&short, &bytes[..bytes.len() - 2]).unwrap();
    assert!(matches!(read_wav_header(&short), Err(WavError::Format(_))));
    let not_wav = dir.path().join("text.wav");
    std::fs::write(&not_wav, "not a sound").unwrap();
    assert!(matches!(
        read_wav_header(&not_wav),
        Err(WavError::Format(_))
    ));
    #[cfg(unix)]
    {
        let link = dir.path().join("zero.wav");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(read_wav_header(&link), Err(WavError::Read(_))));
        let fifo = dir.path().join("fifo.wav");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        assert!(matches!(read_wav_header(&fifo), Err(WavError::Read(_))));
    }
}
