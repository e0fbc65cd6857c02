//! Plans and strategies: every drawn or shrunk instance satisfies the assumed hypotheses; what
//! cannot be searched or satisfied is an error that says so.

use crate::util::{assuming, truth};
use proptest::strategy::{Strategy, ValueTree};
use reluflow_check::Selection;
use reluflow_model::ModelKind;
use reluflow_search::{Plan, SearchError, case_runner, probe};
use rug::Rational;

/// Draws `cases` instances of `plan` and walks each value tree through a few shrinking steps;
/// every instance seen must make every assumed hypothesis certainly true.
fn assert_assumed_hold(plan: &Plan, sel: &Selection, cases: u64) {
    for k in 0..cases {
        let mut tree = plan.strategy().new_tree(&mut case_runner(3, k)).expect("an instance");
        for step in 0..6 {
            let p = tree.current();
            for h in plan.assumed() {
                let t = truth(h, &p, sel);
                assert!(t.is_true(), "{}: case {k} step {step}: {h} is {t}", plan.entry().id);
            }
            let moved = if step % 3 == 2 { tree.complicate() } else { tree.simplify() };
            if !moved {
                break;
            }
        }
    }
}

#[test]
fn single_neuron_strategies_keep_every_assumed_hypothesis() {
    let mut small = assuming(&["small-init", "teacher", "positive-labels", "all-active-init"]);
    small.params.init_norm_bound = Some(Rational::from((1, 3)));
    let sets: Vec<(&str, Selection)> = vec![
        ("lsy.norm-growth", Selection::default()),
        ("lsy.norm-growth", assuming(&["teacher", "positive-labels"])),
        ("lsy.norm-growth", assuming(&["zero-init", "all-active-init", "d2"])),
        ("lsy.norm-growth", assuming(&["all-active-init", "positive-labels", "teacher", "relu-prime-one"])),
        ("lsy.support-vector-stability", small),
        ("lsy.global-convergence-d2", Selection::default()),
        ("gen.dist-to-interpolant", Selection::default()),
        ("vs.thm8-distance", Selection::default()),
    ];
    for (id, sel) in sets {
        let plan = Plan::new(id, &sel, None, None).unwrap();
        assert!(id == "lsy.norm-growth" || !plan.assumed().is_empty(), "{id}");
        assert_assumed_hold(&plan, &sel, 12);
    }
}

#[test]
fn zero_loss_point_as_parameter_gives_interpolating_labels() {
    let mut sel = Selection::default();
    sel.params.w_star = Some(vec![Rational::from(1), Rational::from((-1, 2))]);
    let plan = Plan::new("gen.dist-to-interpolant", &sel, None, None).unwrap();
    assert_assumed_hold(&plan, &sel, 10);
}

#[test]
fn two_layer_strategies_keep_every_assumed_hypothesis() {
    let mut sel = assuming(&["d2", "positive-labels", "small-init"]);
    sel.params.init_norm_bound = Some(Rational::from(1));
    for (id, sel) in [("gen.sign-preserved", Selection::default()), ("lsy.support-vector-stability", sel)] {
        let plan = Plan::new(id, &sel, Some(ModelKind::TwoLayer), None).unwrap();
        assert_assumed_hold(&plan, &sel, 12);
    }
}

#[test]
fn impossible_or_unsearchable_requests_are_errors_that_name_the_cause() {
    let err = Plan::new("lsy.norm-growth", &assuming(&["small-init"]), None, None).unwrap_err();
    assert!(matches!(&err, SearchError::Unsatisfiable { hyps, .. } if hyps == &["small-init"]), "{err}");
    let mut neg = assuming(&["small-init"]);
    neg.params.init_norm_bound = Some(Rational::from(-1));
    assert!(matches!(Plan::new("lsy.norm-growth", &neg, None, None), Err(SearchError::Unsatisfiable { .. })));
    let mut w0 = Selection::default();
    w0.params.w_star = Some(vec![]);
    let err = Plan::new("gen.dist-to-interpolant", &w0, None, None).unwrap_err();
    assert!(err.to_string().contains("zero-loss-w*"), "{err}");
    assert!(matches!(
        Plan::new("cel.setting", &Selection::default(), None, None),
        Err(SearchError::NotSearchable { .. })
    ));
    let err = Plan::new("vs.thm3-limit", &Selection::default(), None, None).unwrap_err();
    assert!(err.to_string().contains("vs.thm3-instance"), "{err}");
    assert!(matches!(Plan::new("no.such", &Selection::default(), None, None), Err(SearchError::UnknownTheorem(_))));
    let err = Plan::new("gen.balancedness", &Selection::default(), Some(ModelKind::SingleNeuron), None).unwrap_err();
    assert!(matches!(err, SearchError::WrongModel { .. }));
    assert!(matches!(Plan::new("lsy.norm-growth", &assuming(&["bogus"]), None, None), Err(SearchError::Selection(_))));
}

#[test]
fn a_plan_that_draws_nothing_fails_its_probe_naming_the_hypotheses() {
    // Two-layer, w(0) = 0 with every point active: the space does not force σ'(0) = 1, the
    // hypothesis filter keeps only the draws with it, and the probe finds one…
    let sel = assuming(&["zero-init", "all-active-init"]);
    let plan = Plan::new("lsy.support-vector-stability", &sel, Some(ModelKind::TwoLayer), None).unwrap();
    probe(&plan, 0, &plan.assumed()).unwrap();
    // …while a claim whose predicate rejects everything fails it, naming its hypotheses.
    let never = crate::broken::Never;
    let err = probe(&never, 0, &["never"]).unwrap_err();
    assert!(matches!(&err, SearchError::Unsatisfiable { hyps, .. } if hyps == &["never"]), "{err}");
}

#[test]
fn a_plan_assumes_exactly_what_the_checker_assumes() {
    let p = crate::util::draw_one();
    let mut sel = assuming(&["teacher", "d2"]);
    sel.assume.insert("lsy.norm-growth:teacher".into(), false);
    sel.assume.insert("lsy.global-convergence-d2:zero-init".into(), true);
    let mut plans = 0;
    for e in reluflow_check::catalogue() {
        let Ok(plan) = Plan::new(e.id, &sel, None, None) else { continue };
        let one = Selection { ids: vec![e.id.into()], ..sel.clone() };
        let report = reluflow_check::check_static::<reluflow_arith::Interval>(&p, &(), &one);
        let Some(row) = report.rows.first() else { continue };
        let checker: Vec<&str> = row.hypotheses.iter().filter(|h| h.assumed).map(|h| h.id).collect();
        assert_eq!(plan.assumed(), checker, "{}", e.id);
        plans += 1;
    }
    assert!(plans >= 5, "only {plans} searchable entries compared");
}
