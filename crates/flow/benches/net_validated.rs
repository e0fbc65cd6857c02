//! Benchmarks of the validated two-layer integrator and of midpoint–radius interval linear algebra.
//!
//! Run: `cargo bench -p reluflow-flow --bench net_validated [-- linalg|integrators|medium|paper]` (plain
//! `Instant` timing, best of several repetitions).
//!
//! 1. Bulk interval linear algebra: f64 vs `midrad` (Rump's midpoint–radius with a priori error
//!    bounds) vs per-operation `inari` intervals, mat-vec and mat-mul, in the same run.
//! 2. Validated integration (inari and 128-bit MPFR intervals) against the non-validated f64 Taylor
//!    reference integrator (`net::reference`) on the same problem: time per unit of flow time, final
//!    enclosure widths, and the f64 run's distance from the certified enclosure.

use reluflow_arith::midrad::{MidRadMat, MidRadVec};
use reluflow_arith::{Enclosure, Interval, MpInterval, Scalar};
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_model::{Arithmetic, Horizon, LossScale, Problem, ReluPrime, RunConfig};
use rug::Rational;
use std::hint::black_box;
use std::time::Instant;

fn best_us(reps: usize, iters: u64, mut f: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6 / iters as f64);
    }
    best
}

fn pseudo(k: usize) -> f64 {
    ((k as f64 * 0.618_033_988_749_895).fract() - 0.5) * 2.0
}

fn bench_linear_algebra() {
    println!("== interval linear algebra (n×n times n×c), µs per product ==");
    println!("{:>5} {:>4} {:>11} {:>11} {:>11} {:>9} {:>9}", "n", "c", "f64", "midrad", "inari", "mr/f64", "inari/f64");
    for &(n, c) in &[(16usize, 1usize), (64, 1), (256, 1), (16, 16), (64, 64), (128, 128)] {
        let am: Vec<f64> = (0..n * n).map(pseudo).collect();
        let ar: Vec<f64> = am.iter().map(|v| v.abs() * 1e-10).collect();
        let bm: Vec<f64> = (0..n * c).map(|k| pseudo(k + 7)).collect();
        let br: Vec<f64> = bm.iter().map(|v| v.abs() * 1e-10).collect();
        let iters = (2_000_000 / (n * n * c)).max(3) as u64;
        let t_f64 = if c == 1 {
            best_us(5, iters, || {
                let out: Vec<f64> =
                    (0..n).map(|i| am[i * n..(i + 1) * n].iter().zip(&bm).map(|(a, b)| a * b).sum()).collect();
                black_box(out);
            })
        } else {
            best_us(5, iters, || {
                // The same kernel shape as midrad's products (row slices, i-k-j order).
                let mut out = vec![0.0; n * c];
                for i in 0..n {
                    let oi = &mut out[i * c..(i + 1) * c];
                    for k in 0..n {
                        let a = am[i * n + k];
                        for (o, b) in oi.iter_mut().zip(&bm[k * c..(k + 1) * c]) {
                            *o += a * b;
                        }
                    }
                }
                black_box(out);
            })
        };
        let ma = MidRadMat::new(n, n, am.clone(), ar.clone());
        let t_mr = if c == 1 {
            let x = MidRadVec::new(bm.clone(), br.clone());
            best_us(5, iters, || {
                black_box(ma.mat_vec(black_box(&x)));
            })
        } else {
            let mb = MidRadMat::new(n, c, bm.clone(), br.clone());
            best_us(5, iters, || {
                black_box(ma.mat_mul(black_box(&mb)));
            })
        };
        let ia = ma.to_inari();
        let ib = MidRadMat::new(n, c, bm.clone(), br.clone()).to_inari();
        let t_in = best_us(3, iters.div_ceil(4), || {
            let mut out = vec![Interval::from_f64(0.0, &()); n * c];
            for i in 0..n {
                for k in 0..n {
                    let a = ia[i * n + k];
                    for j in 0..c {
                        out[i * c + j] = a.mul_add(ib[k * c + j], out[i * c + j]);
                    }
                }
            }
            black_box(out);
        });
        println!("{n:>5} {c:>4} {t_f64:>11.3} {t_mr:>11.3} {t_in:>11.3} {:>9.2} {:>9.1}", t_mr / t_f64, t_in / t_f64);
    }
}

fn problem(seed: u64, m: usize, nd: usize, scale: &str, t_end: i64) -> Problem {
    generate(&Spec { scheme: Scheme::Uncentred, n: nd, d: nd, m, seed })
        .to_problem(
            reluflow_arith::exact::parse_exact(scale).unwrap(),
            ReluPrime::Zero,
            LossScale::HalfMean,
            RunConfig {
                t_end: Horizon::Finite(Rational::from(t_end)),
                arithmetic: Arithmetic::Interval,
                precision: 53,
            },
        )
        .unwrap()
}

fn bench_integrators() {
    println!("\n== validated vs non-validated integration (uncentred data, λ = 1/4, m = 4, d = n = 3) ==");
    let t_end = 8;
    let p = problem(3, 4, 3, "0.25", t_end);
    let t0 = Instant::now();
    let reps = 20;
    let mut run = None;
    for _ in 0..reps {
        run = Some(integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap());
    }
    let run = run.unwrap();
    let dt_f = t0.elapsed().as_secs_f64() / reps as f64;
    let sf = run.trajectory.final_state().clone();
    println!(
        "f64 Taylor reference (net::reference, non-validated): {:.3} ms per unit time, {} steps, {} events",
        dt_f * 1e3 / t_end as f64,
        run.steps,
        run.trajectory.events().len()
    );
    let opts = ValidatedOptions::default();
    let t0 = Instant::now();
    let (tr, st) = certify_with_stats::<Interval>(&p, &(), &opts).unwrap();
    let dt_i = t0.elapsed().as_secs_f64();
    println!(
        "inari intervals: {:.3} ms per unit time ({:.0}× f64), {} steps, {} events, status {}, final widths rel {:.2e} abs {:.2e}",
        dt_i * 1e3 / t_end as f64,
        dt_i / dt_f,
        st.steps,
        st.events,
        matches!(tr.status(), reluflow_flow::trajectory::Status::Certified),
        st.final_rel_width,
        st.final_abs_width
    );
    let t0 = Instant::now();
    let (tr2, st2) = certify_with_stats::<MpInterval>(&p, &128, &opts).unwrap();
    let dt_m = t0.elapsed().as_secs_f64();
    println!(
        "MPFR-128 intervals: {:.3} ms per unit time ({:.0}× f64), {} steps, {} events, status {}, final widths rel {:.2e} abs {:.2e}",
        dt_m * 1e3 / t_end as f64,
        dt_m / dt_f,
        st2.steps,
        st2.events,
        matches!(tr2.status(), reluflow_flow::trajectory::Status::Certified),
        st2.final_rel_width,
        st2.final_abs_width
    );
    // Distance of the non-validated f64 end state from the certified MPFR enclosure.
    let fin = tr2.final_state();
    let mut err: f64 = 0.0;
    for (v, e) in
        sf.w.iter().flatten().chain(sf.a.as_ref().unwrap()).zip(fin.w.iter().flatten().chain(fin.a.as_ref().unwrap()))
    {
        err = err.max((v - e.mid().approx_f64()).abs());
    }
    println!("f64 reference end state vs certified MPFR enclosure midpoint: max |difference| {err:.2e}");
}

/// A medium case with many switches: m = 10, d = n = 6, λ = 4^-4, T = 40.
fn bench_medium() {
    println!("\n== medium: m = 10, d = n = 6, λ = 4^-4 (uncentred, seed 5), T = 40 ==");
    let p = problem(5, 10, 6, "0.00390625", 40);
    let t0 = Instant::now();
    let run = integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap();
    println!(
        "f64 reference: {:.3} s, {} steps, {} events",
        t0.elapsed().as_secs_f64(),
        run.steps,
        run.trajectory.events().len()
    );
    let opts = ValidatedOptions::default();
    let t0 = Instant::now();
    let (tr, st) = certify_with_stats::<Interval>(&p, &(), &opts).unwrap();
    println!(
        "inari: {:.2} s, {} steps, {} events, reached t = {:.3}, final abs width {:.2e}, status {:?}",
        t0.elapsed().as_secs_f64(),
        st.steps,
        st.events,
        tr.t_final().lower_f64(),
        st.final_abs_width,
        tr.status()
    );
    let t0 = Instant::now();
    let (tr, st) = certify_with_stats::<MpInterval>(&p, &128, &opts).unwrap();
    println!(
        "MPFR-128: {:.2} s, {} steps, {} events, reached t = {:.3}, final abs width {:.2e}, status {:?}",
        t0.elapsed().as_secs_f64(),
        st.steps,
        st.events,
        tr.t_final().lower_f64(),
        st.final_abs_width,
        matches!(tr.status(), reluflow_flow::trajectory::Status::Certified)
    );
}

/// The paper-sized case (m = 25, d = n = 16, λ = 4^-7, `examples/two-layer-paper-m25.toml`): the
/// f64 reference to loss 1e-9 (switches, deaths, loss along the way), then the validated run.
/// Environment: `RF_PAPER_STEPS` (step budget, default 3: the cost of the first steps),
/// `RF_PAPER_T` (horizon, default 1000), `RF_PAPER_BITS` (MPFR intervals of that precision instead
/// of f64 intervals), `RF_ORDER`, `RF_JAC_ORDER`, `RF_TOL`, `RF_HMAX` (options), `RF_PROGRESS`
/// (progress on stderr), `RF_PAPER_EVENTS` (list the reference's switches), `RF_PAPER_REF_ONLY`.
fn bench_paper_size() {
    println!("\n== paper size: m = 25, d = n = 16, λ = 4^-7 (uncentred, seed 1) ==");
    let p = problem(1, 25, 16, "0.00006103515625", 100_000);
    let t0 = Instant::now();
    let ropts = RefOptions { loss_stop: Some(1e-9), ..RefOptions::f64() };
    let run = integrate_problem::<f64>(&p, &(), &ropts).unwrap();
    let dead = run.trajectory.events().iter().filter(|e| e.kind == reluflow_flow::trajectory::EventKind::Death).count();
    println!(
        "f64 reference to loss 1e-9: {:.3} s, {} steps, {} events ({} deaths), stop {:?} at t = {:.4}",
        t0.elapsed().as_secs_f64(),
        run.steps,
        run.trajectory.events().len(),
        dead,
        run.stop,
        run.trajectory.t_final()
    );
    if std::env::var("RF_PAPER_EVENTS").is_ok() {
        for e in run.trajectory.events() {
            println!("  event t = {:.6} neuron {} point {} {:?}", e.t, e.neuron, e.point, e.kind);
        }
    }
    let data = reluflow_flow::net::field::NetData::<f64>::from_problem(&p, &());
    println!("  final loss {:.3e}", reluflow_flow::net::field::loss(&data, run.trajectory.final_state()));
    for tt in [2.0, 5.0, 10.0, 20.0, 40.0, 60.0, 100.0, 200.0] {
        let q = problem(1, 25, 16, "0.00006103515625", tt as i64);
        let r = integrate_problem::<f64>(&q, &(), &RefOptions::f64()).unwrap();
        println!(
            "  t = {tt}: loss {:.3e}, {} events",
            reluflow_flow::net::field::loss(&data, r.trajectory.final_state()),
            r.trajectory.events().len()
        );
    }
    if std::env::var("RF_PAPER_SENS").is_ok() {
        paper_sensitivity();
    }
    if std::env::var("RF_PAPER_REF_ONLY").is_ok() {
        return;
    }
    let t_end: i64 = std::env::var("RF_PAPER_T").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let p = problem(1, 25, 16, "0.00006103515625", t_end);
    let opts = ValidatedOptions {
        max_steps: std::env::var("RF_PAPER_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(3),
        jac_order: std::env::var("RF_JAC_ORDER").ok().and_then(|v| v.parse().ok()).unwrap_or(8),
        order: std::env::var("RF_ORDER").ok().and_then(|v| v.parse().ok()).unwrap_or(0),
        tol_rel: std::env::var("RF_TOL").ok().and_then(|v| v.parse().ok()),
        h_max: std::env::var("RF_HMAX").ok().and_then(|v| v.parse().ok()).unwrap_or(4.0),
        // Progress on stderr every 25 steps (RF_PROGRESS=1).
        monitor: std::env::var("RF_PROGRESS").is_ok().then(|| {
            let t0 = Instant::now();
            reluflow_flow::monitor::Monitor::with_observer(move |_, pr| {
                if pr.steps % 25 == 0 {
                    eprintln!(
                        "  [{:.0} s] t = {:.4}, {} steps, {} events",
                        t0.elapsed().as_secs_f64(),
                        pr.t,
                        pr.steps,
                        pr.events
                    );
                }
            })
        }),
        ..ValidatedOptions::default()
    };
    match std::env::var("RF_PAPER_BITS").ok().and_then(|v| v.parse::<u32>().ok()) {
        Some(bits) => paper_run::<MpInterval>(&p, &bits, &opts, &format!("MPFR-{bits}")),
        None => paper_run::<Interval>(&p, &(), &opts, "inari"),
    }
}

/// Non-validated sensitivity along the paper-size trajectory: the f64 reference from the seeded
/// start and from starts with every `z_j` scaled by `1 + 1e-9` (resp. one entry moved), compared
/// at several times (`RF_PAPER_SENS=1`).
fn paper_sensitivity() {
    let spec = Spec { scheme: Scheme::Uncentred, n: 16, d: 16, m: 25, seed: 1 };
    let base = generate(&spec);
    let run = |inst: &reluflow_flow::net::data::Instance, t: i64| {
        let q = inst
            .to_problem(
                reluflow_arith::exact::parse_exact("0.00006103515625").unwrap(),
                ReluPrime::Zero,
                LossScale::HalfMean,
                RunConfig {
                    t_end: Horizon::Finite(Rational::from(t)),
                    arithmetic: Arithmetic::Interval,
                    precision: 53,
                },
            )
            .unwrap();
        let run = integrate_problem::<f64>(&q, &(), &RefOptions::f64()).unwrap();
        let s = run.trajectory.final_state();
        s.w.iter().flatten().chain(s.a.as_ref().unwrap()).copied().collect::<Vec<f64>>()
    };
    let mut pert = base.clone();
    if std::env::var("RF_PAPER_SENS_ALL").is_ok() {
        for (j, zj) in pert.z.iter_mut().enumerate() {
            for (l, v) in zj.iter_mut().enumerate() {
                *v *= 1.0 + 1e-9 * pseudo(j * 17 + l + 3);
            }
        }
    } else {
        pert.z[3][5] *= 1.0 + 1e-9;
    }
    for t in [2, 5, 10, 15, 20, 27, 40, 69, 100, 200, 500, 1000, 2000] {
        let (a, b) = (run(&base, t), run(&pert, t));
        let d = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
        println!("  sensitivity: t = {t}: max |Δ state| = {d:.3e} (start perturbed by ~1e-9 relative in one entry)");
    }
}

fn paper_run<S: Enclosure>(p: &Problem, ctx: &S::Ctx, opts: &ValidatedOptions, name: &str) {
    let t0 = Instant::now();
    let (tr, st) = certify_with_stats::<S>(p, ctx, opts).unwrap();
    let dt = t0.elapsed().as_secs_f64();
    let data = reluflow_flow::net::field::NetData::<S>::from_problem(p, ctx);
    let loss = reluflow_flow::net::field::loss(&data, tr.final_state());
    println!(
        "{name}: {:.2} s, {:.3} s per step ({} steps, {} with a ball, {} approach, {} halvings, {} events), reached t = {:.4}, \
         loss ∈ [{:.3e}, {:.3e}], final widths rel {:.2e} abs {:.2e}, status {:?}",
        dt,
        dt / st.steps.max(1) as f64,
        st.steps,
        st.ball_steps,
        st.approach_steps,
        st.halvings,
        st.events,
        tr.t_final().upper_f64(),
        loss.lower_f64(),
        loss.upper_f64(),
        st.final_rel_width,
        st.final_abs_width,
        tr.status()
    );
}

fn main() {
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let run = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    if run("linalg") {
        bench_linear_algebra();
    }
    if run("integrators") {
        bench_integrators();
    }
    if run("medium") {
        bench_medium();
    }
    if run("paper") {
        bench_paper_size();
    }
}
