//! Micro-benchmark of the arithmetic backends: ns per `add_mul_assign` and per dot product of
//! length 16, for f64, inari, `rug::Float` and `MpInterval` at 53/128/256/1024 bits, plus the ratio
//! `MpInterval cost / (2 × rug::Float cost)` per precision (issue 2's target: ≤ 2.5).
//!
//! Run: `cargo bench -p reluflow-arith --bench arith` (about 40 s). Plain `std::time::Instant`
//! and `std::hint::black_box`: each figure is the best of 41 timed batches of ≥ 5 ms each
//! (the `rug::Float`/`MpInterval` rows and the fused/split pair: of 3 alternating rounds of that).
//! Operands are narrow intervals (relative width 2^-40) around fixed pseudo-random points of both
//! signs in [−1, 1], the typical case of an integrator's inner loop; a separate row times the
//! mixed×mixed case (both operands straddle zero).

use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Rational, Scalar, linalg::dot};
use rug::{
    Assign,
    float::Round,
    ops::{AddAssignRound, AssignRound},
};
use std::hint::black_box;
use std::time::{Duration, Instant};

const LEN: usize = 16;
const PRECS: [u32; 4] = [53, 128, 256, 1024];
/// Timed batches per figure (the minimum is reported: other processes only ever add time).
const BATCHES: usize = 41;

/// Fixed pseudo-random rationals in [−1, 1] with 20-bit numerators (xorshift, reproducible).
fn points(seed: u64) -> Vec<Rational> {
    let mut s = seed;
    (0..LEN)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let num = (s % (1 << 21)) as i64 - (1 << 20);
            Rational::from((num, 1i64 << 20)) + Rational::from((1, 3u32 << 22))
        })
        .collect()
}

fn scalars<S: Scalar>(seed: u64, ctx: &S::Ctx) -> Vec<S> {
    points(seed).iter().map(|q| S::from_rational(q, ctx)).collect()
}

/// Narrow intervals `q·[1 − 2^-40, 1 + 2^-40]` (or straddling zero when `mixed`).
fn intervals<S: Enclosure>(seed: u64, ctx: &S::Ctx, mixed: bool) -> Vec<S> {
    let eps = Rational::from((1, 1u64 << 40));
    points(seed)
        .iter()
        .map(|q| {
            let r = if mixed {
                Rational::from(q.abs_ref()) + Rational::from((1, 7))
            } else {
                Rational::from(q.abs_ref()) * &eps
            };
            S::from_bounds(&Rational::from(q - &r), &Rational::from(q + &r), ctx)
        })
        .collect()
}

/// Best-of-[`BATCHES`] nanoseconds per call of `f`, where one call performs `ops_per_call` operations.
fn time_ns(ops_per_call: usize, mut f: impl FnMut()) -> f64 {
    // Short batches, many of them: on a loaded machine (other builds on both cores) a 5 ms batch
    // often runs without being descheduled, and the minimum picks such a batch.
    let batch_time = Duration::from_millis(5);
    // calibrate the number of calls per batch
    let mut calls = 1usize;
    loop {
        let t = Instant::now();
        for _ in 0..calls {
            f();
        }
        if t.elapsed() >= batch_time / 4 {
            break;
        }
        calls *= 2;
    }
    calls *= 4;
    (0..BATCHES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..calls {
                f();
            }
            t.elapsed().as_nanos() as f64 / (calls * ops_per_call) as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// ns per `acc.add_mul_assign(a_k, b_k)` (a running accumulator, never reset) and per `dot(a, b)`.
fn bench_scalar<S: Scalar>(a: &[S], b: &[S], ctx: &S::Ctx) -> (f64, f64) {
    let mut acc = S::zero(ctx);
    let fma = time_ns(LEN, || {
        for k in 0..LEN {
            acc.add_mul_assign(black_box(&a[k]), black_box(&b[k]));
        }
        black_box(&acc);
    });
    let dotp = time_ns(1, || {
        black_box(dot(black_box(a), black_box(b), ctx));
    });
    (fma, dotp)
}

/// ns per directed `acc += a·b` on one `rug::Float`, fused (`mpfr_fma`) and split (a product
/// rounded down into a scratch number, then a sum rounded down): the two candidate kernels of
/// one `MpInterval` end.
fn bench_rug_end(a: &[Float], b: &[Float], prec: u32) -> (f64, f64) {
    let mut acc = Float::new(prec);
    let fused = time_ns(LEN, || {
        for k in 0..LEN {
            acc.add_assign_round(black_box(&a[k]) * black_box(&b[k]), Round::Down);
        }
        black_box(&acc);
    });
    acc.assign(0);
    let mut tmp = Float::new(prec);
    let split = time_ns(LEN, || {
        for k in 0..LEN {
            tmp.assign_round(black_box(&a[k]) * black_box(&b[k]), Round::Down);
            acc.add_assign_round(&tmp, Round::Down);
        }
        black_box(&acc);
    });
    (fused, split)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it in test mode: do a quick pass.
    let quick = !std::env::args().any(|a| a == "--bench");
    if quick {
        let ctx = 53u32;
        let (a, b) = (intervals::<MpInterval>(1, &ctx, false), intervals::<MpInterval>(2, &ctx, false));
        let d = dot(&a, &b, &ctx);
        assert!(d.is_finite());
        println!("arith bench: quick check only (run with `cargo bench` for timings)");
        return;
    }
    println!("{:<28} {:>12} {:>12}", "backend", "ns/fma", "ns/dot16");
    let row = |name: &str, (fma, d): (f64, f64)| println!("{name:<28} {fma:>12.1} {d:>12.1}");
    row("f64", bench_scalar(&scalars::<f64>(1, &()), &scalars::<f64>(2, &()), &()));
    row("inari", bench_scalar(&intervals::<Interval>(1, &(), false), &intervals::<Interval>(2, &(), false), &()));
    let mut ratios = Vec::new();
    let mut ends = Vec::new();
    for prec in PRECS {
        let (fa, fb) = (scalars::<Float>(1, &prec), scalars::<Float>(2, &prec));
        let (ia, ib) = (intervals::<MpInterval>(1, &prec, false), intervals::<MpInterval>(2, &prec, false));
        // the two sides of the ratio are measured alternately, 3 rounds, best of each: a slow
        // period of the machine then cannot favour one side
        let (mut rug, mut mpi) = ((f64::INFINITY, f64::INFINITY), (f64::INFINITY, f64::INFINITY));
        for _ in 0..3 {
            let r = bench_scalar(&fa, &fb, &prec);
            let m = bench_scalar(&ia, &ib, &prec);
            rug = (rug.0.min(r.0), rug.1.min(r.1));
            mpi = (mpi.0.min(m.0), mpi.1.min(m.1));
        }
        row(&format!("rug::Float {prec}"), rug);
        row(&format!("MpInterval {prec}"), mpi);
        let (ma, mb) = (intervals::<MpInterval>(1, &prec, true), intervals::<MpInterval>(2, &prec, true));
        row(&format!("MpInterval {prec} mixed×mixed"), bench_scalar(&ma, &mb, &prec));
        ratios.push((prec, mpi.0 / (2.0 * rug.0), mpi.1 / (2.0 * rug.1)));
        let mut end = (f64::INFINITY, f64::INFINITY);
        for _ in 0..3 {
            let e = bench_rug_end(&fa, &fb, prec);
            end = (end.0.min(e.0), end.1.min(e.1));
        }
        ends.push((prec, end));
    }
    println!();
    println!("{:<10} {:>26} {:>26}", "precision", "MpInterval/(2 rug) fma", "MpInterval/(2 rug) dot16");
    for (prec, rf, rd) in &ratios {
        println!("{prec:<10} {rf:>26.2} {rd:>26.2}");
    }
    println!();
    println!("one directed end `acc += a·b` on rug::Float (ns): fused mpfr_fma vs split mul-then-add");
    for (prec, (fused, split)) in &ends {
        println!("{prec:<10} fused {fused:>8.1}   split {split:>8.1}   fused/split {:>5.2}", fused / split);
    }
}
