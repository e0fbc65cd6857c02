//! The JSON document of `reluflow check --json`.

use super::{STATUSES, TrajectoryInfo, ids_with, outcome_name};
use crate::report::{JsonReason, Pair, effective_precision, horizon_text, pair};
use reluflow_arith::Scalar;
use reluflow_arith::exact::{Dir, bound_decimal};
use reluflow_check::{CheckReport, Location, Outcome, Proof, Row, Verdict};
use reluflow_model::Problem;
use serde::Serialize;

/// The whole document.
#[derive(Debug, Serialize)]
pub struct JsonCheck {
    /// `"all-hold"`, `"some-violated"`, `"some-undecided"` or `"not-validated"`.
    pub outcome: &'static str,
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
    pub reason: Option<JsonReason>,
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
    /// The row's one verdict explained: starts with `status` and agrees with it.
    pub explanation: String,
    /// Whether the verdict rests on enclosures of a validated run.
    pub validated: bool,
    /// The hypotheses with their truth on the instance.
    pub hypotheses: Vec<JsonHyp>,
    /// The conclusion checked on its own, before the hypotheses are taken into account (a vacuous
    /// row's conclusion may still read `undecided` or `violated`; `status` is the row's verdict).
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
    /// Where: `kind`, the run's segment or event index, the time interval.
    pub at: JsonLocation,
    /// The quantity evaluated.
    pub quantity: String,
    /// Its enclosure, rounded outward (absent for combinatorial witnesses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Pair>,
    /// The claim it breaks.
    pub breaks: String,
    /// The claim as data, when it is a comparison with a number: `value <relation> bound` must
    /// hold and certainly does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<JsonBound>,
    /// The witness as one line of text.
    pub text: String,
}

/// A witness's claim as data.
#[derive(Debug, Serialize)]
pub struct JsonBound {
    /// `"<="`, `">="`, `"<"`, `">"` or `"=="`.
    pub relation: &'static str,
    /// The number the value is compared with (an enclosure when it is computed).
    pub bound: Pair,
}

/// Where a witness lives in the trajectory.
#[derive(Debug, Serialize)]
pub struct JsonLocation {
    /// `"initial"`, `"segment"` (every time of a sub-interval of a certified segment),
    /// `"segment-end"`, `"segment-time"` (one time inside a certified segment), `"event"`, `"tail"` (every time after the last segment of a single-neuron
    /// run, up to the limit), `"limit"` or `"data"` (a static statement).
    pub kind: &'static str,
    /// The index of the certified segment, as numbered by `certify` (segment kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<usize>,
    /// The index of the event in the trajectory's event list (`"event"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<usize>,
    /// The times: `[lo, hi]` covers every time the witness holds at (`"inf"` for the tail's end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub t: Option<Pair>,
    /// The location in words.
    pub text: String,
}

fn location<S: Scalar>(at: &Location<S>, digits: u32) -> JsonLocation {
    let span =
        |a: &S, b: &S| [bound_decimal(&a.lower(), digits, Dir::Down), bound_decimal(&b.upper(), digits, Dir::Up)];
    let (kind, segment, event, t) = match at {
        Location::Initial => ("initial", None, None, Some(["0".to_string(), "0".to_string()])),
        Location::Segment { index, t_start, t_end } => ("segment", Some(*index), None, Some(span(t_start, t_end))),
        Location::SegmentEnd { index, t } => ("segment-end", Some(*index), None, Some(pair(t, digits))),
        Location::InSegment { index, t } => ("segment-time", Some(*index), None, Some(pair(t, digits))),
        Location::Event { index, t } => ("event", None, Some(*index), Some(pair(t, digits))),
        Location::Tail { t_start, t_end: None } => {
            ("tail", None, None, Some([bound_decimal(&t_start.lower(), digits, Dir::Down), "inf".to_string()]))
        }
        Location::Tail { t_start, t_end: Some(t_end) } => ("tail", None, None, Some(span(t_start, t_end))),
        Location::Limit => ("limit", None, None, None),
        Location::Data => ("data", None, None, None),
    };
    JsonLocation { kind, segment, event, t, text: at.to_string() }
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
                at: location(&witness.at, digits),
                quantity: witness.quantity.clone(),
                value: witness.value.as_ref().map(|x| pair(x, digits)),
                breaks: witness.breaks.clone(),
                bound: witness
                    .bound
                    .as_ref()
                    .map(|b| JsonBound { relation: b.relation.symbol(), bound: pair(&b.bound, digits) }),
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
        explanation: r.explanation(),
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
    outcome: Outcome,
    digits: u32,
) -> JsonCheck {
    JsonCheck {
        outcome: outcome_name(outcome),
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
