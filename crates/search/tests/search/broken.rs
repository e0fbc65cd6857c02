//! Claims that are not catalogue entries: a deliberately false invariant the search must break
//! with a certified witness, and a claim no instance satisfies.

use proptest::strategy::{BoxedStrategy, Strategy};
use reluflow_arith::{Interval, Scalar, linalg};
use reluflow_check::inst::Inst;
use reluflow_check::sweep::{Coverage, Direction, Monotone};
use reluflow_check::{RowStatus, Verdict};
use reluflow_flow::monitor::Monitor;
use reluflow_flow::{Pattern, State, Trajectory};
use reluflow_model::Problem;
use reluflow_search::strategy::{Assume, LabelSource, NeuronSpace, neuron_problem};
use reluflow_search::{CaseStatus, Claim, Collect, Judgement, SearchConfig, search_claim};
use std::sync::Arc;

/// The false claim "½‖w‖² never increases" (it does whenever a positive label pulls an active
/// point up), checked with the checker's own monotonicity sweep on the run's enclosures.
pub struct NormNeverGrows;

impl Claim for NormNeverGrows {
    fn id(&self) -> &str {
        "test.norm-never-grows"
    }
    fn strategy(&self) -> BoxedStrategy<Problem> {
        neuron_problem(&NeuronSpace { labels: LabelSource::Teacher, ..NeuronSpace::default() })
    }
    fn hypotheses(&self, _: &Problem) -> Result<(), String> {
        Ok(())
    }
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement {
        let inst = Inst::<Interval>::new(p, &());
        let value = |st: &State<Interval>| linalg::norm_sq(&st.w[0], &()).mul_2si(-1);
        let deriv = |st: &State<Interval>, pat: &Pattern| {
            let mut acc = Interval::zero(&());
            for &i in &pat.active[0] {
                let z = inst.z(&st.w[0], i).relu();
                acc = acc.add(&inst.y[i].sub(&z).mul(&z));
            }
            Ok(inst.g.mul(&acc))
        };
        let cov = Coverage::of(traj);
        let m = Monotone {
            name: "½‖w‖²",
            value: &value,
            deriv: &deriv,
            dir: Direction::NonIncreasing,
            identity: None,
            proved_prefix: None,
        };
        let v = m.check(traj, &cov);
        let status = match (&v, cov.validated) {
            (_, false) => RowStatus::NotValidated,
            (Verdict::Violated { .. }, true) => RowStatus::Counterexample,
            (Verdict::Holds { .. }, true) => RowStatus::Holds,
            _ => RowStatus::Undecided,
        };
        Judgement::new(&v, status, format!("{}: {v}", status.name()))
    }
}

/// A claim whose hypotheses hold on no instance.
pub struct Never;

impl Claim for Never {
    fn id(&self) -> &str {
        "test.never"
    }
    fn strategy(&self) -> BoxedStrategy<Problem> {
        // One fixed instance, so the thousands of rejected draws before the error cost nothing.
        let fixed = crate::util::draw_one();
        let source = proptest::strategy::Just(fixed).boxed();
        Assume::new(source, Arc::new(|_: &Problem| Err("never".to_string())), "never").boxed()
    }
    fn hypotheses(&self, _: &Problem) -> Result<(), String> {
        Err("never".into())
    }
    fn judge(&self, _: &Problem, _: &Trajectory<Interval>) -> Judgement {
        unreachable!("no instance is ever judged")
    }
}

#[test]
fn a_deliberately_false_invariant_is_broken_with_a_certified_witness() {
    let cfg = SearchConfig { cases: 6, seed: 5, shrink_steps: 20, ..SearchConfig::new("unused") };
    let sink = Collect::new();
    let summary = search_claim(&NormNeverGrows, &cfg, &Default::default(), &sink, &Monitor::new()).unwrap();
    assert!(!summary.counterexamples.is_empty(), "{summary:?}");
    for r in sink.records().iter().filter(|r| r.status == CaseStatus::Counterexample) {
        assert_eq!(r.screened.as_ref().unwrap().status, RowStatus::NotValidated, "a screen is never certified");
        assert_eq!(r.certified.as_ref().unwrap().status, RowStatus::Counterexample);
        assert!(r.counterexample().is_some());
    }
}
