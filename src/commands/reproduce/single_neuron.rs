//! `reproduce single-neuron`: the phenomena of the Lee–Sim–Ye abstract as statistics over seeded
//! random instances, each one **certified**: for every (claim, hypothesis set) row, `K` instances
//! are drawn exactly as `reluflow search` draws them (the same strategies, every assumed
//! hypothesis certainly true), integrated with interval arithmetic and checked; the row counts
//! how often the claim was proved, certifiably broken, or left undecided. Norm growth is also
//! tabulated against the radius r of the initialisation (`‖w(0)‖ ≤ r`).

use crate::exit::Failure;
use reluflow_check::Selection;
use reluflow_check::report::RowStatus;
use reluflow_flow::Status;
use reluflow_search::{Budget, Claim, Plan, draw, screen};
use std::collections::BTreeMap;
use std::time::Instant;

/// One row of the table: a claim under a hypothesis set (and a radius for `small-init`).
#[derive(Clone, Debug)]
pub struct Set {
    /// The catalogue id.
    pub claim: &'static str,
    /// The switchable hypotheses assumed (every other switchable one is not).
    pub assumed: &'static [&'static str],
    /// `r` of `small-init` (`‖w(0)‖ ≤ r`), as an exact decimal.
    pub radius: Option<&'static str>,
}

const fn set(claim: &'static str, assumed: &'static [&'static str], radius: Option<&'static str>) -> Set {
    Set { claim, assumed, radius }
}

/// The rows: each claim with no hypothesis, the sets the project's searches broke and the sets
/// they did not, and norm growth against the initial radius.
pub const SETS: &[Set] = &[
    set("lsy.norm-growth", &[], None),
    set("lsy.norm-growth", &["teacher"], None),
    set("lsy.norm-growth", &["teacher", "small-init"], Some("1")),
    set("lsy.norm-growth", &["teacher", "small-init"], Some("0.1")),
    set("lsy.norm-growth", &["teacher", "small-init"], Some("0.01")),
    set("lsy.norm-growth", &["teacher", "small-init"], Some("0.001")),
    set("lsy.norm-growth", &["teacher", "zero-init", "relu-prime-one"], None),
    set("lsy.norm-growth", &["teacher", "zero-init", "relu-prime-one", "d2"], None),
    set("lsy.support-vector-stability", &[], None),
    set("lsy.support-vector-stability", &["teacher"], None),
    set("lsy.support-vector-stability", &["teacher", "small-init"], Some("0.1")),
    set("lsy.support-vector-stability", &["teacher", "zero-init", "relu-prime-one"], None),
    set("lsy.support-vector-stability", &["teacher", "zero-init", "relu-prime-one", "d2"], None),
    set("lsy.global-convergence-d2", &["d2", "teacher"], None),
    set("lsy.global-convergence-d2", &["d2", "teacher", "small-init"], Some("0.1")),
    set("lsy.global-convergence-d2", &["d2", "teacher", "zero-init", "relu-prime-one"], None),
];

/// The certified statistics of one set.
#[derive(Clone, Debug)]
pub struct Row {
    /// The set.
    pub set: Set,
    /// Instances drawn.
    pub tried: usize,
    /// Proved to hold (over the whole horizon).
    pub holds: usize,
    /// Certified counterexamples.
    pub counterexamples: usize,
    /// Neither (the run or the check stopped undecided).
    pub undecided: usize,
    /// Of the undecided: the certified run itself stopped early, by cause (the reason's kind —
    /// `non-unique`, `grazing`, `budget`, … — with `other` split into `filippov-frozen`,
    /// `switch-at-t_end`, `limit-near-hyperplane`; `failed` when the run errs); the rest ran to
    /// the horizon and the claim's enclosures did not decide it.
    pub run_stops: BTreeMap<&'static str, usize>,
    /// The first certified counterexample's case index.
    pub first_cex: Option<u64>,
    /// Wall-clock seconds of the row.
    pub seconds: f64,
}

impl Set {
    /// The hypotheses as text (`none` when empty; `small-init (r = 0.1)`).
    pub fn label(&self) -> String {
        if self.assumed.is_empty() {
            return "none".into();
        }
        let word = |h: &&str| match (*h, self.radius) {
            ("small-init", Some(r)) => format!("small-init (r = {r})"),
            (h, _) => h.to_string(),
        };
        self.assumed.iter().map(word).collect::<Vec<_>>().join(", ")
    }

    fn plan(&self) -> Result<Plan, Failure> {
        let entry = reluflow_check::entry(self.claim)
            .ok_or_else(|| Failure::internal(anyhow::anyhow!("{} is not in the catalogue", self.claim)))?;
        let mut sel = Selection::default();
        for h in entry.hypotheses.iter().filter(|h| h.switchable) {
            sel.assume.insert(h.id.to_string(), self.assumed.contains(&h.id));
        }
        if let Some(r) = self.radius {
            let q = reluflow_arith::exact::parse_exact(r)
                .map_err(|e| Failure::internal(anyhow::anyhow!("radius {r}: {e}")))?;
            sel.params.init_norm_bound = Some(q);
        }
        Plan::new(self.claim, &sel, None, None).map_err(|e| Failure::internal(anyhow::anyhow!("{e}")))
    }
}

/// Draws `k` instances of `set` (cases `0..k` of `seed`), certifies and checks each.
pub fn run_set(set: &Set, k: u64, seed: u64) -> Result<Row, Failure> {
    let plan = set.plan()?;
    let start = Instant::now();
    let mut row = Row {
        set: set.clone(),
        tried: 0,
        holds: 0,
        counterexamples: 0,
        undecided: 0,
        run_stops: BTreeMap::new(),
        first_cex: None,
        seconds: 0.0,
    };
    let budget = Budget::default();
    for case in 0..k {
        let Ok(p) = draw(&plan, seed, case) else { continue };
        row.tried += 1;
        let (status, stop) = match screen::certified_run(&p, &budget, None) {
            Ok(traj) => {
                let stop = match traj.status() {
                    Status::Undecided { reason, .. } => Some(cause(reason)),
                    _ => None,
                };
                (plan.judge(&p, &traj).status, stop)
            }
            Err(_) => (RowStatus::Undecided, Some("failed")),
        };
        match status {
            RowStatus::Holds => row.holds += 1,
            RowStatus::Counterexample => {
                row.counterexamples += 1;
                row.first_cex.get_or_insert(case);
            }
            _ => {
                row.undecided += 1;
                if let Some(kind) = stop {
                    *row.run_stops.entry(kind).or_default() += 1;
                }
            }
        }
    }
    row.seconds = start.elapsed().as_secs_f64();
    Ok(row)
}

/// A short name for why a certified run stopped: the reason's kind, with the single neuron's
/// `other` reasons told apart.
fn cause(reason: &reluflow_flow::UndecidedReason) -> &'static str {
    let text = reason.to_string();
    match crate::report::JsonReason::of(reason).kind {
        "other" if text.contains("Filippov") => "filippov-frozen",
        "other" if text.contains("time enclosure of t_end") => "switch-at-t_end",
        "other" if text.contains("may lie on the hyperplane") => "limit-near-hyperplane",
        kind => kind,
    }
}

impl Row {
    /// The undecided instances whose certified run stopped early, as `kind ×count` pairs, and how
    /// many ran to the horizon with the claim left undecided.
    pub fn undecided_causes(&self) -> (String, usize) {
        let stops: usize = self.run_stops.values().sum();
        let words: Vec<String> = self.run_stops.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        (words.join(" "), self.undecided - stops)
    }
}

/// `part / whole` as a percentage with one decimal (`—` for an empty row).
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 { "—".into() } else { format!("{:.1}", 100.0 * part as f64 / whole as f64) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row names a searchable claim, satisfiable hypotheses and a radius that parses.
    #[test]
    fn every_set_has_a_plan() {
        for s in SETS {
            assert!(s.plan().is_ok(), "{} under {}", s.claim, s.label());
        }
    }
}
