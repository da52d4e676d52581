//! A folder only this user can open, used only through a handle to it: where a session
//! waits when the data folder refuses it (the kept-aside folder).
//!
//! Checking a folder by its path and then using the path leaves a window: someone who can
//! write to a folder above it can swap the checked folder for their own in between, read
//! what is written there, or plant what is read. So the folder is opened once
//! (`O_NOFOLLOW`: a link is refused), its owner and mode are checked on that handle, and
//! every file in it is opened, renamed and removed relative to the handle. A folder whose
//! parents another user can change (writable by others without the sticky bit, or owned by
//! another user than root) is refused outright.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, CWD, FileType, FlockOperation, Mode, OFlags};

use super::{describe, not_regular};

#[derive(Debug, thiserror::Error)]
pub enum PrivateDirError {
    #[error("{}: {}", path.display(), describe(source))]
    Io { path: PathBuf, source: io::Error },
    #[error("{} is not a folder (or it is a link); not using it", path.display())]
    NotAFolder { path: PathBuf },
    #[error("{} belongs to another user (uid {uid}); not using it", path.display())]
    OtherOwner { path: PathBuf, uid: u32 },
    #[error("{} can be opened by other users (mode {mode:o}); not using it", path.display())]
    NotPrivate { path: PathBuf, mode: u32 },
    #[error(
        "{} can be changed by another user (owner uid {uid}, mode {mode:o}), who could swap a \
         folder inside it; not using it",
        path.display()
    )]
    ParentUnsafe { path: PathBuf, uid: u32, mode: u32 },
}

/// The id of the user running this process.
pub fn own_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// An open private folder (see the module's doc).
#[derive(Debug)]
pub struct PrivateDir {
    fd: OwnedFd,
    path: PathBuf,
}

/// Held while this process is the only one working in a [`PrivateDir`]; released when
/// dropped (or when the process dies).
#[derive(Debug)]
pub struct DirLock {
    _fd: OwnedFd,
}

impl PrivateDir {
    /// Opens `path`, creating it (0700, and any missing folder above it) first if needed —
    /// after the folders above it are found safe, so nothing is made where it would be
    /// refused.
    pub fn open_or_create(path: &Path) -> Result<PrivateDir, PrivateDirError> {
        let fail = |source| PrivateDirError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            super::create_private_dirs(parent).map_err(fail)?;
        }
        check_parents(path)?;
        super::create_private_dirs(path).map_err(fail)?;
        PrivateDir::open_checked(path)
    }

    /// Opens `path` if it exists (`None` if not).
    pub fn open(path: &Path) -> Result<Option<PrivateDir>, PrivateDirError> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            _ => PrivateDir::open_checked(path).map(Some),
        }
    }

    fn open_checked(path: &Path) -> Result<PrivateDir, PrivateDirError> {
        let fail = |source: io::Error| PrivateDirError::Io {
            path: path.to_path_buf(),
            source,
        };
        check_parents(path)?;
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(CWD, path, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
                return Err(PrivateDirError::NotAFolder {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(fail(e.into())),
        };
        let st = rustix::fs::fstat(&fd).map_err(|e| fail(e.into()))?;
        let path = path.to_path_buf();
        if st.st_uid != own_uid() {
            return Err(PrivateDirError::OtherOwner {
                path,
                uid: st.st_uid,
            });
        }
        let mode = st.st_mode as u32 & 0o7777;
        if mode & 0o077 != 0 {
            return Err(PrivateDirError::NotPrivate { path, mode });
        }
        Ok(PrivateDir { fd, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The names in the folder (those that are text), in no particular order.
    pub fn names(&self) -> io::Result<Vec<String>> {
        let dir = rustix::fs::Dir::read_from(&self.fd)?;
        let mut out = Vec::new();
        for entry in dir {
            let entry = entry?;
            if let Ok(name) = entry.file_name().to_str()
                && name != "."
                && name != ".."
            {
                out.push(name.to_string());
            }
        }
        Ok(out)
    }

    /// This process's turn alone in the folder, or `None` if another process has it now.
    pub fn try_lock(&self) -> io::Result<Option<DirLock>> {
        // A handle of its own, so the lock ends with the guard, not with the folder.
        let fd = rustix::fs::openat(
            &self.fd,
            ".",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        match rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(DirLock { _fd: fd })),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Opens `name` for reading: never a link, never blocking, only this user's own regular
    /// file that nobody else can write.
    pub fn open_file(&self, name: &str) -> io::Result<File> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, name, flags, Mode::empty())?;
        check_own_file(&fd)?;
        clear_nonblock(&fd)?;
        Ok(File::from(fd))
    }

    /// Puts a new file `name` holding `bytes` into the folder, whole or not at all: written
    /// to a hidden file of its own (created 0600 with `O_EXCL`, never through a link),
    /// synced, then renamed to `name`. Whoever lists the folder sees the finished file or
    /// nothing, so a mover never takes a file that is still being written.
    pub fn publish(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mut made = None;
        for _ in 0..16 {
            let tmp = format!(".{name}.{:08x}.tmp", fastrand_u32());
            match rustix::fs::openat(&self.fd, tmp.as_str(), flags, Mode::from_raw_mode(0o600)) {
                Ok(fd) => {
                    made = Some((fd, tmp));
                    break;
                }
                Err(rustix::io::Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let (fd, tmp) = made.ok_or_else(|| io::Error::other("no free temporary name"))?;
        let mut file = File::from(fd);
        let written = file
            .write_all(bytes)
            .and_then(|()| file.sync_all())
            .and_then(|()| self.rename(&tmp, name));
        if written.is_err() {
            let _ = self.remove(&tmp);
        }
        written?;
        self.sync();
        Ok(())
    }

    /// How long ago `name` was last changed.
    pub fn age(&self, name: &str) -> Option<std::time::Duration> {
        let st = rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        let changed = std::time::UNIX_EPOCH
            + std::time::Duration::new(
                st.st_mtime.try_into().ok()?,
                st.st_mtime_nsec.try_into().ok()?,
            );
        changed.elapsed().ok()
    }

    /// Renames `from` to `to`, both in this folder.
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        rustix::fs::renameat(&self.fd, from, &self.fd, to)?;
        Ok(())
    }

    /// Removes the file `name` from this folder.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        rustix::fs::unlinkat(&self.fd, name, AtFlags::empty())?;
        Ok(())
    }

    /// Makes the folder's entries durable (after a rename or a removal).
    pub fn sync(&self) {
        let _ = rustix::fs::fsync(&self.fd);
    }
}

/// Checks a folder that holds what only this user should write (the state folder): it and
/// every folder above it must belong to this user (or root, above it) and be writable by
/// no one else (above it, unless sticky). Reading by others is the files' own business
/// (they are 0600). Missing is fine: it is made private when needed.
pub fn check_safe(path: &Path) -> Result<(), PrivateDirError> {
    let st = match rustix::fs::stat(path) {
        Ok(st) => st,
        Err(rustix::io::Errno::NOENT) => return Ok(()),
        Err(e) => {
            return Err(PrivateDirError::Io {
                path: path.to_path_buf(),
                source: e.into(),
            });
        }
    };
    check_parents(path)?;
    let mode = st.st_mode as u32 & 0o7777;
    if st.st_uid != own_uid() {
        return Err(PrivateDirError::OtherOwner {
            path: path.to_path_buf(),
            uid: st.st_uid,
        });
    }
    if mode & 0o022 != 0 {
        return Err(PrivateDirError::ParentUnsafe {
            path: path.to_path_buf(),
            uid: st.st_uid,
            mode,
        });
    }
    Ok(())
}

/// A random number for a temporary name (std's hasher is seeded at random per process).
fn fastrand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish() as u32
}

/// Only this user's own regular file, not writable by anyone else, is read or written.
pub(crate) fn check_own_file(fd: &impl AsFd) -> io::Result<()> {
    let st = rustix::fs::fstat(fd)?;
    let kind = FileType::from_raw_mode(st.st_mode);
    if kind != FileType::RegularFile {
        return Err(not_regular(match kind {
            FileType::Directory => "a folder",
            FileType::Fifo => "a FIFO (named pipe)",
            FileType::CharacterDevice | FileType::BlockDevice => "a device",
            _ => "not a regular file",
        }));
    }
    if st.st_uid != own_uid() || st.st_mode as u32 & 0o022 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "it is not this user's own private file",
        ));
    }
    Ok(())
}

fn clear_nonblock(fd: &impl AsFd) -> io::Result<()> {
    let flags = rustix::fs::fcntl_getfl(fd)?;
    rustix::fs::fcntl_setfl(fd, flags - OFlags::NONBLOCK)?;
    Ok(())
}

/// Refuses `path` when a folder above it could be changed by another user: each one, links
/// resolved, must belong to this user or to root, and be writable by no one else unless it
/// has the sticky bit (as `/tmp` has: others cannot rename or remove what is ours there).
fn check_parents(path: &Path) -> Result<(), PrivateDirError> {
    let Some(parent) = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
    else {
        return Ok(());
    };
    let real = std::fs::canonicalize(&parent).map_err(|source| PrivateDirError::Io {
        path: parent.clone(),
        source,
    })?;
    let me = own_uid();
    for dir in real.ancestors() {
        let st = rustix::fs::stat(dir).map_err(|e| PrivateDirError::Io {
            path: dir.to_path_buf(),
            source: e.into(),
        })?;
        let mode = st.st_mode as u32 & 0o7777;
        let sticky = mode & 0o1000 != 0;
        if (st.st_uid != me && st.st_uid != 0) || (mode & 0o022 != 0 && !sticky) {
            return Err(PrivateDirError::ParentUnsafe {
                path: dir.to_path_buf(),
                uid: st.st_uid,
                mode,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(p: &Path, mode: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn made_private_and_used_through_the_handle() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("kept");
        let dir = PrivateDir::open_or_create(&p).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o700
        );
        dir.publish("a.jsonl", b"one\n").unwrap();
        dir.publish("a.jsonl", b"two\n").unwrap();
        assert_eq!(
            std::fs::metadata(p.join("a.jsonl"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
        // Swapping the folder after it was opened changes nothing: the handle is the folder.
        std::fs::rename(&p, d.path().join("moved")).unwrap();
        std::fs::create_dir(&p).unwrap();
        dir.rename("a.jsonl", "b.jsonl").unwrap();
        assert!(d.path().join("moved/b.jsonl").exists());
        assert!(!p.join("b.jsonl").exists());
        let mut names = dir.names().unwrap();
        names.sort();
        assert_eq!(names, ["b.jsonl"]);
    }

    #[test]
    fn open_folders_links_and_unsafe_parents_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let open = d.path().join("open");
        std::fs::create_dir(&open).unwrap();
        chmod(&open, 0o755);
        assert!(matches!(
            PrivateDir::open(&open),
            Err(PrivateDirError::NotPrivate { .. })
        ));
        let link = d.path().join("link");
        let real = d.path().join("real");
        std::fs::create_dir(&real).unwrap();
        chmod(&real, 0o700);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(matches!(
            PrivateDir::open(&link),
            Err(PrivateDirError::NotAFolder { .. })
        ));
        let shared = d.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        chmod(&shared, 0o777);
        let e = PrivateDir::open_or_create(&shared.join("kept")).unwrap_err();
        assert!(matches!(e, PrivateDirError::ParentUnsafe { .. }), "{e}");
        assert!(e.to_string().contains("swap"), "{e}");
        // Sticky, like /tmp: fine.
        chmod(&shared, 0o1777);
        PrivateDir::open_or_create(&shared.join("kept")).unwrap();
        assert!(
            PrivateDir::open(&d.path().join("missing"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn links_and_fifos_inside_are_never_opened() {
        let d = tempfile::tempdir().unwrap();
        let dir = PrivateDir::open_or_create(&d.path().join("kept")).unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, "x").unwrap();
        std::os::unix::fs::symlink(&victim, d.path().join("kept/h.jsonl")).unwrap();
        assert!(dir.open_file("h.jsonl").is_err());
        // Publishing over it replaces the link itself.
        dir.publish("h.jsonl", b"line\n").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "x");
        assert!(dir.open_file("h.jsonl").is_ok());
        rustix::fs::mkfifoat(&dir.fd, "f.jsonl", Mode::from_raw_mode(0o600)).unwrap();
        let e = dir.open_file("f.jsonl").unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
    }

    #[test]
    fn one_lock_at_a_time() {
        let d = tempfile::tempdir().unwrap();
        let dir = PrivateDir::open_or_create(&d.path().join("kept")).unwrap();
        let other = PrivateDir::open(&d.path().join("kept")).unwrap().unwrap();
        let held = dir.try_lock().unwrap();
        assert!(held.is_some());
        assert!(other.try_lock().unwrap().is_none());
        drop(held);
        assert!(other.try_lock().unwrap().is_some());
    }
}
