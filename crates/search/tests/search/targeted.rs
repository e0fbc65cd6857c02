//! The targeted mode: deterministic whatever the threads, every proposal keeps the assumed
//! hypotheses, and it finds a violation in a thin region that random search with the same number
//! of cases misses.

use crate::util::{assuming, key, run};
use reluflow_arith::Interval;
use reluflow_check::RowStatus;
use reluflow_flow::{Status, Trajectory};
use reluflow_model::{Horizon, Problem};
use reluflow_search::strategy::{Accept, Assume, NeuronSpace, neuron_problem};
use reluflow_search::{CaseStatus, Claim, Collect, Judgement, Mode, SearchConfig, Targeted, VerdictKind, search_claim};
use std::sync::Arc;

fn targeted(theorem: &str, cases: u64) -> SearchConfig {
    let mode = Mode::Targeted(Targeted { population: 8, keep: 3, fresh: 2, tries: 64 });
    SearchConfig { cases, seed: 5, shrink_steps: 10, mode, ..SearchConfig::new(theorem) }
}

#[test]
fn same_seed_same_records_with_one_or_two_threads() {
    let cfg = targeted("lsy.norm-growth", 32);
    let (_, one) = run(&SearchConfig { jobs: 1, ..cfg.clone() }, &Default::default());
    let (_, two) = run(&SearchConfig { jobs: 2, ..cfg }, &Default::default());
    let full = |r: &reluflow_search::CaseRecord| (key(r), r.slack.map(f64::to_bits), r.parent, r.shrunk.clone());
    assert_eq!(one.len(), 32);
    assert_eq!(one.iter().map(full).collect::<Vec<_>>(), two.iter().map(full).collect::<Vec<_>>());
    assert!(one.iter().any(|r| r.parent.is_some()), "no case was a neighbour");
}

#[test]
fn every_targeted_proposal_satisfies_the_assumed_hypotheses() {
    let hyps = ["teacher", "all-active-init", "positive-labels"];
    let cfg = SearchConfig { selection: assuming(&hyps), ..targeted("lsy.norm-growth", 40) };
    let plan = cfg.plan().unwrap();
    let (_, recs) = run(&cfg, &Default::default());
    let neighbours: Vec<_> = recs.iter().filter(|r| r.parent.is_some()).collect();
    assert!(neighbours.len() >= 10, "only {} neighbours", neighbours.len());
    for r in &recs {
        assert!(!matches!(r.status, CaseStatus::Skipped(_)), "case {}: {:?}", r.case, r.status);
        let p = r.problem.as_ref().unwrap();
        assert_eq!(plan.truths(p).iter().filter(|(_, t)| !t.is_true()).count(), 0, "case {}", r.case);
        for h in hyps {
            assert!(crate::util::truth(h, p, cfg.plan().unwrap().selection()).is_true(), "case {}: {h}", r.case);
        }
    }
}

/// A violation in a thin region: "the entries of the data sum to less than 24" over `d = 2`,
/// `n = 3` instances with `x₁₁ > 0` (the assumed hypothesis). Its slack is `24 − Σ x`.
struct ThinSum;

const LIMIT: f64 = 24.0;

fn sum(p: &Problem) -> f64 {
    p.data().x().iter().flatten().map(|q| q.to_f64()).sum()
}

impl Claim for ThinSum {
    fn id(&self) -> &str {
        "test.thin-sum"
    }
    fn strategy(&self) -> proptest::strategy::BoxedStrategy<Problem> {
        let space = NeuronSpace { d: 2..=2, n: 3..=3, horizon: Horizon::Finite((1, 8).into()), ..Default::default() };
        let accept: Accept = Arc::new(|p: &Problem| ThinSum.hypotheses(p));
        proptest::strategy::Strategy::boxed(Assume::new(neuron_problem(&space), accept, "n = 3, x₁₁ > 0"))
    }
    fn hypotheses(&self, p: &Problem) -> Result<(), String> {
        let ok = p.data().n() == 3 && p.data().d() == 2 && p.data().x()[0][0] > 0;
        if ok { Ok(()) } else { Err("n = 3, d = 2, x₁₁ > 0 is false".into()) }
    }
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement {
        let validated = !matches!(traj.status(), Status::NotValidated);
        let (verdict, status) = match (sum(p) >= LIMIT, validated) {
            (true, true) => (VerdictKind::Violated, RowStatus::Counterexample),
            (true, false) => (VerdictKind::Violated, RowStatus::NotValidated),
            (false, true) => (VerdictKind::Holds, RowStatus::Holds),
            (false, false) => (VerdictKind::Holds, RowStatus::NotValidated),
        };
        Judgement { verdict, status, text: format!("{}: Σx = {}", status.name(), sum(p)), witness_time: None }
    }
    fn slack(&self, p: &Problem, _: &Trajectory<f64>) -> Option<f64> {
        Some(LIMIT - sum(p))
    }
}

fn thin(mode: Mode) -> Vec<reluflow_search::CaseRecord> {
    let cfg = SearchConfig { cases: 320, seed: 1, shrink_steps: 0, mode, ..SearchConfig::new("lsy.norm-growth") };
    let sink = Collect::new();
    search_claim(&ThinSum, &cfg, &Default::default(), &sink, &reluflow_flow::monitor::Monitor::new()).unwrap();
    sink.records()
}

#[test]
fn targeted_finds_a_thin_violation_that_random_misses() {
    let random = thin(Mode::Random);
    assert_eq!(random.len(), 320);
    assert!(random.iter().all(|r| r.status != CaseStatus::Counterexample), "random search found one");
    let targeted = thin(Mode::Targeted(Targeted::default()));
    let cex = targeted.iter().find(|r| r.status == CaseStatus::Counterexample).expect("targeted search found none");
    let p = cex.problem.as_ref().unwrap();
    assert!(sum(p) >= LIMIT && ThinSum.hypotheses(p).is_ok());
    assert!(cex.parent.is_some());
    assert!(targeted.iter().all(|r| ThinSum.hypotheses(r.problem.as_ref().unwrap()).is_ok()));
}
