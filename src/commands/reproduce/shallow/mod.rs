//! `reproduce shallow-angles`: the shallow-network paper's §8 experiments (Fig. 1, 7, 8 and its
//! appendix tables) — gradient descent from a balanced initialisation at scale λ, and at the end
//! the largest and mean angle between the active positive neurons and the nuclear norm of W —
//! with the script's settings (`shared/papers/shallow-relu-correlated-inputs.md` §7), seeded.
//!
//! Every finished trial is appended to `shallow-angles.jsonl` in the output directory at once, and
//! a rerun with the same directory and settings skips the trials found there: an interrupted run
//! (Ctrl-C, a crash, a batch job's time limit) resumes where it stopped.

mod curve;
mod journal;
mod loss;
mod single_run;
mod single_table;
mod stats;
mod table;
mod trial;
mod two;
mod two_table;

use crate::exit::{Exit, Failure};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::Path;
pub use trial::{Outcome, Trial};

/// What a variant runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// `(d, m)` pairs (n = d).
    pub sizes: Vec<(usize, usize)>,
    /// λ = 4^e for these e.
    pub exps: Vec<i32>,
    /// Trials per setting.
    pub trials: u64,
    /// Iteration cap.
    pub max_iters: u64,
    /// Iterations of the MPFR rerun of the smallest λ.
    pub mpfr_iters: u64,
    /// The variant's name, for the summary.
    pub name: &'static str,
}

impl Plan {
    /// `--quick` (seconds), the default, or `--full` (hours; d up to 1024).
    pub fn new(quick: bool, full: bool, trials: Option<u64>) -> Plan {
        let paper_exps: Vec<i32> = (-13..=2).rev().collect();
        let mut plan = if quick {
            Plan {
                sizes: vec![(4, 25)],
                exps: vec![0, -3, -6],
                trials: 2,
                max_iters: 20_000,
                mpfr_iters: 300,
                name: "--quick",
            }
        } else if full {
            let mut sizes: Vec<(usize, usize)> = [4, 16, 64, 256, 1024].iter().map(|&d| (d, 200)).collect();
            sizes.extend([(1024, 25), (1024, 50)]);
            Plan { sizes, exps: paper_exps, trials: 5, max_iters: 20_000_000, mpfr_iters: 40_000, name: "--full" }
        } else {
            Plan {
                sizes: vec![(4, 200), (16, 200)],
                exps: paper_exps,
                trials: 5,
                max_iters: 20_000_000,
                mpfr_iters: 40_000,
                name: "default",
            }
        };
        if let Some(k) = trials {
            plan.trials = k;
        }
        plan
    }

    /// Every trial, in a fixed order.
    pub fn trials(&self, seed: u64) -> Vec<Trial> {
        let mut out = Vec::new();
        for centred in [true, false] {
            for &(d, m) in &self.sizes {
                for &exp in &self.exps {
                    for trial in 0..self.trials {
                        out.push(Trial { centred, d, m, exp, trial, max_iters: self.max_iters, seed, rho_milli: None });
                    }
                }
            }
        }
        out
    }
}

fn bar(total: u64) -> ProgressBar {
    let target =
        if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} trials [{elapsed_precise}, eta {eta}] {msg}")
    {
        bar.set_style(style);
    }
    bar
}

/// Runs `f` on every trial of `all` not yet in the journal `OUT/NAME.jsonl`, appending each result
/// as it finishes, and returns the results of `all` (old and new) in trial order.
fn run_all<R: journal::Record + Send + Sync>(
    name: &str,
    variant: &str,
    all: &[Trial],
    out: &Path,
    pool: &rayon::ThreadPool,
    f: impl Fn(&Trial) -> R + Sync,
) -> Result<Vec<R>, Failure> {
    let journal = journal::Journal::<R>::open(&out.join(format!("{name}.jsonl")))?;
    let done = journal.finished();
    let todo: Vec<Trial> = all.iter().filter(|t| !done.contains_key(*t)).copied().collect();
    eprintln!(
        "reproduce {name} ({variant}): {} trials, {} already in {}, {} to run",
        all.len(),
        all.len() - todo.len(),
        journal.path().display(),
        todo.len()
    );
    let progress = bar(todo.len() as u64);
    let fresh: Vec<R> = pool.install(|| {
        todo.par_iter()
            .map(|t| {
                let r = f(t);
                journal.append(&r)?;
                progress.inc(1);
                Ok(r)
            })
            .collect::<Result<Vec<_>, Failure>>()
    })?;
    progress.finish_and_clear();
    let mut results: Vec<R> = done.into_values().filter(|r| all.contains(&r.trial())).collect();
    results.extend(fresh);
    results.sort_by_key(|r| r.trial());
    Ok(results)
}

/// Runs the plan on `pool` into `out`, resuming from its journal.
pub fn run(plan: &Plan, seed: u64, out: &Path, pool: &rayon::ThreadPool) -> Result<Exit, Failure> {
    let outcomes = run_all("shallow-angles", plan.name, &plan.trials(seed), out, pool, Trial::run)?;
    let check = mpfr_check(plan, seed);
    table::write(out, plan, seed, &outcomes, &check)?;
    let capped = outcomes.iter().filter(|o| o.stop == "max-iters").count();
    eprintln!(
        "wrote {0}/shallow-angles.csv, .md, .svg; {1} trials, {capped} stopped at the iteration cap",
        out.display(),
        outcomes.len()
    );
    Ok(Exit::Success)
}

/// `reproduce shallow-loss`: one curve per (scheme, λ) of the plan, into `out`.
pub fn run_loss(quick: bool, seed: u64, out: &Path, pool: &rayon::ThreadPool) -> Result<Exit, Failure> {
    let plan = loss::LossPlan::new(quick);
    let curves = run_all("shallow-loss", plan.name, &plan.trials(seed), out, pool, |t| t.curve(plan.grid))?;
    loss::write(out, &plan, seed, &curves)?;
    eprintln!("wrote {0}/shallow-loss.csv, .md, .svg; {1} runs", out.display(), curves.len());
    Ok(Exit::Success)
}

/// `reproduce two-teachers`: every run of the plan on `pool` into `out`, resuming from its journal.
pub fn run_two(
    quick: bool,
    trials: Option<u64>,
    seed: u64,
    out: &Path,
    pool: &rayon::ThreadPool,
) -> Result<Exit, Failure> {
    let plan = two::TwoPlan::new(quick, trials);
    let rows = run_all("two-teachers", plan.name, &plan.trials(seed), out, pool, Trial::run_two)?;
    two_table::write(out, &plan, seed, &rows)?;
    eprintln!("wrote {0}/two-teachers.csv, .md, .svg; {1} runs", out.display(), rows.len());
    Ok(Exit::Success)
}

/// `reproduce shallow-single-run`: the paper's Examples 31, 33 and 35 (`--quick`: d = 8, m = 25,
/// λ = 4⁻⁴, 20,000 iterations).
pub fn run_single(quick: bool, seed: u64, out: &Path) -> Result<Exit, Failure> {
    let (d, exp, max_iters, k) = if quick { (8, -4, 20_000, 150) } else { (16, -7, 20_000_000, 600) };
    let t = Trial { centred: false, d, m: 25, exp, trial: 0, max_iters, seed, rho_milli: None };
    eprintln!("reproduce shallow-single-run: one run (d = {d}, m = 25, λ = 4^{exp}), up to {max_iters} iterations");
    let run = t.single_run(k);
    single_table::write(out, &run, seed)?;
    eprintln!(
        "wrote {0}/shallow-single-run.csv, .md, .svg; {1} samples, eigen-coordinates crossed in order: {2}",
        out.display(),
        run.samples.len(),
        run.crossed_in_order()
    );
    Ok(Exit::Success)
}

/// The smallest λ of the smallest size, trial 0, centred (where the angles are smallest and the
/// run reaches the loss threshold within the default's 40,000 iterations): the same run in f64
/// and in 128-bit MPFR, side by side.
fn mpfr_check(plan: &Plan, seed: u64) -> [Outcome; 2] {
    let (d, m) = plan.sizes[0];
    let exp = *plan.exps.iter().min().expect("a plan has λ values");
    let t = Trial { centred: true, d, m, exp, trial: 0, max_iters: plan.mpfr_iters, seed, rho_milli: None };
    [t.run(), t.run_mpfr(128, plan.mpfr_iters)]
}
