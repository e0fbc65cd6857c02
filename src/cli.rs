//! The command line (clap derive) and its validation into a config: nothing reaches a library
//! before the command line and the problem file have both been checked.

use crate::exit::{Failure, help_table};
use crate::report::DEFAULT_DIGITS;
use crate::spec;
use clap::{Args, Parser, Subcommand};
use reluflow_check::Selection;
use reluflow_check::lemma::Lemma;
use reluflow_model::Problem;
use std::path::PathBuf;

mod hyps;
pub use hyps::HypArgs;

const ABOUT: &str = "Certified gradient flows of ReLU neurons and shallow ReLU networks";

const LONG_ABOUT: &str = "\
Certified gradient flows of ReLU neurons and shallow ReLU networks.

reluflow integrates the gradient flow dw/dt = -∇L(w) of a single ReLU neuron or a two-layer ReLU
network on a fixed data set, with interval arithmetic: every reported number is an enclosure
[lo, hi] that contains the exact value for the exact input (decimals in problem files are exact
rationals: 0.1 is 1/10). Where a proof step fails (grazing contact with a switching surface,
non-unique continuation, enclosures too wide) the run says UNDECIDED, with the reason and the time
up to which everything is certified; it never guesses.

Start with `reluflow certify --help` (the problem-file format) and the examples in examples/;
`reluflow check --help` checks the theorem catalogue (`reluflow theorems`) along a trajectory;
`reluflow plot --help` draws a trajectory's certified enclosures as an SVG picture.";

const CERTIFY_ABOUT: &str =
    "Integrate the gradient flow of a problem file and certify the trajectory, its events and its limit";

const CERTIFY_LONG_ABOUT: &str = "\
Integrate the gradient flow of the problem in SPEC (a TOML file) up to run.t_end, locating every
activation switch (a data point entering or leaving a neuron's active half-space), and, for
t_end = \"inf\", certify the limit w(∞) and its loss.

Output: a report of the status, the events (time enclosures), the final state and the limit, each
number as [lo, hi] rounded outward to --digits significant digits. With --json, the same report
is a JSON document on stdout and the human text goes to stderr.";

const CERTIFY_AFTER_LONG_HELP: &str = r#"Problem file (TOML; every number is read exactly: integers, decimals such as 0.1 or "1e-600",
ratios such as "1/3"):

  model = "single-neuron"        # or "two-layer"
  relu_prime_at_zero = 1         # 0 (default) or 1: the value used for σ'(0)
  loss = "half-sum"              # "half-sum" ½Σ, "half-mean" (1/2n)Σ, "mean" (1/n)Σ
                                 #   (default: half-sum for single-neuron, half-mean for two-layer)
  [data]
  x = [[3, -1, 0], [4, 2, 0], [0, 1, 1]]   # n points, each of dimension d
  y = [16, 18, 0]                          # or teacher = [...]: y_i = relu(teacher·x_i)
  [init]
  w = [0, 0, 0]                  # single neuron
  # two-layer explicit:  w = [[...], ...]   a = [...]
  # two-layer balanced:  scale = "1e-600"   z = [[...], ...]   s = [1, -1, ...]
  #                      (w_j = scale·z_j, a_j = s_j‖w_j‖)
  [run]
  t_end = "inf"                  # a time ≥ 0, or "inf" for the certified limit
  arithmetic = "interval"        # "f64" | "mpfr" | "interval" | "mpfr-interval"
  # precision = 256              # bits: required by, and only for, "mpfr" and "mpfr-interval"
  tolerance = "1e-18"            # two-layer only, optional: relative local error per step
  order = 20                     # two-layer only, optional: Taylor order, 2 to 64
  solution = "fixed"             # two-layer only: "fixed" (default) or "clarke", see below
  time_limit = 600               # optional: seconds per integration (0: none); --time-limit wins
  memory_limit = 8000            # optional: megabytes of resident memory (0: none; default 90 %
                                 #   of the free memory); --memory-limit wins

Accuracy (two-layer models; both settings automatic when absent, and every setting gives
enclosures, only their width and the run time change): `tolerance` is the local error per Taylor
step relative to each neuron's size (automatic: 1.7e-13 in f64 intervals, 1e-30 in MPFR intervals);
it sets the step size and caps each step's rigorous remainder at 100× itself. `order` is the order
of the Taylor method (automatic: from the tolerance, 17 for f64 intervals, 32 for MPFR ones). Lower
tolerances cost a little time and buy most of the width; higher orders take fewer but dearer
steps. A tolerance below ten ulps of the arithmetic (about 2e-15 in f64 intervals) also forms each
step's centre Taylor sum in MPFR at twice the precision and rounds it once, which removes most of
the per-step rounding. Measured in f64 intervals (`cargo bench -p reluflow-flow --bench
net_accuracy`, same run): on the switch-free stretch of examples/two-layer-accuracy.toml, automatic
1.3 ms and final width 6.1e-14; tolerance 1e-15: 3.4 ms, 2.2e-16; order 20 with tolerance 1e-18:
5.1 ms, 2.2e-16; order 40 with tolerance 1e-18: 4.5 ms, 1.1e-16 (one step; CAPD's order-20
integrator: 1.6e-16). On a network with m = 10, d = n = 6 and 27 switches up to t = 6.6: automatic
0.13 s, width 2.2e-11; tolerance 1e-15: 0.19 s, 1.1e-13; tolerance 1e-18: 0.22 s, 5.1e-14; order
40 with tolerance 1e-18: 0.45 s, 5.1e-14. For more, use "mpfr-interval" and a
precision. The single neuron is solved in closed form between switches (no Taylor steps):
its accuracy is set by `arithmetic` and `precision`, and it refuses `tolerance` and `order`. The
f64 and mpfr reference runs use them too (their defaults: order 20 and 1e-15 for f64).

Solution (two-layer models): the flow is not defined where a neuron's weight lies on a data
point's hyperplane. "fixed" (the default) takes σ'(0) = relu_prime_at_zero there; where the field
points into a hyperplane from both sides that ODE has no solution, and the run ends undecided
(sliding). "clarke" means the Clarke subgradient inclusion dθ/dt ∈ −∂L(θ) with ∂σ(0) = [0, 1]:
the same flow away from hyperplanes and through transversal crossings. Where the field points
into a hyperplane from both sides the Clarke flow slides along it (unique there): the run proves
the entry (event "slide"), integrates the sliding motion (segments that list the sliding pair)
and proves at every step that the hyperplane still attracts; where one side's field stops
pointing into it the run proves the exit (event "activate", or "slide-end" when it leaves to the
inactive side) and goes on; where neither is proved the run ends undecided (sliding-may-end),
certified up to there. A neuron that meets a second attracting hyperplane while it slides slides on
both (its velocity projected onto their intersection; the end of such a mode is not analysed and
ends the run undecided there), and one whose last active points leave while it slides stops on
both hyperplanes (a death). Repelling hyperplanes stay undecided (non-unique). On the decided_net
bench (200 random networks, t_end = 20) "clarke" certifies 183 runs where "fixed" certifies 147.
The single neuron refuses "clarke".

Examples ship in examples/ (the Vardi–Shamir Theorem 3 instances, two-layer networks).

Guarantee: with arithmetic "interval" (f64 intervals) or "mpfr-interval" (MPFR intervals), a
CERTIFIED report means that the exact gradient flow of the exact problem stays inside the
printed enclosures, that each listed switch happens inside its time enclosure and no other
switch happens, and (t_end = "inf") that the flow converges to a limit inside the printed one.
An UNDECIDED report makes the same promise up to `certified_until` only. Runs in "f64" and
"mpfr" are reference computations: NOT VALIDATED, no promise."#;

const CHECK_ABOUT: &str = "Integrate a problem and check theorems of the catalogue along the trajectory: holds, violated \
                           (with a certified witness) or undecided (why)";

const CHECK_LONG_ABOUT: &str = "\
Integrate the problem in SPEC exactly as `reluflow certify` does (same integrator, same arithmetic),
then check statements of the theorem catalogue (`reluflow theorems`) along the trajectory and on
the data, and print a table of verdicts. Default: every entry that applies to the model; select
entries with --theorem ID (repeatable). With --json the table is a JSON document on stdout and
the human text goes to stderr. With --certificate FILE (single neuron, interval arithmetics) the
run's certificate is written with every verdict and its witness, for `reluflow verify FILE` to
re-prove (docs/certificate.md).";

const CHECK_AFTER_LONG_HELP: &str = r#"Verdicts (on each statement's conclusion; nothing is ever sampled):
  holds      proved over whole time intervals from the enclosures (every segment hull, every
             event, the certified limit), or by a named identity of the flow with the enclosures
             checked against it, or exactly in rational arithmetic (statements about the data).
  violated   a certified witness: a segment, event, the limit or the data, and an enclosure of a
             quantity lying entirely on the wrong side of the claim.
  undecided  neither could be shown; the row says why (an enclosure too wide, a time range the
             trajectory does not cover, an ingredient not implemented).

Hypotheses: every statement lists its hypotheses, each decided on the instance as certainly true,
certainly false or undecided (exactly, in rational arithmetic, wherever possible). The row status
combines them with the verdict:
  holds           the conclusion is proved
  counterexample  every assumed hypothesis is certainly true and the conclusion is violated
  vacuous         an assumed hypothesis is certainly false: the statement says nothing here
  undecided       not decided (also: violated while an assumed hypothesis is undecided)
  false           a predicate entry (a setting, an assumption) is false on this instance
  not validated   computed on a point run (f64, mpfr): proves nothing
Lee–Sim–Ye's exact hypotheses are unknown, so their entries carry switchable ones (teacher,
zero-init, small-init, d2, all-active-init, positive-labels, relu-prime-one; off by default
except where `reluflow theorems ID` says "on"). `--assume HYP` switches one on for every entry,
`--assume ENTRY:HYP` for one entry, `--assume HYP=false` or `--no-assume HYP` switches it off.
`small-init` means ‖w(0)‖ ≤ r with r from --small-init-radius (undecided without it). The
hypothesis zero-loss-w* of gen.dist-to-interpolant and vs.thm8-distance is decided exactly for
the point given with --w-star (default: the teacher, when the labels come from one).

Trajectory: for a CERTIFIED run the trajectory rows cover [0, t_end] (and the limit for
t_end = "inf"). For an UNDECIDED run they are checked on the certified part [0, certified_until]
only: a witness found there is certified, but nothing past it is proved, and a statement about
all times is at best undecided (exit 3). A run in "f64" or "mpfr" is converted to degenerate
intervals and every trajectory row is NOT VALIDATED (exit 0, no promise).

Examples:
  reluflow check examples/norm-growth-holds.toml --theorem lsy.norm-growth
      holds on [0, 8], proved from the segment hulls (exit 0)
  reluflow check examples/norm-growth-fails.toml --theorem lsy.norm-growth
      counterexample: a certified witness on the first segment (exit 4)
  reluflow check examples/vardi-shamir-gamma1.toml --theorem vs.thm3-limit
      the limit w(∞) = (5, −1, s) with s ∈ (−0.045, −0.035) is certified (exit 0)
  reluflow check examples/vardi-shamir-gamma1.toml --json
      every entry that applies to a single neuron, as JSON
  reluflow check examples/vardi-shamir-gamma1.toml --theorem vs.thm8-distance --w-star 5,-1,0
      ‖w(t) − w*‖ non-increasing for the zero-loss point w* = (5, −1, 0)
  reluflow check examples/norm-growth-fails.toml --theorem lsy.norm-growth --assume all-active-init
      vacuous: the assumed hypothesis is certainly false on this instance (exit 0)
  reluflow check examples/norm-growth-fails.toml --certificate fails.json && reluflow verify fails.json
      the certificate with the verdicts; verify re-proves the witness d/dt ½‖w‖² ≤ −0.0919 on
      t ∈ [0, 1] and lists verdicts it does not re-prove as UNCHECKED

Lemmas: --lemma "…" (repeatable) and [[lemma]] tables in the problem file (text = "…", optional
name = "…") state your own claims about the trajectory; grammar and quantities in docs/lemmas.md.
Each gets a row with the same verdicts (holds / counterexample with a certified witness /
undecided with the reason / not validated). Time derivatives (d/dt) come from the vector field
on the segment hulls, never from samples. With --lemma and no --theorem only the lemmas are
checked. A lemma that does not parse, or names a quantity the model lacks, is bad input (exit 2)
with its line and column and the nearest valid names.
  reluflow check examples/norm-growth-holds.toml --lemma "forall t: d/dt norm(w)^2 >= 0"
      holds on [0, 8] (on norm-growth-fails.toml: a certified witness, exit 4)
  reluflow check examples/two-layer-accuracy.toml --lemma "forall t >= 1: angle(w[0], w[2]) is nonincreasing"
      holds for t ∈ [1, 3/2]
  reluflow check examples/support-vector-reactivation.toml \
      --lemma 'at every event: kind != "activate" or point not in deactivated_before'
      violated at event 2: point 3 activates again after its deactivation (exit 4)
  reluflow check examples/two-layer-limit.toml \
      --lemma "forall j: a[j]^2 - norm(w[j])^2 == a0[j]^2 - norm(w0[j])^2"
      holds for all t ≥ 0, by a conservation law proved symbolically along the field
  reluflow check examples/support-vector-reactivation.toml --lemma "after the last event: d2/dt2 loss >= 0"
      holds: the loss is convex in t after the last switch (d2/dt2 from the field's acceleration)

Exit codes of check: 0 every checked statement holds (or is vacuous / false / not applicable),
or a NOT VALIDATED run; 2 bad input (an unknown --theorem id or --assume key: the message lists
the known ones); 3 some row undecided; 4 some row is a certified counterexample; 5 --certificate
on a run the certificate format cannot describe yet."#;

const THEOREMS_ABOUT: &str = "List the theorem catalogue: id, source, statement, what is checked, hypotheses";

const THEOREMS_LONG_ABOUT: &str = "\
List the theorem catalogue that `reluflow check` runs: for each entry its stable id, its source
(paper and number), the statement, what is checked, its hypotheses (and which of them --assume
can switch), and whether it is implemented (or why not). With ID, that entry in full with the
path of its proofs note (proofs-notes/thm-<ID>.md: statement, source, how it is checked, what a
verdict does and does not prove).";

/// `reluflow`: the command line.
#[derive(Debug, Parser)]
#[command(name = "reluflow", version, about = ABOUT, long_about = LONG_ABOUT, after_help = help_table())]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Integrate the gradient flow of a problem file and certify the trajectory, its events and its limit
    #[command(
        about = CERTIFY_ABOUT,
        long_about = CERTIFY_LONG_ABOUT,
        after_help = help_table(),
        after_long_help = format!("{CERTIFY_AFTER_LONG_HELP}\n\n{}", help_table()),
    )]
    Certify(CertifyArgs),
    /// Integrate a problem and check theorems of the catalogue along the trajectory
    #[command(
        about = CHECK_ABOUT,
        long_about = CHECK_LONG_ABOUT,
        after_help = help_table(),
        after_long_help = format!("{CHECK_AFTER_LONG_HELP}\n\n{}", help_table()),
    )]
    Check(CheckArgs),
    /// List the theorem catalogue
    #[command(about = THEOREMS_ABOUT, long_about = THEOREMS_LONG_ABOUT, after_help = help_table())]
    Theorems(TheoremsArgs),
    /// Search for a certified counterexample to a catalogue statement
    #[command(
        about = crate::commands::search::ABOUT,
        long_about = crate::commands::search::LONG_ABOUT,
        after_help = help_table(),
        after_long_help = format!("{}\n\n{}", crate::commands::search::AFTER_LONG_HELP, help_table()),
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true,
    )]
    Search(crate::commands::search::SearchArgs),
    /// Draw a certified trajectory as an SVG picture
    #[command(about = crate::commands::plot::ABOUT, long_about = crate::commands::plot::LONG_ABOUT, after_help = help_table())]
    Plot(crate::commands::plot::PlotArgs),
    /// Write a certified trajectory as CSV or JSON Lines
    #[command(about = crate::commands::export::ABOUT, long_about = crate::commands::export::LONG_ABOUT, after_help = help_table())]
    Export(crate::commands::export::ExportArgs),
    /// Re-check a certificate with the independent verifier
    #[command(about = crate::commands::verify::ABOUT, long_about = crate::commands::verify::LONG_ABOUT, after_help = help_table())]
    Verify(crate::commands::verify::VerifyArgs),
    /// Reproduce a paper's experiment
    #[command(about = crate::commands::reproduce::ABOUT, long_about = crate::commands::reproduce::LONG_ABOUT, after_help = help_table())]
    Reproduce(crate::commands::reproduce::ReproduceArgs),
}

/// The default of `--time-limit`: ten minutes.
pub const DEFAULT_TIME_LIMIT: f64 = 600.0;

/// `--time-limit`: a finite number of seconds ≥ 0.
pub(crate) fn parse_time_limit(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number of seconds ≥ 0 (0 for no limit), got `{s}`")),
    }
}

/// `--memory-limit`: a finite number of megabytes ≥ 0.
pub(crate) fn parse_memory_limit(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number of megabytes ≥ 0 (0 for no limit), got `{s}`")),
    }
}

/// The budgets of one integration (`certify`, `check`, `export`): past any, the run ends
/// UNDECIDED with what was certified so far (exit 3) and the reason names the setting to change;
/// a two-layer certificate then covers the certified part.
#[derive(Clone, Copy, Debug, Default, Args)]
pub struct BudgetArgs {
    /// Wall-clock budget of the integration in seconds (0 for no limit). Default: `[run]
    /// time_limit` of the problem file, else 600
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_limit)]
    pub time_limit: Option<f64>,
    /// Resident-memory budget of the integration in megabytes (0 for no limit). Default: `[run]
    /// memory_limit` of the problem file, else 90 % of the memory free at the start (and of
    /// `ulimit -v`)
    #[arg(long, value_name = "MB", value_parser = parse_memory_limit)]
    pub memory_limit: Option<f64>,
    /// Step budget of the integration: stop after N accepted steps (guard classifications for the
    /// single neuron); 0 or absent for no limit. Deterministic, unlike --time-limit: the same run
    /// stops at the same step on any machine
    #[arg(long, value_name = "N")]
    pub max_steps: Option<usize>,
}

/// Arguments of `reluflow certify`.
#[derive(Debug, Args)]
pub struct CertifyArgs {
    /// The problem file (TOML); see the format below
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Print the report as JSON on stdout (human text goes to stderr)
    #[arg(long)]
    pub json: bool,
    /// No progress display on stderr (shown only when stderr is a terminal; never on stdout)
    #[arg(long, short)]
    pub quiet: bool,
    /// Significant digits of every printed bound (bounds are rounded outward)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DIGITS, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub digits: u32,
    /// Also write the run's certificate (single neuron, interval arithmetics) to FILE (`-`:
    /// stdout, the report then goes to stderr); `reluflow verify FILE` re-checks it
    #[arg(long, value_name = "FILE")]
    pub certificate: Option<PathBuf>,
    /// Time and memory budgets of the integration
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// Arguments of `reluflow check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The problem file (TOML; format in `reluflow certify --help`)
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Check this catalogue entry (repeatable; default: every entry that applies to the model)
    #[arg(long = "theorem", value_name = "ID")]
    pub theorems: Vec<String>,
    /// Check this lemma along the trajectory (repeatable; grammar in docs/lemmas.md). Without
    /// --theorem, only the lemmas are checked
    #[arg(long = "lemma", value_name = "LEMMA")]
    pub lemmas: Vec<String>,
    /// Hypothesis switches and parameters
    #[command(flatten)]
    pub hyps: HypArgs,
    /// Print the table as JSON on stdout (human text goes to stderr)
    #[arg(long)]
    pub json: bool,
    /// No progress display on stderr (shown only when stderr is a terminal; never on stdout)
    #[arg(long, short)]
    pub quiet: bool,
    /// Significant digits of the witness enclosures in the JSON (bounds are rounded outward)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DIGITS, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub digits: u32,
    /// Also write the run's certificate with the verdicts and their witnesses (single neuron,
    /// interval arithmetics) to FILE (`-`: stdout, the report then goes to stderr); `reluflow
    /// verify FILE` re-checks it, verdicts included
    #[arg(long, value_name = "FILE")]
    pub certificate: Option<PathBuf>,
    /// Time and memory budgets of the integration
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// Arguments of `reluflow theorems`.
#[derive(Debug, Args)]
pub struct TheoremsArgs {
    /// Print the catalogue (or the entry) as JSON
    #[arg(long)]
    pub json: bool,
    /// Show this entry in full (with the path of its proofs note)
    #[arg(value_name = "ID")]
    pub id: Option<String>,
}

/// Where and how to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Output {
    /// JSON on stdout, human text on stderr.
    pub json: bool,
    /// Significant digits of printed bounds (≥ 1).
    pub digits: u32,
}

/// A validated `certify` invocation.
#[derive(Debug)]
pub struct CertifyConfig {
    /// The validated problem read from it.
    pub problem: Problem,
    /// Where to write the certificate (`-`: stdout), if asked.
    pub certificate: Option<PathBuf>,
    /// Output settings.
    pub output: Output,
}

/// A validated `check` invocation.
#[derive(Debug)]
pub struct CheckConfig {
    /// The validated problem.
    pub problem: Problem,
    /// The entries, assumptions and parameters, validated against the catalogue.
    pub selection: Selection,
    /// Whether catalogue entries are checked (not for `--lemma` without `--theorem`).
    pub catalogue: bool,
    /// The lemmas of the problem file, then those of the command line, each with its name;
    /// every one resolved against the problem.
    pub lemmas: Vec<(String, Lemma)>,
    /// Where to write the certificate with the verdicts (`-`: stdout), if asked.
    pub certificate: Option<PathBuf>,
    /// Output settings.
    pub output: Output,
}

impl CheckArgs {
    /// Builds and validates the selection (unknown ids and `--assume` keys are refused with the
    /// message of [`Selection::validate`]), then reads the problem file; exit 2 on any refusal.
    pub fn validate(&self) -> Result<CheckConfig, Failure> {
        let selection = self.hyps.selection(self.theorems.clone())?;
        let problem = spec::load(&self.spec).map_err(Failure::bad_input)?;
        selection.params.check_for(&problem).map_err(|m| Failure::bad_input(anyhow::anyhow!(m)))?;
        let lemmas = self.lemmas(&problem)?;
        let catalogue = self.lemmas.is_empty() || !self.theorems.is_empty();
        let output = Output { json: self.json, digits: self.digits };
        Ok(CheckConfig { problem, selection, catalogue, lemmas, certificate: self.certificate.clone(), output })
    }

    /// The `[[lemma]]` tables of the file and the `--lemma` texts, parsed and resolved against
    /// `problem` (exit 2 on the first that is not, with its place and the nearest valid names).
    fn lemmas(&self, problem: &Problem) -> Result<Vec<(String, Lemma)>, Failure> {
        let file = spec::load_lemmas(&self.spec).map_err(Failure::bad_input)?;
        let spec = self.spec.display();
        let mut out = Vec::new();
        let given = file.into_iter().map(|l| (l.name, l.text, format!("{spec}, [[lemma]] at line {}", l.line)));
        let flags = self.lemmas.iter().enumerate().map(|(k, t)| (None, t.clone(), format!("--lemma #{}", k + 1)));
        for (k, (name, text, origin)) in given.chain(flags).enumerate() {
            let refuse = |e: reluflow_check::lemma::LemmaError| Failure::bad_input(anyhow::anyhow!("{origin}: {e}"));
            let lemma = Lemma::parse(&text).map_err(refuse)?;
            lemma.resolve(problem).map_err(refuse)?;
            out.push((name.unwrap_or_else(|| format!("lemma-{}", k + 1)), lemma));
        }
        Ok(out)
    }
}

impl CertifyArgs {
    /// Reads and validates the problem file (exit 2 on any refusal).
    pub fn validate(&self) -> Result<CertifyConfig, Failure> {
        let problem = spec::load(&self.spec).map_err(Failure::bad_input)?;
        let output = Output { json: self.json, digits: self.digits };
        Ok(CertifyConfig { problem, certificate: self.certificate.clone(), output })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_certify() {
        let cli = Cli::try_parse_from(["reluflow", "certify", "p.toml", "--json", "--digits", "30"]).unwrap();
        let Command::Certify(a) = cli.command else { panic!("certify expected") };
        assert_eq!(a.spec, PathBuf::from("p.toml"));
        assert!(a.json);
        assert_eq!(a.digits, 30);
        let cli = Cli::try_parse_from(["reluflow", "certify", "p.toml"]).unwrap();
        let Command::Certify(a) = cli.command else { panic!("certify expected") };
        assert_eq!((a.json, a.digits), (false, DEFAULT_DIGITS));
        assert!(Cli::try_parse_from(["reluflow", "certify", "p.toml", "--digits", "0"]).is_err());
        assert!(Cli::try_parse_from(["reluflow", "certify"]).is_err());
    }

    fn check_args(extra: &[&str]) -> CheckArgs {
        let mut argv = vec!["reluflow", "check", "examples/norm-growth-holds.toml"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Check(a) => a,
            c => panic!("check expected, got {c:?}"),
        }
    }

    #[test]
    fn check_builds_a_validated_selection() {
        let manifest = env!("CARGO_MANIFEST_DIR");
        let mut a = check_args(&[
            "--theorem",
            "lsy.norm-growth",
            "--assume",
            "teacher",
            "--assume",
            "lsy.norm-growth:d2=false",
            "--no-assume",
            "zero-init",
            "--small-init-radius",
            "1/2",
            "--epsilon",
            "0.125",
            "--w-star",
            "-5, 1/3",
        ]);
        a.spec = PathBuf::from(manifest).join(&a.spec);
        let cfg = a.validate().unwrap();
        let sel = &cfg.selection;
        assert_eq!(sel.ids, ["lsy.norm-growth"]);
        assert_eq!(sel.assume.get("teacher"), Some(&true));
        assert_eq!(sel.assume.get("lsy.norm-growth:d2"), Some(&false));
        assert_eq!(sel.assume.get("zero-init"), Some(&false));
        assert_eq!(sel.params.init_norm_bound, Some(rug::Rational::from((1, 2))));
        assert_eq!(sel.params.epsilon, rug::Rational::from((1, 8)));
        assert_eq!(sel.params.w_star, Some(vec![rug::Rational::from(-5), rug::Rational::from((1, 3))]));
    }

    #[test]
    fn check_refuses_bad_selections_as_bad_input() {
        for (extra, needle) in [
            (&["--theorem", "lsy.nope"][..], "lsy.nope"),
            (&["--assume", "bogus"], "bogus"),
            (&["--assume", "teacher=maybe"], "maybe"),
            (&["--assume", "teacher", "--no-assume", "teacher"], "both"),
            (&["--epsilon", "1/2"], "epsilon"),
            (&["--epsilon", "x"], "--epsilon"),
            (&["--small-init-radius", "-1"], "≥ 0"),
            (&["--w-star", "1,,2"], "--w-star"),
            // The problem has d = 2: a w* of another length is a mistake, not a false hypothesis.
            (&["--w-star", "1,2,3"], "--w-star has 3 coordinates but the data points have d = 2"),
            (&["--w-star", "1"], "give 2 comma-separated numbers"),
        ] {
            let e = check_args(extra).validate().unwrap_err();
            assert_eq!(e.exit, crate::exit::Exit::BadInput);
            assert!(e.to_string().contains(needle), "{extra:?}: {e}");
        }
    }

    #[test]
    fn parses_theorems() {
        let cli = Cli::try_parse_from(["reluflow", "theorems", "--json", "gen.span"]).unwrap();
        let Command::Theorems(a) = cli.command else { panic!("theorems expected") };
        assert!(a.json);
        assert_eq!(a.id.as_deref(), Some("gen.span"));
    }
}
