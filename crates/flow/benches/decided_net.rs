//! How many seeded random two-layer instances the validated integrator decides, and whether every
//! certified enclosure contains an independent high-precision reference.
//!
//! Run: `cargo bench -p reluflow-flow --bench decided_net` (200 instances); a smaller count with
//! `DECIDED_NET_COUNT=40` or `-- 40`, another seed range with `DECIDED_NET_SEED=1000`; the
//! problem of one seed and its runs' events are printed with `DECIDED_NET_SHOW=31`.
//!
//! Family (one instance per seed, `ChaCha8Rng::seed_from_u64(seed)`): m = 2–5 neurons, d = 2–4,
//! n = 2–5 points with one-decimal coordinates in [−1, 1] (each 0 with probability 1/4), teacher
//! labels `y_i = σ(vᵀx_i)` (v one-decimal in [−1, 1]), balanced initialisation at scale 0.1,
//! 0.01 or 0.001 with one-decimal directions and alternating signs, σ'(0) = 0, half-mean loss,
//! t_end = 20, f64 intervals (inari), default options.
//!
//! Every instance runs twice: with σ'(0) fixed (`[run] solution = "fixed"`, the default) and as
//! the Clarke flow (`solution = "clarke"`: sliding along surfaces that attract from both sides),
//! and the summary has one column per solution.
//!
//! Decided: certified, or a non-uniqueness at a surface (`NonUnique`). Every certified run, and the
//! certified prefix of every undecided one, is checked against the non-validated reference
//! integrator on 256-bit MPFR (`check.rs`): states inside segment hulls and at exact segment ends,
//! event times inside their enclosures, the final state and loss. A containment failure is
//! printed and the bench exits with status 1.

#[path = "decided_net/check.rs"]
mod check;
#[path = "decided_net/sliding.rs"]
mod sliding;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reluflow_arith::{Interval, Scalar};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::{Status, UndecidedReason};
use reluflow_model::*;
use rug::Rational;
use std::collections::BTreeMap;
use std::time::Instant;

fn decimal(rng: &mut ChaCha8Rng, zero_prob: bool) -> Rational {
    if zero_prob && rng.random_range(0..4) == 0 {
        return Rational::new();
    }
    Rational::from((rng.random_range(-10..=10), 10))
}

fn nonzero_row(rng: &mut ChaCha8Rng, d: usize) -> Vec<Rational> {
    loop {
        let z: Vec<Rational> = (0..d).map(|_| decimal(rng, false)).collect();
        if z.iter().any(|v| *v != 0) {
            return z;
        }
    }
}

/// The instance of `seed` (see the module documentation) and a short description.
fn instance(seed: u64) -> (Problem, String) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (m, d, n) = (rng.random_range(2..=5), rng.random_range(2..=4), rng.random_range(2..=5));
    let scale =
        [Rational::from((1, 10)), Rational::from((1, 100)), Rational::from((1, 1000))][rng.random_range(0..3)].clone();
    let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| decimal(&mut rng, true)).collect()).collect();
    let v: Vec<Rational> = (0..d).map(|_| decimal(&mut rng, false)).collect();
    let z: Vec<Vec<Rational>> = (0..m).map(|_| nonzero_row(&mut rng, d)).collect();
    let s: Vec<i8> = (0..m).map(|j| if j % 2 == 0 { 1 } else { -1 }).collect();
    let desc = format!("m={m} d={d} n={n} scale={:.0e}", scale.to_f64());
    let data = Data::new(x, Labels::Teacher(v)).expect("rectangular data");
    let init = Init::Balanced { scale, z, s };
    let run = RunConfig { t_end: Horizon::Finite(Rational::from(20)), arithmetic: Arithmetic::Interval, precision: 53 };
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run);
    (p.expect("valid instance"), desc)
}

/// A reason's row label: the variant, and for `Other` the start of its text.
fn label(reason: &UndecidedReason) -> String {
    match reason {
        UndecidedReason::Other(s) => {
            let words: Vec<&str> = s.split_whitespace().take(5).collect();
            format!("other: {}", words.join(" "))
        }
        r => format!("{r:?}").split([' ', '(', '{']).next().unwrap_or("?").to_string(),
    }
}

fn count_from_args() -> (usize, u64) {
    let arg = std::env::args().skip(1).find_map(|a| a.parse::<usize>().ok());
    let env = std::env::var("DECIDED_NET_COUNT").ok().and_then(|v| v.parse().ok());
    let seed = std::env::var("DECIDED_NET_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    (arg.or(env).unwrap_or(200), seed)
}

#[derive(Default)]
struct Tally {
    certified: usize,
    non_unique: usize,
    errors: usize,
    /// reason → (certified_until = 0, > 0)
    undecided: BTreeMap<String, (usize, usize)>,
    /// sliding runs by [`sliding::kind`]
    sliding: BTreeMap<&'static str, usize>,
    checked_runs: usize,
    ref_cut: usize,
    checked_items: usize,
    failures: usize,
}

fn main() {
    let (count, base) = count_from_args();
    let show: Option<u64> = std::env::var("DECIDED_NET_SHOW").ok().and_then(|v| v.parse().ok());
    println!("== decided_net: {count} instances, seeds {base}..{} ==", base + count as u64);
    let (mut fixed, mut clarke) = (Tally::default(), Tally::default());
    let t_all = Instant::now();
    for seed in base..base + count as u64 {
        let (p, desc) = instance(seed);
        if show == Some(seed) {
            println!("{p:#?}");
        }
        run_one(&p, seed, &desc, "fixed ", &mut fixed, show == Some(seed));
        let pc = p.with_solution(Solution::Clarke).expect("two-layer");
        run_one(&pc, seed, &desc, "clarke", &mut clarke, show == Some(seed));
    }
    let secs = t_all.elapsed().as_secs_f64();
    print_table(&fixed, "solution = \"fixed\"", count, secs);
    print_table(&clarke, "solution = \"clarke\"", count, secs);
    let pct = |k: usize| 100.0 * k as f64 / count as f64;
    println!("\n== fixed → clarke ==");
    println!("{:<24} {:>12} {:>12}", "", "fixed", "clarke");
    println!(
        "{:<24} {:>5} {:>5.1}% {:>5} {:>5.1}%",
        "certified",
        fixed.certified,
        pct(fixed.certified),
        clarke.certified,
        pct(clarke.certified)
    );
    let (df, dc) = (fixed.certified + fixed.non_unique, clarke.certified + clarke.non_unique);
    println!("{:<24} {:>5} {:>5.1}% {:>5} {:>5.1}%", "decided", df, pct(df), dc, pct(dc));
    let (sf, sc) = (sliding_count(&fixed), sliding_count(&clarke));
    println!("{:<24} {:>5} {:>5.1}% {:>5} {:>5.1}%", "undecided: sliding*", sf, pct(sf), sc, pct(sc));
    let failures = fixed.failures + clarke.failures;
    if failures > 0 {
        eprintln!("!!! {failures} CONTAINMENT FAILURES against the 256-bit reference");
        std::process::exit(1);
    }
}

/// Runs with sliding in their reason (`Sliding`, `SlidingMayEnd`).
fn sliding_count(t: &Tally) -> usize {
    t.undecided.iter().filter(|(k, _)| k.starts_with("Sliding")).map(|(_, (z, p))| z + p).sum()
}

/// Certifies `p`, tallies the outcome, checks it against the reference and prints one line (and,
/// with `show`, the events).
fn run_one(p: &Problem, seed: u64, desc: &str, solution: &str, tally: &mut Tally, show: bool) {
    let t0 = Instant::now();
    let out = certify_with_stats::<Interval>(p, &(), &ValidatedOptions::default());
    let secs = t0.elapsed().as_secs_f64();
    let Ok((tr, stats)) = out else {
        println!("seed {seed:4} {solution} {desc:28} ERROR {:?}", out.err());
        tally.errors += 1;
        return;
    };
    let outcome = match tr.status() {
        Status::Certified => {
            tally.certified += 1;
            "certified".to_string()
        }
        Status::Undecided { reason, certified_until } => {
            if matches!(reason, UndecidedReason::NonUnique { .. }) {
                tally.non_unique += 1;
            }
            if let UndecidedReason::Sliding { neuron, point } = reason {
                *tally.sliding.entry(sliding::kind(p, &tr, *neuron, *point)).or_default() += 1;
            }
            let e = tally.undecided.entry(label(reason)).or_default();
            if certified_until.upper_f64() > 0.0 {
                e.1 += 1
            } else {
                e.0 += 1
            }
            format!("undecided until {:.4}: {reason:?}", certified_until.lower_f64())
        }
        other => format!("{other:?}"),
    };
    if show {
        for e in tr.events() {
            println!(
                "  event {:?} neuron {} point {} at [{}, {}]",
                e.kind,
                e.neuron,
                e.point,
                e.t.lower_f64(),
                e.t.upper_f64()
            );
        }
        for e in check::reference_events(p) {
            println!("  reference {:?} neuron {} point {} at {}", e.kind, e.neuron, e.point, e.t.to_f64());
        }
    }
    let slides = tr.segments().iter().filter(|s| !s.pattern().sliding.is_empty()).count();

    let checked = check::against_reference(p, &tr);
    tally.checked_runs += usize::from(checked.items > 0);
    tally.checked_items += checked.items;
    tally.ref_cut += checked.cut;
    tally.failures += checked.failures.len();
    for f in &checked.failures {
        println!("!!! CONTAINMENT FAILURE seed {seed} ({solution}): {f}");
    }
    let slid = if slides > 0 { format!(" ({slides} sliding segments)") } else { String::new() };
    println!("seed {seed:4} {solution} {desc:28} {secs:7.3}s {:3} ev  {outcome}{slid}", stats.events);
}

fn print_table(t: &Tally, solution: &str, count: usize, secs: f64) {
    let pct = |k: usize| 100.0 * k as f64 / count as f64;
    println!("\n== summary, {solution} ({count} instances, both solutions {secs:.1} s) ==");
    println!("{:<58} {:>5} {:>6}", "outcome", "count", "%");
    println!(
        "{:<58} {:>5} {:>5.1}%",
        "decided (certified + non-unique)",
        t.certified + t.non_unique,
        pct(t.certified + t.non_unique)
    );
    println!("{:<58} {:>5} {:>5.1}%", "  certified", t.certified, pct(t.certified));
    println!("{:<58} {:>5} {:>5.1}%", "  non-unique", t.non_unique, pct(t.non_unique));
    println!("{:<58} {:>5} {:>6}", "undecided reason (certified_until = 0 / > 0)", "", "");
    for (k, (z, pos)) in &t.undecided {
        if !k.starts_with("NonUnique") {
            println!("  {:<56} {:>5} {:>5.1}%   ({z} / {pos})", k, z + pos, pct(z + pos));
        }
    }
    for (k, v) in &t.sliding {
        println!("    sliding, surface at the stop {k:<30} {v:>5}");
    }
    println!("{:<58} {:>5}", "errors (refused instances)", t.errors);
    println!(
        "reference check: {} runs ({} cut at {} steps), {} containments checked, {} failures",
        t.checked_runs,
        t.ref_cut,
        check::REF_STEPS,
        t.checked_items,
        t.failures
    );
}
