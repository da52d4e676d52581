//! `import`: a routine someone sent, checked against this machine, its clashes found, a
//! summary of what it asks of the body and a step-level difference from what it replaces.

use std::io;
use std::path::{Path, PathBuf};

use super::{
    create_atomically, defined_patterns, pattern_names, replace_atomically, routines_dir, with_id,
};
use toml::de::{DeTable, DeValue};

use crate::core::content::Violation;
use crate::library::diag::Diagnostic;
use crate::library::{Library, valid_id};
use crate::model::format::fmt_clock;
use crate::model::routine::{Length, Pressure, Routine, Sides, Source};

/// A routine someone sent, checked and ready to install.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub routine: Routine,
    /// What it breaks of the guide's safety limits: `import` shows these and asks first.
    pub breaks: Vec<Violation>,
    /// The text to write (its id set when `--as` gave a new one).
    pub text: String,
    /// Where it goes: `<routines>/<id>.toml`, or the file of the routine it replaces.
    pub target: PathBuf,
    pub clash: Option<Clash>,
}

/// What an incoming routine's id collides with.
#[derive(Debug, Clone)]
pub enum Clash {
    /// A loaded routine (bundled or the user's) has the id.
    Routine(Box<Routine>),
    /// A file with that name exists in the routines folder but does not load.
    File(PathBuf),
}

/// Why an incoming file cannot be installed.
#[derive(Debug, Clone)]
pub enum ImportError {
    /// Patterns it uses that neither the file nor this machine has.
    MissingPatterns(Vec<String>, Vec<Diagnostic>),
    Invalid(Vec<Diagnostic>),
    Other(String),
}

/// Checks the text of a routine someone sent. `label` names it in messages; `stem` is its
/// file name without `.toml` (none for standard input); `new_id` is `--as`.
pub fn prepare_import(
    lib: &Library,
    config_dir: &Path,
    label: &str,
    stem: Option<&str>,
    text: &str,
    new_id: Option<&str>,
) -> Result<Incoming, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::Other(format!(
            "{label} is empty: there is no routine in it"
        )));
    }
    let text = match new_id {
        Some(id) if !valid_id(id) => {
            return Err(ImportError::Other(format!(
                "\"{id}\" cannot be an id: use {}",
                crate::library::ID_RULE
            )));
        }
        Some(id) => with_id(text, id),
        None => text.to_string(),
    };
    let declared = DeTable::parse(&text).ok().and_then(|doc| {
        match doc.get_ref().get("id").map(|v| v.get_ref()) {
            Some(DeValue::String(s)) => Some(s.to_string()),
            _ => None,
        }
    });
    let id = match declared {
        Some(id) => id,
        None => match stem {
            Some(s) => s.to_string(),
            None => {
                return Err(ImportError::Other(
                    "the routine has no id: give it one with --as ID".into(),
                ));
            }
        },
    };
    let dir = routines_dir(config_dir);
    let fallback = dir.join(format!(
        "{}.toml",
        if valid_id(&id) { &id } else { "routine" }
    ));
    let existing = lib.routine(&id);
    let target = match existing.map(|r| &r.source) {
        Some(Source::File(p)) => p.clone(),
        _ => fallback.clone(),
    };
    let own = defined_patterns(&text);
    let missing: Vec<String> = pattern_names(&text)
        .into_iter()
        .filter(|n| !own.contains(n) && lib.pattern(n).is_none())
        .collect();
    // Checked as the file it would replace, so a clash with a user routine is reported
    // as a clash (below), not as a duplicate id.
    let checked = match lib.check_candidate(label, &target, &text) {
        Ok(c) => c,
        Err(problems) if !missing.is_empty() => {
            return Err(ImportError::MissingPatterns(missing, problems));
        }
        Err(problems) => return Err(ImportError::Invalid(problems)),
    };
    let clash = match existing {
        Some(r) => Some(Clash::Routine(Box::new(r.clone()))),
        None if target.exists() => Some(Clash::File(target.clone())),
        None => None,
    };
    Ok(Incoming {
        routine: checked.routine,
        breaks: checked.breaks,
        text,
        target,
        clash,
    })
}

/// Installs a checked routine: a new file, or (only when `replace`) over the one it
/// clashes with. Never writes over anything without `replace`.
pub fn install(incoming: &Incoming, replace: bool) -> io::Result<()> {
    if incoming.clash.is_some() && !replace {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the id is taken",
        ));
    }
    if replace && incoming.target.exists() {
        replace_atomically(&incoming.target, incoming.text.as_bytes())
    } else {
        create_atomically(&incoming.target, incoming.text.as_bytes())
    }
}

/// The summary `import` prints before installing: what the routine asks of the body.
pub fn summary(r: &Routine) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("routine", format!("{} ({}) · {}", r.name, r.id, r.area)),
        (
            "steps",
            format!(
                "{} · {} active · about {} with pauses",
                r.steps.len(),
                fmt_clock(r.active_total()),
                fmt_clock(r.total())
            ),
        ),
    ];
    let highest = r
        .steps
        .iter()
        .filter_map(|s| s.pressure)
        .max_by_key(|p| (p.high, p.low));
    rows.push((
        "pressure",
        match highest {
            Some(p) => format!("up to {p} / 10"),
            None => "none".into(),
        },
    ));
    let step_cautions = r.steps.iter().filter(|s| s.caution.is_some()).count();
    rows.push((
        "cautions",
        if r.cautions.is_empty() && step_cautions == 0 {
            "none".into()
        } else {
            format!(
                "{} before starting, {} on steps",
                r.cautions.len(),
                step_cautions
            )
        },
    ));
    let holds: Vec<String> = r
        .steps
        .iter()
        .filter(|s| s.breathing.as_deref().is_some_and(|p| p.has_holds()))
        .map(|s| s.title.clone())
        .collect();
    rows.push((
        "breath holds",
        if holds.is_empty() {
            "none".into()
        } else {
            holds.join(", ")
        },
    ));
    let mut pats: Vec<String> = Vec::new();
    for s in &r.steps {
        if let Some(p) = &s.breathing {
            let label = match &p.source {
                Source::Bundled => p.id.clone(),
                Source::File(f) if Source::File(f.clone()) == r.source => {
                    format!("{} (in the file)", p.id)
                }
                Source::File(_) => format!("{} (yours)", p.id),
            };
            if !pats.contains(&label) {
                pats.push(label);
            }
        }
    }
    rows.push((
        "patterns",
        if pats.is_empty() {
            "none".into()
        } else {
            pats.join(", ")
        },
    ));
    rows
}

/// One step as a line for the difference: everything that shapes the session.
pub fn step_line(s: &crate::model::routine::Step) -> String {
    let sides = match s.sides {
        Sides::None => String::new(),
        Sides::Left => " · left".into(),
        Sides::Right => " · right".into(),
        Sides::Both => " · both sides".into(),
    };
    let length = match s.length {
        Length::Time(_) => fmt_clock(s.planned),
        Length::Breaths(n) => format!(
            "{} ({})",
            crate::model::format::fmt_breaths(n),
            fmt_clock(s.planned)
        ),
    };
    let pressure = s
        .pressure
        .map(|p: Pressure| format!(" · pressure {p}"))
        .unwrap_or_default();
    let breathing = match &s.breathing {
        Some(p) => format!(" · {} ({})", p.id, p.timing()),
        None => " · no pacer".into(),
    };
    format!("{}{sides} · {length}{pressure}{breathing}", s.title)
}

/// How a step list changed, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// The step-level difference from `old` to `new`.
pub fn step_diff(old: &Routine, new: &Routine) -> Vec<DiffLine> {
    let a: Vec<String> = old.steps.iter().map(step_line).collect();
    let b: Vec<String> = new.steps.iter().map(step_line).collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    let mut out = Vec::new();
    for op in ops {
        for change in op.iter_changes(&a, &b) {
            let line = change.value().clone();
            out.push(match change.tag() {
                similar::ChangeTag::Equal => DiffLine::Same(line),
                similar::ChangeTag::Delete => DiffLine::Removed(line),
                similar::ChangeTag::Insert => DiffLine::Added(line),
            });
        }
    }
    out
}
