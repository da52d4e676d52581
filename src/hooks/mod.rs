//! Running `[hooks]`: each hook is a shell command line run with `sh -c`, detached, with the
//! event's facts in its environment and its output thrown away.
//!
//! Nothing here may delay the timer or the screen, so the caller only hands a job to a
//! worker thread ([`HookRunner::run`] is a channel send). The worker spawns each hook in its
//! own process group, reaps it, and when it outlives the time limit stops the whole group
//! (SIGTERM, then SIGKILL a second later). A hook that fails — cannot be started, exits
//! non-zero (127: command not found), or has to be stopped — is reported once per event,
//! through [`HookRunner::take_report`], never again in that run.
//!
//! A `breath_phase` hook runs at most once at a time: a phase that comes while the last
//! one's hook still runs is skipped, not queued (a slow hook must not fall further and
//! further behind the breath). Hooks still running when knotless exits ([`HookRunner::finish`])
//! get [`EXIT_GRACE`] to end by themselves; then each is told (SIGTERM to its process
//! group) and, [`GRACE`] later, ended with everything it started (SIGKILL): every process
//! knotless starts is its own to stop.

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
pub const GRACE: Duration = Duration::from_secs(1);
/// How long hooks still running when knotless exits have to end by themselves.
pub const EXIT_GRACE: Duration = Duration::from_secs(2);

struct Job {
    event: HookEvent,
    command: String,
    vars: Vec<(&'static str, String)>,
    /// The time limit as configured when it was asked for.
    limit: Duration,
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
        let mut runner = HookRunner {
            config: HookConfig::default(),
            worker: None,
        };
        runner.set_config(config, enabled);
        runner
    }

    /// The hooks as configured now, for the events from now on; hooks already running
    /// go on under the worker that started them.
    pub fn set_config(&mut self, config: &HookConfig, enabled: bool) {
        self.config = config.clone();
        if !enabled {
            self.config.commands.clear();
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
            limit: self.config.time_limit,
        };
        let worker = self.worker.get_or_insert_with(|| {
            let (jobs, rx) = mpsc::channel();
            let (tx, reports) = mpsc::channel();
            let thread = thread::Builder::new()
                .name("knotless-hooks".into())
                .spawn(move || work(rx, tx))
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

impl HookRunner {
    /// At exit: every hook asked for is started (a `session_end` hook just before the
    /// program ends must still run), then the ones still running get [`EXIT_GRACE`] to end,
    /// then are stopped with everything they started (see the module notes). Returns once
    /// none is left; nothing runs after it.
    pub fn finish(&mut self) {
        if let Some(w) = self.worker.take() {
            drop(w.jobs);
            if let Some(t) = w.thread {
                let _ = t.join();
            }
        }
    }
}

impl Drop for HookRunner {
    fn drop(&mut self) {
        self.finish();
    }
}

struct Running {
    event: HookEvent,
    child: Child,
    started: Instant,
    limit: Duration,
    /// When SIGTERM was sent, once the time limit passed.
    stopping: Option<Instant>,
}

/// The worker: spawns jobs, reaps hooks, stops overdue ones, reports each event's first
/// failure. Sleeps on the channel while no hook runs; ends once the runner is dropped and
/// every job sent has been started (hooks still running are left to finish).
fn work(jobs: Receiver<Job>, reports: Sender<String>) {
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
            // One breath_phase hook at a time: skipped, not queued.
            Ok(job)
                if job.event == HookEvent::BreathPhase
                    && running.iter().any(|r| r.event == HookEvent::BreathPhase) => {}
            Ok(job) => match spawn(&job) {
                Ok(child) => running.push(Running {
                    event: job.event,
                    child,
                    started: Instant::now(),
                    limit: job.limit,
                    stopping: None,
                }),
                Err(e) => report(job.event, format!("could not be started ({e})")),
            },
            // Disconnected comes only after every job sent was received.
            Err(RecvTimeoutError::Disconnected) => return stop_at_exit(running),
            Err(RecvTimeoutError::Timeout) => {}
        }
        let now = Instant::now();
        running.retain_mut(|r| match r.child.try_wait() {
            Ok(Some(status)) => {
                if r.stopping.is_some() {
                    report(
                        r.event,
                        format!("ran longer than {} and was stopped", fmt_limit(r.limit)),
                    );
                } else if !status.success() {
                    report(r.event, describe_failure(status));
                }
                false
            }
            Ok(None) => {
                match r.stopping {
                    None if now.duration_since(r.started) >= r.limit => {
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

/// knotless is exiting: the hooks still running get [`EXIT_GRACE`] to end by themselves,
/// then SIGTERM to their process groups, then SIGKILL [`GRACE`] later; every one is
/// reaped before this returns.
fn stop_at_exit(mut running: Vec<Running>) {
    let start = Instant::now();
    let ended = |running: &mut Vec<Running>| {
        running.retain_mut(|r| matches!(r.child.try_wait(), Ok(None)));
        running.is_empty()
    };
    while !ended(&mut running) && start.elapsed() < EXIT_GRACE {
        thread::sleep(POLL);
    }
    for r in &running {
        signal_group(&r.child, Signal::Term);
    }
    let told = Instant::now();
    while !ended(&mut running) && told.elapsed() < GRACE {
        thread::sleep(POLL);
    }
    for r in &mut running {
        signal_group(&r.child, Signal::Kill);
        let _ = r.child.wait();
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
