//! Colour themes. Every screen draws with these named styles only, so a theme change (or
//! `mono`, which uses no colour at all) reaches everything. Nothing blinks in any theme.

use ratatui::style::{Color, Modifier, Style};

use crate::model::config::ThemeName;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub name: ThemeName,
    /// Ordinary text (and the screen background, where a theme sets one).
    pub base: Style,
    /// Secondary text: hints, durations, the footer.
    pub muted: Style,
    /// Headings and the step title.
    pub title: Style,
    /// The one thing to look at: the countdown, the active cue.
    pub accent: Style,
    /// The selected row of a list.
    pub selected: Style,
    pub border: Style,
    /// Cautions: noticeable, never alarming (no red).
    pub caution: Style,
    /// Key names in the footer and help.
    pub key: Style,
    /// The breathing pacer's shape: never brighter than ordinary text in the calm and dim
    /// themes (a test checks it), since it is the largest thing on the screen.
    pub pacer: Style,
    /// Filled and empty parts of progress bars and charts.
    pub done: Style,
    pub todo: Style,
    /// Gentle positive figures (a lower head-pain rating).
    pub good: Style,
}

impl Theme {
    pub fn get(name: ThemeName) -> Theme {
        match name {
            ThemeName::Calm => calm(),
            ThemeName::Dim => dim(),
            ThemeName::Light => light(),
            ThemeName::HighContrast => high_contrast(),
            ThemeName::Mono => mono(),
        }
    }

    /// The theme with each 24-bit colour as the nearest of the 256 that nearly every
    /// terminal shows (xterm's palette), for a terminal that does not say it shows 24-bit
    /// colour: there, a 24-bit colour may come out as another, brighter one.
    pub fn in_256_colours(self) -> Theme {
        let near = |c: Option<Color>| match c {
            Some(Color::Rgb(r, g, b)) => {
                Some(Color::Indexed(ansi_colours::ansi256_from_rgb((r, g, b))))
            }
            other => other,
        };
        self.map_styles(|s| Style {
            fg: near(s.fg),
            bg: near(s.bg),
            underline_color: near(s.underline_color),
            ..s
        })
    }

    /// Every one of its styles, in the order [`Theme::map_styles`] names them (tests).
    #[cfg(test)]
    fn styles(&self) -> [Style; 12] {
        [
            self.base,
            self.muted,
            self.title,
            self.accent,
            self.selected,
            self.border,
            self.caution,
            self.key,
            self.pacer,
            self.done,
            self.todo,
            self.good,
        ]
    }

    /// The theme with `f` applied to every one of its styles.
    fn map_styles(self, f: impl Fn(Style) -> Style) -> Theme {
        Theme {
            base: f(self.base),
            muted: f(self.muted),
            title: f(self.title),
            accent: f(self.accent),
            selected: f(self.selected),
            border: f(self.border),
            caution: f(self.caution),
            key: f(self.key),
            pacer: f(self.pacer),
            done: f(self.done),
            todo: f(self.todo),
            good: f(self.good),
            ..self
        }
    }

    /// The theme with every colour taken out (`NO_COLOR`, `--no-color`): its bold, dim and
    /// underline stay, and the selected row is always shown reversed, so a list never loses
    /// its selection in any theme.
    pub fn without_colour(self) -> Theme {
        let plain = self.map_styles(|s| Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..s
        });
        Theme {
            selected: plain.selected.add_modifier(Modifier::REVERSED),
            ..plain
        }
    }
}

fn calm() -> Theme {
    let s = Style::new;
    Theme {
        name: ThemeName::Calm,
        base: s().fg(Color::Rgb(208, 204, 196)),
        muted: s().fg(Color::Rgb(128, 132, 140)),
        title: s()
            .fg(Color::Rgb(222, 214, 196))
            .add_modifier(Modifier::BOLD),
        accent: s().fg(Color::Rgb(140, 186, 178)),
        selected: s().fg(Color::Rgb(20, 26, 30)).bg(Color::Rgb(140, 186, 178)),
        border: s().fg(Color::Rgb(78, 86, 96)),
        caution: s().fg(Color::Rgb(214, 180, 128)),
        key: s().fg(Color::Rgb(140, 186, 178)),
        pacer: s().fg(Color::Rgb(92, 120, 144)),
        done: s().fg(Color::Rgb(140, 186, 178)),
        todo: s().fg(Color::Rgb(64, 70, 80)),
        good: s().fg(Color::Rgb(150, 196, 150)),
    }
}

/// Very low contrast for light sensitivity: nothing bright, no bold.
fn dim() -> Theme {
    let s = Style::new;
    Theme {
        name: ThemeName::Dim,
        base: s().fg(Color::Rgb(118, 114, 108)),
        muted: s().fg(Color::Rgb(78, 78, 80)),
        title: s().fg(Color::Rgb(132, 126, 116)),
        accent: s().fg(Color::Rgb(104, 126, 122)),
        // Still low contrast, but a row apart from its neighbours at a glance.
        selected: s().fg(Color::Rgb(150, 144, 132)).bg(Color::Rgb(56, 62, 64)),
        border: s().fg(Color::Rgb(50, 52, 56)),
        caution: s().fg(Color::Rgb(128, 112, 88)),
        key: s().fg(Color::Rgb(104, 126, 122)),
        pacer: s().fg(Color::Rgb(66, 78, 90)),
        done: s().fg(Color::Rgb(96, 116, 112)),
        todo: s().fg(Color::Rgb(44, 46, 50)),
        good: s().fg(Color::Rgb(106, 124, 104)),
    }
}

fn light() -> Theme {
    let s = Style::new;
    Theme {
        name: ThemeName::Light,
        base: s().fg(Color::Rgb(52, 52, 58)).bg(Color::Rgb(246, 243, 236)),
        muted: s().fg(Color::Rgb(120, 118, 112)),
        title: s().fg(Color::Rgb(30, 40, 52)).add_modifier(Modifier::BOLD),
        accent: s().fg(Color::Rgb(28, 110, 104)),
        selected: s()
            .fg(Color::Rgb(250, 248, 242))
            .bg(Color::Rgb(40, 110, 104)),
        border: s().fg(Color::Rgb(190, 184, 172)),
        caution: s().fg(Color::Rgb(150, 92, 20)),
        key: s().fg(Color::Rgb(28, 110, 104)),
        pacer: s().fg(Color::Rgb(50, 100, 150)),
        done: s().fg(Color::Rgb(40, 120, 110)),
        todo: s().fg(Color::Rgb(214, 208, 196)),
        good: s().fg(Color::Rgb(40, 120, 60)),
    }
}

fn high_contrast() -> Theme {
    let s = Style::new;
    Theme {
        name: ThemeName::HighContrast,
        base: s().fg(Color::White).bg(Color::Black),
        muted: s().fg(Color::Gray),
        title: s().fg(Color::White).add_modifier(Modifier::BOLD),
        accent: s().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        selected: s()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD),
        border: s().fg(Color::White),
        caution: s().fg(Color::Yellow),
        key: s().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        pacer: s().fg(Color::Cyan),
        done: s().fg(Color::Yellow),
        todo: s().fg(Color::DarkGray),
        good: s().fg(Color::Green),
    }
}

/// No colour at all: only bold, dim, reverse and underline.
fn mono() -> Theme {
    let s = Style::new;
    Theme {
        name: ThemeName::Mono,
        base: s(),
        muted: s().add_modifier(Modifier::DIM),
        title: s().add_modifier(Modifier::BOLD),
        accent: s().add_modifier(Modifier::BOLD),
        selected: s().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        border: s(),
        caution: s().add_modifier(Modifier::UNDERLINED),
        key: s().add_modifier(Modifier::BOLD),
        pacer: s(),
        done: s().add_modifier(Modifier::BOLD),
        todo: s().add_modifier(Modifier::DIM),
        good: s().add_modifier(Modifier::BOLD),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_uses_no_colour_anywhere() {
        let t = Theme::get(ThemeName::Mono);
        for style in [
            t.base, t.muted, t.title, t.accent, t.selected, t.border, t.caution, t.key, t.pacer,
            t.done, t.todo, t.good,
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
    }

    /// Perceived brightness of an RGB colour, 0-255 (Rec. 601 luma).
    fn luma(style: Style) -> f64 {
        match style.fg {
            Some(Color::Rgb(r, g, b)) => 0.299 * r as f64 + 0.587 * g as f64 + 0.114 * b as f64,
            other => panic!("calm and dim use RGB colours, not {other:?}"),
        }
    }

    #[test]
    fn the_pacer_is_dimmer_than_the_text_in_calm_and_dim() {
        for name in [ThemeName::Calm, ThemeName::Dim] {
            let t = Theme::get(name);
            assert!(luma(t.pacer) < luma(t.base) * 0.75, "{name}");
            assert!(luma(t.pacer) < luma(t.accent), "{name}");
        }
    }

    #[test]
    fn without_colour_every_theme_still_marks_the_selection() {
        for name in ThemeName::ALL {
            let t = Theme::get(name).without_colour();
            for style in t.styles() {
                assert_eq!((style.fg, style.bg), (None, None), "{name}");
            }
            assert!(
                t.selected.add_modifier.contains(Modifier::REVERSED),
                "{name}: the selected row must stand out without colour"
            );
            assert_ne!(t.selected, t.base, "{name}");
        }
        assert_eq!(
            Theme::get(ThemeName::Mono).without_colour(),
            Theme::get(ThemeName::Mono)
        );
    }

    /// The dim theme's selected row is set apart from the text around it.
    #[test]
    fn the_dim_selection_is_visible() {
        let t = Theme::get(ThemeName::Dim);
        let bg = |s: Style| match s.bg {
            Some(Color::Rgb(r, g, b)) => 0.299 * r as f64 + 0.587 * g as f64 + 0.114 * b as f64,
            _ => 0.0,
        };
        assert!(bg(t.selected) - bg(t.base) >= 50.0, "{:?}", t.selected);
        assert!(luma(t.selected) >= luma(t.base), "{:?}", t.selected);
    }

    #[test]
    fn in_256_colours_every_colour_is_one_of_the_256_and_the_rest_stays() {
        for name in ThemeName::ALL {
            let t = Theme::get(name);
            let c = t.in_256_colours();
            for (before, after) in t.styles().into_iter().zip(c.styles()) {
                for (b, a) in [(before.fg, after.fg), (before.bg, after.bg)] {
                    match (b, a) {
                        (Some(Color::Rgb(..)), Some(Color::Indexed(_))) => {}
                        (b, a) => assert_eq!(b, a, "{name:?}"),
                    }
                }
                assert_eq!(before.add_modifier, after.add_modifier, "{name:?}");
            }
        }
        // Pure white and black are the palette's own.
        let t = Theme {
            base: Style::default()
                .fg(Color::Rgb(255, 255, 255))
                .bg(Color::Rgb(0, 0, 0)),
            ..Theme::get(ThemeName::Calm)
        };
        let base = t.in_256_colours().base;
        assert_eq!(
            (base.fg, base.bg),
            (Some(Color::Indexed(231)), Some(Color::Indexed(16)))
        );
    }

    #[test]
    fn only_truecolor_or_24bit_says_24_bit_colour() {
        use crate::model::settings::says_24_bit;
        use std::ffi::OsStr;
        for yes in ["truecolor", "24bit", "TrueColor"] {
            assert!(says_24_bit(Some(OsStr::new(yes))), "{yes}");
        }
        for no in ["", "1", "yes", "256"] {
            assert!(!says_24_bit(Some(OsStr::new(no))), "{no}");
        }
        assert!(!says_24_bit(None));
    }

    #[test]
    fn no_theme_blinks() {
        for name in ThemeName::ALL {
            let t = Theme::get(name);
            for style in [t.base, t.accent, t.selected, t.caution, t.pacer] {
                assert!(
                    !style
                        .add_modifier
                        .intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK)
                );
            }
        }
    }
}
