//! `knotless completions SHELL`: the shell's completion script from the same definitions as
//! the command line, with the library's routine and pattern ids as the values to offer.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Outcome;
use crate::cli::args::Cli;
use crate::library::Library;
use crate::store::paths::Paths;

pub fn run(paths: &Paths, shell: clap_complete::Shell, out: &mut dyn Write) -> Outcome {
    let lib = Library::load(paths.config_dir());
    let mut cmd = with_library_ids(Cli::command(), &lib);
    clap_complete::generate(shell, &mut cmd, "knotless", out);
    if shell == clap_complete::Shell::Fish {
        fish_positionals(&lib, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The command line with the routine and pattern ids of `lib` as the values its routine
/// and pattern arguments complete to: completions are generated from the library as it is
/// now (run `knotless completions SHELL` again after adding a routine). Typing anything
/// else (part of a name) still works: only completion uses the list.
fn with_library_ids(cmd: clap::Command, lib: &Library) -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    let routines: Vec<PossibleValue> = lib
        .routines
        .iter()
        .map(|r| PossibleValue::new(r.id.clone()).help(r.name.clone()))
        .collect();
    let patterns: Vec<PossibleValue> = lib
        .patterns
        .iter()
        .map(|p| PossibleValue::new(p.id.clone()))
        .collect();
    let routine_arg = |a: clap::Arg| a.value_parser(PossibleValuesParser::new(routines.clone()));
    cmd.mut_subcommand("run", |c| c.mut_arg("routine", routine_arg))
        .mut_subcommand("show", |c| c.mut_arg("routine", routine_arg))
        .mut_subcommand("history", |c| c.mut_arg("routine", routine_arg))
        .mut_subcommand("breathe", |c| {
            c.mut_arg("pattern", |a| {
                a.value_parser(PossibleValuesParser::new(patterns.clone()))
            })
        })
}

/// clap_complete's fish script completes options' values but not positional ones: the
/// routine of `run`/`show` and the pattern of `breathe` are added here, in its own form.
fn fish_positionals(lib: &Library, out: &mut dyn Write) -> io::Result<()> {
    let quote = |s: &str| s.replace('\\', "\\\\").replace('\'', "\\'");
    for sub in ["run", "show"] {
        for r in &lib.routines {
            writeln!(
                out,
                "complete -c knotless -n \"__fish_knotless_using_subcommand {sub}\" -f -a '{}' -d '{}'",
                quote(&r.id),
                quote(&r.name)
            )?;
        }
    }
    for p in &lib.patterns {
        writeln!(
            out,
            "complete -c knotless -n \"__fish_knotless_using_subcommand breathe\" -f -a '{}'",
            quote(&p.id)
        )?;
    }
    Ok(())
}
