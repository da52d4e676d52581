//! App state that is not a setting: `<data>/state.toml`. Today only whether the
//! not-medical-advice notice was acknowledged (never written into the user's config).

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The state file is a line or two; anything longer is not ours.
const MAX_STATE: u64 = 64 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// When the first-run notice was acknowledged (RFC 3339), if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_acknowledged: Option<String>,
    /// The theme last chosen with `t` in the app ("dim"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Whether the bell was last muted with `m`, if it was ever toggled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
}

impl State {
    /// Reads the state; a missing or unreadable file is a fresh state (the notice shows again,
    /// which is the safe side).
    pub fn load(data_dir: &Path) -> State {
        crate::files::read_capped(&data_dir.join("state.toml"), MAX_STATE)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| toml::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Writes atomically (temp file and rename) so a crash never leaves half a file.
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(data_dir)?;
        let text = toml::to_string(self).map_err(std::io::Error::other)?;
        let tmp = data_dir.join(".state.toml.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, data_dir.join("state.toml"))
    }
}

/// Whether the safety notice still needs acknowledging (always, without a data directory).
pub fn notice_needed(data_dir: Option<&Path>) -> bool {
    data_dir.is_none_or(|d| State::load(d).notice_acknowledged.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_garbage() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(State::load(d.path()), State::default());
        let s = State {
            notice_acknowledged: Some("2026-11-24T09:00:00+01:00".into()),
            theme: Some("dim".into()),
            muted: Some(true),
        };
        s.save(d.path()).unwrap();
        assert_eq!(State::load(d.path()), s);
        std::fs::write(d.path().join("state.toml"), b"\xff\x00garbage").unwrap();
        assert_eq!(State::load(d.path()), State::default());
    }

    /// A FIFO in place of the state file would hang every start (the notice check reads
    /// it first); it must read as a fresh state at once.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_device_state_file_is_a_fresh_state() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("state.toml");
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
}
