//! `reluflow certify`: integrate ([`super::integrate`], shared with `check`, `plot` and `export`),
//! then report.

use super::integrate::{Run, integrate};
use crate::cli::{CertifyConfig, Output};
use crate::exit::{Exit, Failure};
use crate::report::{json_report, render_human};
use reluflow_arith::Scalar;
use reluflow_flow::Trajectory;
use reluflow_model::Problem;
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

/// Integrates the problem with the integrator for its (model, arithmetic) and reports the trajectory.
pub fn dispatch(problem: &Problem, out: Output, io: &mut Streams<'_>) -> Result<Exit, Failure> {
    match integrate(problem)? {
        Run::F64(t) => finish(problem, t, out, io),
        Run::Mpfr(t, _) => finish(problem, t, out, io),
        Run::Interval(t) => finish(problem, t, out, io),
        Run::MpInterval(t) => finish(problem, t, out, io),
    }
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
        let exit = Exit::of_status(traj.status()).code();
        let json = crate::report::envelope::to_json(&json_report(problem, &traj, out.digits), Some(exit))
            .map_err(Failure::internal)?;
        writeln!(io.stdout, "{json}").and_then(|()| write!(io.stderr, "{human}"))
    } else {
        write!(io.stdout, "{human}")
    };
    written
        .and_then(|()| io.stdout.flush())
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot write the report: {e}")))?;
    Ok(Exit::of_status(traj.status()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::Interval;
    use reluflow_flow::Status;

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
    fn finish_routes_json_and_human_text_and_maps_status_to_exit() {
        let base =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vardi-shamir-gamma1.toml")).unwrap();
        let p = crate::spec::parse("vs.toml", &base.replace("t_end = \"inf\"", "t_end = 1")).unwrap();
        let z = Interval::from_rational(&0.into(), &());
        let state = reluflow_flow::State { w: vec![vec![z; 3]], a: None };
        let traj = Trajectory::from_parts(reluflow_flow::TrajectoryParts {
            initial: state.clone(),
            segments: vec![],
            events: vec![],
            final_state: state,
            t_final: z,
            limit: None,
            status: Status::Undecided { reason: reluflow_flow::UndecidedReason::StepUnderflow, certified_until: z },
        })
        .unwrap();
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
        certified = certified
            .edit(|p| {
                p.status = Status::Certified;
            })
            .unwrap();
        assert_eq!(finish(&p, certified, Output { json: false, digits: 5 }, &mut io).unwrap(), Exit::Success);
        assert!(String::from_utf8(stdout).unwrap().starts_with("status: CERTIFIED up to t = 1"));
        assert!(stderr.is_empty());
    }
}
