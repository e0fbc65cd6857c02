//! The integrate step that `certify`, `check`, `plot`, `export`, `search` and `reproduce` share:
//! the problem's arithmetic fixes the backend type ([`Backend`]), the model picks the integrator,
//! and the result is checked against the integrator contract before anything reports it.
//!
//! **Wiring an integrator** takes a few lines: replace the body of the matching function below
//! (e.g. [`single_neuron_validated`]) by a call into `reluflow_flow`, mapping its error to a
//! [`Failure`] (`Failure::internal` for a bug, `Failure::bad_input` for a problem the backend cannot represent).
//! An integrator that cannot prove a step returns a trajectory with `Status::Undecided`, not an
//! error: the report and the exit code 3 follow from the status.

use crate::exit::Failure;
use crate::progress::Watch;
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

/// A backend the binary runs: the arithmetic of the problem file it stands for, its context, its
/// integrator for each model, and the [`Run`] variant that holds its trajectory. The match on
/// [`Arithmetic`] in [`integrate_with`] fixes the type; nothing compares backend names.
pub trait Backend: Scalar {
    /// The problem file's arithmetic that selects this backend.
    const ARITHMETIC: Arithmetic;
    /// The precision context for `problem` (`()` or the bits of `[run] precision`).
    fn context(problem: &Problem) -> Self::Ctx;
    /// The single-neuron integrator of this backend.
    fn single_neuron(problem: &Problem, ctx: &Self::Ctx, m: Option<Monitor>) -> Result<Trajectory<Self>, Failure>;
    /// The two-layer integrator of this backend.
    fn two_layer(problem: &Problem, ctx: &Self::Ctx, m: Option<Monitor>) -> Result<Trajectory<Self>, Failure>;
    /// The [`Run`] variant of this backend.
    fn into_run(traj: Trajectory<Self>, ctx: Self::Ctx) -> Run;
}

/// The options of the non-validated two-layer reference integrator for a point backend.
pub trait ReferencePoint: Point {
    /// Defaults for this backend at the problem's precision.
    fn reference_options(problem: &Problem) -> RefOptions;
}

impl ReferencePoint for f64 {
    fn reference_options(_: &Problem) -> RefOptions {
        RefOptions::f64()
    }
}

impl ReferencePoint for Float {
    fn reference_options(problem: &Problem) -> RefOptions {
        RefOptions::for_bits(problem.run().precision)
    }
}

/// `Backend` for one arithmetic: its problem-file name, context, the integrators it runs (the
/// non-validated references for point kinds, the validated ones for enclosures) and its `Run`.
macro_rules! backend {
    ($ty:ty, $arith:expr, $ctx:expr, $variant:expr, $single:ident, $two:ident) => {
        impl Backend for $ty {
            const ARITHMETIC: Arithmetic = $arith;
            fn context(problem: &Problem) -> Self::Ctx {
                $ctx(problem)
            }
            fn single_neuron(p: &Problem, ctx: &Self::Ctx, m: Option<Monitor>) -> Result<Trajectory<Self>, Failure> {
                $single::<Self>(p, ctx, m)
            }
            fn two_layer(p: &Problem, ctx: &Self::Ctx, m: Option<Monitor>) -> Result<Trajectory<Self>, Failure> {
                $two::<Self>(p, ctx, m)
            }
            fn into_run(traj: Trajectory<Self>, ctx: Self::Ctx) -> Run {
                $variant(traj, ctx)
            }
        }
    };
}

fn bits(problem: &Problem) -> u32 {
    problem.run().precision
}

backend!(f64, Arithmetic::F64, |_: &Problem| (), |t, ()| Run::F64(t), single_neuron_reference, two_layer_reference);
backend!(Float, Arithmetic::Mpfr, bits, Run::Mpfr, single_neuron_reference, two_layer_reference);
backend!(
    Interval,
    Arithmetic::Interval,
    |_: &Problem| (),
    |t, ()| Run::Interval(t),
    single_neuron_validated,
    two_layer_validated
);
backend!(
    MpInterval,
    Arithmetic::MpfrInterval,
    bits,
    |t, _| Run::MpInterval(t),
    single_neuron_validated,
    two_layer_validated
);

/// Chooses the integrator for the problem's (model, arithmetic), runs it and checks the result
/// against the integrator contract (a violation is a bug: exit 70). The single integrate step
/// shared by `certify`, `check`, `plot` and `export`.
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
    match problem.run().arithmetic {
        Arithmetic::F64 => run_in::<f64>(problem, m),
        Arithmetic::Mpfr => run_in::<Float>(problem, m),
        Arithmetic::Interval => run_in::<Interval>(problem, m),
        Arithmetic::MpfrInterval => run_in::<MpInterval>(problem, m),
    }
}

/// Runs the problem's model in backend `B` and checks the contract.
fn run_in<B: Backend>(problem: &Problem, m: Option<Monitor>) -> Result<Run, Failure> {
    let ctx = B::context(problem);
    let traj = match problem.model() {
        ModelKind::SingleNeuron => B::single_neuron(problem, &ctx, m)?,
        ModelKind::TwoLayer => B::two_layer(problem, &ctx, m)?,
    };
    check_contract(problem, &traj)?;
    Ok(B::into_run(traj, ctx))
}

/// Single neuron, validated (`interval`, `mpfr-interval`): the exact piecewise solver (`reluflow_flow::neuron`).
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
pub fn two_layer_reference<S: ReferencePoint>(
    problem: &Problem,
    ctx: &S::Ctx,
    monitor: Option<Monitor>,
) -> Result<Trajectory<S>, Failure> {
    let opts = S::reference_options(problem);
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

/// What an integrator must satisfy before its result is reported, beyond what every
/// [`Trajectory`] satisfies by construction (its own shape, times and events in order, no
/// certified non-finite bound, a point backend never certified): the backend the file asked
/// for, a validated arithmetic never returning a not-validated run, a limit for a certified
/// `t_end = inf`, and the problem's dimensions ([`Trajectory::check_problem`], the check the
/// checker shares). A violation is a bug: exit 70.
pub fn check_contract<B: Backend>(problem: &Problem, traj: &Trajectory<B>) -> Result<(), Failure> {
    let bug = |m: String| Err(Failure::internal(anyhow::anyhow!("integrator contract violated: {m}")));
    if B::ARITHMETIC != problem.run().arithmetic {
        let (ran, asked) = (B::ARITHMETIC.name(), problem.run().arithmetic.name());
        return bug(format!("ran with {ran} but the file asks for {asked}"));
    }
    match traj.status() {
        Status::NotValidated if B::ARITHMETIC.is_validated() => {
            return bug("a validated arithmetic returned a not-validated run".into());
        }
        Status::Certified if problem.run().t_end == Horizon::Infinite && traj.limit().is_none() => {
            return bug("certified for t_end = inf without a limit".into());
        }
        _ => {}
    }
    traj.check_problem(problem).or_else(|e| bug(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    #[test]
    fn contract_violations_are_internal_errors() {
        let base =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vardi-shamir-gamma1.toml")).unwrap();
        let p = crate::spec::parse("vs.toml", &base).unwrap();
        let z = Interval::from_rational(&0.into(), &());
        let state = reluflow_flow::State { w: vec![vec![z; 3]], a: None };
        let traj = Trajectory::from_parts(reluflow_flow::TrajectoryParts {
            initial: state.clone(),
            segments: vec![],
            events: vec![],
            final_state: state.clone(),
            t_final: z,
            limit: None,
            status: Status::Certified,
        })
        .unwrap();
        let e = check_contract(&p, &traj).unwrap_err();
        assert_eq!(e.exit, Exit::Internal);
        assert!(e.to_string().contains("without a limit"), "{e}");
        // A ragged state is no trajectory at all; a trajectory of another dimension does not fit.
        assert!(traj.clone().edit(|p| p.final_state.w[0].truncate(2)).is_err());
        let other = traj.clone().edit(|p| {
            for s in [&mut p.initial, &mut p.final_state] {
                s.w[0].truncate(2);
            }
            p.status = Status::Undecided { reason: reluflow_flow::UndecidedReason::StepUnderflow, certified_until: z };
        });
        let e = check_contract(&p, &other.unwrap()).unwrap_err();
        assert!(e.to_string().contains("w is not 1 × 3"), "{e}");
        let wrong_backend = Trajectory::<f64>::from_parts(reluflow_flow::TrajectoryParts {
            initial: reluflow_flow::State { w: vec![vec![0.0; 3]], a: None },
            segments: vec![],
            events: vec![],
            final_state: reluflow_flow::State { w: vec![vec![0.0; 3]], a: None },
            t_final: 0.0,
            limit: None,
            status: Status::NotValidated,
        })
        .unwrap();
        assert!(check_contract(&p, &wrong_backend).unwrap_err().to_string().contains("ran with f64"));
    }
}
