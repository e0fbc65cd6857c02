//! `reluflow reproduce NAME`: the papers' experiments, certified where the toolkit certifies,
//! each writing a CSV table, a markdown summary that states every setting, and an SVG plot.

pub mod gd_vs_gf;
mod gd_vs_gf_table;
pub mod shallow;
pub mod single_neuron;
mod single_table;
mod table;
pub mod vardi_shamir;

use crate::exit::{Exit, Failure};
use clap::Args;
use rayon::prelude::*;
use rug::Rational;
use std::path::PathBuf;
use vardi_shamir::{ALPHAS, PAPER_GAMMAS, Row, SWEEP_GAMMAS, certify_row};

/// One line for the subcommand list.
pub const ABOUT: &str = "Reproduce a paper's experiment: a CSV table, a markdown summary and an SVG plot";

/// `reluflow reproduce --help`.
pub const LONG_ABOUT: &str = "\
Reproduce an experiment of the papers behind reluflow and write, into OUT (default
reproduce-out/NAME): NAME.csv (one row per run, every number exact or outward rounded),
NAME.md (the settings, the table beside the paper's stated values, and every deviation) and
NAME.svg (a plot).

Reproductions:
  vardi-shamir   Vardi & Shamir (COLT 2021), Theorem 3: for X_γ with rows (3, −1, 0), (4, 2, 0),
                 (0, γ, γ), y = α(16, 18, 0), w(0) = 0, σ'(0) = 1, L = ½Σ(σ(x_iᵀw) − y_i)²,
                 gradient flow converges to w(∞) = α(5, −1, s). Each row certifies the limit
                 (t_end = inf) and reports the enclosure of s = w₃(∞)/α, in f64 intervals and
                 in 256-bit MPFR intervals. --quick: the paper's γ = 0, 1, 2, 5 with α = 1 (well
                 under a second); default and --full: also γ = 1/4, 1/2, 3/2, 3, 4, 10, 20, 50,
                 100, 1000 and α = 1/10, 7 (84 runs, a few seconds).

  single-neuron  Lee, Sim & Ye's single-neuron claims (norm growth, support-vector stability,
                 d = 2 global convergence) as statistics over seeded random instances: per
                 (claim, hypothesis set) row, K instances drawn as `reluflow search` draws them,
                 each certified and checked; the share proved, certifiably broken and undecided,
                 and norm growth against the initial radius r. K = --seeds (--quick: 12; default:
                 200; --full: 1000); --seed S picks the instances.

  shallow-angles Chistikov, Englert & Lazić (NeurIPS 2023), §8 and App. H: gradient descent with
                 the experiment script's settings (its two data schemes, n = d, balanced
                 initialisation at scale λ = 4^2 … 4^-13, learning rate 0.01 on the mean squared
                 error, float64, until the loss is below 1e-9 or 2·10^7 iterations), seeded; per
                 setting the median ± sd over trials of the largest and mean angle between the
                 active positive neurons (an accurate formula beside the script's acos) and ‖W‖_*,
                 and the smallest λ rerun in 128-bit MPFR. --quick: d = 4, m = 25, 3 λ values,
                 2 trials, at most 20,000 iterations (seconds); default: d ∈ {4, 16}, m = 200,
                 16 λ, 5 trials (--seeds K); --full: d up to 1024 and m ∈ {25, 50, 200} (hours
                 to days). Resumes: finished trials are kept in OUT/shallow-angles.jsonl and not
                 recomputed.

  shallow-loss   The same paper's Fig. 2 (centred, m = 200) and Fig. 9 (uncentred, m = 25), d = 16,
                 λ = 4^-2 … 4^-8: the training loss and the out-of-distribution test loss (4n
                 points from N(0, I_d)) along one GD run per λ, on a geometric grid of iterations.
                 --quick: d = 4, m = 25, 3 λ values, 20,000 iterations. Resumes like
                 shallow-angles.

  shallow-single-run  The same paper's Examples 31, 33, 35: one GD run (uncentred, d = 16, m = 25,
                 λ = 4^-7) sampled on a dense geometric grid: the eigen-coordinates of v* − v
                 (they cross zero in the order of decreasing eigenvalue), ‖v‖, ‖v* − v‖, the
                 angles of v to γ and v*, ‖W‖_* and ‖θ‖² (→ 1 and 2). --quick: d = 8, λ = 4^-4.

  two-teachers   The same paper's Appendix I: labels from two opposite teachers (norms 1 and 3),
                 d = 16 points around each, m = 25, λ = 4^-7, the script's GD; the largest angle
                 within each output-sign group against ρ (the paper's ρ values are not stated:
                 0.01 … 4), median ± sd over --seeds trials (default 5; the paper used 15).
                 --quick: d = 4, 2 ρ values, 2 trials. Resumes like shallow-angles.

  certified-gd-vs-gf  The paper-size network (uncentred, m = 25, d = n = 16, λ = 4^-7,
                 seed 1; the instance of examples/two-layer-paper-m25.toml): the certified
                 gradient flow to t = 2720 (f64 intervals, about 1.5 minutes) beside GD with the
                 script's learning rate, time rescaled; at every certified segment end, the GD
                 iterate's distance to the certified box and whether its activation pattern
                 agrees. --quick: m = d = n = 4, λ = 4^-3, t = 60 (seconds).

Examples:
  reluflow reproduce vardi-shamir --quick
  reluflow reproduce single-neuron --seeds 500 --seed 3
  reluflow reproduce vardi-shamir --out results/vs --jobs 2
  reluflow reproduce shallow-angles --jobs 2 --out results/angles

Exit codes: 0 every row certified (and, where the paper states a value, inside it; for
single-neuron: every instance decided; for the shallow-network reproductions: every run
finished; for certified-gd-vs-gf: the flow certified to its horizon); 3 some row undecided
or outside the paper's interval (the summary says which); 2 bad arguments.";

/// Arguments of `reluflow reproduce`.
#[derive(Debug, Args)]
pub struct ReproduceArgs {
    /// The experiment (see the list above)
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The short variant (seconds; what the test suite runs)
    #[arg(long, conflicts_with = "full")]
    pub quick: bool,
    /// The full variant (the default when it is short, as for vardi-shamir)
    #[arg(long)]
    pub full: bool,
    /// Output directory (default: reproduce-out/NAME)
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Instances (or trials) per row, overriding --quick / --full
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub seeds: Option<u64>,
    /// The seed of the drawn instances (reproductions over random instances)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: every core)
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
}

/// Writes `text` to `dir/name`; a failure names the path (exit 70).
pub(crate) fn save(dir: &std::path::Path, name: &str, text: &str) -> Result<(), Failure> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| Failure::internal(anyhow::anyhow!("cannot write {}: {e}", path.display())))
}

/// The reproductions that exist.
pub const NAMES: [&str; 7] = [
    "vardi-shamir",
    "single-neuron",
    "shallow-angles",
    "shallow-loss",
    "shallow-single-run",
    "two-teachers",
    "certified-gd-vs-gf",
];

/// Runs `reluflow reproduce`.
pub fn run(args: &ReproduceArgs) -> Result<Exit, Failure> {
    if !NAMES.contains(&args.name.as_str()) {
        return Err(Failure::bad_input(anyhow::anyhow!(
            "reproduce: got `{}`, which is not a reproduction; the available ones are {}",
            args.name,
            NAMES.join(", ")
        )));
    }
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("reproduce-out").join(&args.name));
    std::fs::create_dir_all(&out)
        .map_err(|e| Failure::bad_input(anyhow::anyhow!("--out {}: cannot create it: {e}", out.display())))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0) as usize)
        .build()
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot start the worker threads: {e}")))?;
    if args.name == "single-neuron" {
        return single(args, &out, &pool);
    }
    if args.name == "shallow-angles" {
        let plan = shallow::Plan::new(args.quick, args.full, args.seeds);
        return shallow::run(&plan, args.seed, &out, &pool);
    }
    if args.name == "shallow-single-run" {
        return shallow::run_single(args.quick, args.seed, &out);
    }
    if args.name == "certified-gd-vs-gf" {
        eprintln!("reproduce certified-gd-vs-gf: certifying the flow, then GD beside it");
        let c = gd_vs_gf::run(args.quick)?;
        gd_vs_gf_table::write(&out, &c, args.quick)?;
        eprintln!(
            "wrote {0}/certified-gd-vs-gf.csv, .md, .svg; {1} segment ends compared",
            out.display(),
            c.points.len()
        );
        return Ok(if c.status == "certified" { Exit::Success } else { Exit::Undecided });
    }
    if args.name == "two-teachers" {
        return shallow::run_two(args.quick, args.seeds, args.seed, &out, &pool);
    }
    if args.name == "shallow-loss" {
        return shallow::run_loss(args.quick, args.seed, &out, &pool);
    }
    let cases = vardi_shamir_cases(args.quick);
    eprintln!("reproduce vardi-shamir: {} certified runs into {}", cases.len(), out.display());
    let rows: Vec<Row> = pool.install(|| {
        cases.par_iter().map(|(g, a, bits)| certify_row(g, a, *bits)).collect::<Result<Vec<_>, Failure>>()
    })?;
    let settings = if args.quick { "--quick" } else { "full" };
    table::write(&out, "vardi-shamir", &rows, settings)?;
    let bad = rows.iter().filter(|r| r.s.is_none() || !r.first_two || r.within_paper() == Some(false)).count();
    eprintln!(
        "wrote {0}/vardi-shamir.csv, {0}/vardi-shamir.md, {0}/vardi-shamir.svg; {1} of {2} rows certified{3}",
        out.display(),
        rows.len() - bad,
        rows.len(),
        if bad == 0 { " and inside the paper's intervals" } else { " (see the summary for the others)" }
    );
    Ok(if bad == 0 { Exit::Success } else { Exit::Undecided })
}

/// `reproduce single-neuron`: every row of [`single_neuron::SETS`] on the pool.
fn single(args: &ReproduceArgs, out: &std::path::Path, pool: &rayon::ThreadPool) -> Result<Exit, Failure> {
    let k = args.seeds.unwrap_or(if args.quick {
        12
    } else if args.full {
        1000
    } else {
        200
    });
    let sets = single_neuron::SETS;
    eprintln!("reproduce single-neuron: {} rows × {k} certified instances into {}", sets.len(), out.display());
    let rows: Vec<single_neuron::Row> = pool.install(|| {
        sets.par_iter().map(|s| single_neuron::run_set(s, k, args.seed)).collect::<Result<Vec<_>, Failure>>()
    })?;
    let settings = format!("{k} instances per row");
    single_table::write(out, &rows, &settings, args.seed)?;
    let (tried, undecided): (usize, usize) = rows.iter().fold((0, 0), |(t, u), r| (t + r.tried, u + r.undecided));
    eprintln!(
        "wrote {0}/single-neuron.csv, .md, .svg; {1} of {tried} instances decided",
        out.display(),
        tried - undecided
    );
    Ok(if undecided == 0 { Exit::Success } else { Exit::Undecided })
}

/// The (γ, α, MPFR bits or `None` for f64 intervals) of the table.
fn vardi_shamir_cases(quick: bool) -> Vec<(Rational, Rational, Option<u32>)> {
    let q = |p: (i64, i64)| Rational::from(p);
    let mut gammas: Vec<Rational> = PAPER_GAMMAS.iter().map(|g| q(*g)).collect();
    let mut alphas = vec![q(ALPHAS[0])];
    if !quick {
        gammas.extend(SWEEP_GAMMAS.iter().map(|g| q(*g)));
        gammas.sort();
        alphas.extend(ALPHAS[1..].iter().map(|a| q(*a)));
    }
    let mut out = Vec::new();
    for g in &gammas {
        for a in &alphas {
            for bits in [None, Some(256)] {
                out.push((g.clone(), a.clone(), bits));
            }
        }
    }
    out
}
