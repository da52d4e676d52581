//! Running `[hooks]`: each hook is a shell command line run with `sh -c`, detached, with the
//! event's facts in its environment and its output thrown away.
//!
//! Nothing here may delay the timer or the screen, so the caller only hands a job to a
//! worker thread ([`HookRunner::run`] is a channel send). The worker spawns each hook in its
//! own process group, reaps it, and when it outlives the time limit stops the whole group
//! (SIGTERM, then SIGKILL a second later). A hook that fails — cannot be started, exits
//! non-zero (127: command not found), or has to be stopped — is reported once per event,
//! through [`HookRunner::take_report`], never again in that run. Hooks still running when
//! knotless exits are left to finish on their own.

use std::collections::HashSet;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crate::core::hook_facts::HookCall;
use crate::model::config::{HookConfig, HookEvent};

/// How often the worker looks at running hooks.
const POLL: Duration = Duration::from_millis(50);
/// After SIGTERM, how long a hook has before SIGKILL.
const GRACE: Duration = Duration::from_secs(1);

struct Job {
    event: HookEvent,
    command: String,
    vars: Vec<(&'static str, String)>,
}

/// The hooks of one run of the program.
pub struct HookRunner {
    config: HookConfig,
    worker: Option<Worker>,
}

struct Worker {
    jobs: Sender<Job>,
    reports: Receiver<String>,
    thread: Option<thread::JoinHandle<()>>,
}

impl HookRunner {
    /// `enabled` is false for `--no-hooks`: then nothing ever runs.
    pub fn new(config: &HookConfig, enabled: bool) -> HookRunner {
        let mut config = config.clone();
        if !enabled {
            config.commands.clear();
        }
        HookRunner {
            config,
            worker: None,
        }
    }

    /// The events that have a hook.
    pub fn events(&self) -> impl Iterator<Item = HookEvent> + '_ {
        self.config.commands.iter().map(|(e, _)| *e)
    }

    /// Starts the hook for `call.event`, if there is one; returns at once.
    pub fn run(&mut self, call: &HookCall) {
        let Some(command) = self.config.command(call.event) else {
            return;
        };
        let job = Job {
            event: call.event,
            command: command.to_string(),
            vars: call.vars.clone(),
        };
        let limit = self.config.time_limit;
        let worker = self.worker.get_or_insert_with(|| {
            let (jobs, rx) = mpsc::channel();
            let (tx, reports) = mpsc::channel();
            let thread = thread::Builder::new()
                .name("knotless-hooks".into())
                .spawn(move || work(rx, tx, limit))
                .ok();
            Worker {
                jobs,
                reports,
                thread,
            }
        });
        let _ = worker.jobs.send(job);
    }

    /// A failure to show on the status line, at most once per event; never blocks.
    pub fn take_report(&mut self) -> Option<String> {
        self.worker.as_ref()?.reports.try_recv().ok()
    }
}

impl Drop for HookRunner {
    /// At exit every hook asked for is started (a `session_end` hook just before the program
    /// ends must still run), but none is waited for: they finish on their own.
    fn drop(&mut self) {
        if let Some(w) = self.worker.take() {
            drop(w.jobs);
            if let Some(t) = w.thread {
                let _ = t.join();
            }
        }
    }
}

struct Running {
    event: HookEvent,
    child: Child,
    started: Instant,
    /// When SIGTERM was sent, once the time limit passed.
    stopping: Option<Instant>,
}

/// The worker: spawns jobs, reaps hooks, stops overdue ones, reports each event's first
/// failure. Sleeps on the channel while no hook runs; ends once the runner is dropped and
/// every job sent has been started (hooks still running are left to finish).
fn work(jobs: Receiver<Job>, reports: Sender<String>, limit: Duration) {
    let mut running: Vec<Running> = Vec::new();
    let mut reported: HashSet<HookEvent> = HashSet::new();
    let mut report = |event: HookEvent, what: String| {
        if reported.insert(event) {
            let _ = reports.send(format!(
                "the {} hook {what}; further failures are not shown",
                event.as_str()
            ));
        }
    };
    loop {
        let next = if running.is_empty() {
            jobs.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            jobs.recv_timeout(POLL)
        };
        match next {
            Ok(job) => match spawn(&job) {
                Ok(child) => running.push(Running {
                    event: job.event,
                    child,
                    started: Instant::now(),
                    stopping: None,
                }),
                Err(e) => report(job.event, format!("could not be started ({e})")),
            },
            // Disconnected comes only after every job sent was received.
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let now = Instant::now();
        running.retain_mut(|r| match r.child.try_wait() {
            Ok(Some(status)) => {
                if r.stopping.is_some() {
                    report(
                        r.event,
                        format!("ran longer than {} and was stopped", fmt_limit(limit)),
                    );
                } else if !status.success() {
                    report(r.event, describe_failure(status));
                }
                false
            }
            Ok(None) => {
                match r.stopping {
                    None if now.duration_since(r.started) >= limit => {
                        signal_group(&r.child, Signal::Term);
                        r.stopping = Some(now);
                    }
                    Some(t) if now.duration_since(t) >= GRACE => {
                        signal_group(&r.child, Signal::Kill);
                    }
                    _ => {}
                }
                true
            }
            Err(_) => false,
        });
    }
}

fn spawn(job: &Job) -> std::io::Result<Child> {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(&job.command)
        .envs(job.vars.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: the time limit stops everything the hook started, and a
        // Ctrl-C in the terminal does not reach it.
        c.process_group(0);
    }
    c.spawn()
}

fn describe_failure(status: ExitStatus) -> String {
    match status.code() {
        Some(127) => "failed: command not found (exit 127)".into(),
        Some(126) => "failed: command cannot be run (exit 126)".into(),
        Some(n) => format!("failed (exit {n})"),
        None => "was killed by a signal".into(),
    }
}

fn fmt_limit(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

enum Signal {
    Term,
    Kill,
}

#[cfg(unix)]
fn signal_group(child: &Child, s: Signal) {
    let sig = match s {
        Signal::Term => libc::SIGTERM,
        Signal::Kill => libc::SIGKILL,
    };
    let Ok(pid) = libc::pid_t::try_from(child.id()) else {
        return;
    };
    // SAFETY: killpg only sends a signal; the group is the hook's own (process_group(0)
    // made the child its leader), and the child is not reaped yet, so the id is still ours.
    unsafe {
        libc::killpg(pid, sig);
    }
}

#[cfg(not(unix))]
fn signal_group(child: &Child, _s: Signal) {
    let _ = child;
}
