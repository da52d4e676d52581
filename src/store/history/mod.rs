//! The append-only session log `<data>/history.jsonl`, and the in-progress snapshots that
//! let a session killed mid-way still be logged (PRODUCT.md section 6).
//!
//! Writing: each record or amendment is one line, written with a single `write_all` on a
//! file opened in append mode and then synced, so two instances appending at once interleave
//! whole lines, and "saved" means on disk. Reading streams the file twice — the first pass
//! picks out the amendment lines, the second yields records with their amendments merged —
//! so memory grows with the number of record ids, never with the size of the file. A line
//! that cannot be read is skipped with a warning naming it. Nothing here rewrites, truncates
//! or deletes the history.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use memchr::memmem;
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::files as safe_file;
use crate::model::record::{self, Amendment, Kind, Outcome, SessionRecord, Stamp};
use crate::store::machine;

/// The single history file of older versions, still read (never written any more).
pub const HISTORY_FILE: &str = "history.jsonl";
/// What every history file's name starts with (see [`machine::log_files`]).
pub const HISTORY_BASE: &str = "history";
/// The folder (inside the state folder) holding snapshots of running sessions; older
/// versions kept it in the data folder.
pub const IN_PROGRESS_DIR: &str = "in-progress";

/// Lines longer than this are not records we wrote (a record with a hundred steps is ~20 KiB);
/// they are skipped without being held in memory, so a corrupt file cannot exhaust it.
pub(crate) const MAX_LINE: usize = 1 << 20;
/// Buffer size for reading a history file front to back.
pub(crate) const BLOCK: usize = 64 * 1024;
/// How many records older than `since` in a row [`recent`] reads before it stops. Records are
/// appended in time order except for recovered sessions and `knotless log --at` back-fills,
/// which only ever put an older record after newer ones; this many in a row means we are
/// past them.
pub(crate) const OLD_STREAK: u32 = 64;
/// A lock file without a snapshot may belong to a session that is just starting (it locks
/// first, then writes the snapshot); only older ones are cleaned up.
pub(crate) const ORPHAN_LOCK_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// How far after now a record may start before it counts as dated in the future: clocks of
/// machines sharing a synced data directory differ by a little.
pub const FUTURE_SLACK: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// `<data>/history-<machine>.jsonl`: the file this machine appends to. Every machine
/// sharing a synced data directory has its own; readers merge them all (see
/// [`history_files`]).
pub fn history_path(data_dir: &Path) -> PathBuf {
    data_dir.join(machine::own_file(HISTORY_BASE))
}

/// `<data>/history.jsonl`, the one file older versions wrote; read, never written.
pub fn legacy_history_path(data_dir: &Path) -> PathBuf {
    data_dir.join(HISTORY_FILE)
}

/// Every history file in `data_dir`, in reading order: the older single file, then every
/// machine's file and any sync tool's conflict copy.
pub fn history_files(data_dir: &Path) -> io::Result<Vec<PathBuf>> {
    machine::log_files(data_dir, HISTORY_BASE)
}

/// `<state>/in-progress`.
pub fn in_progress_dir(state_dir: &Path) -> PathBuf {
    state_dir.join(IN_PROGRESS_DIR)
}

/// What went wrong, with the path it went wrong at. The messages are meant to be shown to
/// the user as they are ("cannot write the history at …: permission denied").
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot write the history at {}: {}", path.display(), describe(source))]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read the history at {}: {}", path.display(), describe(source))]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot keep the session's progress at {}: {}", path.display(), describe(source))]
    InProgress { path: PathBuf, source: io::Error },
    #[error("session {id} is already running in another knotless (its lock at {} is held)", path.display())]
    Busy { id: String, path: PathBuf },
    #[error(
        "{id:?} cannot be used as a record id (letters, digits, '-', '_' and '.' only, not first '-' or '.')"
    )]
    BadId { id: String },
    #[error("the snapshot of session {expected} cannot be replaced by record {got}")]
    WrongSession { expected: String, got: String },
    /// The history's readers would skip this record, so it is not written as saved.
    #[error("session {id} cannot be written as the history's readers would read it: {why}")]
    Unreadable { id: String, why: String },
    /// The state folder could be changed by another user (who could plant a snapshot).
    #[cfg(unix)]
    #[error("the state folder is not safe: {0}")]
    Unsafe(#[from] crate::files::private::PrivateDirError),
}

impl HistoryError {
    /// The file or directory the error is about.
    pub fn path(&self) -> Option<&Path> {
        match self {
            HistoryError::Write { path, .. }
            | HistoryError::Read { path, .. }
            | HistoryError::InProgress { path, .. }
            | HistoryError::Busy { path, .. } => Some(path),
            HistoryError::BadId { .. }
            | HistoryError::WrongSession { .. }
            | HistoryError::Unreadable { .. } => None,
            #[cfg(unix)]
            HistoryError::Unsafe(_) => None,
        }
    }
}

/// A plain-words reason for an I/O error (see [`crate::files::describe`]).
pub use crate::files::describe;

/// One record of the history, with its steps, by id (the last one wins, as in every read).
pub fn find(data_dir: &Path, id: &str) -> Result<Option<SessionRecord>, HistoryError> {
    let mut found = None;
    for r in Records::open(data_dir, Detail::Full)? {
        let r = r?;
        if r.id == id {
            found = Some(r);
        }
    }
    Ok(found)
}

/// The line numbers the reader skipped. Other warnings (a rating out of range, an
/// amendment for a record that is not there) leave every session readable.
pub fn unreadable_lines(warnings: &[Warning]) -> Vec<u64> {
    warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Unreadable)
        .filter_map(|w| w.line)
        .collect()
}

/// Something the user should hear about that did not stop the command: a skipped line, an
/// amendment for a record that isn't there, an in-progress file moved aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub kind: WarningKind,
    /// The file, as the user knows it: `history.jsonl`, or an in-progress file's path.
    pub file: String,
    /// 1-based line number, when the warning is about one line.
    pub line: Option<u64>,
    pub message: String,
}

/// What a warning is about, so callers never tell them apart by their wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// A line that could not be read at all and was skipped.
    Unreadable,
    /// A line that was read, with a value ignored or an amendment that matched nothing.
    Ignored,
    /// An in-progress snapshot that could not be recovered or was moved aside.
    InProgress,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(n) => write!(f, "{}:{}: {}", self.file, n, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

pub(crate) fn line_warning(kind: WarningKind, file: &str, line: u64, message: String) -> Warning {
    Warning {
        kind,
        file: file.to_string(),
        line: Some(line),
        message,
    }
}

/// A file's name as the user knows it in a warning: `history-3f9a2c1b.jsonl`.
pub(crate) fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

// ---------------------------------------------------------------------------------------
// Ids

/// A new record id: the UTC time to the millisecond, then 12 hex digits of a hash of the
/// process id, a per-process counter and per-process random keys. Ids sort by time as plain
/// strings, and two processes (or two calls in the same millisecond) never share one.
/// Example: `20261124T160500123Z-3f9a2c1b7d04`.
pub fn new_id(now: Timestamp) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = RandomState::new().build_hasher();
    (std::process::id(), count, now.as_nanosecond()).hash(&mut hasher);
    std::thread::current().id().hash(&mut hasher);
    let bits = hasher.finish() & 0xFFFF_FFFF_FFFF;
    let t = TimeZone::UTC.to_datetime(now);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}{:03}Z-{:012x}",
        t.year().max(0),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond(),
        bits
    )
}

/// Ids become file names in `in-progress/`, so they must not be able to name another path
/// (nor start with a dash, which a command given the file name reads as an option).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with(['.', '-'])
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

mod ahead;
mod fast;
mod in_progress;
mod read;
mod recent;
mod write;

pub use in_progress::*;
pub use read::*;
pub use recent::*;
pub use write::*;
