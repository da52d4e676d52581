//! Screens and the small pieces they share (footer, header, centring, the size check).
//! Every screen draws only with the theme's named styles.

pub mod countdown;
pub mod help;
pub mod pacer;
pub mod rating;
pub mod scroll;
pub mod theme;

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::ui::theme::Theme;

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Below the minimum size, says how big the window needs to be instead of drawing.
pub fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) -> bool {
    if area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT {
        return false;
    }
    let msg = vec![
        Line::styled("knotless needs a bigger window", theme.title),
        Line::styled(
            format!(
                "at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}",
                area.width, area.height
            ),
            theme.muted,
        ),
    ];
    let h = area.height.min(4);
    let [mid] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    frame.render_widget(
        Paragraph::new(msg).centered().wrap(Wrap { trim: true }),
        mid,
    );
    true
}

/// One key for the footer and the help screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    pub what: &'static str,
    /// Shown in the one-line footer (the help screen lists them all).
    pub footer: bool,
}

pub const fn key(keys: &'static str, what: &'static str) -> KeyHelp {
    KeyHelp {
        keys,
        what,
        footer: true,
    }
}

pub const fn help_only(keys: &'static str, what: &'static str) -> KeyHelp {
    KeyHelp {
        keys,
        what,
        footer: false,
    }
}

/// One row of a screen's key table: the keys that do something, what they do (an action of
/// that screen), and how help and the footer describe it. One table both answers keys and
/// writes the help, so the two never disagree.
pub struct Binding<A: 'static> {
    /// The keys; empty for a row that only explains (typing, or a key the app handles).
    pub codes: &'static [KeyCode],
    pub action: A,
    /// `None` for keys already described by another row (`j` beside `↓` in "↑↓ j k").
    pub help: Option<KeyHelp>,
}

/// A row of a key table, described in help (and the footer when `help` says so).
pub const fn row<A>(codes: &'static [KeyCode], action: A, help: KeyHelp) -> Binding<A> {
    Binding {
        codes,
        action,
        help: Some(help),
    }
}

/// A row whose keys another row already describes.
pub const fn also<A>(codes: &'static [KeyCode], action: A) -> Binding<A> {
    Binding {
        codes,
        action,
        help: None,
    }
}

/// The action bound to a key in `table`, if any.
pub fn lookup<A: Copy>(table: &[Binding<A>], code: KeyCode) -> Option<A> {
    table
        .iter()
        .find(|b| b.codes.contains(&code))
        .map(|b| b.action)
}

/// The action bound to a key among the rows of `table` whose action `shown` keeps: the
/// same filter that writes the footer decides what a key does, so a hidden row never acts.
pub fn lookup_where<A: Copy>(
    table: &[Binding<A>],
    code: KeyCode,
    shown: impl Fn(A) -> bool,
) -> Option<A> {
    table
        .iter()
        .filter(|b| shown(b.action))
        .find(|b| b.codes.contains(&code))
        .map(|b| b.action)
}

/// The help rows of `table` whose action `shown` keeps, in table order.
pub fn described<A: Copy>(table: &[Binding<A>], shown: impl Fn(A) -> bool) -> Vec<KeyHelp> {
    table
        .iter()
        .filter(|b| shown(b.action))
        .filter_map(|b| b.help)
        .collect()
}

/// The one-line key footer, or the status message when there is one.
pub fn footer(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    status: Option<&str>,
    keys: &[KeyHelp],
) {
    if let Some(status) = status {
        frame.render_widget(Line::styled(format!(" {status}"), theme.accent), area);
        return;
    }
    // When not everything fits, drop entries from the end but keep help and quit, so the
    // way to every other key is always on screen.
    let mut shown: Vec<&KeyHelp> = keys.iter().filter(|k| k.footer).collect();
    let width = |v: &[&KeyHelp]| {
        1 + v
            .iter()
            .map(|k| k.keys.chars().count() + 1 + k.what.chars().count())
            .sum::<usize>()
            + 2 * v.len().saturating_sub(1)
    };
    while width(&shown) > area.width as usize {
        match shown
            .iter()
            .rposition(|k| !matches!(k.keys, "?" | "q" | "Esc"))
        {
            Some(i) if shown.len() > 1 => {
                shown.remove(i);
            }
            _ => {
                shown.pop();
                if shown.is_empty() {
                    break;
                }
            }
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, k) in shown.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(k.keys, theme.key));
        spans.push(Span::styled(format!(" {}", k.what), theme.muted));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The usual screen: a one-line header, the body, and the one-line key footer.
pub fn screen_areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// The most columns a screen's text spreads over: on a very wide window home, the player,
/// the history and the record view keep to this many in the middle, so nothing sits 150
/// columns from what it belongs to (a title from its time, a routine from its length).
pub const READABLE: u16 = 120;

/// The middle of `area`, at most [`READABLE`] columns wide, full height.
pub fn readable(area: Rect) -> Rect {
    centered(area, area.width.min(READABLE), area.height)
}

/// A rectangle of at most `w`×`h`, centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(r);
    r
}

/// How many lines `text` takes when wrapped at `width` (for laying out wrapped paragraphs).
pub fn wrapped_height(text: &str, width: u16) -> u16 {
    if width == 0 {
        return 0;
    }
    textwrap::wrap(text, width as usize).len() as u16
}

/// Text wrapped at word boundaries into styled lines.
pub fn wrap_lines(text: &str, width: u16, style: Style) -> Vec<Line<'static>> {
    textwrap::wrap(text, width.max(1) as usize)
        .into_iter()
        .map(|l| Line::styled(l.into_owned(), style))
        .collect()
}

/// Takes every control character and bidi override ([`crate::model::format::is_unsafe_char`])
/// out of a drawn buffer, whichever widget put it there: the last step before the terminal.
pub fn neutralise_buffer(buf: &mut ratatui::buffer::Buffer) {
    use crate::model::format::is_unsafe_char;
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.chars().any(is_unsafe_char) {
            let clean: String = sym.chars().filter(|c| !is_unsafe_char(*c)).collect();
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;

    use super::*;
    use crate::model::config::ThemeName;

    fn draw(w: u16, h: u16, f: impl FnOnce(&mut Frame)) -> Buffer {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(f).unwrap();
        t.backend().buffer().clone()
    }

    const KEYS: [KeyHelp; 4] = [
        key("Enter", "start"),
        key("b", "breathe"),
        help_only("j k", "choose"),
        key("q", "quit"),
    ];

    #[test]
    fn the_footer_shows_footer_keys_and_keeps_quit_when_narrow() {
        let theme = Theme::get(ThemeName::Mono);
        let wide = draw(32, 1, |f| footer(f, f.area(), &theme, None, &KEYS));
        assert_eq!(
            buffer_line(&wide),
            " Enter start  b breathe  q quit",
            "help-only keys stay out of the footer"
        );
        assert_eq!(wide[(1, 0)].style().add_modifier, theme.key.add_modifier);
        // Too narrow for all: entries go from the end, but quit stays.
        let narrow = draw(16, 1, |f| footer(f, f.area(), &theme, None, &KEYS));
        assert_eq!(buffer_line(&narrow), " q quit");
    }

    #[test]
    fn a_status_line_takes_the_footer_s_place() {
        let theme = Theme::get(ThemeName::Calm);
        let b = draw(20, 1, |f| footer(f, f.area(), &theme, Some("saved"), &KEYS));
        assert_eq!(buffer_line(&b), " saved");
        assert_eq!(b[(1, 0)].style().fg, theme.accent.fg);
    }

    #[test]
    fn below_the_minimum_the_window_says_how_big_it_must_be() {
        let theme = Theme::get(ThemeName::Mono);
        let b = draw(30, 4, |f| {
            assert!(too_small(f, f.area(), &theme));
        });
        let text: Vec<String> = (0..4).map(|y| row_text(&b, y)).collect();
        assert!(text.iter().any(|l| l.contains("bigger window")), "{text:?}");
        assert!(text.iter().any(|l| l.contains("30×4")), "{text:?}");
        let b = draw(40, 12, |f| assert!(!too_small(f, f.area(), &theme)));
        assert_eq!(row_text(&b, 0), "");
    }

    fn row_text(b: &Buffer, y: u16) -> String {
        (0..b.area.width)
            .map(|x| b[(x, y)].symbol())
            .collect::<String>()
            .trim_end()
            .to_string()
    }

    fn buffer_line(b: &Buffer) -> String {
        row_text(b, 0)
    }
}
