//! The user's editor: the program `$VISUAL` or `$EDITOR` names, told to wait when it is a
//! GUI editor that would return at once.

use std::io;
use std::path::Path;
use std::process::{Command, ExitStatus};

use super::EditError;

/// GUI editors that return at once unless told to wait, and the flag that makes them wait.
const WAIT_FLAGS: &[(&str, &str)] = &[
    ("code", "--wait"),
    ("code-insiders", "--wait"),
    ("codium", "--wait"),
    ("cursor", "--wait"),
    ("subl", "--wait"),
    ("sublime_text", "--wait"),
    ("zed", "--wait"),
    ("atom", "--wait"),
    ("gedit", "--wait"),
    ("mate", "--wait"),
    ("kate", "--block"),
    ("gvim", "--nofork"),
    ("mvim", "--nofork"),
];

/// The user's editor: a program and its arguments, read from `$VISUAL`, else `$EDITOR`
/// (split as a shell would), else `vi`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub program: String,
    pub args: Vec<String>,
}

impl Editor {
    /// From the values of `$VISUAL` and `$EDITOR` (empty counts as unset).
    pub fn from_vars(visual: Option<&str>, editor: Option<&str>) -> Result<Editor, EditError> {
        let (var, value) = match (visual, editor) {
            (Some(v), _) if !v.trim().is_empty() => ("VISUAL", v),
            (_, Some(e)) if !e.trim().is_empty() => ("EDITOR", e),
            _ => ("", "vi"),
        };
        let mut words = shell_words::split(value)
            .map_err(|reason| EditError::EditorVariable {
                var,
                value: value.to_string(),
                reason,
            })?
            .into_iter();
        let program = words.next().ok_or(EditError::NoEditorProgram(var))?;
        let mut args: Vec<String> = words.collect();
        let base = Path::new(&program)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = base.strip_suffix(".exe").unwrap_or(&base);
        if let Some((_, flag)) = WAIT_FLAGS.iter().find(|(name, _)| *name == base) {
            let waits = ["--wait", "-w", "--block", "-b", "--nofork", "-f"];
            if !args.iter().any(|a| waits.contains(&a.as_str())) {
                args.push(flag.to_string());
            }
        }
        Ok(Editor { program, args })
    }

    /// From this process's environment.
    pub fn from_env() -> Result<Editor, EditError> {
        let get = |k| std::env::var(k).ok();
        Editor::from_vars(get("VISUAL").as_deref(), get("EDITOR").as_deref())
    }

    /// The command that opens `file`, inheriting the terminal.
    pub fn command(&self, file: &Path) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args).arg(file);
        c
    }

    /// Opens `file` and waits for the editor to exit.
    pub fn open(&self, file: &Path) -> Result<ExitStatus, EditError> {
        self.command(file).status().map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                EditError::EditorNotFound(self.program.clone())
            } else {
                EditError::EditorStart {
                    program: self.program.clone(),
                    source,
                }
            }
        })
    }
}
