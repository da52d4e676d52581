//! The seven C math functions knotless calls, from the `libm` crate instead of the system's
//! `libm.so`.
//!
//! Rust's `f64::cos` and the like become calls to the C library's `cos`. Defined here, the
//! linker resolves them in our own binary, and `libm.so.6` is never loaded: about half a
//! megabyte less resident memory, and one library less to map and relocate at start-up.
//! The `no_libm_is_loaded` test reads the binary's needed libraries, so a new call to a
//! function missing here (it would bring `libm.so.6` back) fails the suite; add it below.

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
