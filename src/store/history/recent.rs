//! The home screen's header, read backwards from the end of each file.

use super::*;

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

/// Reads each history file backwards from its end, 64 KiB at a time, and stops once it is past
/// the records older than `since` (normally the start of this week), so the cost does not
/// grow with the length of the history. Each line is taken by the rule every reader applies
/// ([`accept`]): what `history` and `stats` skip or leave out is never counted here.
/// Those lines are skipped silently here: the full readers report them.
pub fn recent(data_dir: &Path, since: Timestamp) -> Result<Recent, HistoryError> {
    let files = history_files(data_dir).map_err(|source| HistoryError::Read {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let mut scan = BackScan {
        since,
        out: Recent::default(),
        seen: HashSet::new(),
        held: HashMap::new(),
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
    // Sessions only a recovery logged (as interrupted): no final record replaced them.
    for (id, (started, ended)) in std::mem::take(&mut scan.held) {
        if !scan.seen.contains(&id) {
            scan.count(started, ended);
        }
    }
    Ok(scan.out)
}

pub(crate) fn scan_back(path: &Path, scan: &mut BackScan) -> Result<(), HistoryError> {
    let fail = |source| HistoryError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match safe_file::open_regular(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(fail(e)),
    };
    safe_file::lines_backwards(&mut file, MAX_LINE, |line| scan.line(line)).map_err(fail)
}

pub(crate) struct BackScan {
    since: Timestamp,
    out: Recent,
    seen: HashSet<String>,
    /// Counted sessions logged as interrupted, by id, until every file is read: a final
    /// record of the same session counts instead.
    held: HashMap<String, (Timestamp, Timestamp)>,
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
        let Ok(text) = std::str::from_utf8(line) else {
            return false;
        };
        let Ok(g) = accept(text, Detail::Figures, self.future) else {
            return false;
        };
        let (started, ended) = (g.started(), g.ended());
        if started < self.since {
            self.old_streak += 1;
        } else {
            self.old_streak = 0;
        }
        let counts = record::counts(g.kind, g.active_secs);
        if g.kind != Kind::External && !self.seen.contains(&g.id) {
            if g.outcome == Outcome::Interrupted {
                if counts {
                    self.held.entry(g.id).or_insert((started, ended));
                }
            } else {
                self.seen.insert(g.id);
                if counts {
                    self.count(started, ended);
                }
            }
        }
        self.old_streak >= OLD_STREAK
    }

    fn count(&mut self, started: Timestamp, ended: Timestamp) {
        if started >= self.since {
            self.out.count_since += 1;
        }
        if self.out.last_ended.is_none_or(|t| ended > t) {
            self.out.last_ended = Some(ended);
        }
    }
}
