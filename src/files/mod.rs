//! The lowest layer that touches the disk, below both `library` and `store`: opening a
//! file that may be hostile and saying what went wrong in plain words.
//!
//! Opening a file that may be hostile: a FIFO (opening it for reading blocks until someone
//! writes), a link to a device (`/dev/zero` never ends, and its length reads as 0), a
//! directory, or a file far larger than anything knotless writes. Every reader of a file
//! the user (or another program) can put in place goes through here: the config, the state
//! file, every history and day-log file, in-progress snapshots, routine and drawing files,
//! and the paths given to `check`.
//!
//! The rule: open without blocking, check that what was opened is a regular file (after
//! opening, so the check and the read are about the same file), then read at most a cap.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// A plain-words reason for an I/O error, without the "(os error 13)" tail.
pub fn describe(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let plain = match e.kind() {
        K::PermissionDenied => "permission denied",
        K::StorageFull => "the disk is full",
        K::QuotaExceeded => "the disk quota is used up",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::NotFound => "it does not exist",
        K::IsADirectory => "it is a directory",
        K::NotADirectory => "a part of the path is not a directory",
        K::FileTooLarge => "the file is too large",
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            let mut chars = text.chars();
            return match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => "unknown error".to_string(),
            };
        }
    };
    plain.to_string()
}

/// What a path that is not a regular file turned out to be, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// The error for something that is not a regular file: `InvalidInput`, with words a user
/// can act on ("it is a FIFO (named pipe), not a regular file").
pub fn not_regular(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}, not a regular file"),
    )
}

/// Whether `e` is the error [`open_regular`] gives for something that is not a file.
pub fn is_not_regular(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidInput
        && e.get_ref()
            .is_some_and(|inner| inner.to_string().ends_with("not a regular file"))
}

/// Opens `path` for reading without ever blocking (a FIFO opens at once and is refused),
/// and checks that what was opened is a regular file.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO without a writer opens at once instead of hanging;
        // O_NOCTTY: a terminal device never becomes our controlling terminal.
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(kind_of(&meta)));
    }
    #[cfg(unix)]
    clear_nonblock(&file);
    Ok(file)
}

/// Reads of a regular file never block anyway; clearing the flag keeps the descriptor
/// ordinary for anything that inspects it.
#[cfg(unix)]
fn clear_nonblock(file: &File) {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own, with valid commands and flags.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

/// Why [`read_capped`] gave nothing.
#[derive(Debug)]
pub enum ReadError {
    /// Could not be opened or read (missing, permission, not a regular file …).
    Io(io::Error),
    /// Longer than the cap: the file's length, in bytes.
    TooLarge(u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{}", describe(e)),
            ReadError::TooLarge(n) => write!(f, "the file is too large ({n} bytes)"),
        }
    }
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// The whole of a regular file of at most `cap` bytes. The length is checked after opening
/// and the read itself stops one byte past the cap, so a file that grows meanwhile (or
/// lies about its length) cannot make it read more.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path).map_err(ReadError::Io)?;
    let len = file.metadata().map_err(ReadError::Io)?.len();
    if len > cap {
        return Err(ReadError::TooLarge(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn fifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("config.toml");
        fifo(&p);
        let e = open_regular(&p).unwrap_err();
        assert!(is_not_regular(&e), "{e}");
        assert!(e.to_string().contains("FIFO"), "{e}");
        assert!(matches!(read_capped(&p, 10), Err(ReadError::Io(_))));
    }

    #[test]
    fn a_link_to_a_device_or_a_folder_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        let e = read_capped(&p, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");
        let e = open_regular(d.path()).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
    }

    #[test]
    fn the_cap_is_hard() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big");
        std::fs::write(&p, vec![b'x'; 101]).unwrap();
        assert!(matches!(
            read_capped(&p, 100),
            Err(ReadError::TooLarge(101))
        ));
        assert_eq!(read_capped(&p, 101).unwrap().len(), 101);
        assert!(
            read_capped(&d.path().join("missing"), 1)
                .unwrap_err()
                .is_not_found()
        );
    }
}
