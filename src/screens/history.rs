//! History: every session, newest first — when, what, where, how long, how it ended, and
//! head pain before → after — filtered by area, routine and period; Enter opens one session
//! in the record view (`record`).
//!
//! A history can hold 100,000 sessions, so the table reads the file once, when the screen
//! opens, without the steps, into small rows whose strings are shared; filtering and
//! scrolling then work on those rows and only the lines on screen are formatted. The one
//! session opened in the detail view is read again in full, steps and note included.

use std::collections::HashMap;
use std::time::Instant;

use jiff::{Timestamp, Zoned};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Padding, Paragraph, Row as TableRow, Table, Wrap};

use super::{Ctx, Nav, Route, Screen, Update, go, stay};
use crate::core::period::Period;
use crate::model::format::{clock, whole_secs};
use crate::model::format::{fit, fit_right, width};
use crate::model::record::{Outcome, SessionRecord};
use crate::model::routine::Area;
use crate::ui::scroll::ListScroll;
use crate::ui::theme::Theme;
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup, row};

/// Strings that repeat on every row (titles, areas, routine ids), stored once.
#[derive(Default)]
struct Names {
    index: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Names {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.into());
        self.index.insert(s.into(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", |s| s)
    }
}

/// One session as the table needs it: about 100 bytes.
struct Row {
    id: Box<str>,
    start: Timestamp,
    routine: u32,
    title: u32,
    area: u32,
    /// The whole seconds passed, as every time spent is shown (kept as a float of 32 bits,
    /// a fraction near the next second rounded it up: 86,399.999 s read 24:00:00).
    active_secs: u32,
    outcome: Outcome,
    pain_before: Option<u8>,
    pain_after: Option<u8>,
}

/// What a key does in the history list and the session detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    Open,
    Area,
    Routine,
    Period,
    Stats,
    Back,
    /// A key the app handles everywhere (help), listed in the footer.
    App,
}

const LIST_KEYS: &[Binding<Act>] = &[
    row(
        &[KeyCode::Down, KeyCode::Char('j')],
        Act::Down,
        help_only("↑↓ j k", "choose a session"),
    ),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::Up),
    row(&[KeyCode::Enter], Act::Open, key("Enter", "details")),
    row(&[KeyCode::Char('a')], Act::Area, key("a", "area")),
    row(&[KeyCode::Char('r')], Act::Routine, key("r", "routine")),
    row(&[KeyCode::Char('p')], Act::Period, key("p", "period")),
    row(&[KeyCode::Char('s')], Act::Stats, key("s", "stats")),
    row(&[], Act::App, key("?", "help")),
    row(&[KeyCode::Char('q')], Act::Back, key("q", "back")),
    row(
        &[KeyCode::PageDown],
        Act::PageDown,
        help_only("PgUp PgDn", "ten sessions up or down"),
    ),
    also(&[KeyCode::PageUp], Act::PageUp),
    row(
        &[KeyCode::Home, KeyCode::Char('g')],
        Act::First,
        help_only("g G Home End", "the newest, the oldest"),
    ),
    also(&[KeyCode::End, KeyCode::Char('G')], Act::Last),
    row(
        &[],
        Act::App,
        help_only(
            "a r p",
            "next area, routine or period (last 7 days, 4 weeks, 90 days, a year); \
             after the last comes all again",
        ),
    ),
    row(&[KeyCode::Esc], Act::Back, help_only("Esc", "back")),
];

pub struct History {
    /// Newest first.
    rows: Vec<Row>,
    names: Names,
    /// Indexes into `rows` that pass the filters, newest first.
    visible: Vec<u32>,
    /// The selected entry of `visible` and the first one shown.
    list: ListScroll,
    area: Option<u32>,
    routine: Option<u32>,
    period: Period,
    /// "Today", from the app's wall clock when the screen opened; its zone decides how
    /// times and periods are shown.
    now: Zoned,
    /// Line numbers of the lines the reader could not use.
    skipped: Vec<u64>,
    problem: Option<String>,
    /// The longest time spent of any row: the Active column is as wide as it needs.
    longest: u32,
}

impl History {
    /// An empty history screen over `period`; the app adds the sessions it reads, then
    /// [`History::loaded`].
    pub fn new(period: Period, ctx: &Ctx) -> History {
        History {
            rows: Vec::new(),
            names: Names::default(),
            visible: Vec::new(),
            list: ListScroll::default(),
            area: None,
            routine: None,
            period,
            now: ctx.now.clone(),
            skipped: Vec::new(),
            problem: None,
            longest: 0,
        }
    }

    /// One session of the history (read without its steps).
    pub fn add(&mut self, r: &SessionRecord) {
        let names = &mut self.names;
        let active_secs = u32::try_from(whole_secs(r.active_secs)).unwrap_or(u32::MAX);
        self.longest = self.longest.max(active_secs);
        self.rows.push(Row {
            id: r.id.as_str().into(),
            start: r.started(),
            routine: names.intern(&r.routine_id),
            title: names.intern(&r.title),
            area: names.intern(&r.area),
            active_secs,
            outcome: r.outcome,
            pain_before: r.pain_before,
            pain_after: r.pain_after,
        });
    }

    /// Every session is in: `skipped` are the line numbers the reader could not use, and
    /// `problem` says why the history could not be read at all.
    pub fn loaded(mut self, skipped: Vec<u64>, problem: Option<String>) -> History {
        self.skipped = skipped;
        self.problem = problem;
        // Back-filled and recovered sessions are appended out of time order; a stable sort
        // keeps file order among sessions that started at the same second.
        self.rows.sort_by_key(|r| std::cmp::Reverse(r.start));
        self.rows.shrink_to_fit();
        self.refilter();
        self
    }

    fn refilter(&mut self) {
        let keep_id = self.selected_row().map(|r| r.id.clone());
        let since = self.period.since(&self.now);
        self.visible = (0..self.rows.len() as u32)
            .filter(|&i| {
                let r = &self.rows[i as usize];
                self.area.is_none_or(|a| r.area == a)
                    && self.routine.is_none_or(|x| r.routine == x)
                    && since.is_none_or(|s| r.start >= s)
            })
            .collect();
        // Stay on the same session when it is still listed.
        let at = keep_id.and_then(|id| {
            self.visible
                .iter()
                .position(|&i| self.rows[i as usize].id == id)
        });
        self.list.reset(self.visible.len());
        self.list.select(at.unwrap_or(0), self.visible.len());
    }

    /// The session under the selection.
    fn selected_row(&self) -> Option<&Row> {
        let i = *self.visible.get(self.list.selected()?)?;
        self.rows.get(i as usize)
    }

    /// The areas in the history, in the order the home screen uses, then any others
    /// (`external`, areas from newer versions) by name.
    fn areas_present(&self) -> Vec<u32> {
        // Marks by interned id: a hand-made file may hold any number of distinct names.
        let mut seen = vec![false; self.names.names.len()];
        let mut v: Vec<u32> = Vec::new();
        for r in &self.rows {
            if !std::mem::replace(&mut seen[r.area as usize], true) {
                v.push(r.area);
            }
        }
        let rank = |a: &u32| {
            let name = self.names.get(*a);
            let i = Area::ALL
                .iter()
                .position(|x| x.as_str() == name)
                .unwrap_or(Area::ALL.len());
            (i, name.to_string())
        };
        v.sort_by_key(rank);
        v
    }

    /// The routines listed under the current area and period, by the title of their
    /// newest session.
    fn routines_present(&self) -> Vec<u32> {
        let since = self.period.since(&self.now);
        let mut seen = vec![false; self.names.names.len()];
        let mut v: Vec<(String, u32)> = Vec::new();
        for r in &self.rows {
            if self.area.is_none_or(|a| r.area == a)
                && since.is_none_or(|s| r.start >= s)
                && !std::mem::replace(&mut seen[r.routine as usize], true)
            {
                v.push((self.names.get(r.title).to_lowercase(), r.routine));
            }
        }
        v.sort();
        v.into_iter().map(|(_, id)| id).collect()
    }

    /// The title of a routine's newest session (titles can change between versions).
    fn routine_title(&self, routine: u32) -> &str {
        self.rows
            .iter()
            .find(|r| r.routine == routine)
            .map_or("", |r| self.names.get(r.title))
    }

    fn cycle_area(&mut self) {
        self.area = next_in(&self.areas_present(), self.area);
        if let Some(x) = self.routine
            && !self.routines_present().contains(&x)
        {
            self.routine = None;
        }
        self.refilter();
    }

    fn cycle_routine(&mut self) {
        self.routine = next_in(&self.routines_present(), self.routine);
        self.refilter();
    }

    fn cycle_period(&mut self) {
        self.period = self.period.next();
        self.refilter();
    }

    fn title_text(&self) -> String {
        let mut parts = vec!["History".to_string()];
        if let Some(a) = self.area {
            parts.push(fit(self.names.get(a), 24).trim_end().to_string());
        }
        if let Some(r) = self.routine {
            parts.push(fit(self.routine_title(r), 32).trim_end().to_string());
        }
        if self.period != Period::All {
            parts.push(self.period.label().to_string());
        }
        format!(" {} ", parts.join(" · "))
    }

    fn open_detail(&self) -> Update {
        match self.selected_row() {
            Some(r) => go(Nav::Open(Route::SessionDetail(r.id.to_string()))),
            None => stay(),
        }
    }

    /// The table in its box: the title and count on the border, then a message in place
    /// of the rows when there are none to show.
    fn render_table(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let block = self.table_block(area, ctx.theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        match self.message() {
            Some(m) => frame.render_widget(
                Paragraph::new(m)
                    .style(ctx.theme.muted)
                    .wrap(Wrap { trim: true })
                    .block(Block::new().padding(Padding::uniform(1))),
                inner,
            ),
            None => self.render_rows(frame, inner, ctx.theme),
        }
    }

    /// "History · neck · last 7 days" and "12 sessions" on the border, and the lines the
    /// reader skipped under it.
    fn table_block(&self, area: Rect, t: &Theme) -> Block<'static> {
        let title = self.title_text();
        let count = match self.visible.len() {
            1 => " 1 session ".to_string(),
            n => format!(" {n} sessions "),
        };
        let mut block = Block::bordered()
            .border_style(t.border)
            .title(Line::styled(title.clone(), t.title));
        if !self.rows.is_empty() && width(&title) + width(&count) + 4 <= area.width as usize {
            block = block.title(Line::styled(count, t.muted).right_aligned());
        }
        if let Some(note) = skipped_text(&self.skipped) {
            block = block.title_bottom(Line::styled(format!(" {note} "), t.muted));
        }
        block
    }

    /// What to say instead of the rows: the history could not be read, is empty, or the
    /// filters leave nothing.
    fn message(&self) -> Option<String> {
        if let Some(p) = &self.problem {
            Some(format!("Could not read the history: {p}"))
        } else if self.rows.is_empty() {
            Some(
                "No sessions yet. Finish a routine, or log a massage with `knotless log`."
                    .to_string(),
            )
        } else if self.visible.is_empty() {
            Some("Nothing here with these filters. a, r and p change them.".to_string())
        } else {
            None
        }
    }

    /// The column heads and the rows on screen; only those rows are formatted.
    fn render_rows(&self, frame: &mut Frame, area: Rect, t: &Theme) {
        let tz = self.now.time_zone();
        let this_year = self.now.year();
        let oldest_year = self
            .visible
            .last()
            .map(|&i| self.rows[i as usize].start.to_zoned(tz.clone()).year());
        let cols = Columns::for_width(
            area.width as usize,
            oldest_year.is_some_and(|y| y != this_year),
            self.longest,
        );
        let selected = self.list.selected();
        let rows = self.list.window().map(|i| {
            let r = &self.rows[self.visible[i] as usize];
            let when = r.start.to_zoned(tz.clone());
            self.row(&cols, r, &when, selected == Some(i), t)
        });
        let table = Table::new(rows, cols.widths())
            .header(cols.header().style(t.muted))
            .row_highlight_style(t.selected);
        frame.render_stateful_widget(table, area, &mut self.list.table_state());
    }

    /// One session's row. The selected row takes one style throughout: the good-green of
    /// a rating would fight the selection's background.
    fn row(
        &self,
        cols: &Columns,
        r: &Row,
        when: &Zoned,
        selected: bool,
        t: &Theme,
    ) -> TableRow<'static> {
        let when = when_text(when, &self.now, cols.short_dates);
        let (pain, pain_style) = pain_text(r.pain_before, r.pain_after, t);
        let outcome_style = if r.outcome == Outcome::Completed {
            t.base
        } else {
            t.muted
        };
        let mut cells = vec![
            (format!(" {}", fit(&when, cols.when)), t.base),
            (fit(self.names.get(r.title), cols.title), t.base),
        ];
        if let Some(w) = cols.area {
            cells.push((fit(self.names.get(r.area), w), t.muted));
        }
        if let Some(w) = cols.active {
            let active = clock(u64::from(r.active_secs));
            cells.push((fit_right(&active, w), t.base));
        }
        if let Some(w) = cols.outcome {
            cells.push((fit(r.outcome.as_str(), w), outcome_style));
        }
        cells.push((fit(&pain, cols.pain), pain_style));
        TableRow::new(cells.into_iter().map(|(text, style)| {
            Cell::new(text).style(if selected { Style::new() } else { style })
        }))
    }
}

/// The next entry after `current` in `all`: none → the first → … → the last → none.
fn next_in(all: &[u32], current: Option<u32>) -> Option<u32> {
    match current {
        None => all.first().copied(),
        Some(c) => {
            let at = all.iter().position(|&x| x == c)?;
            all.get(at + 1).copied()
        }
    }
}

/// "2 unreadable lines skipped (lines 7, 12)".
pub fn skipped_text(lines: &[u64]) -> Option<String> {
    match lines {
        [] => None,
        [n] => Some(format!("1 unreadable line skipped (line {n})")),
        [a, b] => Some(format!("2 unreadable lines skipped (lines {a}, {b})")),
        [a, b, rest @ ..] => Some(format!(
            "{} unreadable lines skipped (lines {a}, {b}, …)",
            rest.len() + 2
        )),
    }
}

/// "Tue 24 Nov 17:05" (with the year for another year's sessions), as every day and time
/// is written; a narrow window drops the weekday, and for another year the time.
fn when_text(z: &Zoned, now: &Zoned, short: bool) -> String {
    let same_year = z.year() == now.year();
    match (short, same_year) {
        (false, _) => crate::model::format::fmt_day_time(z, now),
        (true, true) => z.strftime("%-d %b %H:%M").to_string(),
        (true, false) => z.strftime("%-d %b %Y").to_string(),
    }
}

/// "6 → 3", "6 → –", "– → 3", or nothing; a drop in pain in the gentle good style.
pub(super) fn pain_text(before: Option<u8>, after: Option<u8>, t: &Theme) -> (String, Style) {
    let n = |p: Option<u8>| p.map_or("–".to_string(), |p| p.to_string());
    match (before, after) {
        (None, None) => (String::new(), t.base),
        (Some(b), Some(a)) if a < b => (format!("{b} → {a}"), t.good),
        _ => (format!("{} → {}", n(before), n(after)), t.base),
    }
}

/// The table's column widths for a width; columns give way from the right-hand detail
/// (area, then outcome) so the when, what and how-it-went stay.
struct Columns {
    when: usize,
    short_dates: bool,
    title: usize,
    area: Option<usize>,
    active: Option<usize>,
    outcome: Option<usize>,
    pain: usize,
}

impl Columns {
    fn for_width(w: usize, other_years: bool, longest: u32) -> Columns {
        let short_dates = w < 60;
        let when = match (short_dates, other_years) {
            (true, _) => 12,
            (false, false) => 16,
            (false, true) => 21, // "Mon 24 Nov 2025 17:05"
        };
        let area = (w >= 72).then_some(10);
        let outcome = (w >= 56).then_some(11);
        // "1:00:00" (format::clock); "10:00:00" for a logged session of ten hours or more.
        let active = (w >= 50).then_some(if longest >= 10 * 3600 { 8 } else { 7 });
        let pain = 6;
        let gaps = [area, outcome, active].iter().flatten().count() + 2;
        let fixed =
            1 + when + [area, outcome, active].iter().flatten().sum::<usize>() + pain + gaps;
        Columns {
            when,
            short_dates,
            title: w.saturating_sub(fixed).max(4),
            area,
            active,
            outcome,
            pain,
        }
    }

    /// The widths of the columns shown, left to right, a space between each.
    fn widths(&self) -> Vec<Constraint> {
        [
            Some(1 + self.when),
            Some(self.title),
            self.area,
            self.active,
            self.outcome,
            Some(self.pain),
        ]
        .into_iter()
        .flatten()
        .map(|w| Constraint::Length(w as u16))
        .collect()
    }

    fn header(&self) -> TableRow<'static> {
        let mut cells = vec![
            format!(" {}", fit("When", self.when)),
            fit("Routine", self.title),
        ];
        if let Some(w) = self.area {
            cells.push(fit("Area", w));
        }
        if let Some(w) = self.active {
            cells.push(fit_right("Active", w));
        }
        if let Some(w) = self.outcome {
            cells.push(fit("Outcome", w));
        }
        cells.push(fit("Head", self.pain));
        TableRow::new(cells)
    }
}

impl Screen for History {
    fn title(&self) -> &str {
        "History"
    }

    fn layout(&mut self, area: Rect, _now: Instant, _ctx: &Ctx) {
        // The table's rows: the area less the footer, the border and the column heads.
        let h = area.height.saturating_sub(4) as usize;
        self.list.layout(self.visible.len(), h, 0);
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        // A very wide window keeps the table to a readable width: its columns stay near
        // each other.
        let area = crate::ui::readable(area);
        let [body, foot] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
        self.render_table(frame, body, ctx);
        crate::ui::footer(frame, foot, ctx.theme, ctx.status, &self.keys(ctx));
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, _ctx: &Ctx) -> Update {
        match lookup(LIST_KEYS, key.code) {
            Some(Act::Down) => self.list.move_by(1),
            Some(Act::Up) => self.list.move_by(-1),
            Some(Act::PageDown) => self.list.move_by(10),
            Some(Act::PageUp) => self.list.move_by(-10),
            Some(Act::First) => self.list.first(),
            Some(Act::Last) => self.list.last(),
            Some(Act::Open) => return self.open_detail(),
            Some(Act::Area) => self.cycle_area(),
            Some(Act::Routine) => self.cycle_routine(),
            Some(Act::Period) => self.cycle_period(),
            Some(Act::Stats) => {
                return go(Nav::Switch(Route::Stats {
                    period: self.period,
                    view: Default::default(),
                    heat_days: false,
                }));
            }
            Some(Act::Back) => return go(Nav::Back),
            Some(Act::App) | None => {}
        }
        stay()
    }

    fn keys(&self, _ctx: &Ctx) -> Vec<KeyHelp> {
        described(LIST_KEYS, |_| true)
    }

    fn shows(&self, route: &Route) -> bool {
        matches!(route, Route::History { .. })
    }

    fn resumed(&mut self, ctx: &Ctx) {
        // Ratings added in the record view (or anywhere in this run) show in the rows read
        // before them; taking them again changes nothing.
        for a in ctx.amended {
            if let Some(r) = self.rows.iter_mut().find(|r| *r.id == *a.amends) {
                r.pain_before = a.pain_before.or(r.pain_before);
                r.pain_after = a.pain_after.or(r.pain_after);
            }
        }
    }
}
