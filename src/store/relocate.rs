//! The one-time move of this machine's own files out of the data folder, where older versions
//! kept them, into the state folder: `state.toml` (the acknowledged notice becomes a line of
//! the notice log, which follows the user; the theme and mute stay with this machine),
//! `nudge.toml`, and the sessions left in `in-progress/`.
//!
//! It runs at every start and costs three `stat`s once there is nothing left to move. A file
//! that cannot be read is left where it is (never deleted); one that was moved is removed
//! from the data folder only once its contents are safe in their new place. In-progress
//! snapshots are logged into the history where they are — a dead session's snapshot is
//! exactly what recovery is for — but only this machine's: a snapshot naming another
//! machine is never touched, and one from a version that named no machine only when no
//! other machine has written to the data folder.

use std::path::Path;

use serde::Deserialize;

use crate::model::record::{SessionRecord, Stamp};
use crate::store::history::{self, Scope, Warning};
use crate::store::nudge_state;
use crate::store::state::{self, STATE_FILE, State};
use crate::store::{days, machine};

/// What [`relocate`] did.
#[derive(Debug, Default)]
pub struct Relocated {
    /// The files moved into the state folder (`state.toml`, `nudge.toml`).
    pub moved: Vec<&'static str>,
    /// Sessions an older version left in `<data>/in-progress`, now in the history.
    pub recovered: Vec<SessionRecord>,
    pub warnings: Vec<Warning>,
}

impl Relocated {
    /// The one line for the user, when anything moved.
    pub fn line(&self, state_dir: &Path) -> Option<String> {
        let mut parts = Vec::new();
        if !self.moved.is_empty() {
            parts.push(format!(
                "moved this machine's own {} out of the data folder into {}",
                self.moved.join(" and "),
                state_dir.display()
            ));
        }
        let n = self.recovered.len();
        if n > 0 {
            parts.push(format!(
                "logged {n} session{} an older version left in the data folder (as interrupted)",
                if n == 1 { "" } else { "s" }
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The settings file of older versions, all in one (see [`State`] for where each went).
#[derive(Deserialize)]
struct OldState {
    #[serde(default)]
    notice_acknowledged: Option<String>,
    #[serde(flatten)]
    local: State,
}

/// Moves what older versions kept in `data_dir` and belongs to this machine into
/// `state_dir` (see the module's doc).
pub fn relocate(data_dir: &Path, state_dir: &Path) -> Relocated {
    let mut out = Relocated::default();
    if move_state(data_dir, state_dir) {
        out.moved.push(STATE_FILE);
    }
    if move_nudge(data_dir, state_dir) {
        out.moved.push(nudge_state::NUDGE_FILE);
    }
    let legacy = history::in_progress_dir(data_dir);
    if legacy.exists() {
        let alone = only_this_machine(data_dir);
        let ours = move |m: Option<&str>| match m {
            Some(m) => m == machine::id(),
            None => alone,
        };
        let scope = Scope {
            ours: &ours,
            tidy: false,
        };
        if let Ok(r) = history::recover_in(&legacy, data_dir, &scope) {
            out.recovered = r.records;
            out.warnings = r.warnings;
        }
        // Gone once nothing is left in it (another machine's snapshot keeps it).
        let _ = std::fs::remove_dir(&legacy);
    }
    out
}

/// `<data>/state.toml` → the notice log and `<state>/state.toml`. True when it was moved.
fn move_state(data_dir: &Path, state_dir: &Path) -> bool {
    let old_path = data_dir.join(STATE_FILE);
    if std::fs::symlink_metadata(&old_path).is_err() {
        return false;
    }
    let Some(old) = crate::files::read_capped(&old_path, 64 * 1024)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| toml::from_str::<OldState>(&t).ok())
    else {
        return false;
    };
    if let Some(at) = old.notice_acknowledged.as_deref().and_then(Stamp::parse)
        && state::notice_needed(Some(data_dir))
        && state::acknowledge_notice_at(data_dir, at).is_err()
    {
        return false;
    }
    let local = state_dir.join(STATE_FILE);
    if old.local != State::default()
        && std::fs::symlink_metadata(&local).is_err()
        && old.local.save(state_dir).is_err()
    {
        return false;
    }
    std::fs::remove_file(&old_path).is_ok()
}

/// `<data>/nudge.toml` → `<state>/nudge.toml`. True when it was moved.
fn move_nudge(data_dir: &Path, state_dir: &Path) -> bool {
    let old_path = nudge_state::path(data_dir);
    if std::fs::symlink_metadata(&old_path).is_err() {
        return false;
    }
    let Some(old) = nudge_state::read(&old_path) else {
        return false;
    };
    if std::fs::symlink_metadata(nudge_state::path(state_dir)).is_err()
        && nudge_state::save(state_dir, &old, true).is_err()
    {
        return false;
    }
    std::fs::remove_file(&old_path).is_ok()
}

/// Whether every log in `data_dir` was written by this machine (or by a version that wrote a
/// single file): then a snapshot that names no machine can only be this machine's.
fn only_this_machine(data_dir: &Path) -> bool {
    let own = |base: &str| machine::own_file(base);
    [history::HISTORY_BASE, days::DAYS_BASE, state::NOTICE_BASE]
        .iter()
        .all(|base| match machine::log_files(data_dir, base) {
            Ok(files) => files.iter().all(|f| {
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name == format!("{base}.jsonl") || name == own(base)
            }),
            Err(_) => false,
        })
}
