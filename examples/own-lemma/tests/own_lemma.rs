//! Property tests of one's own lemmas, as a user writes them: instances from the project's
//! strategies, each certified, a lemma string and a Rust `Invariant` checked on the run. A
//! certified counterexample fails the test with the witness and the path of a problem file that
//! reproduces it (`reluflow check PATH`), under `target/reluflow-failures/`.

use own_lemma::LossConvexAfterLastEvent;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
use reluflow_check::lemma::Lemma;
use reluflow_model::Problem;
use reluflow_search::strategy::{NeuronSpace, neuron_problem};
use reluflow_search::{check_invariant_on, check_lemma_on};
use reluflow_testkit::Failures;

/// Small single-neuron instances (two or three points).
fn instances() -> impl Strategy<Value = Problem> {
    neuron_problem(&NeuronSpace { n: 2..=3, ..NeuronSpace::default() })
}

/// Deterministic runs, few shrink steps (each certifies), and no regression files in the source
/// tree: the problem files under `target/` are the record.
fn config(cases: u32) -> Config {
    Config {
        cases,
        max_shrink_iters: 4,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(7),
        ..Config::default()
    }
}

fn failures() -> Failures {
    Failures::under_target(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn lemma(text: &str) -> Lemma {
    Lemma::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

proptest! {
    #![proptest_config(config(6))]

    /// Gradient flow never increases the loss, and (single neuron) the loss is convex in t after
    /// the last switch: as a lemma string and as a Rust type.
    #[test]
    fn the_loss_falls_and_is_convex_after_the_last_event(p in instances()) {
        let row = check_lemma_on(&p, &lemma("loss is nonincreasing")).map_err(TestCaseError::reject)?;
        failures().no_counterexample(&p, &row)?;
        let row = check_lemma_on(&p, &lemma("after the last event: d2/dt2 loss >= 0")).map_err(TestCaseError::reject)?;
        failures().no_counterexample(&p, &row)?;
        let row = check_invariant_on(&p, &LossConvexAfterLastEvent).map_err(TestCaseError::reject)?;
        failures().no_counterexample(&p, &row)?;
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// "Every squared residual shrinks" is false (one point is sacrificed for another): the
    /// runner finds a certified counterexample, and the failure names the problem file.
    #[test]
    #[should_panic(expected = "reproduce: reluflow check")]
    fn every_residual_shrinks_is_false(p in instances()) {
        let row = check_lemma_on(&p, &lemma("forall i: d/dt r[i]^2 <= 0")).map_err(TestCaseError::reject)?;
        failures().no_counterexample(&p, &row)?;
    }
}
