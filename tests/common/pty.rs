//! A program in its own pseudo-terminal, for the end-to-end tests: keys typed into it, its
//! screen read through a vt100 parser, and every byte it wrote kept. Waits accept only a
//! whole frame, and fail only when what they wait for never comes (a generous patience):
//! no test here times the program.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, SlavePty};

/// No output for this long: the frame on screen is drawn in full. (A large frame arrives in
/// several reads, and a screen read between them shows part of the new frame over the old.)
pub const SETTLED: Duration = Duration::from_millis(30);

/// How long a wait that finds the program ended (or out of patience) keeps looking for what
/// it waits for, before it fails.
const EXITED_GRACE: Duration = Duration::from_secs(2);

/// How long the finish screen's rating takes no key after it is drawn, and a little more.
pub const RATING_SETTLE: Duration = Duration::from_millis(900);

/// What the program wrote, as the reader thread saw it.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// When the last bytes arrived.
    last: Instant,
}

pub struct Pty {
    /// How failures name the program.
    pub name: String,
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    /// Kept open so the terminal's modes outlive the program, for `stty` to read after it.
    pub slave: Box<dyn SlavePty + Send>,
    _master: Box<dyn MasterPty + Send>,
    out: Arc<Mutex<Output>>,
    /// How long a wait may take before the test fails.
    pub patience: Duration,
}

impl Pty {
    /// Starts `cmd` in a `cols`×`rows` terminal.
    pub fn spawn(cmd: CommandBuilder, rows: u16, cols: u16) -> Pty {
        let argv = cmd.get_argv();
        let program = std::path::Path::new(&argv[0])
            .file_name()
            .unwrap_or_default();
        let name = std::iter::once(program)
            .chain(argv[1..].iter().map(|a| a.as_os_str()))
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ");
        let pty = portable_pty::native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let child = pty.slave.spawn_command(cmd).expect("start the program");
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let out = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(
                NonZeroU16::new(rows).unwrap(),
                NonZeroU16::new(cols).unwrap(),
                0,
            ),
            raw: Vec::new(),
            last: Instant::now(),
        }));
        let shared = out.clone();
        // Reads until every end of the terminal is closed (when the test drops it).
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut o = shared.lock().unwrap();
                        o.parser.process(&buf[..n]);
                        o.raw.extend_from_slice(&buf[..n]);
                        o.last = Instant::now();
                    }
                }
            }
        });
        Pty {
            name,
            child,
            writer,
            slave: pty.slave,
            _master: pty.master,
            out,
            patience: Duration::from_secs(20),
        }
    }

    /// Types keys, as bytes: "\r" is Enter, "\x1b[C" is →, "\x03" is Ctrl-C.
    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("type");
        self.writer.flush().expect("type");
    }

    pub fn screen(&self) -> String {
        self.out.lock().unwrap().parser.screen().contents()
    }

    /// Looks at the parsed screen (its modes as well as its text).
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.out.lock().unwrap().parser.screen())
    }

    /// Every byte the program (and anything run on its terminal after it) wrote.
    pub fn raw(&self) -> Vec<u8> {
        self.out.lock().unwrap().raw.clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    pub fn wait_for(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    pub fn wait_gone(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to go"), |s| !s.contains(text))
    }

    /// Polls the screen until `ok` holds for a whole frame; fails with the screen if it
    /// takes longer than the patience or the program ends first.
    pub fn wait_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            // The screen and how long the output has been quiet, read together.
            let (s, settled) = {
                let out = self.out.lock().unwrap();
                (
                    out.parser.screen().contents(),
                    out.last.elapsed() >= SETTLED,
                )
            };
            if settled && ok(&s) {
                return s;
            }
            let exited = self.child.try_wait().ok().flatten();
            if exited.is_some() || start.elapsed() > self.patience {
                // A last while to look: what the program wrote just before it ended may
                // not have been read yet (the reader thread can wait long for a core while
                // many tests run at once).
                let last = Instant::now();
                let s = loop {
                    let s = self.screen();
                    if ok(&s) {
                        return s;
                    }
                    if last.elapsed() > EXITED_GRACE {
                        break s;
                    }
                    thread::sleep(Duration::from_millis(25));
                };
                panic!(
                    "{}: waited for {what}{}; the screen:\n{s}",
                    self.name,
                    match exited {
                        Some(st) => format!(", but it exited ({st:?})"),
                        None => format!(" for {:?}", self.patience),
                    }
                );
            }
            thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the finish screen's "How is your head now?", then for as long as that
    /// screen takes no key after it is drawn (so a key carried over from the player rates
    /// nothing): a key sent then is answered.
    pub fn wait_to_rate(&mut self) -> String {
        let s = self.wait_for("How is your head now?");
        thread::sleep(RATING_SETTLE);
        s
    }

    /// Sends a signal by name (TERM, HUP, KILL).
    pub fn signal(&self, sig: &str) {
        let ok = std::process::Command::new("kill")
            .args(["-s", sig, &self.pid().to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -s {sig} failed");
    }
}

impl Drop for Pty {
    /// A failed test must not leave a program running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            thread::sleep(Duration::from_millis(200));
            if let Ok(None) = self.child.try_wait() {
                self.signal("KILL");
                let _ = self.child.wait();
            }
        }
    }
}
