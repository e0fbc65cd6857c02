//! Stiff data: Vardi–Shamir's instance with γ = 20, 100, 1000 spreads the eigenvalues of XᵀX over
//! up to six orders of magnitude. The certified limits must hold the exact first coordinates
//! (5, −1) and the third coordinate of an independent 256-bit MPFR point run (the non-validated
//! closed-form reference), and must not need more guard classifications than non-stiff data.

use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Bound, Enclosure, Float, Interval, MpInterval, Rational, Scalar};
use reluflow_flow::Status;
use reluflow_flow::neuron::{NeuronOptions, certify, pattern_limit, reference};
use reluflow_model::*;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn vardi_shamir(gamma: &str) -> Problem {
    let x = vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q(gamma), q(gamma)]];
    let data = Data::new(x, Labels::Given(vec![q("16"), q("18"), q("0")])).unwrap();
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 256 };
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::One,
        LossScale::HalfSum,
        data,
        Init::Single { w: vec![q("0"); 3] },
        run,
    )
    .unwrap()
}

fn hi<S: Enclosure>(x: &S) -> Rational {
    match x.upper() {
        Bound::Finite(v) => v,
        b => panic!("unbounded {b:?}"),
    }
}

fn lo<S: Enclosure>(x: &S) -> Rational {
    match x.lower() {
        Bound::Finite(v) => v,
        b => panic!("unbounded {b:?}"),
    }
}

/// `v` lies in `b` up to the reference's own error `2^-200 (1 + |v|)`.
fn near<S: Enclosure>(b: &S, v: &Rational) -> bool {
    let tol = (Rational::from(1) + Rational::from(v.abs_ref())) >> 200u32;
    Rational::from(&lo(b) - &tol) <= *v && *v <= Rational::from(&hi(b) + &tol)
}

/// The limit of the independent reference: the closed form of its final pattern from its state
/// just after the certified switch.
fn reference_limit<S: Enclosure>(p: &Problem, t: &S, active: &[usize]) -> Vec<Rational> {
    let rf = reference::<Float>(p, &256, &NeuronOptions::default()).unwrap();
    let w = rf.state_at(&Float::from_rational(&hi(t), &256));
    let w: Vec<Rational> = w.iter().map(|v| v.to_rational().expect("finite")).collect();
    pattern_limit(p, active, &w)
}

fn check<S: Enclosure>(gamma: &str, ctx: &S::Ctx, max_width: f64) {
    let p = vardi_shamir(gamma);
    let opts = NeuronOptions::default();
    let tr = certify::<S>(&p, ctx, &opts).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "γ = {gamma}: {:?}", tr.status());
    let lim = tr.limit().expect("limit certified");
    let w = &lim.state.w[0];
    assert!(w[0].contains_rational(&q("5")) && w[1].contains_rational(&q("-1")), "γ = {gamma}: {w:?}");
    assert_eq!(lim.pattern.active[0], vec![0, 1], "x3 inactive at the end");
    assert_eq!(tr.events().len(), 1, "one switch: x3 deactivates");
    for v in w {
        assert!(v.width_upper() < max_width, "γ = {gamma}: width {}", v.width_upper());
    }
    let exact = reference_limit(&p, &tr.events()[0].t, &[0, 1]);
    assert_eq!((&exact[0], &exact[1]), (&q("5"), &q("-1")), "the closed form's first coordinates");
    assert!(near(&w[2], &exact[2]), "γ = {gamma}: reference s = {} not in {:?}", exact[2].to_f64(), w[2]);
    assert!(w[2].certainly_neg(), "γ = {gamma}: s < 0");
}

#[test]
fn stiff_vardi_shamir_limits_with_f64_intervals() {
    // γ = 1000: the width comes from the switching box (the guard's rate is ~1e-1 against a
    // ‖x₃‖ of 1414), not from the stepping.
    for (g, width) in [("20", 1e-9), ("100", 1e-9), ("1000", 1e-6)] {
        check::<Interval>(g, &(), width);
    }
}

#[test]
fn stiff_vardi_shamir_limit_with_256_bit_intervals() {
    check::<MpInterval>("100", &256, 1e-60);
}
