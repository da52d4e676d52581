//! Turns a [`Route`] into a screen, loading what the screen shows (history rows, stats,
//! one record) and starting what it runs (a session and its snapshot).

use std::time::Instant;

use crate::app::session::{self, What};
use crate::app::{App, Route, Screen};
use crate::core::days::STATS_WINDOWS;
use crate::core::period::Period;
use crate::core::run::Run;
use crate::core::stats::{StatsBuilder, StatsOptions};
use crate::screens::{before, breathe, finish, first_run, history, home, player, stats};
use crate::store::figures;
use crate::store::history as store;

impl App {
    /// The screen for `route`, or why it cannot be shown (for the status line).
    pub(crate) fn build(&mut self, route: Route, now: Instant) -> Result<Box<dyn Screen>, String> {
        let wall = self.s.wall();
        Ok(match route {
            Route::Home => Box::new(home::Home::new(&self.s.ctx(&wall))),
            Route::Notice { review, then } => Box::new(first_run::FirstRun::new(review, then)),
            Route::Before(routine) => {
                // Render its phrases while the cautions are read.
                self.s.perform.sound.prepare(&routine);
                Box::new(before::Before::new(routine))
            }
            Route::Player {
                routine,
                pain_before,
            } => {
                let run = self.start_run(What::Routine(&routine), pain_before, now);
                Box::new(player::Player::new(run))
            }
            Route::BreathingSetup => Box::new(breathe::Setup::new(&self.s.ctx(&wall))),
            Route::BreathingRating { pattern, length } => {
                Box::new(breathe::Rate::new(pattern, length))
            }
            Route::Breathing {
                pattern,
                length,
                pain_before,
            } => {
                let what = What::Breathing {
                    pattern: &pattern,
                    length,
                };
                let run = self.start_run(what, pain_before, now);
                Box::new(player::Player::new(run))
            }
            Route::Finish(record) => {
                let problem = self.s.perform.store.save_problem(&record.id);
                Box::new(finish::Finish::new(*record, problem, &self.s.ctx(&wall)))
            }
            Route::History { period } => Box::new(self.history(period, &wall)),
            Route::SessionDetail(id) => {
                let dir = self.s.paths.data.as_deref().ok_or("no data directory")?;
                match store::find(dir, &id).map_err(|e| e.to_string())? {
                    Some(record) => {
                        Box::new(history::SessionDetail::new(record, &self.s.ctx(&wall)))
                    }
                    None => return Err("That session is no longer in the history file.".into()),
                }
            }
            Route::Stats { period, view } => Box::new(self.stats(period, &wall).with_view(view)),
        })
    }

    /// The history over `period`, read without steps (the detail view reads one session
    /// in full).
    fn history(&self, period: Period, wall: &jiff::Zoned) -> history::History {
        let mut screen = history::History::new(period, &self.s.ctx(wall));
        let (skipped, problem) = match self.s.paths.data.as_deref() {
            Some(dir) => match store::for_each(dir, store::Detail::NoSteps, |r| screen.add(&r)) {
                Ok(w) => (store::unreadable_lines(&w), None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            },
            None => (Vec::new(), None),
        };
        screen.loaded(skipped, problem)
    }

    /// The stats for `period`, by the same query as `knotless stats`: the two always agree.
    fn stats(&self, period: Period, wall: &jiff::Zoned) -> stats::StatsView {
        let ctx = self.s.ctx(wall);
        let opts = StatsOptions::for_period(ctx.settings.weekly_goal, period, ctx.now);
        let empty = || StatsBuilder::new(ctx.now, opts.clone()).finish();
        let (stats, read, f) = match self.s.paths.data.as_deref() {
            Some(dir) => match figures::stats(dir, ctx.now, opts.clone(), STATS_WINDOWS, None) {
                Ok(f) => {
                    let read = Some(Ok(store::unreadable_lines(&f.warnings)));
                    (f.stats, read, Some((f.four_weeks, f.chart, f.marks)))
                }
                Err(e) => (empty(), Some(Err(e.to_string())), None),
            },
            None => (empty(), None, None),
        };
        let (days, chart, marks) = f.unwrap_or_default();
        stats::StatsView::new(stats, read, &ctx)
            .with_period(period)
            .with_days(days)
            .with_chart(chart, marks)
    }

    /// Starts a session now, as plain mode does (`session::start`), and shows what that
    /// changed (a sound notice, a snapshot that could not be written).
    fn start_run(&mut self, what: What<'_>, pain: Option<u8>, now: Instant) -> Run {
        let wall = self.s.wall();
        let (run, changed) =
            session::start(&mut self.s.perform, &self.s.settings, what, pain, now, wall);
        self.show(changed, now);
        run
    }
}
