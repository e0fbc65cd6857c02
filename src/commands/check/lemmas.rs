//! The lemma rows of `reluflow check` (`--lemma`, `[[lemma]]`): their text block, their JSON, and
//! how they enter the overall outcome (exactly as catalogue rows do).

use super::json::{JsonConclusion, conclusion};
use crate::exit::Exit;
use reluflow_arith::Scalar;
use reluflow_check::lemma::LemmaRow;
use reluflow_check::{Outcome, RowStatus};
use serde::Serialize;

/// One lemma row in the JSON document.
#[derive(Debug, Serialize)]
pub struct JsonLemma {
    /// Its name (`name` of the `[[lemma]]` table, else `lemma-K`).
    pub name: String,
    /// Its text.
    pub text: String,
    /// `"holds"`, `"counterexample"`, `"undecided"`, `"not validated"` or `"internal inconsistency"`.
    pub status: &'static str,
    /// Whether the verdict rests on enclosures of a validated run.
    pub validated: bool,
    /// The verdict.
    pub conclusion: JsonConclusion,
}

/// The JSON rows.
pub fn json<S: Scalar>(rows: &[LemmaRow<S>], digits: u32) -> Vec<JsonLemma> {
    rows.iter()
        .map(|r| JsonLemma {
            name: r.name.clone(),
            text: r.text.clone(),
            status: r.status.name(),
            validated: r.validated,
            conclusion: conclusion(&r.conclusion, digits),
        })
        .collect()
}

/// The human block: one entry per lemma (name, status, text, verdict with witness or reason).
pub fn text<S: Scalar>(rows: &[LemmaRow<S>]) -> String {
    let mut out = String::new();
    for r in rows {
        let v = if r.validated { String::new() } else { " (not validated)".into() };
        out.push_str(&format!("{:<32} {}{v}   [lemma]\n", r.name, r.status.name()));
        out.push_str(&format!("    lemma: {}\n", r.text));
        out.push_str(&format!("    verdict: {}\n", r.conclusion));
    }
    out
}

/// The summary lines of the lemma rows (one per status present).
pub fn summary<S>(rows: &[LemmaRow<S>]) -> String {
    let mut s = String::new();
    for st in super::STATUSES.iter().chain(&[RowStatus::Inconsistent]) {
        let names: Vec<&str> = rows.iter().filter(|r| r.status == *st).map(|r| r.name.as_str()).collect();
        if !names.is_empty() {
            s.push_str(&format!("  lemma {:<10} {:>2}: {}\n", st.name(), names.len(), names.join(", ")));
        }
    }
    s
}

fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::AllHold => 0,
        Outcome::SomeUndecided => 1,
        Outcome::NotValidated => 2,
        Outcome::SomeViolated => 3,
        Outcome::Inconsistent => 4,
    }
}

/// The outcome of the lemma rows alone (the same precedence as a catalogue table's).
pub fn outcome<S>(rows: &[LemmaRow<S>]) -> Outcome {
    let any = |s: RowStatus| rows.iter().any(|r| r.status == s);
    if any(RowStatus::Inconsistent) {
        Outcome::Inconsistent
    } else if any(RowStatus::Counterexample) {
        Outcome::SomeViolated
    } else if any(RowStatus::NotValidated) {
        Outcome::NotValidated
    } else if any(RowStatus::Undecided) {
        Outcome::SomeUndecided
    } else {
        Outcome::AllHold
    }
}

/// The catalogue's verdict combined with the lemma rows': the stronger outcome wins.
pub fn merge<S>(table: (Outcome, Exit), rows: &[LemmaRow<S>]) -> (Outcome, Exit) {
    let lemma = outcome(rows);
    if rank(lemma) <= rank(table.0) {
        return table;
    }
    let exit = match lemma {
        Outcome::Inconsistent => Exit::Internal,
        Outcome::SomeViolated => Exit::Counterexample,
        Outcome::SomeUndecided => Exit::Undecided,
        Outcome::NotValidated | Outcome::AllHold => Exit::Success,
    };
    (lemma, exit)
}
