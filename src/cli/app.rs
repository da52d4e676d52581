//! Into the screen app: `knotless` with no command, and `run`/`breathe` at a terminal.

use crate::app::{App, Init, Route};
use crate::cli::args::Global;
use crate::cli::{CliError, Outcome};
use crate::library::Library;
use crate::model::config::ThemeName;
use crate::model::settings::Flags;
use crate::store::paths::Paths;

/// `knotless` with no command: home (behind the first-run notice if it was never
/// acknowledged).
pub fn open(g: &Global, paths: &Paths, recovered: Option<String>) -> Outcome {
    crate::app::tui::check_terminal()?;
    let mut init = init(g, paths, Library::load(paths.config_dir()));
    init.status = recovered;
    start(init, Route::Home)
}

/// The one way into the app: `first`, behind the first-run safety notice when it was
/// never acknowledged (the notice then goes on to `first`).
pub fn start(init: Init, first: Route) -> Outcome {
    let first = if !crate::store::state::notice_needed(init.paths.data.as_deref()) {
        first
    } else {
        Route::Notice {
            review: false,
            then: (!matches!(first, Route::Home)).then(|| Box::new(first)),
        }
    };
    let app = App::new(init, first, std::time::Instant::now());
    crate::app::tui::run(app, warm_up).map_err(CliError::Terminal)?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// Runs right after the first frame, and after each saved session, before the history's
/// figures are asked for.
fn warm_up(app: &mut App) {
    // Lets tests/e2e/tui.rs check that a panic gives the terminal back: it needs a real panic
    // in the real binary, mid-TUI. Debug builds only.
    #[cfg(debug_assertions)]
    if std::env::var_os("KNOTLESS_TEST_PANIC").is_some() {
        panic!("test panic (KNOTLESS_TEST_PANIC is set)");
    }
    // The history and the day log are read by the event loop, off the app's lock. On home,
    // the files are looked at once now, so the first key does not wait for the queue of
    // changes a big routines folder gets (see `FilesStamp::unchanged`).
    app.look_at_files();
}

/// What a run starts from: the library, the flags, and the comfort choices (`t`, `m`)
/// remembered from the last run.
pub fn init(g: &Global, paths: &Paths, lib: Library) -> Init {
    let state = paths
        .state
        .as_deref()
        .map(crate::store::state::State::load)
        .unwrap_or_default();
    let mut init = Init::new(lib, paths.clone(), flags(g));
    init.theme = state.theme.as_deref().and_then(ThemeName::parse);
    init.muted = state.muted.unwrap_or(false);
    init
}

/// The flags' say over the settings.
pub fn flags(g: &Global) -> Flags {
    Flags {
        theme: g.theme,
        no_color: g.no_color,
        quiet: g.quiet,
        no_hooks: g.no_hooks,
        no_color_env: false,
        colours_256: false,
    }
    .with_env()
}
