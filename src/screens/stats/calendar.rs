//! The calendar: one month of answered days, each date with its mark — no headache,
//! headache, migraine, medication, or not answered — and the month's counts. A day cursor
//! (← → a day, ↑ ↓ a week, PgUp PgDn a month, Home today) picks a day, drawn reversed and in
//! brackets; `y` `n` `w` `p` give or correct its answer as home's diary line does, written
//! once it settles as a correction appended to the day log. Days still to come cannot be
//! picked. Marks differ in shape, not only in colour, so the calendar reads the same
//! without colour.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use jiff::ToSpan;
use jiff::civil::Date;

use super::{Section, StatsView, heading};
use crate::core::calendar::{self, Day, DayMark, Mark, Month};
use crate::core::days::{CHART_WINDOWS, STATS_WINDOWS, chart, summarize};
use crate::model::day::DayEntry;
use crate::model::format::{plural, width};
use crate::screens::Effect;
use crate::screens::diary::DiaryKey;
use crate::ui::theme::Theme;

/// The first day that can be answered (the day log takes none before 2000).
const FIRST_DAY: Date = Date::constant(2000, 1, 1);

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

    /// The day cursor moved to `day` (kept between 2000 and today): an answer given for the
    /// day it leaves is written first.
    pub(super) fn pick_day(&mut self, day: Date) -> Vec<Effect> {
        let day = day.clamp(FIRST_DAY, self.stats.today);
        let written = if day == self.cursor {
            Vec::new()
        } else {
            self.settle_day()
        };
        self.cursor = day;
        self.month = day.first_of_month();
        self.follow = true;
        written
    }

    /// The cursor moved by `days` days.
    pub(super) fn move_days(&mut self, days: i64) -> Vec<Effect> {
        let to = self.cursor.checked_add(days.days()).unwrap_or(self.cursor);
        self.pick_day(to)
    }

    /// The cursor moved by `by` months (to the same date, or the month's last).
    pub(super) fn step_month(&mut self, by: i32) -> Vec<Effect> {
        let to = self
            .cursor
            .checked_add(i64::from(by).months())
            .unwrap_or(self.cursor);
        self.pick_day(to)
    }

    /// Whether the cursor can move to another day `days` away.
    pub(super) fn can_move(&self, days: i64) -> bool {
        let to = self.cursor.checked_add(days.days()).unwrap_or(self.cursor);
        to.clamp(FIRST_DAY, self.stats.today) != self.cursor
    }

    /// The picked day's answer as it stands: the one being given, else the day log's.
    pub(super) fn picked(&self) -> Option<DayEntry> {
        self.pending
            .current(self.cursor, self.entries.get(&self.cursor).copied())
    }

    /// `y` `n` `w` `p` for the picked day; `w` and `p` only for a headache.
    pub(super) fn answer_acts(&self, key: DiaryKey) -> bool {
        match key {
            DiaryKey::Yes | DiaryKey::No => true,
            DiaryKey::Worst | DiaryKey::Meds => self.picked().is_some_and(|e| e.headache),
            DiaryKey::OtherDay => false,
        }
    }

    /// The answer being given for the picked day. What is written shows in every view
    /// once the day log has it ([`StatsView::keep_day`]); one that could not be written
    /// leaves them all showing what the day log says.
    pub(super) fn answer(&mut self, key: DiaryKey, now: std::time::Instant) -> Vec<Effect> {
        let entries = &self.entries;
        self.pending
            .key(key, self.cursor, |d| entries.get(&d).copied(), now)
    }

    /// The answer being given, written now if it says something new.
    pub(super) fn settle_day(&mut self) -> Vec<Effect> {
        let entries = &self.entries;
        self.pending.settle(|d| entries.get(&d).copied())
    }

    pub(super) fn tick_day(&mut self, now: std::time::Instant) -> Vec<Effect> {
        let entries = &self.entries;
        self.pending.tick(now, |d| entries.get(&d).copied())
    }

    /// An answer the day log now has: the calendar's, the 16-week calendar's marks, and
    /// the headache-day windows and chart (counted again) from now on.
    pub(super) fn keep_day(&mut self, entry: DayEntry) {
        self.entries.insert(entry.date, entry);
        self.marks.insert(entry.date, DayMark::of_entry(&entry));
        let Some(sessions) = &self.sessions else {
            return;
        };
        // The windows are there only when the day log could be read.
        if self.days.is_some() {
            let today = self.stats.today;
            // As `store::figures::stats` counts them for this screen.
            self.days = Some(summarize(
                &self.entries,
                sessions,
                today,
                STATS_WINDOWS,
                None,
            ));
            self.chart = chart(&self.entries, sessions, today, CHART_WINDOWS);
        }
    }

    /// The rows of the month section the picked day's week takes.
    pub(super) fn cursor_rows(&self) -> Option<std::ops::Range<usize>> {
        let (_, r) = self.placed.iter().find(|(s, _)| *s == Section::Month)?;
        let (_, at) = self.month_page(&Theme::get(Default::default()), r.width);
        let at = at?;
        let start = usize::from(r.y) + at.start;
        Some(start..start + at.len())
    }

    /// The month: its name and counts, the weekdays, a row (or two) a week, the legend.
    pub(super) fn month_lines(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        self.month_page(t, w).0
    }

    /// [`StatsView::month_lines`], and the lines of the picked day's week.
    fn month_page(
        &self,
        t: &Theme,
        w: u16,
    ) -> (Vec<Line<'static>>, Option<std::ops::Range<usize>>) {
        let mut marks;
        let marks = match self.pending.date().and_then(|d| Some((d, self.picked()?))) {
            // The answer being given shows at once.
            Some((d, e)) if d == self.cursor => {
                marks = self.marks.clone();
                marks.insert(d, DayMark::of_entry(&e));
                &marks
            }
            _ => &self.marks,
        };
        let m = calendar::month(marks, self.month, self.stats.today);
        let mut out = vec![heading(&m.first.strftime("%B %Y").to_string(), "", t)];
        // Without the day log, no day is known to be unanswered.
        let unread = self.day_problem.is_some();
        let counts = match unread {
            true => "The day log could not be read: no answer is known".to_string(),
            false => counts(&m),
        };
        out.extend(crate::ui::wrap_lines(&counts, w, t.muted));
        if self.cursor.first_of_month() == m.first {
            let picked = picked_text(self.cursor, self.picked(), !unread);
            out.extend(crate::ui::wrap_lines(&picked, w, t.base));
        }
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
        let mut at = None;
        for week in 0..m.weeks() {
            let days = (0..7).map(|d| {
                (week * 7 + d)
                    .checked_sub(m.lead())
                    .and_then(|i| m.days.get(i))
            });
            let days: Vec<Option<&Day>> = days.collect();
            let lines = week_lines(&days, cell, roomy, (self.stats.today, self.cursor), t);
            if days.iter().flatten().any(|d| d.date == self.cursor) {
                at = Some(out.len()..out.len() + lines.len());
            }
            out.extend(lines);
        }
        out.push(Line::raw(""));
        out.extend(legend_lines(t, w));
        (out, at)
    }
}

/// The picked day and its answer: "Tue 3 Nov: headache · worst moderate · medicine
/// triptan", "Tue 3 Nov: not answered" (the keys are in the footer).
fn picked_text(day: Date, entry: Option<DayEntry>, known: bool) -> String {
    let day = day.strftime("%a %-d %b");
    match entry {
        None if !known => format!("{day}: not known"),
        None => format!("{day}: not answered"),
        Some(e) if !e.headache => format!("{day}: no headache"),
        Some(e) => format!(
            "{day}: {} · worst {} · medicine {}",
            if e.migraine { "migraine" } else { "headache" },
            e.worst.map_or("—", |w| w.as_str()),
            e.meds.map_or("—", |m| m.label())
        ),
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
    (today, picked): (Date, Date),
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
            // The picked day: reversed (without colour too), and in brackets.
            _ if day.date == picked => t.selected,
            _ if day.date == today => t.accent,
            // Muted, not the chart track's colour: a date is text, and must be read.
            _ if day.future => t.muted,
            _ => t.base,
        };
        let [mark, meds] = mark_of(day, t);
        let n = if day.date == picked {
            format!("[{}]", day.date.day())
        } else {
            day.date.day().to_string()
        };
        if roomy {
            numbers.push(Span::styled(format!("{n:^cell$}"), style));
            let both = mark.0.chars().count() + meds.0.chars().count();
            let left = (cell - both) / 2;
            marks.push(Span::raw(" ".repeat(left)));
            marks.push(Span::styled(mark.0, mark.1));
            marks.push(Span::styled(meds.0, meds.1));
            marks.push(Span::raw(" ".repeat(cell - left - both)));
        } else {
            let n = if day.date == picked {
                format!("›{}", day.date.day())
            } else {
                n
            };
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
