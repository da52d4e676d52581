//! Home: the routines grouped by area, a detail pane for the selected one, a filter, and
//! the ways to everything else. Files that failed to load are listed with their error, so
//! a typo never makes a routine silently disappear.

use std::cell::Cell;
use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use crate::app::{DoneInfo, Env, KeyHelp, Nav, View, help_only, key};
use crate::model::routine::{Area, Routine, Sides, fmt_clock, fmt_short};

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
    /// Index into `rows()` of the selected row.
    selected: usize,
    /// First visible row, kept between draws so the list scrolls smoothly.
    offset: Cell<usize>,
}

impl Home {
    pub fn new(env: &Env) -> Home {
        let mut h = Home {
            filter: String::new(),
            filtering: false,
            selected: 0,
            offset: Cell::new(0),
        };
        h.selected = h.first_selectable(env).unwrap_or(0);
        h
    }

    fn rows(&self, env: &Env) -> Vec<Row> {
        let q = self.filter.to_lowercase();
        let keep = |r: &Routine| q.is_empty() || r.matches(&q) || r.area.as_str().contains(&q);
        let mut rows = Vec::new();
        for area in Area::ALL {
            let hits: Vec<usize> = env
                .lib
                .routines
                .iter()
                .enumerate()
                .filter(|(_, r)| r.area == area && keep(r))
                .map(|(i, _)| i)
                .collect();
            if !hits.is_empty() {
                rows.push(Row::Heading(area));
                rows.extend(hits.into_iter().map(Row::Routine));
            }
        }
        if !env.lib.problems.is_empty() && q.is_empty() {
            rows.push(Row::ProblemsHeading);
            rows.extend((0..env.lib.problems.len()).map(Row::Problem));
        }
        rows
    }

    fn first_selectable(&self, env: &Env) -> Option<usize> {
        self.rows(env).iter().position(|r| r.selectable())
    }

    fn selected_row(&self, env: &Env) -> Option<Row> {
        self.rows(env)
            .get(self.selected)
            .copied()
            .filter(|r| r.selectable())
    }

    /// Moves the selection by `delta` selectable rows, stopping at the ends.
    fn step(&mut self, env: &Env, delta: isize) {
        let rows = self.rows(env);
        let sel: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.selectable())
            .map(|(i, _)| i)
            .collect();
        if sel.is_empty() {
            return;
        }
        let cur = sel.iter().position(|&i| i == self.selected).unwrap_or(0) as isize;
        let next = (cur + delta).clamp(0, sel.len() as isize - 1) as usize;
        self.selected = sel[next];
    }

    fn refilter(&mut self, env: &Env) {
        self.selected = self.first_selectable(env).unwrap_or(0);
        self.offset.set(0);
    }

    fn render_list(&self, frame: &mut Frame, area: Rect, env: &Env) {
        let t = &env.theme;
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
        let rows = self.rows(env);
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
        let h = inner.height as usize;
        let mut off = self.offset.get();
        if self.selected < off {
            off = self.selected.saturating_sub(1); // keep its heading in view when possible
        } else if self.selected >= off + h {
            off = self.selected + 1 - h;
        }
        self.offset.set(off);
        let w = inner.width as usize;
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(off)
            .take(h)
            .map(|(i, row)| {
                let selected = i == self.selected;
                let style = if selected { t.selected } else { t.base };
                match *row {
                    Row::Heading(a) => Line::styled(format!(" {}", a.heading()), t.muted),
                    Row::ProblemsHeading => Line::styled(" COULD NOT LOAD", t.caution),
                    Row::Routine(ri) => {
                        let r = &env.lib.routines[ri];
                        let len = fmt_short(r.total());
                        Line::styled(
                            two_ends(&format!(" {}", r.name), &format!("{len} "), w),
                            style,
                        )
                    }
                    Row::Problem(pi) => {
                        let p = &env.lib.problems[pi];
                        let name = std::path::Path::new(&p.file)
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_else(|| p.file.clone());
                        let style = if selected { t.selected } else { t.caution };
                        Line::styled(
                            two_ends(&format!(" {name}"), &format!("line {} ", p.line), w),
                            style,
                        )
                    }
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn render_detail(&self, frame: &mut Frame, area: Rect, env: &Env) {
        let t = &env.theme;
        let Some(row) = self.selected_row(env) else {
            frame.render_widget(Block::bordered().border_style(t.border), area);
            return;
        };
        let inner_w = area.width.saturating_sub(4);
        let inner_h = area.height.saturating_sub(2);
        let (title, lines) = match row {
            Row::Routine(ri) => {
                let r = &env.lib.routines[ri];
                (
                    r.name.clone(),
                    routine_detail(r, env.done.get(&r.id), env, inner_w, inner_h),
                )
            }
            Row::Problem(pi) => {
                let p = &env.lib.problems[pi];
                let w = inner_w;
                let mut lines = vec![
                    Line::styled("This file was skipped:", t.caution),
                    Line::raw(""),
                ];
                lines.extend(crate::ui::wrap_lines(&p.headline(), w, t.base));
                if let Some(h) = &p.hint {
                    lines.push(Line::raw(""));
                    lines.extend(crate::ui::wrap_lines(&format!("Hint: {h}"), w, t.muted));
                }
                lines.push(Line::raw(""));
                lines.extend(crate::ui::wrap_lines(
                    "Fix it and restart knotless, or run `knotless check`.",
                    w,
                    t.muted,
                ));
                ("Could not load".to_string(), lines)
            }
            _ => (String::new(), Vec::new()),
        };
        let block = Block::bordered()
            .border_style(t.border)
            .padding(Padding::horizontal(1))
            .title(Line::styled(format!(" {title} "), t.title));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// `left` and `right` on one line of width `w`, the left cut with an ellipsis if needed.
fn two_ends(left: &str, right: &str, w: usize) -> String {
    let rw = right.chars().count();
    let room = w.saturating_sub(rw + 1);
    let mut l: String = left.chars().take(room).collect();
    if left.chars().count() > room && room > 1 {
        l.pop();
        l.push('…');
    }
    let pad = w.saturating_sub(l.chars().count() + rw);
    format!("{l}{}{right}", " ".repeat(pad))
}

/// "Sunday", "yesterday", "3 Nov": how long ago, in words a person uses.
fn when(last: jiff::Timestamp, env: &Env) -> String {
    let now = (env.wall)();
    let tz = now.time_zone().clone();
    let then = last.to_zoned(tz).date();
    let today = now.date();
    let days = (today - then).get_days();
    match today.since(then).map(|s| s.get_days()).unwrap_or(days) {
        0 => "today".into(),
        1 => "yesterday".into(),
        2..=6 => then.strftime("%A").to_string(),
        _ => then.strftime("%-d %b").to_string(),
    }
}

/// The detail pane. The step list and the last-done line always show; the summary and
/// cautions give way first when the pane is short.
fn routine_detail(
    r: &Routine,
    done: Option<&DoneInfo>,
    env: &Env,
    w: u16,
    h: u16,
) -> Vec<Line<'static>> {
    let t = &env.theme;
    let n_w = r.steps.len().to_string().len();
    let mut steps: Vec<Line<'static>> = r
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let sides = match s.sides {
                Sides::Both => "L+R ",
                Sides::Left => "L ",
                Sides::Right => "R ",
                Sides::None => "",
            };
            let right = format!("{sides}{:>5}", fmt_clock(s.planned));
            let left = format!("{:>n_w$} {}", i + 1, s.title);
            Line::styled(two_ends(&left, &right, w as usize), t.base)
        })
        .collect();
    let last = match done {
        None => "Not done yet".to_string(),
        Some(d) => {
            let mut s = format!(
                "Last done {} · {} time{}",
                when(d.last, env),
                d.count,
                if d.count == 1 { "" } else { "s" }
            );
            if let Some((avg, n)) = d.pain_change {
                s.push_str(&format!(" · head {} avg (n={n})", signed(avg)));
            }
            s
        }
    };
    let mut tail = vec![Line::raw("")];
    tail.extend(crate::ui::wrap_lines(&last, w, t.muted));

    let mut head: Vec<Line<'static>> = Vec::new();
    let mut summary = if r.summary.is_empty() {
        Vec::new()
    } else {
        crate::ui::wrap_lines(&r.summary, w, t.base)
    };
    let need = if r.equipment.is_empty() {
        Vec::new()
    } else {
        crate::ui::wrap_lines(&format!("You need: {}", r.equipment.join(", ")), w, t.base)
    };
    let careful = r
        .cautions
        .first()
        .map(|c| crate::ui::wrap_lines(&format!("Careful: {c}"), w, t.caution))
        .unwrap_or_default();
    let fixed = steps.len() + tail.len() + 1;
    let mut room = (h as usize).saturating_sub(fixed);
    let take = |lines: &mut Vec<Line<'static>>, room: &mut usize, min_keep: usize| {
        if lines.len() > *room {
            lines.truncate((*room).max(min_keep.min(*room)));
            if let Some(l) = lines.last_mut() {
                let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                let cut: String = text.chars().take(w.saturating_sub(1) as usize).collect();
                *l = Line::styled(format!("{}…", cut.trim_end()), l.style);
            }
        }
        *room = room.saturating_sub(lines.len());
    };
    // Order of giving way: careful keeps at least a line, then what you need, then summary.
    let mut careful = careful;
    let mut need = need;
    let want_careful = careful.len().min(2);
    let reserve = want_careful + need.len().min(1) + 1;
    let mut summary_room = room.saturating_sub(reserve);
    take(&mut summary, &mut summary_room, 1);
    room = room.saturating_sub(summary.len());
    if !summary.is_empty() && room > 0 {
        summary.push(Line::raw(""));
        room -= 1;
    }
    take(&mut need, &mut room, 1);
    take(&mut careful, &mut room, 1);
    head.extend(summary);
    head.extend(need);
    head.extend(careful);
    head.push(Line::raw(""));
    head.append(&mut steps);
    head.extend(tail);
    head
}

/// "−1.9", "+0.5", "0": a change with a real minus sign.
pub fn signed(x: f64) -> String {
    if x.abs() < 0.05 {
        "0".into()
    } else if x < 0.0 {
        format!("−{:.1}", -x)
    } else {
        format!("+{x:.1}")
    }
}

impl View for Home {
    fn title(&self) -> &str {
        "Home"
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env, _now: Instant) {
        let t = &env.theme;
        let [head, body, foot] = crate::ui::screen_areas(area);
        let header = env.header.clone().unwrap_or_default();
        let [l, r] = Layout::horizontal([Constraint::Length(10), Constraint::Min(0)]).areas(head);
        frame.render_widget(Line::styled(" knotless", t.title), l);
        frame.render_widget(
            Line::styled(format!("{header} "), t.muted).right_aligned(),
            r,
        );
        if body.width >= 64 {
            let list_w = (body.width * 12 / 25).clamp(32, 46);
            let [list, detail] =
                Layout::horizontal([Constraint::Length(list_w), Constraint::Min(20)]).areas(body);
            self.render_list(frame, list, env);
            self.render_detail(frame, detail, env);
        } else {
            self.render_list(frame, body, env);
        }
        crate::ui::footer(frame, foot, env, &self.keys());
    }

    fn handle_key(&mut self, key: KeyEvent, env: &mut Env, _now: Instant) -> Nav {
        if self.filtering {
            match key.code {
                KeyCode::Esc => {
                    self.filtering = false;
                    self.filter.clear();
                    self.refilter(env);
                }
                KeyCode::Enter => self.filtering = false,
                KeyCode::Backspace => {
                    self.filter.pop();
                    self.refilter(env);
                }
                KeyCode::Down => self.step(env, 1),
                KeyCode::Up => self.step(env, -1),
                KeyCode::Char(c)
                    if self.filter.chars().count() < 40
                        && !key
                            .modifiers
                            .intersects(KeyModifiers::ALT | KeyModifiers::CONTROL) =>
                {
                    self.filter.push(c);
                    self.refilter(env);
                }
                _ => {}
            }
            return Nav::Stay;
        }
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.step(env, 1),
            KeyCode::Up | KeyCode::Char('k') => self.step(env, -1),
            KeyCode::PageDown => self.step(env, 10),
            KeyCode::PageUp => self.step(env, -10),
            KeyCode::Home | KeyCode::Char('g') => self.step(env, isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.step(env, isize::MAX / 2),
            KeyCode::Char('/') => {
                self.filtering = true;
            }
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter(env);
            }
            KeyCode::Enter => {
                if let Some(Row::Routine(i)) = self.selected_row(env) {
                    let r = env.lib.routines[i].clone();
                    return super::open_routine(env, r);
                }
            }
            KeyCode::Char('b') => return super::open_breathing(env),
            KeyCode::Char('h') => return super::open_history(env),
            KeyCode::Char('s') => return super::open_stats(env),
            KeyCode::Char('!') => {
                return Nav::Open(Box::new(super::first_run::FirstRun::new(true)));
            }
            KeyCode::Char('q') | KeyCode::Esc => return Nav::Quit,
            _ => {}
        }
        Nav::Stay
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.filtering {
            return vec![
                key("type", "to filter"),
                key("Enter", "done"),
                key("Esc", "clear"),
                key("↑↓", "choose"),
            ];
        }
        vec![
            help_only("↑↓", "choose a routine"),
            key("Enter", "start"),
            key("/", "filter"),
            key("b", "breathe"),
            key("h", "history"),
            key("s", "stats"),
            key("t", "theme"),
            key("?", "help"),
            key("q", "quit"),
            help_only("j k", "choose (vim keys)"),
            help_only("PgUp PgDn g G", "jump through the list"),
            help_only("Esc", "clear the filter, or quit"),
            help_only("!", "the safety notice and warning signs"),
        ]
    }

    fn captures_text(&self) -> bool {
        self.filtering
    }

    fn resumed(&mut self, env: &mut Env) {
        // The routine list cannot change while running, but a filter may now match nothing.
        if self.selected_row(env).is_none() {
            self.refilter(env);
        }
    }
}
