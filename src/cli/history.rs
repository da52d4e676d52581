//! `knotless history`: past sessions as a table (newest first), CSV or JSON lines.

use std::io::Write;
use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::review::{self, HistoryFormat, HistoryQuery};
use crate::cli::{Outcome, data_dir, warn_history};
use crate::store::history::{Detail, Records};
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
    // a short row per session), so memory stays small however long the history is.
    let mut records = Records::open(data_dir(paths)?, detail).map_err(|e| e.to_string())?;
    let mut failed = None;
    let matching = records
        .by_ref()
        .map_while(|r| r.map_err(|e| failed = Some(e)).ok())
        .filter(|r| query.matches(r));
    review::write_history(out, matching, format, &now)?;
    if let Some(e) = failed {
        return Err(e.to_string().into());
    }
    warn_history(records.warnings());
    Ok(ExitCode::SUCCESS)
}
