//! The search loop: deterministic per `(seed, case)`, sharded, resumable, parallel.

use crate::SearchError;
use crate::case::{CaseCtx, case_runner};
use crate::claim::Claim;
use crate::coverage::Coverage;
use crate::driver::Loop;
use crate::plan::Plan;
use crate::record::Sink;
use crate::screen::Budget;
use crate::targeted::Mode;
use proptest::strategy::Strategy;
use rayon::prelude::*;
use reluflow_check::Selection;
use reluflow_flow::monitor::Monitor;
use reluflow_model::{Horizon, ModelKind};
use std::collections::BTreeSet;
use std::time::Duration;

/// What to search and how.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchConfig {
    /// The catalogue entry (`lsy.norm-growth`, …).
    pub theorem: String,
    /// Switches (`assume`) and parameters; its `ids` are ignored.
    pub selection: Selection,
    /// The model (default: the single neuron when the entry applies to it).
    pub model: Option<ModelKind>,
    /// The horizon of the instances (default: what the entry's check needs, [`crate::default_horizon`]).
    pub horizon: Option<Horizon>,
    /// Length of the global case sequence: cases `0..cases`.
    pub cases: u64,
    /// The seed; case `k` draws from an RNG keyed by `(seed, k)` alone.
    pub seed: u64,
    /// `(i, n)`: this run takes the cases `k ≡ i (mod n)`.
    pub shard: (u64, u64),
    /// Worker threads (0: the machine's available parallelism).
    pub jobs: usize,
    /// Start no case after this much time.
    pub time_limit: Option<Duration>,
    /// Most shrinking steps per counterexample (0: no shrinking).
    pub shrink_steps: usize,
    /// Per-case integrator budgets.
    pub budget: Budget,
    /// Random sampling, or a targeted search that climbs the slack ([`crate::Targeted`]).
    pub mode: Mode,
}

impl SearchConfig {
    /// Defaults for `theorem`: the catalogue's default switches, 100 cases, seed 0, one shard, one
    /// thread, no time limit, 200 shrinking steps, [`Budget::default`], random sampling.
    pub fn new(theorem: impl Into<String>) -> SearchConfig {
        SearchConfig {
            theorem: theorem.into(),
            selection: Selection::default(),
            model: None,
            horizon: None,
            cases: 100,
            seed: 0,
            shard: (0, 1),
            jobs: 1,
            time_limit: None,
            shrink_steps: 200,
            budget: Budget::default(),
            mode: Mode::Random,
        }
    }

    /// The plan of this configuration's entry, switches, model and horizon.
    ///
    /// # Errors
    /// As [`Plan::new`].
    pub fn plan(&self) -> Result<Plan, SearchError> {
        Plan::new(&self.theorem, &self.selection, self.model, self.horizon.clone())
    }

    /// The cases of this shard, in increasing order.
    pub fn shard_cases(&self) -> impl Iterator<Item = u64> {
        let (i, n) = self.shard;
        (0..self.cases).filter(move |k| n > 0 && k % n == i)
    }
}

/// Why a search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Every case of the shard that was not done already has been run.
    Completed,
    /// The monitor was cancelled: cases not started (or interrupted) are not reported.
    Cancelled,
    /// The time limit passed: cases not started are not reported.
    TimeLimit,
}

/// The summary of one search run (the records themselves went to the sink).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchSummary {
    /// Counts and spreads of the cases run now (not of the ones skipped as done).
    pub coverage: Coverage,
    /// Why it stopped.
    pub stop: StopReason,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// The cases with a certified counterexample, in increasing order.
    pub counterexamples: Vec<u64>,
    /// Cases of the shard skipped because they were already done.
    pub already_done: u64,
}

/// Checks that the claim yields instances at all: draws once from a runner keyed by
/// `(seed, u64::MAX)` (no case of the sequence).
///
/// # Errors
/// [`SearchError::Unsatisfiable`] naming `hyps` with the strategy's reason.
pub fn probe(claim: &dyn Claim, seed: u64, hyps: &[&str]) -> Result<(), SearchError> {
    claim.strategy().new_tree(&mut case_runner(seed, u64::MAX)).map(|_| ()).map_err(|why| SearchError::Unsatisfiable {
        hyps: hyps.iter().map(|h| h.to_string()).collect(),
        why: format!("no instance found: {why}"),
    })
}

/// Searches the catalogue entry of `cfg` (see [`search_claim`]), after checking that its assumed
/// hypotheses can hold together ([`probe`]).
///
/// # Errors
/// As [`Plan::new`] and [`probe`]; a bad shard or thread pool ([`SearchError::Config`]).
pub fn search(
    cfg: &SearchConfig,
    done: &BTreeSet<u64>,
    sink: &dyn Sink,
    monitor: &Monitor,
) -> Result<SearchSummary, SearchError> {
    let plan = cfg.plan()?;
    probe(&plan, cfg.seed, &plan.assumed())?;
    search_claim(&plan, cfg, done, sink, monitor)
}

/// Runs the cases of `cfg`'s shard that are not in `done` against `claim` (the entry, switches,
/// model and horizon of `cfg` are not used: the claim has its own), `cfg.jobs` at a time. Each
/// finished case goes to `sink` at once. A cancelled `monitor` or the time limit stops the start
/// of new cases; cases interrupted in flight are not reported. Progress goes to `monitor.poll`
/// after each case: `t` = seconds elapsed, `steps` = cases finished, `events` = counterexamples.
///
/// # Errors
/// [`SearchError::Config`] for a shard `(i, n)` without `i < n`, or a thread pool that cannot start.
pub fn search_claim(
    claim: &dyn Claim,
    cfg: &SearchConfig,
    done: &BTreeSet<u64>,
    sink: &dyn Sink,
    monitor: &Monitor,
) -> Result<SearchSummary, SearchError> {
    let (i, n) = cfg.shard;
    if n == 0 || i >= n {
        return Err(SearchError::Config(format!("shard {i}/{n}: need 0 ≤ i < n")));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .map_err(|e| SearchError::Config(format!("thread pool: {e}")))?;
    if let Mode::Targeted(t) = &cfg.mode {
        return crate::targeted::run(claim, cfg, t, done, Loop::new(cfg, sink, monitor), &pool);
    }
    let todo: Vec<u64> = cfg.shard_cases().filter(|k| !done.contains(k)).collect();
    let already_done = cfg.shard_cases().count() as u64 - todo.len() as u64;
    let ctx = CaseCtx { claim, seed: cfg.seed, budget: &cfg.budget, shrink_steps: cfg.shrink_steps, cancel: monitor };
    let lp = Loop::new(cfg, sink, monitor);
    pool.install(|| todo.par_iter().with_max_len(1).for_each(|&k| drop(lp.one(|| ctx.run(k)))));
    Ok(lp.summary(already_done))
}
