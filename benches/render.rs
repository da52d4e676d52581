//! Drawing each screen once into an 80×24 TestBackend, as the event loop does on every
//! wake-up: the cost of one frame, which (with how often the loop wakes) decides the CPU
//! figure in PRODUCT.md section 7. History and Stats are drawn over a 10,000-session
//! history, History scrolled to its middle.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use knotless::app::{App, Init, Route};
use knotless::library::Library;
use knotless::model::config::ThemeName;
use knotless::model::routine::Length;
use knotless::model::settings::Flags;
use knotless::store::paths::Paths;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const W: u16 = 80;
const H: u16 = 24;

/// A routine whose step has a pacer, a pressure, a caution and a drawing: the busiest
/// player screen.
const FIXTURE: &str = r#"
name = "Bench neck"
area = "neck"
breathing = "extended-exhale"
transition = "4s"
cautions = ["Never press the front of the neck."]

[[steps]]
title = "Suboccipital hold"
duration = "20s"
instructions = "Hook your fingertips under the base of the skull, either side of the spine."
cue = "Let your head sink onto your fingers as you breathe out."
pressure = "3-4"
caution = "Stop if you feel dizzy, tingling or a worse headache."
art = "suboccipitals"
"#;

struct Fixture {
    _config: tempfile::TempDir,
    _data: tempfile::TempDir,
    state: tempfile::TempDir,
    t0: Instant,
    config: std::path::PathBuf,
    data: std::path::PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let config = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        std::fs::create_dir(config.path().join("routines")).unwrap();
        std::fs::write(config.path().join("routines/bench-neck.toml"), FIXTURE).unwrap();
        Fixture {
            config: config.path().to_path_buf(),
            data: data.path().to_path_buf(),
            _config: config,
            _data: data,
            state: tempfile::tempdir().unwrap(),
            t0: Instant::now(),
        }
    }

    fn init(&self) -> Init {
        let mut lib = Library::load(Some(&self.config));
        assert!(lib.problems.is_empty(), "{:?}", lib.problems);
        lib.config.get_ready = Duration::ZERO;
        let paths = Paths {
            config: Some(self.config.clone()),
            data: Some(self.data.clone()),
            state: Some(self.state.path().to_path_buf()),
        };
        let flags = Flags {
            quiet: true,
            ..Flags::default()
        };
        let mut init = Init::new(lib, paths, flags);
        init.theme = Some(ThemeName::Calm);
        init
    }

    fn app(&self, first: impl FnOnce(&Library) -> Route) -> App {
        let init = self.init();
        let route = first(&init.lib);
        App::new(init, route, self.t0)
    }

    /// A history of `n` sessions, one every eight hours back from now.
    fn write_history(&self, n: u32) {
        let now = jiff::Timestamp::now();
        let mut out = String::new();
        for i in 0..n {
            let start = now - jiff::SignedDuration::from_hours(8 * i64::from(i) + 1);
            let end = start + jiff::SignedDuration::from_secs(400);
            out.push_str(&format!(
                concat!(
                    r#"{{"v":1,"id":"bench-{i}","kind":"routine","routine_id":"bench-neck","#,
                    r#""title":"Bench neck","area":"neck","started_at":"{start}","#,
                    r#""ended_at":"{end}","planned_secs":400.0,"active_secs":400.0,"#,
                    r#""paused_secs":0.0,"outcome":"completed","pain_before":6,"pain_after":3,"#,
                    r#""steps":[{{"title":"Suboccipital hold","planned_secs":400.0,"#,
                    r#""active_secs":400.0,"status":"done"}}]}}"#,
                    "\n"
                ),
                i = i,
                start = start,
                end = end,
            ));
        }
        std::fs::write(self.data.join("history.jsonl"), out).unwrap();
    }

    /// A year of "Headache today?" answers: a headache every third day, a migraine and
    /// medication every sixth, a day left unanswered now and then.
    fn write_days(&self) {
        let now = jiff::Zoned::now();
        let mut out = String::new();
        for back in 0..365i64 {
            if back % 11 == 5 {
                continue;
            }
            let date = now.date() - jiff::Span::new().days(back);
            let headache = back % 3 == 0;
            let migraine = back % 6 == 0;
            let meds = if migraine { r#","meds":"triptan""# } else { "" };
            out.push_str(&format!(
                concat!(
                    r#"{{"v":1,"date":"{date}","headache":{headache},"migraine":{migraine}"#,
                    r#"{meds},"answered_at":"{at}","machine":"bench"}}"#,
                    "\n"
                ),
                date = date,
                headache = headache,
                migraine = migraine,
                meds = meds,
                at = now.timestamp(),
            ));
        }
        std::fs::write(self.data.join("days-bench.jsonl"), out).unwrap();
    }

    fn at(&self, secs: f64) -> Instant {
        self.t0 + Duration::from_secs_f64(secs)
    }
}

fn press(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn routine(lib: &Library) -> knotless::model::routine::Routine {
    lib.routine("bench-neck").unwrap().clone()
}

fn benches(c: &mut Criterion) {
    let f = Fixture::new();
    let mut screens: Vec<(&str, App, Instant)> = Vec::new();

    let home = f.app(|_| Route::Home);
    screens.push(("home", home, f.t0));

    let mut help = f.app(|_| Route::Home);
    help.handle_key(press('?'), f.t0);
    assert!(help.help_open());
    screens.push(("help", help, f.t0));

    let first_run = f.app(|_| Route::Notice {
        review: false,
        then: None,
    });
    screens.push(("first_run", first_run, f.t0));

    let before = f.app(|env| Route::Before(routine(env)));
    screens.push(("before", before, f.t0));

    let player = f.app(|env| Route::Player {
        routine: routine(env),
        before: Default::default(),
    });
    screens.push(("player_pacer", player, f.at(7.3)));

    let breathing = f.app(|env| Route::Breathing {
        pattern: env.find_pattern("resonance").unwrap().clone(),
        length: Length::Time(Duration::from_secs(300)),
        pain_before: None,
    });
    screens.push(("breathing", breathing, f.at(10.4)));

    let setup = f.app(|_| Route::BreathingSetup);
    screens.push(("breathing_setup", setup, f.t0));

    let mut finish = f.app(|env| Route::Player {
        routine: routine(env),
        before: Default::default(),
    });
    finish.tick(f.at(21.0));
    assert_eq!(finish.screen().title(), "Finished");
    screens.push(("finish", finish, f.at(21.0)));

    f.write_days();
    f.write_history(10_000);
    let mut history = f.app(|_| Route::History {
        period: knotless::core::period::Period::All,
    });
    for _ in 0..500 {
        history.handle_key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE), f.t0);
    }
    screens.push(("history_10k", history, f.t0));
    let stats = f.app(|_| Route::Stats {
        period: Default::default(),
        view: Default::default(),
        heat_days: false,
    });
    screens.push(("stats_10k", stats, f.t0));

    let mut group = c.benchmark_group("render_80x24");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for (name, app, now) in &mut screens {
        let text = buffer_text(&draw(app, W, H, *now));
        assert!(text.trim().len() > 20, "{name} drew nothing:\n{text}");
        group.bench_function(*name, |b| b.iter(|| black_box(draw(app, W, H, *now))));
    }
    group.finish();
    open_stats(c, &f);
}

/// Opening the Stats screen from home (`s`, then `q` back) over 10,000 and 100,000
/// sessions and a year of day answers: the one read and the building of every view.
fn open_stats(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("open_stats");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    for n in [10_000u32, 100_000] {
        f.write_history(n);
        let mut app = f.app(|_| Route::Home);
        group.bench_function(format!("{}k", n / 1000), |b| {
            b.iter(|| {
                app.handle_key(press('s'), f.t0);
                assert_eq!(app.screen().title(), "Stats");
                app.handle_key(press('q'), f.t0);
            })
        });
    }
    group.finish();
}

#[path = "../tests/common/draw.rs"]
mod common_draw;
use common_draw::{buffer_text, draw};

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
