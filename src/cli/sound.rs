//! `knotless sound test`: which player and speech command were found, each cue played once
//! with its name and how it went (played, failed, timed out), and plainly what is missing
//! and how to get it. Exits 1 when a cue could not be played.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use crate::app::plain::BellOut;
use crate::audio::{self, Audio, Tried, find};
use crate::core::cues::{Cue, Tone};
use crate::core::loudness;
use crate::library::Library;
use crate::model::config::{SoundConfig, SoundMode, TimeLeft, Voice};
use crate::model::format::{Neutralise, SafeWriter};

/// The phrase the voice says in the test.
const PHRASE: &str = "Suboccipital hold. One and a half minutes.";

/// How the test went.
pub struct Report {
    /// Cues that were tried and did not play.
    pub failed: usize,
}

/// Runs the test, writing to `out`; `bell_reaches`: `out` is a terminal, where the bell
/// demonstration is heard.
pub fn test<W: BellOut>(
    lib: &Library,
    quiet: bool,
    bell_reaches: bool,
    out: &mut W,
) -> io::Result<Report> {
    let cfg = &lib.config.sound;
    settings_line(cfg, out)?;
    if quiet {
        writeln!(out, "(--quiet silences sessions; this test plays anyway)")?;
    }
    match cfg.sound {
        SoundMode::Off => writeln!(
            out,
            "(sound = \"off\": sessions play nothing at all; this test plays what they would with sound on)"
        )?,
        SoundMode::Bell => writeln!(
            out,
            "(sound = \"bell\": sessions ring the terminal bell only; this test plays the tones too)"
        )?,
        SoundMode::Auto | SoundMode::Tones => {}
    }
    let voice_volume = cfg.voice_volume.unwrap_or(cfg.volume);
    if cfg.volume == 0 && voice_volume == 0 {
        writeln!(
            out,
            "\nthe sound is off: volume = 0, so no tone, voice or bell is played and nothing is started.\nSet volume (1-100, default 25) in config.toml to hear the cues."
        )?;
        return Ok(Report { failed: 0 });
    }
    // Look for everything, whatever the settings, so the test can say what would work.
    let probe = SoundConfig {
        sound: SoundMode::Tones,
        voice: Voice::Steps,
        volume: cfg.volume.max(1),
        voice_volume: Some(voice_volume.max(1)),
        ..cfg.clone()
    };
    let mut a = Audio::new(&probe, true, false);
    let mut missing = Vec::new();
    found_lines(&a, cfg.sound, &mut missing, out)?;
    let mut failed = 0;
    if a.player().is_some() {
        failed += play_tones(&mut a, cfg, out)?;
    } else {
        if cfg.sound == SoundMode::Auto {
            write!(
                out,
                "\nno tones to play; a session would ring the terminal bell now:"
            )?;
            if bell_reaches {
                out.bell()?;
            }
            writeln!(out)?;
        } else {
            writeln!(out, "\nno tones to play.")?;
        }
    }
    if a.speech().is_some() {
        failed += play_voice(&mut a, out)?;
    }
    a.shutdown();
    if missing.is_empty() && failed == 0 {
        writeln!(out, "\nnothing missing.")?;
    }
    if failed > 0 {
        writeln!(
            out,
            "\n{failed} cue{} could not be played{}",
            if failed == 1 { "" } else { "s" },
            match cfg.sound {
                SoundMode::Auto =>
                    ": sessions ring the terminal bell instead when the player fails.",
                _ => ".",
            }
        )?;
    }
    if !missing.is_empty() {
        writeln!(out, "\nmissing:")?;
        for m in missing {
            writeln!(out, "  {m}")?;
        }
    }
    if let Some(dir) = audio::cache_dir() {
        writeln!(out, "cache: {}", dir.display())?;
    }
    Ok(Report { failed })
}

fn settings_line(cfg: &SoundConfig, out: &mut dyn Write) -> io::Result<()> {
    let voice_volume = cfg
        .voice_volume
        .map(|v| format!(", voice_volume = {v}"))
        .unwrap_or_default();
    writeln!(
        out,
        "settings: sound = \"{}\", voice = \"{}\", volume = {}{voice_volume}, breath_cues = {}, countdown = {}, pause_cues = {}, time_left = \"{}\"",
        SoundMode::NAMES[cfg.sound as usize],
        Voice::NAMES[cfg.voice as usize],
        cfg.volume,
        cfg.breath_cues,
        cfg.countdown,
        cfg.pause_cues,
        TimeLeft::NAMES[cfg.time_left as usize],
    )
}

/// The player and speech command found, or what to install.
fn found_lines(
    a: &Audio,
    mode: SoundMode,
    missing: &mut Vec<String>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match a.player() {
        Some(p) => writeln!(out, "player: {} ({})", p.name, where_(p))?,
        None => {
            writeln!(
                out,
                "player: none found (looked for {}){}",
                names(find::PLAYERS.iter().map(|p| p.0)),
                if mode == SoundMode::Auto {
                    "; sessions ring the terminal bell instead"
                } else {
                    ""
                }
            )?;
            missing.push(format!("a sound player — {}", find::PLAYER_PACKAGES));
        }
    }
    match a.speech() {
        Some(s) => writeln!(
            out,
            "speech: {} ({}){}",
            s.name,
            where_(s),
            if s.render.is_some() {
                ", renders phrases to files ahead of a session"
            } else if s.name == "spd-say" {
                ", speaks through speech-dispatcher (lengths are estimated; m, a skip or a \
stop cannot cut a phrase short there: install espeak-ng for that)"
            } else {
                ", speaks directly (lengths are estimated)"
            }
        ),
        None => {
            missing.push(format!(
                "a speech command, for voice = \"steps\" — {}",
                find::SPEECH_PACKAGES
            ));
            writeln!(
                out,
                "speech: none found (looked for {})",
                names(find::SPEAKERS.iter().map(|s| s.0))
            )
        }
    }
}

/// Each tone once, by name: how it went. Returns how many did not play.
fn play_tones<W: Write>(a: &mut Audio, cfg: &SoundConfig, out: &mut W) -> io::Result<usize> {
    let Some(level) = loudness::target(cfg.volume.max(1)) else {
        return Ok(0);
    };
    match a.write_tones(level) {
        Ok(dir) => writeln!(out, "tone files: {}", dir.display())?,
        Err(e) => {
            let place = crate::audio::cache_dir()
                .map(|d| format!(" in {}", d.display()))
                .unwrap_or_default();
            writeln!(
                out,
                "tone files: could not be written{place} ({}); the cache folder must be a folder you can write to",
                crate::files::describe(&e)
            )?
        }
    }
    writeln!(out, "\nplaying each cue once:")?;
    let mut failed = 0;
    for t in Tone::ALL {
        write!(out, "  {:<13} {} … ", t.name(), t.describe())?;
        out.flush()?;
        let tried = a.try_cue(&Cue::Tone(t));
        failed += usize::from(tried != Tried::Played);
        writeln!(out, "{}", said(&tried))?;
        // A moment between cues so each can be told apart.
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    Ok(failed)
}

/// The voice once: rendered (where the command can), then played. Returns 1 if it did not.
fn play_voice<W: Write>(a: &mut Audio, out: &mut W) -> io::Result<usize> {
    let rendered = a.render_one(PHRASE);
    write!(out, "  {:<13} \"{PHRASE}\"", "voice")?;
    if let Some((_, len)) = &rendered {
        write!(out, " ({:.1} s)", len.as_secs_f64())?;
    }
    write!(out, " … ")?;
    out.flush()?;
    let tried = a.try_cue(&Cue::Say(PHRASE.to_string()));
    writeln!(out, "{}", said(&tried))?;
    Ok(usize::from(tried != Tried::Played))
}

fn said(t: &Tried) -> String {
    match t {
        Tried::Played => "played".into(),
        Tried::Failed(why) => format!("failed ({why})"),
        Tried::TimedOut => {
            "timed out: still playing long after it should have ended, stopped".into()
        }
        Tried::NotStarted(why) => format!("not played ({why})"),
    }
}

fn where_(f: &find::Found) -> String {
    match &f.path {
        Some(p) => p.display().to_string(),
        None => format!("from config.toml: {}", f.run.display()),
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

/// `knotless sound test`: exit 1 when a cue could not be played.
/// SIGINT (Ctrl-C), SIGTERM and SIGHUP end the test at once, and whatever it has started
/// with it: a player that is a script would otherwise play on (its own children are not
/// asked to die with knotless).
fn stop_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                crate::audio::stop_all();
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

pub fn test_cmd(
    g: &crate::cli::args::Global,
    paths: &crate::store::paths::Paths,
) -> crate::cli::Outcome {
    let lib = crate::cli::load_library(paths);
    stop_on_signals()?;
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = SafeWriter::new(crate::cli::PipeOut::new(stdout.lock()), Neutralise::Replace);
    let report = test(&lib, g.quiet, terminal, &mut out)?;
    out.flush()?;
    Ok(if report.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
