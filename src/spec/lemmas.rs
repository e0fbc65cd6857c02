//! The `[[lemma]]` tables of a problem file: lemmas that `reluflow check` checks along the
//! trajectory (grammar: `docs/lemmas.md`). Other commands ignore them.
//!
//! ```toml
//! [[lemma]]
//! name = "norm grows"                       # optional
//! text = "forall t: d/dt norm(w)^2 >= 0"
//! ```

use super::error::{SpecError, SpecErrorKind};
use super::read::Doc;
use std::path::Path;
use toml::de::{DeTable, DeValue};

pub(crate) const LEMMA_KEYS: &[&str] = &["text", "name"];

/// One `[[lemma]]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLemma {
    /// Its `name`, if given.
    pub name: Option<String>,
    /// Its `text`.
    pub text: String,
    /// The line of the file where its text starts (for messages).
    pub line: usize,
}

/// Reads the `[[lemma]]` tables of the problem file at `path`.
///
/// # Errors
/// An unreadable file, a TOML syntax error, a `lemma` that is not an array of tables, an unknown
/// key, or a `text`/`name` that is not a string.
pub fn load_lemmas(path: &Path) -> Result<Vec<FileLemma>, SpecError> {
    let (file, src) = super::read_source(path)?;
    parse_lemmas(&file, &src)
}

/// Reads the `[[lemma]]` tables of the problem file text `src` (named `file` in messages).
///
/// # Errors
/// As [`load_lemmas`].
pub fn parse_lemmas(file: &str, src: &str) -> Result<Vec<FileLemma>, SpecError> {
    let doc = Doc { file, src };
    let root = DeTable::parse(src).map_err(|mut e| {
        e.set_input(Some(src));
        doc.error_at_file(SpecErrorKind::Syntax(e.to_string()))
    })?;
    let Some(v) = root.get_ref().get("lemma") else { return Ok(Vec::new()) };
    let expected = "an array of tables [[lemma]], each with `text = \"…\"` and an optional `name`";
    let DeValue::Array(items) = v.get_ref() else { return Err(doc.bad("lemma", v, expected)) };
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let path = format!("lemma[{k}]");
        let t = match item.get_ref() {
            DeValue::Table(t) => t,
            _ => return Err(doc.bad(&path, item, expected)),
        };
        doc.check_keys("lemma", t, LEMMA_KEYS)?;
        let string = |key: &str| -> Result<Option<(String, usize)>, SpecError> {
            match t.get(key) {
                None => Ok(None),
                Some(v) => match v.get_ref() {
                    DeValue::String(s) => Ok(Some((s.to_string(), doc.line_col(v.span().start).0))),
                    _ => Err(doc.bad(&format!("{path}.{key}"), v, "a string")),
                },
            }
        };
        let Some((text, line)) = string("text")? else {
            return Err(doc.missing(&format!("{path}.text"), "the lemma, e.g. text = \"forall t: loss >= 0\""));
        };
        out.push(FileLemma { name: string("name")?.map(|(n, _)| n), text, line });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lemma_tables_are_read_with_their_lines() {
        let src =
            "model = \"single-neuron\"\n[[lemma]]\ntext = \"loss >= 0\"\n[[lemma]]\nname = \"n\"\ntext = \"t >= 0\"\n";
        let ls = parse_lemmas("p.toml", src).unwrap();
        assert_eq!(ls.len(), 2);
        assert_eq!((ls[0].name.as_deref(), ls[0].text.as_str(), ls[0].line), (None, "loss >= 0", 3));
        assert_eq!((ls[1].name.as_deref(), ls[1].line), (Some("n"), 6));
        assert!(parse_lemmas("p.toml", "").unwrap().is_empty());
    }

    #[test]
    fn malformed_lemma_tables_are_refused() {
        for src in
            ["lemma = 3", "[[lemma]]\nname = \"x\"", "[[lemma]]\ntext = 1", "[[lemma]]\ntext = \"a\"\ntxt = \"b\""]
        {
            let e = parse_lemmas("p.toml", src).unwrap_err().to_string();
            assert!(e.contains("lemma"), "{src}: {e}");
        }
    }
}
