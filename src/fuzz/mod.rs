//! Fuzz tests of the two doors of the binary: the problem-file reader and the command line.
//!
//! Problem files are the shipped examples after 1–4 hostile edits (`mutate.rs`: deleted,
//! duplicated and swapped lines, swapped values, huge, tiny and NaN-like numbers, values of the
//! wrong type, unicode, truncation); command lines are a subcommand, mostly a shipped example, and
//! up to 6 of its flags (now and then another command's) with valid or hostile values. Each case
//! runs in-process — `spec::parse`, then `Cli::try_parse_from` and the command's own validation
//! (which reads the problem file and draws `search`'s probe instance) — on a thread of its own,
//! and must end without a panic within [`case_timeout`].
//!
//! Default: [`DEFAULT_CASES`] cases each, so the test suite stays fast. A long run:
//!
//! ```sh
//! RELUFLOW_FUZZ_CASES=1000000 cargo test --release -p reluflow --bin reluflow fuzz:: -- --nocapture
//! ```
//!
//! (`RELUFLOW_FUZZ_TIMEOUT` sets the per-case bound in seconds, default 10). Measured once on the
//! development machine (2 shared cores, both tests at once): 1,000,000 problem files in 539 s and
//! 1,000,000 command lines in 694 s, no panic, no case over the bound, at most 111 MB resident;
//! nothing found. Hostile inputs worth keeping as fixed cases (and any that ever break something)
//! are in [`regressions`].

mod mutate;
mod regressions;

use crate::cli::{Cli, Command};
use crate::spec;
use clap::{CommandFactory, Parser};
use mutate::{Flag, Mutation, apply, command_line, mutation};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Cases per fuzz test unless `RELUFLOW_FUZZ_CASES` says otherwise.
pub const DEFAULT_CASES: u32 = 2000;

fn cases() -> u32 {
    std::env::var("RELUFLOW_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_CASES)
}

fn case_timeout() -> Duration {
    let secs = std::env::var("RELUFLOW_FUZZ_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(10.0);
    Duration::from_secs_f64(secs)
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The shipped examples: (path, text).
fn examples() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// Runs `f` on a thread of its own; `Err` with what happened if it panicked or outlived `limit`
/// (the thread is then left behind: the test fails anyway).
pub fn bounded<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| format!("cannot spawn: {e}"))?;
    match rx.recv_timeout(limit) {
        Ok(v) => {
            let _ = handle.join();
            Ok(v)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("no answer within {limit:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("panicked".into()),
    }
}

/// The reader on one text: any answer is fine, a panic or a hang is not.
pub fn parse_case(text: String) -> Result<(), String> {
    bounded(case_timeout(), move || {
        let _ = spec::parse("fuzz.toml", &text);
    })
}

/// The command line parsed and validated as `main` would, without running anything.
pub fn cli_case(argv: Vec<String>) -> Result<(), String> {
    bounded(case_timeout(), move || {
        let Ok(cli) = Cli::try_parse_from(&argv) else { return };
        let _ = match cli.command {
            Command::Certify(a) => a.validate().map(drop),
            Command::Check(a) => a.validate().map(drop),
            Command::Plot(a) => a.validate().map(drop),
            Command::Search(a) if a.command.is_none() => a.validate().map(drop),
            _ => Ok(()),
        };
    })
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() })
}

fn report(what: &str, n: u32, start: Instant) {
    eprintln!("fuzz {what}: {n} cases in {:.1} s", start.elapsed().as_secs_f64());
}

#[test]
fn problem_files_never_panic_or_hang() {
    let examples = examples();
    assert!(examples.len() >= 7, "the shipped examples are the seeds");
    let texts: Vec<String> = examples.into_iter().map(|(_, t)| t).collect();
    let strategy = (prop::sample::select(texts), prop::collection::vec(mutation(), 1..=4));
    let start = Instant::now();
    runner()
        .run(&strategy, |(text, edits): (String, Vec<Mutation>)| {
            let mutated = edits.iter().fold(text, |t, m| apply(&t, m));
            parse_case(mutated.clone()).map_err(|e| TestCaseError::fail(format!("{e} on:\n{mutated}")))
        })
        .unwrap();
    report("problem files", cases(), start);
}

#[test]
fn command_lines_never_panic_or_hang() {
    let paths: Vec<String> = examples().into_iter().map(|(p, _)| p).collect();
    let strategy = command_line(subcommands(), paths);
    let start = Instant::now();
    runner()
        .run(&strategy, |argv: Vec<String>| {
            cli_case(argv.clone()).map_err(|e| TestCaseError::fail(format!("{e} on {argv:?}")))
        })
        .unwrap();
    report("command lines", cases(), start);
}

/// Every subcommand path (`["search", "merge"]`, …) with its flags (long and short; `--help`
/// only among the hostile values).
fn subcommands() -> Vec<(Vec<String>, Vec<Flag>)> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, Vec<Flag>)>) {
        let mut flags = Vec::new();
        for a in cmd.get_arguments().filter(|a| !matches!(a.get_id().as_str(), "help" | "version")) {
            let takes = a.get_action().takes_values();
            flags.extend(a.get_long().map(|l| (format!("--{l}"), takes)));
            flags.extend(a.get_short().map(|s| (format!("-{s}"), takes)));
        }
        if !path.is_empty() {
            out.push((path.clone(), flags));
        }
        for sub in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

#[test]
fn the_mutations_do_what_they_say() {
    let text = "a = 1\nb = [2, -3]\n[run]\nc = \"x\"";
    assert_eq!(apply(text, &Mutation::DeleteLine(1)), "a = 1\n[run]\nc = \"x\"");
    assert_eq!(apply(text, &Mutation::SwapValues(0, 1)), "a = [2, -3]\nb = 1\n[run]\nc = \"x\"");
    assert_eq!(apply(text, &Mutation::SetNumber(2, "nan")), "a = 1\nb = [2, nan]\n[run]\nc = \"x\"");
    assert_eq!(apply(text, &Mutation::Truncate(3)), "a =");
    assert_eq!(apply("é", &Mutation::Truncate(1)), "", "cuts on a character boundary");
    assert!(bounded(Duration::from_millis(50), || std::thread::sleep(Duration::from_secs(2))).is_err());
    assert_eq!(bounded(Duration::from_secs(5), || panic!("boom")), Err::<(), _>("panicked".to_string()));
}
