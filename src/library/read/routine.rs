//! Routine files and breathing patterns: each key checked, with a position and a hint.

use super::*;

/// Reads a `[patterns]` table. `reserved` are names the file may not take (the bundled
/// patterns', for every user file).
pub(crate) fn read_patterns(
    rep: &mut Reporter<'_>,
    v: &Spanned<DeValue<'_>>,
    source: &Source,
    reserved: &[String],
) -> Vec<Pattern> {
    let DeValue::Table(t) = v.get_ref() else {
        wrong_type(
            rep,
            "patterns",
            v,
            "a table",
            "write [patterns.my-pattern] with inhale and exhale",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    if t.len() > MAX_PATTERNS {
        rep.error(
            v.span(),
            format!(
                "{} breathing patterns in one file; only the first {MAX_PATTERNS} are read, {} skipped",
                t.len(),
                t.len() - MAX_PATTERNS
            ),
            Some(format!("keep at most {MAX_PATTERNS} patterns in a file")),
        );
    }
    for (name, body) in t.iter().take(MAX_PATTERNS) {
        let id: &str = name.get_ref();
        if !valid_id(id) {
            rep.error(
                name.span(),
                format!("pattern name \"{id}\" is not usable"),
                Some(format!("use {ID_RULE}, e.g. [patterns.my-calm]")),
            );
            continue;
        }
        if reserved.iter().any(|r| r == id) {
            rep.error(
                name.span(),
                format!("\"{id}\" is a bundled breathing pattern's name"),
                Some(format!(
                    "give yours a name of its own, e.g. [patterns.my-{id}], and use that name on your steps: the bundled \"{id}\" stays the same in every routine"
                )),
            );
            continue;
        }
        if let Some(p) = read_pattern(rep, id, body, source) {
            out.push(p);
        }
    }
    out
}

/// What an id may be made of, for messages: it names a file, is typed after `knotless run`
/// and is offered by shell completions, so it never starts with a dash (`-rf` would be
/// read as options).
pub const ID_RULE: &str =
    "at most 64 letters, digits, dashes and underscores, not starting with a dash";

pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(crate) fn read_pattern(
    rep: &mut Reporter<'_>,
    id: &str,
    body: &Spanned<DeValue<'_>>,
    source: &Source,
) -> Option<Pattern> {
    let DeValue::Table(t) = body.get_ref() else {
        wrong_type(
            rep,
            id,
            body,
            "a table",
            "write [patterns.NAME] with inhale = \"4s\" and exhale = \"6s\"",
        );
        return None;
    };
    let before = rep.problems.len();
    check_keys(rep, t, PATTERN_KEYS, &format!("pattern `{id}`"));
    let description = get_str(rep, t, "description").map(|(s, _)| s.to_string());
    let mut phases = Vec::new();
    let simple = ["inhale", "hold_in", "exhale", "hold_out"];
    let has_simple = simple.iter().any(|k| t.contains_key(*k));
    if let Some(v) = t.get("phases") {
        if has_simple {
            rep.error(
                v.span(),
                format!("pattern `{id}` has both `phases` and inhale/exhale"),
                Some("use either the phases list or inhale/hold_in/exhale/hold_out".into()),
            );
        }
        match v.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let Some(ph) = read_phase(rep, item) {
                        phases.push(ph);
                    }
                }
            }
            _ => wrong_type(
                rep,
                "phases",
                v,
                "a list",
                "phases = [{ kind = \"in\", length = \"4s\" }, ...]",
            ),
        }
    } else {
        for (key, kind) in [
            ("inhale", PhaseKind::In),
            ("hold_in", PhaseKind::Hold),
            ("exhale", PhaseKind::Out),
            ("hold_out", PhaseKind::Hold),
        ] {
            if let Some((d, span)) = get_duration(rep, t, key) {
                if d.is_zero() {
                    continue;
                }
                if !check_phase_len(rep, d, span) {
                    continue;
                }
                phases.push(Phase {
                    kind,
                    length: d,
                    label: None,
                });
            }
        }
        for key in ["inhale", "exhale"] {
            if !t.contains_key(key) && rep.problems.len() == before {
                rep.error(
                    body.span(),
                    format!("pattern `{id}` has no `{key}`"),
                    Some("a pattern needs at least inhale and exhale, e.g. inhale = \"4s\", exhale = \"6s\"".into()),
                );
            }
        }
    }
    if rep.problems.len() > before {
        return None;
    }
    if phases.is_empty() {
        rep.error(body.span(), format!("pattern `{id}` has no phases"), None);
        return None;
    }
    if !phases.iter().any(|p| p.kind == PhaseKind::In)
        || !phases.iter().any(|p| p.kind == PhaseKind::Out)
    {
        rep.error(
            body.span(),
            format!("pattern `{id}` needs at least one in and one out phase"),
            None,
        );
        return None;
    }
    let total: Duration = phases.iter().map(|p| p.length).sum();
    if total > MAX_PHASE * 2 {
        rep.error(
            body.span(),
            format!("one breath of `{id}` lasts {}s", total.as_secs()),
            Some("a whole breath must take at most 2 minutes".into()),
        );
        return None;
    }
    Some(Pattern {
        id: id.to_string(),
        description,
        phases,
        source: source.clone(),
    })
}

pub(crate) fn check_phase_len(rep: &mut Reporter<'_>, d: Duration, span: Range<usize>) -> bool {
    if d < MIN_PHASE || d > MAX_PHASE {
        rep.error(
            span,
            "a breathing phase must last between 100ms and 60s".to_string(),
            Some("for example \"4s\" or \"5s 500ms\"".into()),
        );
        false
    } else {
        true
    }
}

pub(crate) fn read_phase(rep: &mut Reporter<'_>, item: &Spanned<DeValue<'_>>) -> Option<Phase> {
    let DeValue::Table(t) = item.get_ref() else {
        wrong_type(
            rep,
            "each phase",
            item,
            "a table",
            "{ kind = \"in\", length = \"4s\" }",
        );
        return None;
    };
    let before = rep.problems.len();
    check_keys(rep, t, PHASE_KEYS, "a phase");
    let kind = get_choice(
        rep,
        t,
        "kind",
        "phase kind",
        &["in", "hold", "out"],
        PhaseKind::parse,
    );
    let kind = require(
        rep,
        t,
        "kind",
        kind,
        item.span(),
        "a phase needs a `kind`",
        "kind = \"in\", \"hold\" or \"out\"",
    );
    let length = match get_duration(rep, t, "length") {
        Some((d, span)) => check_phase_len(rep, d, span).then_some(d),
        None => {
            if !t.contains_key("length") {
                rep.error(
                    item.span(),
                    "a phase needs a `length`",
                    Some("length = \"4s\"".into()),
                );
            }
            None
        }
    };
    let label = get_str(rep, t, "label")
        .and_then(|(s, span)| one_line(rep, "label", s, span).then(|| s.to_string()));
    if rep.problems.len() > before {
        return None;
    }
    Some(Phase {
        kind: kind?,
        length: length?,
        label,
    })
}

/// The breathing setting of a routine or step: a pattern, or "none".
pub(crate) enum Breathing {
    Off,
    On(Arc<Pattern>),
}

/// What one routine file's steps can see while it is read: the library's drawings and
/// library-wide patterns (bundled and `config.toml`'s), and the patterns of its own file.
pub(crate) struct Scope<'a> {
    /// The library-wide patterns, bundled and `config.toml`'s.
    pub patterns: &'a [Arc<Pattern>],
    pub art: &'a BTreeMap<String, Art>,
    /// The patterns this file defines, shared as the library's are.
    pub local: Vec<Arc<Pattern>>,
    /// Which file defines each routine-file pattern, to point at it when another file
    /// names it.
    pub elsewhere: &'a BTreeMap<String, String>,
}

impl Scope<'_> {
    /// The pattern `name`: this file's own, else the library's (shared, not copied).
    fn pattern(&self, name: &str) -> Option<Arc<Pattern>> {
        let local = self.local.iter().find(|p| p.id == name);
        local
            .or_else(|| self.patterns.iter().find(|p| p.id == name))
            .cloned()
    }
}

pub(crate) fn read_breathing(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    scope: &Scope<'_>,
) -> Option<Breathing> {
    let (name, span) = get_str(rep, t, "breathing")?;
    if name == "none" {
        return Some(Breathing::Off);
    }
    if let Some(p) = scope.pattern(name) {
        return Some(Breathing::On(p));
    }
    let hint = match scope.elsewhere.get(name) {
        Some(file) => format!(
            "\"{name}\" is defined in {file}, and a routine file's patterns are its own: copy the [patterns.{name}] table into this file, or move it to config.toml to use it everywhere"
        ),
        None => {
            let mut names: Vec<&str> = scope.local.iter().map(|p| p.id.as_str()).collect();
            names.extend(scope.patterns.iter().map(|p| p.id.as_str()));
            names.push("none");
            suggest(name, &names)
        }
    };
    rep.error(
        span,
        format!("unknown breathing pattern \"{name}\""),
        Some(hint),
    );
    None
}

pub(crate) fn read_routine(
    rep: &mut Reporter<'_>,
    doc: &Spanned<DeTable<'_>>,
    stem: &str,
    source: &Source,
    scope: &Scope<'_>,
) -> Option<Routine> {
    let t = doc.get_ref();
    check_keys(rep, t, ROUTINE_KEYS, "a routine");
    let id = match get_str(rep, t, "id") {
        Some((s, span)) => {
            if !valid_id(s) {
                rep.error(
                    span,
                    format!("id \"{s}\" is not usable"),
                    Some(format!("use {ID_RULE}")),
                );
            }
            s.to_string()
        }
        None => stem.to_string(),
    };
    if !valid_id(&id) && !t.contains_key("id") {
        rep.error(
            0..0,
            format!("the file name \"{}\" cannot be used as an id", stem),
            Some(format!(
                "rename the file using {ID_RULE}, or set id = \"...\""
            )),
        );
    }
    let name = get_line(
        rep,
        t,
        "name",
        "the routine's name is empty",
        "name = \"Neck release\"",
    );
    let name = require(
        rep,
        t,
        "name",
        name,
        0..0,
        "the routine has no name",
        "add name = \"...\" at the top of the file",
    );
    let area = get_choice(rep, t, "area", "area", &Area::names(), Area::parse);
    let area = require(
        rep,
        t,
        "area",
        area,
        0..0,
        "the routine has no area",
        &format!("add area = \"...\", one of: {}", Area::names().join(", ")),
    );
    let summary = get_str(rep, t, "summary")
        .map(|(s, _)| s.trim().to_string())
        .unwrap_or_default();
    let equipment = get_str_list(rep, t, "equipment");
    let cautions = get_str_list(rep, t, "cautions");
    let default_breathing = read_breathing(rep, t, scope);
    let default_transition = get_duration(rep, t, "transition")
        .map(|(d, span)| check_transition(rep, d, span))
        .unwrap_or(DEFAULT_TRANSITION);
    let audio = get_choice(
        rep,
        t,
        "audio",
        "audio hint",
        &AudioHint::NAMES,
        AudioHint::parse,
    )
    .unwrap_or_default();

    let mut steps = Vec::new();
    match t.get("steps") {
        None => rep.error(
            0..0,
            "the routine has no steps",
            Some("add at least one [[steps]] table with a title and a duration".into()),
        ),
        Some(v) => match v.get_ref() {
            DeValue::Array(items) if items.is_empty() => rep.error(
                v.span(),
                "the routine has no steps",
                Some("add at least one [[steps]] table".into()),
            ),
            DeValue::Array(items) if items.len() > MAX_STEPS => rep.error(
                v.span(),
                format!(
                    "the routine has {} steps, more than {MAX_STEPS}",
                    items.len()
                ),
                Some("split it into shorter routines".into()),
            ),
            DeValue::Array(items) => {
                // Exactly as many as there are: a folder of 500 routines holds them all.
                steps.reserve_exact(items.len());
                for item in items.iter() {
                    if let Some(s) =
                        read_step(rep, item, scope, &default_breathing, default_transition)
                    {
                        steps.push(s);
                    }
                }
            }
            _ => wrong_type(
                rep,
                "steps",
                v,
                "a list of [[steps]] tables",
                "write each step as [[steps]] with a title and a duration",
            ),
        },
    }
    if !rep.is_clean() {
        return None;
    }
    let routine = Routine {
        id,
        name: name?,
        area: area?,
        summary,
        equipment,
        cautions,
        steps,
        patterns: scope.local.iter().map(|p| Pattern::clone(p)).collect(),
        source: source.clone(),
        audio,
    };
    if routine.total() > MAX_ROUTINE {
        rep.error(
            t.get("steps").map(|v| v.span()).unwrap_or(0..0),
            format!(
                "the routine lasts {}, longer than 3 hours",
                crate::model::format::fmt_clock(routine.total())
            ),
            Some("split it into shorter routines".into()),
        );
        return None;
    }
    Some(routine)
}

pub(crate) fn check_transition(
    rep: &mut Reporter<'_>,
    d: Duration,
    span: Range<usize>,
) -> Duration {
    if d > Duration::from_secs(120) {
        rep.error(
            span,
            "a transition must be at most 2 minutes",
            Some("for example transition = \"5s\"; \"0s\" for none".into()),
        );
        DEFAULT_TRANSITION
    } else {
        d
    }
}

pub(crate) fn read_step(
    rep: &mut Reporter<'_>,
    item: &Spanned<DeValue<'_>>,
    scope: &Scope<'_>,
    default_breathing: &Option<Breathing>,
    default_transition: Duration,
) -> Option<Step> {
    let DeValue::Table(t) = item.get_ref() else {
        wrong_type(
            rep,
            "each step",
            item,
            "a table",
            "write each step as [[steps]]",
        );
        return None;
    };
    let before = rep.problems.len();
    check_keys(rep, t, STEP_KEYS, "a step");
    let title = read_title(rep, t, item);
    let step_breathing = read_breathing(rep, t, scope);
    let pattern = match step_breathing.as_ref().or(default_breathing.as_ref()) {
        Some(Breathing::On(p)) => Some(p.clone()),
        _ => None,
    };
    let length = read_length(rep, t, item, pattern.as_deref());
    let planned = length
        .as_ref()
        .and_then(|(l, span)| planned_length(rep, *l, span, pattern.as_deref()));
    let pressure = read_pressure(rep, t);
    if pressure.is_some() {
        no_holds_while_pressing(rep, t, item, pattern.as_deref());
    }
    let sides =
        get_choice(rep, t, "sides", "side", &Sides::NAMES, Sides::parse).unwrap_or_default();
    let region = get_choice(rep, t, "region", "region", &Region::names(), Region::parse);
    let technique = get_choice(
        rep,
        t,
        "technique",
        "technique",
        &Technique::names(),
        Technique::parse,
    );
    let art = read_art(rep, t, scope.art);
    let transition = get_duration(rep, t, "transition")
        .map(|(d, span)| check_transition(rep, d, span))
        .unwrap_or(default_transition);
    let [instructions, cue, caution, switch_cue] = ["instructions", "cue", "caution", "switch_cue"]
        .map(|key| get_str(rep, t, key).map(|(s, _)| s.trim().to_string()));
    let instructions = instructions.unwrap_or_default();
    let say = read_say(rep, t);
    if rep.problems.len() > before {
        return None;
    }
    Some(Step {
        title: title?,
        length: length?.0,
        planned: planned?,
        instructions,
        cue,
        pressure,
        breathing: pattern,
        caution,
        sides,
        art,
        transition,
        switch_cue,
        region,
        technique,
        say,
    })
}

/// A step's `title`: required, not empty.
fn read_title(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    item: &Spanned<DeValue<'_>>,
) -> Option<String> {
    let title = get_line(
        rep,
        t,
        "title",
        "the step's title is empty",
        "title = \"Suboccipital hold\"",
    );
    require(
        rep,
        t,
        "title",
        title,
        item.span(),
        "a step has no title",
        "add title = \"...\" to this [[steps]] table",
    )
}

/// A step with pressure breathes without holds (guide rule 7).
fn no_holds_while_pressing(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    item: &Spanned<DeValue<'_>>,
    pattern: Option<&Pattern>,
) {
    let Some(p) = pattern.filter(|p| p.has_holds()) else {
        return;
    };
    let span = t.get("breathing").map(|v| v.span()).unwrap_or(item.span());
    // A hold written as a breath too long to be one is named, or the "hold" is a puzzle.
    let why = match p.overlong_breaths().first() {
        Some((kind, length)) => format!(
            " (breathing {} for {}s in one go is holding the breath)",
            if *kind == PhaseKind::In { "in" } else { "out" },
            crate::model::routine::fmt_secs_short(*length)
        ),
        None => String::new(),
    };
    rep.error(
        span,
        format!(
            "breath holds (\"{}\") are not allowed during a pressure step{why}",
            p.id
        ),
        Some("use relaxed, resonance or extended-exhale while pressing; keep hold patterns for a seated breathing step".into()),
    );
}

/// A step's `duration` or `breaths` (exactly one of them), with where it was written.
fn read_length(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    item: &Spanned<DeValue<'_>>,
    pattern: Option<&Pattern>,
) -> Option<(Length, Range<usize>)> {
    match (t.get("duration"), t.get("breaths")) {
        (Some(_), Some(b)) => {
            rep.error(
                b.span(),
                "a step has both `duration` and `breaths`",
                Some("keep one: duration = \"90s\" or breaths = 9".into()),
            );
            None
        }
        (None, None) if has_typo_of(t, &["duration", "breaths"]) => None,
        (None, None) => {
            rep.error(
                item.span(),
                "a step has neither `duration` nor `breaths`",
                Some("add duration = \"90s\" or breaths = 9".into()),
            );
            None
        }
        (Some(_), None) => {
            get_duration(rep, t, "duration").map(|(d, span)| (Length::Time(d), span))
        }
        (None, Some(_)) => read_breaths(rep, t, pattern),
    }
}

/// `breaths = N`: at least 1, not absurd, and only with a pattern to count.
fn read_breaths(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    pattern: Option<&Pattern>,
) -> Option<(Length, Range<usize>)> {
    let (n, span) = get_int(rep, t, "breaths")?;
    if n < 1 {
        rep.error(
            span,
            format!("breaths must be at least 1, not {n}"),
            Some("for example breaths = 6 (about a minute at 6 breaths a minute)".into()),
        );
        return None;
    }
    if n > 10_000 {
        rep.error(
            span,
            format!("{n} breaths is far longer than a step can be"),
            Some("a step lasts at most 1 hour".into()),
        );
        return None;
    }
    if pattern.is_none() {
        rep.error(
            span,
            "a step counted in breaths needs a breathing pattern",
            Some("set breathing = \"relaxed\" (or another pattern) on the step or the routine, or use duration".into()),
        );
        return None;
    }
    Some((Length::Breaths(n as u32), span))
}

/// How long one side of the step lasts: 1 second to 1 hour.
fn planned_length(
    rep: &mut Reporter<'_>,
    l: Length,
    span: &Range<usize>,
    pattern: Option<&Pattern>,
) -> Option<Duration> {
    let d = match l {
        Length::Time(d) => d,
        Length::Breaths(n) => pattern.map(|p| p.cycle() * n)?,
    };
    if (MIN_STEP..=MAX_STEP).contains(&d) {
        return Some(d);
    }
    let written = match l {
        // What the file says, quotes and all: "500ms", not "0s".
        Length::Time(_) => rep.written(span).trim().to_string(),
        Length::Breaths(n) => format!(
            "{} ({})",
            crate::model::format::fmt_breaths(n),
            crate::model::format::fmt_length(d)
        ),
    };
    // The length was read; it is its size that is wrong, so the hint says what to do.
    let hint = if d < MIN_STEP {
        "a step needs at least a second; write \"1s\" or more"
    } else {
        "split a longer stretch into several steps of an hour at most"
    };
    rep.error(
        span.clone(),
        format!("a step must last between 1 second and 1 hour, not {written}"),
        Some(hint.to_string()),
    );
    None
}

/// A step's `art`: a drawing the library has.
fn read_art(rep: &mut Reporter<'_>, t: &DeTable<'_>, art: &BTreeMap<String, Art>) -> Option<Art> {
    let (name, span) = get_str(rep, t, "art")?;
    if let Some(a) = art.get(name) {
        return Some(a.clone());
    }
    let names: Vec<&str> = art.keys().map(String::as_str).collect();
    rep.error(
        span,
        format!("unknown drawing \"{name}\""),
        Some(suggest(name, &names)),
    );
    None
}

/// A step's `say`: one short line of plain text.
fn read_say(rep: &mut Reporter<'_>, t: &DeTable<'_>) -> Option<String> {
    let say = get_text(
        rep,
        t,
        "say",
        "the step's `say` is empty",
        "say = \"Let the head grow heavy.\" (or leave it out)",
    );
    if let (Some(text), Some(v)) = (&say, t.get("say")) {
        let n = text.chars().count();
        if n > MAX_SAY_CHARS {
            rep.error(
                v.span(),
                format!("`say` is {n} characters; a spoken cue must be at most {MAX_SAY_CHARS}"),
                Some("keep it to one short sentence; the instructions stay on screen".into()),
            );
        } else if text.chars().any(char::is_control) {
            rep.error(
                v.span(),
                "`say` must be one line of plain text",
                Some("remove line breaks and tabs".into()),
            );
        }
    }
    say
}

/// Whether an unknown key looks like a misspelling of one of `keys` (already reported,
/// so a second "missing" error would only confuse).
pub(crate) fn has_typo_of(t: &DeTable<'_>, keys: &[&str]) -> bool {
    t.iter().any(|(k, _)| {
        let k: &str = k.get_ref();
        !STEP_KEYS.contains(&k) && super::diag::closest(k, keys.iter().copied()).is_some()
    })
}

pub(crate) fn read_pressure(rep: &mut Reporter<'_>, t: &DeTable<'_>) -> Option<Pressure> {
    let v = t.get("pressure")?;
    let hint = "pressure is on the 0-10 scale: a number such as 3, or a range such as \"3-4\"";
    let bad = |rep: &mut Reporter<'_>, what: Cow<'_, str>| {
        rep.error(
            v.span(),
            format!("pressure {what} is outside 0-10"),
            Some(hint.to_string()),
        );
    };
    let parse_one = |s: &str| s.trim().parse::<i64>().ok();
    let (lo, hi) = match v.get_ref() {
        DeValue::Integer(i) => {
            let n = i64::from_str_radix(i.as_str(), i.radix()).unwrap_or(i64::MAX);
            (n, n)
        }
        DeValue::String(s) => {
            let parts: Vec<&str> = s.split(['-', '–']).collect();
            let range = match parts.as_slice() {
                [one] => parse_one(one).map(|n| (n, n)),
                [a, b] => parse_one(a).zip(parse_one(b)),
                _ => None,
            };
            let Some(range) = range else {
                rep.error(
                    v.span(),
                    format!("\"{s}\" is not a pressure"),
                    Some(hint.to_string()),
                );
                return None;
            };
            range
        }
        _ => {
            wrong_type(rep, "pressure", v, "a number or a range in quotes", hint);
            return None;
        }
    };
    if !(0..=10).contains(&lo) || !(0..=10).contains(&hi) {
        let what = if lo == hi {
            format!("{lo}")
        } else {
            format!("{lo}-{hi}")
        };
        bad(rep, what.into());
        return None;
    }
    if lo > hi {
        rep.error(
            v.span(),
            format!("pressure range {lo}-{hi} goes downwards"),
            Some("write the lower number first, e.g. \"3-4\"".into()),
        );
        return None;
    }
    Some(Pressure {
        low: lo as u8,
        high: hi as u8,
    })
}
