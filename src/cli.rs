//! The command line (clap derive) and its validation into a config: nothing reaches a library
//! before the command line and the problem file have both been checked.

use crate::exit::{Failure, help_table};
use crate::report::DEFAULT_DIGITS;
use crate::spec;
use clap::{Args, Parser, Subcommand};
use reluflow_model::Problem;
use std::path::PathBuf;

const ABOUT: &str = "Certified gradient flows of ReLU neurons and shallow ReLU networks";

const LONG_ABOUT: &str = "\
Certified gradient flows of ReLU neurons and shallow ReLU networks.

reluflow integrates the gradient flow dw/dt = -∇L(w) of a single ReLU neuron or a two-layer ReLU
network on a fixed data set, with interval arithmetic: every reported number is an enclosure
[lo, hi] that contains the exact value for the exact input (decimals in problem files are exact
rationals: 0.1 is 1/10). Where a proof step fails (grazing contact with a switching surface,
non-unique continuation, enclosures too wide) the run says UNDECIDED, with the reason and the time
up to which everything is certified; it never guesses.

Start with `reluflow certify --help` (the problem-file format) and the examples in examples/.";

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
  precision = 256                # bits, required for the MPFR kinds

Examples ship in examples/ (the Vardi–Shamir Theorem 3 instances, two-layer networks).

Guarantee: with arithmetic "interval" (f64 intervals) or "mpfr-interval" (MPFR intervals), a
CERTIFIED report means that the exact gradient flow of the exact problem stays inside the
printed enclosures, that each listed switch happens inside its time enclosure and no other
switch happens, and (t_end = "inf") that the flow converges to a limit inside the printed one.
An UNDECIDED report makes the same promise up to `certified_until` only. Runs in "f64" and
"mpfr" are reference computations: NOT VALIDATED, no promise."#;

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
    /// Significant digits of every printed bound (bounds are rounded outward)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DIGITS, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub digits: u32,
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
    /// Output settings.
    pub output: Output,
}

impl CertifyArgs {
    /// Reads and validates the problem file (exit 2 on any refusal).
    pub fn validate(&self) -> Result<CertifyConfig, Failure> {
        let problem = spec::load(&self.spec).map_err(Failure::bad_input)?;
        Ok(CertifyConfig { problem, output: Output { json: self.json, digits: self.digits } })
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
        let Command::Certify(a) = cli.command;
        assert_eq!(a.spec, PathBuf::from("p.toml"));
        assert!(a.json);
        assert_eq!(a.digits, 30);
        let cli = Cli::try_parse_from(["reluflow", "certify", "p.toml"]).unwrap();
        let Command::Certify(a) = cli.command;
        assert_eq!((a.json, a.digits), (false, DEFAULT_DIGITS));
        assert!(Cli::try_parse_from(["reluflow", "certify", "p.toml", "--digits", "0"]).is_err());
        assert!(Cli::try_parse_from(["reluflow", "certify"]).is_err());
    }
}
