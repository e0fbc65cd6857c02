//! Errors of the lemma language: where (line, column, the offending text) and what was expected.

use std::fmt;

/// A byte range of the lemma text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text does not follow the grammar: what was found and what was expected.
    Syntax {
        /// What the parser expected there.
        expected: String,
    },
    /// A name that is no quantity of the language; `nearest` lists the closest valid names.
    Unknown {
        /// The nearest valid names (may be empty).
        nearest: Vec<String>,
    },
    /// A well-formed lemma that the model cannot answer: a quantity it lacks, an index out of
    /// range, a type mismatch.
    Model {
        /// The explanation.
        why: String,
    },
}

/// An error at a place in the lemma text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LemmaError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where (byte range of the text).
    pub span: Span,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// The offending text (empty at the end of the input).
    pub found: String,
    /// The line of the lemma containing the error, for display.
    source_line: String,
    /// Characters before the error on its line, for the caret.
    caret_at: usize,
}

impl LemmaError {
    /// An error of `kind` at `span` of `text`.
    pub fn new(text: &str, span: Span, kind: ErrorKind) -> LemmaError {
        let start = floor_char(text, span.start.min(text.len()));
        let end = floor_char(text, span.end.clamp(start, text.len()));
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |k| k + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |k| start + k);
        let caret_at = text[line_start..start].chars().count();
        LemmaError {
            kind,
            span: Span { start, end },
            line,
            column: caret_at + 1,
            found: text[start..end].to_string(),
            source_line: text[line_start..line_end].to_string(),
            caret_at,
        }
    }

    /// The message without the position (e.g. `expected an expression, found ")"`).
    pub fn message(&self) -> String {
        let found =
            if self.found.is_empty() { "the end of the lemma".to_string() } else { format!("`{}`", self.found) };
        match &self.kind {
            ErrorKind::Syntax { expected } => format!("expected {expected}, found {found}"),
            ErrorKind::Unknown { nearest } if nearest.is_empty() => format!("unknown quantity {found}"),
            ErrorKind::Unknown { nearest } => {
                format!("unknown quantity {found}; did you mean {}?", nearest.join(", "))
            }
            ErrorKind::Model { why } => format!("{found}: {why}"),
        }
    }
}

fn floor_char(text: &str, mut k: usize) -> usize {
    while k > 0 && !text.is_char_boundary(k) {
        k -= 1;
    }
    k
}

impl fmt::Display for LemmaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "line {}, column {}: {}", self.line, self.column, self.message())?;
        writeln!(f, "  {}", self.source_line)?;
        let width = self.found.chars().count().max(1);
        write!(f, "  {}{}", " ".repeat(self.caret_at), "^".repeat(width))
    }
}

impl std::error::Error for LemmaError {}

/// The names among `known` nearest to `name` (edit distance at most 2, or a shared prefix).
pub fn nearest(name: &str, known: &[&str]) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .map(|k| (distance(name, k), *k))
        .filter(|(d, k)| {
            let prefix: String = name.chars().take(3).collect();
            *d <= 2 || (prefix.chars().count() == 3 && k.starts_with(&prefix))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, k)| format!("`{k}`")).collect()
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
