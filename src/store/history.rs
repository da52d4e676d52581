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
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::fs::{self, File, OpenOptions};
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
/// The directory (inside the data directory) holding snapshots of running sessions.
pub const IN_PROGRESS_DIR: &str = "in-progress";

/// Lines longer than this are not records we wrote (a record with a hundred steps is ~20 KiB);
/// they are skipped without being held in memory, so a corrupt file cannot exhaust it.
pub(crate) const MAX_LINE: usize = 1 << 20;
/// Block size for reading the file from its end in [`recent`].
const BLOCK: usize = 64 * 1024;
/// How many records older than `since` in a row [`recent`] reads before it stops. Records are
/// appended in time order except for recovered sessions and `knotless log --at` back-fills,
/// which only ever put an older record after newer ones; this many in a row means we are
/// past them.
const OLD_STREAK: u32 = 64;
/// A lock file without a snapshot may belong to a session that is just starting (it locks
/// first, then writes the snapshot); only older ones are cleaned up.
const ORPHAN_LOCK_AGE: std::time::Duration = std::time::Duration::from_secs(60);

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

/// `<data>/in-progress`.
pub fn in_progress_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(IN_PROGRESS_DIR)
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
    #[error("{id:?} cannot be used as a record id (letters, digits, '-', '_' and '.' only)")]
    BadId { id: String },
    #[error("the snapshot of session {expected} cannot be replaced by record {got}")]
    WrongSession { expected: String, got: String },
}

impl HistoryError {
    /// The file or directory the error is about.
    pub fn path(&self) -> Option<&Path> {
        match self {
            HistoryError::Write { path, .. }
            | HistoryError::Read { path, .. }
            | HistoryError::InProgress { path, .. }
            | HistoryError::Busy { path, .. } => Some(path),
            HistoryError::BadId { .. } | HistoryError::WrongSession { .. } => None,
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

fn line_warning(kind: WarningKind, file: &str, line: u64, message: String) -> Warning {
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

/// Ids become file names in `in-progress/`, so they must not be able to name another path.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

// ---------------------------------------------------------------------------------------
// Writing

/// Appends a finished session to the history and syncs it to disk before returning.
/// Creates the data directory and the file on first use.
pub fn append(data_dir: &Path, record: &SessionRecord) -> Result<(), HistoryError> {
    let json = serde_json::to_vec(record).expect("a SessionRecord always serialises");
    append_line(data_dir, json)
}

/// Appends an amendment (ratings or a note added after the session was saved).
pub fn amend(data_dir: &Path, amendment: &Amendment) -> Result<(), HistoryError> {
    let json = serde_json::to_vec(amendment).expect("an Amendment always serialises");
    append_line(data_dir, json)
}

fn append_line(data_dir: &Path, json: Vec<u8>) -> Result<(), HistoryError> {
    let path = history_path(data_dir);
    append_to(data_dir, &path, &json).map_err(|source| HistoryError::Write { path, source })
}

/// Appends `json` and a newline to `path` (inside `data_dir`) in one write, under an
/// advisory lock, then syncs it: the way every log line is written (the history, the day
/// log). Creates the directory and the file on first use.
pub(crate) fn append_to(data_dir: &Path, path: &Path, json: &[u8]) -> io::Result<()> {
    append_with(data_dir, path, json, |file, line| file.write_all(line))
}

/// [`append_to`] with the write itself given, so a test can make it fail half-way (a disk
/// that fills in the middle of the line).
fn append_with(
    data_dir: &Path,
    path: &Path,
    json: &[u8],
    write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    fs::create_dir_all(data_dir)?;
    let mut file = private(OpenOptions::new().read(true).append(true).create(true)).open(path)?;
    // A FIFO or a device (a link to /dev/null would swallow the line and let us say "saved")
    // is never written to: only a regular file keeps what is appended.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(crate::files::not_regular(if meta.is_dir() {
            "a folder"
        } else {
            "a FIFO or a device"
        }));
    }
    // Another appender's write can be seen half-done (the file size grows page by page), which
    // would make the newline check below misfire; an advisory lock keeps knotless processes
    // from looking while another writes. The single O_APPEND write is what keeps lines whole
    // even without it (a file system without locks, an older knotless).
    let locked = file.lock().is_ok();
    let len = file.metadata()?.len();
    // A previous write torn by a crash leaves a line without its newline; starting with one
    // keeps that garbage on its own line so this record stays readable.
    let torn = len > 0 && !ends_with_newline(&mut file, len)?;
    let mut line = Vec::with_capacity(json.len() + 2);
    if torn {
        line.push(b'\n');
    }
    line.extend_from_slice(json);
    line.push(b'\n');
    // One write on an O_APPEND file: the kernel places the whole line at the end even if
    // another process appends at the same moment.
    if let Err(e) = write(&mut file, &line) {
        // A short write (the disk filled up mid-line) would leave a torn line that warns on
        // every read forever: cut the file back to where it was, still under the lock.
        if file.metadata().is_ok_and(|m| m.is_file() && m.len() > len) {
            let _ = file.set_len(len);
            let _ = file.sync_data();
        }
        if locked {
            let _ = file.unlock();
        }
        return Err(e);
    }
    if locked {
        let _ = file.unlock();
    }
    file.sync_data()?;
    if len == 0 {
        // A new file's directory entry must be durable too, or a crash can lose the file.
        sync_dir(data_dir);
    }
    Ok(())
}

/// Files knotless creates hold health data: readable by their owner only (mode 0600).
fn private(opts: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(opts, 0o600);
    opts
}

fn ends_with_newline(file: &mut File, len: u64) -> io::Result<bool> {
    if !file.metadata()?.is_file() {
        return Ok(true);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// Best effort: not every platform or file system can sync a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

// ---------------------------------------------------------------------------------------
// Reading

/// How much of each record to load. Summaries and tables don't need the steps, and leaving
/// them out makes reading a long history several times cheaper in time and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything, steps included.
    Full,
    /// Every field except `steps`, which is left empty.
    NoSteps,
    /// What figures need: no steps and no notes (left empty, amendments' notes too), so
    /// memory never grows with text nobody reads.
    Figures,
}

/// A record as read for [`Detail::NoSteps`]: the same fields as [`SessionRecord`] without
/// `steps`, so serde skips the step array without allocating anything for it.
#[derive(Deserialize)]
struct RecordNoSteps {
    v: u32,
    id: String,
    kind: Kind,
    routine_id: String,
    title: String,
    area: String,
    #[serde(deserialize_with = "record::started_at")]
    started_at: Stamp,
    #[serde(deserialize_with = "record::ended_at")]
    ended_at: Stamp,
    planned_secs: f64,
    active_secs: f64,
    paused_secs: f64,
    outcome: Outcome,
    #[serde(default)]
    pain_before: Option<u8>,
    #[serde(default)]
    pain_after: Option<u8>,
    #[serde(default)]
    note: Option<String>,
}

impl From<RecordNoSteps> for SessionRecord {
    fn from(r: RecordNoSteps) -> Self {
        SessionRecord {
            v: r.v,
            id: r.id,
            kind: r.kind,
            routine_id: r.routine_id,
            title: r.title,
            area: r.area,
            started_at: r.started_at,
            ended_at: r.ended_at,
            planned_secs: r.planned_secs,
            active_secs: r.active_secs,
            paused_secs: r.paused_secs,
            outcome: r.outcome,
            steps: Vec::new(),
            pain_before: r.pain_before,
            pain_after: r.pain_after,
            note: r.note,
        }
    }
}

/// Just enough of a line to tell an amendment from a record.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    amends: Option<IgnoredAny>,
}

/// An amendment as read: only `amends` is required, so hand-written ones load too.
#[derive(Deserialize)]
struct AmendmentLine {
    amends: String,
    #[serde(default)]
    pain_before: Option<u8>,
    #[serde(default)]
    pain_after: Option<u8>,
    #[serde(default)]
    note: Option<String>,
}

/// The amendments for one record, merged in file order (later lines win per field).
#[derive(Debug, Default)]
struct Merged {
    /// (source, line) of its first amendment line.
    first_line: (usize, u64),
    /// Where that line starts in its file: the record id is read back from there for a
    /// warning, rather than kept for every amendment.
    first_offset: u64,
    pain_before: Option<u8>,
    pain_after: Option<u8>,
    applied: bool,
}

/// Reads lines as bytes, at most [`MAX_LINE`] of each, counting them.
pub(crate) struct Lines<R> {
    inner: R,
    pub(crate) number: u64,
    /// Where the line last returned starts (bytes from the start of the reader).
    pub(crate) offset: u64,
    consumed: u64,
}

pub(crate) enum Line {
    Text,
    TooLong,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(inner: R) -> Self {
        Lines {
            inner,
            number: 0,
            offset: 0,
            consumed: 0,
        }
    }

    /// The next line (without its newline) into `buf`; `None` at the end.
    pub(crate) fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Line>> {
        buf.clear();
        self.offset = self.consumed;
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (part, found) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (&chunk[..i], Some(i + 1)),
                None => (chunk, None),
            };
            if !too_long {
                if buf.len() + part.len() > MAX_LINE {
                    too_long = true;
                    buf.clear();
                } else {
                    buf.extend_from_slice(part);
                }
            }
            let used = found.unwrap_or(chunk.len());
            self.inner.consume(used);
            self.consumed += used as u64;
            if found.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.number += 1;
        Ok(Some(if too_long { Line::TooLong } else { Line::Text }))
    }
}

pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// serde_json's messages end in "at line 1 column 17", which reads wrong next to our own
/// line number; say "column 17" instead, and name the usual cause of a cut-off line.
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    match e.classify() {
        serde_json::error::Category::Eof => "the line is cut off (an interrupted write?)".into(),
        serde_json::error::Category::Syntax => format!("not JSON: {text} (column {})", e.column()),
        _ => text,
    }
}

fn check_pain(
    value: &mut Option<u8>,
    field: &str,
    (file, line): (&str, u64),
    warnings: &mut Vec<Warning>,
) {
    if let Some(p) = *value
        && p > 10
    {
        warnings.push(line_warning(
            WarningKind::Ignored,
            file,
            line,
            format!("{field} {p} is outside 0-10; the rating is ignored"),
        ));
        *value = None;
    }
}

/// At most this many amendments for unknown records are named one by one in warnings.
const MAX_UNKNOWN_NAMED: usize = 100;

/// The record id an amendment line (starting at `offset` in `path`) is for, read back
/// from the file.
fn amended_id(path: &Path, offset: u64) -> Option<String> {
    let mut file = safe_file::open_regular(path).ok()?;
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut lines = Lines::new(BufReader::new(file.take(MAX_LINE as u64 + 1)));
    let mut buf = Vec::new();
    lines.next_into(&mut buf).ok()??;
    serde_json::from_slice::<AmendmentLine>(&buf)
        .ok()
        .map(|a| a.amends)
}

/// A 128-bit digest of a record id, from two independent fixed-key SipHash passes.
fn id_key(id: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let mut a = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    0x6b6e_6f74_6c65_7373_u64.hash(&mut b);
    id.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// One history file as it was when [`Records::open`] looked at it.
struct Source {
    path: PathBuf,
    /// The name warnings use: `history.jsonl`, `history-3f9a2c1b.jsonl`.
    label: String,
    file: Option<File>,
    len: u64,
}

/// The records of every history file in `<data>` (see [`history_files`]: the older single
/// `history.jsonl`, each machine's own file, sync conflict copies), file after file in
/// file order, with amendments merged — from whichever file they are in — and duplicates
/// (the same id twice: an interrupted recovery, a conflict copy, a file copied by hand)
/// dropped, the first copy counting. Lines that cannot be read are skipped and reported
/// through [`Records::warnings`] once the iterator is exhausted. The files are read as they
/// were when [`Records::open`] was called: lines appended meanwhile are not seen.
///
/// Memory: the amendments and one id per record, never the whole file.
pub struct Records {
    sources: Vec<Source>,
    /// The source being read in the second pass.
    current: usize,
    lines: Option<Lines<BufReader<io::Take<File>>>>,
    detail: Detail,
    /// By [`id_key`] of the record they amend: 16 bytes a key, whatever the id.
    amendments: HashMap<u128, Merged>,
    /// The latest amendment note for each record, kept apart (and not at all for
    /// [`Detail::Figures`]).
    notes: HashMap<u128, String>,
    /// (source, line) the first pass took as amendments, with the reason if unreadable.
    amendment_lines: VecDeque<(u32, u64)>,
    /// Why each unreadable amendment line (by source and line) could not be read.
    bad_amendments: HashMap<(u32, u64), String>,
    /// The ids already given out, as 128-bit hashes: a tenth of the memory of the strings
    /// on a long history, and a collision is out of reach (about 2^-64 at a billion records).
    seen: HashSet<u128>,
    /// With the index of the source each is about, for sorting at the end.
    warnings: Vec<(usize, Warning)>,
    sorted: Vec<Warning>,
    buf: Vec<u8>,
    finished: bool,
    /// Records starting after this are in the future ([`FUTURE_SLACK`] after now).
    future: Timestamp,
}

impl Records {
    /// Opens every history file (none at all is an empty history) and reads their
    /// amendments.
    pub fn open(data_dir: &Path, detail: Detail) -> Result<Records, HistoryError> {
        let paths = history_files(data_dir).map_err(|source| HistoryError::Read {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let mut records = Records {
            sources: Vec::with_capacity(paths.len()),
            current: 0,
            lines: None,
            detail,
            amendments: HashMap::new(),
            notes: HashMap::new(),
            amendment_lines: VecDeque::new(),
            bad_amendments: HashMap::new(),
            seen: HashSet::new(),
            warnings: Vec::new(),
            sorted: Vec::new(),
            buf: Vec::new(),
            finished: false,
            future: Timestamp::now() + FUTURE_SLACK,
        };
        for path in paths {
            let fail = |source| HistoryError::Read {
                path: path.clone(),
                source,
            };
            let file = match safe_file::open_regular(&path) {
                Ok(f) => f,
                // Renamed or removed since the listing (a sync tool at work).
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                // A FIFO, a device or a folder is never read (it would hang, or never end):
                // `open_regular` refuses it at once, and the error says what it is.
                Err(e) => return Err(fail(e)),
            };
            let len = file.metadata().map_err(fail)?.len();
            let index = records.sources.len();
            records
                .first_pass(index, &file, len, &file_label(&path))
                .map_err(fail)?;
            records.sources.push(Source {
                label: file_label(&path),
                path,
                file: Some(file),
                len,
            });
        }
        if records.sources.is_empty() {
            records.finish();
        }
        Ok(records)
    }

    /// Collects the amendments of one file. Only lines containing the key `"amends"` can be
    /// one, and a substring search rejects every other line without parsing it.
    fn first_pass(&mut self, index: usize, file: &File, len: u64, label: &str) -> io::Result<()> {
        let finder = memmem::Finder::new(b"\"amends\"");
        let mut lines = Lines::new(BufReader::with_capacity(BLOCK, file.take(len)));
        let mut buf = Vec::new();
        while let Some(kind) = lines.next_into(&mut buf)? {
            if !matches!(kind, Line::Text) || finder.find(&buf).is_none() {
                continue;
            }
            let n = lines.number;
            let Ok(text) = std::str::from_utf8(&buf) else {
                continue;
            };
            match serde_json::from_str::<Probe>(text) {
                Ok(Probe { amends: Some(_) }) => {}
                // Not an amendment after all (or not JSON): the second pass reports it.
                _ => continue,
            }
            match serde_json::from_str::<AmendmentLine>(text) {
                Ok(mut a) => {
                    let mut w = Vec::new();
                    check_pain(&mut a.pain_before, "pain_before", (label, n), &mut w);
                    check_pain(&mut a.pain_after, "pain_after", (label, n), &mut w);
                    self.warnings.extend(w.into_iter().map(|w| (index, w)));
                    let offset = lines.offset;
                    let m = self
                        .amendments
                        .entry(id_key(&a.amends))
                        .or_insert_with(|| Merged {
                            first_line: (index, n),
                            first_offset: offset,
                            ..Merged::default()
                        });
                    if a.pain_before.is_some() {
                        m.pain_before = a.pain_before;
                    }
                    if a.pain_after.is_some() {
                        m.pain_after = a.pain_after;
                    }
                    if let Some(note) = a.note
                        && self.detail != Detail::Figures
                    {
                        self.notes.insert(id_key(&a.amends), note);
                    }
                    self.amendment_lines.push_back((index as u32, n));
                }
                Err(e) => {
                    self.amendment_lines.push_back((index as u32, n));
                    self.bad_amendments
                        .insert((index as u32, n), format!("amendment: {}", json_reason(&e)));
                }
            }
        }
        Ok(())
    }

    /// Everything skipped so far. Complete, and in file and line order, once the iterator
    /// has returned `None` (amendments for unknown records are only known then).
    pub fn warnings(&self) -> &[Warning] {
        &self.sorted
    }

    pub fn into_warnings(self) -> Vec<Warning> {
        self.sorted
    }

    fn parse(&mut self, n: u64) -> Option<SessionRecord> {
        let text = match std::str::from_utf8(&self.buf) {
            Ok(t) => t,
            Err(e) => {
                self.skip(n, format!("not valid UTF-8 (byte {})", e.valid_up_to() + 1));
                return None;
            }
        };
        let parsed = match self.detail {
            Detail::Full => serde_json::from_str::<SessionRecord>(text),
            Detail::NoSteps | Detail::Figures => {
                serde_json::from_str::<RecordNoSteps>(text).map(Into::into)
            }
        };
        let mut record = match parsed {
            Ok(r) => r,
            Err(e) => {
                let reason = json_reason(&e);
                self.skip(n, reason);
                return None;
            }
        };
        if let Some(why) = record.implausible() {
            self.skip(n, why);
            return None;
        }
        // A record dated after now (a wrong clock, a hand-edited line) would count as
        // "this week" for years: reported and left out.
        if record.started() > self.future {
            let w = line_warning(
                WarningKind::Ignored,
                &self.sources[self.current].label,
                n,
                format!(
                    "starts in the future ({}); left out until then",
                    record.started_at
                ),
            );
            self.warnings.push((self.current, w));
            return None;
        }
        let at = (self.sources[self.current].label.as_str(), n);
        let mut w = Vec::new();
        check_pain(&mut record.pain_before, "pain_before", at, &mut w);
        check_pain(&mut record.pain_after, "pain_after", at, &mut w);
        let index = self.current;
        self.warnings.extend(w.into_iter().map(|w| (index, w)));
        Some(record)
    }

    fn skip(&mut self, n: u64, reason: String) {
        let label = &self.sources[self.current].label;
        let w = line_warning(
            WarningKind::Unreadable,
            label,
            n,
            format!("skipped: {reason}"),
        );
        self.warnings.push((self.current, w));
    }

    fn finish(&mut self) {
        self.finished = true;
        self.lines = None;
        let mut unknown: Vec<(usize, u64, u64)> = self
            .amendments
            .values()
            .filter(|m| !m.applied)
            .map(|m| (m.first_line.0, m.first_line.1, m.first_offset))
            .collect();
        unknown.sort_unstable();
        let more = unknown.len().saturating_sub(MAX_UNKNOWN_NAMED);
        let mut named: Vec<(usize, Warning)> = unknown
            .iter()
            .take(MAX_UNKNOWN_NAMED)
            .map(|&(index, line, offset)| {
                let source = &self.sources[index];
                let what = match amended_id(&source.path, offset) {
                    Some(id) => format!("{id:?}"),
                    None => "(unreadable now)".to_string(),
                };
                (
                    index,
                    line_warning(
                        WarningKind::Ignored,
                        &source.label,
                        line,
                        format!("amendment for unknown record {what} ignored"),
                    ),
                )
            })
            .collect();
        if more > 0 {
            let (index, _, _) = unknown[MAX_UNKNOWN_NAMED];
            named.push((
                self.sources.len(),
                Warning {
                    kind: WarningKind::Ignored,
                    file: self.sources[index].label.clone(),
                    line: None,
                    message: format!("{more} more amendments for unknown records ignored"),
                },
            ));
        }
        let unknown = named;
        self.warnings.extend(unknown);
        self.warnings.sort_by_key(|(index, w)| (*index, w.line));
        self.sorted = std::mem::take(&mut self.warnings)
            .into_iter()
            .map(|(_, w)| w)
            .collect();
    }

    /// Starts the second pass over the next source, if the current one is done; false
    /// when every source has been read.
    fn next_source(&mut self) -> Result<bool, HistoryError> {
        if self.lines.is_some() {
            return Ok(true);
        }
        while self.current < self.sources.len() {
            let source = &mut self.sources[self.current];
            if let Some(mut file) = source.file.take() {
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| HistoryError::Read {
                        path: source.path.clone(),
                        source: e,
                    })?;
                self.lines = Some(Lines::new(BufReader::with_capacity(
                    BLOCK,
                    file.take(source.len),
                )));
                return Ok(true);
            }
            self.current += 1;
        }
        Ok(false)
    }
}

impl Iterator for Records {
    type Item = Result<SessionRecord, HistoryError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        loop {
            match self.next_source() {
                Ok(true) => {}
                Ok(false) => {
                    self.finish();
                    return None;
                }
                Err(e) => {
                    self.finish();
                    return Some(Err(e));
                }
            }
            let lines = self.lines.as_mut()?;
            let kind = match lines.next_into(&mut self.buf) {
                Ok(Some(k)) => k,
                Ok(None) => {
                    self.lines = None;
                    self.current += 1;
                    continue;
                }
                Err(source) => {
                    self.finish();
                    return Some(Err(HistoryError::Read {
                        path: self.sources[self.current].path.clone(),
                        source,
                    }));
                }
            };
            let n = lines.number;
            if self
                .amendment_lines
                .front()
                .is_some_and(|&(i, l)| i as usize == self.current && l == n)
            {
                self.amendment_lines.pop_front();
                if let Some(reason) = self.bad_amendments.remove(&(self.current as u32, n)) {
                    self.skip(n, reason);
                }
                continue;
            }
            if matches!(kind, Line::TooLong) {
                self.skip(n, format!("longer than {} KiB", MAX_LINE / 1024));
                continue;
            }
            if is_blank(&self.buf) {
                continue;
            }
            let Some(mut record) = self.parse(n) else {
                continue;
            };
            // The same record twice is what an interrupted recovery or a sync conflict copy
            // leaves behind: the first copy is the one that counts.
            if !self.seen.insert(id_key(&record.id)) {
                continue;
            }
            if self.detail == Detail::Figures {
                record.note = None;
            }
            if let Some(m) = self.amendments.get_mut(&id_key(&record.id)) {
                m.applied = true;
                if m.pain_before.is_some() {
                    record.pain_before = m.pain_before;
                }
                if m.pain_after.is_some() {
                    record.pain_after = m.pain_after;
                }
                if let Some(note) = self.notes.get(&id_key(&record.id)) {
                    record.note = Some(note.clone());
                }
            }
            return Some(Ok(record));
        }
    }
}

/// A whole history read into memory (use [`Records`] or [`for_each`] to stream instead).
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<SessionRecord>,
    pub warnings: Vec<Warning>,
}

/// Reads every record (in file order) into memory.
pub fn load(data_dir: &Path, detail: Detail) -> Result<Loaded, HistoryError> {
    load_filtered(data_dir, detail, |_| true)
}

/// Reads the records `keep` accepts (in file order) into memory.
pub fn load_filtered(
    data_dir: &Path,
    detail: Detail,
    mut keep: impl FnMut(&SessionRecord) -> bool,
) -> Result<Loaded, HistoryError> {
    let mut records = Vec::new();
    let warnings = for_each(data_dir, detail, |r| {
        if keep(&r) {
            records.push(r);
        }
    })?;
    Ok(Loaded { records, warnings })
}

/// Streams every record (in file order) to `visit`, holding one at a time; returns the
/// warnings. This is the way to summarise a long history in bounded memory.
pub fn for_each(
    data_dir: &Path,
    detail: Detail,
    mut visit: impl FnMut(SessionRecord),
) -> Result<Vec<Warning>, HistoryError> {
    let mut records = Records::open(data_dir, detail)?;
    for r in records.by_ref() {
        visit(r?);
    }
    Ok(records.into_warnings())
}

// ---------------------------------------------------------------------------------------
// The home screen header, read from the end

/// What the home screen header needs: "Last session 2 days ago · 3 this week".
/// Only self-care sessions (routines and breathing) count; professional sessions logged
/// with `knotless log` are not the user's own practice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recent {
    /// When the latest self-care session ended, if there is one.
    pub last_ended: Option<Timestamp>,
    /// Self-care sessions that started at or after `since`.
    pub count_since: u32,
}

/// The fields [`recent`] looks at; serde skips the rest without allocating.
#[derive(Deserialize)]
struct Glance {
    id: String,
    kind: Kind,
    #[serde(deserialize_with = "record::started_at")]
    started_at: Stamp,
    #[serde(deserialize_with = "record::ended_at")]
    ended_at: Stamp,
    #[serde(default)]
    active_secs: f64,
}

/// Reads each history file backwards from its end, 64 KiB at a time, and stops once it is past
/// the records older than `since` (normally the start of this week), so the cost does not
/// grow with the length of the history. Unreadable lines are skipped silently here: the
/// full readers report them.
pub fn recent(data_dir: &Path, since: Timestamp) -> Result<Recent, HistoryError> {
    let files = history_files(data_dir).map_err(|source| HistoryError::Read {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let mut scan = BackScan {
        since,
        out: Recent::default(),
        seen: HashSet::new(),
        old_streak: 0,
        amends: memmem::Finder::new(b"\"amends\""),
        future: Timestamp::now() + FUTURE_SLACK,
    };
    // Each machine's file is in time order on its own; the ids seen are shared, so a
    // record in two files (a conflict copy) counts once.
    for path in files {
        scan.old_streak = 0;
        scan_back(&path, &mut scan)?;
    }
    Ok(scan.out)
}

fn scan_back(path: &Path, scan: &mut BackScan) -> Result<(), HistoryError> {
    let fail = |source| HistoryError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match safe_file::open_regular(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(fail(e)),
    };
    let len = file.metadata().map_err(fail)?.len();
    let mut block = vec![0u8; BLOCK];
    // The end of a line whose start lies in a block not read yet.
    let mut carry: Vec<u8> = Vec::new();
    let mut carry_too_long = false;
    let mut pos = len;
    while pos > 0 {
        let n = BLOCK.min(pos as usize);
        pos -= n as u64;
        file.seek(SeekFrom::Start(pos)).map_err(fail)?;
        file.read_exact(&mut block[..n]).map_err(fail)?;
        let data = &block[..n];
        let mut end = n;
        for nl in memchr::memrchr_iter(b'\n', data) {
            let piece = &data[nl + 1..end];
            let stop = if carry.is_empty() && !carry_too_long {
                scan.line(piece)
            } else {
                let mut whole = Vec::with_capacity(piece.len() + carry.len());
                whole.extend_from_slice(piece);
                whole.extend_from_slice(&carry);
                carry.clear();
                let too_long = std::mem::take(&mut carry_too_long) || whole.len() > MAX_LINE;
                !too_long && scan.line(&whole)
            };
            if stop {
                return Ok(());
            }
            end = nl;
        }
        // What is left is the tail of a line that started further back.
        if !carry_too_long {
            if carry.len() + end > MAX_LINE {
                carry.clear();
                carry_too_long = true;
            } else {
                let mut joined = Vec::with_capacity(end + carry.len());
                joined.extend_from_slice(&data[..end]);
                joined.extend_from_slice(&carry);
                carry = joined;
            }
        }
    }
    if !carry_too_long {
        scan.line(&carry);
    }
    Ok(())
}

struct BackScan {
    since: Timestamp,
    out: Recent,
    seen: HashSet<String>,
    old_streak: u32,
    amends: memmem::Finder<'static>,
    future: Timestamp,
}

impl BackScan {
    /// Takes one line into account; true once it is time to stop.
    fn line(&mut self, line: &[u8]) -> bool {
        if is_blank(line) || self.amends.find(line).is_some() {
            return false;
        }
        let Ok(g) = serde_json::from_slice::<Glance>(line) else {
            return false;
        };
        let (started, ended) = (g.started_at.timestamp(), g.ended_at.timestamp());
        // Dated in the future: left out (the full readers report it).
        if started > self.future || ended > self.future {
            return false;
        }
        if started < self.since {
            self.old_streak += 1;
        } else {
            self.old_streak = 0;
        }
        if g.kind != Kind::External
            && record::counts(g.kind, g.active_secs)
            && self.seen.insert(g.id)
        {
            if started >= self.since {
                self.out.count_since += 1;
            }
            if self.out.last_ended.is_none_or(|t| ended > t) {
                self.out.last_ended = Some(ended);
            }
        }
        self.old_streak >= OLD_STREAK
    }
}

// ---------------------------------------------------------------------------------------
// In-progress sessions

/// The on-disk snapshot: the record itself, plus `"final": true` once the session has ended
/// and only saving it to the history is left (see [`InProgress::finish`]). Older readers
/// see a plain SessionRecord with one unknown field.
#[derive(serde::Serialize)]
struct SnapshotOut<'a> {
    #[serde(flatten)]
    record: &'a SessionRecord,
    #[serde(rename = "final", skip_serializing_if = "std::ops::Not::not")]
    is_final: bool,
}

/// Reads a snapshot. One whose process died may lack a usable end time (older versions
/// wrote it only at the end): the file's time stands in, else the start.
fn read_snapshot(
    bytes: &[u8],
    file_time: impl FnOnce() -> Option<Timestamp>,
) -> Result<SnapshotIn, serde_json::Error> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)?;
    if let Some(obj) = value.as_object_mut() {
        let stamp = |key: &str| obj.get(key).and_then(|v| v.as_str()).and_then(Stamp::parse);
        if stamp("ended_at").is_none() {
            let started = stamp("started_at").map(|s| s.timestamp());
            if let Some(ts) = file_time().or(started) {
                let end = Stamp::new(ts, &TimeZone::system());
                obj.insert("ended_at".into(), end.to_string().into());
            }
        }
    }
    serde_json::from_value(value)
}

#[derive(Deserialize)]
struct SnapshotIn {
    #[serde(flatten)]
    record: SessionRecord,
    #[serde(rename = "final", default)]
    is_final: bool,
}

/// A running session's snapshot in `<data>/in-progress/<id>.json`, with `<id>.lock` held
/// locked for as long as this value lives — that lock is how [`recover`] in another process
/// tells a running session from a dead one.
///
/// Dropping it without [`InProgress::finish`] (a panic, a crash, a kill) leaves the files,
/// and the next [`recover`] logs the session as interrupted with the steps so far.
#[derive(Debug)]
pub struct InProgress {
    dir: PathBuf,
    id: String,
    data_dir: PathBuf,
    // Held for its lock; released when dropped (or when the process dies).
    _lock: File,
}

impl InProgress {
    /// Starts keeping `record` (the session as it is at its start). Creates the directory,
    /// locks `<id>.lock`, then writes `<id>.json` — in that order, so a snapshot is never
    /// without its lock.
    pub fn begin(data_dir: &Path, record: &SessionRecord) -> Result<InProgress, HistoryError> {
        if !is_valid_id(&record.id) {
            return Err(HistoryError::BadId {
                id: record.id.clone(),
            });
        }
        let dir = in_progress_dir(data_dir);
        let fail = |path: &Path| {
            let path = path.to_path_buf();
            move |source| HistoryError::InProgress { path, source }
        };
        fs::create_dir_all(&dir).map_err(fail(&dir))?;
        let lock_path = dir.join(format!("{}.lock", record.id));
        let lock = lock_for_session(&lock_path, &record.id)?;
        let progress = InProgress {
            dir,
            id: record.id.clone(),
            data_dir: data_dir.to_path_buf(),
            _lock: lock,
        };
        progress.write(record, false)?;
        sync_dir(&progress.dir);
        Ok(progress)
    }

    /// Replaces the snapshot with `record` atomically: a reader (or a crash) sees either the
    /// old snapshot or the new one, never half of one. Call it at each step change.
    pub fn update(&mut self, record: &SessionRecord) -> Result<(), HistoryError> {
        self.write(record, false)
    }

    /// Saves the finished session: marks the snapshot final, appends `record` to the
    /// history (synced), then removes the snapshot and the lock file.
    ///
    /// If the history cannot be written, the error is returned and the final snapshot stays
    /// in place, so the next [`recover`] logs the session with its own outcome (not as
    /// interrupted). Tell the user the message; nothing is lost.
    ///
    /// `Ok` means the record is in the history. Failing to remove the files afterwards is
    /// not reported: the next [`recover`] appends the record again and readers drop the
    /// repeated id.
    pub fn finish(self, record: &SessionRecord) -> Result<(), HistoryError> {
        // Even if the snapshot cannot be marked, the history may still be writable: saving
        // the record matters more than the safety net.
        let _ = self.write(record, true);
        append(&self.data_dir, record)?;
        let _ = self.remove_files();
        Ok(())
    }

    /// Removes the snapshot and lock file without logging anything: for a session the
    /// caller has decided not to keep (and has not saved).
    pub fn discard(self) -> Result<(), HistoryError> {
        self.remove_files()
    }

    /// The record id this snapshot is for.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Where the snapshot lives.
    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.id))
    }

    fn write(&self, record: &SessionRecord, is_final: bool) -> Result<(), HistoryError> {
        if record.id != self.id {
            return Err(HistoryError::WrongSession {
                expected: self.id.clone(),
                got: record.id.clone(),
            });
        }
        let json = serde_json::to_vec(&SnapshotOut { record, is_final })
            .expect("a SessionRecord always serialises");
        let target = self.path();
        let tmp = self.dir.join(format!("{}.json.tmp", self.id));
        let fail = |source| HistoryError::InProgress {
            path: target.clone(),
            source,
        };
        let mut f = private(OpenOptions::new().write(true).create(true).truncate(true))
            .open(&tmp)
            .map_err(fail)?;
        f.write_all(&json).map_err(fail)?;
        f.sync_data().map_err(fail)?;
        drop(f);
        fs::rename(&tmp, &target).map_err(fail)
    }

    fn remove_files(self) -> Result<(), HistoryError> {
        let json = self.path();
        remove_if_there(&json).map_err(|source| HistoryError::InProgress { path: json, source })?;
        let lock = self.dir.join(format!("{}.lock", self.id));
        // Removed while still locked, so no other process can take it for a dead session.
        remove_if_there(&lock).map_err(|source| HistoryError::InProgress { path: lock, source })
    }
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Opens and locks a session's lock file. A recovering process may delete a lock file it
/// thinks is orphaned between our open and our lock; then our lock would guard a file no one
/// else can find, so check that the path still names the file we locked, and retry if not.
fn lock_for_session(lock_path: &Path, id: &str) -> Result<File, HistoryError> {
    let fail = |source| HistoryError::InProgress {
        path: lock_path.to_path_buf(),
        source,
    };
    for _ in 0..5 {
        let mut lock = private(
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false),
        )
        .open(lock_path)
        .map_err(fail)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(HistoryError::Busy {
                    id: id.to_string(),
                    path: lock_path.to_path_buf(),
                });
            }
            // No locks on this file system: keep going unprotected rather than refuse to
            // run the session; `recover` will then leave the snapshot alone and say why.
            Err(std::fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        if same_file(&lock, lock_path) {
            // The pid is for people looking at the directory; nothing reads it.
            let _ = lock.set_len(0);
            let _ = writeln!(lock, "{}", std::process::id());
            return Ok(lock);
        }
    }
    Err(fail(io::Error::other(
        "the lock file keeps disappearing; is another knotless cleaning up?",
    )))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// What [`recover`] did.
#[derive(Debug, Default)]
pub struct Recovered {
    /// The records appended to the history, as appended.
    pub records: Vec<SessionRecord>,
    /// Snapshots moved aside, files that could not be removed, sessions whose state could
    /// not be told.
    pub warnings: Vec<Warning>,
}

/// Logs the sessions whose process died. Run it at the start of every command.
///
/// For each `<data>/in-progress/<id>.json` whose `<id>.lock` can be locked (its process is
/// gone) or is missing: the snapshot is appended to the history — as `interrupted`, with
/// `ended_at` from the snapshot (or the file's modification time) — unless it was marked
/// final by [`InProgress::finish`], in which case it is appended as it is. Then its files
/// are removed. A session whose lock is held (running in another terminal) is left alone.
/// An unreadable snapshot is renamed to `<id>.json.bad` with a warning, never deleted.
///
/// Idempotent: if the append succeeds but the removal fails, the next run appends the same
/// record again and readers drop the duplicate id. If the history cannot be written, the
/// error is returned and the snapshots stay for next time.
pub fn recover(data_dir: &Path) -> Result<Recovered, HistoryError> {
    let dir = in_progress_dir(data_dir);
    let mut out = Recovered::default();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(source) => return Err(HistoryError::InProgress { path: dir, source }),
    };
    let mut snapshots = Vec::new();
    let mut leftovers = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(id) = name.strip_suffix(".json") {
            if is_valid_id(id) {
                snapshots.push(id.to_string());
            }
        } else if let Some(id) = name
            .strip_suffix(".lock")
            .or_else(|| name.strip_suffix(".json.tmp"))
            && is_valid_id(id)
        {
            leftovers.push((id.to_string(), entry.path()));
        }
    }
    snapshots.sort();
    for id in &snapshots {
        // Each entry is recovered or reported on its own: one bad entry (a folder or a FIFO
        // named `<id>.json`) never keeps the others from being recovered. Only a history
        // that cannot be written stops here, leaving every snapshot for next time.
        match recover_one(data_dir, &dir, id, &mut out) {
            Ok(()) => {}
            Err(e @ HistoryError::Write { .. }) => return Err(e),
            Err(e) => out.warnings.push(in_progress_warning(
                &dir.join(format!("{id}.json")),
                format!("not recovered: {e}"),
            )),
        }
    }
    for (id, path) in leftovers {
        if snapshots.contains(&id) || dir.join(format!("{id}.json")).exists() {
            continue;
        }
        clean_leftover(&dir, &id, &path);
    }
    Ok(out)
}

fn in_progress_warning(path: &Path, message: String) -> Warning {
    Warning {
        kind: WarningKind::InProgress,
        file: path.display().to_string(),
        line: None,
        message,
    }
}

fn recover_one(
    data_dir: &Path,
    dir: &Path,
    id: &str,
    out: &mut Recovered,
) -> Result<(), HistoryError> {
    let json_path = dir.join(format!("{id}.json"));
    let lock_path = dir.join(format!("{id}.lock"));
    // The lock cannot be opened or tried: say so and leave the session alone.
    let undecided = |out: &mut Recovered, e: io::Error| {
        out.warnings.push(in_progress_warning(
            &json_path,
            format!(
                "cannot tell whether this session is still running ({}); left in place",
                describe(&e)
            ),
        ));
        Ok(())
    };
    let lock = match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
    {
        Ok(f) => f,
        Err(e) => return undecided(out, e),
    };
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(()),
        Err(std::fs::TryLockError::Error(e)) => return undecided(out, e),
    }
    let bytes = match safe_file::read_capped(&json_path, MAX_LINE as u64) {
        Ok(b) => b,
        // Finished by its own process between our listing and our lock.
        Err(e) if e.is_not_found() => {
            let _ = remove_if_there(&lock_path);
            return Ok(());
        }
        // A folder, a FIFO or a device named like a snapshot, or a file far larger than
        // any snapshot: moved aside (never read, never deleted), so it is reported once.
        Err(e @ safe_file::ReadError::TooLarge(_)) => {
            move_aside(dir, id, &json_path, &e.to_string(), out);
            let _ = remove_if_there(&lock_path);
            return Ok(());
        }
        Err(safe_file::ReadError::Io(e)) if safe_file::is_not_regular(&e) => {
            move_aside(dir, id, &json_path, &describe(&e), out);
            let _ = remove_if_there(&lock_path);
            return Ok(());
        }
        Err(safe_file::ReadError::Io(source)) => {
            return Err(HistoryError::InProgress {
                path: json_path,
                source,
            });
        }
    };
    let file_time = || {
        fs::metadata(&json_path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| Timestamp::try_from(t).ok())
    };
    let snapshot = match read_snapshot(&bytes, file_time) {
        Ok(s) => s,
        Err(e) => {
            move_aside(dir, id, &json_path, &json_reason(&e), out);
            let _ = remove_if_there(&lock_path);
            return Ok(());
        }
    };
    let mut record = snapshot.record;
    if !snapshot.is_final {
        record.outcome = Outcome::Interrupted;
    }
    append(data_dir, &record)?;
    if let Err(e) = remove_if_there(&json_path) {
        out.warnings.push(in_progress_warning(
            &json_path,
            format!(
                "logged as interrupted but could not be removed ({})",
                describe(&e)
            ),
        ));
    }
    let _ = remove_if_there(&lock_path);
    drop(lock);
    out.records.push(record);
    Ok(())
}

/// Renames an unreadable snapshot to `<id>.json.bad` (never deletes it) and says so.
fn move_aside(dir: &Path, id: &str, json_path: &Path, why: &str, out: &mut Recovered) {
    let bad = free_name(dir, &format!("{id}.json.bad"));
    let message = match fs::rename(json_path, &bad) {
        Ok(()) => format!("unreadable ({why}); moved aside to {}", bad.display()),
        Err(re) => format!(
            "unreadable ({why}); could not move it aside: {}",
            describe(&re)
        ),
    };
    out.warnings.push(in_progress_warning(json_path, message));
}

/// Removes a lock file or temp file with no snapshot beside it, if no live process holds
/// its lock and it is old enough not to belong to a session that is just starting.
fn clean_leftover(dir: &Path, id: &str, path: &Path) {
    let old_enough = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age >= ORPHAN_LOCK_AGE);
    if !old_enough {
        return;
    }
    let lock_path = dir.join(format!("{id}.lock"));
    let Ok(lock) = OpenOptions::new()
        .read(true)
        .write(true)
        .create(false)
        .open(&lock_path)
    else {
        // No lock file: a lone temp file from a dead session.
        if path != lock_path {
            let _ = fs::remove_file(path);
        }
        return;
    };
    if lock.try_lock().is_ok() {
        let _ = fs::remove_file(path);
        if path != lock_path {
            let _ = fs::remove_file(&lock_path);
        }
    }
}

fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{name}.{n}")))
        .find(|p| !p.exists())
        .expect("some numbered name is free")
}

#[cfg(all(test, unix))]
mod hostile_tests {
    use super::*;

    fn record(id: &str, started: &str, active: f64) -> SessionRecord {
        let start: Timestamp = started.parse().unwrap();
        let end = start + jiff::SignedDuration::from_secs(active as i64 + 5);
        serde_json::from_value(serde_json::json!({
            "v": 1, "id": id, "kind": "routine", "routine_id": "desk-reset",
            "title": "Desk reset", "area": "neck",
            "started_at": start.to_string(), "ended_at": end.to_string(),
            "planned_secs": active, "active_secs": active, "paused_secs": 0.0,
            "outcome": "completed", "steps": []
        }))
        .unwrap()
    }

    fn mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    /// Item 3: a disk that fills in the middle of an append leaves no partial line.
    #[test]
    fn a_short_write_is_cut_back_and_reported() {
        let d = tempfile::tempdir().unwrap();
        let r = record("a", "2026-11-20T10:00:00Z", 60.0);
        append(d.path(), &r).unwrap();
        let path = history_path(d.path());
        let before = fs::metadata(&path).unwrap().len();
        let json = serde_json::to_vec(&record("b", "2026-11-21T10:00:00Z", 60.0)).unwrap();
        let e = append_with(d.path(), &path, &json, |f, line| {
            f.write_all(&line[..line.len() / 2])?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(
            fs::metadata(&path).unwrap().len(),
            before,
            "no torn line left"
        );
        let loaded = load(d.path(), Detail::Full).unwrap();
        assert_eq!(loaded.records.len(), 1);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }

    /// Item 4: a FIFO (or a link to a device) among the history files is never read: the
    /// reader says at once what it is, where it hung (or read without end) before.
    #[test]
    fn a_fifo_or_device_history_file_is_refused_plainly() {
        let since = "2026-11-01T00:00:00Z".parse().unwrap();
        for (make, what) in [
            (&(|p: &Path| mkfifo(p)) as &dyn Fn(&Path), "FIFO"),
            (
                &|p: &Path| std::os::unix::fs::symlink("/dev/zero", p).unwrap(),
                "a device",
            ),
        ] {
            let d = tempfile::tempdir().unwrap();
            append(d.path(), &record("a", "2026-11-20T10:00:00Z", 60.0)).unwrap();
            make(&d.path().join("history.jsonl"));
            let e = load(d.path(), Detail::NoSteps).unwrap_err().to_string();
            assert!(e.contains("history.jsonl") && e.contains(what), "{e}");
            let e = recent(d.path(), since).unwrap_err().to_string();
            assert!(e.contains(what), "{e}");
        }
    }

    /// A history file linked to `/dev/null` would take every line and keep none: "saved"
    /// would be a lie. Appending refuses anything but a regular file.
    #[test]
    fn nothing_is_appended_to_a_device() {
        let d = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/null", history_path(d.path())).unwrap();
        let e = append(d.path(), &record("a", "2026-11-20T10:00:00Z", 60.0)).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    /// Item 5: a folder and a FIFO named like snapshots never keep a dead session after
    /// them from being recovered; each is moved aside and reported once.
    #[test]
    fn one_bad_in_progress_entry_blocks_nothing_else() {
        let d = tempfile::tempdir().unwrap();
        let dir = in_progress_dir(d.path());
        fs::create_dir_all(dir.join("a-first.json")).unwrap();
        mkfifo(&dir.join("b-second.json"));
        let good = record("c-third", "2026-11-20T10:00:00Z", 30.0);
        fs::write(dir.join("c-third.json"), serde_json::to_vec(&good).unwrap()).unwrap();
        let out = recover(d.path()).unwrap();
        assert_eq!(out.records.len(), 1, "{:?}", out.warnings);
        assert_eq!(out.records[0].id, "c-third");
        assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
        assert!(dir.join("a-first.json.bad").exists());
        assert!(dir.join("b-second.json.bad").exists());
        let again = recover(d.path()).unwrap();
        assert!(
            again.warnings.is_empty(),
            "reported once: {:?}",
            again.warnings
        );
    }

    /// Item 8: impossible numbers are not trusted: the line is skipped with a warning naming it.
    #[test]
    fn impossible_numbers_skip_the_line_with_a_warning() {
        let d = tempfile::tempdir().unwrap();
        append(d.path(), &record("ok", "2026-11-20T10:00:00Z", 60.0)).unwrap();
        let mut lines = String::new();
        for (id, field, value) in [
            ("huge", "active_secs", "1e308"),
            ("neg", "paused_secs", "-5"),
            ("plan", "planned_secs", "90000"),
        ] {
            let mut v = serde_json::to_value(record(id, "2026-11-21T10:00:00Z", 60.0)).unwrap();
            v[field] = serde_json::from_str(value).unwrap();
            lines.push_str(&format!("{v}\n"));
        }
        let mut long = record("long", "2026-11-21T10:00:00Z", 60.0);
        long.ended_at = "2026-11-25T10:00:00Z".parse().unwrap();
        lines.push_str(&(serde_json::to_string(&long).unwrap() + "\n"));
        let mut f = OpenOptions::new()
            .append(true)
            .open(history_path(d.path()))
            .unwrap();
        f.write_all(lines.as_bytes()).unwrap();
        let loaded = load(d.path(), Detail::NoSteps).unwrap();
        let ids: Vec<&str> = loaded.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["ok"]);
        assert_eq!(unreadable_lines(&loaded.warnings), [2, 3, 4, 5]);
        assert!(
            loaded.warnings[0].message.contains("active_secs"),
            "{:?}",
            loaded.warnings
        );
    }

    /// Item 9: a record dated in the future is reported and left out of every figure.
    #[test]
    fn a_record_in_the_future_is_left_out_and_reported() {
        let d = tempfile::tempdir().unwrap();
        append(d.path(), &record("now", "2026-11-20T10:00:00Z", 60.0)).unwrap();
        append(d.path(), &record("later", "2099-01-01T10:00:00Z", 60.0)).unwrap();
        let loaded = load(d.path(), Detail::NoSteps).unwrap();
        assert_eq!(loaded.records.len(), 1);
        assert_eq!(loaded.warnings.len(), 1);
        assert!(
            loaded.warnings[0].message.contains("future"),
            "{:?}",
            loaded.warnings
        );
        let since = "2026-11-01T00:00:00Z".parse().unwrap();
        let r = recent(d.path(), since).unwrap();
        assert_eq!(r.count_since, 1);
        assert!(r.last_ended.unwrap() < "2027-01-01T00:00:00Z".parse().unwrap());
    }
}
