//! Where config and data live: the flag, else the environment variable, else the platform
//! directory (`$XDG_CONFIG_HOME/knotless`, `$XDG_DATA_HOME/knotless`). Nothing is created
//! here: directories appear only when something must be written.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `None` only when no home directory can be found and nothing was given.
    pub config: Option<PathBuf>,
    pub data: Option<PathBuf>,
}

impl Paths {
    /// `config_flag`/`data_flag` already include the environment variables (clap reads
    /// `KNOTLESS_CONFIG_DIR` and `KNOTLESS_DATA_DIR` for the flags).
    pub fn resolve(config_flag: Option<PathBuf>, data_flag: Option<PathBuf>) -> Paths {
        let dirs = || directories::ProjectDirs::from("", "", "knotless");
        Paths {
            config: config_flag.or_else(|| dirs().map(|d| d.config_dir().to_path_buf())),
            data: data_flag.or_else(|| dirs().map(|d| d.data_dir().to_path_buf())),
        }
    }

    pub fn config_dir(&self) -> Option<&Path> {
        self.config.as_deref()
    }

    /// The data directory, or an error a user can act on.
    pub fn data_dir(&self) -> Result<&Path, String> {
        self.data.as_deref().ok_or_else(|| {
            "no data directory: set KNOTLESS_DATA_DIR or pass --data-dir".to_string()
        })
    }
}
