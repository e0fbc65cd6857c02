//! The Lee–Sim–Ye claims as proptest properties, with their failures persisted in the committed
//! `crates/search/proptest-regressions/<claim>.txt`: proptest replays a persisted seed before any
//! fresh case, so a counterexample found once is the first case every later run tries. This is
//! how a user's own `proptest!` test of a claim keeps its counterexamples (commit the file).
//!
//! A case fails only when the fast (or full) screen sees a violation **and** the certified run
//! confirms it, so the failing instance proptest reports is a certified counterexample.

use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};
use reluflow_check::RowStatus;
use reluflow_search::screen::{certify, screen};
use reluflow_search::{Budget, Claim, Plan};
use std::cell::Cell;
use std::path::Path;

/// Runs claim `id` (default switches) as a property; the index of the first failing case and the
/// minimal failing instance.
fn run(id: &str) -> (usize, reluflow_model::Problem) {
    let plan = Plan::new(id, &Default::default(), None, None).unwrap();
    let file = format!("proptest-regressions/{id}.txt");
    let persistence = (!reluflow_arith::FAULT_INJECTED)
        .then(|| Box::new(FileFailurePersistence::Direct(Box::leak(file.into_boxed_str()))) as Box<_>);
    let config = Config { cases: 400, max_shrink_iters: 24, failure_persistence: persistence, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let budget = Budget::default();
    let (calls, first_fail) = (Cell::new(0usize), Cell::new(None));
    let result = runner.run(&Claim::strategy(&plan), |p| {
        calls.set(calls.get() + 1);
        if !screen(&plan, &p, &budget, None).0.looks_violated() {
            return Ok(());
        }
        let certified = certify(&plan, &p, &budget, None);
        if certified.status != RowStatus::Counterexample {
            return Ok(());
        }
        first_fail.set(first_fail.get().or(Some(calls.get())));
        Err(TestCaseError::fail(certified.text))
    });
    match result {
        Err(TestError::Fail(_, minimal)) => (first_fail.get().expect("a case failed"), minimal),
        other => panic!("{id}: the claim was expected to fail on some case: {other:?}"),
    }
}

fn replays(id: &str) {
    let committed = Path::new(&format!("proptest-regressions/{id}.txt")).exists();
    let (first, minimal) = run(id);
    let plan = Plan::new(id, &Default::default(), None, None).unwrap();
    let again = certify(&plan, &minimal, &Budget::default(), None);
    assert_eq!(again.status, RowStatus::Counterexample, "{id}: the minimal instance certifies: {}", again.text);
    if committed && !reluflow_arith::FAULT_INJECTED {
        assert_eq!(first, 1, "{id}: the committed regression seed must fail on the first case");
    }
}

#[test]
fn norm_growth_replays_its_committed_counterexample() {
    replays("lsy.norm-growth");
}

#[test]
fn support_vector_stability_replays_its_committed_counterexample() {
    replays("lsy.support-vector-stability");
}

#[test]
fn global_convergence_d2_replays_its_committed_counterexample() {
    replays("lsy.global-convergence-d2");
}
