//! Accuracy on request: a switch-free stretch of a small two-layer flow (d = n = 3, m = 4, positive
//! data, teacher labels, every output sign +1, balanced init at scale 0.1, t ∈ [0, 1.5]) in f64
//! intervals. The enclosure at t = 1.5 contains a 256-bit reference run, and its width shrinks
//! from the default's to a few ulps when a higher order and a smaller tolerance are asked for:
//! within 2× of CAPD's order-20 Taylor integrator (1.6e-16 on such a stretch), or below it.

use reluflow_arith::{Enclosure, Float, Interval, Scalar};
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
use reluflow_flow::net::validated::{RunStats, ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::{State, Status, Trajectory};
use reluflow_model::*;
use rug::Rational;

/// The instance (also `examples/two-layer-accuracy.toml`): `x_i` and `z_j` dyadic, `x_i > 0`,
/// `z_j > 0`, teacher `(1, 3/4, 1/2)`.
fn problem() -> Problem {
    let r = |v: &[(i64, i64)]| v.iter().map(|&(a, b)| Rational::from((a, b))).collect::<Vec<_>>();
    let x = vec![r(&[(1, 2), (1, 4), (1, 8)]), r(&[(1, 8), (1, 2), (1, 4)]), r(&[(1, 4), (1, 8), (1, 2)])];
    let teacher = r(&[(1, 1), (3, 4), (1, 2)]);
    let z = vec![
        r(&[(1, 1), (1, 2), (1, 2)]),
        r(&[(1, 2), (1, 1), (1, 4)]),
        r(&[(1, 4), (1, 2), (1, 1)]),
        r(&[(3, 4), (3, 4), (1, 2)]),
    ];
    let run =
        RunConfig { t_end: Horizon::Finite(Rational::from((3, 2))), arithmetic: Arithmetic::Interval, precision: 53 };
    let init = Init::Balanced { scale: Rational::from((1, 10)), z, s: vec![1; 4] };
    let data = Data::new(x, Labels::Teacher(teacher)).unwrap();
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

fn entries<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().chain(s.a.as_ref().unwrap()).cloned().collect()
}

fn run(order: usize, tol: Option<f64>) -> (Trajectory<Interval>, RunStats, f64) {
    let opts = ValidatedOptions { order, tol_rel: tol, ..ValidatedOptions::default() };
    let (traj, stats) = certify_with_stats::<Interval>(&problem(), &(), &opts).unwrap();
    assert_eq!(*traj.status(), Status::Certified, "order {order}, tol {tol:?}");
    assert!(traj.events().is_empty(), "the stretch must be switch-free");
    let width = entries(traj.final_state()).iter().map(|v| v.width_upper()).fold(0.0, f64::max);
    (traj, stats, width)
}

/// No guard comes near zero: every guard is certainly positive on every segment hull.
fn assert_switch_free(traj: &Trajectory<Interval>) {
    let data = problem();
    for seg in traj.segments() {
        for w in &seg.hull().w {
            for x in data.data().x() {
                let g = w
                    .iter()
                    .zip(x)
                    .fold(Interval::zero(&()), |acc, (wc, xc)| acc.add(&wc.mul(&Interval::from_rational(xc, &()))));
                assert!(g.certainly_pos(), "guard {g:?} on a segment hull");
            }
        }
    }
}

#[test]
fn requested_accuracy_reaches_a_few_ulps_and_contains_the_reference() {
    let mp = integrate_problem::<Float>(&problem(), &256, &RefOptions::for_bits(256)).unwrap();
    assert!(mp.trajectory.events().is_empty());
    let exact = entries(mp.trajectory.final_state());
    let mut widths = Vec::new();
    for (order, tol) in [(0, None), (20, Some(1e-18)), (40, Some(1e-18)), (6, Some(1e-15))] {
        let (traj, stats, width) = run(order, tol);
        assert_switch_free(&traj);
        for (v, e) in entries(traj.final_state()).iter().zip(&exact) {
            let q = e.to_rational().expect("finite");
            assert!(v.contains_rational(&q), "order {order}: {v:?} misses the 256-bit {e}");
        }
        eprintln!("order {order} tol {tol:?}: {} steps, max width at t = 1.5: {width:.2e}", stats.steps);
        widths.push(width);
    }
    // Measured 2026-12-07: default 1.3e-13 (2 ball steps from the exact start, admitted by the
    // width budget; 6.1e-14 with Lohner steps; the remainder may add 100·tol = 1.7e-11 of the
    // state per step), order 20 / 1e-18 2.2e-16 (3 steps), order 40 / 1e-18 1.1e-16 (one step). A tolerance below ten ulps forms the centre's Taylor sum in 128-bit MPFR and rounds
    // it once (`precise.rs`); in f64 alone they were 7.2e-16 and 3.9e-16. CAPD's order-20
    // integrator reaches 1.6e-16: within 2× at order 20, below it at order 40.
    assert!(widths[0] > 20.0 * widths[1], "{widths:?}");
    assert!(widths[1] <= 3.2e-16, "order 20, tol 1e-18: {:.2e}", widths[1]);
    assert!(widths[2] <= 1.6e-16, "order 40, tol 1e-18: {:.2e}", widths[2]);
}
