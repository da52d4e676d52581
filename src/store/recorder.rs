//! Keeps a running session safe on disk: the in-progress snapshot in this machine's state
//! folder from the first second, replaced at each step change, and the final record
//! appended to the history the moment the session ends. A final record the data folder
//! refuses waits in the kept-aside folder ([`crate::store::kept_aside`]) and is moved in at
//! the next start. It keeps records made by [`crate::core::run::Run`]; the app's effect
//! runner and plain mode drive it.

use std::path::{Path, PathBuf};

use crate::model::record::SessionRecord;
use crate::store::history::{self, InProgress};
use crate::store::kept_aside;
use crate::store::paths::Paths;

pub use crate::store::kept_aside::{Moved, move_pending};

const NO_DATA_DIR: &str = "no data directory: this session will not be saved";
const NO_STATE_DIR: &str =
    "no state directory: this session is not kept while it runs (set KNOTLESS_STATE_DIR)";

pub struct Recorder {
    data: Option<PathBuf>,
    /// This machine's state folder: the snapshot and the kept-aside folder.
    state: Option<PathBuf>,
    /// The record id of the session this recorder keeps.
    id: String,
    progress: Option<InProgress>,
    /// The last problem writing to disk, in words for the user.
    pub problem: Option<String>,
    saved: bool,
}

/// A new record id for a session starting now.
pub fn new_id(wall: &jiff::Zoned) -> String {
    history::new_id(wall.timestamp())
}

impl Recorder {
    /// Starts the in-progress snapshot with the session's first record. A folder that
    /// cannot be written is reported in `problem`; the session still runs.
    pub fn begin(paths: &Paths, first: &SessionRecord) -> Recorder {
        Recorder::begin_in(paths.data.clone(), paths.state.clone(), first)
    }

    /// [`Recorder::begin`] with the folders given one by one.
    pub fn begin_in(
        data: Option<PathBuf>,
        state: Option<PathBuf>,
        first: &SessionRecord,
    ) -> Recorder {
        let mut r = Recorder {
            data,
            state,
            id: first.id.clone(),
            progress: None,
            problem: None,
            saved: false,
        };
        let (Some(data), Some(state)) = (r.data.clone(), r.state.clone()) else {
            r.problem = Some(
                if r.data.is_none() {
                    NO_DATA_DIR
                } else {
                    NO_STATE_DIR
                }
                .into(),
            );
            return r;
        };
        match InProgress::begin(&state, &data, first) {
            Ok(p) => r.progress = Some(p),
            Err(e) => r.problem = Some(e.to_string()),
        }
        r
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
    /// `problem` says why and where the session was kept for the next start. Saving twice is
    /// a no-op.
    pub fn finish(&mut self, rec: &SessionRecord) {
        if self.saved {
            return;
        }
        self.saved = true;
        // Only this write decides whether the session is saved: an earlier snapshot failure
        // must not make a saved session read "not saved".
        self.problem = None;
        let Some(data) = self.data.clone() else {
            self.problem = Some(NO_DATA_DIR.into());
            return;
        };
        let result = match self.progress.take() {
            Some(p) => p.finish(rec),
            None => history::append(&data, rec),
        };
        if let Err(e) = result {
            self.problem = Some(self.after_failure(&e.to_string(), rec));
        }
    }

    /// What to tell the user when the final write failed: where the record was kept, or
    /// that it could not be kept anywhere. Kept aside, the session's final snapshot (if the
    /// state folder took it) is no longer needed.
    fn after_failure(&self, e: &str, rec: &SessionRecord) -> String {
        let Some(state) = self.state.as_deref() else {
            return format!("{e}; {NO_STATE_DIR}");
        };
        match kept_aside::keep(state, rec) {
            Ok(dir) => {
                let _ = history::remove_snapshot(state, &rec.id);
                format!(
                    "{e}; kept in {} and moved into your history at the next start",
                    dir.display()
                )
            }
            Err(e2) if self.snapshot_kept(state) => format!(
                "{e}; kept in {} and logged at the next start (it could not be kept aside: {e2})",
                history::in_progress_dir(state).display()
            ),
            Err(e2) => format!("{e}; it could not be kept aside either: {e2}"),
        }
    }

    /// Whether the session's snapshot is still there to be recovered.
    fn snapshot_kept(&self, state: &Path) -> bool {
        history::in_progress_dir(state)
            .join(format!("{}.json", self.id))
            .is_file()
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
    use crate::files::write::put;
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

    /// `<state>/in-progress` cannot be made (a file is in its way) but the history takes
    /// appends: the session is saved, and the recorder must say so.
    #[test]
    fn a_failed_snapshot_does_not_make_a_saved_session_read_unsaved() {
        let dir = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        put(&state.path().join(history::IN_PROGRESS_DIR), b"in the way");
        let pattern = &relaxed();
        let (t0, wall) = (Instant::now(), jiff::Zoned::now());
        let opts = Options {
            get_ready: Duration::ZERO,
        };
        let session = Session::breathing(pattern, Length::Breaths(1), opts, new_id(&wall), t0);
        let mut run = Run::new(session, wall, Default::default());
        let mut rec = Recorder::begin_in(
            Some(dir.path().to_path_buf()),
            Some(state.path().to_path_buf()),
            &run.record(t0),
        );
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
        let run = Run::new(session, wall, Default::default());
        let mut rec = Recorder::begin_in(None, None, &run.record(t0));
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
        let mut run = Run::new(session, wall, crate::model::record::Before::rated(Some(3)));
        let first = run.record(t0);
        run.session.update(t0 + Duration::from_secs(13));
        run.session.stop(t0 + Duration::from_secs(13));
        (run, first)
    }

    /// The data directory is replaced by a file mid-session. "Kept" must be true: the
    /// finished record itself — 13 s, its own outcome — arrives at the next start, and the
    /// snapshot is not recovered as well.
    #[test]
    fn a_failed_final_save_keeps_the_real_session_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let state = tmp.path().join("state");
        let fallback = kept_aside::kept_aside_dir(&state);
        let t0 = Instant::now();
        let (run, first) = finished_run(t0);
        std::fs::create_dir(&data).unwrap();
        let mut rec = Recorder::begin_in(Some(data.clone()), Some(state.clone()), &first);
        assert!(rec.problem.is_none(), "{:?}", rec.problem);
        std::fs::rename(&data, tmp.path().join("moved")).unwrap();
        put(&data, "a file where the folder was");
        let done = run.record(t0 + Duration::from_secs(13));
        rec.finish(&done);
        assert!(!rec.is_saved());
        let problem = rec.problem.clone().unwrap();
        assert!(
            problem.contains(&fallback.display().to_string()),
            "{problem}"
        );

        std::fs::remove_file(&data).unwrap();
        assert!(history::recover(&state, &data).unwrap().records.is_empty());
        assert_eq!(move_pending(&state, &data).unwrap().records, 1);
        let loaded = history::load(&data, history::Detail::Full).unwrap();
        assert_eq!(loaded.records.len(), 1);
        let r = &loaded.records[0];
        assert_eq!(r.id, done.id);
        assert_eq!(r.outcome, done.outcome);
        assert_eq!(r.active_secs, 13.0);
        assert_eq!(r.steps, done.steps);
    }

    /// A history file that refuses the line: this machine's history file is a link to
    /// `/dev/full` (which would answer "no space"; a device is never written to at all);
    /// the session is kept aside whole. The full disk itself is
    /// `tests/e2e/hostile_cli.rs::a_full_disk_leaves_no_torn_line` and
    /// `history::hostile_tests::a_short_write_is_cut_back_and_reported`.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_refused_final_save_keeps_the_session_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::os::unix::fs::symlink("/dev/full", history::history_path(&data)).unwrap();
        let state = tmp.path().join("state");
        let t0 = Instant::now();
        let (run, first) = finished_run(t0);
        let mut rec = Recorder::begin_in(Some(data.clone()), Some(state.clone()), &first);
        let done = run.record(t0 + Duration::from_secs(13));
        rec.finish(&done);
        let problem = rec.problem.clone().unwrap();
        assert!(problem.contains("not a regular file"), "{problem}");
        assert!(problem.contains("kept in"), "{problem}");
        std::fs::remove_file(history::history_path(&data)).unwrap();
        assert_eq!(move_pending(&state, &data).unwrap().records, 1);
        let kept = history::load(&data, history::Detail::Full).unwrap();
        assert_eq!(kept.records.len(), 1);
        assert_eq!(kept.records[0].active_secs, 13.0);
        assert_eq!(kept.records[0].outcome, done.outcome);
    }

    /// A kept-aside folder others can open is never read from, and the folder made for a
    /// session is private (0700, files 0600).
    #[cfg(unix)]
    #[test]
    fn only_a_private_kept_aside_folder_is_used() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let state = tmp.path().join("state");
        let planted = kept_aside::kept_aside_dir(&state);
        std::fs::create_dir_all(&planted).unwrap();
        let t0 = Instant::now();
        let (run, _) = finished_run(t0);
        let forged = run.record(t0);
        history::append(&planted, &forged).unwrap();
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = move_pending(&state, &data).unwrap_err().to_string();
        assert!(e.contains("other users"), "{e}");
        assert!(
            history::load(&data, history::Detail::Full)
                .unwrap()
                .records
                .is_empty()
        );
        std::fs::remove_dir_all(&planted).unwrap();

        // A data directory that refuses the session: the folder made for it is private.
        put(&data, "not a folder");
        let mut rec = Recorder::begin_in(Some(data.clone()), Some(state.clone()), &forged);
        rec.finish(&run.record(t0 + Duration::from_secs(13)));
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&planted), 0o700);
        for f in std::fs::read_dir(&planted).unwrap() {
            let f = f.unwrap().path();
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
}
