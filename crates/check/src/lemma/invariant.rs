//! [`Invariant`]: a claim of your own written in Rust rather than in the lemma language, checked
//! on the same prepared trajectory and reported in the same [`LemmaRow`].

use super::{LemmaRow, row_of};
use crate::hyp::Params;
use crate::inst::Inst;
use crate::sweep::Coverage;
use crate::verdict::Verdict;
use reluflow_arith::Enclosure;
use reluflow_flow::Trajectory;
use reluflow_model::Problem;

/// What an [`Invariant`] sees: the problem, the checker's prepared trajectory (single-neuron tail
/// added, segments refined), the instance in the backend's numbers, and the certified coverage.
#[derive(Debug)]
pub struct View<'a, S: Enclosure> {
    /// The problem.
    pub problem: &'a Problem,
    /// The prepared trajectory: every segment hull contains the exact state at every time of its
    /// segment (up to `coverage`).
    pub trajectory: &'a Trajectory<S>,
    /// The data, labels and field in the backend's numbers ([`Inst::velocity`] is the field of a
    /// pattern on an enclosure).
    pub instance: &'a Inst<S>,
    /// Which segments are certified and whether they cover the horizon.
    pub coverage: &'a Coverage,
}

/// A claim along a trajectory with a three-valued answer.
///
/// **Contract** (as for the catalogue's checks): [`Verdict::Holds`] only when proved over the
/// range it names from the view's enclosures; [`Verdict::Violated`] only with a witness whose
/// enclosure lies entirely on the wrong side; otherwise [`Verdict::Undecided`] with the reason.
/// The building blocks of `crate::sweep` ([`Monotone`](crate::sweep::Monotone)) keep that
/// contract.
pub trait Invariant<S: Enclosure> {
    /// The name in reports.
    fn name(&self) -> String;
    /// The verdict on the view.
    fn verdict(&self, view: &View<'_, S>) -> Verdict<S>;
}

/// Checks `inv` on `traj`, a trajectory of `problem`, on the checker's prepared trajectory
/// (`params.refine` pieces per segment). A trajectory whose enclosures are inconsistent gives
/// [`Verdict::Inconsistent`]; a point run's row is "not validated".
pub fn check_invariant<S: Enclosure>(
    problem: &Problem,
    traj: &Trajectory<S>,
    inv: &dyn Invariant<S>,
    params: &Params,
) -> LemmaRow<S> {
    let name = inv.name();
    if let Err(why) = crate::report::validate_shape(problem, traj) {
        return row_of(&name, &name, Verdict::undecided(format!("malformed trajectory: {why}")), true);
    }
    let prep = crate::dispatch::prepare(problem, params, traj);
    let verdict = match &prep.inconsistent {
        Some(e) => e.clone().into(),
        None => {
            let view = View { problem, trajectory: &prep.traj, instance: &prep.inst, coverage: &prep.cov };
            inv.verdict(&view)
        }
    };
    row_of(&name, &name, verdict, prep.cov.validated)
}
