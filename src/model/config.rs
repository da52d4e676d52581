//! The user's settings from `<config>/config.toml` (parsed and validated in `load`).

use std::fmt;
use std::time::Duration;

/// The colour themes. `Mono` sends no colour at all. Their command-line names come from
/// this one definition (`--theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeName {
    #[default]
    Calm,
    Dim,
    Light,
    HighContrast,
    Mono,
}

impl ThemeName {
    pub const ALL: [ThemeName; 5] = [
        ThemeName::Calm,
        ThemeName::Dim,
        ThemeName::Light,
        ThemeName::HighContrast,
        ThemeName::Mono,
    ];
    pub const NAMES: [&'static str; 5] = ["calm", "dim", "light", "high-contrast", "mono"];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Calm => "calm",
            ThemeName::Dim => "dim",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
            ThemeName::Mono => "mono",
        }
    }

    pub fn parse(s: &str) -> Option<ThemeName> {
        ThemeName::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The next theme for the `t` key.
    pub fn next(self) -> ThemeName {
        let i = ThemeName::ALL.iter().position(|t| *t == self).unwrap_or(0);
        ThemeName::ALL[(i + 1) % ThemeName::ALL.len()]
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the pacer's shape moves smoothly or in steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Motion {
    #[default]
    Smooth,
    Reduced,
}

impl Motion {
    pub const NAMES: [&'static str; 2] = ["smooth", "reduced"];
    pub fn parse(s: &str) -> Option<Motion> {
        match s {
            "smooth" => Some(Motion::Smooth),
            "reduced" => Some(Motion::Reduced),
            _ => None,
        }
    }
}

/// `sound`: what knotless plays at step changes and breaths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoundMode {
    /// Quiet tones where a player is found, the terminal bell where none is.
    #[default]
    Auto,
    /// Tones only (no bell fallback: silence if no player is found).
    Tones,
    /// The terminal bell at step changes only.
    Bell,
    Off,
}

impl SoundMode {
    pub const NAMES: [&'static str; 4] = ["auto", "tones", "bell", "off"];
    pub fn parse(s: &str) -> Option<SoundMode> {
        match s {
            "auto" => Some(SoundMode::Auto),
            "tones" => Some(SoundMode::Tones),
            "bell" => Some(SoundMode::Bell),
            "off" => Some(SoundMode::Off),
            _ => None,
        }
    }
}

/// `voice`: whether steps are spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Voice {
    #[default]
    Off,
    /// Each step's title, side and length, the switch of sides and the end.
    Steps,
}

impl Voice {
    pub const NAMES: [&'static str; 2] = ["off", "steps"];
    pub fn parse(s: &str) -> Option<Voice> {
        match s {
            "off" => Some(Voice::Off),
            "steps" => Some(Voice::Steps),
            _ => None,
        }
    }
}

/// Everything about sound and speech from `config.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct SoundConfig {
    pub sound: SoundMode,
    pub voice: Voice,
    /// A rising tone on each in-breath, a falling one on each out-breath.
    pub breath_cues: bool,
    /// Soft ticks 3, 2 and 1 seconds before a step ends.
    pub countdown: bool,
    /// Loudness of the tones, 0-100 (a share of full scale).
    pub volume: u8,
    /// A command template to play a WAV file: `{file}` is replaced by its path.
    pub player: Option<String>,
    /// A command template to speak: `{text}` is the phrase; with `{file}` it renders a WAV.
    pub speech: Option<String>,
}

/// Quiet by default: users are often sound-sensitive.
pub const DEFAULT_VOLUME: u8 = 25;

impl Default for SoundConfig {
    fn default() -> Self {
        SoundConfig {
            sound: SoundMode::Auto,
            voice: Voice::Off,
            breath_cues: true,
            countdown: false,
            volume: DEFAULT_VOLUME,
            player: None,
            speech: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub theme: ThemeName,
    pub motion: Motion,
    /// Ring the terminal bell at step changes.
    pub bell: bool,
    /// Count-in before the first step; zero turns it off.
    pub get_ready: Duration,
    /// Sessions a week the stats compare against.
    pub weekly_goal: u32,
    /// Ask for head pain 0-10 before and after.
    pub ask_ratings: bool,
    pub sound: SoundConfig,
    /// Ask "Headache today?" on home while the day is unanswered.
    pub ask_headache_days: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: ThemeName::Calm,
            motion: Motion::Smooth,
            bell: true,
            get_ready: Duration::from_secs(5),
            weekly_goal: 3,
            ask_ratings: true,
            sound: SoundConfig::default(),
            ask_headache_days: true,
        }
    }
}
