//! The sound cache on disk: tone files and rendered speech, read and written like every
//! other file that may be hostile. What is found there is never trusted: a file is opened
//! without blocking and only if it is a regular file (a FIFO or a link to `/dev/zero` is
//! refused at once), read with a hard cap, and checked — a tone file's header must say
//! the rate and length knotless writes, a speech file must be a WAV it can read — else it
//! is written again. Writes go to a new file with a random name (created `O_EXCL`, 0600) that
//! is then renamed into place (`files::write_atomically`), so a link planted at either
//! name is never followed. The folders are created 0700.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::files;

/// No WAV knotless writes or renders comes near this: a phrase is a few seconds.
pub const WAV_CAP: u64 = 8 * 1024 * 1024;
/// The speech folder is kept under this; the oldest files go first.
pub const SPEECH_CACHE_CAP: u64 = 50 * 1024 * 1024;

/// Creates `dir` (and what is missing above it) 0700, and checks it is a folder (not a
/// link to one).
pub fn private_dir(dir: &Path) -> io::Result<()> {
    files::create_private_dirs(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            "the cache folder is not a folder",
        ));
    }
    Ok(())
}

/// A new file with a random name in `dir`, 0600, created so that nothing planted there
/// is followed, for a speech command to render into; removed when dropped unless kept
/// with [`keep_as`]. (`files::write_atomically` writes bytes it is given; here another
/// program writes the file.)
pub fn new_temp(dir: &Path, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(".part-").suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(files::write::PRIVATE_FILE));
    }
    b.tempfile_in(dir)
}

/// Renames `tmp` over `path` (a link at `path` is replaced, never followed).
pub fn keep_as(tmp: tempfile::NamedTempFile, path: &Path) -> io::Result<()> {
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// Replaces (or creates) `path` with `bytes`, atomically, 0600 (a cache: not synced).
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    files::write_atomically(
        path,
        bytes,
        files::Durability::Relaxed,
        files::write::PRIVATE_FILE,
    )
}

/// A WAV file as read: its sample rate and its samples (mono, or the first channel).
#[derive(Debug, Clone)]
pub struct Wav {
    pub rate: u32,
    pub samples: Vec<i16>,
}

impl Wav {
    pub fn length(&self) -> Duration {
        length_of(self.samples.len(), self.rate)
    }
}

/// What a WAV file's header says: its sample rate and how many samples a channel holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavHeader {
    pub rate: u32,
    pub frames: usize,
}

impl WavHeader {
    pub fn length(&self) -> Duration {
        length_of(self.frames, self.rate)
    }
}

fn length_of(frames: usize, rate: u32) -> Duration {
    Duration::from_micros(frames as u64 * 1_000_000 / u64::from(rate.max(1)))
}

/// Why a cached WAV was not used.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("{}", files::describe(.0))]
    Read(io::Error),
    #[error("the file is too large ({0} bytes)")]
    TooLarge(u64),
    #[error("not a WAV knotless can read ({0})")]
    Format(String),
    #[error("no sound in it")]
    Empty,
}

/// Reads a 16-bit PCM WAV, without blocking and at most [`WAV_CAP`] bytes.
pub fn read_wav(path: &Path) -> Result<Wav, WavError> {
    let bytes = files::read_capped(path, WAV_CAP).map_err(|e| match e {
        files::ReadError::Io(e) => WavError::Read(e),
        files::ReadError::TooLarge(n) => WavError::TooLarge(n),
    })?;
    parse_wav(&bytes)
}

/// The header of a 16-bit PCM WAV, opened like [`read_wav`] but read no further than the
/// header (a few hundred bytes, not the samples): enough to tell whether a cached file is
/// the one knotless would write, and how long it plays. A file shorter than its header
/// says is refused.
pub fn read_wav_header(path: &Path) -> Result<WavHeader, WavError> {
    let file = files::open_regular(path).map_err(WavError::Read)?;
    let size = file.metadata().map_err(WavError::Read)?.len();
    if size > WAV_CAP {
        return Err(WavError::TooLarge(size));
    }
    let r = hound::WavReader::new(io::BufReader::with_capacity(512, file))
        .map_err(|e| WavError::Format(e.to_string()))?;
    let spec = sixteen_bit(&r)?;
    let frames = r.duration() as usize;
    if frames == 0 || spec.sample_rate == 0 {
        return Err(WavError::Empty);
    }
    // The smallest header is 44 bytes; the samples are two bytes each.
    if size < 44 + u64::from(r.len()) * 2 {
        return Err(WavError::Format("shorter than its header says".into()));
    }
    Ok(WavHeader {
        rate: spec.sample_rate,
        frames,
    })
}

/// The reader's format, if it is 16-bit PCM.
fn sixteen_bit<R: io::Read>(r: &hound::WavReader<R>) -> Result<hound::WavSpec, WavError> {
    let spec = r.spec();
    if spec.bits_per_sample != 16 || spec.sample_format != hound::SampleFormat::Int {
        return Err(WavError::Format(format!(
            "{}-bit {:?}",
            spec.bits_per_sample, spec.sample_format
        )));
    }
    Ok(spec)
}

/// A 16-bit PCM WAV from its bytes.
pub fn parse_wav(bytes: &[u8]) -> Result<Wav, WavError> {
    let mut r = hound::WavReader::new(io::Cursor::new(bytes))
        .map_err(|e| WavError::Format(e.to_string()))?;
    let spec = sixteen_bit(&r)?;
    let channels = usize::from(spec.channels.max(1));
    let samples: Vec<i16> = r
        .samples::<i16>()
        .step_by(channels)
        .collect::<Result<_, _>>()
        .map_err(|e| WavError::Format(e.to_string()))?;
    if samples.is_empty() || spec.sample_rate == 0 {
        return Err(WavError::Empty);
    }
    Ok(Wav {
        rate: spec.sample_rate,
        samples,
    })
}

/// Keeps the WAV files in `dir` under `cap` bytes in all, removing the oldest first
/// (entries that are not regular files are left alone; links are never followed).
pub fn trim(dir: &Path, cap: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut found: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let wav = e.path().extension().is_some_and(|x| x == "wav");
            (meta.is_file() && wav).then(|| {
                let when = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                (when, meta.len(), e.path())
            })
        })
        .collect();
    let mut total: u64 = found.iter().map(|f| f.1).sum();
    if total <= cap {
        return;
    }
    found.sort();
    for (_, len, path) in found {
        if total <= cap {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}
