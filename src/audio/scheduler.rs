//! One sound at a time, owned: the scheduler starts every tone and phrase, knows which one
//! is playing, and stops it.
//!
//! - A cue of the same or higher priority than the one playing stops it (its whole process
//!   group) and starts at once: a step change, a skip or the end never waits for a phrase.
//! - A cue of lower priority waits until the one playing has ended, then [`GAP`] more; one
//!   that would then start too late ([`Priority::patience`]) is dropped. So speech never
//!   sounds over a chime: the end line waits for the end chime.
//! - A phrase never starts less than [`GAP`] after the sound before it.
//! - [`Scheduler::silence`] stops whatever plays and drops what waits (mute, pause, stop,
//!   quit, signals); [`Scheduler::shutdown`] does that and ends the thread, so nothing of
//!   ours is left when the terminal is given back.
//! - A child that fails, or is still running well after its sound should have ended (it is
//!   then stopped), counts against the player; two in a row and the player is reported
//!   broken, once.
//!
//! A thread watches the child that plays: it looks just after the sound should have ended
//! (at once when something waits for it, then every [`WAITING_LOOK`]), else at doubling
//! gaps; with nothing playing it sleeps until told, so it never wakes between cues.

use std::process::{Command, ExitStatus};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::child::Owned;

/// The least silence between two sounds that follow each other.
pub const GAP: Duration = Duration::from_millis(300);
/// A child still running this long after its sound should have ended is hung.
pub const HANG_AFTER: Duration = Duration::from_secs(2);
/// The first look at a playing child comes this long after its sound should have ended.
const SLACK: Duration = Duration::from_millis(150);
/// The longest gap between later looks.
const LONGEST_LOOK: Duration = Duration::from_secs(1);
/// While a cue waits for the child that plays, the child is looked at this often.
const WAITING_LOOK: Duration = Duration::from_millis(20);
/// Failures (or hangs) in a row after which the player is taken as broken.
pub const BROKEN_AFTER: u32 = 2;

/// Which sounds may stop which: a higher (or equal) one stops the one playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// A spoken phrase.
    Speech,
    /// A breath tone, a 3-2-1 tick, a time-left cue: they pace, and are placed so that
    /// they never meet a chime.
    Timing,
    /// A step, switch, end, pause or resume chime: something changed.
    Chime,
}

impl Priority {
    /// How late a cue may start after waiting for another; later, it is dropped. A timing
    /// cue played late would mislead; a phrase a little late is still right.
    pub fn patience(self) -> Duration {
        match self {
            Priority::Speech => Duration::from_secs(3),
            Priority::Timing => Duration::from_millis(150),
            Priority::Chime => Duration::from_millis(500),
        }
    }
}

/// A sound to start: the command that plays it, how long it sounds, and who plays it.
#[derive(Debug)]
pub struct Sound {
    pub cmd: Command,
    pub priority: Priority,
    /// How long the sound lasts (the child should end then).
    pub length: Duration,
    /// The program, for reports ("pw-play").
    pub name: String,
}

/// What happened to a sound handed to [`Scheduler::play`].
#[derive(Debug)]
pub enum Started {
    Now,
    /// It waits for the sound playing to end.
    Waiting,
    /// Nothing was started: the scheduler has been shut down.
    Closed,
}

struct Playing {
    child: Owned,
    priority: Priority,
    name: String,
    /// When its sound should end.
    ends: Instant,
    hang_at: Instant,
    next_look: Instant,
    gap: Duration,
}

struct Waiting {
    sound: Sound,
    /// It is dropped if it cannot start by then.
    latest: Instant,
}

/// How each program has fared: failures and hangs in a row, and the programs found broken
/// (reported once each).
#[derive(Default)]
struct Health {
    in_a_row: std::collections::HashMap<String, u32>,
    reports: Vec<Broken>,
}

/// A program that failed or hung [`BROKEN_AFTER`] times in a row: its name, and what went
/// wrong the last time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub name: String,
    pub why: String,
}

impl Health {
    fn ended(&mut self, name: &str, status: ExitStatus) {
        if status.success() {
            self.in_a_row.insert(name.to_string(), 0);
        } else {
            self.failed(name, format!("{name} failed ({})", describe(status)));
        }
    }

    fn failed(&mut self, name: &str, why: String) {
        let n = self.in_a_row.entry(name.to_string()).or_insert(0);
        *n += 1;
        if *n == BROKEN_AFTER {
            self.reports.push(Broken {
                name: name.to_string(),
                why,
            });
        }
    }
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(n) => format!("exit {n}"),
        None => "killed by a signal".into(),
    }
}

#[derive(Default)]
struct State {
    playing: Option<Playing>,
    waiting: Option<Waiting>,
    last_end: Option<Instant>,
    closed: bool,
    health: Health,
    /// Children started since the scheduler was made (tests).
    started: usize,
}

impl State {
    /// Looks at the child playing (reaped if ended, stopped if hung), then starts the cue
    /// that waits when its time has come.
    fn look(&mut self, now: Instant) {
        if let Some(p) = &mut self.playing
            && (now >= p.next_look || now >= p.hang_at || self.waiting.is_some())
        {
            match p.child.poll() {
                Some(status) => {
                    let p = self.playing.take().expect("playing");
                    self.health.ended(&p.name, status);
                    // It ended when its sound did, or earlier: when it was seen to have
                    // ended is only when someone looked.
                    self.last_end = Some(now.min(p.ends));
                }
                None if now >= p.hang_at => {
                    let p = self.playing.take().expect("playing");
                    let what = format!("{} did not finish playing", p.name);
                    let name = p.name.clone();
                    p.child.kill();
                    self.health.failed(&name, what);
                    self.last_end = Some(now);
                }
                None => {
                    p.gap = (p.gap * 2).min(LONGEST_LOOK);
                    p.next_look = if self.waiting.is_some() {
                        (now + WAITING_LOOK).max(p.ends)
                    } else {
                        now + p.gap
                    };
                }
            }
        }
        if self.playing.is_none()
            && let Some(w) = self.waiting.take()
        {
            let at = self.free_at(now);
            if at > w.latest {
                // Too late to mean what it meant.
            } else if now >= at {
                let _ = self.start(w.sound, now);
            } else {
                self.waiting = Some(w);
            }
        }
    }

    /// When the next sound may start: now, or [`GAP`] after the last one ended.
    fn free_at(&self, now: Instant) -> Instant {
        self.last_end.map_or(now, |e| (e + GAP).max(now))
    }

    fn start(&mut self, sound: Sound, now: Instant) -> std::io::Result<()> {
        let Sound {
            cmd,
            priority,
            length,
            name,
        } = sound;
        match Owned::spawn(cmd) {
            Ok(child) => {
                self.started += 1;
                self.playing = Some(Playing {
                    child,
                    priority,
                    name,
                    ends: now + length,
                    hang_at: now + length + HANG_AFTER,
                    next_look: now + length + SLACK,
                    gap: SLACK,
                });
                Ok(())
            }
            Err(e) => {
                self.health
                    .failed(&name, format!("{name} could not be started ({e})"));
                Err(e)
            }
        }
    }

    /// Stops what plays and drops what waits.
    fn silence(&mut self, now: Instant) {
        self.waiting = None;
        if let Some(p) = self.playing.take() {
            p.child.kill();
            self.last_end = Some(now);
        }
    }

    /// When the thread should look next; `None`: nothing to look at until told.
    fn next_wake(&self, now: Instant) -> Option<Instant> {
        let playing = self.playing.as_ref().map(|p| p.next_look.min(p.hang_at));
        let waiting = self
            .waiting
            .as_ref()
            .filter(|_| self.playing.is_none())
            .map(|_| self.free_at(now));
        match (playing, waiting) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The owner of every sound child of one run (see the module's doc).
pub struct Scheduler {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new()
    }
}

impl Scheduler {
    /// A scheduler; its thread starts with the first sound.
    pub fn new() -> Scheduler {
        Scheduler {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
            }),
            thread: None,
        }
    }

    /// Starts `sound` now, or keeps it until the sound playing has ended (see the module's
    /// doc). An error: it could not be started (and that counts against the player).
    pub fn play(&mut self, sound: Sound, now: Instant) -> std::io::Result<Started> {
        self.ensure_thread();
        let mut st = self.shared.lock();
        if st.closed {
            return Ok(Started::Closed);
        }
        st.look(now);
        let stops = match &st.playing {
            Some(p) => sound.priority >= p.priority,
            None => false,
        };
        if stops {
            st.silence(now);
        } else if st.playing.is_some()
            || (sound.priority == Priority::Speech && st.free_at(now) > now)
        {
            // A newer cue waits in place of an older one of no higher priority.
            if st
                .waiting
                .as_ref()
                .is_none_or(|w| sound.priority >= w.sound.priority)
            {
                if let Some(p) = &mut st.playing {
                    p.next_look = p.next_look.min(p.ends.max(now));
                }
                let latest = now + sound.priority.patience();
                st.waiting = Some(Waiting { sound, latest });
                self.shared.wake.notify_all();
            }
            return Ok(Started::Waiting);
        }
        st.waiting = None;
        st.start(sound, now)?;
        self.shared.wake.notify_all();
        Ok(Started::Now)
    }

    /// A handle for another thread (see [`Silencer`]).
    pub fn silencer(&self) -> Silencer {
        Silencer {
            shared: self.shared.clone(),
        }
    }

    /// Stops what plays, at once, and drops what waits.
    pub fn silence(&self) {
        self.shared.lock().silence(Instant::now());
        self.shared.wake.notify_all();
    }

    /// Whether a sound is playing (or waiting to).
    pub fn busy(&self) -> bool {
        let mut st = self.shared.lock();
        st.look(Instant::now());
        st.playing.is_some() || st.waiting.is_some()
    }

    /// How many children are playing now: never more than one (tests).
    pub fn running(&self) -> usize {
        let mut st = self.shared.lock();
        st.look(Instant::now());
        usize::from(st.playing.is_some())
    }

    /// How many children were started (tests).
    pub fn started(&self) -> usize {
        self.shared.lock().started
    }

    /// The programs found broken (two failures or hangs in a row) since last asked: each is
    /// reported once.
    pub fn take_broken(&self) -> Vec<Broken> {
        std::mem::take(&mut self.shared.lock().health.reports)
    }

    /// Waits until nothing plays or waits, at most until `deadline`; then stops whatever
    /// is left. For a natural end (the end line may finish); quitting uses
    /// [`Scheduler::shutdown`] at once.
    pub fn drain(&mut self, deadline: Instant) {
        while self.busy() && Instant::now() < deadline {
            std::thread::sleep(WAITING_LOOK);
        }
        self.silence();
    }

    /// Stops everything and ends the thread: nothing started by this scheduler runs after
    /// this returns (a child stuck in the kernel is given [`super::child::KILL_WAIT`]).
    pub fn shutdown(&mut self) {
        {
            let mut st = self.shared.lock();
            st.closed = true;
            st.silence(Instant::now());
        }
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn ensure_thread(&mut self) {
        if self.thread.is_some() {
            return;
        }
        let shared = self.shared.clone();
        self.thread = std::thread::Builder::new()
            .name("knotless-sound".into())
            .spawn(move || watch(&shared))
            .ok();
    }
}

/// A handle that can silence a scheduler from another thread (a signal handler's) and keep
/// it silent: nothing starts after [`Silencer::close`].
#[derive(Clone)]
pub struct Silencer {
    shared: Arc<Shared>,
}

impl Silencer {
    pub fn close(&self) {
        {
            let mut st = self.shared.lock();
            st.closed = true;
            st.silence(Instant::now());
        }
        self.shared.wake.notify_all();
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The thread: looks at the child playing when its time comes, starts what waits.
fn watch(shared: &Shared) {
    let mut st = shared.lock();
    loop {
        let now = Instant::now();
        st.look(now);
        if st.closed {
            st.silence(now);
            return;
        }
        st = match st.next_wake(now) {
            None => shared.wake.wait(st).unwrap_or_else(|e| e.into_inner()),
            Some(at) => {
                shared
                    .wake
                    .wait_timeout(st, at.saturating_duration_since(now))
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
        };
    }
}
