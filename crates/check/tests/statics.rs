//! Static entries (assumptions, the sign of 𝓜 with the rank-2 interpolator) and the limit check of
//! Vardi–Shamir's Theorem 3, on exact instances from the papers (provenance at each test).

mod common;

use common::q;
use reluflow_arith::{Enclosure, Interval, MpInterval};
use reluflow_check::thm8::{MSign, MWitness, chi, interpolator, sign_m};
use reluflow_check::*;
use reluflow_flow::{Limit, State, Status, Trajectory};
use reluflow_model::*;

fn two_layer(x: &[[&str; 3]], teacher: [&str; 3], scale: &str) -> Problem {
    let rows = x.iter().map(|r| r.iter().map(|s| q(s)).collect()).collect();
    let data = Data::new(rows, Labels::Teacher(teacher.iter().map(|s| q(s)).collect())).unwrap();
    let z = vec![vec![q("1"), q("0.1"), q("0.2")], vec![q("-0.3"), q("1"), q("0.1")]];
    let init = Init::Balanced { scale: q(scale), z, s: vec![1, -1] };
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::MpfrInterval, precision: 128 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

/// CEL Example 37, first family (𝓜 < 0), d = 3, ξ = 1/5: x_i = (7/15)e_i + (4/15)Σ_{k≠i}e_k;
/// with the rational unit teacher v* = (2, 2, 1)/3 (the paper's v* = s̄ is irrational).
fn m_negative(scale: &str) -> Problem {
    two_layer(
        &[["7/15", "4/15", "4/15"], ["4/15", "7/15", "4/15"], ["4/15", "4/15", "7/15"]],
        ["2/3", "2/3", "1/3"],
        scale,
    )
}

/// CEL Example 37, second family (𝓜 > 0), d = 3, b = 16 (so √b = 4 is rational):
/// x_1 = 16e_1, x_2 = 16e_1 − 4e_2 + e_3, x_3 = 16e_1 + 4e_2 + e_3, v* = (4/5, 0, 3/5).
fn m_positive(scale: &str) -> Problem {
    two_layer(&[["16", "0", "0"], ["16", "-4", "1"], ["16", "4", "1"]], ["4/5", "0", "3/5"], scale)
}

fn static_row(p: &Problem, id: &str) -> Row<MpInterval> {
    let sel = Selection { ids: vec![id.into()], ..Selection::default() };
    check_static::<MpInterval>(p, &128, &sel).rows.remove(0)
}

#[test]
fn sign_of_m_negative_by_the_z_matrix_condition() {
    let p = m_negative("1/100");
    assert!(matches!(sign_m(&p), MSign::Negative(_)));
    let r = static_row(&p, "cel.thm8-sign-M");
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert!(r.notes[0].contains("𝓜 < 0"));
    assert!(static_row(&p, "cel.setting").conclusion.holds(), "angles < π/4, ‖v*‖ = 1");
    assert!(static_row(&p, "cel.assumption3").conclusion.holds());
    // This family has a repeated eigenvalue of XXᵀ (X = aI + b(J − I)): Assumption 1(iii) fails.
    let a1 = static_row(&p, "cel.assumption1");
    assert!(a1.conclusion.to_string().contains("repeated eigenvalue"), "{}", a1.conclusion);
}

#[test]
fn sign_of_m_positive_with_a_verified_rank_two_interpolator() {
    let p = m_positive("1/100");
    let MSign::Positive(w) = sign_m(&p) else { panic!("expected a witness") };
    let int = interpolator::<MpInterval>(&p, &w, &128).unwrap();
    assert!(int.verified(), "‖θ‖² = {:?}", int.norm_sq);
    let r = static_row(&p, "cel.thm8-sign-M");
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert!(r.notes.iter().any(|n| n.contains("‖θ‖²")), "{:?}", r.notes);
    assert!(static_row(&p, "cel.setting").conclusion.holds());
    // The same with f64 intervals.
    let int = interpolator::<Interval>(&p, &w, &()).unwrap();
    assert!(int.verified());
}

#[test]
fn a_deliberately_wrong_witness_is_not_verified() {
    // On the 𝓜 < 0 instance, K = {1}, p = χ_1, q = χ_0 has cos∠(p, q) < 0: the construction must
    // fail its verification (ξ < 0 or ‖θ‖² ≥ 2).
    let p = m_negative("1/100");
    let chi = chi(&p).unwrap();
    let e = |k: usize| (0..3).map(|i| q(if i == k { "1" } else { "0" })).collect::<Vec<_>>();
    let w = MWitness { k: vec![1], beta: e(1), gamma: e(0), p: chi[1].clone(), q: chi[0].clone() };
    assert!(!reluflow_check::thm8::exceeds(&w.p, &w.q, p.data().teacher().unwrap()));
    let int = interpolator::<MpInterval>(&p, &w, &128).unwrap();
    assert!(!int.verified());
}

#[test]
fn assumption2_is_certified_false_for_realistic_scales() {
    let r = static_row(&m_positive("1e-600"), "cel.assumption2");
    assert!(r.conclusion.is_violated(), "{}", r.conclusion);
    // Here v* ⊥ e_2, an eigenvector of XXᵀ (Assumption 1(iii) fails): ν_2* = 0, so no positive
    // lower bound on δ exists and a tiny λ stays undecided (tests/thm6.rs certifies it true on
    // an instance where δ > 0).
    let r = static_row(&m_positive("1e-900000"), "cel.assumption2");
    assert!(r.conclusion.is_undecided(), "{}", r.conclusion);
    assert!(r.conclusion.to_string().contains("ν_2*"), "{}", r.conclusion);
}

#[test]
fn assumption1_parts_are_decided_exactly() {
    // The 𝓜 > 0 family is symmetric under e_2 ↦ −e_2, so e_2 is an eigenvector of XXᵀ and v* ⊥ e_2:
    // Assumption 1(iii) fails (exactly).
    let r = static_row(&m_positive("1/100"), "cel.assumption1");
    assert!(r.conclusion.to_string().contains("fewer than d eigenvectors"), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::False);
    // Broken symmetry (x_3 = (16, 5, 1)): (i)–(iii) hold exactly, the yardsticks certify (iv),
    // σ'(0) = 0 gives (v).
    let p = two_layer(&[["16", "0", "0"], ["16", "-4", "1"], ["16", "5", "1"]], ["4/5", "0", "3/5"], "1/100");
    let r = static_row(&p, "cel.assumption1");
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    // The same with σ'(0) = 1: (v) is no longer implied, so undecided.
    let p1 = Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::One,
        LossScale::HalfMean,
        p.data().clone(),
        p.init().clone(),
        p.run().clone(),
    )
    .unwrap();
    let r = static_row(&p1, "cel.assumption1");
    assert!(r.conclusion.is_undecided(), "{}", r.conclusion);
    assert!(r.conclusion.to_string().contains("(v)"));
    // A teacher that is not a unit vector breaks (i) and the setting.
    let p = two_layer(&[["16", "0", "0"], ["16", "-4", "1"], ["16", "4", "1"]], ["1", "0", "1"], "1/100");
    assert!(static_row(&p, "cel.assumption1").conclusion.is_violated());
    assert!(static_row(&p, "cel.setting").conclusion.is_violated());
}

fn vs_problem(gamma: &str) -> Problem {
    let x = vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q(gamma), q(gamma)]];
    let data = Data::new(x, Labels::Given(vec![q("16"), q("18"), q("0")])).unwrap();
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 128 };
    let init = Init::Single { w: vec![q("0"); 3] };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data, init, run).unwrap()
}

/// A trajectory that carries only a (hand-made) limit `(5, −1, s)` with active set {0, 1}.
fn with_limit(s: Interval) -> Trajectory<Interval> {
    let pt = |v: f64| Interval::from_f64_bounds(v, v, &());
    let st = |w: Vec<Interval>| State { w: vec![w], a: None };
    Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: st(vec![pt(0.0); 3]),
        segments: vec![],
        events: vec![],
        final_state: st(vec![pt(5.0), pt(-1.0), s]),
        t_final: pt(0.0),
        limit: Some(Limit {
            state: st(vec![pt(5.0), pt(-1.0), s]),
            loss: pt(0.0),
            pattern: common::pat1(&[0, 1]),
            rate: None,
            on_hyperplane: Vec::new(),
        }),
        status: Status::Certified,
    })
    .unwrap()
}

#[test]
fn vardi_shamir_theorem3_limit() {
    let p = vs_problem("1");
    let sel = Selection { ids: vec!["vs.thm3-limit".into()], ..Selection::default() };
    let iv = |a: f64, b: f64| Interval::from_f64_bounds(a, b, &());
    let r = check(&p, &with_limit(iv(-0.041, -0.039)), &sel).rows.remove(0);
    assert!(r.hypotheses.iter().all(|h| h.truth.is_true()), "{:?}", r.hypotheses);
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    let r = check(&p, &with_limit(iv(-0.05, -0.049)), &sel).rows.remove(0);
    assert_eq!(r.status, RowStatus::Counterexample, "{}", r.conclusion);
    let r = check(&p, &with_limit(iv(-0.05, -0.04)), &sel).rows.remove(0);
    assert!(r.conclusion.is_undecided(), "{}", r.conclusion);
    // γ = 3 is not one of the paper's values: the hypothesis is false.
    let r = check(&vs_problem("3"), &with_limit(iv(-0.041, -0.039)), &sel).rows.remove(0);
    assert!(r.hypotheses[0].truth.is_false());
}

#[test]
fn every_entry_runs_on_both_models_without_panicking() {
    let p1 = common::growth_holds_problem(Horizon::Infinite);
    let t1 = common::growth_holds::<Interval>(&(), true);
    let rep = check(&p1, &t1, &Selection::default());
    assert!(rep.rows.iter().all(|r| r.entry.applies != Applies::TwoLayer));
    assert!(rep.rows.iter().all(|r| r.status != RowStatus::Counterexample), "growth-holds has no counterexample");
    let p2 = common::two_layer_problem(Horizon::Finite(q("8")));
    let t2 = common::two_layer::<Interval>(&());
    let rep = check(&p2, &t2, &Selection::default());
    assert!(rep.rows.iter().all(|r| r.status != RowStatus::NotImplemented), "every entry is implemented");
    assert!(reluflow_check::catalogue().iter().all(Entry::implemented));
    assert!(
        rep.rows.iter().all(|r| r.status != RowStatus::Counterexample),
        "{:#?}",
        rep.rows.iter().map(|r| (r.entry.id, r.status)).collect::<Vec<_>>()
    );
}

#[test]
fn d2_data_has_negative_m() {
    // CEL Remark 38(ii): d = 2 forces 𝓜 < 0; here the Z-matrix condition certifies it.
    let rows = vec![vec![q("1"), q("0.2")], vec![q("1"), q("-0.3")]];
    let data = Data::new(rows, Labels::Teacher(vec![q("1"), q("0")])).unwrap();
    let init = Init::Balanced { scale: q("1e-3"), z: vec![vec![q("1"), q("1")], vec![q("1"), q("-1")]], s: vec![1, 1] };
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 };
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
    assert!(matches!(sign_m(&p), MSign::Negative(_)));
    assert!(static_row(&p, "cel.assumption3").conclusion.holds());
}
