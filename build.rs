//! Compiles the bundled routines, patterns and drawings into the binary, so an installed
//! `knotless` works from any directory. Generates a table of `include_str!`s from the
//! files in `routines/` and `assets/art/`, and reads the routines and patterns with the
//! library's own reader (`src/library/read/`, compiled into this script too): a bundled
//! routine with a problem stops the build with the problem at its line, and the program
//! gets the routines as read, so starting up parses none of them.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::{env, fs};

// The reader and the part of the model it makes, as the crate has them. What the crate
// uses of them and this script does not is left unused here.
#[allow(dead_code, unused_imports)]
#[path = "src/model/format.rs"]
mod model_format;
#[allow(dead_code, unused_imports)]
#[path = "src/model/routine.rs"]
mod model_routine;
#[allow(dead_code, unused_imports)]
#[path = "src/model/text.rs"]
mod model_text;
#[allow(dead_code, unused_imports)]
#[path = "src/library/read/mod.rs"]
mod read;
/// The paths the reader names them by (`crate::model::routine`).
mod model {
    pub(crate) use super::model_format as format;
    pub(crate) use super::model_routine as routine;
    pub(crate) use super::model_text as text;
}

fn list(dir: &str, ext: &str) -> Vec<(String, String)> {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(&root) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().and_then(|x| x.to_str()) == Some(ext) {
                println!("cargo:rerun-if-changed={}", p.display());
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                out.push((stem, p.display().to_string()));
            }
        }
    }
    out.sort();
    out
}

fn table(name: &str, items: &[(String, String)]) -> String {
    let mut s = format!("pub static {name}: &[(&str, &str)] = &[\n");
    for (stem, path) in items {
        writeln!(s, "    ({stem:?}, include_str!({path:?})),").unwrap();
    }
    s.push_str("];\n");
    s
}

fn main() {
    let routines = list("routines", "toml");
    let art = list("assets/art", "txt");
    let mut src = String::new();
    src.push_str(&table("ROUTINE_FILES", &routines));
    src.push_str(&table("ART_FILES", &art));
    let out_dir = Path::new(&env::var("OUT_DIR").unwrap()).to_path_buf();
    let library = out_dir.join("library.postcard");
    if !read_library(&routines, &art, &library) {
        return;
    }
    writeln!(
        src,
        "pub static LIBRARY: &[u8] = include_bytes!({:?});",
        library.display().to_string()
    )
    .unwrap();
    fs::write(out_dir.join("bundled.rs"), src).unwrap();
    static_libc();
    hot_text();
}

/// Reads the bundled routines and patterns as the library reads a user's files, and writes
/// what it made of them to `out` for the program to take as it is. False, with each
/// problem reported as a build error, when a file has one.
fn read_library(routines: &[(String, String)], art: &[(String, String)], out: &Path) -> bool {
    let texts = |items: &[(String, String)]| -> Vec<(String, String)> {
        let text =
            |path: &String| fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        items
            .iter()
            .map(|(stem, path)| (stem.clone(), text(path)))
            .collect()
    };
    let (routines, art) = (texts(routines), texts(art));
    fn refs(items: &[(String, String)]) -> Vec<(&str, &str)> {
        items
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect()
    }
    match read::read_bundled(&refs(&routines), &refs(&art)) {
        Ok(bundled) => {
            fs::write(out, postcard::to_allocvec(&bundled.compact()).unwrap()).unwrap();
            true
        }
        Err(problems) => {
            for p in problems {
                let hint = p
                    .hint
                    .as_ref()
                    .map(|h| format!(" (hint: {h})"))
                    .unwrap_or_default();
                println!("cargo::error={}{hint}", p.headline());
            }
            false
        }
    }
}

/// Builds on Linux with glibc link the C library into the binary (.cargo/config.toml). On a
/// machine without glibc's static library (Fedora and openSUSE package it apart) the link
/// would fail with "cannot find -lc": this says why, and what to do, before it gets there.
fn static_libc() {
    let features = env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("gnu")
        || !features.split(',').any(|f| f == "crt-static")
    {
        return;
    }
    let cc = env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".into());
    // No compiler to ask: the link will say what is missing.
    let Ok(out) = Command::new(&cc).arg("-print-file-name=libc.a").output() else {
        return;
    };
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if Path::new(&found).is_absolute() && Path::new(&found).is_file() {
        return;
    }
    eprintln!(
        "knotless links the C library into its binary on Linux (a megabyte less memory), and \
         this machine has no static C library (libc.a, which `{cc} -print-file-name=libc.a` \
         does not find).\n\
         Install it (Fedora: `sudo dnf install glibc-static`; openSUSE: `sudo zypper install \
         glibc-devel-static`), or build against the shared C library:\n    \
         RUSTFLAGS='-C symbol-mangling-version=v0' cargo run --release"
    );
    std::process::exit(1);
}

/// Release builds on Linux lay the code knotless runs when it starts, on home, while a step
/// counts and during a breathing exercise side by side (`link/hot-text.ld`, written by
/// `scripts/hot-text`). Linux maps a program's code 64 KiB around each page it first
/// touches, so code that runs together costs fewer resident pages: about 1.5 MiB less.
fn hot_text() {
    let release = env::var("PROFILE").as_deref() == Ok("release");
    let linux = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    let script = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("link/hot-text.ld");
    println!("cargo:rerun-if-changed={}", script.display());
    if release && linux && script.is_file() {
        // Two arguments, so a path with a comma in it reaches the linker whole.
        println!("cargo:rustc-link-arg-bins=-T");
        println!("cargo:rustc-link-arg-bins={}", script.display());
    }
}
