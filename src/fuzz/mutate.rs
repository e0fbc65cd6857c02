//! Hostile variations of the shipped problem files and of command lines: the generators of the
//! fuzz tests (`super`). Every mutation is a plain value (indices are reduced modulo the text's
//! size when applied), so proptest can shrink a failing case to a short list of small edits.

use proptest::prelude::*;

/// Numbers and number-like texts that have broken parsers: huge and tiny exponents, the edges of
/// f64, NaN and infinity spelled every way, radix prefixes, separators, ratios with zero.
pub const HOSTILE_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "+0.0",
    "1e999999",
    "\"1e999999\"",
    "\"-1e-999999\"",
    "\"1e1000001\"",
    "\"1e99999999999999\"",
    "1e309",
    "1.7976931348623157e308",
    "4.9e-324",
    "\"1e-400\"",
    "99999999999999999999999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "18446744073709551616",
    "nan",
    "+nan",
    "-nan",
    "inf",
    "-inf",
    "\"inf\"",
    "\"-inf\"",
    "\"NaN\"",
    "\"1/0\"",
    "\"0/0\"",
    "\"-3/6\"",
    "\"1/3\"",
    "0x10",
    "0o7",
    "0b101",
    "1_000",
    "1__0",
    "\"0.1.2\"",
    "\"1e\"",
    "\".\"",
    "\"\"",
    "1e-999999",
    "65",
    "4096",
    "1048577",
    "8",
    "7",
    "-1",
    "2",
];

/// Values of the wrong type or shape.
pub const WRONG_VALUES: &[&str] = &[
    "true",
    "\"single-neuron\"",
    "\"two-layer\"",
    "\"mpfr-interval\"",
    "\"f64\"",
    "[]",
    "[[]]",
    "[[1], [1, 2]]",
    "[[[1]]]",
    "{}",
    "{ a = 1 }",
    "1979-05-27T07:32:00Z",
    "[1, \"x\"]",
    "[1, [2]]",
    "\"\"\"\nmulti\n\"\"\"",
    "'literal'",
];

/// Text that is not ASCII, or not printable, or not TOML.
pub const STRANGE_TEXT: &[&str] =
    &["é", "\u{202e}", "😀", "\u{0}", "\u{feff}", "\r", "\t", "[", "]", "=", "\"", "#", "[[run]]", "\\", "\u{85}"];

/// One edit of a problem file's text.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Delete line `k`.
    DeleteLine(usize),
    /// Insert a copy of line `k` after it.
    DuplicateLine(usize),
    /// Exchange lines `k` and `l`.
    SwapLines(usize, usize),
    /// Exchange the values of the `k`-th and `l`-th `key = value` lines.
    SwapValues(usize, usize),
    /// Replace the value of the `k`-th `key = value` line.
    SetValue(usize, &'static str),
    /// Replace the `k`-th number token.
    SetNumber(usize, &'static str),
    /// Insert text at byte `k` (moved to a character boundary).
    Insert(usize, &'static str),
    /// Cut the text at byte `k` (moved to a character boundary).
    Truncate(usize),
}

/// A random edit.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    let idx = || 0usize..4096;
    prop_oneof![
        idx().prop_map(Mutation::DeleteLine),
        idx().prop_map(Mutation::DuplicateLine),
        (idx(), idx()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (idx(), idx()).prop_map(|(a, b)| Mutation::SwapValues(a, b)),
        (idx(), prop::sample::select(HOSTILE_NUMBERS)).prop_map(|(a, v)| Mutation::SetValue(a, v)),
        (idx(), prop::sample::select(WRONG_VALUES)).prop_map(|(a, v)| Mutation::SetValue(a, v)),
        (idx(), prop::sample::select(HOSTILE_NUMBERS)).prop_map(|(a, v)| Mutation::SetNumber(a, v)),
        (idx(), prop::sample::select(STRANGE_TEXT)).prop_map(|(a, v)| Mutation::Insert(a, v)),
        idx().prop_map(Mutation::Truncate),
    ]
}

fn boundary(text: &str, k: usize) -> usize {
    let mut k = k % (text.len() + 1);
    while !text.is_char_boundary(k) {
        k -= 1;
    }
    k
}

/// The byte ranges of the number tokens of `text` (maximal runs of digits, signs, `.`, `e`, `_`
/// that start with a digit or a sign followed by a digit).
fn numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() || (b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        let after_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if starts && !after_word {
            let j = (i + 1..b.len())
                .find(|&j| !(b[j].is_ascii_alphanumeric() || matches!(b[j], b'.' | b'_' | b'-' | b'+')))
                .unwrap_or(b.len());
            out.push(i..j);
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// `text` after the edit `m`.
pub fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let n = lines.len().max(1);
    let assignments: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].contains(" = ")).collect();
    let a = assignments.len().max(1);
    match m {
        Mutation::DeleteLine(k) if !lines.is_empty() => {
            lines.remove(k % n);
        }
        Mutation::DuplicateLine(k) if !lines.is_empty() => lines.insert(k % n + 1, lines[k % n].clone()),
        Mutation::SwapLines(k, l) if !lines.is_empty() => lines.swap(k % n, l % n),
        Mutation::SwapValues(k, l) if !assignments.is_empty() => {
            let (i, j) = (assignments[k % a], assignments[l % a]);
            let (ki, vi) = lines[i].split_once(" = ").map(|(k, v)| (k.to_string(), v.to_string())).unwrap();
            let (kj, vj) = lines[j].split_once(" = ").map(|(k, v)| (k.to_string(), v.to_string())).unwrap();
            lines[i] = format!("{ki} = {vj}");
            lines[j] = format!("{kj} = {vi}");
        }
        Mutation::SetValue(k, v) if !assignments.is_empty() => {
            let i = assignments[k % a];
            let key = lines[i].split_once(" = ").map(|(k, _)| k.to_string()).unwrap();
            lines[i] = format!("{key} = {v}");
        }
        Mutation::SetNumber(k, v) => {
            let spans = numbers(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let r = spans[k % spans.len()].clone();
            return format!("{}{v}{}", &text[..r.start], &text[r.end..]);
        }
        Mutation::Insert(k, v) => {
            let k = boundary(text, *k);
            return format!("{}{v}{}", &text[..k], &text[k..]);
        }
        Mutation::Truncate(k) => return text[..boundary(text, *k)].to_string(),
        _ => {}
    }
    lines.join("\n")
}

/// Values given to flags: valid ones, hostile numbers, lists, paths, words, unicode.
fn value() -> impl Strategy<Value = String> {
    let words: Vec<String> = [
        "",
        "-",
        "--",
        "lsy.norm-growth",
        "gen.span",
        "vs.thm8-distance",
        "cel.thm6",
        "gen.dist-to-interpolant",
        "teacher",
        "teacher=false",
        "teacher=maybe",
        "small-init",
        "lsy.norm-growth:d2",
        "zero-loss-w*",
        "d2",
        "weights",
        "loss",
        "guards",
        "single-neuron",
        "two-layer",
        "1,2",
        "1,,2",
        "5,-1,0",
        "1,2,3",
        "0/0",
        "1/3",
        "2/16",
        "0/1",
        "16/16",
        "3s",
        "1h",
        "10",
        "0.5",
        "1e-3",
        "=",
        "é",
        "😀",
        "\u{0}",
        "out.png",
        "out.svg",
        "/dev/null",
        "/nonexistent/x.toml",
        "/tmp",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    prop_oneof![
        4 => prop::sample::select(words),
        3 => prop::sample::select(HOSTILE_NUMBERS).prop_map(|s| s.trim_matches('"').to_string()),
        1 => "[ -~]{0,12}",
        1 => "\\PC{0,6}",
    ]
}

/// A flag and whether it takes a value.
pub type Flag = (String, bool);

/// A hostile command line for one subcommand: `reluflow SUB [SPEC] (FLAG [VALUE])* [TOKEN]`,
/// flags drawn from that subcommand's own (now and then another's), a value after each flag that
/// takes one (now and then not, or after one that does not), the spec mostly a shipped example.
pub fn command_line(subs: Vec<(Vec<String>, Vec<Flag>)>, paths: Vec<String>) -> impl Strategy<Value = Vec<String>> {
    let all_flags: Vec<Flag> = subs.iter().flat_map(|(_, f)| f.clone()).collect();
    prop::sample::select(subs).prop_flat_map(move |(sub, flags)| {
        // A subcommand without flags of its own (`verify`) gets the others'.
        let flags = if flags.is_empty() { all_flags.clone() } else { flags };
        let spec = prop_oneof![
            6 => prop::sample::select(paths.clone()).prop_map(Some),
            1 => Just(None),
            1 => value().prop_map(Some),
        ];
        let flag = prop_oneof![19 => prop::sample::select(flags.clone()), 1 => prop::sample::select(all_flags.clone())];
        let pair = (flag, value(), 0u8..20).prop_map(|((f, takes), v, r)| match (takes, r) {
            (true, 0) | (false, 1..) => vec![f],
            (true, 1..) | (false, 0) => vec![f, v],
        });
        let extra = prop::option::weighted(0.05, value());
        (Just(sub), spec, prop::collection::vec(pair, 0..=6), extra).prop_map(|(sub, spec, pairs, extra)| {
            let mut argv = vec!["reluflow".to_string()];
            argv.extend(sub);
            argv.extend(spec);
            argv.extend(pairs.into_iter().flatten());
            argv.extend(extra);
            argv
        })
    })
}
