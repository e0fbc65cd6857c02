//! Random against targeted search (no harness): `cargo bench -p reluflow-search --bench targeted`.
//!
//! For each single-neuron LSY claim, under its default hypotheses and under a harder set where
//! counterexamples are thin (`small-init` always with radius 0.1), and for the two-layer reading of
//! support-vector stability, ten seeds of each mode run (one thread, no shrinking) until the
//! first certified counterexample or a budget of 20,000 cases; the table gives the median number of
//! cases and the median time to it (a seed that found none counts as the budget, and `found`
//! says how many seeds found one, and how many within a smaller budget of 1,000 cases). `-- explore` prints how many of 200 random cases certify under
//! each set of switches (how the harder sets were chosen); `-- WORD` runs only the matching rows.

use reluflow_flow::monitor::Monitor;
use reluflow_model::ModelKind;
use reluflow_search::{CaseRecord, CaseStatus, Collect, Mode, SearchConfig, Targeted, search};
use std::collections::BTreeMap;
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

/// Cases and seconds to the first certified counterexample (cases: `None` if none was found within
/// `budget` cases).
fn first(set: &Set, mode: Mode, seed: u64) -> (Option<u64>, f64) {
    let (theorem, _, assume, model, budget) = *set;
    let mut cfg = SearchConfig { cases: budget, seed, shrink_steps: 0, mode, model, ..SearchConfig::new(theorem) };
    if assume.iter().any(|(h, _)| *h == "small-init") {
        cfg.selection.params.init_norm_bound = Some(rug::Rational::from((1, 10)));
    }
    cfg.selection.assume = assume.iter().map(|(h, b)| (h.to_string(), *b)).collect::<BTreeMap<_, _>>();
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
    (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
}

fn row(set: &Set) {
    let (theorem, label, _, _, budget) = *set;
    for (name, mode) in [("random", Mode::Random), ("targeted", Mode::Targeted(Targeted::default()))] {
        let runs: Vec<_> = (0..SEEDS).map(|s| first(set, mode.clone(), s)).collect();
        let found = runs.iter().filter(|r| r.0.is_some()).count();
        let within = runs.iter().filter(|r| r.0.is_some_and(|c| c <= SMALL)).count();
        let cases = median(runs.iter().map(|r| r.0.unwrap_or(budget) as f64).collect());
        let secs = median(runs.iter().map(|r| r.1).collect());
        let shown = if found * 2 > SEEDS as usize { format!("{cases:>6.1}") } else { format!(">{budget:>5}") };
        println!(
            "{theorem:<30} {label:<34} {name:<8} found {found:>2}/{SEEDS} ({within:>2} within {SMALL} cases)  median cases {shown}  median time {secs:>7.2} s"
        );
    }
}

/// A claim, a label, a set of assumed switches, the model (`None`: the claim's default) and the
/// case budget of one run.
type Set = (&'static str, &'static str, &'static [(&'static str, bool)], Option<ModelKind>, u64);

const NET: Option<ModelKind> = Some(ModelKind::TwoLayer);

const SETS: [Set; 13] = [
    ("lsy.norm-growth", "default", &[], None, BUDGET),
    ("lsy.norm-growth", "teacher+positive-labels", &[("teacher", true), ("positive-labels", true)], None, BUDGET),
    ("lsy.norm-growth", "positive-labels+zero-init", &[("positive-labels", true), ("zero-init", true)], None, BUDGET),
    (
        "lsy.norm-growth",
        "teacher+zero-init+relu-prime-one",
        &[("teacher", true), ("zero-init", true), ("relu-prime-one", true)],
        None,
        BUDGET,
    ),
    (
        "lsy.norm-growth",
        "teacher+small-init 0.1+all-active+pos",
        &[("teacher", true), ("small-init", true), ("all-active-init", true), ("positive-labels", true)],
        None,
        BUDGET,
    ),
    ("lsy.support-vector-stability", "default", &[], None, BUDGET),
    (
        "lsy.support-vector-stability",
        "teacher+all-active-init",
        &[("teacher", true), ("all-active-init", true)],
        None,
        BUDGET,
    ),
    (
        "lsy.support-vector-stability",
        "teacher+zero-init+relu-prime-one",
        &[("teacher", true), ("zero-init", true), ("relu-prime-one", true)],
        None,
        BUDGET,
    ),
    ("lsy.support-vector-stability", "two-layer (default)", &[], NET, NET_BUDGET),
    ("lsy.support-vector-stability", "two-layer all-active-init", &[("all-active-init", true)], NET, NET_BUDGET),
    ("lsy.global-convergence-d2", "default", &[], None, BUDGET),
    ("lsy.global-convergence-d2", "all-active-init", &[("all-active-init", true)], None, BUDGET),
    (
        "lsy.global-convergence-d2",
        "all-active-init+positive-labels",
        &[("all-active-init", true), ("positive-labels", true)],
        None,
        BUDGET,
    ),
];

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

fn main() {
    if std::env::args().any(|a| a == "explore") {
        return explore();
    }
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    for set in &SETS {
        let (theorem, label) = (set.0, set.1);
        if only.is_empty() || only.iter().any(|o| theorem.contains(o.as_str()) || label.contains(o.as_str())) {
            row(set);
        }
    }
}
