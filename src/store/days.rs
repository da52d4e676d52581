//! The day log: "did you have a headache today?" answers, one JSON line each, in
//! `<data>/days-<machine>.jsonl` — a file of its own, not new kinds of line inside the
//! history (older readers would skip them with warnings), and one per machine so a synced
//! data directory never has two writers on one file.
//!
//! Same durability as the history: each answer is one append under an advisory lock,
//! synced before the caller says "saved"; nothing here rewrites or deletes a line. Reading
//! merges every machine's file and any sync conflict copy; a line that cannot be read is
//! skipped with a warning naming the file and line, and so is an answer from the future or
//! from before 2000; the last answer for a date (by the time it was given, then by reading
//! order) wins. A date with no answer is simply absent: it is
//! unknown, never a headache-free day.

use std::collections::BTreeMap;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::model::day::DayAnswer;
use crate::store::history::{self, Line, Lines, Warning, WarningKind, describe, file_label};
use crate::store::machine;

/// What every day-log file's name starts with.
pub const DAYS_BASE: &str = "days";

/// `<data>/days-<machine>.jsonl`: the file this machine appends to.
pub fn days_path(data_dir: &Path) -> PathBuf {
    data_dir.join(machine::own_file(DAYS_BASE))
}

/// Every day-log file in `data_dir`, in reading order (see `machine::log_files`).
pub fn days_files(data_dir: &Path) -> io::Result<Vec<PathBuf>> {
    machine::log_files(data_dir, DAYS_BASE)
}

#[derive(Debug, thiserror::Error)]
pub enum DaysError {
    #[error("cannot write the day log at {}: {}", path.display(), describe(source))]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read the day log at {}: {}", path.display(), describe(source))]
    Read { path: PathBuf, source: io::Error },
}

/// Appends one answer to this machine's day log and syncs it to disk before returning.
pub fn append(data_dir: &Path, answer: &DayAnswer) -> Result<(), DaysError> {
    let path = days_path(data_dir);
    let json = serde_json::to_vec(answer).expect("a DayAnswer always serialises");
    history::append_to(data_dir, &path, &json).map_err(|source| DaysError::Write { path, source })
}

/// What [`append_answer`] wrote, what it replaced, and what reading the log found.
#[derive(Debug)]
pub struct Appended {
    pub answer: DayAnswer,
    pub replaced: Option<DayAnswer>,
    pub warnings: Vec<Warning>,
}

/// Appends `answer` as the one that counts for its date from now on, and says which answer
/// it replaces, if any. An answer counts when it was given last, so one given on another
/// machine whose clock runs a little ahead of this one's (by less than the hour an answer
/// from the future is still read) would outlast this correction: the correction is then
/// stamped a second after it (answers are stamped to the second).
pub fn append_answer(data_dir: &Path, mut answer: DayAnswer) -> Result<Appended, DaysError> {
    let (log, warnings) = load(data_dir)?;
    let replaced = log.get(answer.date).cloned();
    if let Some(old) = &replaced {
        let after = old.answered() + jiff::SignedDuration::from_secs(1);
        if answer.answered() < after {
            let zone = jiff::tz::TimeZone::fixed(answer.answered_at.offset());
            answer.answered_at = crate::model::record::Stamp::new(after, &zone);
        }
    }
    append(data_dir, &answer)?;
    Ok(Appended {
        answer,
        replaced,
        warnings,
    })
}

/// The day log as read: the answer that counts for each date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayLog {
    pub answers: BTreeMap<Date, DayAnswer>,
    /// How many readable answer lines there were, counting replaced ones.
    pub lines: usize,
}

impl DayLog {
    /// Takes `answer` into account: it replaces the date's answer unless that one was given
    /// later. Answers read later win ties, so a correction made in the same second counts.
    pub fn add(&mut self, answer: DayAnswer) {
        self.lines += 1;
        let at = answer.answered();
        match self.answers.get(&answer.date) {
            Some(old) if old.answered() > at => {}
            _ => {
                self.answers.insert(answer.date, answer);
            }
        }
    }

    pub fn get(&self, date: Date) -> Option<&DayAnswer> {
        self.answers.get(&date)
    }
}

/// Reads every day-log file. Missing files (or no data directory yet) are an empty log.
pub fn load(data_dir: &Path) -> Result<(DayLog, Vec<Warning>), DaysError> {
    load_at(data_dir, Timestamp::now())
}

/// [`load`] as of `now`: answers from the future are left out (see [`implausible`]).
pub fn load_at(data_dir: &Path, now: Timestamp) -> Result<(DayLog, Vec<Warning>), DaysError> {
    let files = days_files(data_dir).map_err(|source| DaysError::Read {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let mut log = DayLog::default();
    let mut warnings = Vec::new();
    for path in files {
        read_file(&path, now, &mut log, &mut warnings)
            .map_err(|source| DaysError::Read { path, source })?;
    }
    Ok((log, warnings))
}

/// Why an answer read at `now` is left out, if it is: it is about a day before 2000, or
/// about a day still to come — after tomorrow where it was answered (the answering
/// machine's own zone, so a machine a few hours ahead is not turned away) — or it was
/// given in the future (a clock set wrong; it would win every later correction). Another
/// machine's wrong clock must not put answers into this month's counts.
pub fn implausible(answer: &DayAnswer, now: Timestamp) -> Option<String> {
    if answer.date < crate::model::record::EARLIEST_DATE {
        return Some(format!("an answer for {}, before 2000", answer.date));
    }
    let there = jiff::tz::TimeZone::fixed(answer.answered_at.offset());
    let tomorrow = now.to_zoned(there).date().tomorrow().ok()?;
    if answer.date > tomorrow {
        return Some(format!(
            "an answer for {}, a day still to come; left out until then",
            answer.date
        ));
    }
    (answer.answered() > now + history::FUTURE_SLACK).then(|| {
        format!(
            "an answer given in the future ({}); left out until then",
            answer.answered_at
        )
    })
}

fn read_file(
    path: &Path,
    now: Timestamp,
    log: &mut DayLog,
    warnings: &mut Vec<Warning>,
) -> io::Result<()> {
    let label = file_label(path);
    let file = match crate::files::open_regular(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        // A FIFO, a device or a folder is never read: `open_regular` refuses it at once.
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let file = std::io::Read::take(file, len);
    let mut lines = Lines::new(BufReader::new(file));
    let mut buf = Vec::new();
    let mut warn = |kind, n: u64, message: String| {
        warnings.push(Warning {
            kind,
            file: label.clone(),
            line: Some(n),
            message,
        });
    };
    while let Some(kind) = lines.next_into(&mut buf)? {
        let n = lines.number;
        if matches!(kind, Line::TooLong) {
            warn(
                WarningKind::Unreadable,
                n,
                format!("skipped: longer than {} KiB", history::MAX_LINE / 1024),
            );
            continue;
        }
        if history::is_blank(&buf) {
            continue;
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(e) => {
                warn(
                    WarningKind::Unreadable,
                    n,
                    format!("skipped: not valid UTF-8 (byte {})", e.valid_up_to() + 1),
                );
                continue;
            }
        };
        match serde_json::from_str::<DayAnswer>(text) {
            Ok(a) => match implausible(&a, now) {
                None => log.add(a),
                Some(why) => warn(WarningKind::Ignored, n, why),
            },
            Err(e) => warn(
                WarningKind::Unreadable,
                n,
                format!("skipped: {}", history::json_reason(&e)),
            ),
        }
    }
    Ok(())
}

/// A new answer for `date`, given at `now` on this machine.
pub fn answer(date: Date, headache: bool, now: &jiff::Zoned) -> DayAnswer {
    DayAnswer {
        v: crate::model::day::DAY_VERSION,
        date,
        headache,
        migraine: false,
        worst: None,
        meds: None,
        answered_at: crate::model::record::Stamp::new(now.timestamp(), now.time_zone()),
        machine: machine::id().to_string(),
    }
}
