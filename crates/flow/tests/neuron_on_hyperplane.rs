//! Limits on a hyperplane: an active point with `x_iᵀw_A = 0` whose guard tends to 0 without ever
//! reaching it is certified (`proofs-notes/neuron-limit-on-hyperplane.md`); one whose guard does
//! reach 0 in finite time still switches. Checked against 256-bit MPFR references and exact limits.

use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Rational, Scalar};
use reluflow_flow::neuron::{NeuronOptions, certify, pattern_limit, reference};
use reluflow_flow::{EventKind, Status, Trajectory};
use reluflow_model::*;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn problem(x: &[&[&str]], labels: Labels, w0: &[&str], t_end: Horizon) -> Problem {
    let x = x.iter().map(|r| r.iter().map(|v| q(v)).collect()).collect();
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::Zero,
        LossScale::HalfSum,
        Data::new(x, labels).unwrap(),
        Init::Single { w: w0.iter().map(|v| q(v)).collect() },
        RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 53 },
    )
    .unwrap()
}

/// Teacher v = (1, −1) on x₁ = (2, 0), x₂ = (1, 1): y = (2, 0), M = [[5, 1], [1, 1]], w_A = v, and
/// x₂ᵀv = 0. From w(0) = v + z the guard of x₂ is c₁e^{−λ₁t} + c₂e^{−λ₂t}, λ = 3 ∓ √5.
fn teacher(w0: &[&str], t_end: Horizon) -> Problem {
    let labels = Labels::Teacher(vec![q("1"), q("-1")]);
    problem(&[&["2", "0"], &["1", "1"]], labels, w0, t_end)
}

/// Every segment hull (at five times each) and every event against a 256-bit reference.
fn check_hulls<S: Enclosure>(p: &Problem, tr: &Trajectory<S>) {
    let rf = reference::<Float>(p, &256, &NeuronOptions::default()).unwrap();
    for (k, seg) in tr.segments().iter().enumerate() {
        let (a, b) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        for j in 0..=4 {
            let t = Rational::from_f64(a + (b - a) * j as f64 / 4.0).unwrap();
            let w = rf.state_at(&Float::from_rational(&t, &256));
            for (h, v) in seg.hull().w[0].iter().zip(&w) {
                assert!(h.contains_rational(&v.to_rational().unwrap()), "segment {k} at t = {t}");
            }
        }
    }
    for (e, r) in tr.events().iter().zip(rf.trajectory.events()) {
        assert_eq!((e.point, e.kind), (r.point, r.kind));
        assert!(e.t.contains_rational(&r.t.to_rational().unwrap()));
    }
}

#[test]
fn a_guard_that_only_tends_to_zero_certifies_the_limit_on_the_hyperplane() {
    // z = (0, 1): c₁, c₂ > 0, the guard never reaches 0; the limit is exactly v.
    let p = teacher(&["1", "0"], Horizon::Infinite);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert_eq!(*tr.status(), Status::Certified, "{:?}", tr.status());
    assert!(tr.events().is_empty());
    let lim = tr.limit().unwrap();
    assert_eq!(lim.on_hyperplane, vec![(0, 1)]);
    assert_eq!(lim.pattern.active, vec![vec![0, 1]]);
    for (l, v) in lim.state.w[0].iter().zip(["1", "-1"]) {
        assert!(l.contains_rational(&q(v)) && l.width_upper() < 1e-12, "{l:?}");
    }
    assert!(lim.loss.contains_rational(&Rational::new()));
    check_hulls(&p, &tr);
    let tm = certify::<MpInterval>(&p, &256, &NeuronOptions::default()).unwrap();
    assert_eq!(*tm.status(), Status::Certified, "{:?}", tm.status());
    assert_eq!(tm.limit().unwrap().on_hyperplane, vec![(0, 1)]);
    check_hulls(&p, &tm);
    // A finite horizon far beyond where the guard is separable from 0 at f64 precision.
    let p = teacher(&["1", "0"], Horizon::Finite(q("200")));
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert_eq!(*tr.status(), Status::Certified, "{:?}", tr.status());
    for (l, v) in tr.final_state().w[0].iter().zip(["1", "-1"]) {
        assert!(l.contains_rational(&q(v)), "{l:?}");
    }
}

#[test]
fn a_guard_that_reaches_zero_still_switches() {
    // z = (1, 0): g(0) = 1 but the slow coefficient c₁ < 0: the guard crosses at a finite time.
    let p = teacher(&["2", "-1"], Horizon::Infinite);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert_eq!(*tr.status(), Status::Certified, "{:?}", tr.status());
    assert_eq!(tr.events().first().map(|e| (e.point, e.kind)), Some((1, EventKind::Deactivate)));
    assert!(tr.limit().unwrap().on_hyperplane.is_empty());
    check_hulls(&p, &tr);
}

#[test]
fn bench_instance_with_a_zero_label_limit_on_its_hyperplane() {
    // decided_neuron, row "t_end = inf", instance 2 (seed 2000002): undecided before ("the limit
    // may lie on the hyperplane of point 2").
    let x: &[&[&str]] = &[
        &["0.6", "1.5", "2.7", "-1.2"],
        &["-2.1", "0", "1.8", "-0.6"],
        &["-0.9", "-1.2", "-2.7", "1.2"],
        &["2.1", "-1.8", "-1.8", "0.3"],
    ];
    let y = Labels::Given(["1.9", "1.8", "0", "0.8"].iter().map(|v| q(v)).collect());
    let w0 = ["-0.5", "-0.8", "-0.6", "-1"];
    let p = problem(x, y, &w0, Horizon::Infinite);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert_eq!(*tr.status(), Status::Certified, "{:?}", tr.status());
    assert!(tr.events().is_empty());
    let lim = tr.limit().unwrap();
    assert_eq!(lim.on_hyperplane, vec![(0, 2)]);
    // No switch: the limit is the exact closed form from w(0).
    let w0q: Vec<Rational> = w0.iter().map(|v| q(v)).collect();
    let exact = pattern_limit(&p, &lim.pattern.active[0], &w0q);
    for (l, v) in lim.state.w[0].iter().zip(&exact) {
        assert!(l.contains_rational(v), "{l:?} ∌ {v}");
    }
    let x2: Rational = p.data().x()[2].iter().zip(&exact).map(|(a, b)| Rational::from(a * b)).sum();
    assert_eq!(x2, 0, "the limit is on the hyperplane of point 2");
    check_hulls(&p, &tr);
}
