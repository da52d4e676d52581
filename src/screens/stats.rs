//! Stats: how the practice is going, as pictures more than numbers, in four views (Tab):
//!
//! - **Overview**: this week against the weekly goal, the last professional session, a
//!   16-week calendar of minutes per day, minutes a week, and minutes by area.
//! - **Headache days**: headache and acute-medication days per 4-week window beside the
//!   self-care minutes of the same windows, for a year, with the answered days drawn so a
//!   thinly answered window looks thin; then the newest windows as figures.
//! - **Routines**: per routine how often, head pain before → after, and the paired change
//!   month by month for the chosen routine — is it still helping?
//! - **Calendar**: a month of answered days (no headache, headache, migraine, medication,
//!   not answered), with a day cursor to pick any past day and give or correct its answer
//!   with home's `y` `n` `w` `p`.
//!
//! Encouraging and never shaming: no streak to break, no red. Kind to a sore head: thin
//! marks and outlines, never big solid blocks; every mark has its own shape, so nothing is
//! told by colour alone. Narrow windows get text instead of charts.
//!
//! The figures come from the one query `knotless stats` uses (`store::figures::stats`),
//! computed once when the screen opens. Each view is laid out as a page of sections for the
//! window (at the readable width home has); only the sections in view are drawn, so a frame
//! costs what it shows.

mod calendar;
mod days;
mod overview;
mod routines;

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Tabs, Widget};

use super::{Ctx, Effect, Nav, Route, Screen, Update, go, stay};
use crate::core::calendar::DayMark;
use crate::core::days::{ChartWindow, DaysSummary, SessionDays};
use crate::core::period::Period;
use crate::core::stats::Stats;
use crate::model::day::DayEntry;
use crate::screens::diary::{DiaryKey, Pending};
use crate::ui::scroll::PageScroll;
use crate::ui::theme::Theme;
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup_where, row};

/// At this width and wider the overview's sections sit side by side, as in MOCKUPS.md.
const WIDE: u16 = 76;
/// Narrower than this, the charts give way to text.
const CHARTS: u16 = 60;
/// A page at least this high draws its charts taller.
const TALL: u16 = 36;
/// A routine table longer than this is cut (a hand-edited file can name any number).
const MAX_ROUTINES: usize = 200;

/// The four views, in the order Tab goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Overview,
    Days,
    Routines,
    Calendar,
}

impl View {
    pub const ALL: [View; 4] = [View::Overview, View::Days, View::Routines, View::Calendar];

    fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    fn label(self, short: bool) -> &'static str {
        match (self, short) {
            (View::Overview, _) => "Overview",
            (View::Days, false) => "Headache days",
            (View::Days, true) => "Days",
            (View::Routines, _) => "Routines",
            (View::Calendar, _) => "Calendar",
        }
    }

    fn step(self, by: isize) -> View {
        let n = View::ALL.len() as isize;
        View::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }

    /// Whether the period (`p`) changes anything this view shows.
    fn has_period(self) -> bool {
        matches!(self, View::Overview | View::Routines)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Problem,
    DayProblem,
    Skipped,
    DaySkipped,
    Week,
    Professional,
    Heatmap,
    Weekly,
    Areas,
    /// The 4-week windows as bars, or as text in a narrow window.
    DaysChart,
    DaysText,
    /// The newest windows as figures, the comparison and the medication note.
    DaysTable,
    /// The chosen routine's change month by month, as a chart or as text.
    RoutineChart,
    RoutineText,
    RoutineTable,
    Month,
}

/// What a key does on the stats screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    History,
    Back,
    NextView,
    PreviousView,
    Show(View),
    NextRoutine,
    PreviousRoutine,
    /// The calendar's day cursor: a day, a week, a month back or on, and today.
    PreviousDay,
    NextDay,
    PreviousWeek,
    NextWeek,
    EarlierMonth,
    LaterMonth,
    ThisMonth,
    /// `y` `n` `w` `p` for the picked day.
    Answer(DiaryKey),
    /// The 16-week calendar's answered days instead of its minutes, and back.
    HeatmapDays,
    HeatmapMinutes,
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

impl Act {
    /// Whether the key does something in `view` (the footer and help list only those).
    fn works_in(self, view: View) -> bool {
        match self {
            Act::NextRoutine | Act::PreviousRoutine => view == View::Routines,
            Act::NextSection | Act::PreviousSection | Act::PageDown | Act::PageUp => {
                !matches!(view, View::Routines | View::Calendar)
            }
            Act::PreviousDay
            | Act::NextDay
            | Act::PreviousWeek
            | Act::NextWeek
            | Act::EarlierMonth
            | Act::LaterMonth
            | Act::ThisMonth
            | Act::Answer(_) => view == View::Calendar,
            Act::HeatmapDays | Act::HeatmapMinutes => view == View::Overview,
            Act::Top | Act::Bottom => view != View::Calendar,
            Act::Period => view.has_period(),
            _ => true,
        }
    }
}

const KEYS: &[Binding<Act>] = &[
    row(
        &[KeyCode::Down, KeyCode::Char('j')],
        Act::NextRoutine,
        key("↑↓", "routine"),
    ),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::PreviousRoutine),
    row(&[KeyCode::Left], Act::PreviousDay, key("←→↑↓", "day")),
    also(&[KeyCode::Right], Act::NextDay),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::PreviousWeek),
    also(&[KeyCode::Down, KeyCode::Char('j')], Act::NextWeek),
    row(
        &[KeyCode::PageUp],
        Act::EarlierMonth,
        key("PgUp PgDn", "month"),
    ),
    also(&[KeyCode::PageDown], Act::LaterMonth),
    row(&[KeyCode::Home], Act::ThisMonth, key("Home", "today")),
    row(
        &[KeyCode::Char('y')],
        Act::Answer(DiaryKey::Yes),
        key("y n w p", "answer"),
    ),
    also(&[KeyCode::Char('n')], Act::Answer(DiaryKey::No)),
    also(&[KeyCode::Char('w')], Act::Answer(DiaryKey::Worst)),
    also(&[KeyCode::Char('p')], Act::Answer(DiaryKey::Meds)),
    row(&[KeyCode::Tab], Act::NextView, key("Tab", "view")),
    also(&[KeyCode::BackTab], Act::PreviousView),
    row(
        &[KeyCode::Char('1')],
        Act::Show(View::Overview),
        help_only("1 2 3 4", "overview, headache days, routines, calendar"),
    ),
    also(&[KeyCode::Char('2')], Act::Show(View::Days)),
    also(&[KeyCode::Char('3')], Act::Show(View::Routines)),
    also(&[KeyCode::Char('4')], Act::Show(View::Calendar)),
    row(&[KeyCode::Char('p')], Act::Period, key("p", "period")),
    row(&[KeyCode::Char('h')], Act::History, key("h", "history")),
    row(
        &[KeyCode::Char('d')],
        Act::HeatmapDays,
        key("d", "headache days"),
    ),
    row(
        &[KeyCode::Char('d')],
        Act::HeatmapMinutes,
        key("d", "minutes"),
    ),
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
    /// Why the day log could not be read (its answers then show nowhere), or the numbers
    /// of its lines that could not be.
    day_problem: Option<String>,
    day_skipped: Vec<u64>,
    view: View,
    /// How far the page is scrolled, and its sections where the last layout put them.
    scroll: PageScroll,
    placed: Vec<(Section, Rect)>,
    page_w: u16,
    /// The period of the routine and area figures.
    period: Period,
    /// The 4-week view; `None` without a data directory or when the day log is unreadable.
    days: Option<DaysSummary>,
    /// The chart's windows, oldest first, and every answered date.
    chart: Vec<ChartWindow>,
    marks: BTreeMap<Date, DayMark>,
    /// Every answered date's answer, kept up to date with the answers written since.
    entries: BTreeMap<Date, DayEntry>,
    /// The self-care sessions per day, to count the windows again as answers are written;
    /// `None` when the history could not be read.
    sessions: Option<SessionDays>,
    /// The calendar's month (its first day), and its picked day.
    month: Date,
    cursor: Date,
    /// The answer being given for the picked day, written once it settles.
    pending: Pending,
    /// The routine whose months are drawn (an index into `stats.routines`), and whether
    /// the next layout should scroll it into view.
    routine: usize,
    follow: bool,
    /// The 16-week calendar shows the answered days rather than the minutes.
    heat_days: bool,
}

impl StatsView {
    /// The figures the app worked out from the history (see [`StatsView::with_read`] for
    /// what reading it gave).
    pub fn new(stats: Stats, ctx: &Ctx) -> StatsView {
        StatsView {
            month: stats.today.first_of_month(),
            cursor: stats.today,
            pending: Pending::default(),
            entries: BTreeMap::new(),
            sessions: None,
            stats,
            tz: ctx.now.time_zone().clone(),
            skipped: Vec::new(),
            problem: None,
            day_problem: None,
            day_skipped: Vec::new(),
            view: View::default(),
            scroll: PageScroll::default(),
            placed: Vec::new(),
            page_w: 0,
            period: Period::default(),
            days: None,
            chart: Vec::new(),
            marks: BTreeMap::new(),
            routine: 0,
            follow: false,
            heat_days: false,
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

    /// What could not be read, each in its words above every view.
    fn problems(&self) -> impl Iterator<Item = (Section, String)> + '_ {
        let history = self.problem.as_ref().map(|why| {
            let text = format!("Could not read the history: {why}");
            (Section::Problem, text)
        });
        let days = self.day_problem.as_ref().map(|why| {
            let text =
                format!("Could not read the headache diary, so no day shows its answer: {why}");
            (Section::DayProblem, text)
        });
        history.into_iter().chain(days)
    }

    /// The lines of the history, and of the day log, that could not be read, counted.
    fn skipped_lines(&self) -> impl Iterator<Item = (Section, String)> + '_ {
        let history = super::history::skipped_text(&self.skipped).map(|t| (Section::Skipped, t));
        let days = super::history::skipped_text(&self.day_skipped)
            .map(|t| (Section::DaySkipped, format!("Day log: {t}")));
        history.into_iter().chain(days)
    }

    /// Why the day log could not be read, when it could not (shown in its words above
    /// every view: without it, no day shows an answer), and its lines that could not be
    /// (counted under every view, as the history's are).
    pub fn with_day_problem(mut self, why: Option<String>, skipped: Vec<u64>) -> StatsView {
        self.day_problem = why;
        self.day_skipped = skipped;
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

    /// The chart's windows (oldest first) and the answered dates for the calendar.
    pub fn with_chart(
        mut self,
        chart: Vec<ChartWindow>,
        entries: BTreeMap<Date, DayEntry>,
    ) -> StatsView {
        self.chart = chart;
        self.marks = crate::core::calendar::marks(&entries);
        self.entries = entries;
        self
    }

    /// The self-care sessions per day the windows were counted with.
    pub fn with_sessions(mut self, sessions: Option<SessionDays>) -> StatsView {
        self.sessions = sessions;
        self
    }

    /// Opens on `view`, its calendar showing the answered days when `heat_days` (else the
    /// minutes).
    pub fn with_view(mut self, view: View, heat_days: bool) -> StatsView {
        self.view = view;
        self.heat_days = heat_days;
        self
    }

    /// The view shown.
    pub fn view(&self) -> View {
        self.view
    }

    /// The readable part of the window, the tabs' row, the page and the footer.
    fn areas(area: Rect) -> (Rect, Rect, Rect) {
        let [body, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)])
            .areas(crate::ui::readable(area));
        let [tabs, _, page] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(body);
        (tabs, page, foot)
    }

    /// Where each section of the view goes on a page `w` wide (for a window `h` high), and
    /// the page's height.
    fn place(&self, w: u16, h: u16) -> (Vec<(Section, Rect)>, u16) {
        let mut out = Vec::new();
        let mut y = 0;
        for (sec, text) in self.problems() {
            // As many rows as its words take: a path can be long.
            let rows = crate::ui::wrap_lines(&text, w.saturating_sub(2), Style::default()).len();
            let rows = u16::try_from(rows).unwrap_or(u16::MAX);
            out.push((sec, Rect::new(1, y, w.saturating_sub(2), rows)));
            y = y.saturating_add(rows + 1);
        }
        let y = match self.view {
            View::Overview => self.place_overview(w, y, &mut out),
            View::Days => self.place_days(w, h, y, &mut out),
            View::Routines => self.place_routines(w, h, y, &mut out),
            View::Calendar => self.place_calendar(w, y, &mut out),
        };
        let mut y = y;
        for (sec, text) in self.skipped_lines() {
            let rows = crate::ui::wrap_lines(&text, w.saturating_sub(2), Style::default()).len();
            let rows = u16::try_from(rows).unwrap_or(u16::MAX);
            y = y.saturating_add(1);
            out.push((sec, Rect::new(1, y, w.saturating_sub(2), rows)));
            y = y.saturating_add(rows);
        }
        (out, y)
    }

    /// Sections one under another, a blank row between them, from `y`; the row after.
    fn stack(out: &mut Vec<(Section, Rect)>, w: u16, y: u16, sections: &[(Section, u16)]) -> u16 {
        let mut y = y;
        for (i, (sec, h)) in sections.iter().enumerate() {
            if i > 0 {
                y += 1;
            }
            out.push((*sec, Rect::new(1, y, w.saturating_sub(2), *h)));
            y += h;
        }
        y
    }

    /// One section drawn into `buf` (the section's own, from its top-left corner).
    fn draw_section(&self, sec: Section, buf: &mut Buffer, t: &Theme) {
        let area = buf.area;
        let lines = match sec {
            Section::DaysChart => return self.draw_days_chart(buf, t),
            Section::RoutineChart => return self.draw_routine_chart(buf, t),
            Section::Heatmap => self.heatmap(t, area.width),
            Section::Weekly => return self.draw_weekly(buf, t),
            Section::Week => self.week(t, area.width),
            Section::Professional => self.professional(t, area.width, self.page_w >= WIDE),
            Section::Areas => self.areas_lines(t, area.width),
            Section::DaysText => self.days_text(t, area.width),
            Section::DaysTable => self.days_lines(t, area.width),
            Section::RoutineText => self.routine_text(t, area.width),
            Section::RoutineTable => self.relief(t, area.width),
            Section::Month => self.month_lines(t, area.width),
            Section::Skipped | Section::DaySkipped => {
                let text = self
                    .skipped_lines()
                    .find(|(s, _)| *s == sec)
                    .map(|(_, t)| t);
                crate::ui::wrap_lines(&text.unwrap_or_default(), area.width, t.muted)
            }
            Section::Problem | Section::DayProblem => {
                let text = self.problems().find(|(s, _)| *s == sec).map(|(_, t)| t);
                crate::ui::wrap_lines(&text.unwrap_or_default(), area.width, t.caution)
            }
        };
        put_lines(buf, area, &lines);
    }

    /// The sections that are in view, each drawn on its own and copied into `page`.
    fn render_page(&self, buf: &mut Buffer, page: Rect, t: &Theme) {
        let top = self.scroll.top() as u16;
        let bottom = top.saturating_add(page.height);
        for (sec, r) in &self.placed {
            if r.bottom() <= top || r.y >= bottom || r.is_empty() {
                continue;
            }
            let mut own = Buffer::empty(Rect::new(0, 0, r.width, r.height));
            own.set_style(own.area, t.base);
            self.draw_section(*sec, &mut own, t);
            for y in r.y.max(top)..r.bottom().min(bottom) {
                for x in 0..r.width.min(page.width.saturating_sub(r.x)) {
                    buf[(page.x + r.x + x, page.y + y - top)] = own[(x, y - r.y)].clone();
                }
            }
        }
    }

    /// The row of views, the chosen one marked as a selection is (visible without colour).
    fn render_tabs(&self, frame: &mut Frame, area: Rect, t: &Theme) {
        let full: usize = View::ALL.iter().map(|v| v.label(false).len() + 3).sum();
        let short = full > area.width.saturating_sub(1) as usize;
        let tabs = Tabs::new(View::ALL.map(|v| v.label(short)))
            .select(self.view.index())
            .style(t.muted)
            .highlight_style(t.selected)
            .divider("·")
            .padding(" ", " ");
        tabs.render(area, frame.buffer_mut());
    }

    /// To the next (or previous) section's start, but never more than a window at a
    /// time, so a section taller than the window is read through.
    fn scroll_to_section(&mut self, down: bool) {
        let at = self.scroll.top() as u16;
        let page = self.scroll.page();
        let mut starts: Vec<u16> = self.placed.iter().map(|(_, r)| r.y).collect();
        starts.sort_unstable();
        let section = if down {
            starts.iter().copied().find(|&y| y > at)
        } else {
            starts.iter().rev().copied().find(|&y| y < at)
        };
        let to = match section {
            Some(y) => y as isize - at as isize,
            None if down => page,
            None => -page,
        };
        self.scroll.by(to.clamp(-page, page));
    }

    /// Turns to `view`. An answer being given on the calendar is written as it is left, so
    /// the other views (which show only what the day log says) show it at once.
    fn show(&mut self, view: View) -> Vec<Effect> {
        if view == self.view {
            return Vec::new();
        }
        self.view = view;
        self.scroll.home();
        self.settle_day()
    }

    /// Whether `act` is offered now: in this view, and `d` as what it would turn to.
    fn offers(&self, act: Act) -> bool {
        act.works_in(self.view)
            && match act {
                Act::HeatmapDays => !self.heat_days,
                Act::HeatmapMinutes => self.heat_days,
                Act::PreviousDay => self.can_move(-1),
                Act::NextDay => self.can_move(1),
                Act::PreviousWeek => self.can_move(-7),
                Act::NextWeek => self.can_move(7),
                Act::EarlierMonth => self.can_move(-1),
                Act::LaterMonth => self.can_move(1),
                // Already there: Home would do nothing.
                Act::ThisMonth => self.cursor != self.stats.today,
                Act::Answer(k) => self.answer_acts(k),
                _ => true,
            }
    }

    fn move_routine(&mut self, by: isize) {
        let n = self.stats.routines.len().min(MAX_ROUTINES);
        if n > 0 {
            self.routine = self.routine.saturating_add_signed(by).min(n - 1);
            self.follow = true;
        }
    }
}

/// Bars as thin marks: a heavy line, its lower half for a part-filled top cell.
const THIN: bar::Set = bar::Set {
    full: "┃",
    seven_eighths: "┃",
    three_quarters: "┃",
    five_eighths: "┃",
    half: "╻",
    three_eighths: "╻",
    one_quarter: "╻",
    one_eighth: "╻",
    empty: " ",
};

/// One bar per value (each in its own style) with ratatui's `BarChart`, drawn in `set`'s
/// marks `offset` columns into each slot `slot` wide from `area`'s left, scaled so `max`
/// fills the height; anything above nothing shows.
fn draw_series(
    buf: &mut Buffer,
    area: Rect,
    (slot, offset): (u16, u16),
    max: f64,
    values: &[(f64, Style)],
    set: &bar::Set,
) {
    let ticks = u64::from(area.height) * 8;
    let bars: Vec<Bar> = values
        .iter()
        .map(|&(v, style)| {
            let t = if max > 0.0 && v > 0.0 {
                ((v / max * ticks as f64).round() as u64).clamp(1, ticks)
            } else {
                0
            };
            Bar::default()
                .value(t)
                .text_value(String::new())
                .style(style)
        })
        .collect();
    let area = Rect {
        x: area.x + offset,
        width: area.width.saturating_sub(offset),
        ..area
    };
    BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(slot.saturating_sub(1))
        .bar_set(set.clone())
        .max(ticks)
        .render(area, buf);
}

/// Thin bars of `values`, one centred in each slot `slot` wide, scaled to the largest.
fn bars(buf: &mut Buffer, area: Rect, values: &[(f64, Style)], slot: u16) {
    let max = values.iter().map(|v| v.0).fold(0.0, f64::max);
    let offset = slot.saturating_sub(1) / 2;
    draw_series(buf, area, (slot, offset), max, values, &THIN);
}

/// `lines` into `area` of `buf`, as many as fit; a line too wide ends in "…".
fn put_lines(buf: &mut Buffer, area: Rect, lines: &[Line]) {
    for (i, line) in lines.iter().enumerate().take(area.height as usize) {
        let line = crate::ui::fit_line(line, area.width);
        buf.set_line(area.x, area.y + i as u16, &line, area.width);
    }
}

/// A heading with muted words after it: "Minutes by area · last 90 days".
fn heading(title: &str, rest: &str, t: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(title.to_string(), t.title),
        Span::styled(rest.to_string(), t.muted),
    ])
}

impl Screen for StatsView {
    fn title(&self) -> &str {
        "Stats"
    }

    fn layout(&mut self, area: Rect, _now: Instant, _ctx: &Ctx) {
        let (_, page, _) = StatsView::areas(area);
        let (placed, len) = self.place(page.width, page.height);
        self.placed = placed;
        self.page_w = page.width;
        self.scroll.layout(len.max(1).into(), page.height.into());
        // After a move, the chosen routine's row (or the picked day's week) comes into view.
        let rows = match self.view {
            View::Calendar => self.cursor_rows(),
            _ => self.chosen_rows(),
        };
        // Nothing else scrolls the calendar: its picked day is always in view.
        if (std::mem::take(&mut self.follow) || self.view == View::Calendar)
            && let Some(rows) = rows
        {
            let (top, h) = (self.scroll.top(), self.scroll.height());
            if rows.end > top + h {
                self.scroll.to(rows.end - h);
            }
            if rows.start < self.scroll.top() {
                self.scroll.to(rows.start);
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let (tabs, page, foot) = StatsView::areas(area);
        self.render_tabs(frame, tabs, ctx.theme);
        self.render_page(frame.buffer_mut(), page, ctx.theme);
        let mut keys = self.keys(ctx);
        // In the routines view ↑↓ choose a routine: the page keys scroll.
        let pages = self.view == View::Routines;
        // In the calendar the arrows and pages move the picked day, which stays in view.
        let more = match self.scroll.more() {
            _ if self.view == View::Calendar => None,
            (false, true) => Some(key(if pages { "PgDn" } else { "↓" }, "more")),
            (true, false) => Some(key(if pages { "PgUp" } else { "↑" }, "more")),
            (true, true) => Some(key(if pages { "PgUp PgDn" } else { "↑↓" }, "more")),
            (false, false) => None,
        };
        keys.splice(0..0, more);
        crate::ui::footer(frame, foot, ctx.theme, ctx.status, &keys);
    }

    fn update(&mut self, key: KeyEvent, now: Instant, ctx: &Ctx) -> Update {
        let (nav, mut effects) = self.answer_key(key, now, ctx);
        // An answer still being given is written before the screen is left.
        if !matches!(nav, Nav::Stay) {
            effects.splice(0..0, self.settle_day());
        }
        (nav, effects)
    }

    fn tick(&mut self, now: Instant, _ctx: &Ctx) -> Update {
        (Nav::Stay, self.tick_day(now))
    }

    fn deadline(&self, _now: Instant, _ctx: &Ctx) -> Option<Instant> {
        self.pending.deadline()
    }

    fn shutdown(&mut self, _now: Instant, _ctx: &Ctx) -> Vec<Effect> {
        self.settle_day()
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        described(KEYS, |a| self.offers(a))
    }

    fn shows(&self, route: &Route) -> bool {
        matches!(route, Route::Stats { .. })
    }

    fn day_kept(&mut self, entry: DayEntry) {
        self.keep_day(entry);
    }
}

impl StatsView {
    /// What a key does (see [`Screen::update`], which writes an answer being given first
    /// when the screen is left).
    fn answer_key(&mut self, key: KeyEvent, now: Instant, _ctx: &Ctx) -> Update {
        let page = self.scroll.page();
        let view = self.view;
        match lookup_where(KEYS, key.code, |a| self.offers(a)) {
            Some(Act::NextView) => return (Nav::Stay, self.show(view.step(1))),
            Some(Act::PreviousView) => return (Nav::Stay, self.show(view.step(-1))),
            Some(Act::Show(v)) => return (Nav::Stay, self.show(v)),
            Some(Act::NextRoutine) => self.move_routine(1),
            Some(Act::PreviousRoutine) => self.move_routine(-1),
            Some(Act::PreviousDay) => return (Nav::Stay, self.move_days(-1)),
            Some(Act::NextDay) => return (Nav::Stay, self.move_days(1)),
            Some(Act::PreviousWeek) => return (Nav::Stay, self.move_days(-7)),
            Some(Act::NextWeek) => return (Nav::Stay, self.move_days(7)),
            Some(Act::EarlierMonth) => return (Nav::Stay, self.step_month(-1)),
            Some(Act::LaterMonth) => return (Nav::Stay, self.step_month(1)),
            Some(Act::ThisMonth) => return (Nav::Stay, self.pick_day(self.stats.today)),
            Some(Act::Answer(k)) => return (Nav::Stay, self.answer(k, now)),
            Some(Act::HeatmapDays) => self.heat_days = true,
            Some(Act::HeatmapMinutes) => self.heat_days = false,
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
                    view,
                    heat_days: self.heat_days,
                }));
            }
            Some(Act::Back) => return go(Nav::Back),
            Some(Act::App) | None => {}
        }
        stay()
    }
}
