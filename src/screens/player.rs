//! The player: a routine (or a breathing exercise) as timed screens. Someone with their
//! fingers under the base of their skull glances at it now and then, so it says at a
//! glance which step, what to do, how hard, how long is left and how to breathe.
//!
//! The session core decides everything about time; this screen draws its `View`, maps keys
//! to its controls, and hands on what the session's events ask for (snapshots, the cues of
//! its sound plan). It wakes only when the session's next visible change or next cue is due.

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{Ctx, Effect, Nav, Route, Screen, SoundEffect, StoreEffect, Update};
use crate::core::breath::PacerState;
use crate::core::run::Run;
use crate::core::session::{self, Event, StageKind, Upcoming};
use crate::model::format::{clock, fmt_clock, fmt_left};
use crate::model::record::Kind;
use crate::model::routine::{Art, STOP_LINE, STOP_LINE_SHORT, Side, Sides, Step};
use crate::ui::countdown::Countdown;
use crate::ui::pacer::Shape;
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup, lookup_where, row};

/// What a key does in the player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Pause,
    Resume,
    Skip,
    Back,
    Restart,
    More,
    Less,
    /// `+`/`-` in a breathing exercise: one breath more or less.
    MoreBreath,
    LessBreath,
    Mute,
    Unmute,
    AskStop,
    Stop,
    KeepGoing,
}

const KEYS: &[Binding<Act>] = &[
    row(&[KeyCode::Char(' ')], Act::Pause, key("Space", "pause")),
    row(&[KeyCode::Char(' ')], Act::Resume, key("Space", "resume")),
    row(&[KeyCode::Right], Act::Skip, key("→", "skip")),
    row(&[KeyCode::Left], Act::Back, key("←", "back")),
    row(&[KeyCode::Char('r')], Act::Restart, key("r", "restart")),
    row(
        &[KeyCode::Char('+'), KeyCode::Char('=')],
        Act::More,
        key("+/-", "a stage longer or shorter"),
    ),
    also(&[KeyCode::Char('-'), KeyCode::Char('_')], Act::Less),
    row(
        &[KeyCode::Char('+'), KeyCode::Char('=')],
        Act::MoreBreath,
        key("+/-", "a breath more or less"),
    ),
    also(&[KeyCode::Char('-'), KeyCode::Char('_')], Act::LessBreath),
    row(&[KeyCode::Char('m')], Act::Mute, key("m", "mute")),
    row(&[KeyCode::Char('m')], Act::Unmute, key("m", "unmute")),
    row(&[KeyCode::Char('q')], Act::AskStop, key("q", "stop")),
    row(
        &[KeyCode::Char('n')],
        Act::Skip,
        help_only("n p", "skip, back (same as → ←)"),
    ),
    also(&[KeyCode::Char('p')], Act::Back),
    row(
        &[KeyCode::Esc],
        Act::AskStop,
        help_only("Esc", "stop, like q (asks first; the time so far is saved)"),
    ),
];

const CONFIRM_KEYS: &[Binding<Act>] = &[
    row(
        &[KeyCode::Char('y'), KeyCode::Char('q'), KeyCode::Enter],
        Act::Stop,
        key("y", "stop"),
    ),
    row(
        &[KeyCode::Char('n'), KeyCode::Esc, KeyCode::Char(' ')],
        Act::KeepGoing,
        key("n", "keep going"),
    ),
];

pub struct Player {
    run: Run,
    confirm_stop: bool,
    /// Whether the session was running when the stop question was asked (to resume on "no").
    was_running: bool,
    /// How many shape sizes the pacer can show in the current layout, for the next deadline.
    pacer_levels: u32,
}

impl Player {
    /// The screen for a session that has just begun (its first snapshot already asked for).
    pub fn new(run: Run) -> Player {
        Player {
            run,
            confirm_stop: false,
            was_running: false,
            pacer_levels: 8,
        }
    }

    /// The same screen for a front end that draws no shape (plain mode): it wakes for
    /// the phase words, never for the shape's sizes.
    pub fn without_shape(run: Run) -> Player {
        Player {
            pacer_levels: 1,
            ..Player::new(run)
        }
    }

    /// The session it runs.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// Whether it is asking "stop now?" (after `q` or Esc).
    pub fn asking_to_stop(&self) -> bool {
        self.confirm_stop
    }

    /// Which rows of the key table apply now: the pause and mute rows say what pressing
    /// them would do; a breathing exercise has no steps to skip, go back to or restart
    /// (ending it asks first, with `q`), and its `+`/`-` move whole breaths.
    /// During the count-in only its skip applies: there is nothing to go back to, restart
    /// or lengthen yet.
    fn shown(&self, muted: bool) -> impl Fn(Act) -> bool + use<> {
        let paused = self.run.session.is_paused();
        let breathing = self.run.session.kind() == Kind::Breathing;
        let counting_in = self.run.session.stage_kind() == StageKind::GetReady;
        move |a| match a {
            Act::Pause => !paused,
            Act::Resume => paused,
            Act::Mute => !muted,
            Act::Unmute => muted,
            Act::Skip => !breathing,
            Act::Back | Act::Restart | Act::More | Act::Less => !breathing && !counting_in,
            Act::MoreBreath | Act::LessBreath => breathing && !counting_in,
            Act::AskStop | Act::Stop | Act::KeepGoing => true,
        }
    }

    /// What the session's events ask for; at the end, the finish screen.
    fn react(&mut self, events: Vec<Event>, now: Instant, muted: bool) -> Update {
        let effects = self.run.react(&events, now, muted);
        let nav = effects
            .iter()
            .find_map(Effect::saved_record)
            .map_or(Nav::Stay, |record| {
                Nav::Replace(Route::Finish(Box::new(record.clone())))
            });
        (nav, effects)
    }

    /// The body's area below the header, with a blank line on tall screens.
    fn areas(area: Rect) -> [Rect; 4] {
        // A short window drops the progress bar (decoration) before any text.
        let [header, body, next, foot] = Layout::vertical([
            Constraint::Length(1 + u16::from(area.height >= 14)),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let body = Rect {
            y: body.y + u16::from(body.height > 12),
            height: body.height - u16::from(body.height > 12),
            ..body
        };
        [header, body, next, foot]
    }

    /// The header, body, "Next:" row (none when a step's safety text needs that row too)
    /// and footer.
    fn layout_areas(&self, area: Rect, v: &session::View) -> (Rect, Rect, Option<Rect>, Rect) {
        let [header, body, next, foot] = Player::areas(area);
        let segment = v.kind == StageKind::Segment && self.run.session.kind() != Kind::Breathing;
        match v.step {
            Some(step) if segment && !safety_fits(step, body) => (
                header,
                Rect {
                    height: body.height + next.height,
                    ..body
                },
                None,
                foot,
            ),
            _ => (header, body, Some(next), foot),
        }
    }

    /// Where the pacer's shape goes in this layout, if one shows.
    fn pacer_area(&self, area: Rect, ctx: &Ctx, v: &session::View) -> Option<Rect> {
        v.pacer.as_ref()?;
        let (_, body, _, _) = self.layout_areas(area, v);
        if self.run.session.kind() == Kind::Breathing {
            return Some(breathing_shape_area(body));
        }
        if v.kind != StageKind::Segment {
            return None;
        }
        let step = v.step?;
        let (band, _) = segment_areas(
            body,
            &segment_text(step, body, ctx),
            caution_height(step, body),
        );
        let (_, rest, _) = band_split(band, v.countdown_secs);
        let (_, shape, _) = pacer_row(band, rest);
        Some(shape)
    }

    fn render_header(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, v: &session::View) {
        let t = ctx.theme;
        let [line, bar] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
        let left = clock(v.routine_left_secs);
        let right = if self.run.session.kind() == Kind::Breathing {
            format!("{left} left ")
        } else if area.width >= 60 {
            format!(
                "step {} of {} · {left} left in routine ",
                v.step_number, v.step_count
            )
        } else {
            format!("{}/{} · {left} ", v.step_number, v.step_count)
        };
        let rw = crate::model::format::width(&right) as u16;
        let [l, r] = Layout::horizontal([Constraint::Min(1), Constraint::Length(rw)]).areas(line);
        let paused = if v.paused { "  PAUSED" } else { "" };
        frame.render_widget(title_line(v.title, " ", paused, l.width, ctx), l);
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

    fn render_segment(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, v: &session::View) {
        let t = ctx.theme;
        let Some(step) = v.step else { return };
        let side = v
            .side
            .map(|s| format!("  {}", s.upper()))
            .unwrap_or_default();
        let pressure = step
            .pressure
            .map(|p| format!("pressure {p} / 10 "))
            .unwrap_or_default();
        let pw = crate::model::format::width(&pressure) as u16;

        let text = segment_text(step, area, ctx);
        let head = Rect { height: 1, ..area };
        let [hl, hr] = Layout::horizontal([Constraint::Min(1), Constraint::Length(pw)]).areas(head);
        frame.render_widget(title_line(&step.title, "  ", &side, hl.width, ctx), hl);
        frame.render_widget(Line::styled(pressure, t.muted), hr);

        let (band, rest) = segment_areas(area, &text, caution_height(step, area));
        self.render_band(frame, band, ctx, v, step.art.as_ref());
        // When the text does not fit, the step's caution comes first: it is safety text,
        // and the instructions were on screen while this step was coming up.
        let text = if text.len() > rest.height as usize {
            short_segment_text(step, area, rest.height, ctx)
        } else {
            text
        };
        frame.render_widget(Paragraph::new(text), rest);
    }

    /// The row with the countdown, the pacer's word and shape, and the drawing.
    fn render_band(
        &self,
        frame: &mut Frame,
        area: Rect,
        ctx: &Ctx,
        v: &session::View,
        art: Option<&Art>,
    ) {
        let t = ctx.theme;
        let cd = Countdown {
            secs: v.countdown_secs,
            style: t.accent,
        };
        let (cd_area, rest, cd_h) = band_split(area, v.countdown_secs);
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
                draw_art(frame, rest, a, ctx);
            }
            if v.paused {
                paused_word(frame, rest, ctx);
            }
            return;
        };
        let (word, shape, art_area) = pacer_row(area, rest);
        let art_fits = art.filter(|a| art_fits(a, area, rest, word, shape));
        render_word(frame, word, ctx, p, v.paused);
        Shape::new(p, shape, ctx.settings.motion, t.pacer, t.todo)
            .render(shape, frame.buffer_mut());
        if let Some(a) = art_fits {
            draw_art(
                frame,
                Rect {
                    x: art_area.x + 2,
                    width: art_area.width.saturating_sub(2),
                    ..art_area
                },
                a,
                ctx,
            );
        }
    }

    /// Get-ready, switch sides and transitions: what comes next, and how long until it starts.
    fn render_interlude(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, v: &session::View) {
        let t = ctx.theme;
        let w = area.width.saturating_sub(4).min(72);
        let upcoming = v.next.as_ref();
        let (heading, sub) = interlude_heading(v);
        let fit = |s: &str| {
            crate::model::format::fit(s, area.width.saturating_sub(2) as usize)
                .trim_end()
                .to_string()
        };
        let mut lines = vec![Line::styled(fit(&heading), t.title).centered()];
        if let Some(s) = sub {
            lines.push(Line::styled(fit(&s), t.base).centered());
        }
        let step = upcoming.map(|u| u.step);
        // The last row says PAUSED while paused; nothing else is drawn there.
        let area = Rect {
            height: area.height.saturating_sub(u16::from(v.paused)),
            ..area
        };
        let cd = Countdown {
            secs: v.countdown_secs,
            style: t.accent,
        };
        let room = area.height.saturating_sub(lines.len() as u16);
        let (body, gap) = interlude_fitted(step, v.kind, room, w, ctx);
        let (cw, ch) = cd.size_in(Rect {
            height: room.saturating_sub(body.len() as u16 + 2 * gap).max(1),
            ..area
        });
        let total_h = lines.len() as u16 + gap + ch + gap + body.len() as u16;
        let mut y = area.y + area.height.saturating_sub(total_h) / 2;
        let head_area = Rect {
            y,
            height: (lines.len() as u16).min(area.bottom().saturating_sub(y)),
            ..area
        };
        frame.render_widget(Paragraph::new(lines.clone()), head_area);
        y += lines.len() as u16 + gap;
        if y < area.bottom() {
            let cd_area = Rect {
                x: area.x + area.width.saturating_sub(cw) / 2,
                y,
                width: cw,
                height: ch.min(area.bottom() - y),
            };
            frame.render_widget(cd, cd_area);
        }
        y += ch + gap;
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
                y: area.bottom(),
                height: 1,
                ..area
            };
            frame.render_widget(
                Line::styled("PAUSED · Space to go on", t.accent).centered(),
                r,
            );
        }
    }

    fn render_next(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, v: &session::View) {
        let t = ctx.theme;
        if v.kind != StageKind::Segment || self.run.session.kind() == Kind::Breathing {
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
        let w = area.width.saturating_sub(1) as usize;
        let text = crate::model::format::fit(&text, w);
        frame.render_widget(Line::styled(format!(" {}", text.trim_end()), t.muted), area);
    }

    fn render_breathing(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, v: &session::View) {
        let t = ctx.theme;
        let Some(p) = &v.pacer else {
            return self.render_interlude(frame, area, ctx, v);
        };
        let b = breathing_areas(area);
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
                Line::styled(word, t.title).centered(),
                Line::styled(secs, t.muted).centered(),
            ]),
            b.word,
        );
        Shape::new(p, b.shape, ctx.settings.motion, t.pacer, t.todo)
            .render(b.shape, frame.buffer_mut());
        // A tall window's spare rows go to a larger, quiet count of the time left rather
        // than to a larger shape.
        if let Some(big) = b.big {
            let cd = Countdown {
                secs: v.countdown_secs,
                style: t.muted,
            };
            let (cw, ch) = cd.size_in(big);
            let r = Rect {
                x: big.x + big.width.saturating_sub(cw) / 2,
                width: cw,
                height: ch,
                ..big
            };
            frame.render_widget(cd, r);
        }
        let count = match v.breaths {
            Some(n) => format!(
                "breath {} of {n} · {} left",
                p.breath.min(n),
                fmt_left(v.stage_left)
            ),
            None => format!("{} left", fmt_left(v.stage_left)),
        };
        frame.render_widget(Line::styled(count, t.muted).centered(), b.count);
    }

    fn render_confirm(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = ctx.theme;
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
/// Text under the band: instructions, cue, the step's caution. On short screens the cue
/// (what to do now) comes first, the full instructions after.
fn segment_text(step: &Step, area: Rect, ctx: &Ctx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let w = area.width.saturating_sub(4);
    let mut text: Vec<Line<'static>> = Vec::new();
    let instructions = indent(crate::ui::wrap_lines(&step.instructions, w, t.base));
    let cue = step
        .cue
        .as_ref()
        .map(|c| indent(crate::ui::wrap_lines(c, w, t.accent)));
    if area.height < 14 {
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
    if step.works_the_body() {
        text.push(Line::raw(""));
        text.extend(indent(crate::ui::wrap_lines(STOP_LINE, w, t.caution)));
    }
    text
}

/// The stop line for a step that works the body, in full when it fits in `rows` beside
/// the step's caution, else its short form.
fn stop_lines(step: &Step, w: u16, rows: u16, ctx: &Ctx) -> Vec<Line<'static>> {
    if !step.works_the_body() {
        return Vec::new();
    }
    let caution = step
        .caution
        .as_ref()
        .map_or(0, |c| crate::ui::wrapped_height(c, w));
    let line = if caution + crate::ui::wrapped_height(STOP_LINE, w) <= rows {
        STOP_LINE
    } else {
        STOP_LINE_SHORT
    };
    indent(crate::ui::wrap_lines(line, w, ctx.theme.caution))
}

/// The text under the band when not all of it fits in `rows`: the caution, the stop line,
/// the cue, then the instructions (cut at the bottom), with no blank lines between.
fn short_segment_text(step: &Step, area: Rect, rows: u16, ctx: &Ctx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let w = area.width.saturating_sub(4);
    let mut text: Vec<Line<'static>> = Vec::new();
    if let Some(c) = &step.caution {
        text.extend(indent(crate::ui::wrap_lines(c, w, t.caution)));
    }
    text.extend(stop_lines(step, w, rows, ctx));
    if let Some(c) = &step.cue {
        text.extend(indent(crate::ui::wrap_lines(c, w, t.accent)));
    }
    text.extend(indent(crate::ui::wrap_lines(&step.instructions, w, t.base)));
    text
}

/// A step's body below its title line: the band (countdown, pacer, drawing) and the text.
fn segment_areas(area: Rect, text: &[Line], must: u16) -> (Rect, Rect) {
    let [_, _, band_and_text] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(area.height >= 16)),
        Constraint::Min(1),
    ])
    .areas(area);
    let text_h = text.len() as u16;
    let band_h = band_height(band_and_text.height, text_h, must);
    let [band, _, rest] = Layout::vertical([
        Constraint::Length(band_h),
        Constraint::Length(u16::from(band_and_text.height > band_h + text_h)),
        Constraint::Min(0),
    ])
    .areas(band_and_text);
    (band, rest)
}

/// How many lines the step's caution and stop line take under the band (the stop line in
/// its short form): the band gives way to them.
fn caution_height(step: &Step, area: Rect) -> u16 {
    let w = area.width.saturating_sub(4);
    let caution = step
        .caution
        .as_ref()
        .map_or(0, |c| crate::ui::wrapped_height(c, w));
    let stop = if step.works_the_body() {
        crate::ui::wrapped_height(STOP_LINE_SHORT, w)
    } else {
        0
    };
    caution + stop
}

/// Whether a step's caution and stop line fit under its title and the smallest band in
/// `body`; when not, the step takes the "Next:" row as well.
fn safety_fits(step: &Step, body: Rect) -> bool {
    let gap = u16::from(body.height >= 16);
    caution_height(step, body) + 1 + gap + 2 <= body.height
}

/// The band's countdown column, what is right of it, and the countdown's height: the
/// countdown takes at most half the width.
fn band_split(area: Rect, secs: u64) -> (Rect, Rect, u16) {
    let inner = Rect {
        x: area.x + 2,
        width: area.width.saturating_sub(2),
        ..area
    };
    let cd = Countdown {
        secs,
        style: ratatui::style::Style::default(),
    };
    let text_w = cd.text().chars().count() as u16;
    let (cd_w, cd_h) = cd.size_in(Rect {
        width: inner.width / 2,
        ..inner
    });
    let cd_w = cd_w.max(text_w);
    let [cd_area, rest] =
        Layout::horizontal([Constraint::Length(cd_w + 3), Constraint::Min(0)]).areas(inner);
    (cd_area, rest, cd_h)
}

/// Right of the countdown: the pacer's word, its shape, and room for a drawing.
fn pacer_row(band: Rect, rest: Rect) -> (Rect, Rect, Rect) {
    let shape_w =
        (band.height.min(crate::ui::pacer::MAX_ROWS) * 2 + 1).min(rest.width.saturating_sub(11));
    let word_w: u16 = rest.width.saturating_sub(shape_w).min(18);
    let [word, shape, art_area] = Layout::horizontal([
        Constraint::Length(word_w),
        Constraint::Length(shape_w),
        Constraint::Min(0),
    ])
    .areas(rest);
    (word, shape, art_area)
}

/// A title followed by a marker (the side, "PAUSED") in `width` columns: the title is cut
/// (with "…") so that the marker always shows.
fn title_line(title: &str, indent: &str, marker: &str, width: u16, ctx: &Ctx) -> Line<'static> {
    let t = ctx.theme;
    // Two columns kept free, so the marker never touches what stands to its right.
    let room =
        usize::from(width).saturating_sub(indent.len() + crate::model::format::width(marker) + 2);
    let title = crate::model::format::fit(title, room);
    Line::from(vec![
        Span::styled(format!("{indent}{}", title.trim_end()), t.title),
        Span::styled(marker.to_string(), t.accent),
    ])
}

/// Whether a drawing fits beside the pacer.
fn art_fits(a: &Art, band: Rect, rest: Rect, word: Rect, shape: Rect) -> bool {
    // In usize: a drawing's size never wraps around (a u16 cast made 65,540 lines read as 4).
    a.width() + usize::from(word.width) + usize::from(shape.width) + 4 <= usize::from(rest.width)
        && a.height() <= usize::from(band.height)
}

/// Where the breathing exercise's parts go: the phase word and its seconds, the shape,
/// (on a tall window) a larger count of the time left, and the breath count, stacked in
/// the middle of the body.
struct BreathingAreas {
    word: Rect,
    shape: Rect,
    big: Option<Rect>,
    count: Rect,
}

fn breathing_areas(body: Rect) -> BreathingAreas {
    const BIG: u16 = 4;
    let h = body.height;
    let gap = u16::from(h >= 12);
    let fixed = 3 + 2 * gap;
    let size = h
        .saturating_sub(fixed)
        .min(body.width / 2)
        .clamp(1, crate::ui::pacer::MAX_ROWS);
    let big = h > fixed + size + BIG && size == crate::ui::pacer::MAX_ROWS;
    let total = (fixed + size + if big { BIG + 1 } else { 0 }).min(h);
    let mut y = body.y + (h - total) / 2;
    let mut take = |rows: u16| {
        let r = Rect {
            y,
            height: rows.min(body.bottom().saturating_sub(y)),
            ..body
        };
        y = (y + rows).min(body.bottom());
        r
    };
    let word = take(2);
    take(gap);
    let shape_row = take(size);
    take(gap);
    let big = big.then(|| {
        let r = take(BIG);
        take(1);
        r
    });
    let count = take(1);
    BreathingAreas {
        word,
        shape: crate::ui::centered(shape_row, size * 2 + 1, size),
        big,
        count,
    }
}

/// The breathing exercise's shape.
fn breathing_shape_area(body: Rect) -> Rect {
    breathing_areas(body).shape
}

fn band_height(avail: u16, text: u16, must: u16) -> u16 {
    // All of the text, whenever the band can still be 4 rows: a long caution's last line
    // is never cut to make the countdown bigger; and the caution itself always fits, even
    // if the band must shrink to a plain-text countdown.
    let most = (avail / 2).max(9);
    avail
        .saturating_sub(text + 1)
        .clamp(4, most)
        .min(avail.saturating_sub(must))
        .max(1.min(avail))
}

fn render_word(frame: &mut Frame, area: Rect, ctx: &Ctx, p: &PacerState<'_>, paused: bool) {
    let t = ctx.theme;
    let mut lines = Vec::new();
    if paused {
        lines.push(Line::styled("PAUSED", t.accent));
        // Wrapped like the word: a narrow window never cuts it mid-word.
        lines.extend(crate::ui::wrap_lines(
            "Space to go on",
            area.width.saturating_sub(1),
            t.muted,
        ));
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

fn paused_word(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let lines = crate::ui::wrap_lines("PAUSED · Space to go on", area.width, ctx.theme.accent);
    let top = area.y + area.height / 2;
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: top,
            height: 2.min(area.y + area.height - top),
            ..area
        },
    );
}

fn draw_art(frame: &mut Frame, area: Rect, art: &crate::model::routine::Art, ctx: &Ctx) {
    let (Ok(w), Ok(h)) = (u16::try_from(art.width()), u16::try_from(art.height())) else {
        return;
    };
    if w > area.width || h > area.height {
        return;
    }
    let top = area.y + (area.height - h) / 2;
    let lines: Vec<Line> = art
        .text
        .lines()
        .map(|l| Line::styled(l.to_string(), ctx.theme.muted))
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: top,
            height: h,
            ..area
        },
    );
}

/// An interlude's heading and the line under it: what comes first, the side to switch to,
/// or what comes next.
fn interlude_heading(v: &session::View) -> (String, Option<String>) {
    let upcoming = v.next.as_ref();
    match v.kind {
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
    }
}

/// What an interlude shows of the step to come: for a switch of sides its cue; else its
/// pressure, instructions and caution — or, when `short`, the caution first and no blank
/// line, so that cutting from the bottom never cuts the caution.
/// The coming step's text that fits in `room` rows beside the countdown, and the gap to
/// leave around the countdown. The caution is never cut: when everything does not fit, the
/// caution comes first, the gaps go, the countdown shrinks to one line, and the
/// instructions are cut.
fn interlude_fitted(
    step: Option<&Step>,
    kind: StageKind,
    room: u16,
    w: u16,
    ctx: &Ctx,
) -> (Vec<Line<'static>>, u16) {
    let body = |short| step.map_or_else(Vec::new, |s| interlude_body(s, kind, w, ctx, short));
    let full = body(false);
    if room >= full.len() as u16 + 3 {
        (full, 1)
    } else if room > full.len() as u16 {
        (full, 0)
    } else {
        let mut short = body(true);
        short.truncate(room.saturating_sub(1) as usize);
        (short, 0)
    }
}

fn interlude_body(s: &Step, kind: StageKind, w: u16, ctx: &Ctx, short: bool) -> Vec<Line<'static>> {
    let t = ctx.theme;
    if kind == StageKind::SwitchSides {
        return s
            .switch_cue
            .as_ref()
            .map_or_else(Vec::new, |c| crate::ui::wrap_lines(c, w, t.base));
    }
    let caution = s
        .caution
        .as_ref()
        .map_or_else(Vec::new, |c| crate::ui::wrap_lines(c, w, t.caution));
    let pressure = s
        .pressure
        .map(|p| Line::styled(format!("pressure {p} / 10"), t.muted));
    let instructions = crate::ui::wrap_lines(&s.instructions, w, t.base);
    let mut body: Vec<Line<'static>> = Vec::new();
    if short {
        body.extend(caution);
        body.extend(pressure);
        body.extend(instructions);
    } else {
        body.extend(pressure);
        body.extend(instructions);
        if !caution.is_empty() {
            body.push(Line::raw(""));
            body.extend(caution);
        }
    }
    body
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

impl Screen for Player {
    fn title(&self) -> &str {
        if self.run.session.kind() == Kind::Breathing {
            "Breathing"
        } else {
            "Player"
        }
    }

    fn layout(&mut self, area: Rect, now: Instant, ctx: &Ctx) {
        let area = crate::ui::readable(area);
        let v = self.run.session.view(now);
        self.pacer_levels = self.pacer_area(area, ctx, &v).map_or(1, |shape| {
            crate::ui::pacer::wake_levels(shape, ctx.settings.motion)
        });
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, now: Instant) {
        let area = crate::ui::readable(area);
        let v = self.run.session.view(now);
        let (header, body, next, foot) = self.layout_areas(area, &v);
        self.render_header(frame, header, ctx, &v);
        if self.run.session.kind() == Kind::Breathing {
            self.render_breathing(frame, body, ctx, &v);
        } else if v.kind == StageKind::Segment {
            self.render_segment(frame, body, ctx, &v);
        } else {
            self.render_interlude(frame, body, ctx, &v);
        }
        if let Some(next) = next {
            self.render_next(frame, next, ctx, &v);
        }
        crate::ui::footer(frame, foot, ctx.theme, ctx.status, &self.keys(ctx));
        if self.confirm_stop {
            self.render_confirm(frame, area, ctx);
        }
    }

    fn update(&mut self, key: KeyEvent, now: Instant, ctx: &Ctx) -> Update {
        if self.confirm_stop {
            let session = &mut self.run.session;
            let events = match lookup(CONFIRM_KEYS, key.code) {
                Some(Act::Stop) => {
                    self.confirm_stop = false;
                    session.stop(now)
                }
                Some(Act::KeepGoing) => {
                    self.confirm_stop = false;
                    if self.was_running {
                        session.resume(now)
                    } else {
                        Vec::new()
                    }
                }
                _ => Vec::new(),
            };
            return self.react(events, now, ctx.muted);
        }
        let shown = self.shown(ctx.muted);
        let session = &mut self.run.session;
        let events = match lookup_where(KEYS, key.code, shown) {
            Some(Act::Pause | Act::Resume) => session.toggle_pause(now),
            Some(Act::Skip) => session.skip(now),
            Some(Act::Back) => session.back(now),
            Some(Act::Restart) => session.restart(now),
            Some(Act::More | Act::MoreBreath) => session.add_time(now),
            Some(Act::Less | Act::LessBreath) => session.remove_time(now),
            Some(Act::Mute | Act::Unmute) => {
                let muted = !ctx.muted;
                if !muted {
                    self.run.unmuted(now);
                }
                let effects = vec![
                    SoundEffect::SetMuted(muted).into(),
                    StoreEffect::RememberMuted(muted).into(),
                ];
                return (Nav::Stay, effects);
            }
            Some(Act::AskStop) => {
                let mut events = session.update(now);
                self.was_running = !session.is_paused() && !session.is_finished();
                events.extend(session.pause(now));
                self.confirm_stop = !session.is_finished();
                events
            }
            _ => Vec::new(),
        };
        self.react(events, now, ctx.muted)
    }

    fn tick(&mut self, now: Instant, ctx: &Ctx) -> Update {
        let events = self.run.session.update(now);
        self.react(events, now, ctx.muted)
    }

    /// The next visible change, cue or timed checkpoint, whichever comes first
    /// (`Run::next_deadline`).
    fn deadline(&self, now: Instant, ctx: &Ctx) -> Option<Instant> {
        self.run.next_deadline(now, self.pacer_levels, ctx.muted)
    }

    fn keys(&self, ctx: &Ctx) -> Vec<KeyHelp> {
        if self.confirm_stop {
            return described(CONFIRM_KEYS, |_| true);
        }
        let (length, breaths) = self.run.session.adjust_by();
        let secs = crate::model::format::fmt_length_secs(length.as_secs_f64());
        let by = match breaths {
            Some(n) => format!("{} ({secs})", crate::model::format::fmt_breaths(n)),
            None => secs,
        };
        described(KEYS, self.shown(ctx.muted))
            .into_iter()
            .map(|k| match k.keys {
                "+/-" => k.saying(by.clone()),
                _ => k,
            })
            .collect()
    }

    fn shutdown(&mut self, now: Instant, _ctx: &Ctx) -> Vec<Effect> {
        if self.run.session.is_finished() {
            return vec![StoreEffect::Save(self.run.record(now)).into()];
        }
        // Stopped like any other end: the record, and the session_end hook.
        let events = self.run.session.stop(now);
        // Quitting makes no sound: no end chime, no bell.
        let mut effects = self.run.react(&events, now, true);
        effects.retain(|e| !matches!(e, Effect::Sound(_)));
        if !effects.iter().any(|e| e.saved_record().is_some()) {
            effects.push(StoreEffect::Save(self.run.record(now)).into());
        }
        effects
    }

    fn suspend(&mut self, now: Instant, ctx: &Ctx) -> Vec<Effect> {
        let events = self.run.session.pause(now);
        self.run.react(&events, now, ctx.muted)
    }

    fn running(&self) -> bool {
        !self.run.session.is_paused() && !self.run.session.is_finished()
    }

    fn go_on(&mut self, now: Instant, ctx: &Ctx) -> Vec<Effect> {
        let events = self.run.session.resume(now);
        self.run.react(&events, now, ctx.muted)
    }
}
