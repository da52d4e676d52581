//! The player: a routine (or a breathing exercise) as timed screens. Someone with their
//! fingers under the base of their skull glances at it now and then, so it says at a
//! glance which step, what to do, how hard, how long is left and how to breathe.
//!
//! The session core decides everything about time; this screen draws its `View`, maps keys
//! to its controls, rings the bell on timer-driven step changes, and keeps the recorder's
//! snapshot current. It wakes only when the session's next visible change is due.

use std::cell::Cell;
use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use crate::app::{Env, KeyHelp, Nav, View, help_only, key};
use crate::core::breath::PacerState;
use crate::core::session::{self, Event, Options, Session, StageKind, Upcoming};
use crate::model::record::Kind;
use crate::model::routine::{Length, Pattern, Routine, Side, Sides, fmt_clock};
use crate::store::recorder::{Recorder, new_id};
use crate::ui::countdown::Countdown;
use crate::ui::pacer::Shape;

pub struct Player {
    session: Session,
    recorder: Recorder,
    confirm_stop: bool,
    /// Whether the session was running when the stop question was asked (to resume on "no").
    was_running: bool,
    /// How many shape sizes the last drawing could show, for the next deadline.
    pacer_levels: Cell<u32>,
}

impl Player {
    pub fn routine(
        env: &mut Env,
        routine: &Routine,
        pain_before: Option<u8>,
        now: Instant,
    ) -> Player {
        let wall = (env.wall)();
        let opts = Options {
            get_ready: env.get_ready,
        };
        let session = Session::new(routine, opts, new_id(&wall), now);
        Player::start(env, session, wall, pain_before)
    }

    pub fn breathing(env: &mut Env, pattern: &Pattern, length: Length, now: Instant) -> Player {
        let wall = (env.wall)();
        let opts = Options {
            get_ready: env.get_ready.min(std::time::Duration::from_secs(3)),
        };
        let session = Session::breathing(pattern, length, opts, new_id(&wall), now);
        Player::start(env, session, wall, None)
    }

    fn start(
        env: &mut Env,
        session: Session,
        wall: jiff::Zoned,
        pain_before: Option<u8>,
    ) -> Player {
        let recorder = Recorder::begin(env.data_dir(), wall, &session, pain_before);
        if let Some(p) = &recorder.problem {
            env.status = Some(format!("{p} (the session still runs)"));
        }
        Player {
            session,
            recorder,
            confirm_stop: false,
            was_running: false,
            pacer_levels: Cell::new(8),
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Rings and saves for what the session reports; moves on to the finish screen at the end.
    fn react(&mut self, events: Vec<Event>, env: &mut Env, now: Instant) -> Nav {
        let mut nav = Nav::Stay;
        for e in &events {
            if e.rings_bell() {
                env.ring();
            }
            if e.changes_stage() {
                self.recorder.checkpoint(&self.session, now);
            }
            if let Event::Finished { .. } = e {
                nav = self.finish(env, now);
            }
        }
        nav
    }

    fn finish(&mut self, env: &mut Env, now: Instant) -> Nav {
        let record = self.recorder.finish(&self.session, now);
        let problem = self.recorder.problem.clone();
        env.history_changed = true;
        let data = self.recorder.data_dir().map(|p| p.to_path_buf());
        Nav::Replace(Box::new(super::finish::Finish::new(
            record, data, problem, env,
        )))
    }

    fn render_header(&self, frame: &mut Frame, area: Rect, env: &Env, v: &session::View) {
        let t = &env.theme;
        let [line, bar] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
        let left = fmt_clock(std::time::Duration::from_secs(v.routine_left_secs));
        let right = if self.session.kind() == Kind::Breathing {
            format!("{left} left ")
        } else if area.width >= 60 {
            format!(
                "step {} of {} · {left} left in routine ",
                v.step_number, v.step_count
            )
        } else {
            format!("{}/{} · {left} ", v.step_number, v.step_count)
        };
        let rw = right.chars().count() as u16;
        let [l, r] = Layout::horizontal([Constraint::Min(1), Constraint::Length(rw)]).areas(line);
        let mut title = vec![Span::styled(format!(" {}", v.title), t.title)];
        if v.paused {
            title.push(Span::styled("  PAUSED", t.accent));
        }
        frame.render_widget(Line::from(title), l);
        frame.render_widget(Line::styled(right, t.muted), r);
        let w = bar.width.saturating_sub(2) as usize;
        let done = ((v.progress.clamp(0.0, 1.0) * w as f64).round() as usize).min(w);
        let mut spans = vec![Span::raw(" "), Span::styled("━".repeat(done), t.done)];
        if done < w {
            spans.push(Span::styled("╺", t.todo));
            spans.push(Span::styled("━".repeat(w - done - 1), t.todo));
        }
        frame.render_widget(Line::from(spans), bar);
    }

    fn render_segment(&self, frame: &mut Frame, area: Rect, env: &Env, v: &session::View) {
        let t = &env.theme;
        let Some(step) = v.step else { return };
        let w = area.width.saturating_sub(4);
        let mut title = vec![Span::styled(format!("  {}", step.title), t.title)];
        if let Some(side) = v.side {
            title.push(Span::styled(format!("  {}", side.upper()), t.accent));
        }
        let pressure = step
            .pressure
            .map(|p| format!("pressure {p} / 10 "))
            .unwrap_or_default();
        let pw = pressure.chars().count() as u16;

        // Text under the band: instructions, cue, the step's caution.
        let mut text: Vec<Line> = Vec::new();
        let instructions = indent(crate::ui::wrap_lines(&step.instructions, w, t.base));
        let cue = step
            .cue
            .as_ref()
            .map(|c| indent(crate::ui::wrap_lines(c, w, t.accent)));
        if area.height < 14 {
            // Short screens: the cue (what to do now) first, the full instructions after.
            text.extend(cue.into_iter().flatten());
            text.extend(instructions);
        } else {
            text.extend(instructions);
            if let Some(cue) = cue {
                text.push(Line::raw(""));
                text.extend(cue);
            }
        }
        if let Some(c) = &step.caution {
            text.push(Line::raw(""));
            text.extend(indent(crate::ui::wrap_lines(c, w, t.caution)));
        }
        let [head, _, band_and_text] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(u16::from(area.height >= 16)),
            Constraint::Min(1),
        ])
        .areas(area);
        let [hl, hr] = Layout::horizontal([Constraint::Min(1), Constraint::Length(pw)]).areas(head);
        frame.render_widget(Line::from(title), hl);
        frame.render_widget(Line::styled(pressure, t.muted), hr);

        let band_h = band_height(band_and_text.height, text.len() as u16);
        let [band, gap, rest] = Layout::vertical([
            Constraint::Length(band_h),
            Constraint::Length(u16::from(band_and_text.height > band_h + 3)),
            Constraint::Min(0),
        ])
        .areas(band_and_text);
        let _ = gap;
        self.render_band(frame, band, env, v, step.art.as_ref());
        frame.render_widget(Paragraph::new(text), rest);
    }

    /// The row with the countdown, the pacer's word and shape, and the drawing.
    fn render_band(
        &self,
        frame: &mut Frame,
        area: Rect,
        env: &Env,
        v: &session::View,
        art: Option<&crate::model::routine::Art>,
    ) {
        let t = &env.theme;
        let inner = Rect {
            x: area.x + 2,
            width: area.width.saturating_sub(2),
            ..area
        };
        let cd = Countdown {
            secs: v.countdown_secs,
            style: t.accent,
        };
        let text_w = cd.text().chars().count() as u16;
        // Leave room for the pacer: the countdown takes at most half the width.
        let (cd_w, cd_h) = cd.size_in(Rect {
            width: inner.width / 2,
            ..inner
        });
        let cd_w = cd_w.max(text_w);
        let [cd_area, rest] =
            Layout::horizontal([Constraint::Length(cd_w + 3), Constraint::Min(0)]).areas(inner);
        let cd_top = cd_area.y + (area.height.saturating_sub(cd_h)) / 2;
        frame.render_widget(
            cd,
            Rect {
                y: cd_top,
                height: cd_h.min(area.height),
                ..cd_area
            },
        );

        let Some(p) = &v.pacer else {
            if let Some(a) = art {
                draw_art(frame, rest, a, env);
            }
            if v.paused {
                paused_word(frame, rest, env);
            }
            self.pacer_levels.set(1);
            return;
        };
        let shape_w = (area.height * 2 + 1).min(rest.width.saturating_sub(11));
        let word_w: u16 = rest.width.saturating_sub(shape_w).min(18);
        let art_fits = art.filter(|a| {
            (a.width() as u16) + word_w + shape_w + 4 <= rest.width
                && a.height() as u16 <= area.height
        });
        let [word, shape, art_area] = Layout::horizontal([
            Constraint::Length(word_w),
            Constraint::Length(shape_w),
            Constraint::Min(0),
        ])
        .areas(rest);
        render_word(frame, word, env, p, v.paused);
        let sh = Shape::new(p, shape, env.motion, t.pacer, t.todo);
        self.pacer_levels.set(sh.wake_levels);
        sh.render(shape, frame.buffer_mut());
        if let Some(a) = art_fits {
            draw_art(
                frame,
                Rect {
                    x: art_area.x + 2,
                    width: art_area.width.saturating_sub(2),
                    ..art_area
                },
                a,
                env,
            );
        }
    }

    /// Get-ready, switch sides and transitions: what comes next, and how long until it starts.
    fn render_interlude(&self, frame: &mut Frame, area: Rect, env: &Env, v: &session::View) {
        let t = &env.theme;
        let w = area.width.saturating_sub(4).min(72);
        let upcoming = v.next.as_ref();
        let (heading, sub): (String, Option<String>) = match v.kind {
            StageKind::GetReady => (
                "Get ready".into(),
                upcoming.map(|u| format!("First: {}", describe(u))),
            ),
            StageKind::SwitchSides => (
                "Switch sides".into(),
                v.side
                    .or(upcoming.and_then(|u| u.side))
                    .map(|s| format!("Now the {} side", s.upper())),
            ),
            _ => (
                upcoming
                    .map(|u| format!("Next: {}", u.title))
                    .unwrap_or_else(|| "Next".into()),
                upcoming.map(|u| describe_len(u)),
            ),
        };
        let mut lines = vec![Line::styled(heading, t.title).centered()];
        if let Some(s) = sub {
            lines.push(Line::styled(s, t.base).centered());
        }
        let step = upcoming.map(|u| u.step);
        let mut body: Vec<Line> = Vec::new();
        if let Some(s) = step {
            if v.kind == StageKind::SwitchSides {
                if let Some(c) = &s.switch_cue {
                    body.extend(crate::ui::wrap_lines(c, w, t.base));
                }
            } else {
                if let Some(p) = s.pressure {
                    body.push(Line::styled(format!("pressure {p} / 10"), t.muted));
                }
                body.extend(crate::ui::wrap_lines(&s.instructions, w, t.base));
                if let Some(c) = &s.caution {
                    body.push(Line::raw(""));
                    body.extend(crate::ui::wrap_lines(c, w, t.caution));
                }
            }
        }
        let cd = Countdown {
            secs: v.countdown_secs,
            style: t.accent,
        };
        let avail = Rect {
            height: area.height.saturating_sub(lines.len() as u16 + 2),
            ..area
        };
        let (cw, ch) = cd.size_in(Rect {
            height: avail.height.saturating_sub(body.len().min(4) as u16).max(1),
            ..avail
        });
        let total_h = lines.len() as u16 + 1 + ch + 1 + body.len() as u16;
        let top = area.y + area.height.saturating_sub(total_h) / 2;
        let mut y = top;
        let head_area = Rect {
            y,
            height: lines.len() as u16,
            ..area
        };
        frame.render_widget(Paragraph::new(lines.clone()), head_area);
        y += lines.len() as u16 + 1;
        if y < area.bottom() {
            let cd_area = Rect {
                x: area.x + area.width.saturating_sub(cw) / 2,
                y,
                width: cw,
                height: ch.min(area.bottom() - y),
            };
            frame.render_widget(cd, cd_area);
        }
        y += ch + 1;
        if y < area.bottom() {
            let bx = area.x + area.width.saturating_sub(w) / 2;
            frame.render_widget(
                Paragraph::new(body),
                Rect {
                    x: bx,
                    y,
                    width: w,
                    height: area.bottom() - y,
                },
            );
        }
        if v.paused {
            let r = Rect {
                y: area.bottom().saturating_sub(1),
                height: 1,
                ..area
            };
            frame.render_widget(
                Line::styled("PAUSED · Space to go on", t.accent).centered(),
                r,
            );
        }
    }

    fn render_next(&self, frame: &mut Frame, area: Rect, env: &Env, v: &session::View) {
        let t = &env.theme;
        if v.kind != StageKind::Segment || self.session.kind() == Kind::Breathing {
            return;
        }
        let text = match &v.next {
            Some(u) if Some(u.step_index) == Some(v.step_index) && u.side.is_some() => {
                format!(
                    "Next: the same on the {} side",
                    u.side.map(Side::upper).unwrap_or("")
                )
            }
            Some(u) => format!("Next: {}", describe(u)),
            None => "Last step".to_string(),
        };
        frame.render_widget(Line::styled(format!(" {text}"), t.muted), area);
    }

    fn render_breathing(&self, frame: &mut Frame, area: Rect, env: &Env, v: &session::View) {
        let t = &env.theme;
        let Some(p) = &v.pacer else {
            return self.render_interlude(frame, area, env, v);
        };
        let [top, shape_row, bottom] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(area);
        let word = if v.paused {
            "paused".to_string()
        } else {
            p.word.to_string()
        };
        let secs = if v.paused {
            "Space to go on".to_string()
        } else {
            format!("{} s", p.secs_left)
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw(""),
                Line::styled(word, t.title).centered(),
                Line::styled(secs, t.muted).centered(),
            ]),
            top,
        );
        let size = shape_row.height.min(shape_row.width / 2).max(1);
        let sq = crate::ui::centered(shape_row, size * 2 + 1, size);
        let sh = Shape::new(p, sq, env.motion, t.pacer, t.todo);
        self.pacer_levels.set(sh.wake_levels);
        sh.render(sq, frame.buffer_mut());
        let count = match v.breaths {
            Some(n) => format!(
                "breath {} of {n} · {} left",
                p.breath.min(n),
                fmt_clock(v.stage_left)
            ),
            None => format!("{} left", fmt_clock(v.stage_left)),
        };
        frame.render_widget(
            Line::styled(count, t.muted).centered(),
            Rect {
                height: 1,
                ..bottom
            },
        );
    }

    fn render_confirm(&self, frame: &mut Frame, area: Rect, env: &Env) {
        let t = &env.theme;
        let w = area.width.saturating_sub(4).min(48);
        let r = crate::ui::centered(area, w, 5);
        frame.render_widget(Clear, r);
        let block = ratatui::widgets::Block::bordered()
            .border_style(t.border)
            .style(t.base);
        let lines = vec![
            Line::styled("Stop this session?", t.title).centered(),
            Line::styled("The time so far is saved.", t.muted).centered(),
            Line::from(vec![
                Span::styled("y", t.key),
                Span::styled(" stop   ", t.base),
                Span::styled("n", t.key),
                Span::styled(" keep going", t.base),
            ])
            .centered(),
        ];
        frame.render_widget(Paragraph::new(lines).block(block), r);
    }
}

fn indent(lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .map(|mut l| {
            l.spans.insert(0, Span::raw("  "));
            l
        })
        .collect()
}

/// How tall the countdown/pacer row is: as tall as fits while leaving the instructions
/// room — up to 9 rows, or half the screen on a tall terminal — and never under 4.
fn band_height(avail: u16, text: u16) -> u16 {
    let want_text = text.min(8);
    let most = (avail / 2).max(9);
    avail
        .saturating_sub(want_text + 1)
        .clamp(4, most)
        .min(avail)
}

fn render_word(frame: &mut Frame, area: Rect, env: &Env, p: &PacerState<'_>, paused: bool) {
    let t = &env.theme;
    let mut lines = Vec::new();
    if paused {
        lines.push(Line::styled("PAUSED", t.accent));
        lines.push(Line::styled("Space to go on", t.muted));
    } else {
        lines.extend(crate::ui::wrap_lines(
            p.word,
            area.width.saturating_sub(1),
            t.title,
        ));
        lines.push(Line::styled(format!("{} s", p.secs_left), t.muted));
    }
    let h = lines.len() as u16;
    let top = area.y + area.height.saturating_sub(h) / 2;
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: top,
            height: h.min(area.height),
            ..area
        },
    );
}

fn paused_word(frame: &mut Frame, area: Rect, env: &Env) {
    let top = area.y + area.height / 2;
    frame.render_widget(
        Line::styled("PAUSED · Space to go on", env.theme.accent),
        Rect {
            y: top,
            height: 1,
            ..area
        },
    );
}

fn draw_art(frame: &mut Frame, area: Rect, art: &crate::model::routine::Art, env: &Env) {
    if art.width() as u16 > area.width || art.height() as u16 > area.height {
        return;
    }
    let top = area.y + (area.height - art.height() as u16) / 2;
    let lines: Vec<Line> = art
        .text
        .lines()
        .map(|l| Line::styled(l.to_string(), env.theme.muted))
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: top,
            height: art.height() as u16,
            ..area
        },
    );
}

/// "Upper trapezius squeeze, left then right (1:00 each)".
fn describe(u: &Upcoming<'_>) -> String {
    match u.step.sides {
        Sides::Both => format!("{}, {}", u.title, describe_len(u)),
        _ => format!("{} {}", u.title, describe_len(u)),
    }
}

fn describe_len(u: &Upcoming<'_>) -> String {
    match (u.step.sides, u.side) {
        (Sides::Both, Some(Side::Left)) => {
            format!("left then right ({} each)", fmt_clock(u.planned))
        }
        (_, Some(s)) => format!("{} side ({})", s.as_str(), fmt_clock(u.planned)),
        _ => format!("({})", fmt_clock(u.planned)),
    }
}

impl View for Player {
    fn title(&self) -> &str {
        if self.session.kind() == Kind::Breathing {
            "Breathing"
        } else {
            "Player"
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env, now: Instant) {
        let v = self.session.view(now);
        let [header, body, next, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_header(frame, header, env, &v);
        let body = Rect {
            y: body.y + u16::from(body.height > 12),
            height: body.height - u16::from(body.height > 12),
            ..body
        };
        if self.session.kind() == Kind::Breathing {
            self.render_breathing(frame, body, env, &v);
        } else if v.kind == StageKind::Segment {
            self.render_segment(frame, body, env, &v);
        } else {
            self.render_interlude(frame, body, env, &v);
        }
        self.render_next(frame, next, env, &v);
        let mut keys = self.keys();
        if env.muted {
            for k in keys.iter_mut() {
                if k.keys == "m" {
                    k.what = "unmute";
                }
            }
        }
        crate::ui::footer(frame, foot, env, &keys);
        if self.confirm_stop {
            self.render_confirm(frame, area, env);
        }
    }

    fn handle_key(&mut self, key: KeyEvent, env: &mut Env, now: Instant) -> Nav {
        if self.confirm_stop {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('q') | KeyCode::Enter => {
                    self.confirm_stop = false;
                    let events = self.session.stop(now);
                    self.react(events, env, now)
                }
                KeyCode::Char('n') | KeyCode::Esc | KeyCode::Char(' ') => {
                    self.confirm_stop = false;
                    if self.was_running {
                        let events = self.session.resume(now);
                        return self.react(events, env, now);
                    }
                    Nav::Stay
                }
                _ => Nav::Stay,
            };
        }
        let events = match key.code {
            KeyCode::Char(' ') => self.session.toggle_pause(now),
            KeyCode::Right | KeyCode::Char('n') => self.session.skip(now),
            KeyCode::Left | KeyCode::Char('p') => self.session.back(now),
            KeyCode::Char('r') => self.session.restart(now),
            KeyCode::Char('+') | KeyCode::Char('=') => self.session.add_time(now),
            KeyCode::Char('-') | KeyCode::Char('_') => self.session.remove_time(now),
            KeyCode::Char('m') => {
                env.muted = !env.muted;
                env.status = Some(if env.muted { "bell muted" } else { "bell on" }.into());
                Vec::new()
            }
            KeyCode::Char('q') | KeyCode::Esc => {
                let mut events = self.session.update(now);
                self.was_running = !self.session.is_paused() && !self.session.is_finished();
                events.extend(self.session.pause(now));
                self.confirm_stop = !self.session.is_finished();
                events
            }
            _ => Vec::new(),
        };
        self.react(events, env, now)
    }

    fn tick(&mut self, env: &mut Env, now: Instant) -> Nav {
        let events = self.session.update(now);
        self.react(events, env, now)
    }

    fn deadline(&self, _env: &Env, now: Instant) -> Option<Instant> {
        self.session.next_deadline(now, self.pacer_levels.get())
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.confirm_stop {
            return vec![key("y", "stop"), key("n", "keep going")];
        }
        vec![
            key("Space", "pause"),
            key("→", "skip"),
            key("←", "back"),
            key("r", "restart"),
            key("+/-", "15 s"),
            key("m", "mute"),
            key("q", "stop"),
            help_only("n p", "skip, back (same as → ←)"),
            help_only("Esc", "stop, like q (asks first; the time so far is saved)"),
        ]
    }

    fn shutdown(&mut self, _env: &mut Env, now: Instant) {
        if !self.session.is_finished() {
            self.session.stop(now);
        }
        let _ = self.recorder.finish(&self.session, now);
    }

    fn suspend(&mut self, env: &mut Env, now: Instant) {
        let events = self.session.pause(now);
        let _ = self.react(events, env, now);
    }
}
