//! Plain timings of the search (no harness): `cargo bench -p reluflow-search --bench screen`
//! (sections: `-- full`, `fast`, `net`, `search`, `first`, `theorem`; default all).
//!
//! * `full` / `fast`: screening throughput for single-neuron instances (d ≤ 5, n ≤ 8, t ∈ [0, 8]
//!   and t_end = inf) of the three Lee–Sim–Ye claims, with the full screen (reference solver and
//!   checker) and with the fast f64 screen;
//! * `net`: two-layer instances (m ≤ 8, d, n ≤ 6): the conjecture `lsy.support-vector-stability`
//!   with the full and the fast screen on the same instances (rates, screened violations and how
//!   many certify), then the full-screen throughput of two theorems and certified runs per second;
//! * `search`: cases per second of whole searches (1 and 2 threads, no shrinking), with the
//!   screened violations and how many certified;
//! * `first`: time to the first certified counterexample of `lsy.norm-growth` (default switches)
//!   for ten seeds, one thread, without and with shrinking;
//! * `theorem`: a whole search of `gen.loss-nonincreasing` (a theorem, full screen) with one and
//!   two threads.

use proptest::strategy::BoxedStrategy;
use reluflow_arith::Interval;
use reluflow_check::RowStatus;
use reluflow_flow::Trajectory;
use reluflow_flow::monitor::Monitor;
use reluflow_model::Horizon;
use reluflow_model::{ModelKind, Problem};
use reluflow_search::fast::Fast;
use reluflow_search::screen::{certify, screen};
use reluflow_search::strategy::{NetSpace, net_problem};
use reluflow_search::{Budget, CaseRecord, CaseStatus, Claim, Judgement, Plan, SearchConfig, draw, search};
use std::time::{Duration, Instant};

fn throughput(id: &str, horizon: Horizon, count: u64, fast: bool) {
    let plan = Plan::new(id, &Default::default(), None, Some(horizon.clone())).unwrap();
    let t0 = Instant::now();
    let problems: Vec<_> = (0..count).map(|k| draw(&plan, 0, k).unwrap()).collect();
    let drawn = t0.elapsed();
    let budget = Budget { fast_screen: fast, ..Budget::default() };
    let t1 = Instant::now();
    let mut violated = 0;
    for p in &problems {
        violated += usize::from(screen(&plan as &dyn Claim, p, &budget, None).0.looks_violated());
    }
    let screened = t1.elapsed();
    let handed = problems.iter().filter(|p| fast && matches!(plan.fast(p), Some(Err(_)))).count();
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "screen  {id:<29} {:<6} {:<4} {count:>5} instances: draw {:>7.0}/s, screen {:>7.0}/s ({:.3} ms each), {violated} screened violations, {handed} handed to the full screen",
        if horizon == Horizon::Infinite { "t=inf" } else { "t<=8" },
        if fast { "fast" } else { "full" },
        rate(drawn),
        rate(screened),
        screened.as_secs_f64() * 1e3 / count as f64
    );
}

/// Cases per second of a whole search (draw, hypotheses, screen, certify the violations; no
/// shrinking) with `jobs` threads.
fn search_rate(id: &str, cases: u64, jobs: usize) {
    let cfg = SearchConfig { cases, seed: 5, jobs, shrink_steps: 0, ..SearchConfig::new(id) };
    let t0 = Instant::now();
    let s = search(&cfg, &Default::default(), &|_: CaseRecord| {}, &Monitor::new()).unwrap();
    let el = t0.elapsed().as_secs_f64();
    println!(
        "search  {id:<29} {cases} cases, {jobs} job(s): {el:.2} s ({:.0} cases/s), {} screened violations, {} certified",
        cases as f64 / el,
        s.coverage.screened_violations,
        s.counterexamples.len()
    );
}

/// A two-layer catalogue claim on a wider instance space than its plan's default (`m ≤ 8`,
/// `d, n ≤ 6`).
struct Wide(Plan, NetSpace);

impl Claim for Wide {
    fn id(&self) -> &str {
        self.0.id()
    }
    fn strategy(&self) -> BoxedStrategy<Problem> {
        net_problem(&self.1)
    }
    fn hypotheses(&self, p: &Problem) -> Result<(), String> {
        Claim::hypotheses(&self.0, p)
    }
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement {
        self.0.judge(p, traj)
    }
    fn fast(&self, p: &Problem) -> Option<Result<Fast, String>> {
        self.0.fast(p)
    }
}

/// The two-layer claim `id` on `m ≤ 8`, `d, n ≤ 6`, and `count` of its instances (seed 0).
fn wide(id: &str, count: u64) -> (Wide, Vec<Problem>) {
    let plan = Plan::new(id, &Default::default(), Some(ModelKind::TwoLayer), None).unwrap();
    let claim = Wide(plan, NetSpace { m: 1..=8, d: 1..=6, n: 1..=6, ..NetSpace::default() });
    let problems: Vec<_> = (0..count).map(|k| draw(&claim, 0, k).unwrap()).collect();
    (claim, problems)
}

/// Two-layer screening of a theorem (the full screen, on purpose) and certification rates for
/// `id` on `m ≤ 8`, `d, n ≤ 6`.
fn net_throughput(id: &str, count: u64) {
    let (claim, problems) = wide(id, count);
    let budget = Budget::default();
    let t1 = Instant::now();
    let (mut violated, mut certified) = (0, 0);
    for p in &problems {
        violated += usize::from(screen(&claim, p, &budget, None).0.looks_violated());
    }
    let screened = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    for p in problems.iter().take(40) {
        certified += usize::from(certify(&claim, p, &budget, None).status == RowStatus::Holds);
    }
    let cert = t2.elapsed().as_secs_f64();
    println!(
        "screen  {id:<29} two-layer m≤8 d,n≤6 {count} instances: screen {:>6.1}/s ({:.2} ms each), {violated} screened violations; certified run + check {:.1}/s, {certified}/40 certified to hold",
        count as f64 / screened,
        screened * 1e3 / count as f64,
        40.0 / cert
    );
}

/// Screens `problems` with the full (`fast = false`) or the fast screen: instances/s, the
/// screened violations (case indices), how many the fast screen handed to the full one, and how
/// many it left undecided.
fn net_screen(claim: &Wide, problems: &[Problem], fast: bool) -> (f64, Vec<usize>, usize, usize) {
    let budget = Budget { fast_screen: fast, ..Budget::default() };
    let t0 = Instant::now();
    let mut violated = Vec::new();
    let mut undecided = 0;
    for (k, p) in problems.iter().enumerate() {
        let j = screen(claim, p, &budget, None).0;
        if j.looks_violated() {
            violated.push(k);
        }
        undecided += usize::from(j.verdict == reluflow_search::VerdictKind::Undecided);
    }
    let rate = problems.len() as f64 / t0.elapsed().as_secs_f64();
    let handed = problems.iter().filter(|p| fast && matches!(claim.fast(p), Some(Err(_)))).count();
    (rate, violated, handed, undecided)
}

/// The two-layer conjecture (support vectors per neuron) on `m ≤ 8`, `d, n ≤ 6`: the full and
/// the fast screen on the same instances, in one run, and how many screened violations of each
/// certify.
fn net_fast_vs_full(count: u64) {
    let id = "lsy.support-vector-stability";
    let (claim, problems) = wide(id, count);
    let budget = Budget::default();
    let certified = |ks: &[usize]| {
        ks.iter().filter(|k| certify(&claim, &problems[**k], &budget, None).status == RowStatus::Counterexample).count()
    };
    let t0 = Instant::now();
    let judged = problems.iter().filter(|p| matches!(claim.fast(p), Some(Ok(_)))).count();
    println!(
        "screen  {id:<29} two-layer m≤8 d,n≤6 {count} instances, the fast run alone: {:>7.1}/s, {judged} judged by it",
        count as f64 / t0.elapsed().as_secs_f64()
    );
    for fast in [false, true] {
        let (rate, violated, handed, undecided) = net_screen(&claim, &problems, fast);
        println!(
            "screen  {id:<29} two-layer m≤8 d,n≤6 {count} instances, {} screen: {rate:>7.1}/s ({:.2} ms each), {} screened violations ({} certify), {undecided} undecided, {handed} handed to the full screen",
            if fast { "fast" } else { "full" },
            1e3 / rate,
            violated.len(),
            certified(&violated),
        );
    }
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

/// Whether section `name` runs: every section without arguments, else those named (`cargo bench
/// -p reluflow-search --bench screen -- fast` runs the fast screen's throughput alone).
fn wanted(name: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    args.is_empty() || args.iter().any(|a| a == name)
}

fn main() {
    let eight = || Horizon::Finite(rug::Rational::from(8));
    for (fast, count, name) in [(false, 1000, "full"), (true, 20_000, "fast")] {
        if wanted(name) {
            throughput("lsy.norm-growth", eight(), 2 * count, fast);
            throughput("lsy.norm-growth", Horizon::Infinite, count, fast);
            throughput("lsy.support-vector-stability", Horizon::Infinite, count, fast);
            throughput("lsy.global-convergence-d2", Horizon::Infinite, count, fast);
        }
    }
    if wanted("net") {
        net_fast_vs_full(200);
        net_throughput("gen.balancedness", 200);
        net_throughput("gen.loss-nonincreasing", 200);
    }
    if wanted("search") {
        for id in ["lsy.norm-growth", "lsy.support-vector-stability"] {
            search_rate(id, 20_000, 1);
            search_rate(id, 20_000, 2);
        }
    }
    if wanted("first") {
        time_to_counterexample(0);
        time_to_counterexample(200);
    }
    if wanted("theorem") {
        whole_search(1);
        whole_search(2);
    }
}
