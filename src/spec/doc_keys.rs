//! Every setting the documentation names exists: the problem-file keys mentioned in the README,
//! `docs/`, this module's format sample and every command's `--help` are keys the
//! reader accepts (in the table they are named with), and every `--flag` named there or in a
//! message of the binary, the checker or the search is a flag of some command.

use super::{DATA_KEYS, INIT_KEYS, RUN_KEYS, TOP_KEYS};
use crate::cli::Cli;
use clap::CommandFactory;
use std::collections::BTreeSet;
use std::path::Path;

/// Snake-case names in backquotes that are not settings: report fields.
const NOT_SETTINGS: &[&str] = &["certified_until"];

/// Documents whose backquoted snake-case names are not settings: the certificate's and the
/// reports' JSON keys, the lemma language's quantities and API, and the papers' formulas in the
/// reproductions (their `--flag`s are still checked).
const NOT_ABOUT_SETTINGS: &[&str] = &["certificate.md", "json.md", "lemmas.md", "reproductions.md"];

/// Flags of other programs that the documentation shows (cargo's and the test harness's, SLURM's
/// `sbatch`).
const FOREIGN_FLAGS: &[&str] = &[
    "--release",
    "--features",
    "--bench",
    "--bin",
    "--test",
    "--workspace",
    "--ignored",
    "--nocapture",
    "--all-targets",
    "--array",
    "--wrap",
];

/// File extensions: `run.json` is a file, not a key of `[run]`.
const EXTENSIONS: &[&str] = &["json", "jsonl", "toml", "svg", "png", "csv", "md", "rs"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The documentation's texts, each with its name.
fn documents() -> Vec<(String, String)> {
    let mut docs = Vec::new();
    let mut read = |p: &Path| docs.push((p.display().to_string(), std::fs::read_to_string(p).unwrap()));
    read(&root().join("README.md"));
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            read(&p);
        }
    }
    let spec = std::fs::read_to_string(root().join("src/spec/mod.rs")).unwrap();
    let module_doc: Vec<&str> = spec.lines().filter_map(|l| l.strip_prefix("//!")).collect();
    let sample: Vec<&str> = module_doc
        .iter()
        .skip_while(|l| l.trim() != "```toml")
        .skip(1)
        .take_while(|l| l.trim() != "```")
        .copied()
        .collect();
    assert!(sample.len() > 10, "the format sample of src/spec/mod.rs was not found");
    let sample: Vec<String> = sample.iter().map(|l| format!("{TOML_MARK}{}", l.trim_start())).collect();
    docs.push(("src/spec/mod.rs (format sample)".into(), sample.join("\n")));
    docs.push(("--help".into(), help_texts()));
    docs
}

/// The long help of the command and every subcommand, recursively.
fn help_texts() -> String {
    fn walk(cmd: &mut clap::Command, out: &mut String) {
        out.push_str(&cmd.render_long_help().to_string());
        for sub in cmd.get_subcommands_mut() {
            walk(sub, out);
        }
    }
    let mut out = String::new();
    walk(&mut Cli::command(), &mut out);
    out
}

fn table_keys(table: &str) -> Option<&'static [&'static str]> {
    match table {
        "data" => Some(DATA_KEYS),
        "init" => Some(INIT_KEYS),
        "run" => Some(RUN_KEYS),
        "lemma" => Some(super::lemmas::LEMMA_KEYS),
        _ => None,
    }
}

fn all_keys() -> BTreeSet<&'static str> {
    [TOP_KEYS, DATA_KEYS, INIT_KEYS, RUN_KEYS, super::lemmas::LEMMA_KEYS].concat().into_iter().collect()
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `line` is a line of a problem file (maybe commented out): the format sample's lines
/// are marked by the `//! ` the reader strips.
fn is_toml(line: &str) -> bool {
    line.starts_with(TOML_MARK)
}

const TOML_MARK: &str = "\u{1}";

/// The problem-file keys `text` names: backquoted `snake_case` names and `name = …` inside
/// backquotes, `key = …` lines of the format sample, `[run] key` and `run.key` (qualified).
fn mentions(text: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for (k, span) in text.split('`').enumerate() {
        if k % 2 == 1 {
            if is_ident(span) && span.contains('_') {
                out.push((None, span.to_string()));
            }
            if let Some((lhs, _)) = span.split_once(" = ")
                && is_ident(lhs.trim())
            {
                out.push((None, lhs.trim().to_string()));
            }
        }
    }
    for line in text.lines() {
        let l = line.trim_start_matches(TOML_MARK).trim_start_matches('#').trim_start();
        if let Some((lhs, _)) = l.split_once(" = ")
            && is_ident(lhs)
            && is_toml(line)
        {
            out.push((None, lhs.to_string()));
        }
        let array_table = l.strip_prefix("[[").and_then(|r| r.strip_suffix("]]"));
        if let Some(table) = array_table.or_else(|| l.strip_prefix('[').and_then(|r| r.strip_suffix(']')))
            && is_toml(line)
        {
            out.push((None, table.to_string()));
        }
        for table in ["data", "init", "run"] {
            for pat in [format!("[{table}] "), format!("{table}.")] {
                for (pos, _) in line.match_indices(&pat) {
                    let before = line[..pos].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = &line[pos + pat.len()..];
                    let key: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                    if !key.is_empty() && !EXTENSIONS.contains(&key.as_str()) {
                        out.push((Some(table.to_string()), key));
                    }
                }
            }
        }
    }
    out
}

/// The `--flag`s `text` names.
fn flags(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (pos, _) in text.match_indices("--") {
        if text[..pos].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '-') {
            continue;
        }
        let name: String =
            text[pos + 2..].chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
        if name.len() > 1 && name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            out.insert(format!("--{}", name.trim_end_matches('-')));
        }
    }
    out
}

/// Every long flag of every command.
fn known_flags() -> BTreeSet<String> {
    fn walk(cmd: &clap::Command, out: &mut BTreeSet<String>) {
        for a in cmd.get_arguments() {
            if let Some(l) = a.get_long() {
                out.insert(format!("--{l}"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out: BTreeSet<String> = ["--help", "--version"].into_iter().map(String::from).collect();
    walk(&Cli::command(), &mut out);
    out.extend(FOREIGN_FLAGS.iter().map(|s| s.to_string()));
    out
}

#[test]
fn every_documented_key_is_accepted() {
    let keys = all_keys();
    let mut bad = Vec::new();
    let mut seen = BTreeSet::new();
    for (name, text) in documents() {
        if NOT_ABOUT_SETTINGS.iter().any(|d| name.ends_with(&format!("docs/{d}"))) {
            continue;
        }
        for (table, key) in mentions(&text) {
            let ok = match &table {
                Some(t) => table_keys(t).is_some_and(|ks| ks.contains(&key.as_str())),
                None => keys.contains(key.as_str()) || NOT_SETTINGS.contains(&key.as_str()),
            };
            seen.insert(key.clone());
            if !ok {
                bad.push(format!("{name}: `{}{key}`", table.map_or(String::new(), |t| format!("{t}."))));
            }
        }
    }
    assert!(bad.is_empty(), "documented settings the problem file does not accept:\n{}", bad.join("\n"));
    // The format sample names every key, so the extraction above is exercised on all of them.
    for k in keys {
        assert!(seen.contains(k), "the key `{k}` is documented nowhere");
    }
}

#[test]
fn every_named_flag_exists() {
    let known = known_flags();
    let mut texts = documents();
    for dir in ["src", "crates/check/src", "crates/search/src"] {
        collect_rs(&root().join(dir), &mut texts);
    }
    let mut bad = Vec::new();
    for (name, text) in texts {
        for f in flags(&text) {
            if !known.contains(&f) {
                bad.push(format!("{name}: {f}"));
            }
        }
    }
    assert!(bad.is_empty(), "flags named in documentation or messages that no command has:\n{}", bad.join("\n"));
}

/// The string literals of the Rust sources below `dir` (what users read in messages).
fn collect_rs(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("doc_keys.rs") {
            let src = std::fs::read_to_string(&p).unwrap();
            let literals: Vec<&str> = src.lines().flat_map(|l| l.split('"').skip(1).step_by(2)).collect();
            out.push((p.display().to_string(), literals.join("\n")));
        }
    }
}

#[test]
fn the_extraction_finds_what_it_must() {
    let m = mentions(&format!(
        "give `[run] tolerance = \"1e-18\"` or run.order, `t_end`, `limit_search_until`\n{TOML_MARK}# seed = 3\nd = 2"
    ));
    let keys: Vec<String> = m.iter().map(|(t, k)| format!("{}{k}", t.as_deref().unwrap_or("?"))).collect();
    for k in ["runtolerance", "runorder", "?t_end", "?limit_search_until", "?seed"] {
        assert!(keys.contains(&k.to_string()), "{k} not in {keys:?}");
    }
    assert!(!keys.contains(&"?d".to_string()), "prose is not a problem file: {keys:?}");
    assert!(!all_keys().contains("limit_search_until"));
    let f = flags("use --w-star 1,2 or --small-init-radius; not x--y or ---");
    assert_eq!(f.into_iter().collect::<Vec<_>>(), ["--small-init-radius", "--w-star"]);
}
