//! `knotless amend ID`: add what was not said at the time to a past session — how the head
//! was before or after, or a note. Appended as an amendment line (the record itself is never
//! rewritten); readers merge it, the latest given winning.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{CliError, Outcome, data_dir};
use crate::model::record::{Amendment, SessionRecord};
use crate::store::history::{self, Detail};
use crate::store::paths::Paths;

/// What to add: at least one of them (clap makes sure).
pub struct AmendArgs {
    pub id: String,
    pub before: Option<u8>,
    pub after: Option<u8>,
    pub note: Option<String>,
}

pub fn run(paths: &Paths, args: AmendArgs, out: &mut dyn Write) -> Outcome {
    let note = match args.note.as_deref().map(str::trim) {
        Some("") => return Err("the note is empty: say something, or leave --note out".into()),
        other => other.map(str::to_string),
    };
    let dir = data_dir(paths)?;
    let record = find(dir, &args.id)?;
    let now = crate::files::now();
    let mut amendment = Amendment::after(&record.id, args.after, note, &now);
    amendment.pain_before = args.before;
    history::amend(dir, &amendment).map_err(|e| e.to_string())?;
    let when = record
        .started_at
        .timestamp()
        .to_zoned(now.time_zone().clone());
    writeln!(
        out,
        "Amended \"{}\" of {}: {}.",
        record.title,
        crate::model::format::fmt_day_time(&when, &now),
        said(&amendment)
    )?;
    Ok(ExitCode::SUCCESS)
}

/// "head after 3, note saved".
fn said(a: &Amendment) -> String {
    let mut parts = Vec::new();
    if let Some(b) = a.pain_before {
        parts.push(format!("head before {b}"));
    }
    if let Some(p) = a.pain_after {
        parts.push(format!("head after {p}"));
    }
    if a.note.is_some() {
        parts.push("note saved".to_string());
    }
    parts.join(", ")
}

/// The session `query` names: its record id, the one id that starts with it, or `last`
/// (the session that started last).
fn find(dir: &std::path::Path, query: &str) -> Result<SessionRecord, CliError> {
    let query = query.trim();
    let last = query == "last";
    let mut exact = None;
    let mut starts: Vec<SessionRecord> = Vec::new();
    let mut newest: Option<SessionRecord> = None;
    history::for_each(dir, Detail::NoSteps, |r| {
        if last {
            if newest.as_ref().is_none_or(|n| r.started() >= n.started()) {
                newest = Some(r);
            }
        } else if r.id == query {
            exact = Some(r);
        } else if !query.is_empty() && r.id.starts_with(query) && starts.len() < 2 {
            starts.push(r);
        }
    })
    .map_err(|e| e.to_string())?;
    if last {
        return newest.ok_or_else(|| "there are no sessions in the history yet".into());
    }
    if let Some(r) = exact {
        return Ok(r);
    }
    match starts.len() {
        1 => Ok(starts.remove(0)),
        0 => Err(format!(
            "no session has the id \"{query}\" (`knotless history --format csv` lists each \
             session's id; `last` is the newest)"
        )
        .into()),
        _ => Err(
            format!("more than one session's id starts with \"{query}\": give more of it").into(),
        ),
    }
}
