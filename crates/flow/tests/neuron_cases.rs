//! Constructed single-neuron cases: grazing, a start with two solutions, sliding with a negative
//! label, a certified death, a near-miss and a double crossing, and misuse errors.

use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Enclosure, Interval, MpInterval, Rational, Scalar};
use reluflow_flow::neuron::{NeuronError, NeuronOptions, certify};
use reluflow_flow::{EventKind, Status, UndecidedReason};
use reluflow_model::*;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn single(x: &[&[&str]], y: &[&str], w0: &[&str], rp: ReluPrime, t_end: Horizon) -> Problem {
    let x = x.iter().map(|r| r.iter().map(|v| q(v)).collect()).collect();
    let y = y.iter().map(|v| q(v)).collect();
    Problem::new(
        ModelKind::SingleNeuron,
        rp,
        LossScale::HalfSum,
        Data::new(x, Labels::Given(y)).unwrap(),
        Init::Single { w: w0.iter().map(|v| q(v)).collect() },
        RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 128 },
    )
    .unwrap()
}

/// Points (1,0), (0,1), (0,1) with labels 1 keep M = diag(1, 2), w_∞ = (1, 1); from w(0) = (5, 3)
/// the guard of the fourth point (1/4, −1/2) is `a + u − u²` with `u = e^{−t}`, `a = −1/4 + shift`.
/// For `shift = 0` it touches zero at `t = ln 2` without crossing (grazing).
fn graze(shift: &str) -> Problem {
    let a: Rational = q("-1/4") + q(shift);
    // p + q = a with p = 1/4 fixed: q = a − 1/4, q(w₂ − 1) = −1 ⇒ w₂ = 1 − 1/q.
    let qq: Rational = &a - q("1/4");
    let w2 = Rational::from(1) - Rational::from(1) / qq.clone();
    let x4 = ["1/4".to_string(), qq.to_string()];
    let w0 = ["5".to_string(), w2.to_string()];
    single(
        &[&["1", "0"], &["0", "1"], &["0", "1"], &[&x4[0], &x4[1]]],
        &["1", "1", "1", "0"],
        &[&w0[0], &w0[1]],
        ReluPrime::Zero,
        Horizon::Infinite,
    )
}

#[test]
fn grazing_comes_back_undecided() {
    let check = |reason: &UndecidedReason, until: f64| {
        assert!(matches!(reason, UndecidedReason::Grazing { point: 3, .. }), "{reason:?}");
        // Everything before the touch at ln 2 ≈ 0.6931 may be certified, nothing after.
        assert!(until <= std::f64::consts::LN_2 + 1e-9, "{until}");
    };
    match certify::<Interval>(&graze("0"), &(), &NeuronOptions::default()).unwrap().status() {
        Status::Undecided { reason, certified_until } => check(reason, certified_until.upper_f64()),
        other => panic!("expected grazing, got {other:?}"),
    }
    match certify::<MpInterval>(&graze("0"), &128, &NeuronOptions::default()).unwrap().status() {
        Status::Undecided { reason, certified_until } => check(reason, certified_until.upper_f64()),
        other => panic!("expected grazing, got {other:?}"),
    }
}

#[test]
fn near_miss_and_double_crossing_are_certified() {
    let miss = certify::<Interval>(&graze("-1/100"), &(), &NeuronOptions::default()).unwrap();
    assert!(matches!(miss.status(), Status::Certified), "{:?}", miss.status());
    assert!(miss.events().is_empty());
    let cross = certify::<Interval>(&graze("1/100"), &(), &NeuronOptions::default()).unwrap();
    assert!(matches!(cross.status(), Status::Certified), "{:?}", cross.status());
    let kinds: Vec<_> = cross.events().iter().map(|e| (e.point, e.kind)).collect();
    assert_eq!(kinds, vec![(3, EventKind::Activate), (3, EventKind::Deactivate)]);
    assert!(cross.events()[0].t.certainly_lt(&cross.events()[1].t));
}

#[test]
fn a_near_miss_by_one_millionth_is_cheap() {
    // The guard's maximum is −10⁻⁶ at t = ln 2: the second-order test proves it stays negative
    // around its turning point without bisecting down to the rounding level (60 classifications
    // suffice; without it they do not).
    for shift in ["-1/1000000", "-1/1000000000"] {
        let opts = NeuronOptions { max_steps: 60, ..NeuronOptions::default() };
        let miss = certify::<Interval>(&graze(shift), &(), &opts).unwrap();
        assert!(matches!(miss.status(), Status::Certified), "{shift}: {:?}", miss.status());
        assert!(miss.events().is_empty());
    }
}

#[test]
fn start_on_a_repelling_hyperplane_is_not_unique() {
    // x0 = (1, 0), y0 = 2 on its hyperplane; the active side field leaves upwards, the inactive
    // side field (from x1) leaves downwards: two solutions.
    let p = single(&[&["1", "0"], &["1", "1"]], &["2", "0"], &["0", "1"], ReluPrime::One, Horizon::Infinite);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert!(
        matches!(tr.status(), Status::Undecided { reason: UndecidedReason::NonUnique { point: 0, .. }, .. }),
        "{:?}",
        tr.status()
    );
    assert!(tr.segments().is_empty());
}

#[test]
fn negative_label_gives_sliding() {
    // x1 = (1, 0) with label −1 is pushed to its hyperplane from the active side while x2 = (1, 1)
    // (label 3) pushes it back from the inactive side: an attracting (Filippov) sliding surface.
    let p = single(&[&["1", "0"], &["1", "1"]], &["-1", "3"], &["1", "5/2"], ReluPrime::Zero, Horizon::Infinite);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    match tr.status() {
        Status::Undecided { reason: UndecidedReason::Sliding { point: 0, .. }, certified_until } => {
            assert!(certified_until.certainly_pos());
            assert_eq!(tr.segments().len(), 1, "the segment up to the surface is certified");
        }
        other => panic!("expected sliding, got {other:?}"),
    }
}

#[test]
fn last_point_leaving_with_relu_prime_one_is_undecided() {
    // Same flow as below, σ'(0) = 1: at w = 0 the convention's field is −1 ≠ 0, pointing to the
    // inactive side where the field vanishes: only a Filippov continuation exists. Not certified.
    let p = single(&[&["1"]], &["-1"], &["1"], ReluPrime::One, Horizon::Infinite);
    let tr = certify::<MpInterval>(&p, &128, &NeuronOptions::default()).unwrap();
    match tr.status() {
        Status::Undecided { reason: UndecidedReason::Other(why), certified_until } => {
            assert!(why.contains("Filippov"), "{why}");
            let ln2 = MpInterval::from_i64(2, &128).ln();
            assert!(certified_until.certainly_lt(&ln2) || !certified_until.intersect(&ln2).is_empty());
            assert!(certified_until.lower_f64() > 0.69, "{certified_until:?}");
        }
        other => panic!("expected undecided, got {other:?}"),
    }
    assert!(tr.limit().is_none() && tr.events().is_empty());
}

#[test]
fn last_point_leaving_is_a_certified_death() {
    // ẇ = −(w + 1) from w = 1: w reaches 0 at t = ln 2 and stays there (σ'(0) = 0).
    {
        let p = single(&[&["1"]], &["-1"], &["1"], ReluPrime::Zero, Horizon::Infinite);
        let tr = certify::<MpInterval>(&p, &128, &NeuronOptions::default()).unwrap();
        assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
        assert_eq!(tr.events().len(), 1);
        assert_eq!(tr.events()[0].kind, EventKind::Death);
        let ln2 = MpInterval::from_i64(2, &128).ln();
        assert!(!tr.events()[0].t.intersect(&ln2).is_empty() && tr.events()[0].t.width_upper() < 1e-30);
        let lim = tr.limit().unwrap();
        assert!(lim.state.w[0][0].contains_rational(&q("0")) && lim.state.w[0][0].width_upper() < 1e-30);
        assert!(lim.loss.contains_rational(&q("1/2")));
        assert!(lim.pattern.frozen[0]);
    }
}

#[test]
fn finite_horizon_ends_exactly_at_t_end() {
    // One point, ẇ = −(w − 2): w(1) = 2 − e^{−1} from w(0) = 1.
    let p = single(&[&["1"]], &["2"], &["1"], ReluPrime::Zero, Horizon::Finite(q("1")));
    let tr = certify::<MpInterval>(&p, &128, &NeuronOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified));
    let exact = MpInterval::from_i64(2, &128).sub(&MpInterval::from_i64(-1, &128).exp());
    let fin = &tr.final_state().w[0][0];
    assert!(!fin.intersect(&exact).is_empty() && fin.width_upper() < 1e-30, "{fin:?}");
    assert!(tr.t_final().contains_rational(&q("1")));
}

#[test]
fn two_layer_problems_are_refused() {
    let data = Data::new(vec![vec![q("1")]], Labels::Given(vec![q("1")])).unwrap();
    let p = Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::Zero,
        LossScale::HalfSum,
        data,
        Init::Explicit { w: vec![vec![q("1")]], a: vec![q("1")] },
        RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 128 },
    )
    .unwrap();
    assert_eq!(
        certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap_err(),
        NeuronError::WrongModel("two-layer")
    );
}

#[test]
fn limit_on_a_hyperplane_is_undecided() {
    // x1 = (1, 0), y1 = 1 drives w1 → 1 with w2 = 1 frozen; the inactive x2 = (1, −1) has
    // guard w1 − 1 = −e^{−t}/2 → 0: the limit lies on its hyperplane and no margin ever appears.
    let p = single(&[&["1", "0"], &["1", "-1"]], &["1", "0"], &["1/2", "1"], ReluPrime::Zero, Horizon::Infinite);
    let t = std::time::Instant::now();
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    match tr.status() {
        Status::Undecided { reason: UndecidedReason::Other(s), .. } => assert!(s.contains("point 1"), "{s}"),
        other => panic!("expected the limit-on-a-hyperplane diagnosis, got {other:?}"),
    }
    assert!(tr.limit().is_none());
    let tm = certify::<MpInterval>(&p, &128, &NeuronOptions::default()).unwrap();
    assert!(matches!(tm.status(), Status::Undecided { .. }), "{:?}", tm.status());
    assert!(t.elapsed().as_secs_f64() < 20.0, "undecided quickly enough: {:?}", t.elapsed());
}

#[test]
fn points_on_one_hyperplane_switch_together() {
    // x = 1 and x = 2, labels −1: ẇ = −(5w + 3) from w = 1, both leave at w = 0 together: death.
    let p = single(&[&["1"], &["2"]], &["-1", "-1"], &["1"], ReluPrime::Zero, Horizon::Infinite);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let ev: Vec<_> = tr.events().iter().map(|e| (e.point, e.kind)).collect();
    assert_eq!(ev, vec![(0, EventKind::Death), (1, EventKind::Death)]);
    // x = 1 leaves while x = −1 (label 2) enters at the same instant t = ln 2; then w → −2.
    let p = single(&[&["1"], &["-1"]], &["-1", "2"], &["1"], ReluPrime::One, Horizon::Infinite);
    let tr = certify::<MpInterval>(&p, &128, &NeuronOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let ev: Vec<_> = tr.events().iter().map(|e| (e.point, e.kind)).collect();
    assert_eq!(ev, vec![(0, EventKind::Deactivate), (1, EventKind::Activate)]);
    let ln2 = MpInterval::from_i64(2, &128).ln();
    assert!(!tr.events()[0].t.intersect(&ln2).is_empty());
    let lim = tr.limit().unwrap();
    assert!(lim.state.w[0][0].contains_rational(&q("-2")) && lim.state.w[0][0].width_upper() < 1e-30);
    assert!(lim.loss.contains_rational(&q("1/2")));
}

#[test]
fn opposite_points_swap_at_the_origin() {
    // Found by the property test: x = 1 (label 1) and x = −1 (label −1), σ'(0) = 0, w(0) = −1.
    // ẇ = 1 − w in both patterns: w = 1 − 2e^{−t}; at t = ln 2 point 1 leaves and point 0 enters.
    let p = single(&[&["1"], &["-1"]], &["1", "-1"], &["-1"], ReluPrime::Zero, Horizon::Infinite);
    let tr = certify::<MpInterval>(&p, &128, &NeuronOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let ev: Vec<_> = tr.events().iter().map(|e| (e.point, e.kind)).collect();
    assert_eq!(ev, vec![(0, EventKind::Activate), (1, EventKind::Deactivate)]);
    assert_eq!(tr.segments().len(), 2);
    assert!(tr.segments()[0].end().w[0][0].contains_rational(&q("0")));
    let lim = tr.limit().unwrap();
    assert!(lim.state.w[0][0].contains_rational(&q("1")) && lim.loss.contains_rational(&q("1/2")));
}
