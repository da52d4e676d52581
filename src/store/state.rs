//! What the app remembers that is not a setting, split by whom it belongs to:
//!
//! - **The safety notice, acknowledged**, follows the person: read once, on any machine, it
//!   need not show again on the others. It is a log in the data folder,
//!   `<data>/notice-<machine>.jsonl` — one line per acknowledgement, each machine appending
//!   to its own file — so a synced folder never has two writers on one file.
//! - **The theme (`t`) and mute (`m`) chosen in the app** belong to the machine: a laptop
//!   used in a dark room and a desktop in a bright office want different themes, and a
//!   machine muted at work should not mute the one at home. They live in
//!   `<state>/state.toml`, replaced atomically, never synced.

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::files::{self, Durability};
use crate::model::record::Stamp;
use crate::store::machine;

/// The state file is a line or two; anything longer is not ours.
const MAX_STATE: u64 = 64 * 1024;
/// `<state>/state.toml`.
pub const STATE_FILE: &str = "state.toml";
/// What every notice-log file's name starts with.
pub const NOTICE_BASE: &str = "notice";

/// This machine's comfort choices, remembered from the last run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The theme last chosen with `t` in the app ("dim"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Whether the bell was last muted with `m`, if it was ever toggled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot write {}: {}", path.display(), files::describe(source))]
    Write { path: PathBuf, source: io::Error },
}

impl State {
    /// Reads the state; a missing or unreadable file is a fresh state.
    /// The state in `<state>/state.toml`; missing, unreadable or not this user's own
    /// private file (another user could have planted it) is the default state.
    pub fn load(state_dir: &Path) -> State {
        let bytes = files::read_own_capped(&state_dir.join(STATE_FILE), MAX_STATE).ok();
        bytes
            .and_then(|b| toml::from_str(std::str::from_utf8(&b).ok()?).ok())
            .unwrap_or_default()
    }

    /// Replaces `<state>/state.toml` atomically.
    pub fn save(&self, state_dir: &Path) -> Result<(), StateError> {
        let path = state_dir.join(STATE_FILE);
        let text = toml::to_string(self).expect("the state always serialises");
        files::write_atomically(
            &path,
            text.as_bytes(),
            Durability::Synced,
            files::write::PRIVATE_FILE,
        )
        .map_err(|source| StateError::Write { path, source })
    }
}

/// One line of the notice log.
#[derive(Debug, Serialize, Deserialize)]
struct NoticeLine {
    v: u32,
    acknowledged_at: String,
    #[serde(default)]
    machine: String,
}

/// `<data>/notice-<machine>.jsonl`: the file this machine appends to.
pub fn notice_path(data_dir: &Path) -> PathBuf {
    data_dir.join(machine::own_file(NOTICE_BASE))
}

/// Records that the safety notice was acknowledged at `at` (appended, synced).
pub fn acknowledge_notice(data_dir: &Path, at: &jiff::Zoned) -> Result<(), StateError> {
    let stamp = Stamp::new(at.timestamp(), at.time_zone());
    acknowledge_notice_at(data_dir, stamp)
}

pub(crate) fn acknowledge_notice_at(data_dir: &Path, at: Stamp) -> Result<(), StateError> {
    let path = notice_path(data_dir);
    let line = NoticeLine {
        v: 1,
        acknowledged_at: at.to_string(),
        machine: machine::id().to_string(),
    };
    let json = serde_json::to_vec(&line).expect("a notice line always serialises");
    crate::store::history::append_to(data_dir, &path, &json)
        .map_err(|source| StateError::Write { path, source })
}

/// Whether the safety notice still needs acknowledging: no machine has recorded it in the
/// data folder (always, without a data directory). Unreadable files count for nothing —
/// the notice showing again is the safe side.
pub fn notice_needed(data_dir: Option<&Path>) -> bool {
    let Some(dir) = data_dir else { return true };
    let Ok(files) = machine::log_files(dir, NOTICE_BASE) else {
        return true;
    };
    !files.iter().any(|f| acknowledged_in(f))
}

/// Whether `file` holds a readable acknowledgement.
fn acknowledged_in(file: &Path) -> bool {
    let Ok(f) = files::open_regular(file) else {
        return false;
    };
    BufReader::new(f.take(MAX_STATE))
        .lines()
        .map_while(Result::ok)
        .any(|l| {
            serde_json::from_str::<NoticeLine>(&l)
                .is_ok_and(|n| Stamp::parse(&n.acknowledged_at).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::write::put;

    #[test]
    fn round_trips_and_tolerates_garbage() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(State::load(d.path()), State::default());
        let s = State {
            theme: Some("dim".into()),
            muted: Some(true),
        };
        s.save(d.path()).unwrap();
        assert_eq!(State::load(d.path()), s);
        put(&d.path().join(STATE_FILE), b"\xff\x00garbage");
        assert_eq!(State::load(d.path()), State::default());
    }

    /// A FIFO in place of the state file would hang every start; it must read as a fresh
    /// state at once.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_device_state_file_is_a_fresh_state() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(STATE_FILE);
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&p)
                .status()
                .unwrap()
                .success()
        );
        assert_eq!(State::load(d.path()), State::default());
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        assert_eq!(State::load(d.path()), State::default());
    }

    /// A state file another user could have written (or planted) is not read: it would
    /// choose the theme, or keep the sound muted.
    #[cfg(unix)]
    #[test]
    fn a_state_file_others_can_change_is_not_read() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let s = State {
            theme: Some("dim".into()),
            muted: Some(true),
        };
        s.save(d.path()).unwrap();
        let p = d.path().join(STATE_FILE);
        for (mode, read) in [(0o600, true), (0o644, true), (0o620, false), (0o666, false)] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
            let want = if read { s.clone() } else { State::default() };
            assert_eq!(State::load(d.path()), want, "{mode:o}");
        }
        let n = crate::store::nudge_state::path(d.path());
        let quiet = crate::core::nudge::NudgeState {
            last_spoken: None,
            snoozed_until: Some("2099-01-01T00:00:00Z".parse().unwrap()),
        };
        crate::store::nudge_state::save(d.path(), &quiet, false).unwrap();
        assert_eq!(crate::store::nudge_state::load(d.path()), quiet);
        std::fs::set_permissions(&n, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert_eq!(
            crate::store::nudge_state::load(d.path()),
            crate::core::nudge::NudgeState::default()
        );
    }

    #[test]
    fn the_notice_acknowledged_on_any_machine_counts() {
        let d = tempfile::tempdir().unwrap();
        assert!(notice_needed(Some(d.path())));
        assert!(notice_needed(None));
        // Another machine's file, as a sync tool brings it.
        put(
            &d.path().join("notice-desk.jsonl"),
            "garbage\n{\"v\":1,\"acknowledged_at\":\"2026-11-24T10:00:00+01:00\",\"machine\":\"desk\"}\n",
        );
        assert!(!notice_needed(Some(d.path())));
        std::fs::remove_file(d.path().join("notice-desk.jsonl")).unwrap();
        acknowledge_notice(d.path(), &jiff::Zoned::now()).unwrap();
        assert!(!notice_needed(Some(d.path())));
        assert!(notice_path(d.path()).exists());
    }
}
