//! Screens and the small pieces they share (footer, header, centring, the size check).
//! Every screen draws only with the theme's named styles.

pub mod countdown;
pub mod help;
pub mod pacer;
pub mod rating;
pub mod scroll;
pub mod theme;

use std::borrow::Cow;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    /// What the key does; a screen may say it in words of the moment
    /// ([`KeyHelp::saying`]: "1 breath (10 s)").
    pub what: Cow<'static, str>,
    /// Shown in the one-line footer (the help screen lists them all).
    pub footer: bool,
}

pub const fn key(keys: &'static str, what: &'static str) -> KeyHelp {
    KeyHelp {
        keys,
        what: Cow::Borrowed(what),
        footer: true,
    }
}

pub const fn help_only(keys: &'static str, what: &'static str) -> KeyHelp {
    KeyHelp {
        keys,
        what: Cow::Borrowed(what),
        footer: false,
    }
}

impl KeyHelp {
    /// The same key, described in words worked out now.
    pub fn saying(self, what: String) -> KeyHelp {
        KeyHelp {
            what: Cow::Owned(what),
            ..self
        }
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
        .filter_map(|b| b.help.clone())
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
    let mut shown: Vec<&KeyHelp> = keys.iter().filter(|k| k.footer).collect();
    if let Some(status) = status {
        // A message takes the line, but the way to every key (help, quit) stays beside it,
        // and a message too long for the line ends in "…" rather than mid-word.
        shown.retain(|k| is_way_out(k));
        let keys_w = footer_width(&shown) as u16;
        let keys_w = if keys_w + 12 <= area.width { keys_w } else { 0 };
        let [msg, rest] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(keys_w)]).areas(area);
        let text = crate::model::format::cut(status, msg.width.saturating_sub(2) as usize);
        frame.render_widget(Line::styled(format!(" {text}"), theme.accent), msg);
        if keys_w > 0 {
            frame.render_widget(key_spans(&shown, theme), rest);
        }
        return;
    }
    // When not everything fits, drop entries from the end but keep help and quit, so the
    // way to every other key is always on screen, and what Enter does (the way on: a way
    // out must never be all a narrow footer shows).
    let enter = |k: &&KeyHelp| k.keys.starts_with("Enter") && !is_way_out(k);
    while footer_width(&shown) > area.width as usize {
        let drop = shown
            .iter()
            .rposition(|k| !is_way_out(k) && !enter(k))
            .or_else(|| shown.iter().rposition(enter));
        match drop {
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
    frame.render_widget(key_spans(&shown, theme), area);
}

/// Help and quit: the keys a footer never drops.
fn is_way_out(k: &KeyHelp) -> bool {
    matches!(k.keys, "?" | "q" | "Esc")
}

/// The columns [`key_spans`] takes.
fn footer_width(keys: &[&KeyHelp]) -> usize {
    1 + keys
        .iter()
        .map(|k| crate::model::format::width(k.keys) + 1 + crate::model::format::width(&k.what))
        .sum::<usize>()
        + 2 * keys.len().saturating_sub(1)
}

/// " ? help  q quit": keys in the key style, what they do muted.
fn key_spans<'a>(keys: &[&'a KeyHelp], theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(k.keys, theme.key));
        spans.push(Span::styled(format!(" {}", k.what), theme.muted));
    }
    Line::from(spans)
}

/// The usual screen: a one-line header, the body, and the one-line key footer.
pub fn screen_areas(area: Rect) -> [Rect; 3] {
    // Under five rows the body keeps three first, then the header takes its row (as
    // `Layout` gives them out).
    let [head, rest] = split_rows(area, u16::from(area.height >= 4));
    let [body, foot] = split_rows(rest, rest.height - u16::from(area.height >= 5));
    [head, body, foot]
}

/// The most columns a screen's text spreads over: on a very wide window home, the player,
/// the history and the record view keep to this many in the middle, so nothing sits 150
/// columns from what it belongs to (a title from its time, a routine from its length).
pub const READABLE: u16 = 120;

/// The most columns a screen of running text takes (the safety notice, the before screen,
/// the rating before breathing): on a wider window its header, text and footer keep to
/// this many in the middle, so the key hints stand under the text they belong to.
pub const TEXT_COLUMNS: u16 = 80;

/// The middle of `area`, at most [`TEXT_COLUMNS`] wide, full height.
pub fn text_column(area: Rect) -> Rect {
    centered(area, area.width.min(TEXT_COLUMNS), area.height)
}

/// The middle of `area`, at most [`READABLE`] columns wide, full height.
pub fn readable(area: Rect) -> Rect {
    centered(area, area.width.min(READABLE), area.height)
}

/// A rectangle of at most `w`×`h`, centred in `area` (an odd space left over puts the extra
/// column or row before it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect {
        x: area.x + (area.width - w).div_ceil(2),
        y: area.y + (area.height - h).div_ceil(2),
        width: w,
        height: h,
    }
}

/// The first `n` rows of `area` (at most all of them) and the rest below.
///
/// Home's panes and the screens' bands are cut here and in [`split_columns`] and
/// [`screen_areas`], by sums, rather than by `Layout`: its constraint solver costs tenths of
/// a millisecond on its first uses, on the way to the first frame. A test holds each to what
/// `Layout` makes of the same constraints.
pub fn split_rows(area: Rect, n: u16) -> [Rect; 2] {
    let n = n.min(area.height);
    [
        Rect { height: n, ..area },
        Rect {
            y: area.y + n,
            height: area.height - n,
            ..area
        },
    ]
}

/// The first `n` columns of `area` (at most all of them) and the rest to the right.
pub fn split_columns(area: Rect, n: u16) -> [Rect; 2] {
    let n = n.min(area.width);
    [
        Rect { width: n, ..area },
        Rect {
            x: area.x + n,
            width: area.width - n,
            ..area
        },
    ]
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

/// `line` within `width` columns: unchanged when it fits, otherwise cut where the edge
/// falls with "…" in the style of the span it cut (never a word silently sliced off).
pub fn fit_line<'a>(line: &Line<'a>, width: u16) -> Line<'a> {
    use crate::model::format::{cut, width as cols};
    let mut room = usize::from(width);
    if line.width() <= room {
        return line.clone();
    }
    let mut spans = Vec::new();
    for span in &line.spans {
        let w = cols(&span.content);
        if w < room {
            spans.push(span.clone());
            room -= w;
            continue;
        }
        // This span reaches the edge, and more follows it: it ends the line with "…" (a
        // span that just fits is cut too, since what follows it is not shown).
        if room > 0 {
            let text = cut(&format!("{}…", span.content), room);
            spans.push(Span::styled(text, span.style));
        }
        break;
    }
    Line {
        spans,
        ..line.clone()
    }
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
    /// The sums that cut screens into bands and panes make what `Layout` makes of the
    /// same constraints, at 441 sizes from nothing to 121 columns and rows.
    #[test]
    fn bands_and_panes_are_cut_as_layout_cuts_them() {
        let sizes = [
            0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 24, 39, 40, 63, 64, 80, 99, 100, 120, 121,
        ];
        for width in sizes {
            for height in sizes {
                let area = Rect::new(3, 2, width, height);
                assert_eq!(
                    screen_areas(area),
                    Layout::vertical([
                        Constraint::Length(1),
                        Constraint::Min(3),
                        Constraint::Length(1),
                    ])
                    .areas(area),
                    "{area}"
                );
                for n in [0, 1, 3, 10, 46, 200] {
                    assert_eq!(
                        split_rows(area, n),
                        Layout::vertical([Constraint::Length(n), Constraint::Min(0)]).areas(area),
                        "{area} {n}"
                    );
                    assert_eq!(
                        split_columns(area, n),
                        Layout::horizontal([Constraint::Length(n), Constraint::Min(0)]).areas(area),
                        "{area} {n}"
                    );
                }
                for (w, h) in [
                    (0, 0),
                    (1, 1),
                    (7, 4),
                    (READABLE, height),
                    (width, 3),
                    (99, 99),
                ] {
                    let [r] = Layout::horizontal([Constraint::Length(w.min(width))])
                        .flex(Flex::Center)
                        .areas(area);
                    let [r] = Layout::vertical([Constraint::Length(h.min(height))])
                        .flex(Flex::Center)
                        .areas(r);
                    assert_eq!(centered(area, w, h), r, "{area} {w}x{h}");
                }
            }
        }
    }

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
        // What Enter does goes after the others, before the ways out.
        let middle = draw(24, 1, |f| footer(f, f.area(), &theme, None, &KEYS));
        assert_eq!(buffer_line(&middle), " Enter start  q quit");
    }

    #[test]
    fn a_status_line_takes_the_footer_s_place_but_quit_stays() {
        let theme = Theme::get(ThemeName::Calm);
        let b = draw(20, 1, |f| footer(f, f.area(), &theme, Some("saved"), &KEYS));
        assert_eq!(buffer_line(&b), " saved        q quit");
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

    #[test]
    fn a_line_too_wide_is_cut_with_an_ellipsis_in_the_style_it_cut() {
        let t = Theme::get(ThemeName::Calm);
        let line = Line::from(vec![
            Span::styled("7 min · 1 active day", t.muted),
            Span::styled(" · goal reached", t.good),
        ]);
        assert_eq!(fit_line(&line, 40), line, "it fits: unchanged");
        let cut = fit_line(&line, 30);
        assert_eq!(cut.to_string(), "7 min · 1 active day · goal r…");
        assert_eq!(cut.width(), 30);
        assert_eq!(cut.spans.last().unwrap().style, t.good);
        // The first span just fits: it gives a column up so the cut is said.
        let cut = fit_line(&line, 20);
        assert_eq!(cut.to_string(), "7 min · 1 active da…");
        assert_eq!(fit_line(&line, 0).width(), 0);
    }
}
