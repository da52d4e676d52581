//! Turns a [`Route`] into a screen, loading what the screen shows (history rows, stats,
//! one record) and starting what it runs (a session and its snapshot).

use std::time::Instant;

use crate::app::{App, Route, Screen};
use crate::core::cues::{Cues, SpeechLengths};
use crate::core::days::{STATS_WINDOWS, SessionDays, summarize};
use crate::core::rules::breathing_get_ready;
use crate::core::run::Run;
use crate::core::session::{Options, Session};
use crate::core::stats::{StatsBuilder, StatsOptions};
use crate::screens::{before, breathe, finish, first_run, history, home, player, stats};
use crate::store::history as store;

impl App {
    /// The screen for `route`, or why it cannot be shown (for the status line).
    pub(crate) fn build(&mut self, route: Route, now: Instant) -> Result<Box<dyn Screen>, String> {
        Ok(match route {
            Route::Home => Box::new(home::Home::new(&self.env.ctx())),
            Route::Notice { review, then } => Box::new(first_run::FirstRun::new(review, then)),
            Route::Before(routine) => {
                // Render its phrases while the cautions are read.
                self.prepare_sound(&routine);
                Box::new(before::Before::new(routine))
            }
            Route::Player {
                routine,
                pain_before,
            } => {
                let opts = Options {
                    get_ready: self.env.get_ready,
                };
                let run =
                    self.start_run(|id| Session::new(&routine, opts, id, now), pain_before, now);
                Box::new(player::Player::new(run))
            }
            Route::BreathingSetup => Box::new(breathe::Setup::new(&self.env.ctx())),
            Route::BreathingRating { pattern, length } => {
                Box::new(breathe::Rate::new(pattern, length))
            }
            Route::Breathing {
                pattern,
                length,
                pain_before,
            } => {
                let opts = Options {
                    get_ready: breathing_get_ready(self.env.get_ready),
                };
                let run = self.start_run(
                    |id| Session::breathing(&pattern, length, opts, id, now),
                    pain_before,
                    now,
                );
                Box::new(player::Player::new(run))
            }
            Route::Finish(record) => {
                let problem = self.runner.save_problem(&record.id);
                Box::new(finish::Finish::new(*record, problem, &self.env.ctx()))
            }
            Route::History => {
                let mut screen = history::History::new(&self.env.ctx());
                let (skipped, problem) = match self.env.paths.data.as_deref() {
                    Some(dir) => {
                        match store::for_each(dir, store::Detail::NoSteps, |r| screen.add(&r)) {
                            Ok(w) => (store::unreadable_lines(&w), None),
                            Err(e) => (Vec::new(), Some(e.to_string())),
                        }
                    }
                    None => (Vec::new(), None),
                };
                Box::new(screen.loaded(skipped, problem))
            }
            Route::SessionDetail(id) => {
                let dir = self.env.paths.data.as_deref().ok_or("no data directory")?;
                match store::find(dir, &id).map_err(|e| e.to_string())? {
                    Some(record) => Box::new(history::SessionDetail::new(record, &self.env.ctx())),
                    None => return Err("That session is no longer in the history file.".into()),
                }
            }
            Route::Stats { period } => {
                let ctx = self.env.ctx();
                let now = (ctx.wall)();
                let mut opts = StatsOptions::new(ctx.weekly_goal);
                opts.since = period.since(&now);
                let mut b = StatsBuilder::new(&now, opts);
                let mut sessions = SessionDays::new(now.time_zone().clone());
                let read = self.env.paths.data.as_deref().map(|dir| {
                    store::for_each(dir, store::Detail::Figures, |r| {
                        b.add(&r);
                        sessions.add(&r);
                    })
                    .map(|w| store::unreadable_lines(&w))
                    .map_err(|e| e.to_string())
                });
                // The 4-week view: headache days beside the sessions, as `stats` prints it.
                let days = self.env.paths.data.as_deref().and_then(|dir| {
                    let (log, _) = crate::store::days::load(dir).ok()?;
                    Some(summarize(
                        &log.answers,
                        &sessions,
                        now.date(),
                        STATS_WINDOWS,
                        None,
                    ))
                });
                let screen = stats::StatsView::new(b.finish(), read, &ctx)
                    .with_period(period)
                    .with_days(days);
                Box::new(screen)
            }
        })
    }

    /// Starts a session now: its record id, the wall clock at its first instant, and its
    /// in-progress snapshot from the first second.
    fn start_run(
        &mut self,
        make: impl FnOnce(String) -> Session,
        pain: Option<u8>,
        now: Instant,
    ) -> Run {
        let wall = (self.env.wall)();
        let session = make(store::new_id(wall.timestamp()));
        let mut run = self
            .with_sound(Run::new(session, wall, pain), now)
            .with_hooks(self.runner.hook_events());
        self.perform(vec![run.begin()], now);
        let hooks = run.start_hooks();
        self.perform(hooks, now);
        run
    }

    /// Writes the tones and renders the routine's phrases (once; kept for its session).
    fn prepare_sound(&mut self, routine: &crate::model::routine::Routine) -> SpeechLengths {
        if let Some((id, lens)) = &self.env.prepared
            && *id == routine.id
        {
            return lens.clone();
        }
        let lens = self.env.audio.prepare(routine);
        self.env.prepared = Some((routine.id.clone(), lens.clone()));
        lens
    }

    /// The session's sound plan, as the settings, the routine's hint and what was found
    /// allow; a notice on the status line when something is missing (once a run).
    fn with_sound(&mut self, run: Run, now: Instant) -> Run {
        let routine = run.session.routine().clone();
        let lens = self.prepare_sound(&routine);
        let opts = self.env.audio.options(routine.audio);
        if let Some(n) = self.env.audio.take_notice() {
            self.env.status = Some(n);
        }
        let mut cues = Cues::new(&run.session, now, opts, lens);
        if self.env.muted {
            cues.set_muted(true, now);
        }
        run.with_cues(cues)
    }
}
