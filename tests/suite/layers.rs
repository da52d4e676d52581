//! The architecture, checked by reading the sources: the folders under `src/` are layers,
//! and imports run one way, downward (CONTRIBUTING.md, "How the code is laid out"). Screens and
//! widgets never touch the store or the app; the pure core imports nothing above the
//! model. A new folder must be given its place here before anything can import it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each layer and the layers it may import (itself always).
const LAYERS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("core", &["model"]),
    ("files", &["model", "core"]),
    ("library", &["model", "core", "files"]),
    ("store", &["model", "core", "files"]),
    ("audio", &["model", "core", "files", "store"]),
    ("hooks", &["model", "core"]),
    ("ui", &["model", "core"]),
    ("screens", &["model", "core", "library", "ui"]),
    (
        "app",
        &[
            "model", "core", "files", "library", "store", "audio", "hooks", "ui", "screens",
        ],
    ),
    (
        "cli",
        &[
            "model", "core", "files", "library", "store", "audio", "hooks", "ui", "screens", "app",
        ],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files of each layer (the folder right under `src/`), by layer name.
fn layers() -> BTreeMap<String, Vec<PathBuf>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let mut files = Vec::new();
            rust_files(&path, &mut files);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, files);
        }
    }
    out
}

/// The top-level modules a source file names through `crate::`, including the ones in a
/// grouped `use crate::{a::b, c}`. Comments are left out.
fn crate_imports(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each top-level item.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            found.push(first_segment(&item));
        } else {
            found.push(first_segment(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

fn first_segment(s: &str) -> String {
    s.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_folder_is_a_known_layer() {
    for name in layers().keys() {
        assert!(
            LAYERS.iter().any(|(l, _)| l == name),
            "src/{name}/ is not in the layer table of tests/suite/layers.rs: give it its place"
        );
    }
}

#[test]
fn imports_run_one_way_down() {
    let known: Vec<&str> = LAYERS.iter().map(|(l, _)| *l).collect();
    let mut wrong = Vec::new();
    for (layer, files) in layers() {
        let Some((_, allowed)) = LAYERS.iter().find(|(l, _)| *l == layer) else {
            continue;
        };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for m in crate_imports(&text) {
                if m != layer && known.contains(&m.as_str()) && !allowed.contains(&m.as_str()) {
                    wrong.push(format!("{} imports crate::{m}", relative(&file)));
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "imports that run against the layers:\n{}",
        wrong.join("\n")
    );
}

/// The table has no circle, so "one way" means something.
#[test]
fn the_layer_table_has_no_circle() {
    for (i, (layer, allowed)) in LAYERS.iter().enumerate() {
        for dep in *allowed {
            let j = LAYERS.iter().position(|(l, _)| l == dep).unwrap();
            assert!(j < i, "{layer} may import {dep}, which is not below it");
        }
    }
}

/// The checker itself finds a wrong import, grouped or not.
#[test]
fn the_import_reader_sees_grouped_and_plain_paths() {
    let text = "use crate::store::history;\nuse crate::{app::App, model::{record, day}};\n\
                // crate::cli in a comment\nlet x = crate::ui::fit(a, 3);";
    assert_eq!(crate_imports(text), ["store", "app", "model", "ui"]);
}

/// Drawing changes nothing, and screens and widgets are compared by value, never by the
/// words they show.
#[test]
fn screens_and_widgets_keep_no_hidden_state_and_compare_no_labels() {
    let banned = [
        ("Cell<", "interior mutability written during render"),
        ("RefCell", "interior mutability written during render"),
        (".title() ==", "a screen compared by its title"),
        (".title() !=", "a screen compared by its title"),
        (".keys ==", "a key compared by its label"),
        (".keys !=", "a key compared by its label"),
        ("message.starts_with", "a warning compared by its text"),
    ];
    let mut found = Vec::new();
    let layers = layers();
    for layer in ["screens", "ui", "app"] {
        for file in layers.get(layer).into_iter().flatten() {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                for (needle, why) in banned {
                    if line.contains(needle) {
                        found.push(format!("{}:{}: {why}", relative(file), n + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Screens and widgets never read the clock: the app hands them `now` (an `Instant`) and
/// `ctx.now` (the wall clock, read once per key, wake-up or frame).
#[test]
fn screens_and_widgets_read_no_clock() {
    let mut found = Vec::new();
    let layers = layers();
    for layer in ["screens", "ui"] {
        for file in layers.get(layer).into_iter().flatten() {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                for clock in ["Instant::now", "SystemTime", "Zoned::now", "Timestamp::now"] {
                    if line.contains(clock) {
                        found.push(format!("{}:{}: {clock}", relative(file), n + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// A breathing pattern is known by its id only in the content rules.
#[test]
fn patterns_are_compared_by_id_only_in_the_content_rules() {
    let mut found = Vec::new();
    for (layer, files) in layers() {
        if layer == "core" || layer == "library" {
            continue;
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.contains(".id == \"") || line.contains(".id != \"") {
                    found.push(format!("{}:{}", relative(&file), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "ids compared as strings:\n{}",
        found.join("\n")
    );
}

/// The calls that open a file or read the local time zone (which reads `$TZ`'s file or
/// `/etc/localtime`).
const FILE_CALLS: &[&str] = &[
    "fs::read(",
    "fs::read_to_string(",
    "fs::write(",
    "File::open(",
    "File::create(",
    "OpenOptions::new(",
    "Zoned::now(",
    "TimeZone::system(",
];

/// Where a source file makes one of [`FILE_CALLS`] (line number, call): outside comments
/// and before its tests (a `#[cfg(test)]` module, at the end of a file).
fn file_calls(text: &str) -> Vec<(usize, &'static str)> {
    let code = ["#[cfg(test)]", "#[cfg(all(test"]
        .iter()
        .fold(text, |code, tests| code.split(tests).next().unwrap_or(""));
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
        for call in FILE_CALLS {
            if line.contains(call) {
                found.push((n + 1, *call));
            }
        }
    }
    found
}

/// Every file knotless reads or writes goes through `src/files/` (opened without blocking,
/// regular files only, read with a cap, written atomically without following a planted
/// link), and so does every reading of the clock in the local time zone (`TZ` and
/// `/etc/localtime` are files too: a FIFO there hung the nudge, `TZ=:/dev/zero` grew
/// memory without end). Listing a folder (`read_dir`) is not reading a file.
#[test]
fn files_are_opened_only_in_the_files_layer() {
    let mut found = Vec::new();
    for (layer, files) in layers() {
        if layer == "files" {
            continue;
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, call) in file_calls(&text) {
                found.push(format!("{}:{n}: {call}", relative(&file)));
            }
        }
    }
    assert!(
        found.is_empty(),
        "files opened (or the zone read) outside src/files/:\n{}",
        found.join("\n")
    );
}

/// The finder sees a call, and leaves comments and tests alone.
#[test]
fn the_file_call_finder_sees_calls_not_comments_or_tests() {
    let text = "let z = jiff::Zoned::now();\nlet x = std::fs::read(p); // File::open( here\n\
                #[cfg(test)]\nmod tests { fn t() { std::fs::write(p, b); } }";
    assert_eq!(file_calls(text), [(1, "Zoned::now("), (2, "fs::read(")]);
}
