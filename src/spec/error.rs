//! Why a problem file was refused: always the file, and where possible the line and column, the
//! dotted field path, the value as written and what was expected.

use reluflow_model::ModelError;
use std::fmt;

/// A refused problem file.
#[derive(Debug)]
pub struct SpecError {
    /// The file, as given on the command line.
    pub file: String,
    /// 1-based line and column of the offending text, when known.
    pub location: Option<(usize, usize)>,
    /// What is wrong (boxed: keeps `Result<_, SpecError>` small).
    pub kind: Box<SpecErrorKind>,
}

/// The classes of refusal.
#[derive(Debug)]
pub enum SpecErrorKind {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file is not valid TOML (the message carries line and column and a source excerpt).
    Syntax(String),
    /// A field holds a value of the wrong type or out of range.
    Field {
        /// Dotted path (`data.x[2][1]`).
        field: String,
        /// The value as written in the file (shortened if long).
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// A required field is absent.
    Missing {
        /// Dotted path.
        field: String,
        /// What must be given there.
        expected: String,
    },
    /// A key that this format does not know.
    UnknownKey {
        /// Dotted path of the unknown key.
        field: String,
        /// The keys accepted in that table.
        known: &'static [&'static str],
        /// The closest known key, if one is close.
        suggestion: Option<&'static str>,
    },
    /// Two fields contradict each other (e.g. both `y` and `teacher`).
    Conflict {
        /// Dotted path where the conflict is reported.
        field: String,
        /// What contradicts what.
        message: String,
    },
    /// The pieces were read but do not make a valid problem (`Problem::new` refused them).
    Model(ModelError),
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.location {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": ")?;
        match self.kind.as_ref() {
            SpecErrorKind::Io(e) => write!(f, "cannot read the problem file: {e}"),
            SpecErrorKind::Syntax(m) => write!(f, "{}", m.trim_end()),
            SpecErrorKind::Field { field, value, expected } => write!(f, "{field}: got {value}, expected {expected}"),
            SpecErrorKind::Missing { field, expected } => write!(f, "{field}: missing, expected {expected}"),
            SpecErrorKind::UnknownKey { field, known, suggestion } => {
                write!(f, "unknown key `{field}`")?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean `{s}`?)")?;
                }
                let keys: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                write!(f, "; the keys known here are {}", keys.join(", "))
            }
            SpecErrorKind::Conflict { field, message } => write!(f, "{field}: {message}"),
            SpecErrorKind::Model(e) => write!(f, "{e}"),
        }
    }
}

/// The message already quotes any underlying I/O or model error, so there is no `source` (an
/// error chain would print it twice).
impl std::error::Error for SpecError {}

/// Levenshtein distance (for "did you mean").
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known key closest to `key`, if it is within a third of its length (at least 1, at most 3
/// edits), or if one is a case-insensitive match or `_`/`-` variant.
pub(crate) fn closest(key: &str, known: &'static [&'static str]) -> Option<&'static str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    if let Some(k) = known.iter().find(|k| norm(k) == norm(key)) {
        return Some(k);
    }
    let limit = (key.chars().count() / 3).clamp(1, 3);
    known
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        const KNOWN: &[&str] = &["x", "y", "teacher"];
        assert_eq!(closest("teachr", KNOWN), Some("teacher"));
        assert_eq!(closest("Teacher", KNOWN), Some("teacher"));
        assert_eq!(closest("labels", KNOWN), None);
        assert_eq!(closest("z", KNOWN), Some("x"));
        const RUN: &[&str] = &["t_end", "arithmetic", "precision"];
        assert_eq!(closest("t-end", RUN), Some("t_end"));
        assert_eq!(closest("arithmetc", RUN), Some("arithmetic"));
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
