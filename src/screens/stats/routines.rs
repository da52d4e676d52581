//! Routines: per routine how often, head pain before → after and the average change, over
//! the period; and for the chosen routine (↑↓) the paired change month by month over the
//! last year, one mark a month with its n, so whether it still seems to help is a glance.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Widget};

use super::{CHARTS, MAX_ROUTINES, Section, StatsView, TALL, heading, put_lines};
use crate::core::stats::{CHANGE_MONTHS, MonthPain, PainStats, RoutineStats};
use crate::model::format::{fit, fit_right, fmt_change, width};
use crate::ui::theme::Theme;

/// Columns left of the marks, for the scale and the row names.
const AXIS: u16 = 5;

/// Whether the routine table fits one line a routine at this width (else two).
fn relief_one_line(w: u16) -> bool {
    w >= 46
}

/// The table's rows above the first routine: a heading (and the column names when wide).
fn relief_head(w: u16) -> u16 {
    if relief_one_line(w) { 2 } else { 1 }
}

/// The heading and a line or two per routine, or a line saying there are none yet.
fn relief_height(routines: u16, w: u16) -> u16 {
    match routines {
        0 => 2,
        n if relief_one_line(w) => relief_head(w) + n,
        n => relief_head(w) + 2 * n,
    }
}

/// The cell that ratatui's braille canvas paints for a point `frac` of the way along
/// `cells` cells of `dots` dots each (2 across, 4 down), so a mark drawn by hand sits on the
/// line the chart draws.
fn braille_cell(frac: f64, cells: u16, dots: u16) -> u16 {
    let last = f64::from(cells.saturating_mul(dots).saturating_sub(1));
    (frac.clamp(0.0, 1.0) * last).round() as u16 / dots
}

/// The column of month `i` of [`CHANGE_MONTHS`] in a chart `w` wide: where the chart's
/// line passes x = i on bounds −0.5..months − 0.5, so marks and text line up with it.
fn month_col(i: usize, w: u16) -> u16 {
    braille_cell((i as f64 + 0.5) / CHANGE_MONTHS as f64, w, 2)
}

impl StatsView {
    /// The chosen routine's months (a chart, or text in a narrow window), then the table.
    pub(super) fn place_routines(
        &self,
        w: u16,
        h: u16,
        y: u16,
        out: &mut Vec<(Section, Rect)>,
    ) -> u16 {
        let inner = w.saturating_sub(2);
        let n = self.stats.routines.len().min(MAX_ROUTINES) as u16;
        let table = (Section::RoutineTable, relief_height(n, inner));
        let months = match self.chosen() {
            None => None,
            Some(_) if w >= CHARTS => Some((Section::RoutineChart, Self::chart_rows(h) + 5)),
            Some(r) => Some((Section::RoutineText, 2 + r.monthly.len().max(1) as u16)),
        };
        let sections: Vec<_> = months.into_iter().chain([table]).collect();
        Self::stack(out, w, y, &sections)
    }

    /// The chart's rows (odd, so 0 has a row of its own) for a window `h` high.
    fn chart_rows(h: u16) -> u16 {
        if h >= TALL { 9 } else { 5 }
    }

    pub(super) fn chosen(&self) -> Option<&RoutineStats> {
        self.stats.routines.get(self.routine.min(MAX_ROUTINES - 1))
    }

    /// The page rows of the chosen routine's line(s) in the table, as last laid out.
    pub(super) fn chosen_rows(&self) -> Option<Range<usize>> {
        let (_, r) = self
            .placed
            .iter()
            .find(|(s, _)| *s == Section::RoutineTable)?;
        self.chosen()?;
        let per = if relief_one_line(r.width) { 1 } else { 2 };
        let start = usize::from(r.y + relief_head(r.width)) + self.routine * per;
        Some(start..start + per)
    }

    /// The chosen routine's change month by month: a mark a month (a line through them),
    /// 0 dotted across, the months, the changes and their n under it.
    pub(super) fn draw_routine_chart(&self, buf: &mut Buffer, t: &Theme) {
        let Some(r) = self.chosen() else { return };
        let area = buf.area;
        let rows = area.height.saturating_sub(5);
        let title = heading(
            &r.title,
            " · head pain after minus before, month by month",
            t,
        );
        put_lines(buf, area, &[title]);
        let plot = Rect::new(
            area.x + AXIS,
            area.y + 1,
            area.width.saturating_sub(AXIS),
            rows,
        );
        let first = self.stats.today.first_of_month();
        let index = |m: &MonthPain| {
            let back = (first.year() as i32 * 12 + first.month() as i32)
                - (m.month.year() as i32 * 12 + m.month.month() as i32);
            CHANGE_MONTHS as i32 - 1 - back
        };
        let points: Vec<(f64, f64)> = r
            .monthly
            .iter()
            .filter_map(|m| Some((f64::from(index(m)), m.pain.shown_change()?)))
            .collect();
        let top = points
            .iter()
            .map(|p| p.1.abs())
            .fold(2.0, f64::max)
            .ceil()
            .min(10.0);
        let zero = [(-0.5, 0.0), (CHANGE_MONTHS as f64 - 0.5, 0.0)];
        let datasets = vec![
            Dataset::default()
                .data(&zero)
                .graph_type(GraphType::Line)
                .marker(Marker::Braille)
                .style(t.todo),
            Dataset::default()
                .data(&points)
                .graph_type(GraphType::Line)
                .marker(Marker::Braille)
                .style(t.muted),
        ];
        Chart::new(datasets)
            .x_axis(Axis::default().bounds([-0.5, CHANGE_MONTHS as f64 - 0.5]))
            .y_axis(Axis::default().bounds([-top, top]))
            .render(plot, buf);
        // A mark a month on the line (ratatui's own dot marker sits on a coarser grid, a
        // row or a column off the braille line).
        for &(i, v) in &points {
            let x = month_col(i as usize, plot.width);
            let y = braille_cell((top - v) / (2.0 * top), plot.height, 4);
            buf.set_string(plot.x + x, plot.y + y, "•", t.accent);
        }
        for (row, text) in [
            (0, format!("+{top:.0}")),
            (rows / 2, " 0".into()),
            (rows - 1, format!("−{top:.0}")),
        ] {
            buf.set_line(
                area.x,
                plot.y + row,
                &Line::styled(format!("{text:>3}"), t.muted),
                AXIS,
            );
        }
        self.month_rows(buf, Rect::new(area.x, plot.bottom(), area.width, 4), r, t);
    }

    /// Under the chart: the months, each month's change and its n; then what the marks mean.
    fn month_rows(&self, buf: &mut Buffer, area: Rect, r: &RoutineStats, t: &Theme) {
        let w = area.width.saturating_sub(AXIS);
        let first = self.stats.today.first_of_month();
        let mut put = |y: u16, i: usize, text: &str, style| {
            let x = (AXIS + month_col(i, w)).saturating_sub((width(text) as u16).div_ceil(2) - 1);
            buf.set_string(area.x + x, area.y + y, text, style);
        };
        for i in 0..CHANGE_MONTHS {
            let back = (CHANGE_MONTHS - 1 - i) as i64;
            let Ok(month) = first.checked_sub(jiff::Span::new().months(back)) else {
                continue;
            };
            put(0, i, &month.strftime("%b").to_string(), t.muted);
            if let Some(m) = r.monthly.iter().find(|m| m.month == month)
                && let Some(c) = m.pain.shown_change()
            {
                put(1, i, &fmt_change(c), if c < 0.0 { t.good } else { t.base });
                put(2, i, &format!("n={}", m.pain.n), t.muted);
            }
        }
        let note = if r.monthly.is_empty() {
            "No session of it in the last 12 months was rated before and after."
        } else {
            "Below 0: less pain after than before. Only sessions rated both times count."
        };
        buf.set_line(area.x, area.y + 3, &Line::styled(note, t.muted), area.width);
    }

    /// The chosen routine's months as text, for a narrow window.
    pub(super) fn routine_text(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let Some(r) = self.chosen() else {
            return Vec::new();
        };
        let mut out = vec![Line::styled(
            fit(&format!("{} · by month", r.title), w as usize),
            t.title,
        )];
        if r.monthly.is_empty() {
            out.push(Line::styled("No rated sessions in 12 months.", t.muted));
        }
        for m in &r.monthly {
            out.push(Line::from(vec![
                Span::styled(format!("  {}  ", m.month.strftime("%b %Y")), t.muted),
                change_span(&m.pain, t),
            ]));
        }
        out
    }

    /// Per routine: how often, head pain before → after on average, and the average change
    /// with how many sessions it is over; the chosen routine marked. Narrow windows give
    /// each routine two lines.
    pub(super) fn relief(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let routines = &self.stats.routines;
        let title = heading("Routines", &format!(" · {}", self.period.label()), t);
        if routines.is_empty() {
            return vec![
                title,
                Line::styled("Shown here after your first session.", t.muted),
            ];
        }
        let mut out = vec![title];
        let wide = relief_one_line(w);
        let w = usize::from(w);
        // The titles take what the longest needs (within reason), not the whole width.
        let longest = routines.iter().map(|r| width(&r.title)).max().unwrap_or(0);
        let title_w = w
            .saturating_sub(2 + 5 + 12 + 12 + 3)
            .min(longest.clamp(16, 48));
        if wide {
            let head = format!(
                "  {} {} {} change",
                fit("Routine", title_w),
                fit_right("times", 5),
                fit(" head pain", 12),
            );
            out.push(Line::styled(head, t.muted));
        }
        for (i, r) in routines.iter().take(MAX_ROUTINES).enumerate() {
            let chosen = i == self.routine;
            let (mark, name) = if chosen {
                ("› ", t.selected)
            } else {
                ("  ", t.base)
            };
            let pain = r.pain.before_after().unwrap_or("–".into());
            if wide {
                out.push(Line::from(vec![
                    Span::styled(mark, t.accent),
                    Span::styled(fit(&r.title, title_w), name),
                    Span::styled(
                        format!(" {} ", fit_right(&r.sessions.to_string(), 5)),
                        t.base,
                    ),
                    Span::styled(fit(&format!("{pain:^12}"), 12), t.base),
                    Span::raw(" "),
                    change_span(&r.pain, t),
                ]));
                continue;
            }
            let times = format!(" {}×", r.sessions);
            let tw = w.saturating_sub(2 + width(&times));
            out.push(Line::from(vec![
                Span::styled(mark, t.accent),
                Span::styled(fit(&r.title, tw), name),
                Span::styled(times, t.muted),
            ]));
            out.push(if r.pain.n == 0 {
                Line::styled("    no head ratings yet", t.muted)
            } else {
                Line::from(vec![
                    Span::styled(format!("    {pain}  "), t.base),
                    change_span(&r.pain, t),
                ])
            });
        }
        out
    }
}

/// "−1.9 (n=3)" in a gentle green when there was less pain afterwards; "–" without pairs.
fn change_span(p: &PainStats, t: &Theme) -> Span<'static> {
    match (p.change_text(), p.shown_change()) {
        (Some(text), Some(c)) => Span::styled(text, if c < 0.0 { t.good } else { t.base }),
        _ => Span::styled("–", t.muted),
    }
}
