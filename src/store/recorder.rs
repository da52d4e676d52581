//! Keeps a running session safe on disk: the in-progress snapshot from the first second,
//! replaced at each step change, and the final record appended the moment the session
//! ends. It keeps records made by [`crate::core::run::Run`]; the app's effect runner and
//! plain mode drive it.

use std::path::PathBuf;

use crate::model::record::SessionRecord;
use crate::store::history::{self, InProgress};

const NO_DATA_DIR: &str = "no data directory: this session will not be saved";

pub struct Recorder {
    data: Option<PathBuf>,
    /// The record id of the session this recorder keeps.
    id: String,
    /// Whether the snapshot lives in [`fallback_dir`] because the data directory refused it.
    in_fallback: bool,
    progress: Option<InProgress>,
    /// The last problem writing to disk, in words for the user.
    pub problem: Option<String>,
    saved: bool,
}

/// Where a session is kept when the data directory cannot be written (read-only, full,
/// missing permissions): a private folder under the runtime or temp directory. The next
/// start of any command moves what is there into the real history
/// ([`move_pending`]), so the session is never lost.
///
/// There is one such folder per data directory, so two setups never mix their sessions.
pub fn fallback_dir(data_dir: Option<&std::path::Path>) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    // std's default hasher has fixed keys: the same data directory gives the same folder.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut h);
    base.join(format!("knotless-pending-{:016x}", h.finish()))
}

/// Moves sessions kept in [`fallback_dir`] into the history at `data_dir`, once it can be
/// written. Returns how many were moved. Safe to repeat: the reader drops duplicate ids.
pub fn move_pending(data_dir: &std::path::Path) -> Result<usize, String> {
    let pending = fallback_dir(Some(data_dir));
    if !pending.is_dir() {
        return Ok(0);
    }
    // Sessions that died while kept there become records there first.
    let _ = history::recover(&pending);
    // Listed before reading, so only files whose records were moved are removed.
    let files = history::history_files(&pending).map_err(|e| e.to_string())?;
    let loaded = history::load(&pending, history::Detail::Full).map_err(|e| e.to_string())?;
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
        let mut r = Recorder {
            data,
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
                let fallback = fallback_dir(Some(&dir));
                match InProgress::begin(&fallback, first) {
                    Ok(p) => {
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
                            fallback_dir(Some(dir)).display()
                        ))
                    }
                    Err(e2) => self.problem = Some(format!("{e}; {e2}")),
                },
            },
            (Some(p), _) => {
                if let Err(e) = p.finish(rec) {
                    self.problem = Some(format!("{e} — kept for next time"));
                }
            }
            (None, Some(dir)) => {
                if let Err(e) = history::append(dir, rec) {
                    self.problem = Some(e.to_string());
                }
            }
            (None, None) => self.problem = Some(NO_DATA_DIR.into()),
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
}
