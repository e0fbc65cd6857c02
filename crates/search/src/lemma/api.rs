//! The helpers for users' own property tests: certify an instance, check a lemma or a Rust
//! [`Invariant`] on it, and fail a test case only on a certified counterexample.

use proptest::test_runner::TestCaseError;
use reluflow_arith::Interval;
use reluflow_check::RowStatus;
use reluflow_check::hyp::Params;
use reluflow_check::lemma::{Invariant, Lemma, LemmaRow, check_invariant, check_lemmas};
use reluflow_model::Problem;

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
