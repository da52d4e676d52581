//! Turns a [`Route`] into a screen, asking for what it shows (history rows, stats, one
//! record: read off the UI thread, see `app::reads`) and starting what it runs (a session
//! and its snapshot).

use std::time::Instant;

use crate::app::reads::{Done, Read};
use crate::app::session::{self, What};
use crate::app::{App, Route, Screen};
use crate::core::period::Period;
use crate::core::run::Run;
use crate::core::stats::{StatsBuilder, StatsOptions};
use crate::model::record::Before;
use crate::screens::reading::Reading;
use crate::screens::{before, breathe, finish, first_run, history, home, player, record, stats};
use crate::store::history::HistoryError;

/// Why a screen cannot be shown; said on the status line.
#[derive(Debug, thiserror::Error)]
pub enum Unshown {
    #[error("There is no data folder to read the history from.")]
    NoDataFolder,
    #[error("That session is no longer in the history file.")]
    SessionGone,
    #[error(transparent)]
    History(#[from] HistoryError),
}

impl App {
    /// The screen for `route`, or why it cannot be shown (for the status line).
    pub(crate) fn build(&mut self, route: Route, now: Instant) -> Result<Box<dyn Screen>, Unshown> {
        let wall = self.s.wall();
        Ok(match route {
            Route::Home => Box::new(home::Home::new(&self.s.ctx(&wall))),
            Route::Notice { review, then } => Box::new(first_run::FirstRun::new(review, then)),
            Route::Before(routine) => {
                // Render its phrases while the cautions are read.
                self.s.perform.sound.prepare(&routine);
                Box::new(before::Before::new(routine))
            }
            Route::Player { routine, before } => {
                let run = self.start_run(What::Routine(&routine), before, now);
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
                let run = self.start_run(what, Before::rated(pain_before), now);
                Box::new(player::Player::new(run))
            }
            Route::Finish(record) => {
                let problem = self.s.perform.store.save_problem(&record.id);
                Box::new(finish::Finish::new(*record, problem, &self.s.ctx(&wall)))
            }
            // The three screens that show the history: read on a thread of their own (see
            // `app::reads`), a stand-in showing meanwhile.
            Route::History { period } => self.history(period, &wall),
            Route::SessionDetail(id) => {
                let dir = self.s.paths.data.clone().ok_or(Unshown::NoDataFolder)?;
                let ticket = self.ticket();
                self.ask(Read::Session { ticket, dir, id });
                Box::new(Reading::new("Session", ticket))
            }
            Route::Stats {
                period,
                view,
                heat_days,
            } => self.stats(period, (view, heat_days), &wall),
        })
    }

    /// The history over `period`, read without steps (the detail view reads one session
    /// in full) on a thread of its own.
    fn history(&mut self, period: Period, wall: &jiff::Zoned) -> Box<dyn Screen> {
        let screen = Box::new(history::History::new(period, &self.s.ctx(wall)));
        let Some(dir) = self.s.paths.data.clone() else {
            return Box::new((*screen).loaded(Vec::new(), None));
        };
        let ticket = self.ticket();
        self.ask(Read::History {
            ticket,
            dir,
            screen,
        });
        Box::new(Reading::new("History", ticket))
    }

    /// The stats for `period`, by the same query as `knotless stats` (the two always
    /// agree), on a thread of its own.
    fn stats(
        &mut self,
        period: Period,
        (view, heat_days): (stats::View, bool),
        wall: &jiff::Zoned,
    ) -> Box<dyn Screen> {
        let ctx = self.s.ctx(wall);
        let opts = StatsOptions::for_period(ctx.settings.weekly_goal, period, ctx.now);
        let Some(dir) = self.s.paths.data.clone() else {
            let empty = StatsBuilder::new(ctx.now, opts).finish();
            return Box::new(
                stats::StatsView::new(empty, &ctx)
                    .with_period(period)
                    .with_view(view, heat_days),
            );
        };
        let ticket = self.ticket();
        let now = wall.clone();
        self.ask(Read::Stats {
            ticket,
            dir,
            now,
            opts,
            period,
            view,
            heat_days,
        });
        Box::new(Reading::new("Stats", ticket))
    }

    /// A read finished: its screen takes the place of the stand-in that waited for it, if
    /// that is still open (the user may have left it meanwhile: then it is dropped).
    pub(crate) fn screen_read(&mut self, done: Done) {
        let (ticket, built) = match done {
            Done::History { ticket, screen } => (ticket, Ok(screen as Box<dyn Screen>)),
            Done::Session { ticket, found } => (ticket, self.session_detail(found)),
            Done::Stats {
                ticket,
                period,
                view,
                heat_days,
                figures,
            } => {
                let screen = self.stats_view(period, (view, heat_days), *figures);
                (ticket, Ok(screen))
            }
            Done::Figures(_) | Done::Days { .. } => return,
        };
        let Some(at) = self.stack.iter().position(|s| s.awaits() == Some(ticket)) else {
            return;
        };
        match built {
            Ok(screen) => self.stack[at] = screen,
            Err(why) => {
                self.s.status = Some(why.to_string());
                self.stack.remove(at);
                if self.stack.is_empty() {
                    let home = self.build_or_home(Route::Home, Instant::now());
                    self.stack.push(home);
                }
            }
        }
    }

    /// One session's detail view, or why it cannot be shown.
    fn session_detail(
        &self,
        found: Result<Option<crate::model::record::SessionRecord>, HistoryError>,
    ) -> Result<Box<dyn Screen>, Unshown> {
        let wall = self.s.wall();
        match found? {
            Some(record) => Ok(Box::new(record::SessionDetail::new(
                record,
                &self.s.ctx(&wall),
            ))),
            None => Err(Unshown::SessionGone),
        }
    }

    /// The Stats screen for `period`, opening on `view` (its calendar showing the answered
    /// days when `heat_days`), from what was read.
    fn stats_view(
        &self,
        period: Period,
        (view, heat_days): (stats::View, bool),
        figures: crate::app::reads::StatsRead,
    ) -> Box<dyn Screen> {
        let wall = self.s.wall();
        let ctx = self.s.ctx(&wall);
        let opts = StatsOptions::for_period(ctx.settings.weekly_goal, period, ctx.now);
        let stats = figures
            .stats
            .unwrap_or_else(|| StatsBuilder::new(ctx.now, opts).finish());
        Box::new(
            stats::StatsView::new(stats, &ctx)
                .with_read(figures.read)
                .with_day_problem(figures.day_problem, figures.day_skipped)
                .with_period(period)
                .with_days(figures.four_weeks)
                .with_chart(figures.chart, figures.entries)
                .with_sessions(figures.sessions)
                .with_view(view, heat_days),
        )
    }

    /// Starts a session now, as plain mode does (`session::start`), and shows what that
    /// changed (a sound notice, a snapshot that could not be written).
    fn start_run(&mut self, what: What<'_>, before: Before, now: Instant) -> Run {
        let wall = self.s.wall();
        let (run, changed) = session::start(
            &mut self.s.perform,
            &self.s.settings,
            what,
            before,
            now,
            wall,
        );
        self.show(changed, now);
        run
    }
}
