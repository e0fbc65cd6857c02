//! `reproduce two-teachers`: the shallow-network paper's Appendix I (Fig. 10): labels from two
//! opposite teachers (norms 1 and 3, `reluflow_flow::net::two_teachers`), gradient descent with the
//! script's settings, and the largest angle within the neurons of each output sign (the script's
//! grouping) against the variance multiplier ρ; medians and standard deviations over trials.
//! The paper does not state its ρ values; the plan's are listed in the summary.

use super::journal::Record;
use super::stats::{self, Stats};
use super::trial::Trial;
use serde::{Deserialize, Serialize};

/// A finished two-teacher run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TwoOutcome {
    /// The run.
    pub trial: Trial,
    /// Iterations done.
    pub iters: u64,
    /// `threshold`, `unchanged` or `max-iters`.
    pub stop: String,
    /// The script's loss at the end.
    pub loss: f64,
    /// Statistics of the positive-sign group (alive at initialisation).
    pub positive: Stats,
    /// Statistics of the negative-sign group (alive at initialisation).
    pub negative: Stats,
    /// Seconds of computation.
    pub seconds: f64,
}

impl Record for TwoOutcome {
    fn trial(&self) -> Trial {
        self.trial
    }
}

/// The runs of a variant.
#[derive(Clone, Debug)]
pub struct TwoPlan {
    /// Points per teacher = d.
    pub d: usize,
    /// Width.
    pub m: usize,
    /// λ = 4^exp.
    pub exp: i32,
    /// ρ values in thousandths.
    pub rhos: Vec<u32>,
    /// Trials per ρ.
    pub trials: u64,
    /// Iteration cap.
    pub max_iters: u64,
    /// The variant's name.
    pub name: &'static str,
}

impl TwoPlan {
    /// `--quick` (d = 4, seconds) or the paper's d = 16, m = 25, λ = 4⁻⁷ (5 trials by default; the
    /// paper's 15 with `--seeds 15`).
    pub fn new(quick: bool, trials: Option<u64>) -> TwoPlan {
        let mut plan = if quick {
            TwoPlan { d: 4, m: 25, exp: -4, rhos: vec![50, 414], trials: 2, max_iters: 20_000, name: "--quick" }
        } else {
            let rhos = vec![10, 50, 100, 200, 414, 700, 1000, 2000, 4000];
            TwoPlan { d: 16, m: 25, exp: -7, rhos, trials: 5, max_iters: 20_000_000, name: "default" }
        };
        if let Some(k) = trials {
            plan.trials = k;
        }
        plan
    }

    /// Every run, in order.
    pub fn trials(&self, seed: u64) -> Vec<Trial> {
        let mut out = Vec::new();
        for &rho in &self.rhos {
            for trial in 0..self.trials {
                let (d, m, exp, max_iters) = (self.d, self.m, self.exp, self.max_iters);
                out.push(Trial { centred: false, d, m, exp, trial, max_iters, seed, rho_milli: Some(rho) });
            }
        }
        out
    }
}

/// The neurons of sign `sign` with a point active at initialisation.
fn group(z: &[Vec<f64>], s: &[i8], x: &[Vec<f64>], sign: i8) -> Vec<usize> {
    let flipped: Vec<i8> = s.iter().map(|v| v * sign).collect();
    stats::positive_group(z, &flipped, x)
}

impl Trial {
    /// Runs a two-teacher trial in f64 with the fast loop.
    pub fn run_two(&self) -> TwoOutcome {
        let start = std::time::Instant::now();
        let (inst, run, w) = self.train();
        let of = |sign| stats::of(&w, &group(&inst.z, &inst.s, &inst.x, sign));
        TwoOutcome {
            trial: *self,
            iters: run.iters,
            stop: super::trial::stop_name(&run.stop).to_string(),
            loss: super::trial::script_loss(&run),
            positive: of(1),
            negative: of(-1),
            seconds: start.elapsed().as_secs_f64(),
        }
    }
}
