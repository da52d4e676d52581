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
    /// As `steps`, with the pressure and the step's caution too.
    Full,
}

impl Voice {
    pub const NAMES: [&'static str; 3] = ["off", "steps", "full"];
    pub fn parse(s: &str) -> Option<Voice> {
        match s {
            "off" => Some(Voice::Off),
            "steps" => Some(Voice::Steps),
            "full" => Some(Voice::Full),
            _ => None,
        }
    }

    pub fn is_on(self) -> bool {
        self != Voice::Off
    }
}

/// `time_left`: a cue partway through a long step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeLeft {
    #[default]
    Off,
    /// Halfway through a step of a minute or more.
    Half,
    /// 30 seconds before the end of a step of 45 seconds or more.
    Thirty,
}

impl TimeLeft {
    pub const NAMES: [&'static str; 3] = ["off", "half", "30s"];
    pub fn parse(s: &str) -> Option<TimeLeft> {
        match s {
            "off" => Some(TimeLeft::Off),
            "half" => Some(TimeLeft::Half),
            "30s" => Some(TimeLeft::Thirty),
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
    /// Loudness of every sound, 0-100: 25 is the default, each doubling 6 dB louder, 0 silent.
    pub volume: u8,
    /// The voice's own volume, when it should differ from `volume`.
    pub voice_volume: Option<u8>,
    /// A soft sound when a session pauses and when it goes on.
    pub pause_cues: bool,
    /// A cue partway through long steps.
    pub time_left: TimeLeft,
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
            voice_volume: None,
            pause_cues: true,
            time_left: TimeLeft::Off,
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
    /// `[nudge]`: when `knotless nudge` may speak.
    pub nudge: NudgeConfig,
    /// `[hooks]`: shell command lines run at session events.
    pub hooks: HookConfig,
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
            nudge: NudgeConfig::default(),
            hooks: HookConfig::default(),
        }
    }
}

/// A daily window of local clock time, in minutes after midnight: `start` inclusive, `end`
/// exclusive. `end < start` wraps past midnight ("20:00-02:00"); `start == end` is all day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayWindow {
    pub start: u16,
    pub end: u16,
}

impl DayWindow {
    pub const ALL_DAY: DayWindow = DayWindow { start: 0, end: 0 };

    /// Reads "09:00-21:00" (also "9:00-21:00", "always").
    pub fn parse(s: &str) -> Option<DayWindow> {
        let s = s.trim();
        if s == "always" {
            return Some(DayWindow::ALL_DAY);
        }
        let (a, b) = s.split_once('-')?;
        Some(DayWindow {
            start: parse_clock(a.trim())?,
            end: parse_clock(b.trim())?,
        })
    }

    /// Whether `minute` (after midnight) falls inside the window.
    pub fn contains(self, minute: u16) -> bool {
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Equal => true,
            std::cmp::Ordering::Less => (self.start..self.end).contains(&minute),
            std::cmp::Ordering::Greater => minute >= self.start || minute < self.end,
        }
    }
}

impl fmt::Display for DayWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            return f.write_str("always");
        }
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// "HH:MM" (one or two digits for the hour, 00-23; minutes 00-59; "24:00" for midnight at
/// the end of a window) as minutes after midnight.
pub fn parse_clock(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(0),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// `[nudge]` in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NudgeConfig {
    /// The nudge is silent outside these hours.
    pub hours: DayWindow,
}

impl Default for NudgeConfig {
    fn default() -> Self {
        NudgeConfig {
            hours: DayWindow {
                start: 9 * 60,
                end: 21 * 60,
            },
        }
    }
}

/// The session events a hook can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HookEvent {
    SessionStart,
    StepStart,
    SideSwitch,
    SessionEnd,
    BreathPhase,
}

impl HookEvent {
    pub const ALL: [HookEvent; 5] = [
        HookEvent::SessionStart,
        HookEvent::StepStart,
        HookEvent::SideSwitch,
        HookEvent::SessionEnd,
        HookEvent::BreathPhase,
    ];

    /// The key in `[hooks]` and the value of `KNOTLESS_EVENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::SessionStart => "session_start",
            HookEvent::StepStart => "step_start",
            HookEvent::SideSwitch => "side_switch",
            HookEvent::SessionEnd => "session_end",
            HookEvent::BreathPhase => "breath_phase",
        }
    }

    pub fn parse(s: &str) -> Option<HookEvent> {
        HookEvent::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// `[hooks]` in config.toml: a shell command line (run with `sh -c`) per event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookConfig {
    /// Event and command line, in the order of [`HookEvent::ALL`]; events without a hook are
    /// absent.
    pub commands: Vec<(HookEvent, String)>,
    /// A hook still running after this long is killed (with everything it started).
    pub time_limit: Duration,
}

impl Default for HookConfig {
    fn default() -> Self {
        HookConfig {
            commands: Vec::new(),
            time_limit: Duration::from_secs(10),
        }
    }
}

impl HookConfig {
    pub fn command(&self, event: HookEvent) -> Option<&str> {
        self.commands
            .iter()
            .find(|(e, _)| *e == event)
            .map(|(_, c)| c.as_str())
    }
}
