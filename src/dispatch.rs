//! Runs one command with the resolved paths and library. User errors come back as a
//! plain message for one `error:` line; the exit code is 1 for those.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::commands;
use crate::config::ThemeName;
use crate::load::Library;
use crate::paths::Paths;
use crate::routine::Area;

/// A message for the user; printed as `error: ...`.
pub type UserError = String;

pub fn run(cli: Cli) -> Result<ExitCode, UserError> {
    let paths = Paths::resolve(cli.global.config_dir.clone(), cli.global.data_dir.clone());
    let recovered = recover(&paths);
    let Some(command) = cli.command else {
        return open_app(&cli.global, &paths, recovered);
    };
    if let Some(m) = &recovered {
        eprintln!("knotless: {m}");
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let io_err = |e: io::Error| e.to_string();
    match command {
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "knotless", &mut out);
        }
        Command::List { area, json } => {
            let lib = Library::load(paths.config_dir());
            let area = match area {
                Some(a) => Some(Area::parse(&a).ok_or_else(|| {
                    format!(
                        "unknown area \"{a}\"; {}",
                        crate::diag::suggest(&a, &Area::names())
                    )
                })?),
                None => None,
            };
            warn_problems(&lib);
            if json {
                commands::list_json(&lib, area, &mut out).map_err(io_err)?;
            } else {
                commands::list(&lib, area, &mut out).map_err(io_err)?;
            }
        }
        Command::Show { routine } => {
            let lib = Library::load(paths.config_dir());
            warn_problems(&lib);
            let r = lib.find(&routine).map_err(|e| e.to_string())?;
            commands::show(&lib, r, &mut out).map_err(io_err)?;
        }
        Command::Check { paths: files } => {
            let lib = Library::load(paths.config_dir());
            let ok = commands::check(&lib, &files, &mut out).map_err(io_err)?;
            return Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        Command::Patterns => {
            let lib = Library::load(paths.config_dir());
            warn_problems(&lib);
            commands::patterns(&lib, &mut out).map_err(io_err)?;
        }
        other => {
            return Err(format!("`{other:?}` is not available in this build yet"));
        }
    }
    out.flush().map_err(io_err)?;
    Ok(ExitCode::SUCCESS)
}

/// `knotless` with no command: the first-run notice if it was never acknowledged, else home.
fn open_app(
    g: &crate::cli::Global,
    paths: &Paths,
    recovered: Option<String>,
) -> Result<ExitCode, UserError> {
    crate::tui::check_terminal()?;
    let mut env = make_env(g, paths);
    env.status = recovered;
    let first: Box<dyn crate::app::View> = if crate::ui::first_run::FirstRun::needed(&env) {
        Box::new(crate::ui::first_run::FirstRun::new(false))
    } else {
        crate::ui::make_home(&mut env)
    };
    let app = crate::app::App::new(env, first, crate::ui::make_home);
    crate::tui::run(app, crate::ui::warm_up).map_err(|e| format!("terminal: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// The shared state of the app, from the library, config and flags.
pub fn make_env(g: &crate::cli::Global, paths: &Paths) -> crate::app::Env {
    let lib = Library::load(paths.config_dir());
    let flag = g.theme.map(|t| match t {
        crate::cli::ThemeArg::Calm => ThemeName::Calm,
        crate::cli::ThemeArg::Dim => ThemeName::Dim,
        crate::cli::ThemeArg::Light => ThemeName::Light,
        crate::cli::ThemeArg::HighContrast => ThemeName::HighContrast,
        crate::cli::ThemeArg::Mono => ThemeName::Mono,
    });
    let theme = crate::theme::starting_theme(lib.config.theme, flag, g.no_color);
    crate::app::Env::new(lib, paths.clone(), theme, g.quiet)
}

/// Every command starts by logging sessions whose process died (their in-progress files)
/// as interrupted; sessions still running in another terminal are left alone. Returns a
/// line for the user when something was recovered.
fn recover(paths: &Paths) -> Option<String> {
    let dir = paths.data.as_deref()?;
    if !dir.join("in-progress").exists() {
        return None;
    }
    let mut err = io::stderr().lock();
    match crate::history::recover(dir) {
        Ok(r) => {
            for w in &r.warnings {
                let _ = writeln!(err, "warning: {w}");
            }
            let n = r.records.len();
            (n > 0).then(|| {
                format!(
                    "recovered {n} session{} that ended unexpectedly (logged as interrupted)",
                    if n == 1 { "" } else { "s" }
                )
            })
        }
        Err(e) => {
            let _ = writeln!(err, "warning: {e}");
            None
        }
    }
}

/// Other commands still work when a file is broken, but they say so on stderr.
fn warn_problems(lib: &Library) {
    if lib.problems.is_empty() {
        return;
    }
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "warning: {} problem(s) in your files; those files were skipped (`knotless check` explains):",
        lib.problems.len()
    );
    for p in &lib.problems {
        let _ = writeln!(err, "  {}", p.headline());
    }
}
