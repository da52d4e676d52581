//! Waiting for sound children off the UI path: one thread, started with the first child,
//! that reaps them as they end and kills any that outlive their limit. With no children it
//! blocks on its channel, so it never wakes between cues; while one runs it first looks
//! just after the sound should have ended, then at doubling gaps up to a second — a
//! player that plays and exits is reaped at the first look.

use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The first look comes this long after the sound should have ended.
const SLACK: Duration = Duration::from_millis(150);
/// The longest wait between later looks.
const LONGEST_LOOK: Duration = Duration::from_secs(1);
/// After this many failures in a row with no success, the player is taken as broken.
const BROKEN_AFTER: usize = 2;

struct Job {
    child: Child,
    deadline: Instant,
    name: String,
    next_look: Instant,
    gap: Duration,
}

#[derive(Default)]
pub struct Reaper {
    tx: Option<Sender<Job>>,
    state: Arc<Shared>,
    reported: bool,
}

#[derive(Default)]
struct Shared {
    running: AtomicUsize,
    failures: AtomicUsize,
    successes: AtomicUsize,
    last_failure: Mutex<Option<String>>,
}

impl Reaper {
    /// Spawns `cmd` detached and hands it to the thread; `expect` is how long its sound lasts.
    pub fn spawn(
        &mut self,
        mut cmd: Command,
        limit: Duration,
        name: &str,
        expect: Duration,
    ) -> std::io::Result<()> {
        super::detach(&mut cmd);
        let child = cmd.spawn()?;
        let tx = self.tx.get_or_insert_with(|| start(self.state.clone()));
        self.state.running.fetch_add(1, Ordering::SeqCst);
        let now = Instant::now();
        let job = Job {
            child,
            deadline: now + limit,
            name: name.to_string(),
            next_look: now + expect + SLACK,
            gap: SLACK,
        };
        if let Err(mpsc::SendError(mut job)) = tx.send(job) {
            // The thread is gone (it never should be): do not leave a zombie behind.
            let _ = job.child.kill();
            let _ = job.child.wait();
            self.state.running.fetch_sub(1, Ordering::SeqCst);
        }
        Ok(())
    }

    pub fn running(&self) -> usize {
        self.state.running.load(Ordering::SeqCst)
    }

    /// Reports, once, a player that keeps failing (exits with an error every time).
    pub fn check_failures(&mut self, report: &mut dyn FnMut(String)) {
        if self.reported {
            return;
        }
        let s = &self.state;
        if s.successes.load(Ordering::SeqCst) == 0
            && s.failures.load(Ordering::SeqCst) >= BROKEN_AFTER
        {
            self.reported = true;
            let what = s.last_failure.lock().map(|g| g.clone()).ok().flatten();
            report(format!(
                "{} is failing: no sound (`knotless sound test` shows why)",
                what.unwrap_or_else(|| "the sound player".into())
            ));
        }
    }
}

fn start(state: Arc<Shared>) -> Sender<Job> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("knotless-reaper".into())
        .spawn(move || {
            let mut jobs: Vec<Job> = Vec::new();
            let mut open = true;
            loop {
                let next = jobs.iter().map(|j| j.next_look.min(j.deadline)).min();
                let msg = match next {
                    None if !open => return,
                    None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                    Some(at) => {
                        let wait = at.saturating_duration_since(Instant::now());
                        if open {
                            rx.recv_timeout(wait)
                        } else {
                            std::thread::sleep(wait);
                            Err(RecvTimeoutError::Timeout)
                        }
                    }
                };
                match msg {
                    Ok(job) => jobs.push(job),
                    Err(RecvTimeoutError::Disconnected) => open = false,
                    Err(RecvTimeoutError::Timeout) => {}
                }
                let now = Instant::now();
                jobs.retain_mut(|j| {
                    if now < j.next_look && now < j.deadline {
                        return true;
                    }
                    j.gap = (j.gap * 2).min(LONGEST_LOOK);
                    j.next_look = now + j.gap;
                    let done = match j.child.try_wait() {
                        Ok(Some(status)) => {
                            let counter = if status.success() {
                                &state.successes
                            } else {
                                if let Ok(mut g) = state.last_failure.lock() {
                                    *g = Some(j.name.clone());
                                }
                                &state.failures
                            };
                            counter.fetch_add(1, Ordering::SeqCst);
                            true
                        }
                        Ok(None) if now >= j.deadline => {
                            let _ = j.child.kill();
                            let _ = j.child.wait();
                            true
                        }
                        Ok(None) => false,
                        Err(_) => true,
                    };
                    if done {
                        state.running.fetch_sub(1, Ordering::SeqCst);
                    }
                    !done
                });
            }
        })
        .map(|_| tx)
        .unwrap_or_else(|_| mpsc::channel().0)
}

/// Waits for `child` until `deadline`; kills it and returns `None` if it is still running.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return None,
        }
    }
}
