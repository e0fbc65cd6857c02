//! The search finds what exists and nothing where the statement is a theorem.

use crate::util::run;
use reluflow_arith::Interval;
use reluflow_check::{RowStatus, Selection, check};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_model::ModelKind;
use reluflow_search::{CaseStatus, SearchConfig};

/// An instance is a counterexample on its own: certify it afresh and check it.
fn recertified(p: &reluflow_model::Problem, id: &str) -> RowStatus {
    let traj = certify::<Interval>(p, &(), &NeuronOptions::default()).unwrap();
    let sel = Selection { ids: vec![id.into()], ..Selection::default() };
    check(p, &traj, &sel).rows[0].status
}

#[test]
fn finds_a_certified_counterexample_to_norm_growth_under_its_naive_hypotheses() {
    // None of Lee–Sim–Ye's switchable hypotheses assumed (the catalogue's defaults): a zero label
    // on an active point makes ‖w‖ shrink, as in examples/norm-growth-fails.toml.
    let cfg = SearchConfig { cases: 12, seed: 1, shrink_steps: 40, ..SearchConfig::new("lsy.norm-growth") };
    let (summary, records) = run(&cfg, &Default::default());
    assert!(!summary.counterexamples.is_empty(), "{:?}", summary.coverage);
    assert_eq!(summary.coverage.confirmed as usize, summary.counterexamples.len());
    for r in records.iter().filter(|r| r.status == CaseStatus::Counterexample) {
        assert_eq!(r.screened.as_ref().unwrap().status, RowStatus::NotValidated);
        assert_eq!(r.certified.as_ref().unwrap().status, RowStatus::Counterexample);
        let cex = r.counterexample().unwrap();
        assert_eq!(recertified(cex, "lsy.norm-growth"), RowStatus::Counterexample, "case {}", r.case);
        if let Some(s) = &r.shrunk {
            let original = r.problem.as_ref().unwrap();
            let size = |p: &reluflow_model::Problem| p.data().n() * p.data().d();
            assert!(size(&s.problem) <= size(original), "shrinking never grows the instance");
        }
    }
    assert!(
        records.iter().any(|r| r.shrunk.as_ref().is_some_and(|s| s.certified.status == RowStatus::Counterexample)),
        "at least one counterexample shrinks to a smaller certified one"
    );
}

#[test]
fn finds_none_for_a_theorem() {
    let cfg = SearchConfig { cases: 24, seed: 2, ..SearchConfig::new("gen.loss-nonincreasing") };
    let (summary, records) = run(&cfg, &Default::default());
    assert!(summary.counterexamples.is_empty());
    assert_eq!(summary.coverage.tried, 24);
    assert_eq!(summary.coverage.satisfied, 24, "the entry has no hypotheses: nothing is skipped");
    assert!(records.iter().all(|r| r.status != CaseStatus::Counterexample));
    // The instances are spread over the space, not one corner of it.
    let cov = &summary.coverage;
    assert!(cov.d.max > cov.d.min && cov.n.max > cov.n.min, "{cov:?}");
    assert!(cov.relu_prime_one > 0 && cov.relu_prime_one < 24);
}

#[test]
fn two_layer_cases_run_through_the_screen() {
    let cfg = SearchConfig {
        cases: 3,
        seed: 4,
        model: Some(ModelKind::TwoLayer),
        horizon: Some(reluflow_model::Horizon::Finite(rug::Rational::from(2))),
        ..SearchConfig::new("gen.balancedness")
    };
    let (summary, records) = run(&cfg, &Default::default());
    assert!(summary.counterexamples.is_empty());
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r.problem.as_ref().unwrap().model() == ModelKind::TwoLayer));
    assert_eq!(summary.coverage.m.min.map(|m| m >= 1), Some(true));
}

#[test]
fn two_layer_certified_runs_prove_a_theorem() {
    use reluflow_search::screen::{certify, screen};
    use reluflow_search::{Budget, Plan, draw};
    let h = Some(reluflow_model::Horizon::Finite(rug::Rational::from((1, 8))));
    let plan = Plan::new("gen.balancedness", &Selection::default(), Some(ModelKind::TwoLayer), h).unwrap();
    let budget = Budget::default();
    // One short run of a small instance: the validated two-layer integrator is slow in debug builds.
    let small = (0..).map(|k| draw(&plan, 11, k).unwrap()).find(|p| p.init().width() <= 2 && p.data().n() <= 2);
    for (k, p) in small.into_iter().enumerate() {
        let (screened, slack) = screen(&plan, &p, &budget, None);
        assert_eq!(screened.status, RowStatus::NotValidated);
        assert!(slack.is_some_and(|s| s > -1e-9), "balancedness drifts only by rounding: {slack:?}");
        let certified = certify(&plan, &p, &budget, None);
        assert_eq!(certified.status, RowStatus::Holds, "case {k}: {}", certified.text);
    }
}
