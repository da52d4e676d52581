//! `knotless history`: past sessions as a table (newest first), CSV or JSON lines.

use std::io::Write;
use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::review::{self, HistoryFormat, HistoryQuery};
use crate::cli::{Outcome, data_dir, warn_history};
use crate::store::history::{Detail, Reading, Records};
use crate::store::paths::Paths;

pub fn run(
    paths: &Paths,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    routine: Option<String>,
    format: HistoryFormat,
    out: &mut dyn Write,
) -> Outcome {
    let now = crate::files::now();
    let query = HistoryQuery {
        since,
        until,
        routine,
        area: None,
    };
    let detail = match format {
        HistoryFormat::Table | HistoryFormat::Csv => Detail::NoSteps,
        HistoryFormat::Jsonl => Detail::Full,
    };
    // Streamed: the records go straight from the file to the output (the table keeps only
    // a short row per session), so memory stays small however long the history is. CSV is
    // oldest first across every machine's file: read all at once, oldest first, it streams
    // too (unless a file is out of order: then its rows are held and sorted).
    let oldest_first = matches!(format, HistoryFormat::Csv);
    let mut records = Records::open_read(data_dir(paths)?, detail, oldest_first, Reading::Ahead)
        .map_err(|e| e.to_string())?;
    let by_time = records.by_time();
    let mut failed = None;
    // Each record is given back once written, for the next to be read into.
    let back = records.give_back();
    let mut shown = 0usize;
    let matching = records
        .by_ref()
        .map_while(|r| r.map_err(|e| failed = Some(e)).ok())
        .map(|r| back.lend(r))
        .filter(|r| query.matches(r))
        .inspect(|_| shown += 1);
    match format {
        HistoryFormat::Csv if by_time => {
            review::write_csv_oldest_first(out, matching, now.time_zone())?;
        }
        _ => review::write_history(out, matching, format, &now)?,
    }
    if let Some(e) = failed {
        return Err(e.to_string().into());
    }
    warn_history(records.warnings());
    // Nothing of a routine no file has: most likely a mistyped id, not an empty history.
    if let Some(id) = &query.routine
        && shown == 0
        && crate::library::Library::load(paths.config_dir())
            .routine(id)
            .is_none()
    {
        let _ = writeln!(
            crate::cli::stderr(),
            "note: no routine has the id \"{id}\" (`knotless list` shows them; a routine since removed is still found by its id)"
        );
    }
    Ok(ExitCode::SUCCESS)
}
