//! Being told of changes to the user's files, so a key on home need not look at each file
//! read to notice one (see [`crate::library::edit::FilesStamp`]).
//!
//! On Linux the kernel keeps a queue of what changed in the folders watched (inotify): a
//! key asks it, without waiting, whether anything came; nothing is ever woken to read it.
//! When something came — or the queue cannot be trusted — the stamp looks at the files as
//! it always did, so the queue only ever answers "nothing changed", never "this changed".
//! It is trusted only on file systems of this machine: a change made on another machine to
//! a network file system never reaches it.

use std::path::Path;

/// The queue of changes to some folders, or nothing where there is none to ask.
#[derive(Debug, Clone, Default)]
pub(crate) struct Watch {
    #[cfg(target_os = "linux")]
    queue: Option<std::sync::Arc<linux::Queue>>,
}

impl Watch {
    /// A queue for `dirs`, set up before they are read (so a change while they are read
    /// is in it), or nothing when one of them cannot be watched, or is not on a file
    /// system of this machine. A folder that does not exist is left out: its parent,
    /// first in `dirs`, must then be watched (creating it is a change there).
    pub(crate) fn of(dirs: &[&Path]) -> Watch {
        #[cfg(target_os = "linux")]
        {
            Watch {
                queue: linux::queue(dirs).map(std::sync::Arc::new),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = dirs;
            Watch {}
        }
    }

    /// Whether the queue says nothing changed since it was last asked. False when
    /// something came (it is emptied) and wherever there is no queue: the caller then
    /// looks at the files.
    pub(crate) fn quiet(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            self.queue.as_deref().is_some_and(linux::Queue::empty)
        }
        #[cfg(not(target_os = "linux"))]
        false
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::OwnedFd;
    use std::path::Path;

    use rustix::fs::inotify::{self, CreateFlags, WatchFlags};
    use rustix::io::Errno;

    /// What changes a file or a folder's list of files (reading one is none of them).
    fn changes() -> WatchFlags {
        WatchFlags::MODIFY
            | WatchFlags::ATTRIB
            | WatchFlags::CLOSE_WRITE
            | WatchFlags::CREATE
            | WatchFlags::DELETE
            | WatchFlags::MOVED_FROM
            | WatchFlags::MOVED_TO
            | WatchFlags::DELETE_SELF
            | WatchFlags::MOVE_SELF
    }

    /// The kernel's queue and the folders it watches.
    #[derive(Debug)]
    pub(crate) struct Queue {
        fd: OwnedFd,
        watches: Vec<i32>,
    }

    /// Closing a queue that still watches something waits for the kernel to be done with
    /// every watch (6 to 19 ms on the machine measured, at every quit and every reload of
    /// the library); taking the watches off first lets it finish them later, on its own
    /// (then closing takes 0.1 ms).
    impl Drop for Queue {
        fn drop(&mut self) {
            for wd in self.watches.drain(..) {
                let _ = inotify::remove_watch(&self.fd, wd);
            }
        }
    }

    pub(super) fn queue(dirs: &[&Path]) -> Option<Queue> {
        let fd = inotify::init(CreateFlags::CLOEXEC | CreateFlags::NONBLOCK).ok()?;
        let mut q = Queue {
            fd,
            watches: Vec::new(),
        };
        for (i, dir) in dirs.iter().enumerate() {
            match inotify::add_watch(&q.fd, *dir, changes() | WatchFlags::ONLYDIR) {
                Ok(wd) => q.watches.push(wd),
                Err(Errno::NOENT) if i > 0 => continue,
                Err(_) => return None,
            }
            let flags = rustix::fs::OFlags::RDONLY
                | rustix::fs::OFlags::DIRECTORY
                | rustix::fs::OFlags::CLOEXEC;
            let dir_fd = rustix::fs::open(*dir, flags, rustix::fs::Mode::empty()).ok()?;
            if !local(rustix::fs::fstatfs(&dir_fd).ok()?.f_type) {
                return None;
            }
        }
        Some(q)
    }

    impl Queue {
        /// Whether the queue is empty; what is in it is read, and so emptied.
        pub(super) fn empty(&self) -> bool {
            let mut buf = [0u8; 4096];
            let mut quiet = true;
            loop {
                match rustix::io::read(&self.fd, &mut buf) {
                    Ok(0) => return false,
                    Ok(_) => quiet = false,
                    Err(Errno::AGAIN) => return quiet,
                    Err(Errno::INTR) => {}
                    Err(_) => return false,
                }
            }
        }
    }

    /// File systems whose every change is made through this machine's kernel (the kinds
    /// a home folder is kept on); any other kind, a network or FUSE one among them, is
    /// looked at file by file.
    /// (The type of `f_type` differs from one platform to another; the values fit 32 bits.)
    fn local(kind: impl TryInto<i64>) -> bool {
        let Ok(kind) = kind.try_into() else {
            return false;
        };
        const LOCAL: [u32; 12] = [
            0xEF53,     // ext2, ext3, ext4
            0x9123683E, // btrfs
            0x58465342, // xfs
            0x01021994, // tmpfs
            0x858458f6, // ramfs
            0x794c7630, // overlayfs
            0xF2F52010, // f2fs
            0x2FC12FC1, // zfs
            0xca451a4e, // bcachefs
            0x3153464a, // jfs
            0x52654973, // reiserfs
            0x4d44,     // vfat
        ];
        LOCAL.contains(&(kind as u32))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_queue_is_quiet_until_a_file_changes_and_after_it_is_asked() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("routines");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.toml"), "x").unwrap();
        let w = Watch::of(&[dir.path(), &sub, &dir.path().join("art")]);
        if w.queue.is_none() {
            eprintln!("skipped: the temporary folder is not on a local file system");
            return;
        }
        assert!(w.quiet(), "nothing changed");
        // Reading is no change.
        std::fs::read(sub.join("a.toml")).unwrap();
        assert!(w.quiet());
        // Written in place, with its size and time put back: only the queue sees it.
        let t = std::fs::metadata(sub.join("a.toml"))
            .unwrap()
            .modified()
            .unwrap();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(sub.join("a.toml"))
            .unwrap();
        std::os::unix::fs::FileExt::write_at(&f, b"y", 0).unwrap();
        f.set_modified(t).unwrap();
        drop(f);
        assert!(!w.quiet(), "a file written in place");
        assert!(w.quiet(), "asked once, the queue is empty again");
        // A folder created in the parent.
        std::fs::create_dir(dir.path().join("art")).unwrap();
        assert!(!w.quiet(), "a folder created");
        std::fs::remove_file(sub.join("a.toml")).unwrap();
        assert!(!w.quiet(), "a file removed");
        assert!(w.quiet());
    }

    #[test]
    fn there_is_no_queue_for_a_parent_that_does_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        let w = Watch::of(&[&dir.path().join("none")]);
        assert!(!w.quiet(), "no queue: the caller looks at the files");
    }
}
