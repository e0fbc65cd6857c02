//! The shallow-network (`cel.*`) entries: strategies that build the paper's hypotheses (and each
//! relaxation), the MPFR screen and certification below f64's range, and a relaxation that falls.

use crate::util::{run, truth};
use proptest::strategy::{Strategy, ValueTree};
use reluflow_check::{RowStatus, Selection};
use reluflow_model::{Arithmetic, Init, Problem};
use reluflow_search::screen::{certify, screen};
use reluflow_search::{Budget, CaseStatus, Plan, SearchConfig, SearchError, case_runner, draw};

/// The paper's hypotheses with `relaxed` (if any) switched off.
fn without(relaxed: Option<&str>) -> Selection {
    let mut sel = Selection::default();
    if let Some(h) = relaxed {
        sel.assume.insert(h.into(), false);
    }
    sel
}

fn scale(p: &Problem) -> &rug::Rational {
    match p.init() {
        Init::Balanced { scale, .. } => scale,
        other => panic!("not balanced: {other:?}"),
    }
}

#[test]
fn every_drawn_and_shrunk_instance_satisfies_the_switched_hypotheses() {
    for relaxed in [None, Some("cel.setting"), Some("cel.assumption1"), Some("cel.assumption2")] {
        let sel = without(relaxed);
        let plan = Plan::new("cel.lemma4", &sel, None, None).unwrap();
        assert_eq!(plan.assumed().len(), 3 - usize::from(relaxed.is_some()), "{relaxed:?}");
        for k in 0..3 {
            let mut tree = plan.strategy().new_tree(&mut case_runner(2, k)).expect("an instance");
            for step in 0..4 {
                let p = tree.current();
                for h in plan.assumed() {
                    let t = truth(h, &p, &sel);
                    assert!(t.is_true(), "{relaxed:?} case {k} step {step}: {h} is {t}");
                }
                if !tree.simplify() {
                    break;
                }
            }
        }
    }
}

#[test]
fn assumption_2_puts_the_scale_below_f64s_range_and_the_runs_in_mpfr() {
    let plan = Plan::new("cel.lemma4", &Selection::default(), None, None).unwrap();
    let p = draw(&plan, 1, 3).unwrap();
    // λ = 10^−k with k in the hundreds of thousands (the bound for toy data).
    assert!(scale(&p).denom().significant_bits() > 10_000, "{}", scale(&p).denom().significant_bits());
    assert_eq!(p.run().arithmetic, Arithmetic::MpfrInterval);
    let budget = Budget::default();
    let (screened, _) = screen(&plan, &p, &budget, None);
    assert_eq!(screened.status, RowStatus::NotValidated, "{}", screened.text);
    assert!(screened.text.contains("holds"), "the MPFR point run: {}", screened.text);
    // The certified MPFR-interval run proves the lemma's two facts on this instance.
    let certified = certify(&plan, &p, &budget, None);
    assert_eq!(certified.status, RowStatus::Holds, "{}", certified.text);
}

#[test]
fn a_large_scale_breaks_lemma_19_with_a_certified_counterexample() {
    let cfg = SearchConfig {
        selection: without(Some("cel.assumption2")),
        // Cases 16 (teacher (3/5, 4/5, 0)), 19 and 23 fall.
        cases: 24,
        seed: 1,
        shrink_steps: 0,
        ..SearchConfig::new("cel.lemma19")
    };
    let (summary, records) = run(&cfg, &Default::default());
    assert!(!summary.counterexamples.is_empty(), "{summary:?}");
    let cex = records.iter().find(|r| r.status == CaseStatus::Counterexample).unwrap();
    let text = &cex.certified.as_ref().unwrap().text;
    assert!(text.contains("must be ≥ 0 before T1"), "{text}");
    // Assumption 2 is certainly false there: the counterexample is to the relaxed statement only.
    let t = truth("cel.assumption2", cex.problem.as_ref().unwrap(), &cfg.selection);
    assert!(t.is_false(), "{t}");
}

#[test]
fn the_paper_hypotheses_give_no_counterexample_in_a_small_search() {
    let cfg = SearchConfig { cases: 3, seed: 1, ..SearchConfig::new("cel.lemma19") };
    let (summary, records) = run(&cfg, &Default::default());
    assert!(summary.counterexamples.is_empty(), "{summary:?}");
    assert_eq!(summary.coverage.tried, 3);
    for r in &records {
        assert!(r.problem.as_ref().is_some_and(|p| p.run().arithmetic == Arithmetic::MpfrInterval), "{r:?}");
    }
}

#[test]
fn predicates_are_not_searched() {
    for id in ["cel.setting", "cel.assumption2"] {
        let err = Plan::new(id, &Selection::default(), None, None).unwrap_err();
        assert!(matches!(err, SearchError::NotSearchable { .. }), "{id}: {err}");
    }
    let err = Plan::new("cel.lemma4", &Selection::default(), Some(reluflow_model::ModelKind::SingleNeuron), None);
    assert!(matches!(err, Err(SearchError::WrongModel { .. })));
}

#[test]
fn a_certified_run_past_its_budget_is_not_confirmed_budget() {
    let plan = Plan::new("cel.lemma4", &Selection::default(), None, None).unwrap();
    let p = draw(&plan, 1, 3).unwrap();
    let tight = Budget { certify_time: Some(std::time::Duration::from_nanos(1)), ..Budget::default() };
    let j = certify(&plan, &p, &tight, None);
    assert_eq!(j.status, RowStatus::Undecided, "{}", j.text);
    assert!(j.text.starts_with("not confirmed: budget"), "{}", j.text);
}

/// The larger search of the campaign note, in release (`cargo test --release -p reluflow-search
/// --test search -- --ignored cel::`; about 30 s): 200 cases of Lemma 4 under the paper's
/// hypotheses, screened and (were a violation seen) certified in MPFR, no counterexample.
#[test]
#[ignore = "a larger search: run in release"]
fn the_paper_hypotheses_survive_a_larger_search_of_lemma_4() {
    let cfg = SearchConfig { cases: 200, seed: 2, ..SearchConfig::new("cel.lemma4") };
    let (summary, records) = run(&cfg, &Default::default());
    assert!(summary.counterexamples.is_empty(), "{summary:?}");
    let held = records.iter().filter(|r| r.status == CaseStatus::Holds).count();
    assert!(held >= 150, "{held} of 200 screened to hold");
}
