//! Soundness tests of the validated two-layer integrator (`net::validated`): enclosures contain a
//! high-precision non-validated reference (256-bit MPFR Taylor stepping with event location,
//! written here), balancedness stays enclosed, deaths are certified and grazing is undecided.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reluflow_arith::{Bound, Enclosure, Float, Interval, MpInterval, Scalar};
use reluflow_flow::net::field::{NetData, initial_state, pattern_of, taylor_coefficients};
use reluflow_flow::net::validated::{RunStats, ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::{EventKind, Pattern, State, Status, Trajectory, UndecidedReason};
use reluflow_model::*;
use rug::Rational;

const REF_PREC: u32 = 256;

/// A reference switch: exact time, neuron, point.
type Switch = (Rational, usize, usize);

/// A random two-layer problem with small dyadic data, `y_i > 0`; explicit weights, or balanced
/// with `scale` (then some neurons are negative and die).
fn random_problem(seed: u64, m: usize, n: usize, d: usize, t_end: i64, scale: Option<Rational>) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut q = |lo: i32, hi: i32| Rational::from((rng.random_range(lo..=hi), 8));
    let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| q(-8, 8)).collect()).collect();
    let y: Vec<Rational> = (0..n).map(|_| q(1, 16)).collect();
    let init = match scale {
        None => Init::Explicit {
            w: (0..m).map(|_| (0..d).map(|_| q(-8, 8)).collect()).collect(),
            a: (0..m).map(|_| q(-8, 8)).collect(),
        },
        Some(scale) => Init::Balanced {
            scale,
            z: (0..m).map(|_| (0..d).map(|_| q(-8, 8)).collect()).collect(),
            s: (0..m).map(|j| if j % 2 == 0 { -1 } else { 1 }).collect(),
        },
    };
    Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::Zero,
        LossScale::HalfMean,
        Data::new(x, Labels::Given(y)).unwrap(),
        init,
        RunConfig { t_end: Horizon::Finite(Rational::from(t_end)), arithmetic: Arithmetic::Interval, precision: 53 },
    )
    .unwrap()
}

fn fl(v: f64) -> Float {
    Float::with_val(REF_PREC, v)
}

/// `Σ_k c_k τ^k` of the reference series.
fn eval(c: &[State<Float>], tau: &Float) -> State<Float> {
    let mut acc = c[c.len() - 1].clone();
    for k in (0..c.len() - 1).rev() {
        for (a, v) in acc.w.iter_mut().flatten().zip(c[k].w.iter().flatten()) {
            *a = Float::with_val(REF_PREC, &*a * tau) + v;
        }
        for (a, v) in acc.a.as_mut().unwrap().iter_mut().zip(c[k].a.as_ref().unwrap()) {
            *a = Float::with_val(REF_PREC, &*a * tau) + v;
        }
    }
    acc
}

fn guard(data: &NetData<Float>, s: &State<Float>, j: usize, i: usize) -> Float {
    let mut acc = fl(0.0);
    for (w, x) in s.w[j].iter().zip(&data.x[i]) {
        acc += Float::with_val(REF_PREC, w * x);
    }
    acc
}

/// Non-validated reference: order-24 Taylor steps of length ≤ 1/128 at 256 bits; a guard that
/// changes sign inside a step is located by 120 bisections on the step polynomial, the pattern is
/// switched there (a neuron left without active points has zero field: it stays frozen).
/// Returns the states at `samples` (increasing) and the switches `(t, neuron, point)`.
fn reference(p: &Problem, samples: &[f64]) -> (Vec<State<Float>>, Vec<Switch>) {
    let data = NetData::<Float>::from_problem(p, &REF_PREC);
    let mut s = initial_state::<Float>(p, &REF_PREC).unwrap();
    let mut pat: Pattern = pattern_of(&data, &s).unwrap();
    let (mut t, mut out, mut switches) = (fl(0.0), Vec::new(), Vec::new());
    let mut next = 0;
    while next < samples.len() {
        let target = fl(samples[next]);
        let h = Float::with_val(REF_PREC, &target - &t).min(&fl(1.0 / 128.0));
        let c = taylor_coefficients(&data, &pat, &s, 24);
        let end = eval(&c, &h);
        let mut first: Option<(Float, usize, usize)> = None;
        for j in 0..s.w.len() {
            for i in 0..data.n() {
                let (g0, g1) = (guard(&data, &s, j, i), guard(&data, &end, j, i));
                let active = pat.active[j].contains(&i);
                if (active && g1.is_sign_negative() && !g1.is_zero()) || (!active && g1 > 0) {
                    let (mut a, mut b) = (fl(0.0), h.clone());
                    for _ in 0..120 {
                        let mid = Float::with_val(REF_PREC, &a + &b) / 2u32;
                        let gm = guard(&data, &eval(&c, &mid), j, i);
                        if (gm > 0) == active && !gm.is_zero() { a = mid } else { b = mid }
                    }
                    let _ = g0;
                    if first.as_ref().is_none_or(|f| b < f.0) {
                        first = Some((b, j, i));
                    }
                }
            }
        }
        match first {
            Some((tau, j, i)) => {
                s = eval(&c, &tau);
                t += &tau;
                if let Ok(k) = pat.active[j].binary_search(&i) {
                    pat.active[j].remove(k);
                } else {
                    let k = pat.active[j].binary_search(&i).unwrap_err();
                    pat.active[j].insert(k, i);
                }
                switches.push((t.to_rational().unwrap(), j, i));
            }
            None => {
                s = end;
                t += &h;
                if t >= target {
                    out.push(s.clone());
                    next += 1;
                }
            }
        }
    }
    (out, switches)
}

fn le(a: &Bound, q: &Rational) -> bool {
    match a {
        Bound::NegInf => true,
        Bound::Finite(v) => v <= q,
        Bound::PosInf => false,
    }
}

fn ge(a: &Bound, q: &Rational) -> bool {
    match a {
        Bound::NegInf => false,
        Bound::Finite(v) => v >= q,
        Bound::PosInf => true,
    }
}

/// Every reference state at a sample time certainly inside some segment's time range lies in that
/// segment's hull (up to `slack`, the reference's own error); returns how many were checked.
fn check_against_reference<S: Enclosure>(
    tr: &Trajectory<S>,
    samples: &[f64],
    refs: &[State<Float>],
    slack: f64,
) -> usize {
    let mut checked = 0;
    for (ts, rs) in samples.iter().zip(refs) {
        let q = Rational::from_f64(*ts).unwrap();
        for seg in tr.segments() {
            if !(le(&seg.t_start().upper(), &q) && ge(&seg.t_end().lower(), &q)) {
                continue;
            }
            let flat_h = seg.hull().w.iter().flatten().chain(seg.hull().a.as_ref().unwrap());
            let flat_r = rs.w.iter().flatten().chain(rs.a.as_ref().unwrap());
            for (hv, rv) in flat_h.zip(flat_r) {
                let tol = slack * (1.0 + rv.to_f64().abs());
                assert!(
                    hv.inflate(tol).contains_rational(&rv.to_rational().unwrap()),
                    "t = {ts}: reference {rv} outside hull [{}, {}]",
                    hv.lower_f64(),
                    hv.upper_f64()
                );
            }
            checked += 1;
        }
    }
    checked
}

fn certified_until<S: Enclosure>(tr: &Trajectory<S>) -> f64 {
    match tr.status() {
        Status::Certified => tr.t_final().lower_f64(),
        Status::Undecided { certified_until, .. } => certified_until.lower_f64(),
        Status::NotValidated => 0.0,
    }
}

fn run_soundness<S: Enclosure>(p: &Problem, ctx: &S::Ctx, slack: f64) -> (usize, usize) {
    run_soundness_with::<S>(p, ctx, slack, &ValidatedOptions::default())
}

fn run_soundness_with<S: Enclosure>(p: &Problem, ctx: &S::Ctx, slack: f64, opts: &ValidatedOptions) -> (usize, usize) {
    let (checked, events, _) = run_soundness_stats::<S>(p, ctx, slack, opts);
    (checked, events)
}

/// [`run_soundness_with`], also returning the run's counters.
fn run_soundness_stats<S: Enclosure>(
    p: &Problem,
    ctx: &S::Ctx,
    slack: f64,
    opts: &ValidatedOptions,
) -> (usize, usize, RunStats) {
    let (tr, stats) = certify_with_stats::<S>(p, ctx, opts).unwrap();
    // An empty enclosure, or two enclosures of one value that do not meet, cannot both contain
    // the exact state: the run caught an enclosure the exact value lies outside of.
    if let Status::Undecided { reason: UndecidedReason::Inconsistent(e), .. } = tr.status() {
        panic!(
            "an enclosure is empty or disjoint from another of the same value (the exact state lies outside one): {e}"
        );
    }
    let until = certified_until(&tr);
    let samples: Vec<f64> = (1..=24).map(|k| until * k as f64 / 24.0).filter(|t| *t > 0.0).collect();
    if samples.is_empty() {
        return (0, 0, stats);
    }
    let (refs, switches) = reference(p, &samples);
    // A pair whose guard is exactly 0 at t = 0 is switched by the reference within its first
    // bisection bracket (2^-127 of a step ≤ 1/128, so t < 1e-30); the validated run starts it on the side it leaves to (its first segment's
    // pattern), so such a switch is no event.
    let first = tr.segments().first().map(|s| s.pattern().clone());
    let on_start_side = |j: usize, i: usize| first.as_ref().is_some_and(|p| p.active[j].contains(&i));
    let switches: Vec<Switch> =
        switches.into_iter().filter(|(t, j, i)| !(t.to_f64() < 1e-30 && on_start_side(*j, *i))).collect();
    let checked = check_against_reference(&tr, &samples, &refs, slack);
    // Every certified event is a reference switch, in order, at a time inside its enclosure.
    for (e, (t, j, i)) in tr.events().iter().zip(&switches) {
        assert_eq!((e.neuron, e.point), (*j, *i), "event order differs from the reference");
        assert!(e.t.inflate(1e-30).contains_rational(t), "switch time {} outside {e:?}", t.to_f64());
    }
    assert!(tr.events().len() <= switches.len());
    // Balancedness a_j² − ‖w_j‖² stays enclosed around its initial value.
    let init = balancedness_exact(p);
    for seg in tr.segments() {
        for (j, b0) in init.iter().enumerate() {
            let a = &seg.end().a.as_ref().unwrap()[j];
            let mut v = a.sqr();
            for w in &seg.end().w[j] {
                v = v.sub(&w.sqr());
            }
            assert!(v.contains_rational(b0), "balancedness of neuron {j} lost: [{}, {}]", v.lower_f64(), v.upper_f64());
        }
    }
    (checked, tr.events().len(), stats)
}

fn balancedness_exact(p: &Problem) -> Vec<Rational> {
    match p.init() {
        Init::Explicit { w, a } => w
            .iter()
            .zip(a)
            .map(|(wj, aj)| Rational::from(aj * aj) - wj.iter().map(|c| Rational::from(c * c)).sum::<Rational>())
            .collect(),
        Init::Balanced { z, .. } => vec![Rational::new(); z.len()],
        Init::Single { .. } => unreachable!(),
    }
}

#[test]
fn f64_interval_enclosures_contain_the_reference() {
    let (mut checked, mut events) = (0, 0);
    for seed in 0..10u64 {
        let (m, n, d) = (1 + seed as usize % 3, 2 + seed as usize % 2, 2 + (seed as usize / 2) % 2);
        let p = random_problem(seed, m, n, d, 2, None);
        let (c, e) = run_soundness::<Interval>(&p, &(), 1e-40);
        checked += c;
        events += e;
    }
    assert!(checked > 100, "too few sample points checked: {checked}");
    assert!(events > 0, "no switch was exercised");
}

/// The Lohner step with a first-order Jacobian (`J = I + h·Df`): every Taylor order `k ≥ 2` of the
/// step's dependence on the start enters through the tail box `Σ (x_k(X̂) − x_k(c)) h^k`
/// (`proofs-notes/net-validated-wrapping.md`, part B), so this exercises that bound.
#[test]
fn first_order_jacobian_enclosures_contain_the_reference() {
    let opts = ValidatedOptions { jac_order: 1, ..ValidatedOptions::default() };
    let (mut checked, mut events) = (0, 0);
    for seed in 20..26u64 {
        let (m, n, d) = (1 + seed as usize % 3, 2 + seed as usize % 2, 2 + (seed as usize / 2) % 2);
        let p = random_problem(seed, m, n, d, 2, None);
        let (c, e) = run_soundness_with::<Interval>(&p, &(), 1e-40, &opts);
        checked += c;
        events += e;
    }
    let p = random_problem(110, 3, 3, 3, 3, Some(Rational::from((1, 64))));
    let (c, _) = run_soundness_with::<MpInterval>(&p, &128, 1e-45, &opts);
    assert!(checked + c > 60, "too few sample points checked: {checked} + {c}");
    assert!(events > 0, "no switch was exercised");
}

#[test]
fn mpfr_interval_enclosures_contain_the_reference_with_deaths() {
    let (mut checked, mut deaths) = (0, 0);
    for seed in 0..3u64 {
        let p = random_problem(100 + seed, 3, 3, 3, 3, Some(Rational::from((1, 64))));
        let (tr, _) = certify_with_stats::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap();
        deaths += tr.events().iter().filter(|e| e.kind == EventKind::Death).count();
        let (c, _) = run_soundness::<MpInterval>(&p, &128, 1e-45);
        checked += c;
    }
    assert!(checked > 30, "too few sample points checked: {checked}");
    assert!(deaths > 0, "no death was exercised");
}

/// Long runs that converge: after the last switch the integrator carries a ball with a
/// logarithmic-norm bound (`proofs-notes/net-validated-ball.md`); its hulls must contain the
/// reference as the Lohner sets' do, in both backends.
#[test]
fn ball_phase_enclosures_contain_the_reference() {
    // Steps of at most 1 so that a 24-unit run has many ball steps to check.
    let opts = ValidatedOptions { h_max: 1.0, ..ValidatedOptions::default() };
    let (mut checked, mut ball_steps) = (0, 0);
    for seed in 40..44u64 {
        let (m, n, d) = (2 + seed as usize % 2, 2 + seed as usize % 2, 2 + (seed as usize / 2) % 2);
        let p = random_problem(seed, m, n, d, 24, None);
        let (c, _, st) = run_soundness_stats::<Interval>(&p, &(), 1e-40, &opts);
        checked += c;
        ball_steps += st.ball_steps;
    }
    let p = random_problem(120, 3, 3, 3, 24, Some(Rational::from((1, 16))));
    let (c, _, st) = run_soundness_stats::<MpInterval>(&p, &128, 1e-45, &opts);
    checked += c;
    ball_steps += st.ball_steps;
    assert!(checked > 60, "too few sample points checked: {checked}");
    println!("ball steps: {ball_steps}, samples checked: {checked}");
    assert!(ball_steps > 20, "the ball phase was hardly exercised: {ball_steps} steps");
}

/// `x_1 = e_1`, `x_2 = e_2`, `w = e_1`, `a = 1/2`: the guard `w·x_2` is exactly 0 and the inactive
/// side's field moves `w` along `e_1` only, so it holds the guard at 0 (a pinned point). With
/// `y_2 = 1` the active side's rate `−½·a·r_2 = ¼ > 0` leaves the surface: two solutions
/// (stay, leave), proved non-unique. With `y_2 = −1` it returns (`−¼`): the point stays on its
/// surface and the run is certified, `w_2 ≡ 0`.
#[test]
fn a_start_on_a_surface_the_inactive_side_holds_is_pinned_or_non_unique() {
    let r = |v: i64| Rational::from(v);
    let problem = |y2: i64| {
        let data = Data::new(vec![vec![r(1), r(0)], vec![r(0), r(1)]], Labels::Given(vec![r(1), r(y2)])).unwrap();
        let init = Init::Explicit { w: vec![vec![r(1), r(0)]], a: vec![r(1) / r(2)] };
        let run = RunConfig { t_end: Horizon::Finite(r(1)), arithmetic: Arithmetic::Interval, precision: 53 };
        Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
    };
    let (tr, _) = certify_with_stats::<Interval>(&problem(1), &(), &ValidatedOptions::default()).unwrap();
    match tr.status() {
        Status::Undecided { reason: UndecidedReason::NonUnique { neuron: 0, point: 1 }, .. } => {}
        other => panic!("expected non-unique, got {other:?}"),
    }
    let (tr, _) = certify_with_stats::<Interval>(&problem(-1), &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    assert!(tr.events().is_empty());
    let w2 = &tr.final_state().w[0][1];
    assert!(w2.lower_f64() <= 0.0 && 0.0 <= w2.upper_f64() && w2.width_upper() < 1e-12, "{w2:?}");
}

/// `t_end = inf`: the run looks for a Polyak–Łojasiewicz limit proof at t = 1, 2, 4, …; where it
/// succeeds, the 256-bit reference at later times lies in the limit box and its loss obeys the
/// certified rate `L(t) ≤ L0·e^{−2μ(t − t0)}`.
#[test]
fn infinite_horizon_certifies_the_limit_and_its_rate() {
    let mut proved = 0;
    for seed in 0..6u64 {
        let p = random_problem(seed, 2, 2, 2, 1, None);
        let p = p
            .with_run(RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 })
            .unwrap();
        let opts = ValidatedOptions { limit_search_until: 64.0, ..ValidatedOptions::default() };
        let (tr, st) = certify_with_stats::<Interval>(&p, &(), &opts).unwrap();
        let Status::Certified = tr.status() else { continue };
        let limit = tr.limit().expect("a certified infinite horizon has a limit");
        let rate = st.limit_rate.clone().expect("and a rate");
        assert!(limit.loss.contains_rational(&Rational::new()));
        proved += 1;
        let t0 = rate.t0;
        let samples = [t0 + 1.0, t0 + 4.0, 2.0 * t0 + 8.0];
        let (refs, _) = reference(&p, &samples);
        let data = NetData::<Float>::from_problem(&p, &REF_PREC);
        for (t, rs) in samples.iter().zip(&refs) {
            let flat_l = limit.state.w.iter().flatten().chain(limit.state.a.as_ref().unwrap());
            let flat_r = rs.w.iter().flatten().chain(rs.a.as_ref().unwrap());
            for (lv, rv) in flat_l.zip(flat_r) {
                assert!(lv.contains_rational(&rv.to_rational().unwrap()), "t = {t}: {rv} outside the limit box {lv:?}");
            }
            let loss = reluflow_flow::net::field::loss(&data, rs).to_f64();
            let bound = rate.loss0 * (-2.0 * rate.mu * (t - t0)).exp();
            assert!(loss <= bound * (1.0 + 1e-9) + 1e-60, "t = {t}: loss {loss:e} above the certified {bound:e}");
        }
        // The time-to-loss bound is consistent with the rate.
        let t9 = rate.time_to_loss(1e-9 * rate.loss0).unwrap();
        assert!(t9 >= t0 + (1e9f64).ln() / (2.0 * rate.mu) * (1.0 - 1e-9));
    }
    assert!(proved >= 2, "only {proved} limits proved");
}

/// One neuron on two parallel points `x₂ = 2x₁` with labels (1, 1) cannot interpolate: its
/// outputs are `u` and `2u`, and the least loss (half-mean) is `¼·(1/5) = 0.05` at `u = 3/5`. The
/// reason says that the loss stays positive, with a lower bound at or above that minimum.
#[test]
fn a_network_that_cannot_interpolate_is_told_so() {
    let q = |n: i64| Rational::from(n);
    let p = Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::Zero,
        LossScale::HalfMean,
        Data::new(vec![vec![q(1), q(0)], vec![q(2), q(0)]], Labels::Given(vec![q(1), q(1)])).unwrap(),
        Init::Explicit { w: vec![vec![q(1), q(0)]], a: vec![q(1)] },
        RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 },
    )
    .unwrap();
    let opts = ValidatedOptions { limit_search_until: 64.0, ..ValidatedOptions::default() };
    let (tr, _) = certify_with_stats::<Interval>(&p, &(), &opts).unwrap();
    let Status::Undecided { reason: UndecidedReason::Other(s), .. } = tr.status() else {
        panic!("expected undecided, got {:?}", tr.status())
    };
    assert!(s.contains("does not interpolate the data") && s.contains("the loss stays ≥ "), "{s}");
    let bound: f64 = s.split("the loss stays ≥ ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((0.04..=0.0501).contains(&bound), "{bound} against the least loss 0.05: {s}");
}

/// One neuron in two dimensions has 3 parameters, too few for the Gram matrix `K` (4 × 4) to be
/// definite: no limit is ever certified, and the search ends undecided and says why.
#[test]
fn infinite_horizon_without_a_proof_is_undecided_with_the_reason() {
    let mut said = 0;
    for seed in 0..6u64 {
        let p = random_problem(seed, 1, 4, 2, 1, None);
        let p = p
            .with_run(RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 })
            .unwrap();
        let opts = ValidatedOptions { limit_search_until: 4.0, ..ValidatedOptions::default() };
        let (tr, _) = certify_with_stats::<Interval>(&p, &(), &opts).unwrap();
        assert!(tr.limit().is_none());
        match tr.status() {
            Status::Undecided { reason: UndecidedReason::Other(s), certified_until } => {
                assert!(s.contains("limit t → ∞ not proved"), "{s}");
                assert!(certified_until.upper_f64() > 0.0);
                said += 1;
            }
            Status::Undecided { .. } => {}
            other => panic!("seed {seed}: {other:?}"),
        }
    }
    assert!(said > 0, "no run reached the end of the limit search");
}
