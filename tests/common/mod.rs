//! Shared test helpers: an app with the bundled library, temp directories and a fixed clock;
//! one place that turns test keys into events; drawing into a TestBackend; record builders;
//! a home of the tests' own for every program a test starts (`home.rs`).
#![allow(dead_code)]

use std::time::Instant;

use knotless::app::{App, Init, Route};

pub mod ctx;
pub mod draw;
pub mod report_year;
pub mod year;
pub use draw::{buffer_text, draw};
pub mod home;
// Not every test binary starts programs.
#[allow(unused_imports)]
pub use home::{at_home, knotless, knotless_pty};
use knotless::library::Library;
use knotless::model::config::ThemeName;
use knotless::model::routine::{Pattern, Phase, PhaseKind, Source};
use knotless::store::paths::Paths;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Tests that start child processes hold [`spawning`] while they do; tests that depend on
/// which process holds a file lock hold [`alone`]. Between fork and exec a child holds copies
/// of all the parent's open files, so a lock another test thread just released can look
/// held for a moment while any test in the binary starts a process.
static PROCESSES: std::sync::RwLock<()> = std::sync::RwLock::new(());

pub fn spawning() -> std::sync::RwLockReadGuard<'static, ()> {
    PROCESSES.read().unwrap_or_else(|e| e.into_inner())
}

pub fn alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    PROCESSES.write().unwrap_or_else(|e| e.into_inner())
}

/// A breathing pattern from its phases, each a kind and a length in milliseconds.
pub fn pattern(id: &str, phases: &[(PhaseKind, u64)]) -> Pattern {
    Pattern {
        id: id.into(),
        description: None,
        phases: phases
            .iter()
            .map(|&(kind, ms)| Phase {
                kind,
                length: std::time::Duration::from_millis(ms),
                label: None,
            })
            .collect(),
        source: Source::Bundled,
    }
}

/// "Today" for every screen test: Tuesday 24 November 2026, 10:00 in London.
/// A routine of one 10 s step, for a session that ends soon.
pub const SHORT_ONE: &str = r#"
name = "Short one"
area = "neck"
breathing = "extended-exhale"

[[steps]]
title = "Only step"
duration = "10s"
instructions = "Breathe."
"#;

pub fn fixed_now() -> jiff::Zoned {
    "2026-11-24T10:00:00[Europe/London]".parse().unwrap()
}

pub struct TestApp {
    pub app: App,
    pub t0: Instant,
    pub config: tempfile::TempDir,
    pub data: tempfile::TempDir,
    /// This "machine's" state folder: in-progress snapshots, theme and mute.
    pub state: tempfile::TempDir,
}

/// What an app starts from in the tests: the library in `config`, the history in `data`,
/// this machine's state in `state`, this theme, no sound (`--quiet`) and the fixed "today".
pub fn init_with(
    config: &tempfile::TempDir,
    data: &tempfile::TempDir,
    state: &tempfile::TempDir,
    theme: ThemeName,
) -> Init {
    let lib = Library::load(Some(config.path()));
    let paths = Paths {
        config: Some(config.path().to_path_buf()),
        data: Some(data.path().to_path_buf()),
        state: Some(state.path().to_path_buf()),
    };
    let flags = knotless::model::settings::Flags {
        quiet: true,
        ..Default::default()
    };
    let mut init = Init::new(lib, paths, flags);
    init.theme = Some(theme);
    init.wall = fixed_now;
    init
}

impl TestApp {
    /// The app on its home screen (or on `first` when given).
    pub fn new(theme: ThemeName, first: Option<Route>) -> TestApp {
        TestApp::build(theme, &[], first)
    }

    /// Like `new`, with extra routine files in the user's config directory.
    pub fn with_routines(theme: ThemeName, files: &[(&str, &str)]) -> TestApp {
        TestApp::build(theme, files, None)
    }

    fn build(theme: ThemeName, files: &[(&str, &str)], first: Option<Route>) -> TestApp {
        let config = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        if !files.is_empty() {
            std::fs::create_dir(config.path().join("routines")).unwrap();
        }
        for (name, text) in files {
            std::fs::write(config.path().join("routines").join(name), text).unwrap();
        }
        let init = init_with(&config, &data, &state, theme);
        assert!(init.lib.problems.is_empty(), "{:?}", init.lib.problems);
        let t0 = Instant::now();
        let mut app = App::new(init, first.unwrap_or(Route::Home), t0);
        app.settle_reads();
        TestApp {
            app,
            t0,
            config,
            data,
            state,
        }
    }

    /// A wake-up at `ms` with no key (the loop's deadline passed).
    pub fn tick(&mut self, ms: u64) {
        let now = self.at(ms);
        self.app.tick(now);
        self.app.settle_reads();
    }

    pub fn at(&self, ms: u64) -> Instant {
        self.t0 + std::time::Duration::from_millis(ms)
    }

    /// Sends keys: single characters, or names like "Enter", "Esc", "Down", "Up", "Left",
    /// "Right", "Space", "PageDown", "PageUp", "End", "Home", "C-c".
    /// What a screen opened by a key reads from the history is read before the next key,
    /// as if it took no time (`reading_screens` in screens_review.rs looks at the wait).
    pub fn keys(&mut self, ms: u64, keys: &[&str]) {
        let now = self.at(ms);
        for k in keys {
            self.app.handle_key(key(k), now);
            self.app.settle_reads();
        }
    }

    pub fn screen(&mut self, w: u16, h: u16, ms: u64) -> String {
        buffer_text(&self.buffer(w, h, ms))
    }

    /// Lays the screen out for the size and draws it.
    pub fn buffer(&mut self, w: u16, h: u16, ms: u64) -> Buffer {
        let at = self.at(ms);
        draw(&mut self.app, w, h, at)
    }
}

pub fn key(name: &str) -> KeyEvent {
    let code = match name {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Down" => KeyCode::Down,
        "Up" => KeyCode::Up,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "Space" => KeyCode::Char(' '),
        "Backspace" => KeyCode::Backspace,
        "Tab" => KeyCode::Tab,
        "BackTab" => KeyCode::BackTab,
        "PageDown" => KeyCode::PageDown,
        "PageUp" => KeyCode::PageUp,
        "End" => KeyCode::End,
        "Home" => KeyCode::Home,
        "C-c" => return KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        s if s.chars().count() == 1 => KeyCode::Char(s.chars().next().unwrap()),
        other => panic!("unknown test key {other}"),
    };
    KeyEvent::new(code, KeyModifiers::NONE)
}

// ---- record builders ----

use knotless::model::record::{Kind, Outcome, SessionRecord, StepRecord, StepStatus, VERSION};
use knotless::model::routine::Side;

/// A routine session starting at `started_at` (RFC 3339), `active_secs` long.
pub fn rec(
    id: &str,
    started_at: &str,
    routine_id: &str,
    area: &str,
    active_secs: f64,
) -> SessionRecord {
    let start: jiff::Timestamp = started_at.parse().expect("test times are RFC 3339");
    let end = start + jiff::SignedDuration::from_secs_f64(active_secs + 10.0);
    let offset = &started_at[started_at.len() - 6..];
    let tz = if offset.starts_with(['+', '-']) {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let h: i32 = offset[1..3].parse().unwrap();
        let m: i32 = offset[4..6].parse().unwrap();
        let secs = sign * (h * 3600 + m * 60);
        jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(secs).unwrap())
    } else {
        jiff::tz::TimeZone::UTC
    };
    SessionRecord {
        v: VERSION,
        id: id.to_string(),
        kind: if area == "breathing" {
            Kind::Breathing
        } else {
            Kind::Routine
        },
        routine_id: routine_id.to_string(),
        title: format!("Title of {routine_id}"),
        area: area.to_string(),
        started_at: started_at.parse().expect("test times are RFC 3339"),
        ended_at: knotless::model::record::Stamp::new(end, &tz),
        planned_secs: active_secs,
        active_secs,
        paused_secs: 10.0,
        outcome: Outcome::Completed,
        steps: vec![
            StepRecord {
                title: "Settle and breathe".into(),
                side: None,
                planned_secs: active_secs / 2.0,
                active_secs: active_secs / 2.0,
                status: StepStatus::Done,
            },
            StepRecord {
                title: "Upper trapezius squeeze".into(),
                side: Some(Side::Left),
                planned_secs: active_secs / 2.0,
                active_secs: active_secs / 2.0,
                status: StepStatus::Done,
            },
        ],
        pain_before: None,
        pain_after: None,
        note: None,
        migraine_before: false,
    }
}

pub fn with_pain(mut r: SessionRecord, before: Option<u8>, after: Option<u8>) -> SessionRecord {
    r.pain_before = before;
    r.pain_after = after;
    r
}

pub fn external(id: &str, started_at: &str, what: &str, minutes: f64) -> SessionRecord {
    let mut r = rec(
        id,
        started_at,
        &what.to_lowercase().replace(' ', "-"),
        "external",
        minutes * 60.0,
    );
    r.kind = Kind::External;
    r.title = what.to_string();
    r.steps.clear();
    r
}

pub fn line(r: &SessionRecord) -> String {
    serde_json::to_string(r).unwrap() + "\n"
}
