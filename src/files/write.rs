//! The one way knotless replaces (or creates) a whole file: every state file, snapshot, cache
//! file, routine and unit file goes through [`write_atomically`].
//!
//! The bytes go to a new temporary file beside the target — a random name, created with
//! `O_CREAT|O_EXCL` (so a link planted at that name is refused, never followed) and the
//! file's mode from the start — then are renamed over the target. A rename replaces a link
//! planted at the target itself, never the file it points to; a reader sees the old file or
//! the new one, never a part; two running copies never share a temporary file; and a failed
//! write removes its temporary file.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Whether the new file must be on disk before the call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Synced (the file, then its folder's entry): for what the user was told was saved.
    Synced,
    /// Left to the system: for what costs little if a crash loses it (a cache, "spoke today").
    Relaxed,
}

/// Files knotless creates hold health data or say what the user does: their owner's only.
pub const PRIVATE_FILE: u32 = 0o600;
/// Folders knotless creates: their owner's only.
pub const PRIVATE_DIR: u32 = 0o700;

/// Replaces (or creates) `path` with `bytes`, with exactly `mode` (see the module's doc).
/// Missing folders above it are created 0700.
pub fn write_atomically(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
    mode: u32,
) -> io::Result<()> {
    write(path, bytes, durability, mode, true)
}

/// A test's fixture file, written as knotless writes every file (not synced).
#[cfg(test)]
pub(crate) fn put(path: &Path, bytes: impl AsRef<[u8]>) {
    write_atomically(path, bytes.as_ref(), Durability::Relaxed, PRIVATE_FILE).unwrap();
}

/// [`write_atomically`], refusing (`AlreadyExists`) to replace a file that is already there.
pub fn write_new_atomically(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
    mode: u32,
) -> io::Result<()> {
    write(path, bytes, durability, mode, false)
}

fn write(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
    mode: u32,
    replace: bool,
) -> io::Result<()> {
    let (tmp, dir) = stage(path, bytes, durability, mode)?;
    if replace {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    if durability == Durability::Synced {
        // The rename itself must be durable too, or a crash can bring the old file back.
        sync_dir(dir);
    }
    if let Some(name) = path.file_name() {
        remove_stale_temporaries(dir, name);
    }
    Ok(())
}

/// How old a temporary file of [`stage`]'s must be before a later write of the same file
/// takes it for one a killed process left behind: no write takes a fraction of this.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the temporary files that writes of `name` in `dir` left when they were killed
/// before they could rename or remove them (a kill during `import`, say), once they are
/// [`STALE_TEMPORARY`] old. Only regular files named exactly as [`stage`] names them, so
/// nothing else in the folder is ever touched. Best effort: what cannot be read or removed
/// is left.
fn remove_stale_temporaries(dir: &Path, name: &std::ffi::OsStr) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let name = name.as_encoded_bytes();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(random) = file
            .as_encoded_bytes()
            .strip_prefix(b".")
            .and_then(|f| f.strip_prefix(name))
            .and_then(|f| f.strip_prefix(b"."))
            .and_then(|f| f.strip_suffix(b".tmp"))
        else {
            continue;
        };
        if random.len() != TEMP_RANDOM || !random.iter().all(u8::is_ascii_alphanumeric) {
            continue;
        }
        // `DirEntry::metadata` does not follow a link: a planted one is not a temporary.
        let stale = entry.metadata().is_ok_and(|m| {
            m.is_file()
                && m.modified()
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age >= STALE_TEMPORARY)
        });
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The length of the random part of a temporary file's name.
const TEMP_RANDOM: usize = 6;

/// The temporary file, written (and synced when asked), and the folder it is in.
fn stage<'a>(
    path: &'a Path,
    bytes: &[u8],
    durability: Durability,
    mode: u32,
) -> io::Result<(tempfile::NamedTempFile, &'a Path)> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    create_private_dirs(dir)?;
    // `.name.XXXXXX.tmp`: hidden, ends in neither `.toml` nor `.jsonl`, so no loader or
    // reader ever takes it for the real file.
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(".tmp").rand_bytes(TEMP_RANDOM);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = b.tempfile_in(dir)?;
    // Exactly `mode`, whatever the umask took away (a replaced routine keeps its own mode).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes)?;
    if durability == Durability::Synced {
        tmp.as_file().sync_all()?;
    }
    Ok((tmp, dir))
}

/// Creates `dir` and any missing folder above it, each 0700 (folders that exist are left
/// as they are).
pub fn create_private_dirs(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, PRIVATE_DIR);
    match b.create(dir) {
        // The folder is something else (a file): say so, as an ancestor that is not a
        // folder does, rather than "file exists" about a file that does not.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && !dir.is_dir() => {
            Err(io::ErrorKind::NotADirectory.into())
        }
        r => r,
    }
}

/// Syncs a folder's entries to disk. Best effort: not every platform or file system can.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn an_append_never_goes_through_a_planted_link() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, "mine\n").unwrap();
        let linked = d.path().join("history-a.jsonl");
        std::os::unix::fs::symlink(&victim, &linked).unwrap();
        let dangling = d.path().join("days-a.jsonl");
        std::os::unix::fs::symlink(d.path().join("elsewhere"), &dangling).unwrap();
        for p in [&linked, &dangling] {
            let e = open_append(p).unwrap_err();
            assert!(super::super::is_not_regular(&e), "{}: {e}", p.display());
            assert!(e.to_string().contains("a link"), "{e}");
        }
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine\n");
        assert!(!d.path().join("elsewhere").exists());
        // A file of its own is appended to, and made private.
        let own = d.path().join("own.jsonl");
        use std::io::Write as _;
        open_append(&own).unwrap().write_all(b"x\n").unwrap();
        open_append(&own).unwrap().write_all(b"y\n").unwrap();
        assert_eq!(std::fs::read_to_string(&own).unwrap(), "x\ny\n");
        assert_eq!(mode(&own), 0o600);
    }

    #[test]
    fn a_file_where_the_folder_should_be_is_said_to_be_one() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("data");
        std::fs::write(&file, "").unwrap();
        for dir in [file.clone(), file.join("below")] {
            let e = create_private_dirs(&dir).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::NotADirectory, "{}", dir.display());
        }
        create_private_dirs(&d.path().join("a/b")).unwrap();
        create_private_dirs(&d.path().join("a/b")).unwrap();
        assert_eq!(mode(&d.path().join("a/b")), 0o700);
    }

    #[test]
    fn a_planted_link_is_replaced_never_followed() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let target = d.path().join("state.toml");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomically(&target, b"new", Durability::Synced, PRIVATE_FILE).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(!std::fs::symlink_metadata(&target).unwrap().is_symlink());
        assert_eq!(mode(&target), 0o600);
    }

    #[test]
    fn modes_are_exact_and_folders_private() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a/b/file");
        write_atomically(&p, b"x", Durability::Relaxed, 0o600).unwrap();
        assert_eq!(mode(&p), 0o600);
        assert_eq!(mode(&d.path().join("a")), 0o700);
        assert_eq!(mode(&d.path().join("a/b")), 0o700);
        write_atomically(&p, b"y", Durability::Relaxed, 0o640).unwrap();
        assert_eq!(mode(&p), 0o640);
        // Nothing but the file is left in its folder: no temporary file.
        let names: Vec<_> = std::fs::read_dir(d.path().join("a/b")).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_new_file_is_never_replaced() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        write_new_atomically(&p, b"one", Durability::Relaxed, 0o600).unwrap();
        let e = write_new_atomically(&p, b"two", Durability::Relaxed, 0o600).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_write_removes_what_a_killed_write_of_the_same_file_left() {
        let d = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - STALE_TEMPORARY * 2;
        let leave = |name: &str, when: std::time::SystemTime| {
            let f = std::fs::File::create(d.path().join(name)).unwrap();
            f.set_modified(when).unwrap();
        };
        leave(".a.toml.AbC123.tmp", old);
        // Another write of the same file may be under way.
        leave(".a.toml.XyZ987.tmp", std::time::SystemTime::now());
        // Not named as a temporary of ours, or of another file.
        leave(".a.toml.short.tmp", old);
        leave(".b.toml.AbC123.tmp", old);
        leave("a.toml.AbC123.tmp", old);
        std::os::unix::fs::symlink("/etc/hostname", d.path().join(".a.toml.Lnk123.tmp")).unwrap();
        write_atomically(&d.path().join("a.toml"), b"x", Durability::Relaxed, 0o600).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".a.toml.Lnk123.tmp",
                ".a.toml.XyZ987.tmp",
                ".a.toml.short.tmp",
                ".b.toml.AbC123.tmp",
                "a.toml",
                "a.toml.AbC123.tmp"
            ]
        );
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("folder");
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("inside"), "x").unwrap();
        assert!(write_atomically(&p, b"x", Durability::Relaxed, 0o600).is_err());
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}

/// Opens `path` to append lines to it (the history, the day log): created 0600 when it is
/// not there, and only ever a regular file — a FIFO or a device (a link to `/dev/null`
/// would swallow the line and let "saved" be said) is refused, and so is a link planted at
/// its name, which is never followed (a synced folder can bring one: the line would land
/// in whatever file it names, or create one outside the folder).
pub fn open_append(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
        opts.mode(PRIVATE_FILE);
    }
    let file = match opts.open(path) {
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(super::not_regular("a link"));
        }
        r => r?,
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(super::not_regular(if meta.is_dir() {
            "a folder"
        } else {
            "a FIFO or a device"
        }));
    }
    Ok(file)
}

/// Opens a lock file (created 0600 when `create`) without following a link planted at its
/// name — what is written into it would otherwise land in the link's target — and without
/// blocking; only a regular file.
pub fn open_lock(path: &Path, create: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(create).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
        opts.mode(PRIVATE_FILE);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(super::not_regular(super::kind_of(&meta)));
    }
    Ok(file)
}
