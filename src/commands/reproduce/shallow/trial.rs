//! One training run of the shallow-network paper's experiments, as its script ran it: the data
//! and balanced initialisation of `reluflow_flow::net::data` (seeded), gradient descent with
//! learning rate 0.01 on the script's loss `(1/n)Σ(h − y)²` — that is, step 0.02 on the paper's
//! `L = (1/2n)Σ(h − y)²` — σ'(0) = 0, until the script's loss is below 1e-9, the weights stop
//! changing, or the iteration cap.

use super::stats::{self, Stats};
use reluflow_flow::net::data::{self, Scheme};
use reluflow_flow::net::field::{NetData, initial_state};
use reluflow_flow::net::gd::{GdOptions, GdStop, gd_run};
use reluflow_flow::net::gd_fast::{FastGd, FastGdRun};
use reluflow_flow::net::two_teachers;
use reluflow_model::{Arithmetic, Horizon, LossScale, Problem, ReluPrime, RunConfig};
use rug::ops::Pow;
use rug::{Float, Rational};
use serde::{Deserialize, Serialize};

/// The script's learning rate on its loss, which is twice the paper's.
pub const SCRIPT_LR: f64 = 0.01;
/// The script's stopping threshold on its loss `(1/n)Σ(h − y)²`.
pub const SCRIPT_THRESHOLD: f64 = 1e-9;
/// Iterations between two checks that the weights still change (the script checks at 1000
/// logging points on a geometric grid).
pub const RECORD_EVERY: u64 = 1000;

/// What one run is: the dataset scheme, the dimension (n = d), the width, λ = 4^`exp`, the trial
/// number and the iteration cap. The dataset and the unscaled initialisation depend on everything
/// but λ (the script reuses them for every λ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Trial {
    /// `true`: the centred scheme (ρ = 1); `false`: uncentred (ρ = √2 − 1).
    pub centred: bool,
    /// Dimension and number of points.
    pub d: usize,
    /// Width.
    pub m: usize,
    /// λ = 4^exp.
    pub exp: i32,
    /// Trial number (0-based).
    pub trial: u64,
    /// Iteration cap.
    pub max_iters: u64,
    /// The reproduction's seed.
    pub seed: u64,
    /// The two-teacher experiment's variance multiplier ρ, in thousandths (`None`: the one-teacher
    /// schemes; `centred` is then ignored).
    #[serde(default)]
    pub rho_milli: Option<u32>,
}

/// A finished run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The run.
    pub trial: Trial,
    /// Iterations done.
    pub iters: u64,
    /// `threshold`, `unchanged` or `max-iters`.
    pub stop: String,
    /// The script's loss `(1/n)Σ(h − y)²` at the end.
    pub loss: f64,
    /// The statistics of the final state.
    pub stats: Stats,
    /// Seconds of computation.
    pub seconds: f64,
}

impl Trial {
    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        if self.centred { Scheme::Centred } else { Scheme::Uncentred }
    }

    /// λ as an exact rational.
    pub fn lambda(&self) -> Rational {
        let p = Rational::from(rug::Integer::from(4u32).pow(self.exp.unsigned_abs()));
        if self.exp >= 0 { p } else { p.recip() }
    }

    /// The generator seed of the dataset and initialisation (independent of λ).
    fn instance_seed(&self) -> u64 {
        let mut mix = vec![self.seed, u64::from(self.centred), self.d as u64, self.m as u64, self.trial];
        mix.extend(self.rho_milli.map(u64::from));
        mix.iter().fold(0x9E37_79B9_7F4A_7C15u64, |h, v| (h ^ v).wrapping_mul(0x0100_0000_01B3).rotate_left(17))
    }

    /// The exact problem and the generated instance.
    pub(super) fn problem(&self) -> (Problem, data::Instance) {
        let run = RunConfig { t_end: Horizon::Finite(Rational::new()), arithmetic: Arithmetic::F64, precision: 53 };
        if let Some(rho) = self.rho_milli {
            let t = two_teachers::generate(self.d, self.d, self.m, f64::from(rho) / 1000.0, self.instance_seed());
            let p = t
                .to_problem(self.lambda(), ReluPrime::Zero, LossScale::HalfMean, run)
                .expect("generated instances are valid problems");
            let y = t.labels().iter().map(Rational::to_f64).collect();
            let [v1, _] = t.teachers;
            return (p, data::Instance { x: t.x, teacher: v1, y, z: t.z, s: t.s, attempts: 1 });
        }
        let spec = data::Spec { scheme: self.scheme(), n: self.d, d: self.d, m: self.m, seed: self.instance_seed() };
        let inst = data::generate(&spec);
        let p = inst
            .to_problem(self.lambda(), ReluPrime::Zero, LossScale::HalfMean, run)
            .expect("generated instances are valid problems");
        (p, inst)
    }

    pub(super) fn options(&self) -> GdOptions {
        // The paper's L is half the script's loss.
        GdOptions {
            max_iters: self.max_iters,
            record_every: RECORD_EVERY,
            loss_threshold: Some(SCRIPT_THRESHOLD / 2.0),
            stop_if_unchanged: true,
        }
    }

    /// Trains in f64 with the fast loop: the instance, the run, and the final hidden weights (as
    /// exact MPFR values, for the statistics).
    pub(super) fn train(&self) -> (data::Instance, FastGdRun, Vec<Vec<Float>>) {
        let (p, inst) = self.problem();
        let data = NetData::<f64>::from_problem(&p, &());
        let s0 = initial_state::<f64>(&p, &()).expect("a two-layer problem");
        let mut gd = FastGd::auto(&data, &s0);
        let run = gd.run(2.0 * SCRIPT_LR, &self.options());
        let w = gd.state().w.iter().map(|r| r.iter().map(|c| Float::with_val(53, *c)).collect()).collect();
        (inst, run, w)
    }

    /// Runs the trial in f64 with the fast loop.
    pub fn run(&self) -> Outcome {
        let start = std::time::Instant::now();
        let (inst, run, w) = self.train();
        let group = stats::positive_group(&inst.z, &inst.s, &inst.x);
        Outcome {
            trial: *self,
            iters: run.iters,
            stop: stop_name(&run.stop).to_string(),
            loss: script_loss(&run),
            stats: stats::of(&w, &group),
            seconds: start.elapsed().as_secs_f64(),
        }
    }

    /// Runs the trial with MPFR points at `bits` (the generic, much slower loop), stopping after
    /// at most `iters` iterations: where f64 rounding limits the f64 run's statistics.
    pub fn run_mpfr(&self, bits: u32, iters: u64) -> Outcome {
        let start = std::time::Instant::now();
        let (p, inst) = self.problem();
        let data = NetData::<Float>::from_problem(&p, &bits);
        let s0 = initial_state::<Float>(&p, &bits).expect("a two-layer problem");
        let opts = GdOptions { max_iters: iters, ..self.options() };
        let run = gd_run(&data, &s0, &Float::with_val(bits, 2.0 * SCRIPT_LR), &opts);
        let last = run.losses.last().map_or(f64::NAN, |l| l.1.to_f64());
        let group = stats::positive_group(&inst.z, &inst.s, &inst.x);
        Outcome {
            trial: *self,
            iters: run.iters,
            stop: stop_name(&run.stop).to_string(),
            loss: 2.0 * last,
            stats: stats::of(&run.state.w, &group),
            seconds: start.elapsed().as_secs_f64(),
        }
    }
}

/// The script's loss (twice the paper's) at the end of `run`.
pub(super) fn script_loss(run: &FastGdRun) -> f64 {
    2.0 * run.losses.last().map_or(f64::NAN, |l| l.1)
}

pub(super) fn stop_name(s: &GdStop) -> &'static str {
    match s {
        GdStop::Threshold => "threshold",
        GdStop::MaxIters => "max-iters",
        GdStop::Unchanged => "unchanged",
        GdStop::Undecided { .. } => "undecided",
    }
}
