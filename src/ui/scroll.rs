//! Scrolling, stated once for every screen: a list with a selection ([`ListScroll`], on
//! ratatui's `TableState`) and a page that is taller than its window ([`PageScroll`]).
//!
//! Keys move them in `update`; `layout` tells them how long the content is and how many rows
//! the window has, and they settle (the selection inside the list, the offset keeping it in
//! view, a page never scrolled past its end), so drawing reads them and changes nothing.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, TableState, Widget};

/// A list's selection and the first row shown. A long list (a history of 100,000 sessions)
/// is drawn a window at a time: [`ListScroll::window`] is the part on screen and
/// [`ListScroll::table_state`] the selection within it.
#[derive(Debug, Clone, Default)]
pub struct ListScroll {
    state: TableState,
    /// The list's length and the window's height at the last layout.
    len: usize,
    height: usize,
}

impl ListScroll {
    /// A list `len` long with its first row selected (none when empty).
    pub fn new(len: usize) -> ListScroll {
        let mut s = ListScroll::default();
        s.reset(len);
        s
    }

    /// The list changed (a new filter): `len` rows, the first selected, from the top.
    pub fn reset(&mut self, len: usize) {
        self.len = len;
        self.state = TableState::new().with_selected((len > 0).then_some(0));
    }

    /// The selected row, if the list has any.
    pub fn selected(&self) -> Option<usize> {
        self.state.selected().filter(|&i| i < self.len)
    }

    /// Selects row `i` of a list `len` long (clamped to its last row).
    pub fn select(&mut self, i: usize, len: usize) {
        self.len = len;
        self.state
            .select((len > 0).then(|| i.min(len.saturating_sub(1))));
    }

    /// Moves the selection `delta` rows, stopping at either end.
    pub fn move_by(&mut self, delta: isize) {
        if self.len == 0 {
            return;
        }
        let at = self.selected().unwrap_or(0);
        let to = at.saturating_add_signed(delta).min(self.len - 1);
        self.state.select(Some(to));
    }

    pub fn first(&mut self) {
        self.move_by(isize::MIN);
    }

    pub fn last(&mut self) {
        self.move_by(isize::MAX);
    }

    /// Settles for a list `len` long in a window `height` rows high: the selection stays
    /// in the list and in view, keeping `above` rows before it in view too when it had
    /// to scroll up (a heading), and a window made taller shows rows from the top again
    /// rather than keeping a scroll it no longer needs.
    pub fn layout(&mut self, len: usize, height: usize, above: usize) {
        self.len = len;
        self.height = height;
        if let Some(sel) = self.state.selected() {
            self.state.select((len > 0).then(|| sel.min(len - 1)));
        }
        let mut offset = self.state.offset();
        if let Some(sel) = self.selected() {
            if sel < offset {
                offset = sel.saturating_sub(above);
            } else if height > 0 && sel >= offset + height {
                offset = sel + 1 - height;
            }
        }
        *self.state.offset_mut() = offset.min(len.saturating_sub(height.max(1)));
    }

    /// The rows on screen at the last layout.
    pub fn window(&self) -> Range<usize> {
        let start = self.state.offset().min(self.len);
        start..(start + self.height).min(self.len)
    }

    /// The state to draw [`ListScroll::window`]'s rows with: the selection counted from
    /// the window's first row, so ratatui's table has nothing left to scroll.
    pub fn table_state(&self) -> TableState {
        let start = self.window().start;
        TableState::new().with_selected(
            self.selected()
                .filter(|i| self.window().contains(i))
                .map(|i| i - start),
        )
    }
}

/// How far a page taller than its window is scrolled, in rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageScroll {
    top: usize,
    /// The page's height and the window's at the last layout.
    len: usize,
    height: usize,
}

impl PageScroll {
    /// The first row shown.
    pub fn top(&self) -> usize {
        self.top
    }

    /// The last first row there is: the page's end at the window's bottom.
    pub fn max(&self) -> usize {
        self.len.saturating_sub(self.height)
    }

    /// The window's height at the last layout.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Scrolls `delta` rows (clamped at the next layout when the page is not yet known).
    pub fn by(&mut self, delta: isize) {
        self.top = self.top.saturating_add_signed(delta);
        if self.len > 0 {
            self.top = self.top.min(self.max());
        }
    }

    /// To row `top` (past the end means the end).
    pub fn to(&mut self, top: usize) {
        self.top = top;
        if self.len > 0 {
            self.top = self.top.min(self.max());
        }
    }

    pub fn home(&mut self) {
        self.top = 0;
    }

    pub fn end(&mut self) {
        self.top = usize::MAX;
        if self.len > 0 {
            self.top = self.max();
        }
    }

    /// A window's worth less one row, so a line of context stays in view.
    pub fn page(&self) -> isize {
        self.height.saturating_sub(1).max(1) as isize
    }

    /// Settles for a page `len` rows long in a window `height` rows high.
    pub fn layout(&mut self, len: usize, height: usize) {
        self.len = len;
        self.height = height;
        self.top = self.top.min(self.max());
    }

    /// Whether there is more above and below what is shown.
    pub fn more(&self) -> (bool, bool) {
        (self.top > 0, self.top < self.max())
    }
}

/// The rows a screen's ↓ and ↑ move text that does not fit its window (the cautions
/// before a routine or a breathing pattern, a step's instructions in the player).
pub const TEXT_STEP: isize = 2;

/// The mark on the last row of text cut short at its window's bottom, naming the key that
/// scrolls it.
pub const MORE_BELOW: &str = "↓ more (↓ scrolls)";

/// Lines in a window that may be too short for them, drawn from row `top`: while more is
/// below, the window's last row is `mark` instead of a line (a window of one row ends its
/// line with it), so a cut never goes unsaid. Scrolled to the end (`top` at the page's
/// [`PageScroll::max`]), the last line shows.
pub struct Scrolled<'a> {
    pub lines: Vec<Line<'a>>,
    pub top: usize,
    pub mark: Line<'a>,
}

impl Widget for Scrolled<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Scrolled {
            mut lines,
            top,
            mark,
        } = self;
        let height = usize::from(area.height);
        let top = top.min(lines.len().saturating_sub(height));
        if lines.len() > top + height {
            if height > 1 {
                lines.truncate(top + height - 1);
                lines.push(mark);
            } else if let Some(line) = lines.get_mut(top) {
                line.spans.extend(mark.spans);
            }
        }
        let top = u16::try_from(top).unwrap_or(u16::MAX);
        Paragraph::new(lines).scroll((top, 0)).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_keeps_its_selection_in_view_and_in_the_list() {
        let mut l = ListScroll::new(50);
        l.layout(50, 10, 0);
        assert_eq!(l.window(), 0..10);
        l.move_by(15);
        l.layout(50, 10, 0);
        assert_eq!((l.selected(), l.window()), (Some(15), 6..16));
        // Up within the window does not scroll; above it, it does (with a row of context).
        l.move_by(-5);
        l.layout(50, 10, 1);
        assert_eq!(l.window(), 6..16);
        l.move_by(-5);
        l.layout(50, 10, 1);
        assert_eq!((l.selected(), l.window()), (Some(5), 4..14));
        assert_eq!(l.table_state().selected(), Some(1));
        l.last();
        l.layout(50, 10, 0);
        assert_eq!((l.selected(), l.window()), (Some(49), 40..50));
        // A taller window shows from the top again as far as it can.
        l.layout(50, 60, 0);
        assert_eq!(l.window(), 0..50);
        // A shorter list keeps the selection inside it.
        l.layout(20, 10, 0);
        assert_eq!(l.selected(), Some(19));
        l.reset(0);
        l.move_by(3);
        assert_eq!(l.selected(), None);
    }

    #[test]
    fn a_page_stops_at_its_ends() {
        let mut p = PageScroll::default();
        p.end();
        p.layout(30, 10);
        assert_eq!((p.top(), p.more()), (20, (true, false)));
        p.by(-p.page());
        assert_eq!(p.top(), 11);
        p.by(-100);
        assert_eq!((p.top(), p.more()), (0, (false, true)));
        p.layout(5, 10);
        assert_eq!((p.top(), p.more()), (0, (false, false)));
    }

    #[test]
    fn scrolled_text_says_more_until_its_end_is_shown() {
        let draw = |top| {
            let lines = (1..=5).map(|i| Line::raw(format!("line {i}"))).collect();
            let mark = Line::raw("more");
            let mut buf = Buffer::empty(Rect::new(0, 0, 8, 3));
            Scrolled { lines, top, mark }.render(buf.area, &mut buf);
            (0..3)
                .map(|y| (0..8).map(|x| buf[(x, y)].symbol()).collect::<String>())
                .map(|l| l.trim_end().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(0), ["line 1", "line 2", "more"]);
        assert_eq!(draw(1), ["line 2", "line 3", "more"]);
        assert_eq!(draw(2), ["line 3", "line 4", "line 5"]);
        assert_eq!(draw(9), ["line 3", "line 4", "line 5"]);
        // A window of one row ends its line with the mark.
        let lines = vec![Line::raw("a"), Line::raw("b")];
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        let mark = Line::raw(" more");
        Scrolled {
            lines,
            top: 0,
            mark,
        }
        .render(buf.area, &mut buf);
        let row: String = (0..8).map(|x| buf[(x, 0)].symbol()).collect();
        assert_eq!(row.trim_end(), "a more");
    }
}
