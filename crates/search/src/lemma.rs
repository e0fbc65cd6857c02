//! [`LemmaClaim`]: a user's lemma (`reluflow_check::lemma`) as a search [`Claim`], so that the
//! search can be thrown at the lemma written down this morning.

use crate::claim::{Claim, FINE_REFINE, Judgement};
use crate::strategy::{Assume, NetSpace, NeuronSpace, net_problem, neuron_problem};
use proptest::strategy::{BoxedStrategy, Strategy};
use proptest::test_runner::TestCaseError;
use reluflow_arith::Interval;
use reluflow_check::hyp::Params;
use reluflow_check::lemma::{Invariant, Lemma, LemmaRow, check_invariant, check_lemmas};
use reluflow_check::{RowStatus, Verdict};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::Problem;
use std::sync::Arc;

/// Where a lemma's instances come from.
#[derive(Clone, Debug)]
pub enum LemmaSpace {
    /// Single-neuron instances.
    Neuron(NeuronSpace),
    /// Two-layer instances.
    Net(NetSpace),
}

/// A lemma to break. Instances are drawn from a space and kept only where the lemma resolves
/// (a lemma naming `x[3]` needs four points); the lemma has no other hypotheses.
///
/// A certified counterexample is a validated run on which the lemma's row is a
/// [`RowStatus::Counterexample`] (a certain witness); a point run never is one.
#[derive(Clone, Debug)]
pub struct LemmaClaim {
    name: String,
    lemma: Lemma,
    space: LemmaSpace,
}

impl LemmaClaim {
    /// The claim of `lemma` over `space`, named `name` in records.
    pub fn new(name: impl Into<String>, lemma: Lemma, space: LemmaSpace) -> LemmaClaim {
        LemmaClaim { name: name.into(), lemma, space }
    }

    fn row(&self, p: &Problem, traj: &Trajectory<Interval>, refine: u32) -> LemmaRow<Interval> {
        let params = Params { refine, ..Params::default() };
        let lemmas = [(self.name.clone(), self.lemma.clone())];
        match check_lemmas(p, traj, &lemmas, &params) {
            Ok(mut rows) => rows.remove(0),
            Err(e) => LemmaRow {
                name: self.name.clone(),
                text: self.lemma.text().to_string(),
                conclusion: Verdict::undecided(format!("the lemma does not fit this instance: {e}")),
                validated: true,
                status: RowStatus::Undecided,
            },
        }
    }
}

fn judgement(row: &LemmaRow<Interval>) -> Judgement {
    Judgement::new(&row.conclusion, row.status, format!("{}: {}", row.status.name(), row.conclusion))
}

impl Claim for LemmaClaim {
    fn id(&self) -> &str {
        &self.name
    }

    fn strategy(&self) -> BoxedStrategy<Problem> {
        let source = match &self.space {
            LemmaSpace::Neuron(s) => neuron_problem(s),
            LemmaSpace::Net(s) => net_problem(s),
        };
        let lemma = self.lemma.clone();
        let accept = Arc::new(move |p: &Problem| lemma.resolve(p).map(|_| ()).map_err(|e| e.message()));
        Assume::new(source, accept, format!("instances where `{}` resolves", self.lemma.text())).boxed()
    }

    fn hypotheses(&self, p: &Problem) -> Result<(), String> {
        self.lemma.resolve(p).map(|_| ()).map_err(|e| e.message())
    }

    /// As for a catalogue entry: a point run unrefined (its hulls are samples), a validated run
    /// with the default refinement and, if undecided, once more with [`FINE_REFINE`] pieces.
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement {
        if matches!(traj.status, Status::NotValidated) {
            return judgement(&self.row(p, traj, 0));
        }
        let first = self.row(p, traj, Params::default().refine);
        if first.status != RowStatus::Undecided {
            return judgement(&first);
        }
        let finer = self.row(p, traj, FINE_REFINE);
        judgement(if finer.status == RowStatus::Undecided { &first } else { &finer })
    }
}

/// Certifies `p` with the interval integrator (the search's default budget) and checks `lemma`
/// on the run.
///
/// # Errors
/// The lemma does not fit `p` (its message), or the integrator failed outright. A run that is
/// certified only up to some time is checked on that part (its row says so).
pub fn check_lemma_on(p: &Problem, lemma: &Lemma) -> Result<LemmaRow<Interval>, String> {
    lemma.resolve(p).map_err(|e| e.to_string())?;
    let traj = crate::screen::certified_run(p, &crate::screen::Budget::default(), None)?;
    let rows = check_lemmas(p, &traj, &[(lemma.text().to_string(), lemma.clone())], &Params::default());
    rows.map(|mut r| r.remove(0)).map_err(|e| e.to_string())
}

/// Certifies `p` as [`check_lemma_on`] does and checks a Rust [`Invariant`] on the run.
///
/// # Errors
/// The integrator failed outright.
pub fn check_invariant_on(p: &Problem, inv: &dyn Invariant<Interval>) -> Result<LemmaRow<Interval>, String> {
    let traj = crate::screen::certified_run(p, &crate::screen::Budget::default(), None)?;
    Ok(check_invariant(p, &traj, inv, &Params::default()))
}

/// For the body of a property test: `Ok` unless `row` is a certified counterexample, whose
/// failure message shows the certified witness and the instance.
///
/// # Errors
/// [`TestCaseError::Fail`] for a certified counterexample (never for an undecided row).
pub fn no_counterexample(p: &Problem, row: &LemmaRow<Interval>) -> Result<(), TestCaseError> {
    if row.status != RowStatus::Counterexample {
        return Ok(());
    }
    Err(TestCaseError::fail(format!("certified counterexample to `{}`: {}\ninstance: {p:?}", row.text, row.conclusion)))
}
