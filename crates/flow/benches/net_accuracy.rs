//! What `[run] order` and `[run] tolerance` cost and buy in the validated two-layer integrator
//! (f64 intervals): time, steps and the largest width of the final enclosure.
//!
//! Run: `cargo bench -p reluflow-flow --bench net_accuracy [-- stretch|medium]`.
//!
//! 1. `stretch`: the switch-free stretch of `examples/two-layer-accuracy.toml` (d = n = 3, m = 4,
//!    [0, 1.5]); CAPD's order-20 Taylor integrator reaches a width of 1.6e-16 on such a stretch.
//! 2. `medium`: m = 10, d = n = 6, λ = 4^-4, T = 40 (uncentred, seed 5), with switches.

use reluflow_arith::Scalar;
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::Status;
use reluflow_model::*;
use rug::Rational;
use std::time::Instant;

/// (label, order, tolerance); order 0 and `None`: automatic.
const SETTINGS: &[(&str, usize, Option<f64>)] = &[
    ("automatic", 0, None),
    ("tolerance 1e-15", 0, Some(1e-15)),
    ("tolerance 1e-18", 0, Some(1e-18)),
    ("order 20", 20, None),
    ("order 32", 32, None),
    ("order 20, tolerance 1e-18", 20, Some(1e-18)),
    ("order 40, tolerance 1e-18", 40, Some(1e-18)),
];

fn stretch() -> Problem {
    let r = |v: &[(i64, i64)]| v.iter().map(|&(a, b)| Rational::from((a, b))).collect::<Vec<_>>();
    let x = vec![r(&[(1, 2), (1, 4), (1, 8)]), r(&[(1, 8), (1, 2), (1, 4)]), r(&[(1, 4), (1, 8), (1, 2)])];
    let z = vec![
        r(&[(1, 1), (1, 2), (1, 2)]),
        r(&[(1, 2), (1, 1), (1, 4)]),
        r(&[(1, 4), (1, 2), (1, 1)]),
        r(&[(3, 4), (3, 4), (1, 2)]),
    ];
    let run =
        RunConfig { t_end: Horizon::Finite(Rational::from((3, 2))), arithmetic: Arithmetic::Interval, precision: 53 };
    let data = Data::new(x, Labels::Teacher(r(&[(1, 1), (3, 4), (1, 2)]))).unwrap();
    let init = Init::Balanced { scale: Rational::from((1, 10)), z, s: vec![1; 4] };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

fn medium() -> Problem {
    let run = RunConfig { t_end: Horizon::Finite(Rational::from(40)), arithmetic: Arithmetic::Interval, precision: 53 };
    generate(&Spec { scheme: Scheme::Uncentred, n: 6, d: 6, m: 10, seed: 5 })
        .to_problem(Rational::from((1, 256)), ReluPrime::Zero, LossScale::HalfMean, run)
        .unwrap()
}

fn table(name: &str, p: &Problem, reps: usize) {
    println!("\n== {name} ==");
    println!("{:<28} {:>10} {:>7} {:>7} {:>10}  status", "setting", "time", "steps", "events", "max width");
    for &(label, order, tol) in SETTINGS {
        let opts = ValidatedOptions { order, tol_rel: tol, ..ValidatedOptions::default() };
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..reps {
            let t0 = Instant::now();
            let out = certify_with_stats::<reluflow_arith::Interval>(p, &(), &opts).unwrap();
            best = best.min(t0.elapsed().as_secs_f64());
            last = Some(out);
        }
        let (traj, st) = last.expect("one repetition");
        let status = match traj.status() {
            Status::Certified => "certified".to_string(),
            Status::Undecided { reason, certified_until } => {
                format!("undecided from t ≈ {:.3}: {reason}", certified_until.lower_f64())
            }
            s => format!("{s:?}"),
        };
        println!(
            "{label:<28} {:>8.1}ms {:>7} {:>7} {:>10.2e}  {status}",
            best * 1e3,
            st.steps,
            st.events,
            st.final_abs_width
        );
    }
}

fn main() {
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let run = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    if run("stretch") {
        table("stretch: d = n = 3, m = 4, [0, 1.5], no switch", &stretch(), 20);
    }
    if run("medium") {
        table("medium: m = 10, d = n = 6, λ = 4^-4, T = 40", &medium(), 1);
    }
}
