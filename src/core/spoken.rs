//! Text as it should be heard: the one normaliser every spoken phrase goes through, so a
//! speech engine reads what a person would say, not the symbols.
//!
//! - pattern ids and digit runs: "4-7-8" → "4 7 8" (never "four dash seven dash eight");
//! - ranges and scores: "3-4" or "3–4" → "3 to 4", "3-4/10" → "3 to 4 out of 10";
//! - counts and units: "2x" → "twice", "3x" → "3 times", "30s" → "30 seconds",
//!   "2m" / "2 min" → "2 minutes";
//! - fractions: "½" → "a half", "1½" → "1 and a half" (and ¼, ¾);
//! - sides and choices: "L/R" → "left and right", "neck/shoulders" → "neck or shoulders";
//! - acupressure point ids: a point named in brackets after its description ("Web-of-hand
//!   press (LI4)") is left out — the words already say it; a bare id is read by its name
//!   ("LI4" → "Hegu");
//! - "&" → "and", "e.g." → "for example", "i.e." → "that is", "~30" → "about 30".
//!
//! Numbers stay digits: every speech engine reads "30" as a number.

/// Acupressure points by their meridian id, and the name a person would say.
const POINTS: &[(&str, &str)] = &[
    ("LI4", "Hegu"),
    ("LI11", "Quchi"),
    ("GB20", "Feng Chi"),
    ("GB21", "Jian Jing"),
    ("GV20", "Bai Hui"),
    ("LV3", "Tai Chong"),
    ("PC6", "Nei Guan"),
    ("ST36", "Zu San Li"),
    ("TE5", "Wai Guan"),
    ("BL2", "Zan Zhu"),
    ("BL10", "Tian Zhu"),
];

/// `text` as it should be spoken (see the module's doc).
pub fn spoken(text: &str) -> String {
    let text = symbols(&drop_bracketed_points(text));
    let words: Vec<String> = text.split_whitespace().map(word).collect();
    join_ranges(&words)
}

/// Characters a speech engine would name, as words.
fn symbols(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let after_digit = out.chars().last().is_some_and(|p| p.is_ascii_digit());
        let fraction = match c {
            '½' => Some("a half"),
            '¼' => Some("a quarter"),
            '¾' => Some("three quarters"),
            _ => None,
        };
        match (c, fraction) {
            (_, Some(f)) if after_digit => {
                out.push_str(" and ");
                out.push_str(f);
            }
            (_, Some(f)) => out.push_str(f),
            ('&', _) => out.push_str(" and "),
            ('~', _) if chars.peek().is_some_and(|n| n.is_ascii_digit()) => out.push_str("about "),
            ('×', _) => out.push('x'),
            ('—', _) => out.push_str(", "),
            _ => out.push(c),
        }
    }
    out.replace("e.g.", "for example")
        .replace("i.e.", "that is")
}

/// "(LI4)" after the words that describe the point: left out.
fn drop_bracketed_points(text: &str) -> String {
    let mut out = text.to_string();
    while let Some(open) = out.find('(') {
        let Some(len) = out[open..].find(')') else {
            break;
        };
        let inner = &out[open + 1..open + len];
        if !is_point_id(inner) {
            // Keep other brackets; look for more after this one.
            let rest = drop_bracketed_points(&out[open + len + 1..]);
            out.truncate(open + len + 1);
            out.push_str(&rest);
            break;
        }
        let start = out[..open].trim_end().len();
        out.replace_range(start..open + len + 1, "");
    }
    out
}

/// "LI4", "GB20": one to three capital letters and a number of one or two digits.
fn is_point_id(s: &str) -> bool {
    let letters = s.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &s[letters..];
    (1..=3).contains(&letters)
        && (1..=2).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// One whitespace-separated word, its punctuation kept around it.
fn word(w: &str) -> String {
    let lead = w.len() - w.trim_start_matches(['(', '"', '\'']).len();
    let core_end = w
        .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\''])
        .len();
    if lead >= core_end {
        return w.to_string();
    }
    let (head, core, tail) = (&w[..lead], &w[lead..core_end], &w[core_end..]);
    format!("{head}{}{tail}", core_word(core))
}

fn core_word(w: &str) -> String {
    if let Some((_, name)) = POINTS.iter().find(|(id, _)| *id == w) {
        return name.to_string();
    }
    match w {
        "L/R" => return "left and right".into(),
        "R/L" => return "right and left".into(),
        _ => {}
    }
    if let Some(s) = numbers(w) {
        return s;
    }
    if let Some(s) = count_or_unit(w) {
        return s;
    }
    // word/word: a choice.
    if let Some((a, b)) = w.split_once('/')
        && !a.is_empty()
        && !b.is_empty()
        && a.chars().chain(b.chars()).all(char::is_alphabetic)
    {
        return format!("{a} or {b}");
    }
    w.to_string()
}

/// Digit runs joined by dashes, and scores out of something.
fn numbers(w: &str) -> Option<String> {
    let (main, out_of) = match w.split_once('/') {
        Some((a, b)) if is_number(b) => (a, Some(b)),
        Some(_) => return None,
        None => (w, None),
    };
    let parts: Vec<&str> = main.split(['-', '–']).collect();
    if !parts.iter().all(|p| is_number(p)) {
        return None;
    }
    let mut s = match parts.len() {
        1 if out_of.is_none() => return None,
        1 => parts[0].to_string(),
        2 => format!("{} to {}", parts[0], parts[1]),
        _ => parts.join(" "),
    };
    if let Some(n) = out_of {
        s.push_str(&format!(" out of {n}"));
    }
    Some(s)
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// "2x", "30s", "2m", "90sec".
fn count_or_unit(w: &str) -> Option<String> {
    let digits = w.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (n, unit) = w.split_at(digits);
    let one = n == "1";
    let plural =
        |one_word: &str, many: &str| Some(format!("{n} {}", if one { one_word } else { many }));
    match unit {
        "x" | "X" => Some(match n {
            "1" => "once".to_string(),
            "2" => "twice".to_string(),
            _ => format!("{n} times"),
        }),
        "s" | "sec" | "secs" => plural("second", "seconds"),
        "m" | "min" | "mins" => plural("minute", "minutes"),
        "h" | "hr" | "hrs" => plural("hour", "hours"),
        _ => None,
    }
}

/// A dash standing alone between two numbers ("3 – 4") is a range; "2 min" is minutes.
fn join_ranges(words: &[String]) -> String {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let prev_number = out.last().is_some_and(|p| is_number(p));
        let next_number = words
            .get(i + 1)
            .is_some_and(|n| is_number(n.trim_end_matches(['.', ',', ';', ':', '!', '?', ')'])));
        let unit = match w.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']) {
            "s" | "sec" | "secs" => Some(("second", "seconds")),
            "min" | "mins" => Some(("minute", "minutes")),
            _ => None,
        };
        if (w == "-" || w == "–") && prev_number && next_number {
            out.push("to".into());
        } else if let (Some((one, many)), true) = (unit, prev_number) {
            let tail = &w[w
                .trim_end_matches(['.', ',', ';', ':', '!', '?', ')'])
                .len()..];
            let n = out.last().map(String::as_str) == Some("1");
            out.push(format!("{}{tail}", if n { one } else { many }));
        } else {
            out.push(w.clone());
        }
    }
    out.join(" ")
}
