//! `reluflow export`: integrate the problem exactly as `certify` does and write the trajectory as a
//! table a notebook loads directly (CSV for `pandas.read_csv`, JSON Lines for
//! `pandas.read_json(lines=True)`): per segment its time interval and the outward-rounded bounds of
//! every coordinate, the loss and the norms over the whole segment, the state at its end, the
//! events and the limit.

mod format;
mod records;

use super::integrate::{Run, integrate};
use crate::exit::{Exit, Failure};
use crate::report::{JsonReason, envelope, horizon_text, status_fields};
use crate::spec;
use clap::{Args, ValueEnum};
use reluflow_arith::Scalar;
use reluflow_flow::Trajectory;
use reluflow_model::{ModelKind, Problem};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// One line for the subcommand list.
pub const ABOUT: &str = "Write a certified trajectory as CSV or JSON Lines for a notebook (pandas, polars)";

/// `reluflow export --help`.
pub const LONG_ABOUT: &str = "\
Integrate the problem in SPEC exactly as `reluflow certify` does and write the trajectory as a
table: CSV (--format csv, for pandas.read_csv) or JSON Lines (--format jsonl, for
pandas.read_json(..., lines=True)), to OUT or to stdout (-o - or no -o).

One row (record) per:
  initial   the initial state (t = 0)
  segment   a segment of constant activation pattern: every bound holds for EVERY time in
            [t_lo, t_hi] (the segment hull), not just at its ends
  end       the state at the segment's end time (t_lo, t_hi: the end time's enclosure)
  event     a proved switch: neuron, point, event (activate, deactivate, death); the time
            enclosure in t_lo, t_hi
  limit     the certified limit t -> inf (t_lo = t_hi = inf in CSV; no t in JSON Lines)
`index` is the segment or event number as `certify` reports it. `certified` is true for rows in
the certified part of a validated run (false after certified_until, and for f64/mpfr point runs).

CSV columns: record, index, t_lo, t_hi, certified, neuron, point, event, then for each quantity a
_lo and a _hi column: single neuron w0 … w{d-1}, loss, norm_w; two-layer w{j}_{k} (neuron j,
coordinate k), a{j}, loss, norm_w{j}. JSON Lines: the first line is the run (schema_version,
status, reason, certified_until, t_end, model, arithmetic, m, d, n); then one object per record
with t, w, a, loss, norm_w as [lo, hi] pairs (nested per neuron for two-layer models).

Every bound is an f64 rounded outward from the run's exact endpoints and printed in shortest
round-trip form, so [lo, hi] contains the certified enclosure. In CSV an unbounded end is inf or
-inf; in JSON Lines it is null. Read CSV with float_precision=\"round_trip\" to get the exact f64.

Examples:
  reluflow export examples/vardi-shamir-gamma1.toml --format csv -o vs.csv
  reluflow export examples/two-layer-explicit.toml --format jsonl -o net.jsonl
  python3 -c 'import pandas as pd; print(pd.read_csv(\"vs.csv\", float_precision=\"round_trip\"))'

Exit codes as for certify: 0 certified or not validated, 3 undecided (the table is written in
both cases, with certified = false after certified_until), 2 bad input, 130 interrupted.";

/// The table formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// JSON Lines: a run line, then one object per record.
    Jsonl,
}

/// Arguments of `reluflow export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The problem file (TOML; format in `reluflow certify --help`)
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// The table format
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Format,
    /// Where to write the table (`-` or absent: stdout)
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// No progress display on stderr (shown only when stderr is a terminal)
    #[arg(long, short)]
    pub quiet: bool,
    /// Time and memory budgets of the integration, as for certify
    #[command(flatten)]
    pub budget: crate::cli::BudgetArgs,
}

/// The run line of the JSON Lines format.
#[derive(Debug, Serialize)]
struct RunLine {
    record: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<JsonReason>,
    certified_until: Option<String>,
    t_end: String,
    model: &'static str,
    arithmetic: &'static str,
    m: usize,
    d: usize,
    n: usize,
}

/// Integrates and writes the table; the exit follows the run's status as in `certify`.
pub fn run(args: &ExportArgs) -> Result<Exit, Failure> {
    let problem = spec::load(&args.spec).map_err(Failure::bad_input)?;
    let (text, exit) = match integrate(&problem)? {
        Run::F64(t) => table(&problem, &t, args.format),
        Run::Mpfr(t, _) => table(&problem, &t, args.format),
        Run::Interval(t) => table(&problem, &t, args.format),
        Run::MpInterval(t) => table(&problem, &t, args.format),
    }?;
    match args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| Failure::bad_input(anyhow::anyhow!("cannot write {}: {e}", path.display())))?;
            eprintln!("reluflow: wrote {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(Failure::internal(anyhow::anyhow!("cannot write the table: {e}")));
                }
                _ => {}
            }
        }
    }
    Ok(exit)
}

fn table<S: Scalar>(problem: &Problem, traj: &Trajectory<S>, fmt: Format) -> Result<(String, Exit), Failure> {
    let rows = records::records(problem, traj);
    let single = problem.model() == ModelKind::SingleNeuron;
    let (m, d, n) = (problem.init().width(), problem.data().d(), problem.data().n());
    let exit = Exit::of_status(traj.status());
    let text = match fmt {
        Format::Csv => format::csv(&format::columns(single, m, d), &rows),
        Format::Jsonl => {
            let (status, reason, certified_until) = status_fields(traj, problem, 17);
            let line = RunLine {
                record: "run",
                status,
                reason,
                certified_until,
                t_end: horizon_text(&problem.run().t_end),
                model: problem.model().name(),
                arithmetic: S::NAME,
                m,
                d,
                n,
            };
            let header = serde_json::to_value(envelope::wrap(&line, Some(exit.code()))).map_err(Failure::internal)?;
            format::jsonl(&header, &rows, single)
        }
    };
    Ok((text, exit))
}
