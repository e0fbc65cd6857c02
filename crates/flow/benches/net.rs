//! Benchmarks of the two-layer network code: the fast f64 GD loop against the 5 µs target
//! (d = n = 16, m = 200), generic GD in the other backends, and the reference Taylor integrator.
//!
//! Run: `cargo bench -p reluflow-flow --bench net` (plain `Instant` timing, best of several
//! repetitions; no external harness).

use reluflow_arith::{Float, Interval, MpInterval, Scalar};
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::field::{NetData, initial_state};
use reluflow_flow::net::gd::gd_step;
use reluflow_flow::net::gd_fast::FastGd;
use reluflow_model::Problem;
use rug::Rational;
use std::hint::black_box;
use std::time::Instant;

fn problem(n: usize, d: usize, m: usize, scale: Rational) -> Problem {
    generate(&Spec { scheme: Scheme::Uncentred, n, d, m, seed: 1 }).to_paper_problem(scale).unwrap()
}

/// Best-of-`reps` time per call of `f`, in µs, over `iters` calls (many short repetitions, so that
/// some run undisturbed on a loaded machine).
fn time_per_iter(reps: usize, iters: u64, mut f: impl FnMut()) -> f64 {
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

fn bench_fast_gd() {
    let p = problem(16, 16, 200, Rational::from((1, 16)));
    let data = NetData::<f64>::from_problem(&p, &());
    let s = initial_state::<f64>(&p, &()).unwrap();
    let mut gd = FastGd::new(&data, &s);
    for _ in 0..2000 {
        gd.step(0.02);
    }
    let us = time_per_iter(300, 2_000, || {
        black_box(gd.step(black_box(0.02)));
    });
    println!(
        "fast f64 GD, d = n = 16, m = 200 ({} live neurons after 2000 iterations): {us:.3} µs/iteration (target ≤ 5 µs; a NumPy loop ≈ 30 µs per the issue)",
        gd.live_neurons()
    );
    let fwd = time_per_iter(300, 2_000, || {
        black_box(gd.forward());
    });
    println!("  of which the forward pass (Z = W Xᵀ, residuals, loss): {fwd:.3} µs");
    let flops = 2.0 * 2.0 * gd.live_neurons() as f64 * 16.0 * 16.0;
    println!("  ≈ {:.2} GFLOP/s (2·m_live·n·d multiply–adds per iteration)", flops / us / 1e3);
    let mut dense = FastGd::new(&data, &s);
    dense.set_skip_dead(false);
    for _ in 0..2000 {
        dense.step(0.02);
    }
    let us_dense = time_per_iter(300, 2_000, || {
        black_box(dense.step(black_box(0.02)));
    });
    println!("  same run without skipping dead neurons (all 200 rows): {us_dense:.3} µs/iteration");
    let mut gram = FastGd::new_gram(&data, &s);
    for _ in 0..2000 {
        gram.step(0.02);
    }
    let us_gram = time_per_iter(300, 2_000, || {
        black_box(gram.step(black_box(0.02)));
    });
    let mut gram_dense = FastGd::new_gram(&data, &s);
    gram_dense.set_skip_dead(false);
    for _ in 0..2000 {
        gram_dense.step(0.02);
    }
    let us_gram_dense = time_per_iter(300, 2_000, || {
        black_box(gram_dense.step(black_box(0.02)));
    });
    println!(
        "  Gram mode (Z += ΔB·XXᵀ): {us_gram:.3} µs/iteration ({} live), without skipping dead neurons {us_gram_dense:.3} µs/iteration",
        gram.live_neurons()
    );
}

fn bench_generic_gd<S: Scalar>(label: &str, ctx: &S::Ctx, iters: u64) -> f64 {
    let p = problem(16, 16, 200, Rational::from((1, 16)));
    let data = NetData::<S>::from_problem(&p, ctx);
    let mut s = initial_state::<S>(&p, ctx).unwrap();
    let eta = S::from_rational(&Rational::from((1, 50)), ctx);
    let us = time_per_iter(3, iters, || {
        s = gd_step(&data, &s, &eta).expect("decided guards");
    });
    println!("generic GD {label:>22}: {us:>10.1} µs/iteration");
    us
}

/// The paper's script setting (§7.2): `mse_loss` (L = (1/n) Σ (h − y)²), SGD lr 0.01, σ'(0) = 0,
/// uncentred data, d = n = 16, m = 25, λ = 4^-7, until L < 1e-9 or 2·10^7 iterations.
fn bench_paper_run() {
    use reluflow_flow::net::gd::GdOptions;
    use reluflow_model::{Arithmetic, Horizon, LossScale, ReluPrime, RunConfig};
    let inst = generate(&Spec { scheme: Scheme::Uncentred, n: 16, d: 16, m: 25, seed: 1 });
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::F64, precision: 53 };
    let p = inst.to_problem(Rational::from((1, 4i64.pow(7))), ReluPrime::Zero, LossScale::Mean, run).unwrap();
    let data = NetData::<f64>::from_problem(&p, &());
    let s = initial_state::<f64>(&p, &()).unwrap();
    let mut gd = FastGd::new(&data, &s);
    let opts =
        GdOptions { max_iters: 20_000_000, record_every: 10_000, loss_threshold: Some(1e-9), stop_if_unchanged: true };
    let t = Instant::now();
    let r = gd.run(0.01, &opts);
    let wall = t.elapsed().as_secs_f64();
    println!(
        "paper run (m = 25, d = n = 16, λ = 4^-7, lr 0.01, mse): {} iterations, stop {:?}, final loss {:.3e}, {:.2} s ({:.2} µs/iteration, {} live neurons at the end)",
        r.iters,
        r.stop,
        r.losses.last().unwrap().1,
        wall,
        wall * 1e6 / r.iters.max(1) as f64,
        gd.live_neurons()
    );
}

/// Whether to run the slow variants (`-- slow`: the MPFR-128 reference run, about a minute).
static WANT_SLOW: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn main() {
    // Optional filters: `cargo bench -p reluflow-flow --bench net -- fast generic paper reference slow`.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let want = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    if want("fast") {
        bench_fast_gd();
    }
    if want("generic") {
        let base = bench_generic_gd::<f64>("f64", &(), 200);
        let iv = bench_generic_gd::<Interval>("inari::Interval", &(), 50);
        let mp = bench_generic_gd::<Float>("MPFR 256-bit", &256, 10);
        let mpi = bench_generic_gd::<MpInterval>("MPFR interval 256-bit", &256, 5);
        println!(
            "  ratios to generic f64: interval {:.1}×, MPFR {:.1}×, MPFR interval {:.1}×",
            iv / base,
            mp / base,
            mpi / base
        );
    }
    if want("paper") {
        bench_paper_run();
    }
    WANT_SLOW.store(args.iter().any(|a| a == "slow"), std::sync::atomic::Ordering::Relaxed);
    if want("reference") || want("slow") {
        reference::bench_reference();
    }
}

mod reference {
    use super::*;
    use reluflow_flow::net::reference::{RefOptions, integrate_problem};

    fn report<S: reluflow_arith::Point>(label: &str, p: &Problem, ctx: &S::Ctx, opts: &RefOptions) {
        let t0 = Instant::now();
        let r = integrate_problem::<S>(p, ctx, opts).expect("reference run");
        let wall = t0.elapsed().as_secs_f64();
        let t = r.trajectory.t_final().approx_f64();
        let deaths = r.trajectory.events().iter().filter(|e| e.kind == reluflow_flow::EventKind::Death).count();
        println!(
            "reference Taylor {label}: t = {t:.1} in {wall:.3} s, {} steps, {} events ({deaths} deaths), stop {:?}: {:.1} µs per unit flow time, {:.1} µs per step",
            r.steps,
            r.trajectory.events().len(),
            r.stop,
            wall * 1e6 / t,
            wall * 1e6 / r.steps as f64
        );
    }

    pub fn bench_reference() {
        // The certified example: m = 25, d = n = 16, λ = 4^-7, uncentred, to loss ≤ 1e-9.
        let p = problem(16, 16, 25, Rational::from((1, 4i64.pow(7))));
        let opts = RefOptions { loss_stop: Some(1e-9), ..RefOptions::f64() };
        report::<f64>("f64, m = 25, d = n = 16, λ = 4^-7, to L < 1e-9", &p, &(), &opts);
        if super::WANT_SLOW.load(std::sync::atomic::Ordering::Relaxed) {
            let opts = RefOptions { loss_stop: Some(1e-9), ..RefOptions::for_bits(128) };
            report::<Float>("MPFR 128 (order 47), same run", &p, &128, &opts);
        }
        // The tiny initialisation: m = 4, d = n = 3, λ = 1e-600, 256-bit MPFR, to loss ≤ 1e-9.
        let p = generate(&Spec { scheme: Scheme::Uncentred, n: 3, d: 3, m: 4, seed: 7 })
            .to_paper_problem(reluflow_arith::exact::parse_exact("1e-600").unwrap())
            .unwrap();
        let opts = RefOptions { loss_stop: Some(1e-9), ..RefOptions::for_bits(256) };
        report::<Float>("MPFR 256, m = 4, d = n = 3, λ = 1e-600, to L < 1e-9", &p, &256, &opts);
    }
}
