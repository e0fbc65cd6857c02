//! Tests of gradient descent on the two-layer network (`net::gd`, `net::gd_fast`) and of the
//! seeded data generator (`net::data`).

use reluflow_arith::{Enclosure, Float, MpInterval, Scalar};
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::field::{NetData, gradient, initial_state, loss, pattern_of};
use reluflow_flow::net::gd::*;
use reluflow_flow::net::gd_fast::FastGd;
use reluflow_model::*;
use rug::Rational;

fn paper_problem(scheme: Scheme, n: usize, d: usize, m: usize, seed: u64, scale: &str) -> Problem {
    let inst = generate(&Spec { scheme, n, d, m, seed });
    inst.to_paper_problem(reluflow_arith::exact::parse_exact(scale).unwrap()).unwrap()
}

#[test]
fn data_is_deterministic_and_seed_dependent() {
    let spec = Spec { scheme: Scheme::Uncentred, n: 16, d: 16, m: 25, seed: 42 };
    let a = generate(&spec);
    let b = generate(&spec);
    assert_eq!(a, b);
    let c = generate(&Spec { seed: 43, ..spec });
    assert_ne!(a.x, c.x);
    assert!(a.y.iter().all(|y| *y > 0.0));
    assert_eq!((a.x.len(), a.x[0].len(), a.z.len(), a.s.len()), (16, 16, 25, 25));
    assert!(a.s.iter().all(|s| *s == 1 || *s == -1));
    let nt: f64 = a.teacher.iter().map(|v| v * v).sum();
    assert!((nt - 1.0).abs() < 1e-14);
    // Exact problem: labels recomputed exactly from the teacher are positive and close to f64's.
    let p = a.to_paper_problem(Rational::from((1, 4i64.pow(7)))).unwrap();
    for (yq, yf) in p.data().y().iter().zip(&a.y) {
        assert!(*yq > 0);
        assert!((yq.to_f64() - yf).abs() < 1e-14);
    }
    // Centred: teacher is the centre, so the mean of the points is near it.
    let cen = generate(&Spec { scheme: Scheme::Centred, ..spec });
    assert_ne!(cen.x, a.x);
}

/// The fast loop and the generic f64 GD agree to rounding, for both σ'(0) conventions and shapes
/// that need padding (n, d not multiples of 8; m not a multiple of the neuron block).
#[test]
fn fast_loop_matches_generic_f64_gd() {
    for (n, d, m, rp) in [(8, 6, 12, ReluPrime::Zero), (5, 3, 7, ReluPrime::One), (17, 9, 5, ReluPrime::One)] {
        let inst = generate(&Spec { scheme: Scheme::Uncentred, n, d, m, seed: 3 });
        let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::F64, precision: 53 };
        let p = inst.to_problem(Rational::from((1, 4)), rp, LossScale::HalfMean, run).unwrap();
        let data = NetData::<f64>::from_problem(&p, &());
        let mut s = initial_state::<f64>(&p, &()).unwrap();
        let mut fast = FastGd::new(&data, &s);
        let eta = 0.05;
        for _ in 0..200 {
            let lf = fast.step(eta);
            let lg = loss(&data, &s);
            assert!((lf - lg).abs() <= 1e-12 * lg.max(1e-300), "{n} {d} {m} {rp:?}");
            s = gd_step(&data, &s, &eta).unwrap();
        }
        let sf = fast.state();
        for (x, y) in
            sf.w.iter().flatten().chain(sf.a.as_ref().unwrap()).zip(s.w.iter().flatten().chain(s.a.as_ref().unwrap()))
        {
            assert!((x - y).abs() <= 1e-12 * (1.0 + y.abs()), "{n} {d} {m} {rp:?}: {x} vs {y}");
        }
    }
}

#[test]
fn fast_run_reaches_threshold_and_records() {
    let p = paper_problem(Scheme::Centred, 4, 4, 20, 5, "0.0625");
    let data = NetData::<f64>::from_problem(&p, &());
    let s = initial_state::<f64>(&p, &()).unwrap();
    let mut fast = FastGd::new(&data, &s);
    let opts =
        GdOptions { max_iters: 400_000, record_every: 1000, loss_threshold: Some(1e-9), stop_if_unchanged: true };
    let run = fast.run(0.02, &opts);
    assert_eq!(run.stop, GdStop::Threshold, "losses: {:?}", run.losses.last());
    assert!(run.losses.last().unwrap().1 < 1e-9);
    assert!(run.losses.windows(2).all(|w| w[0].0 < w[1].0));
    // Generic run with the same options stops at a recording point, also below the threshold.
    let g = gd_run(&data, &s, &0.02, &GdOptions { max_iters: 1000, ..opts.clone() });
    assert_eq!(g.iters, 1000);
    assert_eq!(g.stop, GdStop::MaxIters);
    // max_iters = 0 does nothing.
    let mut f0 = FastGd::new(&data, &s);
    let r0 = f0.run(0.02, &GdOptions { max_iters: 0, ..opts });
    assert_eq!((r0.iters, r0.stop), (0, GdStop::MaxIters));
    assert_eq!(f0.state(), s);
}

/// Interval GD iterates enclose the exact GD iterates: MPFR points at 1024 bits (a proxy for
/// exact arithmetic) stay inside 128-bit MPFR-interval iterates and f64-interval iterates.
#[test]
fn interval_gd_encloses_high_precision_iterates() {
    let p = paper_problem(Scheme::Uncentred, 5, 4, 6, 9, "0.5");
    let eta_q = Rational::from((1, 50));
    let dh = NetData::<Float>::from_problem(&p, &1024);
    let di = NetData::<MpInterval>::from_problem(&p, &128);
    let df = NetData::<reluflow_arith::Interval>::from_problem(&p, &());
    let mut sh = initial_state::<Float>(&p, &1024).unwrap();
    let mut si = initial_state::<MpInterval>(&p, &128).unwrap();
    let mut sf = initial_state::<reluflow_arith::Interval>(&p, &()).unwrap();
    let (eh, ei, ef) = (
        Float::from_rational(&eta_q, &1024),
        MpInterval::from_rational(&eta_q, &128),
        reluflow_arith::Interval::from_rational(&eta_q, &()),
    );
    for k in 0..50 {
        sh = gd_step(&dh, &sh, &eh).unwrap();
        si = gd_step(&di, &si, &ei).unwrap();
        sf = gd_step(&df, &sf, &ef).unwrap();
        let ph: Vec<Rational> =
            sh.w.iter()
                .flatten()
                .chain(sh.a.as_ref().unwrap())
                .map(|v| reluflow_arith::Point::to_rational(v).unwrap())
                .collect();
        for (q, (x, y)) in ph.iter().zip(
            si.w.iter()
                .flatten()
                .chain(si.a.as_ref().unwrap())
                .zip(sf.w.iter().flatten().chain(sf.a.as_ref().unwrap())),
        ) {
            assert!(x.contains_rational(q), "iteration {k}: MPFR interval misses the 1024-bit iterate");
            assert!(y.contains_rational(q), "iteration {k}: f64 interval misses the 1024-bit iterate");
        }
    }
    assert!(si.w[0][0].rad_upper() < 1e-30);
}

#[test]
fn interval_gd_stops_undecided_on_a_straddling_guard() {
    let q = |v: i64| Rational::from(v);
    let p = Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::Zero,
        LossScale::HalfSum,
        Data::new(vec![vec![q(1), q(0)], vec![q(0), q(1)]], Labels::Given(vec![q(1), q(1)])).unwrap(),
        Init::Explicit { w: vec![vec![q(1), q(0)]], a: vec![q(1)] },
        RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 },
    )
    .unwrap();
    let data = NetData::<reluflow_arith::Interval>::from_problem(&p, &());
    let mut s = initial_state::<reluflow_arith::Interval>(&p, &()).unwrap();
    // w_0ᵀx_1 = [−ε, ε]: undecidable.
    s.w[0][1] = s.w[0][1].inflate(1e-12);
    let eta = reluflow_arith::Interval::from_f64(0.1, &());
    let run = gd_run(
        &data,
        &s,
        &eta,
        &GdOptions { max_iters: 10, record_every: 1, loss_threshold: None, stop_if_unchanged: false },
    );
    assert_eq!(run.stop, GdStop::Undecided { iteration: 0, neuron: 0, point: 1 });
    assert_eq!(run.iters, 0);
    assert!(gradient(&data, &s).is_err());
    // An exact zero guard is decided by the convention (σ'(0) = 0: inactive).
    let s0 = initial_state::<reluflow_arith::Interval>(&p, &()).unwrap();
    assert_eq!(pattern_of(&data, &s0).unwrap().active, vec![vec![0]]);
}

/// `D_j^{k+1} = D_j^k + η²((w_jᵀg_j)² − a_j²‖g_j‖²)`: enclosed at 512-bit intervals, and the
/// first drift is ≤ 0 from the balanced start.
#[test]
fn gd_balancedness_identity_holds() {
    let p = paper_problem(Scheme::Uncentred, 6, 5, 8, 17, "0.3");
    let prec = 512u32;
    let data = NetData::<MpInterval>::from_problem(&p, &prec);
    let mut s = initial_state::<MpInterval>(&p, &prec).unwrap();
    let eta = MpInterval::from_rational(&Rational::from((1, 10)), &prec);
    for k in 0..30 {
        let pat = pattern_of(&data, &s).unwrap();
        let inc = gd_balancedness_increment(&data, &pat, &s, &eta);
        let d0 = balancedness(&s);
        let next = gd_step(&data, &s, &eta).unwrap();
        let d1 = balancedness(&next);
        for j in 0..inc.len() {
            let pred = d0[j].add(&inc[j]);
            assert!(!pred.intersect(&d1[j]).is_empty(), "iteration {k} neuron {j}");
            assert!(pred.sub(&d1[j]).rad_upper() < 1e-100);
            if k == 0 {
                // From the balanced start the drift is −η²‖w_j‖²‖g_j‖² sin²∠(w_j, g_j) ≤ 0.
                assert!(inc[j].upper_f64() <= 1e-100, "neuron {j}: drift must be ≤ 0 from a balanced start");
            }
        }
        s = next;
    }
}

/// Skipping dead neurons is exact: the iterates are bit-identical to the dense loop's.
#[test]
fn skipping_dead_neurons_is_exact() {
    let p = paper_problem(Scheme::Uncentred, 16, 16, 40, 21, "0.0625");
    let data = NetData::<f64>::from_problem(&p, &());
    let s = initial_state::<f64>(&p, &()).unwrap();
    let mut skip = FastGd::new(&data, &s);
    let mut dense = FastGd::new(&data, &s);
    dense.set_skip_dead(false);
    for _ in 0..500 {
        assert_eq!(skip.step(0.02).to_bits(), dense.step(0.02).to_bits());
    }
    assert!(skip.live_neurons() < 40, "some neurons die in this run");
    assert_eq!(dense.live_neurons(), 40);
    assert_eq!(skip.state(), dense.state());
}

/// Gram mode (`Z += ΔB K`) follows the direct loop to rounding, stops the same way, and reports
/// `W = W₀ + B X`.
#[test]
fn gram_mode_matches_direct_mode() {
    for (n, d, m, rp) in [(16, 16, 30, ReluPrime::Zero), (5, 3, 7, ReluPrime::One), (9, 20, 6, ReluPrime::Zero)] {
        let inst = generate(&Spec { scheme: Scheme::Uncentred, n, d, m, seed: 8 });
        let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::F64, precision: 53 };
        let p = inst.to_problem(Rational::from((1, 16)), rp, LossScale::HalfMean, run).unwrap();
        let data = NetData::<f64>::from_problem(&p, &());
        let s = initial_state::<f64>(&p, &()).unwrap();
        let mut direct = FastGd::new(&data, &s);
        let mut gram = FastGd::new_gram(&data, &s);
        assert_eq!(gram.state(), s);
        for _ in 0..300 {
            let (ld, lg) = (direct.step(0.05), gram.step(0.05));
            assert!((ld - lg).abs() <= 1e-11 * ld, "{n} {d} {m} {rp:?}: {ld} vs {lg}");
        }
        let (sd, sg) = (direct.state(), gram.state());
        for (x, y) in
            sd.w.iter().flatten().chain(sd.a.as_ref().unwrap()).zip(sg.w.iter().flatten().chain(sg.a.as_ref().unwrap()))
        {
            assert!((x - y).abs() <= 1e-11 * (1.0 + x.abs()), "{n} {d} {m} {rp:?}: {x} vs {y}");
        }
        assert_eq!(direct.live_neurons(), gram.live_neurons());
    }
    let p = paper_problem(Scheme::Centred, 4, 4, 20, 5, "0.0625");
    let data = NetData::<f64>::from_problem(&p, &());
    let s = initial_state::<f64>(&p, &()).unwrap();
    let opts =
        GdOptions { max_iters: 400_000, record_every: 1000, loss_threshold: Some(1e-9), stop_if_unchanged: true };
    let rd = FastGd::new(&data, &s).run(0.02, &opts);
    let rg = FastGd::new_gram(&data, &s).run(0.02, &opts);
    assert_eq!(rg.stop, GdStop::Threshold);
    assert!((rd.iters as i64 - rg.iters as i64).abs() <= 2, "{} vs {}", rd.iters, rg.iters);
}

/// Lane mode (neurons along the vector lanes) follows the generic f64 GD to rounding, for both σ'(0)
/// conventions and neuron counts that are not multiples of the lane width; its dead neurons leave
/// the work list as in the direct mode, and the state comes back in neuron order.
#[test]
fn lane_mode_matches_generic_f64_gd() {
    for (n, d, m, rp) in [(5, 3, 7, ReluPrime::One), (4, 4, 20, ReluPrime::Zero), (3, 2, 13, ReluPrime::Zero)] {
        let inst = generate(&Spec { scheme: Scheme::Uncentred, n, d, m, seed: 11 });
        let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::F64, precision: 53 };
        let p = inst.to_problem(Rational::from((1, 4)), rp, LossScale::HalfMean, run).unwrap();
        let data = NetData::<f64>::from_problem(&p, &());
        let mut s = initial_state::<f64>(&p, &()).unwrap();
        let mut lanes = FastGd::new_lanes(&data, &s);
        let mut direct = FastGd::new(&data, &s);
        assert_eq!(lanes.state(), s);
        let eta = 0.05;
        for _ in 0..300 {
            let (ll, lg) = (lanes.step(eta), loss(&data, &s));
            direct.step(eta);
            assert!((ll - lg).abs() <= 1e-12 * lg.max(1e-300), "{n} {d} {m} {rp:?}: {ll} vs {lg}");
            s = gd_step(&data, &s, &eta).unwrap();
        }
        let sl = lanes.state();
        for (x, y) in
            sl.w.iter().flatten().chain(sl.a.as_ref().unwrap()).zip(s.w.iter().flatten().chain(s.a.as_ref().unwrap()))
        {
            assert!((x - y).abs() <= 1e-11 * (1.0 + y.abs()), "{n} {d} {m} {rp:?}: {x} vs {y}");
        }
        assert_eq!(lanes.live_neurons(), direct.live_neurons(), "{n} {d} {m} {rp:?}");
    }
}

/// Lane mode with dead neurons skipped and kept gives the same iterates (to rounding: moving the
/// dead neurons behind the live ones reorders the sums over neurons), and stops as the direct loop.
#[test]
fn lane_mode_skipping_and_stopping() {
    let p = paper_problem(Scheme::Uncentred, 4, 4, 40, 21, "0.0625");
    let data = NetData::<f64>::from_problem(&p, &());
    let s = initial_state::<f64>(&p, &()).unwrap();
    let mut skip = FastGd::new_lanes(&data, &s);
    let mut dense = FastGd::new_lanes(&data, &s);
    dense.set_skip_dead(false);
    for _ in 0..2000 {
        let (a, b) = (skip.step(0.02), dense.step(0.02));
        assert!((a - b).abs() <= 1e-12 * a, "{a} vs {b}");
    }
    assert!(skip.live_neurons() < 40, "some neurons die in this run");
    assert_eq!(dense.live_neurons(), 40);
    let (ss, sd) = (skip.state(), dense.state());
    for (x, y) in
        ss.w.iter().flatten().chain(ss.a.as_ref().unwrap()).zip(sd.w.iter().flatten().chain(sd.a.as_ref().unwrap()))
    {
        assert!((x - y).abs() <= 1e-12 * (1.0 + y.abs()), "{x} vs {y}");
    }
    // Switching skipping off again restores every neuron, in order.
    skip.set_skip_dead(false);
    assert_eq!(skip.live_neurons(), 40);
    assert_eq!(skip.state(), ss);
    let opts =
        GdOptions { max_iters: 400_000, record_every: 1000, loss_threshold: Some(1e-9), stop_if_unchanged: true };
    let rd = FastGd::new(&data, &s).run(0.02, &opts);
    let rl = FastGd::new_lanes(&data, &s).run(0.02, &opts);
    assert_eq!(rd.stop, rl.stop);
    assert!((rd.iters as i64 - rl.iters as i64).abs() <= 2, "{} vs {}", rd.iters, rl.iters);
}

/// `FastGd::auto` picks lanes where padding to 8 lanes would double the work, Gram where n ≤ d.
#[test]
fn auto_picks_the_layout_for_the_shape() {
    for (n, d, layout) in [(4, 4, "lanes"), (3, 9, "lanes"), (16, 16, "gram"), (12, 20, "gram"), (24, 16, "direct")] {
        let p = paper_problem(Scheme::Uncentred, n, d, 5, 1, "0.25");
        let data = NetData::<f64>::from_problem(&p, &());
        let s = initial_state::<f64>(&p, &()).unwrap();
        assert_eq!(FastGd::auto(&data, &s).layout(), layout, "n = {n}, d = {d}");
    }
}
