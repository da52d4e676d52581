//! Home: the routines grouped by area, a detail pane for the selected one, a filter, and
//! the ways to everything else. Files that failed to load are listed with their error, so
//! a typo never makes a routine silently disappear.

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::diary::{Diary, DiaryKey};
use super::{AppEffect, Ctx, DoneInfo, Effect, Nav, Route, Screen, Update, go, stay};
use crate::core::content::WARNING;
use crate::core::period::Period;
use crate::model::format::{fmt_clock, fmt_length};
use crate::model::routine::{Area, Routine, Sides};
use crate::ui::scroll::{ListScroll, PageScroll};
use crate::ui::theme::Theme;
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup, row};

/// What a key does on home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Start,
    Filter,
    Breathe,
    History,
    Stats,
    Notice,
    /// Edit the selected routine (or the file that did not load) in the user's editor.
    Edit,
    /// Scroll the detail pane (when its cautions and summary do not fit).
    DetailDown,
    DetailUp,
    /// Re-read the files (offered in the footer when a file did not load).
    Reread,
    /// The same key, described in help only (when every file loaded).
    RereadNote,
    Back,
    Quit,
    /// `e` on a file that did not load, in the footer while one is selected.
    FixFile,
    /// The diary line (see `diary`): "Headache today?" answered yes / no, or the answer
    /// changed; after a yes, the worst intensity and the medication taken; the other day.
    Day(DiaryKey),
    /// Select the first file that did not load (the banner names the key).
    ShowProblems,
    /// A key the app handles everywhere (theme, help), listed in the footer.
    App,
}

const KEYS: &[Binding<Act>] = &[
    row(&[KeyCode::Up], Act::Up, help_only("↑↓", "choose a routine")),
    also(&[KeyCode::Down], Act::Down),
    row(&[KeyCode::Enter], Act::Start, key("Enter", "start")),
    row(&[], Act::FixFile, key("e", "edit the file")),
    row(
        &[KeyCode::Char('r')],
        Act::Reread,
        key("r", "re-read files"),
    ),
    row(&[KeyCode::Char('/')], Act::Filter, key("/", "filter")),
    row(&[KeyCode::Char('b')], Act::Breathe, key("b", "breathe")),
    row(&[KeyCode::Char('h')], Act::History, key("h", "history")),
    row(&[KeyCode::Char('s')], Act::Stats, key("s", "stats")),
    row(&[], Act::App, key("t", "theme")),
    row(&[], Act::App, key("?", "help")),
    row(&[KeyCode::Char('q')], Act::Quit, key("q", "quit")),
    row(
        &[KeyCode::Char('k')],
        Act::Up,
        help_only("j k", "choose (vim keys)"),
    ),
    also(&[KeyCode::Char('j')], Act::Down),
    row(
        &[KeyCode::PageUp],
        Act::PageUp,
        help_only("PgUp PgDn g G", "jump through the list"),
    ),
    also(&[KeyCode::PageDown], Act::PageDown),
    also(&[KeyCode::Home, KeyCode::Char('g')], Act::First),
    also(&[KeyCode::End, KeyCode::Char('G')], Act::Last),
    row(
        &[KeyCode::Esc],
        Act::Back,
        help_only("Esc", "clear the filter, or quit (asks first)"),
    ),
    row(
        &[KeyCode::Char(']')],
        Act::DetailDown,
        help_only("] [", "scroll the details, when they do not fit"),
    ),
    also(&[KeyCode::Char('[')], Act::DetailUp),
    row(
        &[KeyCode::Char('!')],
        Act::Notice,
        help_only("!", "the safety notice and warning signs"),
    ),
    row(
        &[KeyCode::Char('e')],
        Act::Edit,
        help_only("e", "edit the routine, or a file that did not load"),
    ),
    row(
        &[],
        Act::RereadNote,
        help_only("r", "re-read your routine files"),
    ),
    row(
        &[KeyCode::Char('f')],
        Act::ShowProblems,
        help_only("f", "the files that could not be loaded"),
    ),
    row(
        &[KeyCode::Char('y')],
        Act::Day(DiaryKey::Yes),
        help_only("y", "a headache that day: yes (also to change a no)"),
    ),
    row(
        &[KeyCode::Char('n')],
        Act::Day(DiaryKey::No),
        help_only("n", "a headache that day: no (also to change a yes)"),
    ),
    row(
        &[KeyCode::Char('w')],
        Act::Day(DiaryKey::Worst),
        help_only("w", "how bad it got: mild, moderate, severe"),
    ),
    row(
        &[KeyCode::Char('p')],
        Act::Day(DiaryKey::Meds),
        help_only(
            "p",
            "medicine taken: none, simple painkiller, triptan, other",
        ),
    ),
    row(
        &[KeyCode::Char('d')],
        Act::Day(DiaryKey::OtherDay),
        help_only("d", "the headache diary: today or yesterday"),
    ),
];

/// What a key does while "Quit knotless?" is asked (after Esc; any other key stays).
const QUIT_KEYS: &[Binding<bool>] = &[
    row(
        &[KeyCode::Char('y'), KeyCode::Char('q'), KeyCode::Enter],
        true,
        key("y", "quit"),
    ),
    row(&[KeyCode::Char('n'), KeyCode::Esc], false, key("n", "stay")),
];

/// What a key does while typing a filter (any other character is typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Type,
    Done,
    Clear,
    Delete,
    Up,
    Down,
}

const FILTER_KEYS: &[Binding<Filter>] = &[
    row(&[], Filter::Type, key("type", "to filter")),
    row(&[KeyCode::Enter], Filter::Done, key("Enter", "done")),
    row(&[KeyCode::Esc], Filter::Clear, key("Esc", "clear")),
    row(&[KeyCode::Up], Filter::Up, key("↑↓", "choose")),
    also(&[KeyCode::Down], Filter::Down),
    also(&[KeyCode::Backspace], Filter::Delete),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Heading(Area),
    Routine(usize),
    ProblemsHeading,
    Problem(usize),
}

impl Row {
    fn selectable(self) -> bool {
        matches!(self, Row::Routine(_) | Row::Problem(_))
    }
}

pub struct Home {
    filter: String,
    filtering: bool,
    /// The selected entry of `rows()` (never a heading) and the first row shown.
    list: ListScroll,
    /// How far the detail pane is scrolled (when the cautions and summary do not fit).
    detail: PageScroll,
    /// The headache-diary line above the list.
    diary: Diary,
    /// Esc asked "Quit knotless?" (Esc is also what clears a filter: one press too many
    /// must not end the app).
    asking_quit: bool,
    /// The detail pane as the last layout wrapped it, for the pane and row it was made for:
    /// the frame draws these lines rather than wrapping the text a second time.
    detail_made: Option<DetailMade>,
}

/// The detail pane's title and lines, wrapped for `area` with `row` selected.
struct DetailMade {
    area: Rect,
    row: Option<Row>,
    title: String,
    lines: Vec<Line<'static>>,
}

impl Home {
    pub fn new(ctx: &Ctx) -> Home {
        let mut h = Home {
            filter: String::new(),
            filtering: false,
            list: ListScroll::default(),
            detail: PageScroll::default(),
            diary: Diary::default(),
            asking_quit: false,
            detail_made: None,
        };
        h.refilter(ctx);
        h
    }

    fn rows(&self, ctx: &Ctx) -> Vec<Row> {
        let q = self.filter.to_lowercase();
        let keep = |r: &Routine| q.is_empty() || r.matches(&q) || r.area.as_str().contains(&q);
        // The routines by area, in one pass (this runs on every key and frame, and a
        // routines folder can hold hundreds).
        let mut hits: [Vec<usize>; Area::ALL.len()] = Default::default();
        for (i, r) in ctx.lib.routines.iter().enumerate() {
            if keep(r)
                && let Some(at) = Area::ALL.iter().position(|&a| a == r.area)
            {
                hits[at].push(i);
            }
        }
        let mut rows = Vec::new();
        for (area, hits) in Area::ALL.into_iter().zip(hits) {
            if !hits.is_empty() {
                rows.push(Row::Heading(area));
                rows.extend(hits.into_iter().map(Row::Routine));
            }
        }
        let files = ctx.lib.problem_files().len();
        if files > 0 && q.is_empty() {
            rows.push(Row::ProblemsHeading);
            rows.extend((0..files).map(Row::Problem));
        }
        rows
    }

    fn first_selectable(&self, ctx: &Ctx) -> Option<usize> {
        self.rows(ctx).iter().position(|r| r.selectable())
    }

    fn selected_row(&self, ctx: &Ctx) -> Option<Row> {
        self.rows(ctx)
            .get(self.list.selected()?)
            .copied()
            .filter(|r| r.selectable())
    }

    /// Moves the selection by `delta` selectable rows, stopping at the ends.
    fn step(&mut self, ctx: &Ctx, delta: isize) {
        let rows = self.rows(ctx);
        let sel: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.selectable())
            .map(|(i, _)| i)
            .collect();
        if sel.is_empty() {
            return;
        }
        let at = self.list.selected();
        let cur = sel.iter().position(|&i| Some(i) == at).unwrap_or(0);
        let next = sel[cur.saturating_add_signed(delta).min(sel.len() - 1)];
        if at != Some(next) {
            self.detail.home();
        }
        self.list.select(next, rows.len());
    }

    fn refilter(&mut self, ctx: &Ctx) {
        let rows = self.rows(ctx).len();
        self.list.reset(rows);
        self.list
            .select(self.first_selectable(ctx).unwrap_or(0), rows);
        self.detail.home();
    }

    /// A key while typing the filter: a character narrows the list, Backspace widens it,
    /// Enter keeps it, Esc clears it; ↑↓ still choose.
    fn type_filter(&mut self, key: KeyEvent, ctx: &Ctx) {
        match lookup(FILTER_KEYS, key.code) {
            Some(Filter::Clear) => {
                self.filtering = false;
                self.filter.clear();
                self.refilter(ctx);
            }
            Some(Filter::Done) => self.filtering = false,
            Some(Filter::Delete) => {
                self.filter.pop();
                self.refilter(ctx);
            }
            Some(Filter::Down) => self.step(ctx, 1),
            Some(Filter::Up) => self.step(ctx, -1),
            Some(Filter::Type) | None => {
                if let KeyCode::Char(c) = key.code
                    && self.filter.chars().count() < 40
                    && !key
                        .modifiers
                        .intersects(KeyModifiers::ALT | KeyModifiers::CONTROL)
                {
                    self.filter.push(c);
                    self.refilter(ctx);
                }
            }
        }
    }

    /// `e`: the selected routine, or the file that did not load, in the user's editor.
    fn edit(&self, ctx: &Ctx) -> Update {
        let effect = match self.selected_row(ctx) {
            Some(Row::Routine(i)) => AppEffect::EditRoutine(ctx.lib.routines[i].id.clone()),
            Some(Row::Problem(pi)) => edit_problem(ctx.lib.problem_files()[pi].0),
            _ => return stay(),
        };
        (Nav::Stay, vec![effect.into()])
    }

    /// The quiet lines above the list: the files that did not load, then the diary line
    /// ("Headache today?", or the answer with the keys that change it).
    fn notices(&self, ctx: &Ctx, w: u16) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let mut lines = Vec::new();
        let problem_files = ctx.lib.problem_files();
        let files = problem_files.len();
        if files > 0 {
            let (them, it) = if files == 1 {
                ("1 file".to_string(), "it")
            } else {
                (format!("{files} files"), "them")
            };
            let partly = problem_files
                .iter()
                .all(|(f, _)| ctx.lib.applies_in_part(f));
            let text = match (partly, w >= 50) {
                (true, true) => " Some settings were ignored — press f to see them".to_string(),
                (true, false) => " Settings ignored · f shows them".to_string(),
                (false, true) => format!(" {them} could not be loaded — press f to see {it}"),
                (false, false) => format!(" {them} did not load · f shows {it}"),
            };
            lines.push(Line::styled(text, t.caution));
        }
        if ctx.days_problem.is_some() && ctx.settings.ask_days {
            let text = if w >= 50 {
                " The headache diary could not be read — s shows why"
            } else {
                " Diary unreadable · s shows why"
            };
            lines.push(Line::styled(text, t.caution));
        }
        lines.extend(self.diary.lines(ctx, w));
        lines
    }

    /// The body without the notice lines, and the notice lines' area.
    fn split_body(&self, body: Rect, ctx: &Ctx) -> (Rect, Rect) {
        let n = (self.notices(ctx, body.width).len() as u16).min(body.height.saturating_sub(3));
        let [top, rest] = crate::ui::split_rows(body, n);
        (top, rest)
    }

    /// The list's and the detail pane's areas within the body, at a readable width (as the
    /// header and the notices are).
    fn panes(body: Rect) -> (Rect, Option<Rect>) {
        let body = crate::ui::readable(body);
        if body.width >= 64 {
            let list_w = (body.width * 12 / 25).clamp(32, 46);
            // At least 64 columns leave the detail pane more than 20.
            let [list, detail] = crate::ui::split_columns(body, list_w);
            (list, Some(detail))
        } else {
            (body, None)
        }
    }

    fn render_list(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = ctx.theme;
        let title = if self.filtering || !self.filter.is_empty() {
            format!(
                " Routines · /{}{} ",
                self.filter,
                if self.filtering { "▏" } else { "" }
            )
        } else {
            " Routines ".to_string()
        };
        let block = Block::bordered()
            .border_style(t.border)
            .title(Line::styled(title, t.title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let rows = self.rows(ctx);
        if rows.is_empty() {
            frame.render_widget(
                Paragraph::new(format!(
                    "Nothing matches \"{}\". Esc clears the filter.",
                    self.filter
                ))
                .style(t.muted)
                .wrap(Wrap { trim: true }),
                inner,
            );
            return;
        }
        let w = inner.width as usize;
        let selected = self.list.selected();
        let lines: Vec<Line> = self
            .list
            .window()
            .map(|i| row_line(rows[i], selected == Some(i), w, ctx))
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// The detail pane's title and every line of it, for the pane `area`.
    fn detail_lines(&self, area: Rect, ctx: &Ctx) -> Option<(String, Vec<Line<'static>>)> {
        let t = ctx.theme;
        let row = self.selected_row(ctx)?;
        let inner_w = area.width.saturating_sub(4);
        let inner_h = area.height.saturating_sub(2);
        match row {
            Row::Routine(ri) => {
                let r = &ctx.lib.routines[ri];
                Some((
                    r.name.clone(),
                    routine_detail(r, ctx.done.get(&r.id), ctx, inner_w, inner_h),
                ))
            }
            Row::Problem(pi) => {
                let files = ctx.lib.problem_files();
                let w = inner_w;
                let partly = ctx.lib.applies_in_part(files[pi].0);
                let (title, heading) = if partly {
                    (
                        "Settings ignored",
                        "These lines were ignored; the rest of the file applies:",
                    )
                } else {
                    ("Could not load", "This file was skipped:")
                };
                let mut lines = crate::ui::wrap_lines(heading, w, t.caution);
                lines.push(Line::raw(""));
                for p in &files[pi].1 {
                    lines.extend(crate::ui::wrap_lines(&p.headline(), w, t.base));
                    if let Some(h) = &p.hint {
                        lines.extend(crate::ui::wrap_lines(&format!("Hint: {h}"), w, t.muted));
                    }
                    lines.push(Line::raw(""));
                }
                lines.pop();
                lines.push(Line::raw(""));
                lines.extend(crate::ui::wrap_lines(
                    "e edits it here; or fix it in another window and press r to re-read the files.",
                    w,
                    t.muted,
                ));
                Some((title.to_string(), lines))
            }
            _ => None,
        }
    }

    fn render_detail(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = ctx.theme;
        let row = self.selected_row(ctx);
        let fresh;
        let (title, lines) = match &self.detail_made {
            Some(m) if m.area == area && m.row == row => (&m.title, &m.lines),
            _ => {
                fresh = self.detail_lines(area, ctx);
                let Some((title, lines)) = &fresh else {
                    frame.render_widget(Block::bordered().border_style(t.border), area);
                    return;
                };
                (title, lines)
            }
        };
        let h = area.height.saturating_sub(2) as usize;
        let shown: Vec<Line> = lines
            .iter()
            .skip(self.detail.top())
            .take(h)
            .cloned()
            .collect();
        // Say there is more on the border, rather than let a caution end unseen.
        let more = match self.detail.more() {
            (_, true) => Some(" ↓ more: ] "),
            (true, false) => Some(" ↑ [ "),
            (false, false) => None,
        };
        let mut block = Block::bordered()
            .border_style(t.border)
            .padding(Padding::horizontal(1))
            .title(Line::styled(
                format!(
                    " {} ",
                    crate::model::format::fit(title, area.width.saturating_sub(4) as usize)
                        .trim_end()
                ),
                t.title,
            ));
        if let Some(m) = more {
            block = block.title_bottom(Line::styled(m, t.muted).right_aligned());
        }
        frame.render_widget(Paragraph::new(shown).block(block), area);
    }
}

/// One row of the list: an area's heading, a routine and its length, or a file that did
/// not load and where.
fn row_line(row: Row, selected: bool, w: usize, ctx: &Ctx) -> Line<'static> {
    let t = ctx.theme;
    let style = if selected { t.selected } else { t.base };
    match row {
        Row::Heading(a) => Line::styled(format!(" {}", a.heading()), t.muted),
        Row::ProblemsHeading => {
            let files = ctx.lib.problem_files();
            if files.iter().all(|(f, _)| ctx.lib.applies_in_part(f)) {
                Line::styled(" SETTINGS IGNORED", t.caution)
            } else {
                Line::styled(" COULD NOT LOAD", t.caution)
            }
        }
        Row::Routine(ri) => {
            let r = &ctx.lib.routines[ri];
            // A routine that breaks the safety limits is marked.
            let mark = if ctx.lib.breaks(&r.id).is_empty() {
                String::new()
            } else {
                format!("{WARNING} ")
            };
            let left = format!(" {mark}{}", r.name);
            let len = fmt_length(r.total());
            // The user's own file says so; their copy of a bundled routine says it replaces
            // it where the name still fits whole beside that, else "yours" (the detail pane
            // says the rest).
            let right = match ctx.lib.whose(r) {
                None => format!("{len} "),
                Some(whose) => {
                    let full = format!("{whose} · {len} ");
                    let fits =
                        crate::model::format::width(&left) + 1 + crate::model::format::width(&full)
                            <= w;
                    if fits {
                        full
                    } else {
                        format!("yours · {len} ")
                    }
                }
            };
            Line::styled(two_ends(&left, &right, w), style)
        }
        Row::Problem(pi) => {
            let files = ctx.lib.problem_files();
            let (file, problems) = &files[pi];
            let name = std::path::Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.to_string());
            let style = if selected { t.selected } else { t.caution };
            let right = match problems.len() {
                1 => format!("line {} ", problems[0].line),
                n => format!("{n} problems "),
            };
            Line::styled(two_ends(&format!(" {name}"), &right, w), style)
        }
    }
}

/// What `e` on a file that did not load does: edit it when it is a routine file (by its
/// name, which `edit` finds even though it did not load), else say where to fix it.
fn edit_problem(file: &str) -> AppEffect {
    let path = std::path::Path::new(file);
    let in_routines = path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|d| d == "routines");
    match path.file_stem().and_then(|s| s.to_str()) {
        Some(stem) if in_routines && path.extension().is_some_and(|x| x == "toml") => {
            AppEffect::EditRoutine(stem.to_string())
        }
        _ => AppEffect::Status(format!(
            "Open {file} in your editor to fix it, then press r."
        )),
    }
}

/// `left` and `right` on one line of width `w` (display columns), the left cut with an
/// ellipsis if needed.
fn two_ends(left: &str, right: &str, w: usize) -> String {
    let rw = crate::model::format::width(right);
    let room = w.saturating_sub(rw + 1);
    format!("{} {right}", crate::model::format::fit(left, room))
}

/// "Sunday", "yesterday", "3 Nov": how long ago, in words a person uses.
fn when(last: jiff::Timestamp, ctx: &Ctx) -> String {
    let now = ctx.now;
    let tz = now.time_zone().clone();
    let then = last.to_zoned(tz).date();
    let today = now.date();
    let days = (today - then).get_days();
    match today.since(then).map(|s| s.get_days()).unwrap_or(days) {
        0 => "today".into(),
        1 => "yesterday".into(),
        2..=6 => then.strftime("%A").to_string(),
        _ => crate::model::format::fmt_day(then, today),
    }
}

/// The summary, every caution (safety text: never cut) and what you need, each followed
/// by a blank line.
fn summary_and_cautions(r: &Routine, w: u16, t: &Theme) -> Vec<Line<'static>> {
    let mut head: Vec<Line<'static>> = Vec::new();
    if !r.summary.is_empty() {
        head.extend(crate::ui::wrap_lines(&r.summary, w, t.base));
        head.push(Line::raw(""));
    }
    for c in &r.cautions {
        let opts = textwrap::Options::new(w.max(8) as usize).subsequent_indent("  ");
        head.extend(
            textwrap::wrap(&format!("• {c}"), opts)
                .into_iter()
                .map(|l| Line::styled(l.into_owned(), t.caution)),
        );
    }
    if !r.cautions.is_empty() {
        head.push(Line::raw(""));
    }
    if !r.equipment.is_empty() {
        head.extend(crate::ui::wrap_lines(
            &format!("You need: {}", r.equipment.join(", ")),
            w,
            t.base,
        ));
        head.push(Line::raw(""));
    }
    head
}

/// "Last done Sunday · 6 times · head −1.9 (n=4) avg", or "Not done yet".
fn last_done(done: Option<&DoneInfo>, ctx: &Ctx) -> String {
    let Some(d) = done else {
        return "Not done yet".to_string();
    };
    let mut s = format!(
        "Last done {} · {} time{}",
        when(d.last, ctx),
        d.count,
        if d.count == 1 { "" } else { "s" }
    );
    if let Some(change) = &d.pain_change {
        s.push_str(&format!(" · head {change} avg"));
    }
    s
}

/// The detail pane, in the order a careful reader needs it: the summary, every caution
/// (safety text, never cut), what you need, the steps, and when it was last done. When the
/// pane is short the step list gives way first ("… and 4 more steps"); when even the
/// summary and cautions do not fit, the pane scrolls (`]`), it never drops a caution.
fn routine_detail(
    r: &Routine,
    done: Option<&DoneInfo>,
    ctx: &Ctx,
    w: u16,
    h: u16,
) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let n_w = r.steps.len().to_string().len();
    let step_line = |i: usize| {
        let s = &r.steps[i];
        let sides = match s.sides {
            Sides::Both => "L+R ",
            Sides::Left => "L ",
            Sides::Right => "R ",
            Sides::None => "",
        };
        let right = format!("{sides}{:>5}", fmt_clock(s.planned));
        let left = format!("{:>n_w$} {}", i + 1, s.title);
        Line::styled(two_ends(&left, &right, w as usize), t.base)
    };
    let mut head: Vec<Line<'static>> = Vec::new();
    head.extend(super::breaks_lines(
        ctx,
        &r.id,
        ". Enter lists them before it starts.",
        false,
        w,
    ));
    // Whose it is, when it is not bundled: the user's own file, or their copy that takes a
    // bundled routine's place.
    if let Some(whose) = ctx.lib.whose(r) {
        head.extend(crate::ui::wrap_lines(whose, w, t.muted));
        head.push(Line::raw(""));
    }
    head.extend(summary_and_cautions(r, w, t));
    let mut tail = vec![Line::raw("")];
    tail.extend(crate::ui::wrap_lines(&last_done(done, ctx), w, t.muted));

    // The steps take what is left; at least a few show, the rest are counted.
    let n = r.steps.len();
    let room = (h as usize).saturating_sub(head.len() + tail.len());
    let shown = if n <= room.max(3) {
        n
    } else {
        room.max(3).saturating_sub(1)
    };
    head.extend((0..shown).map(step_line));
    if shown < n {
        head.push(Line::styled(
            format!(
                "  … and {} more step{}",
                n - shown,
                if n - shown == 1 { "" } else { "s" }
            ),
            t.muted,
        ));
    }
    head.extend(tail);
    head
}

impl Screen for Home {
    fn title(&self) -> &str {
        "Home"
    }

    fn layout(&mut self, area: Rect, _now: Instant, ctx: &Ctx) {
        let [_, body, _] = crate::ui::screen_areas(area);
        let (_, body) = self.split_body(body, ctx);
        let (list, detail) = Home::panes(body);
        // The list's inside, within its border; scrolling up keeps the heading of the
        // selected routine in view when it can.
        let h = list.height.saturating_sub(2) as usize;
        self.list.layout(self.rows(ctx).len(), h, 1);
        self.detail_made = detail.and_then(|area| {
            let (title, lines) = self.detail_lines(area, ctx)?;
            Some(DetailMade {
                area,
                row: self.selected_row(ctx),
                title,
                lines,
            })
        });
        let (lines, height) = self.detail_made.as_ref().map_or((0, 0), |m| {
            (m.lines.len(), m.area.height.saturating_sub(2) as usize)
        });
        self.detail.layout(lines, height);
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let t = ctx.theme;
        let [head, body, foot] = crate::ui::screen_areas(area);
        let header = ctx.header.unwrap_or_default();
        let head = crate::ui::readable(head);
        let [l, r] = crate::ui::split_columns(head, 10);
        frame.render_widget(Line::styled(" knotless", t.title), l);
        // Too long for a narrow terminal: cut at its end (with "…"), never at its start.
        let header = crate::model::format::fit_right(&format!("{header} "), usize::from(r.width));
        frame.render_widget(Line::styled(header, t.muted).right_aligned(), r);
        let (top, body) = self.split_body(body, ctx);
        let top = crate::ui::readable(top);
        frame.render_widget(Paragraph::new(self.notices(ctx, top.width)), top);
        let (list, detail) = Home::panes(body);
        self.render_list(frame, list, ctx);
        if let Some(detail) = detail {
            self.render_detail(frame, detail, ctx);
        }
        // The key hints stand under the panes, at their readable width.
        let foot = crate::ui::readable(foot);
        if self.asking_quit {
            let [q, keys] =
                Layout::horizontal([Constraint::Length(16), Constraint::Min(0)]).areas(foot);
            frame.render_widget(Line::styled(" Quit knotless?", t.title), q);
            crate::ui::footer(frame, keys, t, None, &self.keys(ctx));
        } else {
            crate::ui::footer(frame, foot, t, ctx.status, &self.keys(ctx));
        }
    }

    fn update(&mut self, key: KeyEvent, now: Instant, ctx: &Ctx) -> Update {
        let (nav, mut effects) = self.answer(key, now, ctx);
        // An answer still being given is written before home is left or the app ends.
        if !matches!(nav, Nav::Stay) {
            effects.splice(0..0, self.diary.settle(ctx));
        }
        (nav, effects)
    }

    fn tick(&mut self, now: Instant, ctx: &Ctx) -> Update {
        (Nav::Stay, self.diary.tick(now, ctx))
    }

    fn deadline(&self, now: Instant, ctx: &Ctx) -> Option<Instant> {
        // The diary line follows the day: it may ask about another day once it turns.
        [self.diary.deadline(), super::diary::day_turns(now, ctx)]
            .into_iter()
            .flatten()
            .min()
    }

    fn shutdown(&mut self, _now: Instant, ctx: &Ctx) -> Vec<Effect> {
        self.diary.settle(ctx)
    }

    fn keys(&self, ctx: &Ctx) -> Vec<KeyHelp> {
        if self.asking_quit {
            return described(QUIT_KEYS, |_| true);
        }
        if self.filtering {
            return described(FILTER_KEYS, |_| true);
        }
        // `r` is in the footer only while a file did not load; Enter only on a routine.
        let problems = !ctx.lib.problems.is_empty();
        let row = self.selected_row(ctx);
        described(KEYS, |a| match a {
            Act::Reread | Act::ShowProblems => problems,
            Act::RereadNote => !problems,
            Act::Start => matches!(row, Some(Row::Routine(_))),
            Act::FixFile => matches!(row, Some(Row::Problem(_))),
            Act::Day(k) => self.diary.acts(k, ctx),
            _ => true,
        })
    }

    fn captures_text(&self) -> bool {
        self.filtering
    }

    fn resumed(&mut self, ctx: &Ctx) {
        // The routine list cannot change while running, but a filter may now match nothing.
        if self.selected_row(ctx).is_none() {
            self.refilter(ctx);
        }
    }
}

impl Home {
    /// What a key does on home (see [`Screen::update`], which writes a pending diary
    /// answer when the key leads away).
    fn answer(&mut self, key: KeyEvent, now: Instant, ctx: &Ctx) -> Update {
        if self.asking_quit {
            self.asking_quit = false;
            return match lookup(QUIT_KEYS, key.code) {
                Some(true) => go(Nav::Quit),
                _ => stay(),
            };
        }
        if self.filtering {
            self.type_filter(key, ctx);
            return stay();
        }
        match lookup(KEYS, key.code) {
            Some(Act::Down) => self.step(ctx, 1),
            Some(Act::Up) => self.step(ctx, -1),
            Some(Act::PageDown) => self.step(ctx, 10),
            Some(Act::PageUp) => self.step(ctx, -10),
            Some(Act::First) => self.step(ctx, isize::MIN / 2),
            Some(Act::Last) => self.step(ctx, isize::MAX / 2),
            Some(Act::Filter) => self.filtering = true,
            Some(Act::Start) => {
                if let Some(Row::Routine(i)) = self.selected_row(ctx) {
                    let r = ctx.lib.routines[i].clone();
                    return go(Nav::Open(Route::Before(r)));
                }
            }
            Some(Act::Breathe) => return go(Nav::Open(Route::BreathingSetup)),
            Some(Act::History) => {
                return go(Nav::Open(Route::History {
                    period: Period::All,
                }));
            }
            Some(Act::Stats) => {
                return go(Nav::Open(Route::Stats {
                    period: Default::default(),
                    view: Default::default(),
                    heat_days: false,
                }));
            }
            Some(Act::Notice) => {
                return go(Nav::Open(Route::Notice {
                    review: true,
                    then: None,
                }));
            }
            Some(Act::Edit) => return self.edit(ctx),
            Some(Act::Reread) => return (Nav::Stay, vec![AppEffect::ReloadFiles.into()]),
            Some(Act::ShowProblems) => {
                self.filter.clear();
                if let Some(i) = self
                    .rows(ctx)
                    .iter()
                    .position(|r| matches!(r, Row::Problem(_)))
                {
                    self.list.select(i, self.rows(ctx).len());
                }
            }
            Some(Act::Day(k)) => return (Nav::Stay, self.diary.key(k, now, ctx)),
            Some(Act::DetailDown) => self.detail.by(3),
            Some(Act::DetailUp) => self.detail.by(-3),
            Some(Act::Back) if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter(ctx);
            }
            Some(Act::Back) => self.asking_quit = true,
            Some(Act::Quit) => return go(Nav::Quit),
            Some(Act::App | Act::RereadNote | Act::FixFile) | None => {}
        }
        stay()
    }
}
