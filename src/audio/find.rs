//! Finding what can make sound: a WAV player and a speech command, configured or on PATH.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::model::config::SoundConfig;

/// A command line with `{file}` and `{text}` placeholders, split like a shell would split it
/// (no shell runs it: a phrase can never be taken as shell syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    words: Vec<String>,
}

impl Template {
    pub fn parse(line: &str) -> Option<Template> {
        let words = shell_words::split(line).ok()?;
        (!words.is_empty()).then_some(Template { words })
    }

    fn of(words: &[&str]) -> Template {
        Template {
            words: words.iter().map(|w| w.to_string()).collect(),
        }
    }

    /// Runs the program found at `path` (PATH is looked up once, at start-up).
    fn at(mut self, path: Option<&Path>) -> Template {
        if let Some(p) = path {
            self.words[0] = p.display().to_string();
        }
        self
    }

    pub fn program(&self) -> &str {
        &self.words[0]
    }

    pub fn has(&self, placeholder: &str) -> bool {
        self.words.iter().any(|w| w.contains(placeholder))
    }

    /// The command with the placeholders filled in; a phrase is one argument however many
    /// words it has, and never starts with a dash (it would be read as an option).
    pub fn command(&self, file: Option<&Path>, text: Option<&str>) -> Command {
        let file = file.map(|f| f.display().to_string()).unwrap_or_default();
        let text = text.map(|t| t.trim_start_matches('-')).unwrap_or_default();
        let mut words = self
            .words
            .iter()
            .map(|w| w.replace("{file}", &file).replace("{text}", text));
        let mut cmd = Command::new(words.next().unwrap_or_default());
        cmd.args(words);
        cmd
    }

    pub fn display(&self) -> String {
        self.words.join(" ")
    }
}

/// The players tried in order when none is configured: the system's own first, then the
/// general-purpose ones people have (sox's `play`, mpv, ffmpeg's ffplay), each told to stay
/// quiet, show no window and end with the file.
pub const PLAYERS: [(&str, &[&str]); 7] = [
    ("pw-play", &["pw-play", "{file}"]),
    ("paplay", &["paplay", "{file}"]),
    ("aplay", &["aplay", "-q", "{file}"]),
    ("afplay", &["afplay", "{file}"]),
    ("play", &["play", "-q", "{file}"]),
    (
        "mpv",
        &[
            "mpv",
            "--really-quiet",
            "--no-video",
            "--no-terminal",
            "{file}",
        ],
    ),
    (
        "ffplay",
        &[
            "ffplay",
            "-nodisp",
            "-autoexit",
            "-loglevel",
            "quiet",
            "{file}",
        ],
    ),
];

/// A known speech command: its name, how it speaks, and how it renders to a WAV if it can.
pub type Speaker = (
    &'static str,
    &'static [&'static str],
    Option<&'static [&'static str]>,
);

/// The speech commands tried in order when none is configured. espeak-ng renders at its
/// own loudness (the copy played is made as loud as the volume asks); spoken live — a
/// phrase not rendered in time — its amplitude is set to come near that loudness.
pub const SPEAKERS: [Speaker; 3] = [
    (
        "espeak-ng",
        &["espeak-ng", "-a", "{amp}", "{text}"],
        Some(&["espeak-ng", "-w", "{file}", "{text}"]),
    ),
    // `-w`: it waits while the phrase is spoken, so the phrase is known to be playing (no
    // chime over it) for as long as it is. The speaking itself is speech-dispatcher's, which
    // knotless did not start and cannot stop: `sound test` says so.
    ("spd-say", &["spd-say", "-w", "{text}"], None),
    ("say", &["say", "{text}"], None),
];

/// A program that was found: its name, where, and how to run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    pub path: Option<PathBuf>,
    /// Plays a file (a player) or speaks `{text}` aloud (speech).
    pub run: Template,
    /// Speech only: writes `{text}` as a WAV to `{file}`.
    pub render: Option<Template>,
}

/// Where `name` is in `path` (a `PATH`-style list of folders), if anywhere.
fn which(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_default();
    which::which_in(name, path, cwd).ok()
}

/// The program a configured command line (`player` or `speech`) would run, when it is not
/// found: not on `path` and not a file at the path given. `None` when it is found, and for
/// a line that does not parse (the config's own check reports that).
pub fn not_found(line: &str, path: Option<&OsStr>) -> Option<String> {
    let t = Template::parse(line)?;
    which(t.program(), path)
        .is_none()
        .then(|| t.program().to_string())
}

/// The configured player, else the first of [`PLAYERS`] in `path`.
pub fn player(cfg: &SoundConfig, path: Option<&OsStr>) -> Option<Found> {
    if let Some(t) = cfg.player.as_deref().and_then(Template::parse) {
        let found = which(t.program(), path);
        return Some(Found {
            name: t.program().to_string(),
            run: t.at(found.as_deref()),
            path: found,
            render: None,
        });
    }
    PLAYERS.iter().find_map(|(name, words)| {
        which(name, path).map(|found| Found {
            name: name.to_string(),
            run: Template::of(words).at(Some(&found)),
            path: Some(found),
            render: None,
        })
    })
}

/// espeak-ng's loudness at its default amplitude (100), LUFS: measured on rendered phrases.
const ESPEAK_AT_100: f64 = -20.0;

/// The configured speech command (it renders to files when it has `{file}`), else the
/// first of [`SPEAKERS`] in `path`. Spoken live, espeak-ng's amplitude is set for `voice`
/// (the loudness the voice should have, LUFS).
pub fn speech(cfg: &SoundConfig, voice: f64, path: Option<&OsStr>) -> Option<Found> {
    if let Some(t) = cfg.speech.as_deref().and_then(Template::parse) {
        let renders = t.has("{file}");
        let name = t.program().to_string();
        let found = which(&name, path);
        let t = t.at(found.as_deref());
        return Some(Found {
            name,
            path: found,
            run: t.clone(),
            render: renders.then_some(t),
        });
    }
    // espeak-ng's amplitude (0-200, 100 normal) scales its samples.
    let amp = (100.0 * 10f64.powf((voice - ESPEAK_AT_100) / 20.0))
        .round()
        .clamp(1.0, 200.0)
        .to_string();
    let fill = |words: &[&str]| Template {
        words: words.iter().map(|w| w.replace("{amp}", &amp)).collect(),
    };
    SPEAKERS.iter().find_map(|(name, run, render)| {
        which(name, path).map(|found| Found {
            name: name.to_string(),
            run: fill(run).at(Some(&found)),
            render: render.map(|r| fill(r).at(Some(&found))),
            path: Some(found),
        })
    })
}

/// What to install, per platform, for `sound test`.
pub const PLAYER_PACKAGES: &str = "Debian/Ubuntu: sudo apt install pipewire-bin (pw-play), pulseaudio-utils (paplay), alsa-utils (aplay) or sox (play) · Fedora: sudo dnf install pipewire-utils · Arch: sudo pacman -S pipewire · macOS: afplay is built in";
pub const SPEECH_PACKAGES: &str = "Debian/Ubuntu: sudo apt install espeak-ng (or speech-dispatcher for spd-say) · Fedora: sudo dnf install espeak-ng · Arch: sudo pacman -S espeak-ng · macOS: say is built in";
