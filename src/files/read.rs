//! Reading a file that may be hostile: opened without blocking, checked to be a regular
//! file after opening, read up to a cap; and the backwards line reader.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::{describe, kind_of, not_regular};

/// Opens `path` for reading without ever blocking (a FIFO opens at once and is refused),
/// and checks that what was opened is a regular file.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let (file, meta) = open_nonblocking(path)?;
    if !meta.is_file() {
        return Err(not_regular(kind_of(&meta)));
    }
    #[cfg(unix)]
    clear_nonblock(&file);
    Ok(file)
}

/// `path` opened for reading without blocking, and what it turned out to be.
fn open_nonblocking(path: &Path) -> io::Result<(File, std::fs::Metadata)> {
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
    Ok((file, meta))
}

/// Whether `path` names a pipe (a FIFO, or the pipe a shell's `<(cmd)` names): its name
/// then says nothing about what it holds.
pub fn is_pipe_path(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| is_pipe(&m))
}

/// Whether `meta` is a pipe (a FIFO, or the pipe a shell's `<(cmd)` names).
fn is_pipe(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        meta.file_type().is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// The whole of a file the user named on the command line, at most `cap` bytes: a regular
/// file as [`read_capped`] reads it, or a pipe — `knotless import <(curl …)` names one, and
/// so does a FIFO made for the purpose — read to its end, which comes when its writer is
/// done (a FIFO nobody has opened for writing reads as empty). Asking for it by name is
/// asking to wait for it; a device, a folder or a socket is still refused, and no pipe is
/// read past the cap.
pub fn read_named(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_nonblocking(path).map_err(ReadError::Io)?;
    if !meta.is_file() && !is_pipe(&meta) {
        return Err(ReadError::Io(not_regular(kind_of(&meta))));
    }
    #[cfg(unix)]
    clear_nonblock(&file);
    read_to_cap(file, cap)
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
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Could not be opened or read (missing, permission, not a regular file …).
    #[error("{}", describe(.0))]
    Io(io::Error),
    /// Longer than the cap: the file's length, in bytes.
    #[error("the file is too large ({0} bytes)")]
    TooLarge(u64),
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// A test's look at a file knotless wrote, as text.
#[cfg(test)]
pub(crate) fn text(path: &Path) -> String {
    String::from_utf8(read_capped(path, 1 << 20).unwrap()).unwrap()
}

/// The whole of a regular file of at most `cap` bytes. The length is checked after opening
/// and the read itself stops one byte past the cap, so a file that grows meanwhile (or
/// lies about its length) cannot make it read more.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    read_to_cap(open_regular(path).map_err(ReadError::Io)?, cap)
}

/// [`read_capped`] for a file only this user should ever have written (the state folder's
/// memory of the theme, the mute and the nudge): refused unless it is this user's own and
/// no one else can change it, so another user cannot plant one.
pub fn read_own_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path).map_err(ReadError::Io)?;
    #[cfg(unix)]
    super::private::check_own_file(&file).map_err(ReadError::Io)?;
    read_to_cap(file, cap)
}

/// Everything `file` holds, refused once it is past `cap`: its length is checked first
/// (a pipe's is 0), and the read stops one byte past the cap whatever the length said.
fn read_to_cap(file: File, cap: u64) -> Result<Vec<u8>, ReadError> {
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

/// Calls `f` with each line of `file`, last line first, until it returns true: the file is
/// read from its end in 64 KiB blocks, so finding the newest lines costs the same however
/// long the file is. A line longer than `max_line` bytes is skipped without being held. The
/// final newline gives an empty line first.
pub fn lines_backwards(
    file: &mut File,
    max_line: usize,
    mut f: impl FnMut(&[u8]) -> bool,
) -> io::Result<()> {
    const BLOCK: usize = 64 * 1024;
    let len = file.metadata()?.len();
    let mut block = vec![0u8; BLOCK];
    // The end of a line whose start lies in a block not read yet.
    let mut carry: Vec<u8> = Vec::new();
    let mut carry_too_long = false;
    let mut pos = len;
    while pos > 0 {
        let n = BLOCK.min(pos as usize);
        pos -= n as u64;
        file.seek(SeekFrom::Start(pos))?;
        file.read_exact(&mut block[..n])?;
        let data = &block[..n];
        let mut end = n;
        for nl in memchr::memrchr_iter(b'\n', data) {
            let piece = &data[nl + 1..end];
            end = nl;
            let stop = if carry.is_empty() && !carry_too_long {
                f(piece)
            } else {
                let too_long =
                    std::mem::take(&mut carry_too_long) || piece.len() + carry.len() > max_line;
                let mut whole = std::mem::take(&mut carry);
                whole.splice(0..0, piece.iter().copied());
                !too_long && f(&whole)
            };
            if stop {
                return Ok(());
            }
        }
        // What is left is the end of a line that started further back.
        if !carry_too_long {
            if carry.len() + end > max_line {
                carry.clear();
                carry_too_long = true;
            } else {
                carry.splice(0..0, data[..end].iter().copied());
            }
        }
    }
    if !carry_too_long && !carry.is_empty() {
        f(&carry);
    }
    Ok(())
}

#[cfg(test)]
mod backwards_tests {
    use super::*;
    use std::io::Write;

    fn collect(text: &[u8], max_line: usize) -> Vec<Vec<u8>> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        File::create(&p).unwrap().write_all(text).unwrap();
        let mut f = open_regular(&p).unwrap();
        let mut out = Vec::new();
        lines_backwards(&mut f, max_line, |l| {
            out.push(l.to_vec());
            false
        })
        .unwrap();
        out
    }

    #[test]
    fn lines_come_last_first_across_blocks() {
        let mut text = Vec::new();
        for i in 0..20_000 {
            writeln!(text, "line {i} {}", "x".repeat(i % 37)).unwrap();
        }
        let got = collect(&text, 1 << 20);
        // The final newline gives one empty piece first.
        assert_eq!(got[0], b"");
        assert_eq!(got.len(), 20_001);
        for (k, l) in got[1..].iter().enumerate() {
            let i = 19_999 - k;
            assert_eq!(l, format!("line {i} {}", "x".repeat(i % 37)).as_bytes());
        }
        assert_eq!(collect(b"a\nb", 10), vec![b"b".to_vec(), b"a".to_vec()]);
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_whole_even_across_blocks() {
        let long = "y".repeat(200_000);
        let text = format!("first\n{long}\nlast\n");
        let got = collect(text.as_bytes(), 100_000);
        assert_eq!(got, vec![b"".to_vec(), b"last".to_vec(), b"first".to_vec()]);
        let got = collect(text.as_bytes(), 300_000);
        assert_eq!(got.len(), 4);
        assert_eq!(got[2], long.as_bytes());
    }

    #[test]
    fn reading_stops_when_asked() {
        let mut seen = 0;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::write(&p, "a\nb\nc\n").unwrap();
        let mut f = open_regular(&p).unwrap();
        lines_backwards(&mut f, 10, |l| {
            seen += 1;
            l == b"c"
        })
        .unwrap();
        assert_eq!(seen, 2);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::files::is_not_regular;
    use crate::files::mkfifo as fifo;

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
