//! Loading the library, the first thing every start-up does (PRODUCT.md section 7: the home
//! screen within 50 ms): the bundled routines and patterns as the build read them, alone and
//! with a user config dir holding a config file, a drawing and a few routines; and reading
//! the bundled files themselves with the reader, as the build does (and as start-up did).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use knotless::library::{Library, read_bundled};

const CONFIG: &str = r#"
theme = "dim"
get_ready = "3s"
weekly_goal = 4
"#;

const ART: &str = "  .--.\n /    \\\n|  ()  |\n \\    /\n  '--'\n";

/// A user routine in the shape of the bundled ones; `n` makes each one distinct.
fn routine(n: usize) -> String {
    format!(
        r#"
name = "My routine {n}"
area = "neck"
summary = "A user routine for the benchmark."
equipment = ["a chair"]
cautions = ["Never press the front of the neck."]
breathing = "extended-exhale"
transition = "5s"

[[steps]]
title = "Settle and breathe"
breaths = 4
breathing = "relaxed"
instructions = "Sit back, feet flat, hands in your lap. Breathe in and out through your nose."
cue = "Belly rises as you breathe in."

[[steps]]
title = "Suboccipital hold"
duration = "90s"
instructions = "Hook the fingertips of both hands under the base of your skull."
cue = "Let your head sink onto your fingers as you breathe out."
pressure = "3-4"
caution = "Stop if you feel dizzy or tingly."
art = "mine"

[[steps]]
title = "Shoulder squeeze"
duration = "1m"
sides = "both"
switch_cue = "Now the other shoulder."
pressure = "4-6"
instructions = "Reach across and grasp the top of the shoulder between thumb and fingers."
"#
    )
}

fn benches(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("config.toml"), CONFIG).unwrap();
    std::fs::create_dir(dir.join("art")).unwrap();
    std::fs::write(dir.join("art").join("mine.txt"), ART).unwrap();
    std::fs::create_dir(dir.join("routines")).unwrap();
    for n in 0..4 {
        std::fs::write(
            dir.join("routines").join(format!("mine-{n}.toml")),
            routine(n),
        )
        .unwrap();
    }
    let bundled = Library::load(None);
    let with_user = Library::load(Some(dir));
    assert!(with_user.problems.is_empty(), "{:?}", with_user.problems);
    assert_eq!(with_user.routines.len(), bundled.routines.len() + 4);
    eprintln!(
        "{} bundled routines, {} patterns, {} drawings",
        bundled.routines.len(),
        bundled.patterns.len(),
        bundled.art.len()
    );

    let mut group = c.benchmark_group("library");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("load_bundled", |b| {
        b.iter(|| black_box(Library::load(None)))
    });
    group.bench_function("load_bundled_and_user_dir", |b| {
        b.iter(|| black_box(Library::load(Some(dir))))
    });
    let routines = texts("routines", "toml");
    let art = texts("assets/art", "txt");
    fn refs(t: &[(String, String)]) -> Vec<(&str, &str)> {
        t.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
    }
    let (routines, art) = (refs(&routines), refs(&art));
    group.bench_function("read_bundled_files", |b| {
        b.iter(|| black_box(read_bundled(&routines, &art).unwrap()))
    });
    group.finish();
}

/// The files in the crate's `dir` ending in `.ext`, by stem.
fn texts(dir: &str, ext: &str) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

criterion_group!(library_benches, benches);
criterion_main!(library_benches);
