//! Plain mode: a routine or breathing exercise as timed lines of text instead of a screen —
//! for a serial line, a screen reader, or another program. Used with `--plain` and whenever
//! standard output is not a terminal. The session is timed and saved exactly as in the app.
//!
//! When standard input is a terminal, Space pauses and resumes, n skips, q (or Ctrl-C) stops;
//! SIGTERM, SIGHUP and SIGINT stop and save too.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;

use crate::app::Runner;
use crate::audio::{Audio, Performed};
use crate::core::cues::Timed;
use crate::core::effect::Effect;
use crate::core::run::Run;
use crate::core::session::{Event as SEvent, Session, StageKind};
use crate::model::format::{clock, fmt_clock_secs, fmt_left};
use crate::model::routine::{Length, Pattern, Sides};

/// Lines go to `out`; keys come from the terminal when there is one.
pub struct Plain<W: Write> {
    out: W,
    /// Raw mode needs "\r\n" to start a new line.
    raw: bool,
    bell: bool,
    muted: bool,
    /// The last countdown mark printed for the current stage ("1:00 left").
    last_mark: Option<u64>,
    last_phase: Option<(u32, usize)>,
    /// Tones and speech, as in the app.
    audio: Audio,
    /// Cues due after the session ended (its end line).
    pending: Vec<Timed>,
}

impl<W: Write> Plain<W> {
    pub fn new(out: W, bell: bool) -> Self {
        Plain {
            out,
            raw: false,
            bell,
            muted: false,
            last_mark: None,
            last_phase: None,
            audio: Audio::off(),
            pending: Vec::new(),
        }
    }

    /// Sounds the session's cues with `audio`.
    pub fn with_audio(mut self, audio: Audio) -> Self {
        self.audio = audio;
        self
    }

    fn line(&mut self, text: &str) -> io::Result<()> {
        let nl = if self.raw { "\r\n" } else { "\n" };
        for l in text.lines() {
            write!(self.out, "{l}{nl}")?;
        }
        self.out.flush()
    }

    /// Describes the stage the session is now in.
    fn announce(&mut self, s: &Session, now: Instant) -> io::Result<()> {
        self.last_mark = None;
        self.last_phase = None;
        let v = s.view(now);
        let breathing_only = s.kind() == crate::model::record::Kind::Breathing;
        match v.kind {
            StageKind::GetReady => {
                let first = v
                    .next
                    .as_ref()
                    .map(|u| u.title.to_string())
                    .unwrap_or_default();
                self.line(&format!(
                    "Get ready · {} s · first: {first}",
                    v.countdown_secs
                ))
            }
            StageKind::SwitchSides => {
                let side = v.next.as_ref().and_then(|u| u.side).or(v.side);
                let mut t = format!(
                    "Switch sides · now the {} side · {} s",
                    side.map(|s| s.upper()).unwrap_or("other"),
                    v.countdown_secs
                );
                if let Some(c) = v.next.as_ref().and_then(|u| u.step.switch_cue.as_ref()) {
                    t.push_str(&format!("\n    {c}"));
                }
                self.line(&t)
            }
            StageKind::Transition => {
                let next = v
                    .next
                    .as_ref()
                    .map(|u| u.title.to_string())
                    .unwrap_or_default();
                self.line(&format!("Next: {next} · in {} s", v.countdown_secs))
            }
            StageKind::Segment if breathing_only => {
                let p = s.routine().steps[0].breathing.as_ref();
                let what = p.map(pattern_words).unwrap_or_default();
                let len = match v.breaths {
                    Some(1) => "1 breath".to_string(),
                    Some(n) => format!("{n} breaths"),
                    None => fmt_left(v.stage_left),
                };
                self.line(&format!("{} · {len} · {what}", v.title))
            }
            StageKind::Segment => {
                let Some(step) = v.step else { return Ok(()) };
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
                if step.sides == Sides::Both && v.side == Some(crate::model::routine::Side::Left) {
                    text.push_str("\n    (left side first, then the right)");
                }
                self.line(&text)
            }
            StageKind::Finished => Ok(()),
        }
    }

    /// Marks every 30 seconds and the last 10 and 5, so a listener knows where they are;
    /// in a breathing exercise, each phase of each breath.
    fn progress(&mut self, s: &Session, now: Instant) -> io::Result<()> {
        let v = s.view(now);
        if v.paused || v.kind != StageKind::Segment {
            return Ok(());
        }
        if s.kind() == crate::model::record::Kind::Breathing {
            if let Some(p) = &v.pacer {
                let key = (p.breath, p.phase);
                if self.last_phase != Some(key) {
                    self.last_phase = Some(key);
                    return self.line(&format!("  {} · {} s", p.word, p.secs_left));
                }
            }
            return Ok(());
        }
        let left = v.countdown_secs;
        let total = v.stage_length.as_secs();
        let mark = (left < total) && (left.is_multiple_of(30) || left == 10 || left == 5);
        if mark && self.last_mark != Some(left) {
            self.last_mark = Some(left);
            self.line(&format!("  {} left", clock(left)))?;
        }
        Ok(())
    }

    /// Runs the session to its end, printing as it goes, and saves it.
    pub fn run(
        &mut self,
        mut run: Run,
        mut runner: Runner,
    ) -> io::Result<(crate::model::record::SessionRecord, Option<String>)> {
        let stop = Arc::new(AtomicBool::new(false));
        for sig in [
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGINT,
        ] {
            signal_hook::flag::register(sig, stop.clone())?;
        }
        let keys = io::stdin().is_terminal();
        if keys && terminal::enable_raw_mode().is_ok() {
            self.raw = true;
            self.line("(Space pause · n skip · m mute · q stop)")?;
        }
        self.line("Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.")?;
        let result = self.drive(&mut run, &mut runner, &stop, keys);
        // The end line, just after the end chime; never more than a few seconds' wait.
        for t in std::mem::take(&mut self.pending) {
            let wait = t.at.saturating_duration_since(Instant::now());
            if wait <= Duration::from_secs(3) && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(wait);
                self.sound(&t)?;
            }
        }
        if self.raw {
            let _ = terminal::disable_raw_mode();
            self.raw = false;
        }
        let now = Instant::now();
        if !run.session.is_finished() {
            run.session.stop(now);
        }
        // Saved once: a no-op when the session's end was already saved as it happened.
        let record = run.record(now);
        let wall = jiff::Zoned::now();
        runner.perform(&Effect::Save(record.clone()), wall);
        let problem = runner.save_problem(&record.id);
        // Output went away (a closed pipe): the session is kept as stopped; report it.
        result?;
        let outcome = record.outcome.as_str();
        let active = fmt_clock_secs(record.active_secs);
        self.line(&format!("Finished ({outcome}) · {active} active"))?;
        match &problem {
            None => self.line("Saved to your history.")?,
            Some(p) => self.line(&format!("Not saved: {p}"))?,
        }
        Ok((record, problem))
    }

    fn drive(
        &mut self,
        run: &mut Run,
        runner: &mut Runner,
        stop: &AtomicBool,
        keys: bool,
    ) -> io::Result<()> {
        let now = Instant::now();
        for effect in run.start_hooks() {
            runner.perform(&effect, jiff::Zoned::now());
        }
        run.session.update(now);
        self.announce(&run.session, now)?;
        loop {
            let now = Instant::now();
            if stop.load(Ordering::Relaxed) {
                let events = run.session.stop(now);
                // The same reaction as any other end: the record, and the session_end hook.
                return self.react(run, runner, &events, now);
            }
            let events = run.session.update(now);
            self.react(run, runner, &events, now)?;
            if run.session.is_finished() {
                return Ok(());
            }
            self.progress(&run.session, now)?;
            // At most a second between checks, so signals are noticed promptly.
            let wait = run
                .next_deadline(now, 1)
                .map(|d| d.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(1))
                .min(Duration::from_secs(1));
            if keys {
                if event::poll(wait)? {
                    let now = Instant::now();
                    if let Event::Key(k) = event::read()?
                        && k.kind == KeyEventKind::Press
                    {
                        let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL)
                            && k.code == KeyCode::Char('c');
                        let s = &mut run.session;
                        let events = match k.code {
                            _ if ctrl_c => s.stop(now),
                            KeyCode::Char('q') | KeyCode::Esc => s.stop(now),
                            KeyCode::Char(' ') => {
                                let ev = s.toggle_pause(now);
                                self.line(if s.is_paused() {
                                    "Paused · Space to go on"
                                } else {
                                    "Going on"
                                })?;
                                ev
                            }
                            KeyCode::Char('n') | KeyCode::Right => s.skip(now),
                            KeyCode::Char('m') => {
                                self.muted = !self.muted;
                                run.set_muted(self.muted, now);
                                self.line(if self.muted {
                                    "Sound muted"
                                } else {
                                    "Sound on"
                                })?;
                                Vec::new()
                            }
                            _ => Vec::new(),
                        };
                        self.react(run, runner, &events, now)?;
                    }
                }
            } else {
                std::thread::sleep(wait);
            }
        }
    }

    /// Performs what the session's events ask for (the same reaction as in the app),
    /// and describes each new stage.
    fn react(
        &mut self,
        run: &mut Run,
        runner: &mut Runner,
        events: &[SEvent],
        now: Instant,
    ) -> io::Result<()> {
        let finished = run.session.is_finished();
        for effect in run.react(events, now) {
            match effect {
                Effect::Ring if self.bell && !finished => write!(self.out, "\x07")?,
                Effect::Cue(t) if t.at > now => self.pending.push(t),
                Effect::Cue(t) => self.sound(&t)?,
                Effect::Checkpoint(_) | Effect::Save(_) | Effect::Hook(_) => {
                    runner.perform(&effect, jiff::Zoned::now());
                }
                _ => {}
            }
        }
        // A failing hook is told once, on stderr: the cue lines stay as they are.
        if let Some(report) = runner.take_hook_report() {
            eprintln!("note: {report}");
        }
        if !finished && events.iter().any(SEvent::changes_stage) {
            self.announce(&run.session, now)?;
        }
        Ok(())
    }
}

impl<W: Write> Plain<W> {
    /// Plays a cue; the bell, when it stands in for tones, goes into the output.
    fn sound(&mut self, t: &Timed) -> io::Result<()> {
        if self.audio.perform(&t.cue) == Performed::Bell && self.bell {
            write!(self.out, "\x07")?;
            self.out.flush()?;
        }
        if let Some(n) = self.audio.take_notice() {
            self.line(&format!("({n})"))?;
        }
        Ok(())
    }
}

/// "breathe in 4 / out 6", "in 4 · hold 7 · out 8".
fn pattern_words(p: &Pattern) -> String {
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

/// The length for `breathe`: `--breaths N`, `--for D`, or five minutes.
pub fn breathing_length(for_: Option<&str>, breaths: Option<u32>) -> Result<Length, String> {
    match (for_, breaths) {
        (_, Some(n)) => Ok(Length::Breaths(n)),
        (Some(d), None) => crate::library::parse_duration(d)
            .filter(|d| crate::core::rules::breathing_time_allowed(*d))
            .map(Length::Time)
            .ok_or_else(|| {
                format!(
                    "\"{d}\" is not a length between {} and {} minutes; write it like 5m, 90s or \"2m 30s\"",
                    crate::core::rules::BREATHING_MINUTES[0],
                    crate::core::rules::BREATHING_MAX_TIME.as_secs() / 60
                )
            }),
        (None, None) => Ok(Length::Time(Duration::from_secs(300))),
    }
}
