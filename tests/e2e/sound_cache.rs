//! The sound cache is read like every other file that may be hostile: whatever was put in
//! place of a tone or speech file — a FIFO, a link to `/dev/zero`, 50 MB of junk, a link
//! to another file — nothing hangs, nothing grows without bound, no junk is handed to the
//! player, and nothing is written through a link. What knotless writes there is its
//! owner's only (files 0600, folders 0700).

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use crate::sound_stops::{Fakes, Plays, SHORT, dirs};
use crate::tui::Dirs;

/// `run stop-fixture --plain` with the stand-ins, no input; fails the test if it has not
/// ended after a generous wait (a FIFO once made it hang for ever).
fn run_plain(d: &Dirs, fakes: &Fakes, cache: &Path) -> String {
    let mut cmd = crate::common::knotless();
    cmd.args(["run", "stop-fixture", "--plain"])
        .env("PATH", fakes.path())
        .env("KNOTLESS_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in d.envs() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plain mode hung on the cache");
        }
        thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir`, with what it is.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let t = e.file_type().unwrap();
        if t.is_dir() {
            out.extend(files(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string and mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// A cache primed by one run, then every file in it replaced by `swap`.
fn primed(swap: impl Fn(&Path)) -> (Dirs, Fakes, PathBuf, Vec<PathBuf>) {
    let d = dirs(SHORT);
    std::fs::write(
        d.config.join("config.toml"),
        "get_ready = \"1s\"\nsound = \"tones\"\nvoice = \"steps\"\nask_ratings = false\n",
    )
    .unwrap();
    let fakes = Fakes::new(d.tmp.path(), Plays::TheFile, true);
    let cache = d.tmp.path().join("cache");
    run_plain(&d, &fakes, &cache);
    let was = files(&cache);
    assert!(was.iter().any(|f| f.ends_with("step.wav")), "{was:?}");
    assert!(
        was.iter().any(|f| f.starts_with(cache.join("speech"))),
        "{was:?}"
    );
    for f in &was {
        std::fs::remove_file(f).unwrap();
        swap(f);
    }
    (d, fakes, cache, was)
}

/// After the second run every file is a WAV again, written by knotless: regular, 0600, small.
fn all_rewritten(was: &[PathBuf]) {
    for f in was {
        let meta = std::fs::symlink_metadata(f).unwrap();
        assert!(meta.is_file(), "{}: {:?}", f.display(), meta.file_type());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{}", f.display());
        assert!(
            meta.len() < 1 << 20,
            "{}: {} bytes",
            f.display(),
            meta.len()
        );
        let bytes = std::fs::read(f).unwrap();
        assert_eq!(&bytes[..4], b"RIFF", "{}", f.display());
    }
}

#[test]
fn fifos_in_the_sound_cache_hang_nothing() {
    let (d, fakes, cache, was) = primed(mkfifo);
    let out = run_plain(&d, &fakes, &cache);
    assert!(out.contains("Finished (completed)"), "{out}");
    all_rewritten(&was);
    // The tones and the end line were heard.
    let heard: Vec<String> = fakes.events().into_iter().map(|e| e.2).collect();
    assert!(
        heard.iter().filter(|h| *h == "end.wav").count() >= 2,
        "{heard:?}"
    );
}

#[test]
fn junk_and_devices_in_the_sound_cache_are_never_played() {
    // 50 MB of junk for half the files, a link to /dev/zero for the others.
    let (d, fakes, cache, was) = primed(|f| {
        if f.to_string_lossy().len() % 2 == 0 {
            std::fs::write(f, vec![b'j'; 50 << 20]).unwrap();
        } else {
            std::os::unix::fs::symlink("/dev/zero", f).unwrap();
        }
    });
    run_plain(&d, &fakes, &cache);
    all_rewritten(&was);
    let _ = cache;
}

#[test]
fn links_planted_in_the_sound_cache_are_never_written_through() {
    let d0 = tempfile::tempdir().unwrap();
    let victim = d0.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    // Every cache file, and every name a render or a rewrite might use beside it, a link to
    // the victim.
    let (d, fakes, cache, was) = primed(|f| {
        std::os::unix::fs::symlink(&victim, f).unwrap();
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        for other in [format!("{stem}.part.wav"), format!("{stem}.tmp")] {
            let _ = std::os::unix::fs::symlink(&victim, f.with_file_name(other));
        }
    });
    run_plain(&d, &fakes, &cache);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    all_rewritten(&was);
    for dir in [cache.clone(), cache.join("speech")] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", dir.display());
    }
    assert!(
        !files(&cache)
            .iter()
            .any(|f| std::fs::symlink_metadata(f).unwrap().file_type().is_fifo()),
        "a FIFO was made"
    );
}
