//! What the built binary needs from the system when it starts.

use std::process::Command;

use crate::common::home::BIN;
use crate::text;

/// The libraries the dynamic loader maps for the binary, without running it (glibc's loader
/// lists them and exits when `LD_TRACE_LOADED_OBJECTS` is set, as `ldd` does).
fn loaded_libraries() -> String {
    let out = Command::new(BIN)
        .env("LD_TRACE_LOADED_OBJECTS", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// The math functions come from the `libm` crate (src/c_math.rs): the system's libm is not
/// mapped, half a megabyte less resident. A call to a C math function that file does not
/// define brings it back.
#[test]
fn no_libm_is_loaded() {
    let libs = loaded_libraries();
    assert!(
        libs.contains("libc.so"),
        "the loader's list looks wrong:\n{libs}"
    );
    assert!(
        !libs.contains("libm.so"),
        "libm.so is loaded again: a C math function is called that src/c_math.rs does not \
         define (`nm -D --undefined-only` on the binary names it):\n{libs}"
    );
}
