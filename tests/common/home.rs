//! A home of the tests' own for every program a test starts — knotless, a shell — so no
//! test writes into the home folder of whoever runs the tests, and none plays a sound.
//! Start knotless with [`knotless`] (or [`knotless_pty`]) and any other program with
//! [`at_home`]; what a test sets afterwards (its own config, data, state or cache folder, a
//! PATH of stand-ins) wins. `.ci/run` checks it: it runs the tests with HOME pointed at an
//! empty folder and fails if anything appears there.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use portable_pty::CommandBuilder;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_knotless");

/// The folder every program a test starts takes for `HOME` (and so for `XDG_CONFIG_HOME`
/// and `XDG_DATA_HOME` under it): a test that reads or writes the config or data folder
/// gives one of its own.
pub fn home() -> &'static Path {
    Path::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/home"))
}

/// `XDG_STATE_HOME`. Each data folder gets a state folder of its own inside it
/// (`knotless/data-<hash>`), so tests running at once never share one; a test that looks
/// into the state folder gives `KNOTLESS_STATE_DIR` instead.
pub fn state_home() -> &'static Path {
    Path::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/state-home"))
}

/// `XDG_CACHE_HOME`: the tone and speech files (`knotless/`), shared by the tests as by the
/// sessions of one user; a test that looks into the cache gives `KNOTLESS_CACHE_DIR`.
pub fn cache_home() -> &'static Path {
    Path::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/cache-home"))
}

/// A silent `pw-play`, the first player knotless looks for, put first on PATH so that no
/// real player on this machine (sox's `play`, `paplay`, `aplay`) reaches a sound server.
fn stand_in_player() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        use std::os::unix::fs::PermissionsExt;
        let dir = PathBuf::from(concat!(env!("CARGO_TARGET_TMPDIR"), "/stand-in-player"));
        let player = dir.join("pw-play");
        if !player.exists() {
            // Written under another name and renamed: a test binary running at the same
            // time never runs a half-written script.
            std::fs::create_dir_all(&dir).unwrap();
            let part = dir.join(format!(".pw-play-{}", std::process::id()));
            std::fs::write(
                &part,
                "#!/bin/sh\n# Plays nothing (the tests' stand-in).\nexit 0\n",
            )
            .unwrap();
            std::fs::set_permissions(&part, std::fs::Permissions::from_mode(0o755)).unwrap();
            std::fs::rename(&part, &player).unwrap();
        }
        dir
    })
}

/// The variables [`at_home`] sets. The home folder is made first: a program started in a
/// pseudo-terminal starts in its HOME, and fails to start at all when that is missing (on a
/// fresh checkout, before any program has written there).
pub fn vars() -> Vec<(&'static str, OsString)> {
    static MADE: OnceLock<()> = OnceLock::new();
    MADE.get_or_init(|| std::fs::create_dir_all(home()).unwrap());
    let mut path = OsString::from(stand_in_player());
    if let Some(p) = std::env::var_os("PATH").filter(|p| !p.is_empty()) {
        path.push(":");
        path.push(p);
    }
    vec![
        ("HOME", home().into()),
        ("XDG_CONFIG_HOME", home().join(".config").into()),
        ("XDG_DATA_HOME", home().join(".local/share").into()),
        ("XDG_STATE_HOME", state_home().into()),
        ("XDG_CACHE_HOME", cache_home().into()),
        ("PATH", path),
    ]
}

/// What tests start programs with: a plain command, or one for a pseudo-terminal.
pub trait SetEnv {
    fn set_env(&mut self, key: &str, value: &OsStr);
}

impl SetEnv for Command {
    fn set_env(&mut self, key: &str, value: &OsStr) {
        self.env(key, value);
    }
}

impl SetEnv for CommandBuilder {
    fn set_env(&mut self, key: &str, value: &OsStr) {
        self.env(key, value);
    }
}

/// `cmd` with the tests' home: HOME, the XDG folders and the stand-in player first on PATH.
pub fn at_home<C: SetEnv>(mut cmd: C) -> C {
    for (key, value) in vars() {
        cmd.set_env(key, &value);
    }
    cmd
}

/// A stand-in script's line that runs the real `program` at the tests' home: for a test
/// that hands the library a folder of stand-ins, since what the library starts inherits
/// the test process's own HOME. (espeak-ng looks for a sound server as it starts, even
/// when it only writes a file, and leaves `~/.config/pulse` behind.)
pub fn exec_at_home(program: &Path) -> String {
    let quote = |s: &OsStr| shell_words::quote(&s.to_string_lossy()).into_owned();
    let vars: Vec<String> = vars()
        .iter()
        .map(|(key, value)| format!("{key}={}", quote(value)))
        .collect();
    format!(
        "exec env {} {} \"$@\"",
        vars.join(" "),
        quote(program.as_os_str())
    )
}

/// The binary under test, started at the tests' home.
pub fn knotless() -> Command {
    at_home(Command::new(BIN))
}

/// The binary under test for a pseudo-terminal, started at the tests' home.
pub fn knotless_pty() -> CommandBuilder {
    at_home(CommandBuilder::new(BIN))
}
