//! One line of `cases.jsonl`: a [`CaseRecord`] as JSON and back. Every field the library reports
//! is kept (problems as [`ProblemDoc`]s, exact rationals as strings), so the coverage of a log is
//! rebuilt exactly by replaying its records through [`reluflow_search::Coverage::add`].

use crate::spec::ProblemDoc;
use reluflow_check::RowStatus;
use reluflow_search::{CaseRecord, CaseStatus, Judgement, Shrunk, Timings, VerdictKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A case record as written.
#[derive(Debug, Serialize, Deserialize)]
pub struct CaseLine {
    /// The case index.
    pub case: u64,
    /// `skipped`, `holds`, `undecided`, `not-confirmed`, `counterexample` or `internal`.
    pub status: String,
    /// Why (skipped, undecided, not confirmed, internal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The point run's judgement.
    pub screened: Option<JudgementLine>,
    /// The certified run's judgement.
    pub certified: Option<JudgementLine>,
    /// The screened slack.
    pub slack: Option<f64>,
    /// A targeted case's parent: the case whose instance it perturbed (absent for a draw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<u64>,
    /// Seconds per stage.
    pub timings: TimingsLine,
    /// The instance.
    pub problem: Option<ProblemDoc>,
    /// The instance certified when it is not `problem` (horizon cut after the witness).
    pub certified_on: Option<ProblemDoc>,
    /// Shrinking.
    pub shrunk: Option<ShrunkLine>,
}

/// A judgement as written.
#[derive(Debug, Serialize, Deserialize)]
pub struct JudgementLine {
    /// `holds`, `violated`, `undecided` or `inconsistent`.
    pub verdict: String,
    /// The row status (`not validated`, `counterexample`, …).
    pub status: String,
    /// The text.
    pub text: String,
    /// The witness time.
    pub witness_time: Option<f64>,
}

/// Seconds per stage.
#[derive(Debug, Serialize, Deserialize)]
pub struct TimingsLine {
    /// Drawing.
    pub generate_s: f64,
    /// Point run and check.
    pub screen_s: f64,
    /// Certified run and check.
    pub certify_s: Option<f64>,
    /// Shrinking.
    pub shrink_s: Option<f64>,
}

/// Shrinking as written.
#[derive(Debug, Serialize, Deserialize)]
pub struct ShrunkLine {
    /// The smallest instance.
    pub problem: ProblemDoc,
    /// Steps tried.
    pub steps: usize,
    /// Steps accepted.
    pub accepted: usize,
    /// Its certified judgement.
    pub certified: JudgementLine,
}

const VERDICTS: [(VerdictKind, &str); 4] = [
    (VerdictKind::Holds, "holds"),
    (VerdictKind::Violated, "violated"),
    (VerdictKind::Undecided, "undecided"),
    (VerdictKind::Inconsistent, "inconsistent"),
];

const ROW_STATUSES: [RowStatus; 9] = [
    RowStatus::Holds,
    RowStatus::Vacuous,
    RowStatus::Counterexample,
    RowStatus::Undecided,
    RowStatus::False,
    RowStatus::NotValidated,
    RowStatus::NotApplicable,
    RowStatus::NotImplemented,
    RowStatus::Inconsistent,
];

fn judgement(j: &Judgement) -> JudgementLine {
    let verdict = VERDICTS.iter().find(|(k, _)| *k == j.verdict).map_or("?", |(_, n)| n);
    JudgementLine {
        verdict: verdict.into(),
        status: j.status.name().into(),
        text: j.text.clone(),
        witness_time: j.witness_time,
    }
}

fn judgement_back(j: JudgementLine) -> Result<Judgement, String> {
    let verdict = VERDICTS.iter().find(|(_, n)| *n == j.verdict).map(|(k, _)| *k);
    let status = ROW_STATUSES.iter().copied().find(|s| s.name() == j.status);
    match (verdict, status) {
        (Some(verdict), Some(status)) => Ok(Judgement { verdict, status, text: j.text, witness_time: j.witness_time }),
        _ => Err(format!("unknown verdict `{}` or row status `{}`", j.verdict, j.status)),
    }
}

fn reason(s: &CaseStatus) -> Option<String> {
    match s {
        CaseStatus::Skipped(r) | CaseStatus::Undecided(r) | CaseStatus::NotConfirmed(r) | CaseStatus::Internal(r) => {
            Some(r.clone())
        }
        CaseStatus::Holds | CaseStatus::Counterexample => None,
    }
}

fn status_back(name: &str, reason: Option<String>) -> Result<CaseStatus, String> {
    let r = reason.unwrap_or_default();
    Ok(match name {
        "skipped" => CaseStatus::Skipped(r),
        "holds" => CaseStatus::Holds,
        "undecided" => CaseStatus::Undecided(r),
        "not-confirmed" => CaseStatus::NotConfirmed(r),
        "counterexample" => CaseStatus::Counterexample,
        "internal" => CaseStatus::Internal(r),
        other => return Err(format!("unknown case status `{other}`")),
    })
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn duration(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or_default()
}

impl CaseLine {
    /// The line of `rec`.
    pub fn of(rec: &CaseRecord) -> CaseLine {
        let t = &rec.timings;
        CaseLine {
            case: rec.case,
            status: rec.status.name().into(),
            reason: reason(&rec.status),
            screened: rec.screened.as_ref().map(judgement),
            certified: rec.certified.as_ref().map(judgement),
            slack: rec.slack,
            parent: rec.parent,
            timings: TimingsLine {
                generate_s: secs(t.generate),
                screen_s: secs(t.screen),
                certify_s: t.certify.map(secs),
                shrink_s: t.shrink.map(secs),
            },
            problem: rec.problem.as_ref().map(ProblemDoc::of),
            certified_on: rec.certified_on.as_ref().map(ProblemDoc::of),
            shrunk: rec.shrunk.as_ref().map(|s| ShrunkLine {
                problem: ProblemDoc::of(&s.problem),
                steps: s.steps,
                accepted: s.accepted,
                certified: judgement(&s.certified),
            }),
        }
    }

    /// The record back (`name` locates problems in messages).
    pub fn record(self, name: &str) -> Result<CaseRecord, String> {
        let problem =
            |d: Option<ProblemDoc>| d.map(|d| crate::spec::read_doc(&d, name).map_err(|e| e.to_string())).transpose();
        let shrunk = match self.shrunk {
            None => None,
            Some(s) => Some(Shrunk {
                problem: crate::spec::read_doc(&s.problem, name).map_err(|e| e.to_string())?,
                steps: s.steps,
                accepted: s.accepted,
                certified: judgement_back(s.certified)?,
            }),
        };
        let t = self.timings;
        Ok(CaseRecord {
            case: self.case,
            problem: problem(self.problem)?,
            screened: self.screened.map(judgement_back).transpose()?,
            certified: self.certified.map(judgement_back).transpose()?,
            certified_on: problem(self.certified_on)?,
            status: status_back(&self.status, self.reason)?,
            slack: self.slack,
            parent: self.parent,
            shrunk,
            timings: Timings {
                generate: duration(t.generate_s),
                screen: duration(t.screen_s),
                certify: t.certify_s.map(duration),
                shrink: t.shrink_s.map(duration),
            },
        })
    }
}
