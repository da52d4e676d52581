//! Problems found in user files, reported as `path:line:column: message` plus a hint a
//! person can act on.

use std::fmt;
use std::ops::Range;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user knows it ("routines/neck.toml", or "bundled:neck" for built-ins).
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// The first line: `path:line:column: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Turns byte offsets into 1-based line and column (columns count characters, as editors do).
/// The line starts are found on the first lookup: a file without a problem never needs them.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    pub fn position(&self, offset: usize) -> (usize, usize) {
        let starts = self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        });
        let offset = offset.min(self.text.len());
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let mut end = offset;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        (line + 1, column)
    }
}

/// Collects the problems of one file.
pub struct Reporter<'a> {
    pub file: String,
    index: LineIndex<'a>,
    pub problems: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    /// The text at `span` as the file has it (a value quoted back in a message).
    pub fn written(&self, span: &std::ops::Range<usize>) -> &'a str {
        self.index.text.get(span.clone()).unwrap_or("")
    }

    pub fn new(file: impl Into<String>, text: &'a str) -> Self {
        Reporter {
            file: file.into(),
            index: LineIndex::new(text),
            problems: Vec::new(),
        }
    }

    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>, hint: Option<String>) {
        let (line, column) = self.index.position(span.start);
        self.problems.push(Diagnostic {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
            hint,
        });
    }

    /// The text being reported on.
    pub fn source(&self) -> &'a str {
        self.index.text
    }

    /// The 1-based line and column of a byte offset in the text.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        self.index.position(offset)
    }

    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The closest of `options` to `word`, if it is close enough to be a likely typo.
pub fn closest<'o>(word: &str, options: impl IntoIterator<Item = &'o str>) -> Option<&'o str> {
    let word_l = word.to_lowercase();
    options
        .into_iter()
        .map(|o| (strsim::jaro_winkler(&word_l, &o.to_lowercase()), o))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

/// "did you mean `x`?" when one is close, else the list of valid names.
pub fn suggest(word: &str, options: &[&str]) -> String {
    match closest(word, options.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? (one of: {})", options.join(", ")),
        None => format!("use one of: {}", options.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let idx = LineIndex::new("ab\ncdé\nf");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(7), (2, 4)); // after the two-byte é
        assert_eq!(idx.position(8), (3, 1));
        assert_eq!(idx.position(999), (3, 2));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            closest("durration", ["duration", "title"]),
            Some("duration")
        );
        assert_eq!(closest("zzz", ["duration", "title"]), None);
    }
}
