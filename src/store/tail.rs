//! The end of the history files, read backwards: what `knotless nudge` looks at.
//!
//! A prompt runs the nudge many times a day, so its cost must not grow with the history:
//! the file is read from its end in 64 KiB blocks, only the fields the nudge needs are
//! parsed, and reading stops at the look-back limit. Amendments (ratings given after a
//! session) come after their record in the file, so reading backwards meets them first and
//! merges them in when the record arrives. Lines that cannot be read are skipped silently
//! here; the full readers (`history`, `stats`) report them.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;

use crate::core::nudge::Seen;
use crate::files;
use crate::model::record::{Kind, Outcome, Stamp};
use crate::store::history::{HistoryError, MAX_LINE, history_files};

/// Records older than `since` in a row before reading stops (back-filled `log --at` records
/// and recovered sessions can sit after newer ones; this many in a row means we are past them).
const OLD_STREAK: u32 = 64;

/// One line, record or amendment; serde skips every other field (the steps) without keeping it.
#[derive(Deserialize)]
struct Line {
    id: Option<String>,
    amends: Option<String>,
    kind: Option<Kind>,
    routine_id: Option<String>,
    area: Option<String>,
    started_at: Option<String>,
    ended_at: Option<String>,
    outcome: Option<Outcome>,
    pain_before: Option<u8>,
    pain_after: Option<u8>,
}

/// The sessions that started at or after `since`, newest first, at most `max` of them,
/// with later ratings merged in. Every history file is read (the older single file, each
/// machine's, sync conflict copies), each from its end; a record in two files counts once.
/// No history at all is empty.
pub fn tail(data_dir: &Path, since: Timestamp, max: usize) -> Result<Vec<Seen>, HistoryError> {
    let files = history_files(data_dir).map_err(|source| HistoryError::Read {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let mut scan = Scan {
        since,
        max,
        out: Vec::new(),
        ids: HashSet::new(),
        ratings: HashMap::new(),
        old_streak: 0,
        in_file: 0,
    };
    for path in files {
        let fail = |source| HistoryError::Read {
            path: path.clone(),
            source,
        };
        // Never blocks on a FIFO, never reads a device: a regular file or an error.
        let mut file = match files::open_regular(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(fail(e)),
        };
        // Each file is in time order on its own.
        scan.old_streak = 0;
        scan.in_file = 0;
        files::lines_backwards(&mut file, MAX_LINE, |line| scan.line(line)).map_err(fail)?;
    }
    // Ratings given later, possibly on another machine, in another file.
    let Scan {
        mut out,
        mut ratings,
        ..
    } = scan;
    for (id, seen) in &mut out {
        if let Some((b, a)) = ratings.remove(id.as_str()) {
            seen.pain_before = b.or(seen.pain_before);
            seen.pain_after = a.or(seen.pain_after);
        }
    }
    let mut out: Vec<Seen> = out.into_iter().map(|(_, s)| s).collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.started));
    out.truncate(max);
    Ok(out)
}

struct Scan {
    since: Timestamp,
    max: usize,
    /// Each session with its record id.
    out: Vec<(String, Seen)>,
    ids: HashSet<String>,
    /// Ratings from amendments, by record id: the first met reading backwards (the latest
    /// in its file) wins, field by field.
    ratings: HashMap<String, (Option<u8>, Option<u8>)>,
    old_streak: u32,
    /// Sessions taken from the current file.
    in_file: usize,
}

impl Scan {
    /// Takes one line; true once reading this file can stop.
    fn line(&mut self, bytes: &[u8]) -> bool {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return false;
        }
        let Ok(l) = serde_json::from_slice::<Line>(bytes) else {
            return false;
        };
        if let Some(target) = l.amends {
            let r = self.ratings.entry(target).or_default();
            r.0 = r.0.or(l.pain_before);
            r.1 = r.1.or(l.pain_after);
            return false;
        }
        let (Some(id), Some(kind), Some(routine_id), Some(area), Some(s), Some(e), Some(outcome)) = (
            l.id,
            l.kind,
            l.routine_id,
            l.area,
            l.started_at,
            l.ended_at,
            l.outcome,
        ) else {
            return false;
        };
        // Read as every other reader reads them (a time without an offset is not a record).
        let (Some(started), Some(ended)) = (Stamp::parse(&s), Stamp::parse(&e)) else {
            return false;
        };
        let (started, ended) = (started.timestamp(), ended.timestamp());
        if started < self.since {
            self.old_streak += 1;
            return self.old_streak >= OLD_STREAK;
        }
        self.old_streak = 0;
        if !self.ids.insert(id.clone()) {
            return false;
        }
        self.out.push((
            id,
            Seen {
                kind,
                routine_id,
                area,
                started,
                ended,
                outcome,
                pain_before: l.pain_before,
                pain_after: l.pain_after,
            },
        ));
        self.in_file += 1;
        self.in_file >= self.max
    }
}
