//! `knotless log WHAT`: a session done elsewhere (a massage therapist, a physio).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use jiff::Timestamp;

use crate::cli::{CliError, Outcome, data_dir};
use crate::store::paths::Paths;

pub fn run(
    paths: &Paths,
    what: &str,
    at: Option<Timestamp>,
    length: Duration,
    note: Option<String>,
    out: &mut dyn Write,
) -> Outcome {
    let now = crate::files::now();
    // The name is one line of text on every screen: what a screen cannot show (control,
    // zero-width and direction characters) is left out, and a name of nothing else refused.
    let what: String = what
        .chars()
        .filter(|&c| !c.is_control() && !crate::model::format::is_unsafe_char(c))
        .collect();
    let what = what.as_str();
    if what.trim().is_empty() {
        return Err("say what it was, e.g. knotless log \"massage therapist\"".into());
    }
    // Without --at, it ended just now.
    let start = at.unwrap_or_else(|| {
        now.timestamp() - jiff::SignedDuration::try_from(length).unwrap_or_default()
    });
    crate::core::when::check_logged_end(start, length, &now)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    // Its id begins with when it began, as a session run here does (`amend` takes that start).
    let id = crate::store::history::new_id(start);
    let rec =
        crate::cli::review::external_record(what.trim(), start, length, note, now.time_zone(), id);
    crate::store::history::append(data_dir(paths)?, &rec).map_err(|e| e.to_string())?;
    let when = crate::model::format::fmt_day_time(&start.to_zoned(now.time_zone().clone()), &now);
    writeln!(
        out,
        "Logged \"{}\" on {when} ({}).",
        rec.title,
        crate::model::format::fmt_length(length)
    )?;
    Ok(ExitCode::SUCCESS)
}
