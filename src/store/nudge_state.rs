//! The nudge's memory: `<state>/nudge.toml` — the date it last spoke and, when snoozed, until
//! when. It belongs to this machine (a snooze on the laptop leaves the desktop alone), so it
//! lives in the state folder, never in the synced data folder. Small, and replaced
//! atomically; read like every file someone else could put in place (a FIFO or a link to
//! `/dev/zero` there is a fresh state at once, never a hang). A snooze is synced to disk
//! before the command says so; the "spoke today" mark is not (a prompt must not wait for
//! the disk, and losing it in a crash costs at most one more nudge that day).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::nudge::NudgeState;
use crate::files::{self, Durability};

pub const NUDGE_FILE: &str = "nudge.toml";

/// Two dates; anything longer is not ours.
const MAX_NUDGE: u64 = 4096;

#[derive(Default, Serialize, Deserialize)]
struct OnDisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_spoken: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    snoozed_until: Option<String>,
}

/// `<state>/nudge.toml`.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join(NUDGE_FILE)
}

/// The nudge's memory; missing, unreadable or not this user's own private file (another
/// user could have planted it to keep the nudge quiet) is a fresh state.
pub fn load(state_dir: &Path) -> NudgeState {
    let bytes = files::read_own_capped(&path(state_dir), MAX_NUDGE).ok();
    bytes.and_then(|b| parse(&b)).unwrap_or_default()
}

/// The nudge state in the file `file`, if it can be read.
pub(crate) fn read(file: &Path) -> Option<NudgeState> {
    parse(&files::read_capped(file, MAX_NUDGE).ok()?)
}

fn parse(bytes: &[u8]) -> Option<NudgeState> {
    let d: OnDisk = toml::from_str(std::str::from_utf8(bytes).ok()?).ok()?;
    Some(NudgeState {
        last_spoken: d.last_spoken.and_then(|s| s.parse().ok()),
        snoozed_until: d.snoozed_until.and_then(|s| s.parse().ok()),
    })
}

/// Replaces the state file; `durable` syncs it to disk first (for what the user was told).
pub fn save(state_dir: &Path, state: &NudgeState, durable: bool) -> std::io::Result<()> {
    let d = OnDisk {
        last_spoken: state.last_spoken.map(|d| d.to_string()),
        snoozed_until: state.snoozed_until.map(|t| t.to_string()),
    };
    let text = toml::to_string(&d).map_err(std::io::Error::other)?;
    let durability = if durable {
        Durability::Synced
    } else {
        Durability::Relaxed
    };
    files::write_atomically(
        &path(state_dir),
        text.as_bytes(),
        durability,
        files::write::PRIVATE_FILE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::write::put;

    #[test]
    fn round_trips_and_tolerates_garbage() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(load(d.path()), NudgeState::default());
        let s = NudgeState {
            last_spoken: Some("2026-11-29".parse().unwrap()),
            snoozed_until: Some("2026-12-02T08:00:00Z".parse().unwrap()),
        };
        save(d.path(), &s, true).unwrap();
        assert_eq!(load(d.path()), s);
        put(&d.path().join(NUDGE_FILE), b"\xff\x00garbage");
        assert_eq!(load(d.path()), NudgeState::default());
    }

    /// A FIFO hung the shell prompt that runs the nudge; a link to `/dev/zero` grew its
    /// memory without end. Both read as a fresh state at once.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_an_endless_device_is_a_fresh_state() {
        let d = tempfile::tempdir().unwrap();
        let p = path(d.path());
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(load(d.path()), NudgeState::default());
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        assert_eq!(load(d.path()), NudgeState::default());
    }
}
