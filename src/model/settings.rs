//! What a run of knotless does, derived from `config.toml` and the command line's flags in
//! one place. Nothing here is copied out of the config and kept: the app derives it again
//! whenever the files are re-read, so a change to `config.toml` reaches the screens, the
//! sound and the hooks without a restart.

use std::time::Duration;

use crate::model::config::{Config, HookConfig, Motion, SoundConfig, SoundMode, ThemeName, Voice};

/// The command line's say over the settings (and `NO_COLOR` from the environment).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--theme`: this run's theme, whatever was chosen before.
    pub theme: Option<ThemeName>,
    /// `--no-color`.
    pub no_color: bool,
    /// `NO_COLOR` is set (and not empty), or the terminal cannot show colour (`TERM` is
    /// `dumb` or not set: see [`dumb_terminal`]).
    pub no_color_env: bool,
    /// `--quiet`: no tones, no voice, no bell.
    pub quiet: bool,
    /// `--no-hooks`.
    pub no_hooks: bool,
    /// The terminal does not say it shows 24-bit colour (see [`says_24_bit`]): the themes'
    /// colours are drawn as the nearest of the 256 colours terminals have.
    pub colours_256: bool,
}

impl Flags {
    /// The flags with `NO_COLOR`, `TERM` and `COLORTERM` read from this process's
    /// environment.
    pub fn with_env(mut self) -> Flags {
        self.no_color_env =
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) || dumb_terminal();
        self.colours_256 = !says_24_bit(std::env::var_os("COLORTERM").as_deref());
        self
    }
}

/// Whether `COLORTERM` says the terminal shows 24-bit colour (`truecolor` or `24bit`, as
/// the terminals that do set it). One that does not (macOS Terminal, the Linux console,
/// many a remote session) may show a 24-bit colour as some other, brighter one.
pub fn says_24_bit(colorterm: Option<&std::ffi::OsStr>) -> bool {
    colorterm
        .is_some_and(|v| v.eq_ignore_ascii_case("truecolor") || v.eq_ignore_ascii_case("24bit"))
}

/// Whether `TERM` says the terminal can do no more than print lines: `dumb`, empty or not
/// set at all (an editor's shell buffer, a service, a script). Such a terminal gets no
/// colour, no bold and no full-screen app: plain mode instead.
pub fn dumb_terminal() -> bool {
    std::env::var_os("TERM").is_none_or(|t| t.is_empty() || t == "dumb")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub motion: Motion,
    /// The terminal bell may ring (config `bell`, and no `--quiet`).
    pub bell: bool,
    pub ask_ratings: bool,
    /// Count-in before a routine's first step.
    pub get_ready: Duration,
    pub weekly_goal: u32,
    /// Ask "Headache today?" on home.
    pub ask_days: bool,
    /// Tones and voice, with `--quiet` already applied.
    pub sound: SoundConfig,
    /// The hooks to run (none with `--no-hooks`).
    pub hooks: HookConfig,
    config_theme: ThemeName,
    flags: Flags,
}

impl Settings {
    pub fn new(config: &Config, flags: Flags) -> Settings {
        let mut sound = config.sound.clone();
        if flags.quiet {
            sound.sound = SoundMode::Off;
            sound.voice = Voice::Off;
        }
        let hooks = if flags.no_hooks {
            HookConfig {
                commands: Vec::new(),
                ..config.hooks.clone()
            }
        } else {
            config.hooks.clone()
        };
        Settings {
            motion: config.motion,
            bell: config.bell && !flags.quiet,
            ask_ratings: config.ask_ratings,
            get_ready: config.get_ready,
            weekly_goal: config.weekly_goal,
            ask_days: config.ask_headache_days,
            sound,
            hooks,
            config_theme: config.theme,
            flags,
        }
    }

    /// The theme to show, given the one the user last chose with `t` (remembered between
    /// runs). `--no-color` wins over everything; `--theme` over the rest; `NO_COLOR` over a
    /// remembered choice (colour comes back only when asked for explicitly); then the
    /// remembered choice; then `config.toml`.
    pub fn theme(&self, chosen: Option<ThemeName>) -> ThemeName {
        let f = &self.flags;
        if f.no_color {
            ThemeName::Mono
        } else if let Some(t) = f.theme {
            t
        } else if f.no_color_env {
            ThemeName::Mono
        } else {
            chosen.unwrap_or(self.config_theme)
        }
    }

    /// Whether colour is off (`--no-color`, or `NO_COLOR` without a `--theme`): themes are
    /// then shown without colour, and a theme chosen with `t` is not remembered.
    pub fn colourless(&self) -> bool {
        let f = &self.flags;
        f.no_color || (f.no_color_env && f.theme.is_none())
    }

    /// Whether the themes' colours are drawn from the 256 of most terminals.
    pub fn colours_256(&self) -> bool {
        self.flags.colours_256
    }

    pub fn flags(&self) -> Flags {
        self.flags
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::new(&Config::default(), Flags::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(flags: Flags, chosen: Option<ThemeName>) -> ThemeName {
        Settings::new(&Config::default(), flags).theme(chosen)
    }

    #[test]
    fn the_remembered_theme_never_overrides_no_color() {
        use ThemeName::*;
        let none = Flags::default();
        let env = Flags {
            no_color_env: true,
            ..none
        };
        assert_eq!(theme(none, Some(Dim)), Dim);
        assert_eq!(theme(none, None), Calm);
        assert_eq!(theme(env, Some(Dim)), Mono);
        let light = Flags {
            theme: Some(Light),
            ..env
        };
        assert_eq!(theme(light, Some(Dim)), Light);
        let both = Flags {
            no_color: true,
            theme: Some(Light),
            ..none
        };
        assert_eq!(theme(both, Some(Dim)), Mono);
        let flag = Flags {
            theme: Some(Light),
            ..none
        };
        assert_eq!(theme(flag, Some(Dim)), Light);
    }

    #[test]
    fn quiet_and_no_hooks_apply_over_the_file() {
        let mut c = Config::default();
        c.hooks
            .commands
            .push((crate::model::config::HookEvent::SessionEnd, "true".into()));
        let s = Settings::new(
            &c,
            Flags {
                quiet: true,
                no_hooks: true,
                ..Flags::default()
            },
        );
        assert!(!s.bell);
        assert_eq!(s.sound.sound, SoundMode::Off);
        assert_eq!(s.sound.voice, Voice::Off);
        assert!(s.hooks.commands.is_empty());
        assert_eq!(Settings::new(&c, Flags::default()).hooks.commands.len(), 1);
    }
}
