//! Random against targeted search (no harness): `cargo bench -p reluflow-search --bench targeted`.
//!
//! For each single-neuron LSY claim, under its default hypotheses and under harder sets where
//! counterexamples are thin, and for the two-layer reading of support-vector stability, ten seeds
//! of each mode run (one thread, no shrinking) until the first certified counterexample or a
//! budget of 20,000 cases; the table gives the median number of cases and the median time to it (a
//! seed that found none counts as the budget, and `found` says how many seeds found one, and how
//! many within a smaller budget of 1,000 cases). `-- WORD` runs only the rows whose claim or label
//! contains WORD (`-- tiny` the thin set: norm growth from `‖w(0)‖ ≤ 1/1000` in `d = 2`).
//! `-- explore` prints how many of 200 random cases certify under each set of switches (how the
//! harder sets were chosen); `-- scan THEOREM R SW1,SW2,… [net] [SEEDS] [BUDGET]` the row of an
//! ad-hoc set (`R`: the small-init radius `p/q`, or `none`), with each seed's result on stderr.

use reluflow_flow::monitor::Monitor;
use reluflow_model::ModelKind;
use reluflow_search::{CaseRecord, CaseStatus, Collect, Mode, SearchConfig, Targeted, search};
use rug::Rational;
use std::sync::Mutex;
use std::time::Instant;

/// Cases per run at most.
const BUDGET: u64 = 20_000;
/// Cases per run at most on the two-layer model (its cases cost about ten times more).
const NET_BUDGET: u64 = 3_000;
/// Seeds per mode.
const SEEDS: u64 = 10;
/// A smaller case budget: how many seeds find a counterexample within it.
const SMALL: u64 = 1000;

/// A hypothesis set of a claim: the assumed switches, the small-init radius (used when
/// `small-init` is assumed), the model (`None`: the claim's default) and the case budget of a run.
struct Set {
    theorem: String,
    label: String,
    assume: Vec<String>,
    radius: Rational,
    model: Option<ModelKind>,
    budget: u64,
}

/// A single-neuron set with the budget [`BUDGET`] and radius 1/10.
fn set(theorem: &str, label: &str, assume: &[&str]) -> Set {
    let assume = assume.iter().map(|h| h.to_string()).collect();
    let (theorem, label) = (theorem.to_string(), label.to_string());
    Set { theorem, label, assume, radius: Rational::from((1, 10)), model: None, budget: BUDGET }
}

/// The same set on the two-layer model (budget [`NET_BUDGET`]).
fn net(s: Set) -> Set {
    Set { model: Some(ModelKind::TwoLayer), budget: NET_BUDGET, ..s }
}

fn radius(s: Set, p: i64, q: i64) -> Set {
    Set { radius: Rational::from((p, q)), ..s }
}

/// Cases and seconds to the first certified counterexample (cases: `None` if none was found within
/// the set's budget).
fn first(set: &Set, mode: Mode, seed: u64) -> (Option<u64>, f64) {
    let (cases, model) = (set.budget, set.model);
    let mut cfg = SearchConfig { cases, seed, shrink_steps: 0, mode, model, ..SearchConfig::new(&set.theorem) };
    if set.assume.iter().any(|h| h == "small-init") {
        cfg.selection.params.init_norm_bound = Some(set.radius.clone());
    }
    cfg.selection.assume = set.assume.iter().map(|h| (h.clone(), true)).collect();
    let monitor = Monitor::new();
    let (found, count) = (Mutex::new(None), Mutex::new(0u64));
    let sink = |r: CaseRecord| {
        *count.lock().unwrap() += 1;
        if r.status == CaseStatus::Counterexample && found.lock().unwrap().is_none() {
            *found.lock().unwrap() = Some(*count.lock().unwrap());
            monitor.cancel();
        }
    };
    let t0 = Instant::now();
    search(&cfg, &Default::default(), &sink, &monitor).unwrap();
    let n = *found.lock().unwrap();
    (n, t0.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    (v[(v.len() - 1) / 2] + v[v.len() / 2]) / 2.0
}

fn row(set: &Set, seeds: u64) {
    let (theorem, label, budget) = (&set.theorem, &set.label, set.budget);
    for (name, mode) in [("random", Mode::Random), ("targeted", Mode::Targeted(Targeted::default()))] {
        let runs: Vec<_> = (0..seeds).map(|s| first(set, mode.clone(), s)).collect();
        for (s, r) in runs.iter().enumerate() {
            eprintln!("  {name} seed {s}: {:?} cases, {:.2} s", r.0, r.1);
        }
        let found = runs.iter().filter(|r| r.0.is_some()).count();
        let within = runs.iter().filter(|r| r.0.is_some_and(|c| c <= SMALL)).count();
        let cases = median(runs.iter().map(|r| r.0.unwrap_or(budget) as f64).collect());
        let secs = median(runs.iter().map(|r| r.1).collect());
        let shown = if found * 2 > seeds as usize { format!("{cases:>6.1}") } else { format!(">{budget:>5}") };
        println!(
            "{theorem:<30} {label:<40} {name:<8} found {found:>2}/{seeds} ({within:>2} within {SMALL} cases)  median cases {shown}  median time {secs:>7.2} s"
        );
    }
}

fn sets() -> Vec<Set> {
    let (ng, sv, gc) = ("lsy.norm-growth", "lsy.support-vector-stability", "lsy.global-convergence-d2");
    let small = ["teacher", "small-init", "all-active-init", "positive-labels"];
    let tiny = ["teacher", "small-init", "all-active-init", "positive-labels", "d2"];
    vec![
        set(ng, "default", &[]),
        set(ng, "teacher+positive-labels", &["teacher", "positive-labels"]),
        set(ng, "positive-labels+zero-init", &["positive-labels", "zero-init"]),
        set(ng, "teacher+zero-init+relu-prime-one", &["teacher", "zero-init", "relu-prime-one"]),
        set(ng, "teacher+small-init 0.1+all-active+pos", &small),
        set(ng, "teacher+small-init 0.1+all-active+pos+d2", &tiny),
        radius(set(ng, "teacher+small-init 0.01+all-active+pos+d2", &tiny), 1, 100),
        radius(set(ng, "tiny: teacher+small-init 0.001+all-active+pos+d2", &tiny), 1, 1000),
        set(sv, "default", &[]),
        set(sv, "teacher+all-active-init", &["teacher", "all-active-init"]),
        set(sv, "teacher+zero-init+relu-prime-one", &["teacher", "zero-init", "relu-prime-one"]),
        net(set(sv, "two-layer (default)", &[])),
        net(set(sv, "two-layer all-active-init", &["all-active-init"])),
        set(gc, "default", &[]),
        set(gc, "all-active-init", &["all-active-init"]),
        set(gc, "all-active-init+positive-labels", &["all-active-init", "positive-labels"]),
    ]
}

/// `explore`: the certified counterexamples of 200 random cases (seed 0) under every set of at
/// most three of the switches, to find where they are thin.
fn explore() {
    let switches = ["teacher", "all-active-init", "positive-labels", "zero-init", "relu-prime-one"];
    for theorem in ["lsy.norm-growth", "lsy.support-vector-stability", "lsy.global-convergence-d2"] {
        for mask in 0u32..32 {
            let on: Vec<&str> = (0..5).filter(|i| mask >> i & 1 == 1).map(|i| switches[i]).collect();
            if on.len() > 3 {
                continue;
            }
            let mut cfg = SearchConfig { cases: 200, shrink_steps: 0, ..SearchConfig::new(theorem) };
            cfg.selection.assume = on.iter().map(|h| (h.to_string(), true)).collect();
            let sink = Collect::new();
            match search(&cfg, &Default::default(), &sink, &Monitor::new()) {
                Ok(s) => println!("{theorem:<30} {:<50} {:>3} / 200", on.join("+"), s.counterexamples.len()),
                Err(e) => println!("{theorem:<30} {:<50} {e}", on.join("+")),
            }
        }
    }
}

/// `scan THEOREM R SW1,SW2,… [net] [SEEDS] [BUDGET]` (see the module documentation).
fn scan(args: &[String]) {
    let assume: Vec<&str> = args[1..].get(1).map_or(vec![], |a| a.split(',').filter(|s| !s.is_empty()).collect());
    let mut s = set(&args[0], &format!("{} r={}", assume.join("+"), args[1]), &assume);
    if args[1] != "none" {
        s.radius = args[1].parse().expect("R: a rational p/q");
    }
    if args.get(3).is_some_and(|m| m == "net") {
        s = net(s);
    }
    if let Some(b) = args.get(5) {
        s.budget = b.parse().expect("BUDGET: a number of cases");
    }
    row(&s, args.get(4).map_or(SEEDS, |n| n.parse().expect("SEEDS: a number")));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    match args.first().map(String::as_str) {
        Some("explore") => explore(),
        Some("scan") => scan(&args[1..]),
        _ => {
            for set in sets() {
                let hit = |o: &String| set.theorem.contains(o.as_str()) || set.label.contains(o.as_str());
                if args.is_empty() || args.iter().any(hit) {
                    row(&set, SEEDS);
                }
            }
        }
    }
}
