//! A data point `x_i = 0` is no switching surface: its guard `w_jᵀx_i` is identically 0 and the
//! point contributes nothing to the field, so live neurons start and run as if it were absent —
//! but it stays in the loss with its constant residual `−y_i`.

use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Scalar};
use reluflow_flow::net::field::{NetData, loss};
use reluflow_flow::net::reference::{RefOptions, RefStop, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::{State, Status, Trajectory};
use reluflow_model::*;
use rug::Rational;

const BITS: u32 = 256;

fn q(n: i64, d: i64) -> Rational {
    Rational::from((n, d))
}

/// Two live neurons on `x = (1, 0), (0, 0), (1/2, 1)`; labels from the teacher `(1, 1/2)` or given
/// (the zero point labelled `y = 1`, a residual that never changes).
fn problem(teacher: bool, with_zero: bool) -> Problem {
    let mut x = vec![vec![q(1, 1), q(0, 1)], vec![q(0, 1), q(0, 1)], vec![q(1, 2), q(1, 1)]];
    let mut y = vec![q(1, 1), q(1, 1), q(1, 1)];
    if !with_zero {
        x.remove(1);
        y.remove(1);
    }
    let labels = if teacher { Labels::Teacher(vec![q(1, 1), q(1, 2)]) } else { Labels::Given(y) };
    let init =
        Init::Balanced { scale: q(1, 10), z: vec![vec![q(1, 1), q(1, 2)], vec![q(1, 2), q(1, 1)]], s: vec![1, 1] };
    let run = RunConfig { t_end: Horizon::Finite(q(5, 1)), arithmetic: Arithmetic::Interval, precision: 128 };
    let data = Data::new(x, labels).unwrap();
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfSum, data, init, run).unwrap()
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().cloned().chain(s.a.iter().flatten().cloned()).collect()
}

fn inside<S: Enclosure>(e: &S, v: &Float) -> bool {
    let (v, slack) = (v.to_f64(), 1e-40 * v.to_f64().abs() + 1e-300);
    e.lower_f64() - slack <= v && v <= e.upper_f64() + slack
}

/// Certified; the final state and loss contain the 256-bit reference's.
fn certified_and_contains_reference<S: Enclosure>(p: &Problem, tr: &Trajectory<S>, ctx: &S::Ctx) {
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let opts = RefOptions { tol: 1e-50, order: 60, ..RefOptions::for_bits(BITS) };
    let run = integrate_problem::<Float>(p, &BITS, &opts).unwrap();
    assert_eq!(run.stop, RefStop::Reached);
    let s = run.trajectory.final_state();
    for (e, v) in flat(tr.final_state()).iter().zip(flat(s)) {
        assert!(inside(e, &v), "final state {v} not in [{}, {}]", e.lower_f64(), e.upper_f64());
    }
    let l_ref = loss(&NetData::<Float>::from_problem(p, &BITS), s);
    let l_enc = loss(&NetData::<S>::from_problem(p, ctx), tr.final_state());
    assert!(inside(&l_enc, &l_ref), "final loss {l_ref} not in [{}, {}]", l_enc.lower_f64(), l_enc.upper_f64());
}

#[test]
fn a_zero_point_is_not_a_surface_for_live_neurons() {
    for teacher in [true, false] {
        let p = problem(teacher, true);
        let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
        certified_and_contains_reference(&p, &tr, &());
        assert!(tr.events().iter().all(|e| e.point != 1), "the zero point never switches");
        let tr = certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap();
        certified_and_contains_reference(&p, &tr, &128);
    }
}

/// The field does not see the zero point: the flow with it equals the flow without it (the two
/// enclosures of the same exact state overlap), while the loss differs by `½·y²` of the zero point.
#[test]
fn the_zero_point_changes_the_loss_but_not_the_flow() {
    let with = certify::<MpInterval>(&problem(false, true), &128, &ValidatedOptions::default()).unwrap();
    let without = certify::<MpInterval>(&problem(false, false), &128, &ValidatedOptions::default()).unwrap();
    assert!(matches!(without.status(), Status::Certified), "{:?}", without.status());
    for (a, b) in flat(with.final_state()).iter().zip(flat(without.final_state())) {
        assert!(a.lower_f64() <= b.upper_f64() && b.lower_f64() <= a.upper_f64());
        assert!(a.width_upper() < 1e-20 && b.width_upper() < 1e-20);
    }
    let l_with = loss(&NetData::<MpInterval>::from_problem(&problem(false, true), &128), with.final_state());
    let l_without = loss(&NetData::<MpInterval>::from_problem(&problem(false, false), &128), without.final_state());
    let diff = l_with.sub(&l_without);
    assert!(diff.lower_f64() <= 0.5 && 0.5 <= diff.upper_f64(), "loss difference {diff:?}");
}
