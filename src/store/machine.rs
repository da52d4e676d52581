//! Which machine this is, so that each machine appends only to its own log files inside a
//! data directory that a sync tool (Syncthing, Dropbox, git) shares between machines: two
//! machines appending to one synced file produce conflict copies and lose lines, two
//! machines each appending to their own file never do.
//!
//! The id, in order of preference:
//! 1. `KNOTLESS_MACHINE`, when set and not empty (tests, and people who clone a disk and
//!    want the clone to write its own files): letters, digits, `-` and `_` are kept, other
//!    characters become `-`, at most 32 characters.
//! 2. A hash of `/etc/machine-id` (or `/var/lib/dbus/machine-id`): stable for the life of
//!    the installed system. The machine id itself is never written anywhere (systemd asks
//!    applications to hash it with their own key): only 8 hex digits of an FNV-1a hash of
//!    `knotless:` and the id.
//! 3. Elsewhere (macOS, Windows, a container without a machine id): a random id made once
//!    and kept in the platform's cache directory (`~/.cache/knotless/machine` on Linux) —
//!    never in the data directory, which is the folder being synced and would hand the same
//!    id to every machine. Losing it is harmless: the machine starts new files, and readers
//!    merge every file anyway.
//! 4. If none of that works: `local`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that overrides the machine id.
pub const ENV: &str = "KNOTLESS_MACHINE";

/// This machine's id, worked out once per process.
pub fn id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        if let Some(v) = std::env::var_os(ENV)
            && let Some(id) = sanitize(&v.to_string_lossy())
        {
            return id;
        }
        for p in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
            if let Ok(bytes) = crate::files::read_capped(Path::new(p), 4096) {
                let text = String::from_utf8_lossy(&bytes);
                let text = text.trim();
                if !text.is_empty() {
                    return hashed(text);
                }
            }
        }
        cached_random().unwrap_or_else(|| "local".to_string())
    })
}

/// What `KNOTLESS_MACHINE` becomes in a file name, or `None` if nothing usable is left.
pub fn sanitize(raw: &str) -> Option<String> {
    let id: String = raw
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(32)
        .collect();
    let id = id.trim_matches('-').to_string();
    (!id.is_empty()).then_some(id)
}

/// 8 hex digits of a 64-bit FNV-1a hash of `knotless:` and `secret`. FNV because the
/// result must be the same on every build and Rust version (std's hasher promises neither).
pub fn hashed(secret: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in b"knotless:".iter().chain(secret.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:08x}", (h >> 32) ^ (h & 0xFFFF_FFFF))
}

fn cached_random() -> Option<String> {
    let dir = directories::ProjectDirs::from("", "", "knotless")?
        .cache_dir()
        .to_path_buf();
    cached_id_in(&dir)
}

/// The id kept in `<dir>/machine`, made the first time. The file is handled like every file
/// someone else could put in place: read without blocking and only if it is a regular file
/// (not a link), capped; created whole (a temporary file linked into place, `O_EXCL`, 0600).
/// Something else at that name — a link, a FIFO, junk — is replaced, never written through.
/// Two processes making it at once both end up with the one on disk.
pub fn cached_id_in(dir: &Path) -> Option<String> {
    use crate::files::{Durability, write::PRIVATE_FILE};
    let file = dir.join("machine");
    if let Some(id) = read_id(&file) {
        return Some(id);
    }
    let id = random_id();
    let text = format!("{id}\n");
    match crate::files::write_new_atomically(
        &file,
        text.as_bytes(),
        Durability::Synced,
        PRIVATE_FILE,
    ) {
        Ok(()) => Some(id),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_id(&file).or_else(|| {
            crate::files::write_atomically(
                &file,
                text.as_bytes(),
                Durability::Synced,
                PRIVATE_FILE,
            )
            .ok()?;
            read_id(&file)
        }),
        Err(_) => None,
    }
}

/// The id in `file`, if it is a regular file (a link is not ours) holding one.
fn read_id(file: &Path) -> Option<String> {
    if std::fs::symlink_metadata(file).ok()?.is_symlink() {
        return None;
    }
    crate::files::read_capped(file, 4096)
        .ok()
        .and_then(|b| sanitize(&String::from_utf8_lossy(&b)))
}

fn random_id() -> String {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    std::process::id().hash(&mut h);
    std::time::SystemTime::now().hash(&mut h);
    format!("{:08x}", h.finish() & 0xFFFF_FFFF)
}

/// The name of this machine's own file for the log `base` (`history`, `days`):
/// `history-3f9a2c1b.jsonl`.
pub fn own_file(base: &str) -> String {
    format!("{base}-{}.jsonl", id())
}

/// Every file in `dir` that holds lines of the log `base`, in the order they are read: the
/// single file of older versions (`history.jsonl`) first, then every machine's file and every
/// sync tool's conflict copy (`history-3f9a2c1b.jsonl`, `history.sync-conflict-….jsonl`,
/// `history (conflicted copy ….).jsonl`), by name. A missing directory has none.
pub fn log_files(dir: &Path, base: &str) -> std::io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let legacy = format!("{base}.jsonl");
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| is_log_file(name, base))
        .collect();
    names.sort_by(|a, b| (*a != legacy).cmp(&(*b != legacy)).then(a.cmp(b)));
    Ok(names.into_iter().map(|n| dir.join(n)).collect())
}

/// Whether `name` is a file of the log `base` (see [`log_files`]).
pub fn is_log_file(name: &str, base: &str) -> bool {
    let Some(rest) = name.strip_prefix(base) else {
        return false;
    };
    let Some(middle) = rest.strip_suffix(".jsonl") else {
        return false;
    };
    middle.is_empty() || middle.starts_with(['-', '.', ' '])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::read::text;
    use crate::files::write::put;

    #[test]
    fn log_file_names() {
        for yes in [
            "history.jsonl",
            "history-3f9a2c1b.jsonl",
            "history.sync-conflict-20261124-101500-ABCDEF7.jsonl",
            "history-3f9a2c1b.sync-conflict-20261124-101500-ABCDEF7.jsonl",
            "history (conflicted copy 2026-11-24).jsonl",
        ] {
            assert!(is_log_file(yes, "history"), "{yes}");
        }
        for no in [
            "history.jsonl.tmp",
            "historyx.jsonl",
            "days-a.jsonl",
            "state.toml",
            "history.json",
        ] {
            assert!(!is_log_file(no, "history"), "{no}");
        }
        assert!(is_log_file("days-a.jsonl", "days"));
    }

    #[test]
    fn sanitized_ids_are_safe_file_name_parts() {
        assert_eq!(sanitize(" laptop ").as_deref(), Some("laptop"));
        assert_eq!(sanitize("my/desk top").as_deref(), Some("my-desk-top"));
        assert_eq!(sanitize("../").as_deref(), None);
        assert_eq!(sanitize("").as_deref(), None);
        assert_eq!(sanitize(&"x".repeat(50)).unwrap().len(), 32);
    }

    /// Without `/etc/machine-id`, a link at the cached id's path made `log` overwrite its
    /// target, and a FIFO there hung every command. Neither is written through or waited on.
    #[cfg(unix)]
    #[test]
    fn the_cached_id_is_never_written_through_a_link_or_read_from_a_fifo() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("cache");
        std::fs::create_dir(&dir).unwrap();
        let victim = d.path().join("victim");
        put(&victim, "x".repeat(5000));
        std::os::unix::fs::symlink(&victim, dir.join("machine")).unwrap();
        let id = cached_id_in(&dir).unwrap();
        assert_eq!(text(&victim), "x".repeat(5000));
        let meta = std::fs::symlink_metadata(dir.join("machine")).unwrap();
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(cached_id_in(&dir).unwrap(), id, "kept");

        std::fs::remove_file(dir.join("machine")).unwrap();
        let c = std::ffi::CString::new(dir.join("machine").as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let id = cached_id_in(&dir).unwrap();
        assert_eq!(cached_id_in(&dir).unwrap(), id);

        // A fresh folder: made private, the file 0600.
        let fresh = d.path().join("new/cache");
        let id = cached_id_in(&fresh).unwrap();
        assert_eq!(text(&fresh.join("machine")), format!("{id}\n"));
        assert_eq!(
            std::fs::metadata(d.path().join("new"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
    }

    #[test]
    fn the_hash_is_stable_and_hides_the_id() {
        let a = hashed("0123456789abcdef0123456789abcdef");
        assert_eq!(a, hashed("0123456789abcdef0123456789abcdef"));
        assert_eq!(a.len(), 8);
        assert_ne!(a, hashed("0123456789abcdef0123456789abcdee"));
        assert!(!a.contains("0123"));
    }
}
