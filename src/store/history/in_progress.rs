//! Running sessions' snapshots, in this machine's state folder, and recovering the ones whose
//! process died. A snapshot names the machine that wrote it: a machine only ever recovers
//! its own sessions, so a snapshot that reached it from another machine (a synced state
//! folder, or an older version that kept them in the data folder) is never recovered, moved
//! or deleted here.

use super::*;

/// The on-disk snapshot: the record itself, the machine running it, plus `"final": true`
/// once the session has ended and only saving it to the history is left (see
/// [`InProgress::finish`]). Older readers see a plain SessionRecord with unknown fields.
#[derive(serde::Serialize)]
pub(crate) struct SnapshotOut<'a> {
    #[serde(flatten)]
    record: &'a SessionRecord,
    #[serde(rename = "final", skip_serializing_if = "std::ops::Not::not")]
    is_final: bool,
    machine: &'a str,
}

/// Reads a snapshot. One whose process died may lack a usable end time (older versions
/// wrote it only at the end): the file's time stands in, else the start.
pub(crate) fn read_snapshot(
    bytes: &[u8],
    file_time: impl FnOnce() -> Option<Timestamp>,
) -> Result<SnapshotIn, serde_json::Error> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)?;
    if let Some(obj) = value.as_object_mut() {
        let stamp = |key: &str| obj.get(key).and_then(|v| v.as_str()).and_then(Stamp::parse);
        if stamp("ended_at").is_none() {
            let started = stamp("started_at").map(|s| s.timestamp());
            if let Some(ts) = file_time().or(started) {
                let end = Stamp::new(ts, &crate::files::local_zone());
                obj.insert("ended_at".into(), end.to_string().into());
            }
        }
    }
    serde_json::from_value(value)
}

#[derive(Deserialize)]
pub(crate) struct SnapshotIn {
    #[serde(flatten)]
    record: SessionRecord,
    #[serde(rename = "final", default)]
    is_final: bool,
    /// `None` in snapshots written by older versions.
    #[serde(default)]
    machine: Option<String>,
}

/// Just the machine a snapshot names, read before anything else is touched.
#[derive(Deserialize)]
struct MachineOnly {
    #[serde(default)]
    machine: Option<String>,
}

/// A running session's snapshot in `<state>/in-progress/<id>.json`, with `<id>.lock` held
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
    /// Starts keeping `record` (the session as it is at its start) in `state_dir`; the
    /// finished record goes to the history in `data_dir`. Creates the folder, locks
    /// `<id>.lock`, then writes `<id>.json` — in that order, so a snapshot is never without
    /// its lock.
    pub fn begin(
        state_dir: &Path,
        data_dir: &Path,
        record: &SessionRecord,
    ) -> Result<InProgress, HistoryError> {
        if !is_valid_id(&record.id) {
            return Err(HistoryError::BadId {
                id: record.id.clone(),
            });
        }
        let dir = in_progress_dir(state_dir);
        safe_file::create_private_dirs(&dir).map_err(|source| HistoryError::InProgress {
            path: dir.clone(),
            source,
        })?;
        check_state(state_dir)?;
        let lock_path = dir.join(format!("{}.lock", record.id));
        let lock = lock_for_session(&lock_path, &record.id)?;
        let progress = InProgress {
            dir,
            id: record.id.clone(),
            data_dir: data_dir.to_path_buf(),
            _lock: lock,
        };
        progress.write(record, false)?;
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
    /// not reported: the next [`recover`] appends the record again and readers keep one.
    pub fn finish(self, record: &SessionRecord) -> Result<(), HistoryError> {
        // Even if the snapshot cannot be marked, the history may still be writable: saving
        // the record matters more than the safety net.
        let _ = self.write(record, true);
        append(&self.data_dir, record)?;
        let _ = self.remove_files();
        Ok(())
    }

    /// Removes the snapshot and lock file without logging anything: for a session the
    /// caller has decided not to keep (and has not saved), or one saved elsewhere.
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
        let snapshot = SnapshotOut {
            record,
            is_final,
            machine: machine::id(),
        };
        let json = serde_json::to_vec(&snapshot).expect("a SessionRecord always serialises");
        let target = self.path();
        safe_file::write_atomically(
            &target,
            &json,
            safe_file::Durability::Synced,
            safe_file::write::PRIVATE_FILE,
        )
        .map_err(|source| HistoryError::InProgress {
            path: target.clone(),
            source,
        })
    }

    fn remove_files(self) -> Result<(), HistoryError> {
        let json = self.path();
        remove_if_there(&json).map_err(|source| HistoryError::InProgress { path: json, source })?;
        let lock = self.dir.join(format!("{}.lock", self.id));
        // Removed while still locked, so no other process can take it for a dead session.
        remove_if_there(&lock).map_err(|source| HistoryError::InProgress { path: lock, source })
    }
}

/// Removes a session's snapshot and lock file (its record was kept elsewhere).
pub fn remove_snapshot(state_dir: &Path, id: &str) -> Result<(), HistoryError> {
    let dir = in_progress_dir(state_dir);
    for name in [format!("{id}.json"), format!("{id}.lock")] {
        let path = dir.join(name);
        remove_if_there(&path).map_err(|source| HistoryError::InProgress { path, source })?;
    }
    Ok(())
}

pub(crate) fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Opens and locks a session's lock file. A recovering process may delete a lock file it
/// thinks is orphaned between our open and our lock; then our lock would guard a file no one
/// else can find, so check that the path still names the file we locked, and retry if not.
pub(crate) fn lock_for_session(lock_path: &Path, id: &str) -> Result<File, HistoryError> {
    let fail = |source| HistoryError::InProgress {
        path: lock_path.to_path_buf(),
        source,
    };
    for _ in 0..5 {
        let mut lock = safe_file::open_lock(lock_path, true).map_err(fail)?;
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
            // For people looking at the folder, and for a tidy-up deciding whose it is.
            let _ = lock.set_len(0);
            let _ = writeln!(lock, "{} {}", std::process::id(), machine::id());
            return Ok(lock);
        }
    }
    Err(fail(io::Error::other(
        "the lock file keeps disappearing; is another knotless cleaning up?",
    )))
}

#[cfg(unix)]
pub(crate) fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub(crate) fn same_file(_file: &File, path: &Path) -> bool {
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

/// Refuses a state folder another user could write to (or swap): a snapshot planted there
/// would be logged into the history as this user's session.
fn check_state(state_dir: &Path) -> Result<(), HistoryError> {
    #[cfg(unix)]
    safe_file::private::check_safe(state_dir)?;
    #[cfg(not(unix))]
    let _ = state_dir;
    Ok(())
}

/// Which snapshots of a folder this machine may recover, and whether it may tidy the
/// folder (move unreadable snapshots aside, remove stale locks and temporary files).
pub(crate) struct Scope<'a> {
    pub(crate) ours: &'a dyn Fn(Option<&str>) -> bool,
    pub(crate) tidy: bool,
}

/// Whether a snapshot naming `machine` (or none: an older version's) is this machine's, in
/// this machine's own state folder.
fn ours_in_state(machine: Option<&str>) -> bool {
    machine.is_none_or(|m| m == machine::id())
}

/// Logs the sessions of this machine whose process died. Run it at the start of every
/// command.
///
/// For each `<state>/in-progress/<id>.json` written by this machine whose `<id>.lock` can be
/// locked (its process is gone) or is missing: the snapshot is appended to the history in
/// `data_dir` — as `interrupted`, with `ended_at` from the snapshot (or the file's
/// modification time) — unless it was marked final by [`InProgress::finish`], in which case
/// it is appended as it is. Then its files are removed. A session whose lock is held
/// (running in another terminal) is left alone; so is every snapshot of another machine.
/// An unreadable snapshot is renamed to `<id>.json.bad` with a warning, never deleted.
///
/// Idempotent: if the append succeeds but the removal fails, the next run appends the same
/// record again and readers keep one. If the history cannot be written, the error is
/// returned and the snapshots stay for next time.
pub fn recover(state_dir: &Path, data_dir: &Path) -> Result<Recovered, HistoryError> {
    check_state(state_dir)?;
    let scope = Scope {
        ours: &ours_in_state,
        tidy: true,
    };
    recover_in(&in_progress_dir(state_dir), data_dir, &scope)
}

/// [`recover`] for the snapshots in `dir` that `scope` calls this machine's.
pub(crate) fn recover_in(
    dir: &Path,
    data_dir: &Path,
    scope: &Scope,
) -> Result<Recovered, HistoryError> {
    let mut out = Recovered::default();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(source) => {
            return Err(HistoryError::InProgress {
                path: dir.to_path_buf(),
                source,
            });
        }
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
        } else if name.ends_with(".lock") || name.ends_with(".tmp") {
            leftovers.push(entry.path());
        }
    }
    snapshots.sort();
    for id in &snapshots {
        // Each entry is recovered or reported on its own: one bad entry (a folder or a FIFO
        // named `<id>.json`) never keeps the others from being recovered. Only a history
        // that cannot be written stops here, leaving every snapshot for next time.
        match recover_one(data_dir, dir, id, scope, &mut out) {
            Ok(()) => {}
            Err(e @ HistoryError::Write { .. }) => return Err(e),
            Err(e) => out.warnings.push(in_progress_warning(
                &dir.join(format!("{id}.json")),
                format!("not recovered: {e}"),
            )),
        }
    }
    if scope.tidy {
        for path in leftovers {
            clean_leftover(dir, &path);
        }
    }
    Ok(out)
}

pub(crate) fn in_progress_warning(path: &Path, message: String) -> Warning {
    Warning {
        kind: WarningKind::InProgress,
        file: path.display().to_string(),
        line: None,
        message,
    }
}

/// Whether the snapshot at `json_path` is one `scope` may touch. An unreadable one is this
/// machine's to report only where the folder is its own to tidy.
fn may_touch(json_path: &Path, scope: &Scope) -> bool {
    match safe_file::read_capped(json_path, MAX_LINE as u64) {
        Ok(bytes) => match serde_json::from_slice::<MachineOnly>(&bytes) {
            Ok(m) => (scope.ours)(m.machine.as_deref()),
            Err(_) => scope.tidy,
        },
        Err(e) if e.is_not_found() => false,
        Err(_) => scope.tidy,
    }
}

/// The owner of `path` when it is not this user.
fn other_owner(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = fs::symlink_metadata(path).ok()?.uid();
        (uid != safe_file::private::own_uid()).then_some(uid)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

pub(crate) fn recover_one(
    data_dir: &Path,
    dir: &Path,
    id: &str,
    scope: &Scope,
    out: &mut Recovered,
) -> Result<(), HistoryError> {
    let json_path = dir.join(format!("{id}.json"));
    let lock_path = dir.join(format!("{id}.lock"));
    // Another machine's session: not even its lock is touched.
    if !may_touch(&json_path, scope) {
        return Ok(());
    }
    // Another user's file could hold a forged record: never read into the history.
    if let Some(uid) = other_owner(&json_path) {
        out.warnings.push(in_progress_warning(
            &json_path,
            format!("it belongs to another user (uid {uid}); not recovered"),
        ));
        return Ok(());
    }
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
    let lock = match safe_file::open_lock(&lock_path, true) {
        Ok(f) => f,
        Err(e) => return undecided(out, e),
    };
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(()),
        Err(std::fs::TryLockError::Error(e)) => return undecided(out, e),
    }
    let Some(snapshot) = read_locked(dir, id, scope, out)? else {
        return Ok(());
    };
    // Read again under the lock: still this machine's?
    if !(scope.ours)(snapshot.machine.as_deref()) {
        return Ok(());
    }
    let mut record = snapshot.record;
    if !snapshot.is_final {
        record.outcome = Outcome::Interrupted;
        settle_end(&mut record);
    }
    match append(data_dir, &record) {
        // No reader would take it (its numbers cannot be true): kept aside, said once,
        // rather than logged as saved and then skipped by every figure.
        Err(HistoryError::Unreadable { why, .. }) => {
            if scope.tidy {
                move_aside(dir, id, &json_path, &why, out);
                let _ = remove_if_there(&lock_path);
            }
            return Ok(());
        }
        r => r?,
    }
    if let Err(e) = remove_if_there(&json_path) {
        out.warnings.push(in_progress_warning(
            &json_path,
            format!(
                "logged as {} but could not be removed ({})",
                record.outcome.as_str(),
                describe(&e)
            ),
        ));
    }
    let _ = remove_if_there(&lock_path);
    drop(lock);
    out.records.push(record);
    Ok(())
}

/// A session whose process died has no end of its own: its last snapshot's time (or its
/// file's) stands in. When that is later than the session could have lasted — a snapshot
/// left for weeks, a file touched since — so late that no reader would take the record,
/// the session is taken to have ended as early as it could: its active and paused time
/// after its start.
fn settle_end(record: &mut SessionRecord) {
    if record.implausible().is_none() {
        return;
    }
    let Ok(lasted) =
        jiff::SignedDuration::try_from_secs_f64(record.active_secs + record.paused_secs)
    else {
        return;
    };
    let Some(end) = record.started().checked_add(lasted).ok() else {
        return;
    };
    if end < record.ended() {
        let tz = TimeZone::fixed(record.started_at.offset());
        record.ended_at = Stamp::new(end, &tz);
    }
}

/// The snapshot `<id>.json` in `dir`, read once its lock is held; `None` when there is none
/// to recover: it was finished meanwhile (its lock removed), or it cannot be read — then,
/// where the folder is this machine's to tidy, it is moved aside (never read, never
/// deleted) so it is reported once.
fn read_locked(
    dir: &Path,
    id: &str,
    scope: &Scope,
    out: &mut Recovered,
) -> Result<Option<SnapshotIn>, HistoryError> {
    let json_path = dir.join(format!("{id}.json"));
    let lock_path = dir.join(format!("{id}.lock"));
    let mut set_aside = |why: &str| {
        if scope.tidy {
            move_aside(dir, id, &json_path, why, out);
            let _ = remove_if_there(&lock_path);
        }
        Ok(None)
    };
    let bytes = match safe_file::read_capped(&json_path, MAX_LINE as u64) {
        Ok(b) => b,
        Err(e) if e.is_not_found() => {
            let _ = remove_if_there(&lock_path);
            return Ok(None);
        }
        // A folder, a FIFO or a device named like a snapshot, or a file far larger than
        // any snapshot.
        Err(e @ safe_file::ReadError::TooLarge(_)) => return set_aside(&e.to_string()),
        Err(safe_file::ReadError::Io(e)) if safe_file::is_not_regular(&e) => {
            return set_aside(&describe(&e));
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
    match read_snapshot(&bytes, file_time) {
        Ok(s) => Ok(Some(s)),
        Err(e) => set_aside(&json_reason(&e)),
    }
}

/// Renames an unreadable snapshot to `<id>.json.bad` (never deletes it) and says so.
pub(crate) fn move_aside(dir: &Path, id: &str, json_path: &Path, why: &str, out: &mut Recovered) {
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

/// Removes a lock file with no snapshot beside it, or a temporary file, once it is old
/// enough not to belong to a session that is just starting — a lock file only if no live
/// process holds it and it does not name another machine.
pub(crate) fn clean_leftover(dir: &Path, path: &Path) {
    let old_enough = fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age >= ORPHAN_LOCK_AGE);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !old_enough {
        return;
    }
    let Some(id) = name.strip_suffix(".lock") else {
        // A temporary file of a write that was killed half-way.
        let _ = fs::remove_file(path);
        return;
    };
    if dir.join(format!("{id}.json")).exists() {
        return;
    }
    let Ok(lock) = safe_file::open_lock(path, false) else {
        return;
    };
    let text = safe_file::read_capped(path, 256).unwrap_or_default();
    let named = String::from_utf8_lossy(&text);
    let other = named
        .split_whitespace()
        .nth(1)
        .is_some_and(|m| m != machine::id());
    if !other && lock.try_lock().is_ok() {
        let _ = fs::remove_file(path);
    }
}

pub(crate) fn free_name(dir: &Path, name: &str) -> PathBuf {
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

    use crate::files::mkfifo;

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
        let out = recover(d.path(), d.path()).unwrap();
        assert_eq!(out.records.len(), 1, "{:?}", out.warnings);
        assert_eq!(out.records[0].id, "c-third");
        assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
        assert!(dir.join("a-first.json.bad").exists());
        assert!(dir.join("b-second.json.bad").exists());
        let again = recover(d.path(), d.path()).unwrap();
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
        let mut f = std::fs::OpenOptions::new()
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
