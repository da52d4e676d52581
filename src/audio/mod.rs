//! Sound and speech, performed: the side-effecting half of the cues (the pure half is
//! `core::cues` and `core::tone`).
//!
//! Tones are written once as WAV files into the cache directory and played by spawning a
//! player; phrases are rendered to WAV files before a session where the speech command can
//! (so speech starts on time and the planner knows its length), else spoken directly.
//! No audio library is linked and no stream is held open: between cues nothing runs.
//!
//! Every child is spawned detached — stdin, stdout and stderr closed, in its own process
//! group — so it can never write on the screen the TUI owns or take the terminal's
//! Ctrl-C. A reaper thread waits for them off the UI path and kills any that hang.

pub mod find;
mod reaper;

use std::collections::HashMap;
use std::ffi::OsStr;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::core::cues::{self, Cue, CueOptions, SpeechLengths, Tone};
use crate::core::tone;
use crate::model::config::{SoundConfig, SoundMode, Voice};
use crate::model::routine::{AudioHint, Routine};

pub use find::{Found, Template};

/// A tone's player is killed after this; no tone lasts two seconds.
pub const TONE_LIMIT: Duration = Duration::from_secs(4);
/// A speech child is killed after this.
pub const SPEECH_LIMIT: Duration = Duration::from_secs(15);
/// Rendering one phrase to a file may take this long before it is given up.
const RENDER_LIMIT: Duration = Duration::from_secs(10);
/// Bumped whenever the synthesis changes, so old cached files are not reused.
const TONE_VERSION: u32 = 1;

/// How tones reach the user this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Spawn the player on the tone's file.
    Player,
    /// Ring the terminal bell for step, switch and end (the runner writes it).
    Bell,
    Silent,
}

/// What the runner must do itself after [`Audio::perform`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Performed {
    Nothing,
    /// Ring the terminal bell (only the owner of the terminal may write to it).
    Bell,
}

/// The sound of one run of the app or of plain mode.
pub struct Audio {
    cfg: SoundConfig,
    output: Output,
    player: Option<Found>,
    speech: Option<Found>,
    cache: Option<PathBuf>,
    tone_files: HashMap<Tone, PathBuf>,
    rendered: HashMap<String, PathBuf>,
    reaper: reaper::Reaper,
    notice: Option<String>,
    noticed: bool,
}

/// The cache directory: `$KNOTLESS_CACHE_DIR`, else the platform's (`~/.cache/knotless`).
pub fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("KNOTLESS_CACHE_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "knotless").map(|d| d.cache_dir().to_path_buf())
        })
}

impl Audio {
    /// Looks for a player and a speech command as the settings say, on `PATH`; `quiet`
    /// (the flag) silences everything. Writes nothing yet.
    pub fn new(cfg: &SoundConfig, bell: bool, quiet: bool) -> Audio {
        Audio::searching(cfg, bell, quiet, std::env::var_os("PATH").as_deref())
    }

    /// Like [`Audio::new`], looking for programs in `path` (a `PATH`-style list) instead of
    /// this process's `PATH`, which a test must not change while other threads start programs.
    pub fn searching(cfg: &SoundConfig, bell: bool, quiet: bool, path: Option<&OsStr>) -> Audio {
        let mut cfg = cfg.clone();
        if quiet {
            cfg.sound = SoundMode::Off;
            cfg.voice = Voice::Off;
        }
        let wants_player =
            matches!(cfg.sound, SoundMode::Auto | SoundMode::Tones) || cfg.voice == Voice::Steps;
        let player = wants_player.then(|| find::player(&cfg, path)).flatten();
        let speech = (cfg.voice == Voice::Steps)
            .then(|| find::speech(&cfg, path))
            .flatten();
        let bell_ok = bell && !quiet;
        let (output, notice) = match (cfg.sound, &player) {
            (SoundMode::Off, _) => (Output::Silent, None),
            (SoundMode::Bell, _) if bell_ok => (Output::Bell, None),
            (SoundMode::Bell, _) => (Output::Silent, None),
            (SoundMode::Auto | SoundMode::Tones, Some(_)) => (Output::Player, None),
            (SoundMode::Auto, None) if bell_ok => (
                Output::Bell,
                Some("no sound player found: using the terminal bell (`knotless sound test` says what to install)".to_string()),
            ),
            (_, None) => (
                Output::Silent,
                Some("no sound player found: no tones (`knotless sound test` says what to install)".to_string()),
            ),
        };
        let notice = notice.or_else(|| {
            (cfg.voice == Voice::Steps && speech.is_none()).then(|| {
                "voice is on but no speech command was found (`knotless sound test` says what to install)"
                    .to_string()
            })
        });
        Audio {
            cfg,
            output,
            player,
            speech,
            cache: cache_dir(),
            tone_files: HashMap::new(),
            rendered: HashMap::new(),
            reaper: reaper::Reaper::default(),
            notice,
            noticed: false,
        }
    }

    /// No sound at all, and nothing looked for.
    pub fn off() -> Audio {
        let cfg = SoundConfig {
            sound: SoundMode::Off,
            voice: Voice::Off,
            ..SoundConfig::default()
        };
        Audio::new(&cfg, false, true)
    }

    /// Uses this directory for the files instead of the platform cache (tests).
    pub fn with_cache(mut self, dir: Option<PathBuf>) -> Audio {
        self.cache = dir;
        self
    }

    pub fn output(&self) -> &Output {
        &self.output
    }

    pub fn player(&self) -> Option<&Found> {
        self.player.as_ref()
    }

    pub fn speech(&self) -> Option<&Found> {
        self.speech.as_ref()
    }

    pub fn config(&self) -> &SoundConfig {
        &self.cfg
    }

    /// A line for the user about what is missing — once per run, then `None`.
    pub fn take_notice(&mut self) -> Option<String> {
        if self.noticed {
            return None;
        }
        let n = self.notice.take();
        self.noticed = n.is_some();
        n
    }

    /// Which cues a session of `routine` gets.
    pub fn options(&self, hint: AudioHint) -> CueOptions {
        let tones = self.output != Output::Silent;
        let played = self.output == Output::Player;
        CueOptions {
            tones,
            breath: played && self.cfg.breath_cues,
            countdown: played && self.cfg.countdown,
            voice: self.cfg.voice == Voice::Steps && self.speech.is_some(),
        }
        .with_hint(hint)
    }

    /// The tone volume for a routine (a quiet hint halves it), 0.0-1.0.
    fn volume(&self, hint: AudioHint) -> f64 {
        let v = f64::from(self.cfg.volume) / 100.0;
        if hint == AudioHint::Quiet { v / 2.0 } else { v }
    }

    /// Before a session: writes the tone files (once; they stay in the cache) and renders
    /// the phrases the routine may speak. Returns their measured lengths. Problems turn
    /// into a fallback and a notice, never an error: a session always starts.
    pub fn prepare(&mut self, routine: &Routine) -> SpeechLengths {
        let opts = self.options(routine.audio);
        if self.output == Output::Player && opts.tones {
            let volume = self.volume(routine.audio);
            match self.write_tones(volume) {
                Ok(_) => {}
                Err(e) => self.fall_back(format!(
                    "could not write the sound files ({e}): using the terminal bell"
                )),
            }
        }
        let mut lens = SpeechLengths::default();
        if opts.voice {
            self.render(&cues::phrases(routine), &mut lens);
        }
        lens
    }

    fn fall_back(&mut self, why: String) {
        self.output = Output::Bell;
        if !self.noticed {
            self.notice = Some(why);
        }
    }

    /// Writes each tone at `volume` into the cache, unless an identical file is there, and
    /// plays those files from now on. Returns their folder.
    pub fn write_tones(&mut self, volume: f64) -> std::io::Result<PathBuf> {
        let base = self
            .cache
            .clone()
            .ok_or_else(|| std::io::Error::other("no cache directory"))?;
        let dir = base.join(format!(
            "tones-v{TONE_VERSION}-vol{}",
            (volume * 1000.0).round() as u32
        ));
        crate::files::create_private_dirs(&dir)?;
        let mut out = HashMap::new();
        for t in Tone::ALL {
            let path = dir.join(format!("{}.wav", t.name()));
            if !path.is_file() {
                crate::files::write_atomically(
                    &path,
                    &tone::wav_bytes(&tone::samples(t, volume)),
                    crate::files::Durability::Relaxed,
                    crate::files::write::PRIVATE_FILE,
                )?;
            }
            out.insert(t, path);
        }
        self.tone_files = out;
        Ok(dir)
    }

    /// Renders every phrase that is not already in the cache, all at once, and records the
    /// length of each file there is.
    fn render(&mut self, phrases: &[String], lens: &mut SpeechLengths) {
        let (Some(speech), Some(cache), true) = (
            self.speech.clone(),
            self.cache.clone(),
            self.player.is_some(),
        ) else {
            return;
        };
        let Some(render) = speech.render else { return };
        let dir = cache.join("speech");
        if crate::files::create_private_dirs(&dir).is_err() {
            return;
        }
        let mut children = Vec::new();
        for p in phrases {
            let path = dir.join(format!("{:016x}.wav", phrase_key(&render, p)));
            if wav_length(&path).is_none() {
                let tmp = path.with_extension("part.wav");
                let mut cmd = render.command(Some(&tmp), Some(p));
                detach(&mut cmd);
                if let Ok(child) = cmd.spawn() {
                    children.push((child, tmp, path.clone()));
                }
            }
            self.rendered.insert(p.clone(), path);
        }
        let deadline = std::time::Instant::now() + RENDER_LIMIT;
        for (mut child, tmp, path) in children {
            let ok = reaper::wait_until(&mut child, deadline).is_some_and(|s| s.success());
            if ok && wav_length(&tmp).is_some() {
                let _ = std::fs::rename(&tmp, &path);
            } else {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        self.rendered.retain(|p, path| match wav_length(path) {
            Some(d) => {
                lens.insert(p, d);
                true
            }
            None => false,
        });
    }

    /// Sounds one cue: spawns a player or the speech command, or asks the runner to ring
    /// the bell. Never blocks; a spawn that fails falls back to the bell with one notice.
    pub fn perform(&mut self, cue: &Cue) -> Performed {
        self.reaper.check_failures(&mut |what| {
            self.notice.get_or_insert(what);
        });
        match cue {
            Cue::Tone(t) => match self.output {
                Output::Silent => Performed::Nothing,
                Output::Bell => {
                    if t.is_timing() {
                        Performed::Nothing
                    } else {
                        Performed::Bell
                    }
                }
                Output::Player => {
                    let (Some(player), Some(file)) = (&self.player, self.tone_files.get(t)) else {
                        return Performed::Nothing;
                    };
                    let cmd = player.run.command(Some(file), None);
                    match self
                        .reaper
                        .spawn(cmd, TONE_LIMIT, &player.name, tone::length(*t))
                    {
                        Ok(()) => Performed::Nothing,
                        Err(e) => {
                            self.fall_back(format!(
                                "{} could not be started ({e}): using the terminal bell",
                                player.name
                            ));
                            if t.is_timing() {
                                Performed::Nothing
                            } else {
                                Performed::Bell
                            }
                        }
                    }
                }
            },
            Cue::Say(text) => {
                let (cmd, name) = match (self.rendered.get(text), &self.player, &self.speech) {
                    (Some(file), Some(player), _) => {
                        (player.run.command(Some(file), None), player.name.clone())
                    }
                    (_, _, Some(speech)) if !speech.run.has("{file}") => {
                        (speech.run.command(None, Some(text)), speech.name.clone())
                    }
                    _ => return Performed::Nothing,
                };
                let expect = self
                    .rendered
                    .get(text)
                    .and_then(|f| wav_length(f))
                    .unwrap_or_else(|| cues::estimate(text));
                if let Err(e) = self.reaper.spawn(cmd, SPEECH_LIMIT, &name, expect) {
                    self.notice
                        .get_or_insert(format!("{name} could not be started ({e})"));
                }
                Performed::Nothing
            }
        }
    }

    /// Plays one cue and waits for it (for `sound test`): the exit status, or why not.
    pub fn perform_and_wait(&mut self, cue: &Cue) -> Result<(), String> {
        let (mut cmd, limit) = match cue {
            Cue::Tone(t) => {
                let (Some(player), Some(file)) = (&self.player, self.tone_files.get(t)) else {
                    return Err("no player".into());
                };
                (player.run.command(Some(file), None), TONE_LIMIT)
            }
            Cue::Say(text) => match (self.rendered.get(text), &self.player, &self.speech) {
                (Some(file), Some(player), _) => {
                    (player.run.command(Some(file), None), SPEECH_LIMIT)
                }
                (_, _, Some(speech)) if !speech.run.has("{file}") => {
                    (speech.run.command(None, Some(text)), SPEECH_LIMIT)
                }
                _ => return Err("no speech command".into()),
            },
        };
        detach(&mut cmd);
        let mut child = cmd.spawn().map_err(|e| format!("could not start: {e}"))?;
        match reaper::wait_until(&mut child, std::time::Instant::now() + limit) {
            Some(s) if s.success() => Ok(()),
            Some(s) => Err(format!("failed ({s})")),
            None => Err(format!(
                "still running after {} s: stopped",
                limit.as_secs()
            )),
        }
    }

    /// Renders `phrase` alone and returns its file and length (for `sound test`).
    pub fn render_one(&mut self, phrase: &str) -> Option<(PathBuf, Duration)> {
        let mut lens = SpeechLengths::default();
        self.render(&[phrase.to_string()], &mut lens);
        let path = self.rendered.get(phrase)?.clone();
        Some((path, lens.known(phrase)?))
    }

    /// How many children are still running (tests).
    pub fn running(&self) -> usize {
        self.reaper.running()
    }
}

/// Closes the child's stdio and puts it in its own process group: it cannot write on the
/// screen, read keys, or be hit by the terminal's Ctrl-C.
pub fn detach(cmd: &mut Command) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
}

/// The length of a readable, non-empty WAV file.
pub fn wav_length(path: &Path) -> Option<Duration> {
    let r = hound::WavReader::open(path).ok()?;
    let spec = r.spec();
    let frames = u64::from(r.duration());
    (frames > 0 && spec.sample_rate > 0)
        .then(|| Duration::from_micros(frames * 1_000_000 / u64::from(spec.sample_rate)))
}

fn phrase_key(render: &Template, phrase: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    render.display().hash(&mut h);
    phrase.hash(&mut h);
    h.finish()
}
