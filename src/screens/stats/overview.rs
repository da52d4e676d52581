//! The overview: this week against the goal, the last professional session, a 16-week
//! calendar of minutes per day, minutes a week, and minutes by area — in thin marks.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use ratatui::style::Style;

use super::{Section, StatsView, WIDE, bars, calendar, heading};
use crate::core::calendar as calendar_core;
use crate::core::stats::{AreaStats, CalendarDay, heat_level};
use crate::model::format::{fit, fmt_fixed, fmt_length_secs, plural, round_half_away, width};
use crate::ui::theme::Theme;

/// A day's minutes in the 16-week calendar: taller marks for more minutes, in braille dots
/// (thin, and told apart without colour).
const HEAT: [&str; 5] = ["·", "⡀", "⡄", "⡆", "⡇"];

/// The 16-week calendar's width beside the weekly bars: 16 weeks of two columns after the
/// weekday names, and room for the day marks' legend.
const HEAT_W: u16 = 38;

impl StatsView {
    /// The overview's sections from row `y`: side by side on a wide page; the row after.
    pub(super) fn place_overview(&self, w: u16, y: u16, out: &mut Vec<(Section, Rect)>) -> u16 {
        let areas = 1 + self.stats.by_area.len().max(1) as u16;
        if w < WIDE {
            let heat = self.heatmap_height(w.saturating_sub(2));
            return Self::stack(
                out,
                w,
                y,
                &[
                    (Section::Week, 2),
                    (Section::Professional, 2),
                    (Section::Heatmap, heat),
                    (Section::Weekly, 9),
                    (Section::Areas, areas),
                ],
            );
        }
        let mut y = y;
        let pro_w = 38.min(w / 2);
        out.push((Section::Week, Rect::new(1, y, w - pro_w - 4, 2)));
        out.push((Section::Professional, Rect::new(w - pro_w - 1, y, pro_w, 2)));
        y += 3;
        let heat = self.heatmap_height(HEAT_W);
        out.push((Section::Heatmap, Rect::new(1, y, HEAT_W, heat)));
        out.push((Section::Weekly, Rect::new(40, y, (w - 41).min(60), 9)));
        y += heat.max(9) + 1;
        out.push((Section::Areas, Rect::new(1, y, (w - 2).min(64), areas)));
        y + areas
    }

    /// "This week  ●●○ 2 of 3 sessions" and "18 min · 2 active days", `room` wide.
    pub(super) fn week(&self, t: &Theme, room: u16) -> Vec<Line<'static>> {
        let w = &self.stats.this_week;
        let goal = self.stats.weekly_goal;
        let mut first = vec![Span::styled("This week  ", t.title)];
        if w.sessions == 0 {
            if goal > 0 {
                first.push(Span::styled("○".repeat(goal.min(10) as usize), t.muted));
                first.push(Span::styled(
                    format!(" goal: {goal} session{}", plural(goal)),
                    t.muted,
                ));
            }
            return vec![
                Line::from(first),
                Line::styled("A fresh week — any session counts.", t.base),
            ];
        }
        // One dot per session up to the goal; past it, the count says the rest.
        let dots = if goal == 0 {
            w.sessions.min(10)
        } else {
            goal.min(10)
        };
        let filled = w.sessions.min(dots);
        first.push(Span::styled("●".repeat(filled as usize), t.done));
        // The sessions still to go are read as a count: muted, not the chart track's
        // colour (too faint to see in the light theme).
        first.push(Span::styled("○".repeat((dots - filled) as usize), t.muted));
        let text = if goal == 0 || w.sessions > goal {
            format!(" {} session{}", w.sessions, plural(w.sessions))
        } else {
            format!(" {} of {goal} session{}", w.sessions, plural(goal))
        };
        first.push(Span::styled(text, t.base));
        let mut second = vec![Span::styled(
            format!(
                "{} · {} active day{}",
                fmt_length_secs(w.secs),
                w.active_days,
                plural(w.active_days)
            ),
            t.muted,
        )];
        // "goal reached" where it fits whole: after the minutes, else after the sessions;
        // in a window too narrow for either the filled dots say it.
        if goal > 0 && w.sessions >= goal {
            let reached = Span::styled(" · goal reached", t.good);
            let fits = |spans: &[Span]| {
                spans.iter().map(|s| width(&s.content)).sum::<usize>() + width(&reached.content)
                    <= usize::from(room)
            };
            if fits(&second) {
                second.push(reached);
            } else if fits(&first) {
                first.push(reached);
            }
        }
        vec![Line::from(first), Line::from(second)]
    }

    pub(super) fn professional(&self, t: &Theme, w: u16, right: bool) -> Vec<Line<'static>> {
        let w = w as usize;
        let lines = match &self.stats.external.last {
            Some(last) => {
                let ago = match last.days_ago {
                    0 => "today".to_string(),
                    1 => "yesterday".to_string(),
                    n if n > 1 => format!("{n} days ago"),
                    // Logged ahead of time: say when rather than "−3 days ago".
                    _ => last
                        .at
                        .to_zoned(self.tz.clone())
                        .strftime("on %-d %b")
                        .to_string(),
                };
                let tail = format!(": {ago}");
                let title = fit(&last.title, w.saturating_sub(tail.chars().count()));
                let n = last.self_care_since;
                vec![
                    Line::styled(format!("{}{tail}", title.trim_end()), t.base),
                    Line::styled(format!("{n} self-care session{} since", plural(n)), t.muted),
                ]
            }
            None => vec![
                Line::styled("No professional sessions logged yet", t.muted),
                Line::styled("add one with `knotless log massage`", t.muted),
            ],
        };
        if right {
            lines.into_iter().map(|l| l.right_aligned()).collect()
        } else {
            lines
        }
    }

    /// The 16-week calendar's rows `w` wide: its heading, the seven days and the legend.
    fn heatmap_height(&self, w: u16) -> u16 {
        let legend = if self.heat_days {
            calendar::legend_lines(&Theme::get(Default::default()), w).len()
        } else {
            1
        };
        8 + legend as u16
    }

    /// Rows Monday to Sunday, a column a week, this week last; a mark per day's minutes,
    /// or (`d`) per day's answer, as the month calendar marks it.
    pub(super) fn heatmap(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let cal = &self.stats.calendar;
        let today = self.stats.today;
        let from = format!(" · from {}", cal.start.strftime("%-d %b"));
        let mut out = vec![if self.heat_days {
            heading("Headache days", &from, t)
        } else {
            heading("Last 16 weeks", &from, t)
        }];
        for row in 0..7 {
            let label = match row {
                0 => "Mon ",
                2 => "Wed ",
                4 => "Fri ",
                6 => "Sun ",
                _ => "    ",
            };
            let mut spans = vec![Span::styled(label, t.muted)];
            for day in cal.days.iter().skip(row).step_by(7) {
                let [mark, after] = if self.heat_days {
                    self.day_mark(day, t)
                } else {
                    let (glyph, style) = match heat_level(day.minutes) {
                        _ if day.future => (" ", t.base),
                        0 => (HEAT[0], t.todo),
                        level => (HEAT[usize::from(level).min(4)], t.done),
                    };
                    [(glyph, style), (" ", t.base)]
                };
                let style = if day.date == today { t.accent } else { mark.1 };
                spans.push(Span::styled(mark.0, style));
                spans.push(Span::styled(after.0, after.1));
            }
            out.push(Line::from(spans));
        }
        if self.heat_days {
            out.extend(calendar::legend_lines(t, w));
            return out;
        }
        let mut legend = vec![Span::raw("    ")];
        for (glyph, what) in [
            (HEAT[1], " <5  "),
            (HEAT[2], " <10  "),
            (HEAT[3], " <20  "),
            (HEAT[4], " 20+ min"),
        ] {
            legend.push(Span::styled(glyph, t.done));
            legend.push(Span::styled(what, t.muted));
        }
        out.push(Line::from(legend));
        out
    }

    /// A day's answer as the month calendar marks it, the medication sign in the gap after.
    fn day_mark(&self, day: &CalendarDay, t: &Theme) -> [(&'static str, Style); 2] {
        let day = calendar_core::Day {
            date: day.date,
            mark: self.marks.get(&day.date).copied().filter(|_| !day.future),
            future: day.future,
        };
        let [mark, meds] = calendar::mark_of(&day, t);
        [
            mark,
            if meds.0.is_empty() {
                (" ", t.base)
            } else {
                meds
            },
        ]
    }

    /// Thin bars of minutes for the listed weeks, this week last and in the accent, with
    /// the minutes, active days, dates and months under them.
    pub(super) fn draw_weekly(&self, buf: &mut Buffer, t: &Theme) {
        let area = buf.area;
        let weeks = &self.stats.weeks;
        let n = weeks.len().max(1);
        let slot = (area.width as usize / n).clamp(3, 6);
        let head = heading("Minutes a week", &format!(" · active days · last {n}"), t);
        buf.set_line(area.x, area.y, &head, area.width);
        if weeks.iter().all(|w| w.minutes <= 0.0) {
            let line = Line::styled("Each session will add to its week.", t.muted);
            buf.set_line(area.x, area.y + 1, &line, area.width);
            return;
        }
        // Title, minutes, active days, dates and months take five rows; bars get the rest.
        let bar_h = area.height.saturating_sub(5).max(1);
        let last = weeks.len() - 1;
        let style = |i: usize| if i == last { t.accent } else { t.done };
        let values: Vec<(f64, _)> = weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (w.minutes, style(i)))
            .collect();
        let chart = Rect::new(area.x, area.y + 1, area.width, bar_h);
        bars(buf, chart, &values, slot as u16);
        let centred = |s: String| fit(&format!("{s:^slot$}"), slot);
        let mut rows: [Vec<Span>; 3] = Default::default();
        for (i, wk) in weeks.iter().enumerate() {
            let this = if i == last { t.accent } else { t.base };
            rows[0].push(Span::styled(centred(fmt_fixed(wk.minutes, 0)), this));
            rows[1].push(Span::styled(
                centred(format!("{}d", wk.active_days)),
                t.muted,
            ));
            rows[2].push(Span::styled(
                centred(wk.start.day().to_string()),
                if i == last { t.accent } else { t.muted },
            ));
        }
        let mut y = chart.bottom();
        for spans in rows {
            buf.set_line(area.x, y, &Line::from(spans), area.width);
            y += 1;
        }
        let months = month_names(weeks.iter().map(|w| w.start), slot);
        buf.set_line(area.x, y, &Line::styled(months, t.muted), area.width);
    }

    /// Horizontal thin bars with the minutes at their end, over the period.
    pub(super) fn areas_lines(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let areas = &self.stats.by_area;
        let mut out = vec![heading(
            "Minutes by area",
            &format!(" · {}", self.period.label()),
            t,
        )];
        if areas.is_empty() {
            out.push(Line::styled("Nothing yet.", t.muted));
            return out;
        }
        let name_w = areas.iter().map(|a| width(&a.area)).max().unwrap_or(0);
        let name_w = name_w.min(w as usize / 2);
        let fig_w = areas
            .iter()
            .map(|a| fmt_fixed(a.minutes, 0).len())
            .max()
            .unwrap_or(1);
        let room = (w as usize).saturating_sub(name_w + fig_w + 2).max(1);
        // The bars are drawn from the minutes shown beside them (rounded once), so an area
        // that reads "0" has no bar, and two that read the same have the same bar.
        let shown = |a: &AreaStats| round_half_away(a.minutes, 0);
        let max = areas.iter().map(shown).fold(0.0, f64::max);
        for a in areas {
            // Half-cell steps: a heavy line, and a half line for the last half.
            let halves = if max > 0.0 {
                (shown(a) / max * (room * 2) as f64).round() as usize
            } else {
                0
            };
            let halves = if shown(a) > 0.0 { halves.max(1) } else { 0 };
            let bar = format!(
                "{}{}",
                "━".repeat(halves / 2),
                if halves % 2 == 1 { "╸" } else { "" }
            );
            out.push(Line::from(vec![
                Span::styled(fit(&a.area, name_w), t.base),
                Span::raw(" "),
                Span::styled(bar, t.done),
                Span::styled(format!(" {}", fmt_fixed(a.minutes, 0)), t.muted),
            ]));
        }
        out
    }
}

/// Month names under the first slot of each month, unless the name before would be
/// overwritten (slots can be narrower than "Sep").
pub(super) fn month_names(starts: impl Iterator<Item = jiff::civil::Date>, slot: usize) -> String {
    let mut months = String::new();
    let mut prev = None;
    for (i, start) in starts.enumerate() {
        let m = start.month();
        if prev != Some(m) && months.chars().count() <= i * slot {
            months.push_str(&" ".repeat(i * slot - months.chars().count()));
            months.push_str(&start.strftime("%b ").to_string());
        }
        prev = Some(m);
    }
    months
}
