//! Keeps a running session safe on disk: the in-progress snapshot from the first second,
//! replaced at each step change, and the final record appended the moment the session
//! ends. Shared by the player screen, the breathing screen and plain mode.
//!
//! Wall-clock times come from one reading at the start plus the session's own monotonic
//! instants, so `started_at`/`ended_at` agree exactly with the active and paused times.

use std::path::PathBuf;
use std::time::Instant;

use crate::core::session::Session;
use crate::model::record::{SessionRecord, format_time};
use crate::store::history::{self, InProgress};

const NO_DATA_DIR: &str = "no data directory: this session will not be saved";

pub struct Recorder {
    data: Option<PathBuf>,
    /// Whether the snapshot lives in [`fallback_dir`] because the data directory refused it.
    in_fallback: bool,
    wall_start: jiff::Zoned,
    t_start: Instant,
    pain_before: Option<u8>,
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
    let loaded = history::load(&pending, history::Detail::Full).map_err(|e| e.to_string())?;
    for r in &loaded.records {
        history::append(data_dir, r).map_err(|e| e.to_string())?;
    }
    let _ = std::fs::remove_file(history::history_path(&pending));
    Ok(loaded.records.len())
}

/// A new record id for a session starting now.
pub fn new_id(wall: &jiff::Zoned) -> String {
    history::new_id(wall.timestamp())
}

impl Recorder {
    /// Starts the in-progress snapshot. A data directory that cannot be written is reported
    /// in `problem`; the session still runs.
    pub fn begin(
        data: Option<PathBuf>,
        wall_start: jiff::Zoned,
        session: &Session,
        pain_before: Option<u8>,
    ) -> Recorder {
        let mut r = Recorder {
            data,
            in_fallback: false,
            wall_start,
            t_start: session.started(),
            pain_before,
            progress: None,
            problem: None,
            saved: false,
        };
        let Some(dir) = r.data.clone() else {
            r.problem = Some(NO_DATA_DIR.into());
            return r;
        };
        let first = r.record(session, session.started());
        match InProgress::begin(&dir, &first) {
            Ok(p) => r.progress = Some(p),
            Err(why) => {
                // Keep the session somewhere it can be written, and say where.
                let fallback = fallback_dir(Some(&dir));
                match InProgress::begin(&fallback, &first) {
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

    /// The wall-clock time of a session instant, RFC 3339 with the local offset.
    pub fn stamp(&self, at: Instant) -> String {
        let since = at.saturating_duration_since(self.t_start);
        let ts = self.wall_start.timestamp()
            + jiff::SignedDuration::try_from(since).unwrap_or(jiff::SignedDuration::ZERO);
        format_time(ts, self.wall_start.time_zone())
    }

    /// The session's record as of `now` (mid-session: the steps so far).
    pub fn record(&self, session: &Session, now: Instant) -> SessionRecord {
        let end = session.finished_at().unwrap_or(now);
        let mut rec = session.record(self.stamp(self.t_start), self.stamp(end));
        rec.pain_before = self.pain_before;
        rec
    }

    /// Replaces the snapshot (call at each step change) so a killed process loses nothing.
    pub fn checkpoint(&mut self, session: &Session, now: Instant) {
        let rec = self.record(session, now);
        if let Some(p) = self.progress.as_mut()
            && let Err(e) = p.update(&rec)
        {
            self.problem = Some(e.to_string());
        }
    }

    /// Appends the final record to the history and removes the snapshot. Returns the
    /// record; on failure `problem` says why, and the snapshot stays to be recovered by the
    /// next start. Saving twice is a no-op.
    pub fn finish(&mut self, session: &Session, now: Instant) -> SessionRecord {
        let rec = self.record(session, now);
        if self.saved {
            return rec;
        }
        self.saved = true;
        // Only this write decides whether the session is saved: an earlier snapshot failure
        // (a data directory that refuses new files but whose history file takes appends)
        // must not make a saved session read "not saved".
        self.problem = None;
        match (self.progress.take(), &self.data) {
            (Some(p), Some(dir)) if self.in_fallback => match history::append(dir, &rec) {
                Ok(()) => {
                    let _ = p.discard();
                }
                // Not lost: kept aside, and moved into the history at the next start.
                Err(e) => match p.finish(&rec) {
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
                if let Err(e) = p.finish(&rec) {
                    self.problem = Some(format!("{e} — kept for next time"));
                }
            }
            (None, Some(dir)) => {
                if let Err(e) = history::append(dir, &rec) {
                    self.problem = Some(e.to_string());
                }
            }
            (None, None) => self.problem = Some(NO_DATA_DIR.into()),
        }
        rec
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

    use super::*;
    use crate::core::session::Options;
    use crate::library::Library;
    use crate::model::routine::Length;

    /// `<data>/in-progress` cannot be made (a file is in its way) but the history takes
    /// appends: the session is saved, and the recorder must say so.
    #[test]
    fn a_failed_snapshot_does_not_make_a_saved_session_read_unsaved() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(history::IN_PROGRESS_DIR), b"in the way").unwrap();
        let lib = Library::load(None);
        let pattern = lib.pattern("relaxed").expect("a bundled pattern");
        let (t0, wall) = (Instant::now(), jiff::Zoned::now());
        let opts = Options {
            get_ready: Duration::ZERO,
        };
        let mut session = Session::breathing(pattern, Length::Breaths(1), opts, new_id(&wall), t0);
        let mut rec = Recorder::begin(Some(dir.path().to_path_buf()), wall, &session, None);
        assert!(rec.problem.is_some(), "the snapshot could not be written");

        let end = t0 + Duration::from_secs(3);
        session.stop(end);
        rec.finish(&session, end);
        assert!(rec.is_saved(), "{:?}", rec.problem);
        let loaded = history::load(dir.path(), history::Detail::NoSteps).unwrap();
        assert_eq!(loaded.records.len(), 1);
    }

    #[test]
    fn without_a_data_directory_nothing_is_saved() {
        let lib = Library::load(None);
        let pattern = lib.pattern("relaxed").expect("a bundled pattern");
        let (t0, wall) = (Instant::now(), jiff::Zoned::now());
        let opts = Options {
            get_ready: Duration::ZERO,
        };
        let session = Session::breathing(pattern, Length::Breaths(1), opts, new_id(&wall), t0);
        let mut rec = Recorder::begin(None, wall, &session, None);
        rec.finish(&session, t0);
        assert!(!rec.is_saved());
        assert_eq!(rec.problem.as_deref(), Some(NO_DATA_DIR));
    }
}
