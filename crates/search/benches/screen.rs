//! Plain timings of the search (no harness): `cargo bench -p reluflow-search --bench screen`.
//!
//! * screening throughput: single-neuron instances (d ≤ 5, n ≤ 8, t ∈ [0, 8] and t_end = inf)
//!   drawn from the default space, each run through the f64 point solver and the checker for
//!   `lsy.norm-growth`;
//! * time to the first certified counterexample of `lsy.norm-growth` (default switches) for ten
//!   seeds, one thread, without and with shrinking;
//! * a whole search of `gen.loss-nonincreasing` (a theorem) with one and two threads.

use reluflow_flow::monitor::Monitor;
use reluflow_model::Horizon;
use reluflow_search::screen::screen;
use reluflow_search::{Budget, CaseRecord, CaseStatus, Claim, Plan, SearchConfig, draw, search};
use std::time::{Duration, Instant};

fn throughput(horizon: Horizon, count: u64) {
    let plan = Plan::new("lsy.norm-growth", &Default::default(), None, Some(horizon.clone())).unwrap();
    let t0 = Instant::now();
    let problems: Vec<_> = (0..count).map(|k| draw(&plan, 0, k).unwrap()).collect();
    let drawn = t0.elapsed();
    let budget = Budget::default();
    let t1 = Instant::now();
    let mut violated = 0;
    for p in &problems {
        violated += usize::from(screen(&plan as &dyn Claim, p, &budget, None).0.looks_violated());
    }
    let screened = t1.elapsed();
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "screen  {:<8} {count} instances: draw {:>8.0}/s, screen {:>7.0}/s ({:.3} ms each), {violated} screened violations",
        if horizon == Horizon::Infinite { "t=inf" } else { "t<=8" },
        rate(drawn),
        rate(screened),
        screened.as_secs_f64() * 1e3 / count as f64
    );
}

/// Seconds to the first certified counterexample (cancelling the search there), and its case.
fn first_counterexample(seed: u64, shrink_steps: usize) -> (f64, Option<u64>) {
    let cfg = SearchConfig { cases: 10_000, seed, shrink_steps, ..SearchConfig::new("lsy.norm-growth") };
    let monitor = Monitor::new();
    let found = std::sync::Mutex::new(None);
    let sink = |r: CaseRecord| {
        if r.status == CaseStatus::Counterexample {
            found.lock().unwrap().get_or_insert(r.case);
            monitor.cancel();
        }
    };
    let t0 = Instant::now();
    search(&cfg, &Default::default(), &sink, &monitor).unwrap();
    (t0.elapsed().as_secs_f64(), *found.lock().unwrap())
}

fn time_to_counterexample(shrink_steps: usize) {
    let mut times = Vec::new();
    let mut cases = Vec::new();
    for seed in 0..10 {
        let (t, case) = first_counterexample(seed, shrink_steps);
        times.push(t);
        cases.push(case.map_or("none".to_string(), |c| c.to_string()));
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "first counterexample, lsy.norm-growth, shrink {shrink_steps:>3}: median {:.2} ms, max {:.2} ms; cases {}",
        sorted[5] * 1e3,
        sorted[9] * 1e3,
        cases.join(" ")
    );
}

fn whole_search(jobs: usize) {
    let cfg = SearchConfig { cases: 400, seed: 3, jobs, ..SearchConfig::new("gen.loss-nonincreasing") };
    let t0 = Instant::now();
    let s = search(&cfg, &Default::default(), &|_: CaseRecord| {}, &Monitor::new()).unwrap();
    let el = t0.elapsed().as_secs_f64();
    println!(
        "search  gen.loss-nonincreasing, 400 cases, {jobs} job(s): {:.2} s ({:.0} cases/s), {} counterexamples",
        el,
        400.0 / el,
        s.counterexamples.len()
    );
}

fn main() {
    throughput(Horizon::Finite(rug::Rational::from(8)), 2000);
    throughput(Horizon::Infinite, 1000);
    time_to_counterexample(0);
    time_to_counterexample(200);
    whole_search(1);
    whole_search(2);
}
