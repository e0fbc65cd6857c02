//! The targeted mode: a search that climbs the claim's slack instead of sampling blindly.
//!
//! Random sampling rarely lands in a thin region of the hypothesis set. The screen's slack
//! ([`crate::slack`]: the margin by which the point run keeps the conclusion; smaller is closer
//! to a violation) is a score, and the search is a population hill climb over instances:
//!
//! * the case sequence `0..cases` is cut into rounds of `population` cases: case
//!   `k = round·population + i` is proposal `i` of round `k / population`;
//! * round 0 draws every case as the random mode does (case `k` is random case `k`);
//! * from round 1 on, the `keep` distinct instances of lowest slack seen so far (ties by case
//!   index) are the parents; proposal `i < population − fresh` perturbs parent `i mod keep`
//!   ([`neighbour`]: numbers moved on the strategies' grids, a point dropped or added) with the
//!   RNG keyed by `(seed, k)`, until every assumed hypothesis is certainly true on the neighbour
//!   (the claim's exact predicates, as for a drawn instance) or `tries` neighbours failed; the
//!   other `fresh` proposals, and a proposal without parent or neighbour, are random draws
//!   (restarts);
//! * each case is screened, certified and shrunk exactly as a random one ([`ProblemTree`] shrinks
//!   a perturbed instance), so a counterexample is only ever a certified one; a perturbed case
//!   records its parent ([`crate::CaseRecord::parent`]).
//!
//! Every proposal is a function of `(seed, k)` and the records of earlier rounds, which are
//! themselves deterministic; the cases of one round run in parallel and the parents are chosen
//! between rounds, so the same seed gives the same records whatever the threads. A targeted
//! search is not sharded and not resumed (its rounds depend on every earlier case): run several
//! seeds instead of shards. Claims without a known slack have no score to climb: their parents
//! are never chosen and the mode is random sampling.

mod perturb;
mod tree;

pub use perturb::{MAX_POINTS, neighbour, neighbour_rng};
pub use tree::{ProblemTree, simplifications};

use crate::SearchError;
use crate::case::CaseCtx;
use crate::claim::Claim;
use crate::driver::Loop;
use crate::record::{CaseRecord, CaseStatus};
use crate::search::{SearchConfig, SearchSummary};
use rayon::prelude::*;
use reluflow_model::Problem;
use std::collections::BTreeSet;
use std::time::Instant;

/// How a search proposes its instances.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Case `k` is drawn from the strategy with the RNG of `(seed, k)`.
    Random,
    /// A hill climb over the slack (see the module documentation).
    Targeted(Targeted),
}

/// The settings of the targeted mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targeted {
    /// Cases per round.
    pub population: u64,
    /// Parents kept between rounds (the instances of lowest slack).
    pub keep: usize,
    /// Fresh random draws per round (restarts).
    pub fresh: u64,
    /// Neighbours tried per proposal before it falls back to a fresh draw.
    pub tries: u32,
}

impl Default for Targeted {
    /// 16 cases per round, 4 parents, 4 restarts per round, 64 tries.
    fn default() -> Self {
        Targeted { population: 16, keep: 4, fresh: 4, tries: 64 }
    }
}

/// A parent: a case, its instance and its slack.
type Parent = (f64, u64, Problem);

/// The `keep` distinct instances of lowest slack among `pool` (ties by case).
fn parents(pool: &mut Vec<Parent>, keep: usize) {
    pool.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<Parent> = Vec::new();
    for p in pool.drain(..) {
        if out.len() < keep && !out.iter().any(|q| q.2 == p.2) {
            out.push(p);
        }
    }
    *pool = out;
}

/// The neighbour proposed for case `k` from `parent`, if one satisfies the hypotheses.
fn propose(claim: &dyn Claim, seed: u64, k: u64, parent: &Parent, tries: u32) -> Option<Problem> {
    let mut rng = neighbour_rng(seed, k);
    (0..tries).find_map(|_| neighbour(&parent.2, &mut rng).filter(|q| *q != parent.2 && claim.hypotheses(q).is_ok()))
}

/// Case `k` (proposal `i`) of a targeted search.
fn case(ctx: &CaseCtx<'_>, t: &Targeted, k: u64, i: u64, elite: &[Parent]) -> Option<CaseRecord> {
    let t0 = Instant::now();
    if elite.is_empty() || i + t.fresh >= t.population {
        return ctx.run(k);
    }
    let parent = &elite[(i as usize) % elite.len()];
    let Some(q) = propose(ctx.claim, ctx.seed, k, parent, t.tries) else { return ctx.run(k) };
    let tree = Box::new(ProblemTree::new(ctx.claim, q));
    let mut rec = ctx.run_tree(k, Ok(tree), t0)?;
    rec.parent = Some(parent.1);
    Some(rec)
}

/// A scored instance of a finished case (hypotheses held and the screen gave a slack).
fn scored(rec: &CaseRecord) -> Option<Parent> {
    let ran = !matches!(rec.status, CaseStatus::Skipped(_));
    Some((rec.slack?, rec.case, rec.problem.clone().filter(|_| ran)?))
}

/// Runs a targeted search (see the module documentation) through the random mode's loop.
pub(crate) fn run(
    claim: &dyn Claim,
    cfg: &SearchConfig,
    t: &Targeted,
    done: &BTreeSet<u64>,
    lp: Loop<'_>,
    pool: &rayon::ThreadPool,
) -> Result<SearchSummary, SearchError> {
    if cfg.shard != (0, 1) || !done.is_empty() {
        return Err(SearchError::Config("a targeted search is neither sharded nor resumed: run other seeds".into()));
    }
    if t.population == 0 || t.keep == 0 || t.fresh > t.population {
        return Err(SearchError::Config(format!("targeted: need population ≥ 1, keep ≥ 1, fresh ≤ population: {t:?}")));
    }
    let ctx =
        CaseCtx { claim, seed: cfg.seed, budget: &cfg.budget, shrink_steps: cfg.shrink_steps, cancel: lp.monitor() };
    let mut elite: Vec<Parent> = Vec::new();
    let mut round = 0;
    while round * t.population < cfg.cases && !lp.stopped() {
        let ks: Vec<u64> = (round * t.population..((round + 1) * t.population).min(cfg.cases)).collect();
        let recs: Vec<Option<CaseRecord>> = pool.install(|| {
            ks.par_iter().with_max_len(1).map(|&k| lp.one(|| case(&ctx, t, k, k % t.population, &elite))).collect()
        });
        elite.extend(recs.iter().flatten().filter_map(scored));
        parents(&mut elite, t.keep);
        round += 1;
    }
    Ok(lp.summary(0))
}
