//! Cost of certification against the non-validated f64 integrator, in one run.
//!
//! Run: `cargo bench -p reluflow-flow --bench net_speed [-- --quick] [-- paper|family]`.
//!
//! * `paper`: the paper-size example (`examples/two-layer-paper-m25.toml`: the uncentred scheme,
//!   seed 1, m = 25, d = n = 16, λ = 4⁻⁷, t_end = 2720; `tests/net_validated_paper.rs` checks that
//!   the file is exactly this instance), built here from the same data scheme.
//! * `family`: switch-free flows (the uncentred scheme with every coordinate of the points, the
//!   teacher and the initial directions made positive, all s_j = +1, scale 0.1, t_end = 2) over
//!   m ∈ {8, 16, 32, 64} at d = n = 8 and d = n ∈ {4, 8, 16, 32} at m = 16, with the fitted growth
//!   exponent of the validated time in the state size N = m(d + 1).
//!
//! Each line: validated time (f64 intervals), f64 reference time (`net::reference`; both means of
//! repetitions), wall and CPU seconds of each, the ratio of the CPU times (the machine is shared:
//! CPU time does not count waiting for a core), validated steps, final absolute width, status.
//! Growth exponents are fitted to the validated CPU times. `--quick` runs the
//! paper-size example to t = 5 only (its switch phase) and the family without its largest members.

use reluflow_arith::{Interval, Scalar};
use reluflow_flow::net::data::{Instance, Scheme, Spec, generate};
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::Status;
use reluflow_model::{Arithmetic, Horizon, LossScale, Problem, ReluPrime, RunConfig};
use rug::Rational;
use std::time::Instant;

fn to_problem(inst: &Instance, scale: &str, t_end: i64) -> Problem {
    let run =
        RunConfig { t_end: Horizon::Finite(Rational::from(t_end)), arithmetic: Arithmetic::Interval, precision: 53 };
    let scale = reluflow_arith::exact::parse_exact(scale).unwrap();
    inst.to_problem(scale, ReluPrime::Zero, LossScale::HalfMean, run).unwrap()
}

/// The paper-size instance, to `t_end`.
fn paper(t_end: i64) -> Problem {
    let inst = generate(&Spec { scheme: Scheme::Uncentred, n: 16, d: 16, m: 25, seed: 1 });
    to_problem(&inst, "0.00006103515625", t_end)
}

/// A switch-free member of the family: every point, teacher and direction coordinate positive,
/// all neurons with s_j = +1 (every guard stays positive along the flow).
fn switch_free(m: usize, d: usize, t_end: i64) -> Problem {
    let mut inst = generate(&Spec { scheme: Scheme::Uncentred, n: d, d, m, seed: 3 });
    let abs_all = |v: &mut Vec<Vec<f64>>| v.iter_mut().flatten().for_each(|x| *x = x.abs());
    abs_all(&mut inst.x);
    abs_all(&mut inst.z);
    inst.teacher.iter_mut().for_each(|x| *x = x.abs());
    inst.s = vec![1; m];
    to_problem(&inst, "0.1", t_end)
}

/// CPU time of this process (all threads, user + system) from `/proc/self/stat`, in seconds
/// (10 ms ticks); `NaN` where that file does not exist. On a shared machine the wall time
/// includes waiting for a core, the CPU time does not.
fn cpu_s() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return f64::NAN };
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

struct Row {
    n_state: usize,
    validated: f64,
}

/// Times both integrators on `make(t_end)` and prints one line: wall and CPU seconds of the
/// validated run and of the f64 reference (each repeated until it has used 0.3 s of CPU, per run:
/// the CPU clock ticks in 10 ms), and the ratio of the CPU times. When the validated run stops before `t_end` (undecided at `t*`), the
/// reference is timed to `⌈t*⌉` instead, so that the ratio compares the same stretch of the flow
/// (the line then ends with `ref to t = ⌈t*⌉`).
fn measure(label: &str, make: &dyn Fn(i64) -> Problem, t_end: i64, n_state: usize) -> Row {
    let problem = make(t_end);
    let (w0, c0) = (Instant::now(), cpu_s());
    let mut val_reps = 0;
    let (tr, st) = loop {
        let run = certify_with_stats::<Interval>(&problem, &(), &ValidatedOptions::default()).unwrap();
        val_reps += 1;
        if cpu_s() - c0 >= 0.3 || val_reps >= 1000 {
            break run;
        }
    };
    let (val_wall, val_cpu) = (w0.elapsed().as_secs_f64() / val_reps as f64, (cpu_s() - c0) / val_reps as f64);
    let (status, ref_end) = match tr.status() {
        Status::Certified => ("certified".to_string(), t_end),
        Status::Undecided { reason, certified_until } => {
            let until = (certified_until.upper_f64().ceil() as i64).clamp(1, t_end);
            (format!("undecided at t = {:.4} ({reason:?})", certified_until.lower_f64()), until)
        }
        s => (format!("{s:?}"), t_end),
    };
    let p = make(ref_end);
    let (w0, c0) = (Instant::now(), cpu_s());
    let mut reps = 0;
    while reps < 3 || (cpu_s() - c0 < 0.3 && reps < 10_000) {
        std::hint::black_box(integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap());
        reps += 1;
    }
    let (ref_wall, ref_cpu) = (w0.elapsed().as_secs_f64() / reps as f64, (cpu_s() - c0) / reps as f64);
    let note = if ref_end < t_end { format!("; ref to t = {ref_end}") } else { String::new() };
    println!(
        "{label:<22} {n_state:>5} {val_wall:>9.3} {val_cpu:>9.2} {ref_wall:>9.4} {ref_cpu:>9.4} {:>7.1} {:>6} {:>6} {:>10.2e}  {status}{note}",
        val_cpu / ref_cpu,
        st.steps,
        st.events,
        st.final_abs_width
    );
    Row { n_state, validated: val_cpu }
}

/// Least-squares slope of log(time) against log(N).
fn growth(rows: &[Row]) -> f64 {
    let pts: Vec<(f64, f64)> = rows.iter().map(|r| ((r.n_state as f64).ln(), r.validated.ln())).collect();
    let k = pts.len() as f64;
    let (mx, my) = (pts.iter().map(|p| p.0).sum::<f64>() / k, pts.iter().map(|p| p.1).sum::<f64>() / k);
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    sxy / sxx
}

fn header() {
    println!(
        "{:<22} {:>5} {:>9} {:>9} {:>9} {:>9} {:>7} {:>6} {:>6} {:>10}  status",
        "case", "N", "val wall", "val cpu", "f64 wall", "f64 cpu", "ratio", "steps", "events", "abs width"
    );
}

fn family(quick: bool) {
    println!("== switch-free family (positive data, s_j = +1, scale 0.1, t_end = 2) ==");
    header();
    let ms: &[usize] = if quick { &[8, 16, 32] } else { &[8, 16, 32, 64] };
    let ds: &[usize] = if quick { &[4, 8, 16] } else { &[4, 8, 16, 32] };
    let mut all = Vec::new();
    let mut by_m = Vec::new();
    for &m in ms {
        by_m.push(measure(&format!("m = {m}, d = n = 8"), &|t| switch_free(m, 8, t), 2, m * 9));
    }
    let mut by_d = Vec::new();
    for &d in ds {
        by_d.push(measure(&format!("m = 16, d = n = {d}"), &|t| switch_free(16, d, t), 2, 16 * (d + 1)));
    }
    println!("growth exponents of the validated time: in m {:.2}, in d = n {:.2} (in N)", growth(&by_m), growth(&by_d));
    all.extend(by_m);
    all.extend(by_d);
    println!("overall in N: {:.2}", growth(&all));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = args.iter().find(|a| !a.starts_with('-') && (*a == "paper" || *a == "family"));
    let run = |name: &str| only.is_none_or(|o| o == name);
    if run("paper") {
        let t_end = if quick { 5 } else { 2720 };
        println!("== paper size: m = 25, d = n = 16, λ = 4^-7 (uncentred, seed 1), t_end = {t_end} ==");
        header();
        measure("paper m25", &paper, t_end, 25 * 17);
    }
    if run("family") {
        family(quick);
    }
}
