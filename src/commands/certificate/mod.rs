//! `reluflow certify --certificate FILE`: the single neuron's certified run with the sets of its
//! proof (`neuron::certify_with_witness`), converted into the certificate format
//! (`reluflow-certificate`, `docs/certificate.md`) and written to FILE (`-`: stdout).

mod convert;

use super::certify::{Streams, finish};
use super::integrate::{Backend, check_contract};
use crate::exit::{Exit, Failure};
use crate::progress::Watch;
use reluflow_arith::{Enclosure, Interval, MpInterval};
use reluflow_flow::neuron::{self, NeuronOptions, witness::Witness};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::{Arithmetic, ModelKind, Problem};
use std::path::Path;

/// A request the certificate format cannot serve yet (exit 5), naming what.
fn unsupported(what: String) -> Failure {
    Failure { exit: Exit::Unsupported, error: anyhow::anyhow!("no certificate: {what}") }
}

/// Certifies `problem`, reports it as `certify` does, and writes its certificate to `path`.
/// With `path = -` the certificate goes to stdout and the report to stderr.
pub fn run(problem: &Problem, out: crate::cli::Output, path: &Path, io: &mut Streams<'_>) -> Result<Exit, Failure> {
    if problem.model() != ModelKind::SingleNeuron {
        return Err(unsupported(format!(
            "certificates are written for the single neuron; model \"{}\" (the two-layer network) is not supported yet",
            problem.model().name()
        )));
    }
    let bits = problem.run().precision;
    let (exit, text) = match problem.run().arithmetic {
        Arithmetic::Interval => integrate::<Interval>(problem, &(), out, path, io)?,
        Arithmetic::MpfrInterval => integrate::<MpInterval>(problem, &bits, out, path, io)?,
        a => {
            return Err(unsupported(format!(
                "arithmetic \"{}\" is not validated; certificates need \"interval\" or \"mpfr-interval\"",
                a.name()
            )));
        }
    };
    let Some(text) = text else { return Ok(exit) };
    let written = if path == Path::new("-") {
        io.stdout.write_all(text.as_bytes()).and_then(|()| io.stdout.flush())
    } else {
        std::fs::write(path, text)
    };
    written.map_err(|e| Failure::bad_input(anyhow::anyhow!("cannot write the certificate {}: {e}", path.display())))?;
    Ok(exit)
}

#[allow(clippy::type_complexity)]
fn integrate<S: Enclosure + Backend>(
    problem: &Problem,
    ctx: &S::Ctx,
    out: crate::cli::Output,
    path: &Path,
    io: &mut Streams<'_>,
) -> Result<(Exit, Option<String>), Failure> {
    let watch = Watch::start(problem);
    let opts = NeuronOptions { monitor: watch.monitor(), ..NeuronOptions::default() };
    let res = neuron::certify_with_witness::<S>(problem, ctx, &opts).map_err(Failure::internal);
    drop(watch);
    let (traj, witness): (Trajectory<S>, Witness) = res?;
    check_contract(problem, &traj)?;
    let certified = matches!(traj.status(), Status::Certified);
    let exit = if path == Path::new("-") {
        // The certificate owns stdout: the report goes to stderr.
        let mut sink = Streams { stdout: io.stderr, stderr: &mut std::io::sink() };
        finish(problem, traj, out, &mut sink)?
    } else {
        finish(problem, traj, out, io)?
    };
    if !certified {
        eprintln!("reluflow: no certificate written: the run is not certified to its horizon");
        return Ok((exit, None));
    }
    if let Some(what) = &witness.unsupported {
        return Err(unsupported(format!(
            "the run contains {what}, which the certificate format does not describe yet"
        )));
    }
    let cert = convert::certificate(problem, &witness).map_err(unsupported)?;
    Ok((exit, Some(reluflow_certificate::to_text(&cert))))
}
