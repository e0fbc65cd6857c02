//! Typed, exact reading of TOML values with dotted-path errors.
//!
//! The document is parsed into `toml::de::DeValue`s, which keep every number's source text: an
//! integer of any size and a float literal such as `0.1` are read from that text as the exact
//! rational they denote, never through f64.

use super::error::{SpecError, SpecErrorKind, closest};
use reluflow_arith::exact::{ParseNumberError, parse_exact};
use rug::{Integer, Rational};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A spanned TOML value.
pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

/// The file being read: its name (for messages) and text (for line/column and raw values).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Doc<'s> {
    pub file: &'s str,
    pub src: &'s str,
}

/// The longest value excerpt quoted in a message.
const MAX_QUOTE: usize = 60;

impl<'s> Doc<'s> {
    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let before = &self.src.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let col = self.src[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// An error located at `span`.
    pub fn error(&self, span: Range<usize>, kind: SpecErrorKind) -> SpecError {
        SpecError { file: self.file.to_string(), location: Some(self.line_col(span.start)), kind: Box::new(kind) }
    }

    /// An error without location.
    pub fn error_at_file(&self, kind: SpecErrorKind) -> SpecError {
        SpecError { file: self.file.to_string(), location: None, kind: Box::new(kind) }
    }

    /// The value's text as written, shortened, in backquotes.
    pub fn quote(&self, v: &Val<'_>) -> String {
        let span = v.span();
        let text = self.src.get(span).unwrap_or("?").trim();
        let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > MAX_QUOTE {
            let cut: String = one_line.chars().take(MAX_QUOTE).collect();
            format!("`{cut}…`")
        } else {
            format!("`{one_line}`")
        }
    }

    /// "got `value` (a string), expected …" at the value.
    pub fn bad(&self, path: &str, v: &Val<'_>, expected: impl Into<String>) -> SpecError {
        let value = format!("{} ({})", self.quote(v), type_name(v.get_ref()));
        self.error(v.span(), SpecErrorKind::Field { field: path.to_string(), value, expected: expected.into() })
    }

    /// A table, or a type error.
    pub fn table<'a, 'i>(&self, path: &str, v: &'a Val<'i>) -> Result<&'a DeTable<'i>, SpecError> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            _ => Err(self.bad(path, v, format!("a table `[{path}]`"))),
        }
    }

    /// Refuses keys not in `known`, suggesting the closest one.
    pub fn check_keys(&self, prefix: &str, t: &DeTable<'_>, known: &'static [&'static str]) -> Result<(), SpecError> {
        for (k, _) in t.iter() {
            let key: &str = k.get_ref();
            if !known.contains(&key) {
                let field = if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
                return Err(
                    self.error(k.span(), SpecErrorKind::UnknownKey { field, known, suggestion: closest(key, known) })
                );
            }
        }
        Ok(())
    }

    /// A missing required field.
    pub fn missing(&self, path: &str, expected: impl Into<String>) -> SpecError {
        self.error_at_file(SpecErrorKind::Missing { field: path.to_string(), expected: expected.into() })
    }

    /// A number read exactly: a TOML integer (any size, any radix), a float literal (from its
    /// source text: `0.1` is 1/10) or a string holding a decimal or a ratio. NaN and ±inf are
    /// refused.
    pub fn number(&self, path: &str, v: &Val<'_>) -> Result<Rational, SpecError> {
        const EXPECTED: &str =
            "a finite number: an integer, a decimal such as 0.1 or \"1e-600\", or a ratio such as \"1/3\"";
        match v.get_ref() {
            DeValue::Integer(i) => {
                let text = i.as_str().replace('_', "");
                let text = text.strip_prefix('+').unwrap_or(&text);
                Integer::from_str_radix(text, i.radix() as i32)
                    .map(Rational::from)
                    .map_err(|_| self.bad(path, v, EXPECTED))
            }
            DeValue::Float(x) => {
                let text = x.as_str().replace('_', "");
                if text.contains("inf") || text.contains("nan") {
                    return Err(self.bad(path, v, EXPECTED));
                }
                parse_exact(&text).map_err(|_| self.bad(path, v, EXPECTED))
            }
            DeValue::String(s) => parse_exact(s).map_err(|e| match e {
                ParseNumberError::Syntax(_) => self.bad(path, v, EXPECTED),
                other => self.bad(path, v, format!("{EXPECTED} ({other})")),
            }),
            _ => Err(self.bad(path, v, EXPECTED)),
        }
    }

    /// A list of numbers.
    pub fn vector(&self, path: &str, v: &Val<'_>, what: &str) -> Result<Vec<Rational>, SpecError> {
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.bad(path, v, format!("{what}: a list of numbers such as [1, \"0.5\", -2]")));
        };
        items.iter().enumerate().map(|(k, item)| self.number(&format!("{path}[{k}]"), item)).collect()
    }

    /// A list of rows, each a list of numbers of the same length.
    pub fn matrix(&self, path: &str, v: &Val<'_>, what: &str) -> Result<Vec<Vec<Rational>>, SpecError> {
        let DeValue::Array(rows) = v.get_ref() else {
            return Err(self.bad(path, v, format!("{what}: a list of rows such as [[1, 0], [0, \"0.5\"]]")));
        };
        let mut out: Vec<Vec<Rational>> = Vec::with_capacity(rows.len());
        for (k, row) in rows.iter().enumerate() {
            let p = format!("{path}[{k}]");
            if !matches!(row.get_ref(), DeValue::Array(_)) {
                return Err(self.bad(
                    &p,
                    row,
                    format!("a row of {what}: a list of numbers (the whole field is a list of lists)"),
                ));
            }
            let r = self.vector(&p, row, what)?;
            if let Some(first) = out.first()
                && r.len() != first.len()
            {
                return Err(self.bad(
                    &p,
                    row,
                    format!(
                        "a row of {} numbers like {path}[0] ({what} must be rectangular), not {}",
                        first.len(),
                        r.len()
                    ),
                ));
            }
            out.push(r);
        }
        Ok(out)
    }

    /// One of the given words.
    pub fn choice<T: Copy>(&self, path: &str, v: &Val<'_>, choices: &[(&str, T)]) -> Result<T, SpecError> {
        let words: Vec<String> = choices.iter().map(|(w, _)| format!("\"{w}\"")).collect();
        let expected = format!("one of {}", words.join(", "));
        match v.get_ref() {
            DeValue::String(s) => choices
                .iter()
                .find(|(w, _)| *w == s.as_ref())
                .map(|(_, t)| *t)
                .ok_or_else(|| self.bad(path, v, expected)),
            _ => Err(self.bad(path, v, expected)),
        }
    }

    /// A TOML integer in `range` (no strings, no floats).
    pub fn integer(
        &self,
        path: &str,
        v: &Val<'_>,
        range: std::ops::RangeInclusive<i64>,
        expected: &str,
    ) -> Result<i64, SpecError> {
        if let DeValue::Integer(i) = v.get_ref() {
            let text = i.as_str().replace('_', "");
            if let Ok(n) = i64::from_str_radix(text.strip_prefix('+').unwrap_or(&text), i.radix())
                && range.contains(&n)
            {
                return Ok(n);
            }
        }
        Err(self.bad(path, v, expected))
    }
}

/// The TOML type of a value, in words.
pub(crate) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}
