//! The seven C math functions knotless calls, from the `libm` crate instead of the C
//! library's.
//!
//! Rust's `f64::cos` and the like become calls to the C library's `cos`. Defined here, the
//! linker resolves them in our own binary. A build linked against the shared C library (as
//! `cargo install` from the registry makes, which does not read this repository's
//! .cargo/config.toml) never loads `libm.so.6`: about half a megabyte less resident
//! memory, and one library less to map and relocate at start-up. The repository's own
//! builds are static (.cargo/config.toml), and take these instead of glibc's variants.
//! Add a function here when the binary starts calling another one (`nm --undefined-only`
//! on a dynamically linked build names it).

macro_rules! from_libm {
    ($($name:ident($($arg:ident),+);)+) => {$(
        #[unsafe(no_mangle)]
        pub extern "C" fn $name($($arg: f64),+) -> f64 {
            libm::$name($($arg),+)
        }
    )+};
}

from_libm! {
    acos(x);
    cos(x);
    exp(x);
    log10(x);
    pow(x, y);
    sin(x);
    tan(x);
}
