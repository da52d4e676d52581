//! The screen app and plain mode are two ways of showing one run: the same routine, run
//! through each with made-up instants, asks the shared performers for the same effects in
//! the same order — the snapshots, the hooks, the final record.

use std::collections::VecDeque;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::common::{self, TestApp};
use knotless::app::perform::Performers;
use knotless::app::plain::{Clock, Plain};
use knotless::app::session::What;
use knotless::core::effect::{AppEffect, Effect, SoundEffect, StoreEffect};
use knotless::model::config::ThemeName;
use knotless::model::settings::{Flags, Settings};
use ratatui::crossterm::event::KeyEvent;

/// No pacer, so both front ends wake at the same instants (each countdown second).
const ROUTINE: &str = r#"
name = "Both ways"
area = "neck"
summary = "Two short steps, one on both sides."
breathing = "none"
transition = "2s"

[[steps]]
title = "Settle"
duration = "4s"
instructions = "Sit back."

[[steps]]
title = "Side bend"
duration = "3s"
sides = "both"
instructions = "Tilt an ear toward the shoulder."
"#;

/// Every hook event has a command, so every hook effect shows.
const CONFIG: &str = r#"
get_ready = "2s"
ask_ratings = false
[hooks]
session_start = "true"
step_start = "true"
side_switch = "true"
session_end = "true"
"#;

/// An effect as it can be compared across two runs: what it is, without record ids and
/// wall-clock times.
fn kind(e: &Effect) -> String {
    match e {
        Effect::Store(StoreEffect::Checkpoint(r)) => format!("checkpoint {:.1}s", r.active_secs),
        Effect::Store(StoreEffect::Save(r)) => {
            format!("save {} {:.1}s", r.outcome.as_str(), r.active_secs)
        }
        Effect::Store(other) => format!("store {other:?}"),
        Effect::Sound(SoundEffect::Cue(t)) => format!("cue {:?}", t.cue),
        Effect::Sound(other) => format!("sound {other:?}"),
        Effect::Hook(call) => format!("hook {}", call.event.as_str()),
        Effect::App(AppEffect::Status(s)) => format!("status {s}"),
        Effect::App(other) => format!("app {other:?}"),
    }
}

/// Made-up time for plain mode: each wait passes at once; no keys.
struct Scripted {
    now: Instant,
    keys: VecDeque<(Instant, KeyEvent)>,
}

impl Clock for Scripted {
    fn now(&mut self) -> Instant {
        self.now
    }
    fn wall(&mut self) -> jiff::Zoned {
        common::fixed_now()
    }
    fn wait(&mut self, wait: Duration) -> std::io::Result<Option<KeyEvent>> {
        match self.keys.front() {
            Some(&(at, key)) if at <= self.now + wait => {
                self.keys.pop_front();
                self.now = self.now.max(at);
                Ok(Some(key))
            }
            _ => {
                self.now += wait;
                Ok(None)
            }
        }
    }
    fn sleep(&mut self, wait: Duration) {
        self.now += wait;
    }
    fn keys(&self) -> bool {
        false
    }
    fn raw(&self) -> bool {
        false
    }
}

#[test]
fn the_app_and_plain_mode_perform_the_same_effects() {
    let _spawning = common::spawning();
    // The app: pick the routine, start it, and wake at each deadline until it ends.
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("both-ways.toml", ROUTINE)]);
    std::fs::write(t.config.path().join("config.toml"), CONFIG).unwrap();
    t.app.reload_files();
    t.app.performers_mut().keep_journal();
    t.keys(0, &["/", "b", "o", "t", "h", "Enter", "Enter", "Enter"]);
    assert_eq!(t.app.screen().title(), "Player");
    let mut now = t.t0;
    while t.app.screen().title() == "Player" {
        now = t.app.deadline(now).expect("a running session wakes up");
        t.app.tick(now);
    }
    let app: Vec<String> = t.app.performers_mut().journal().iter().map(kind).collect();

    // Plain mode: the same routine and settings, its own data folder.
    let lib = t.app.lib().clone();
    let routine = lib.routine("both-ways").unwrap().clone();
    let settings = Settings::new(
        &lib.config,
        Flags {
            quiet: true,
            ..Flags::default()
        },
    );
    let (data, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let paths = knotless::store::paths::Paths {
        config: None,
        data: Some(data.path().to_path_buf()),
        state: Some(state.path().to_path_buf()),
    };
    let mut perform = Performers::new(paths, &settings, false);
    perform.keep_journal();
    let mut plain = Plain::new(Vec::new(), false);
    let mut clock = Scripted {
        now: Instant::now(),
        keys: VecDeque::new(),
    };
    let ended = plain
        .run(
            &lib,
            &settings,
            &mut perform,
            What::Routine(&routine),
            None,
            &mut clock,
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!(ended.problem, None);
    let plain_effects: Vec<String> = perform.journal().iter().map(kind).collect();

    assert_eq!(app, plain_effects);
    // And the run really was whole: started, every stage, saved once as completed.
    assert_eq!(
        app.first().map(String::as_str),
        Some("checkpoint 0.0s"),
        "{app:?}"
    );
    assert_eq!(app.iter().filter(|k| k.starts_with("save")).count(), 1);
    assert!(app.iter().any(|k| k == "save completed 10.0s"), "{app:?}");
    for hook in ["session_start", "step_start", "side_switch", "session_end"] {
        assert!(app.contains(&format!("hook {hook}")), "{hook}: {app:?}");
    }
    let text = String::from_utf8(plain.into_inner()).unwrap();
    assert!(text.contains("Step 2/2 · Side bend · LEFT"), "{text}");
    assert!(text.contains("Saved to your history."), "{text}");
}
