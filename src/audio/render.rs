//! Speech rendered to files ahead of time, lazily: at most [`WORKERS`] renders run at once,
//! the phrases asked for last first (the routine about to start, in the order it speaks),
//! and nothing ever waits for them — a phrase not ready when it is due is spoken live or
//! left out (see `Audio::perform`).
//!
//! Each phrase is rendered once by the speech command at its own loudness and kept
//! (`<key>.wav`); what is played is a copy made as loud as the voice's volume asks
//! (`<key>-v…-<loudness>.wav`), so a change of volume makes a new copy in a moment and
//! never renders again. Both are read and written through [`super::cache`], and the folder
//! is kept under [`cache::SPEECH_CACHE_CAP`], the least recently used out first.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::cache;
use super::child::Owned;
use super::find::Template;
use crate::core::cues::SpeechLengths;
use crate::core::{loudness, tone};

/// At most this many phrases are rendered at once.
pub const WORKERS: usize = 2;
/// Rendering one phrase may take this long before it is given up.
pub const RENDER_LIMIT: Duration = Duration::from_secs(10);
/// Bumped whenever the making of the played copies changes.
const COPY_VERSION: u32 = 1;
/// How often a worker looks at the render it waits for (and whether to stop).
const LOOK_EVERY: Duration = Duration::from_millis(10);

/// A phrase ready to play: its file and how long it speaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Ready {
    pub file: PathBuf,
    pub length: Duration,
}

#[derive(Default)]
struct State {
    /// The loudness the played copies are made at.
    target: f64,
    queue: VecDeque<String>,
    in_hand: HashSet<String>,
    ready: HashMap<String, Ready>,
    failed: HashSet<String>,
    /// New files since the folder was last kept under its cap.
    written: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    closed: AtomicBool,
    template: Template,
    dir: PathBuf,
    /// Renders running now, and the most there ever were (tests).
    running: AtomicUsize,
    most: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The renders of one run's voice.
pub struct Renderer {
    shared: Arc<Shared>,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl Renderer {
    /// Renders with `template` (it has `{file}` and `{text}`) into `dir`.
    pub fn new(template: Template, dir: PathBuf) -> Renderer {
        Renderer {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
                closed: AtomicBool::new(false),
                template,
                dir,
                running: AtomicUsize::new(0),
                most: AtomicUsize::new(0),
            }),
            workers: Vec::new(),
        }
    }

    /// Asks for `phrases` at `target` loudness, ahead of everything asked before, in this
    /// order. Returns at once.
    pub fn ask(&mut self, phrases: &[String], target: f64) {
        {
            let mut st = self.shared.lock();
            if st.target != target {
                st.target = target;
                st.ready.clear();
                st.failed.clear();
            }
            let wanted: Vec<String> = phrases
                .iter()
                .filter(|p| !st.ready.contains_key(*p) && !st.failed.contains(*p))
                .filter(|p| !st.in_hand.contains(*p))
                .cloned()
                .collect();
            let mut seen = HashSet::new();
            let rest: Vec<String> = st.queue.drain(..).filter(|p| !wanted.contains(p)).collect();
            st.queue = wanted
                .into_iter()
                .filter(|p| seen.insert(p.clone()))
                .chain(rest)
                .collect();
        }
        self.shared.wake.notify_all();
        while self.workers.len() < WORKERS {
            let shared = self.shared.clone();
            match std::thread::Builder::new()
                .name("knotless-render".into())
                .spawn(move || work(&shared))
            {
                Ok(h) => self.workers.push(h),
                Err(_) => break,
            }
        }
    }

    /// The phrase's file, if it is ready.
    pub fn ready(&self, phrase: &str) -> Option<Ready> {
        self.shared.lock().ready.get(phrase).cloned()
    }

    /// The lengths of every phrase ready so far.
    pub fn lengths(&self) -> SpeechLengths {
        let mut lens = SpeechLengths::default();
        for (p, r) in &self.shared.lock().ready {
            lens.insert(p, r.length);
        }
        lens
    }

    /// Waits until `phrase` is ready or given up, at most until `deadline` (for
    /// `sound test`, which plays one phrase and has nothing else to do).
    pub fn wait_for(&self, phrase: &str, deadline: Instant) -> Option<Ready> {
        loop {
            {
                let st = self.shared.lock();
                if let Some(r) = st.ready.get(phrase) {
                    return Some(r.clone());
                }
                let pending = st.queue.iter().any(|p| p == phrase) || st.in_hand.contains(phrase);
                if !pending {
                    return None;
                }
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(LOOK_EVERY);
        }
    }

    /// The most renders that ever ran at once (tests).
    pub fn most_at_once(&self) -> usize {
        self.shared.most.load(Ordering::SeqCst)
    }

    /// Stops every render now and ends the workers.
    pub fn shutdown(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.wake.notify_all();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Drop for Renderer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Renders run behind the session: this thread, and the speech programs it starts (which
/// inherit it), take the processor only when the cues and the screen leave it free, so on
/// a busy machine a cue is not late because a phrase for later is being rendered. (Linux:
/// the niceness of one thread; elsewhere renders keep the process's.)
fn yield_to_cues() {
    #[cfg(target_os = "linux")]
    {
        /// How far below the session's threads: from the default 0 to 10 of 19.
        const BEHIND: i32 = 10;
        // Only ever lowers this thread's own priority, which needs no permission; if it
        // fails, the render runs as before.
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), BEHIND);
    }
}

/// A worker: takes the next phrase, makes its played copy, and says it is ready.
fn work(shared: &Shared) {
    yield_to_cues();
    loop {
        let (phrase, target) = {
            let mut st = shared.lock();
            loop {
                if shared.closed.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(p) = st.queue.pop_front() {
                    st.in_hand.insert(p.clone());
                    break (p, st.target);
                }
                if std::mem::take(&mut st.written) {
                    drop(st);
                    cache::trim(&shared.dir, cache::SPEECH_CACHE_CAP);
                    st = shared.lock();
                    continue;
                }
                st = shared.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let made = copy_for(shared, &phrase, target);
        let mut st = shared.lock();
        st.in_hand.remove(&phrase);
        if st.target == target {
            match made {
                Some(r) => {
                    st.ready.insert(phrase, r);
                }
                None => {
                    st.failed.insert(phrase);
                }
            }
        }
        st.written = true;
    }
}

/// The played copy of `phrase` at `target`: found, made from the kept render, or rendered.
fn copy_for(shared: &Shared, phrase: &str, target: f64) -> Option<Ready> {
    let key = phrase_key(&shared.template, phrase);
    let dir = &shared.dir;
    let copy = dir.join(format!("{key:016x}-v{COPY_VERSION}-lufs{target:.1}.wav"));
    // Its header is enough: the samples are the player's to read.
    if let Ok(w) = cache::read_wav_header(&copy) {
        touch(&copy);
        return Some(Ready {
            file: copy,
            length: w.length(),
        });
    }
    cache::private_dir(dir).ok()?;
    let raw = dir.join(format!("{key:016x}.wav"));
    let mut wav = match cache::read_wav(&raw) {
        Ok(w) => {
            touch(&raw);
            w
        }
        Err(_) => render(shared, phrase, &raw)?,
    };
    loudness::fit(&mut wav.samples, wav.rate, target)?;
    let length = wav.length();
    // What is held at once: the loud samples and the copy written from them.
    let bytes = tone::wav_bytes_at(&wav.samples, wav.rate);
    drop(wav);
    cache::write_private(&copy, &bytes).ok()?;
    Some(Ready { file: copy, length })
}

/// Renders `phrase` into a new private file, and keeps it as `raw` if it is a WAV.
fn render(shared: &Shared, phrase: &str, raw: &Path) -> Option<cache::Wav> {
    let tmp = cache::new_temp(&shared.dir, ".wav").ok()?;
    let cmd = shared.template.command(Some(tmp.path()), Some(phrase));
    let now_running = shared.running.fetch_add(1, Ordering::SeqCst) + 1;
    shared.most.fetch_max(now_running, Ordering::SeqCst);
    let ended = Owned::spawn(cmd).ok().and_then(|child| wait(shared, child));
    shared.running.fetch_sub(1, Ordering::SeqCst);
    if !ended?.success() {
        return None;
    }
    let wav = cache::read_wav(tmp.path()).ok()?;
    cache::keep_as(tmp, raw).ok()?;
    Some(wav)
}

/// Waits for a render until [`RENDER_LIMIT`], or until the renderer is shut down.
fn wait(shared: &Shared, mut child: Owned) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + RENDER_LIMIT;
    loop {
        if let Some(s) = child.poll() {
            return Some(s);
        }
        if shared.closed.load(Ordering::SeqCst) || Instant::now() >= deadline {
            child.kill();
            return None;
        }
        std::thread::sleep(LOOK_EVERY);
    }
}

/// Marks a file as just used, so the cache keeps it over older ones.
fn touch(path: &Path) {
    if let Ok(f) = crate::files::open_regular(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

fn phrase_key(render: &Template, phrase: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    render.display().hash(&mut h);
    phrase.hash(&mut h);
    h.finish()
}
