//! [`Claim`]: what the search tries to break — instances to draw, the hypotheses they must
//! satisfy, and a judge of trajectories. [`Plan`] is the claim of a catalogue entry; tests and
//! callers may bring their own.

use crate::fast::Fast;
use crate::plan::{Plan, Space};
use crate::strategy::{Accept, Assume, cel_problem, net_problem, neuron_problem};
use proptest::strategy::{BoxedStrategy, Strategy};
use reluflow_arith::{Enclosure, Interval, MpInterval, Scalar};
use reluflow_check::{Location, Row, RowStatus, Truth, Verdict, check, hyp};
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
    /// The row's verdict explained (its status, the witness or reason, any assumed hypothesis
    /// that is not certainly true), as the checker's table prints it.
    pub text: String,
    /// For a violation: the latest time of its witness (upper end), when it has one in time.
    pub witness_time: Option<f64>,
}

/// The upper end of the time of a violation's witness: `0` at the initial state, the end of the
/// segment for a segment or segment end, the event's time; `None` for the limit, the data, or a
/// verdict that is not a violation.
pub fn witness_time<S: Scalar>(v: &Verdict<S>) -> Option<f64> {
    let Verdict::Violated { witness } = v else { return None };
    match &witness.at {
        Location::Initial => Some(0.0),
        Location::Segment { t_end: t, .. }
        | Location::SegmentEnd { t, .. }
        | Location::InSegment { t, .. }
        | Location::Event { t, .. } => Some(t.upper_f64()).filter(|t| t.is_finite()),
        Location::Tail { .. } | Location::Limit | Location::Data => None,
    }
}

impl Judgement {
    /// The judgement of a checker row.
    pub fn of_row<S: Scalar>(row: &Row<S>) -> Judgement {
        Judgement::new(&row.conclusion, row.status, row.explanation())
    }

    /// The judgement of verdict `v` with `status` and `text` (the witness time from `v`).
    pub fn new<S: Scalar>(v: &Verdict<S>, status: RowStatus, text: String) -> Judgement {
        Judgement { verdict: VerdictKind::of(v), status, text, witness_time: witness_time(v) }
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
    /// The verdict on an MPFR trajectory of `p` (a validated one, or an MPFR point run through
    /// [`reluflow_check::degenerate`]): problems whose arithmetic is `mpfr` or `mpfr-interval`
    /// (scales below f64's range) are screened and certified in MPFR ([`crate::screen`]). Default:
    /// undecided (a claim that cannot judge MPFR runs never confirms on them).
    fn judge_mp(&self, _p: &Problem, _traj: &Trajectory<MpInterval>) -> Judgement {
        Judgement {
            verdict: VerdictKind::Undecided,
            status: RowStatus::Undecided,
            text: format!("{} judges no MPFR runs", self.id()),
            witness_time: None,
        }
    }
    /// The slack of `p`'s point run `traj`: the margin by which the conclusion holds on it
    /// (negative: the samples break it), the score the targeted mode climbs down. Default: what
    /// [`crate::slack`] knows for this id.
    fn slack(&self, p: &Problem, traj: &Trajectory<f64>) -> Option<f64> {
        crate::slack::slack(self.id(), p, traj)
    }
    /// A fast screen of `p` ([`crate::fast`]): `None` when the claim has none, `Some(Err(why))`
    /// when this instance needs the full screen. Default: none.
    fn fast(&self, _p: &Problem) -> Option<Result<Fast, String>> {
        None
    }
    /// For a statement about the data alone (its verdict reads no trajectory): the judgement of
    /// `p` for the screen (`certify = false`; the screen downgrades it to "not validated", as every
    /// screen) or for the certification (`certify = true`: what `reluflow check` on the problem
    /// file computes). No run is made for such a claim. Default: `None` (the claim judges
    /// trajectories).
    fn judge_data(&self, _p: &Problem, _certify: bool) -> Option<Judgement> {
        None
    }
}

/// Pieces per segment of the second, finer check of an undecided certified row.
pub const FINE_REFINE: u32 = 64;

impl Plan {
    /// The checker's row of this entry on `traj` under `sel`, as a judgement.
    fn row<S: Enclosure>(&self, p: &Problem, traj: &Trajectory<S>, sel: &reluflow_check::Selection) -> Judgement {
        let report = check(p, traj, sel);
        match report.rows.iter().find(|r| r.entry.id == self.entry.id) {
            Some(row) => Judgement::of_row(row),
            None => Judgement {
                verdict: VerdictKind::Undecided,
                status: RowStatus::Undecided,
                text: format!("the checker returned no row for {}", self.entry.id),
                witness_time: None,
            },
        }
    }

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
            Space::Cel(s) => cel_problem(s),
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

    fn fast(&self, p: &Problem) -> Option<Result<Fast, String>> {
        crate::fast::screen(self.entry.id, p)
    }

    /// Runs the checker on this entry. A point run is checked without refinement (its "hulls" are
    /// samples, not enclosures, so refining them proves nothing and costs time); on a validated
    /// run whose row is undecided the check is tried once more with [`FINE_REFINE`] pieces per
    /// segment (tighter hulls from the same certified run: a certified answer either way).
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement {
        self.judge_in(p, traj)
    }

    fn judge_mp(&self, p: &Problem, traj: &Trajectory<MpInterval>) -> Judgement {
        self.judge_in(p, traj)
    }

    /// The checker's static check, for an entry of kind `Static` (see `data.rs`).
    fn judge_data(&self, p: &Problem, certify: bool) -> Option<Judgement> {
        crate::data::judge(self, p, certify)
    }
}

impl Plan {
    /// [`Claim::judge`] in any enclosure backend.
    fn judge_in<S: Enclosure>(&self, p: &Problem, traj: &Trajectory<S>) -> Judgement {
        let mut sel = self.selection.clone();
        if matches!(traj.status(), Status::NotValidated) {
            sel.params.refine = 0;
            return self.row(p, traj, &sel);
        }
        let first = self.row(p, traj, &sel);
        if first.status != RowStatus::Undecided || sel.params.refine >= FINE_REFINE {
            return first;
        }
        sel.params.refine = FINE_REFINE;
        let finer = self.row(p, traj, &sel);
        if finer.status == RowStatus::Undecided { first } else { finer }
    }
}
