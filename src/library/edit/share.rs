//! `share`: one self-contained file for a routine, carrying the user's own patterns it uses.

use std::fmt::Write as _;

use super::{EditError, defined_patterns, pattern_names, source_text, with_id};
use crate::library::Library;
use crate::model::routine::{PhaseKind, Routine};

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One pattern as a `[patterns.NAME]` table, with every phase written out exactly.
fn pattern_toml(p: &crate::model::routine::Pattern) -> String {
    let mut s = format!("[patterns.{}]\n", p.id);
    if let Some(d) = &p.description {
        let _ = writeln!(s, "description = {}", toml_string(d));
    }
    s.push_str("phases = [\n");
    for ph in &p.phases {
        let kind = match ph.kind {
            PhaseKind::In => "in",
            PhaseKind::Hold => "hold",
            PhaseKind::Out => "out",
        };
        let _ = write!(
            s,
            "  {{ kind = \"{kind}\", length = \"{}\"",
            humantime::format_duration(ph.length)
        );
        if let Some(l) = &ph.label {
            let _ = write!(s, ", label = {}", toml_string(l));
        }
        s.push_str(" },\n");
    }
    s.push_str("]\n");
    s
}

/// One self-contained file for a routine: its own text with its id set, plus the user's
/// own patterns it uses (from config.toml or other routine files), so it loads the same
/// on a machine that has only the bundled set. Warnings (a user drawing, which cannot
/// travel in the file) come back beside the text.
pub fn share_text(lib: &Library, r: &Routine) -> Result<(String, Vec<String>), EditError> {
    let text = source_text(r)?;
    let mut out = with_id(&text, &r.id);
    let own = defined_patterns(&text);
    let mut inlined = Vec::new();
    for name in pattern_names(&text) {
        if own.contains(&name) {
            continue;
        }
        if let Some(p) = lib.pattern(&name)
            && !p.source.is_bundled()
        {
            inlined.push(p);
        }
    }
    if !inlined.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(
            "\n# Breathing patterns of the sender's, included so this file works on its own.\n",
        );
        for p in inlined {
            out.push('\n');
            out.push_str(&pattern_toml(p));
        }
    }
    let mut warnings = Vec::new();
    let mut base = Library::load(None);
    for s in &r.steps {
        if let Some(a) = &s.art
            && !base.art.contains_key(&a.name)
        {
            warnings.push(format!(
                "step \"{}\" uses your drawing \"{}\", which is not in the file: send {}.txt from your art folder with it",
                s.title, a.name, a.name
            ));
        }
    }
    // Proof that it stands alone: it must load with only the bundled patterns (and the
    // drawings, which travel separately).
    base.art = lib.art.clone();
    let (loaded, problems) = base.check_text(&format!("{}.toml", r.id), &out);
    if let Some(p) = problems.first() {
        return Err(EditError::NotSelfContained {
            id: r.id.clone(),
            why: Some(p.message.clone()),
        });
    }
    if loaded.is_none() {
        return Err(EditError::NotSelfContained {
            id: r.id.clone(),
            why: None,
        });
    }
    Ok((out, warnings))
}
