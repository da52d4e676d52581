//! Where config, data and state live: the flag, else the environment variable, else the
//! platform directory (`$XDG_CONFIG_HOME/knotless`, `$XDG_DATA_HOME/knotless`,
//! `$XDG_STATE_HOME/knotless`). Nothing is created here: directories appear only when
//! something must be written.
//!
//! The data folder holds only logs — every machine appends to its own files — so it can be
//! synced between machines. The state folder holds what belongs to this machine alone: a
//! running session's snapshot and lock, the kept-aside folder, the nudge's memory, the theme
//! and mute chosen here. It is never synced, and never inside the data folder.
//!
//! With a data folder of the user's choosing and no state folder given, the state folder is
//! a folder of its own inside the default one (`…/state/knotless/data-3f9a2c1b`), so two data
//! folders used on one machine never mix their sessions.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `None` only when no home directory can be found and nothing was given.
    pub config: Option<PathBuf>,
    pub data: Option<PathBuf>,
    /// This machine's own state, never synced (see the module's doc).
    pub state: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathsError {
    #[error("no data directory: set KNOTLESS_DATA_DIR or pass --data-dir")]
    NoData,
    #[error("no state directory: set KNOTLESS_STATE_DIR or pass --state-dir")]
    NoState,
    #[error(
        "the state folder {} is inside the data folder {}: what is in it belongs to this \
         machine alone, and the data folder may be synced; give --state-dir (or \
         KNOTLESS_STATE_DIR) a folder outside it",
        state.display(),
        data.display()
    )]
    StateInData { state: PathBuf, data: PathBuf },
}

impl Paths {
    /// The flags already include the environment variables (`cli::args::Global::with_env`
    /// reads `KNOTLESS_CONFIG_DIR`, `KNOTLESS_DATA_DIR` and `KNOTLESS_STATE_DIR` for them).
    pub fn resolve(
        config_flag: Option<PathBuf>,
        data_flag: Option<PathBuf>,
        state_flag: Option<PathBuf>,
    ) -> Result<Paths, PathsError> {
        let dirs = directories::ProjectDirs::from("", "", "knotless");
        let default_data = dirs.as_ref().map(|d| d.data_dir().to_path_buf());
        let data = data_flag.clone().or_else(|| default_data.clone());
        let state = match state_flag {
            Some(s) => Some(s),
            None => dirs.as_ref().map(|d| {
                let root = state_root(d);
                match &data_flag {
                    Some(given) if Some(given) != default_data.as_ref() => {
                        root.join(format!("data-{}", data_key(given)))
                    }
                    _ => root,
                }
            }),
        };
        let paths = Paths {
            config: config_flag.or_else(|| dirs.as_ref().map(|d| d.config_dir().to_path_buf())),
            data,
            state,
        };
        paths.check()?;
        Ok(paths)
    }

    /// Refuses a state folder that is the data folder or inside it.
    pub fn check(&self) -> Result<(), PathsError> {
        if let (Some(data), Some(state)) = (&self.data, &self.state) {
            let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            if abs(state).starts_with(abs(data)) {
                return Err(PathsError::StateInData {
                    state: state.clone(),
                    data: data.clone(),
                });
            }
        }
        Ok(())
    }

    pub fn config_dir(&self) -> Option<&Path> {
        self.config.as_deref()
    }

    /// The data directory, or an error a user can act on.
    pub fn data_dir(&self) -> Result<&Path, PathsError> {
        self.data.as_deref().ok_or(PathsError::NoData)
    }

    /// The state directory, or an error a user can act on.
    pub fn state_dir(&self) -> Result<&Path, PathsError> {
        self.state.as_deref().ok_or(PathsError::NoState)
    }
}

/// `$XDG_STATE_HOME/knotless` (usually `~/.local/state/knotless`). Platforms without a
/// state directory keep it beside the data folder, never in it: the local data folder where
/// that is not the synced one (Windows), else `knotless-state` next to it (macOS).
fn state_root(d: &directories::ProjectDirs) -> PathBuf {
    if let Some(s) = d.state_dir() {
        return s.to_path_buf();
    }
    if d.data_local_dir() != d.data_dir() {
        return d.data_local_dir().to_path_buf();
    }
    let data = d.data_dir();
    data.with_file_name(format!(
        "{}-state",
        data.file_name().unwrap_or_default().to_string_lossy()
    ))
}

/// 8 hex digits naming a data folder (by its absolute path), the same on every build.
fn data_key(data: &Path) -> String {
    let abs = std::path::absolute(data).unwrap_or_else(|_| data.to_path_buf());
    crate::store::machine::hashed(&abs.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_folder_in_the_data_folder_is_refused() {
        let p = |d: &str, s: &str| Paths {
            config: None,
            data: Some(d.into()),
            state: Some(s.into()),
        };
        assert!(p("/x/data", "/x/state").check().is_ok());
        assert!(p("/x/data", "/x").check().is_ok());
        assert!(p("/x/data", "/x/data-state").check().is_ok());
        let e = p("/x/data", "/x/data").check().unwrap_err();
        assert!(matches!(e, PathsError::StateInData { .. }));
        assert!(p("/x/data", "/x/data/state").check().is_err());
    }

    #[test]
    fn each_data_folder_has_its_own_default_state_folder() {
        let r = |data: &str| {
            Paths::resolve(None, Some(data.into()), None)
                .unwrap()
                .state
                .unwrap()
        };
        let (a, b) = (r("/x/one"), r("/x/two"));
        assert_ne!(a, b);
        assert_eq!(a, r("/x/one"));
        assert_eq!(a.parent(), b.parent());
        let given = Paths::resolve(None, Some("/x/one".into()), Some("/y".into())).unwrap();
        assert_eq!(given.state.as_deref(), Some(Path::new("/y")));
    }
}
