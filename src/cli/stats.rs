//! `knotless stats`: the Stats screen's figures for a period, as text or JSON, read by the
//! same query as the screen (`store::figures`).

use std::io::Write;
use std::process::ExitCode;

use jiff::civil::Date;

use crate::cli::{Outcome, data_dir, days};
use crate::core::period::Period;
use crate::core::stats::StatsOptions;
use crate::store::paths::Paths;

pub fn run(
    paths: &Paths,
    period: Period,
    since: Option<jiff::Timestamp>,
    json: bool,
    started: Option<Date>,
    out: &mut dyn Write,
) -> Outcome {
    let now = crate::files::now();
    crate::cli::nonempty_period(since, None, &now)?;
    let goal = crate::library::Library::config_only(paths.config_dir()).weekly_goal;
    let opts = match since {
        Some(since) => StatsOptions::since_day(goal, since, &now),
        None => StatsOptions::for_period(goal, period, &now),
    };
    let f = crate::store::figures::stats(
        (data_dir(paths)?, crate::store::history::Reading::Ahead),
        &now,
        opts,
        crate::core::days::STATS_WINDOWS,
        started,
    )
    .map_err(|e| e.to_string())?;
    days::warn_read(
        &f.warnings,
        &f.day_warnings,
        f.day_problem.as_deref(),
        "the headache-day windows",
    );
    if json {
        let both = days::StatsJson {
            stats: &f.stats,
            headache_days: f.four_weeks.as_ref(),
        };
        serde_json::to_writer_pretty(&mut *out, &both).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        crate::cli::review::write_stats_text(out, &f.stats)?;
        if let Some(w) = &f.four_weeks {
            days::write_text(out, w)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
