//! The crate as `cargo publish` would upload it: small, with everything knotless needs to
//! build and run (the bundled routines and drawings, the routine format page that
//! `knotless man` compiles in, the licence), and none of the tests' fixtures, benchmarks,
//! examples, scripts or CI.

use std::path::Path;
use std::process::Command;

use crate::text;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// A published crate must stay well under crates.io's limit; this one is text.
const MAX_CRATE_BYTES: u64 = 1_000_000;

fn cargo(args: &[&str], target: &Path) -> std::process::Output {
    let _g = crate::common::spawning();
    Command::new(env!("CARGO"))
        .args(args)
        // A working copy with changes not yet committed is still packaged as it is; CI
        // packages a clean checkout.
        .args(["--allow-dirty", "--offline", "--target-dir"])
        .arg(target)
        .current_dir(ROOT)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap()
}

/// The files of a folder of the repository, as the package lists them.
fn files_in(dir: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .unwrap()
        .map(|e| format!("{dir}/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    out.sort();
    out
}

#[test]
fn the_package_holds_what_knotless_needs_and_nothing_else() {
    let target = tempfile::tempdir().unwrap();
    let out = cargo(&["package", "--list"], target.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = text(&out.stdout);
    let files: Vec<&str> = list.lines().collect();
    let mut must: Vec<String> = [
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "build.rs",
        "src/main.rs",
        "docs/routine-format.md",
        // How release builds lay out the code (build.rs).
        "link/hot-text.ld",
    ]
    .map(String::from)
    .to_vec();
    must.extend(files_in("routines"));
    must.extend(files_in("assets/art"));
    for file in &must {
        assert!(
            files.contains(&file.as_str()),
            "{file} is not in the package"
        );
    }
    // Only what builds and documents knotless: a new folder must be chosen on purpose.
    let top = [
        "Cargo.toml",
        "Cargo.toml.orig",
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "CONTRIBUTING.md",
        "build.rs",
        ".cargo_vcs_info.json",
    ];
    let strays: Vec<&&str> = files
        .iter()
        .filter(|f| {
            !(top.contains(*f)
                || ["src/", "routines/", "assets/", "docs/", "link/"]
                    .iter()
                    .any(|d| f.starts_with(d)))
        })
        .collect();
    assert!(strays.is_empty(), "not meant for the package: {strays:?}");

    let out = cargo(&["package", "--no-verify"], target.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let krate = target.path().join(format!(
        "package/knotless-{}.crate",
        env!("CARGO_PKG_VERSION")
    ));
    let size = std::fs::metadata(&krate).unwrap().len();
    assert!(
        size < MAX_CRATE_BYTES,
        "the crate is {size} bytes compressed"
    );
}
