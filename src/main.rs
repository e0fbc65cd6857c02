//! `reluflow`: certified gradient flows of ReLU neurons and shallow ReLU networks.
//!
//! The binary is the only place that knows file formats, the command line and `anyhow`:
//! [`cli`] parses the command line, [`spec`] reads the problem file into a validated
//! `reluflow_model::Problem`, [`commands`] dispatches to the integrators of `reluflow_flow` (and,
//! for `check`, to the checker of `reluflow_check`), [`report`] prints the trajectory, and [`exit`]
//! holds the exit-code table.

mod budget;
mod cli;
mod commands;
mod exit;
#[cfg(test)]
mod fuzz;
mod plot;
mod progress;
mod report;
mod spec;
mod supervise;

use clap::Parser;
use cli::{Cli, Command};
use exit::{Exit, Failure};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match std::panic::catch_unwind(run) {
        Ok(exit) => exit.into(),
        Err(_) => {
            // The panic message has been printed by the default hook.
            eprintln!("reluflow: internal error: a panic (message above); please report it with the problem file");
            Exit::Internal.into()
        }
    }
}

fn run() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version go to stdout and succeed; every usage error is bad input.
            return if e.use_stderr() { Exit::BadInput } else { Exit::Success };
        }
    };
    if let Some(exit) = supervised(&cli.command) {
        return exit;
    }
    match cli.command {
        Command::Certify(args) => {
            report::envelope::set_invocation("certify", Some(&args.spec));
            progress::arm(args.quiet);
            let result = args
                .validate()
                .and_then(|cfg| budget::apply(&args.spec, &args.budget).and_then(|()| commands::certify::run(&cfg)));
            conclude(result.map(|e| e.settle(progress::interrupted())), args.json)
        }
        Command::Check(args) => {
            report::envelope::set_invocation("check", Some(&args.spec));
            progress::arm(args.quiet);
            let result = args
                .validate()
                .and_then(|cfg| budget::apply(&args.spec, &args.budget).and_then(|()| commands::check::run(&cfg)));
            conclude(result.map(|e| e.settle(progress::interrupted())), args.json)
        }
        Command::Search(args) => {
            progress::arm(args.quiet);
            match &args.command {
                Some(commands::search::SearchCommand::Merge(m)) => {
                    report::envelope::set_invocation("search merge", None);
                    conclude(commands::search::merge(m), m.json)
                }
                None => {
                    report::envelope::set_invocation("search", None);
                    conclude(args.validate().and_then(|s| commands::search::run(&s)), args.json)
                }
            }
        }
        Command::Theorems(args) => {
            report::envelope::set_invocation("theorems", None);
            conclude(commands::theorems::run(&args), args.json)
        }
        Command::Plot(args) => {
            progress::arm(args.quiet);
            let result = args.validate().and_then(|cfg| commands::plot::run(&cfg));
            conclude(result.map(|e| e.settle(progress::interrupted())), false)
        }
        Command::Export(args) => {
            report::envelope::set_invocation("export", Some(&args.spec));
            progress::arm(args.quiet);
            let result = budget::apply(&args.spec, &args.budget).and_then(|()| commands::export::run(&args));
            conclude(result.map(|e| e.settle(progress::interrupted())), false)
        }
        Command::Verify(args) => {
            report::envelope::set_invocation("verify", None);
            conclude(commands::verify::run(&args, &mut std::io::stdout().lock()), false)
        }
        Command::Reproduce(args) => conclude(commands::reproduce::run(&args), false),
    }
}

/// The commands that integrate run in a supervised worker process (`supervise.rs`): the exit of
/// the worker, or `None` in the worker itself.
fn supervised(command: &Command) -> Option<Exit> {
    match command {
        Command::Certify(a) => {
            report::envelope::set_invocation("certify", Some(&a.spec));
            supervise::run_in_worker(a.json)
        }
        Command::Check(a) => {
            report::envelope::set_invocation("check", Some(&a.spec));
            supervise::run_in_worker(a.json)
        }
        Command::Export(_) | Command::Plot(_) => supervise::run_in_worker(false),
        _ => None,
    }
}

/// The JSON object printed on stdout for a failure when `--json` was given (in the common
/// envelope, which carries the exit code).
#[derive(serde::Serialize)]
struct JsonFailure {
    /// The exit's name (`"bad-input"`, `"unsupported"`, `"internal-error"`, …).
    status: &'static str,
    /// The human message (also printed on stderr).
    message: String,
}

/// Prints a failure (stderr; with `--json` also a JSON object on stdout) and returns the exit.
pub(crate) fn conclude(result: Result<Exit, Failure>, json: bool) -> Exit {
    match result {
        Ok(exit) => exit,
        Err(f) => {
            eprintln!("reluflow: error: {f}");
            if json {
                let doc = JsonFailure { status: f.exit.name(), message: f.to_string() };
                let text = report::envelope::to_json(&doc, Some(f.exit.code()))
                    .unwrap_or_else(|e| format!("{{\"status\": \"internal-error\", \"message\": \"{e}\"}}"));
                let _ = writeln!(std::io::stdout().lock(), "{text}");
            }
            f.exit
        }
    }
}
