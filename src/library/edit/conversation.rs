//! `edit`: the file to edit, the editor on a private copy, the check, and the visudo-style
//! answer when the copy does not load. A real routine file never holds an invalid routine.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use super::{
    EditError, Editor, breaks_more, draft_path, is_yes, replace_atomically, routines_dir,
    source_text, write_breaks,
};
use crate::library::{Library, read_text, valid_id};
use crate::model::routine::Source;

/// What `edit` works on.
#[derive(Debug, Clone)]
pub struct EditTarget {
    pub id: String,
    /// The file that is replaced on a valid save (for a bundled routine, the user copy
    /// that will override it; it does not exist yet).
    pub real: PathBuf,
    /// The real file's bytes now (`None` when it does not exist yet).
    pub original: Option<String>,
    /// The text the editor starts from: the draft, the real file, or the bundled text.
    pub start: String,
    /// The routine is bundled and the saved copy will override it.
    pub bundled: bool,
    /// The draft the edit continues from.
    pub from_draft: Option<PathBuf>,
}

/// Finds the file to edit: `<routines>/QUERY.toml` when it exists (even when it is broken
/// and so not loaded: `edit` is how it gets fixed), else the routine `query` picks.
pub fn edit_target(lib: &Library, config_dir: &Path, query: &str) -> Result<EditTarget, EditError> {
    let dir = routines_dir(config_dir);
    let direct = dir.join(format!("{query}.toml"));
    let (id, real, bundled_text) = if valid_id(query) && direct.is_file() {
        (query.to_string(), direct, None)
    } else {
        let r = lib.find(query)?;
        match &r.source {
            Source::File(p) => (r.id.clone(), p.clone(), None),
            Source::Bundled => {
                let real = dir.join(format!("{}.toml", r.id));
                if real.is_file() {
                    // A user file with this id exists but did not load: edit it, not a
                    // fresh copy over it.
                    (r.id.clone(), real, None)
                } else {
                    (r.id.clone(), real, Some(source_text(r)?))
                }
            }
        }
    };
    let original = match bundled_text {
        Some(_) => None,
        None => Some(read_text(&real, &real.display().to_string()).map_err(EditError::Read)?),
    };
    let draft = draft_path(&real);
    let (start, from_draft) = if draft.is_file() {
        let t = read_text(&draft, &draft.display().to_string()).map_err(EditError::Read)?;
        (t, Some(draft))
    } else {
        let t = original
            .clone()
            .or(bundled_text.clone())
            .unwrap_or_default();
        (t, None)
    };
    Ok(EditTarget {
        id,
        real,
        original,
        start,
        bundled: bundled_text.is_some(),
        from_draft,
    })
}

/// How an edit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// The real file was replaced with the valid new text.
    Saved {
        path: PathBuf,
        overrides_bundled: bool,
        /// The user said yes to saving a routine that breaks safety limits it kept before.
        breaks_limits: bool,
    },
    /// The editor left the text as it was; nothing was written.
    Unchanged,
    /// The user chose to drop the changes: the real file is as it was.
    Reverted,
    /// No answer came (end of input): the changes were dropped, the real file is as it was.
    NoAnswer,
    /// The invalid text was kept as a draft, not loaded; the real file is as it was.
    Draft(PathBuf),
    /// The editor failed or exited with an error; nothing was written.
    EditorFailed(String),
}

impl EditOutcome {
    /// Whether the command succeeded (the file is saved, or nothing needed saving).
    pub fn is_success(&self) -> bool {
        matches!(self, EditOutcome::Saved { .. } | EditOutcome::Unchanged)
    }
}

/// The prompt after a candidate with problems, visudo-style.
pub const PROMPT: &str = "What now? [e]dit again · [r]evert · [k]eep as a draft (not loaded): ";

/// The question before saving a copy that breaks safety limits the routine kept before.
pub const SAVE_ANYWAY: &str = "Save it anyway? [y/N] ";

/// What the routine as it is now breaks of the safety limits: the one the library loaded
/// from the real file (a bundled routine, a new copy or a file that did not load keep them
/// all).
fn breaks_now<'a>(lib: &'a Library, target: &EditTarget) -> &'a [crate::core::content::Violation] {
    let real = Source::File(target.real.clone());
    match lib.routines.iter().find(|r| r.source == real) {
        Some(r) => lib.breaks(&r.id),
        None => &[],
    }
}

/// Runs the edit: the editor on a temporary copy, then check; a valid text replaces the
/// real file atomically, an invalid one is offered back to the editor, dropped, or kept as
/// a draft. Answers are read as lines from `input`; with no answer (end of input) nothing
/// changes. `editor` opens a file and waits (the app hands the terminal over around it).
pub fn run_edit(
    lib: &Library,
    target: &EditTarget,
    editor: &mut dyn FnMut(&Path) -> Result<ExitStatus, EditError>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<EditOutcome, EditError> {
    // The copy is the user's routine, maybe with private notes: a folder only they can open.
    let mut b = tempfile::Builder::new();
    b.prefix("knotless-edit-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(
            crate::files::write::PRIVATE_DIR,
        ));
    }
    let dir = b.tempdir().map_err(EditError::TemporaryCopy)?;
    let copy = dir.path().join(
        target
            .real
            .file_name()
            .unwrap_or_else(|| std::ffi::OsStr::new("routine.toml")),
    );
    crate::files::write_new_atomically(
        &copy,
        target.start.as_bytes(),
        crate::files::Durability::Relaxed,
        crate::files::write::PRIVATE_FILE,
    )
    .map_err(EditError::TemporaryCopy)?;
    let label = copy.display().to_string();
    loop {
        let status = editor(&copy)?;
        if !status.success() {
            return Ok(EditOutcome::EditorFailed(format!(
                "the editor exited with {status}; nothing was changed"
            )));
        }
        // Read by path: editors that save by renaming leave a new file behind the name.
        let checked = read_text(&copy, &label)
            .map_err(|d| vec![d])
            .and_then(|text| {
                if target.from_draft.is_none() && Some(&text) == target.original.as_ref() {
                    return Ok(None);
                }
                if target.original.is_none() && target.from_draft.is_none() && text == target.start
                {
                    return Ok(None);
                }
                lib.check_candidate(&label, &target.real, &text)
                    .map(|r| Some((r, text)))
            });
        match checked {
            Ok(None) => return Ok(EditOutcome::Unchanged),
            Ok(Some((checked, text))) => {
                // Changed in another window while the editor was open: neither version
                // is lost, and the other one stays in place.
                let now =
                    crate::files::read_capped(&target.real, crate::library::MAX_FILE_BYTES).ok();
                if now.as_deref() != target.original.as_deref().map(str::as_bytes) {
                    let draft = draft_path(&target.real);
                    replace_atomically(&draft, text.as_bytes())
                        .map_err(EditError::file("keep the draft", &draft))?;
                    writeln!(
                        out,
                        "{} changed on disk while you were editing; it was left as it is.",
                        target.real.display()
                    )?;
                    return Ok(EditOutcome::Draft(draft));
                }
                // A limit the routine kept is broken now: listed as `import` lists them, and
                // saved only on a yes. Otherwise the copy is kept as a draft, never lost.
                let breaks_limits = breaks_more(breaks_now(lib, target), &checked.breaks);
                if breaks_limits {
                    write_breaks(&checked.breaks, out)?;
                    write!(out, "{SAVE_ANYWAY}")?;
                    out.flush()?;
                    let mut answer = String::new();
                    if input.read_line(&mut answer)? == 0 {
                        writeln!(out)?;
                    }
                    if !is_yes(&answer) {
                        let draft = draft_path(&target.real);
                        replace_atomically(&draft, text.as_bytes())
                            .map_err(EditError::file("keep the draft", &draft))?;
                        let rules = crate::core::content::rules_in(&checked.breaks);
                        writeln!(
                            out,
                            "{} was not changed: the edited copy {}.",
                            target.real.display(),
                            crate::core::content::breaks_words(rules)
                        )?;
                        return Ok(EditOutcome::Draft(draft));
                    }
                }
                replace_atomically(&target.real, text.as_bytes())
                    .map_err(EditError::file("save", &target.real))?;
                if let Some(d) = &target.from_draft {
                    let _ = std::fs::remove_file(d);
                }
                return Ok(EditOutcome::Saved {
                    path: target.real.clone(),
                    overrides_bundled: target.bundled,
                    breaks_limits,
                });
            }
            Err(problems) => {
                for p in &problems {
                    writeln!(out, "{p}")?;
                }
                writeln!(
                    out,
                    "{} was not changed: the edited copy has {} problem{}.",
                    target.real.display(),
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                )?;
            }
        }
        if let Some(ended) = what_now(target, &copy, input, out)? {
            return Ok(ended);
        }
    }
}

/// Asks what to do with a copy that does not load, until an answer comes: `None` to open
/// the editor again, else how the edit ended.
fn what_now(
    target: &EditTarget,
    copy: &Path,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Option<EditOutcome>, EditError> {
    loop {
        write!(out, "{PROMPT}")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            writeln!(out)?;
            return Ok(Some(EditOutcome::NoAnswer));
        }
        match line.trim().to_lowercase().as_str() {
            "e" | "edit" | "edit again" => return Ok(None),
            "r" | "revert" => return Ok(Some(EditOutcome::Reverted)),
            "k" | "keep" | "keep as a draft" => {
                let text = crate::files::read_capped(copy, crate::library::MAX_FILE_BYTES)
                    .map_err(|source| EditError::ReadBack {
                        path: copy.to_path_buf(),
                        source,
                    })?;
                let draft = draft_path(&target.real);
                replace_atomically(&draft, &text)
                    .map_err(EditError::file("keep the draft", &draft))?;
                return Ok(Some(EditOutcome::Draft(draft)));
            }
            _ => writeln!(out, "Please answer e, r or k.")?,
        }
    }
}

/// The whole `edit` conversation with a given editor, input and output; the app runs the
/// same one after handing the terminal over. Returns how it ended; success lines are
/// already written, failures are for the caller to word (`failure_message`).
pub fn edit_session(
    lib: &Library,
    config: &Path,
    query: &str,
    editor: &Editor,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<EditOutcome, EditError> {
    let target = edit_target(lib, config, query)?;
    if target.bundled {
        writeln!(
            out,
            "\"{}\" is bundled: you are editing your own copy, {}, which replaces the bundled one once saved.",
            target.id,
            target.real.display()
        )?;
    }
    if let Some(d) = &target.from_draft {
        writeln!(
            out,
            "Continuing from your draft {} (the routine itself is unchanged).",
            d.display()
        )?;
    }
    let mut open = |p: &Path| editor.open(p);
    let outcome = run_edit(lib, &target, &mut open, input, out)?;
    match &outcome {
        EditOutcome::Saved {
            path,
            overrides_bundled,
            breaks_limits,
        } => {
            writeln!(out, "Saved {}.", path.display())?;
            if *breaks_limits {
                writeln!(out, "{}", super::marked_words(path))?;
            }
            if *overrides_bundled {
                writeln!(
                    out,
                    "It is your own copy now and replaces the bundled \"{}\"; delete the file to go back to the bundled one.",
                    target.id
                )?;
            }
        }
        EditOutcome::Unchanged => {
            writeln!(out, "No changes; nothing was written.")?;
        }
        _ => {}
    }
    out.flush()?;
    Ok(outcome)
}

impl EditOutcome {
    /// The one line that says why an edit did not save.
    pub fn failure_message(&self) -> String {
        match self {
            EditOutcome::Reverted => {
                "the changes were dropped; the routine is as it was".to_string()
            }
            EditOutcome::NoAnswer => {
                "no answer on standard input, so the changes were dropped; the routine is as it was"
                    .to_string()
            }
            EditOutcome::Draft(p) => format!(
                "kept as a draft in {} (not loaded); the routine is as it was — `knotless edit` continues from the draft",
                p.display()
            ),
            EditOutcome::EditorFailed(m) => m.clone(),
            EditOutcome::Saved { .. } | EditOutcome::Unchanged => String::new(),
        }
    }
}
