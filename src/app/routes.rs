//! Turns a [`Route`] into a screen, loading what the screen shows (history rows, stats,
//! one record) and starting what it runs (a session and its snapshot).

use std::time::Instant;

use crate::app::{App, Route, Screen};
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
            Route::Before(routine) => Box::new(before::Before::new(routine)),
            Route::Player {
                routine,
                pain_before,
            } => {
                let opts = Options {
                    get_ready: self.env.get_ready,
                };
                let run = self.start_run(|id| Session::new(&routine, opts, id, now), pain_before);
                Box::new(player::Player::new(run))
            }
            Route::BreathingSetup => Box::new(breathe::Setup::new(&self.env.ctx())),
            Route::Breathing { pattern, length } => {
                let opts = Options {
                    get_ready: breathing_get_ready(self.env.get_ready),
                };
                let run = self.start_run(
                    |id| Session::breathing(&pattern, length, opts, id, now),
                    None,
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
            Route::Stats => {
                let ctx = self.env.ctx();
                let now = (ctx.wall)();
                let mut b = StatsBuilder::new(&now, StatsOptions::new(ctx.weekly_goal));
                let read = self.env.paths.data.as_deref().map(|dir| {
                    store::for_each(dir, store::Detail::Figures, |r| b.add(&r))
                        .map(|w| store::unreadable_lines(&w))
                        .map_err(|e| e.to_string())
                });
                Box::new(stats::StatsView::new(b.finish(), read, &ctx))
            }
        })
    }

    /// Starts a session now: its record id, the wall clock at its first instant, and its
    /// in-progress snapshot from the first second.
    fn start_run(&mut self, make: impl FnOnce(String) -> Session, pain: Option<u8>) -> Run {
        let wall = (self.env.wall)();
        let session = make(store::new_id(wall.timestamp()));
        let run = Run::new(session, wall, pain);
        self.perform(vec![run.begin()]);
        run
    }
}
