//! Before a routine: its cautions and what you need, then the optional "How is your head
//! right now?" rating. A strong headache before a routine with pressure work gets a gentle
//! word (content guide §0 rule 2: pressure is for between bad headaches) and the offer of
//! the migraine-day routine instead. `m` says a migraine is on now: the session's record
//! keeps it, and before pressure work the gentle routine is offered first.

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ctx, Nav, Route, Screen, Update, go, stay};
use crate::model::format::{fmt_length, plural};
use crate::model::record::Before as HeadBefore;
use crate::model::routine::Routine;
use crate::ui::rating::{Answer, Rating};
use crate::ui::scroll::{MORE_BELOW, PageScroll, Scrolled, TEXT_STEP};
use crate::ui::{Binding, KeyHelp, also, described, help_only, key, lookup_where, row};

/// At or above this before-rating, a routine with pressure work asks once more.
const STRONG: u8 = 7;
const GENTLE_ID: &str = "migraine-day";

/// What a key does before a routine (the rating takes digits, ← → and Enter itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Rate,
    /// Enter with nothing marked: start without a rating.
    Skip,
    /// Enter with a value marked by ← →: start with it.
    Confirm,
    /// Enter when ratings are off.
    Ready,
    Back,
    /// Esc on the "your head is at 8" question: back to the rating.
    Reconsider,
    ScrollDown,
    ScrollUp,
    GoAhead,
    Gentle,
    /// "A migraine is on now": kept on the record; before pressure work, the gentle
    /// routine is offered whatever the rating.
    Migraine,
}

const ASKING_KEYS: &[Binding<Act>] = &[
    row(&[], Act::Rate, key("0-10", "rate")),
    row(&[], Act::Skip, key("Enter", "skip and start")),
    row(&[], Act::Confirm, key("Enter", "save and start")),
    row(&[KeyCode::Enter], Act::Ready, key("Enter", "start")),
    row(
        &[KeyCode::Char('m')],
        Act::Migraine,
        key("m", "migraine now"),
    ),
    row(
        &[KeyCode::Esc, KeyCode::Char('q')],
        Act::Back,
        key("Esc", "back"),
    ),
    row(
        &[],
        Act::Rate,
        help_only("← →", "move the marker, then Enter"),
    ),
    row(
        &[KeyCode::Down, KeyCode::Char('j')],
        Act::ScrollDown,
        help_only("↑↓", "scroll the cautions when they do not fit"),
    ),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::ScrollUp),
];

const STRONG_KEYS: &[Binding<Act>] = &[
    row(&[KeyCode::Enter], Act::GoAhead, key("Enter", "go ahead")),
    row(
        &[KeyCode::Char('g')],
        Act::Gentle,
        key("g", "gentle instead"),
    ),
    row(
        &[KeyCode::Esc, KeyCode::Char('q')],
        Act::Reconsider,
        key("Esc", "back to the question"),
    ),
    also(&[KeyCode::Down, KeyCode::Char('j')], Act::ScrollDown),
    also(&[KeyCode::Up, KeyCode::Char('k')], Act::ScrollUp),
];

enum Stage {
    Asking(Rating),
    /// Pressure work with a bad head: the rating given (7 or more), or a migraine the user
    /// said is on now — what the session starts with, whichever way it goes on.
    Strong(HeadBefore),
}

pub struct Before {
    routine: Routine,
    stage: Stage,
    /// How far the text above the question is scrolled, stopping at its end.
    scroll: PageScroll,
}

impl Before {
    pub fn new(routine: Routine) -> Before {
        Before {
            routine,
            stage: Stage::Asking(Rating::default()),
            scroll: PageScroll::default(),
        }
    }

    /// Whether a bad head is offered the gentle routine instead: this one presses (the
    /// gentle routine itself never offers to switch to itself), and the gentle one is there.
    fn offers_gentle(&self, ctx: &Ctx) -> bool {
        self.presses() && ctx.lib.routine(GENTLE_ID).is_some()
    }

    /// Which rows apply now: the rating's rows only when ratings are asked for, Enter
    /// described by what it will do (skip, or start with the marked value); `g` only where
    /// there is a gentler routine to switch to.
    fn shown(&self, ctx: &Ctx) -> impl Fn(Act) -> bool + use<> {
        let ask = ctx.settings.ask_ratings;
        let marked = matches!(&self.stage, Stage::Asking(r) if r.marked.is_some());
        let gentle = self.offers_gentle(ctx);
        move |a| match a {
            Act::Rate => ask,
            Act::Skip => ask && !marked,
            Act::Confirm => ask && marked,
            Act::Ready => !ask,
            Act::Gentle => gentle,
            _ => true,
        }
    }

    /// Pressure work a bad head should think twice about: any step presses, and this is
    /// not the gentle routine (whose one feather-light hold is what it offers).
    fn presses(&self) -> bool {
        self.routine.id != GENTLE_ID && self.routine.steps.iter().any(|s| s.pressure.is_some())
    }

    fn start(&self, routine: &Routine, before: HeadBefore) -> Update {
        go(Nav::Replace(Route::Player {
            routine: routine.clone(),
            before,
        }))
    }

    /// The screen's parts for an area: the header, the text that scrolls, the question
    /// that stays, and the footer.
    fn areas(area: Rect) -> [Rect; 3] {
        let area = crate::ui::text_column(area);
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1 + u16::from(area.height >= 16)),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let inner = crate::ui::centered(body, body.width.saturating_sub(2).min(76), body.height);
        [head, inner, foot]
    }

    /// The head's facts for a head `width` wide: whose the routine is when it is not bundled
    /// (in the words `list` uses), its length and its steps. Whose it is stays in the head
    /// when the name still fits whole beside it; otherwise it is returned apart, for the
    /// first line of the text below.
    fn facts(&self, ctx: &Ctx, width: u16) -> (String, Option<&'static str>) {
        let r = &self.routine;
        let n = r.steps.len() as u32;
        let facts = format!("{} · {n} step{} ", fmt_length(r.total()), plural(n));
        let Some(whose) = ctx.lib.whose(r) else {
            return (facts, None);
        };
        let full = format!("{whose} · {facts}");
        let name = crate::model::format::width(&r.name) + 2;
        if name + crate::model::format::width(&full) <= width as usize {
            (full, None)
        } else {
            (facts, Some(whose))
        }
    }

    /// The text above the question (cautions, the gentle word) and the question itself;
    /// `whose` is for when the head has no room for it.
    fn content(
        &self,
        ctx: &Ctx,
        w: u16,
        tall: bool,
        whose: Option<&str>,
    ) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
        match &self.stage {
            Stage::Asking(rating) => (
                self.cautions(ctx, w, tall, whose),
                asking(rating, ctx, w, tall),
            ),
            Stage::Strong(before) => strong(*before, self.offers_gentle(ctx), ctx, w),
        }
    }

    /// What it breaks of the guide first, then the cautions: they are safety text, and on a
    /// small window what comes first is seen without scrolling. Whose it is comes between
    /// them when the head had no room for it. Then what you need.
    fn cautions(&self, ctx: &Ctx, w: u16, tall: bool, whose: Option<&str>) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let r = &self.routine;
        let mut lines: Vec<Line<'static>> = super::breaks_lines(ctx, &r.id, ":", true, w)
            .into_iter()
            .collect();
        if let Some(whose) = whose {
            lines.extend(crate::ui::wrap_lines(whose, w, t.muted));
        }
        if !r.cautions.is_empty() {
            if tall {
                lines.push(Line::styled("Before you start", t.title));
            }
            for c in &r.cautions {
                let opts = textwrap::Options::new(w.max(8) as usize)
                    .initial_indent(" • ")
                    .subsequent_indent("   ");
                for l in textwrap::wrap(c, opts) {
                    lines.push(Line::styled(l.into_owned(), t.caution));
                }
            }
        }
        if !r.equipment.is_empty() {
            if !lines.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.extend(crate::ui::wrap_lines(
                &format!("You need: {}", r.equipment.join(", ")),
                w,
                t.base,
            ));
        }
        lines
    }
}

/// "How is your head right now?" and the scale, or "Press Enter" with ratings off.
fn asking(rating: &Rating, ctx: &Ctx, w: u16, tall: bool) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let mut question = Vec::new();
    if tall {
        question.push(Line::raw(""));
    }
    if ctx.settings.ask_ratings {
        question.push(Line::styled("How is your head right now?", t.title));
        question.push(rating.scale(t));
        if tall {
            question.extend(crate::ui::wrap_lines(
                "0 = no pain, 10 = worst imaginable. Type a number (1 then 0 for 10), or Enter to skip.",
                w,
                t.muted,
            ));
        }
    } else {
        question.push(Line::styled("Press Enter when you are ready.", t.title));
    }
    question
}

/// A bad head before pressure work (a rating of 7 or more, or a migraine now): why gentler
/// is kinder, when to get help instead, and the ways on (`gentle`: the switch is offered).
fn strong(
    before: HeadBefore,
    gentle: bool,
    ctx: &Ctx,
    w: u16,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let t = ctx.theme;
    let said = match before.pain {
        Some(n) if !before.migraine => format!("Your head is at {n} out of 10."),
        _ => "A migraine is on now.".to_string(),
    };
    let mut lines = vec![Line::styled(said, t.title), Line::raw("")];
    lines.extend(crate::ui::wrap_lines(
        "Pressure work is best kept for between bad headaches: during one, pressing can make it worse for some people. Slow breathing and a still hold are kinder now.",
        w,
        t.base,
    ));
    lines.push(Line::raw(""));
    lines.extend(crate::ui::wrap_lines(
        "If this headache is unlike your usual ones, came on suddenly, or comes with weakness, confusion, vision changes or fever, stop and get medical help.",
        w,
        t.caution,
    ));
    let mut question = vec![Line::raw("")];
    if gentle {
        question.extend(crate::ui::wrap_lines(
            "g  switch to Migraine-day gentle (breathing and a still hold)",
            w,
            t.base,
        ));
    }
    question.push(Line::styled("Enter  go ahead, gently", t.base));
    (lines, question)
}

impl Screen for Before {
    fn title(&self) -> &str {
        "Before you start"
    }

    fn layout(&mut self, area: Rect, _now: Instant, ctx: &Ctx) {
        let [head, inner, _] = Before::areas(area);
        let (_, whose) = self.facts(ctx, head.width);
        let (lines, question) = self.content(ctx, inner.width, inner.height >= 16, whose);
        let text_h = inner.height.saturating_sub(question.len() as u16);
        self.scroll.layout(lines.len(), usize::from(text_h));
    }

    fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, _now: Instant) {
        let t = ctx.theme;
        let r = &self.routine;
        let [head, inner, foot] = Before::areas(area);
        let w = inner.width;
        let (facts, whose) = self.facts(ctx, head.width);
        let [hl, hr] = Layout::horizontal([
            Constraint::Min(1),
            Constraint::Length(crate::model::format::width(&facts) as u16),
        ])
        .areas(Rect { height: 1, ..head });
        let name = crate::model::format::fit(&r.name, hl.width.saturating_sub(2) as usize);
        frame.render_widget(Line::styled(format!(" {name}"), t.title), hl);
        frame.render_widget(Line::styled(facts, t.muted), hr);
        let (lines, question) = self.content(ctx, w, inner.height >= 16, whose);
        // The question stays on screen; the text above it scrolls when it does not fit.
        let [text_area, q_area] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(question.len() as u16),
        ])
        .areas(inner);
        let mark = Line::styled(MORE_BELOW, t.muted);
        let top = self.scroll.top();
        frame.render_widget(Scrolled { lines, top, mark }, text_area);
        frame.render_widget(Paragraph::new(question), q_area);
        crate::ui::footer(frame, foot, ctx.theme, ctx.status, &self.keys(ctx));
    }

    fn update(&mut self, key: KeyEvent, _now: Instant, ctx: &Ctx) -> Update {
        let table = match self.stage {
            Stage::Asking(_) => ASKING_KEYS,
            Stage::Strong(_) => STRONG_KEYS,
        };
        match lookup_where(table, key.code, self.shown(ctx)) {
            Some(Act::Back) => return go(Nav::Back),
            Some(Act::Ready) => return self.start(&self.routine, HeadBefore::default()),
            Some(Act::Reconsider) => {
                self.stage = Stage::Asking(Rating::default());
                self.scroll.home();
                return stay();
            }
            Some(Act::ScrollDown) => {
                self.scroll.by(TEXT_STEP);
                return stay();
            }
            Some(Act::ScrollUp) => {
                self.scroll.by(-TEXT_STEP);
                return stay();
            }
            Some(Act::GoAhead) => {
                if let Stage::Strong(before) = self.stage {
                    return self.start(&self.routine, before);
                }
            }
            Some(Act::Gentle) => {
                if let (Stage::Strong(before), Some(gentle)) =
                    (&self.stage, ctx.lib.routine(GENTLE_ID))
                {
                    return self.start(gentle, *before);
                }
            }
            Some(Act::Migraine) => {
                let before = HeadBefore {
                    pain: None,
                    migraine: true,
                };
                // Pressure work asks once more; anything gentler starts as it is.
                if !self.presses() {
                    return self.start(&self.routine, before);
                }
                self.stage = Stage::Strong(before);
                return stay();
            }
            Some(Act::Rate | Act::Skip | Act::Confirm) | None => {}
        }
        let presses = self.presses();
        let Stage::Asking(rating) = &mut self.stage else {
            return stay();
        };
        if !ctx.settings.ask_ratings {
            return stay();
        }
        match rating.handle_key(key) {
            Answer::Pending => stay(),
            Answer::Skipped => self.start(&self.routine, HeadBefore::default()),
            Answer::Rated(n) if n >= STRONG && presses => {
                self.stage = Stage::Strong(HeadBefore::rated(Some(n)));
                stay()
            }
            Answer::Rated(n) => self.start(&self.routine, HeadBefore::rated(Some(n))),
        }
    }

    fn keys(&self, ctx: &Ctx) -> Vec<KeyHelp> {
        match self.stage {
            Stage::Asking(_) => described(ASKING_KEYS, self.shown(ctx)),
            Stage::Strong(_) => described(STRONG_KEYS, self.shown(ctx)),
        }
    }
}
