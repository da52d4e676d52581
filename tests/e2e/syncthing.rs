//! One data folder on two machines, synced by the real thing: two Syncthing daemons on
//! loopback (keys generated for the test; discovery, relays, NAT, upgrades, usage and crash
//! reporting off), one shared folder, and two knotless "machines" (`KNOTLESS_MACHINE`, each
//! with its own config and state folders). They log sessions and day answers on both; one
//! runs a session while the other runs commands; then, with one daemon stopped, both write —
//! answers for the same day, amendments of the same session — and after it is back every
//! command on both machines shows the same union: each session once (the one that was
//! running, completed), the later answer, the later amendment, and no conflict copy of any
//! file knotless writes.
//!
//! Every wait is bounded by one deadline well under a minute, and the daemons are stopped
//! on every path: dropped (a failed assertion unwinds through them), or killed by the kernel
//! if the test process itself dies (`PR_SET_PDEATHSIG`). Skipped, saying so, only when
//! Syncthing is not installed (`.ci/run` installs it).

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::days_cli::BLINK;
use crate::state_folder::TWO_STEPS;
use crate::text;

/// Everything, start to end, within this: far more than it needs (about 20 s).
const LIMIT: Duration = Duration::from_secs(55);

/// A Syncthing daemon, stopped when dropped.
struct Daemon {
    home: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl Daemon {
    fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let mut cmd = Command::new("syncthing");
        cmd.args(["serve", "--no-browser", "--no-restart", "--no-upgrade"])
            .arg(format!("--home={}", self.home.display()))
            // One process, no monitor that would restart it.
            .env("STMONITORED", "1")
            .env("STNORESTART", "1")
            .env("STNOUPGRADE", "1")
            .env("HOME", &self.home)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0);
        // SAFETY: prctl is async-signal-safe; it only asks the kernel to kill the daemon if
        // the thread that started it dies without stopping it.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        self.child = Some(cmd.spawn().expect("start syncthing"));
    }

    /// SIGTERM to its process group, then SIGKILL if it has not gone within 5 s.
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let group = -(child.id() as i32);
        // SAFETY: signalling a process group we made.
        unsafe { libc::kill(group, libc::SIGTERM) };
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // SAFETY: as above.
        unsafe { libc::kill(group, libc::SIGKILL) };
        let _ = child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A knotless process left running, killed if the test ends first.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// One "machine": its own config and state folders, its copy of the synced data folder.
struct Machine {
    name: &'static str,
    config: PathBuf,
    data: PathBuf,
    state: PathBuf,
    cache: PathBuf,
}

impl Machine {
    fn new(root: &Path, name: &'static str) -> Machine {
        let dir = root.join(name);
        let m = Machine {
            name,
            config: dir.join("config"),
            data: dir.join("data"),
            state: dir.join("state"),
            cache: dir.join("cache"),
        };
        std::fs::create_dir_all(m.config.join("routines")).unwrap();
        std::fs::write(
            m.config.join("config.toml"),
            "get_ready = \"0s\"\nbell = false\nask_ratings = false\n",
        )
        .unwrap();
        std::fs::write(m.config.join("routines/blink.toml"), BLINK).unwrap();
        std::fs::write(m.config.join("routines/two-steps.toml"), TWO_STEPS).unwrap();
        // Syncthing's marker that the folder is there on purpose.
        std::fs::create_dir_all(m.data.join(".stfolder")).unwrap();
        m
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = crate::common::knotless();
        c.args(args)
            .env("KNOTLESS_CONFIG_DIR", &self.config)
            .env("KNOTLESS_DATA_DIR", &self.data)
            .env("KNOTLESS_STATE_DIR", &self.state)
            .env("KNOTLESS_MACHINE", self.name)
            .env("XDG_CACHE_HOME", &self.cache)
            .env("TZ", "UTC")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs a command that must succeed; its output.
    fn ok(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.name,
            text(&out.stderr)
        );
        out
    }

    /// Appends an amendment to this machine's own history file, as the finish screen's
    /// rating does (no command rates a past session).
    fn amend(&self, id: &str, at: jiff::Timestamp, after: u8) {
        let a = knotless::model::record::Amendment {
            v: 1,
            amends: id.into(),
            at: knotless::model::record::Stamp::new(at, &jiff::tz::TimeZone::UTC),
            pain_before: None,
            pain_after: Some(after),
            note: None,
        };
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.data.join(format!("history-{}.jsonl", self.name)))
            .unwrap();
        writeln!(f, "{}", serde_json::to_string(&a).unwrap()).unwrap();
    }
}

/// A free loopback port (bound, read, released).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Keys and a certificate for a daemon in `home`; its device id.
fn generate(home: &Path) -> String {
    let out = Command::new("syncthing")
        .args(["generate", "--no-default-folder", "--skip-port-probing"])
        .arg(format!("--home={}", home.display()))
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = Command::new("syncthing")
        .args(["serve", "--device-id"])
        .arg(format!("--home={}", home.display()))
        .env("HOME", home)
        .output()
        .unwrap();
    let id = text(&out.stdout).trim().to_string();
    assert_eq!(id.len(), 63, "a device id: {id:?}");
    id
}

/// The daemon's whole configuration: this device and the other one on loopback, the shared
/// folder watched with a second's delay, and nothing that talks to anyone else.
fn config(me: (&str, u16), other: (&str, u16), folder: &Path) -> String {
    format!(
        r#"<configuration version="36">
    <folder id="knotless" label="knotless" path="{folder}" type="sendreceive" rescanIntervalS="2" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <device id="{me_id}"></device>
        <device id="{other_id}"></device>
        <minDiskFree unit="%">0</minDiskFree>
    </folder>
    <device id="{me_id}" name="me"><address>dynamic</address></device>
    <device id="{other_id}" name="other"><address>tcp://127.0.0.1:{other_port}</address></device>
    <gui enabled="false"><address>127.0.0.1:0</address></gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{me_port}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <crashReportingEnabled>false</crashReportingEnabled>
        <startBrowser>false</startBrowser>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <stunKeepaliveStartS>0</stunKeepaliveStartS>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
        <setLowPriority>false</setLowPriority>
    </options>
</configuration>
"#,
        folder = folder.display(),
        me_id = me.0,
        me_port = me.1,
        other_id = other.0,
        other_port = other.1,
    )
}

/// The files of a data folder that are not Syncthing's own, with their contents.
fn contents(data: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(data)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .map(|n| {
            let bytes = std::fs::read(data.join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect()
}

/// Waits until both copies of the folder hold the same files, byte for byte, with no
/// transfer under way.
fn converge(a: &Machine, b: &Machine, deadline: Instant, what: &str, logs: &[&Path]) {
    loop {
        let busy = |d: &Path| {
            std::fs::read_dir(d)
                .unwrap()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with(".syncthing."))
        };
        if !busy(&a.data) && !busy(&b.data) && contents(&a.data) == contents(&b.data) {
            return;
        }
        if Instant::now() > deadline {
            let logs: String = logs
                .iter()
                .map(|l| std::fs::read_to_string(l).unwrap_or_default())
                .collect();
            panic!(
                "the folders never agreed after {what}:\n{:?}\n{:?}\nSyncthing said:\n{logs}",
                contents(&a.data).keys(),
                contents(&b.data).keys()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The record ids in a JSONL history, with how often each appears.
fn ids(jsonl: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for l in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        *out.entry(v["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    out
}

fn records(m: &Machine) -> Vec<serde_json::Value> {
    text(&m.ok(&["history", "--format", "jsonl"]).stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn two_machines_through_two_syncthing_daemons_show_one_union() {
    if Command::new("syncthing").arg("--version").output().is_err() {
        eprintln!("skipped: syncthing is not installed (.ci/run installs it with apt-get)");
        return;
    }
    let deadline = Instant::now() + LIMIT;
    let tmp = tempfile::tempdir().unwrap();
    // "desk" sorts before "laptop": reading in file order, the laptop's lines come last.
    let (a, b) = (
        Machine::new(tmp.path(), "laptop"),
        Machine::new(tmp.path(), "desk"),
    );
    let (home_a, home_b) = (tmp.path().join("st-laptop"), tmp.path().join("st-desk"));
    let (id_a, id_b) = (generate(&home_a), generate(&home_b));
    let (port_a, port_b) = (free_port(), free_port());
    std::fs::write(
        home_a.join("config.xml"),
        config((&id_a, port_a), (&id_b, port_b), &a.data),
    )
    .unwrap();
    std::fs::write(
        home_b.join("config.xml"),
        config((&id_b, port_b), (&id_a, port_a), &b.data),
    )
    .unwrap();
    let (log_a, log_b) = (tmp.path().join("laptop.log"), tmp.path().join("desk.log"));
    let mut daemon_a = Daemon {
        home: home_a,
        log: log_a.clone(),
        child: None,
    };
    let mut daemon_b = Daemon {
        home: home_b,
        log: log_b.clone(),
        child: None,
    };
    daemon_a.start();
    daemon_b.start();
    let logs = [log_a.as_path(), log_b.as_path()];

    // Sessions and day answers on both.
    a.ok(&["run", "blink", "--plain"]);
    a.ok(&["day", "yes", "--date", &days_ago(1), "--worst", "mild"]);
    b.ok(&["run", "blink", "--plain"]);
    b.ok(&["day", "no", "--date", &days_ago(2)]);
    converge(&a, &b, deadline, "the first sessions", &logs);
    let first = records(&b);
    assert_eq!(first.len(), 2, "{first:?}");
    let laptops_blink = first
        .iter()
        .find(|r| {
            text(&std::fs::read(a.data.join("history-laptop.jsonl")).unwrap())
                .contains(r["id"].as_str().unwrap())
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A session running on the laptop while the desk runs every reading command.
    let mut running = Running(Some(
        a.command(&["run", "two-steps", "--plain"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    ));
    let started = Instant::now();
    while running.0.as_mut().unwrap().try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the session never ended");
        for args in [&["history"][..], &["stats"], &["days"], &["nudge"]] {
            let out = b.ok(args);
            assert!(
                !text(&out.stderr).contains("recovered"),
                "the desk took the laptop's running session for a dead one: {}",
                text(&out.stderr)
            );
        }
        let names: Vec<String> = contents(&b.data).into_keys().collect();
        assert!(
            names.iter().all(|n| !n.contains("in-progress")),
            "{names:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(started.elapsed() >= Duration::from_secs(3), "it ran");
    let out = running.0.take().unwrap().wait_with_output().unwrap();
    assert!(out.status.success());
    converge(&a, &b, deadline, "the running session", &logs);

    // A partition: the desk's daemon stops; both write.
    daemon_b.stop();
    let now = jiff::Timestamp::now();
    let same_day = days_ago(3);
    a.ok(&["day", "yes", "--date", &same_day, "--worst", "severe"]);
    a.ok(&["run", "blink", "--plain"]);
    // The laptop rated it "after 7" two hours ago; the desk "after 1" an hour ago.
    a.amend(&laptops_blink, now - jiff::SignedDuration::from_hours(2), 7);
    b.amend(&laptops_blink, now - jiff::SignedDuration::from_hours(1), 1);
    b.ok(&["run", "blink", "--plain"]);
    b.ok(&["log", "physio", "--duration", "30m"]);
    // Answered later (answers are kept to the second).
    std::thread::sleep(Duration::from_millis(1100));
    b.ok(&["day", "no", "--date", &same_day]);
    daemon_b.start();
    converge(&a, &b, deadline, "the partition", &logs);

    // Every command shows the same union on both machines.
    for args in [
        &["history"][..],
        &["history", "--format", "jsonl"],
        &["history", "--format", "csv"],
        &["days"],
        &["days", "--format", "jsonl"],
        &["stats"],
        &["stats", "--json"],
        &["report"],
    ] {
        let (oa, ob) = (a.ok(args), b.ok(args));
        let (ta, tb) = (comparable(args, &oa.stdout), comparable(args, &ob.stdout));
        if let Some((i, (la, lb))) = ta
            .lines()
            .zip(tb.lines())
            .enumerate()
            .find(|(_, (x, y))| x != y)
        {
            panic!(
                "{args:?} differs at line {}:\n  laptop: {la}\n  desk:   {lb}",
                i + 1
            );
        }
        assert_eq!(
            ta.lines().count(),
            tb.lines().count(),
            "{args:?} differs in length"
        );
        assert_eq!(text(&oa.stderr), "", "{args:?} on the laptop");
        assert_eq!(text(&ob.stderr), "", "{args:?} on the desk");
    }
    let all = records(&a);
    let counted = ids(&text(&a.ok(&["history", "--format", "jsonl"]).stdout));
    assert_eq!(all.len(), 6, "each session once: {counted:?}");
    assert!(counted.values().all(|&n| n == 1), "{counted:?}");
    let ran_meanwhile: Vec<_> = all
        .iter()
        .filter(|r| r["routine_id"] == "two-steps")
        .collect();
    assert_eq!(ran_meanwhile.len(), 1);
    assert_eq!(ran_meanwhile[0]["outcome"], "completed");
    let rated = all
        .iter()
        .find(|r| r["id"] == laptops_blink.as_str())
        .unwrap();
    assert_eq!(rated["pain_after"], 1, "the later amendment counts");
    let days = text(&a.ok(&["days", "--format", "jsonl"]).stdout);
    let answer: serde_json::Value = days
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["date"] == same_day.as_str())
        .unwrap();
    assert_eq!(answer["headache"], false, "the later answer counts: {days}");

    // Nothing knotless writes was ever copied in conflict, and no machine's own state is in
    // the shared folder.
    for m in [&a, &b] {
        let names: Vec<String> = contents(&m.data).into_keys().collect();
        assert!(
            names.iter().all(|n| !n.contains("conflict")),
            "{}: {names:?}",
            m.name
        );
        let mut expected = vec![
            "days-desk.jsonl",
            "days-laptop.jsonl",
            "history-desk.jsonl",
            "history-laptop.jsonl",
        ];
        expected.sort();
        assert_eq!(names, expected, "{}", m.name);
    }
    daemon_a.stop();
    daemon_b.stop();
}

/// A command's output as two machines can agree on it: JSON without the moment it was
/// made (`generated_at`, and `since` counted back from it).
fn comparable(args: &[&str], out: &[u8]) -> String {
    if !args.contains(&"--json") {
        return text(out);
    }
    let mut v: serde_json::Value = serde_json::from_slice(out).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("generated_at");
    obj.remove("since");
    serde_json::to_string_pretty(&v).unwrap()
}

fn days_ago(n: i64) -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .checked_sub(jiff::Span::new().days(n))
        .unwrap()
        .to_string()
}
