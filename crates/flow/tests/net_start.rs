//! Two-layer starts exactly on a switching surface (σ'(0) = 0): a neuron with no active point is
//! frozen for good only if no solution can leave through a surface it sits on
//! (`proofs-notes/net-validated-switches.md`, "Start").

use reluflow_arith::{Enclosure, Interval, MpInterval, Rational};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::{Status, Trajectory, UndecidedReason};
use reluflow_model::*;

fn r(v: i64) -> Rational {
    Rational::from(v)
}

fn problem(x: &[&[i64]], y: &[i64], w: &[&[i64]], a: &[i64]) -> Problem {
    let x = x.iter().map(|row| row.iter().map(|v| r(*v)).collect()).collect();
    let data = Data::new(x, Labels::Given(y.iter().map(|v| r(*v)).collect())).unwrap();
    let init = Init::Explicit {
        w: w.iter().map(|row| row.iter().map(|v| r(*v)).collect()).collect(),
        a: a.iter().map(|v| r(*v)).collect(),
    };
    let run = RunConfig { t_end: Horizon::Finite(r(3)), arithmetic: Arithmetic::Interval, precision: 128 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

fn non_unique_at_zero<S: Enclosure>(tr: &Trajectory<S>, neuron: usize, point: usize) {
    match tr.status() {
        Status::Undecided { reason: UndecidedReason::NonUnique { neuron: j, point: i }, certified_until } => {
            assert_eq!((*j, *i), (neuron, point));
            assert!(certified_until.contains_zero() && certified_until.width_upper() == 0.0);
        }
        other => panic!("expected non-unique at neuron {neuron}, point {point}, got {other:?}"),
    }
    assert!(tr.segments().is_empty(), "nothing after t = 0 may be reported");
}

/// w = 0, a = 1 on x = e_0, e_1, y = (1, 5): staying at rest is a solution, but so is leaving with
/// point 0 active (ẇ = a·y_0·x_0/2 points into its active side): not unique.
#[test]
fn a_dead_looking_neuron_that_can_leave_is_non_unique() {
    let p = problem(&[&[1, 0], &[0, 1]], &[1, 5], &[&[0, 0]], &[1]);
    non_unique_at_zero(&certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap(), 0, 0);
    non_unique_at_zero(&certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap(), 0, 0);
}

/// With a second, live neuron (a_1 = −1, so the residual of point 0 is y_0 + 1 > 0): the same.
#[test]
fn with_a_second_neuron_it_is_still_non_unique() {
    let p = problem(&[&[1, 0], &[0, 1]], &[1, 5], &[&[0, 0], &[1, 1]], &[1, -1]);
    non_unique_at_zero(&certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap(), 0, 0);
}

/// a_0 = 0: the neuron's field vanishes whatever the pattern (ẇ_0 ∝ a_0, ȧ_0 = Σσ(w_0ᵀx_i)r_i = 0),
/// so it stays at rest; the live neuron is integrated as usual.
#[test]
fn a_zero_output_weight_stays_at_rest() {
    let p = problem(&[&[1, 0], &[0, 1]], &[1, 5], &[&[0, 0], &[1, 1]], &[0, 1]);
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let fin = tr.final_state();
    assert!(fin.w[0].iter().all(|v| v.contains_zero() && v.width_upper() == 0.0));
    assert!(fin.a.as_ref().unwrap()[0].contains_zero());
}

/// d = 1: x = (1), (2), y = (1, 1), w = 0. With a = 1 the neuron can leave (non-unique); with
/// a = −1 the rate through every surface is negative, so it provably stays at rest (loss 1/2).
#[test]
fn one_dimension_both_directions() {
    let leaving = problem(&[&[1], &[2]], &[1, 1], &[&[0]], &[1]);
    non_unique_at_zero(&certify::<Interval>(&leaving, &(), &ValidatedOptions::default()).unwrap(), 0, 0);
    let staying = problem(&[&[1], &[2]], &[1, 1], &[&[0]], &[-1]);
    let tr = certify::<MpInterval>(&staying, &128, &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    assert!(tr.final_state().w[0][0].contains_zero() && tr.final_state().w[0][0].width_upper() == 0.0);
    let a = &tr.final_state().a.as_ref().unwrap()[0];
    assert!(a.contains_rational(&r(-1)) && a.width_upper() == 0.0, "{a:?}");
    let loss = reluflow_flow::net::field::loss(
        &reluflow_flow::net::field::NetData::from_problem(&staying, &128),
        tr.final_state(),
    );
    assert!(loss.contains_rational(&Rational::from((1, 2))), "{loss:?}");
}

/// A point with x_i = 0 has guard 0 for every w and never switches: it does not count.
#[test]
fn a_zero_data_point_does_not_block_a_frozen_neuron() {
    let p = problem(&[&[1, 0], &[0, 0]], &[1, 1], &[&[-1, 0]], &[1]);
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
}

/// A live neuron `w = (1, 0)`, `a = 1` on `x_0 = (1, 1)` (active) and `x_1 = (0, 1)` (guard exactly
/// 0). The guard of point 1 has rate `ρ⁻ ∝ y_0 − 1` with it inactive and `ρ⁺ ∝ y_0 − 1 + y_1` with it
/// active; `y` picks the case.
fn on_a_surface(y: &[i64]) -> Problem {
    problem(&[&[1, 1], &[0, 1]], y, &[&[1, 0]], &[1])
}

/// The run (f64 and 128-bit intervals) starts with point 1 on `side` and its final state contains
/// the 256-bit reference's, which switches point 1 within its first bisection bracket.
fn leaves_to(y: &[i64], active: bool) {
    use reluflow_arith::{Float, Scalar};
    use reluflow_flow::net::reference::{RefOptions, integrate_problem};
    let p = on_a_surface(y);
    let opts = RefOptions { tol: 1e-50, order: 60, ..RefOptions::for_bits(256) };
    let run = integrate_problem::<Float>(&p, &256, &opts).unwrap();
    let fin = run.trajectory.final_state();
    let r: Vec<f64> = fin.w[0].iter().chain(fin.a.as_ref().unwrap()).map(Float::to_f64).collect();
    let check = |tr: &Trajectory<Interval>, lo: Vec<f64>, hi: Vec<f64>| {
        assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
        assert_eq!(tr.segments()[0].pattern().active[0].contains(&1), active);
        for k in 0..r.len() {
            assert!(
                lo[k] - 1e-40 <= r[k] && r[k] <= hi[k] + 1e-40,
                "coordinate {k}: {} not in [{}, {}]",
                r[k],
                lo[k],
                hi[k]
            );
        }
    };
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let all =
        |s: &reluflow_flow::State<Interval>| s.w[0].iter().chain(s.a.as_ref().unwrap()).cloned().collect::<Vec<_>>();
    let v = all(tr.final_state());
    check(&tr, v.iter().map(|e| e.lower_f64()).collect(), v.iter().map(|e| e.upper_f64()).collect());
    let tr = certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    assert_eq!(tr.segments()[0].pattern().active[0].contains(&1), active);
}

/// ρ⁻ = ρ⁺ < 0: every solution leaves to the inactive side.
#[test]
fn a_live_neuron_leaves_a_surface_to_the_inactive_side() {
    leaves_to(&[0, 0], false);
}

/// ρ⁻ = ρ⁺ > 0: every solution leaves to the active side.
#[test]
fn a_live_neuron_leaves_a_surface_to_the_active_side() {
    leaves_to(&[2, 0], true);
}

/// ρ⁻ < 0 < ρ⁺: one solution leaves to each side.
#[test]
fn a_live_neuron_on_a_repelling_surface_is_non_unique() {
    non_unique_at_zero(&certify::<Interval>(&on_a_surface(&[0, 2]), &(), &ValidatedOptions::default()).unwrap(), 0, 1);
}

/// ρ⁺ < 0 < ρ⁻: both fields point into the surface (sliding from the start).
#[test]
fn a_live_neuron_on_an_attracting_surface_slides() {
    let tr = certify::<Interval>(&on_a_surface(&[2, -2]), &(), &ValidatedOptions::default()).unwrap();
    let Status::Undecided { reason, certified_until } = tr.status() else { panic!("{:?}", tr.status()) };
    assert_eq!(*reason, UndecidedReason::Sliding { neuron: 0, point: 1 });
    assert!(certified_until.contains_zero() && tr.segments().is_empty());
}
