//! One case of the search: draw the instance of case `k`, check its hypotheses, screen, certify a
//! screened violation, shrink a certified one.

use crate::claim::{Claim, VerdictKind};
use crate::record::{CaseRecord, CaseStatus, Shrunk, Timings};
use crate::screen::{Budget, confirm, screen};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use reluflow_check::RowStatus;
use reluflow_flow::monitor::Monitor;
use reluflow_model::Problem;
use std::time::Instant;

/// Rejected draws allowed per case before it is skipped (each costs one exact hypothesis check).
pub const MAX_REJECTS: u32 = 10_000;

/// The proptest RNG of case `case` under `seed`: ChaCha8 keyed by `(seed, case)` gives the 32-byte
/// seed of proptest's ChaCha RNG. It depends on nothing else (not on threads, shards or order).
pub fn case_rng(seed: u64, case: u64) -> TestRng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&case.to_le_bytes());
    key[16..].copy_from_slice(b"reluflow-search\0");
    let mut chacha = ChaCha8Rng::from_seed(key);
    let mut out = [0u8; 32];
    chacha.fill_bytes(&mut out);
    TestRng::from_seed(RngAlgorithm::ChaCha, &out)
}

/// The test runner of case `case` (its RNG from [`case_rng`], [`MAX_REJECTS`] local rejects).
pub fn case_runner(seed: u64, case: u64) -> TestRunner {
    let config = Config { max_local_rejects: MAX_REJECTS, failure_persistence: None, ..Config::default() };
    TestRunner::new_with_rng(config, case_rng(seed, case))
}

/// The instance of case `case` (what the search would draw), or why none could be drawn.
pub fn draw(claim: &dyn Claim, seed: u64, case: u64) -> Result<Problem, String> {
    let tree = claim.strategy().new_tree(&mut case_runner(seed, case)).map_err(|r| r.to_string())?;
    Ok(tree.current())
}

/// Everything a case needs besides its index.
pub(crate) struct CaseCtx<'a> {
    pub claim: &'a dyn Claim,
    pub seed: u64,
    pub budget: &'a Budget,
    pub shrink_steps: usize,
    pub cancel: &'a Monitor,
}

impl CaseCtx<'_> {
    /// A monitor for this case's runs that cancels when the search is cancelled.
    fn monitor(&self) -> Monitor {
        let outer = self.cancel.clone();
        Monitor::with_observer(move |m, _| {
            if outer.is_cancelled() {
                m.cancel();
            }
        })
    }

    /// Runs case `case`; `None` when the search was cancelled while its runs were in flight (it
    /// is then not reported, so a resumed search runs it again).
    pub fn run(&self, case: u64) -> Option<CaseRecord> {
        let t0 = Instant::now();
        let tree = self.claim.strategy().new_tree(&mut case_runner(self.seed, case)).map_err(|r| r.to_string());
        self.run_tree(case, tree, t0)
    }

    /// Runs case `case` on the instance of `tree` (drawn from `t0` on), shrinking through it.
    pub fn run_tree(
        &self,
        case: u64,
        tree: Result<Box<dyn ValueTree<Value = Problem> + '_>, String>,
        t0: Instant,
    ) -> Option<CaseRecord> {
        let mut timings = Timings::default();
        let rec = |problem, status| CaseRecord {
            case,
            problem,
            screened: None,
            certified: None,
            certified_on: None,
            status,
            slack: None,
            parent: None,
            shrunk: None,
            timings: Timings::default(),
        };
        let mut tree = match tree {
            Ok(t) => t,
            Err(why) => return Some(rec(None, CaseStatus::Skipped(format!("no instance could be drawn: {why}")))),
        };
        let problem = tree.current();
        timings.generate = t0.elapsed();
        if let Err(why) = self.claim.hypotheses(&problem) {
            return Some(CaseRecord { timings, ..rec(Some(problem), CaseStatus::Skipped(why)) });
        }
        let monitor = self.monitor();
        let t1 = Instant::now();
        let (screened, slack) = screen(self.claim, &problem, self.budget, Some(monitor.clone()));
        timings.screen = t1.elapsed();
        let mut out = CaseRecord { slack, timings, ..rec(Some(problem.clone()), CaseStatus::Holds) };
        out.status = match screened.verdict {
            VerdictKind::Holds => CaseStatus::Holds,
            VerdictKind::Undecided => CaseStatus::Undecided(screened.text.clone()),
            VerdictKind::Inconsistent => CaseStatus::Internal(screened.text.clone()),
            VerdictKind::Violated => CaseStatus::NotConfirmed(String::new()),
        };
        let violated = screened.looks_violated();
        out.screened = Some(screened);
        if violated {
            let t2 = Instant::now();
            let screened = out.screened.as_ref().expect("set above");
            let (certified, on) = confirm(self.claim, &problem, screened, self.budget, Some(monitor.clone()));
            out.certified_on = on;
            out.timings.certify = Some(t2.elapsed());
            out.status = match (certified.status, certified.verdict) {
                (RowStatus::Counterexample, _) => CaseStatus::Counterexample,
                (RowStatus::Inconsistent, _) | (_, VerdictKind::Inconsistent) => {
                    CaseStatus::Internal(certified.text.clone())
                }
                _ => CaseStatus::NotConfirmed(certified.text.clone()),
            };
            out.certified = Some(certified);
        }
        if out.status == CaseStatus::Counterexample && self.shrink_steps > 0 {
            let t3 = Instant::now();
            out.shrunk = self.shrink(&mut *tree, &monitor);
            out.timings.shrink = Some(t3.elapsed());
        }
        (!monitor.is_cancelled()).then_some(out)
    }

    /// Shrinks a certified counterexample through its value tree, re-screening each candidate;
    /// the smallest instance that still screens as violated is re-certified. `None` when no
    /// simpler instance screens as violated.
    fn shrink(&self, tree: &mut dyn ValueTree<Value = Problem>, monitor: &Monitor) -> Option<Shrunk> {
        let original = tree.current();
        // The screened judgement of a candidate that still fails (hypotheses hold, screen violated).
        let fails = |p: &Problem| {
            let j = self.claim.hypotheses(p).ok().map(|()| screen(self.claim, p, self.budget, Some(monitor.clone())).0);
            j.filter(|j| j.looks_violated())
        };
        let (mut best, mut steps, mut accepted) = (None, 0, 0);
        let mut more = tree.simplify();
        while more && steps < self.shrink_steps && !monitor.is_cancelled() {
            steps += 1;
            let candidate = tree.current();
            if let Some(screened) = fails(&candidate) {
                best = Some((candidate, screened));
                accepted += 1;
                more = tree.simplify();
            } else {
                more = tree.complicate();
            }
        }
        let (problem, screened) = best.filter(|(p, _)| *p != original)?;
        let (certified, on) = confirm(self.claim, &problem, &screened, self.budget, Some(monitor.clone()));
        Some(Shrunk { problem: on.unwrap_or(problem), steps, accepted, certified })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rngs_depend_on_seed_and_case_only() {
        let word = |seed, case| case_rng(seed, case).next_u64();
        assert_eq!(word(7, 3), word(7, 3));
        assert_ne!(word(7, 3), word(7, 4));
        assert_ne!(word(7, 3), word(8, 3));
        // No xor-style collisions: (seed, case) and (case, seed) differ.
        assert_ne!(word(3, 7), word(7, 3));
    }
}
