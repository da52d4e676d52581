//! Stats: how the practice is going, as pictures more than numbers — this week against the
//! weekly goal, a 16-week calendar of minutes per day, minutes a week for the last 8 weeks,
//! minutes by area, how head pain changed routine by routine, and the last professional
//! session. Encouraging and never shaming: there is no streak to break and no red.
//!
//! The figures come from the pure `stats` module, computed once when the screen opens by
//! streaming the history (bounded memory at any length). The page is laid out for the
//! window's width and drawn whole into an off-screen buffer; when it is taller than the
//! window, ↑↓ move between its sections and only the visible rows are copied out.

use crate::model::format::plural;
use std::time::Instant;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::{Ctx, Nav, Route, Screen, Update, go, stay};
use crate::core::days::{DaysSummary, Window, per_week_cell};
use crate::core::period::Period;
use crate::core::stats::{Stats, heat_level};
use crate::model::format::{fit, fit_right, fmt_fixed, fmt_length_secs, pad, pad_left, width};
use crate::ui::scroll::PageScroll;
use crate::ui::theme::Theme;
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup, row};

/// At this width and wider the sections sit side by side, as in MOCKUPS.md.
const WIDE: u16 = 76;
/// A routine table longer than this is cut (a hand-edited file can name any number).
const MAX_ROUTINES: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Week,
    Professional,
    Calendar,
    Weekly,
    Areas,
    Relief,
    Skipped,
    Problem,
    /// Headache days beside the sessions, in 4-week windows.
    Days,
}

/// What a key does on the stats screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    History,
    Back,
    NextSection,
    PreviousSection,
    PageDown,
    PageUp,
    Top,
    Bottom,
    /// The next period: 4 weeks, 90 days, a year, all.
    Period,
    /// A key the app handles everywhere (help), listed in the footer.
    App,
}

const KEYS: &[Binding<Act>] = &[
    row(&[KeyCode::Char('p')], Act::Period, key("p", "period")),
    row(&[KeyCode::Char('h')], Act::History, key("h", "history")),
    row(&[], Act::App, key("?", "help")),
    row(&[KeyCode::Char('q')], Act::Back, key("q", "back")),
    row(
        &[KeyCode::Down, KeyCode::Char('j')],
        Act::NextSection,
        help_only(
            "↑↓ j k",
            "the next or previous section, when it does not all fit",
        ),
    ),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::PreviousSection),
    row(
        &[KeyCode::PageDown, KeyCode::Char(' ')],
        Act::PageDown,
        help_only("PgUp PgDn Space", "scroll a page"),
    ),
    also(&[KeyCode::PageUp], Act::PageUp),
    row(
        &[KeyCode::Home, KeyCode::Char('g')],
        Act::Top,
        help_only("g G Home End", "top, bottom"),
    ),
    also(&[KeyCode::End, KeyCode::Char('G')], Act::Bottom),
    row(&[KeyCode::Esc], Act::Back, help_only("Esc", "back")),
];

pub struct StatsView {
    stats: Stats,
    /// The zone of the app's wall clock when the screen opened: what a day is.
    tz: jiff::tz::TimeZone,
    skipped: Vec<u64>,
    problem: Option<String>,
    /// How far the page is scrolled, and where each section starts on it (from the last
    /// layout), for the keys that go section by section.
    scroll: PageScroll,
    starts: Vec<u16>,
    /// The period of the routine and area figures.
    period: Period,
    /// The 4-week view; `None` without a data directory or when the day log is unreadable.
    days: Option<DaysSummary>,
}

impl StatsView {
    /// The figures the app worked out from the history (see [`StatsView::with_read`] for
    /// what reading it gave).
    pub fn new(stats: Stats, ctx: &Ctx) -> StatsView {
        StatsView {
            stats,
            tz: ctx.now.time_zone().clone(),
            skipped: Vec::new(),
            problem: None,
            scroll: PageScroll::default(),
            starts: Vec::new(),
            period: Period::default(),
            days: None,
        }
    }

    /// What reading the history gave: the unreadable line numbers, or why it could not be
    /// read (shown in its words). Not called without a data folder.
    pub fn with_read(mut self, read: Result<Vec<u64>, impl std::fmt::Display>) -> StatsView {
        match read {
            Ok(lines) => self.skipped = lines,
            Err(why) => self.problem = Some(why.to_string()),
        }
        self
    }

    /// The period the app computed the figures for.
    pub fn with_period(mut self, period: Period) -> StatsView {
        self.period = period;
        self
    }

    /// The 4-week view the app worked out from the day log and the history.
    pub fn with_days(mut self, days: Option<DaysSummary>) -> StatsView {
        self.days = days;
        self
    }

    /// "Routines and areas: last 90 days  p: 7 days · 4 weeks · 90 days · a year · all".
    fn period_line(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let text = format!("Routines and areas: {}", self.period.label());
        let hint = "  p: 7 days · 4 weeks · 90 days · a year · all";
        let mut spans = vec![Span::styled(text.clone(), t.title)];
        if text.chars().count() + hint.chars().count() <= w as usize {
            spans.push(Span::styled(hint, t.muted));
        }
        vec![Line::from(spans)]
    }

    /// The 4-week view: one row per window, newest first; counts always, rates only for
    /// well-answered windows; the comparison and the medication note when the core gives
    /// them.
    fn days_lines(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let Some(d) = &self.days else {
            return Vec::new();
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

    /// The page's area below a blank row, and the footer.
    fn page_areas(area: Rect) -> (Rect, Rect) {
        let [body, foot] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        // One blank row above the page, as on the other screens' headers.
        let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
        (body, foot)
    }

    /// Where each section goes on a page `w` wide, and the page's height.
    fn place(&self, w: u16) -> (Vec<(Section, Rect)>, u16) {
        let s = &self.stats;
        let mut out = Vec::new();
        let mut y = 0;
        if self.problem.is_some() {
            out.push((Section::Problem, Rect::new(1, 0, w.saturating_sub(2), 3)));
            y = 4;
        }

        let routines = s.routines.len().min(MAX_ROUTINES) as u16;
        let areas = s.by_area.len().max(1) as u16;
        if w >= WIDE {
            let pro_w = 38.min(w / 2);
            out.push((Section::Week, Rect::new(1, y, w - pro_w - 4, 2)));
            out.push((Section::Professional, Rect::new(w - pro_w - 1, y, pro_w, 2)));
            y += 3;
            out.push((Section::Calendar, Rect::new(1, y, 36, 9)));
            out.push((Section::Weekly, Rect::new(40, y, w - 41, 9)));
            y += 10;
            // The routine table takes what its titles need; the area bars get the rest.
            let longest = s
                .routines
                .iter()
                .map(|r| width(&r.title))
                .max()
                .unwrap_or(0)
                .clamp(16, 40) as u16;
            let relief_w = (w - self.areas_width().min(w / 3) - 5).min(longest + 32);
            let area_w = (w - relief_w - 5).min(48);
            let relief_h = relief_height(routines, relief_w);
            out.push((Section::Relief, Rect::new(1, y, relief_w, relief_h)));
            out.push((
                Section::Areas,
                Rect::new(relief_w + 4, y, area_w, 1 + areas),
            ));
            y += relief_h.max(1 + areas);
        } else {
            let cw = w.saturating_sub(2);
            let relief_h = relief_height(routines, cw);
            for (sec, h) in [
                (Section::Week, 2),
                (Section::Relief, relief_h),
                (Section::Professional, 2),
                (Section::Calendar, 9),
                (Section::Weekly, 9),
                (Section::Areas, 1 + areas),
            ] {
                out.push((sec, Rect::new(1, y, cw, h)));
                y += h + 1;
            }
            y -= 1;
        }
        if !self.skipped.is_empty() {
            y += 1;
            out.push((Section::Skipped, Rect::new(1, y, w.saturating_sub(2), 1)));
            y += 1;
        }
        let days = self.days_lines(&Theme::get(Default::default()), w.saturating_sub(2));
        if !days.is_empty() {
            y += 1;
            let h = days.len() as u16;
            out.push((Section::Days, Rect::new(1, y, w.saturating_sub(2), h)));
            y += h;
        }
        (out, y)
    }

    /// Enough for the longest area name, a short bar and its figure; the routine table
    /// beside it needs the room more.
    fn areas_width(&self) -> u16 {
        let a = &self.stats.by_area;
        let name = a.iter().map(|a| width(&a.area)).max().unwrap_or(0);
        let fig = a
            .iter()
            .map(|a| fmt_fixed(a.minutes, 0).len())
            .max()
            .unwrap_or(1);
        (name + fig + 10).max(18) as u16
    }

    fn draw_page(&self, ctx: &Ctx, w: u16) -> Buffer {
        let (placed, h) = self.place(w);
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h.max(1)));
        buf.set_style(buf.area, ctx.theme.base);
        let t = ctx.theme;
        for (sec, r) in &placed {
            let lines = match sec {
                Section::Week => self.week(t),
                Section::Professional => self.professional(t, r.width, w >= WIDE),
                Section::Calendar => self.calendar(t),
                Section::Weekly => self.weekly(t, r.width, r.height),
                Section::Areas => self.areas(t, r.width),
                Section::Relief => self.relief(t, r.width),
                Section::Days => self.days_lines(t, r.width),
                Section::Skipped => vec![Line::styled(
                    super::history::skipped_text(&self.skipped).unwrap_or_default(),
                    t.muted,
                )],
                Section::Problem => crate::ui::wrap_lines(
                    &format!(
                        "Could not read the history: {}",
                        self.problem.as_deref().unwrap_or("")
                    ),
                    r.width,
                    t.caution,
                ),
            };
            for (i, line) in lines.iter().enumerate().take(r.height as usize) {
                let line = crate::ui::fit_line(line, r.width);
                buf.set_line(r.x, r.y + i as u16, &line, r.width);
            }
        }
        buf
    }

    /// Where each section starts on a page `w` wide, top to bottom.
    fn starts(&self, w: u16) -> Vec<u16> {
        let mut starts: Vec<u16> = self.place(w).0.iter().map(|(_, r)| r.y).collect();
        starts.sort_unstable();
        starts.dedup();
        starts
    }

    /// "This week  ●●○ 2 of 3 sessions" and "18 min · 2 active days".
    fn week(&self, t: &Theme) -> Vec<Line<'static>> {
        let w = &self.stats.this_week;
        let goal = self.stats.weekly_goal;
        let mut first = vec![Span::styled("This week  ", t.title)];
        if w.sessions == 0 {
            if goal > 0 {
                first.push(Span::styled("○".repeat(goal.min(10) as usize), t.todo));
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
        first.push(Span::styled("○".repeat((dots - filled) as usize), t.todo));
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
        if goal > 0 && w.sessions >= goal {
            second.push(Span::styled(" · goal reached", t.good));
        }
        vec![Line::from(first), Line::from(second)]
    }

    fn professional(&self, t: &Theme, w: u16, right: bool) -> Vec<Line<'static>> {
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

    /// Rows Monday to Sunday, a column a week, this week last; a shade per day's minutes.
    fn calendar(&self, t: &Theme) -> Vec<Line<'static>> {
        let cal = &self.stats.calendar;
        let today = self.stats.today;
        let mut out = vec![Line::from(vec![
            Span::styled("Last 16 weeks", t.title),
            Span::styled(format!(" · from {}", cal.start.strftime("%-d %b")), t.muted),
        ])];
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
                let (glyph, style) = if day.future {
                    (" ", t.base)
                } else {
                    match heat_level(day.minutes) {
                        0 => ("·", t.todo),
                        1 => ("░", t.done),
                        2 => ("▒", t.done),
                        3 => ("▓", t.done),
                        _ => ("█", t.done),
                    }
                };
                let style = if day.date == today { t.accent } else { style };
                spans.push(Span::styled(glyph, style));
                spans.push(Span::raw(" "));
            }
            out.push(Line::from(spans));
        }
        let mut legend = vec![Span::raw("    ")];
        for (glyph, what) in [
            ("░", " <5  "),
            ("▒", " <10  "),
            ("▓", " <20  "),
            ("█", " 20+ min"),
        ] {
            legend.push(Span::styled(glyph, t.done));
            legend.push(Span::styled(what, t.muted));
        }
        out.push(Line::from(legend));
        out
    }

    /// Vertical bars of minutes for the listed weeks, this week last and in the accent.
    fn weekly(&self, t: &Theme, w: u16, h: u16) -> Vec<Line<'static>> {
        const EIGHTHS: [&str; 8] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇"];
        let weeks = &self.stats.weeks;
        let n = weeks.len().max(1);
        let slot = (w as usize / n).clamp(2, 6);
        let bar = slot.saturating_sub(1).max(1);
        // Title, minutes, active days, dates and months take five rows; bars get the rest.
        let bar_h = h.saturating_sub(5).max(1) as usize;
        let max = weeks.iter().map(|w| w.minutes).fold(0.0, f64::max);
        let mut out = vec![Line::from(vec![
            Span::styled("Minutes a week", t.title),
            Span::styled(format!(" · active days · last {n}"), t.muted),
        ])];
        if max <= 0.0 {
            out.push(Line::styled("Each session will add to its week.", t.muted));
            return out;
        }
        let last = weeks.len().saturating_sub(1);
        let eighths: Vec<usize> = weeks
            .iter()
            .map(|wk| {
                let e = (wk.minutes / max * (bar_h * 8) as f64).round() as usize;
                // Any minutes at all show as at least a sliver.
                if wk.minutes > 0.0 { e.max(1) } else { 0 }
            })
            .collect();
        let style = |i: usize| if i == last { t.accent } else { t.done };
        for row in (0..bar_h).rev() {
            let mut spans = Vec::new();
            for (i, &e) in eighths.iter().enumerate() {
                let fill = e.saturating_sub(row * 8).min(8);
                let glyph = if fill == 8 { "█" } else { EIGHTHS[fill] };
                spans.push(Span::styled(glyph.repeat(bar), style(i)));
                spans.push(Span::raw(" ".repeat(slot - bar)));
            }
            out.push(Line::from(spans));
        }
        let centred = |s: String| fit(&format!("{s:^bar$}"), slot);
        let mut values = Vec::new();
        let mut active = Vec::new();
        let mut days = Vec::new();
        for (i, wk) in weeks.iter().enumerate() {
            let v = fmt_fixed(wk.minutes, 0);
            values.push(Span::styled(
                centred(v),
                if i == last { t.accent } else { t.base },
            ));
            active.push(Span::styled(
                centred(format!("{}d", wk.active_days)),
                t.muted,
            ));
            days.push(Span::styled(
                centred(wk.start.day().to_string()),
                if i == last { t.accent } else { t.muted },
            ));
        }
        out.push(Line::from(values));
        out.push(Line::from(active));
        out.push(Line::from(days));
        // Month names under the first week of each month, unless the name before would
        // be overwritten (slots can be narrower than "Sep").
        let mut months = String::new();
        let mut prev = None;
        for (i, wk) in weeks.iter().enumerate() {
            let m = wk.start.month();
            if prev != Some(m) && months.chars().count() <= i * slot {
                months.push_str(&" ".repeat(i * slot - months.chars().count()));
                months.push_str(&wk.start.strftime("%b ").to_string());
            }
            prev = Some(m);
        }
        out.push(Line::styled(months, t.muted));
        out
    }

    /// Horizontal bars with the minutes at their end.
    fn areas(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
        let areas = &self.stats.by_area;
        let mut out = vec![Line::styled("Minutes by area", t.title)];
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
        let max = areas.iter().map(|a| a.minutes).fold(0.0, f64::max);
        for a in areas {
            let e = if max > 0.0 {
                (a.minutes / max * (room * 8) as f64).round() as usize
            } else {
                0
            };
            let e = if a.minutes > 0.0 { e.max(1) } else { 0 };
            let bar = format!("{}{}", "█".repeat(e / 8), EIGHTHS[e % 8]);
            out.push(Line::from(vec![
                Span::styled(fit(&a.area, name_w), t.base),
                Span::raw(" "),
                Span::styled(bar, t.done),
                Span::styled(format!(" {}", fmt_fixed(a.minutes, 0)), t.muted),
            ]));
        }
        out
    }

    /// Per routine: how often, head pain before → after on average, and the average change
    /// with how many sessions it is over. Narrow windows give each routine two lines.
    fn relief(&self, t: &Theme, w: u16) -> Vec<Line<'static>> {
        let w = w as usize;
        let routines = &self.stats.routines;
        let wide = relief_one_line(w as u16);
        let head = |p: &crate::core::stats::PainStats| p.before_after().unwrap_or("–".into());
        let change = |r: &crate::core::stats::RoutineStats| match (
            r.pain.change_text(),
            r.pain.shown_change(),
        ) {
            (Some(text), Some(c)) => (text, if c < 0.0 { t.good } else { t.base }),
            _ => ("–".to_string(), t.muted),
        };
        if routines.is_empty() {
            return vec![
                Line::styled("Routines", t.title),
                Line::styled("Shown here after your first session.", t.muted),
            ];
        }
        let mut out = Vec::new();
        if wide {
            let title_w = w.saturating_sub(5 + 12 + 12 + 3);
            out.push(Line::styled(
                format!(
                    "{} {} {} {}",
                    fit("Routine", title_w),
                    fit_right("times", 5),
                    fit(" head pain", 12),
                    "change"
                ),
                t.title,
            ));
            for r in routines.iter().take(MAX_ROUTINES) {
                let (c, c_style) = change(r);
                out.push(Line::from(vec![
                    Span::styled(fit(&r.title, title_w), t.base),
                    Span::styled(
                        format!(" {} ", fit_right(&r.sessions.to_string(), 5)),
                        t.base,
                    ),
                    Span::styled(fit(&format!("{:^12}", head(&r.pain)), 12), t.base),
                    Span::raw(" "),
                    Span::styled(c, c_style),
                ]));
            }
        } else {
            out.push(Line::styled("Routines · head before → after", t.title));
            for r in routines.iter().take(MAX_ROUTINES) {
                let times = format!(" {}×", r.sessions);
                let tw = w.saturating_sub(times.chars().count());
                out.push(Line::from(vec![
                    Span::styled(fit(&r.title, tw), t.base),
                    Span::styled(times, t.muted),
                ]));
                let (c, c_style) = change(r);
                let line = if r.pain.n == 0 {
                    Line::styled("  no head ratings yet", t.muted)
                } else {
                    Line::from(vec![
                        Span::styled(format!("  {}  ", head(&r.pain)), t.base),
                        Span::styled(c, c_style),
                    ])
                };
                out.push(line);
            }
        }
        out
    }

    /// To the next (or previous) section's start, but never more than a window at a
    /// time, so a section taller than the window is read through.
    fn scroll_to_section(&mut self, down: bool) {
        let at = self.scroll.top() as u16;
        let page = self.scroll.page();
        let section = if down {
            self.starts.iter().copied().find(|&y| y > at)
        } else {
            self.starts.iter().rev().copied().find(|&y| y < at)
        };
        let to = match section {
            Some(y) => y as isize - at as isize,
            None if down => page,
            None => -page,
        };
        self.scroll.by(to.clamp(-page, page));
    }
}

/// Whether the routine table fits one line a routine at this width (else two).
fn relief_one_line(w: u16) -> bool {
    w >= 46
}

/// A heading, then a line or two per routine, or one line saying there are none yet.
fn relief_height(routines: u16, w: u16) -> u16 {
    match routines {
        0 => 2,
        n if relief_one_line(w) => 1 + n,
        n => 1 + 2 * n,
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

/// Copies the rows of `page` from `top` down into `area` of `out`, as many as fit.
fn copy_rows(page: &Buffer, top: u16, out: &mut Buffer, area: Rect) {
    let rows = area.height.min(page.area.height.saturating_sub(top));
    for y in 0..rows {
        for x in 0..area.width.min(page.area.width) {
            out[(area.x + x, area.y + y)] = page[(x, top + y)].clone();
        }
    }
}

impl Screen for StatsView {
    fn title(&self) -> &str {
        "Stats"
    }

    fn layout(&mut self, area: Rect, _now: Instant, _ctx: &Ctx) {
        let (body, _) = StatsView::page_areas(area);
        let page = self.place(body.width).1.max(1);
        self.starts = self.starts(body.width);
        self.scroll.layout(page.into(), body.height.into());
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let (body, foot) = StatsView::page_areas(area);
        // The period, in the row above the page.
        let top = Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), 1);
        frame.render_widget(
            ratatui::widgets::Paragraph::new(self.period_line(ctx.theme, top.width)),
            top,
        );
        let page = self.draw_page(ctx, body.width);
        copy_rows(&page, self.scroll.top() as u16, frame.buffer_mut(), body);
        let mut keys = self.keys(ctx);
        let more = match self.scroll.more() {
            (false, true) => Some(key("↓", "more")),
            (true, false) => Some(key("↑", "more")),
            (true, true) => Some(key("↑↓", "more")),
            (false, false) => None,
        };
        keys.splice(0..0, more);
        crate::ui::footer(frame, foot, ctx.theme, ctx.status, &keys);
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, _ctx: &Ctx) -> Update {
        let page = self.scroll.page();
        match lookup(KEYS, key.code) {
            Some(Act::NextSection) => self.scroll_to_section(true),
            Some(Act::PreviousSection) => self.scroll_to_section(false),
            Some(Act::PageDown) => self.scroll.by(page),
            Some(Act::PageUp) => self.scroll.by(-page),
            Some(Act::Top) => self.scroll.home(),
            Some(Act::Bottom) => self.scroll.end(),
            Some(Act::History) => {
                return go(Nav::Switch(Route::History {
                    period: self.period,
                }));
            }
            Some(Act::Period) => {
                return go(Nav::Replace(Route::Stats {
                    period: self.period.next(),
                }));
            }
            Some(Act::Back) => return go(Nav::Back),
            Some(Act::App) | None => {}
        }
        stay()
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        described(KEYS, |_| true)
    }

    fn shows(&self, route: &Route) -> bool {
        matches!(route, Route::Stats { .. })
    }
}
