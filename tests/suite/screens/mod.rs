//! Every screen on its own, from a made-up `Ctx` (`tests/common/ctx.rs`: a small library,
//! a theme, the fixed "today"): what its keys answer (`update` → where to go and what to
//! do) and how it draws (`layout` + `render` into a TestBackend, as snapshots), with no
//! app, no temp folder and no file read. One file per screen; the whole-app tests in
//! `screens_*.rs` and `app_*.rs` are for the flows between screens.

mod before;
mod breathe;
mod finish;
mod first_run;
mod history;
mod home;
mod player;
mod stats;
