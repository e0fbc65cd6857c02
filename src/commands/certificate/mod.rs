//! `reluflow certify --certificate FILE` and `reluflow check --certificate FILE`: the single
//! neuron's certified run with the sets of its proof (`neuron::certify_with_witness`), converted
//! into the certificate format (`reluflow-certificate`, `docs/certificate.md`), with `check`'s
//! verdicts and their witnesses (`verdicts/`), and written to FILE (`-`: stdout); a two-layer
//! run as its exact problem, step times, events and end claim (`net.rs`).

mod convert;
mod net;
mod verdicts;

use super::certify::{Streams, finish};
use super::check::{Checks, report_table};
use super::integrate::{Backend, check_contract};
use crate::cli::CheckConfig;
use crate::exit::{Exit, Failure};
use crate::progress::Watch;
use reluflow_arith::{Enclosure, Interval, MpInterval};
use reluflow_flow::neuron::{self, NeuronOptions, witness::Witness};
use reluflow_flow::{EventKind, Status, Trajectory};
use reluflow_model::{Arithmetic, ModelKind, Problem};
use std::path::Path;

/// A request the certificate format cannot serve yet (exit 5), naming what.
fn unsupported(what: String) -> Failure {
    Failure { exit: Exit::Unsupported, error: anyhow::anyhow!("no certificate: {what}") }
}

/// Certifies `problem`, reports it as `certify` does, and writes its certificate to `path`.
/// With `path = -` the certificate goes to stdout and the report to stderr.
pub fn run(problem: &Problem, out: crate::cli::Output, path: &Path, io: &mut Streams<'_>) -> Result<Exit, Failure> {
    let job = Job::Certify(out);
    let (exit, text) = match arithmetic(problem)? {
        Arithmetic::Interval => integrate::<Interval>(problem, &(), job, path, io)?,
        _ => integrate::<MpInterval>(problem, &problem.run().precision, job, path, io)?,
    };
    write(exit, text, path, io)
}

/// Certifies `cfg.problem`, checks it and reports as `check` does, and writes the certificate
/// with the checker's verdicts (`verdicts.rs`) to `path` (`-`: stdout, the report to stderr).
pub fn run_check(cfg: &CheckConfig, path: &Path, io: &mut Streams<'_>) -> Result<Exit, Failure> {
    let problem = &cfg.problem;
    let checks = Checks { selection: &cfg.selection, catalogue: cfg.catalogue, lemmas: &cfg.lemmas };
    let job = Job::Check(checks, cfg.output);
    let (exit, text) = match arithmetic(problem)? {
        Arithmetic::Interval => integrate::<Interval>(problem, &(), job, path, io)?,
        _ => integrate::<MpInterval>(problem, &problem.run().precision, job, path, io)?,
    };
    write(exit, text, path, io)
}

/// What reports the run: `certify`'s report, or `check`'s table.
#[derive(Clone, Copy)]
enum Job<'a> {
    Certify(crate::cli::Output),
    Check(Checks<'a>, crate::cli::Output),
}

/// The arithmetic a certificate can describe (interval or mpfr-interval), else exit 5.
fn arithmetic(problem: &Problem) -> Result<Arithmetic, Failure> {
    match problem.run().arithmetic {
        a @ (Arithmetic::Interval | Arithmetic::MpfrInterval) => Ok(a),
        a => Err(unsupported(format!(
            "arithmetic \"{}\" is not validated; certificates need \"interval\" or \"mpfr-interval\"",
            a.name()
        ))),
    }
}

fn write(exit: Exit, text: Option<String>, path: &Path, io: &mut Streams<'_>) -> Result<Exit, Failure> {
    let Some(text) = text else { return Ok(exit) };
    let written = if path == Path::new("-") {
        io.stdout.write_all(text.as_bytes()).and_then(|()| io.stdout.flush())
    } else {
        std::fs::write(path, text)
    };
    written.map_err(|e| Failure::bad_input(anyhow::anyhow!("cannot write the certificate {}: {e}", path.display())))?;
    Ok(exit)
}

/// Integrates with the witness, reports (`job`), and returns the exit and the certificate's text
/// (`None` when the run is not certified to its horizon).
fn integrate<S: Enclosure + Backend>(
    problem: &Problem,
    ctx: &S::Ctx,
    job: Job<'_>,
    path: &Path,
    io: &mut Streams<'_>,
) -> Result<(Exit, Option<String>), Failure> {
    if problem.model() == ModelKind::TwoLayer {
        return integrate_net::<S>(problem, ctx, job, path, io);
    }
    let watch = Watch::start(problem);
    let opts = NeuronOptions { monitor: watch.monitor(), ..NeuronOptions::default() };
    let res = neuron::certify_with_witness::<S>(problem, ctx, &opts).map_err(Failure::internal);
    drop(watch);
    let (traj, witness): (Trajectory<S>, Witness) = res?;
    check_contract(problem, &traj)?;
    let certified = matches!(traj.status(), Status::Certified);
    let (exit, table) = report_beside(problem, traj, job, path, io)?;
    if !certified {
        eprintln!("reluflow: no certificate written: the run is not certified to its horizon");
        return Ok((exit, None));
    }
    if let Some(what) = &witness.unsupported {
        return Err(unsupported(format!(
            "the run contains {what}, which the certificate format does not describe yet"
        )));
    }
    let mut cert = convert::certificate(problem, &witness).map_err(unsupported)?;
    if let (Some(table), Job::Check(checks, _)) = (&table, job) {
        let w_star = reluflow_check::hyp::w_star(problem, &checks.selection.params);
        let run = verdicts::Run { w_star: w_star.as_deref(), turns: &[] };
        for note in verdicts::add(&mut cert, table, &run) {
            eprintln!("reluflow: {note}");
        }
    }
    Ok((exit, Some(reluflow_certificate::to_text(&cert))))
}

/// The two-layer run: integrates, reports (`job`), and returns the exit and the certificate's
/// text, with the checker's verdicts (`verdicts.rs`) for `check`. A run that stopped undecided
/// gets the certificate of its certified part (end `until`, no verdicts), when it has one.
fn integrate_net<S: Enclosure + Backend>(
    problem: &Problem,
    ctx: &S::Ctx,
    job: Job<'_>,
    path: &Path,
    io: &mut Streams<'_>,
) -> Result<(Exit, Option<String>), Failure> {
    let watch = Watch::start(problem);
    let res = S::two_layer(problem, ctx, watch.monitor());
    drop(watch);
    let traj = res?;
    check_contract(problem, &traj)?;
    let certified = matches!(traj.status(), Status::Certified);
    let cert = match traj.status() {
        Status::Certified => Some(net::certificate(problem, &traj)),
        Status::Undecided { .. } => Some(net::truncated(problem, &traj)),
        Status::NotValidated => None,
    };
    // A slide counts as turning the point on (a sliding point contributes), as the verifier reads it.
    let turns: Vec<bool> =
        traj.events().iter().map(|e| matches!(e.kind, EventKind::Activate | EventKind::Slide)).collect();
    let (exit, table) = report_beside(problem, traj, job, path, io)?;
    match cert {
        None => Ok((exit, None)),
        Some(Err(what)) if !certified => {
            eprintln!("reluflow: no certificate written: the run is undecided, and its certified part has {what}");
            Ok((exit, None))
        }
        Some(Err(what)) => {
            Err(unsupported(format!("the run has {what}, which the certificate format does not describe yet")))
        }
        Some(Ok(cert)) if !certified => {
            eprintln!(
                "reluflow: the run is undecided: the certificate covers its certified part, up to its last step time{}",
                if matches!(job, Job::Check(..)) { " (without the checker's verdicts)" } else { "" }
            );
            Ok((exit, Some(reluflow_certificate::to_text(&cert))))
        }
        Some(Ok(mut cert)) => {
            if let (Some(table), Job::Check(..)) = (&table, job) {
                for note in verdicts::add(&mut cert, table, &verdicts::Run { w_star: None, turns: &turns }) {
                    eprintln!("reluflow: {note}");
                }
            }
            Ok((exit, Some(reluflow_certificate::to_text(&cert))))
        }
    }
}

/// [`report`], on stderr when the certificate owns stdout (`path` is `-`).
#[allow(clippy::type_complexity)]
fn report_beside<S: Enclosure + Backend>(
    problem: &Problem,
    traj: Trajectory<S>,
    job: Job<'_>,
    path: &Path,
    io: &mut Streams<'_>,
) -> Result<(Exit, Option<reluflow_check::CheckReport<S>>), Failure> {
    if path == Path::new("-") {
        let mut sink = std::io::sink();
        report(problem, traj, job, &mut Streams { stdout: io.stderr, stderr: &mut sink })
    } else {
        report(problem, traj, job, io)
    }
}

/// `certify`'s report, or `check`'s with its table.
#[allow(clippy::type_complexity)]
fn report<S: Enclosure + Backend>(
    problem: &Problem,
    traj: Trajectory<S>,
    job: Job<'_>,
    io: &mut Streams<'_>,
) -> Result<(Exit, Option<reluflow_check::CheckReport<S>>), Failure> {
    match job {
        Job::Certify(out) => Ok((finish(problem, traj, out, io)?, None)),
        Job::Check(checks, out) => report_table(problem, &traj, checks, out, io).map(|(e, t)| (e, Some(t))),
    }
}
