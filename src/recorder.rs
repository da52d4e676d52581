//! Keeps a running session safe on disk: the in-progress snapshot from the first second,
//! replaced at each step change, and the final record appended the moment the session
//! ends. Shared by the player screen, the breathing screen and plain mode.
//!
//! Wall-clock times come from one reading at the start plus the session's own monotonic
//! instants, so `started_at`/`ended_at` agree exactly with the active and paused times.

use std::path::PathBuf;
use std::time::Instant;

use crate::history::{self, InProgress};
use crate::record::{SessionRecord, format_time};
use crate::session::Session;

const NO_DATA_DIR: &str = "no data directory: this session will not be saved";

pub struct Recorder {
    data: Option<PathBuf>,
    wall_start: jiff::Zoned,
    t_start: Instant,
    pain_before: Option<u8>,
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
            wall_start,
            t_start: session.started(),
            pain_before,
            progress: None,
            problem: None,
            saved: false,
        };
        if let Some(dir) = r.data.clone() {
            match InProgress::begin(&dir, &r.record(session, session.started())) {
                Ok(p) => r.progress = Some(p),
                Err(e) => r.problem = Some(e.to_string()),
            }
        } else {
            r.problem = Some(NO_DATA_DIR.into());
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
    use crate::load::Library;
    use crate::routine::Length;
    use crate::session::Options;

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
