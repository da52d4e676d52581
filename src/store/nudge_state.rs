//! The nudge's memory: `<data>/nudge.toml` — the date it last spoke and, when snoozed, until
//! when. Small, and replaced atomically (written to a temporary file, then renamed over it)
//! so a reader never sees half of it; an unreadable file is a fresh state. A snooze is synced
//! to disk before the command says so; the "spoke today" mark is not (a prompt must not wait
//! for the disk, and losing it in a crash costs at most one more nudge that day).

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::nudge::NudgeState;

pub const NUDGE_FILE: &str = "nudge.toml";

#[derive(Default, Serialize, Deserialize)]
struct OnDisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_spoken: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    snoozed_until: Option<String>,
}

pub fn load(data_dir: &Path) -> NudgeState {
    let Some(d) = std::fs::read_to_string(data_dir.join(NUDGE_FILE))
        .ok()
        .and_then(|t| toml::from_str::<OnDisk>(&t).ok())
    else {
        return NudgeState::default();
    };
    NudgeState {
        last_spoken: d.last_spoken.and_then(|s| s.parse().ok()),
        snoozed_until: d.snoozed_until.and_then(|s| s.parse().ok()),
    }
}

/// Replaces the state file; `durable` syncs it to disk first (for what the user was told).
pub fn save(data_dir: &Path, state: &NudgeState, durable: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let d = OnDisk {
        last_spoken: state.last_spoken.map(|d| d.to_string()),
        snoozed_until: state.snoozed_until.map(|t| t.to_string()),
    };
    let text = toml::to_string(&d).map_err(std::io::Error::other)?;
    let tmp = data_dir.join(format!(".{NUDGE_FILE}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    if durable {
        f.sync_all()?;
    }
    drop(f);
    std::fs::rename(&tmp, data_dir.join(NUDGE_FILE)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        std::fs::write(d.path().join(NUDGE_FILE), b"\xff\x00garbage").unwrap();
        assert_eq!(load(d.path()), NudgeState::default());
    }
}
