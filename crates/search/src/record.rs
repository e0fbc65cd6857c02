//! What the search reports: one [`CaseRecord`] per finished case, handed to a [`Sink`] at once.

use crate::claim::Judgement;
use reluflow_model::Problem;
use std::sync::Mutex;
use std::time::Duration;

/// The outcome of one case.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseStatus {
    /// Not run: an assumed hypothesis is not certainly true on the instance, or no instance could
    /// be drawn (the reason says which).
    Skipped(String),
    /// The point run shows no violation (not validated: a screen, not a proof).
    Holds,
    /// The point run decided nothing (the checker's reason).
    Undecided(String),
    /// The point run shows a violation that the certified run does not confirm (the certified
    /// row's status and verdict).
    NotConfirmed(String),
    /// Certified: every assumed hypothesis certainly true and the conclusion certainly violated on
    /// the validated run.
    Counterexample,
    /// A bug caught on the way (an internal inconsistency of a run or a check).
    Internal(String),
}

impl CaseStatus {
    /// The short name: `skipped`, `holds`, `undecided`, `not-confirmed`, `counterexample`,
    /// `internal`.
    pub fn name(&self) -> &'static str {
        match self {
            CaseStatus::Skipped(_) => "skipped",
            CaseStatus::Holds => "holds",
            CaseStatus::Undecided(_) => "undecided",
            CaseStatus::NotConfirmed(_) => "not-confirmed",
            CaseStatus::Counterexample => "counterexample",
            CaseStatus::Internal(_) => "internal",
        }
    }
}

/// Wall-clock time of each stage of a case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timings {
    /// Drawing the instance (including rejected draws).
    pub generate: Duration,
    /// The point run and its check.
    pub screen: Duration,
    /// The certified run and its check (if run).
    pub certify: Option<Duration>,
    /// Shrinking, including the final re-certification (if run).
    pub shrink: Option<Duration>,
}

/// The result of shrinking a certified counterexample.
#[derive(Clone, Debug, PartialEq)]
pub struct Shrunk {
    /// The smallest instance found that still screens as violated (with its horizon cut at the
    /// screened witness when only that cut certified, as for [`CaseRecord::certified_on`]).
    pub problem: Problem,
    /// Shrinking steps tried.
    pub steps: usize,
    /// Steps whose instance still screened as violated.
    pub accepted: usize,
    /// The certified judgement of `problem`: the case's counterexample is this instance only if
    /// it is a certified counterexample, else the original one.
    pub certified: Judgement,
}

/// One finished case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRecord {
    /// The case index in the global sequence.
    pub case: u64,
    /// The instance (`None` only when no instance could be drawn).
    pub problem: Option<Problem>,
    /// The point run's judgement (not validated).
    pub screened: Option<Judgement>,
    /// The certified run's judgement (run only after a screened violation).
    pub certified: Option<Judgement>,
    /// The instance the certified judgement is about when it is not `problem`: `problem` with its
    /// horizon cut just after the screened witness (see [`crate::screen::confirm`]).
    pub certified_on: Option<Problem>,
    /// The outcome.
    pub status: CaseStatus,
    /// The slack of the screened run (see [`crate::slack`]).
    pub slack: Option<f64>,
    /// For a targeted case proposed as a neighbour: the case whose instance was perturbed
    /// (`None` for a fresh draw, and for every case of a random search).
    pub parent: Option<u64>,
    /// Shrinking of a counterexample.
    pub shrunk: Option<Shrunk>,
    /// Times.
    pub timings: Timings,
}

impl CaseRecord {
    /// The certified counterexample of this case: the shrunk instance if it certified, else the
    /// instance certified (`certified_on`, else `problem`); `None` unless the status is
    /// [`CaseStatus::Counterexample`].
    pub fn counterexample(&self) -> Option<&Problem> {
        if self.status != CaseStatus::Counterexample {
            return None;
        }
        match &self.shrunk {
            Some(s) if s.certified.status == reluflow_check::RowStatus::Counterexample => Some(&s.problem),
            _ => self.certified_on.as_ref().or(self.problem.as_ref()),
        }
    }
}

/// Where finished cases go, one call per case, from the search's worker threads, as soon as the
/// case is finished (so a log written here is complete up to the cases in flight).
pub trait Sink: Send + Sync {
    /// Takes one finished case.
    fn record(&self, rec: CaseRecord);
}

impl<F: Fn(CaseRecord) + Send + Sync> Sink for F {
    fn record(&self, rec: CaseRecord) {
        self(rec)
    }
}

/// A sink that keeps every record in memory.
#[derive(Debug, Default)]
pub struct Collect {
    records: Mutex<Vec<CaseRecord>>,
}

impl Collect {
    /// An empty collector.
    pub fn new() -> Collect {
        Collect::default()
    }

    /// The records so far, sorted by case index.
    pub fn records(&self) -> Vec<CaseRecord> {
        let mut v = self.records.lock().unwrap_or_else(|e| e.into_inner()).clone();
        v.sort_by_key(|r| r.case);
        v
    }
}

impl Sink for Collect {
    fn record(&self, rec: CaseRecord) {
        self.records.lock().unwrap_or_else(|e| e.into_inner()).push(rec);
    }
}
