//! The help overlay (`?`): every key of the current screen, plus the keys that work
//! everywhere and a way back to the safety notice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use ratatui::widgets::{Block, Clear, Paragraph};

use crate::ui::theme::Theme;
use crate::ui::{KeyHelp, help_only};

const EVERYWHERE: [KeyHelp; 4] = [
    help_only("?", "open or close this help (a running session waits)"),
    help_only(
        "t",
        "next colour theme (calm, dim, light, high-contrast, mono)",
    ),
    help_only("Ctrl-C", "quit now (a running session is saved as stopped)"),
    help_only("Ctrl-Z", "suspend; a running session pauses"),
];

/// The help box's lines, wrapped to `w` columns: a description that wraps goes on under
/// its own column, a paragraph under its first word.
pub fn lines(theme: &Theme, title: &str, keys: &[KeyHelp], w: u16) -> Vec<Line<'static>> {
    let width = keys
        .iter()
        .chain(EVERYWHERE.iter())
        .map(|k| k.keys.chars().count())
        .max()
        .unwrap_or(0);
    let indent = width + 4;
    let mut out = vec![Line::styled(format!(" {}", title), theme.title)];
    let rows = |out: &mut Vec<Line<'static>>, keys: &[KeyHelp]| {
        for k in keys {
            let room = (w as usize).saturating_sub(indent).max(10);
            for (i, part) in textwrap::wrap(&k.what, room).into_iter().enumerate() {
                let lead = if i == 0 {
                    Span::styled(format!("  {:width$}  ", k.keys), theme.key)
                } else {
                    Span::raw(" ".repeat(indent))
                };
                out.push(Line::from(vec![
                    lead,
                    Span::styled(part.into_owned(), theme.base),
                ]));
            }
        }
    };
    rows(&mut out, keys);
    out.push(Line::raw(""));
    out.push(Line::styled(" Everywhere", theme.title));
    rows(&mut out, &EVERYWHERE);
    out.push(Line::raw(""));
    for text in [
        "On the home screen, ! shows the safety notice and the warning signs again.",
        "Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.",
    ] {
        for part in textwrap::wrap(text, (w as usize).saturating_sub(1).max(10)) {
            out.push(Line::styled(format!(" {part}"), theme.muted));
        }
    }
    out
}

/// Draws the help box over the screen; `scroll` moves through it when it does not fit.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    keys: &[KeyHelp],
    scroll: u16,
) {
    // Full width on small terminals, so no sliver of the screen's border shows beside it.
    let w = if area.width <= 82 { area.width } else { 80 };
    let inner_w = w.saturating_sub(2);
    let body = lines(theme, title, keys, inner_w);
    let needed = u16::try_from(body.len()).unwrap_or(u16::MAX);
    let para = Paragraph::new(body);
    let h = (needed + 2).min(area.height);
    let r = crate::ui::centered(area, w, h);
    let overflow = needed.saturating_sub(h.saturating_sub(2));
    let scroll = scroll.min(overflow);
    let heading = if overflow > 0 {
        " Help · ↑↓ scroll · Esc closes "
    } else {
        " Help · ? or Esc to close "
    };
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .border_style(theme.border)
        .style(theme.base)
        .title(Line::styled(heading, theme.title));
    frame.render_widget(para.block(block).scroll((scroll, 0)), r);
}
