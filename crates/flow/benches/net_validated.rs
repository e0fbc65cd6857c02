//! Benchmarks of the validated two-layer integrator and of midpoint–radius interval linear algebra.
//!
//! Run: `cargo bench -p reluflow-flow --bench net_validated` (plain `Instant` timing, best of
//! several repetitions).
//!
//! 1. Bulk interval linear algebra: f64 vs `midrad` (Rump's midpoint–radius with a priori error
//!    bounds) vs per-operation `inari` intervals, mat-vec and mat-mul, in the same run.
//! 2. Validated integration (inari and 128-bit MPFR intervals) against a non-validated f64 Taylor
//!    integration of the same problem: time per unit of flow time and final enclosure widths.

use reluflow_arith::midrad::{MidRadMat, MidRadVec};
use reluflow_arith::{Enclosure, Interval, MpInterval, Scalar};
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::field::{NetData, initial_state, pattern_of, taylor_coefficients};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::State;
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
        let t_f64 = best_us(5, iters, || {
            let mut out = vec![0.0; n * c];
            for i in 0..n {
                for k in 0..n {
                    let a = am[i * n + k];
                    for j in 0..c {
                        out[i * c + j] += a * bm[k * c + j];
                    }
                }
            }
            black_box(out);
        });
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

/// Non-validated f64 Taylor integration (order 20, same step rule, pattern re-read from the signs
/// at each step start; switches are not located).
fn f64_taylor(p: &Problem, t_end: f64) -> (State<f64>, usize) {
    let data = NetData::<f64>::from_problem(p, &());
    let mut s = initial_state::<f64>(p, &()).unwrap();
    let (mut t, mut steps) = (0.0, 0);
    while t < t_end {
        let pat = pattern_of(&data, &s).unwrap();
        let c = taylor_coefficients(&data, &pat, &s, 20);
        let norm =
            |st: &State<f64>| st.w.iter().flatten().chain(st.a.as_ref().unwrap()).fold(0.0f64, |m, v| m.max(v.abs()));
        let rho = (norm(&c[20]) / norm(&c[0])).max(1e-300);
        let h = (0.8 * (1e-14 / rho).powf(1.0 / 20.0)).min(t_end - t).min(4.0);
        let mut acc = c[20].clone();
        for k in (0..20).rev() {
            for (a, v) in acc.w.iter_mut().flatten().zip(c[k].w.iter().flatten()) {
                *a = *a * h + v;
            }
            for (a, v) in acc.a.as_mut().unwrap().iter_mut().zip(c[k].a.as_ref().unwrap()) {
                *a = *a * h + v;
            }
        }
        s = acc;
        t += h;
        steps += 1;
    }
    (s, steps)
}

fn bench_integrators() {
    println!("\n== validated vs non-validated integration (uncentred data, λ = 1/4, m = 4, d = n = 3) ==");
    let t_end = 8;
    let p = problem(3, 4, 3, "0.25", t_end);
    let t0 = Instant::now();
    let (sf, steps_f) = f64_taylor(&p, t_end as f64);
    let dt_f = t0.elapsed().as_secs_f64();
    println!("f64 Taylor (non-validated): {:.3} ms per unit time, {steps_f} steps", dt_f * 1e3 / t_end as f64);
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
        matches!(tr.status, reluflow_flow::trajectory::Status::Certified),
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
        matches!(tr2.status, reluflow_flow::trajectory::Status::Certified),
        st2.final_rel_width,
        st2.final_abs_width
    );
    // Distance of the non-validated f64 end state from the certified MPFR enclosure.
    let fin = &tr2.final_state;
    let mut err: f64 = 0.0;
    for (v, e) in
        sf.w.iter().flatten().chain(sf.a.as_ref().unwrap()).zip(fin.w.iter().flatten().chain(fin.a.as_ref().unwrap()))
    {
        err = err.max((v - e.mid().approx_f64()).abs());
    }
    println!("f64 end state vs certified MPFR enclosure midpoint: max |difference| {err:.2e}");
}

fn main() {
    bench_linear_algebra();
    bench_integrators();
}
