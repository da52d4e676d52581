//! Headache days beside self-care: a year of 4-week windows as thin bars — answered days
//! (dashed), headache days (heavy) and acute-medication days (light) — over the self-care
//! minutes of the same windows; then the newest windows as figures, the comparison and the
//! medication note. A rate per 28 days is given only for a window with enough answered
//! days, as in every other table; a window with few answers has a short dashed bar.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};

use super::overview::month_names;
use super::{CHARTS, Section, StatsView, TALL, THIN, draw_series, heading, put_lines};
use crate::core::days::{WINDOW_DAYS, Window, per_week_cell, rate_cell};
use crate::model::format::{fit, fmt_fixed, pad, pad_left};
use crate::ui::theme::Theme;

/// Answered days: a dashed line (a light half line for a part-filled top cell).
const DASHED: bar::Set = bar::Set {
    full: "┊",
    seven_eighths: "┊",
    three_quarters: "┊",
    five_eighths: "┊",
    half: "╷",
    three_eighths: "╷",
    one_quarter: "╷",
    one_eighth: "╷",
    empty: " ",
};

/// Medication days: a light line, unlike the heavy line of headache days.
const LIGHT: bar::Set = bar::Set {
    full: "│",
    seven_eighths: "│",
    three_quarters: "│",
    five_eighths: "│",
    half: "╷",
    three_eighths: "╷",
    one_quarter: "╷",
    one_eighth: "╷",
    empty: " ",
};

/// Columns left of the bars, for the scale and the row names.
const AXIS: u16 = 5;

/// Where a window's bars go in its slot: the slot's width and the first bar's column, and
/// the columns between bars.
struct Slots {
    slot: u16,
    first: u16,
    gap: u16,
}

impl Slots {
    fn for_width(w: u16, n: usize) -> Slots {
        let slot = (w.saturating_sub(AXIS) / n.max(1) as u16).clamp(4, 9);
        let gap = u16::from(slot >= 7);
        let group = 3 + 2 * gap;
        Slots {
            slot,
            first: (slot - group) / 2,
            gap,
        }
    }

    /// The column of bar `i` (0 answered, 1 headache, 2 medication) within a slot.
    fn bar(&self, i: u16) -> u16 {
        self.first + i * (1 + self.gap)
    }

    /// `text` centred on the middle bar of each slot, one per window.
    fn row(&self, cells: impl Iterator<Item = (String, ratatui::style::Style)>) -> Line<'static> {
        let slot = self.slot as usize;
        let mid = self.bar(1) as usize;
        let mut spans = vec![Span::raw(" ".repeat(AXIS as usize))];
        for (text, style) in cells {
            let w = crate::model::format::width(&text).min(slot);
            let left = (mid + 1).saturating_sub(w.div_ceil(2)).min(slot - w);
            spans.push(Span::styled(
                fit(&format!("{}{text}", " ".repeat(left)), slot),
                style,
            ));
        }
        Line::from(spans)
    }
}

/// A scale or row name in the column left of the bars.
fn axis_label(buf: &mut Buffer, x: u16, y: u16, text: &str, t: &Theme) {
    buf.set_line(x, y, &Line::styled(text.to_string(), t.muted), AXIS);
}

impl StatsView {
    /// The chart (or its text in a narrow window), then the table, from row `y`.
    pub(super) fn place_days(&self, w: u16, h: u16, y: u16, out: &mut Vec<(Section, Rect)>) -> u16 {
        let inner = w.saturating_sub(2);
        let table = self
            .days_lines(&Theme::get(Default::default()), inner)
            .len() as u16;
        let first = if self.chart.is_empty() {
            None
        } else if w >= CHARTS {
            let (bars, minutes) = Self::chart_heights(h);
            Some((Section::DaysChart, 7 + bars + minutes))
        } else {
            Some((Section::DaysText, 2 + self.chart.len() as u16))
        };
        let sections: Vec<(Section, u16)> = first
            .into_iter()
            .chain((table > 0).then_some((Section::DaysTable, table)))
            .collect();
        Self::stack(out, w, y, &sections)
    }

    /// The rows of the day bars and of the minute bars, for a window `h` high.
    fn chart_heights(h: u16) -> (u16, u16) {
        if h >= TALL { (12, 5) } else { (7, 3) }
    }

    /// The chart: title, legend, the day bars with their rates, dates and months, then the
    /// minutes of self-care in the same windows.
    pub(super) fn draw_days_chart(&self, buf: &mut Buffer, t: &Theme) {
        let area = buf.area;
        let (bars_h, minutes_h) = Self::chart_heights(if area.height >= 24 { TALL } else { 0 });
        let s = Slots::for_width(area.width, self.chart.len());
        put_lines(buf, area, &self.days_head(t));
        let bars = Rect::new(area.x, area.y + 2, area.width, bars_h);
        self.day_bars(buf, bars, &s, t);
        let under = Rect::new(area.x, bars.bottom(), area.width, 3);
        put_lines(buf, under, &self.window_rows(&s, t));
        axis_label(buf, under.x, under.y, "/28", t);
        let minutes = Rect::new(area.x, under.bottom(), area.width, minutes_h + 2);
        self.minute_bars(buf, minutes, &s, t);
    }

    /// The title and what each kind of bar means.
    fn days_head(&self, t: &Theme) -> [Line<'static>; 2] {
        let n = self.chart.len();
        let title = heading(
            "Headache days beside self-care",
            &format!(
                " · {n} four-week window{}, oldest first",
                crate::model::format::plural(n as u32)
            ),
            t,
        );
        let mut legend = Vec::new();
        for (mark, what, style) in [
            ("┊", " answered days  ", t.muted),
            ("┃", " headache days  ", t.caution),
            ("│", " medication days", t.base),
        ] {
            legend.push(Span::styled(mark, style));
            legend.push(Span::styled(what, t.muted));
        }
        legend.push(Span::styled(format!(" (of {WINDOW_DAYS})"), t.muted));
        [title, Line::from(legend)]
    }

    /// Three bars a window on a scale of 28 days, the scale at the left.
    fn day_bars(&self, buf: &mut Buffer, area: Rect, s: &Slots, t: &Theme) {
        type Count = fn(&Window) -> u32;
        let chart = Rect::new(
            area.x + AXIS,
            area.y,
            area.width.saturating_sub(AXIS),
            area.height,
        );
        let series: [(Count, Style, bar::Set); 3] = [
            (|w| w.answered, t.muted, DASHED),
            (|w| w.headache_days, t.caution, THIN),
            (|w| w.acute_med_days, t.base, LIGHT),
        ];
        for (i, (count, style, set)) in series.into_iter().enumerate() {
            let values: Vec<_> = self
                .chart
                .iter()
                .map(|c| (f64::from(count(&c.window)), style))
                .collect();
            let at = (s.slot, s.bar(i as u16));
            draw_series(buf, chart, at, WINDOW_DAYS as f64, &values, &set);
        }
        axis_label(buf, area.x, area.y, &format!("{WINDOW_DAYS:>3}"), t);
        axis_label(buf, area.x, area.bottom() - 1, "  0", t);
    }

    /// Under the bars: the headache rate per 28 days (or none for a thin window), the day
    /// each window ends and its month.
    fn window_rows(&self, s: &Slots, t: &Theme) -> [Line<'static>; 3] {
        let rates = s.row(
            self.chart
                .iter()
                .map(|c| (rate_cell(c.window.headache_rate), t.base)),
        );
        let days = s.row(
            self.chart
                .iter()
                .map(|c| (c.window.end.day().to_string(), t.muted)),
        );
        let ends = self.chart.iter().map(|c| c.window.end);
        let months = format!(
            "{}{}",
            " ".repeat(AXIS as usize),
            month_names(ends, s.slot as usize)
        );
        [rates, days, Line::styled(months, t.muted)]
    }

    /// The self-care minutes of each window: a heading, thin bars under the headache bars,
    /// and the figures.
    fn minute_bars(&self, buf: &mut Buffer, area: Rect, s: &Slots, t: &Theme) {
        let head = heading("Self-care", " · minutes in the same windows", t);
        buf.set_line(area.x, area.y, &head, area.width);
        let bars = Rect::new(
            area.x + AXIS,
            area.y + 1,
            area.width.saturating_sub(AXIS),
            area.height.saturating_sub(2),
        );
        let values: Vec<_> = self.chart.iter().map(|c| (c.minutes, t.done)).collect();
        let max = values.iter().map(|v| v.0).fold(0.0, f64::max);
        draw_series(buf, bars, (s.slot, s.bar(1)), max, &values, &THIN);
        let figures = s.row(
            self.chart
                .iter()
                .map(|c| (fmt_fixed(c.minutes, 0), t.muted)),
        );
        buf.set_line(area.x, bars.bottom(), &figures, area.width);
        axis_label(buf, area.x, bars.bottom(), "min", t);
    }

    /// The chart as text for a narrow window: a line a window, newest first.
    pub(super) fn days_text(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let w = w as usize;
        let cells = |c: [&str; 6]| {
            let widths = [7, 6, 4, 4, 6, 4];
            let mut line = pad(c[0], widths[0]);
            for (cell, w) in c[1..].iter().zip(&widths[1..]) {
                line.push_str(&pad_left(cell, *w));
            }
            line
        };
        let mut out = vec![
            Line::styled("Headache days · self-care", t.title),
            Line::styled(
                fit(&cells(["to", "answ", "hd", "med", "min", "/28"]), w),
                t.muted,
            ),
        ];
        for c in self.chart.iter().rev() {
            let win = &c.window;
            let rate = rate_cell(win.headache_rate);
            let line = cells([
                &win.end.strftime("%-d %b").to_string(),
                &format!("{}/28", win.answered),
                &win.headache_days.to_string(),
                &win.acute_med_days.to_string(),
                &fmt_fixed(c.minutes, 0),
                &rate,
            ]);
            out.push(Line::styled(fit(&line, w), t.base));
        }
        out
    }

    /// The 4-week view: one row per window, newest first; counts always, rates only for
    /// well-answered windows; the comparison and the medication note when the core gives
    /// them.
    pub(super) fn days_lines(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let Some(d) = &self.days else {
            return vec![
                Line::styled("Headache days", t.title),
                Line::styled("The day log could not be read.", t.muted),
            ];
        };
        let mut out = vec![Line::styled("Headache days · 4-week windows", t.title)];
        if d.answered_days == 0 {
            out.extend(crate::ui::wrap_lines(
                "No days answered yet. Answer \"Headache today?\" on home with y or n, or run \
                 `knotless day yes` or `knotless day no`.",
                w,
                t.muted,
            ));
            return out;
        }
        let shape = DaysShape::for_width(w as usize);
        out.push(Line::styled(fit(&shape.head(), w as usize), t.muted));
        for win in &d.windows {
            out.extend(shape.window_lines(win, w as usize, t));
        }
        out.extend(crate::ui::wrap_lines(
            "Days without an answer are unknown, never headache-free; a rate per 28 days \
             needs 21 answered days (headache · migraine · medicine).",
            w,
            t.muted,
        ));
        for sentence in [
            d.comparison.as_ref().map(|c| c.sentence.as_str()),
            d.medication_note.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            out.push(Line::raw(""));
            out.extend(crate::ui::wrap_lines(sentence, w, t.base));
        }
        out
    }
}

/// How the 4-week table is laid out for a width: narrow windows give the rate a line of
/// its own under each window, and below 46 columns the dates lose their weekday and the
/// columns close up.
struct DaysShape {
    wide: bool,
    narrow: bool,
}

impl DaysShape {
    fn for_width(w: usize) -> DaysShape {
        DaysShape {
            wide: w >= 66,
            narrow: w < 46,
        }
    }

    /// The date column's width, then the six figures' (right-aligned).
    fn widths(&self) -> [usize; 7] {
        if self.narrow {
            [7, 6, 4, 4, 4, 5, 5]
        } else {
            [11, 6, 6, 5, 5, 6, 6]
        }
    }

    /// One line of the table from its seven cells.
    fn cells(&self, cells: [&str; 7]) -> String {
        let w = self.widths();
        let mut line = pad(cells[0], w[0]);
        for (cell, w) in cells[1..].iter().zip(&w[1..]) {
            line.push_str(&pad_left(cell, *w));
        }
        line
    }

    fn head(&self) -> String {
        let head = if self.narrow {
            self.cells(["to", "days", "hd", "mig", "med", "sess", "/wk"])
        } else {
            self.cells([
                "4 weeks to",
                "days",
                "head",
                "migr",
                "meds",
                "sess",
                "/week",
            ])
        };
        if self.wide {
            format!("{head}  per 28 days")
        } else {
            head
        }
    }

    /// A window's counts, with its rates beside them (wide) or on a line below.
    fn window_lines(&self, win: &Window, w: usize, t: &Theme) -> Vec<Line<'static>> {
        let rate = win.rates_cell();
        let date = win
            .end
            .strftime(if self.narrow { "%-d %b" } else { "%a %-d %b" })
            .to_string();
        let figures = [
            format!("{}/28", win.answered),
            win.headache_days.to_string(),
            win.migraine_days.to_string(),
            win.acute_med_days.to_string(),
            win.sessions.to_string(),
            per_week_cell(win.sessions_per_week),
        ];
        let [a, b, c, d, e, f] = figures.each_ref().map(String::as_str);
        let row = self.cells([&date, a, b, c, d, e, f]);
        if self.wide {
            vec![Line::styled(format!("{row}  {rate}"), t.base)]
        } else {
            vec![
                Line::styled(fit(&row, w), t.base),
                Line::styled(fit(&format!("  per 28 days: {rate}"), w), t.muted),
            ]
        }
    }
}
