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

pub fn lines(theme: &Theme, title: &str, keys: &[KeyHelp]) -> Vec<Line<'static>> {
    let width = keys
        .iter()
        .chain(EVERYWHERE.iter())
        .map(|k| k.keys.chars().count())
        .max()
        .unwrap_or(0);
    let row = |k: &KeyHelp| {
        Line::from(vec![
            Span::styled(format!("  {:width$}  ", k.keys), theme.key),
            Span::styled(k.what.to_string(), theme.base),
        ])
    };
    let mut out = vec![Line::styled(format!(" {}", title), theme.title)];
    out.extend(keys.iter().map(row));
    out.push(Line::raw(""));
    out.push(Line::styled(" Everywhere", theme.title));
    out.extend(EVERYWHERE.iter().map(row));
    out.push(Line::raw(""));
    out.push(Line::styled(
        " On the home screen, ! shows the safety notice and the warning signs again.",
        theme.muted,
    ));
    out.push(Line::styled(
        " Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.",
        theme.muted,
    ));
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
    let body = lines(theme, title, keys);
    // Full width on small terminals, so no sliver of the screen's border shows beside it.
    let w = if area.width <= 82 { area.width } else { 80 };
    let inner_w = w.saturating_sub(2);
    let needed: u16 = body
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            crate::ui::wrapped_height(&text, inner_w).max(1)
        })
        .sum();
    let para = Paragraph::new(body).wrap(ratatui::widgets::Wrap { trim: false });
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
