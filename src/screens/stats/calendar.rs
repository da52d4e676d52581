//! The calendar: one month of answered days, each date with its mark — no headache,
//! headache, migraine, medication, or not answered — and the month's counts; ← → move by
//! month (from the first answered month to this one). Marks differ in shape, not only in
//! colour, so the calendar reads the same without colour.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Section, StatsView, heading};
use crate::core::calendar::{self, Day, Mark, Month};
use crate::model::format::{plural, width};
use crate::ui::theme::Theme;

/// Narrower than this, a week is one row of compact cells.
const ROOMY: u16 = 44;

/// Each mark, what it means, and its style.
fn legend(t: &Theme) -> [(&'static str, &'static str, Style); 5] {
    [
        ("○", "no headache", t.good),
        ("◐", "headache", t.caution),
        ("●", "migraine", t.caution),
        ("+", "medication", t.accent),
        ("·", "not answered", t.muted),
    ]
}

/// A date's mark and the medication sign ("" without), with their styles.
pub(super) fn mark_of(day: &Day, t: &Theme) -> [(&'static str, Style); 2] {
    let l = legend(t);
    let pick = |i: usize| (l[i].0, l[i].2);
    match day.mark {
        _ if day.future => [(" ", t.base), ("", t.base)],
        None => [pick(4), ("", t.base)],
        Some(m) => [
            pick(match m.mark {
                Mark::NoHeadache => 0,
                Mark::Headache => 1,
                Mark::Migraine => 2,
            }),
            if m.meds { pick(3) } else { ("", t.base) },
        ],
    }
}

impl StatsView {
    pub(super) fn place_calendar(&self, w: u16, y: u16, out: &mut Vec<(Section, Rect)>) -> u16 {
        let h = self
            .month_lines(&Theme::get(Default::default()), w.saturating_sub(2))
            .len() as u16;
        Self::stack(out, w, y, &[(Section::Month, h)])
    }

    /// `by` months earlier or later, from the first answered month to this one.
    pub(super) fn step_month(&mut self, by: i32) {
        let range = calendar::month_range(&self.marks, self.stats.today);
        self.month = calendar::step(self.month, by, range);
    }

    pub(super) fn this_month(&mut self) {
        self.month = self.stats.today.first_of_month();
    }

    /// The month: its name and counts, the weekdays, a row (or two) a week, the legend.
    pub(super) fn month_lines(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let m = calendar::month(&self.marks, self.month, self.stats.today);
        let mut out = vec![heading(&m.first.strftime("%B %Y").to_string(), "", t)];
        out.extend(crate::ui::wrap_lines(&counts(&m), w, t.muted));
        out.push(Line::raw(""));
        let roomy = w >= ROOMY;
        let cell = if roomy {
            (w / 7).clamp(5, 9) as usize
        } else {
            5
        };
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let head: String = names
            .iter()
            .map(|n| format!("{:^cell$}", if roomy { n } else { &n[..2] }))
            .collect();
        out.push(Line::styled(head, t.muted));
        for week in 0..m.weeks() {
            let days = (0..7).map(|d| {
                (week * 7 + d)
                    .checked_sub(m.lead())
                    .and_then(|i| m.days.get(i))
            });
            let days: Vec<Option<&Day>> = days.collect();
            out.extend(week_lines(&days, cell, roomy, self.stats.today, t));
        }
        out.push(Line::raw(""));
        out.extend(legend_lines(t, w));
        out
    }
}

/// "20 of 24 days answered · 6 headache days, 2 migraine · medication on 3".
fn counts(m: &Month) -> String {
    if m.answered == 0 {
        return format!("No days answered (of {})", m.so_far);
    }
    let mut parts = vec![format!("{} of {} days answered", m.answered, m.so_far)];
    parts.push(match (m.headache_days, m.migraine_days) {
        (0, _) => "no headache days".to_string(),
        (h, 0) => format!("{h} headache day{}", plural(h)),
        (h, g) => format!("{h} headache day{}, {g} migraine", plural(h)),
    });
    if m.med_days > 0 {
        parts.push(format!("medication on {}", m.med_days));
    }
    parts.join(" · ")
}

/// One week: day numbers over marks (roomy), or "12◐+" cells on one row.
fn week_lines(
    days: &[Option<&Day>],
    cell: usize,
    roomy: bool,
    today: jiff::civil::Date,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut numbers = Vec::new();
    let mut marks = Vec::new();
    for day in days {
        let Some(day) = day else {
            numbers.push(Span::raw(" ".repeat(cell)));
            marks.push(Span::raw(" ".repeat(cell)));
            continue;
        };
        let style = match () {
            _ if day.date == today => t.accent,
            // Muted, not the chart track's colour: a date is text, and must be read.
            _ if day.future => t.muted,
            _ => t.base,
        };
        let [mark, meds] = mark_of(day, t);
        let n = day.date.day().to_string();
        if roomy {
            numbers.push(Span::styled(format!("{n:^cell$}"), style));
            let both = mark.0.chars().count() + meds.0.chars().count();
            let left = (cell - both) / 2;
            marks.push(Span::raw(" ".repeat(left)));
            marks.push(Span::styled(mark.0, mark.1));
            marks.push(Span::styled(meds.0, meds.1));
            marks.push(Span::raw(" ".repeat(cell - left - both)));
        } else {
            numbers.push(Span::styled(format!("{n:>3}"), style));
            numbers.push(Span::styled(mark.0, mark.1));
            numbers.push(Span::styled(format!("{:<1}", meds.0), meds.1));
        }
    }
    if roomy {
        vec![Line::from(numbers), Line::from(marks)]
    } else {
        vec![Line::from(numbers)]
    }
}

/// What each mark means, as many to a line as fit `w` columns.
pub(super) fn legend_lines(t: &Theme, w: u16) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (mark, what, style) in legend(t) {
        let item = width(mark) + 1 + width(what);
        if used > 0 && used + 2 + item > usize::from(w) {
            out.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        if used > 0 {
            line.push(Span::raw("  "));
            used += 2;
        }
        line.push(Span::styled(mark, style));
        line.push(Span::styled(format!(" {what}"), t.muted));
        used += item;
    }
    out.push(Line::from(line));
    out
}
