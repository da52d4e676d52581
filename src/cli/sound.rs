//! `knotless sound test`: which player and speech command were found, each cue played once
//! with its name, and plainly what is missing and how to get it.

use std::io::{self, Write};

use crate::audio::{self, Audio, find};
use crate::core::cues::{Cue, Tone};
use crate::library::Library;
use crate::model::config::{SoundConfig, SoundMode, Voice};

pub fn test(lib: &Library, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let cfg = &lib.config.sound;
    writeln!(
        out,
        "settings: sound = \"{}\", voice = \"{}\", volume = {}, breath_cues = {}, countdown = {}",
        SoundMode::NAMES[cfg.sound as usize],
        Voice::NAMES[cfg.voice as usize],
        cfg.volume,
        cfg.breath_cues,
        cfg.countdown
    )?;
    if quiet {
        writeln!(out, "(--quiet silences sessions; this test plays anyway)")?;
    }
    // Look for everything, whatever the settings, so the test can say what would work.
    let probe = SoundConfig {
        sound: SoundMode::Tones,
        voice: Voice::Steps,
        ..cfg.clone()
    };
    let mut a = Audio::new(&probe, true, false);
    let missing = found(&a, out)?;
    if a.player().is_some() {
        play_tones(&mut a, cfg.volume, out)?;
    } else {
        writeln!(
            out,
            "\nno tones to play; a session would ring the terminal bell now:\x07"
        )?;
    }
    if a.speech().is_some() {
        say_one(&mut a, out)?;
    }
    if missing.is_empty() {
        writeln!(out, "\nnothing missing.")?;
    } else {
        writeln!(out, "\nmissing:")?;
        for m in missing {
            writeln!(out, "  {m}")?;
        }
    }
    if let Some(dir) = audio::cache_dir() {
        writeln!(out, "cache: {}", dir.display())?;
    }
    Ok(())
}

/// Which player and speech command were found (and where); returns what is missing, with
/// how to get it.
fn found(a: &Audio, out: &mut dyn Write) -> io::Result<Vec<String>> {
    let mut missing = Vec::new();
    match a.player() {
        Some(p) => writeln!(out, "player: {} ({})", p.name, where_(p))?,
        None => {
            writeln!(
                out,
                "player: none found (looked for {}); sessions ring the terminal bell instead",
                names(find::PLAYERS.iter().map(|p| p.0))
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
                ", renders phrases to files before a session"
            } else {
                ", speaks directly (lengths are estimated)"
            }
        )?,
        None => {
            writeln!(
                out,
                "speech: none found (looked for {})",
                names(find::SPEAKERS.iter().map(|s| s.0))
            )?;
            missing.push(format!(
                "a speech command, for voice = \"steps\" — {}",
                find::SPEECH_PACKAGES
            ));
        }
    }
    Ok(missing)
}

/// Each tone once, with its name and how it went.
fn play_tones(a: &mut Audio, volume: u8, out: &mut dyn Write) -> io::Result<()> {
    let volume = f64::from(volume) / 100.0;
    match a.write_tones(volume) {
        Ok(dir) => writeln!(out, "tone files: {}", dir.display())?,
        Err(e) => writeln!(out, "tone files: could not be written ({e})")?,
    }
    writeln!(out, "\nplaying each cue once:")?;
    for t in Tone::ALL {
        write!(out, "  {:<13} {} … ", t.name(), t.describe())?;
        out.flush()?;
        let r = a.perform_and_wait(&Cue::Tone(t));
        writeln!(out, "{}", r.err().unwrap_or_else(|| "ok".into()))?;
        // A moment between cues so each can be told apart.
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    Ok(())
}

/// One phrase spoken, with its length when it was rendered first.
fn say_one(a: &mut Audio, out: &mut dyn Write) -> io::Result<()> {
    let phrase = "Suboccipital hold. One and a half minutes.";
    let rendered = a.render_one(phrase);
    write!(out, "  {:<13} \"{phrase}\"", "voice")?;
    if let Some((_, len)) = &rendered {
        write!(out, " ({:.1} s)", len.as_secs_f64())?;
    }
    write!(out, " … ")?;
    out.flush()?;
    let r = a.perform_and_wait(&Cue::Say(phrase.to_string()));
    writeln!(out, "{}", r.err().unwrap_or_else(|| "ok".into()))?;
    Ok(())
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

/// `knotless sound test`.
pub fn test_cmd(
    g: &crate::cli::args::Global,
    paths: &crate::store::paths::Paths,
    out: &mut dyn Write,
) -> crate::cli::Outcome {
    let lib = crate::cli::load_library(paths);
    test(&lib, g.quiet, out)?;
    Ok(std::process::ExitCode::SUCCESS)
}
