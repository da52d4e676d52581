//! Plain mode: a routine or breathing exercise as timed lines of text instead of a screen —
//! for a serial line, a screen reader, or another program. Used with `--plain` and whenever
//! standard output is not a terminal.
//!
//! It is another way of showing the same run, not a copy of it: the session starts through
//! [`crate::app::session::start`], the player screen's own state machine and key table
//! answer keys and wake-ups, and the same [`Performers`] keep, sound and hook it. Only the
//! writing differs: instead of drawing frames, [`Plain`] says each change once, as a line.
//!
//! When standard input is a terminal, the player's keys work (Space, →, ←, r, +, -, m, q);
//! SIGTERM, SIGHUP and SIGINT stop and save.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;

use crate::app::perform::{Changed, Performers};
use crate::app::session::{self, What};
use crate::core::effect::AppEffect;
use crate::core::session::{Session, StageKind};
use crate::library::Library;
use crate::model::format::{clock, fmt_clock_secs, fmt_left};
use crate::model::record::{Kind, Outcome, SessionRecord};
use crate::model::routine::{Pattern, Side, Sides};
use crate::model::settings::Settings;
use crate::screens::player::Player;
use crate::screens::{Ctx, Nav, Route, Screen, Update};
use crate::ui::theme::Theme;

/// The longest plain mode waits between looks at the clock and the stop flag.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How long a finished session waits for its last cue (the end line) to start.
const LAST_CUE_WAIT: Duration = Duration::from_secs(3);
/// How long it then lets that cue play before everything is stopped.
const LAST_SOUND_WAIT: Duration = Duration::from_secs(6);

/// What was last said, so each change is said once.
#[derive(Debug, Default)]
struct Said {
    /// The stage described last, by [`Session::stage_visits`].
    stage: Option<u64>,
    /// Its length, so a `+`/`-` is said.
    length: Option<Duration>,
    paused: bool,
    asking: bool,
    /// The last countdown mark ("1:00 left").
    mark: Option<u64>,
    /// The last breath phase, in a breathing exercise.
    phase: Option<(u32, usize)>,
}

/// Lines go to `out`; the bell, where it is meant, goes to the terminal `out` writes to.
pub struct Plain<W: Write> {
    out: W,
    /// The terminal keys are read from is in raw mode: lines to it need "\r\n".
    raw: bool,
    /// Standard output is a terminal: the bell may ring there.
    bell_reaches: bool,
    said: Said,
}

/// How a plain run ended.
pub struct Ended {
    pub record: SessionRecord,
    /// Why it could not be saved, if it could not.
    pub problem: Option<String>,
}

impl<W: Write> Plain<W> {
    /// `bell_reaches`: the output is a terminal, so a bell written there is heard.
    pub fn new(out: W, bell_reaches: bool) -> Self {
        Plain {
            out,
            raw: false,
            bell_reaches,
            said: Said::default(),
        }
    }

    /// What was written (tests).
    pub fn into_inner(self) -> W {
        self.out
    }

    /// One or more lines.
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        // Only the terminal is in raw mode: a file or a program gets plain newlines.
        let nl = if self.raw && self.bell_reaches {
            "\r\n"
        } else {
            "\n"
        };
        for l in text.lines() {
            write!(self.out, "{l}{nl}")?;
        }
        self.out.flush()
    }

    /// A status line (a hook that failed, a sound notice) goes to standard error, so the
    /// cue lines on standard output stay as they are for a program reading them.
    fn note(&self, text: &str) {
        let mut err = crate::model::format::SafeWriter::new(
            io::stderr().lock(),
            crate::model::format::Neutralise::Replace,
        );
        let nl = if self.raw && io::stderr().is_terminal() {
            "\r\n"
        } else {
            "\n"
        };
        let _ = write!(err, "note: {text}{nl}");
    }

    /// Runs a session to its end, saying each change as a line, and keeps it through the
    /// same performers as the app. Time and keys come from `clock`; `stop` is set by a
    /// signal (the session is then saved as stopped).
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        lib: &Library,
        settings: &Settings,
        perform: &mut Performers,
        what: What<'_>,
        pain_before: Option<u8>,
        clock: &mut dyn Clock,
        stop: &AtomicBool,
    ) -> io::Result<Ended>
    where
        W: BellOut,
    {
        self.raw = clock.raw();
        let now = clock.now();
        let (run, changed) = session::start(
            perform,
            settings,
            what,
            crate::model::record::Before::rated(pain_before),
            now,
            clock.wall(),
        );
        let mut player = Player::without_shape(run);
        self.show(changed)?;
        let theme = Theme::get(crate::model::config::ThemeName::Mono);
        let view = View {
            lib,
            settings,
            theme: &theme,
        };
        if clock.keys() {
            let help = view.with(perform, &clock.wall(), |ctx| player.keys(ctx));
            let keys: Vec<String> = help
                .iter()
                .filter(|k| k.footer)
                .map(|k| format!("{} {}", k.keys, k.what))
                .collect();
            self.line(&format!("({})", keys.join(" · ")))?;
        }
        let mut looping = Looping {
            player: &mut player,
            view: &view,
            perform,
            clock,
            stop,
        };
        let record = match self.drive(&mut looping) {
            Ok(record) => record,
            Err(e) => {
                // The output went away (a closed pipe): the session is kept as stopped.
                let now = looping.clock.now();
                let wall = looping.clock.wall();
                let effects = view.with(looping.perform, &wall, |ctx| {
                    looping.player.shutdown(now, ctx)
                });
                // Nothing more can be said: the output is gone.
                let _ = looping.perform.perform(effects, now, &wall);
                looping.perform.sound.shutdown();
                return Err(e);
            }
        };
        let problem = perform.store.save_problem(&record.id);
        // In the finish screen's words ("stopped early", not the history's "stopped").
        let outcome = match record.outcome {
            Outcome::Stopped => "stopped early",
            other => other.as_str(),
        };
        let active = fmt_clock_secs(record.active_secs);
        let said = self
            .line(&format!("Finished ({outcome}) · {active} active"))
            .and_then(|()| match &problem {
                None => self.line("Saved to your history."),
                Some(p) => self.line(&format!("Not saved: {p}")),
            });
        // The end line may finish (not after a stop); then nothing of ours plays on.
        let until = clock.now() + LAST_SOUND_WAIT;
        while perform.sound.busy() && !stop.load(Ordering::Relaxed) && clock.now() < until {
            clock.sleep(Duration::from_millis(20));
            let changed = perform.tick(clock.now());
            self.show(changed)?;
        }
        perform.sound.shutdown();
        said?;
        Ok(Ended { record, problem })
    }

    /// The loop: wake-ups and keys go to the player, its effects to the performers; each
    /// change is said. Returns the session's final record.
    fn drive(&mut self, l: &mut Looping<'_>) -> io::Result<SessionRecord>
    where
        W: BellOut,
    {
        loop {
            let now = l.clock.now();
            let wall = l.clock.wall();
            if l.stop.load(Ordering::Relaxed) {
                let effects = l
                    .view
                    .with(l.perform, &wall, |ctx| l.player.shutdown(now, ctx));
                let changed = l.perform.perform(effects, now, &wall);
                self.show(changed)?;
                return Ok(l.player.run().record(now));
            }
            let update = l.view.with(l.perform, &wall, |ctx| l.player.tick(now, ctx));
            if let Some(record) = self.step(update, l, now, &wall)? {
                return self.last_cues(record, l);
            }
            let changed = l.perform.tick(now);
            self.show(changed)?;
            let wait = l
                .view
                .with(l.perform, &wall, |ctx| l.player.deadline(now, ctx))
                .into_iter()
                .chain(l.perform.sound.next_due())
                .min()
                .map_or(CHECK_EVERY, |d| d.saturating_duration_since(now))
                .min(CHECK_EVERY);
            let Some(key) = l.clock.wait(wait)? else {
                continue;
            };
            let now = l.clock.now();
            let wall = l.clock.wall();
            if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
                l.stop.store(true, Ordering::Relaxed);
                continue;
            }
            let update = l
                .view
                .with(l.perform, &wall, |ctx| l.player.update(key, now, ctx));
            if let Some(record) = self.step(update, l, now, &wall)? {
                return self.last_cues(record, l);
            }
        }
    }

    /// Performs what the player asked for and says what changed; the final record once the
    /// session has ended.
    fn step(
        &mut self,
        (nav, effects): Update,
        l: &mut Looping<'_>,
        now: Instant,
        wall: &jiff::Zoned,
    ) -> io::Result<Option<SessionRecord>>
    where
        W: BellOut,
    {
        let changed = l.perform.perform(effects, now, wall);
        self.show(changed)?;
        if let Nav::Replace(Route::Finish(record)) = nav {
            return Ok(Some(*record));
        }
        self.describe(l.player, now)?;
        Ok(None)
    }

    /// After the end: the end line, just after the end chime (never more than a few
    /// seconds' wait, and none once asked to stop).
    fn last_cues(&mut self, record: SessionRecord, l: &mut Looping<'_>) -> io::Result<SessionRecord>
    where
        W: BellOut,
    {
        let limit = l.clock.now() + LAST_CUE_WAIT;
        while let Some(at) = l.perform.sound.next_due() {
            if at > limit || l.stop.load(Ordering::Relaxed) {
                break;
            }
            let now = l.clock.now();
            // Keys are not read any more: the session is over.
            l.clock.sleep(at.saturating_duration_since(now));
            let changed = l.perform.tick(l.clock.now());
            self.show(changed)?;
        }
        Ok(record)
    }

    /// What performing changed, said: every field has its place here, as in the app.
    fn show(&mut self, changed: Changed) -> io::Result<()>
    where
        W: BellOut,
    {
        let Changed {
            status,
            history: _,
            day: _,
            amended: _,
            muted,
            bell,
            app,
        } = changed;
        // `history`, `day` and `amended` change figures plain mode does not show.
        if bell && self.bell_reaches {
            self.out.bell()?;
        }
        if let Some(m) = muted {
            self.line(if m { "Sound muted" } else { "Sound on" })?;
        }
        if let Some(s) = status {
            self.note(&s);
        }
        for e in app {
            match e {
                AppEffect::Status(s) => self.note(&s),
                // The player never asks for these; they belong to home.
                AppEffect::EditRoutine(_) | AppEffect::ReloadFiles => {}
            }
        }
        Ok(())
    }

    /// Says what changed in the session since it was last described: a new stage, a
    /// pause, a changed length, the stop question, countdown marks and breath phases.
    fn describe(&mut self, player: &Player, now: Instant) -> io::Result<()> {
        let s = &player.run().session;
        let v = s.view(now);
        if self.said.stage != Some(s.stage_visits()) {
            self.said = Said {
                stage: Some(s.stage_visits()),
                length: Some(v.stage_length),
                paused: self.said.paused,
                asking: self.said.asking,
                ..Said::default()
            };
            self.announce(s, now)?;
        } else if self.said.length != Some(v.stage_length) {
            self.said.length = Some(v.stage_length);
            self.line(&format!("  now {} s", v.countdown_secs))?;
        }
        let asking = player.asking_to_stop();
        if asking && !self.said.asking {
            self.line("Stop now? y stop · n keep going")?;
        } else if v.paused != self.said.paused && !asking {
            self.line(if v.paused {
                "Paused · Space to go on"
            } else {
                "Going on"
            })?;
        }
        self.said.asking = asking;
        self.said.paused = v.paused;
        self.progress(s, now)
    }

    /// Describes the stage the session is now in.
    fn announce(&mut self, s: &Session, now: Instant) -> io::Result<()> {
        let v = s.view(now);
        let mut text = match v.kind {
            StageKind::GetReady => {
                let first = v.next.as_ref().map(|u| u.title).unwrap_or_default();
                format!("Get ready · {} s · first: {first}", v.countdown_secs)
            }
            StageKind::SwitchSides => {
                let side = v.next.as_ref().and_then(|u| u.side).or(v.side);
                let mut t = format!(
                    "Switch sides · now the {} side · {} s",
                    side.map(Side::upper).unwrap_or("other"),
                    v.countdown_secs
                );
                if let Some(c) = v.next.as_ref().and_then(|u| u.step.switch_cue.as_ref()) {
                    t.push_str(&format!("\n    {c}"));
                }
                t
            }
            StageKind::Transition => {
                let next = v.next.as_ref().map(|u| u.title).unwrap_or_default();
                format!("Next: {next} · in {} s", v.countdown_secs)
            }
            StageKind::Segment if s.kind() == Kind::Breathing => {
                let p = s.routine().steps[0].breathing.as_deref();
                let what = p.map(pattern_words).unwrap_or_default();
                let len = match v.breaths {
                    Some(n) => format!("{n} breath{}", crate::model::format::plural(n)),
                    None => fmt_left(v.stage_left),
                };
                format!("{} · {len} · {what}", v.title)
            }
            StageKind::Segment => segment_text(&v),
            StageKind::Finished => return Ok(()),
        };
        // As the screen says it: the pause is the pressed spot's rest.
        if v.lets_go() {
            text.push_str(&format!("\n    {}", crate::core::session::LET_GO));
        }
        self.line(&text)
    }

    /// Marks every 30 seconds and the last 10 and 5, so a listener knows where they are;
    /// in a breathing exercise, each phase of each breath.
    fn progress(&mut self, s: &Session, now: Instant) -> io::Result<()> {
        let v = s.view(now);
        if v.paused || v.kind != StageKind::Segment {
            return Ok(());
        }
        if s.kind() == Kind::Breathing {
            if let Some(p) = &v.pacer {
                let key = (p.breath, p.phase);
                if self.said.phase != Some(key) {
                    self.said.phase = Some(key);
                    return self.line(&format!("  {} · {} s", p.word, p.secs_left));
                }
            }
            return Ok(());
        }
        let left = v.countdown_secs;
        let total = v.stage_length.as_secs();
        let mark = (left < total) && (left.is_multiple_of(30) || left == 10 || left == 5);
        if mark && self.said.mark != Some(left) {
            self.said.mark = Some(left);
            self.line(&format!("  {} left", clock(left)))?;
        }
        Ok(())
    }
}

/// "Step 2/6 · Suboccipital hold · LEFT · 90 s · pressure 3-4/10 · breathe in 4 / out 6",
/// then the instructions, the cue and the caution, each on its own line.
fn segment_text(v: &crate::core::session::View<'_>) -> String {
    let Some(step) = v.step else {
        return String::new();
    };
    let mut parts = vec![
        format!("Step {}/{}", v.step_number, v.step_count),
        step.title.clone(),
    ];
    if let Some(side) = v.side {
        parts.push(side.upper().to_string());
    }
    parts.push(format!("{} s", v.countdown_secs));
    if let Some(p) = step.pressure {
        parts.push(format!("pressure {p}/10"));
    }
    if let Some(p) = &step.breathing {
        parts.push(pattern_words(p));
    }
    let mut text = parts.join(" · ");
    for extra in [
        Some(&step.instructions),
        step.cue.as_ref(),
        step.caution.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if !extra.is_empty() {
            text.push_str(&format!("\n    {extra}"));
        }
    }
    if step.sides == Sides::Both && v.side == Some(Side::Left) {
        text.push_str("\n    (left side first, then the right)");
    }
    if step.works_the_body() {
        text.push_str(&format!("\n    {}", crate::model::routine::STOP_LINE));
    }
    text
}

/// What the player screen reads, for plain mode: the library, the settings, and nothing
/// of the history (plain mode shows no figures).
struct View<'a> {
    lib: &'a Library,
    settings: &'a Settings,
    theme: &'a Theme,
}

impl View<'_> {
    fn with<T>(&self, perform: &Performers, now: &jiff::Zoned, f: impl FnOnce(&Ctx) -> T) -> T {
        let done = BTreeMap::new();
        let ctx = Ctx {
            lib: self.lib,
            settings: self.settings,
            theme: self.theme,
            muted: perform.sound.is_muted(),
            status: None,
            header: None,
            done: &done,
            days: None,
            days_problem: None,
            amended: &[],
            now,
        };
        f(&ctx)
    }
}

/// The player, what it reads, the performers, where time comes from, and the stop flag:
/// what one plain session's loop works with.
struct Looping<'a> {
    player: &'a mut Player,
    view: &'a View<'a>,
    perform: &'a mut Performers,
    clock: &'a mut dyn Clock,
    stop: &'a AtomicBool,
}

/// Where plain mode's time and keys come from: the real clock and terminal ([`Terminal`]),
/// or, in tests, made-up instants and keys.
pub trait Clock {
    fn now(&mut self) -> Instant;
    fn wall(&mut self) -> jiff::Zoned;
    /// Waits up to `wait` for a key press; `None` when the time passed without one.
    fn wait(&mut self, wait: Duration) -> io::Result<Option<KeyEvent>>;
    /// Waits `wait`, reading no keys.
    fn sleep(&mut self, wait: Duration);
    /// Whether keys are read at all (standard input is a terminal).
    fn keys(&self) -> bool;
    /// Whether the terminal is in raw mode (lines then end in "\r\n").
    fn raw(&self) -> bool;
}

/// The real clock, and keys from the terminal in raw mode when standard input is one (raw
/// mode ends when this is dropped).
pub struct Terminal {
    keys: bool,
    raw: bool,
}

impl Terminal {
    pub fn new(keys: bool) -> Terminal {
        let raw = keys && terminal::enable_raw_mode().is_ok();
        Terminal { keys, raw }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.raw {
            let _ = terminal::disable_raw_mode();
        }
    }
}

impl Clock for Terminal {
    fn now(&mut self) -> Instant {
        Instant::now()
    }

    fn wall(&mut self) -> jiff::Zoned {
        crate::files::now()
    }

    fn wait(&mut self, wait: Duration) -> io::Result<Option<KeyEvent>> {
        if !self.keys {
            std::thread::sleep(wait);
            return Ok(None);
        }
        // A terminal that hung up (its window closed) reads as ready with nothing in it,
        // and crossterm would read nothing in a loop for ever, inside its poll: it is only
        // asked once a key is there. A hang-up is taken as the Ctrl-C a person would type
        // to stop, so the session is saved.
        let stop = Some(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        let key = || -> io::Result<Option<KeyEvent>> {
            if !event::poll(Duration::ZERO)? {
                return Ok(None);
            }
            Ok(match event::read()? {
                Event::Key(k) if k.kind == KeyEventKind::Press => Some(k),
                _ => None,
            })
        };
        if tty::hung_up() {
            return Ok(stop);
        }
        // Keys crossterm has read already, or that are there now.
        if let Some(k) = key()? {
            return Ok(Some(k));
        }
        match tty::wait(wait) {
            tty::Ready::HungUp => Ok(stop),
            tty::Ready::Input => key(),
            tty::Ready::Nothing => Ok(None),
        }
    }

    fn sleep(&mut self, wait: Duration) {
        std::thread::sleep(wait);
    }

    fn keys(&self) -> bool {
        self.keys
    }

    fn raw(&self) -> bool {
        self.raw
    }
}

/// The terminal keys are read from (standard input), looked at directly.
mod tty {
    use std::time::Duration;

    pub enum Ready {
        Input,
        HungUp,
        /// The time passed, or a signal came.
        Nothing,
    }

    /// Waits up to `wait` for standard input to have something, or to hang up.
    #[cfg(unix)]
    pub fn wait(wait: Duration) -> Ready {
        // Whole milliseconds, rounded up: never back before the deadline asked for.
        let ms = wait.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32;
        let mut fd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid `pollfd`.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        if n <= 0 {
            // The time passed, or a signal (the loop then looks at its stop flag).
            Ready::Nothing
        } else if fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            Ready::HungUp
        } else {
            Ready::Input
        }
    }

    /// Whether standard input has hung up (looked at without waiting).
    #[cfg(unix)]
    pub fn hung_up() -> bool {
        matches!(wait(Duration::ZERO), Ready::HungUp)
    }

    #[cfg(not(unix))]
    pub fn wait(wait: Duration) -> Ready {
        match ratatui::crossterm::event::poll(wait) {
            Ok(true) => Ready::Input,
            _ => Ready::Nothing,
        }
    }

    #[cfg(not(unix))]
    pub fn hung_up() -> bool {
        false
    }
}

/// "breathe in 4 / out 6", "in 4 · hold 7 · out 8".
pub fn pattern_words(p: &Pattern) -> String {
    if p.phases.len() == 2 && !p.has_holds() {
        format!(
            "breathe in {} / out {}",
            crate::model::routine::fmt_secs_short(p.phases[0].length),
            crate::model::routine::fmt_secs_short(p.phases[1].length)
        )
    } else {
        format!("breathe {}", p.timing())
    }
}

/// An output that can ring the terminal's bell: the bell is the one control character
/// plain mode means to send, so it bypasses the neutraliser every line goes through.
pub trait BellOut: Write {
    fn bell(&mut self) -> io::Result<()>;
}

impl<W: Write> BellOut for crate::model::format::SafeWriter<W> {
    fn bell(&mut self) -> io::Result<()> {
        self.write_raw(b"\x07")
    }
}

impl BellOut for Vec<u8> {
    fn bell(&mut self) -> io::Result<()> {
        self.write_all(b"\x07")
    }
}

/// Whether standard output is a terminal (where plain mode's bell is heard).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}
