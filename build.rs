//! Compiles the bundled routines, patterns and drawings into the binary, so an installed
//! `knotless` works from any directory. Generates a table of `include_str!`s from the
//! files in `routines/` and `assets/art/`.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

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
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("bundled.rs");
    fs::write(out, src).unwrap();
    hot_text();
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
