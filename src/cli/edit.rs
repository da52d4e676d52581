//! The commands for the user's own routines: `new`, `edit`, `import` and `share`. The
//! file work (templates, checks, atomic replaces, drafts, clashes) is in
//! `library::edit`; here are the words the user sees and the exit codes.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{CliError, Outcome};
use crate::library::edit::{
    self, Clash, DiffLine, EditError, Editor, ImportError, Incoming, routines_dir,
};
use crate::library::{Library, MAX_FILE_BYTES};
use crate::store::paths::Paths;

fn config_dir(paths: &Paths) -> Result<&Path, EditError> {
    paths.config_dir().ok_or(EditError::NoConfigFolder)
}

/// `new ID [--from ROUTINE]`: the template or a copy, written only where nothing is.
pub fn new_cmd(paths: &Paths, id: &str, from: Option<&str>, out: &mut dyn Write) -> Outcome {
    // The id was checked as it was read (`args::new_id`).
    let config = config_dir(paths)?;
    let lib = Library::load(Some(config));
    let path = routines_dir(config).join(format!("{id}.toml"));
    if let Some(r) = lib.routine(id) {
        let hint = if r.source.is_bundled() {
            format!("`knotless edit {id}` makes your own copy of it")
        } else {
            format!("`knotless edit {id}` changes it")
        };
        return Err(CliError::User(format!(
            "a routine with the id \"{id}\" exists already ({}); choose another id, or {hint}",
            r.source
        )));
    }
    // Looked at without following links: a link there (even a broken one) takes the name.
    let taken = |p: &std::path::Path| std::fs::symlink_metadata(p).ok();
    for p in [path.clone(), edit::draft_path(&path)] {
        match taken(&p) {
            Some(m) if m.file_type().is_symlink() && !p.exists() => {
                return Err(CliError::User(format!(
                    "{} is a link to something that does not exist; remove it or choose another id",
                    p.display()
                )));
            }
            Some(_) => {
                return Err(CliError::User(format!(
                    "{} exists already; `knotless edit {id}` opens it",
                    p.display()
                )));
            }
            None => {}
        }
    }
    let text = match from {
        None => edit::template(id),
        Some(q) => {
            let r = crate::cli::routines::find_routine(&lib, q)?;
            edit::with_id_if_set(&edit::source_text(&r)?, id)
        }
    };
    // Whatever it starts from, the new file must load as it is.
    if let Err(problems) = lib.check_candidate(&path.display().to_string(), &path, &text) {
        let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
        return Err(CliError::User(format!(
            "the new routine would not load: {first}"
        )));
    }
    edit::create_atomically(&path, text.as_bytes()).map_err(|e| {
        CliError::User(format!(
            "cannot write {}: {}",
            path.display(),
            crate::files::describe(&e)
        ))
    })?;
    writeln!(out, "{}", path.display())?;
    Ok(ExitCode::SUCCESS)
}

/// `edit ROUTINE`: the editor on a copy; answers come from standard input.
pub fn edit_cmd(paths: &Paths, query: &str, out: &mut dyn Write) -> Outcome {
    let config = config_dir(paths)?;
    let lib = Library::load(Some(config));
    let editor = Editor::from_env()?;
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let outcome = edit::edit_session(&lib, config, query, &editor, &mut input, out)?;
    if outcome.is_success() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::User(outcome.failure_message()))
    }
}

/// `share ROUTINE`: one self-contained file on standard output.
pub fn share_cmd(paths: &Paths, query: &str, out: &mut dyn Write) -> Outcome {
    let lib = Library::load(paths.config_dir());
    let r = crate::cli::routines::find_routine(&lib, query)?;
    let (text, warnings) = edit::share_text(&lib, &r)?;
    for w in warnings {
        let _ = writeln!(crate::cli::stderr(), "warning: {w}");
    }
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the file to import, or standard input for `-`, within the size limit.
fn read_incoming(file: &Path) -> Result<(String, Option<String>, String), CliError> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::User(format!("cannot read standard input: {e}")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(CliError::User(
                "standard input is larger than 1 MiB; a routine is far smaller".into(),
            ));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| CliError::User("standard input is not UTF-8 text".into()))?;
        return Ok(("<stdin>".into(), None, text));
    }
    let label = file.display().to_string();
    // Named on the command line, so it may be a pipe: `knotless import <(curl …)`.
    let text =
        crate::library::read_named_text(file, &label).map_err(|d| CliError::User(d.headline()))?;
    // A pipe's name (`/dev/fd/63`) is no routine's id.
    let stem = file
        .file_stem()
        .filter(|_| !crate::files::is_pipe_path(file))
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| crate::library::valid_id(s));
    Ok((label, stem, text))
}

/// `import FILE|- [--replace | --as NEW-ID]`.
pub fn import_cmd(
    paths: &Paths,
    file: &Path,
    replace: bool,
    yes: bool,
    as_id: Option<&str>,
    out: &mut dyn Write,
) -> Outcome {
    let config = config_dir(paths)?;
    let lib = Library::load(Some(config));
    let (label, stem, text) = read_incoming(file)?;
    let incoming = match edit::prepare_import(&lib, config, &label, stem.as_deref(), &text, as_id) {
        Ok(i) => i,
        Err(ImportError::Other(m)) => return Err(CliError::User(m)),
        Err(ImportError::Invalid(problems)) => {
            print_problems(&problems);
            return Err(CliError::User(format!(
                "{label} is not a valid routine ({} problem{}); nothing was installed",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            )));
        }
        Err(ImportError::MissingPatterns(names, problems)) => {
            print_problems(&problems);
            return Err(CliError::User(format!(
                "{label} uses breathing patterns this machine does not have ({}); ask the sender for a copy made with `knotless share`, which includes their own patterns, or add them to your config.toml",
                names.join(", ")
            )));
        }
    };
    write_summary(&incoming, out)?;
    if let Some(clash) = &incoming.clash
        && !replace
    {
        write_clash(&incoming, clash, out)?;
        out.flush()?;
        return Err(CliError::User(format!(
            "the id \"{}\" is taken; nothing was changed — add --replace to replace it, or --as NEW-ID to install it beside it",
            incoming.routine.id
        )));
    }
    gate_breaks(&incoming, &label, file.as_os_str() == "-", yes, out)?;
    edit::install(&incoming, replace).map_err(|e| {
        CliError::User(format!("cannot install {}: {e}", incoming.target.display()))
    })?;
    let verb = if incoming.clash.is_some() {
        "Replaced"
    } else {
        "Installed"
    };
    writeln!(out, "{verb} {}.", incoming.target.display())?;
    if !incoming.breaks.is_empty() {
        writeln!(out, "{}", edit::marked_words(&incoming.target))?;
    }
    if let Some(Clash::Routine(old)) = &incoming.clash
        && old.source.is_bundled()
    {
        writeln!(
            out,
            "It replaces the bundled \"{}\"; delete the file to go back to the bundled one.",
            old.id
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A routine that breaks the safety limits is installed only with `--yes` or a
/// "y" from the person at the terminal; what it breaks is shown first.
fn gate_breaks(
    incoming: &Incoming,
    label: &str,
    from_stdin: bool,
    yes: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if incoming.breaks.is_empty() {
        return Ok(());
    }
    edit::write_breaks(&incoming.breaks, out)?;
    if yes || confirm_install(from_stdin, out)? {
        return Ok(());
    }
    Err(CliError::User(format!(
        "{label} {}; nothing was installed{}",
        crate::cli::routines::breaks_words(rules_broken(incoming)),
        if from_stdin || !io::stdin().is_terminal() {
            " — add --yes to install it anyway"
        } else {
            ""
        }
    )))
}

fn rules_broken(incoming: &Incoming) -> usize {
    crate::core::content::rules_in(&incoming.breaks)
}

/// Asks whether to install a routine that breaks the guide, when a person can answer:
/// standard input is a terminal and was not the file itself. Otherwise the answer is no.
fn confirm_install(from_stdin: bool, out: &mut dyn Write) -> Result<bool, CliError> {
    if from_stdin || !io::stdin().is_terminal() {
        return Ok(false);
    }
    write!(out, "Install it anyway? [y/N] ")?;
    out.flush()?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    Ok(edit::is_yes(&line))
}

/// Each problem on standard error, through the neutraliser like every other line: a key
/// or a file name in a routine someone sent may carry an escape sequence.
fn print_problems(problems: &[crate::library::diag::Diagnostic]) {
    let mut err = crate::cli::stderr();
    for p in problems {
        let _ = writeln!(err, "{p}");
    }
}

fn write_summary(incoming: &Incoming, out: &mut dyn Write) -> io::Result<()> {
    let rows = edit::summary(&incoming.routine);
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in rows {
        writeln!(out, "{k:>w$}  {v}")?;
    }
    Ok(())
}

fn write_clash(incoming: &Incoming, clash: &Clash, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    match clash {
        Clash::File(p) => writeln!(
            out,
            "{} exists already (it does not load now; `knotless check` explains).",
            p.display()
        ),
        Clash::Routine(old) => {
            writeln!(
                out,
                "\"{}\" is already {} ({}). Its steps → the incoming ones:",
                old.id,
                if old.source.is_bundled() {
                    "a bundled routine"
                } else {
                    "one of your routines"
                },
                old.name
            )?;
            let diff = edit::step_diff(old, &incoming.routine);
            if diff.iter().all(|d| matches!(d, DiffLine::Same(_))) {
                writeln!(out, "  the steps are the same")?;
            }
            for d in diff {
                match d {
                    DiffLine::Same(l) => writeln!(out, "    {l}")?,
                    DiffLine::Removed(l) => writeln!(out, "  - {l}")?,
                    DiffLine::Added(l) => writeln!(out, "  + {l}")?,
                }
            }
            Ok(())
        }
    }
}
