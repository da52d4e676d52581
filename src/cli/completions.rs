//! `knotless completions SHELL`: clap_complete's script for the command line, with the
//! routine and pattern ids of the library as it is now as the values of the arguments that
//! take them.
//!
//! A completion script is code the shell runs, and routine files come from other people
//! (`import`), so nothing read from a file goes into the script but ids, and only ids made
//! of letters, digits, `-` and `_` (the library refuses any other): no name, summary or
//! description, which clap would copy into the script as help text, where bash, zsh and
//! fish each quote differently and a `$( … )` runs.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::CommandFactory;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap_complete::Shell;

use crate::cli::Outcome;
use crate::cli::args::Cli;
use crate::library::{Library, valid_id};
use crate::store::paths::Paths;

/// The subcommands whose positional argument is a routine, and the flags that take one.
const ROUTINE_ARGS: &[(&str, &str)] = &[
    ("run", "routine"),
    ("show", "routine"),
    ("history", "routine"),
];

/// `knotless completions SHELL`.
pub fn run(paths: &Paths, shell: Shell, out: &mut dyn Write) -> Outcome {
    let lib = Library::load(paths.config_dir());
    let ids = Ids::of(&lib);
    let mut cmd = with_ids(Cli::command(), &ids);
    // Into memory first: `generate` panics when its writer fails (a full disk, a closed
    // pipe), where a write error must end the command quietly.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "knotless", &mut script);
    out.write_all(&script)?;
    if shell == Shell::Fish {
        fish_positionals(&ids, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The ids a script may carry: the library's, each checked again here, where a slip would
/// put a file's text into a shell's code.
struct Ids {
    routines: Vec<String>,
    patterns: Vec<String>,
}

impl Ids {
    fn of(lib: &Library) -> Ids {
        let keep = |id: &String| valid_id(id);
        Ids {
            routines: lib
                .routines
                .iter()
                .map(|r| r.id.clone())
                .filter(keep)
                .collect(),
            patterns: lib
                .patterns
                .iter()
                .map(|p| p.id.clone())
                .filter(keep)
                .collect(),
        }
    }
}

/// The command line with the ids as the values its routine and pattern arguments complete
/// to: completions are generated from the library as it is now (run `knotless completions
/// SHELL` again after adding a routine). Typing anything else (part of a name) still works:
/// only completion uses the list.
fn with_ids(mut cmd: clap::Command, ids: &Ids) -> clap::Command {
    let values = |list: &[String]| {
        let values: Vec<PossibleValue> = list.iter().map(PossibleValue::new).collect();
        PossibleValuesParser::new(values)
    };
    for (sub, arg) in ROUTINE_ARGS {
        cmd = cmd.mut_subcommand(*sub, |c| {
            c.mut_arg(*arg, |a| a.value_parser(values(&ids.routines)))
        });
    }
    cmd.mut_subcommand("breathe", |c| {
        c.mut_arg("pattern", |a| a.value_parser(values(&ids.patterns)))
    })
}

/// clap_complete's fish script completes options' values but not positional ones: the
/// routine of `run`/`show` and the pattern of `breathe` are added here, in its own form.
/// An id needs no quoting; the single quotes only keep fish from reading it as anything
/// but a word.
fn fish_positionals(ids: &Ids, out: &mut dyn Write) -> io::Result<()> {
    let mut line = |sub: &str, id: &str| {
        writeln!(
            out,
            "complete -c knotless -n \"__fish_knotless_using_subcommand {sub}\" -f -a '{id}'"
        )
    };
    for sub in ["run", "show"] {
        for id in &ids.routines {
            line(sub, id)?;
        }
    }
    for id in &ids.patterns {
        line("breathe", id)?;
    }
    Ok(())
}
