//! Tests of the non-validated reference Taylor integrator (`net::reference`).

use reluflow_arith::{Float, Scalar};
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::field::{NetData, field, initial_state, loss, pattern_of};
use reluflow_flow::net::gd::{balancedness, gd_step};
use reluflow_flow::net::reference::*;
use reluflow_flow::trajectory::{EventKind, Pattern, State, Status};
use reluflow_model::*;
use rug::Rational;

fn problem(seed: u64, n: usize, d: usize, m: usize, scale: &str, t_end: Horizon) -> Problem {
    let inst = generate(&Spec { scheme: Scheme::Uncentred, n, d, m, seed });
    inst.to_problem(
        reluflow_arith::exact::parse_exact(scale).unwrap(),
        ReluPrime::Zero,
        LossScale::HalfMean,
        RunConfig { t_end, arithmetic: Arithmetic::Mpfr, precision: 256 },
    )
    .unwrap()
}

fn flat<S: Scalar>(s: &State<S>) -> Vec<f64> {
    s.w.iter().flatten().chain(s.a.as_ref().unwrap()).map(|v| v.approx_f64()).collect()
}

/// `|a_j² − ‖w_j‖²| ≤ rel · ‖w_j‖²` for every neuron, in MPFR (`‖w_j‖²` can be far below the f64
/// range: 1e-1200 at λ = 1e-600), and `‖w_j‖² > 0` (no weight vector vanishes: z_j ≠ 0).
fn assert_balanced(s: &State<Float>, rel: f64, what: &str) {
    for (j, dj) in balancedness(s).iter().enumerate() {
        let prec = dj.prec();
        let nw = s.w[j].iter().fold(Float::with_val(prec, 0), |acc, v| acc + Float::with_val(prec, v.square_ref()));
        assert!(nw > 0, "{what}: neuron {j} has w = 0");
        let bound = Float::with_val(prec, &nw * rel);
        assert!(
            Float::with_val(prec, dj.abs_ref()) <= bound,
            "{what}: neuron {j}: |a² − ‖w‖²| = {dj:e}, ‖w‖² = {nw:e}"
        );
    }
}

fn max_rel_diff(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter().zip(b).fold(0.0f64, |m, (x, y)| m.max((x - y).abs() / scale))
}

/// f64 and 256-bit MPFR runs agree on the event sequence, event times and final state; deaths are
/// recorded and dead neurons stay put; balancedness and loss monotonicity hold along the run.
#[test]
fn f64_and_mpfr_runs_agree_through_events() {
    let p = problem(3, 4, 4, 8, "0.05", Horizon::Finite(Rational::from(60)));
    let rf = integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap();
    let rm = integrate_problem::<Float>(&p, &256, &RefOptions::for_bits(256)).unwrap();
    assert_eq!(rf.stop, RefStop::Reached);
    assert_eq!(rm.stop, RefStop::Reached);
    assert_eq!(*rf.trajectory.status(), Status::NotValidated);
    fn ev<S: Scalar>(r: &RefRun<S>) -> Vec<(usize, usize, EventKind)> {
        r.trajectory.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect()
    }
    let (ef, em) = (ev(&rf), ev(&rm));
    assert!(!ef.is_empty(), "this instance switches patterns");
    assert_eq!(ef, em);
    for (a, b) in rf.trajectory.events().iter().zip(rm.trajectory.events()) {
        assert!((a.t - b.t.to_f64()).abs() < 1e-8 * (1.0 + a.t), "event times {} vs {}", a.t, b.t.to_f64());
    }
    assert!(max_rel_diff(&flat(rf.trajectory.final_state()), &flat(rm.trajectory.final_state())) < 1e-9);
    assert!(ef.iter().any(|e| e.2 == EventKind::Death), "a negative neuron dies: {ef:?}");
    // Dead neurons do not move after their death.
    let fin = rm.trajectory.final_state();
    for e in rm.trajectory.events().iter().filter(|e| e.kind == EventKind::Death) {
        let seg = rm.trajectory.segments().iter().find(|s| *s.t_end() == e.t).unwrap();
        assert_eq!(seg.end().w[e.neuron], fin.w[e.neuron]);
    }
    // Balancedness a_j² − ‖w_j‖² stays at its initial value (≈ 0) relative to ‖w_j‖².
    let data = NetData::<Float>::from_problem(&p, &256);
    for (k, seg) in rm.trajectory.segments().iter().enumerate() {
        assert_balanced(seg.end(), 1e-60, &format!("segment {k}"));
    }
    // The loss never increases (gradient flow).
    let losses: Vec<f64> = rm.trajectory.segments().iter().map(|s| loss(&data, s.end()).to_f64()).collect();
    assert!(losses.windows(2).all(|w| w[1] <= w[0] * (1.0 + 1e-30)));
}

/// Dense output reproduces the segment ends and agrees with gradient descent of a small step
/// (GD with step η after K steps is within O(η) of the flow at t = Kη).
#[test]
fn dense_output_and_gd_limit() {
    let p = problem(5, 3, 3, 8, "0.3", Horizon::Finite(Rational::from(2)));
    let opts = RefOptions { dense: true, ..RefOptions::f64() };
    let r = integrate_problem::<f64>(&p, &(), &opts).unwrap();
    for seg in r.trajectory.segments().iter().take(5) {
        let s = r.state_at(seg.t_end()).unwrap();
        assert!(max_rel_diff(&flat(&s), &flat(seg.end())) < 1e-14);
    }
    assert!(r.state_at(&3.0).is_none());
    assert!(r.state_at(&2.0).is_some());
    assert!(r.trajectory.final_state().w.iter().zip(&r.trajectory.initial().w).any(|(a, b)| a != b));
    let data = NetData::<f64>::from_problem(&p, &());
    let mut s = initial_state::<f64>(&p, &()).unwrap();
    let eta = 1e-3;
    for _ in 0..1000 {
        s = gd_step(&data, &s, &eta).unwrap();
    }
    let flow = r.state_at(&1.0).unwrap_or_else(|| {
        panic!("{:?} {} {:?}", r.stop, r.steps, r.dense.iter().map(|d| (d.t0, d.h)).collect::<Vec<_>>())
    });
    let diff = max_rel_diff(&flat(&s), &flat(&flow));
    assert!(diff < 2e-2 && diff > 1e-9, "GD vs GF at t = 1: {diff}");
}

/// λ = 1e-600 at 256-bit MPFR: the run goes through the alignment phase and escapes the saddle
/// (the loss drops) at a time of order ln(1/λ)/‖γ‖, with steps of size O(1) (relative control).
#[test]
fn tiny_initialisation_escapes_with_mpfr() {
    let p = problem(7, 3, 3, 4, "1e-600", Horizon::Infinite);
    assert!(integrate_problem::<f64>(&p, &(), &RefOptions::f64()).is_err(), "f64 must refuse 1e-600");
    let data = NetData::<Float>::from_problem(&p, &256);
    let l0 = loss(&data, &initial_state::<Float>(&p, &256).unwrap()).to_f64();
    let opts = RefOptions { loss_stop: Some(l0 * 1e-3), max_steps: 20_000, ..RefOptions::for_bits(256) };
    let r = integrate_problem::<Float>(&p, &256, &opts).unwrap();
    assert_eq!(r.stop, RefStop::LossBelow, "steps {}", r.steps);
    let t = r.trajectory.t_final().to_f64();
    // ln(1e600) ≈ 1381.6; ‖γ‖ ≤ max_i y_i ‖x_i‖ / n-ish ≤ 2 here: the escape takes hundreds of time units.
    assert!(t > 300.0, "escape time {t}");
    assert!(r.steps < 5_000, "{} steps for t = {t}", r.steps);
    // Balancedness relative to ‖w_j‖² through 1e-600 → O(1), for the neurons that grew and for
    // those still of size 1e-600 (whose ‖w_j‖² underflows f64).
    let fin = r.trajectory.final_state();
    assert!(fin.w.iter().any(|w| w.iter().all(|v| v.to_f64() == 0.0)), "some neuron is still below the f64 range");
    assert_balanced(fin, 1e-50, "final state");
}

/// Random small instances of both schemes and both σ'(0) conventions: f64 and 128-bit MPFR runs
/// stop for the same reason (reaching the horizon, or detecting the same sliding pair) after the
/// same events, with final states that agree.
#[test]
fn random_instances_agree_between_backends() {
    for seed in 0..4u64 {
        for (scheme, rp) in [
            (Scheme::Centred, ReluPrime::Zero),
            (Scheme::Centred, ReluPrime::One),
            (Scheme::Uncentred, ReluPrime::Zero),
            (Scheme::Uncentred, ReluPrime::One),
        ] {
            let inst = generate(&Spec { scheme, n: 3, d: 3, m: 5, seed: 100 + seed });
            let p = inst
                .to_problem(
                    Rational::from((1, 8)),
                    rp,
                    LossScale::HalfMean,
                    RunConfig {
                        t_end: Horizon::Finite(Rational::from(40)),
                        arithmetic: Arithmetic::Mpfr,
                        precision: 128,
                    },
                )
                .unwrap();
            let rf = integrate_problem::<f64>(&p, &(), &RefOptions { max_steps: 3000, ..RefOptions::f64() }).unwrap();
            eprintln!(
                "seed {seed} {scheme:?} {rp:?}: f64 {:?} {} steps {} events t {}",
                rf.stop,
                rf.steps,
                rf.trajectory.events().len(),
                rf.trajectory.t_final()
            );
            let rm = integrate_problem::<Float>(&p, &128, &RefOptions { max_steps: 3000, ..RefOptions::for_bits(128) })
                .unwrap();
            assert_eq!(rf.stop, rm.stop, "seed {seed} {scheme:?} {rp:?}");
            assert!(matches!(rf.stop, RefStop::Reached | RefStop::Sliding { .. }), "seed {seed} {scheme:?} {rp:?}");
            let ev = |es: Vec<(usize, usize, EventKind)>| es;
            let ef = ev(rf.trajectory.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect());
            let em = ev(rm.trajectory.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect());
            assert_eq!(ef, em, "seed {seed} {rp:?}");
            if let RefStop::Sliding { neuron, point } = rm.stop {
                // Genuine sliding: with the point active the guard decreases, without it it increases.
                let data = NetData::<Float>::from_problem(&p, &128);
                let s = rm.trajectory.final_state();
                let mut pat = pattern_of(&data, s).unwrap();
                let rate = |pat: &Pattern| -> f64 {
                    let f = field(&data, pat, s);
                    f.w[neuron].iter().zip(&data.x[point]).map(|(a, b)| a.to_f64() * b.to_f64()).sum()
                };
                pat.active[neuron].retain(|i| *i != point);
                let inactive_rate = rate(&pat);
                pat.active[neuron].push(point);
                pat.active[neuron].sort_unstable();
                let active_rate = rate(&pat);
                assert!(active_rate < 0.0 && inactive_rate > 0.0, "seed {seed}: {active_rate} {inactive_rate}");
            }
            let diff = max_rel_diff(&flat(rf.trajectory.final_state()), &flat(rm.trajectory.final_state()));
            assert!(diff < 1e-8, "seed {seed} {rp:?}: {diff}");
        }
    }
}

/// One neuron, `x_1 = (1, 0)` (active throughout, label 1), `x_2 = (−1, 1)` (label 0),
/// `w(0) = (5/4, 1 + δ)`, `a(0) = −3/4`. With `x_2` inactive only `w_1` moves and
/// `a² − w_1²` is conserved, so `w_1` is smallest (`= 1`) when `a` crosses 0; the guard
/// `w_2 − w_1` of `(0, 2)` then peaks at `≈ δ`: it crosses 0 upwards and comes back within a time
/// of order `√δ`, much shorter than a step (activating `x_2` barely changes the field: `a ≈ 0`).
fn excursion_problem(delta: &str, t_end: i64) -> Problem {
    let q = |s: &str| reluflow_arith::exact::parse_exact(s).unwrap();
    let data =
        Data::new(vec![vec![q("1"), q("0")], vec![q("-1"), q("1")]], Labels::Given(vec![q("1"), q("0")])).unwrap();
    let mut w2 = q("1");
    w2 += q(delta);
    let init = Init::Explicit { w: vec![vec![q("5/4"), w2]], a: vec![q("-3/4")] };
    let run = RunConfig { t_end: Horizon::Finite(Rational::from(t_end)), arithmetic: Arithmetic::Mpfr, precision: 256 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

/// Classical RK4 step of length `dt` in the fixed pattern `pat`.
fn rk4(data: &NetData<Float>, pat: &Pattern, s: &State<Float>, dt: &Float) -> State<Float> {
    let comb = |s: &State<Float>, k: &State<Float>, f: &Float| -> State<Float> {
        let mut out = s.clone();
        for (row, krow) in out.w.iter_mut().zip(&k.w) {
            for (v, kv) in row.iter_mut().zip(krow) {
                v.add_mul_assign(kv, f);
            }
        }
        for (v, kv) in out.a.as_mut().unwrap().iter_mut().zip(k.a.as_ref().unwrap()) {
            v.add_mul_assign(kv, f);
        }
        out
    };
    let half = dt.mul_2si(-1);
    let k1 = field(data, pat, s);
    let k2 = field(data, pat, &comb(s, &k1, &half));
    let k3 = field(data, pat, &comb(s, &k2, &half));
    let k4 = field(data, pat, &comb(s, &k3, dt));
    let sixth = dt.div(&Float::from_i64(6, &256));
    let mut out = comb(s, &k1, &sixth);
    out = comb(&out, &k2, &sixth.mul_2si(1));
    out = comb(&out, &k3, &sixth.mul_2si(1));
    comb(&out, &k4, &sixth)
}

/// The sign changes of guard `(j, i)` in a fine fixed-step 256-bit RK4 integration on `[0, t_end]`
/// (pattern recomputed from the state at each step), each located by bisection on the length of an
/// RK4 sub-step from the last grid point.
fn fine_crossings(p: &Problem, j: usize, i: usize, dt: f64, t_end: f64) -> Vec<f64> {
    let data = NetData::<Float>::from_problem(p, &256);
    let mut s = initial_state::<Float>(p, &256).unwrap();
    let gx = |s: &State<Float>| s.w[j].iter().zip(&data.x[i]).fold(Float::zero(&256), |acc, (a, b)| a.mul_add(b, &acc));
    let dtf = Float::from_f64(dt, &256);
    let mut out = Vec::new();
    for k in 0..(t_end / dt).round() as usize {
        let pat = pattern_of(&data, &s).unwrap();
        let next = rk4(&data, &pat, &s, &dtf);
        if (gx(&s).to_f64() > 0.0) != (gx(&next).to_f64() > 0.0) {
            let up = gx(&s).to_f64() <= 0.0;
            let (mut lo, mut hi) = (0.0f64, dt);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                let v = gx(&rk4(&data, &pat, &s, &Float::from_f64(mid, &256))).to_f64();
                if (v > 0.0) == up {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            out.push(k as f64 * dt + hi);
        }
        s = next;
    }
    out
}

/// A guard that crosses and comes back within a fraction of one step: the fine 256-bit RK4
/// integration sees the two crossings, and the f64 and MPFR reference runs record both switches
/// (activation, then deactivation) at matching times.
#[test]
fn crossing_and_return_within_one_step_is_found() {
    let p = excursion_problem("1/100000000", 3);
    let fine = fine_crossings(&p, 0, 1, 1.0 / 8192.0, 3.0);
    assert_eq!(fine.len(), 2, "the guard crosses twice: {fine:?}");
    let span = fine[1] - fine[0];
    assert!(span > 0.0 && span < 1e-2, "a short excursion: {fine:?}");
    let rf = integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap();
    let rm = integrate_problem::<Float>(&p, &128, &RefOptions::for_bits(128)).unwrap();
    for (name, ev, longest) in [
        (
            "f64",
            rf.trajectory.events().iter().map(|e| (e.neuron, e.point, e.kind, e.t)).collect::<Vec<_>>(),
            rf.trajectory.segments().iter().map(|s| s.t_end() - s.t_start()).fold(0.0, f64::max),
        ),
        (
            "mpfr128",
            rm.trajectory.events().iter().map(|e| (e.neuron, e.point, e.kind, e.t.to_f64())).collect(),
            rm.trajectory.segments().iter().map(|s| s.t_end().to_f64() - s.t_start().to_f64()).fold(0.0, f64::max),
        ),
    ] {
        eprintln!("{name}: events {ev:?}, fine {fine:?}, longest step {longest}");
        assert_eq!(ev.len(), 2, "{name}: {ev:?}");
        assert_eq!((ev[0].0, ev[0].1, ev[0].2), (0, 1, EventKind::Activate), "{name}");
        assert_eq!((ev[1].0, ev[1].1, ev[1].2), (0, 1, EventKind::Deactivate), "{name}");
        for (e, tf) in ev.iter().zip(&fine) {
            assert!((e.3 - tf).abs() < 1e-9, "{name}: event at {} vs fine {tf}", e.3);
        }
        // The excursion is shorter than the sample spacing of a 16-point sampling of a step.
        assert!(span < longest / 16.0, "{name}: excursion {span} vs longest step {longest}");
    }
    // While x_2 is inactive the flow does not depend on δ = w_2(0) − 1, and the guard is
    // 1 + δ − w_1(t): a smaller dip is centred at the same time, with half-width ∝ √δ.
    let centre = 0.5 * (fine[0] + fine[1]);
    let p = excursion_problem("1/1000000000000", 3);
    let rf = integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap();
    let rm = integrate_problem::<Float>(&p, &128, &RefOptions::for_bits(128)).unwrap();
    let tf: Vec<f64> = rf.trajectory.events().iter().map(|e| e.t).collect();
    let tm: Vec<f64> = rm.trajectory.events().iter().map(|e| e.t.to_f64()).collect();
    eprintln!("δ = 1e-12: f64 {tf:?}, mpfr128 {tm:?}, centre {centre}");
    assert_eq!((tf.len(), tm.len()), (2, 2), "δ = 1e-12: {tf:?} {tm:?}");
    let half = 0.5 * span * 1e-2;
    for t in [&tf, &tm] {
        // (The δ = 1e-8 dip's centre is off by its asymmetry, O(δ).)
        assert!(((t[0] + t[1]) / 2.0 - centre).abs() < 1e-7, "{t:?} vs centre {centre}");
        assert!(((t[1] - t[0]) / 2.0 - half).abs() < 1e-3 * half, "{t:?}: half-width vs {half}");
    }
    assert!((tf[0] - tm[0]).abs() < 1e-9 && (tf[1] - tm[1]).abs() < 1e-9, "{tf:?} vs {tm:?}");
}

/// The paper-size instance (m = 25, d = n = 16, λ = 4^-7, uncentred seed 1; the `paper` bench and
/// `examples/two-layer-paper-m25.toml`): the f64 reference switches exactly as the independent
/// integration `tests/data/paper_m25_events.py` (scipy DOP853, not this crate's code) counted:
/// 191 events of which 11 deaths and 84 activations, the neurons dying in the printed order, the
/// last switch at t = 4.334416192921, and none after it up to t = 10.
#[test]
fn paper_size_reference_events() {
    // Printed by tests/data/paper_m25_events.py (its header has the run and its tolerances).
    const EVENTS_DEATHS: (usize, usize) = (191, 11);
    const ACTIVATIONS: usize = 84;
    const DEATH_ORDER: [usize; 11] = [16, 23, 15, 24, 18, 10, 0, 11, 20, 22, 21];
    const LAST_EVENT_T: f64 = 4.334416192921;
    let p = problem(1, 16, 16, 25, "0.00006103515625", Horizon::Finite(Rational::from(10)));
    let r = integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap();
    assert_eq!(r.stop, RefStop::Reached);
    let ev = r.trajectory.events();
    let deaths: Vec<usize> = ev.iter().filter(|e| e.kind == EventKind::Death).map(|e| e.neuron).collect();
    assert_eq!((ev.len(), deaths.len()), EVENTS_DEATHS);
    assert_eq!(ev.iter().filter(|e| e.kind == EventKind::Activate).count(), ACTIVATIONS);
    assert_eq!(deaths, DEATH_ORDER);
    // The script's two tolerances agree on every event time to 1e-14; allow 1e-9 relative.
    let last = ev[ev.len() - 1].t;
    assert!((last - LAST_EVENT_T).abs() < 1e-9 * LAST_EVENT_T, "last event at {last}");
}
