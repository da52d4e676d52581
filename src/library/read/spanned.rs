//! Reading spanned TOML: typed getters that report `path:line:col` with a hint, the nesting guard, and durations such as "1m 30s".

use super::*;

/// Parses a document, refusing pathological nesting before the parser sees it.
pub(crate) fn parse_doc<'i>(rep: &mut Reporter<'_>, text: &'i str) -> Option<Spanned<DeTable<'i>>> {
    if let Some(at) = too_deep(text) {
        rep.error(
            at..at,
            format!("nested more than {MAX_NESTING} levels deep"),
            Some("routine files only need a few levels of [tables] and [arrays]".into()),
        );
        return None;
    }
    match DeTable::parse(text) {
        Ok(doc) => Some(doc),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            rep.error(
                span,
                format!("not valid TOML: {msg}"),
                Some("the routine file format is in `knotless man routine`".into()),
            );
            None
        }
    }
}

/// The offset where bracket nesting passes the limit, ignoring brackets inside strings
/// and comments. A rough scan, but it only has to be conservative: a string ends at its
/// quote or at the end of its line. Strings and comments, nearly all of a routine's text,
/// are passed over with `memchr`.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'#' => i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n),
            b'"' | b'\'' => loop {
                let rest = b.get(i + 1..)?;
                let n = if c == b'"' {
                    memchr::memchr3(c, b'\\', b'\n', rest)?
                } else {
                    memchr::memchr2(c, b'\n', rest)?
                };
                i += 1 + n;
                if b[i] != b'\\' {
                    break;
                }
                // An escape: the byte after it cannot end the string.
                i += 1;
            },
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

pub(crate) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

pub(crate) fn check_keys(rep: &mut Reporter<'_>, t: &DeTable<'_>, known: &[&str], what: &str) {
    for (k, _) in t.iter() {
        let key: &str = k.get_ref();
        if known.contains(&key) {
            continue;
        }
        // A step key written at the top of a routine is a common slip: say where it goes.
        let hint = match super::diag::closest(key, STEP_KEYS.iter().copied()) {
            Some(step_key) if known == ROUTINE_KEYS && !ROUTINE_KEYS.contains(&step_key) => {
                format!("`{step_key}` belongs inside a [[steps]] table")
            }
            _ => suggest(key, known),
        };
        rep.error(
            k.span(),
            format!("unknown key `{key}` in {what}"),
            Some(hint),
        );
    }
}

/// How long a text value may be, in characters, by its key: a name or a title is one line
/// on a screen; instructions, a summary or a caution a few paragraphs. Every text a routine
/// shows, and every title the history keeps, is bounded here, at load (so `check` says so),
/// which keeps a session's record — every step's title, both sides — far below the line
/// length the history's readers accept (see `store::history::MAX_LINE`).
pub const TEXT_LIMITS: &[(&str, usize)] = &[
    ("name", 80),
    ("title", 80),
    ("label", 40),
    ("equipment", 200),
    ("cue", 300),
    ("switch_cue", 300),
    ("caution", 1000),
    ("cautions", 1000),
    ("summary", 2000),
    ("description", 2000),
    ("instructions", 2000),
];
/// The bound for any other text value (a hook's command line, say).
pub const OTHER_TEXT_LIMIT: usize = 4000;

/// The most characters `key`'s text may have ([`TEXT_LIMITS`]).
pub fn text_limit(key: &str) -> usize {
    TEXT_LIMITS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(OTHER_TEXT_LIMIT, |(_, n)| *n)
}

/// Reports a text longer than its key allows, naming it `` `key` `` (or an item of it, in a
/// list). True when it fits.
fn fits(rep: &mut Reporter<'_>, key: &str, item: bool, s: &str, span: Range<usize>) -> bool {
    let max = text_limit(key);
    // No more bytes than the limit: no more characters either, without counting them.
    if s.len() <= max {
        return true;
    }
    let n = s.chars().count();
    if n <= max {
        return true;
    }
    let what = if item {
        format!("an item of `{key}`")
    } else {
        format!("`{key}`")
    };
    rep.error(
        span,
        format!("{what} is {n} characters, longer than {max}"),
        Some(format!("keep `{key}` to at most {max} characters")),
    );
    false
}

/// Reports a control character or bidi override in a text value (an escape sequence would
/// reach the terminal of everyone who runs the routine), at the character itself when it is
/// written as is, else at the value (naming an item of `key`, in a list). True when the text
/// is clean.
pub(crate) fn no_controls(
    rep: &mut Reporter<'_>,
    key: &str,
    item: bool,
    s: &str,
    span: Range<usize>,
) -> bool {
    let Some((_, c)) = crate::model::format::unsafe_positions(s).next() else {
        return true;
    };
    let at = rep
        .source()
        .get(span.clone())
        .and_then(|raw| raw.find(c))
        .map_or(span.start, |i| span.start + i);
    let name = if item {
        format!("each item of `{key}`")
    } else {
        key.to_string()
    };
    rep.error(
        at..at + 1,
        format!("`{name}` contains the control character U+{:04X}", c as u32),
        Some(
            "remove it: control characters and text-direction overrides could rewrite the terminal"
                .into(),
        ),
    );
    false
}

pub(crate) fn wrong_type(
    rep: &mut Reporter<'_>,
    key: &str,
    v: &Spanned<DeValue<'_>>,
    want: &str,
    hint: &str,
) {
    rep.error(
        v.span(),
        format!("`{key}` must be {want}, not {}", type_name(v.get_ref())),
        Some(hint.to_string()),
    );
}

pub(crate) fn get_str<'t>(
    rep: &mut Reporter<'_>,
    t: &'t DeTable<'_>,
    key: &str,
) -> Option<(&'t str, Range<usize>)> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::String(s) => {
            if !no_controls(rep, key, false, s, v.span()) || !fits(rep, key, false, s, v.span()) {
                return None;
            }
            Some((s.as_ref(), v.span()))
        }
        _ => {
            wrong_type(
                rep,
                key,
                v,
                "a string",
                &format!("for example {key} = \"...\""),
            );
            None
        }
    }
}

/// A field naming one of `names`; an unknown name is reported with the closest valid one.
pub(crate) fn get_choice<T>(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
    what: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let (s, span) = get_str(rep, t, key)?;
    let v = parse(s);
    if v.is_none() {
        rep.error(
            span,
            format!("unknown {what} \"{s}\""),
            Some(suggest(s, names)),
        );
    }
    v
}

/// A text field that must not be blank, trimmed.
pub(crate) fn get_text(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
    empty: &str,
    hint: &str,
) -> Option<String> {
    let (s, span) = get_str(rep, t, key)?;
    if s.trim().is_empty() {
        rep.error(span, empty, Some(hint.to_string()));
        return None;
    }
    Some(s.trim().to_string())
}

/// [`get_text`] for a text shown as one line (a name, a title, a label): a line break or a
/// tab in it is refused, as it would break the lists it is shown in, or pass for a line of
/// the app's own.
pub(crate) fn get_line(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
    empty: &str,
    hint: &str,
) -> Option<String> {
    let text = get_text(rep, t, key, empty, hint)?;
    let span = t.get(key).map_or(0..0, |v| v.span());
    one_line(rep, key, &text, span).then_some(text)
}

/// Whether `text`, the value of `key` at `span`, is one line: a line break or a tab in it
/// is reported (see [`get_line`]).
pub(crate) fn one_line(rep: &mut Reporter<'_>, key: &str, text: &str, span: Range<usize>) -> bool {
    if !text.chars().any(char::is_control) {
        return true;
    }
    rep.error(
        span,
        format!("`{key}` must be one line of plain text"),
        Some("remove the line breaks and tabs: it is shown as one line".into()),
    );
    false
}

/// Reports a required field that is absent (a present but bad one was reported already).
pub(crate) fn require<T>(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
    value: Option<T>,
    at: Range<usize>,
    message: &str,
    hint: &str,
) -> Option<T> {
    if value.is_none() && !t.contains_key(key) {
        rep.error(at, message, Some(hint.to_string()));
    }
    value
}

pub(crate) fn get_bool(rep: &mut Reporter<'_>, t: &DeTable<'_>, key: &str) -> Option<bool> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        _ => {
            wrong_type(
                rep,
                key,
                v,
                "true or false",
                &format!("for example {key} = true"),
            );
            None
        }
    }
}

pub(crate) fn get_int(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
) -> Option<(i64, Range<usize>)> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Some((n, v.span())),
            Err(_) => {
                rep.error(v.span(), format!("`{key}` is far too large"), None);
                None
            }
        },
        _ => {
            wrong_type(
                rep,
                key,
                v,
                "a whole number",
                &format!("for example {key} = 3"),
            );
            None
        }
    }
}

pub(crate) fn get_str_list(rep: &mut Reporter<'_>, t: &DeTable<'_>, key: &str) -> Vec<String> {
    let Some(v) = t.get(key) else {
        return Vec::new();
    };
    let hint = || format!("for example {key} = [\"first\", \"second\"]");
    match v.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .filter_map(|item| match item.get_ref() {
                DeValue::String(s) => (no_controls(rep, key, true, s, item.span())
                    && fits(rep, key, true, s, item.span()))
                .then(|| s.to_string()),
                _ => {
                    wrong_type(
                        rep,
                        &format!("each item of `{key}`"),
                        item,
                        "a string",
                        &hint(),
                    );
                    None
                }
            })
            .collect(),
        _ => {
            wrong_type(rep, key, v, "a list of strings", &hint());
            Vec::new()
        }
    }
}

pub(crate) fn get_duration(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
) -> Option<(Duration, Range<usize>)> {
    let v = t.get(key)?;
    let DeValue::String(s) = v.get_ref() else {
        wrong_type(rep, key, v, "a duration in quotes", DURATION_HINT);
        return None;
    };
    match parse_duration(s) {
        Some(d) => Some((d, v.span())),
        None => {
            rep.error(
                v.span(),
                format!("\"{s}\" is not a duration"),
                Some(DURATION_HINT.to_string()),
            );
            None
        }
    }
}

/// A sub-table such as `[hooks]`; any other type is reported.
pub(crate) fn get_table<'t, 'i>(
    rep: &mut Reporter<'_>,
    t: &'t DeTable<'i>,
    key: &str,
) -> Option<&'t DeTable<'i>> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::Table(sub) => Some(sub),
        _ => {
            wrong_type(rep, key, v, "a table", &format!("write it as [{key}]"));
            None
        }
    }
}

/// humantime's forms ("90s", "1m 30s", "5s 500ms"), plus a single decimal number with a
/// unit ("5.5s", "1.5m"), which people naturally write for breathing patterns.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = humantime::parse_duration(s) {
        return Some(d);
    }
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hour" | "hours" => 3600.0,
        _ => return None,
    };
    let secs = n * scale;
    (secs.is_finite() && secs < 1e9).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The nesting scan as first written, byte by byte: the oracle for the fast one.
    fn too_deep_bytewise(text: &str) -> Option<usize> {
        let mut depth = 0usize;
        let mut in_str: Option<u8> = None;
        let mut comment = false;
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if comment {
                comment = c != b'\n';
            } else if let Some(q) = in_str {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q || c == b'\n' {
                    in_str = None;
                }
            } else {
                match c {
                    b'"' | b'\'' => in_str = Some(c),
                    b'#' => comment = true,
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > MAX_NESTING {
                            return Some(i);
                        }
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            i += 1;
        }
        None
    }

    #[test]
    fn nesting_is_found_outside_strings_and_comments_only() {
        let deep = "a = ".to_string() + &"[".repeat(MAX_NESTING + 1);
        assert_eq!(too_deep(&deep), Some(4 + MAX_NESTING));
        for hidden in [
            format!("a = \"{}\"", "[".repeat(40)),
            format!("a = '{}'", "[".repeat(40)),
            format!("# {}\nb = 1", "{".repeat(40)),
            format!("a = \"\\\"{}\"", "[".repeat(40)),
        ] {
            assert_eq!(too_deep(&hidden), None, "{hidden}");
        }
        // A string ends at the end of its line: the brackets after it count.
        let open = format!("a = \"x\n{}", "[".repeat(MAX_NESTING + 1));
        assert_eq!(too_deep(&open), Some(open.len() - 1));
        // An escape as the last byte ends the text, not the scan's bounds.
        assert_eq!(too_deep("a = \"\\"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_fast_scan_agrees_with_the_bytewise_one(
            parts in prop::collection::vec(
                prop_oneof![
                    Just("["), Just("]"), Just("{"), Just("}"), Just("\""), Just("'"),
                    Just("#"), Just("\n"), Just("\\"), Just("a = "), Just("é"),
                    Just("[[[[[[[[[[[[[[[["),
                ],
                0..120,
            )
        ) {
            let text: String = parts.concat();
            prop_assert_eq!(too_deep(&text), too_deep_bytewise(&text), "{:?}", text);
        }
    }
}
