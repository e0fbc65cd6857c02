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
    match &tr.status {
        Status::Undecided { reason: UndecidedReason::NonUnique { neuron: j, point: i }, certified_until } => {
            assert_eq!((*j, *i), (neuron, point));
            assert!(certified_until.contains_zero() && certified_until.width_upper() == 0.0);
        }
        other => panic!("expected non-unique at neuron {neuron}, point {point}, got {other:?}"),
    }
    assert!(tr.segments.is_empty(), "nothing after t = 0 may be reported");
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
    assert!(matches!(tr.status, Status::Certified), "{:?}", tr.status);
    let fin = &tr.final_state;
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
    assert!(matches!(tr.status, Status::Certified), "{:?}", tr.status);
    assert!(tr.final_state.w[0][0].contains_zero() && tr.final_state.w[0][0].width_upper() == 0.0);
    let a = &tr.final_state.a.as_ref().unwrap()[0];
    assert!(a.contains_rational(&r(-1)) && a.width_upper() == 0.0, "{a:?}");
    let loss = reluflow_flow::net::field::loss(
        &reluflow_flow::net::field::NetData::from_problem(&staying, &128),
        &tr.final_state,
    );
    assert!(loss.contains_rational(&Rational::from((1, 2))), "{loss:?}");
}

/// A point with x_i = 0 has guard 0 for every w and never switches: it does not count.
#[test]
fn a_zero_data_point_does_not_block_a_frozen_neuron() {
    let p = problem(&[&[1, 0], &[0, 0]], &[1, 1], &[&[-1, 0]], &[1]);
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status, Status::Certified), "{:?}", tr.status);
}
