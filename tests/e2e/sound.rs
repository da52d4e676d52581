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
    Command::new(crate::BIN)
        .args(args)
        .env("PATH", path)
        .env("KNOTLESS_CONFIG_DIR", config)
        .env("KNOTLESS_DATA_DIR", config.join("data"))
        .env("XDG_STATE_HOME", crate::common::state_home())
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
        o.contains("player: none found (looked for pw-play, paplay, aplay, afplay)"),
        "{o}"
    );
    assert!(o.contains("terminal bell"), "{o}");
    assert!(o.contains("speech: none found"), "{o}");
    assert!(o.contains("sudo apt install pipewire-bin"), "{o}");
    assert!(o.contains("sudo apt install espeak-ng"), "{o}");
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
        let out = Command::new(crate::BIN)
            .args(["check"])
            .env("KNOTLESS_CONFIG_DIR", c.path())
            .env("KNOTLESS_DATA_DIR", c.path().join("data"))
            .env("XDG_STATE_HOME", crate::common::state_home())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let o = text(&out.stdout) + &text(&out.stderr);
        assert!(o.contains("config.toml:1:"), "{bad}: {o}");
        assert!(o.contains(said), "{bad}: {o}");
    }
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
        cues::step_phrases(&r.steps[0], None)[0],
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
}

#[test]
fn a_player_that_hangs_is_killed_and_one_that_fails_is_reported_once() {
    let b = bin(&[("pw-play", "echo junk >&2; exec sleep 30")]);
    let k = tempfile::tempdir().unwrap();
    let r = Library::load(None).routines[0].clone();
    let mut a = found_in(b.path(), &cfg(SoundMode::Tones, Voice::Off), true, false)
        .with_cache(Some(k.path().to_path_buf()));
    a.prepare(&r);
    assert_eq!(a.perform(&Cue::Tone(Tone::Step)), Performed::Nothing);
    assert_eq!(a.running(), 1);
    // Killed after the limit (a few seconds; this waits for the reaper, not for a timer).
    let until = Instant::now() + audio::TONE_LIMIT + Duration::from_secs(10);
    while a.running() > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(a.running(), 0, "the hung player was not killed");

    let b = bin(&[("pw-play", "exit 3")]);
    let mut a = found_in(b.path(), &cfg(SoundMode::Tones, Voice::Off), true, false)
        .with_cache(Some(k.path().to_path_buf()));
    a.prepare(&r);
    a.take_notice();
    for _ in 0..3 {
        a.perform(&Cue::Tone(Tone::Step));
        let until = Instant::now() + Duration::from_secs(10);
        while a.running() > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    a.perform(&Cue::Tone(Tone::Step));
    let n = a.take_notice().expect("a failing player is reported");
    assert!(n.contains("pw-play is failing"), "{n}");
    a.perform(&Cue::Tone(Tone::Step));
    assert_eq!(a.take_notice(), None);
}

/// Real speech: espeak-ng renders a fixture step's phrase, and sox must read the file as
/// more than half a second long and not silent. `.ci/run` installs both; by hand, without
/// them, the test says it skipped.
#[test]
fn real_speech_renders_a_step_to_a_file_sox_can_hear() {
    let missing: Vec<&str> = ["espeak-ng", "sox"]
        .into_iter()
        .filter(|t| which::which(t).is_err())
        .collect();
    if !missing.is_empty() {
        println!(
            "SKIPPED real_speech_renders_a_step_to_a_file_sox_can_hear: {} not installed (sudo apt install espeak-ng sox)",
            missing.join(" and ")
        );
        return;
    }
    let k = tempfile::tempdir().unwrap();
    let lib = Library::load(None);
    let r = lib.routine("neck-release").unwrap();
    let phrase = cues::step_phrases(&r.steps[0], None).remove(0);
    // A stand-in player so rendering is chosen (it needs something to play the file with).
    let b = bin(&[("pw-play", "true")]);
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
    let lens = a.prepare(r);
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
