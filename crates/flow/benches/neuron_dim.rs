//! Benchmark: cost against the input dimension `d`.
//!
//! 1. The certified single neuron (f64 and 128-bit MPFR intervals) with `n` = 2, 4, 8, 16 points,
//!    `d` = 10 … 10,000: wall time, status, switches and the process's peak resident memory after
//!    the run (`VmHWM`, monotone over the run, so each row bounds every row above it). The exact
//!    linear algebra lives in the span of the active points (`proofs-notes/neuron-gram-space.md`),
//!    so time and memory should grow linearly in `d`.
//! 2. The validated two-layer integrator: time per accepted step and in all against `d` (m = 2,
//!    n = 4, d = 2 … 10,000). From `d = 64` on it integrates in the data's span (dimension
//!    `r ≤ n`, `net/validated/reduce.rs`), so its sets do not grow with `d`; what grows is reading
//!    the data and lifting the reported enclosures, linear in `d`.
//!
//! Run: `cargo bench -p reluflow-flow --bench neuron_dim [-- neuron|net] [dmax=N] [n=N] [d=N]
//! [backend=f64-iv|mpfr128]` (`dmax` skips the single-neuron rows with `d > N`; `n`, `d`, `backend`
//! select rows, so that one row per process gives its own peak memory).

use reluflow_arith::{Interval, MpInterval};
use reluflow_flow::Status;
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats, working_dim};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_model::*;
use rug::Rational;
use std::time::Instant;

/// A deterministic entry in `{−0.99, …, 0.99}` (two decimals, exact).
fn entry(k: usize) -> Rational {
    let v = ((k as u64).wrapping_mul(2_654_435_761) % 199) as i64 - 99;
    Rational::from((v, 100))
}

/// `n` points in `ℝ^d`, labels `1, 2, …`, `w(0) = (x_0 + … + x_{n−1})/n`: every point starts
/// active when the points are nearly orthogonal.
fn problem(n: usize, d: usize, t_end: Horizon) -> Problem {
    let x: Vec<Vec<Rational>> = (0..n).map(|i| (0..d).map(|j| entry(i * 7919 + j * 31 + 3)).collect()).collect();
    let y: Vec<Rational> = (1..=n).map(|i| Rational::from(i as i64)).collect();
    let w0: Vec<Rational> =
        (0..d).map(|j| x.iter().map(|xi| xi[j].clone()).sum::<Rational>() / Rational::from(n as i64)).collect();
    let data = Data::new(x, Labels::Given(y)).unwrap();
    let run = RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data, Init::Single { w: w0 }, run)
        .unwrap()
}

/// Peak resident memory of this process so far, in MB.
fn peak_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn status<S: std::fmt::Debug>(s: &Status<S>) -> String {
    match s {
        Status::Certified => "certified".into(),
        other => format!("{other:?}").chars().take(40).collect(),
    }
}

/// Which single-neuron rows to run.
struct Select {
    dmax: usize,
    n: Option<usize>,
    d: Option<usize>,
    backend: Option<String>,
}

impl Select {
    fn row(&self, n: usize, d: usize) -> bool {
        d >= n && d <= self.dmax && self.n.is_none_or(|v| v == n) && self.d.is_none_or(|v| v == d)
    }
    fn backend(&self, b: &str) -> bool {
        self.backend.as_deref().is_none_or(|v| v == b)
    }
}

fn bench_neuron(sel: &Select) {
    println!("== certified single neuron, t_end = ∞ ==");
    println!(
        "{:>3} {:>6} {:>8} {:>11} {:>7} {:>11} {:>9} {:>12}",
        "n", "d", "backend", "time [s]", "events", "status", "peak MB", "w₀ width"
    );
    let opts = NeuronOptions::default();
    for n in [2, 4, 8, 16] {
        for d in [10, 100, 1000, 10_000] {
            if !sel.row(n, d) {
                continue;
            }
            let p = problem(n, d, Horizon::Infinite);
            if sel.backend("f64-iv") {
                let t = Instant::now();
                let tr = certify::<Interval>(&p, &(), &opts).unwrap();
                let secs = t.elapsed().as_secs_f64();
                let wid = tr.limit().map_or(f64::NAN, |l| l.state.w[0][0].wid());
                println!(
                    "{n:>3} {d:>6} {:>8} {secs:>11.4} {:>7} {:>11} {:>9.1} {wid:>12.3e}",
                    "f64-iv",
                    tr.events().len(),
                    status(tr.status()),
                    peak_mb()
                );
            }
            if !sel.backend("mpfr128") {
                continue;
            }
            let t = Instant::now();
            let tr = certify::<MpInterval>(&p, &128, &opts).unwrap();
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{n:>3} {d:>6} {:>8} {secs:>11.4} {:>7} {:>11} {:>9.1} {:>12}",
                "mpfr128",
                tr.events().len(),
                status(tr.status()),
                peak_mb(),
                ""
            );
        }
    }
}

fn bench_net() {
    println!("\n== validated two-layer integrator (uncentred data, n = 4, m = 2, t_end = 1, f64 intervals) ==");
    println!("(from d = 64 on it works in the data's span: dimension r = rank ≤ n; peak MB is the process's so far)");
    println!(
        "{:>6} {:>3} {:>7} {:>14} {:>10} {:>11} {:>9}",
        "d", "r", "steps", "ms per step", "total s", "status", "peak MB"
    );
    for d in [2, 4, 8, 16, 32, 64, 256, 1024, 4096, 10_000] {
        let p = generate(&Spec { scheme: Scheme::Uncentred, n: 4, d, m: 2, seed: 1 })
            .to_problem(
                Rational::from((1, 4)),
                ReluPrime::Zero,
                LossScale::HalfMean,
                RunConfig {
                    t_end: Horizon::Finite(Rational::from(1)),
                    arithmetic: Arithmetic::Interval,
                    precision: 53,
                },
            )
            .unwrap();
        let t = Instant::now();
        let (tr, st) = certify_with_stats::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
        let total = t.elapsed().as_secs_f64();
        let ms = total * 1e3 / st.steps.max(1) as f64;
        let r = working_dim(&p);
        println!(
            "{d:>6} {r:>3} {:>7} {ms:>14.3} {total:>10.3} {:>11} {:>9.1}",
            st.steps,
            status(tr.status()),
            peak_mb()
        );
    }
}

fn main() {
    let which: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let arg = |k: &str| which.iter().find_map(|a| a.strip_prefix(k).map(str::to_string));
    let sel = Select {
        dmax: arg("dmax=").and_then(|v| v.parse().ok()).unwrap_or(usize::MAX),
        n: arg("n=").and_then(|v| v.parse().ok()),
        d: arg("d=").and_then(|v| v.parse().ok()),
        backend: arg("backend="),
    };
    let which: Vec<String> = which.into_iter().filter(|a| !a.contains('=')).collect();
    let all = which.is_empty();
    if all || which.iter().any(|w| w == "neuron") {
        bench_neuron(&sel);
    }
    if all || which.iter().any(|w| w == "net") {
        bench_net();
    }
}
