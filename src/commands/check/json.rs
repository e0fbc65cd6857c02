//! The JSON document of `reluflow check --json`.

use super::{STATUSES, TrajectoryInfo, ids_with, outcome_name};
use crate::exit::Exit;
use crate::report::{Pair, effective_precision, horizon_text, pair};
use reluflow_arith::Scalar;
use reluflow_check::{CheckReport, Outcome, Proof, Row, Verdict};
use reluflow_model::Problem;
use serde::Serialize;

/// The whole document.
#[derive(Debug, Serialize)]
pub struct JsonCheck {
    /// `"all-hold"`, `"some-violated"`, `"some-undecided"` or `"not-validated"`.
    pub outcome: &'static str,
    /// The process exit code.
    pub exit_code: u8,
    /// `"single-neuron"` or `"two-layer"`.
    pub model: &'static str,
    /// The arithmetic of the problem file (a point run is checked on degenerate intervals).
    pub arithmetic: &'static str,
    /// Significand bits.
    pub precision: u32,
    /// The requested horizon.
    pub t_end: String,
    /// The trajectory that was checked.
    pub trajectory: JsonTrajectory,
    /// The rows, in catalogue order.
    pub rows: Vec<JsonRow>,
    /// For every status present, the ids of its rows.
    pub summary: Vec<JsonSummary>,
    /// The lemmas (`--lemma`, `[[lemma]]`), in the order given (absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lemmas: Vec<super::lemmas::JsonLemma>,
}

/// The trajectory's status.
#[derive(Debug, Serialize)]
pub struct JsonTrajectory {
    /// `"certified"`, `"undecided"`, `"not-validated"` or `"non-finite"`.
    pub status: &'static str,
    /// Why the integrator stopped (undecided), or why nothing was checked (non-finite).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Up to which time the trajectory (and so every trajectory row) is certified; `null` for
    /// non-validated runs.
    pub certified_until: Option<String>,
    /// Number of segments.
    pub segments: usize,
    /// Number of proved switches.
    pub events: usize,
}

/// One row.
#[derive(Debug, Serialize)]
pub struct JsonRow {
    /// Catalogue id.
    pub id: &'static str,
    /// Paper and number.
    pub source: &'static str,
    /// The row status (`"holds"`, `"counterexample"`, `"undecided"`, `"vacuous"`, `"false"`,
    /// `"not validated"`, `"not applicable"`, `"not implemented"`).
    pub status: &'static str,
    /// Whether the verdict rests on enclosures of a validated run.
    pub validated: bool,
    /// The hypotheses with their truth on the instance.
    pub hypotheses: Vec<JsonHyp>,
    /// The conclusion's verdict.
    pub conclusion: JsonConclusion,
    /// Extra facts.
    pub notes: Vec<String>,
    /// The proofs note of the entry.
    pub note: String,
}

/// One hypothesis of a row.
#[derive(Debug, Serialize)]
pub struct JsonHyp {
    /// Its id.
    pub id: &'static str,
    /// Whether the row assumes it.
    pub assumed: bool,
    /// `"true"`, `"false"` or `"undecided"`.
    pub truth: &'static str,
    /// Why.
    pub reason: String,
}

/// The verdict on a conclusion.
#[derive(Debug, Serialize)]
pub struct JsonConclusion {
    /// `"holds"`, `"violated"` or `"undecided"`.
    pub verdict: &'static str,
    /// The verdict as one line of text (as in the human table).
    pub text: String,
    /// How a `holds` was proved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
    /// The range a `holds` covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// The certified witness of a `violated`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<JsonWitness>,
    /// Why an `undecided`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A certified witness.
#[derive(Debug, Serialize)]
pub struct JsonWitness {
    /// Where (segment, event, limit, data).
    pub at: String,
    /// The quantity evaluated.
    pub quantity: String,
    /// Its enclosure, rounded outward (absent for combinatorial witnesses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Pair>,
    /// The claim it breaks.
    pub breaks: String,
    /// The witness as one line of text.
    pub text: String,
}

/// The ids of one status.
#[derive(Debug, Serialize)]
pub struct JsonSummary {
    /// The status.
    pub status: &'static str,
    /// The ids.
    pub ids: Vec<&'static str>,
}

/// The JSON form of a verdict.
pub fn conclusion<S: Scalar>(v: &Verdict<S>, digits: u32) -> JsonConclusion {
    let mut c = JsonConclusion {
        verdict: v.name(),
        text: v.to_string(),
        proof: None,
        range: None,
        witness: None,
        reason: None,
    };
    match v {
        Verdict::Holds { proof, range } => {
            c.proof = Some(match proof {
                Proof::Enclosures => "enclosures".to_string(),
                Proof::Identity(id) => format!("identity: {id}"),
                Proof::Exact => "exact".to_string(),
            });
            c.range = Some(range.clone());
        }
        Verdict::Violated { witness } => {
            c.witness = Some(JsonWitness {
                at: witness.at.to_string(),
                quantity: witness.quantity.clone(),
                value: witness.value.as_ref().map(|x| pair(x, digits)),
                breaks: witness.breaks.clone(),
                text: witness.to_string(),
            });
        }
        Verdict::Undecided { why } => c.reason = Some(why.clone()),
        Verdict::Inconsistent { inconsistency } => c.reason = Some(inconsistency.to_string()),
    }
    c
}

fn row<S: Scalar>(r: &Row<S>, digits: u32) -> JsonRow {
    JsonRow {
        id: r.entry.id,
        source: r.entry.source,
        status: r.status.name(),
        validated: r.validated,
        hypotheses: r
            .hypotheses
            .iter()
            .map(|h| JsonHyp { id: h.id, assumed: h.assumed, truth: h.truth.name(), reason: h.truth.reason().into() })
            .collect(),
        conclusion: conclusion(&r.conclusion, digits),
        notes: r.notes.clone(),
        note: format!("proofs-notes/{}.md", r.entry.note_slug()),
    }
}

/// The document for `table`, checked on a trajectory described by `info`.
pub fn document<S: Scalar>(
    problem: &Problem,
    table: &CheckReport<S>,
    info: &TrajectoryInfo,
    (outcome, exit): (Outcome, Exit),
    digits: u32,
) -> JsonCheck {
    JsonCheck {
        outcome: outcome_name(outcome),
        exit_code: exit.code(),
        model: problem.model().name(),
        arithmetic: problem.run().arithmetic.name(),
        precision: effective_precision(problem),
        t_end: horizon_text(&problem.run().t_end),
        trajectory: JsonTrajectory {
            status: info.status,
            reason: info.reason.clone(),
            certified_until: info.certified_until.clone(),
            segments: info.segments,
            events: info.events,
        },
        rows: table.rows.iter().map(|r| row(r, digits)).collect(),
        summary: STATUSES
            .iter()
            .map(|&s| JsonSummary { status: s.name(), ids: ids_with(table, s) })
            .filter(|s| !s.ids.is_empty())
            .collect(),
        lemmas: Vec::new(),
    }
}
