//! How durations, dates and counts are written for people — stated once, used by every
//! screen and command.

/// "today", "yesterday", "3 days ago" ("in 2 days" for a clock that was ahead).
pub fn fmt_days_ago(days: i32) -> String {
    match days {
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        -1 => "tomorrow".to_string(),
        d if d < 0 => format!("in {} days", -d),
        d => format!("{d} days ago"),
    }
}

/// Whether `c` must never reach a terminal from data: C0 controls other than newline and
/// tab (ESC starts every escape sequence; a carriage return is kept only right before a
/// newline, where it ends a CSV or raw-mode line), DEL, C1 controls (U+0080–U+009F: CSI, OSC …), and
/// the bidirectional formatting characters that make text display in another order than
/// it is stored (U+202E "right-to-left override" and its kin).
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// What stands in for an unsafe character in text for people: visible, one column wide.
pub const REPLACEMENT: char = '\u{fffd}';

/// `text` with every character [`is_unsafe_char`] replaced by [`REPLACEMENT`]. The one
/// function every text writer uses (command output, plain mode, warnings and errors, the
/// app's screens), so no routine, file name or history record can move the cursor, clear
/// the screen, set the window title, write the clipboard or reorder what is shown.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if !unsafe_positions(text).any(|_| true) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (i, c) in unsafe_positions(text) {
        out.push_str(&text[start..i]);
        out.push(REPLACEMENT);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
    std::borrow::Cow::Owned(out)
}

/// The unsafe characters of `text` and where they are; `\r` counts unless a `\n` follows.
pub fn unsafe_positions(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.char_indices().filter(move |&(i, c)| {
        is_unsafe_char(c) && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
    })
}

/// How a [`SafeWriter`] writes an unsafe character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neutralise {
    /// As [`REPLACEMENT`] (text for people).
    Replace,
    /// As a JSON escape (`\u202e`): serde already escapes C0, and the rest can only be
    /// inside strings, so the output stays the same JSON with the same values.
    JsonEscape,
}

/// A writer that passes everything through [`neutralise`] (or escapes for JSON) on its way
/// to `inner`: wrapped around stdout and stderr, it covers every line a command prints.
/// Bytes that are not UTF-8 are replaced too; a character split across two writes is held
/// until its end arrives.
pub struct SafeWriter<W: std::io::Write> {
    inner: W,
    mode: Neutralise,
    /// The start of a character whose remaining bytes have not been written yet.
    pending: Vec<u8>,
}

impl<W: std::io::Write> SafeWriter<W> {
    pub fn new(inner: W, mode: Neutralise) -> Self {
        SafeWriter {
            inner,
            mode,
            pending: Vec::new(),
        }
    }

    /// Writes `text`; true when a final `\r` was held back (see [`SafeWriter::write`]).
    fn emit(&mut self, text: &str) -> std::io::Result<bool> {
        // A carriage return at the very end may be the first half of "\r\n".
        let (text, held) = match text.strip_suffix('\r') {
            Some(t) => (t, true),
            None => (text, false),
        };
        let mut start = 0;
        for (i, c) in unsafe_positions(text) {
            self.inner.write_all(&text.as_bytes()[start..i])?;
            match self.mode {
                Neutralise::Replace => write!(self.inner, "{REPLACEMENT}")?,
                Neutralise::JsonEscape => write!(self.inner, "\\u{:04x}", c as u32)?,
            }
            start = i + c.len_utf8();
        }
        self.inner.write_all(&text.as_bytes()[start..])?;
        Ok(held)
    }
}

impl<W: std::io::Write> std::io::Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let mut rest: &[u8] = &bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    if self.emit(text)? {
                        self.pending.push(b'\r');
                    }
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    let text = std::str::from_utf8(&rest[..good]).expect("checked");
                    let held = self.emit(text)?;
                    match e.error_len() {
                        Some(n) => {
                            if held {
                                write!(self.inner, "{REPLACEMENT}")?;
                            }
                            write!(self.inner, "{REPLACEMENT}")?;
                            rest = &rest[good + n..];
                        }
                        // Cut off at the end: the rest of the character comes next write.
                        None => {
                            if held {
                                self.pending.push(b'\r');
                            }
                            self.pending.extend_from_slice(&rest[good..]);
                            break;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.clear();
            write!(self.inner, "{REPLACEMENT}")?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const NASTY: &str = "a\u{1b}[2J\u{1b}]52;c;aGk=\u{7}b\u{9b}c\u{202e}d\u{85}e\u{7f}\r";

    #[test]
    fn every_unsafe_character_is_replaced() {
        let out = neutralise(NASTY);
        assert!(!out.chars().any(is_unsafe_char), "{out:?}");
        assert!(out.starts_with('a') && out.contains('b') && out.contains('d'));
        assert_eq!(neutralise("line\n\tok\r\n"), "line\n\tok\r\n");
        assert_eq!(neutralise("a\rb"), "a\u{fffd}b");
    }

    #[test]
    fn the_writer_replaces_split_characters_and_escapes_json() {
        let mut w = SafeWriter::new(Vec::new(), Neutralise::Replace);
        let bytes = NASTY.as_bytes();
        for b in bytes {
            w.write_all(std::slice::from_ref(b)).unwrap();
        }
        w.flush().unwrap();
        let text = String::from_utf8(w.inner).unwrap();
        assert_eq!(text, neutralise(NASTY));
        let mut w = SafeWriter::new(Vec::new(), Neutralise::Replace);
        for part in ["a\r", "\nb\r", "c\r"] {
            w.write_all(part.as_bytes()).unwrap();
        }
        w.flush().unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "a\r\nb\u{fffd}c\u{fffd}"
        );

        let json = serde_json::to_string(&serde_json::json!({ "t": NASTY })).unwrap();
        let mut w = SafeWriter::new(Vec::new(), Neutralise::JsonEscape);
        w.write_all(json.as_bytes()).unwrap();
        let text = String::from_utf8(w.inner).unwrap();
        assert!(!text.chars().any(is_unsafe_char), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["t"], NASTY, "the same value");
    }
}
