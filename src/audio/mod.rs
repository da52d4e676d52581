//! Sound and speech, performed: the side-effecting half of the cues (the pure half is
//! `core::cues`, `core::tone` and `core::loudness`).
//!
//! Tones are written once as WAV files into the cache directory, as loud as `volume` asks,
//! and played by starting a player; phrases are rendered to files in the background by at
//! most two workers ([`render`]), made as loud as the tones, and played the same way (or
//! spoken live when not ready in time). No audio library is linked and no stream is held
//! open: between cues nothing runs.
//!
//! Every sound child is started and stopped by one owner, the [`scheduler`]: one sound at a
//! time, each in its own process group (stopped as a whole), none left when the run ends.

mod cache;
mod child;
pub use child::stop_all;
pub mod find;
mod render;
pub mod scheduler;

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::core::cues::{self, Cue, CueOptions, SpeechLengths, Tone};
use crate::core::{loudness, tone};
use crate::model::config::{SoundConfig, SoundMode, Voice};
use crate::model::routine::{AudioHint, Routine};

pub use cache::{WavError, WavHeader, read_wav, read_wav_header};
pub use find::{Found, Template};
use scheduler::{Priority, Scheduler, Sound};

/// Bumped whenever the synthesis changes, so old cached files are not reused.
const TONE_VERSION: u32 = 2;
/// A routine's `audio = "quiet"` takes this much off every sound (half the amplitude).
const QUIET_DB: f64 = 6.02;

/// How tones reach the user this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Start the player on the tone's file.
    Player,
    /// Ring the terminal bell for step, switch and end (the front end writes it).
    Bell,
    Silent,
}

/// What the front end must do itself after [`Audio::perform`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Performed {
    Nothing,
    /// Ring the terminal bell (only the owner of the terminal may write to it).
    Bell,
}

/// How one cue went, for `sound test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tried {
    Played,
    /// Started, but it ended with an error.
    Failed(String),
    /// Still running well after its sound should have ended: stopped.
    TimedOut,
    /// Not started (nothing to play it with, or it could not be started).
    NotStarted(String),
}

/// The sound of one run of the app or of plain mode.
pub struct Audio {
    cfg: SoundConfig,
    output: Output,
    player: Option<Found>,
    speech: Option<Found>,
    cache: Option<PathBuf>,
    /// The loudness of tones and of the voice (LUFS); `None`: that part is silent.
    tone_level: Option<f64>,
    voice_level: Option<f64>,
    /// The tone files of the routine prepared last.
    tone_files: HashMap<Tone, PathBuf>,
    /// The tone files being checked (and written where needed) off the UI thread, and the
    /// loudness they are for.
    tones_job: Option<(f64, std::thread::JoinHandle<std::io::Result<ToneFiles>>)>,
    /// The loudness `tone_files` are at.
    tones_at: Option<f64>,
    renderer: Option<render::Renderer>,
    scheduler: Scheduler,
    /// The player failed to start, or failed or hung twice: rendered speech is not played
    /// through it either.
    player_broken: bool,
    /// The speech command failed or hung twice: phrases are no longer spoken live.
    speech_broken: bool,
    /// The terminal bell may stand in.
    bell_ok: bool,
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
        let tone_level = loudness::target(cfg.volume);
        let voice_level = loudness::target(cfg.voice_volume.unwrap_or(cfg.volume));
        let tones_wanted = matches!(cfg.sound, SoundMode::Auto | SoundMode::Tones);
        let voice_wanted = cfg.voice.is_on() && voice_level.is_some();
        let player = ((tones_wanted && tone_level.is_some()) || voice_wanted)
            .then(|| find::player(&cfg, path))
            .flatten();
        let speech = voice_level
            .filter(|_| voice_wanted)
            .and_then(|v| find::speech(&cfg, v, path));
        let bell_ok = bell && !quiet;
        let (mut output, notice) = output_for(&cfg, tone_level.is_some(), bell_ok, &player);
        let notice = notice.or_else(|| {
            (voice_wanted && speech.is_none()).then(|| {
                // With no tones either, the bell marks each step instead of the voice.
                let bell = output == Output::Silent && bell_ok;
                if bell {
                    output = Output::Bell;
                }
                format!(
                    "voice is on but no speech command was found{} (`knotless sound test` says what to install)",
                    if bell { ": the terminal bell marks each step" } else { "" }
                )
            })
        });
        Audio {
            cfg,
            output,
            player,
            speech,
            cache: cache_dir(),
            tone_level,
            voice_level,
            tone_files: HashMap::new(),
            tones_job: None,
            tones_at: None,
            renderer: None,
            scheduler: Scheduler::new(),
            player_broken: false,
            speech_broken: false,
            bell_ok,
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
        self.renderer = None;
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

    /// Whether `volume` (and the voice's volume) make every sound silent.
    pub fn volume_is_zero(&self) -> bool {
        self.tone_level.is_none() && self.voice_level.is_none()
    }

    /// A line for the user about what is missing or failing — once per run, then `None`.
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
            voice: self.speech.is_some(),
            full_voice: self.cfg.voice == Voice::Full,
            pause: played && self.cfg.pause_cues,
            time_left: self.cfg.time_left,
        }
        .with_hint(hint)
    }

    /// The loudness of tones (or of the voice) in a routine with this hint.
    fn level(level: Option<f64>, hint: AudioHint) -> Option<f64> {
        level.map(|l| {
            if hint == AudioHint::Quiet {
                l - QUIET_DB
            } else {
                l
            }
        })
    }

    /// Before a session: writes the tone files (once; they stay in the cache) and asks for
    /// the routine's phrases to be rendered, in the order it speaks them. Returns at once:
    /// nothing here waits for speech. Problems turn into a fallback and a notice, never an
    /// error: a session always starts.
    pub fn prepare(&mut self, routine: &Routine) {
        let opts = self.options(routine.audio);
        if self.output == Output::Player
            && opts.tones
            && let Some(level) = Audio::level(self.tone_level, routine.audio)
        {
            self.start_tones(level);
        }
        if opts.voice {
            let phrases = cues::phrases(routine, opts);
            if let (Some(level), Some(r)) = (
                Audio::level(self.voice_level, routine.audio),
                self.renderer(),
            ) {
                r.ask(&phrases, level);
            }
        }
    }

    /// The lengths of the phrases rendered so far (the planner estimates the rest).
    pub fn lengths(&self) -> SpeechLengths {
        self.renderer
            .as_ref()
            .map(render::Renderer::lengths)
            .unwrap_or_default()
    }

    /// The renderer, made on first use, when the speech command renders to files and there
    /// is a player and a cache to keep them in.
    fn renderer(&mut self) -> Option<&mut render::Renderer> {
        if self.renderer.is_none() {
            let template = self.speech.as_ref()?.render.clone()?;
            self.player.as_ref()?;
            let dir = self.cache.as_ref()?.join("speech");
            self.renderer = Some(render::Renderer::new(template, dir));
        }
        self.renderer.as_mut()
    }

    /// Tones give way to the bell, with a notice (once); `player_broken`: the player itself
    /// does not work, so speech is not played through it either.
    fn fall_back(&mut self, why: String, player_broken: bool) {
        self.player_broken |= player_broken;
        if self.output == Output::Player {
            self.output = Output::Bell;
        }
        if !self.noticed {
            self.notice = Some(why);
        }
    }

    /// Starts checking (and where needed writing) the tone files for `level` on a thread
    /// of its own, unless they are the ones in use or on their way.
    fn start_tones(&mut self, level: f64) {
        if self.tones_at == Some(level) || self.tones_job.as_ref().is_some_and(|j| j.0 == level) {
            return;
        }
        self.settle_tones();
        let cache = self.cache.clone();
        let job = std::thread::Builder::new()
            .name("knotless-tones".into())
            .spawn(move || tone_files(cache.as_deref(), level));
        match job {
            Ok(handle) => self.tones_job = Some((level, handle)),
            Err(e) => self.tones_done(level, Err(e)),
        }
    }

    /// Waits for the tone files on their way, if any (they take a few milliseconds, and are
    /// asked for while a routine's cautions show): a session about to start calls this.
    pub fn settle_tones(&mut self) {
        if let Some((level, job)) = self.tones_job.take() {
            let files = job
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the tone writer failed")));
            self.tones_done(level, files);
        }
    }

    fn tones_done(&mut self, level: f64, files: std::io::Result<ToneFiles>) {
        match files {
            Ok(f) => {
                self.tone_files = f.files;
                self.tones_at = Some(level);
            }
            Err(e) => {
                let place = self
                    .cache
                    .as_deref()
                    .map(|d| format!(" in {}", d.display()))
                    .unwrap_or_default();
                self.fall_back(
                    format!(
                        "could not write the sound files{place} ({}): using the terminal bell",
                        crate::files::describe(&e)
                    ),
                    false,
                )
            }
        }
    }

    /// Makes sure each tone's file holds that tone at `level` (LUFS), now, and plays those
    /// files from now on. Returns their folder.
    pub fn write_tones(&mut self, level: f64) -> std::io::Result<PathBuf> {
        self.settle_tones();
        let f = tone_files(self.cache.as_deref(), level)?;
        let dir = f.dir.clone();
        self.tones_done(level, Ok(f));
        Ok(dir)
    }

    /// Sounds one cue: hands it to the scheduler (which stops a lower one playing), or asks
    /// the front end to ring the bell. Never blocks; a player that cannot be started, or
    /// that failed or hung twice, gives way to the bell with one notice.
    pub fn perform(&mut self, cue: &Cue) -> Performed {
        for broken in self.scheduler.take_broken() {
            self.broken(broken);
        }
        self.settle_tones();
        let now = Instant::now();
        match cue {
            Cue::Tone(t) => self.tone(*t, now),
            Cue::Say(text) => {
                if let Some(sound) = self.phrase(text) {
                    let name = sound.name.clone();
                    if let Err(e) = self.scheduler.play(sound, now) {
                        self.notice
                            .get_or_insert(format!("{name} could not be started ({e})"));
                    }
                }
                Performed::Nothing
            }
        }
    }

    /// A program failed or hung twice in a row: the player gives way to the bell; the
    /// speech command is not used again (a rendered phrase still plays through the player).
    fn broken(&mut self, b: scheduler::Broken) {
        let is_player = self.player.as_ref().is_some_and(|p| p.name == b.name);
        if is_player {
            self.fall_back(
                format!(
                    "{}: using the terminal bell from now on (`knotless sound test` shows why)",
                    b.why
                ),
                true,
            );
        } else {
            self.speech_broken = true;
            // With no tones either, the bell marks each step instead of the voice.
            let bell = self.output == Output::Silent && self.bell_ok;
            if bell {
                self.output = Output::Bell;
            }
            if !self.noticed {
                self.notice.get_or_insert(format!(
                    "{}: no voice from now on{} (`knotless sound test` shows why)",
                    b.why,
                    if bell {
                        ", the terminal bell instead"
                    } else {
                        ""
                    }
                ));
            }
        }
    }

    fn tone(&mut self, t: Tone, now: Instant) -> Performed {
        let bell = if matches!(t, Tone::Step | Tone::Switch | Tone::End) {
            Performed::Bell
        } else {
            Performed::Nothing
        };
        match self.output {
            Output::Silent => Performed::Nothing,
            Output::Bell => bell,
            Output::Player => {
                let (Some(player), Some(file)) = (&self.player, self.tone_files.get(&t)) else {
                    return Performed::Nothing;
                };
                let sound = Sound {
                    cmd: player.run.command(Some(file), None),
                    priority: if t.is_chime() {
                        Priority::Chime
                    } else {
                        Priority::Timing
                    },
                    length: tone::length(t),
                    name: player.name.clone(),
                };
                match self.scheduler.play(sound, now) {
                    Ok(_) => Performed::Nothing,
                    Err(e) => {
                        let name = player.name.clone();
                        self.fall_back(
                            format!("{name} could not be started ({e}): using the terminal bell"),
                            true,
                        );
                        bell
                    }
                }
            }
        }
    }

    /// How to sound a phrase: its rendered file through the player, else the speech
    /// command live, else nothing.
    fn phrase(&self, text: &str) -> Option<Sound> {
        let ready = self.renderer.as_ref().and_then(|r| r.ready(text));
        match (ready, &self.player, &self.speech) {
            (Some(r), Some(player), _) if !self.player_broken => Some(Sound {
                cmd: player.run.command(Some(&r.file), None),
                priority: Priority::Speech,
                length: r.length,
                name: player.name.clone(),
            }),
            (_, _, Some(speech)) if !speech.run.has("{file}") && !self.speech_broken => {
                Some(Sound {
                    cmd: speech.run.command(None, Some(text)),
                    priority: Priority::Speech,
                    length: cues::estimate(text),
                    name: speech.name.clone(),
                })
            }
            _ => None,
        }
    }

    /// A handle that stops this run's sound from another thread (a signal's).
    pub fn silencer(&self) -> scheduler::Silencer {
        self.scheduler.silencer()
    }

    /// Stops what plays now and drops what waits.
    pub fn silence(&self) {
        self.scheduler.silence();
    }

    /// Lets what plays (and what waits) finish, until `deadline` at most; then stops it.
    pub fn drain(&mut self, deadline: Instant) {
        self.scheduler.drain(deadline);
    }

    /// Stops every sound and every render, and waits (briefly) until they are gone.
    pub fn shutdown(&mut self) {
        self.scheduler.shutdown();
        if let Some(r) = &mut self.renderer {
            r.shutdown();
        }
    }

    /// Plays one cue and waits for it (for `sound test`): how it went.
    pub fn try_cue(&mut self, cue: &Cue) -> Tried {
        let (cmd, length) = match cue {
            Cue::Tone(t) => {
                let Some(player) = &self.player else {
                    return Tried::NotStarted("no player".into());
                };
                let Some(file) = self.tone_files.get(t) else {
                    return Tried::NotStarted("its sound file could not be written".into());
                };
                (player.run.command(Some(file), None), tone::length(*t))
            }
            Cue::Say(text) => match self.phrase(text) {
                Some(s) => (s.cmd, s.length),
                None => return Tried::NotStarted("no speech command".into()),
            },
        };
        let child = match child::Owned::spawn(cmd) {
            Ok(c) => c,
            Err(e) => return Tried::NotStarted(format!("could not be started: {e}")),
        };
        match child.wait_until(Instant::now() + length + scheduler::HANG_AFTER) {
            Some(s) if s.success() => Tried::Played,
            Some(s) => Tried::Failed(match s.code() {
                Some(n) => format!("exit {n}"),
                None => "killed by a signal".into(),
            }),
            None => Tried::TimedOut,
        }
    }

    /// Renders `phrase` alone, at the voice's loudness, and waits for it (for `sound
    /// test`): its file and length.
    pub fn render_one(&mut self, phrase: &str) -> Option<(PathBuf, Duration)> {
        let level = self.voice_level?;
        let r = self.renderer()?;
        r.ask(&[phrase.to_string()], level);
        let ready = r.wait_for(phrase, Instant::now() + render::RENDER_LIMIT)?;
        Some((ready.file, ready.length))
    }

    /// Whether a sound is playing or waiting to (tests).
    pub fn busy(&self) -> bool {
        self.scheduler.busy()
    }

    /// How many sound children are running now: one at most (tests).
    pub fn running(&self) -> usize {
        self.scheduler.running()
    }

    /// How many sound children were started this run (tests).
    pub fn started(&self) -> usize {
        self.scheduler.started()
    }

    /// The most speech renders that ran at once (tests).
    pub fn most_renders_at_once(&self) -> usize {
        self.renderer
            .as_ref()
            .map_or(0, render::Renderer::most_at_once)
    }

    /// The lengths of the routine's phrases once every render has finished, waiting at most
    /// until `deadline` (tests, and `sound test`).
    pub fn wait_for_phrases(&mut self, routine: &Routine, deadline: Instant) -> SpeechLengths {
        let opts = self.options(routine.audio);
        if let Some(r) = &self.renderer {
            for p in cues::phrases(routine, opts) {
                r.wait_for(&p, deadline);
            }
        }
        self.lengths()
    }
}

impl Drop for Audio {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The tone files for one loudness, and their folder.
struct ToneFiles {
    dir: PathBuf,
    files: HashMap<Tone, PathBuf>,
}

/// Makes sure each tone's file in `<cache>/tones-…` is a WAV of that tone at `level`
/// (LUFS): one that is missing, or is not a regular 16-bit mono WAV of the tone's length,
/// is written (again). A file that passes is not synthesised again to compare.
fn tone_files(cache: Option<&Path>, level: f64) -> std::io::Result<ToneFiles> {
    let base = cache.ok_or_else(|| std::io::Error::other("no cache directory"))?;
    let dir = base.join(format!("tones-v{TONE_VERSION}-lufs{level:.1}"));
    cache::private_dir(&dir)?;
    let mut files = HashMap::new();
    for t in Tone::ALL {
        let path = dir.join(format!("{}.wav", t.name()));
        let frames = tone::frames(t);
        let fits = cache::read_wav_header(&path)
            .is_ok_and(|w| w.rate == tone::SAMPLE_RATE && w.frames == frames);
        if !fits {
            cache::write_private(&path, &tone::wav_bytes(&tone::at_loudness(t, level)))?;
        }
        files.insert(t, path);
    }
    Ok(ToneFiles { dir, files })
}

/// How tones reach the user, and a notice when that is not what was asked for.
fn output_for(
    cfg: &SoundConfig,
    audible: bool,
    bell_ok: bool,
    player: &Option<Found>,
) -> (Output, Option<String>) {
    match (cfg.sound, player) {
        (SoundMode::Off, _) => (Output::Silent, None),
        _ if !audible => (Output::Silent, None),
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
    }
}

/// The length of a readable, non-empty WAV file (read like any other file that may be
/// hostile: a FIFO or a device is refused at once).
pub fn wav_length(path: &Path) -> Option<Duration> {
    cache::read_wav_header(path).ok().map(|w| w.length())
}
