//! Vardi–Shamir (COLT 2021) Theorem 3: the certified limits of the single-neuron flow lie in the
//! theorem's intervals, are narrow, and agree with an independent 100-digit mpmath computation
//! (`tests/data/vardi_shamir_limits.py`, whose output is pasted below).

use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Bound, Enclosure, Interval, MpInterval, Rational, Scalar};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_flow::{EventKind, Status, Trajectory};
use reluflow_model::*;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

/// `(γ, t₁, s)` from `tests/data/vardi_shamir_limits.py` (mpmath 1.3.0, 100 digits, printed to 80).
const MPMATH: [(&str, &str, &str); 3] = [
    (
        "1",
        "0.1696505961284853504782627448860462695133569303895063474586751858680199837107219",
        "-0.040772919766673468136961016758030204478260542214562680285640793006864767478268087",
    ),
    (
        "2",
        "0.13831796060759679597530677409261364309204618996351735517323799643571640209019627",
        "-0.11069645835966629102703379591920961650032475361120562582123059337259082026159377",
    ),
    (
        "5",
        "0.08614747378067706607286172879844267145226151583137482713111315038513038608310553",
        "-0.20904881230540469688754816227570858317079423270584891634038436720317163599680269",
    ),
];

/// Theorem 3's open intervals for `s` (γ = 0: s = 0 exactly).
const THEOREM: [(&str, &str, &str); 3] = [("1", "-0.045", "-0.035"), ("2", "-0.12", "-0.1"), ("5", "-0.22", "-0.2")];

pub fn vardi_shamir(gamma: &str) -> Problem {
    let data = Data::new(
        vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q(gamma), q(gamma)]],
        Labels::Given(vec![q("16"), q("18"), q("0")]),
    )
    .unwrap();
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::One,
        LossScale::HalfSum,
        data,
        Init::Single { w: vec![q("0"); 3] },
        RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 256 },
    )
    .unwrap()
}

fn lo(x: &impl Enclosure) -> Rational {
    match x.lower() {
        Bound::Finite(v) => v,
        b => panic!("unbounded {b:?}"),
    }
}
fn hi(x: &impl Enclosure) -> Rational {
    match x.upper() {
        Bound::Finite(v) => v,
        b => panic!("unbounded {b:?}"),
    }
}

/// `x` contains a point within `tol` of the decimal `v`.
fn near<S: Enclosure>(x: &S, v: &str, tol: &str) -> bool {
    let (v, t) = (q(v), q(tol));
    lo(x) <= Rational::from(&v + &t) && Rational::from(&v - &t) <= hi(x)
}

fn check<S: Enclosure>(tr: &Trajectory<S>, gamma: &str, max_width: f64, tol: &str) {
    assert!(matches!(tr.status(), Status::Certified), "γ = {gamma}: {:?}", tr.status());
    let lim = tr.limit().expect("limit certified");
    let w = &lim.state.w[0];
    assert!(w[0].contains_rational(&q("5")) && w[1].contains_rational(&q("-1")), "γ = {gamma}: {w:?}");
    for v in w {
        assert!(v.width_upper() < max_width, "γ = {gamma}: width {}", v.width_upper());
    }
    assert!(lim.loss.contains_rational(&q("0")) && lim.loss.width_upper() < max_width, "zero-loss limit");
    if gamma == "0" {
        // x3 = 0: σ(x3ᵀw) = 0 always, and with σ'(0) = 1 the point counts as active.
        assert_eq!(lim.pattern.active[0], vec![0, 1, 2]);
        assert!(w[2].contains_rational(&q("0")));
        assert!(tr.events().is_empty());
        return;
    }
    assert_eq!(lim.pattern.active[0], vec![0, 1], "x3 inactive at the end");
    let (_, a, b) = THEOREM.iter().find(|t| t.0 == gamma).unwrap();
    assert!(q(a) < lo(&w[2]) && hi(&w[2]) < q(b), "γ = {gamma}: s outside ({a}, {b})");
    let (_, t1, s) = MPMATH.iter().find(|t| t.0 == gamma).unwrap();
    assert!(near(&w[2], s, tol), "γ = {gamma}: s = {s} not in {:?}", w[2]);
    assert_eq!(tr.events().len(), 1);
    let ev = &tr.events()[0];
    assert_eq!((ev.point, ev.kind), (2, EventKind::Deactivate));
    assert!(near(&ev.t, t1, tol), "γ = {gamma}: t1 = {t1} not in {:?}", ev.t);
}

#[test]
fn vardi_shamir_limits_with_f64_intervals() {
    for g in ["0", "1", "2", "5"] {
        let tr = certify::<Interval>(&vardi_shamir(g), &(), &NeuronOptions::default()).unwrap();
        check(&tr, g, 1e-12, "1e-30");
    }
}

#[test]
fn vardi_shamir_limits_with_256_bit_intervals() {
    for g in ["0", "1", "2", "5"] {
        let tr = certify::<MpInterval>(&vardi_shamir(g), &256, &NeuronOptions::default()).unwrap();
        check(&tr, g, 1e-60, "1e-78");
    }
}

#[test]
fn segment_hulls_and_ends_are_consistent() {
    let tr = certify::<MpInterval>(&vardi_shamir("2"), &128, &NeuronOptions::default()).unwrap();
    assert_eq!(tr.segments().len(), 2);
    let (s0, s1) = (&tr.segments()[0], &tr.segments()[1]);
    assert_eq!(s0.pattern().active[0], vec![0, 1, 2]);
    assert_eq!(s0.t_end(), s1.t_start());
    for (h, e) in s0.hull().w[0].iter().zip(&s0.end().w[0]) {
        assert!(e.subset(h), "the end state lies in the segment hull");
    }
    // The switching state lies on x3's hyperplane: x3ᵀw = 2(w2 + w3) ∋ 0.
    let e = &s0.end().w[0];
    assert!(e[1].add(&e[2]).contains_rational(&q("0")));
}

#[test]
fn vardi_shamir_limit_at_1024_bits() {
    // MPFR's precision scales the certificate: at 1024 bits the limit is pinned to ~1e-300.
    let tr = certify::<MpInterval>(&vardi_shamir("2"), &1024, &NeuronOptions::default()).unwrap();
    check(&tr, "2", 1e-290, "1e-78");
}
