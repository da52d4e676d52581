//! One file per screen: its state, how keys change it, and how it is drawn.

pub mod before;
pub mod breathe;
pub mod finish;
pub mod first_run;
pub mod help;
pub mod history;
pub mod home;
pub mod player;
pub mod stats;

/// Enter on a routine: its cautions and the before-rating, then the player.
pub fn open_routine(
    _env: &mut crate::app::Env,
    routine: crate::model::routine::Routine,
) -> crate::app::Nav {
    crate::app::Nav::Open(Box::new(before::Before::new(routine)))
}

/// Starts the player for `routine`, replacing the screen that asked.
pub fn start_player(
    env: &mut crate::app::Env,
    routine: crate::model::routine::Routine,
    pain_before: Option<u8>,
    now: std::time::Instant,
) -> crate::app::Nav {
    let player = player::Player::routine(env, &routine, pain_before, now);
    crate::app::Nav::Replace(Box::new(player))
}

pub fn open_breathing(env: &mut crate::app::Env) -> crate::app::Nav {
    crate::app::Nav::Open(Box::new(breathe::Setup::new(env)))
}

pub fn open_history(env: &mut crate::app::Env) -> crate::app::Nav {
    crate::app::Nav::Open(Box::new(history::History::open(env)))
}

pub fn open_stats(env: &mut crate::app::Env) -> crate::app::Nav {
    crate::app::Nav::Open(Box::new(stats::StatsView::open(env)))
}

pub fn make_home(env: &mut crate::app::Env) -> Box<dyn crate::app::View> {
    Box::new(home::Home::new(env))
}

/// Runs once after the first frame: reads what the header and detail pane need from the
/// history, which can be large, so the first frame never waits for it.
pub fn warm_up(env: &mut crate::app::Env) {
    refresh_history(env);
}

/// Re-reads what the home screen shows from the history: the header line (read from the
/// end of the file, cheap at any size) and each routine's last-done line.
pub fn refresh_history(env: &mut crate::app::Env) {
    use crate::core::stats::{StatsBuilder, StatsOptions, week_start};
    use crate::store::history::{self, Detail};
    let Some(dir) = env.data_dir() else { return };
    let now = (env.wall)();
    if let Ok(recent) = history::recent(&dir, week_start(&now).timestamp()) {
        env.header = Some(crate::cli::review::home_header(
            &recent,
            &now,
            env.weekly_goal,
        ));
    }
    let mut b = StatsBuilder::new(&now, StatsOptions::new(env.weekly_goal));
    if history::for_each(&dir, Detail::NoSteps, |r| b.add(&r)).is_ok() {
        env.done = b
            .finish()
            .routines
            .into_iter()
            .map(|r| {
                let info = crate::app::DoneInfo {
                    last: r.last_at,
                    count: r.sessions,
                    pain_change: r.pain.change_avg.map(|c| (c, r.pain.change_n)),
                };
                (r.routine_id, info)
            })
            .collect();
    }
}
