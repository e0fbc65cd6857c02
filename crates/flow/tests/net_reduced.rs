//! The validated two-layer integrator in coordinates of the data's span (`d ≥ 64`, `n < d`):
//! a problem rotated into `ℝ^80` by an exact rational reflection gives the same events, output
//! weights, loss and (rotated) hidden weights as the small problem integrated in `ℝ^3`, contains
//! the 256-bit reference, and a `d = 10,000` problem certifies.

use reluflow_arith::{Enclosure, Float, Interval, Scalar};
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify, working_dim};
use reluflow_flow::trajectory::{Status, Trajectory};
use reluflow_model::*;
use rug::Rational;

const D: usize = 80;

fn q(n: i64, d: i64) -> Rational {
    Rational::from((n, d))
}

/// `m = 2`, `d = 3`, `n = 3`, explicit start, `t_end = 6`, rows of `x` and `w` as given.
fn problem(x: Vec<Vec<Rational>>, w: Vec<Vec<Rational>>) -> Problem {
    let data = Data::new(x, Labels::Given(vec![q(1, 1), q(1, 2), q(-1, 5)])).unwrap();
    let init = Init::Explicit { w, a: vec![q(1, 2), q(-3, 10)] };
    let run = RunConfig { t_end: Horizon::Finite(q(6, 1)), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

fn small_x() -> Vec<Vec<Rational>> {
    vec![vec![q(1, 1), q(0, 1), q(1, 2)], vec![q(0, 1), q(1, 1), q(-1, 2)], vec![q(-1, 2), q(1, 2), q(1, 1)]]
}

fn small_w() -> Vec<Vec<Rational>> {
    vec![vec![q(1, 2), q(1, 4), q(0, 1)], vec![q(-1, 4), q(1, 2), q(1, 10)]]
}

/// The reflection `H = I − 2vvᵀ/(vᵀv)` of `ℝ^D` (exact, orthogonal) applied to `u` padded with zeros.
fn reflect(u: &[Rational]) -> Vec<Rational> {
    let v: Vec<Rational> = (0..D).map(|k| q((k as i64 % 7) - 3, 1 + (k as i64 % 3))).collect();
    let vv: Rational = v.iter().map(|c| Rational::from(c * c)).sum();
    let vu: Rational = v.iter().zip(u).map(|(a, b)| Rational::from(a * b)).sum();
    let f = 2 * vu / vv;
    (0..D).map(|k| u.get(k).cloned().unwrap_or_default() - Rational::from(&f * &v[k])).collect()
}

fn overlap(a: &Interval, b: &Interval) -> bool {
    a.lower_f64() <= b.upper_f64() && b.lower_f64() <= a.upper_f64()
}

fn certified(tr: &Trajectory<Interval>) {
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
}

#[test]
fn a_rotated_problem_in_80_dimensions_runs_in_3_and_agrees_with_the_small_one() {
    let small = problem(small_x(), small_w());
    let big = problem(small_x().iter().map(|r| reflect(r)).collect(), small_w().iter().map(|r| reflect(r)).collect());
    assert_eq!(working_dim(&big), 3);
    let opts = ValidatedOptions::default();
    let (ts, tb) = (certify::<Interval>(&small, &(), &opts).unwrap(), certify::<Interval>(&big, &(), &opts).unwrap());
    certified(&ts);
    certified(&tb);
    assert_eq!(ts.events().len(), tb.events().len());
    for (a, b) in ts.events().iter().zip(tb.events()) {
        assert_eq!((a.neuron, a.point, a.kind), (b.neuron, b.point, b.kind));
        assert!(overlap(&a.t, &b.t), "event times {:?} and {:?}", a.t, b.t);
    }
    let (fs, fb) = (ts.final_state(), tb.final_state());
    for (a, b) in fs.a.as_ref().unwrap().iter().zip(fb.a.as_ref().unwrap()) {
        assert!(overlap(a, b), "a: {a:?} vs {b:?}");
    }
    // The small run's hidden weights, reflected (exactly, per endpoint box corner: H is linear, so
    // its interval image is the product with the box), meet the big run's lifted ones.
    for (ws, wb) in fs.w.iter().zip(&fb.w) {
        assert_eq!(wb.len(), D);
        let mid: Vec<Rational> = ws.iter().map(|v| Rational::from_f64(v.mid().approx_f64()).unwrap()).collect();
        let rad: f64 = ws.iter().map(|v| v.width_upper()).sum::<f64>() + 1e-15;
        for (k, (c, b)) in reflect(&mid).iter().zip(wb).enumerate() {
            let c = c.to_f64();
            assert!(b.lower_f64() <= c + 4.0 * rad && c - 4.0 * rad <= b.upper_f64(), "w[{k}] = {b:?} vs {c}");
            assert!(b.width_upper() < 1e-9, "w[{k}] width {}", b.width_upper());
        }
    }
    // And the 256-bit reference of the big problem lies inside.
    let run = integrate_problem::<Float>(&big, &256, &RefOptions::for_bits(256)).unwrap();
    let rf = run.trajectory.final_state();
    for (wj, rj) in fb.w.iter().zip(&rf.w) {
        for (e, v) in wj.iter().zip(rj) {
            assert!(e.lower_f64() <= v.to_f64() && v.to_f64() <= e.upper_f64(), "{e:?} misses {}", v.to_f64());
        }
    }
}

/// Accuracy on request (a tolerance below ten ulps) runs the MPFR twin in the reduced coordinates
/// too: the rotated problem then agrees with the small one to about 1e-15.
#[test]
fn accuracy_on_request_works_in_the_span() {
    let big = problem(small_x().iter().map(|r| reflect(r)).collect(), small_w().iter().map(|r| reflect(r)).collect());
    let opts = ValidatedOptions { tol_rel: Some(1e-18), ..ValidatedOptions::default() };
    let (ts, tb) = (
        certify::<Interval>(&problem(small_x(), small_w()), &(), &opts).unwrap(),
        certify::<Interval>(&big, &(), &opts).unwrap(),
    );
    certified(&tb);
    for (a, b) in ts.final_state().a.as_ref().unwrap().iter().zip(tb.final_state().a.as_ref().unwrap()) {
        assert!(overlap(a, b), "a: {a:?} vs {b:?}");
        assert!(b.width_upper() < 1e-14, "a width {}", b.width_upper());
    }
}

/// `m = 2`, `n = 4`, `d = 10,000`: works in the 4-dimensional span (the Lohner matrices are 10 × 10
/// instead of 20,002 × 20,002) and certifies (Clarke: it slides) with narrow widths (2.5e-10 measured,
/// for coordinates of size about 0.1).
#[test]
fn a_problem_with_ten_thousand_columns_certifies_in_its_span() {
    let d = 10_000;
    let x: Vec<Vec<Rational>> =
        (0..4).map(|i| (0..d).map(|k| q(((k * (i + 3) + i) % 11) as i64 - 5, 10)).collect()).collect();
    let w: Vec<Vec<Rational>> =
        (0..2).map(|j| (0..d).map(|k| q(((k + 5 * j) % 7) as i64 - 3, 1000)).collect()).collect();
    let data = Data::new(x, Labels::Given(vec![q(1, 1), q(1, 2), q(-1, 5), q(0, 1)])).unwrap();
    let init = Init::Explicit { w, a: vec![q(1, 2), q(-3, 10)] };
    let run = RunConfig { t_end: Horizon::Finite(q(1, 1)), arithmetic: Arithmetic::Interval, precision: 53 };
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run)
        .unwrap()
        .with_solution(Solution::Clarke)
        .unwrap();
    assert_eq!(working_dim(&p), 4);
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    certified(&tr);
    let widest = tr.final_state().w.iter().flatten().map(|v| v.width_upper()).fold(0.0, f64::max);
    assert!(widest < 1e-8, "widest final coordinate {widest}");
}

/// Seeded random instances at `d = 64` (the uncentred data scheme, `n = 3 … 6`, `m = 2, 3`, scale
/// 0.1, Clarke, `t_end = 4`), each certified in the data's span and in all 64 coordinates: where
/// both certify, the same events with overlapping times and overlapping final states; every
/// certified final state of the reduced run contains the 256-bit reference. Release only:
/// `cargo test --release -p reluflow-flow --test net_reduced -- --ignored`.
#[test]
#[ignore = "heavy: run in release"]
fn random_instances_agree_with_and_without_the_span_coordinates() {
    use reluflow_flow::net::data::{Scheme, Spec, generate};
    let (mut both, mut compared) = (0, 0);
    for seed in 0..12u64 {
        let (n, m) = (3 + (seed as usize % 4), 2 + (seed as usize % 2));
        let run = RunConfig { t_end: Horizon::Finite(q(4, 1)), arithmetic: Arithmetic::Interval, precision: 53 };
        let p = generate(&Spec { scheme: Scheme::Uncentred, n, d: D - 16, m, seed })
            .to_problem(q(1, 10), ReluPrime::Zero, LossScale::HalfMean, run)
            .unwrap()
            .with_solution(Solution::Clarke)
            .unwrap();
        assert!(working_dim(&p) <= n);
        let span = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
        let full = ValidatedOptions { span_coordinates: false, ..ValidatedOptions::default() };
        let all = certify::<Interval>(&p, &(), &full).unwrap();
        let ok = |t: &Trajectory<Interval>| matches!(t.status(), Status::Certified);
        eprintln!("seed {seed}: n = {n}, m = {m}: span {:?} / all {:?}", span.status(), all.status());
        if ok(&span) {
            let rf = integrate_problem::<Float>(&p, &256, &RefOptions::for_bits(256)).unwrap();
            for (wj, rj) in span.final_state().w.iter().zip(&rf.trajectory.final_state().w) {
                for (e, v) in wj.iter().zip(rj) {
                    assert!(
                        e.lower_f64() <= v.to_f64() && v.to_f64() <= e.upper_f64(),
                        "seed {seed}: {e:?} misses {v}"
                    );
                }
            }
            compared += 1;
        }
        if !(ok(&span) && ok(&all)) {
            continue;
        }
        both += 1;
        let kinds =
            |t: &Trajectory<Interval>| t.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect::<Vec<_>>();
        assert_eq!(kinds(&span), kinds(&all), "seed {seed}");
        for (a, b) in span.events().iter().zip(all.events()) {
            assert!(overlap(&a.t, &b.t), "seed {seed}: {:?} vs {:?}", a.t, b.t);
        }
        for (a, b) in span.final_state().w.iter().flatten().zip(all.final_state().w.iter().flatten()) {
            assert!(overlap(a, b), "seed {seed}: {a:?} vs {b:?}");
        }
    }
    eprintln!("{both} certified both ways, {compared} compared with the reference");
    assert!(both >= 6 && compared >= 6, "too few certified: {both} both ways, {compared} in the span");
}

/// All points zero at `d = 64`: no span to work in; the problem is kept in all coordinates, and
/// nothing moves (every guard is identically 0, every field vanishes).
#[test]
fn zero_data_is_not_reduced_and_nothing_moves() {
    let x = vec![vec![q(0, 1); 64]; 2];
    let data = Data::new(x, Labels::Given(vec![q(1, 1), q(-1, 2)])).unwrap();
    let w = vec![(0..64).map(|k| q(k as i64 % 5 - 2, 10)).collect::<Vec<_>>()];
    let init = Init::Explicit { w, a: vec![q(1, 2)] };
    let run = RunConfig { t_end: Horizon::Finite(q(1, 1)), arithmetic: Arithmetic::Interval, precision: 53 };
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
    assert_eq!(working_dim(&p), 64);
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    certified(&tr);
    for (e, v) in tr.final_state().w[0].iter().zip(&tr.initial().w[0]) {
        assert!(e.lower_f64() == v.lower_f64() && e.upper_f64() == v.upper_f64(), "{e:?} vs {v:?}");
    }
}
