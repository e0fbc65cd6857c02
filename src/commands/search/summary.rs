//! `summary.json` and `summary.md`: the configuration, the coverage (rebuilt from the records of
//! the log, so a resumed or merged search is summarised exactly as an uninterrupted one), the
//! counterexamples and the unconfirmed candidates; and the exit code that follows from them.

use super::cex::stem;
use super::identity::RunId;
use crate::exit::Exit;
use reluflow_search::{CaseRecord, CaseStatus, Coverage, Spread};
use serde::Serialize;
use std::collections::BTreeMap;

/// The summary of a search (one shard, or merged shards).
#[derive(Debug, Serialize)]
pub struct SummaryDoc {
    /// The arguments (for a merge: the first shard's, with `shard` = `[0, N]`).
    pub run: RunId,
    /// The statement searched.
    pub statement: String,
    /// Why the search stopped: `completed`, `cancelled`, `time-limit` or `merged`.
    pub stop: String,
    /// Wall-clock seconds of this run (absent for a merge).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_s: Option<f64>,
    /// Cases planned (in the shard, or in the merged shards), finished, and finished by this run.
    pub cases: Cases,
    /// Counts and spreads of every finished case.
    pub coverage: CoverageDoc,
    /// The certified counterexamples.
    pub counterexamples: Vec<CexEntry>,
    /// Screened violations that did not certify, with the reason.
    pub unconfirmed: Vec<CaseNote>,
    /// Internal inconsistencies (bugs caught), with the message.
    pub internal: Vec<CaseNote>,
    /// For a merge: the shards merged and missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<Shards>,
    /// `counterexample`, `none-found`, `unconfirmed`, `incomplete`, `interrupted` or `internal-error`.
    pub outcome: &'static str,
    /// The exit code.
    pub exit_code: u8,
}

/// Case counts.
#[derive(Debug, Serialize)]
pub struct Cases {
    /// Cases of the shard(s).
    pub planned: u64,
    /// Cases with a record.
    pub finished: u64,
    /// Of them, finished by this run (the rest were resumed from the log).
    pub this_run: u64,
}

/// One counterexample and its files.
#[derive(Debug, Serialize)]
pub struct CexEntry {
    /// The case index.
    pub case: u64,
    /// The problem file (relative to the summary's directory).
    pub toml: String,
    /// The `check` report.
    pub json: String,
    /// The markdown entry.
    pub md: String,
    /// Whether the counterexample is the shrunk instance.
    pub shrunk: bool,
    /// The certified judgement.
    pub witness: String,
}

/// One case and a text.
#[derive(Debug, Serialize)]
pub struct CaseNote {
    /// The case index.
    pub case: u64,
    /// Why.
    pub why: String,
}

/// The shards of a merge.
#[derive(Debug, Serialize)]
pub struct Shards {
    /// N.
    pub of: u64,
    /// The shard indices merged, with their directories.
    pub merged: BTreeMap<u64, String>,
    /// The shard indices not given.
    pub missing: Vec<u64>,
}

/// [`Coverage`] as written.
#[derive(Debug, PartialEq, Serialize)]
pub struct CoverageDoc {
    pub tried: u64,
    pub satisfied: u64,
    pub screened_holds: u64,
    pub screened_undecided: u64,
    pub screened_violations: u64,
    pub confirmed: u64,
    pub unconfirmed: u64,
    pub internal: u64,
    pub teacher_labels: u64,
    pub relu_prime_one: u64,
    pub zero_init: u64,
    pub balanced: u64,
    pub infinite_horizon: u64,
    pub spreads: BTreeMap<&'static str, SpreadDoc>,
}

/// A [`Spread`] as written.
#[derive(Debug, PartialEq, Serialize)]
pub struct SpreadDoc {
    min: Option<i64>,
    max: Option<i64>,
    histogram: BTreeMap<String, u64>,
}

fn spread(s: &Spread) -> SpreadDoc {
    SpreadDoc { min: s.min, max: s.max, histogram: s.histogram.iter().map(|(k, v)| (k.to_string(), *v)).collect() }
}

impl CoverageDoc {
    /// The document of `c`.
    pub fn of(c: &Coverage) -> CoverageDoc {
        let spreads = [
            ("d", &c.d),
            ("n", &c.n),
            ("m", &c.m),
            ("init_scale_log2", &c.init_scale_log2),
            ("active_at_start", &c.active_at_start),
            ("zero_labels", &c.zero_labels),
        ];
        CoverageDoc {
            tried: c.tried,
            satisfied: c.satisfied,
            screened_holds: c.screened_holds,
            screened_undecided: c.screened_undecided,
            screened_violations: c.screened_violations,
            confirmed: c.confirmed,
            unconfirmed: c.unconfirmed,
            internal: c.internal,
            teacher_labels: c.teacher_labels,
            relu_prime_one: c.relu_prime_one,
            zero_init: c.zero_init,
            balanced: c.balanced,
            infinite_horizon: c.infinite_horizon,
            spreads: spreads.into_iter().map(|(k, s)| (k, spread(s))).collect(),
        }
    }
}

/// The coverage of `records`.
pub fn coverage(records: &[CaseRecord]) -> Coverage {
    records.iter().fold(Coverage::default(), |mut c, r| {
        c.add(r);
        c
    })
}

/// The outcome and exit of a search over `records`: an internal inconsistency 70, an
/// interruption 130, a counterexample 4, unconfirmed candidates or an incomplete merge 3, else 0.
pub fn verdict(records: &[CaseRecord], interrupted: bool, incomplete: bool) -> (&'static str, Exit) {
    let has = |f: fn(&CaseStatus) -> bool| records.iter().any(|r| f(&r.status));
    if has(|s| matches!(s, CaseStatus::Internal(_))) {
        ("internal-error", Exit::Internal)
    } else if interrupted {
        ("interrupted", Exit::Interrupted)
    } else if has(|s| *s == CaseStatus::Counterexample) {
        ("counterexample", Exit::Counterexample)
    } else if has(|s| matches!(s, CaseStatus::NotConfirmed(_))) {
        ("unconfirmed", Exit::Undecided)
    } else if incomplete {
        ("incomplete", Exit::Undecided)
    } else {
        ("none-found", Exit::Success)
    }
}

/// The counterexamples, unconfirmed candidates and internal errors of `records`, with file names
/// under `prefix` (`""`, or a shard directory and `/`).
pub fn lists(records: &[&CaseRecord], prefix: &dyn Fn(u64) -> String) -> (Vec<CexEntry>, Vec<CaseNote>, Vec<CaseNote>) {
    let (mut cex, mut unconfirmed, mut internal) = (Vec::new(), Vec::new(), Vec::new());
    for r in records {
        match &r.status {
            CaseStatus::Counterexample => {
                let base = format!("{}{}", prefix(r.case), stem(r.case));
                let shrunk = r.shrunk.as_ref().is_some_and(|s| Some(&s.problem) == r.counterexample());
                let witness = match (&r.shrunk, shrunk) {
                    (Some(s), true) => s.certified.text.clone(),
                    _ => r.certified.as_ref().map_or(String::new(), |j| j.text.clone()),
                };
                let file = |ext: &str| format!("{base}.{ext}");
                cex.push(CexEntry {
                    case: r.case,
                    toml: file("toml"),
                    json: file("json"),
                    md: file("md"),
                    shrunk,
                    witness,
                });
            }
            CaseStatus::NotConfirmed(why) => unconfirmed.push(CaseNote { case: r.case, why: why.clone() }),
            CaseStatus::Internal(why) => internal.push(CaseNote { case: r.case, why: why.clone() }),
            _ => {}
        }
    }
    (cex, unconfirmed, internal)
}
