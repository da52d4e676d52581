//! One sound child, owned: started detached in a process group of its own, and stopped as a
//! whole group — a player that is a shell script, or a wrapper that starts the real player,
//! leaves nothing behind.
//!
//! The group's id is the child's own pid, and it stays ours only while the child is not yet
//! reaped, so every signal to the group is sent before the child is reaped: [`Owned::poll`]
//! looks at an ended child without reaping it (`waitid` with `WNOWAIT`), ends whatever is
//! left in its group, and only then reaps it.
//!
//! On Linux the child is also asked to die with the thread that started it
//! (`PR_SET_PDEATHSIG`), so even a SIGKILL of knotless leaves no voice talking on.

use std::io;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A child we started, in its own process group, not yet reaped.
#[derive(Debug)]
pub struct Owned {
    child: Child,
}

/// The groups of every owned child not yet reaped (each is the child's pid), for
/// [`stop_all`]: a child leaves this list before it is reaped, under its lock, so a group
/// in it is always ours.
static LIVE: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<u32>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stops every owned child's whole group now, from any thread: what a signal that ends
/// the program does first, so a player that is a script leaves nothing playing either.
pub fn stop_all() {
    for &pid in live().iter() {
        signal(pid, Signal::Kill);
    }
}

/// How often a wait that has a deadline looks again.
const LOOK_EVERY: Duration = Duration::from_millis(10);
/// How long a kill waits for the child to be gone.
pub const KILL_WAIT: Duration = Duration::from_millis(300);

impl Owned {
    /// Starts `cmd` with its input and output closed, in a process group of its own: it
    /// cannot write on the screen, read keys, or be hit by the terminal's Ctrl-C.
    pub fn spawn(mut cmd: Command) -> io::Result<Owned> {
        detach(&mut cmd);
        let mut live = live();
        let child = cmd.spawn()?;
        live.push(child.id());
        Ok(Owned { child })
    }

    /// Takes it off the list of [`stop_all`], before it is reaped.
    fn forget(&self) {
        let id = self.child.id();
        live().retain(|&pid| pid != id);
    }

    /// Whether it has ended, and how: ended children are reaped (after the rest of their
    /// group is stopped). `None` while it runs.
    pub fn poll(&mut self) -> Option<ExitStatus> {
        if !self.has_ended() {
            return None;
        }
        self.signal_group(Signal::Kill);
        self.forget();
        match self.child.wait() {
            Ok(s) => Some(s),
            // Reaped by someone else (it never should be): it has ended all the same.
            Err(_) => Some(ExitStatus::default()),
        }
    }

    /// Stops the whole group now (SIGKILL: a player stops at once) and reaps the child,
    /// waiting for that at most [`KILL_WAIT`] (a process stuck in the kernel cannot be hurried).
    pub fn kill(mut self) {
        self.signal_group(Signal::Kill);
        self.forget();
        let _ = self.child.kill();
        let until = Instant::now() + KILL_WAIT;
        while let Ok(None) = self.child.try_wait() {
            if Instant::now() >= until {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits for it until `deadline`: its exit status, or `None` when it was still running
    /// then (it is stopped).
    pub fn wait_until(mut self, deadline: Instant) -> Option<ExitStatus> {
        loop {
            if let Some(s) = self.poll() {
                return Some(s);
            }
            let now = Instant::now();
            if now >= deadline {
                self.kill();
                return None;
            }
            std::thread::sleep(LOOK_EVERY.min(deadline - now));
        }
    }

    /// Whether the child has ended, without reaping it.
    #[cfg(unix)]
    fn has_ended(&mut self) -> bool {
        let pid: libc::id_t = self.child.id();
        // SAFETY: waitid with WNOWAIT only reports on our own child and changes nothing;
        // `info` is zeroed, as the call expects, and written by it.
        unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let r = libc::waitid(
                libc::P_PID,
                pid,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            );
            // With WNOHANG and nothing to report, the pid field stays 0.
            r != 0 || info.si_pid() != 0
        }
    }

    #[cfg(not(unix))]
    fn has_ended(&mut self) -> bool {
        self.child.try_wait().map_or(true, |s| s.is_some())
    }

    fn signal_group(&self, s: Signal) {
        signal(self.child.id(), s);
    }
}

/// Signals the group of the owned child `pid` (see [`Owned::signal_group`]).
#[cfg(unix)]
fn signal(pid: u32, s: Signal) {
    let sig = match s {
        Signal::Kill => libc::SIGKILL,
    };
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: killpg only sends a signal. The group is the child's own (it was started as
    // its leader) and the child is not reaped yet, so the id cannot name anyone else.
    unsafe {
        libc::killpg(pid, sig);
    }
}

#[cfg(not(unix))]
fn signal(_pid: u32, _s: Signal) {}

enum Signal {
    Kill,
}

/// Closes the child's stdio and makes it the leader of a session of its own (so of its own
/// process group, and without the terminal: it cannot write on the screen through
/// `/dev/tty` either); on Linux it also dies with the thread that started it.
pub fn detach(cmd: &mut Command) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        #[cfg(target_os = "linux")]
        let parent = libc::pid_t::try_from(std::process::id()).unwrap_or(0);
        // SAFETY: setsid, prctl and getppid are async-signal-safe, and this closure touches
        // nothing else between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if libc::setsid() < 0 {
                    return Err(io::Error::last_os_error());
                }
                #[cfg(target_os = "linux")]
                {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                        return Ok(());
                    }
                    // The parent may have died between fork and prctl: then no one is
                    // listening.
                    if libc::getppid() != parent {
                        return Err(io::Error::from_raw_os_error(libc::ESRCH));
                    }
                }
                Ok(())
            });
        }
    }
}
