//! Appending records and amendments: one write, synced, under the lock; a short write is cut back.

use super::*;

/// Appends a finished session to the history and syncs it to disk before returning.
/// Creates the data directory and the file on first use. What is written is a line every
/// reader takes ([`record_line`]).
pub fn append(data_dir: &Path, record: &SessionRecord) -> Result<(), HistoryError> {
    append_line(data_dir, record_line(record)?)
}

/// Appends an amendment (ratings or a note added after the session was saved), its note
/// cut if it would make the line longer than the readers take.
pub fn amend(data_dir: &Path, amendment: &Amendment) -> Result<(), HistoryError> {
    let mut json = serde_json::to_vec(amendment).expect("an Amendment always serialises");
    if json.len() > MAX_LINE {
        let mut cut = amendment.clone();
        cut.note = cut.note.map(|n| cut_chars(&n, NOTE_KEPT));
        json = serde_json::to_vec(&cut).expect("an Amendment always serialises");
    }
    append_line(data_dir, json)
}

/// What is left of a text cut to make a line fit: the first `n` characters and an ellipsis.
fn cut_chars(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// How much of a note is kept when a line would be too long with all of it.
const NOTE_KEPT: usize = 2000;
/// How much of each step's title is kept when a line would be too long with all of them.
const STEP_TITLE_KEPT: usize = 40;

/// `record` as one history line that every reader takes — the writer refuses nothing the
/// readers would (the rule is theirs, [`accept`]), so "saved" never means "saved, then
/// invisible". A record longer than the readers' line limit (routine files bound their
/// texts, so only a hand-made routine or a very long note could make one) keeps the session
/// in every figure with less detail: each step's title cut, then the step titles left out,
/// then the steps, then the note cut. A record no reader would take for its numbers or
/// dates is refused: the error says why, and the caller keeps the session aside.
pub fn record_line(record: &SessionRecord) -> Result<Vec<u8>, HistoryError> {
    let shrink: [fn(&mut SessionRecord); 4] = [
        |r| {
            for s in &mut r.steps {
                s.title = cut_chars(&s.title, STEP_TITLE_KEPT);
            }
        },
        |r| r.steps.iter_mut().for_each(|s| s.title.clear()),
        |r| r.steps.clear(),
        |r| r.note = r.note.as_deref().map(|n| cut_chars(n, NOTE_KEPT)),
    ];
    let refused = |why: String| HistoryError::Unreadable {
        id: record.id.clone(),
        why,
    };
    let mut fitted = std::borrow::Cow::Borrowed(record);
    let mut next = shrink.iter();
    loop {
        let json = serde_json::to_vec(&*fitted).expect("a SessionRecord always serialises");
        if json.len() <= MAX_LINE {
            let text = std::str::from_utf8(&json).expect("serde_json writes UTF-8");
            return match accept(text, Detail::Full, Timestamp::MAX) {
                Ok(_) => Ok(json),
                Err(Refused::Unreadable(why) | Refused::Future(why)) => Err(refused(why)),
            };
        }
        match next.next() {
            Some(step) => step(fitted.to_mut()),
            None => {
                return Err(refused(format!(
                    "it is {} bytes long, more than the {} KiB a line may have",
                    json.len(),
                    MAX_LINE / 1024
                )));
            }
        }
    }
}

pub(crate) fn append_line(data_dir: &Path, json: Vec<u8>) -> Result<(), HistoryError> {
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
pub(crate) fn append_with(
    data_dir: &Path,
    path: &Path,
    json: &[u8],
    write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    safe_file::create_private_dirs(data_dir)?;
    // Only ever a regular file: a FIFO or a device would not keep what is appended.
    let mut file = safe_file::open_append(path)?;
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
        safe_file::sync_dir(data_dir);
    }
    Ok(())
}

pub(crate) fn ends_with_newline(file: &mut File, len: u64) -> io::Result<bool> {
    if !file.metadata()?.is_file() {
        return Ok(true);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}
