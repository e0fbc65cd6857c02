//! The lemma language's tokens, each with its span.

use super::error::{ErrorKind, LemmaError, Span};

/// A token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A decimal number, as written (read exactly later).
    Num(String),
    /// A name (letters, digits, `_`; starts with a letter).
    Ident(String),
    /// A string in double quotes.
    Str(String),
    /// `d/dt`.
    Ddt,
    /// `d2/dt2` (`d/dt d/dt`).
    D2dt2,
    /// Punctuation or an operator (`(`, `<=`, `·`, …), normalised to ASCII where one exists.
    Sym(&'static str),
    /// The end of the input.
    End,
}

const SYMS: &[(&str, &str)] = &[
    ("<=", "<="),
    (">=", ">="),
    ("==", "=="),
    ("!=", "!="),
    ("=>", "implies"),
    ("≤", "<="),
    ("≥", ">="),
    ("≠", "!="),
    ("⇒", "implies"),
    ("·", "·"),
    ("(", "("),
    (")", ")"),
    ("[", "["),
    ("]", "]"),
    (",", ","),
    (":", ":"),
    ("+", "+"),
    ("-", "-"),
    ("−", "-"),
    ("*", "*"),
    ("/", "/"),
    ("^", "^"),
    ("|", "|"),
    ("<", "<"),
    (">", ">"),
    ("=", "=="),
];

/// Splits `text` into tokens (the last one is [`Tok::End`]).
///
/// # Errors
/// An unknown character or an unterminated string.
pub fn lex(text: &str) -> Result<Vec<(Tok, Span)>, LemmaError> {
    let mut out = Vec::new();
    let mut k = 0;
    let bytes = text.as_bytes();
    while k < text.len() {
        let rest = &text[k..];
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            k += c.len_utf8();
            continue;
        }
        let start = k;
        let word_ends = |n: usize| !rest[n..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
        let tok = if rest.starts_with("d/dt") && word_ends(4) {
            k += 4;
            Tok::Ddt
        } else if rest.starts_with("d2/dt2") && word_ends(6) {
            k += 6;
            Tok::D2dt2
        } else if c.is_ascii_digit() {
            while k < text.len() && (bytes[k].is_ascii_digit() || bytes[k] == b'.') {
                k += 1;
            }
            // An exponent: `e` or `E`, an optional sign, digits (`1e-5`).
            let exp = |k: usize| {
                let sign = usize::from(matches!(bytes.get(k + 1), Some(b'+' | b'-')));
                matches!(bytes.get(k), Some(b'e' | b'E')) && bytes.get(k + 1 + sign).is_some_and(u8::is_ascii_digit)
            };
            if exp(k) {
                k += 2;
                while k < text.len() && bytes[k].is_ascii_digit() {
                    k += 1;
                }
            }
            Tok::Num(text[start..k].to_string())
        } else if c.is_alphabetic() || c == '_' {
            let len: usize = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
            k += len;
            Tok::Ident(text[start..k].to_string())
        } else if c == '"' {
            let Some(close) = rest[1..].find('"') else {
                let span = Span { start, end: text.len() };
                return Err(LemmaError::new(text, span, ErrorKind::Syntax { expected: "a closing `\"`".into() }));
            };
            k += close + 2;
            Tok::Str(rest[1..=close].to_string())
        } else if let Some((s, norm)) = SYMS.iter().find(|(s, _)| rest.starts_with(s)) {
            k += s.len();
            Tok::Sym(norm)
        } else {
            let span = Span { start, end: start + c.len_utf8() };
            let expected = "a name, a number, an operator or a bracket".to_string();
            return Err(LemmaError::new(text, span, ErrorKind::Syntax { expected }));
        };
        out.push((tok, Span { start, end: k }));
    }
    out.push((Tok::End, Span { start: text.len(), end: text.len() }));
    Ok(out)
}
