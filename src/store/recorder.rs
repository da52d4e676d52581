//! Keeps a running session safe on disk: the in-progress snapshot from the first second,
//! replaced at each step change, and the final record appended the moment the session
//! ends. It keeps records made by [`crate::core::run::Run`]; the app's effect runner and
//! plain mode drive it.

use std::path::{Path, PathBuf};

use crate::model::record::SessionRecord;
use crate::store::history::{self, InProgress};

const NO_DATA_DIR: &str = "no data directory: this session will not be saved";

pub struct Recorder {
    data: Option<PathBuf>,
    /// Where the session goes when the data directory refuses it ([`fallback_dir`]), or
    /// why there is no such place.
    fallback: Result<PathBuf, String>,
    /// The record id of the session this recorder keeps.
    id: String,
    /// Whether the snapshot lives in the fallback folder because the data directory
    /// refused it.
    in_fallback: bool,
    progress: Option<InProgress>,
    /// The last problem writing to disk, in words for the user.
    pub problem: Option<String>,
    saved: bool,
}

/// Where a session is kept when the data directory cannot be written (read-only, full,
/// replaced by a file): a private folder only this user can open — `knotless-pending-<hash>`
/// in `$XDG_RUNTIME_DIR` when that is this user's own private folder, else
/// `pending-<hash>` in the user's cache folder (`~/.cache/knotless/`). Never a shared
/// temporary folder, where another user could create it first. `Err` says why there is no
/// such place; then nothing is kept aside.
///
/// There is one such folder per data directory, so two setups never mix their sessions.
pub fn fallback_dir(data_dir: Option<&Path>) -> Result<PathBuf, String> {
    use std::hash::{Hash, Hasher};
    // std's default hasher has fixed keys: the same data directory gives the same folder.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut h);
    let hash = h.finish();
    if let Some(rt) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)
        && rt.is_absolute()
        && check_private(&rt).is_ok()
    {
        return Ok(rt.join(format!("knotless-pending-{hash:016x}")));
    }
    directories::ProjectDirs::from("", "", "knotless")
        .map(|d| d.cache_dir().join(format!("pending-{hash:016x}")))
        .ok_or_else(|| {
            "there is no private folder to keep it in (no runtime or cache folder)".to_string()
        })
}

/// The id of the user running this process.
#[cfg(unix)]
fn own_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// `Ok` when `dir` is a real folder (not a link), owned by this user, that no one else can
/// open; else why not, in words for the user.
pub fn check_private(dir: &Path) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(dir)
        .map_err(|e| format!("{}: {}", dir.display(), history::describe(&e)))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != own_uid() {
            return Err(format!(
                "{} belongs to another user (uid {}); not using it",
                dir.display(),
                meta.uid()
            ));
        }
        if meta.mode() & 0o077 != 0 {
            return Err(format!(
                "{} can be opened by other users (mode {:o}); not using it",
                dir.display(),
                meta.mode() & 0o777
            ));
        }
    }
    Ok(())
}

/// Creates `dir` (mode 0700) if it is missing, then checks it is private.
fn ensure_private(dir: &Path) -> Result<(), String> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            format!(
                "cannot create {}: {}",
                parent.display(),
                history::describe(&e)
            )
        })?;
    }
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    match b.create(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            return Err(format!(
                "cannot create {}: {}",
                dir.display(),
                history::describe(&e)
            ));
        }
        _ => {}
    }
    check_private(dir)
}

/// Moves sessions kept in [`fallback_dir`] into the history at `data_dir`, once it can be
/// written. Returns how many were moved. Safe to repeat: the reader drops duplicate ids.
pub fn move_pending(data_dir: &Path) -> Result<usize, String> {
    match fallback_dir(Some(data_dir)) {
        Ok(pending) => move_pending_from(&pending, data_dir),
        Err(_) => Ok(0),
    }
}

/// [`move_pending`] from a given folder. Nothing is read from it unless it is this user's
/// private folder and every file in it is this user's own regular file: another user's
/// folder (or file) could hold forged records.
pub fn move_pending_from(pending: &Path, data_dir: &Path) -> Result<usize, String> {
    match std::fs::symlink_metadata(pending) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        _ => {}
    }
    check_private(pending)?;
    // Sessions that died while kept there become records there first.
    let _ = history::recover(pending);
    // Listed before reading, so only files whose records were moved are removed.
    let files = history::history_files(pending).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    for f in &files {
        use std::os::unix::fs::MetadataExt;
        let ok = std::fs::symlink_metadata(f)
            .is_ok_and(|m| m.is_file() && m.uid() == own_uid() && m.mode() & 0o022 == 0);
        if !ok {
            return Err(format!(
                "{} is not this user's own file; nothing was read from {}",
                f.display(),
                pending.display()
            ));
        }
    }
    let loaded = history::load(pending, history::Detail::Full).map_err(|e| e.to_string())?;
    for r in &loaded.records {
        history::append(data_dir, r).map_err(|e| e.to_string())?;
    }
    for f in files {
        let _ = std::fs::remove_file(f);
    }
    Ok(loaded.records.len())
}

/// A new record id for a session starting now.
pub fn new_id(wall: &jiff::Zoned) -> String {
    history::new_id(wall.timestamp())
}

impl Recorder {
    /// Starts the in-progress snapshot with the session's first record. A data directory
    /// that cannot be written is reported in `problem`; the session still runs.
    pub fn begin(data: Option<PathBuf>, first: &SessionRecord) -> Recorder {
        let fallback = fallback_dir(data.as_deref());
        Recorder::begin_in(data, fallback, first)
    }

    /// [`Recorder::begin`] with the fallback folder given (tests point it somewhere of
    /// their own).
    pub fn begin_in(
        data: Option<PathBuf>,
        fallback: Result<PathBuf, String>,
        first: &SessionRecord,
    ) -> Recorder {
        let mut r = Recorder {
            data,
            fallback,
            id: first.id.clone(),
            in_fallback: false,
            progress: None,
            problem: None,
            saved: false,
        };
        let Some(dir) = r.data.clone() else {
            r.problem = Some(NO_DATA_DIR.into());
            return r;
        };
        match InProgress::begin(&dir, first) {
            Ok(p) => r.progress = Some(p),
            Err(why) => {
                // Keep the session somewhere it can be written, and say where.
                let kept = r.fallback.clone().and_then(|fallback| {
                    ensure_private(&fallback)?;
                    InProgress::begin(&fallback, first)
                        .map(|p| (p, fallback))
                        .map_err(|e| e.to_string())
                });
                match kept {
                    Ok((p, fallback)) => {
                        r.progress = Some(p);
                        r.in_fallback = true;
                        r.problem = Some(format!(
                            "{why}; keeping this session in {} for now",
                            fallback.display()
                        ));
                    }
                    Err(e) => r.problem = Some(format!("{why}; {e}")),
                }
            }
        }
        r
    }

    /// Appends the finished record to the history in the fallback folder, where the next
    /// start finds it ([`move_pending`]); returns the folder.
    fn keep_aside(&self, rec: &SessionRecord) -> Result<PathBuf, String> {
        let dir = self.fallback.clone()?;
        ensure_private(&dir)?;
        history::append(&dir, rec).map_err(|e| e.to_string())?;
        Ok(dir)
    }

    /// The record id of the session being kept.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Replaces the snapshot (call at each step change) so a killed process loses nothing.
    pub fn checkpoint(&mut self, rec: &SessionRecord) {
        if let Some(p) = self.progress.as_mut()
            && let Err(e) = p.update(rec)
        {
            self.problem = Some(e.to_string());
        }
    }

    /// Appends the final record to the history and removes the snapshot. On failure
    /// `problem` says why, and the snapshot stays to be recovered by the next start.
    /// Saving twice is a no-op.
    pub fn finish(&mut self, rec: &SessionRecord) {
        if self.saved {
            return;
        }
        self.saved = true;
        // Only this write decides whether the session is saved: an earlier snapshot failure
        // (a data directory that refuses new files but whose history file takes appends)
        // must not make a saved session read "not saved".
        self.problem = None;
        match (self.progress.take(), &self.data) {
            (Some(p), Some(dir)) if self.in_fallback => match history::append(dir, rec) {
                Ok(()) => {
                    let _ = p.discard();
                }
                // Not lost: kept aside, and moved into the history at the next start.
                Err(e) => match p.finish(rec) {
                    Ok(()) => {
                        self.problem = Some(format!(
                            "{e}; kept in {} and moved into your history at the next start",
                            self.fallback
                                .as_deref()
                                .map_or_else(|_| "?".into(), |d| d.display().to_string())
                        ))
                    }
                    Err(e2) => self.problem = Some(format!("{e}; {e2}")),
                },
            },
            (Some(p), _) => {
                if let Err(e) = p.finish(rec) {
                    // The snapshot in the data directory may not have taken the end (the
                    // same full disk): the finished record itself goes to the fallback
                    // folder, so what arrives later is this session, whole.
                    self.problem = Some(self.after_failure(&e.to_string(), rec));
                }
            }
            (None, Some(_)) => {
                let dir = self.data.clone().expect("matched Some");
                if let Err(e) = history::append(&dir, rec) {
                    self.problem = Some(self.after_failure(&e.to_string(), rec));
                }
            }
            (None, None) => self.problem = Some(NO_DATA_DIR.into()),
        }
    }

    /// What to tell the user when the final write failed: where the record was kept, or
    /// that it could not be kept anywhere.
    fn after_failure(&self, e: &str, rec: &SessionRecord) -> String {
        match self.keep_aside(rec) {
            Ok(dir) => format!(
                "{e}; kept in {} and moved into your history at the next start",
                dir.display()
            ),
            Err(e2) => format!("{e}; it could not be kept aside either: {e2}"),
        }
    }

    pub fn is_saved(&self) -> bool {
        self.saved && self.problem.is_none()
    }

    pub fn data_dir(&self) -> Option<&std::path::Path> {
        self.data.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use std::time::Instant;

    use super::*;
    use crate::core::run::Run;
    use crate::core::session::{Options, Session};
    use crate::model::routine::{Length, Pattern, Phase, PhaseKind, Source};

    /// A plain 4-in, 6-out breath.
    fn relaxed() -> Pattern {
        let phase = |kind, secs| Phase {
            kind,
            length: Duration::from_secs(secs),
            label: None,
        };
        Pattern {
            id: "relaxed".into(),
            description: None,
            phases: vec![phase(PhaseKind::In, 4), phase(PhaseKind::Out, 6)],
            source: Source::Bundled,
        }
    }

    /// `<data>/in-progress` cannot be made (a file is in its way) but the history takes
    /// appends: the session is saved, and the recorder must say so.
    #[test]
    fn a_failed_snapshot_does_not_make_a_saved_session_read_unsaved() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(history::IN_PROGRESS_DIR), b"in the way").unwrap();
        let pattern = &relaxed();
        let (t0, wall) = (Instant::now(), jiff::Zoned::now());
        let opts = Options {
            get_ready: Duration::ZERO,
        };
        let session = Session::breathing(pattern, Length::Breaths(1), opts, new_id(&wall), t0);
        let mut run = Run::new(session, wall, None);
        let mut rec = Recorder::begin(Some(dir.path().to_path_buf()), &run.record(t0));
        assert!(rec.problem.is_some(), "the snapshot could not be written");

        let end = t0 + Duration::from_secs(3);
        run.session.stop(end);
        rec.finish(&run.record(end));
        assert!(rec.is_saved(), "{:?}", rec.problem);
        let loaded = history::load(dir.path(), history::Detail::NoSteps).unwrap();
        assert_eq!(loaded.records.len(), 1);
    }

    #[test]
    fn without_a_data_directory_nothing_is_saved() {
        let pattern = &relaxed();
        let (t0, wall) = (Instant::now(), jiff::Zoned::now());
        let opts = Options {
            get_ready: Duration::ZERO,
        };
        let session = Session::breathing(pattern, Length::Breaths(1), opts, new_id(&wall), t0);
        let run = Run::new(session, wall, None);
        let mut rec = Recorder::begin(None, &run.record(t0));
        rec.finish(&run.record(t0));
        assert!(!rec.is_saved());
        assert_eq!(rec.problem.as_deref(), Some(NO_DATA_DIR));
    }

    fn finished_run(t0: Instant) -> (Run, SessionRecord) {
        let wall = jiff::Zoned::now();
        let opts = Options {
            get_ready: Duration::ZERO,
        };
        let session = Session::breathing(&relaxed(), Length::Breaths(3), opts, new_id(&wall), t0);
        let mut run = Run::new(session, wall, Some(3));
        let first = run.record(t0);
        run.session.update(t0 + Duration::from_secs(13));
        run.session.stop(t0 + Duration::from_secs(13));
        (run, first)
    }

    /// Item 2: the data directory is replaced by a file mid-session. "Kept" must be true:
    /// the finished record itself — 13 s, its own outcome — arrives at the next start.
    #[test]
    fn a_failed_final_save_keeps_the_real_session_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let fallback = tmp.path().join("private");
        let t0 = Instant::now();
        let (run, first) = finished_run(t0);
        let mut rec = Recorder::begin_in(Some(data.clone()), Ok(fallback.clone()), &first);
        assert!(rec.problem.is_none(), "{:?}", rec.problem);
        std::fs::rename(&data, tmp.path().join("moved")).unwrap();
        std::fs::write(&data, "a file where the folder was").unwrap();
        let done = run.record(t0 + Duration::from_secs(13));
        rec.finish(&done);
        assert!(!rec.is_saved());
        let problem = rec.problem.clone().unwrap();
        assert!(
            problem.contains(&fallback.display().to_string()),
            "{problem}"
        );

        std::fs::remove_file(&data).unwrap();
        assert_eq!(move_pending_from(&fallback, &data).unwrap(), 1);
        let loaded = history::load(&data, history::Detail::Full).unwrap();
        assert_eq!(loaded.records.len(), 1);
        let r = &loaded.records[0];
        assert_eq!(r.id, done.id);
        assert_eq!(r.outcome, done.outcome);
        assert_eq!(r.active_secs, 13.0);
        assert_eq!(r.steps, done.steps);
    }

    /// Item 2 with a history file that refuses the line: this machine's history file is a
    /// link to `/dev/full` (which would answer "no space"; a device is never written to at
    /// all); the session is kept aside whole. The full disk itself is
    /// `tests/e2e/hostile_cli.rs::a_full_disk_leaves_no_torn_line` and
    /// `history::hostile_tests::a_short_write_is_cut_back_and_reported`.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_refused_final_save_keeps_the_session_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::os::unix::fs::symlink("/dev/full", history::history_path(&data)).unwrap();
        let fallback = tmp.path().join("private");
        let t0 = Instant::now();
        let (run, first) = finished_run(t0);
        let mut rec = Recorder::begin_in(Some(data.clone()), Ok(fallback.clone()), &first);
        let done = run.record(t0 + Duration::from_secs(13));
        rec.finish(&done);
        let problem = rec.problem.clone().unwrap();
        assert!(problem.contains("not a regular file"), "{problem}");
        assert!(problem.contains("kept in"), "{problem}");
        let kept = history::load(&fallback, history::Detail::Full).unwrap();
        assert_eq!(kept.records.len(), 1);
        assert_eq!(kept.records[0].active_secs, 13.0);
        assert_eq!(kept.records[0].outcome, done.outcome);
    }

    /// Item 1: a fallback folder others can open is never read from, and the folder made
    /// for a session is private (0700, files 0600).
    #[cfg(unix)]
    #[test]
    fn only_a_private_fallback_folder_is_used() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let planted = tmp.path().join("planted");
        std::fs::create_dir(&planted).unwrap();
        let t0 = Instant::now();
        let (run, _) = finished_run(t0);
        let forged = run.record(t0);
        history::append(&planted, &forged).unwrap();
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = move_pending_from(&planted, &data).unwrap_err();
        assert!(e.contains("other users"), "{e}");
        assert!(
            history::load(&data, history::Detail::Full)
                .unwrap()
                .records
                .is_empty()
        );

        // A data directory that refuses the session: the folder made for it is private.
        std::fs::write(&data, "not a folder").unwrap();
        let private = tmp.path().join("private");
        let mut rec = Recorder::begin_in(Some(data.clone()), Ok(private.clone()), &forged);
        rec.finish(&run.record(t0 + Duration::from_secs(13)));
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&private), 0o700);
        for f in history::history_files(&private).unwrap() {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
}
