//! The lowest layer that touches the disk, below both `library` and `store`: opening a
//! file that may be hostile ([`read`]), replacing a file atomically without ever following a
//! planted link ([`write`]), a private folder used only through its handle ([`private`]), and
//! saying what went wrong in plain words.
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

use std::io;

#[cfg(unix)]
pub mod private;
pub mod read;
pub mod write;
pub mod zone;

pub use read::{
    ReadError, is_pipe_path, lines_backwards, open_regular, read_capped, read_named,
    read_own_capped,
};
pub use write::{
    Durability, create_private_dirs, open_append, open_lock, sync_dir, write_atomically,
    write_new_atomically,
};
pub use zone::{local_zone, now};

/// A FIFO at `path`, for the tests of the readers that must never block on one.
#[cfg(all(test, unix))]
pub(crate) fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string and mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

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
pub(crate) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
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
