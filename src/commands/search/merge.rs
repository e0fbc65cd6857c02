//! `reluflow search merge DIR…`: one summary for the shards of one search. The shards must agree
//! on every argument but the shard index (`run.json`), with distinct indices; the coverage is
//! rebuilt from every shard's `cases.jsonl` (so a shard killed before its own summary still
//! counts), and missing shards are named.

use super::args::MergeArgs;
use super::identity::RunId;
use super::log;
use super::summary::{Cases, CoverageDoc, Shards, SummaryDoc, coverage, lists, verdict};
use crate::exit::{Exit, Failure};
use reluflow_search::CaseRecord;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn bad(m: String) -> Failure {
    Failure::bad_input(anyhow::anyhow!(m))
}

/// Where the merged summary goes: `--out`, else the parent of the first directory.
fn out_dir(a: &MergeArgs) -> PathBuf {
    a.out.clone().unwrap_or_else(|| match a.dirs[0].parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// `dir` as seen from `out` (relative when below it).
fn relative(dir: &Path, out: &Path) -> String {
    let shown = dir.strip_prefix(out).unwrap_or(dir);
    shown.display().to_string()
}

/// The shards by index: directory, identity, records.
type Shard = (PathBuf, RunId, Vec<CaseRecord>);

fn read_shards(dirs: &[PathBuf]) -> Result<BTreeMap<u64, Shard>, Failure> {
    let first = RunId::read(&dirs[0])?;
    let mut shards: BTreeMap<u64, Shard> = BTreeMap::new();
    for dir in dirs {
        let id = RunId::read(dir)?;
        let labels = (dirs[0].to_str().unwrap_or("first"), dir.to_str().unwrap_or("this"));
        let diffs = first.differences(&id, true, labels);
        if !diffs.is_empty() {
            return Err(bad(format!(
                "{}: got a shard of another search than {} ({}); merge only shards of one search",
                dir.display(),
                dirs[0].display(),
                diffs.join("; ")
            )));
        }
        let i = id.shard[0];
        if let Some((other, ..)) = shards.get(&i) {
            return Err(bad(format!(
                "{}: got shard {i}/{} a second time (also {}), expected each shard once",
                dir.display(),
                id.shard[1],
                other.display()
            )));
        }
        let records = log::replay(&dir.join("cases.jsonl"), false)?.records;
        shards.insert(i, (dir.clone(), id, records));
    }
    Ok(shards)
}

/// Merges the shard directories of `a` and writes the merged summary.
pub fn run(a: &MergeArgs) -> Result<Exit, Failure> {
    let shards = read_shards(&a.dirs)?;
    let out = out_dir(a);
    let (_, first, _) = shards.values().next().expect("at least one DIR (clap requires it)");
    let n = first.shard[1];
    let missing: Vec<u64> = (0..n).filter(|i| !shards.contains_key(i)).collect();
    let mut records: Vec<&CaseRecord> = shards.values().flat_map(|(_, _, r)| r).collect();
    records.sort_by_key(|r| r.case);
    let owned: Vec<CaseRecord> = records.iter().map(|r| (*r).clone()).collect();
    let dir_of: BTreeMap<u64, String> = shards.iter().map(|(i, (d, ..))| (*i, relative(d, &out))).collect();
    let prefix = |case: u64| dir_of.get(&(case % n)).map_or(String::new(), |d| format!("{d}/"));
    let (counterexamples, unconfirmed, internal) = lists(&records, &prefix);
    let planned = first.cases;
    let incomplete = !missing.is_empty() || (records.len() as u64) < planned;
    let (outcome, exit) = verdict(&owned, false, incomplete);
    let mut run = first.clone();
    run.shard = [0, n];
    let doc = SummaryDoc {
        statement: super::target::statement(&run),
        run,
        stop: "merged".into(),
        elapsed_s: None,
        cases: Cases { planned, finished: records.len() as u64, this_run: 0 },
        coverage: CoverageDoc::of(&coverage(&owned)),
        counterexamples,
        unconfirmed,
        internal,
        shards: Some(Shards { of: n, merged: dir_of.clone(), missing }),
        outcome,
        exit_code: exit.code(),
    };
    std::fs::create_dir_all(&out).map_err(|e| bad(format!("--out {}: cannot create ({e})", out.display())))?;
    super::save(&out, &doc)?;
    super::print(&doc, &out, a.json, exit)
}
