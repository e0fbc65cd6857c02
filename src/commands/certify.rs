//! `reluflow certify`: dispatch on (model, arithmetic) to an integrator ([`integrate`], shared with
//! `reluflow check`), then report.
//!
//! **Wiring an integrator** takes a few lines: replace the body of the matching function below
//! (e.g. [`single_neuron_validated`]) by a call into `reluflow_flow`, mapping its error to a
//! [`Failure`] (`Failure::internal` for a bug, `Failure::bad_input` for a problem the backend cannot represent).
//! An integrator that cannot prove a step returns a trajectory with `Status::Undecided`, not an
//! error: the report and the exit code 3 follow from the status.

use crate::cli::{CertifyConfig, Output};
use crate::exit::{Exit, Failure};
use crate::progress::Watch;
use crate::report::{json_report, render_human};
use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Point, Scalar};
use reluflow_flow::monitor::Monitor;
use reluflow_flow::net::{
    self, NetError,
    reference::RefOptions,
    validated::{ValidatedError, ValidatedOptions},
};
use reluflow_flow::neuron::{self, NeuronOptions};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::{Arithmetic, Horizon, ModelKind, Problem};
use std::io::Write;

/// Where the report goes: stdout and stderr in the binary, buffers in tests.
pub struct Streams<'a> {
    /// The report (JSON with `--json`, else the human text).
    pub stdout: &'a mut dyn Write,
    /// The human text when `--json` is given.
    pub stderr: &'a mut dyn Write,
}

/// Runs `certify` on a validated config, printing to the process's stdout and stderr.
pub fn run(cfg: &CertifyConfig) -> Result<Exit, Failure> {
    // stderr stays unlocked: the progress display (another thread) writes to it during the run.
    let (mut stdout, mut stderr) = (std::io::stdout().lock(), std::io::stderr());
    let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
    match &cfg.certificate {
        Some(path) => super::certificate::run(&cfg.problem, cfg.output, path, &mut io),
        None => dispatch(&cfg.problem, cfg.output, &mut io),
    }
}

/// A trajectory in the backend the problem file asked for, with the backend's context (precision
/// in bits for the MPFR kinds). Produced by [`integrate`]; `certify` reports it as it is, `check`
/// checks it (point runs after conversion to degenerate enclosures).
#[derive(Debug)]
pub enum Run {
    /// `arithmetic = "f64"`: a non-validated reference run.
    F64(Trajectory<f64>),
    /// `arithmetic = "mpfr"`: a non-validated reference run at `bits` bits.
    Mpfr(Trajectory<Float>, u32),
    /// `arithmetic = "interval"`: a validated run in f64 intervals.
    Interval(Trajectory<Interval>),
    /// `arithmetic = "mpfr-interval"`: a validated run in MPFR intervals (the precision is in its context).
    MpInterval(Trajectory<MpInterval>),
}

/// Chooses the integrator for the problem's (model, arithmetic), runs it and checks the result
/// against the integrator contract (a violation is a bug: exit 70). The single integrate step
/// shared by `certify` and `check`.
///
/// While it runs, a [`Watch`] shows progress on stderr and lets Ctrl-C stop the integrator early
/// (after `progress::arm`): the run then comes back with what it reached, a validated one as
/// `Undecided` with reason "interrupted by the user".
pub fn integrate(problem: &Problem) -> Result<Run, Failure> {
    let watch = Watch::start(problem);
    let run = integrate_with(problem, watch.monitor());
    drop(watch);
    run
}

/// [`integrate`] without a progress display or Ctrl-C of its own: the run polls `m` (when given).
/// For commands that integrate many problems under one display (`search`).
pub fn integrate_with(problem: &Problem, m: Option<Monitor>) -> Result<Run, Failure> {
    super::memory::check_fits(problem)?;
    let bits = problem.run().precision;
    let single = problem.model() == ModelKind::SingleNeuron;
    let run = match problem.run().arithmetic {
        Arithmetic::F64 if single => Run::F64(single_neuron_reference::<f64>(problem, &(), m)?),
        Arithmetic::F64 => Run::F64(two_layer_reference::<f64>(problem, &(), m)?),
        Arithmetic::Mpfr if single => Run::Mpfr(single_neuron_reference::<Float>(problem, &bits, m)?, bits),
        Arithmetic::Mpfr => Run::Mpfr(two_layer_reference::<Float>(problem, &bits, m)?, bits),
        Arithmetic::Interval if single => Run::Interval(single_neuron_validated::<Interval>(problem, &(), m)?),
        Arithmetic::Interval => Run::Interval(two_layer_validated::<Interval>(problem, &(), m)?),
        Arithmetic::MpfrInterval if single => {
            Run::MpInterval(single_neuron_validated::<MpInterval>(problem, &bits, m)?)
        }
        Arithmetic::MpfrInterval => Run::MpInterval(two_layer_validated::<MpInterval>(problem, &bits, m)?),
    };
    match &run {
        Run::F64(t) => check_contract(problem, t)?,
        Run::Mpfr(t, _) => check_contract(problem, t)?,
        Run::Interval(t) => check_contract(problem, t)?,
        Run::MpInterval(t) => check_contract(problem, t)?,
    }
    Ok(run)
}

/// Integrates the problem with the integrator for its (model, arithmetic) and reports the trajectory.
pub fn dispatch(problem: &Problem, out: Output, io: &mut Streams<'_>) -> Result<Exit, Failure> {
    match integrate(problem)? {
        Run::F64(t) => finish(problem, t, out, io),
        Run::Mpfr(t, _) => finish(problem, t, out, io),
        Run::Interval(t) => finish(problem, t, out, io),
        Run::MpInterval(t) => finish(problem, t, out, io),
    }
}

/// Single neuron, validated (`interval`, `mpfr-interval`): the exact piecewise solver of issue 3.
pub fn single_neuron_validated<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    monitor: Option<Monitor>,
) -> Result<Trajectory<S>, Failure> {
    neuron::certify::<S>(problem, ctx, &NeuronOptions { monitor, ..NeuronOptions::default() })
        .map_err(Failure::internal)
}

/// Single neuron, non-validated reference run (`f64`, `mpfr`): the same closed form, no proofs.
pub fn single_neuron_reference<S: Point>(
    problem: &Problem,
    ctx: &S::Ctx,
    monitor: Option<Monitor>,
) -> Result<Trajectory<S>, Failure> {
    let opts = NeuronOptions { monitor, ..NeuronOptions::default() };
    neuron::reference::<S>(problem, ctx, &opts).map(|r| r.trajectory).map_err(Failure::internal)
}

/// Two-layer network, validated (`interval`, `mpfr-interval`): the Taylor integrator with proved
/// switches, at the problem's `[run] order` and `tolerance` (automatic when absent). A scale the
/// backend cannot represent is refused as bad input.
pub fn two_layer_validated<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    monitor: Option<Monitor>,
) -> Result<Trajectory<S>, Failure> {
    let acc = problem.accuracy();
    let opts = ValidatedOptions {
        order: acc.order().map_or(0, |p| p as usize),
        tol_rel: acc.tolerance_f64(),
        monitor,
        ..ValidatedOptions::default()
    };
    net::validated::certify::<S>(problem, ctx, &opts).map_err(|e| match e {
        ValidatedError::Net(e @ NetError::ScaleOutOfRange { .. }) => Failure::bad_input(e),
        e => Failure::internal(e),
    })
}

/// Two-layer network, non-validated reference run (`f64`, `mpfr`): adaptive high-order Taylor, at
/// the problem's `[run] order` and `tolerance` when given.
pub fn two_layer_reference<S: Point>(
    problem: &Problem,
    ctx: &S::Ctx,
    monitor: Option<Monitor>,
) -> Result<Trajectory<S>, Failure> {
    let opts = if S::NAME == "f64" { RefOptions::f64() } else { RefOptions::for_bits(problem.run().precision) };
    let acc = problem.accuracy();
    let opts = RefOptions {
        order: acc.order().map_or(opts.order, |p| p as usize),
        tol: acc.tolerance_f64().unwrap_or(opts.tol),
        monitor,
        ..opts
    };
    net::reference::integrate_problem::<S>(problem, ctx, &opts).map(|r| r.trajectory).map_err(|e| match e {
        e @ NetError::ScaleOutOfRange { .. } => Failure::bad_input(e),
        e => Failure::internal(e),
    })
}

/// Prints the report of a trajectory (already checked against the integrator contract by
/// [`integrate`]) and maps its status to the exit code ([`Exit::of_status`]: certified or
/// not-validated → 0, undecided → 3, interrupted → 130).
pub fn finish<S: Scalar>(
    problem: &Problem,
    traj: Trajectory<S>,
    out: Output,
    io: &mut Streams<'_>,
) -> Result<Exit, Failure> {
    let human = render_human(problem, &traj, out.digits);
    let written = if out.json {
        let exit = Exit::of_status(&traj.status).code();
        let json = crate::report::envelope::to_json(&json_report(problem, &traj, out.digits), Some(exit))
            .map_err(Failure::internal)?;
        writeln!(io.stdout, "{json}").and_then(|()| write!(io.stderr, "{human}"))
    } else {
        write!(io.stdout, "{human}")
    };
    written
        .and_then(|()| io.stdout.flush())
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot write the report: {e}")))?;
    Ok(Exit::of_status(&traj.status))
}

/// What an integrator must satisfy before its result is reported (a violation is a bug: exit 70).
pub fn check_contract<S: Scalar>(problem: &Problem, traj: &Trajectory<S>) -> Result<(), Failure> {
    let bug = |m: String| Err(Failure::internal(anyhow::anyhow!("integrator contract violated: {m}")));
    if S::NAME != problem.run().arithmetic.name() {
        return bug(format!("ran with {} but the file asks for {}", S::NAME, problem.run().arithmetic.name()));
    }
    let validated = problem.run().arithmetic.is_validated();
    match (&traj.status, validated) {
        (Status::NotValidated, true) => return bug("a validated arithmetic returned a not-validated run".into()),
        (Status::Certified | Status::Undecided { .. }, false) => {
            return bug("point arithmetic cannot certify anything".into());
        }
        (Status::Certified, true) if problem.run().t_end == Horizon::Infinite && traj.limit.is_none() => {
            return bug("certified for t_end = inf without a limit".into());
        }
        _ => {}
    }
    let m = problem.init().width();
    let width_ok = |w: &Vec<Vec<S>>| w.len() == m && w.iter().all(|r| r.len() == problem.data().d());
    let a_ok = |a: &Option<Vec<S>>| match (problem.model(), a) {
        (ModelKind::SingleNeuron, None) => true,
        (ModelKind::TwoLayer, Some(a)) => a.len() == m,
        _ => false,
    };
    let states = std::iter::once(&traj.final_state).chain(traj.limit.as_ref().map(|l| &l.state));
    for s in states {
        if !width_ok(&s.w) || !a_ok(&s.a) {
            return bug(format!("a state has the wrong shape for m = {m}, d = {}", problem.data().d()));
        }
    }
    for e in &traj.events {
        if e.neuron >= m || e.point >= problem.data().n() {
            return bug(format!("event names neuron {} / point {} out of range", e.neuron, e.point));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_refuses_honestly_for_now() {
        let base =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vardi-shamir-gamma1.toml")).unwrap();
        for arith in ["f64", "mpfr", "interval", "mpfr-interval"] {
            let bits = if arith.starts_with("mpfr") { "\nprecision = 64" } else { "" };
            let src = base.replace("\"interval\"", &format!("\"{arith}\"{bits}"));
            let p = crate::spec::parse("vs.toml", &src).unwrap();
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
            let result = dispatch(&p, Output { json: true, digits: 17 }, &mut io);
            match result {
                Err(f) if f.exit == Exit::Unsupported => {
                    assert!(f.to_string().contains(&format!("with arithmetic \"{arith}\" yet")), "{f}");
                    assert!(stdout.is_empty(), "a refusal prints no report");
                }
                Err(f) => panic!("{arith}: unexpected failure {f}"),
                // An integrator has been wired: the run ends with a report's exit and a JSON report.
                Ok(exit) => {
                    assert!(matches!(exit, Exit::Success | Exit::Undecided), "{arith}: {exit:?}");
                    let v: serde_json::Value = serde_json::from_slice(&stdout).expect("JSON on stdout");
                    assert_eq!(v["arithmetic"], arith);
                    assert!(!stderr.is_empty(), "human text on stderr");
                }
            }
        }
    }

    #[test]
    fn contract_violations_are_internal_errors() {
        let base =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vardi-shamir-gamma1.toml")).unwrap();
        let p = crate::spec::parse("vs.toml", &base).unwrap();
        let z = Interval::from_rational(&0.into(), &());
        let state = reluflow_flow::State { w: vec![vec![z; 3]], a: None };
        let traj = Trajectory {
            initial: state.clone(),
            segments: vec![],
            events: vec![],
            final_state: state.clone(),
            t_final: z,
            limit: None,
            status: Status::Certified,
        };
        let e = check_contract(&p, &traj).unwrap_err();
        assert_eq!(e.exit, Exit::Internal);
        assert!(e.to_string().contains("without a limit"), "{e}");
        let mut bad = traj.clone();
        bad.final_state.w[0].pop();
        assert!(check_contract(&p, &bad).is_err());
        let wrong_backend = Trajectory::<f64> {
            initial: reluflow_flow::State { w: vec![vec![0.0; 3]], a: None },
            segments: vec![],
            events: vec![],
            final_state: reluflow_flow::State { w: vec![vec![0.0; 3]], a: None },
            t_final: 0.0,
            limit: None,
            status: Status::NotValidated,
        };
        assert!(check_contract(&p, &wrong_backend).unwrap_err().to_string().contains("ran with f64"));
    }

    #[test]
    fn finish_routes_json_and_human_text_and_maps_status_to_exit() {
        let base =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vardi-shamir-gamma1.toml")).unwrap();
        let p = crate::spec::parse("vs.toml", &base.replace("t_end = \"inf\"", "t_end = 1")).unwrap();
        let z = Interval::from_rational(&0.into(), &());
        let state = reluflow_flow::State { w: vec![vec![z; 3]], a: None };
        let traj = Trajectory {
            initial: state.clone(),
            segments: vec![],
            events: vec![],
            final_state: state,
            t_final: z,
            limit: None,
            status: Status::Undecided { reason: reluflow_flow::UndecidedReason::StepUnderflow, certified_until: z },
        };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
        let exit = finish(&p, traj.clone(), Output { json: true, digits: 17 }, &mut io).unwrap();
        assert_eq!(exit, Exit::Undecided);
        let v: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
        assert_eq!(v["status"], "undecided");
        assert_eq!(v["certified_until"], "0");
        assert!(String::from_utf8(stderr).unwrap().starts_with("status: UNDECIDED"));
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
        let mut certified = traj;
        certified.status = Status::Certified;
        assert_eq!(finish(&p, certified, Output { json: false, digits: 5 }, &mut io).unwrap(), Exit::Success);
        assert!(String::from_utf8(stdout).unwrap().starts_with("status: CERTIFIED up to t = 1"));
        assert!(stderr.is_empty());
    }
}
