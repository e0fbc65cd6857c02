//! [`Claim`]: what the search tries to break — instances to draw, the hypotheses they must
//! satisfy, and a judge of trajectories. [`Plan`] is the claim of a catalogue entry; tests and
//! callers may bring their own.

use crate::plan::{Plan, Space};
use crate::strategy::{Accept, Assume, net_problem, neuron_problem};
use proptest::strategy::{BoxedStrategy, Strategy};
use reluflow_arith::Interval;
use reluflow_check::{Row, RowStatus, Truth, Verdict, check, hyp};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::Problem;
use std::sync::Arc;

/// The kind of a conclusion's verdict (its text is in [`Judgement::text`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerdictKind {
    /// Proved (or, on a point run, not seen to fail).
    Holds,
    /// A witness of failure (certified only on a validated run).
    Violated,
    /// Neither.
    Undecided,
    /// A bug caught: enclosures that must meet did not.
    Inconsistent,
}

impl VerdictKind {
    /// The kind of `v`.
    pub fn of<S>(v: &Verdict<S>) -> VerdictKind {
        match v {
            Verdict::Holds { .. } => VerdictKind::Holds,
            Verdict::Violated { .. } => VerdictKind::Violated,
            Verdict::Undecided { .. } => VerdictKind::Undecided,
            Verdict::Inconsistent { .. } => VerdictKind::Inconsistent,
        }
    }
}

/// A claim's answer on one trajectory: the conclusion's verdict, the row status in the checker's
/// sense (a [`RowStatus::Counterexample`] only from a validated run), and a text for reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    /// The conclusion's verdict.
    pub verdict: VerdictKind,
    /// The row status (`NotValidated` for every point run).
    pub status: RowStatus,
    /// The status, the verdict with its witness or reason, and any assumed hypothesis that is not
    /// certainly true.
    pub text: String,
}

impl Judgement {
    /// The judgement of a checker row.
    pub fn of_row(row: &Row<Interval>) -> Judgement {
        let mut text = format!("{}: {}", row.status.name(), row.conclusion);
        for h in row.hypotheses.iter().filter(|h| h.assumed && !h.truth.is_true()) {
            text.push_str(&format!("; assumed hypothesis {} is {}", h.id, h.truth));
        }
        Judgement { verdict: VerdictKind::of(&row.conclusion), status: row.status, text }
    }

    /// The conclusion failed on this run (certified or not).
    pub fn looks_violated(&self) -> bool {
        self.verdict == VerdictKind::Violated
    }
}

/// What a search tries to break.
///
/// **Contract**: [`judge`](Claim::judge) answers [`RowStatus::Counterexample`] only when every
/// assumed hypothesis is certainly true and the conclusion is certainly violated on a validated
/// trajectory (status not `NotValidated`); the search additionally never calls a point run's
/// answer a counterexample.
pub trait Claim: Send + Sync {
    /// A name for records (the catalogue id).
    fn id(&self) -> &str;
    /// The instances to draw; every value (drawn or shrunk) must satisfy [`hypotheses`](Claim::hypotheses).
    fn strategy(&self) -> BoxedStrategy<Problem>;
    /// `Ok` when every assumed hypothesis is certainly true on `p`, else the first that is not
    /// (its id and truth).
    fn hypotheses(&self, p: &Problem) -> Result<(), String>;
    /// The verdict on a trajectory of `p` (a validated one, or a point run through
    /// [`reluflow_check::degenerate`]).
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement;
}

impl Plan {
    /// The truth of every assumed hypothesis on `p`, by the catalogue's predicates (`hyp::eval`).
    pub fn truths(&self, p: &Problem) -> Vec<(&'static str, Truth)> {
        let params = &self.selection.params;
        self.assumed.iter().map(|h| (h.id, hyp::eval::<Interval>(h.id, p, params, &()))).collect()
    }

    /// The instances of the plan's space on which every assumed hypothesis is certainly true.
    pub fn strategy(&self) -> BoxedStrategy<Problem> {
        let source = match &self.space {
            Space::Neuron(s) => neuron_problem(s),
            Space::Net(s) => net_problem(s),
        };
        let plan = self.clone();
        let accept: Accept = Arc::new(move |p: &Problem| plan.hypotheses(p));
        let what = format!("assumed hypotheses of {} ({})", self.entry.id, self.assumed().join(", "));
        Assume::new(source, accept, what).boxed()
    }
}

impl Claim for Plan {
    fn id(&self) -> &str {
        self.entry.id
    }

    fn strategy(&self) -> BoxedStrategy<Problem> {
        Plan::strategy(self)
    }

    fn hypotheses(&self, p: &Problem) -> Result<(), String> {
        match self.truths(p).into_iter().find(|(_, t)| !t.is_true()) {
            None => Ok(()),
            Some((id, t)) => Err(format!("{id} is {t}")),
        }
    }

    /// Runs the checker on this entry; a point run is checked without refinement (its "hulls" are
    /// samples, not enclosures, so refining them proves nothing and costs time).
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement {
        let mut sel = self.selection.clone();
        if matches!(traj.status, Status::NotValidated) {
            sel.params.refine = 0;
        }
        let report = check(p, traj, &sel);
        match report.rows.iter().find(|r| r.entry.id == self.entry.id) {
            Some(row) => Judgement::of_row(row),
            None => Judgement {
                verdict: VerdictKind::Undecided,
                status: RowStatus::Undecided,
                text: format!("the checker returned no row for {}", self.entry.id),
            },
        }
    }
}
