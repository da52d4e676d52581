//! The end of the history files, read backwards: what `knotless nudge` looks at.
//!
//! A prompt runs the nudge many times a day, so its cost must not grow with the history:
//! the file is read from its end in 64 KiB blocks, only the fields the nudge needs are
//! parsed, and reading stops at the look-back limit. Amendments (ratings given after a
//! session) come after their record in the file, so reading backwards meets them first and
//! merges them in when the record arrives. Lines that cannot be read are skipped silently
//! here; the full readers (`history`, `stats`) report them.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;

use crate::core::nudge::Seen;
use crate::files;
use crate::model::record::{Outcome, Stamp};
use crate::store::history::{self, Detail, FUTURE_SLACK, HistoryError, MAX_LINE, history_files};

/// Records older than `since` in a row before reading stops (back-filled `log --at` records
/// and recovered sessions can sit after newer ones; this many in a row means we are past them).
const OLD_STREAK: u32 = 64;

/// An amendment line; serde skips every other field without keeping it. (A record line is
/// taken by the rule every reader applies, [`history::accept`].)
#[derive(Deserialize)]
struct AmendLine {
    amends: String,
    pain_before: Option<u8>,
    pain_after: Option<u8>,
    /// When it was given.
    at: Option<String>,
}

/// A rating from an amendment and when it was given (none readable: older than any).
type Rated = Option<(u8, Timestamp)>;

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
        ids: HashMap::new(),
        ratings: HashMap::new(),
        old_streak: 0,
        in_file: 0,
        future: Timestamp::now() + FUTURE_SLACK,
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
            seen.pain_before = b.map(|(p, _)| p).or(seen.pain_before);
            seen.pain_after = a.map(|(p, _)| p).or(seen.pain_after);
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
    /// Where each id is in `out`.
    ids: HashMap<String, usize>,
    /// Ratings from amendments, by record id, field by field: the one given last (by its
    /// `at`, whichever file holds it); of two given at once, the first met reading
    /// backwards (the later in its file).
    ratings: HashMap<String, (Rated, Rated)>,
    old_streak: u32,
    /// Sessions taken from the current file.
    in_file: usize,
    /// Records starting after this are left out, as every reader leaves them out.
    future: Timestamp,
}

impl Scan {
    /// Takes one line; true once reading this file can stop.
    fn line(&mut self, bytes: &[u8]) -> bool {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return false;
        }
        if memchr::memmem::find(bytes, b"\"amends\"").is_none() {
            return self.record(bytes);
        }
        if let Ok(l) = serde_json::from_slice::<AmendLine>(bytes) {
            let target = l.amends;
            let at =
                l.at.as_deref()
                    .and_then(Stamp::parse)
                    .map_or(Timestamp::MIN, |s| s.timestamp());
            let r = self.ratings.entry(target).or_default();
            let later = |old: &mut Rated, new: Option<u8>| {
                if let Some(p) = new
                    && old.is_none_or(|(_, t)| at > t)
                {
                    *old = Some((p, at));
                }
            };
            later(&mut r.0, l.pain_before);
            later(&mut r.1, l.pain_after);
        }
        false
    }

    /// Takes one record line, as every other reader takes it (what they skip or leave out
    /// is never suggested from here); true once reading this file can stop.
    fn record(&mut self, bytes: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return false;
        };
        let Ok(r) = history::accept(text, Detail::Figures, self.future) else {
            return false;
        };
        let (started, ended, id, outcome) = (r.started(), r.ended(), r.id, r.outcome);
        if started < self.since {
            self.old_streak += 1;
            return self.old_streak >= OLD_STREAK;
        }
        self.old_streak = 0;
        let rating = |p: Option<u8>| p.filter(|p| *p <= 10);
        let seen = Seen {
            kind: r.kind,
            routine_id: r.routine_id,
            area: r.area,
            started,
            ended,
            outcome,
            pain_before: rating(r.pain_before),
            pain_after: rating(r.pain_after),
        };
        // A session in two files: its final record counts over one a recovery logged as
        // interrupted, whichever is met first.
        if let Some(&i) = self.ids.get(&id) {
            if self.out[i].1.outcome == Outcome::Interrupted && outcome != Outcome::Interrupted {
                self.out[i].1 = seen;
            }
            return false;
        }
        self.ids.insert(id.clone(), self.out.len());
        self.out.push((id, seen));
        self.in_file += 1;
        self.in_file >= self.max
    }
}
