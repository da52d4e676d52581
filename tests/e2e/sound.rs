//! Sound and voice outside a session: `knotless sound test`, the settings and routine keys
//! that choose them, the files in the cache, detached children, and real speech rendered
//! by espeak-ng (measured with sox) when both are installed.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use knotless::audio::{self, Audio, Output as Out, Performed};
use knotless::core::cues::{self, Cue, Tone};
use knotless::library::Library;
use knotless::model::config::{SoundConfig, SoundMode, Voice};

use crate::common::home::{at_home, exec_at_home};
use crate::text;

/// A folder holding only the given scripts, to stand in for PATH.
fn bin(scripts: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, body) in scripts {
        let p = d.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    d
}

fn knotless(path: &Path, config: &Path, cache: &Path, args: &[&str]) -> Output {
    crate::common::knotless()
        .args(args)
        .env("PATH", path)
        .env("KNOTLESS_CONFIG_DIR", config)
        .env("KNOTLESS_DATA_DIR", config.join("data"))
        .env("KNOTLESS_CACHE_DIR", cache)
        .output()
        .unwrap()
}

#[test]
fn sound_test_with_nothing_installed_says_what_is_missing() {
    let empty = bin(&[]);
    let (c, k) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = knotless(empty.path(), c.path(), k.path(), &["sound", "test"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let o = text(&out.stdout);
    assert!(
        o.contains(
            "player: none found (looked for pw-play, paplay, aplay, afplay, play, mpv, ffplay)"
        ),
        "{o}"
    );
    assert!(o.contains("terminal bell"), "{o}");
    assert!(o.contains("speech: none found"), "{o}");
    assert!(o.contains("sudo apt install pipewire-bin"), "{o}");
    assert!(o.contains("sudo apt install espeak-ng"), "{o}");
    assert!(!o.contains("nothing missing"), "{o}");
    // Piped, the bell's demonstration rings nowhere and shows no stand-in character.
    assert!(!o.contains('\x07') && !o.contains('\u{fffd}'), "{o:?}");
    // At a terminal it rings there.
    let mut cmd = crate::common::knotless_pty();
    cmd.args(["sound", "test"]);
    for (k, v) in [
        ("PATH", empty.path()),
        ("KNOTLESS_CONFIG_DIR", c.path()),
        ("KNOTLESS_DATA_DIR", &c.path().join("data")),
        ("KNOTLESS_CACHE_DIR", k.path()),
    ] {
        cmd.env(k, v);
    }
    let t = crate::pty::Pty::spawn(cmd, 24, 200);
    // It ends at once; its output is read from the terminal afterwards.
    let start = Instant::now();
    while !text(&t.raw()).contains("cache:") {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            text(&t.raw())
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let raw = text(&t.raw());
    assert_eq!(raw.matches('\x07').count(), 1, "{raw:?}");
    assert!(!raw.contains('\u{fffd}'), "{raw:?}");
}

#[test]
fn sound_test_plays_every_cue_once_by_name_through_the_player_found() {
    let b = bin(&[("pw-play", "echo \"$1\" >> \"$0.played\"; echo junk >&2")]);
    let (c, k) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = knotless(b.path(), c.path(), k.path(), &["sound", "test"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let o = text(&out.stdout);
    assert!(
        o.contains(&format!(
            "player: pw-play ({})",
            b.path().join("pw-play").display()
        )),
        "{o}"
    );
    assert!(
        !o.contains("junk") && !text(&out.stderr).contains("junk"),
        "the player's stderr leaked"
    );
    let played = std::fs::read_to_string(b.path().join("pw-play.played")).unwrap();
    let files: Vec<&str> = played.lines().collect();
    assert_eq!(files.len(), Tone::ALL.len());
    for (t, f) in Tone::ALL.iter().zip(&files) {
        assert!(
            o.contains(&format!("  {:<13} {}", t.name(), t.describe())),
            "{o}"
        );
        assert!(f.ends_with(&format!("{}.wav", t.name())), "{f}");
        assert!(
            f.starts_with(k.path().to_str().unwrap()),
            "not in the cache: {f}"
        );
        let r = hound::WavReader::open(f).unwrap();
        assert!(r.duration() > 0);
        assert!(
            o.contains(&format!("  {:<13} {} … played", t.name(), t.describe())),
            "{o}"
        );
    }
    assert!(!o.contains("could not be played"), "{o}");
}

/// A player that fails: each cue says so, the test ends with what it means, and exits 1.
#[test]
fn sound_test_reports_each_cue_that_failed_and_exits_1() {
    let b = bin(&[("pw-play", "exit 3")]);
    let (c, k) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = knotless(b.path(), c.path(), k.path(), &["sound", "test"]);
    let o = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{o}");
    for t in Tone::ALL {
        assert!(
            o.contains(&format!(
                "  {:<13} {} … failed (exit 3)",
                t.name(),
                t.describe()
            )),
            "{o}"
        );
    }
    assert!(!o.contains("nothing missing"), "{o}");
    assert!(o.contains("10 cues could not be played"), "{o}");
    assert!(
        o.contains("terminal bell instead when the player fails"),
        "{o}"
    );
    // With sound off or tones only, sessions ring no bell: the test says what they do.
    for (mode, said) in [
        ("off", "sessions play nothing at all"),
        ("tones", "settings: sound = \"tones\""),
    ] {
        std::fs::write(
            c.path().join("config.toml"),
            format!("sound = \"{mode}\"\n"),
        )
        .unwrap();
        let o = text(&knotless(b.path(), c.path(), k.path(), &["sound", "test"]).stdout);
        assert!(o.contains(said), "{mode}: {o}");
        assert!(o.contains("10 cues could not be played."), "{mode}: {o}");
        assert!(!o.contains("bell"), "{mode}: {o}");
    }
}

#[test]
fn the_sound_settings_are_read_and_bad_ones_reported_with_a_position() {
    let c = tempfile::tempdir().unwrap();
    std::fs::write(
        c.path().join("config.toml"),
        "sound = \"tones\"\nvoice = \"steps\"\nbreath_cues = false\ncountdown = true\nvolume = 10\nplayer = \"mpv --really-quiet {file}\"\nspeech = \"espeak-ng -v en-gb -w {file} {text}\"\n",
    )
    .unwrap();
    let lib = Library::load(Some(c.path()));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    let s = &lib.config.sound;
    assert_eq!(s.sound, SoundMode::Tones);
    assert_eq!(s.voice, Voice::Steps);
    assert!(!s.breath_cues && s.countdown);
    assert_eq!(s.volume, 10);
    assert_eq!(s.player.as_deref(), Some("mpv --really-quiet {file}"));

    for (bad, said) in [
        ("sound = \"loud\"", "1:9: unknown sound \"loud\""),
        ("voice = \"all\"", "unknown voice \"all\""),
        ("volume = 150", "volume must be between 0 and 100, not 150"),
        ("player = \"mpv\"", "the player command has no {file} in it"),
        ("speech = \"say 'unclosed\"", "its quotes do not close"),
        ("breath_cues = \"yes\"", "`breath_cues` must be"),
    ] {
        std::fs::write(c.path().join("config.toml"), format!("{bad}\n")).unwrap();
        let out = crate::common::knotless()
            .args(["check"])
            .env("KNOTLESS_CONFIG_DIR", c.path())
            .env("KNOTLESS_DATA_DIR", c.path().join("data"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let o = text(&out.stdout) + &text(&out.stderr);
        assert!(o.contains("config.toml:1:"), "{bad}: {o}");
        assert!(o.contains(said), "{bad}: {o}");
    }
}

#[test]
fn check_says_when_a_configured_sound_command_is_not_installed() {
    let c = tempfile::tempdir().unwrap();
    let fake = tempfile::tempdir().unwrap();
    let (_, bin) = crate::sound_pty::fake_sound_bin(fake.path());
    let check = |config: &str| {
        std::fs::write(c.path().join("config.toml"), config).unwrap();
        let out = crate::common::knotless()
            .args(["check"])
            .env("KNOTLESS_CONFIG_DIR", c.path())
            .env("KNOTLESS_DATA_DIR", c.path().join("data"))
            .env("PATH", &bin)
            .output()
            .unwrap();
        (out.status.code(), text(&out.stdout) + &text(&out.stderr))
    };
    let (code, o) =
        check("player = \"no-such-player -q {file}\"\nspeech = \"no-such-voice {text}\"\n");
    // The file is fine: only this machine lacks the programs.
    assert_eq!(code, Some(0), "{o}");
    assert!(
        o.contains("the player command \"no-such-player\" is not installed here"),
        "{o}"
    );
    assert!(o.contains("the speech command \"no-such-voice\""), "{o}");
    assert!(o.contains("All good"), "{o}");
    let (code, o) = check("player = \"pw-play {file}\"\n");
    assert_eq!(code, Some(0), "{o}");
    assert!(!o.contains("not installed"), "{o}");
}

#[test]
fn a_step_may_say_a_short_line_and_a_routine_may_ask_for_quiet() {
    let lib = Library::load(None);
    let base = "name = \"R\"\narea = \"neck\"\naudio = \"quiet\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\n";
    let (r, probs) = lib.check_text("r.toml", &format!("{base}say = \"Let go.\"\n"));
    assert!(probs.is_empty(), "{probs:?}");
    let r = r.unwrap();
    assert_eq!(r.audio, knotless::model::routine::AudioHint::Quiet);
    assert_eq!(r.steps[0].say.as_deref(), Some("Let go."));
    assert_eq!(
        cues::step_phrases(&r.steps[0], None, false)[0],
        "T. Thirty seconds. Let go."
    );

    for (bad, said) in [
        ("say = \"  \"", "the step's `say` is empty"),
        (
            &format!("say = \"{}\"", "word ".repeat(40)),
            "a spoken cue must be at most 120",
        ),
        ("say = \"one\\ntwo\"", "one line of plain text"),
        ("sai = \"x\"", "did you mean `say`"),
    ] {
        let (_, probs) = lib.check_text("r.toml", &format!("{base}{bad}\n"));
        let all: Vec<String> = probs.iter().map(|p| p.to_string()).collect();
        assert!(all.iter().any(|p| p.contains(said)), "{bad}: {all:?}");
        assert!(
            all.iter().all(|p| p.starts_with("r.toml:7:")),
            "{bad}: {all:?}"
        );
    }
    let (_, probs) = lib.check_text("r.toml", &base.replace("quiet", "whisper"));
    assert!(
        probs[0]
            .to_string()
            .contains("unknown audio hint \"whisper\""),
        "{probs:?}"
    );
}

/// The sound found in the folders of `path` (a `PATH`-style list), never this process's `PATH`:
/// other tests start programs at the same time.
fn found_in(path: &Path, cfg: &SoundConfig, bell: bool, quiet: bool) -> Audio {
    Audio::searching(cfg, bell, quiet, Some(path.as_os_str()))
}

fn cfg(sound: SoundMode, voice: Voice) -> SoundConfig {
    SoundConfig {
        sound,
        voice,
        ..SoundConfig::default()
    }
}

#[test]
fn with_no_player_auto_rings_the_bell_and_says_so_once() {
    let empty = bin(&[]);
    let mut a = found_in(empty.path(), &cfg(SoundMode::Auto, Voice::Off), true, false);
    assert_eq!(a.output(), &Out::Bell);
    assert!(a.take_notice().unwrap().contains("using the terminal bell"));
    assert_eq!(a.take_notice(), None, "the notice comes once");
    assert_eq!(a.perform(&Cue::Tone(Tone::Step)), Performed::Bell);
    assert_eq!(
        a.perform(&Cue::Tone(Tone::In)),
        Performed::Nothing,
        "no bell per breath"
    );
    assert_eq!(a.perform(&Cue::Tone(Tone::End)), Performed::Bell);
    assert_eq!(a.take_notice(), None);
    // --quiet and `bell = false` silence even the bell; sound = "tones" never rings it.
    let quiet = found_in(
        empty.path(),
        &cfg(SoundMode::Auto, Voice::Steps),
        true,
        true,
    );
    assert_eq!(quiet.output(), &Out::Silent);
    assert!(quiet.options(Default::default()).is_silent());
    let no_bell = found_in(
        empty.path(),
        &cfg(SoundMode::Auto, Voice::Off),
        false,
        false,
    );
    assert_eq!(no_bell.output(), &Out::Silent);
    let tones = found_in(
        empty.path(),
        &cfg(SoundMode::Tones, Voice::Off),
        true,
        false,
    );
    assert_eq!(tones.output(), &Out::Silent);
    // Voice only, and no speech command: the bell marks each step instead, said once.
    let mut voice_only = found_in(
        empty.path(),
        &cfg(SoundMode::Off, Voice::Steps),
        true,
        false,
    );
    assert_eq!(voice_only.output(), &Out::Bell);
    let n = voice_only.take_notice().unwrap();
    assert!(n.contains("no speech command") && n.contains("bell"), "{n}");
    assert_eq!(voice_only.perform(&Cue::Tone(Tone::Step)), Performed::Bell);
    // A speech command that fails twice: the same.
    let b = bin(&[("spd-say", "exit 1")]);
    let mut a = found_in(b.path(), &cfg(SoundMode::Off, Voice::Steps), true, false);
    assert_eq!(a.output(), &Out::Silent);
    for _ in 0..2 {
        a.perform(&Cue::Say("Hello.".into()));
        let until = Instant::now() + Duration::from_secs(20);
        while a.busy() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    assert_eq!(a.perform(&Cue::Tone(Tone::Step)), Performed::Bell);
    let n = a.take_notice().unwrap();
    assert!(
        n.contains("spd-say failed (exit 1)") && n.contains("bell"),
        "{n}"
    );
    a.perform(&Cue::Say("Hello.".into()));
    assert_eq!(
        a.started(),
        2,
        "a broken speech command is not started again"
    );
}

/// A player that hangs (it is stopped some seconds after its sound should have ended) or
/// fails, twice in a row: one notice, and the terminal bell from then on.
#[test]
fn a_player_that_hangs_or_fails_twice_gives_way_to_the_bell_with_one_notice() {
    let r = Library::load(None).routines[0].clone();
    for (body, said) in [
        (
            "echo junk >&2; exec sleep 30",
            "pw-play did not finish playing",
        ),
        ("exit 3", "pw-play failed (exit 3)"),
    ] {
        let b = bin(&[("pw-play", body)]);
        let k = tempfile::tempdir().unwrap();
        let mut a = found_in(b.path(), &cfg(SoundMode::Tones, Voice::Off), true, false)
            .with_cache(Some(k.path().to_path_buf()));
        a.prepare(&r);
        assert_eq!(a.take_notice(), None);
        for i in 0..2 {
            assert_eq!(a.perform(&Cue::Tone(Tone::Step)), Performed::Nothing);
            // Started at once; a player that fails at once may already be reaped by the
            // next look, so what is asked is that it was started, not that it still runs.
            assert_eq!(a.started(), i + 1, "{body}: started");
            // Stopped after its limit (this waits for the scheduler, not for a timer).
            let until = Instant::now() + audio::scheduler::HANG_AFTER + Duration::from_secs(10);
            while a.running() > 0 && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(a.running(), 0, "{body}: still running");
        }
        assert_eq!(a.perform(&Cue::Tone(Tone::Step)), Performed::Bell, "{body}");
        let n = a.take_notice().expect("the broken player is reported");
        assert!(n.contains(said) && n.contains("terminal bell"), "{n}");
        assert_eq!(a.perform(&Cue::Tone(Tone::In)), Performed::Nothing);
        assert_eq!(a.perform(&Cue::Tone(Tone::End)), Performed::Bell);
        assert_eq!(a.take_notice(), None, "one notice");
        assert_eq!(a.started(), 2, "{body}: nothing more was started");
    }
}

/// Whether espeak-ng or sox is missing (the test `name` then says it skipped). `.ci/run`
/// installs both.
fn skipped_without_speech(name: &str) -> bool {
    let missing: Vec<&str> = ["espeak-ng", "sox"]
        .into_iter()
        .filter(|t| which::which(t).is_err())
        .collect();
    if !missing.is_empty() {
        println!(
            "SKIPPED {name}: {} not installed (sudo apt install espeak-ng sox)",
            missing.join(" and ")
        );
    }
    !missing.is_empty()
}

/// Real speech: espeak-ng renders a fixture step's phrase, and sox must read the file as
/// more than half a second long and not silent. `.ci/run` installs both; by hand, without
/// them, the test says it skipped.
#[test]
fn real_speech_renders_a_step_to_a_file_sox_can_hear() {
    if skipped_without_speech("real_speech_renders_a_step_to_a_file_sox_can_hear") {
        return;
    }
    let k = tempfile::tempdir().unwrap();
    let lib = Library::load(None);
    let r = lib.routine("neck-release").unwrap();
    let phrase = cues::step_phrases(&r.steps[0], None, false).remove(0);
    // A stand-in player so rendering is chosen (it needs something to play the file with),
    // and the real espeak-ng run at the tests' home.
    let real = which::which("espeak-ng").unwrap();
    let b = bin(&[("pw-play", "true"), ("espeak-ng", &exec_at_home(&real))]);
    let dirs = format!(
        "{}:{}",
        b.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut a = found_in(
        Path::new(&dirs),
        &cfg(SoundMode::Tones, Voice::Steps),
        true,
        false,
    )
    .with_cache(Some(k.path().to_path_buf()));
    assert_eq!(a.speech().map(|s| s.name.as_str()), Some("espeak-ng"));
    let (file, len) = a
        .render_one(&phrase)
        .expect("espeak-ng rendered the phrase");
    assert!(len > Duration::from_millis(500), "{phrase}: {len:?}");
    let stat = Command::new("sox")
        .arg(&file)
        .args(["-n", "stat"])
        .output()
        .unwrap();
    let s = text(&stat.stderr);
    let field = |name: &str| -> f64 {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split(':').nth(1))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in sox's output: {s}"))
    };
    assert!(field("Length (seconds)") > 0.5, "{s}");
    assert!(field("RMS     amplitude") > 0.005, "silent: {s}");
    assert!(field("Maximum amplitude") > 0.05, "silent: {s}");
    // The planner is given the measured length, not an estimate.
    a.prepare(r);
    let lens = a.wait_for_phrases(r, Instant::now() + Duration::from_secs(60));
    assert_eq!(lens.known(&phrase), Some(len));
}

/// The default build links no audio or speech library: sound and speech run as child
/// processes. (What `cargo tree` would show, read from the lock file.)
#[test]
fn no_audio_or_speech_crate_is_linked() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"'))
        .collect();
    assert!(names.contains(&"hound"), "the lock file was read");
    for n in &names {
        let banned = [
            "alsa",
            "cpal",
            "rodio",
            "portaudio",
            "pulse",
            "jack",
            "coreaudio",
            "tts",
            "speech",
            "espeak",
            "oboe",
        ];
        assert!(
            !banned.iter().any(|b| n.contains(b)),
            "{n} would link an audio or speech library"
        );
    }
}

/// Every phrase of every bundled step (with `voice = "full"`, so the pressure and the
/// caution too) as espeak-ng reads it (`espeak-ng -x` prints the phonemes it would say):
/// no dash or slash read out, no point id spelt letter by letter, no "two ex" or "thirty-z".
#[test]
fn every_bundled_phrase_reads_as_words_in_espeak() {
    let Ok(espeak) = which::which("espeak-ng") else {
        println!(
            "SKIPPED every_bundled_phrase_reads_as_words_in_espeak: espeak-ng not installed (sudo apt install espeak-ng)"
        );
        return;
    };
    let lib = Library::load(None);
    let opts = knotless::core::cues::CueOptions {
        voice: true,
        full_voice: true,
        ..knotless::core::cues::CueOptions::NONE
    };
    let mut checked = 0;
    for r in &lib.routines {
        // The longest version of each phrase holds every part the shorter ones have.
        let mut longest: Vec<String> = Vec::new();
        for p in cues::phrases(r, opts) {
            if !longest
                .iter()
                .any(|l| l.starts_with(p.trim_end_matches('.')))
            {
                longest.push(p);
            }
        }
        for p in longest {
            let words: Vec<&str> = p.split_whitespace().collect();
            for w in &words {
                let core = w.trim_matches(|c: char| !c.is_alphanumeric());
                let digits = core.chars().filter(char::is_ascii_digit).count();
                let caps = core.chars().take_while(char::is_ascii_uppercase).count();
                assert!(
                    !(caps >= 1 && digits >= 1 && caps + digits == core.len()),
                    "{}: a point id is spoken: {p}",
                    r.id
                );
                assert!(
                    !(digits >= 1 && (core.ends_with('x') || core.ends_with('s'))),
                    "{}: a count or unit is spoken as letters: {p}",
                    r.id
                );
                assert!(!w.contains('/'), "{}: a slash is spoken: {p}", r.id);
            }
            let out = at_home(Command::new(&espeak))
                .args(["-q", "-x", &p])
                .output()
                .unwrap();
            let phonemes = text(&out.stdout);
            for (said, what) in [("d'aS", "dash"), ("sl'aS", "slash")] {
                assert!(
                    !phonemes.contains(said),
                    "{}: espeak-ng says \"{what}\" in {p:?}: {phonemes}",
                    r.id
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} phrases");
}

/// The sounding part's RMS level by sox (no weighting): a second opinion on the loudness.
fn sox_rms_db(file: &Path) -> f64 {
    let out = Command::new("sox")
        .arg(file)
        .args(["-n", "silence", "1", "0.005", "0.1%", "reverse"])
        .args(["silence", "1", "0.005", "0.1%", "reverse", "stats"])
        .output()
        .unwrap();
    let s = text(&out.stderr);
    s.lines()
        .find(|l| l.starts_with("RMS lev dB"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no RMS level from sox: {s}"))
}

fn lufs(file: &Path) -> f64 {
    let w = audio::read_wav(file).unwrap();
    knotless::core::loudness::measure(&knotless::core::loudness::from_i16(&w.samples), w.rate)
        .unwrap()
}

/// Voice, tones and ticks at one loudness at every volume: measured on the files knotless
/// plays, the phrases rendered by the real espeak-ng. A change of volume renders nothing
/// again, and the voice can have a volume of its own.
#[test]
fn voice_tones_and_ticks_are_equally_loud_at_every_volume() {
    if skipped_without_speech("voice_tones_and_ticks_are_equally_loud_at_every_volume") {
        return;
    }
    let real = which::which("espeak-ng").unwrap();
    let renders = tempfile::tempdir().unwrap();
    let count = renders.path().join("count");
    // A player that plays nothing, and espeak-ng counted on its way through (run at the
    // tests' home).
    let b = bin(&[
        ("pw-play", "true"),
        (
            "espeak-ng",
            &format!("echo x >> '{}'; {}", count.display(), exec_at_home(&real)),
        ),
    ]);
    let k = tempfile::tempdir().unwrap();
    let lib = Library::load(None);
    let r = lib.routine("neck-release").unwrap();
    let renders_so_far = || {
        std::fs::read_to_string(&count)
            .unwrap_or_default()
            .lines()
            .count()
    };
    let mut figures = Vec::new();
    for (volume, voice_volume) in [
        (25, None),
        (10, None),
        (60, None),
        (100, None),
        (25, Some(50)),
    ] {
        let c = SoundConfig {
            volume,
            voice_volume,
            countdown: true,
            ..cfg(SoundMode::Tones, Voice::Steps)
        };
        let mut a = found_in(b.path(), &c, true, false).with_cache(Some(k.path().to_path_buf()));
        let before = renders_so_far();
        a.prepare(r);
        let lens = a.wait_for_phrases(r, Instant::now() + Duration::from_secs(120));
        let phrase = cues::step_phrases(&r.steps[1], None, false).remove(0);
        assert!(lens.known(&phrase).is_some(), "{phrase} was not rendered");
        if volume != 25 || voice_volume.is_some() {
            assert_eq!(renders_so_far(), before, "volume {volume}: rendered again");
        }
        let tones = k.path().join(format!(
            "tones-v2-lufs{:.1}",
            knotless::core::loudness::target(volume).unwrap()
        ));
        let voice_file = std::fs::read_dir(k.path().join("speech"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let want =
                    knotless::core::loudness::target(voice_volume.unwrap_or(volume)).unwrap();
                p.to_string_lossy().ends_with(&format!("lufs{want:.1}.wav"))
            })
            .max_by_key(|p| std::fs::metadata(p).unwrap().len())
            .expect("a played copy of a phrase");
        let (tone, tick, voice) = (
            lufs(&tones.join("breathe-in.wav")),
            lufs(&tones.join("tick.wav")),
            lufs(&voice_file),
        );
        let own = voice_volume.map_or(0.0, |v| 20.0 * (f64::from(v) / f64::from(volume)).log10());
        figures.push(format!(
            "volume {volume}{}: voice − tone {:+.1} LU, tick − tone {:+.1} LU (sox RMS: {:+.1} dB, {:+.1} dB)",
            voice_volume.map(|v| format!(", voice_volume {v}")).unwrap_or_default(),
            voice - tone,
            tick - tone,
            sox_rms_db(&voice_file) - sox_rms_db(&tones.join("breathe-in.wav")),
            sox_rms_db(&tones.join("tick.wav")) - sox_rms_db(&tones.join("breathe-in.wav")),
        ));
        assert!(
            (voice - tone - own).abs() <= 1.0,
            "{}",
            figures.last().unwrap()
        );
        assert!((tick - tone).abs() <= 1.0, "{}", figures.last().unwrap());
        // Nothing is louder than full scale less 1 dB.
        for f in [tones.join("tick.wav"), voice_file] {
            let w = audio::read_wav(&f).unwrap();
            let peak = w.samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
            assert!(
                f64::from(peak) <= 0.892 * 32768.0,
                "{}: peak {peak}",
                f.display()
            );
        }
    }
    println!("{}", figures.join("\n"));
}
