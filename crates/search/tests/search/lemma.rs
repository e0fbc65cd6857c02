//! The search thrown at a user's lemma ([`LemmaClaim`]): a false single-neuron lemma is broken
//! with a certified witness in seconds, and a true one survives.

use reluflow_check::RowStatus;
use reluflow_check::lemma::Lemma;
use reluflow_flow::monitor::Monitor;
use reluflow_search::strategy::NeuronSpace;
use reluflow_search::{CaseStatus, Collect, LemmaClaim, LemmaSpace, SearchConfig, search_claim};
use std::time::Instant;

fn search(text: &str, cases: u64) -> (Vec<reluflow_search::CaseRecord>, f64) {
    let claim = LemmaClaim::new("my-lemma", Lemma::parse(text).unwrap(), LemmaSpace::Neuron(NeuronSpace::default()));
    let cfg = SearchConfig { cases, seed: 3, shrink_steps: 10, jobs: 1, ..SearchConfig::new("my-lemma") };
    let sink = Collect::new();
    let start = Instant::now();
    search_claim(&claim, &cfg, &Default::default(), &sink, &Monitor::new()).unwrap();
    (sink.records(), start.elapsed().as_secs_f64())
}

#[test]
fn a_false_lemma_of_ones_own_is_broken_with_a_certified_witness_within_a_minute() {
    // "Every squared residual is nonincreasing": false when one point is sacrificed for another.
    let (records, secs) = search("forall i: d/dt r[i]^2 <= 0", 24);
    let cex: Vec<_> = records.iter().filter(|r| r.status == CaseStatus::Counterexample).collect();
    assert!(!cex.is_empty(), "no counterexample in {} cases", records.len());
    assert!(secs < 60.0, "{secs} s");
    for r in cex {
        let certified = r.certified.as_ref().unwrap();
        assert_eq!(certified.status, RowStatus::Counterexample, "{}", certified.text);
        assert!(certified.text.contains("d/dt r[i]^2"), "{}", certified.text);
        assert_eq!(r.screened.as_ref().unwrap().status, RowStatus::NotValidated, "a screen is never certified");
    }
    println!("found in {secs:.1} s");
}

#[test]
fn a_true_lemma_survives() {
    let (records, _) = search("loss is nonincreasing and loss >= 0", 6);
    assert!(records.iter().all(|r| r.status != CaseStatus::Counterexample));
}
