//! A reader for the ITF1788 test language (`.itl`): `testcase NAME { op args = results [signal S]; … }`.
//!
//! Values are read exactly: interval ends and numbers as rationals (decimal literals through
//! `exact::parse_exact`, hexadecimal floats such as `-0X1.99999A0000000P-4` digit by digit),
//! `infinity` as an unbounded end. Decorated values (`[1, 2]_com`, `[nai]`) and `d-` operations
//! are flagged, not interpreted; strings and other words are kept as text.

use reluflow_arith::{Bound, Rational, exact::parse_exact};
use rug::Integer;

/// One value of a test line.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// The interval `[lo, hi]` as written (ends exact), `None` for `[empty]`.
    Iv(Option<(Bound, Bound)>),
    /// A number (`None` for NaN).
    Num(Option<Bound>),
    /// `true` / `false`.
    Bool(bool),
    /// Anything else, as written (strings, `[nai]`, overlap states, decoration names).
    Text(String),
}

/// One test line: `op args = results [signal name];`.
#[derive(Clone, Debug)]
pub struct Case {
    /// The file it came from and its line there.
    pub file: String,
    pub line: usize,
    /// The statement as written (for messages).
    pub src: String,
    pub op: String,
    pub args: Vec<Val>,
    pub results: Vec<Val>,
    /// A decorated value or operation (`_com`, `[nai]`, `d-…`) occurs in the line.
    pub decorated: bool,
    /// The exception the line expects (`signal UndefinedOperation`), if any.
    pub signal: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    /// `[inner]` and whether a decoration suffix `_xyz` followed it.
    Iv(String, bool),
    Str(String),
    /// `{a, b, …}` inside a test line (the vectors of reduction operations).
    List(String),
    Punct(char),
}

/// The tokens of `text` with their line numbers; comments (`//`, `/* */`) are dropped.
fn tokens(text: &str) -> Vec<(usize, Tok)> {
    let b: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut out, mut in_block) = (0, 1, Vec::new(), false);
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < b.len() && !(b[i] == '*' && b.get(i + 1) == Some(&'/')) {
                line += usize::from(b[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if c == '[' || c == '"' || (c == '{' && in_block) {
            let close = match c {
                '[' => ']',
                '{' => '}',
                _ => '"',
            };
            let len =
                b[i + 1..].iter().position(|&d| d == close).unwrap_or_else(|| panic!("line {line}: unclosed {c}"));
            let inner: String = b[i + 1..i + 1 + len].iter().collect();
            i += len + 2;
            let dec_start = i;
            if b.get(i) == Some(&'_') {
                while i < b.len() && (b[i] == '_' || b[i].is_ascii_alphabetic()) {
                    i += 1;
                }
            }
            out.push((
                line,
                match c {
                    '[' => Tok::Iv(inner, i > dec_start),
                    '{' => Tok::List(inner),
                    _ => Tok::Str(inner),
                },
            ));
        } else if "{};=".contains(c) {
            in_block = (in_block || c == '{') && c != '}';
            out.push((line, Tok::Punct(c)));
            i += 1;
        } else {
            let start = i;
            while i < b.len() && !b[i].is_whitespace() && !"{};=[]\"".contains(b[i]) {
                i += 1;
            }
            out.push((line, Tok::Word(b[start..i].iter().collect())));
        }
    }
    out
}

/// Every test line of one `.itl` file (`file` names it in messages).
pub fn parse_file(file: &str, text: &str) -> Vec<Case> {
    let toks = tokens(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let at = toks[k].0;
        let head = (&toks[k].1, toks.get(k + 1).map(|t| &t.1), toks.get(k + 2).map(|t| &t.1));
        match head {
            (Tok::Word(t), Some(Tok::Word(_)), Some(Tok::Punct('{'))) if t == "testcase" => k += 3,
            _ => panic!("{file}:{at}: expected `testcase NAME {{`"),
        }
        while toks.get(k).map(|t| &t.1) != Some(&Tok::Punct('}')) {
            let start = k;
            while toks.get(k).map(|t| &t.1) != Some(&Tok::Punct(';')) {
                assert!(k < toks.len(), "{file}:{at}: unterminated test case");
                k += 1;
            }
            let line = toks[start].0;
            let stmt: Vec<Tok> = toks[start..k].iter().map(|t| t.1.clone()).collect();
            cases.push(statement(file, line, lines[line - 1].trim(), &stmt));
            k += 1;
        }
        k += 1;
    }
    cases
}

fn statement(file: &str, line: usize, src: &str, toks: &[Tok]) -> Case {
    let bad = |what: &str| -> ! { panic!("{file}:{line}: {what} in `{src}`") };
    let eq = toks.iter().position(|t| *t == Tok::Punct('=')).unwrap_or_else(|| bad("no `=`"));
    let Some(Tok::Word(op)) = toks.first() else { bad("no operation name") };
    let rhs = &toks[eq + 1..];
    let sig = rhs.iter().position(|t| *t == Tok::Word("signal".into()));
    let (res, signal) = match sig {
        Some(s) => match rhs.get(s + 1) {
            Some(Tok::Word(w)) => (&rhs[..s], Some(w.clone())),
            _ => bad("`signal` without a name"),
        },
        None => (rhs, None),
    };
    let nai = |t: &Tok| matches!(t, Tok::Iv(s, d) if *d || s.trim().eq_ignore_ascii_case("nai"));
    Case {
        file: file.to_string(),
        line,
        src: src.to_string(),
        op: op.clone(),
        args: toks[1..eq].iter().map(|t| value(t).unwrap_or_else(|e| bad(&e))).collect(),
        results: res.iter().map(|t| value(t).unwrap_or_else(|e| bad(&e))).collect(),
        decorated: op.starts_with("d-") || toks.iter().any(nai),
        signal,
    }
}

fn value(t: &Tok) -> Result<Val, String> {
    Ok(match t {
        Tok::Iv(inner, _) => match inner.trim().to_ascii_lowercase().as_str() {
            "empty" => Val::Iv(None),
            "entire" => Val::Iv(Some((Bound::NegInf, Bound::PosInf))),
            "nai" => Val::Text("[nai]".into()),
            body => {
                let (a, b) = body.split_once(',').unwrap_or((body, body));
                let end = |s: &str| match number(s) {
                    Some(Some(e)) => Ok(e),
                    _ => Err(format!("bad interval end `{s}`")),
                };
                Val::Iv(Some((end(a)?, end(b)?)))
            }
        },
        Tok::Word(w) if w == "true" || w == "false" => Val::Bool(w == "true"),
        Tok::Word(w) => number(w).map_or_else(|| Val::Text(w.clone()), Val::Num),
        Tok::Str(s) => Val::Text(format!("\"{s}\"")),
        Tok::List(s) => Val::Text(format!("{{{s}}}")),
        Tok::Punct(c) => return Err(format!("stray `{c}`")),
    })
}

/// A number: `Some(None)` for NaN, `Some(Some(end))` for ±infinity or a finite value, `None` if
/// `s` is no number (a word).
pub fn number(s: &str) -> Option<Option<Bound>> {
    let t = s.trim().to_ascii_lowercase();
    match t.as_str() {
        "nan" => return Some(None),
        "infinity" | "+infinity" | "inf" | "+inf" => return Some(Some(Bound::PosInf)),
        "-infinity" | "-inf" => return Some(Some(Bound::NegInf)),
        _ => {}
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let q = match body.strip_prefix("0x") {
        Some(hex) => hex_float(hex)?,
        None => parse_exact(body).ok()?,
    };
    Some(Some(Bound::Finite(if neg { -q } else { q })))
}

/// `h` = `HEX[.HEX][p±DEC]` (after the `0x`), exactly.
fn hex_float(h: &str) -> Option<Rational> {
    let (mant, exp) = match h.split_once('p') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (h, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let digits = format!("{int}{frac}");
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let m = Integer::from_str_radix(&digits, 16).ok()?;
    Some(Rational::from(m) << (exp - 4 * i32::try_from(frac.len()).ok()?))
}
