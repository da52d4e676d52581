//! Where a finished session waits when the data folder refuses it (read-only, full, replaced
//! by a file): `<state>/kept-aside/`, a folder only this user can open, used only through a
//! handle to it (see [`crate::files::private`]). The next start moves what waits there into
//! the history.
//!
//! Each kept session is a file of its own, published whole (written under a hidden name,
//! then renamed), so nothing is ever appended to a file a mover may be taking. Moving is
//! safe against every other knotless on the machine (each command moves kept sessions at
//! its start, the prompt's `nudge` too): one mover at a time (a lock on the folder; the
//! others skip), and each waiting file is claimed by renaming it to a private name before
//! it is read. A claimed file is removed only once every line in it is in the history; a
//! line that cannot be read keeps its file (renamed `unreadable-…`).

use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::files::{self, private::PrivateDir, private::PrivateDirError};
use crate::model::record::SessionRecord;
use crate::store::history::{self, HistoryError, Line, Lines};
use crate::store::machine;

/// `<state>/kept-aside`.
pub const KEPT_ASIDE_DIR: &str = "kept-aside";
/// What a file claimed by a mover is renamed to start with.
const CLAIMED: &str = "claimed-";
/// What a claimed file holding lines that could not be read is renamed to start with.
const UNREADABLE: &str = "unreadable-";

#[derive(Debug, thiserror::Error)]
pub enum KeptAsideError {
    #[error(transparent)]
    Folder(#[from] PrivateDirError),
    #[error("{}: {}", path.display(), files::describe(source))]
    Io { path: PathBuf, source: io::Error },
    #[error(transparent)]
    History(#[from] HistoryError),
}

/// `<state>/kept-aside`.
pub fn kept_aside_dir(state_dir: &Path) -> PathBuf {
    state_dir.join(KEPT_ASIDE_DIR)
}

/// Keeps a finished record in `<state>/kept-aside` until the next start; returns the folder.
pub fn keep(state_dir: &Path, record: &SessionRecord) -> Result<PathBuf, KeptAsideError> {
    let path = kept_aside_dir(state_dir);
    let dir = PrivateDir::open_or_create(&path)?;
    let mut line = serde_json::to_vec(record).expect("a SessionRecord always serialises");
    line.push(b'\n');
    // A file of its own for each session, so nothing ever appends to a file a mover may be
    // taking: `history-<machine>-<id>.jsonl`.
    let id = if history::is_valid_id(&record.id) {
        record.id.clone()
    } else {
        history::new_id(jiff::Timestamp::now())
    };
    let name = format!("{}-{}-{id}.jsonl", history::HISTORY_BASE, machine::id());
    dir.publish(&name, &line)
        .map_err(|source| KeptAsideError::Io {
            path: path.join(&name),
            source,
        })?;
    Ok(path)
}

/// What [`move_pending`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Moved {
    /// Records appended to the history.
    pub records: usize,
    /// Lines that could not be read, kept in their file (named here).
    pub unreadable: Vec<PathBuf>,
}

/// Moves the sessions kept in `<state>/kept-aside` (and in the folders older versions kept
/// them in) into the history in `data_dir`. Another knotless moving them at the same
/// moment makes this one skip (`Ok` with nothing moved).
pub fn move_pending(state_dir: &Path, data_dir: &Path) -> Result<Moved, KeptAsideError> {
    let mut moved = Moved::default();
    for path in std::iter::once(kept_aside_dir(state_dir)).chain(legacy_dirs(data_dir)) {
        let Some(dir) = PrivateDir::open(&path)? else {
            continue;
        };
        move_from(&dir, data_dir, &mut moved)?;
    }
    Ok(moved)
}

/// Moves what waits in `dir` into the history at `data_dir` (see the module's doc).
pub fn move_from(
    dir: &PrivateDir,
    data_dir: &Path,
    moved: &mut Moved,
) -> Result<(), KeptAsideError> {
    let fail = |source| KeptAsideError::Io {
        path: dir.path().to_path_buf(),
        source,
    };
    let Some(_turn) = dir.try_lock().map_err(fail)? else {
        return Ok(());
    };
    // Older versions kept running sessions here too: those that died become records first.
    let _ = recover_legacy(dir.path());
    let names = dir.names().map_err(fail)?;
    // A mover that died (or failed) after claiming left its files: they are taken again.
    let mut claimed: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with(CLAIMED))
        .cloned()
        .collect();
    // A session whose keeper was killed before it could publish it: whatever it holds is
    // taken too (a cut-off line keeps its file).
    let abandoned = |n: &String| {
        n.starts_with('.')
            && n.ends_with(".tmp")
            && dir.age(n).is_some_and(|a| a >= history::ORPHAN_LOCK_AGE)
    };
    for name in names
        .iter()
        .filter(|n| machine::is_log_file(n, history::HISTORY_BASE) || abandoned(n))
    {
        let to = format!("{CLAIMED}{}", history::new_id(jiff::Timestamp::now()));
        dir.rename(name, &to).map_err(fail)?;
        claimed.push(to);
    }
    dir.sync();
    claimed.sort();
    for name in &claimed {
        move_file(dir, name, data_dir, moved)?;
    }
    Ok(())
}

/// Appends every record in the claimed file `name` to the history, then removes the file —
/// or, if a line could not be read, renames it `unreadable-…` and keeps it.
fn move_file(
    dir: &PrivateDir,
    name: &str,
    data_dir: &Path,
    moved: &mut Moved,
) -> Result<(), KeptAsideError> {
    let path = dir.path().join(name);
    let fail = |source| KeptAsideError::Io {
        path: path.clone(),
        source,
    };
    let file = dir.open_file(name).map_err(fail)?;
    // An appender that took the file's lock before it was claimed finishes its line first.
    file.lock().map_err(fail)?;
    let len = file.metadata().map_err(fail)?.len();
    let mut lines = Lines::new(BufReader::new((&file).take(len)));
    let mut buf = Vec::new();
    let mut unreadable = false;
    while let Some(kind) = lines.next_into(&mut buf).map_err(fail)? {
        if history::is_blank(&buf) {
            continue;
        }
        let record = match kind {
            Line::Text => serde_json::from_slice::<SessionRecord>(&buf).ok(),
            Line::TooLong => None,
        };
        match record.filter(|r| r.implausible().is_none()) {
            Some(r) => {
                history::append(data_dir, &r)?;
                moved.records += 1;
            }
            None => unreadable = true,
        }
    }
    if unreadable {
        let keep = format!(
            "{UNREADABLE}{}.jsonl",
            history::new_id(jiff::Timestamp::now())
        );
        dir.rename(name, &keep).map_err(fail)?;
        moved.unreadable.push(dir.path().join(keep));
    } else {
        dir.remove(name).map_err(fail)?;
    }
    dir.sync();
    Ok(())
}

/// Sessions that died while an older version kept them in its fallback folder.
fn recover_legacy(dir: &Path) -> Result<(), HistoryError> {
    if !dir.join(history::IN_PROGRESS_DIR).exists() {
        return Ok(());
    }
    history::recover(dir, dir).map(|_| ())
}

/// Where older versions kept sessions the data folder refused: `knotless-pending-<hash>` in
/// `$XDG_RUNTIME_DIR`, or `pending-<hash>` in the cache folder, the hash naming the data
/// folder as those versions did.
fn legacy_dirs(data_dir: &Path) -> Vec<PathBuf> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    Some(data_dir).hash(&mut h);
    let hash = h.finish();
    let mut out = Vec::new();
    if let Some(rt) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)
        && rt.is_absolute()
    {
        out.push(rt.join(format!("knotless-pending-{hash:016x}")));
    }
    if let Some(d) = directories::ProjectDirs::from("", "", "knotless") {
        out.push(d.cache_dir().join(format!("pending-{hash:016x}")));
    }
    out
}
