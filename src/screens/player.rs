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

use super::{Ctx, Effect, Nav, Route, Screen, SoundEffect, StoreEffect, Update, stay};
use crate::core::breath::PacerState;
use crate::core::run::Run;
use crate::core::session::{self, Event, StageKind, Upcoming};
use crate::model::format::{clock, fmt_clock, fmt_left};
use crate::model::record::Kind;
use crate::model::routine::{Art, STOP_LINE, STOP_LINE_SHORT, Side, Sides, Step};
use crate::ui::countdown::Countdown;
use crate::ui::pacer::Shape;
use crate::ui::scroll::{MORE_BELOW, PageScroll, Scrolled};
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
    /// ↓ ↑: a step's instructions that do not fit.
    ScrollDown,
    ScrollUp,
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
        &[KeyCode::Down, KeyCode::Char('j')],
        Act::ScrollDown,
        help_only("↑↓", "scroll a step's instructions when they do not fit"),
    ),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::ScrollUp),
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
    /// How far a step's instructions and cue are scrolled when they do not fit, and the
    /// stage (its kind, step and side) that scroll is of.
    doing: PageScroll,
    doing_at: Option<(StageKind, usize, Option<Side>)>,
}

impl Player {
    /// The screen for a session that has just begun (its first snapshot already asked for).
    pub fn new(run: Run) -> Player {
        Player {
            run,
            confirm_stop: false,
            was_running: false,
            pacer_levels: 8,
            doing: PageScroll::default(),
            doing_at: None,
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
            Act::ScrollDown | Act::ScrollUp => !breathing,
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

    /// The body's area below the header, with a blank line on tall screens; `spare`
    /// without the progress bar and the blank line.
    fn areas(area: Rect, spare: bool) -> [Rect; 4] {
        // A short window drops the progress bar (decoration) before any text.
        let [header, body, next, foot] = Layout::vertical([
            Constraint::Length(1 + u16::from(area.height >= 14 && !spare)),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let blank = u16::from(body.height > 12 && !spare);
        let body = Rect {
            y: body.y + blank,
            height: body.height - blank,
            ..body
        };
        [header, body, next, foot]
    }

    /// The header, the body, the "Next:" row and the footer, and for a step of a routine
    /// where its parts go (the "Next:" row is its to keep or give up).
    fn layout_areas(
        &self,
        area: Rect,
        ctx: &Ctx,
        v: &session::View,
    ) -> (Rect, Rect, Option<Rect>, Rect, Option<StepPlan>) {
        let [header, body, next, foot] = Player::areas(area, false);
        let segment = v.kind == StageKind::Segment && self.run.session.kind() != Kind::Breathing;
        let Some(step) = v.step.filter(|_| segment) else {
            return (header, body, Some(next), foot, None);
        };
        let plan = step_plan(step, body, next, ctx);
        if plan.doing_lines.len() <= usize::from(plan.doing.height) {
            return (header, body, plan.next, foot, Some(plan));
        }
        // What to do is cut: the progress bar and the blank line give their rows to it.
        let [header, body, next, foot] = Player::areas(area, true);
        let plan = step_plan(step, body, next, ctx);
        (header, body, plan.next, foot, Some(plan))
    }

    /// Where the pacer's shape goes in a layout's `body` (a step's in its `plan`), if one
    /// shows.
    fn pacer_area(&self, body: Rect, plan: Option<&StepPlan>, v: &session::View) -> Option<Rect> {
        v.pacer.as_ref()?;
        if self.run.session.kind() == Kind::Breathing {
            return Some(breathing_shape_area(body));
        }
        let band = plan?.band;
        let (_, rest, _) = band_split(band, v.countdown_secs);
        let (_, shape, _) = pacer_row(band, rest);
        Some(shape).filter(|s| !s.is_empty())
    }

    /// The header's note beside the name and its words on the right, for a header `width`
    /// wide. Whose a routine is when it is not bundled, in the words list and the before
    /// screen use: all of them where the name still fits whole beside them (the right side
    /// taking its short form for them if need be), else "yours", cutting the name if it must.
    fn header_words(&self, width: u16, ctx: &Ctx, v: &session::View) -> (String, String) {
        let left = clock(v.routine_left_secs);
        if self.run.session.kind() == Kind::Breathing {
            return (String::new(), format!("{left} left "));
        }
        let long = format!(
            "step {} of {} · {left} left in routine ",
            v.step_number, v.step_count
        );
        let short = format!("{}/{} · {left} ", v.step_number, v.step_count);
        let right = if width >= 60 {
            long.clone()
        } else {
            short.clone()
        };
        let Some(whose) = ctx.lib.whose(self.run.session.routine()) else {
            return (String::new(), right);
        };
        let name = crate::model::format::width(v.title);
        let whole = |note: &str, right: &str| {
            let rw = crate::model::format::width(right) as u16;
            name <= title_room(" ", note, "", width.saturating_sub(rw))
        };
        let (full, yours) = (format!(" · {whose}"), " · yours".to_string());
        let tries = [
            (&full, &right),
            (&full, &short),
            (&yours, &right),
            (&yours, &short),
        ];
        let (note, right) = tries
            .into_iter()
            .find(|(note, right)| whole(note, right))
            .unwrap_or((&yours, &right));
        (note.clone(), right.clone())
    }

    fn render_header(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, v: &session::View) {
        let t = ctx.theme;
        let [line, bar] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
        let (note, right) = self.header_words(area.width, ctx, v);
        let rw = crate::model::format::width(&right) as u16;
        let [l, r] = Layout::horizontal([Constraint::Min(1), Constraint::Length(rw)]).areas(line);
        let paused = if v.paused { "  PAUSED" } else { "" };
        frame.render_widget(title_line(v.title, " ", (&note, paused), l.width, ctx), l);
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

    fn render_segment(&self, frame: &mut Frame, plan: StepPlan, ctx: &Ctx, v: &session::View) {
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
        // With no row for the band, the time left stands on the title row.
        let left = match plan.band.height {
            0 => format!("{}  ", clock(v.countdown_secs)),
            _ => String::new(),
        };
        let right = Line::from(vec![
            Span::styled(left, t.accent),
            Span::styled(pressure, t.muted),
        ]);
        let [hl, hr] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(right.width() as u16)])
                .areas(plan.title);
        let title = title_line(&step.title, "  ", ("", &side), hl.width, ctx);
        frame.render_widget(title, hl);
        frame.render_widget(right, hr);
        self.render_band(frame, plan.band, ctx, v, step.art.as_ref());
        let mark = match plan.doing.height {
            1 => MORE_INLINE.to_string(),
            _ => format!("  {MORE_BELOW}"),
        };
        let doing = Scrolled {
            lines: plan.doing_lines,
            top: self.doing.top(),
            mark: Line::styled(mark, t.muted),
        };
        frame.render_widget(doing, plan.doing);
        frame.render_widget(Paragraph::new(plan.safety_lines), plan.safety);
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
        // The pause is the pressed spot's rest (the safety check counts it so): one row,
        // taken from the room below, where the coming step's caution is never cut.
        if v.lets_go() {
            lines.push(Line::styled(fit(session::LET_GO), t.base).centered());
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

/// Where a running step's parts go: its title row, the band (countdown, pacer, drawing),
/// what to do (the instructions, then the cue), the safety text (the step's caution, then
/// the stop line) and the "Next:" row, when the step leaves it one.
struct StepPlan {
    title: Rect,
    band: Rect,
    doing: Rect,
    doing_lines: Vec<Line<'static>>,
    safety: Rect,
    safety_lines: Vec<Line<'static>>,
    next: Option<Rect>,
}

/// Lays a step out in `body`, with the `next` row below it. When all of it fits beside a
/// band of 4 rows or more, with blank lines between its parts and the stop line in full,
/// so it is drawn. Otherwise the rows go, in this order, to what someone pressing on their
/// neck needs most: the caution and the stop line (never cut), the time left (a band of
/// one row, or on the title row when a single row is left), the first lines of what to do,
/// the rest of it, a band big enough for large digits and the pacer, the "Next:" row, the
/// stop line in full, and what is left to the band. What to do that still does not fit
/// ends in a "↓ more" mark, and ↓ scrolls it.
fn step_plan(step: &Step, body: Rect, next: Rect, ctx: &Ctx) -> StepPlan {
    let t = ctx.theme;
    let w = body.width.saturating_sub(4);
    let wrap = |text: &str, style| indent(crate::ui::wrap_lines(text, w, style));
    // The instructions and the cue wrapped at `w` columns.
    let doing_at = |w: u16| {
        let wrap = |text: &str, style| indent(crate::ui::wrap_lines(text, w, style));
        let cue = step.cue.as_deref().map(|c| wrap(c, t.accent));
        (wrap(&step.instructions, t.base), cue.unwrap_or_default())
    };
    let (instructions, cue) = doing_at(w);
    let caution = step
        .caution
        .as_deref()
        .map_or_else(Vec::new, |c| wrap(c, t.caution));
    let stop = |line| {
        if step.works_the_body() {
            wrap(line, t.caution)
        } else {
            Vec::new()
        }
    };
    let (full_stop, short_stop) = (stop(STOP_LINE), stop(STOP_LINE_SHORT));
    let title = Rect { height: 1, ..body };
    // A part after another, with a blank line between them.
    let spaced = |mut lines: Vec<Line<'static>>, part: &[Line<'static>]| {
        if !part.is_empty() {
            if !lines.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.extend_from_slice(part);
        }
        lines
    };
    let doing = spaced(instructions.clone(), &cue);
    let safety = spaced(spaced(Vec::new(), &caution), &full_stop);
    // The blank line between what to do and the safety text.
    let between = u16::from(!doing.is_empty() && !safety.is_empty());
    let gap = u16::from(body.height >= 16);
    let avail = body.height.saturating_sub(1 + gap);
    let text = doing.len() as u16 + between + safety.len() as u16;
    if avail >= text + 4 {
        let band_h = band_height(avail, text);
        let mut rows = Rows::below(title, gap, body.bottom());
        let band = rows.take(band_h);
        rows.take(u16::from(avail > band_h + text));
        let doing_area = rows.take(doing.len() as u16);
        rows.take(between);
        return StepPlan {
            title,
            band,
            doing: doing_area,
            doing_lines: doing,
            safety: rows.take(safety.len() as u16),
            safety_lines: safety,
            next: Some(next),
        };
    }
    // No blank lines, and the "Next:" row too unless there are rows to spare.
    let n = |lines: &[Line]| lines.len() as u16;
    let rows = (body.height + next.height).saturating_sub(1);
    let mut doing = [instructions, cue].concat();
    let mut safety = caution;
    let mut fit = compact_rows(rows, n(&safety) + n(&short_stop), n(&doing), next.height);
    let wider = n(&full_stop) - n(&short_stop);
    if fit.left >= wider {
        fit.band += fit.left - wider;
        safety.extend(full_stop);
    } else {
        safety.extend(short_stop);
        fit.band += fit.left;
    }
    if fit.doing == 1 && n(&doing) > 1 {
        // One row: each line ends in the "more" mark, so each is wrapped short of it.
        let (instructions, cue) =
            doing_at(w.saturating_sub(crate::model::format::width(MORE_INLINE) as u16));
        doing = [instructions, cue].concat();
    }
    let mut rows = Rows::below(title, 0, next.bottom());
    StepPlan {
        title,
        band: rows.take(fit.band),
        doing: rows.take(fit.doing),
        doing_lines: doing,
        safety: rows.take(n(&safety)),
        safety_lines: safety,
        next: fit.next.then_some(next),
    }
}

/// The "more" mark at the end of what to do when it has a single row.
const MORE_INLINE: &str = " ↓ more";

/// How a step's rows are shared when not all of it fits.
struct CompactRows {
    band: u16,
    doing: u16,
    next: bool,
    /// Rows no part asked for.
    left: u16,
}

/// Shares `rows` between the safety text (`safety` rows, all of them first), the band,
/// what to do (`doing` rows wanted) and the "Next:" row (`next` rows), in the order
/// [`step_plan`] gives.
fn compact_rows(rows: u16, safety: u16, doing: u16, next: u16) -> CompactRows {
    let mut left = rows;
    let take = |want: u16, left: &mut u16| {
        let got = want.min(*left);
        *left -= got;
        got
    };
    take(safety, &mut left);
    // The last row left goes to what to do rather than the band: the time left then
    // stands on the title row.
    let mut band = take(u16::from(left >= 2 || doing == 0), &mut left);
    let mut doing_h = take(doing.min(3), &mut left);
    doing_h += take(doing - doing_h, &mut left);
    band += take(4u16.saturating_sub(band), &mut left);
    let next = take(next, &mut left) == next;
    CompactRows {
        band,
        doing: doing_h,
        next,
        left,
    }
}

/// Rows handed out one part after another, from under a row down to `bottom`.
struct Rows {
    y: u16,
    bottom: u16,
    x: u16,
    width: u16,
}

impl Rows {
    /// Starting `skip` rows below `above`, as wide as it.
    fn below(above: Rect, skip: u16, bottom: u16) -> Rows {
        Rows {
            y: (above.bottom() + skip).min(bottom),
            bottom,
            x: above.x,
            width: above.width,
        }
    }

    /// The next `n` rows, as many of them as there are.
    fn take(&mut self, n: u16) -> Rect {
        let height = n.min(self.bottom - self.y);
        let r = Rect::new(self.x, self.y, self.width, height);
        self.y += height;
        r
    }
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
/// A band of one row has no room for a shape: the word and its seconds say it alone.
fn pacer_row(band: Rect, rest: Rect) -> (Rect, Rect, Rect) {
    if band.height < 2 {
        let none = Rect { width: 0, ..rest };
        return (rest, none, none);
    }
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

/// A title followed by a quiet note (whose the routine is) and a marker (the side,
/// "PAUSED") in `width` columns: the title is cut (with "…") so that both always show.
fn title_line(
    title: &str,
    indent: &str,
    (note, marker): (&str, &str),
    width: u16,
    ctx: &Ctx,
) -> Line<'static> {
    let t = ctx.theme;
    let title = crate::model::format::fit(title, title_room(indent, note, marker, width));
    Line::from(vec![
        Span::styled(format!("{indent}{}", title.trim_end()), t.title),
        Span::styled(note.to_string(), t.muted),
        Span::styled(marker.to_string(), t.accent),
    ])
}

/// The columns [`title_line`] leaves its title.
fn title_room(indent: &str, note: &str, marker: &str, width: u16) -> usize {
    use crate::model::format::width as cols;
    // Two columns kept free, so the marker never touches what stands to its right.
    usize::from(width).saturating_sub(cols(indent) + cols(note) + cols(marker) + 2)
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

/// How tall the band is when all of a step's `text` fits beside one of 4 rows in `avail`:
/// as tall as the text leaves room for (with a blank line under it), up to 9 rows or half
/// of a tall window.
fn band_height(avail: u16, text: u16) -> u16 {
    let most = (avail / 2).max(9);
    avail.saturating_sub(text + 1).clamp(4, most).min(avail)
}

fn render_word(frame: &mut Frame, area: Rect, ctx: &Ctx, p: &PacerState<'_>, paused: bool) {
    let t = ctx.theme;
    let mut lines = Vec::new();
    if area.height == 1 {
        // One row: the word and its seconds on it, or PAUSED.
        let line = if paused {
            Line::styled("PAUSED · Space to go on", t.accent)
        } else {
            Line::from(vec![
                Span::styled(p.word.to_string(), t.title),
                Span::styled(format!("  {} s", p.secs_left), t.muted),
            ])
        };
        frame.render_widget(crate::ui::fit_line(&line, area.width), area);
        return;
    }
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
    let body =
        |short| step.map_or_else(Default::default, |s| interlude_body(s, kind, w, ctx, short));
    let (full, _) = body(false);
    if room >= full.len() as u16 + 3 {
        (full, 1)
    } else if room > full.len() as u16 {
        (full, 0)
    } else {
        let (mut short, caution) = body(true);
        let keep = room.saturating_sub(1) as usize;
        // What is cut is said with a "…" row, never in place of a row of the caution
        // (which comes first).
        if short.len() > keep && keep > caution {
            short.truncate(keep - 1);
            short.push(Line::styled("…", ctx.theme.muted));
        } else {
            short.truncate(keep);
        }
        (short, 0)
    }
}

/// The lines an interlude shows of the step to come, and how many of them, at the top, are
/// its caution (none unless `short`).
fn interlude_body(
    s: &Step,
    kind: StageKind,
    w: u16,
    ctx: &Ctx,
    short: bool,
) -> (Vec<Line<'static>>, usize) {
    let t = ctx.theme;
    if kind == StageKind::SwitchSides {
        let cue = s
            .switch_cue
            .as_ref()
            .map_or_else(Vec::new, |c| crate::ui::wrap_lines(c, w, t.base));
        return (cue, 0);
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
        let rows = caution.len();
        body.extend(caution);
        body.extend(pressure);
        body.extend(instructions);
        return (body, rows);
    }
    body.extend(pressure);
    body.extend(instructions);
    if !caution.is_empty() {
        body.push(Line::raw(""));
        body.extend(caution);
    }
    (body, 0)
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
        let (_, body, _, _, plan) = self.layout_areas(area, ctx, &v);
        self.pacer_levels = self.pacer_area(body, plan.as_ref(), &v).map_or(1, |shape| {
            crate::ui::pacer::wake_levels(shape, ctx.settings.motion)
        });
        // Each step (each side of one) starts with what to do scrolled to its top.
        let at = (v.kind, v.step_index, v.side);
        if self.doing_at != Some(at) {
            self.doing_at = Some(at);
            self.doing.home();
        }
        let (lines, rows) = plan.map_or((0, 0), |p| (p.doing_lines.len(), p.doing.height));
        self.doing.layout(lines, usize::from(rows));
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, now: Instant) {
        let area = crate::ui::readable(area);
        let v = self.run.session.view(now);
        let (header, body, next, foot, plan) = self.layout_areas(area, ctx, &v);
        self.render_header(frame, header, ctx, &v);
        if self.run.session.kind() == Kind::Breathing {
            self.render_breathing(frame, body, ctx, &v);
        } else if let Some(plan) = plan {
            self.render_segment(frame, plan, ctx, &v);
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
            // A line at a time: on a small window the instructions may have two rows.
            Some(Act::ScrollDown) => {
                self.doing.by(1);
                return stay();
            }
            Some(Act::ScrollUp) => {
                self.doing.by(-1);
                return stay();
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
